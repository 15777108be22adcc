"""The case store: every case, its subject, scans (versions, never overwritten), raw
responses while the case is open, report versions, the people's review events and the
audit log — embedded SQLite by default, PostgreSQL with ``--database URL``
(docs/dossier.md). Persistence only: the rules of the file's life are in
:mod:`bibobscan.dossier`."""

from ._location import (
    DATA_ENV,
    DATABASE_ENV,
    StoreLocation,
    default_data_dir,
    locate,
    redact,
)
from ._migrate import head_revision
from ._store import (
    AttachmentRecord,
    AuditEntry,
    BodyRecord,
    CaseRecord,
    CaseStore,
    ReviewEvent,
    ScanRecord,
    SubjectRecord,
    Tx,
    VersionRecord,
    report_text,
)

__all__ = [
    "DATABASE_ENV",
    "DATA_ENV",
    "AttachmentRecord",
    "AuditEntry",
    "BodyRecord",
    "CaseRecord",
    "CaseStore",
    "ReviewEvent",
    "ScanRecord",
    "SubjectRecord",
    "StoreLocation",
    "Tx",
    "VersionRecord",
    "default_data_dir",
    "head_revision",
    "locate",
    "redact",
    "report_text",
]
