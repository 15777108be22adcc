"""Report files after a crash, and many scans into one folder at once.

1. A writer process is killed with SIGKILL at random moments, many times, while it writes
   report pairs (HTML + JSON), sector sets (HTML, CSV, toelichting, XLSX, JSON) and a file
   it replaces each time. Afterwards every file under the output folder with a final name
   is whole: byte for byte what the writer meant to write (so JSON parses, HTML is
   complete, the CSV reads, the XLSX opens). Only ``.<name>.<random>.tmp`` files may be
   left behind (see ``bibobscan/_atomic.py``).
2. Ten demo scans of the same subject started at once into one ``--out`` folder give ten
   distinct, complete report pairs (``<name>``, ``<name>-2`` ... ``<name>-10``).

To keep the time modest the writers are forked from one prepared process (imports and the
demo reports made once), so a kill costs a fork, not an interpreter start.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
TEMP = re.compile(r"^\..+\.[a-z0-9_]+\.tmp$")

# The prepared process: writes the expected bytes of every file kind into EXPECTED, then
# forks one writer per "go" read from stdin and prints its pid, and reaps the pid of a
# "reap <pid>" line. A writer writes for ever.
SERVER = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from _demo_scans import demo_scan
    from test_sector import run_demo
    from bibobscan._atomic import write_text
    from bibobscan.report.render import render_html, render_json
    from bibobscan.report.sector import (render_sector_csv, render_sector_explanation, render_sector_html,
                                          render_sector_json, write_sector_report)
    from bibobscan.report.store import write_report

    out, expected = Path(sys.argv[1]), Path(sys.argv[2])
    report, _ = demo_scan("person")
    sector = run_demo(None)
    expected.mkdir()
    (expected / "report.html").write_text(render_html(report), encoding="utf-8")
    (expected / "report.json").write_text(render_json(report), encoding="utf-8")
    (expected / "sector.html").write_text(render_sector_html(sector), encoding="utf-8")
    (expected / "sector.json").write_text(render_sector_json(sector), encoding="utf-8")
    (expected / "sector.csv").write_bytes(render_sector_csv(sector).encode("utf-8-sig"))
    (expected / "sector-toelichting.txt").write_text(render_sector_explanation(sector), encoding="utf-8")
    big = json.dumps([json.loads(render_json(report))] * 40, ensure_ascii=False)  # some MB: a long write
    (expected / "latest.json").write_text(big, encoding="utf-8")
    print("ready", flush=True)
    for line in sys.stdin:
        if line.startswith("reap"):  # the test killed the writer: wait for it
            os.waitpid(int(line.split()[1]), 0)
            print("reaped", flush=True)
            continue
        pid = os.fork()
        if pid == 0:
            for n in range(10**9):
                write_report(report, out)
                write_sector_report(sector, out)
                write_text(out / "latest.json", big)
                write_text(out / "latest.json", big)
        print(pid, flush=True)
""")


def _kind(name: str) -> str | None:
    """Which expected file a final name in the output folder must equal."""
    if name == "latest.json":
        return "latest.json"
    match = re.fullmatch(r"(.*branchescan.*?)(-\d+)?(\.html|\.json|\.csv|-toelichting\.txt|\.xlsx)", name)
    if match:
        return "sector" + match.group(3)
    match = re.fullmatch(r".*?(-\d+)?\.(html|json)", name)
    return f"report.{match.group(2)}" if match else None


def assert_whole(out: Path, expected: Path) -> tuple[int, int]:
    """Every final file equals its expected bytes (the XLSX opens with both sheets);
    returns (final files, temporary files left)."""
    finals = temps = 0
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        if TEMP.match(path.name):
            temps += 1
            continue
        finals += 1
        kind = _kind(path.name)
        assert kind is not None, f"unexpected file {path.name}"
        if kind == "sector.xlsx":
            book = load_workbook(path, read_only=True)
            assert book.sheetnames == ["Rangorde", "Toelichting"], path.name
            book.close()
            continue
        data = path.read_bytes()
        assert data == (expected / kind).read_bytes(), f"{path.name} is not whole ({len(data)} bytes)"
        if kind.endswith(".json"):
            json.loads(data)
        elif kind.endswith(".html"):
            assert data.rstrip().endswith(b"</html>"), path.name
        elif kind.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
            assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows), path.name
    return finals, temps


def test_a_kill_at_any_moment_never_leaves_a_half_written_file(tmp_path: Path) -> None:
    out, expected = tmp_path / "out", tmp_path / "expected"
    out.mkdir()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(out), str(expected)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, text=True, cwd=tmp_path)
    assert server.stdin is not None and server.stdout is not None
    try:
        assert server.stdout.readline().strip() == "ready", server.stderr.read() if server.stderr else ""
        # calibrate: how long one writer takes to its first whole report on this machine, so
        # that the kills fall inside write cycles on a slow machine as on a fast one
        server.stdin.write("go\n")
        server.stdin.flush()
        pid = int(server.stdout.readline())
        began = time.monotonic()
        while not any(p.suffix == ".json" and not TEMP.match(p.name) and p.name != "latest.json" for p in out.iterdir()):
            assert time.monotonic() - began < 120, "the writer wrote no report in two minutes"
            time.sleep(0.005)
        cycle = time.monotonic() - began
        os.kill(pid, signal.SIGKILL)
        server.stdin.write(f"reap {pid}\n")
        server.stdin.flush()
        assert server.stdout.readline().strip() == "reaped"
        window = max(0.25, 3 * cycle)
        rng = random.Random(20261207)
        kills = 0
        for _ in range(36):
            server.stdin.write("go\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            time.sleep(rng.uniform(0.0, window))
            os.kill(pid, signal.SIGKILL)
            server.stdin.write(f"reap {pid}\n")
            server.stdin.flush()
            assert server.stdout.readline().strip() == "reaped"
            kills += 1
            assert_whole(out, expected)
    finally:
        server.kill()
        server.wait()
    finals, temps = assert_whole(out, expected)
    assert kills == 36
    # the kills hit writers that had written something: reports exist, under distinct names
    assert finals > 36, finals
    print(f"{kills} kills, {finals} whole files, {temps} temporary files left (kill window {window:.2f} s)")


def test_ten_scans_at_once_into_one_folder_give_ten_complete_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from bibobscan.cli import main; main()", "scan", "person", "Bram Voorbeeld",
               "--born", "1984-03-12", "--case", "DEMO-2026-001", "--purpose", "gelijktijdig", "--demo", "--out", str(out)]

    def scan(i: int) -> subprocess.CompletedProcess[str]:
        env = {**ENV, "BIBOBSCAN_DATA": str(tmp_path / "data")}  # one case store for all ten
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(scan, range(10)))
    for r in results:
        assert r.returncode in (0, 3), r.stderr
    names = sorted(p.name for p in out.iterdir())
    stems = sorted({n.rsplit(".", 1)[0] for n in names})
    assert len(stems) == 10, names
    assert names == sorted([f"{s}.html" for s in stems] + [f"{s}.json" for s in stems])
    base = min(stems, key=len)
    assert set(stems) == {base, *(f"{base}-{i}" for i in range(2, 11))}
    for stem in stems:
        data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        assert data["subject"]["name"] == "Bram Voorbeeld"
        assert (out / f"{stem}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    # each scan reports the file it wrote, and no two report the same
    written = [re.findall(r"\S+\.json", r.stdout + r.stderr) for r in results]
    reported = [Path(w[-1]).name for w in written if w]
    assert len(reported) == 10 and len(set(reported)) == 10, written
