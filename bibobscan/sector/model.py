"""The sector report: one model that the HTML, CSV, XLSX and JSON renderers all read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..model import (
    Assessment,
    Case,
    Evidence,
    IndicatorHit,
    Signal,
    SourceRun,
    Subject,
    to_jsonable,
)

NO_PERSON_RESEARCH = (
    "Er is geen persoonsgericht open-bronnenonderzoek gedaan. Deze branchescan gebruikt alleen "
    "openbare gegevens over ondernemingen en het gebied: het Handelsregister (KvK), OpenStreetMap, "
    "CBS-bevolkingscijfers en officiële bekendmakingen (KOOP) op de naam van de vestiging. Er is per "
    "vestiging niet gezocht in nieuws, sociale media of andere bronnen over personen: zonder concrete "
    "aanleiding zou dat stelselmatig onderzoek zijn (Handreiking online onderzoek door gemeenten, 2023). "
    "Persoonsgericht onderzoek hoort alleen in een afzonderlijke Bibob-scan met een vastgelegde aanleiding."
)
SIGNAL_NOT_DECISION = (
    "De rangorde is een signaal voor het plannen van toezicht en controles, geen besluit en geen oordeel "
    "over een ondernemer. De punten tellen aanwijzingen uit register- en openbare gegevens op; een hoge "
    "plaats betekent \u201ceerst gaan kijken\u201d, niet \u201cer is iets mis\u201d. Alleen het bestuursorgaan weegt "
    "feiten (Wet Bibob art. 3); een geautomatiseerde uitkomst is nooit de grond van een besluit (art. 22 AVG)."
)
DISCOVERY_LIMITS = (
    "Vestigingen zijn gevonden via OpenStreetMap (op CBS-gemeentecode) en daarna per adres opgezocht in "
    "het Handelsregister. KvK Zoeken kan niet filteren op SBI-code of gemeente: vestigingen die niet in "
    "OpenStreetMap staan, en niet ingeschreven zijn op een adres dat daar wel staat, zijn niet gevonden. "
    "OpenStreetMap wordt door vrijwilligers bijgehouden en is onvolledig; ook de dichtheid tegen het "
    "landelijke niveau vergelijkt OpenStreetMap met zichzelf."
)


@dataclass(slots=True)
class RankedEstablishment:
    rank: int
    id: str
    name: str
    address: str
    postcode: str
    city: str
    lat: float | None
    lon: float | None
    sources: str
    matched_on: str  # tags / name / kvk
    kvk: str
    kvk_name: str
    match_note: str
    registered_on: str
    sbi_main: str
    points: float
    band: str  # the scoring profile's band id
    band_label: str  # neutral priority wording (see rank.priority_labels), not the person/company label
    hits: list[IndicatorHit] = field(default_factory=list)  # outcome hit, most points first
    insufficient: list[str] = field(default_factory=list)  # titles of indicators without data
    notes: str = ""
    in_cluster: bool = False
    evidence_ids: list[str] = field(default_factory=list)
    # notices that only share a non-distinctive name: "id (date, kind): title – why", never scored
    possible_publications: list[str] = field(default_factory=list)
    # False when no indicator about the establishment itself could be evaluated (no
    # register, publication or activity data): its 0 points then mean "not assessable",
    # never "low risk", and it is listed apart from the ranking (rank.UNASSESSABLE)
    assessable: bool = True


@dataclass(slots=True)
class SectorReport:
    subject: Subject
    preset: str | None
    label: str
    sources: list[SourceRun]
    evidence: list[Evidence]
    establishments: list[RankedEstablishment]
    area_signals: list[Signal]
    area_hits: list[IndicatorHit]
    area_assessment: Assessment
    indicator_set: dict[str, Any]
    generated_at: datetime
    tool_version: str
    reference_date: date
    demo: bool = False
    radius: int = 250
    outside_area: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # shown at the top of the report and on the command line
    priorities: list[str] = field(default_factory=list)  # "lagere prioriteit: minder dan 25 punten", ... (profile thresholds)
    no_person_research: str = NO_PERSON_RESEARCH
    signal_not_decision: str = SIGNAL_NOT_DECISION
    discovery_limits: str = DISCOVERY_LIMITS
    # The file this ranking belongs to (case number, purpose, officer, marking, retention
    # date): inspection planning has a zaak too. None only for a report made by a
    # library call without one, or written before sector reports carried a case.
    case: Case | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)  # type: ignore[no-any-return]
