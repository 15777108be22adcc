"""The archive after a crash: SIGKILL at random moments while sealing and while
destroying, a kill at each named step of a sealing, and a full disk (a real failing write:
RLIMIT_FSIZE with SIGXFSZ ignored, so a write past the limit raises EFBIG). After each,
the archive verifies and holds no half bag."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import bagit
import pytest
from test_archive import PAYLOAD, info

from bibobscan.archive import Archive, VerifyResult, read_chain

ROOT = Path(__file__).resolve().parent.parent
TESTS = str(ROOT / "tests")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

PRELUDE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_archive import PAYLOAD, info
    from bibobscan.archive import Archive
    import bibobscan.archive._archive as impl
    archive = Archive(Path({path!r}))
    big = {{**PAYLOAD, **{{f"raw/{{i}}.bin": bytes([i]) * 40_000 for i in range(12)}}}}
""")


def child(code: str, path: Path) -> subprocess.Popen[bytes]:
    script = PRELUDE.format(tests=TESTS, path=str(path)) + textwrap.dedent(code)
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)


def files(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in path.rglob("*") if p.is_file() and p.name != ".lock"}


def assert_whole(path: Path) -> tuple[Archive, VerifyResult]:
    """Verify (which recovers first, under the lock) and check that every bag in bags/ is
    whole by bagit's own validator and chained, and nothing is left in staging."""
    archive = Archive(path)
    result = archive.verify()
    assert result.ok, [str(p) for p in result.problems]
    assert not list((path / ".staging").iterdir())
    entries = read_chain(path / "chain.jsonl")[0]
    sealed = {e["bag"] for e in entries if e["type"] == "seal"} - {e["bag"] for e in entries if e["type"] == "tombstone"}
    present = {bag.name for bag in (path / "bags").iterdir()}
    assert present == sealed
    for name in present:
        bagit.Bag(str(path / "bags" / name)).validate(fast=False)
    return archive, result


SEAL_FOREVER = """
    print("ready", flush=True)
    for v in range(1, 4):  # three sealings, then wait for the kill
        archive.put(big, info(case="KILL", version=v), by="kind")
    import time
    time.sleep(60)
"""


def test_a_kill_at_any_moment_never_leaves_a_half_bag_or_a_broken_chain(tmp_path: Path) -> None:
    rng = random.Random(20261206)
    staged_at_kill = 0
    recoveries: set[str] = set()
    for run in range(36):
        path = tmp_path / f"archief{run // 6}"  # six kills per archive: sealing into a fresh one and into one with bags
        proc = child(SEAL_FOREVER, path)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready", proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        staged = path / ".staging"
        staged_at_kill += bool(staged.exists() and list(staged.iterdir()))
        _, result = assert_whole(path)
        recoveries.update("after" if "after its chain entry" in r else "before" for r in result.recovered)
    assert staged_at_kill > 0 and "before" in recoveries, "some kills should have hit a sealing in progress"


STEP = """
    step = {step!r}
    real = impl.write_chain
    def write_chain(p, entries):
        if step == "before the commit":
            os.kill(os.getpid(), signal.SIGKILL)
        real(p, entries)
        if step == "after the commit":
            os.kill(os.getpid(), signal.SIGKILL)
    impl.write_chain = write_chain
    real_make = impl.make_bag
    def make_bag(folder, payload, info):
        if step == "while writing the payload":
            real_make.__globals__["bagit"].make_bag = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        real_make(folder, payload, info)
    impl.make_bag = make_bag
    archive.put(big, info(case="STAP", version=2), by="kind")
"""


