"""Core objects: the one vocabulary every stage speaks.

collectors -> Evidence -> resolve (Match) -> Signal -> indicators (IndicatorHit)
-> Assessment -> Report.  All objects are plain dataclasses that round-trip through
JSON (``to_dict`` / ``from_dict``), so a stored report can be re-scored offline.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

# Caps on everything that comes from outside (characters).
MAX_TITLE = 300
MAX_EXCERPT = 600
MAX_FIELD_TEXT = 1000
# the longest name of a subject, alias or place that a scan accepts: a real name is far
# shorter, and a longer one would go to every source and break the pages
MAX_SUBJECT_NAME = 200


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
    return datetime.now(UTC).replace(microsecond=0)


def clip(text: str | None, limit: int) -> str:
    """Collapse white space and cap ``text`` at ``limit`` characters."""
    if not text:
        return ""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CANONICAL_FORM = "bibobscan-json-1"


def canonical_json(value: Any) -> bytes:
    """The canonical form every bibobscan hash is taken over (docs/dossier.md,
    "Hashes"): JSON with sorted keys, no insignificant white space, non-ASCII written as
    UTF-8 (not escaped), encoded as UTF-8. Dataclasses, dates and enums are written as
    in the report JSON first."""
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Reliability(StrEnum):
    """How much a source's word weighs (BIBOB.md §3.7, element 4): shown with every
    piece of evidence. The grade is the source's kind, not a judgement of one item."""

    REGISTER = "register"  # an official public register (Handelsregister, LEI register)
    PUBLICATION = "publication"  # an official government publication (Gemeenteblad, Staatscourant)
    COURT = "court"  # a published court ruling
    SANCTIONS_LIST = "sanctions_list"  # an official sanctions list (UN Security Council)
    COMPILATION = "compilation"  # a compiled database of lists and sources (OpenSanctions)
    STATISTICS = "statistics"  # official statistics (CBS)
    NEWS = "news"  # a news outlet (headline and lead)
    SEARCH_SNIPPET = "search_snippet"  # a search engine's title and snippet of a web page
    VOLUNTEERED = "volunteered"  # volunteered open data (OpenStreetMap)
    OFFICER = "officer"  # supplied by the officer (questionnaire, earlier conclusion)
    UNKNOWN = "unknown"

    @property
    def dutch(self) -> str:
        return RELIABILITY_LABELS[self]


RELIABILITY_LABELS: dict[Reliability, str] = {
    Reliability.REGISTER: "officieel register",
    Reliability.PUBLICATION: "officiële publicatie",
    Reliability.COURT: "rechterlijke uitspraak",
    Reliability.SANCTIONS_LIST: "officiële sanctielijst",
    Reliability.COMPILATION: "samengestelde databank (lijsten en bronnen van derden)",
    Reliability.STATISTICS: "officiële statistiek",
    Reliability.NEWS: "nieuwsmedium (kop en inleiding)",
    Reliability.SEARCH_SNIPPET: "fragment van een zoekmachine",
    Reliability.VOLUNTEERED: "open data van vrijwilligers",
    Reliability.OFFICER: "aangeleverd door de behandelaar",
    Reliability.UNKNOWN: "onbekend",
}


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
    # How the officer established the subject's identity (BIBOB.md §3.7, element 2), e.g.
    # "KvK-uittreksel bij de aanvraag", "identiteitsbewijs gezien aan de balie", and when.
    identified_by: str = ""
    identified_on: date | None = None
    # In a case file with several subjects: this one's role (aanvrager, bestuurder,
    # financier, ...) and its relation to the others ("bestuurder van subject 1").
    role: str = ""
    relation: str = ""

    @property
    def names(self) -> list[str]:
        return [n for n in [self.name, *self.aliases] if n]


@dataclass(slots=True)
class Case:
    """Why this scan exists (BIBOB.md §3.7, elements 1 and 7)."""

    case_id: str
    purpose: str  # doel: what the research is for
    legal_ground: str = "Wet Bibob art. 3"
    officer: str = ""  # behandelaar
    created_on: date = field(default_factory=lambda: utcnow().date())
    confidentiality: str = "Vertrouwelijk - Wet Bibob art. 28"
    retention_until: date | None = None
    zaaktype: str = "Bibob-onderzoek"
    reason: str = ""  # aanleiding: why this subject (the application, a signal, ...)
    authority: str = ""  # bestuursorgaan, e.g. "burgemeester van Tilburg"
    decision_type: str = ""  # type of beschikking / subsidie / opdracht, e.g. "exploitatievergunning horeca"
    policy_rule: str = ""  # the policy rule (beleidsregel) and article that triggered the scan, CVDR link
    reviewer: str = ""  # who checks the officer's conclusion (four eyes)
    distribution: list[str] = field(default_factory=list)  # named distribution list (art. 28)


