"""``bibobscan archive put|verify|list|purge`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    run("demo", "--out", str(out), "--data", str(out / "data"))
    return next(out.glob("*bram-voorbeeld.json"))


def test_put_verify_list_and_damage(report_file: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archief"
    output = run("archive", "put", str(report_file), "--archive", str(archive), "--by", "archivaris")
    bag = Path(output.strip().splitlines()[-1])
    assert "not finalised" in output  # a demo scan, not a finalised file: the bag says so
    assert (bag / "data" / "report.json").read_bytes() == report_file.read_bytes()
    assert (bag / "data" / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "intact" in run("archive", "verify", "--archive", str(archive))
    listed = json.loads(run("archive", "list", "--archive", str(archive), "--json"))
    assert listed[0]["case_id"] == "DEMO-2026-001" and listed[0]["sealed_by"] == "archivaris"
    pdf = bag / "data" / "report.pdf"
    data = bytearray(pdf.read_bytes())
    data[100] ^= 0xFF
    pdf.write_bytes(bytes(data))
    damaged = run("archive", "verify", "--archive", str(archive), code=1)
    assert f"DAMAGED bag {bag.name} / data/report.pdf: checksum mismatch" in damaged


def test_put_refuses_a_report_changed_by_hand(report_file: Path, tmp_path: Path) -> None:
    data = json.loads(report_file.read_text(encoding="utf-8"))
    data["assessment"]["total_points"] = 0
    edited = tmp_path / "bewerkt.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    out = run("archive", "put", str(edited), "--archive", str(tmp_path / "a"), code=4)
    assert "report digest does not match" in out and not (tmp_path / "a" / "bags").exists() or not list((tmp_path / "a" / "bags").iterdir())


def test_purge_needs_expired_and_bad_archives_are_clear_errors(report_file: Path, tmp_path: Path) -> None:
    assert "give --expired" in run("archive", "purge", "--archive", str(tmp_path), code=2)
    assert "not an archive" in run("archive", "verify", "--archive", str(tmp_path / "nothing"), code=4)
    assert "not an archive" in run("archive", "list", "--archive", str(tmp_path), code=2)
    archive = tmp_path / "archief"
    run("archive", "put", str(report_file), "--archive", str(archive))
    assert "no bag past its retention date" in run("archive", "purge", "--archive", str(archive), "--expired")
    assert "intact" in run("archive", "verify", "--archive", str(archive))