@pytest.mark.parametrize(("step", "kept"), [("while writing the payload", False), ("before the commit", False), ("after the commit", True)])
def test_a_kill_at_each_step_of_a_sealing(tmp_path: Path, step: str, kept: bool) -> None:
    """The commit point: a bag whose chain entry was written is moved into place by the
    next opening; one without is removed. Never a chained entry without its bag."""
    path = tmp_path / "archief"
    first = Archive(path).put(PAYLOAD, info(case="STAP"), by="x")
    proc = child(STEP.format(step=step), path)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    assert len(list((path / ".staging").iterdir())) == 1  # the kill left a staging bag
    archive, result = assert_whole(path)
    assert len(result.recovered) == 1 and ("moved into place" if kept else "partial bag was removed") in result.recovered[0]
    assert [b.name for b in archive.bags()] == [first.name, *([f"{first.name[:-3]}-v2"] if kept else [])]


PURGE = """
    from datetime import date
    print("ready", flush=True)
    archive.purge(by="kind", reason="bewaartermijn verstreken", today=date(2026, 12, 6))
    print("done", flush=True)
"""


def test_a_kill_while_destroying_leaves_bags_whole_or_on_record_as_destroyed(tmp_path: Path) -> None:
    rng = random.Random(7)
    big = {**PAYLOAD, **{f"raw/{i}.bin": bytes([i]) * 40_000 for i in range(12)}}
    interrupted = 0
    for run in range(12):
        path = tmp_path / f"archief{run}"
        archive = Archive(path)
        for v in (1, 2, 3):
            archive.put(big, info(case="WEG", version=v, retention=date(2020, 1, 1)), by="x")
        archive.put(PAYLOAD, info(case="BLIJFT"), by="x")
        proc = child(PURGE, path)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.03))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        interrupted += b"done" not in rest
        archive, _ = assert_whole(path)
        listed = {b.case_id + str(b.report_version): b for b in archive.bags()}
        assert listed["BLIJFT1"].destroyed_at is None
        for v in (1, 2, 3):  # each expired bag is there and whole, or destroyed with its tombstone
            b = listed[f"WEG{v}"]
            assert (b.destroyed_at is None) == (path / "bags" / b.name).exists()
        assert len(archive.purge(by="x", reason="r", today=date(2026, 12, 6))) + sum(
            b.destroyed_at is not None for b in listed.values()) == 3
        assert_whole(path)
    assert interrupted > 0


FULL_DISK = textwrap.dedent("""
    import resource, signal, sys, traceback
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_archive import PAYLOAD, info
    from bibobscan.archive import Archive
    from bibobscan.errors import ArchiveError
    payload = {payload}
    archive = Archive(Path({path!r}))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    try:
        archive.put(payload, info(version=9), by="vol")
    except ArchiveError as exc:
        print("refused:", exc)
        print("in:", traceback.extract_tb(exc.__cause__.__traceback__)[-1].name)
        sys.exit(3)
    sys.exit(0)
""")


@pytest.mark.parametrize(("where", "payload", "limit", "function"), [
    ("a payload file", '{**PAYLOAD, "raw/big.bin": b"x" * 5_000_000}', 1_000_000, "make_bag"),
    ("the chain (the commit)", '{"report.json": b"{}"}', 3_000, "write_bytes"),  # bibobscan._atomic.write_bytes
])
def test_a_full_disk_while_sealing_leaves_the_archive_as_it_was(tmp_path: Path, where: str, payload: str, limit: int, function: str) -> None:
    archive = Archive(tmp_path / "archief")
    for v in range(1, 7):  # a chain longer than the limit of the second case, bags smaller
        archive.put({"report.json": b"{}"}, info(version=v), by="archivaris")
    assert archive.chain_path.stat().st_size > 3_000
    before = files(archive.path)
    proc = subprocess.run([sys.executable, "-c", FULL_DISK.format(tests=TESTS, path=str(archive.path), limit=limit, payload=payload)],
                          capture_output=True, env=ENV, timeout=60, check=False)
    assert proc.returncode == 3, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "the archive is as it was" in out and "File too large" in out, out
    assert f"in: {function}" in out, out  # the write failed where this case means it to
    assert files(archive.path) == before, where
    assert not list((archive.path / ".staging").iterdir())
    assert archive.verify().ok and archive.verify().bags == 6
