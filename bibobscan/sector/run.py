"""Sector scan orchestration: collect (concurrently, cached, with progress), then score
offline with the same indicator files and scoring profile as person and company scans.

    definition = build_definition("kappers", "Tilburg")
    report = asyncio.run(run_sector(definition, SectorOptions(out_dir=Path("out"))))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from .. import __version__
from ..collectors.cbs import CbsCollector
from ..collectors.koop import KoopCollector
from ..collectors.kvk import KvkCollector
from ..collectors.osm import OsmCollector
from ..http import HttpClient
from ..model import Evidence, Outcome, SourceRun, SourceStatus, utcnow
from ..rules import assess
from ..scan import RuleSet, RunOptions, caveats_for, evaluate_with_suppressions, load_rule_set
from .checkpoint import DEFAULT_MAX_AGE_DAYS, Checkpoint
from .discover import Collection, Discovery, Establishment, ProgressFn
from .frame import establishment_frame
from .model import SIGNAL_NOT_DECISION, SectorReport
from .rank import priority_labels, priority_legend, rank_tables, ranked_rows
from .scoring import sector_indicators
from .signals import RADIUS_M, AreaInput, area_signals, establishment_signals
from .spec import SectorDefinition


@dataclass
class SectorOptions(RunOptions):
    out_dir: Path | None = None  # where the request cache lives (None: in memory only)
    resume: bool = True
    progress: ProgressFn | None = None
    radius: int = RADIUS_M
    cache_max_age_days: float | None = DEFAULT_MAX_AGE_DAYS  # live answers older than this are fetched again


async def collect_sector(definition: SectorDefinition, options: SectorOptions, reference: date, checkpoint: Checkpoint) -> Collection:
    settings = options.settings
    sources = (KvkCollector(), OsmCollector(), CbsCollector(), KoopCollector())
    allowed = settings.named_hosts(sources, options.environ)
    async with HttpClient(settings=settings.http, transport=options.transport, allowed_hosts=allowed) as http:
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
    causes = _area_causes(definition, collection, frame)
    for ind, hit in zip(area_inds, area_hits):
        cause = next((causes[t] for t in ind.requires if t in causes and t not in area_covered), "")
        if hit.outcome is Outcome.INSUFFICIENT and cause:
            hit.sentence = f"{hit.sentence.rstrip('.')}: {cause}."
            hit.reason = cause
    notes = caveats_for(collection.runs, area_hits)
    assessment = assess(area_hits, rules.profile, notes)
    # neutral priority wording, not the person/company band label ("geen indicaties")
    assessment.band_label = priority_labels(rules.profile)[[t.band for t in rules.profile.thresholds].index(assessment.band)]
    assessment.statement = SIGNAL_NOT_DECISION
    warnings = _warnings(definition, collection)
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
        warnings=warnings, priorities=priority_legend(rules.profile),
    )


def _warnings(definition: SectorDefinition, collection: Collection) -> list[str]:
    if collection.establishments:
        return []
    where = definition.municipality.name
    if definition.postcodes and collection.outside_area:
        return [
            f"Geen vestigingen in de gekozen postcode(s) {', '.join(definition.postcodes)}: OpenStreetMap gaf "
            f"{collection.outside_area} vestiging(en) van de branche in {where}, geen daarvan in deze postcodes. "
            "Het Handelsregister en de bekendmakingen zijn daarom niet bevraagd. Controleer de postcodes "
            "(PC4 zoals 5038, of volledig zoals 5038ZK)."
        ]
    if definition.postcodes:
        return [
            f"Geen vestigingen gevonden in {where} (en dus ook niet in de postcode(s) {', '.join(definition.postcodes)}): "
            "het Handelsregister en de bekendmakingen zijn niet bevraagd."
        ]
    return [f"Geen vestigingen van de branche gevonden in {where}: het Handelsregister en de bekendmakingen zijn niet bevraagd."]


def _area_causes(definition: SectorDefinition, collection: Collection, frame: pd.DataFrame) -> dict[str, str]:
    """Per area signal type: why it could not be computed, in words that match what
    happened (the indicator files' "insufficient" sentences name no cause)."""
    osm = next((r for r in collection.runs if r.source == "osm"), None)
    osm_cause = f"OpenStreetMap is niet geraadpleegd ({osm.status.value if osm else 'niet gestart'})"
    if not collection.establishments:
        if definition.postcodes and collection.outside_area:
            none = f"geen vestigingen in de gekozen postcodes ({', '.join(definition.postcodes)})"
        else:
            none = "geen vestigingen gevonden"
        return {
            "area.growth": f"{none}; het Handelsregister is niet bevraagd",
            "area.street_cluster": none if _consulted(collection.runs, "osm") else osm_cause,
        }
    causes = {"area.street_cluster": osm_cause}
    kvk = next((r for r in collection.runs if r.source == "kvk"), None)
    if kvk is not None and kvk.status is SourceStatus.NOT_CONFIGURED:
        causes["area.growth"] = "KvK is niet geconfigureerd; het Handelsregister is niet bevraagd"
    elif kvk is not None and kvk.status is SourceStatus.SKIPPED:
        causes["area.growth"] = f"het Handelsregister is niet bevraagd ({kvk.error or 'geen adressen om op te zoeken'})"
    elif not bool(frame["address_ok"].any()):
        causes["area.growth"] = "het Handelsregister gaf geen antwoord"
    else:
        causes["area.growth"] = "van geen enkele vestiging is een inschrijving met inschrijvingsdatum gekoppeld"
    return causes


def _points(establishments: list[Establishment]) -> pd.DataFrame:
    return pd.DataFrame({
        "lat": [e.lat if e.lat is not None else float("nan") for e in establishments],
        "lon": [e.lon if e.lon is not None else float("nan") for e in establishments],
        "street": [e.street for e in establishments],
        "city": [e.city for e in establishments],
    })


def cache_settings(options: SectorOptions, reference: date) -> dict[str, str]:
    """The settings that shape the cached answers, recorded in (and compared with) the
    cache file: each source's endpoint (never a key), and for the demo the reference date."""
    out: dict[str, str] = {}
    for collector in (OsmCollector(), CbsCollector(), KvkCollector(), KoopCollector()):
        config = options.settings.source_config(collector.id, collector.env, options.environ)
        parts = [str(config.get(k) or "") for k in ("url", "base_url", "environment")]
        out[collector.id] = "|".join(parts).strip("|") or "standaard"
    if options.demo:
        out["peildatum"] = reference.isoformat()
    return out


def open_checkpoint(options: SectorOptions, reference: date) -> Checkpoint:
    """The request cache of this run: its own file per mode (demo/live), refused when
    written with other settings, live answers limited to ``cache_max_age_days``."""
    days = options.cache_max_age_days
    return Checkpoint(
        options.out_dir, resume=options.resume, mode="demo" if options.demo else "live",
        settings=cache_settings(options, reference), max_age=timedelta(days=days) if days is not None else None,
    )


def cache_notes(checkpoint: Checkpoint) -> list[str]:
    notes = []
    if checkpoint.served:
        notes.append(
            f"{checkpoint.served} antwoord(en) kwamen uit de tussenopslag van een eerdere {checkpoint.mode}-run (oudste van "
            f"{checkpoint.oldest or 'onbekend'}); start met --no-resume om alles opnieuw op te halen."
        )
    if checkpoint.expired:
        days = checkpoint.max_age.total_seconds() / 86400 if checkpoint.max_age is not None else 0
        notes.append(f"{checkpoint.expired} antwoord(en) in de tussenopslag waren ouder dan {days:g} dagen en zijn opnieuw opgehaald.")
    if checkpoint.dropped:
        notes.append(f"{checkpoint.dropped} antwoord(en) in de tussenopslag waren onleesbaar en zijn opnieuw opgehaald.")
    if checkpoint.legacy_ignored:
        notes.append("Een oudere tussenopslag zonder vastgelegde modus (sector.jsonl) is niet gebruikt.")
    return notes


async def run_sector(definition: SectorDefinition, options: SectorOptions) -> SectorReport:
    """Collect and score one sector scan."""
    rules = load_rule_set(options.indicators_path, options.profile_path)  # fail before any request
    reference = options.reference_date or utcnow().date()
    checkpoint = open_checkpoint(options, reference)
    collection = await collect_sector(definition, options, reference, checkpoint)
    report = score_sector(definition, collection, rules, reference=reference, demo=options.demo, radius=options.radius, cache=checkpoint.summary())
    report.notes.extend(cache_notes(checkpoint))
    return report


def failed_sources(report: SectorReport) -> list[SourceRun]:
    return [s for s in report.sources if s.status in (SourceStatus.FAILED, SourceStatus.TIMEOUT, SourceStatus.RATE_LIMITED, SourceStatus.NOT_CONFIGURED)]


def all_evidence(report: SectorReport) -> dict[str, Evidence]:
    return {e.id: e for e in report.evidence}
