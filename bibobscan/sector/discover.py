"""Discovery and enrichment: which establishments of the branche are there, and what do
the register and the official publications say about each (company level only).

1. OpenStreetMap (Overpass, by ``ref:gemeentecode``) lists the establishments; CBS gives
   the inhabitants; Overpass ``out count`` gives the national baseline. Concurrently.
2. Objects that are one establishment (a node and the building way of the same salon:
   same address and nearly the same name) are joined; every establishment keeps its
   OpenStreetMap ids and evidence.
3. Postcode narrowing (``--postcodes``) is applied here.
4. Per address, KvK Zoeken (postcode + house number, inactive registrations included):
   the registrations give the turnover and the number of companies at the address, and
   the establishment is joined to the registration whose name matches
   (:func:`bibobscan.resolve.names.similarity`), or to the only active one. The joined
   company's Basisprofiel gives its registration date and SBI codes. Other active
   registrations at the address whose main SBI activity belongs to the sector are added as
   establishments that OpenStreetMap does not have (source "kvk" only).
5. Per establishment name, KOOP SRU (official publications of the municipality): a
   notice is credited to the establishment only on a distinctive match (its address, or
   a name with at least two distinctive words; :mod:`.attribution`); a notice that only
   shares a common name is kept as a "possible" publication, shown but not scored.

KvK Zoeken cannot filter by SBI code or municipality, so an establishment that is not in
OpenStreetMap (and not registered at an address found there) is not found. Nothing here
searches news, social media or persons: a sector scan uses register and public
company-level data only (BIBOB.md §3.4).

Every request goes through the shared HTTP layer (per-host concurrency and rate limits)
and all of them are started at once, so each source runs as many requests in parallel as
its limit allows. Results are cached per request (:mod:`.checkpoint`), so a stopped run
resumes without refetching. A request that fails is recorded on the establishment (and
the source's status) and the rest goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from ..collectors import CollectContext, Collected, Collector
from ..collectors.cbs import CbsCollector
from ..collectors.koop import MAX_NAMES, KoopCollector, build_cql
from ..collectors.kvk import KvkCollector
from ..collectors.kvk_sector import (
    lookup_address,
    lookup_profile,
    not_configured_reason,
    searchable_address,
)
from ..collectors.news import search_names
from ..collectors.osm import OsmCollector
from ..config import Settings
from ..errors import NotConfigured, SourceError
from ..http import HttpClient
from ..model import (
    MAX_EXCERPT,
    MAX_TITLE,
    Evidence,
    SourceRun,
    SourceStatus,
    Subject,
    SubjectKind,
    clip,
    evidence_from_dict,
    to_jsonable,
    utcnow,
)
from ..resolve.names import fold, similarity
from ..scan import new_run, record_failure
from ..signals import classify_publication
from .attribution import CREDITED, Vocabulary, attribute
from .baseline import SOURCE as BASELINE_SOURCE
from .baseline import CountResult, baseline_query, national_count
from .checkpoint import Checkpoint
from .presets import effective_sbi_version
from .spec import SectorDefinition

NAME_MATCH = 0.6  # name similarity at or above which an OSM object and a KvK registration are one
SAME_OBJECT = 0.85  # two OSM objects at one address with names this alike are one establishment
SAME_SPOT_M = 40.0  # ... or, without an address, with equal names this close together
EXTRA_PROFILES = 5  # at most this many other active registrations per address get a Basisprofiel

T = TypeVar("T")

KIND_LABELS = {
    "publication.closure": "closure",
    "publication.permit_revoked": "permit_revoked",
    "publication.bibob": "bibob",
    "publication.mention": "mention",
}


class MunicipalKoop(KoopCollector):
    """KOOP searched per establishment name, limited to the scanned municipality's own
    publications (``dt.creator``): a sector scan looks for the municipality's closures
    and revocations of its establishments, whatever the company scans search."""

    def queries(self, subject: Subject) -> list[str]:
        municipality = subject.municipality.name if subject.municipality else None
        return [build_cql(name, municipality) for name in search_names(subject, MAX_NAMES)]


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """``done`` of ``total`` requests (the total grows while addresses are looked up)."""

    stage: str  # Dutch, for the progress bar
    done: int
    total: int


ProgressFn = Callable[[ProgressEvent], None]


@dataclass(slots=True)
class Establishment:
    id: str
    name: str
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    lat: float | None = None
    lon: float | None = None
    osm_ids: list[str] = field(default_factory=list)
    osm_evidence: list[str] = field(default_factory=list)
    osm_tags: dict[str, str] = field(default_factory=dict)
    matched_on: str = "tags"  # tags / name (OSM name regex) / kvk (found in the register only)
    in_area: bool = True
    # KvK Zoeken at the address
    address_status: str = "not_looked_up"  # ok / failed / not_searchable / not_configured / not_looked_up
    address_note: str = ""
    address_evidence: str | None = None
    registrations_active: int | None = None
    registrations_ended: int | None = None
    registrations_total: int | None = None
    # the joined registration and its Basisprofiel
    kvk: str | None = None
    kvk_name: str = ""
    vestigingsnummer: str | None = None
    match_note: str = ""
    match_score: float | None = None
    profile_status: str = "not_looked_up"  # ok / failed / not_found / no_match / not_configured / not_looked_up
    profile_note: str = ""
    profile_evidence: str | None = None
    registered_on: str | None = None
    legal_form: str = ""
    sbi: list[dict[str, Any]] = field(default_factory=list)  # code, version, main, description, in_sector
    # KOOP
    publication_status: str = "not_looked_up"  # ok / failed / not_looked_up
    publication_note: str = ""
    publications: list[dict[str, Any]] = field(default_factory=list)  # credited: they count
    possible_publications: list[dict[str, Any]] = field(default_factory=list)  # name only, not distinctive: shown, not scored

    @property
    def address(self) -> str:
        return " ".join(p for p in (self.street, self.house_number) if p)

    @property
    def address_key(self) -> str | None:
        found = searchable_address(self.postcode, self.house_number) if self.postcode and self.house_number else None
        return f"{found[0]} {found[1]}" if found else None

    @property
    def sources(self) -> list[str]:
        out = [f"OSM {o}" for o in self.osm_ids]
        if self.kvk:
            out.append(f"KvK {self.kvk}")
        return out

    @property
    def names(self) -> list[str]:
        out: list[str] = []
        for n in (self.name, self.kvk_name):
            if n and fold(n) not in {fold(x) for x in out}:
                out.append(n)
        return out


@dataclass(slots=True)
class Collection:
    """What discovery delivered: establishments, evidence, and per source what it did."""

    establishments: list[Establishment]
    evidence: list[Evidence]
    runs: list[SourceRun]
    population: dict[str, Evidence] = field(default_factory=dict)  # "gemeente" / "land"
    baseline: CountResult | None = None
    osm_tag_objects: int | None = None  # OSM objects matched by the tag filters (municipality)
    outside_area: int = 0
    reference: list[Establishment] = field(default_factory=list)  # also outside the postcodes: for clusters


@dataclass
class Discovery:
    definition: SectorDefinition
    http: HttpClient
    settings: Settings
    reference: date
    checkpoint: Checkpoint
    environ: Mapping[str, str] | None = None
    progress: ProgressFn | None = None
    demo: bool = False
    # internal state
    evidence: dict[str, Evidence] = field(default_factory=dict)
    _planned: int = 0
    _done: int = 0
    _address_tasks: dict[str, asyncio.Task[list[dict[str, Any]] | SourceError]] = field(default_factory=dict)
    _profile_tasks: dict[str, asyncio.Task[dict[str, Any] | None | SourceError]] = field(default_factory=dict)
    _koop_tasks: dict[str, asyncio.Task[Collected | SourceError]] = field(default_factory=dict)
    _stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    _vocabulary: Vocabulary | None = None
    _none_reason: str = ""  # why the register and KOOP had nothing to look up (for the source runs)

    # --- bookkeeping ----------------------------------------------------------------

    def _config(self, collector: type[Collector]) -> dict[str, Any]:
        c = collector()
        return self.settings.source_config(c.id, c.env, self.environ)

    def _plan(self, stage: str, n: int = 1) -> None:
        self._planned += n
        self._report(stage)

    def _finish(self, stage: str) -> None:
        self._done += 1
        self._report(stage)

    def _report(self, stage: str) -> None:
        if self.progress is not None:
            self.progress(ProgressEvent(stage, self._done, max(self._planned, self._done)))

    def _stat(self, source: str) -> dict[str, Any]:
        return self._stats.setdefault(source, {"requests": 0, "cached": 0, "failed": [], "delivered": 0, "unattributed": 0, "possible": 0})

    async def _cached(self, source: str, key: str, stage: str, fetch: Callable[[], Awaitable[T]], encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
        """One request through the checkpoint: served from the cache, or fetched and stored."""
        stat = self._stat(source)
        stat["requests"] += 1
        self._plan(stage)
        full = f"{source}|{key}"
        try:
            entry = self.checkpoint.get(full)
            if entry is not None:
                try:
                    cached = decode(entry.value)
                except Exception:  # a line this version cannot read: fetch it again
                    self.checkpoint.discard(full)
                else:
                    self.checkpoint.served_one(full)
                    stat["cached"] += 1
                    return cached
            value = await fetch()
            self.checkpoint.put(full, encode(value))
            return value
        finally:
            self._finish(stage)

    def _add(self, ev: Evidence) -> Evidence:
        self.evidence.setdefault(ev.id, ev)
        return self.evidence[ev.id]

    # --- step 1: OSM, CBS and the national baseline ------------------------------------

    async def _collector(self, collector: Collector, subject: Subject, config: Mapping[str, Any]) -> tuple[SourceRun, Collected | None]:
        run = new_run(collector, config)
        try:
            run.query = collector.describe_query(subject, config)
        except Exception as exc:  # describing must never crash a scan
            run.query = f"(query onbekend: {exc})"
        reason = collector.not_configured_reason(config)
        if reason:
            run.status, run.error, run.technische_melding = SourceStatus.NOT_CONFIGURED, NotConfigured.dutch, reason
            return run, None
        ctx = CollectContext(http=self.http, config=config, reference_date=self.reference, demo=self.demo)
        started = time.monotonic()
        result: Collected | None = None
        try:
            result = await asyncio.wait_for(
                self._cached(
                    collector.id, _digest(f"{config.get('url') or config.get('base_url') or ''}|{run.query}"), "OpenStreetMap en CBS",
                    lambda: collector.collect(subject, ctx), _encode_collected, _decode_collected,
                ),
                timeout=self.settings.source_timeout,
            )
            run.notes = list(result.notes)
            run.query = result.query or run.query
            run.status = SourceStatus.OK if result.evidence else SourceStatus.NO_RESULTS
        except Exception as exc:  # a bug in one collector must not cost the other sources either
            record_failure(run, exc, collector.id, self.settings.source_timeout)
        run.duration_ms = int((time.monotonic() - started) * 1000)
        run.hits = len(result.evidence) if result is not None else 0
        if self._stat(collector.id)["cached"]:
            run.notes.append("antwoord uit de tussenopslag van een eerdere run (niet opnieuw opgehaald)")
        return run, result

    async def _baseline(self, config: Mapping[str, Any]) -> tuple[SourceRun, CountResult | None]:
        filters = self.definition.tags
        run = SourceRun(
            source=BASELINE_SOURCE, status=SourceStatus.SKIPPED, title="OpenStreetMap (landelijke telling, Overpass API)",
            licence="© OpenStreetMap-bijdragers, ODbL 1.0", started_at=utcnow(),
            query=baseline_query(filters) if filters else "",
            endpoint=OsmCollector().describe_endpoint(config), reliability=str(OsmCollector.reliability),
        )
        if not filters:
            run.status, run.error = SourceStatus.NOT_CONFIGURED, "geen OpenStreetMap-tags voor deze branche"
            return run, None
        started = time.monotonic()
        result: CountResult | None = None
        try:
            result = await asyncio.wait_for(
                self._cached(
                    BASELINE_SOURCE, _digest(f"{config.get('url') or ''}|{run.query}"), "OpenStreetMap en CBS",
                    lambda: national_count(self.http, config, filters), lambda r: to_jsonable(r), _decode_count,
                ),
                timeout=self.settings.source_timeout,
            )
            run.status, run.hits = SourceStatus.OK, 1
            run.notes.append(f"{result.total} objecten met de branchetags in Nederland" + (f" (OpenStreetMap-stand {result.timestamp})" if result.timestamp else ""))
        except (TimeoutError, SourceError) as exc:
            record_failure(run, exc, BASELINE_SOURCE, self.settings.source_timeout)
        run.duration_ms = int((time.monotonic() - started) * 1000)
        return run, result

    # --- step 2/3: establishments from OSM ------------------------------------------

    def establishments_from_osm(self, evidence: list[Evidence]) -> list[Establishment]:
        return join_osm_objects([self._add(e) for e in evidence if e.kind == "osm.establishment"], self.definition)

    # --- step 4: KvK per address --------------------------------------------------------

    def _kvk_key(self, config: Mapping[str, Any]) -> str:
        return str(config.get("base_url") or config.get("environment") or "production")

    def _address(self, config: Mapping[str, Any], key: str, postcode: str, number: str) -> asyncio.Task[list[dict[str, Any]] | SourceError]:
        task = self._address_tasks.get(key)
        if task is None:
            async def go() -> list[dict[str, Any]] | SourceError:
                try:
                    return await self._cached(
                        "kvk", f"{self._kvk_key(config)}|zoeken|{key}|inactief", "KvK: inschrijvingen per adres",
                        lambda: lookup_address(self.http, config, postcode, number, include_inactive=True), lambda v: v, _decode_registrations,
                    )
                except SourceError as exc:
                    return exc

            task = asyncio.ensure_future(go())
            self._address_tasks[key] = task
        return task

    def _profile(self, config: Mapping[str, Any], kvk: str) -> asyncio.Task[dict[str, Any] | None | SourceError]:
        task = self._profile_tasks.get(kvk)
        if task is None:
            async def go() -> dict[str, Any] | None | SourceError:
                try:
                    return await self._cached(
                        "kvk_profiel", f"{self._kvk_key(config)}|basisprofiel|{kvk}", "KvK: basisprofielen",
                        lambda: lookup_profile(self.http, config, kvk, reference_date=self.reference), lambda v: v, _decode_profile,
                    )
                except SourceError as exc:
                    return exc

            task = asyncio.ensure_future(go())
            self._profile_tasks[kvk] = task
        return task

    async def _enrich_address(self, config: Mapping[str, Any], koop_config: Mapping[str, Any], key: str, group: list[Establishment], found: list[Establishment]) -> None:
        """Look up one address, join its establishments to registrations, fetch profiles,
        add sector registrations that OSM does not have; then search the publications
        under every name now known (OSM and KvK)."""
        added: list[Establishment] = []
        await self._kvk_address(config, key, group, added)
        found.extend(added)
        await asyncio.gather(*(self._publications(koop_config, est) for est in [*group, *added]))

    async def _kvk_address(self, config: Mapping[str, Any], key: str, group: list[Establishment], found: list[Establishment]) -> None:
        first = group[0]
        result = await self._address(config, key, first.postcode, first.house_number)
        stat = self._stat("kvk")
        if isinstance(result, SourceError):
            stat["failed"].append(f"{first.address}, {first.postcode} ({result.status.value}: {clip(str(result), 160)})")
            for est in group:
                est.address_status, est.address_note = "failed", f"KvK Zoeken mislukt: {clip(str(result), 200)}"
                est.profile_status, est.profile_note = "failed", "niet opgezocht: het adres kon niet worden bevraagd"
            return
        stat["delivered"] += 1
        per_kvk = registrations_by_kvk(result)
        active = [r for r in per_kvk.values() if r["active"] is not False]
        ended = [r for r in per_kvk.values() if r["active"] is False]
        for est in group:
            est.address_status = "ok"
            est.registrations_active, est.registrations_ended, est.registrations_total = len(active), len(ended), len(per_kvk)
        matches = match_registrations(group, active)
        profile_jobs: list[tuple[Establishment, dict[str, Any]]] = []
        for est in group:
            reg, score, note = matches.get(est.id, (None, None, ""))
            est.match_note, est.match_score = note, score
            if reg is None:
                est.profile_status, est.profile_note = "no_match", note
                continue
            est.kvk, est.kvk_name, est.vestigingsnummer = reg["kvk"], reg["name"], reg.get("vestigingsnummer")
            profile_jobs.append((est, reg))
        for est in group:  # one evidence per establishment: it records whose address it is (kvk)
            est.address_evidence = self._add(address_evidence(result, est, key)).id
        matched = {reg["kvk"] for _, reg in profile_jobs}
        others = [r for r in active if r["kvk"] not in matched][:EXTRA_PROFILES]
        if len(active) - len(matched) > EXTRA_PROFILES:
            first.address_note = (
                f"{len(active) - len(matched)} andere actieve inschrijvingen op dit adres; alleen van de eerste "
                f"{EXTRA_PROFILES} is het basisprofiel opgevraagd"
            )
        profiles = await asyncio.gather(
            *(self._profile(config, reg["kvk"]) for _, reg in profile_jobs),
            *(self._profile(config, r["kvk"]) for r in others),
        )
        for (est, reg), profile in zip(profile_jobs, profiles[: len(profile_jobs)]):
            self._apply_profile(est, reg["kvk"], profile)
        for reg, profile in zip(others, profiles[len(profile_jobs):]):
            if isinstance(profile, SourceError) or profile is None:
                continue
            sbi = self._sbi(profile)
            if not any(s["main"] and s["in_sector"] for s in sbi):
                continue
            extra = Establishment(
                id=f"kvk-{reg['kvk']}-{reg.get('vestigingsnummer') or ''}".rstrip("-"),
                name=str(reg["name"]), street=first.street, house_number=first.house_number, postcode=first.postcode,
                city=first.city, lat=first.lat, lon=first.lon, matched_on="kvk", in_area=first.in_area,
                address_status="ok", registrations_active=len(active),
                registrations_ended=len(ended), registrations_total=len(per_kvk),
                kvk=reg["kvk"], kvk_name=str(reg["name"]), vestigingsnummer=reg.get("vestigingsnummer"),
                match_note="alleen in het Handelsregister gevonden (niet in OpenStreetMap), op het adres van "
                + (first.name or first.address) + "; hoofdactiviteit hoort bij de branche",
            )
            extra.address_evidence = self._add(address_evidence(result, extra, key)).id
            self._apply_profile(extra, reg["kvk"], profile)
            found.append(extra)

    def _sbi(self, profile: Mapping[str, Any]) -> list[dict[str, Any]]:
        out = []
        for s in profile.get("sbi") or []:
            code = str(s.get("code", ""))
            version = str(s.get("version", "unknown"))
            effective = effective_sbi_version(version, self.reference)
            out.append({
                "code": code, "version": effective, "main": bool(s.get("main")),
                "description": str(s.get("description", "")),
                "in_sector": self.definition.in_sector(code, version, self.reference),
            })
        return out

    def _apply_profile(self, est: Establishment, kvk: str, profile: dict[str, Any] | None | SourceError) -> None:
        stat = self._stat("kvk_profiel")
        if isinstance(profile, SourceError):
            stat["failed"].append(f"KvK {kvk} ({profile.status.value}: {clip(str(profile), 160)})")
            est.profile_status, est.profile_note = "failed", f"Basisprofiel mislukt: {clip(str(profile), 200)}"
            return
        if profile is None:
            est.profile_status, est.profile_note = "not_found", f"KvK kent nummer {kvk} niet (meer)"
            return
        stat["delivered"] += 1
        ev = self._add(profile_evidence(profile, kvk))
        est.profile_status, est.profile_evidence = "ok", ev.id
        est.registered_on = profile.get("registered_on")
        est.legal_form = str(profile.get("legal_form") or "")
        est.sbi = self._sbi(profile)
        if profile.get("name") and not est.kvk_name:
            est.kvk_name = str(profile["name"])

    # --- step 5: KOOP per establishment name --------------------------------------------

    def _koop(self, config: Mapping[str, Any], name: str) -> asyncio.Task[Collected | SourceError]:
        key = fold(name)
        task = self._koop_tasks.get(key)
        if task is None:
            collector = MunicipalKoop()
            subject = Subject(kind=SubjectKind.COMPANY, name=name, municipality=self.definition.municipality)
            ctx = CollectContext(http=self.http, config=config, reference_date=self.reference, demo=self.demo)
            query = collector.describe_query(subject, config)

            async def go() -> Collected | SourceError:
                try:
                    return await self._cached("koop", query, "Officiële bekendmakingen", lambda: collector.collect(subject, ctx), _encode_collected, _decode_collected)
                except SourceError as exc:
                    return exc

            task = asyncio.ensure_future(go())
            self._koop_tasks[key] = task
        return task

    async def _publications(self, config: Mapping[str, Any], est: Establishment) -> None:
        names = est.names
        if not names:
            est.publication_note = "geen naam om op te zoeken"
            return
        results = await asyncio.gather(*(self._koop(config, n) for n in names))
        stat = self._stat("koop")
        failed = [r for r in results if isinstance(r, SourceError)]
        if failed:
            stat["failed"].append(f"{est.name or est.kvk_name} ({failed[0].status.value}: {clip(str(failed[0]), 160)})")
        if len(failed) == len(results):
            est.publication_status, est.publication_note = "failed", f"KOOP mislukt: {clip(str(failed[0]), 200)}"
            return
        stat["delivered"] += 1
        est.publication_status = "ok"
        if failed:
            est.publication_note = f"zoekvraag op een van de namen mislukt: {clip(str(failed[0]), 160)}"
        seen: set[str] = set()
        vocabulary = self.vocabulary()
        for result in results:
            if isinstance(result, SourceError):
                continue
            for ev in result.evidence:
                text = str(ev.fields.get("text") or ev.title)
                if ev.id in seen:
                    continue
                seen.add(ev.id)
                found = attribute(
                    text, names, street=est.street, house_number=est.house_number, postcode=est.postcode,
                    city=est.city, vocabulary=vocabulary,
                )
                if found.verdict is None:
                    stat["unattributed"] += 1
                    continue
                self._add(ev)
                record = {
                    "kind": KIND_LABELS.get(classify_publication(text), "mention"),
                    "identifier": str(ev.fields.get("identifier", "")), "title": ev.title,
                    "date": str(ev.fields.get("date") or ev.published_at or ""),
                    "creator": str(ev.fields.get("creator", "")), "evidence": ev.id, "why": found.why,
                }
                if found.verdict == CREDITED:
                    est.publications.append(record)
                else:
                    stat["possible"] += 1
                    est.possible_publications.append(record)

    def vocabulary(self) -> Vocabulary:
        """The words that do not tell one business of this scan from another."""
        if self._vocabulary is None:
            d = self.definition
            trade = [d.label, d.name_regex or "", d.preset.id.replace("_", " ") if d.preset is not None else ""]
            trade += [v for t in d.tags for v in t.values() if v != "*"]
            self._vocabulary = Vocabulary.for_scan(trade_texts=trade, places=[d.municipality.name])
        return self._vocabulary

    # --- the whole discovery --------------------------------------------------------------

    async def run(self) -> Collection:
        subject = self.definition.subject()
        osm_config, cbs_config = self._config(OsmCollector), self._config(CbsCollector)
        (osm_run, osm), (cbs_run, cbs), (base_run, baseline) = await asyncio.gather(
            self._collector(OsmCollector(), subject, osm_config),
            self._collector(CbsCollector(), subject, cbs_config),
            self._baseline(osm_config),
        )
        runs = [osm_run, cbs_run, base_run]
        collection = Collection(establishments=[], evidence=[], runs=runs, baseline=baseline)
        if baseline is not None:
            self._add(baseline_evidence(baseline))
        if cbs is not None:
            for ev in cbs.evidence:
                self._add(ev)
                collection.population[str(ev.fields.get("level", ""))] = ev
        establishments = self.establishments_from_osm(osm.evidence) if osm is not None else []
        if osm is not None:
            collection.osm_tag_objects = sum(1 for e in osm.evidence if e.kind == "osm.establishment" and e.fields.get("matched_on") == "tags")
        for est in establishments:
            est.in_area = self.definition.in_area(est.postcode)
        scoped = [e for e in establishments if e.in_area]
        collection.outside_area = len(establishments) - len(scoped)

        kvk_config = self._config(KvkCollector)
        koop_config = self._config(KoopCollector)
        kvk_reason = not_configured_reason(kvk_config)
        groups: dict[str, list[Establishment]] = {}
        for est in scoped:
            key = est.address_key
            if key is None:
                est.address_status = "not_searchable"
                est.address_note = "geen postcode en huisnummer in OpenStreetMap: niet in het Handelsregister op te zoeken"
                est.profile_status, est.profile_note = "not_looked_up", est.address_note
            elif kvk_reason:
                est.address_status, est.address_note = "not_configured", f"KvK niet geconfigureerd: {kvk_reason}"
                est.profile_status, est.profile_note = "not_configured", est.address_note
            else:
                groups.setdefault(key, []).append(est)
        extra: list[Establishment] = []
        started = utcnow()
        t0 = time.monotonic()
        await asyncio.gather(
            *(self._enrich_address(kvk_config, koop_config, key, group, extra) for key, group in groups.items()),
            *(self._publications(koop_config, est) for est in scoped if est.address_key not in groups),
        )
        elapsed = int((time.monotonic() - t0) * 1000)
        # a register-only establishment that is already on the list (the same vestiging,
        # also found at another address) is left out
        known = {(e.kvk or "", e.vestigingsnummer or "") for e in scoped if e.kvk}
        unique: list[Establishment] = []
        for e in extra:
            ident = (e.kvk or "", e.vestigingsnummer or "")
            if ident not in known:
                known.add(ident)
                unique.append(e)
        extra = unique
        collection.establishments = scoped + extra
        collection.reference = establishments + extra
        runs += self._enrichment_runs(groups, scoped, extra, kvk_reason, started, elapsed, outside=collection.outside_area)
        collection.evidence = list(self.evidence.values())
        return collection

    def _enrichment_runs(self, groups: dict[str, list[Establishment]], scoped: list[Establishment], extra: list[Establishment], kvk_reason: str | None, started: datetime, elapsed: int, *, outside: int = 0) -> list[SourceRun]:
        kvk = KvkCollector()
        koop = KoopCollector()
        runs = []
        no_address = [e for e in scoped if e.address_status == "not_searchable"]
        if not scoped and outside:
            self._none_reason = f"geen vestigingen in de gekozen postcodes ({', '.join(self.definition.postcodes)}); {outside} daarbuiten"
        elif not scoped:
            self._none_reason = "OpenStreetMap leverde geen vestigingen"
        elif not groups:
            self._none_reason = "geen vestiging met postcode en huisnummer in OpenStreetMap"
        for source, title, what, total in (
            ("kvk", f"{kvk.title} – Zoeken op adres", "adressen", len(groups)),
            ("kvk_profiel", f"{kvk.title} – Basisprofiel", "basisprofielen", len(self._profile_tasks)),
        ):
            stat = self._stat(source)
            run = SourceRun(source=source, status=SourceStatus.OK, title=title, licence=kvk.licence, started_at=started, duration_ms=elapsed,
                            endpoint=kvk.describe_endpoint(self._config(KvkCollector)), reliability=str(kvk.reliability))
            if source == "kvk":
                run.query = f"KvK Zoeken op postcode + huisnummer, inclusief beëindigde inschrijvingen, voor {total} adressen uit OpenStreetMap"
                run.hits = sum(e.registrations_total or 0 for e in {id(g[0]): g[0] for g in groups.values()}.values())
                if no_address:
                    run.notes.append(f"{len(no_address)} vestiging(en) zonder postcode en huisnummer in OpenStreetMap zijn niet opgezocht: " + ", ".join(e.name or "(zonder naam)" for e in no_address[:10]))
                run.notes.extend(e.address_note for g in groups.values() for e in g[:1] if e.address_note and e.address_status == "ok")
            else:
                run.query = f"KvK Basisprofiel van de gekoppelde onderneming per vestiging en van andere actieve inschrijvingen op die adressen ({total} nummers)"
                run.hits = stat.get("delivered", 0) if stat else 0
                if extra:
                    run.notes.append(f"{len(extra)} vestiging(en) van de branche alleen in het Handelsregister gevonden (niet in OpenStreetMap): " + ", ".join(e.name for e in extra[:10]))
            self._finish_run(run, stat, total, what, kvk_reason)
            runs.append(run)
        stat = self._stat("koop")
        run = SourceRun(
            source="koop", status=SourceStatus.OK, title=f"{koop.title} – per vestigingsnaam", licence=koop.licence, started_at=started, duration_ms=elapsed,
            endpoint=koop.describe_endpoint(self._config(KoopCollector)), reliability=str(koop.reliability),
            query=f"KOOP SRU: cql.textAndIndexes=\"<naam>\" and dt.creator==\"{self.definition.municipality.name}\", per naam van een vestiging ({len(self._koop_tasks)} namen)",
        )
        run.hits = sum(len(e.publications) for e in [*scoped, *extra])
        unnamed = [e for e in [*scoped, *extra] if not e.names]
        if unnamed:
            run.notes.append(f"{len(unnamed)} vestiging(en) zonder naam: niet gezocht")
        if stat["unattributed"]:
            run.notes.append(f"{stat['unattributed']} gevonden bekendmaking(en) noemen de naam van de vestiging niet letterlijk: niet meegeteld")
        if stat["possible"]:
            run.notes.append(
                f"{stat['possible']} bekendmaking(en) noemen een naam die niet onderscheidend genoeg is, zonder het adres of de "
                "postcode van de vestiging: als ‘mogelijke bekendmaking’ getoond, niet meegeteld (controleer ze)"
            )
        self._finish_run(run, stat, stat["delivered"] + len(stat["failed"]) if stat else 0, "vestigingen", None)
        runs.append(run)
        return runs

    def _finish_run(self, run: SourceRun, stat: dict[str, Any], total: int, what: str, reason: str | None) -> None:
        if reason:
            run.status, run.error, run.technische_melding = SourceStatus.NOT_CONFIGURED, NotConfigured.dutch, reason
            return
        failed = stat.get("failed", []) if stat else []
        delivered = stat.get("delivered", 0) if stat else 0
        if stat and stat.get("cached"):
            run.notes.append(f"{stat['cached']} van {stat['requests']} verzoeken uit de tussenopslag van een eerdere run (niet opnieuw opgehaald)")
        if failed:
            run.status = SourceStatus.FAILED
            shown = "; ".join(failed[:10]) + (f"; en {len(failed) - 10} meer" if len(failed) > 10 else "")
            run.error = (
                f"{'gedeeltelijk mislukt' if delivered else 'mislukt'}: {len(failed)} van {total} {what} niet geleverd ({shown}). "
                f"Wel geleverd: {delivered} {what}. Voor de vestigingen zonder antwoord staan de indicatoren op "
                "'onvoldoende gegevens'."
            )
        elif total == 0:
            run.status = SourceStatus.SKIPPED
            why = self._none_reason or ("KvK Zoeken leverde geen inschrijvingen" if what == "basisprofielen" else "")
            run.error = f"niet bevraagd: geen {what} om op te zoeken" + (f" ({why})" if why else "")
        else:
            run.status = SourceStatus.OK if run.hits else SourceStatus.NO_RESULTS


# --- pure helpers (no I/O) ------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _encode_collected(c: Collected) -> dict[str, Any]:
    return {"evidence": [to_jsonable(e) for e in c.evidence], "query": c.query, "notes": list(c.notes)}


# Decoders of cached answers: strict, so that a line this version cannot use raises here
# (and is fetched again) instead of failing later in the scan.


def _decode_collected(v: Any) -> Collected:
    if not isinstance(v, dict) or not isinstance(v.get("evidence"), list) or not isinstance(v.get("notes", []), list):
        raise ValueError("cached collector answer has no evidence list")
    evidence = [evidence_from_dict(e) for e in v["evidence"]]
    return Collected(evidence, query=str(v.get("query", "")), notes=[str(n) for n in v.get("notes", [])])


_REGISTRATION_KEYS = ("kvk", "name", "active", "provenance")


def _decode_registrations(v: Any) -> list[dict[str, Any]]:
    if not isinstance(v, list) or not all(isinstance(r, dict) and all(k in r for k in _REGISTRATION_KEYS) and isinstance(r["provenance"], dict) for r in v):
        raise ValueError("cached KvK Zoeken answer is not a list of registrations")
    return list(v)


def _decode_profile(v: Any) -> dict[str, Any] | None:
    if v is None:
        return None
    if not isinstance(v, dict) or not isinstance(v.get("kvk"), str) or not isinstance(v.get("sbi"), list) or not all(isinstance(x, dict) for x in v["sbi"]):
        raise ValueError("cached Basisprofiel is not a profile")
    return v


def _decode_count(v: Any) -> CountResult:
    if not isinstance(v, dict) or not isinstance(v.get("total"), int):
        raise ValueError("cached Overpass count has no total")
    return CountResult(**v)


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: plenty for distances within a municipality."""
    mid = math.radians((lat1 + lat2) / 2)
    dy = (lat1 - lat2) * 111_320.0
    dx = (lon1 - lon2) * 111_320.0 * math.cos(mid)
    return math.hypot(dx, dy)