@dataclass(slots=True)
class SourceRun:
    source: str
    status: SourceStatus
    hits: int = 0
    query: str = ""
    error: str | None = None  # why the source did not deliver: a Dutch sentence for the officer
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
    endpoint: str = ""  # base URL asked (or the bundled file's name), never a key
    reliability: str = ""  # a Reliability value: the kind of source
    # the raw technical text behind ``error`` (the exception, the HTTP status, the host),
    # shown apart from it in the report for the administrator
    technische_melding: str = ""

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
    # sha256 over the canonical form of exactly what the report keeps of this item
    # (CONTENT_FIELDS); set by the scan, checked whenever a report is read back.
    content_sha256: str = ""

    @staticmethod
    def make_id(source: str, *parts: str) -> str:
        digest = hashlib.sha1("\x1f".join((source, *parts)).encode("utf-8")).hexdigest()
        return f"{source}-{digest[:12]}"

    def content(self) -> dict[str, Any]:
        """What the report keeps of this item and ``content_sha256`` covers: everything
        observed, not the resolver's verdict (recomputed on every rescore)."""
        return {name: to_jsonable(getattr(self, name)) for name in CONTENT_FIELDS}

    def compute_content_sha256(self) -> str:
        return sha256_hex(canonical_json(self.content()))

    def judged_sha256(self) -> str:
        """sha256 of what a person judges: the content without ``retrieved_at`` and the
        raw response's ``sha256``, which change on every fetch (a news feed's answer
        changes with its other items). A disposition records it; it lapses when this
        changes (another headline, excerpt, date or field under the same id)."""
        content = self.content()
        for name in REFETCH_FIELDS:
            content.pop(name, None)
        return sha256_hex(canonical_json(content))


# The evidence fields content_sha256 is taken over (docs/dossier.md, "Hashes").
CONTENT_FIELDS = ("id", "source", "kind", "url", "query", "retrieved_at", "sha256", "title", "excerpt", "published_at", "fields", "supplied_by")
# The fields that change when the same item is fetched again (not what a person judged).
REFETCH_FIELDS = ("retrieved_at", "sha256")


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
    status: str = ""  # the indicator's status: experimental / test / stable
    suppressed_ids: list[str] = field(default_factory=list)  # evidence the profile left out for this indicator
    # one event counts once (profile one_event_once): at the indicator that scores an
    # event, the other indicators that report it ("ook gemeld als ...") and the other
    # reports of it (evidence ids not in evidence_ids: other outlets, the publication);
    # at an indicator that lost an event to another, that indicator's title
    also_reported_as: list[str] = field(default_factory=list)
    same_event_ids: list[str] = field(default_factory=list)
    counted_under: list[str] = field(default_factory=list)


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


# --- what people did with the scan (BIBOB.md §3.7, elements 5, 6 and 8) ---------------


class DispositionAction(StrEnum):
    CONFIRMED = "confirmed"  # the officer confirms: this item is about the subject
    NAMESAKE = "namesake"  # cleared: another person or company with the same name
    NOT_RELEVANT = "not_relevant"  # cleared: about the subject, but not relevant to the question

    @property
    def dutch(self) -> str:
        return {"confirmed": "bevestigd", "namesake": "naamgenoot", "not_relevant": "niet relevant"}[self.value]

    @property
    def clears(self) -> bool:
        return self is not DispositionAction.CONFIRMED


@dataclass(slots=True)
class Disposition:
    """A person's judgement of one evidence item in this case (an accept list entry)."""

    evidence_id: str
    action: DispositionAction
    reason: str
    by: str
    at: datetime
    content_sha256: str = ""  # Evidence.judged_sha256() of the item as it was judged; a changed item is flagged


class Degree(StrEnum):
    """The officer's conclusion in the terms of Wet Bibob art. 3."""

    NONE = "geen"  # geen gevaar
    LESSER = "mindere_mate"  # mindere mate van gevaar (art. 3 lid 7): voorschriften
    SERIOUS = "ernstig"  # ernstig gevaar (art. 3 lid 1)

    @property
    def dutch(self) -> str:
        return {"geen": "geen gevaar", "mindere_mate": "mindere mate van gevaar (art. 3 lid 7)", "ernstig": "ernstig gevaar (art. 3 lid 1)"}[self.value]


@dataclass(slots=True)
class Conclusion:
    degree: Degree
    reasoning: str  # the proportionality reasoning (evenredigheid, art. 3 lid 5)
    by: str
    at: datetime
    conditions: str = ""  # voorschriften, for a lesser degree
    lbb_advice: bool = False  # the officer proposes to ask the LBB for advice


@dataclass(slots=True)
class SignOff:
    """The reviewer's sign-off on the conclusion (four eyes: never the officer)."""

    by: str
    at: datetime
    note: str = ""
    conclusion_at: datetime | None = None  # the conclusion it approves; a newer one lapses it


@dataclass(slots=True)
class Attachment:
    name: str
    sha256: str
    size: int
    media_type: str = "application/octet-stream"


