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
    ("content", "message"),
    [
        ('{"id": 1, "subject": "A B", "text": "x"}\n{"id": 2, "subject": "A B" "text": "y"}\n', "line 2: not valid JSON"),
        ('["id", "subject", "text"]\n', "line 1: expected an object"),
        ('{"id": 1, "subject": "A B"}\n', 'line 1: "text" is missing'),
        ('\n{"id": 1, "text": "x"}\n', 'line 2: "subject" is missing'),
        ('{"id": 1, "subject": "A B", "text": "x", "kind": "org"}\n', "line 1: kind must be"),
        ('{"id": [1], "subject": "A B", "text": "x"}\n', 'line 1: "id" must be'),
    ],
)
def test_malformed_jsonl_line_is_exit_2_with_line_number(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["media", "check", "--jsonl", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert '"adverse"' not in result.output  # nothing is written before the input is known to be good


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
