"""Core objects: the one vocabulary every stage speaks.

collectors -> Evidence -> resolve (Match) -> Signal -> indicators (IndicatorHit)
-> Assessment -> Report.  All objects are plain dataclasses that round-trip through
JSON (``to_dict`` / ``from_dict``), so a stored report can be re-scored offline.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any

# Caps on everything that comes from outside (characters).
MAX_TITLE = 300
MAX_EXCERPT = 600
MAX_FIELD_TEXT = 1000


class SubjectKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"
    SECTOR = "sector"

    @property
    def dutch(self) -> str:
        return {"person": "persoon", "company": "onderneming", "sector": "branche"}[self.value]


class SourceStatus(StrEnum):
    OK = "ok"
    NO_RESULTS = "no_results"
    FAILED = "failed"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    NOT_CONFIGURED = "not_configured"
    SKIPPED = "skipped"

    @property
    def consulted(self) -> bool:
        """True when the source answered, with or without hits."""
        return self in (SourceStatus.OK, SourceStatus.NO_RESULTS)

    @property
    def missing(self) -> bool:
        """True when an applicable source was not consulted: the research is incomplete."""
        return self in (SourceStatus.FAILED, SourceStatus.TIMEOUT, SourceStatus.RATE_LIMITED, SourceStatus.NOT_CONFIGURED)


class Verdict(StrEnum):
    MATCH = "match"
    POSSIBLE = "possible"  # possible namesake: kept apart, never scored
    NO_MATCH = "no_match"


class Outcome(StrEnum):
    HIT = "hit"
    NO_HIT = "no_hit"
    INSUFFICIENT = "insufficient"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def clip(text: str | None, limit: int) -> str:
    """Collapse white space and cap ``text`` at ``limit`` characters."""
    if not text:
        return ""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Municipality:
    code: str  # CBS code "GM0855"
    name: str


@dataclass(slots=True)
class SectorSpec:
    """What a sector (branche) scan looks for: a named preset or SBI codes, in an area."""

    preset: str | None = None  # e.g. "kappers"; see the sector presets data file
    sbi_codes: list[str] = field(default_factory=list)  # strings, leading zeros kept
    sbi_version: str = "2008"  # "2008" or "2025"
    osm_tags: list[dict[str, str]] = field(default_factory=list)  # e.g. [{"shop": "hairdresser"}]
    postcodes: list[str] = field(default_factory=list)  # optional narrowing (4-digit PC4 or full)


@dataclass(slots=True)
class Subject:
    kind: SubjectKind
    name: str
    aliases: list[str] = field(default_factory=list)
    born: date | None = None
    kvk: str | None = None
    municipality: Municipality | None = None
    places: list[str] = field(default_factory=list)  # woonplaatsen known to belong to the subject
    sector: SectorSpec | None = None  # only for kind == sector

    @property
    def names(self) -> list[str]:
        return [n for n in [self.name, *self.aliases] if n]


@dataclass(slots=True)
class Case:
    case_id: str
    purpose: str
    legal_ground: str = "Wet Bibob art. 3"
    officer: str = ""
    created_on: date = field(default_factory=lambda: utcnow().date())
    confidentiality: str = "Vertrouwelijk - Wet Bibob art. 28"
    retention_until: date | None = None
    zaaktype: str = "Bibob-onderzoek"


@dataclass(slots=True)
class SourceRun:
    source: str
    status: SourceStatus
    hits: int = 0
    query: str = ""
    error: str | None = None
    started_at: datetime | None = None
    duration_ms: int = 0
    title: str = ""
    licence: str = ""
    notes: list[str] = field(default_factory=list)
    # Signal types this source could not deliver in this run although it answered
    # (e.g. KvK number not found, visit address shielded), and types for which its
    # answer is incomplete (some of its requests failed). Neither reads as "no hit".
    uncovered: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    # Types the source holds nothing on for this subject though it answered in full
    # (no LEI): "onvoldoende gegevens" for their indicators, not an incomplete scan.
    absent: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return self.status.missing or bool(self.uncovered or self.partial)


@dataclass(slots=True)
class MatchFeature:
    """One named reason in a match score (nomenklatura style)."""

    name: str
    weight: float
    sentence: str  # Dutch, for the report


@dataclass(slots=True)
class Match:
    verdict: Verdict
    confidence: float
    features: list[MatchFeature] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [f.sentence for f in self.features]


@dataclass(slots=True)
class Evidence:
    """One observed fact with its provenance. Never a whole article."""

    id: str
    source: str
    kind: str  # see bibobscan.signals for the kinds and their fields
    url: str
    query: str
    retrieved_at: datetime
    sha256: str  # of the raw response body this evidence was read from
    title: str = ""
    excerpt: str = ""
    published_at: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    match: Match | None = None
    supplied_by: str = "source"  # "source" or "officer" (manual facts)

    @staticmethod
    def make_id(source: str, *parts: str) -> str:
        digest = hashlib.sha1("\x1f".join((source, *parts)).encode("utf-8")).hexdigest()
        return f"{source}-{digest[:12]}"


@dataclass(slots=True)
class Signal:
    """A typed fact derived from evidence; indicators are written against these only."""

    type: str
    attrs: dict[str, Any] = field(default_factory=dict)
    evidence_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class IndicatorHit:
    indicator_id: str
    version: int
    title: str
    outcome: Outcome
    themes: list[str] = field(default_factory=list)
    legal_anchor: str = ""
    band: str | None = None
    points: float = 0.0
    sentence: str = ""
    evidence_ids: list[str] = field(default_factory=list)
    reason: str = ""  # why insufficient / why no hit
    suppressed: list[str] = field(default_factory=list)  # profile suppressions applied (reasons)


@dataclass(slots=True)
class Assessment:
    total_points: float
    band: str
    band_label: str
    points_per_theme: dict[str, float] = field(default_factory=dict)
    hits: int = 0
    insufficient: int = 0
    caveats: list[str] = field(default_factory=list)
    complete: bool = True  # False when a source was not (fully) consulted
    statement: str = (
        "Deze score is een signaal voor nader onderzoek en geen besluit. Alleen het "
        "bestuursorgaan weegt de feiten en bepaalt of er sprake is van (ernstig) gevaar "
        "in de zin van de Wet Bibob (art. 3); een geautomatiseerde uitkomst is nooit de "
        "grond van een besluit (art. 22 AVG)."
    )


@dataclass(slots=True)
class Report:
    subject: Subject
    case: Case
    sources: list[SourceRun]
    evidence: list[Evidence]
    signals: list[Signal]
    indicators: list[IndicatorHit]
    assessment: Assessment
    generated_at: datetime
    tool_version: str
    indicator_set: dict[str, Any] = field(default_factory=dict)  # {"hash", "path", "profile", "profile_hash"}
    demo: bool = False
    reference_date: date | None = None  # "today" for age computations; kept for rescore

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)  # type: ignore[no-any-return]


# --- JSON round trip -------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def _date(v: Any) -> date | None:
    return date.fromisoformat(v) if v else None


def _datetime(v: Any) -> datetime | None:
    return datetime.fromisoformat(v) if v else None


def subject_from_dict(d: dict[str, Any]) -> Subject:
    m = d.get("municipality")
    return Subject(
        kind=SubjectKind(d["kind"]),
        name=d["name"],
        aliases=list(d.get("aliases") or []),
        born=_date(d.get("born")),
        kvk=d.get("kvk"),
        municipality=Municipality(**m) if m else None,
        places=list(d.get("places") or []),
        sector=SectorSpec(**d["sector"]) if d.get("sector") else None,
    )


def case_from_dict(d: dict[str, Any]) -> Case:
    return Case(
        case_id=d["case_id"],
        purpose=d["purpose"],
        legal_ground=d.get("legal_ground", ""),
        officer=d.get("officer", ""),
        created_on=_date(d.get("created_on")) or utcnow().date(),
        confidentiality=d.get("confidentiality", ""),
        retention_until=_date(d.get("retention_until")),
        zaaktype=d.get("zaaktype", ""),
    )


def source_run_from_dict(d: dict[str, Any]) -> SourceRun:
    return SourceRun(
        source=d["source"],
        status=SourceStatus(d["status"]),
        hits=int(d.get("hits", 0)),
        query=d.get("query", ""),
        error=d.get("error"),
        started_at=_datetime(d.get("started_at")),
        duration_ms=int(d.get("duration_ms", 0)),
        title=d.get("title", ""),
        licence=d.get("licence", ""),
        notes=list(d.get("notes") or []),
        uncovered=list(d.get("uncovered") or []),
        absent=list(d.get("absent") or []),
        partial=list(d.get("partial") or []),
    )


def evidence_from_dict(d: dict[str, Any]) -> Evidence:
    m = d.get("match")
    match = None
    if m:
        match = Match(
            verdict=Verdict(m["verdict"]),
            confidence=float(m["confidence"]),
            features=[MatchFeature(**f) for f in m.get("features", [])],
        )
    retrieved = _datetime(d.get("retrieved_at"))
    if retrieved is None:
        raise ValueError(f"evidence {d.get('id')!r} has no retrieved_at")
    return Evidence(
        id=d["id"],
        source=d["source"],
        kind=d["kind"],
        url=d.get("url", ""),
        query=d.get("query", ""),
        retrieved_at=retrieved,
        sha256=d.get("sha256", ""),
        title=d.get("title", ""),
        excerpt=d.get("excerpt", ""),
        published_at=d.get("published_at"),
        fields=dict(d.get("fields") or {}),
        match=match,
        supplied_by=d.get("supplied_by", "source"),
    )
