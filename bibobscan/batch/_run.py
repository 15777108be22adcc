"""From a checked batch to cases in the store (all or nothing), and the cases scanned
one after another."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..dossier import Dossier
from ..errors import BatchError, BibobscanError, UsageError
from ..model import Case, Report
from ..store import CaseRecord
from ._csv import BatchParse, LineError

log = logging.getLogger(__name__)

KLAAR, MISLUKT = "klaar", "mislukt"
MAX_CASE_ID = 100  # as ``bibobscan scan --case``
MAX_SHOWN_ERRORS = 20  # line errors written into the BatchError's message (all are in .errors)


def case_id_for(case_prefix: str, line: int) -> str:
    """The case number of the applicant on ``line`` of the file: ``Z-2026-BATCH-004``
    for line 4 (the header is line 1)."""
    return f"{case_prefix}-{line:03d}"


def create_cases(
    dossier: Dossier,
    batch: BatchParse,
    *,
    case_prefix: str,
    case_template: Case,
    actor: str,
    demo: bool = False,
    team: str = "",
    indicators_path: Path | None = None,
    profile_path: Path | None = None,
) -> list[CaseRecord]:
    """One case per applicant, numbered :func:`case_id_for`, each a copy of
    ``case_template`` (its case number aside) with the applicant as its subject.

    All or nothing: a batch with any line error is refused (:class:`BatchError`, its
    ``errors`` the line errors), and so is a batch of which any case number is taken
    (``errors`` name those lines). The cases are created in one store transaction, so
    a failure halfway (a full disk, a concurrent writer taking a number) saves none."""
    if batch.errors:
        raise BatchError(_summary(f"the CSV has {len(batch.errors)} error{'s' if len(batch.errors) != 1 else ''}; "
                                  "no case was created", batch.errors), errors=batch.errors)
    if not batch.rows:
        raise BatchError("the CSV has no applicants; no case was created",
                         errors=[LineError(0, "", "het bestand heeft geen aanvragers")])
    prefix = case_prefix.strip()
    if not prefix or any(not c.isprintable() for c in prefix):
        raise UsageError("the case prefix may not be empty and must be printable characters, e.g. Z-2026-BATCH")
    ids = {a.line: case_id_for(prefix, a.line) for a in batch.rows}
    longest = max(ids.values(), key=len)
    if len(longest) > MAX_CASE_ID:
        raise UsageError(f"the case prefix is too long: case number {longest!r} would pass {MAX_CASE_ID} characters")
    indicators = str(indicators_path.resolve()) if indicators_path is not None else ""
    profile = str(profile_path.resolve()) if profile_path is not None else ""
    with dossier.store.writing() as tx:
        taken = [a.line for a in batch.rows if tx.find(ids[a.line]) is not None]
        if taken:
            errors = [LineError(line, "", f"regel {line}: zaaknummer {ids[line]} bestaat al; kies een ander voorvoegsel") for line in taken]
            raise BatchError(_summary(f"{len(taken)} of the case numbers already exist{'s' if len(taken) == 1 else ''} "
                                      f"({', '.join(ids[line] for line in taken[:5])}{', ...' if len(taken) > 5 else ''}); "
                                      "choose another case prefix; no case was created", errors), errors=errors)
        return [tx.create_case(replace(case_template, case_id=ids[a.line]), a.subject(), actor=actor, demo=demo,
                               indicators_path=indicators, profile_path=profile, team=team) for a in batch.rows]


def _summary(head: str, errors: Sequence[LineError]) -> str:
    shown = [f"  {e.message}" for e in errors[:MAX_SHOWN_ERRORS]]
    more = [f"  ... and {len(errors) - MAX_SHOWN_ERRORS} more"] if len(errors) > MAX_SHOWN_ERRORS else []
    return "\n".join([head + ":", *shown, *more])


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """How far a batch is: ``done`` of ``total`` cases scanned; ``current`` the case
    being scanned now (None when the batch is done)."""

    done: int
    total: int
    current: str | None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One case of a batch after its scan (a row of the results table)."""

    case_id: str
    name: str  # the subject's name (for a company given by KvK number: as the register named it)
    status: str  # "klaar" or "mislukt"
    total_points: float | None = None
    band_label: str = ""
    complete: bool = False  # every applicable source consulted
    hits: int = 0
    error: str = ""  # Dutch, when status is "mislukt"
    case_status: str = ""  # the case's status in the store after the scan (gescand, ...)

    @property
    def ok(self) -> bool:
        return self.status == KLAAR


def run_batch(
    dossier: Dossier,
    cases: Sequence[CaseRecord],
    scan_one: Callable[[CaseRecord], Report],
    *,
    progress: Callable[[BatchProgress], None] | None = None,
) -> list[BatchResult]:
    """Scan the batch's cases one after another with ``scan_one`` (which scans a case
    and records the scan, e.g. through :func:`bibobscan.dossier.scanning.scan_into_case`).

    Sequential on purpose: each scan keeps every source's per-host rate limit of the
    HTTP layer, and one scan at a time keeps the batch within them (the limits hold
    within one scan's HTTP client; running scans side by side would multiply the load
    on each source). A case whose scan raises is recorded as "mislukt" with a Dutch
    message and the batch goes on; only KeyboardInterrupt and the like stop it."""
    results: list[BatchResult] = []
    total = len(cases)
    for done, record in enumerate(cases):
        if progress is not None:
            progress(BatchProgress(done=done, total=total, current=record.case_id))
        results.append(_scan(dossier, record, scan_one))
    if progress is not None:
        progress(BatchProgress(done=total, total=total, current=None))
    return results


def _scan(dossier: Dossier, record: CaseRecord, scan_one: Callable[[CaseRecord], Report]) -> BatchResult:
    name = record.subject_name or (f"KvK {record.subject.kvk}" if record.subject.kvk else "")
    try:
        report = scan_one(record)
    except BibobscanError as exc:
        said = getattr(exc, "dutch", "") or str(exc)  # a DossierError may carry its Dutch wording
        return BatchResult(record.case_id, name, MISLUKT, error=f"de scan is mislukt: {said}", case_status=_status(dossier, record))
    except Exception as exc:  # one broken case must not stop the batch; the log keeps the traceback
        log.exception("batch: the scan of case %s failed", record.case_id)
        return BatchResult(record.case_id, name, MISLUKT, error=f"de scan is mislukt door een onverwachte fout ({type(exc).__name__}: {exc})",
                           case_status=_status(dossier, record))
    a = report.assessment
    return BatchResult(record.case_id, report.subject.name or name, KLAAR, total_points=a.total_points, band_label=a.band_label,
                       complete=a.complete, hits=a.hits, case_status=_status(dossier, record))


def _status(dossier: Dossier, record: CaseRecord) -> str:
    try:
        found = dossier.store.find(record.case_id)
    except BibobscanError:
        return ""
    return found.status if found is not None else ""
