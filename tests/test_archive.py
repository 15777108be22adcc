"""The sealed archive: bags that bagit itself validates, a hash chain, every kind of
tampering named, purge with tombstones, concurrent sealing, kills and a full disk."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timezone
from pathlib import Path

import bagit
import pytest

from bibobscan.archive import Archive, BagInfo, read_chain
from bibobscan.errors import ArchiveError

ROOT = Path(__file__).resolve().parent.parent


def info(case: str = "Z-2026/001", version: int = 1, retention: date = date(2031, 1, 1)) -> BagInfo:
    return BagInfo(case_id=case, report_version=version, subject="Jan Voorbeeld", retention_until=retention,
                   confidentiality="Vertrouwelijk - Wet Bibob art. 28", sealed_by="archivaris",
                   sealed_at=datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc), tool_version="0.1.0", report_digest="ab" * 32,
                   raw_bodies="dropped")


PAYLOAD = {
    "report.json": b'{"rapport": 1}',
    "report.html": b"<html>rapport</html>",
    "report.pdf": b"%PDF-1.7 " + bytes(range(256)) * 40,
    "dispositions.json": b"{}",
    "audit.json": b'{"entries": []}',
    "raw/abc.bin": b"ruw antwoord",
}


@pytest.fixture
def sealed(tmp_path: Path) -> tuple[Archive, list[str]]:
    archive = Archive(tmp_path / "archief")
    names = [archive.put(PAYLOAD, info(version=v), by="archivaris").name for v in (1, 2)]
    names.append(archive.put(PAYLOAD, info(case="Z-2", retention=date(2020, 1, 1)), by="archivaris").name)
    return archive, names


def test_put_verify_list(sealed: tuple[Archive, list[str]]) -> None:
    archive, names = sealed
    result = archive.verify()
    assert result.ok and result.bags == 3 and result.entries == 3
    for name in names:
        bag = bagit.Bag(str(archive.path / "bags" / name))
        bag.validate(fast=False)  # the Library of Congress validator agrees
        assert bag.info["External-Identifier"] == "Z-2026/001" if "Z-2026" in name else "Z-2"
        assert (archive.path / "bags" / name / "data" / "report.pdf").read_bytes() == PAYLOAD["report.pdf"]
    assert "/" not in names[0] and names[0].startswith("Z-2026-001-")
    listed = archive.bags()
    assert [b.report_version for b in listed] == [1, 2, 1] and listed[0].subject == "Jan Voorbeeld"
    assert [b.name for b in archive.bags(expired=True, today=date(2026, 12, 6))] == [names[2]]
    entries, problems = read_chain(archive.chain_path)
    assert not problems and entries[1]["prev"] == entries[0]["hash"]


FILES = ["data/report.json", "data/report.pdf", "data/raw/abc.bin", "manifest-sha256.txt", "tagmanifest-sha256.txt", "bag-info.txt", "bagit.txt"]


@pytest.mark.parametrize("file", FILES)
def test_one_flipped_byte_in_any_file_of_a_bag_is_named(sealed: tuple[Archive, list[str]], file: str) -> None:
    archive, names = sealed
    path = archive.path / "bags" / names[1] / file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = archive.verify()
    assert not result.ok
    assert {p.bag for p in result.problems} == {names[1]}
    assert any(file in p.file or file in p.what or p.file == "tagmanifest-sha256.txt" for p in result.problems), [str(p) for p in result.problems]


def test_a_removed_replaced_or_added_bag_is_named(sealed: tuple[Archive, list[str]], tmp_path: Path) -> None:
    archive, names = sealed
    shutil.rmtree(archive.path / "bags" / names[0])
    # replaced: a bag made anew with other content and its own (valid) manifests
    target = archive.path / "bags" / names[1]
    shutil.rmtree(target)
    other = Archive(tmp_path / "ander")
    made = other.put({**PAYLOAD, "report.json": b'{"rapport": 2}'}, info(version=2), by="x")
    shutil.copytree(made.path, target)
    shutil.copytree(made.path, archive.path / "bags" / "bijgevoegd")
    problems = [str(p) for p in archive.verify().problems]
    assert any(names[0] in p and "missing" in p for p in problems), problems
    assert any(names[1] in p and "does not match the hash in the chain" in p for p in problems), problems
    assert any("bijgevoegd" in p and "not in the chain" in p for p in problems), problems


@pytest.mark.parametrize("edit", ["change", "remove", "reorder", "truncate"])
def test_an_edited_chain_is_named(sealed: tuple[Archive, list[str]], edit: str) -> None:
    archive, _ = sealed
    lines = archive.chain_path.read_text(encoding="utf-8").splitlines()
    if edit == "change":
        entry = json.loads(lines[1])
        entry["retention_until"] = "2099-01-01"
        lines[1] = json.dumps(entry, sort_keys=True)
    elif edit == "remove":
        del lines[0]
    elif edit == "reorder":
        lines[0], lines[1] = lines[1], lines[0]
    else:
        lines[2] = lines[2][:40]
    archive.chain_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = archive.verify()
    assert not result.ok
    assert any(p.bag == "" and "chain.jsonl" in str(p) for p in result.problems), [str(p) for p in result.problems]


def test_purge_destroys_only_expired_bags_and_leaves_tombstones(sealed: tuple[Archive, list[str]]) -> None:
    archive, names = sealed
    with pytest.raises(ArchiveError, match="kept until 2031-01-01"):
        archive.purge(by="archivaris", reason="x", today=date(2026, 12, 6), only={names[0]})
    tombstones = archive.purge(by="archivaris", reason="bewaartermijn verstreken", today=date(2026, 12, 6))
    assert [t["bag"] for t in tombstones] == [names[2]] and tombstones[0]["case_id"] == "Z-2"
    assert not (archive.path / "bags" / names[2]).exists()
    result = archive.verify()
    assert result.ok and result.destroyed == 1 and result.bags == 2 and result.entries == 4
    listed = {b.name: b for b in archive.bags()}
    assert listed[names[2]].destroyed_at is not None and listed[names[0]].destroyed_at is None
    assert archive.purge(by="archivaris", reason="x", today=date(2026, 12, 6)) == []
    # a tombstone whose bag is put back is caught
    chain = read_chain(archive.chain_path)[0]
    assert chain[-1]["type"] == "tombstone" and chain[-1]["destroyed_by"] == "archivaris" and chain[-1]["reason"] == "bewaartermijn verstreken"


def _put_many(args: tuple[str, int]) -> int:
    path, worker = args
    archive = Archive(Path(path))
    for i in range(4):
        archive.put(PAYLOAD, info(case=f"W{worker}", version=i + 1), by=f"worker {worker}")
    return worker


def test_concurrent_sealing_keeps_the_chain_whole(tmp_path: Path) -> None:
    path = tmp_path / "archief"
    with multiprocessing.get_context("fork").Pool(3) as pool:
        pool.map(_put_many, [(str(path), w) for w in range(3)])
    result = Archive(path).verify()
    assert result.ok and result.bags == 12 and result.entries == 12


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_archive import PAYLOAD, info
    from bibobscan.archive import Archive
    archive = Archive(Path({path!r}))
    big = {{**PAYLOAD, **{{f"raw/{{i}}.bin": bytes([i]) * 40_000 for i in range(12)}}}}
    print("ready", flush=True)
    for v in (1, 2):  # two sealings, then wait for the kill
        archive.put(big, info(case="KILL", version=v), by="kind")
    import time
    time.sleep(60)
""")