def _spot(lat: float, lon: float) -> tuple[int, int]:
    """The grid cell (twice SAME_SPOT_M on a side, so that the east-west scale taken at
    each point's own latitude cannot push two points within SAME_SPOT_M of each other
    more than one cell apart) of a point."""
    step = 2 * SAME_SPOT_M / 111_320.0
    return math.floor(lat / step), math.floor(lon * math.cos(math.radians(lat)) / step)


def join_osm_objects(evidence: list[Evidence], definition: SectorDefinition | None = None) -> list[Establishment]:
    """One establishment per real-world shop: OSM objects at the same address with (nearly)
    the same name, or without an address with the same name within a few metres, are
    joined. Each establishment keeps all its OSM ids and evidence ids.

    Names are compared only within a group of candidates: establishments with the same
    (postcode, house number), or, for objects without a postcode, establishments without
    one in the same or a neighbouring grid cell (:func:`_spot`). Linear in the number of
    objects in practice (benchmarks/sector_scale.py times 5,000)."""
    out: list[Establishment] = []
    by_address: dict[tuple[str, str], list[int]] = {}
    by_cell: dict[tuple[int, int], list[int]] = {}
    for ev in sorted(evidence, key=lambda e: str(e.fields.get("osm_id", ""))):
        f = ev.fields
        name = str(f.get("name") or "")
        postcode = str(f.get("postcode") or "")
        number = str(f.get("house_number") or "")
        lat, lon = f.get("lat"), f.get("lon")
        located = lat is not None and lon is not None
        if postcode:
            address_key = (postcode, number.casefold())
            candidates = list(by_address.get(address_key, ()))
        elif located:
            cy, cx = _spot(float(lat), float(lon))  # type: ignore[arg-type]
            candidates = sorted(i for dy in (-1, 0, 1) for dx in (-1, 0, 1) for i in by_cell.get((cy + dy, cx + dx), ()))
        else:
            candidates = []
        twin = None
        for i in candidates:  # in the order the establishments were made: the first twin wins
            est = out[i]
            if not (name and est.name):
                continue
            if not postcode and not (est.lat is not None and est.lon is not None and metres(float(lat), float(lon), est.lat, est.lon) <= SAME_SPOT_M):  # type: ignore[arg-type]
                continue
            if fold(name) == fold(est.name) or similarity(name, est.name, company=True) >= SAME_OBJECT:
                twin = est
                break
        if twin is not None:
            twin.osm_ids.append(str(f.get("osm_id")))
            twin.osm_evidence.append(ev.id)
            for k, v in (f.get("tags") or {}).items():
                twin.osm_tags.setdefault(k, v)
            if twin.matched_on == "name" and f.get("matched_on") == "tags":
                twin.matched_on = "tags"
            continue
        index = len(out)
        out.append(Establishment(
            id="e-" + hashlib.sha1(str(f.get("osm_id")).encode()).hexdigest()[:10],
            name=name, street=str(f.get("street") or ""), house_number=number,
            postcode=postcode, city=str(f.get("city") or ""),
            lat=float(lat) if lat is not None else None, lon=float(lon) if lon is not None else None,
            osm_ids=[str(f.get("osm_id"))], osm_evidence=[ev.id], osm_tags=dict(f.get("tags") or {}),
            matched_on=str(f.get("matched_on") or "tags"),
        ))
        if postcode:
            by_address.setdefault((postcode, number.casefold()), []).append(index)
        elif located:
            by_cell.setdefault(_spot(float(lat), float(lon)), []).append(index)  # type: ignore[arg-type]
    return out


