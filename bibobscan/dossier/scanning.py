"""One scan of a case's subject, recorded in the file: prepare (the case and subject
are created or found, the review so far applied), scan with every raw response kept,
record the scan and the report version it makes. The CLI (``bibobscan scan``,
``case scan``, ``case batch``) and the web workspace both scan through here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..collectors import load_collectors
from ..http import BodyRecorder
from ..model import Case, SourceRun, Subject
from ..store import CaseRecord
from ._file import Change, Dossier

if TYPE_CHECKING:
    from ..collectors import Collector
    from ..scan import ScanOptions

DEFAULT_MAX_BODY = 2_000_000


def scan_into_case(
    dossier: Dossier,
    case: Case,
    subject: Subject,
    options: ScanOptions,
    *,
    actor: str,
    demo: bool,
    collectors: list[Collector] | None = None,
    on_start: Callable[[CaseRecord, int], None] | None = None,
    progress: Callable[[SourceRun], None] | None = None,
) -> Change:
    """Scan ``subject`` for ``case`` and record it (see the module docstring).
    ``on_start`` hears the case record and subject number before the first request;
    ``progress`` each source as it starts and as it ends (else ``options.progress``)."""
    from ..scan import scan

    record, subject_no, review = dossier.prepare_scan(case, subject, actor=actor, demo=demo, indicators_path=options.indicators_path,
                                                      profile_path=options.profile_path)
    if on_start is not None:
        on_start(record, subject_no)
    max_body = DEFAULT_MAX_BODY if demo else int(str(options.settings.store.get("max_body_bytes", DEFAULT_MAX_BODY)))
    recorder = BodyRecorder(max_body_bytes=max_body)
    run_options = replace(options, recorder=recorder, review=review, progress=progress or options.progress)
    scanned = asyncio.run(scan(subject, record.case, collectors if collectors is not None else load_collectors(), run_options))
    return dossier.record_scan(record.case_id, subject_no, scanned, recorder.bodies.values(), actor=actor)
