"""The case store on both databases: migrations, round trips, versions that never
overwrite, concurrent writers, clear errors for a missing or locked database."""

from __future__ import annotations

import multiprocessing
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from _demo_scans import demo_scan, demo_subject
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bibobscan.demo import demo_case
from bibobscan.dossier import Dossier
from bibobscan.errors import CaseNotFound, StoreError
from bibobscan.store import CaseStore, StoreLocation, head_revision, locate
from bibobscan.store._schema import metadata


def test_a_new_store_is_migrated_to_the_newest_revision_and_matches_the_tables(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        assert store.revision() == head_revision()
        with store.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        # a change to _schema.py without a migration shows up here
        assert diffs == []


def test_opening_again_keeps_the_data(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store, store.writing() as tx:
        tx.create_case(demo_case("K-1"), demo_subject(), actor="a")
    with CaseStore.open(store_location) as store:
        record = store.case("K-1")
        assert record.subject.name == "Bram Voorbeeld" and record.case.reviewer == "Demo-reviewer"
        assert record.case.distribution == demo_case("K-1").distribution
        assert [a.action for a in store.audit_log("K-1")] == ["create"]


def test_case_round_trip_and_not_found(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        with store.writing() as tx:
            record = tx.create_case(demo_case("K-2"), demo_subject("company"), actor="a")
            tx.add_subject(record, demo_subject(), actor="a")
        assert [s.subject_no for s in store.subjects("K-2")] == [1, 2]
        assert store.subjects("K-2")[1].subject.born == demo_subject().born
        with pytest.raises(CaseNotFound, match="K-3"):
            store.case("K-3")
        assert store.find("K-3") is None
        assert [r.case_id for r in store.cases(search="shisha")] == ["K-2"]
        assert store.cases(status="vastgesteld") == []


def test_a_rescan_never_overwrites(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        case = demo_case("K-4")
        for _ in range(2):
            record, number, review = dossier.prepare_scan(case, demo_subject(), actor="a", demo=True)
            report, bodies = demo_scan("person", case)
            dossier.record_scan("K-4", number, report, bodies, actor="a")
        scans = store.scans("K-4")
        assert [s.scan_no for s in scans] == [1, 2]
        assert all(s.report_json for s in scans)
        versions = store.versions("K-4")
        assert [(v.version_no, v.scan_no) for v in versions] == [(1, 1), (2, 2)]
        assert len(store.bodies("K-4")) == 2 * len(bodies) > 0
        body = store.body("K-4", bodies[0].sha256)
        assert body.content == bodies[0].content


def test_missing_embedded_store_is_a_clear_error_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no case store in .* yet"):
        CaseStore.open(locate(data=tmp_path / "nothing", environ={}), create=False)


def test_unreachable_server_is_a_clear_error() -> None:
    location = locate(database="postgresql+psycopg://nobody:secret@127.0.0.1:1/none", environ={})
    with pytest.raises(StoreError) as info:
        CaseStore.open(location)
    assert "cannot use the case store" in str(info.value) and "secret" not in str(info.value)


def test_missing_postgres_database_is_a_clear_error(postgres_url: str) -> None:
    missing = sa.engine.make_url(postgres_url).set(database="bibob_does_not_exist").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="does not exist"):
        CaseStore.open(locate(database=missing, environ={}))


def test_a_locked_sqlite_store_is_a_clear_error(tmp_path: Path) -> None:
    location = locate(data=tmp_path, environ={})
    CaseStore.open(location).close()
    holder = sqlite3.connect(location.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with CaseStore.open(location, busy_timeout=0.2) as store, pytest.raises(StoreError, match="locked by another process"):
            with store.writing() as tx:
                tx.create_case(demo_case("K-5"), demo_subject(), actor="a")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_store_from_a_newer_bibobscan_is_refused(tmp_path: Path) -> None:
    location = locate(data=tmp_path, environ={})
    with CaseStore.open(location) as store, store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="does not know"):
        CaseStore.open(location)


def test_destroy_keeps_a_tombstone_and_the_audit_log(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        case = replace(demo_case("K-6"), retention_until=demo_case().created_on)
        _, number, _ = dossier.prepare_scan(case, demo_subject(), actor="a", demo=True)
        report, bodies = demo_scan("person", case)
        dossier.record_scan("K-6", number, report, bodies, actor="a")
        from datetime import timedelta

        dossier.purge("K-6", actor="archivaris", reason="bewaartermijn verstreken", today=case.retention_until + timedelta(days=1))  # type: ignore[operator]
        record = store.case("K-6")
        assert record.status == "vernietigd" and record.destroyed_at is not None and record.subject_name == ""
        assert store.scans("K-6") == [] and store.versions("K-6") == [] and store.bodies("K-6") == [] and store.subjects("K-6") == []
        log = store.audit_log("K-6")
        assert [e.action for e in log] == ["create", "scan", "purge"]
        assert log[0].detail == "" and "Bram" not in " ".join(e.detail for e in log)


# --- concurrent writers ----------------------------------------------------------------------------


def _record(args: tuple[str, str, str]) -> int:
    url, data, case_id = args
    location = StoreLocation(data_dir=Path(data), url=url, embedded=url.startswith("sqlite"))
    with CaseStore.open(location) as store:
        dossier = Dossier(store)
        case = demo_case(case_id)
        _, number, _ = dossier.prepare_scan(case, demo_subject(), actor=f"worker-{case_id}", demo=True)
        report, bodies = demo_scan("person", case)
        change = dossier.record_scan(case_id, number, report, bodies, actor="worker")
        return change.versions[0].scan_no


def test_ten_scans_at_once_lose_nothing(store_location: StoreLocation) -> None:
    demo_scan("person")  # made before the fork: the workers only write
    CaseStore.open(store_location).close()
    jobs = [(store_location.url, str(store_location.data_dir), "SAME") for _ in range(5)]
    jobs += [(store_location.url, str(store_location.data_dir), f"OWN-{i}") for i in range(5)]
    with multiprocessing.get_context("fork").Pool(10) as pool:
        numbers = pool.map(_record, jobs)
    with CaseStore.open(store_location) as store:
        assert sorted(s.scan_no for s in store.scans("SAME")) == [1, 2, 3, 4, 5]
        assert sorted(numbers[:5]) == [1, 2, 3, 4, 5]
        assert len(store.versions("SAME")) == 5
        assert {v.version_no for v in store.versions("SAME")} == {1, 2, 3, 4, 5}
        for i in range(5):
            assert len(store.scans(f"OWN-{i}")) == 1
        assert len(store.cases()) == 6
        assert sum(1 for e in store.audit_log("SAME") if e.action == "scan") == 5
        assert sum(1 for e in store.audit_log("SAME") if e.action == "create") == 1
