"""``bibobscan media check``: text file, JSON, JSONL batches and clear errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app

runner = CliRunner()

ARTICLE = "De politie heeft Bram Voorbeeld (39) aangehouden.\nHij wordt verdacht van het witwassen van geld via zijn kapsalons."


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "artikel.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_text_file_human_readable(article: Path) -> None:
    result = runner.invoke(app, ["media", "check", "--subject", "Bram Voorbeeld", "--text-file", str(article)])
    assert result.exit_code == 0, result.output
    assert "Negatieve berichtgeving: ja" in result.output
    assert "witwassen" in result.output and "aangehouden" in result.output


def test_text_file_json(article: Path) -> None:
    result = runner.invoke(app, ["media", "check", "--subject", "Bram Voorbeeld", "--text-file", str(article), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["adverse"] is True and data["themes"] == ["witwassen"] and data["kind"] == "person"
    assert data["confidence"] == 0.8
    [finding] = data["findings"]
    assert finding["theme"] == "witwassen" and "Hij wordt verdacht" in finding["sentence"] and finding["reasons"]


def test_text_file_not_adverse_says_why(tmp_path: Path) -> None:
    path = tmp_path / "slachtoffer.txt"
    path.write_text("Bram Voorbeeld werd opgelicht door een nepverkoper.", encoding="utf-8")
    result = runner.invoke(app, ["media", "check", "--subject", "Bram Voorbeeld", "--text-file", str(path), "--json"])
    data = json.loads(result.output)
    assert data["adverse"] is False and data["themes"] == []
    assert any("slachtoffer" in r for r in data["reasons"])


def test_jsonl_batch(tmp_path: Path) -> None:
    lines = [
        {"id": "a1", "subject": "Voorbeeld Shisha Lounge B.V.", "text": "Politie vindt drugs in Voorbeeld Shisha Lounge.", "kind": "company"},
        {"id": 2, "subject": "Bram Voorbeeld", "text": "Bram Voorbeeld opent een tweede kapsalon."},
        {"id": "k", "text": "Kees Voorbeeld is veroordeeld voor oplichting."},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    result = runner.invoke(app, ["media", "check", "--jsonl", str(path), "--subject", "Bram Voorbeeld"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a1", 2, "k"]
    assert all(set(o) == {"id", "adverse", "themes", "confidence", "reasons"} for o in out)
    assert out[0]["adverse"] is True and out[0]["themes"] == ["drugs"]
    assert out[1]["adverse"] is False and out[1]["confidence"] == 0.0
    assert out[2]["adverse"] is False and any("naamgenoot" in r for r in out[2]["reasons"])


def test_jsonl_from_standard_input() -> None:
    line = json.dumps({"id": 1, "subject": "Bram Voorbeeld", "text": "Bram Voorbeeld is aangehouden voor drugshandel."})
    result = runner.invoke(app, ["media", "check", "--jsonl", "-"], input=line + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["themes"] == ["drugs"]


@pytest.mark.parametrize(
    ("content", "message", "bad_id"),
    [
        ('{"id": 1, "subject": "A B", "text": "x"}\n{"id": 2, "subject": "A B" "text": "y"}\n', "line 2: not valid JSON", None),
        ('["id", "subject", "text"]\n', "line 1: expected an object", None),
        ('{"id": 1, "subject": "A B"}\n', 'line 1: "text" is missing', 1),
        ('\n{"id": "x1", "text": "x"}\n', 'line 2: "subject" is missing', "x1"),
        ('{"id": 1, "subject": "A B", "text": "x", "kind": "org"}\n', "line 1: kind must be", 1),
        ('{"id": [1], "subject": "A B", "text": "x"}\n', 'line 1: "id" must be a string, a number, true/false or null, not a list', None),
        ('{"id": {"a": 1}, "subject": "A B", "text": "x"}\n', 'line 1: "id" must be a string, a number, true/false or null, not an object', None),
    ],
)
def test_malformed_jsonl_line_gives_an_error_line_and_exit_2(tmp_path: Path, content: str, message: str, bad_id: object) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["media", "check", "--jsonl", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    errors = [json.loads(line) for line in result.stdout.splitlines() if '"error"' in line]
    assert len(errors) == 1 and errors[0]["id"] == bad_id and message in errors[0]["error"]
    assert "could not be checked" in result.stderr


def test_one_bad_jsonl_line_does_not_stop_the_batch(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "subject": "Bram Voorbeeld", "text": "Bram Voorbeeld is aangehouden voor drugshandel."}),
        '{"id": "b", "subject": "Bram Voorbeeld", "text": ',
        json.dumps({"id": "c", "text": "Geen onderwerp gegeven."}),
        json.dumps({"id": 4.5, "subject": "Bram Voorbeeld", "text": "Bram Voorbeeld opent een kapsalon."}),
        json.dumps({"id": None, "subject": "Bram Voorbeeld", "text": "Bram Voorbeeld opent een kapsalon."}),
        json.dumps({"id": True, "subject": "Bram Voorbeeld", "text": "Bram Voorbeeld is veroordeeld voor fraude."}),
        json.dumps({"subject": "Bram Voorbeeld", "text": "Bram Voorbeeld opent een kapsalon."}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["media", "check", "--jsonl", str(path)])
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c", 4.5, None, True, 7]  # scalars as given; no id: the line number
    assert out[0]["themes"] == ["drugs"] and out[5]["themes"] == ["fraude"]
    assert out[1] == {"id": None, "line": 2, "error": out[1]["error"]} and "not valid JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and '"subject" is missing' in out[2]["error"]
    assert all(set(o) == {"id", "adverse", "themes", "confidence", "reasons"} for o in (out[0], *out[3:]))
    assert "2 line(s)" in result.stderr and "line 2, 3" in result.stderr


def test_text_file_over_a_million_characters(tmp_path: Path) -> None:
    filler = "De gemeenteraad vergaderde urenlang over de parkeervisie voor de binnenstad.\n" * 14_000
    path = tmp_path / "lang.txt"
    path.write_text(filler + ARTICLE + "\n" + filler, encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    result = runner.invoke(app, ["media", "check", "--subject", "Bram Voorbeeld", "--text-file", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["adverse"] is True and data["themes"] == ["witwassen"]
    assert any(r.startswith("Lange tekst") for r in data["dropped"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["media", "check", "--subject", "A B"], "--text-file FILE or --jsonl FILE"),
        (["media", "check", "--subject", "A B", "--text-file", "x", "--jsonl", "y"], "--text-file FILE or --jsonl FILE"),
        (["media", "check", "--text-file", "{article}"], "--subject NAME is required"),
        (["media", "check", "--subject", "A B", "--text-file", "{article}", "--kind", "org"], "--kind"),
        (["media", "check", "--subject", "A B", "--text-file", "/does/not/exist.txt"], "cannot read --text-file"),
    ],
)
def test_wrong_arguments_are_exit_2(article: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [a.replace("{article}", str(article)) for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
