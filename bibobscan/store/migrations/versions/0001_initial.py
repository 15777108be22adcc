"""The first case store: cases, scans, raw bodies, report versions, review events,
attachments and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(200), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("subject_name", sa.Text, nullable=False),
        sa.Column("officer", sa.Text, nullable=False),
        sa.Column("reviewer", sa.Text, nullable=False),
        sa.Column("team", sa.Text, nullable=False),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("retention_until", sa.String(10)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("case_json", sa.Text, nullable=False),
        sa.Column("indicators_path", sa.Text, nullable=False),
        sa.Column("profile_path", sa.Text, nullable=False),
        sa.Column("file_version", sa.Integer, nullable=False),
        sa.Column("finalised_at", sa.String(32)),
        sa.Column("archived_at", sa.String(32)),
        sa.Column("destroyed_at", sa.String(32)),
    )
    op.create_table(
        "subjects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subject_no", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("subject_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("case_pk", "subject_no", name="uq_subjects_case_no"),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scan_no", sa.Integer, nullable=False),
        sa.Column("subject_no", sa.Integer, nullable=False),
        sa.Column("file_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("total_points", sa.Float, nullable=False),
        sa.Column("band_label", sa.Text, nullable=False),
        sa.UniqueConstraint("case_pk", "scan_no", name="uq_scans_case_scan"),
    )
    op.create_table(
        "raw_bodies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scan_no", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("retrieved_at", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("truncated", sa.Boolean, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("case_pk", "scan_no", "sha256", name="uq_raw_bodies_case_scan_sha"),
    )
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("subject_no", sa.Integer, nullable=False),
        sa.Column("file_version", sa.Integer, nullable=False),
        sa.Column("scan_no", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("trigger", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.UniqueConstraint("case_pk", "version_no", name="uq_report_versions_case_version"),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("file_version", sa.Integer, nullable=False),
        sa.Column("subject_no", sa.Integer),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("review_events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="SET NULL")),
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_case_id", "audit", ["case_id"])
    op.create_index("ix_scans_case", "scans", ["case_pk"])
    op.create_index("ix_report_versions_case", "report_versions", ["case_pk"])
    op.create_index("ix_review_events_case", "review_events", ["case_pk"])
    op.create_index("ix_raw_bodies_case", "raw_bodies", ["case_pk"])


def downgrade() -> None:
    for index, table in (("ix_raw_bodies_case", "raw_bodies"), ("ix_review_events_case", "review_events"),
                         ("ix_report_versions_case", "report_versions"), ("ix_scans_case", "scans"), ("ix_audit_case_id", "audit")):
        op.drop_index(index, table_name=table)
    for table in ("audit", "attachments", "review_events", "report_versions", "raw_bodies", "scans", "subjects", "cases"):
        op.drop_table(table)
