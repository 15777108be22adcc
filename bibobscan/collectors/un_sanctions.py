"""UN Security Council consolidated sanctions list, matched locally.

No network: the subject's names are compared with a snapshot of the UN consolidated
list (XML) that ships with the package (``bibobscan/data/``), or with a newer copy of
the same file named by the optional setting ``path``. The list is parsed once (with defusedxml) and kept
per process; a compact index of it on disk (``_un_index``) spares the next process
the parse.

This collector only *selects candidates*: every listed individual (for a person) or
entity (for a company) whose name is similar enough becomes one ``sanctions.entry``
evidence item with the similarity in ``source_score``. Whether a candidate is the
subject, a possible namesake or nobody is decided later by the resolver (birth dates).

Provenance of the evidence: ``retrieved_at`` is the list's own ``dateGenerated`` (the
snapshot date), **not** a fetch time, and ``sha256`` is that of the list file. The
nationality and other special-category data in the list are never copied.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped,unused-ignore]
from defusedxml import ElementTree as SafeET  # type: ignore[import-untyped,unused-ignore]
from rapidfuzz import fuzz, process

from .. import matching
from ..errors import MalformedResponse, SourceError
from ..model import (
    MAX_EXCERPT,
    MAX_FIELD_TEXT,
    MAX_TITLE,
    Evidence,
    Reliability,
    Subject,
    SubjectKind,
    clip,
)
from . import _un_index
from ._base import CollectContext, Collected, Collector

STALE_AFTER_DAYS = 90  # a bundled snapshot older than this is flagged in the report

BUNDLED_FILE = "un_sc_consolidated_2026-02-27.xml"
BUNDLED_DATE = "2026-02-27"
LIST_PAGE = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"
LIST_NAME = "VN-Veiligheidsraad, geconsolideerde sanctielijst"
THRESHOLD = 80.0  # rapidfuzz similarity (0-100) from which an entry is a candidate
MAX_YEAR_RANGE = 15  # a FROM_YEAR-TO_YEAR birth range is expanded year by year up to this

def normalise(name: str, *, company: bool = False) -> str:
    """Casefold, transliterate, strip diacritics and punctuation, collapse spaces
    (dots join letters: "B.V." -> "bv"). With ``company`` legal forms at the start or
    end are dropped (unless nothing else is left). See bibobscan.matching.
    """
    folded = matching.fold_key(name)
    return matching.drop_legal_forms(folded) if company else folded


@dataclass(frozen=True, slots=True)
class UnEntry:
    """One listed individual or entity, reduced to what a match needs."""

    dataid: str
    reference: str  # REFERENCE_NUMBER, e.g. "QDi.295"
    individual: bool
    name: str
    aliases: tuple[str, ...]  # good-quality / unqualified aliases (a.k.a., f.k.a.)
    weak_aliases: tuple[str, ...]  # QUALITY "Low": not used to select candidates
    birth_dates: tuple[str, ...]  # ISO "1971-01-22" or partial "1971"
    list_type: str  # UN_LIST_TYPE, the sanctions regime ("Al-Qaida", "DPRK", ...)
    listed_on: str | None

    @property
    def match_names(self) -> tuple[str, ...]:
        names = [self.name, *self.aliases]
        if not self.individual:  # "CAGL ; GREAT LAKES BUSINESS COMPANY (GLBC)"
            names += [part for part in self.name.split(";") if part.strip()]
        return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


@dataclass(slots=True)
class _Index:
    keys: list[str]  # normalised names
    owners: list[int]  # entry index per key
    raw: list[str]  # the listed name per key, as written


@dataclass(slots=True)
class UnList:
    generated: datetime  # dateGenerated of the file (UTC)
    sha256: str
    source: str  # "bundled" or the configured path
    individuals: list[UnEntry]
    entities: list[UnEntry]
    _indexes: dict[bool, _Index]

    _screens: dict[bool, matching.ScreeningIndex] = field(default_factory=dict)

    @property
    def date(self) -> str:
        return self.generated.date().isoformat()

    def _screening(self, individual: bool) -> matching.ScreeningIndex:
        """A matcher index over the same names as the rapidfuzz index (same ids)."""
        screen = self._screens.get(individual)
        if screen is None:
            screen = matching.ScreeningIndex()
            kind = matching.PERSON if individual else matching.COMPANY
            for raw in self._indexes[individual].raw:
                screen.add(raw, kind)
            with _LOCK:
                self._screens.setdefault(individual, screen)
            screen = self._screens[individual]
        return screen

    def candidates(self, names: Iterable[str], *, individual: bool) -> list[tuple[UnEntry, float, str]]:
        """Entries scoring >= THRESHOLD against any of ``names`` (rapidfuzz), plus entries
        whose name the feature-based matcher calls a match (bibobscan.matching: initials,
        transliterations, particles): (entry, score 0-100, listed name)."""
        entries = self.individuals if individual else self.entities
        index = self._indexes[individual]
        best: dict[int, tuple[float, str]] = {}
        kind = matching.PERSON if individual else matching.COMPANY
        for raw in names:
            query = normalise(raw, company=not individual)
            if len(query) < 3:
                continue
            for owner, score, key in _scores(query, index):
                if owner not in best or score > best[owner][0]:
                    best[owner] = (score, key)
            for found in self._screening(individual).screen(raw, kind, limit=25, min_score=matching.MATCH_THRESHOLD):
                owner = index.owners[found.id]
                score = round(100.0 * found.score, 1)
                if owner not in best:
                    best[owner] = (score, index.keys[found.id])
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], entries[item[0]].reference))
        return [(entries[i], score, key) for i, (score, key) in ranked]


def _scores(query: str, index: _Index) -> Iterable[tuple[int, float, str]]:
    """Similarity of ``query`` to the indexed names, in C (rapidfuzz) over all keys.

    token_sort_ratio compares whole names regardless of word order; token_set_ratio
    also accepts a listed name with extra parts (a middle name, a patronymic), but only
    when both sides have at least two words, so one shared word never scores 100.
    """
    query_words = len(query.split())
    for scorer in (fuzz.token_sort_ratio, fuzz.token_set_ratio):
        hits = process.extract(query, index.keys, scorer=scorer, score_cutoff=THRESHOLD, limit=None)
        for key, score, pos in hits:
            if scorer is fuzz.token_set_ratio and min(query_words, len(key.split())) < 2:
                continue
            yield index.owners[pos], float(score), key


# --- loading ----------------------------------------------------------------------

_CACHE: dict[tuple[str, int, int], UnList] = {}
_LOCK = threading.Lock()


def bundled_bytes() -> bytes:
    return resources.files("bibobscan").joinpath("data", BUNDLED_FILE).read_bytes()


def load_list(path: str | None = None) -> UnList:
    """The parsed list: the bundled snapshot, or the file at ``path``. Cached per process."""
    if path:
        file = Path(path).expanduser()
        try:
            stat = file.stat()
        except OSError as exc:
            raise SourceError(
                f"configured UN list file {str(file)!r} cannot be read: {exc.strerror or exc}",
                source=UnSanctionsCollector.id,
            ) from exc
        key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    else:
        key = ("bundled", 0, 0)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        if path:
            try:
                data = Path(path).expanduser().read_bytes()
            except OSError as exc:
                raise SourceError(
                    f"configured UN list file {path!r} cannot be read: {exc.strerror or exc}",
                    source=UnSanctionsCollector.id,
                ) from exc
        else:
            data = bundled_bytes()
        source = path or "bundled"
        digest, counts = hashlib.sha256(data).hexdigest(), _un_index.counts_in(data)
        parsed = _un_index.read_index(digest, counts, source, _from_index, UnEntry)
        if parsed is None:
            parsed = parse_list(data, source=source)
            _un_index.write_index(parsed, counts)
        _CACHE[key] = parsed
        return parsed


def _from_index(*, indexes: dict[bool, list[list[Any]]], **fields: Any) -> UnList:
    """A UnList from its on-disk index (collectors/_un_index.py)."""
    built = {kind: _Index(keys=[str(k) for k in keys], owners=[int(o) for o in owners], raw=[str(r) for r in raw])
             for kind, (keys, owners, raw) in indexes.items()}
    return UnList(**fields, _indexes=built)


def parse_list(data: bytes, *, source: str = "bundled") -> UnList:
    """Parse UN SC consolidated list XML; MalformedResponse when it is not one."""
    where = "bundled UN list" if source == "bundled" else f"UN list file {source!r}"
    try:
        root: Element = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise MalformedResponse(f"{where} is not valid XML: {exc}", source=UnSanctionsCollector.id) from exc
    if root.tag != "CONSOLIDATED_LIST":
        raise MalformedResponse(
            f"{where} is not a UN consolidated list (root element <{root.tag}>)", source=UnSanctionsCollector.id
        )
    stamp = root.get("dateGenerated", "")
    try:
        generated = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedResponse(
            f"{where} has no usable dateGenerated attribute ({stamp!r})", source=UnSanctionsCollector.id
        ) from exc
    if generated.tzinfo is None:
        generated = generated.replace(tzinfo=UTC)
    generated = generated.astimezone(UTC).replace(microsecond=0)
    individuals = [_individual(el) for el in root.iterfind("INDIVIDUALS/INDIVIDUAL")]
    entities = [_entity(el) for el in root.iterfind("ENTITIES/ENTITY")]
    if not individuals and not entities:
        raise MalformedResponse(f"{where} lists no individuals and no entities", source=UnSanctionsCollector.id)
    return UnList(
        generated=generated,
        sha256=hashlib.sha256(data).hexdigest(),
        source=source,
        individuals=individuals,
        entities=entities,
        _indexes={True: _index(individuals, company=False), False: _index(entities, company=True)},
    )


def _index(entries: list[UnEntry], *, company: bool) -> _Index:
    keys: list[str] = []
    owners: list[int] = []
    raw: list[str] = []
    for i, entry in enumerate(entries):
        seen: set[str] = set()
        for listed in entry.match_names:
            name = normalise(listed, company=company)
            if len(name) >= 3 and name not in seen:
                seen.add(name)
                keys.append(name)
                owners.append(i)
                raw.append(listed)
    return _Index(keys=keys, owners=owners, raw=raw)


def _text(el: Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def _aliases(el: Element, tag: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    good: list[str] = []
    weak: list[str] = []
    for alias in el.iterfind(tag):
        names = [n.strip() for n in _text(alias.find("ALIAS_NAME")).split(";") if n.strip()]
        (weak if _text(alias.find("QUALITY")).casefold() == "low" else good).extend(names)
    return tuple(dict.fromkeys(good)), tuple(dict.fromkeys(weak))


def _birth_dates(el: Element) -> tuple[str, ...]:
    found: list[str] = []
    for dob in el.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        day, year = _text(dob.find("DATE")), _text(dob.find("YEAR"))
        first, last = _text(dob.find("FROM_YEAR")), _text(dob.find("TO_YEAR"))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day[:10]):
            found.append(day[:10])
        elif re.fullmatch(r"\d{4}", year):
            found.append(year)
        elif re.fullmatch(r"\d{4}", first) and re.fullmatch(r"\d{4}", last):
            lo, hi = sorted((int(first), int(last)))
            if hi - lo <= MAX_YEAR_RANGE:
                found += [str(y) for y in range(lo, hi + 1)]
            else:
                found += [str(lo), str(hi)]
    for alias in el.iterfind("INDIVIDUAL_ALIAS"):  # a few aliases carry their own birth date
        day = _text(alias.find("DATE_OF_BIRTH"))
        if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", day):
            found.append(day)
    return tuple(dict.fromkeys(found))


def _listed_on(el: Element) -> str | None:
    value = _text(el.find("LISTED_ON"))[:10]  # a few carry a zone suffix: 2015-04-07-04:00
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def _individual(el: Element) -> UnEntry:
    parts = [_text(el.find(t)) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    good, weak = _aliases(el, "INDIVIDUAL_ALIAS")
    return UnEntry(
        dataid=_text(el.find("DATAID")),
        reference=_text(el.find("REFERENCE_NUMBER")),
        individual=True,
        name=" ".join(p for p in parts if p),
        aliases=good,
        weak_aliases=weak,
        birth_dates=_birth_dates(el),
        list_type=_text(el.find("UN_LIST_TYPE")),
        listed_on=_listed_on(el),
    )


def _entity(el: Element) -> UnEntry:
    good, weak = _aliases(el, "ENTITY_ALIAS")
    return UnEntry(
        dataid=_text(el.find("DATAID")),
        reference=_text(el.find("REFERENCE_NUMBER")),
        individual=False,
        name=_text(el.find("FIRST_NAME")),
        aliases=good,
        weak_aliases=weak,
        birth_dates=(),
        list_type=_text(el.find("UN_LIST_TYPE")),
        listed_on=_listed_on(el),
    )


# --- the collector ------------------------------------------------------------------


class UnSanctionsCollector(Collector):
    id: ClassVar[str] = "un_sanctions"
    reliability: ClassVar[Reliability] = Reliability.SANCTIONS_LIST
    title: ClassVar[str] = "VN-sanctielijst (Veiligheidsraad, geconsolideerd)"
    covers: ClassVar[str] = (
        "Personen en organisaties op de geconsolideerde sanctielijst van de VN-Veiligheidsraad "
        "(door de EU en Nederland overgenomen); lokale vergelijking, geen netwerkverkeer."
    )
    licence: ClassVar[str] = (
        f"Publiek document van de VN-Veiligheidsraad; momentopname {BUNDLED_DATE} meegeleverd"
    )
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.PERSON, SubjectKind.COMPANY})
    provides: ClassVar[frozenset[str]] = frozenset({"sanctions.match", "sanctions.possible"})
    required: ClassVar[tuple[str, ...]] = ()  # optional setting: path (a newer list file)
    options: ClassVar[tuple[str, ...]] = ("path",)

    def describe_endpoint(self, config: Mapping[str, Any]) -> str:
        # the file's name only: a machine path never reaches a report
        name = Path(str(config["path"])).name if config.get("path") else BUNDLED_FILE
        return f"{name} (lokaal bestand; bron: scsanctions.un.org)"

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        which = f"lijstbestand {Path(str(config['path'])).name}" if config.get("path") else f"momentopname {BUNDLED_DATE}"
        return self._query(subject, which)

    @staticmethod
    def _query(subject: Subject, which: str) -> str:
        part = "personen" if subject.kind is SubjectKind.PERSON else "entiteiten"
        return f"{'; '.join(subject.names)} (VN-sanctielijst, {part}, {which}; lokaal vergeleken)"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        path = str(ctx.config.get("path") or "") or None
        un = await asyncio.to_thread(load_list, path)
        which = f"lijstbestand {Path(path).name} van {un.date}" if path else f"momentopname {un.date}"
        query = self._query(subject, which)
        if subject.kind not in self.applies_to:
            return Collected([], query=query)
        individual = subject.kind is SubjectKind.PERSON
        evidence = [
            self._evidence(entry, score, key, un, query)
            for entry, score, key in un.candidates(subject.names, individual=individual)
        ]
        notes = []
        age = (ctx.reference_date - un.generated.date()).days
        if age > STALE_AFTER_DAYS:
            notes.append(
                f"de gebruikte VN-lijst is van {un.date} ({age} dagen oud): vermeldingen van daarna "
                "ontbreken; stel een actuele lijst in (sources.un_sanctions.path) of gebruik OpenSanctions"
            )
        return Collected(evidence, query=query, notes=notes)

    def _evidence(self, entry: UnEntry, score: float, matched: str, un: UnList, query: str) -> Evidence:
        name = clip(entry.name, MAX_FIELD_TEXT)
        fields: dict[str, Any] = {
            "list": LIST_NAME,
            "entity_id": entry.reference,
            "schema": "Person" if entry.individual else "Organization",
            "name": name,
            "aliases": [clip(a, MAX_FIELD_TEXT) for a in entry.aliases],
            "birth_dates": list(entry.birth_dates),
            "source_score": round(score / 100.0, 4),
            "programs": [entry.list_type] if entry.list_type else [],
            "listed_on": entry.listed_on,
            "topics": ["sanction"],  # as OpenSanctions labels it: every UN listing is a sanction
            # beyond docs/evidence.md, for the resolver and the report:
            "weak_aliases": [clip(a, MAX_FIELD_TEXT) for a in entry.weak_aliases],
            "matched_name": matched,  # the listed name (normalised) that scored best
            "un_dataid": entry.dataid,
            "list_date": un.date,
        }
        bits = [f"Regime {entry.list_type}" if entry.list_type else "", f"referentie {entry.reference}"]
        if entry.listed_on:
            bits.append(f"geplaatst op {entry.listed_on}")
        if entry.birth_dates:
            bits.append("geboortedatum " + ", ".join(entry.birth_dates))
        if entry.aliases:
            bits.append("ook bekend als " + "; ".join(entry.aliases))
        bits.append(f"naamovereenkomst {score:.0f}/100 met '{matched}' (lijst van {un.date})")
        return Evidence(
            id=Evidence.make_id(self.id, un.sha256, entry.reference or entry.dataid),
            source=self.id,
            kind="sanctions.entry",
            url=LIST_PAGE,
            query=query,
            retrieved_at=un.generated,  # the snapshot's dateGenerated, not a fetch time
            sha256=un.sha256,
            title=clip(f"{entry.name} (VN-sanctielijst, {entry.reference})", MAX_TITLE),
            excerpt=clip(". ".join(b for b in bits if b) + ".", MAX_EXCERPT),
            published_at=entry.listed_on,
            fields=fields,
        )