def registrations_by_kvk(registrations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One entry per KvK number (a B.V. appears as rechtspersoon and as hoofdvestiging);
    active when any of its records is active. Records without a KvK number are skipped."""
    out: dict[str, dict[str, Any]] = {}
    for r in registrations:
        number = str(r.get("kvk") or "")
        if not number:
            continue
        seen = out.get(number)
        if seen is None:
            out[number] = dict(r)
            continue
        if r.get("active") is not False and seen.get("active") is False:
            seen["active"] = r.get("active")
        if not seen.get("vestigingsnummer") and r.get("vestigingsnummer"):
            seen["vestigingsnummer"] = r["vestigingsnummer"]
    return out


def match_registrations(group: list[Establishment], active: list[dict[str, Any]]) -> dict[str, tuple[dict[str, Any] | None, float | None, str]]:
    """Join the establishments at one address to its active registrations: best name
    first (similarity >= NAME_MATCH); one establishment and one active registration are
    joined even when the names differ (said so in the note)."""
    result: dict[str, tuple[dict[str, Any] | None, float | None, str]] = {}
    pairs = sorted(
        ((similarity(est.name, str(reg.get("name") or ""), company=True) if est.name else 0.0, i, j)
         for i, est in enumerate(group) for j, reg in enumerate(active)),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    used_est: set[int] = set()
    used_reg: set[int] = set()
    for score, i, j in pairs:
        if score < NAME_MATCH or i in used_est or j in used_reg:
            continue
        used_est.add(i)
        used_reg.add(j)
        reg = active[j]
        note = "naam gelijk aan de inschrijving" if score >= 0.999 else f"naam lijkt op ‘{reg.get('name')}’ (overeenkomst {score:.2f})"
        result[group[i].id] = (reg, round(score, 2), f"KvK {reg.get('kvk')}: {note}")
    if len(group) == 1 and len(active) == 1 and not used_est:
        reg = active[0]
        score = similarity(group[0].name, str(reg.get("name") or ""), company=True) if group[0].name else 0.0
        result[group[0].id] = (
            reg, round(score, 2),
            f"KvK {reg.get('kvk')}: enige actieve inschrijving op het adres; de naam ‘{reg.get('name')}’ wijkt af van OpenStreetMap (controleer)",
        )
    for i, est in enumerate(group):
        if est.id not in result:
            best = max((p[0] for p in pairs if p[1] == i), default=0.0)
            result[est.id] = (None, round(best, 2), f"geen actieve inschrijving op het adres met een passende naam ({len(active)} actieve inschrijvingen)")
    return result


def address_evidence(registrations: list[dict[str, Any]], est: Establishment, key: str) -> Evidence:
    """KvK Zoeken at ``key`` ("5038ZK 14") as the ``register.address`` evidence of one
    establishment (``kvk``: its joined registration, as in a company scan)."""
    per_kvk = registrations_by_kvk(registrations)
    active = sum(1 for r in per_kvk.values() if r["active"] is not False)
    ended = sum(1 for r in per_kvk.values() if r["active"] is False)
    prov = registrations[0]["provenance"] if registrations else {}
    postcode, number = key.split(" ", 1)
    display = f"{est.street} {number}, {postcode[:4]} {postcode[4:]} {est.city}".strip()
    return Evidence(
        id=Evidence.make_id("kvk", "register.address", key, est.kvk or est.id),
        source="kvk",
        kind="register.address",
        url=str(prov.get("url") or "https://www.kvk.nl/zoeken/"),
        query=str(prov.get("query") or f"zoeken postcode={postcode} huisnummer={number} inclusiefInactieveRegistraties=true"),
        retrieved_at=_when(prov.get("retrieved_at")),
        sha256=str(prov.get("sha256") or ""),
        title=clip(f"Inschrijvingen op {display}", MAX_TITLE),
        excerpt=clip(f"KvK Zoeken op {postcode} {number}: {active} actieve en {ended} beëindigde inschrijving(en).", MAX_EXCERPT),
        fields={
            "postcode": postcode, "house_number": number, "address": display, "registrations": len(per_kvk),
            "active": active, "ended": ended, "sample_names": [str(r.get("name") or "") for r in list(per_kvk.values())[:25]],
            "kvk": est.kvk or "",
        },
    )


def profile_evidence(profile: Mapping[str, Any], kvk: str) -> Evidence:
    prov = profile.get("provenance") or {}
    fields = {k: v for k, v in profile.items() if k != "provenance"}
    sbi = ", ".join(f"{s.get('code')} {s.get('description', '')}".strip() for s in fields.get("sbi") or [] if s.get("main"))
    return Evidence(
        id=Evidence.make_id("kvk", "register.company", kvk),
        source="kvk",
        kind="register.company",
        url=f"https://www.kvk.nl/bestellen/#/{kvk}",
        query=str(prov.get("query") or f"basisprofielen/{kvk}"),
        retrieved_at=_when(prov.get("retrieved_at")),
        sha256=str(prov.get("sha256") or ""),
        title=clip(f"{fields.get('name') or kvk} (KvK {kvk})", MAX_TITLE),
        excerpt=clip(f"Ingeschreven {fields.get('registered_on') or 'onbekend'}; {fields.get('legal_form') or 'rechtsvorm onbekend'}; hoofdactiviteit {sbi or 'onbekend'}.", MAX_EXCERPT),
        fields=fields,
    )


def baseline_evidence(result: CountResult) -> Evidence:
    return Evidence(
        id=Evidence.make_id(BASELINE_SOURCE, "osm.count", result.query),
        source=BASELINE_SOURCE,
        kind="osm.count",
        url="https://overpass-turbo.eu/",
        query=result.query,
        retrieved_at=_when(result.retrieved_at),
        sha256=result.sha256,
        title=f"{result.total} objecten met de branchetags in Nederland (OpenStreetMap)",
        excerpt=clip(f"Overpass out count over Nederland; OpenStreetMap-stand {result.timestamp or 'onbekend'}.", MAX_EXCERPT),
        fields={"area": "NL", "total": result.total, "timestamp": result.timestamp},
    )


def _when(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return utcnow()
