"""The Bibob file from the command line: the demo case through its whole life, and
clear errors with the documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bibobscan.cli import app

runner = CliRunner()
OFFICER, REVIEWER = "Demo-behandelaar", "Demo-reviewer"


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_the_demo_case_through_its_whole_life(tmp_path: Path) -> None:
    data = ["--data", str(tmp_path / "data"), "--demo"]
    out = tmp_path / "out"
    run("demo", "--out", str(out), "--data", str(tmp_path / "data"), "--by", OFFICER)
    assert len(list(out.glob("*.html"))) == 2
    listing = run("case", "list", *data)
    assert "DEMO-2026-001" in listing and "DEMO-2026-002" in listing
    shown = run("case", "show", "DEMO-2026-001", *data, "--json", "--by", OFFICER)
    state = json.loads(shown)
    namesake = next(e["id"] for e in state["evidence"]["1"] if e["title"].startswith("Groninger"))
    fight = next(e["id"] for e in state["evidence"]["1"] if e["title"].startswith("Vechtpartij"))
    assert "the officer's conclusion (bibobscan case conclude)" in state["missing"]

    run("case", "clear", "DEMO-2026-001", namesake, "--as", "namesake", "--reason", "64 jaar, Groningen", *data, "--by", OFFICER)
    said = run("case", "clear", "DEMO-2026-001", fight, "--as", "not_relevant", "--reason", "Getuige", *data, "--by", OFFICER)
    assert "15 points" in said
    run("case", "conclude", "DEMO-2026-001", "--degree", "mindere_mate", "--reasoning", "Voorschriften volstaan",
        "--conditions", "Geen contante betalingen", *data, "--by", OFFICER)
    refused = run("case", "signoff", "DEMO-2026-001", *data, "--by", OFFICER, code=2)
    assert "four eyes" in refused
    run("case", "signoff", "DEMO-2026-001", *data, "--by", REVIEWER, "--note", "Akkoord")
    letter = tmp_path / "reactie.txt"
    letter.write_text("Ik betwist de aanhouding.", encoding="utf-8")
    run("case", "zienswijze", "DEMO-2026-001", "--shared-on", "2026-11-25", "--shared", "Voornemen met voorschriften",
        "--response-on", "2026-12-01", "--response-file", str(letter), "--attach", str(letter), *data, "--by", OFFICER)
    done = run("case", "finalise", "DEMO-2026-001", *data, "--by", OFFICER)
    assert "finalised" in done and "dropped" in done
    refused = run("case", "clear", "DEMO-2026-001", fight, "--reason", "x", *data, "--by", OFFICER, code=2)
    assert "vastgesteld" in refused and "reopen" in refused

    html = tmp_path / "final.html"
    run("case", "export", "DEMO-2026-001", "--format", "html", "--out", str(html), *data, "--by", OFFICER)
    text = html.read_text(encoding="utf-8")
    assert "Afgetekend (vier ogen)" in text and "64 jaar, Groningen" in text and "Ik betwist de aanhouding." in text
    exported = tmp_path / "final.json"
    run("case", "export", "DEMO-2026-001", "--format", "json", "--out", str(exported), *data, "--by", OFFICER)
    rescored = run("rescore", str(exported), "--out", str(tmp_path / "rescored"))
    assert "now:" in rescored
    audit = run("case", "audit", "DEMO-2026-001", *data)
    for action in ("create", "scan", "view", "dispose_namesake", "conclude", "signoff", "zienswijze", "finalise", "export"):
        assert f"  {action}  " in audit, action
    assert "no raw responses kept" in run("case", "bodies", "DEMO-2026-001", *data, "--by", OFFICER)
    archive = tmp_path / "archief"
    [bag] = run("case", "seal", "DEMO-2026-001", "--archive", str(archive), *data, "--by", "Demo-archivaris").split()
    assert Path(bag).is_dir() and (Path(bag) / "data" / "report.pdf").is_file() and (Path(bag) / "data" / "zienswijze").is_dir()
    assert json.loads(run("case", "list", *data, "--json", "--status", "gearchiveerd"))[0]["case_id"] == "DEMO-2026-001"
    assert "intact" in run("archive", "verify", "--archive", str(archive))
    audit_json = json.loads((Path(bag) / "data" / "audit.json").read_text(encoding="utf-8"))
    assert {"create", "finalise", "export"} <= {e["action"] for e in audit_json["entries"]}
    assert "already sealed" in run("case", "seal", "DEMO-2026-001", "--archive", str(archive), *data, code=2)
    # the demo runs again on a finalised demo case: a new file version, on record
    again = run("demo", "--out", str(tmp_path / "again"), "--data", str(tmp_path / "data"), "--by", OFFICER)
    assert again.count(str(tmp_path / "again")) == 4
    assert "case DEMO-2026-001 was gearchiveerd: reopened as file version 2" in again
    assert "reopen" in run("case", "audit", "DEMO-2026-001", *data)


def test_a_person_scan_records_into_the_store_and_a_rescan_is_a_new_version(tmp_path: Path) -> None:
    data = ["--data", str(tmp_path / "d")]
    scan = ["scan", "person", "Bram Voorbeeld", "--born", "1987-03-14", "--municipality", "Tilburg", "--case", "Z-1", "--purpose", "Doel", "--demo", *data]
    first = run(*scan, "--by", "j.jansen")
    assert "recorded: case Z-1, subject 1, scan 1, report version 1" in first
    second = run(*scan, "--by", "j.jansen")
    assert "scan 2, report version 2" in second
    assert not list(Path.cwd().glob("z-1-*.json"))  # no --out: no files, only the store
    state = json.loads(run("case", "show", "Z-1", "--demo", *data, "--json"))
    assert [s["scan_no"] for s in state["scans"]] == [1, 2]
    bodies = run("case", "bodies", "Z-1", "--demo", *data)
    sha = bodies.split()[2]
    target = tmp_path / "body.bin"
    run("case", "body", "Z-1", sha, "--out", str(target), "--demo", *data)
    import hashlib

    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha


def test_clear_errors(tmp_path: Path) -> None:
    empty = ["--data", str(tmp_path / "empty")]
    assert "no case store in" in run("case", "list", *empty, code=4)
    assert "no case store in" in run("case", "show", "X", *empty, code=4)
    assert "not a database URL" in run("case", "list", "--database", "nonsense", code=2)
    out = run("case", "list", "--database", "postgresql+psycopg://u:geheim@127.0.0.1:1/x", code=4)
    assert "cannot use the case store" in out and "geheim" not in out
    data = ["--data", str(tmp_path / "d")]
    run("case", "new", "N-1", "--kind", "person", "--name", "Jan Jansen", "--purpose", "Doel", *data, "--by", "a")
    assert "already exists" in run("case", "new", "N-1", "--kind", "person", "--name", "Jan Jansen", "--purpose", "Doel", *data, code=2)
    assert "no case 'N-2'" in run("case", "show", "N-2", *data, code=2)
    assert "use namesake or not_relevant" in run("case", "clear", "N-1", "x", "--as", "weg", "--reason", "r", *data, code=2)
    assert "no evidence item" in run("case", "clear", "N-1", "x", "--reason", "r", *data, code=2)
    assert "has no scan yet" in run("case", "conclude", "N-1", "--degree", "geen", "--reasoning", "r", *data, code=2)
    assert "use geen, mindere_mate or ernstig" in run("case", "conclude", "N-1", "--degree", "groot", "--reasoning", "r", *data, code=2)
    assert "not a date" in run("case", "zienswijze", "N-1", "--shared-on", "gisteren", "--shared", "x", *data, code=2)
    assert "--kind 'bedrijf'" in run("case", "new", "N-3", "--kind", "bedrijf", "--name", "X", "--purpose", "p", *data, code=2)
    assert "is kept until" in run("case", "purge", "N-1", *data, "--by", "a", code=2)
    assert "give a case number or --expired" in run("case", "purge", *data, code=2)
    assert "--case must be at most" in run("scan", "person", "Jan", "--case", "Z" * 101, "--purpose", "p", "--demo", *data, code=2)
