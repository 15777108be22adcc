"""The case store: persistence only. The rules of the file's life (who may do what,
when a file is immutable) live in :mod:`bibobscan.dossier`, which calls this module.

    store = CaseStore.open(locate(data=Path("data")))
    with store.writing() as tx:
        record = tx.create_case(case, subject, actor="j.jansen")
    store.case("Z-2026-001")

Reads go through short read transactions; every change goes through ``writing()``,
one transaction that either commits whole or not at all. On SQLite a write transaction
starts with ``BEGIN IMMEDIATE`` (writers queue on the lock for up to 30 s instead of
failing half-way), in WAL mode (readers never wait for writers); on PostgreSQL the case
row is locked (``SELECT … FOR UPDATE``) before numbers are handed out, so concurrent
scans of one case get consecutive scan numbers and lose nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    create_engine,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

from ..errors import CaseNotFound, StoreConflict, StoreError
from ..http import RawBody
from ..model import (
    Case,
    Report,
    Subject,
    SubjectKind,
    case_from_dict,
    subject_from_dict,
    to_jsonable,
    utcnow,
)
from ..report.integrity import check, sealed
from . import _schema as t
from ._location import StoreLocation
from ._migrate import upgrade

BUSY_TIMEOUT_S = 30
T = TypeVar("T")


def _now() -> str:
    return utcnow().isoformat()


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    pk: int
    case_id: str
    status: str
    kind: str
    subject_name: str
    officer: str
    reviewer: str
    team: str
    demo: bool
    retention_until: date | None
    created_at: datetime
    updated_at: datetime
    case: Case
    subject: Subject  # subject 1 (see CaseStore.subjects for all)
    indicators_path: str
    profile_path: str
    file_version: int
    finalised_at: datetime | None
    archived_at: datetime | None
    destroyed_at: datetime | None

    def expired(self, today: date) -> bool:
        return self.retention_until is not None and self.retention_until < today


@dataclass(frozen=True, slots=True)
class ScanRecord:
    scan_no: int
    subject_no: int
    file_version: int
    created_at: datetime
    created_by: str
    report_json: str
    digest: str
    complete: bool
    total_points: float
    band_label: str


@dataclass(frozen=True, slots=True)
class VersionRecord:
    version_no: int
    subject_no: int
    file_version: int
    scan_no: int
    created_at: datetime
    created_by: str
    trigger: str
    status: str
    report_json: str
    digest: str
    final: bool


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    id: int
    file_version: int
    subject_no: int | None
    kind: str  # disposition, conclusion, signoff, zienswijze
    at: datetime
    actor: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BodyRecord:
    scan_no: int
    sha256: str
    url: str
    status_code: int
    media_type: str
    retrieved_at: datetime
    size: int
    truncated: bool
    content: bytes | None  # None when listed without content


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    event_id: int
    name: str
    sha256: str
    size: int
    media_type: str
    content: bytes | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    case_id: str
    at: datetime
    actor: str
    action: str
    detail: str


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    subject_no: int
    subject: Subject
    created_at: datetime

    @property
    def label(self) -> str:
        role = f" ({self.subject.role})" if self.subject.role else ""
        return f"{self.subject_no}. {self.subject.name or ('KvK ' + (self.subject.kvk or '?'))}{role}"


def _subject_record(row: Row[Any]) -> SubjectRecord:
    m = row._mapping
    return SubjectRecord(m["subject_no"], subject_from_dict(json.loads(m["subject_json"])), datetime.fromisoformat(m["created_at"]))


def _case_record(row: Row[Any], subject: Subject) -> CaseRecord:
    m = row._mapping
    return CaseRecord(
        pk=m["id"], case_id=m["case_id"], status=m["status"], kind=m["kind"], subject_name=m["subject_name"],
        officer=m["officer"], reviewer=m["reviewer"], team=m["team"], demo=bool(m["demo"]),
        retention_until=date.fromisoformat(m["retention_until"]) if m["retention_until"] else None,
        created_at=datetime.fromisoformat(m["created_at"]), updated_at=datetime.fromisoformat(m["updated_at"]),
        case=case_from_dict(json.loads(m["case_json"])), subject=subject,
        indicators_path=m["indicators_path"], profile_path=m["profile_path"], file_version=m["file_version"],
        finalised_at=_dt(m["finalised_at"]), archived_at=_dt(m["archived_at"]), destroyed_at=_dt(m["destroyed_at"]),
    )


def _scan_record(row: Row[Any]) -> ScanRecord:
    m = row._mapping
    return ScanRecord(m["scan_no"], m["subject_no"], m["file_version"], datetime.fromisoformat(m["created_at"]), m["created_by"], m["report_json"],
                      m["digest"], bool(m["complete"]), float(m["total_points"]), m["band_label"])


def _version_record(row: Row[Any]) -> VersionRecord:
    m = row._mapping
    return VersionRecord(m["version_no"], m["subject_no"], m["file_version"], m["scan_no"], datetime.fromisoformat(m["created_at"]), m["created_by"],
                         m["trigger"], m["status"], m["report_json"], m["digest"], bool(m["final"]))


def _body_record(row: Row[Any], with_content: bool) -> BodyRecord:
    m = row._mapping
    return BodyRecord(m["scan_no"], m["sha256"], m["url"], m["status_code"], m["media_type"], datetime.fromisoformat(m["retrieved_at"]),
                      m["size"], bool(m["truncated"]), bytes(m["content"]) if with_content else None)


def _event(row: Row[Any]) -> ReviewEvent:
    m = row._mapping
    return ReviewEvent(m["id"], m["file_version"], m["subject_no"], m["kind"], datetime.fromisoformat(m["at"]), m["actor"], json.loads(m["data"]))


def report_text(report: Report) -> tuple[str, str]:
    """The report as stored (sealed JSON, as the report file) and its digest. A report
    whose evidence no longer matches its content hashes is refused (ReportError)."""
    data = sealed(report.to_dict())
    check(data, f"report of case {report.case.case_id}")
    return json.dumps(data, ensure_ascii=False, indent=2), data["integrity"]["digest"]


class Tx:
    """The write operations, inside one transaction (see :meth:`CaseStore.writing`)."""

    def __init__(self, conn: Connection, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres

    # --- cases and subjects -----------------------------------------------------------------

    def create_case(self, case: Case, subject: Subject, *, actor: str, status: str = "concept", demo: bool = False,
                    indicators_path: str = "", profile_path: str = "", team: str = "") -> CaseRecord:
        now = _now()
        result = self.conn.execute(t.cases.insert().values(
            case_id=case.case_id, status=status, kind=subject.kind.value, subject_name=subject.name, officer=case.officer,
            reviewer=case.reviewer, team=team, demo=demo, retention_until=_iso(case.retention_until), created_at=now, updated_at=now,
            case_json=_json(case), indicators_path=indicators_path, profile_path=profile_path, file_version=1,
        ))
        pk = int(result.inserted_primary_key[0])  # type: ignore[index]
        self.conn.execute(t.subjects.insert().values(case_pk=pk, subject_no=1, kind=subject.kind.value, name=subject.name,
                                                     subject_json=_json(subject), created_at=now))
        self.audit(case.case_id, "create", actor, f"{subject.kind.value} {subject.name}")
        return self.lock(case.case_id)

    def add_subject(self, record: CaseRecord, subject: Subject, *, actor: str) -> int:
        number = self._next(t.subjects, t.subjects.c.subject_no, record.pk)
        self.conn.execute(t.subjects.insert().values(case_pk=record.pk, subject_no=number, kind=subject.kind.value, name=subject.name,
                                                     subject_json=_json(subject), created_at=_now()))
        self.audit(record.case_id, "add_subject", actor, f"{number}: {subject.kind.value} {subject.name}")
        return number

    def update_subject(self, record: CaseRecord, subject_no: int, subject: Subject) -> None:
        self.conn.execute(update(t.subjects).where(t.subjects.c.case_pk == record.pk, t.subjects.c.subject_no == subject_no)
                          .values(kind=subject.kind.value, name=subject.name, subject_json=_json(subject)))
        if subject_no == 1:
            self.conn.execute(update(t.cases).where(t.cases.c.id == record.pk).values(subject_name=subject.name, updated_at=_now()))

    def subjects(self, record: CaseRecord) -> list[SubjectRecord]:
        rows = self.conn.execute(select(t.subjects).where(t.subjects.c.case_pk == record.pk).order_by(t.subjects.c.subject_no)).all()
        return [_subject_record(r) for r in rows]

    def lock(self, case_id: str) -> CaseRecord:
        """The case row, locked until the transaction ends (PostgreSQL; SQLite's write
        transaction already holds the database lock)."""
        query = select(t.cases).where(t.cases.c.case_id == case_id)
        if self.postgres:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        if row is None:
            raise CaseNotFound(f"no case {case_id!r} in the case store")
        return _case_record(row, _first_subject(self.conn, row.id))

    def find(self, case_id: str) -> CaseRecord | None:
        try:
            return self.lock(case_id)
        except CaseNotFound:
            return None

    def update_case(self, record: CaseRecord, *, case: Case | None = None, **columns: Any) -> CaseRecord:
        """Change a case's data and/or columns (status, file_version, finalised_at, ...)."""
        values: dict[str, Any] = {"updated_at": _now()}
        if case is not None:
            values.update(case_json=_json(case), officer=case.officer, reviewer=case.reviewer, retention_until=_iso(case.retention_until))
        for key, value in columns.items():
            values[key] = _iso(value) if isinstance(value, (date, datetime)) else value
        self.conn.execute(update(t.cases).where(t.cases.c.id == record.pk).values(**values))
        return self.lock(record.case_id)

    # --- scans and versions -----------------------------------------------------------------

    def add_scan(self, record: CaseRecord, subject_no: int, report: Report, bodies: Iterable[RawBody], *, actor: str) -> int:
        number = self._next(t.scans, t.scans.c.scan_no, record.pk)
        text_, digest = report_text(report)
        self.conn.execute(t.scans.insert().values(
            case_pk=record.pk, scan_no=number, subject_no=subject_no, file_version=record.file_version, created_at=_now(), created_by=actor,
            report_json=text_, digest=digest, complete=report.assessment.complete, total_points=report.assessment.total_points,
            band_label=report.assessment.band_label,
        ))
        rows = [
            {"case_pk": record.pk, "scan_no": number, "sha256": b.sha256, "url": b.url, "status_code": b.status_code, "media_type": b.media_type,
             "retrieved_at": b.retrieved_at.isoformat(), "size": b.size, "truncated": b.truncated, "content": b.content}
            for b in bodies
        ]
        if rows:
            self.conn.execute(t.raw_bodies.insert(), rows)
        return number

    def next_version_no(self, record: CaseRecord) -> int:
        return self._next(t.report_versions, t.report_versions.c.version_no, record.pk)

    def add_version(self, record: CaseRecord, report: Report, *, trigger: str, actor: str, final: bool = False) -> VersionRecord:
        """Store a report version; ``report.file`` carries its number (from
        :meth:`next_version_no`), subject, scan and status."""
        info = report.file
        if info is None:
            raise ValueError("a report version needs report.file")
        text_, digest = report_text(report)
        now = _now()
        self.conn.execute(t.report_versions.insert().values(
            case_pk=record.pk, version_no=info.version, subject_no=info.subject_no, file_version=record.file_version, scan_no=info.scan,
            created_at=now, created_by=actor, trigger=trigger, status=info.status, report_json=text_, digest=digest, final=final,
        ))
        return VersionRecord(info.version, info.subject_no, record.file_version, info.scan, datetime.fromisoformat(now), actor, trigger,
                             info.status, text_, digest, final)

    def _next(self, table: Any, column: Any, case_pk: int) -> int:
        current = self.conn.execute(select(func.max(column)).where(table.c.case_pk == case_pk)).scalar()
        return int(current or 0) + 1

    def latest_scan(self, record: CaseRecord, subject_no: int) -> ScanRecord | None:
        row = self.conn.execute(select(t.scans).where(t.scans.c.case_pk == record.pk, t.scans.c.subject_no == subject_no)
                                .order_by(t.scans.c.scan_no.desc())).first()
        return _scan_record(row) if row is not None else None

    def latest_version(self, record: CaseRecord, subject_no: int) -> VersionRecord | None:
        row = self.conn.execute(select(t.report_versions).where(t.report_versions.c.case_pk == record.pk, t.report_versions.c.subject_no == subject_no)
                                .order_by(t.report_versions.c.version_no.desc())).first()
        return _version_record(row) if row is not None else None

    def events(self, record: CaseRecord) -> list[ReviewEvent]:
        rows = self.conn.execute(select(t.review_events).where(t.review_events.c.case_pk == record.pk).order_by(t.review_events.c.id)).all()
        return [_event(r) for r in rows]

    def bodies(self, record: CaseRecord) -> list[BodyRecord]:
        rows = self.conn.execute(select(t.raw_bodies).where(t.raw_bodies.c.case_pk == record.pk).order_by(t.raw_bodies.c.scan_no, t.raw_bodies.c.id)).all()
        return [_body_record(r, True) for r in rows]

    def drop_bodies(self, record: CaseRecord) -> int:
        result = self.conn.execute(t.raw_bodies.delete().where(t.raw_bodies.c.case_pk == record.pk))
        return int(result.rowcount or 0)

    # --- review -----------------------------------------------------------------------------

    def add_review_event(self, record: CaseRecord, kind: str, data: Any, *, actor: str, subject_no: int | None = None,
                         attachments: Iterable[tuple[str, str, bytes]] = ()) -> int:
        """Append one review event; ``attachments``: (name, media type, content)."""
        result = self.conn.execute(t.review_events.insert().values(
            case_pk=record.pk, file_version=record.file_version, subject_no=subject_no, kind=kind, at=_now(), actor=actor, data=_json(data),
        ))
        event_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        for name, media_type, content in attachments:
            self.conn.execute(t.attachments.insert().values(
                case_pk=record.pk, event_id=event_id, name=name, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                media_type=media_type, content=content,
            ))
        return event_id

    def attachments(self, record: CaseRecord) -> list[AttachmentRecord]:
        rows = self.conn.execute(select(t.attachments).where(t.attachments.c.case_pk == record.pk).order_by(t.attachments.c.id)).all()
        return [AttachmentRecord(r.event_id, r.name, r.sha256, r.size, r.media_type, bytes(r.content)) for r in rows]

    # --- audit and destruction ----------------------------------------------------------------

    def audit(self, case_id: str, action: str, actor: str, detail: str = "") -> None:
        pk = self.conn.execute(select(t.cases.c.id).where(t.cases.c.case_id == case_id)).scalar()
        self.conn.execute(t.audit.insert().values(case_pk=pk, case_id=case_id, at=_now(), actor=actor, action=action, detail=detail[:2000]))

    def destroy(self, record: CaseRecord, *, actor: str, reason: str) -> None:
        """Destroy a case's content (subjects, scans, bodies, versions, review,
        attachments); keep a tombstone row (case number, dates, status vernietigd) and the
        audit log with its details blanked, so the destruction is on record but nothing
        of the content is."""
        for table in (t.attachments, t.review_events, t.raw_bodies, t.report_versions, t.scans, t.subjects):
            self.conn.execute(table.delete().where(table.c.case_pk == record.pk))
        self.conn.execute(update(t.audit).where(t.audit.c.case_pk == record.pk).values(detail=""))
        tombstone = Case(case_id=record.case_id, purpose="", retention_until=record.retention_until, created_on=record.created_at.date())
        self.conn.execute(update(t.cases).where(t.cases.c.id == record.pk).values(
            status="vernietigd", subject_name="", officer="", reviewer="", destroyed_at=_now(), updated_at=_now(), case_json=_json(tombstone),
        ))
        self.audit(record.case_id, "purge", actor, reason)


