"""Sector scan orchestration: collect (concurrently, cached, with progress), then score
offline with the same indicator files and scoring profile as person and company scans.

    definition = build_definition("kappers", "Tilburg")
    report = asyncio.run(run_sector(definition, SectorOptions(out_dir=Path("out"))))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import httpx
import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from .. import __version__
from ..config import Settings
from ..http import HostPolicy, HttpClient
from ..model import Evidence, SourceRun, SourceStatus, utcnow
from ..rules import assess
from ..scan import RuleSet, caveats_for, evaluate_with_suppressions, load_rule_set
from .checkpoint import Checkpoint
from .discover import Collection, Discovery, Establishment, ProgressFn
from .frame import establishment_frame
from .model import SectorReport
from .rank import rank_tables, ranked_rows
from .scoring import sector_indicators
from .signals import RADIUS_M, AreaInput, area_signals, establishment_signals
from .spec import SectorDefinition


@dataclass
class SectorOptions:
    settings: Settings = field(default_factory=Settings)
    transport: httpx.AsyncBaseTransport | None = None
    environ: Mapping[str, str] | None = None  # None = os.environ
    reference_date: date | None = None
    indicators_path: Path | None = None
    profile_path: Path | None = None
    demo: bool = False
    out_dir: Path | None = None  # where the request cache lives (None: in memory only)
    resume: bool = True
    progress: ProgressFn | None = None
    radius: int = RADIUS_M


def _offline_settings(settings: Settings) -> Settings:
    """Recorded answers need no politeness: same concurrency, no wait between requests."""
    policies = {h: HostPolicy(max_concurrency=p.max_concurrency, min_interval=0.0) for h, p in settings.http.host_policies.items()}
    return replace(settings, http=replace(settings.http, host_policies=policies))


async def collect_sector(definition: SectorDefinition, options: SectorOptions, reference: date, checkpoint: Checkpoint) -> Collection:
    settings = _offline_settings(options.settings) if options.demo else options.settings
    async with HttpClient(settings=settings.http, transport=options.transport) as http:
        discovery = Discovery(
            definition=definition, http=http, settings=settings, reference=reference, checkpoint=checkpoint,
            environ=options.environ, progress=options.progress, demo=options.demo,
        )
        return await discovery.run()


def _consulted(runs: list[SourceRun], source: str) -> bool:
    return any(r.source == source and r.status.consulted for r in runs)


def score_sector(definition: SectorDefinition, collection: Collection, rules: RuleSet, *, reference: date, demo: bool, radius: int = RADIUS_M, cache: dict[str, object] | None = None) -> SectorReport:
    """Offline: frame -> signals -> indicators -> ranking and the area assessment."""
    subject = definition.subject()
    establishments = collection.establishments
    frame = establishment_frame(establishments, reference)
    reference_points = _points(collection.reference or establishments)
    osm_ok = _consulted(collection.runs, "osm")
    tables = establishment_signals(frame, reference_points=reference_points, osm_ok=osm_ok, radius=radius)
    kvk_ok = bool(frame["profile_ok"].any())  # growth needs at least one registration date
    area = AreaInput(
        osm_ok=osm_ok,
        osm_tag_objects=collection.osm_tag_objects,
        population=collection.population.get("gemeente"),
        national_population=collection.population.get("land"),
        baseline_total=collection.baseline.total if collection.baseline else None,
        baseline_evidence=next((e.id for e in collection.evidence if e.kind == "osm.count"), None),
        kvk_ok=kvk_ok,
    )
    signals, area_covered = area_signals(frame, area)
    est_inds, area_inds = sector_indicators(rules.indicators)
    ranking = rank_tables(tables, frame["name"].tolist(), est_inds, rules.profile, evidence=collection.evidence, extra_coverage=area_covered)
    rows = ranked_rows(frame, ranking, rules.profile)
    area_hits = [evaluate_with_suppressions(ind, signals, collection.evidence, area_covered, subject.name, rules.profile) for ind in area_inds]
    notes = caveats_for(collection.runs, area_hits)
    assessment = assess(area_hits, rules.profile, notes)
    counts = {
        "establishments": len(establishments),
        "from_osm": sum(1 for e in establishments if e.osm_ids),
        "kvk_only": sum(1 for e in establishments if not e.osm_ids),
        "joined_to_kvk": sum(1 for e in establishments if e.kvk),
        "without_address": sum(1 for e in establishments if e.address_status == "not_searchable"),
        "osm_objects": sum(len(e.osm_ids) for e in establishments),
        "with_hits": sum(1 for r in rows if r.hits),
    }
    if definition.postcodes:
        notes.append(
            f"Beperkt tot postcode(s) {', '.join(definition.postcodes)}: {collection.outside_area} vestiging(en) "
            "daarbuiten zijn niet opgezocht. Dichtheid geldt voor de hele gemeente; concentraties tellen ook de "
            "vestigingen net buiten de postcodes mee."
        )
    indicator_set = dict(rules.description)
    indicator_set["sector_indicators"] = ", ".join(i.id for i in [*est_inds, *area_inds])
    return SectorReport(
        subject=subject, preset=definition.preset.id if definition.preset else None, label=definition.label,
        sources=collection.runs, evidence=collection.evidence, establishments=rows, area_signals=signals,
        area_hits=area_hits, area_assessment=assessment, indicator_set=indicator_set, generated_at=utcnow(),
        tool_version=__version__, reference_date=reference, demo=demo, radius=radius,
        outside_area=collection.outside_area, counts=counts, notes=notes, cache=dict(cache or {}),
    )


def _points(establishments: list[Establishment]) -> pd.DataFrame:
    return pd.DataFrame({
        "lat": [e.lat if e.lat is not None else float("nan") for e in establishments],
        "lon": [e.lon if e.lon is not None else float("nan") for e in establishments],
        "street": [e.street for e in establishments],
        "city": [e.city for e in establishments],
    })


async def run_sector(definition: SectorDefinition, options: SectorOptions) -> SectorReport:
    """Collect and score one sector scan."""
    rules = load_rule_set(options.indicators_path, options.profile_path)  # fail before any request
    reference = options.reference_date or utcnow().date()
    checkpoint = Checkpoint(options.out_dir, resume=options.resume)
    collection = await collect_sector(definition, options, reference, checkpoint)
    cache = checkpoint.summary()
    report = score_sector(definition, collection, rules, reference=reference, demo=options.demo, radius=options.radius, cache=cache)
    if checkpoint.served:
        report.notes.append(
            f"{checkpoint.served} antwoord(en) kwamen uit de tussenopslag van een eerdere run (oudste van "
            f"{cache['oldest'] or 'onbekend'}); start met --no-resume om alles opnieuw op te halen."
        )
    return report


def failed_sources(report: SectorReport) -> list[SourceRun]:
    return [s for s in report.sources if s.status in (SourceStatus.FAILED, SourceStatus.TIMEOUT, SourceStatus.RATE_LIMITED, SourceStatus.NOT_CONFIGURED)]


def all_evidence(report: SectorReport) -> dict[str, Evidence]:
    return {e.id: e for e in report.evidence}