@dataclass(slots=True)
class Zienswijze:
    """What was shared with the applicant and their response (Wet Bibob art. 32/33)."""

    shared_on: date
    shared: str  # what was shared (the intended decision, findings, ...)
    by: str
    at: datetime
    response_on: date | None = None
    response: str = ""  # the applicant's response, or a summary of it
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(slots=True)
class Review:
    dispositions: list[Disposition] = field(default_factory=list)
    conclusion: Conclusion | None = None
    signoff: SignOff | None = None
    zienswijze: list[Zienswijze] = field(default_factory=list)

    def disposition_for(self, evidence_id: str) -> Disposition | None:
        """The latest disposition of an item (later ones replace earlier ones)."""
        found = None
        for d in self.dispositions:
            if d.evidence_id == evidence_id:
                found = d
        return found

    def effective(self) -> dict[str, Disposition]:
        return {d.evidence_id: d for d in self.dispositions}


@dataclass(slots=True)
class FileInfo:
    """Where this report stands in its case file (docs/dossier.md)."""

    version: int = 1  # the report version within the case (numbered across its subjects)
    scan: int = 1  # the scan whose evidence it shows
    subject_no: int = 1  # which subject of the case this report is about
    file_version: int = 1  # 1, then +1 each time a finalised file is reopened
    others: list[str] = field(default_factory=list)  # the case's other subjects: "2. Jan Jansen (bestuurder)"
    status: str = "gescand"  # concept, gescand, beoordeeld, zienswijze, vastgesteld, gearchiveerd, vernietigd
    finalised_at: datetime | None = None
    finalised_by: str = ""
    raw_bodies: str = ""  # "in_store" (open case), "dropped" or "kept" (archived with the file)


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
    review: Review = field(default_factory=Review)
    file: FileInfo | None = None  # None: a report outside a case file

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
        identified_by=d.get("identified_by", ""),
        identified_on=_date(d.get("identified_on")),
        role=d.get("role", ""),
        relation=d.get("relation", ""),
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
        reason=d.get("reason", ""),
        authority=d.get("authority", ""),
        decision_type=d.get("decision_type", ""),
        policy_rule=d.get("policy_rule", ""),
        reviewer=d.get("reviewer", ""),
        distribution=[str(x) for x in d.get("distribution") or []],
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
        endpoint=d.get("endpoint", ""),
        reliability=d.get("reliability", ""),
        technische_melding=d.get("technische_melding", ""),
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
        content_sha256=d.get("content_sha256", ""),
    )


def _required_datetime(d: dict[str, Any], key: str, what: str) -> datetime:
    value = _datetime(d.get(key))
    if value is None:
        raise ValueError(f"{what} has no {key}")
    return value


def review_from_dict(d: dict[str, Any] | None) -> Review:
    if not d:
        return Review()
    dispositions = [
        Disposition(
            evidence_id=x["evidence_id"], action=DispositionAction(x["action"]), reason=x.get("reason", ""),
            by=x.get("by", ""), at=_required_datetime(x, "at", "a disposition"), content_sha256=x.get("content_sha256", ""),
        )
        for x in d.get("dispositions") or []
    ]
    c = d.get("conclusion")
    conclusion = Conclusion(
        degree=Degree(c["degree"]), reasoning=c.get("reasoning", ""), by=c.get("by", ""), at=_required_datetime(c, "at", "the conclusion"),
        conditions=c.get("conditions", ""), lbb_advice=bool(c.get("lbb_advice", False)),
    ) if c else None
    so = d.get("signoff")
    signoff = SignOff(by=so.get("by", ""), at=_required_datetime(so, "at", "the sign-off"), note=so.get("note", ""),
                      conclusion_at=_datetime(so.get("conclusion_at"))) if so else None
    zienswijze = []
    for z in d.get("zienswijze") or []:
        shared_on = _date(z.get("shared_on"))
        if shared_on is None:
            raise ValueError("a zienswijze record has no shared_on")
        zienswijze.append(Zienswijze(
            shared_on=shared_on, shared=z.get("shared", ""), by=z.get("by", ""), at=_required_datetime(z, "at", "a zienswijze record"),
            response_on=_date(z.get("response_on")), response=z.get("response", ""),
            attachments=[Attachment(**a) for a in z.get("attachments") or []],
        ))
    return Review(dispositions=dispositions, conclusion=conclusion, signoff=signoff, zienswijze=zienswijze)


def file_info_from_dict(d: dict[str, Any] | None) -> FileInfo | None:
    if not d:
        return None
    return FileInfo(
        version=int(d.get("version", 1)), scan=int(d.get("scan", 1)), status=d.get("status", ""),
        subject_no=int(d.get("subject_no", 1)), file_version=int(d.get("file_version", 1)), others=[str(x) for x in d.get("others") or []],
        finalised_at=_datetime(d.get("finalised_at")), finalised_by=d.get("finalised_by", ""), raw_bodies=d.get("raw_bodies", ""),
    )
