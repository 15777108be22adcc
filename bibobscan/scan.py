"""Person and company scan orchestration.

Runs every applicable collector concurrently with a per-source deadline, records each
source's status (a failing, slow or unconfigured source never stops the others and is
never shown as "nothing found"), then resolves, derives signals, evaluates the
indicators and assesses. ``score`` is the offline half, reused by ``rescore``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import httpx

from . import __version__
from .collectors import CollectContext, Collected, Collector
from .config import Settings
from .errors import NotConfigured, SourceError, status_for
from .events import evaluate_once_per_event, link_events, mark_signals
from .facts import covered_types
from .http import BodyRecorder, HttpClient
from .model import (
    Case,
    Evidence,
    IndicatorHit,
    Outcome,
    Report,
    Review,
    Signal,
    SourceRun,
    SourceStatus,
    Subject,
    SubjectKind,
    utcnow,
)
from .resolve import learned_kvk, resolve_all
from .resources import default_profile, indicators_dir
from .review import apply_dispositions
from .rules import (
    Indicator,
    Profile,
    assess,
    check_rule_set,
    evaluate,
    indicator_files,
    load_indicators,
    load_profile,
    set_hash,
)
from .signals import OFFICER_TYPES, derive_signals

ProgressFn = Callable[[SourceRun], None]

SKIP_REASONS: dict[tuple[str, SubjectKind], str] = {
    ("kvk", SubjectKind.PERSON): (
        "Persoonsgericht zoeken in het Handelsregister is voorbehouden aan partijen op de "
        "autorisatielijst (Datavisie Handelsregister); niet bevraagd."
    ),
}


@dataclass
class RunOptions:
    """What every run needs, person, company or sector: where its answers come from
    (settings, transport, environment, reference date; ``bibobscan.demo.wired`` sets
    them for a live or a demo run) and which indicator files and profile score them."""

    settings: Settings = field(default_factory=Settings)
    transport: httpx.AsyncBaseTransport | None = None
    environ: Mapping[str, str] | None = None  # None = os.environ
    reference_date: date | None = None  # None = today
    indicators_path: Path | None = None
    profile_path: Path | None = None
    demo: bool = False


@dataclass
class ScanOptions(RunOptions):
    officer_evidence: list[Evidence] = field(default_factory=list)
    progress: ProgressFn | None = None
    recorder: BodyRecorder | None = None  # keeps the raw responses (the case store asks for them)
    review: Review | None = None  # the case's dispositions so far, applied to this scan


def incomplete_headline(missing: int, band_label: str) -> str:
    """The headline of an incomplete scan: what is missing first, the band after it, so
    that it never reads as a clean result ("geen indicaties") at first sight."""
    sources = "bron" if missing == 1 else "bronnen"
    return f"Onvolledig onderzoek: {missing} {sources} niet (volledig) geraadpleegd; in de geraadpleegde bronnen: {band_label}"

def new_run(collector: Collector, config: Mapping[str, object], *, error: str | None = None) -> SourceRun:
    """A SourceRun for ``collector`` (status skipped until it has run), with what the
    report says of the source itself: title, terms, endpoint and reliability grade."""
    try:
        endpoint = collector.describe_endpoint(config)
    except Exception as exc:  # describing must never crash a scan
        endpoint = f"(onbekend: {type(exc).__name__})"
    return SourceRun(source=collector.id, status=SourceStatus.SKIPPED, title=collector.title, licence=collector.licence,
                     started_at=utcnow(), error=error, endpoint=endpoint, reliability=str(collector.reliability))


async def _run_one(collector: Collector, subject: Subject, options: ScanOptions, http: HttpClient, reference: date) -> tuple[SourceRun, list[Evidence]]:
    config = options.settings.source_config(collector.id, collector.env, options.environ)
    run = new_run(collector, config)
    if subject.kind not in collector.applies_to:
        run.error = SKIP_REASONS.get((collector.id, subject.kind), f"Bron is niet van toepassing op een {subject.kind.dutch}.")
        return run, []
    reason = collector.not_configured_reason(config)
    try:
        run.query = collector.describe_query(subject, config)
    except Exception as exc:  # describing must never crash a scan
        run.query = f"(query onbekend: {exc})"
    if reason:
        run.status = SourceStatus.NOT_CONFIGURED
        run.error, run.technische_melding = NotConfigured.dutch, reason
        return run, []
    ctx = CollectContext(http=http, config=config, reference_date=reference, demo=options.demo)
    started = time.monotonic()
    evidence: list[Evidence] = []
    try:
        result: Collected = await asyncio.wait_for(collector.collect(subject, ctx), timeout=options.settings.source_timeout)
        evidence = result.evidence
        run.notes = list(result.notes)
        run.uncovered = sorted(result.uncovered)
        run.partial = sorted(result.partial)
        run.absent = sorted(result.absent)
        if result.query:
            run.query = result.query
        run.status = SourceStatus.OK if evidence else SourceStatus.NO_RESULTS
    except Exception as exc:  # a bug in one collector must not cost the other sources either
        record_failure(run, exc, collector.id, options.settings.source_timeout)
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.hits = len(evidence)
    return run, evidence


def record_failure(run: SourceRun, exc: BaseException, collector_id: str, deadline: float) -> None:
    """Record on ``run`` why its source did not deliver: the status, a Dutch sentence for
    the officer in ``error`` and the technical text in ``technische_melding``."""
    if isinstance(exc, TimeoutError):
        run.status = SourceStatus.TIMEOUT
        run.error = f"De bron gaf geen antwoord binnen {deadline:g} seconden (bron-deadline)."
        run.technische_melding = f"source_timeout of {deadline:g} s exceeded"
    elif isinstance(exc, SourceError):
        run.status = status_for(exc)
        run.error = exc.dutch_message()
        run.technische_melding = str(exc)
    else:
        run.status = SourceStatus.FAILED
        run.error = f"Interne fout in collector {collector_id}; meld dit aan de beheerder van bibobscan."
        run.technische_melding = f"{type(exc).__name__}: {exc}"


async def collect_all(subject: Subject, collectors: list[Collector], options: ScanOptions, reference: date) -> tuple[list[SourceRun], list[Evidence]]:
    """Every source at once; a source that needs the KvK number (``uses_kvk``) of a
    company given by name starts as soon as the register sources (``gives_kvk``) are
    done, with the number they gave; without one it is skipped and says why."""
    later = [c for c in collectors if c.uses_kvk and subject.kind is SubjectKind.COMPANY and not subject.kvk]
    first = [c for c in collectors if c not in later]
    allowed = options.settings.named_hosts(collectors, options.environ)
    async with HttpClient(settings=options.settings.http, transport=options.transport, recorder=options.recorder, allowed_hosts=allowed) as http:
        tasks = _start(first, subject, options, http, reference)
        register_runs: list[SourceRun] = []
        if later:
            register = await asyncio.gather(*[t for c, t in zip(first, tasks) if c.gives_kvk])
            register_runs = [run for run, _ in register]
            kvk = learned_kvk(subject, [e for _, evs in register for e in evs], reference)
            if kvk:
                tasks += _start(later, replace(subject, kvk=kvk), options, http, reference)
        results = list(await asyncio.gather(*tasks))
    if later and not kvk:
        results += [_skipped_without_kvk(c, register_runs, options) for c in later]
    order = {c.id: i for i, c in enumerate(collectors)}
    results.sort(key=lambda result: order.get(result[0].source, len(order)))
    runs = [r for r, _ in results]
    evidence = [e for _, evs in results for e in evs]
    return runs, evidence


def _skipped_without_kvk(collector: Collector, register: list[SourceRun], options: ScanOptions) -> tuple[SourceRun, list[Evidence]]:
    """A source that works only with a KvK number, for a company the register did not
    identify: not asked, and what it would have delivered is not covered."""
    run = new_run(collector, options.settings.source_config(collector.id, collector.env, options.environ))
    run.uncovered = sorted(collector.provides)
    if not register:
        why = "het Handelsregister is niet geraadpleegd"
    elif all(r.status.missing for r in register):
        why = "het Handelsregister gaf geen antwoord (" + ", ".join(r.status.value for r in register) + ")"
    else:
        why = "het Handelsregister gaf geen eenduidig KvK-nummer"
    run.error = f"Niet bevraagd: deze bron werkt alleen met een KvK-nummer, en {why} (geef --kvk op)."
    if options.progress:
        options.progress(run)
    return run, []


def _start(collectors: list[Collector], subject: Subject, options: ScanOptions, http: HttpClient,
           reference: date) -> list[asyncio.Task[tuple[SourceRun, list[Evidence]]]]:
    tasks = [asyncio.create_task(_run_one(c, subject, options, http, reference)) for c in collectors]
    if options.progress:
        for task in tasks:
            task.add_done_callback(lambda t: options.progress(t.result()[0]) if options.progress and not t.cancelled() and t.exception() is None else None)
    return tasks


@dataclass(frozen=True, slots=True)
class Coverage:
    """Signal types a consulted source delivered in full, and those it delivered only
    in part (some of its requests failed). Everything else is not covered."""

    full: frozenset[str]
    partial: frozenset[str]


def coverage_of(runs: list[SourceRun], collectors: list[Collector], officer_types: set[str]) -> Coverage:
    """What the consulted sources covered, plus the officer fact types actually
    supplied (a questionnaire fact says nothing about earlier conclusions). A type is
    fully covered when at least one source delivered it completely."""
    by_id = {c.id: c for c in collectors}
    full: set[str] = set(officer_types & OFFICER_TYPES)
    partial: set[str] = set()
    for run in runs:
        c = by_id.get(run.source)
        if c is None or not run.status.consulted:
            continue
        delivered = set(c.provides) - set(run.uncovered) - set(run.absent)
        full.update(delivered - set(run.partial))
        partial.update(delivered & set(run.partial))
    return Coverage(frozenset(full), frozenset(partial - full))


def caveats_for(runs: list[SourceRun], hits: list[IndicatorHit]) -> list[str]:
    notes = []
    for run in runs:
        if run.status.missing:
            notes.append(f"Bron {run.title or run.source} is niet geraadpleegd ({run.status.value}): {(run.error or 'onbekende fout').rstrip('.')}.")
        for note in run.notes:
            notes.append(f"{run.title or run.source}: {note}")
    to_review = [h.title for h in hits if h.outcome is Outcome.HIT and h.points == 0]
    if to_review:
        notes.append(f"Handmatig beoordelen (0 punten, wel een bevinding): {'; '.join(to_review)}.")
    insufficient = [h.title for h in hits if h.outcome is Outcome.INSUFFICIENT]
    if insufficient:
        notes.append(f"{len(insufficient)} indicator(en) konden niet worden beoordeeld (onvoldoende gegevens); een lage score betekent daar niet 'geen risico'.")
    return notes


@dataclass
class RuleSet:
    indicators: list[Indicator]
    profile: Profile
    description: dict[str, str]


def load_rule_set(indicators_path: Path | None, profile_path: Path | None, subject_kind: SubjectKind | None = None) -> RuleSet:
    ind_path = indicators_path or indicators_dir()
    prof_path = profile_path or default_profile()
    indicators = load_indicators(ind_path)
    profile = load_profile(prof_path)
    check_rule_set(indicators, profile, subject_kind)
    return RuleSet(
        indicators=indicators,
        profile=profile,
        description={
            "hash": set_hash(indicator_files(ind_path)),
            "path": public_name(ind_path, indicators_dir(), "meegeleverde indicatorenset"),
            "count": str(len(indicators)),
            "profile": profile.name,
            "profile_file": public_name(prof_path, default_profile(), "meegeleverd profiel"),
            "profile_hash": profile.sha256,
        },
    )


def public_name(path: Path, shipped: Path, label: str) -> str:
    """How a file or folder is named in a report: the shipped one by ``label``, another
    by its own name only. A machine path never reaches a report (the hash identifies
    the content)."""
    try:
        if path.resolve() == shipped.resolve():
            return f"{label} (bibobscan {__version__})"
    except OSError:
        pass
    return path.name or str(path)


def evaluate_with_suppressions(
    ind: Indicator,
    signals: list[Signal],
    evidence: list[Evidence],
    coverage: Collection[str],
    subject_name: str,
    profile: Profile,
    partial: Collection[str] = frozenset(),
) -> IndicatorHit:
    """Evaluate one indicator after leaving out signals whose evidence the profile
    suppresses for it (known false positives); the hit records what was suppressed."""
    suppressed = profile.suppressions_for(ind.id, evidence) if profile.suppress else {}
    if not suppressed:
        return evaluate(ind, signals, coverage, subject_name, partial)
    kept = [s for s in signals if not s.evidence_ids or not all(e in suppressed for e in s.evidence_ids)]
    hit = evaluate(ind, kept, coverage, subject_name, partial)
    dropped = [s for s in signals if s.type == ind.signal and s not in kept]
    if dropped:
        reasons = sorted({suppressed[e] for s in dropped for e in s.evidence_ids if e in suppressed})
        hit.suppressed = [f"Onderdrukt door profiel {profile.name}: {r}" for r in reasons]
        hit.suppressed_ids = sorted({e for s in dropped for e in s.evidence_ids if e in suppressed})
    return hit


def score(subject: Subject, case: Case, runs: list[SourceRun], evidence: list[Evidence], collectors: list[Collector], rules: RuleSet, *,
          reference: date, demo: bool, review: Review | None = None) -> Report:
    """Offline: resolve, apply the people's dispositions, derive signals, evaluate,
    assess. Used by scans, rescore and the case file. Deterministic: the same evidence,
    dispositions, rules and reference date give the same hits."""
    review = review or Review()
    for ev in evidence:
        ev.content_sha256 = ev.compute_content_sha256()
    resolve_all(subject, evidence, reference)
    apply_dispositions(evidence, review)
    signals = derive_signals(subject, evidence, reference)
    events = link_events(evidence, signals)
    mark_signals(signals, events)
    coverage = coverage_of(runs, collectors, covered_types(evidence))
    applicable = [ind for ind in rules.indicators if subject.kind.value in ind.applies_to and ind.status != "deprecated"]
    hits = evaluate_once_per_event(
        applicable, signals, events, rules.profile.one_event_once,
        lambda ind, seen: evaluate_with_suppressions(ind, seen, evidence, coverage.full, subject.name, rules.profile, coverage.partial),
    )
    assessment = assess(hits, rules.profile, caveats_for(runs, hits))
    incomplete = [r for r in runs if r.incomplete]
    if incomplete:
        # The headline itself must not read as a clean result when sources are missing.
        assessment.complete = False
        assessment.band_label = incomplete_headline(len(incomplete), assessment.band_label)
    return Report(
        subject=subject,
        case=case,
        sources=runs,
        evidence=evidence,
        signals=signals,
        indicators=hits,
        assessment=assessment,
        generated_at=utcnow(),
        tool_version=__version__,
        indicator_set=dict(rules.description),
        demo=demo,
        reference_date=reference,
        review=review,
    )


REGISTER_SOURCE = "kvk"


async def _collect_by_kvk_only(subject: Subject, collectors: list[Collector], options: ScanOptions, reference: date) -> tuple[list[SourceRun], list[Evidence]]:
    """A company given only by KvK number: ask the register first for its name, then
    search the other sources by that name. Without a name they are not searched (and say
    so), so their indicators read "insufficient data", never "nothing found"."""
    if not subject.kvk:
        raise ValueError("a company without a name needs a KvK number")
    register = [c for c in collectors if c.id == REGISTER_SOURCE]
    others = [c for c in collectors if c.id != REGISTER_SOURCE]
    runs, evidence = await collect_all(subject, register, options, reference)
    name = next(
        (str(e.fields["name"]) for e in evidence if e.kind == "register.company" and e.fields.get("kvk") == subject.kvk and e.fields.get("name")),
        "",
    )
    if name:
        subject.name = name
        more_runs, more_evidence = await collect_all(subject, others, options, reference)
        return sorted(runs + more_runs, key=lambda r: r.source), evidence + more_evidence
    subject.name = f"KvK {subject.kvk}"
    reason = (
        f"Niet bevraagd: het Handelsregister gaf geen naam voor KvK-nummer {subject.kvk} "
        "(zie de KvK-regel); geef de naam van de onderneming op om op naam te zoeken."
    )
    skipped = [new_run(c, options.settings.source_config(c.id, c.env, options.environ), error=reason) for c in others]
    return sorted(runs + skipped, key=lambda r: r.source), evidence


def _warm_up() -> None:
    """Build the text pipeline scoring needs (spaCy, about half a second the first time in
    a process) in a thread while the sources are asked: on a live scan the network wait
    hides it."""
    from .nlp import get_nlp

    get_nlp()


async def scan(subject: Subject, case: Case, collectors: list[Collector], options: ScanOptions) -> Report:
    if subject.kind is SubjectKind.SECTOR:
        raise ValueError("a sector is scanned by bibobscan.sector, not by scan()")
    rules = load_rule_set(options.indicators_path, options.profile_path, subject.kind)  # fail before any request
    reference = options.reference_date or utcnow().date()
    warm = asyncio.ensure_future(asyncio.to_thread(_warm_up))
    try:
        if subject.kind is SubjectKind.COMPANY and not subject.name.strip():
            runs, evidence = await _collect_by_kvk_only(subject, collectors, options, reference)
        else:
            runs, evidence = await collect_all(subject, collectors, options, reference)
    finally:
        with contextlib.suppress(Exception):  # a pipeline that cannot be built fails in score() with its reason
            await warm
    if options.officer_evidence:
        evidence.extend(options.officer_evidence)
    return score(subject, case, runs, evidence, collectors, rules, reference=reference, demo=options.demo, review=options.review)


def rescore(report: Report, collectors: list[Collector], rules: RuleSet, *, source_file: str = "", source_hash: str = "") -> Report:
    """Re-evaluate a stored report's evidence with (changed) indicators or profile,
    offline, keeping its dispositions. The new report records the indicator set it used
    and where it came from."""
    reference = report.reference_date or report.generated_at.date()
    new = score(report.subject, report.case, report.sources, report.evidence, collectors, rules, reference=reference, demo=report.demo,
                review=report.review)
    new.indicator_set["rescored_from"] = f"{source_file} (sha256 {source_hash})" if source_file else "stored evidence"
    new.indicator_set["original_indicator_set"] = str(report.indicator_set.get("hash", ""))
    new.indicator_set["original_generated_at"] = report.generated_at.isoformat()
    return new
