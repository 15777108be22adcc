"""The demo case: subjects, case data and settings of the fictional demo world."""

from __future__ import annotations

import tomllib
from datetime import date

from ..config import Settings, settings_from_mapping
from ..model import Case, Municipality, Subject, SubjectKind
from .replay import WORLD

REFERENCE_DATE = date(2026, 11, 20)
TILBURG = Municipality(code="GM0855", name="Tilburg")

PERSON = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14), municipality=TILBURG,
                 identified_by="Identiteitsbewijs getoond aan de balie bij de aanvraag (fictief)", identified_on=date(2026, 11, 2),
                 role="aanvrager, bestuurder van Voorbeeld Shisha Lounge B.V.")
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011", municipality=TILBURG,
                  identified_by="KvK-uittreksel bij de aanvraag (fictief)", identified_on=date(2026, 11, 2), role="aanvrager (exploitant)")


def demo_case(case_id: str = "DEMO-2026-001") -> Case:
    return Case(
        case_id=case_id,
        purpose="Beoordelen of er gevaar is als bedoeld in art. 3 Wet Bibob bij het verlenen van de exploitatievergunning – fictieve demonstratiecasus",
        reason="Aanvraag exploitatievergunning horeca (shishalounge), Demostraat 1, ingediend 2026-11-02; shishalounges vallen onder de Bibob-beleidsregel (fictief)",
        legal_ground="Wet Bibob art. 3 lid 1 en art. 7a; Bibob-beleidsregel gemeente (fictief)",
        policy_rule="Bibob-beleidsregel Tilburg (fictief), art. 3: exploitatievergunningen horeca met een risicoprofiel",
        authority="Burgemeester van Tilburg (fictief)",
        decision_type="Beschikking: exploitatievergunning horeca (APV)",
        officer="Demo-behandelaar",
        reviewer="Demo-reviewer",
        distribution=["Demo-behandelaar, team Bibob", "Demo-reviewer, team Bibob", "Burgemeester (besluit)"],
        created_on=REFERENCE_DATE,
        retention_until=date(REFERENCE_DATE.year + 5, REFERENCE_DATE.month, REFERENCE_DATE.day),
    )


def demo_settings() -> Settings:
    data = tomllib.loads((WORLD / "settings.toml").read_text(encoding="utf-8"))
    return settings_from_mapping(data, path=WORLD / "settings.toml")