def test_a_kill_at_any_moment_never_leaves_a_half_bag_or_a_broken_chain(tmp_path: Path) -> None:
    path = tmp_path / "archief"
    rng = random.Random(20261206)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seen_states: set[int] = set()
    for _ in range(30):
        child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(ROOT / "tests"), path=str(path))], stdout=subprocess.PIPE, env=env)
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        child.wait()
        staged = len(list((path / ".staging").iterdir())) if (path / ".staging").exists() else 0
        seen_states.add(min(staged, 1))
        result = Archive(path).verify()  # recovers first, under the lock
        assert result.ok, [str(p) for p in result.problems]
        assert not list((path / ".staging").iterdir())
        for bag in (path / "bags").iterdir():
            bagit.Bag(str(bag)).validate(fast=False)  # every bag there is whole
    assert seen_states == {0, 1}, "some kills should have hit a sealing in progress"
    assert Archive(path).verify().bags > 0


FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_archive import PAYLOAD, info
    from bibobscan.archive import Archive
    from bibobscan.errors import ArchiveError
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    try:
        Archive(Path({path!r})).put({{**PAYLOAD, "raw/big.bin": b"x" * 5_000_000}}, info(version=9), by="vol")
    except ArchiveError as exc:
        print("refused:", exc)
        sys.exit(3)
    sys.exit(0)
""")


def test_a_full_disk_while_sealing_leaves_the_archive_as_it_was(sealed: tuple[Archive, list[str]]) -> None:
    archive, names = sealed
    before = {p.relative_to(archive.path): p.read_bytes() for p in archive.path.rglob("*") if p.is_file() and p.name != ".lock"}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run([sys.executable, "-c", FULL_DISK.format(tests=str(ROOT / "tests"), path=str(archive.path), limit=1_000_000)],
                           capture_output=True, env=env, timeout=60)
    assert child.returncode == 3, child.stderr.decode()
    assert b"the archive is as it was" in child.stdout
    after = {p.relative_to(archive.path): p.read_bytes() for p in archive.path.rglob("*") if p.is_file() and p.name != ".lock"}
    assert after == before
    assert archive.verify().ok


def test_case_numbers_never_become_paths(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    bag = archive.put(PAYLOAD, info(case="../../etc/passwd\x00"), by="x")
    assert bag.path.parent == archive.path / "bags" and ".." not in bag.name and "\x00" not in bag.name
    with pytest.raises(ArchiveError, match="not a safe relative path"):
        archive.put({"../uit.txt": b"x"}, info(case="Y"), by="x")
    assert archive.verify().ok
