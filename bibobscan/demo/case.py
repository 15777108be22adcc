"""The demo case: subjects, case data and settings of the fictional demo world."""

from __future__ import annotations

import tomllib
from datetime import date

from ..config import Settings, settings_from_mapping
from ..model import Case, Municipality, Subject, SubjectKind
from .replay import WORLD

REFERENCE_DATE = date(2026, 11, 20)
TILBURG = Municipality(code="GM0855", name="Tilburg")

PERSON = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14), municipality=TILBURG)
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011", municipality=TILBURG)


def demo_case(case_id: str = "DEMO-2026-001") -> Case:
    return Case(
        case_id=case_id,
        purpose="Aanvraag exploitatievergunning horeca (shishalounge), Demostraat 1 – fictieve demonstratiecasus",
        legal_ground="Wet Bibob art. 3; Bibob-beleidsregel gemeente (fictief)",
        officer="Demo-behandelaar",
        created_on=REFERENCE_DATE,
        retention_until=date(REFERENCE_DATE.year + 5, REFERENCE_DATE.month, REFERENCE_DATE.day),
    )


def demo_settings() -> Settings:
    data = tomllib.loads((WORLD / "settings.toml").read_text(encoding="utf-8"))
    return settings_from_mapping(data, path=WORLD / "settings.toml")
