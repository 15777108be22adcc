"""``bibobscan match``: two names or a CSV of pairs; clear errors, exit code 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from bibobscan.cli import app

runner = CliRunner()


def test_two_names_text() -> None:
    result = runner.invoke(app, ["match", "A.B.C. Visser", "Anna Visser"])
    assert result.exit_code == 0, result.output
    assert "verdict: possible" in result.output
    assert "initials_only" in result.output
    assert "voorletter" in result.output  # the Dutch sentence


def test_two_names_json_with_kind() -> None:
    result = runner.invoke(app, ["match", "Alpha B.V.", "Omega B.V.", "--kind", "company", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["verdict"] == "no_match"
    assert data["kind"] == "company"
    assert data["score"] < 0.2
    names = [f["name"] for f in data["features"]]
    assert "name_agreement" in names and "legal_form_equal" in names
    assert all(isinstance(f["weight"], float) and f["sentence"] for f in data["features"])


def test_json_match() -> None:
    result = runner.invoke(app, ["match", "Voorbeeld, Bram", "Bram Voorbeeld", "--json"])
    data = json.loads(result.output)
    assert (data["verdict"], data["score"], data["kind"]) == ("match", 1.0, "person")


def test_pairs_file_to_out(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,kind\n"
        "A.B.C. Visser,Anna Visser,person\n"
        '"Voorbeeld Holding B.V.","Voorbeeld B.V.",\n'
        "Jan de Vries,Jan de Vries\n"
        "\n"
        "Alpha B.V.,Omega B.V.,company\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["verdict"] for r in rows] == ["possible", "possible", "match", "no_match"]
    assert [r["kind"] for r in rows] == ["person", "company", "person", "company"]
    assert all(r["reasons"] and float(r["score"]) >= 0 for r in rows)
    assert "holding" in rows[1]["reasons"]
    assert "4 pairs: 1 match, 2 possible, 1 no match" in result.output


def test_pairs_default_kind_and_stdout(tmp_path: Path) -> None:
    pairs = tmp_path / "p.csv"
    pairs.write_text("Jansen,Jansen B.V.\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--kind", "company"])
    assert result.exit_code == 0, result.output
    body = result.output.split("\n1 pairs")[0]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["kind"] == "company" and rows[0]["verdict"] == "match"


def test_pairs_jsonl(tmp_path: Path) -> None:
    pairs = tmp_path / "p.csv"
    pairs.write_text("Bram Voorbeeld,B. Voorbeeld\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--json"])
    first = json.loads(result.output.splitlines()[0])
    assert first["verdict"] == "possible"


def test_bad_csv_names_the_line(tmp_path: Path) -> None:
    pairs = tmp_path / "bad.csv"
    pairs.write_text("name1,name2\nJan,Piet\nonly one column\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(pairs)])
    assert result.exit_code == 2
    assert "line 3" in result.output and "name1,name2" in result.output
    assert "Traceback" not in result.output


def test_bad_kind_in_row_and_option(tmp_path: Path) -> None:
    pairs = tmp_path / "bad.csv"
    pairs.write_text("Jan,Piet,vessel\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(pairs)])
    assert result.exit_code == 2 and "line 1" in result.output and "vessel" in result.output
    result = runner.invoke(app, ["match", "a", "b", "--kind", "ship"])
    assert result.exit_code == 2 and "--kind" in result.output


def test_usage_errors(tmp_path: Path) -> None:
    assert runner.invoke(app, ["match", "only one"]).exit_code == 2
    assert runner.invoke(app, ["match", "a", "b", "--out", str(tmp_path / "x.csv")]).exit_code == 2
    missing = runner.invoke(app, ["match", "--pairs", str(tmp_path / "absent.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    (tmp_path / "p.csv").write_text("a,b\n", encoding="utf-8")
    both = runner.invoke(app, ["match", "x", "y", "--pairs", str(tmp_path / "p.csv")])
    assert both.exit_code == 2
    (tmp_path / "empty.csv").write_text("name1,name2\n", encoding="utf-8")
    assert runner.invoke(app, ["match", "--pairs", str(tmp_path / "empty.csv")]).exit_code == 2
    (tmp_path / "latin1.csv").write_bytes("Zoë,Zoe\n".encode("latin-1"))
    assert runner.invoke(app, ["match", "--pairs", str(tmp_path / "latin1.csv")]).exit_code == 2


def test_pairs_review_regressions(tmp_path: Path) -> None:
    """Short surnames are no legal forms, call names and generic names are at most possible."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,kind\n"
        "Wei Ming Yu,Wei Ming Chen,\n"
        "Holding B.V.,Holding B.V.,\n"
        "Kees Bakker,Niels Bakker,person\n"
        "Willem Bakker,Wim Bakker,person\n"
        "Visser,Visser,person\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["verdict"] for r in rows] == ["no_match", "possible", "no_match", "possible", "possible"]
    assert [r["kind"] for r in rows] == ["person", "company", "person", "person", "person"]
    assert "roepnamen" in rows[3]["reasons"]


def test_pairs_csv_output_neutralises_formulas(tmp_path: Path) -> None:
    """A name from the user's list must not become a formula in the output CSV."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text('name1,name2\n"=HYPERLINK(""http://x"",""y"")",Jan Jansen\n@SUM(1),-2+3\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))[1:]
    cells = [c for row in rows for c in row[:2]]
    assert cells == ["'=HYPERLINK(\"http://x\",\"y\")", "Jan Jansen", "'@SUM(1)", "'-2+3"]
