"""Batch intake: a CSV of applicants becomes one case each, then each is scanned
(docs/batch.md). The CLI (``bibobscan case batch``) and the web workspace both call
this package::

    batch = parse_applicants(data)               # never raises on bad content
    if batch.errors: ...                         # show the Dutch line messages
    records = create_cases(dossier, batch, case_prefix="Z-2026-B", case_template=case, actor=who)
    results = run_batch(dossier, records, scan_one, progress=show)
"""

from ._csv import (
    COLUMN_ALIASES,
    KIND_ALIASES,
    MAX_BYTES,
    MAX_NAME,
    MAX_ROWS,
    Applicant,
    BatchParse,
    LineError,
    parse_applicants,
)
from ._run import (
    KLAAR,
    MISLUKT,
    BatchProgress,
    BatchResult,
    case_id_for,
    create_cases,
    run_batch,
)

__all__ = [
    "COLUMN_ALIASES", "KIND_ALIASES", "KLAAR", "MAX_BYTES", "MAX_NAME", "MAX_ROWS", "MISLUKT", "Applicant", "BatchParse",
    "BatchProgress", "BatchResult", "LineError", "case_id_for", "create_cases", "parse_applicants", "run_batch",
]
