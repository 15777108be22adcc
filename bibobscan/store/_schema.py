"""The case store's tables (SQLAlchemy Core), as the newest migration leaves them.

Every table change needs a migration in ``migrations/versions/``; a test compares the
migrated database with these definitions, so a change without one fails.

Times and dates are ISO 8601 text in UTC (``2026-11-20T10:15:00+00:00``, ``2031-11-20``):
the same on SQLite and PostgreSQL, and ordered as text. JSON documents are text.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(200), nullable=False, unique=True),
    Column("status", String(20), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("subject_name", Text, nullable=False, default=""),
    Column("officer", Text, nullable=False, default=""),
    Column("reviewer", Text, nullable=False, default=""),
    Column("team", Text, nullable=False, default=""),
    Column("demo", Boolean, nullable=False, default=False),
    Column("retention_until", String(10)),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("case_json", Text, nullable=False),
    # the indicator files and profile the case is scored with (local paths, never in a report)
    Column("indicators_path", Text, nullable=False, default=""),
    Column("profile_path", Text, nullable=False, default=""),
    Column("file_version", Integer, nullable=False, default=1),
    Column("finalised_at", String(32)),
    Column("archived_at", String(32)),
    Column("destroyed_at", String(32)),
)

# The subjects of a case: the applicant, and e.g. its directors or financiers; each is
# scanned and reported on by itself (subject_no 1, 2, ...). cases.kind/subject_name are
# those of subject 1, for lists.
subjects = Table(
    "subjects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_pk", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("subject_no", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("name", Text, nullable=False),
    Column("subject_json", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("case_pk", "subject_no", name="uq_subjects_case_no"),
)

scans = Table(
    "scans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_pk", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("scan_no", Integer, nullable=False),
    Column("subject_no", Integer, nullable=False),
    Column("file_version", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("report_json", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("total_points", Float, nullable=False),
    Column("band_label", Text, nullable=False),
    UniqueConstraint("case_pk", "scan_no", name="uq_scans_case_scan"),
)

raw_bodies = Table(
    "raw_bodies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_pk", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("scan_no", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("retrieved_at", String(32), nullable=False),
    Column("size", Integer, nullable=False),
    Column("truncated", Boolean, nullable=False),
    Column("content", LargeBinary, nullable=False),
    UniqueConstraint("case_pk", "scan_no", "sha256", name="uq_raw_bodies_case_scan_sha"),
)

report_versions = Table(
    "report_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_pk", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("version_no", Integer, nullable=False),
    Column("subject_no", Integer, nullable=False),
    Column("file_version", Integer, nullable=False),
    Column("scan_no", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("trigger", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("report_json", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("final", Boolean, nullable=False, default=False),
    UniqueConstraint("case_pk", "version_no", name="uq_report_versions_case_version"),
)

# What people did, append-only: kind is disposition, conclusion, signoff or zienswijze;
# data is the JSON of that object (bibobscan.model). The latest of a kind wins.
review_events = Table(
    "review_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_pk", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("file_version", Integer, nullable=False),
    Column("subject_no", Integer),  # None for what concerns the whole case (conclusion, sign-off, zienswijze)
    Column("kind", String(20), nullable=False),
    Column("at", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("data", Text, nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_pk", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", Integer, ForeignKey("review_events.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# Who did what and when. Survives the destruction of a case (details blanked), so the
# destruction itself is on record.
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_pk", Integer, ForeignKey("cases.id", ondelete="SET NULL")),
    Column("case_id", String(200), nullable=False),
    Column("at", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

# --- the workspace's accounts (migration 0002) ---------------------------------------
# Local accounts with an argon2 password hash; a role; the case teams they belong to.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("display_name", Text, nullable=False, default=""),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

account_teams = Table(
    "account_teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("team", String(100), nullable=False),
    UniqueConstraint("account_id", "team", name="uq_account_teams"),
)

# Browser sessions and API tokens: only the sha256 of the secret is kept.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("label", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

# Failed and successful logins, for the rate limit (per account name and per client).
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("client", String(100), nullable=False),
    Column("at", String(32), nullable=False),
    Column("ok", Boolean, nullable=False),
)

Index("ix_audit_case_id", audit.c.case_id)
Index("ix_login_attempts_name", login_attempts.c.name)
Index("ix_login_attempts_client", login_attempts.c.client)
Index("ix_scans_case", scans.c.case_pk)
Index("ix_report_versions_case", report_versions.c.case_pk)
Index("ix_review_events_case", review_events.c.case_pk)
Index("ix_raw_bodies_case", raw_bodies.c.case_pk)
