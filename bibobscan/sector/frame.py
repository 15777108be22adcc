"""The establishments of a sector scan as one pandas DataFrame (one row per establishment).

Columns (all present, also when a source did not deliver; missing numbers are NaN):

| column | meaning |
|---|---|
| ``id``, ``name``, ``street``, ``house_number``, ``postcode``, ``city``, ``address`` | identification; ``address`` is "Knipstraat 14, Tilburg" |
| ``lat``, ``lon`` | coordinates (OpenStreetMap; a KvK-only establishment takes those of its address) |
| ``matched_on`` | tags / name / kvk (how it was found) |
| ``sources`` | "OSM node/1; KvK 99100004" |
| ``osm_evidence`` | tuple of evidence ids of its OpenStreetMap objects |
| ``address_ok`` | KvK Zoeken answered for its address |
| ``registrations_active``, ``registrations_ended``, ``registrations_total`` | registrations at the address (distinct KvK numbers) |
| ``address_evidence`` | evidence id of the address lookup ("" when none) |
| ``kvk``, ``kvk_name``, ``match_note`` | the joined registration and why |
| ``profile_ok``, ``profile_evidence`` | its Basisprofiel was read |
| ``registered_on``, ``age_days`` | registration date (ISO) and its age on the reference date |
| ``legal_form`` | rechtsvorm |
| ``sbi`` | list of {code, version, main, description, in_sector} |
| ``sbi_main`` | "96210 Kappers en barbiers" |
| ``publications_ok``, ``publications`` | KOOP answered; credited notices: list of {kind, identifier, title, date, creator, evidence, why} |
| ``possible_publications`` | notices that only share a non-distinctive name: shown, never scored (same fields) |
| ``notes`` | what a source did not deliver for this establishment (Dutch) |
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from .discover import Establishment

COLUMNS = (
    "id", "name", "street", "house_number", "postcode", "city", "address", "lat", "lon", "matched_on",
    "sources", "osm_evidence", "address_ok", "registrations_active", "registrations_ended",
    "registrations_total", "address_evidence", "kvk", "kvk_name", "match_note", "profile_ok",
    "profile_evidence", "registered_on", "age_days", "legal_form", "sbi", "sbi_main",
    "publications_ok", "publications", "possible_publications", "notes",
)


def display_address(street: str, number: str, city: str) -> str:
    core = " ".join(p for p in (street, number) if p)
    return ", ".join(p for p in (core, city) if p)


def _age(iso: str | None, reference: date) -> float:
    if not iso:
        return float("nan")
    try:
        return float((reference - date.fromisoformat(str(iso)[:10])).days)
    except ValueError:
        return float("nan")


def _notes(e: Establishment) -> str:
    notes = []
    if e.address_note:
        notes.append(e.address_note)
    if e.profile_status not in ("ok", "not_looked_up", "not_configured") and e.profile_note and e.profile_note not in notes:
        notes.append(e.profile_note)
    if e.publication_status != "ok" and e.publication_note:
        notes.append(e.publication_note)
    return "; ".join(notes)


def establishment_frame(establishments: list[Establishment], reference: date) -> pd.DataFrame:
    """One row per establishment, in the order given."""
    rows: list[dict[str, Any]] = []
    for e in establishments:
        main = next((s for s in e.sbi if s.get("main")), None)
        rows.append({
            "id": e.id, "name": e.name or e.kvk_name, "street": e.street, "house_number": e.house_number,
            "postcode": e.postcode, "city": e.city, "address": display_address(e.street, e.house_number, e.city),
            "lat": e.lat if e.lat is not None else np.nan, "lon": e.lon if e.lon is not None else np.nan,
            "matched_on": e.matched_on, "sources": "; ".join(e.sources),
            "osm_evidence": tuple(e.osm_evidence),
            "address_ok": e.address_status == "ok",
            "registrations_active": e.registrations_active if e.registrations_active is not None else np.nan,
            "registrations_ended": e.registrations_ended if e.registrations_ended is not None else np.nan,
            "registrations_total": e.registrations_total if e.registrations_total is not None else np.nan,
            "address_evidence": e.address_evidence or "",
            "kvk": e.kvk or "", "kvk_name": e.kvk_name, "match_note": e.match_note,
            "profile_ok": e.profile_status == "ok", "profile_evidence": e.profile_evidence or "",
            "registered_on": e.registered_on or "", "age_days": _age(e.registered_on, reference),
            "legal_form": e.legal_form, "sbi": list(e.sbi),
            "sbi_main": f"{main['code']} {main.get('description', '')}".strip() if main else "",
            "publications_ok": e.publication_status == "ok", "publications": list(e.publications),
            "possible_publications": list(e.possible_publications),
            "notes": _notes(e),
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.reset_index(drop=True)
