"""``bibobscan archive put|verify|list|purge`` from the command line: exit codes (0 ok,
1 damaged archive, 2 wrong argument, 4 a broken report file) and messages."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from bibobscan.archive import Archive, BagInfo
from bibobscan.cli import app

runner = CliRunner()


def run(*args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
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
    assert bag.parent == archive / "bags"
    assert "not finalised" in output  # a demo scan, not a finalised file: the bag says so
    bagit.Bag(str(bag)).validate(fast=False)
    data = bag / "data"
    assert sorted(p.name for p in data.iterdir()) == ["audit.json", "dispositions.json", "report.html", "report.json", "report.pdf"]
    assert (data / "report.json").read_bytes() == report_file.read_bytes()
    assert (data / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "DEMO-2026-001" in (data / "report.html").read_text(encoding="utf-8")
    assert json.loads((data / "audit.json").read_text(encoding="utf-8"))["entries"] == []
    fields = bagit.Bag(str(bag)).info
    assert fields["External-Identifier"] == "DEMO-2026-001" and fields["Bibob-Demo"] == "yes" and fields["Bibob-Sealed-By"] == "archivaris"
    assert fields["Bibob-Report-Digest"] == json.loads(report_file.read_text(encoding="utf-8"))["integrity"]["digest"]
    assert "intact" in run("archive", "verify", "--archive", str(archive))
    listed = json.loads(run("archive", "list", "--archive", str(archive), "--json"))
    assert listed[0]["case_id"] == "DEMO-2026-001" and listed[0]["sealed_by"] == "archivaris"
    assert listed[0]["expired"] is False and listed[0]["destroyed_at"] is None and listed[0]["name"] == bag.name
    text = run("archive", "list", "--archive", str(archive))
    assert bag.name in text and "case DEMO-2026-001" in text and "keep until" in text
    pdf = data / "report.pdf"
    raw = bytearray(pdf.read_bytes())
    raw[100] ^= 0xFF
    pdf.write_bytes(bytes(raw))
    lines = (archive / "chain.jsonl").read_text(encoding="utf-8").splitlines()
    (archive / "chain.jsonl").write_text(lines[0].replace('"sealed_by": "archivaris"', '"sealed_by": "iemand"') + "\n", encoding="utf-8")
    damaged = run("archive", "verify", "--archive", str(archive), code=1)
    assert f"DAMAGED bag {bag.name} / data/report.pdf: checksum mismatch" in damaged
    assert "DAMAGED chain.jsonl: entry 1 of chain.jsonl was changed" in damaged
    assert "2 problem(s)" in damaged


def test_the_sealer_defaults_to_bibobscan_user(report_file: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archief"
    run("archive", "put", str(report_file), "--archive", str(archive), env={"BIBOBSCAN_USER": "J. de Archivaris"})
    [bag] = json.loads(run("archive", "list", "--archive", str(archive), "--json"))
    assert bag["sealed_by"] == "J. de Archivaris"


def test_put_refuses_a_report_changed_by_hand(report_file: Path, tmp_path: Path) -> None:
    data = json.loads(report_file.read_text(encoding="utf-8"))
    data["assessment"]["total_points"] = 0
    edited = tmp_path / "bewerkt.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    out = run("archive", "put", str(edited), "--archive", str(tmp_path / "a"), code=4)
    assert "report digest does not match" in out
    assert not (tmp_path / "a" / "chain.jsonl").exists()


def test_wrong_arguments_are_clear_errors(report_file: Path, tmp_path: Path) -> None:
    assert "--archive" in run("archive", "put", str(report_file), code=2)
    assert "no such report file" in run("archive", "put", str(tmp_path / "geen.json"), "--archive", str(tmp_path / "a"), code=2)
    assert "give --expired" in run("archive", "purge", "--archive", str(tmp_path), code=2)
    assert "no such folder" in run("archive", "verify", "--archive", str(tmp_path / "niets"), code=2)
    assert "not an archive" in run("archive", "verify", "--archive", str(tmp_path), code=2)
    assert "not an archive" in run("archive", "list", "--archive", str(tmp_path), code=2)
    assert "not an archive" in run("archive", "purge", "--archive", str(tmp_path), "--expired", code=2)
    (tmp_path / "iets.txt").write_text("x", encoding="utf-8")
    assert "not an archive" in run("archive", "put", str(report_file), "--archive", str(tmp_path), code=2)
    assert "a file, not a folder" in run("archive", "put", str(report_file), "--archive", str(tmp_path / "iets.txt"), code=2)
    assert not (tmp_path / "chain.jsonl").exists()


def test_purge_destroys_expired_bags_with_tombstones(report_file: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archief"
    run("archive", "put", str(report_file), "--archive", str(archive))
    assert "no bag past its retention date" in run("archive", "purge", "--archive", str(archive), "--expired")
    old = Archive(archive).put({"report.json": b"{}"}, BagInfo(
        case_id="OUD-2019-7", report_version=1, subject="Oud BV", retention_until=date(2024, 1, 1), confidentiality="Vertrouwelijk",
        sealed_by="x", sealed_at=datetime(2019, 1, 1, tzinfo=UTC), tool_version="0", report_digest="00", raw_bodies="dropped"), by="x")
    assert "(expired)" in run("archive", "list", "--archive", str(archive))
    [expired] = json.loads(run("archive", "list", "--archive", str(archive), "--expired", "--json"))
    assert expired["name"] == old.name and expired["expired"] is True
    assert "kept until" in run("archive", "purge", "--archive", str(archive), "--expired", "--bag",
                               Path(run("archive", "list", "--archive", str(archive), "--json").split('"name": "')[1].split('"')[0]).name, code=4)
    out = run("archive", "purge", "--archive", str(archive), "--expired", "--by", "archivaris", "--reason", "Selectielijst 2020, categorie 1.1")
    assert f"destroyed {old.name} (case OUD-2019-7, version 1, kept until 2024-01-01); tombstone #3" in out
    assert not old.path.exists()
    assert "intact" in run("archive", "verify", "--archive", str(archive))
    listed = {b["name"]: b for b in json.loads(run("archive", "list", "--archive", str(archive), "--json"))}
    assert listed[old.name]["destroyed_at"] and len(listed) == 2
    tombstone = json.loads((archive / "chain.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert tombstone["destroyed_by"] == "archivaris" and tombstone["reason"] == "Selectielijst 2020, categorie 1.1"
    assert "destroyed" in run("archive", "list", "--archive", str(archive))