def _json(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False)


def _first_subject(conn: Connection, case_pk: int) -> Subject:
    row = conn.execute(select(t.subjects.c.subject_json).where(t.subjects.c.case_pk == case_pk).order_by(t.subjects.c.subject_no)).first()
    if row is None:  # a destroyed case keeps no subject
        kind = conn.execute(select(t.cases.c.kind).where(t.cases.c.id == case_pk)).scalar() or "person"
        return Subject(kind=SubjectKind(kind), name="")
    return subject_from_dict(json.loads(row[0]))


class CaseStore:
    """An opened case store (see the module docstring)."""

    def __init__(self, engine: Engine, location: StoreLocation, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.engine = engine
        self.location = location
        self.postgres = engine.dialect.name == "postgresql"
        self.busy_timeout = busy_timeout

    @classmethod
    def open(cls, location: StoreLocation, *, create: bool = True, busy_timeout: float = BUSY_TIMEOUT_S) -> CaseStore:
        """Open (and migrate) the store; ``create=False`` refuses to create an embedded
        store that does not exist yet (for commands that only read)."""
        if location.embedded:
            db_file = Path(location.url.removeprefix("sqlite:///"))
            if not db_file.exists():
                if not create:
                    raise StoreError(f"no case store in {location.data_dir} yet ({db_file.name} is missing): a scan or `bibobscan case new` creates it")
                try:
                    location.data_dir.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"cannot create the data folder {location.data_dir} for the case store: {exc.strerror or exc}") from exc
        engine = _engine(location, busy_timeout)
        store = cls(engine, location, busy_timeout)
        store._run(lambda: upgrade(engine, postgres=store.postgres))
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions -----------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[Tx]:
        """One write transaction; errors of the database come out as StoreError."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(bibobscan_write=True)
                with conn.begin():
                    yield Tx(conn, self.postgres)
        except sa_exc.SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def read(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` on a connection in one read transaction (for packages that keep
        their own tables in the store, such as :mod:`bibobscan.accounts`)."""
        return self._read(fn)

    def _read(self, fn: Callable[[Connection], T]) -> T:
        def run() -> T:
            with self.engine.connect() as conn, conn.begin():
                return fn(conn)
        return self._run(run)

    def _run(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except sa_exc.SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: sa_exc.SQLAlchemyError) -> StoreError:
        orig = getattr(exc, "orig", None)
        detail = str(orig or exc).strip().splitlines()[0] if str(orig or exc).strip() else type(exc).__name__
        if isinstance(orig, sqlite3.OperationalError) and "locked" in detail:
            return StoreError(f"the case store {self.location.shown} is locked by another process (waited {self.busy_timeout:g} s); try again")
        if isinstance(exc, sa_exc.OperationalError):
            return StoreError(f"cannot use the case store {self.location.shown}: {detail}")
        if isinstance(exc, sa_exc.IntegrityError):
            return StoreConflict(f"the case store {self.location.shown} refused a change: {detail}")
        return StoreError(f"case store {self.location.shown}: {type(exc).__name__}: {detail}")

    # --- reads ------------------------------------------------------------------------------

    def case(self, case_id: str) -> CaseRecord:
        def read(c: Connection) -> CaseRecord | None:
            row = c.execute(select(t.cases).where(t.cases.c.case_id == case_id)).first()
            return _case_record(row, _first_subject(c, row.id)) if row is not None else None
        record = self._read(read)
        if record is None:
            raise CaseNotFound(f"no case {case_id!r} in the case store {self.location.shown}")
        return record

    def subjects(self, case_id: str) -> list[SubjectRecord]:
        record = self.case(case_id)
        rows = self._read(lambda c: c.execute(select(t.subjects).where(t.subjects.c.case_pk == record.pk).order_by(t.subjects.c.subject_no)).all())
        return [_subject_record(r) for r in rows]

    def find(self, case_id: str) -> CaseRecord | None:
        try:
            return self.case(case_id)
        except CaseNotFound:
            return None

    def cases(self, *, status: str | None = None, officer: str | None = None, expired_on: date | None = None,
              search: str | None = None, team: str | None = None) -> list[CaseRecord]:
        """Cases, newest first. ``expired_on``: only those whose retention ended before it."""
        query = select(t.cases)
        if status:
            query = query.where(t.cases.c.status == status)
        if officer:
            query = query.where(t.cases.c.officer == officer)
        if team is not None:
            query = query.where(t.cases.c.team == team)
        if expired_on is not None:
            query = query.where(and_(t.cases.c.retention_until.is_not(None), t.cases.c.retention_until < expired_on.isoformat()))
        if search:
            like = f"%{search.lower()}%"
            query = query.where(or_(func.lower(t.cases.c.case_id).like(like), func.lower(t.cases.c.subject_name).like(like)))
        def read(c: Connection) -> list[CaseRecord]:
            rows = c.execute(query.order_by(t.cases.c.created_at.desc(), t.cases.c.id.desc())).all()
            return [_case_record(r, _first_subject(c, r.id)) for r in rows]
        return self._read(read)

    def scans(self, case_id: str, subject_no: int | None = None) -> list[ScanRecord]:
        record = self.case(case_id)
        query = select(t.scans).where(t.scans.c.case_pk == record.pk)
        if subject_no is not None:
            query = query.where(t.scans.c.subject_no == subject_no)
        rows = self._read(lambda c: c.execute(query.order_by(t.scans.c.scan_no)).all())
        return [_scan_record(r) for r in rows]

    def scan(self, case_id: str, scan_no: int | None = None, *, subject_no: int | None = None) -> ScanRecord:
        scans = self.scans(case_id, subject_no if scan_no is None else None)
        if not scans:
            raise CaseNotFound(f"case {case_id!r} has no scan yet")
        if scan_no is None:
            return scans[-1]
        for s in scans:
            if s.scan_no == scan_no:
                return s
        raise CaseNotFound(f"case {case_id!r} has no scan {scan_no} (scans: {', '.join(str(s.scan_no) for s in scans)})")

    def versions(self, case_id: str, subject_no: int | None = None) -> list[VersionRecord]:
        record = self.case(case_id)
        query = select(t.report_versions).where(t.report_versions.c.case_pk == record.pk)
        if subject_no is not None:
            query = query.where(t.report_versions.c.subject_no == subject_no)
        rows = self._read(lambda c: c.execute(query.order_by(t.report_versions.c.version_no)).all())
        return [_version_record(r) for r in rows]

    def version(self, case_id: str, version_no: int | None = None, *, subject_no: int | None = None) -> VersionRecord:
        versions = self.versions(case_id, subject_no if version_no is None else None)
        if not versions:
            raise CaseNotFound(f"case {case_id!r} has no report yet (scan it first)")
        if version_no is None:
            return versions[-1]
        for v in versions:
            if v.version_no == version_no:
                return v
        raise CaseNotFound(f"case {case_id!r} has no report version {version_no} (versions 1–{versions[-1].version_no})")

    def review_events(self, case_id: str) -> list[ReviewEvent]:
        record = self.case(case_id)
        rows = self._read(lambda c: c.execute(
            select(t.review_events).where(t.review_events.c.case_pk == record.pk).order_by(t.review_events.c.id)).all())
        return [_event(r) for r in rows]

    def bodies(self, case_id: str, scan_no: int | None = None, *, with_content: bool = False) -> list[BodyRecord]:
        record = self.case(case_id)
        columns = list(t.raw_bodies.c) if with_content else [c for c in t.raw_bodies.c if c.name != "content"]
        query = select(*columns).where(t.raw_bodies.c.case_pk == record.pk)
        if scan_no is not None:
            query = query.where(t.raw_bodies.c.scan_no == scan_no)
        rows = self._read(lambda c: c.execute(query.order_by(t.raw_bodies.c.scan_no, t.raw_bodies.c.id)).all())
        return [_body_record(r, with_content) for r in rows]

    def body(self, case_id: str, sha256: str) -> BodyRecord:
        record = self.case(case_id)
        row = self._read(lambda c: c.execute(
            select(t.raw_bodies).where(t.raw_bodies.c.case_pk == record.pk, t.raw_bodies.c.sha256 == sha256)
            .order_by(t.raw_bodies.c.scan_no.desc())).first())
        if row is None:
            raise CaseNotFound(f"case {case_id!r} keeps no raw response with sha256 {sha256} (dropped at finalisation, or never received)")
        return _body_record(row, True)

    def attachments(self, case_id: str, *, with_content: bool = False) -> list[AttachmentRecord]:
        record = self.case(case_id)
        rows = self._read(lambda c: c.execute(
            select(t.attachments).where(t.attachments.c.case_pk == record.pk).order_by(t.attachments.c.id)).all())
        return [AttachmentRecord(r.event_id, r.name, r.sha256, r.size, r.media_type, bytes(r.content) if with_content else None) for r in rows]

    def audit_log(self, case_id: str | None = None) -> list[AuditEntry]:
        query = select(t.audit).order_by(t.audit.c.id)
        if case_id is not None:
            query = query.where(t.audit.c.case_id == case_id)
        rows = self._read(lambda c: c.execute(query).all())
        return [AuditEntry(r.case_id, datetime.fromisoformat(r.at), r.actor, r.action, r.detail) for r in rows]

    def audit(self, case_id: str, action: str, actor: str, detail: str = "") -> None:
        """Record one action (a view, an export) in its own transaction."""
        with self.writing() as tx:
            tx.audit(case_id, action, actor, detail)

    def revision(self) -> str | None:
        from ._migrate import current_revision

        return self._read(current_revision)

    def check_report(self, digest: str) -> list[tuple[str, int]]:
        """(case, version) pairs whose stored report has ``digest``: the store's
        independent record of a report file."""
        rows = self._read(lambda c: c.execute(
            select(t.cases.c.case_id, t.report_versions.c.version_no).join(t.cases, t.cases.c.id == t.report_versions.c.case_pk)
            .where(t.report_versions.c.digest == digest)).all())
        return [(r[0], int(r[1])) for r in rows]


def _engine(location: StoreLocation, busy_timeout: float) -> Engine:
    if location.url.startswith("sqlite"):
        engine = create_engine(location.url, poolclass=NullPool, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy, not pysqlite, begins transactions
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("bibobscan_write") else "BEGIN")

        return engine
    try:
        return create_engine(location.url, pool_pre_ping=True)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use the database URL {location.shown}: {exc}") from exc


