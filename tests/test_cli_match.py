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


# --- facts: date of birth, place, KvK number, registration numbers, aliases -----------


def test_born_mismatch_rules_out_a_name_match() -> None:
    same = runner.invoke(app, ["match", "Bram Voorbeeld", "Bram Voorbeeld", "--json"])
    assert json.loads(same.stdout)["verdict"] == "match"
    result = runner.invoke(app, ["match", "Bram Voorbeeld", "Bram Voorbeeld", "--json",
                                 "--born-a", "1987-03-14", "--born-b", "1990-01-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["verdict"], data["score"]) == ("no_match", 0.0)
    names = [f["name"] for f in data["features"]]
    assert "dob_differs" in names and "ruled_out" in names
    # only the year on one side: compared at that precision
    year = runner.invoke(app, ["match", "Bram Voorbeeld", "Bram Voorbeeld", "--born-a", "1987-03-14", "--born-b", "1991"])
    assert "verdict: no match" in year.output and "dob_differs" in year.output


def test_born_equal_lifts_an_initial_to_a_match() -> None:
    base = ["match", "B. Voorbeeld", "Bram Voorbeeld"]
    assert "verdict: possible" in runner.invoke(app, base).output
    result = runner.invoke(app, [*base, "--born-a", "1987-03-14", "--born-b", "1987-03-14",
                                 "--place-a", "Breda", "--place-a", "Tilburg", "--place-b", "tilburg"])
    assert result.exit_code == 0, result.output
    assert "verdict: match" in result.output
    assert "dob_equal" in result.output and "place_equal" in result.output and "Tilburg" in result.output


def test_equal_kvk_confirms_and_other_kvk_rules_out() -> None:
    base = ["match", "Voorbeeld B.V.", "Oude Naam B.V.", "--kind", "company", "--json"]
    assert json.loads(runner.invoke(app, base).stdout)["verdict"] == "no_match"
    result = runner.invoke(app, [*base, "--kvk-a", "1234 5678", "--kvk-b", "12345678"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["verdict"], data["score"]) == ("match", 1.0)
    assert {"kvk_equal", "confirmed"} <= {f["name"] for f in data["features"]}
    other = runner.invoke(app, ["match", "Voorbeeld B.V.", "Voorbeeld B.V.", "--json", "--kvk-a", "12345678", "--kvk-b", "87654321"])
    assert json.loads(other.stdout)["verdict"] == "no_match"


def test_registration_and_alias_options() -> None:
    result = runner.invoke(app, ["match", "Bram Voorbeeld", "X. Anders", "--alias-b", "Bram Voorbeeld", "--json",
                                 "--reg-a", "LEI 5493-001", "--reg-b", "5493001", "--reg-b", "NL999"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = [f["name"] for f in data["features"]]
    assert data["verdict"] == "match" and "best_alias" in names and "registration_equal" in names
    assert data["name_b"] == "Bram Voorbeeld"


def test_fact_on_one_side_only_is_said() -> None:
    result = runner.invoke(app, ["match", "Jan Jansen", "Jan Jansen", "--born-a", "1980"])
    assert result.exit_code == 0
    assert "--born-a without --born-b" in result.stderr and "not compared" in result.stderr
    assert "dob_" not in result.stdout


def test_bad_fact_options_exit_2_naming_option_and_value() -> None:
    cases = {
        ("--born-a", "14-03-1987"): "1987-03-14",  # the hint for the Dutch order
        ("--born-b", "1987-02-30"): "does not exist",
        ("--born-a", "1987-13"): "month 13",
        ("--born-b", "2999-01-01"): "plausible",
        ("--born-a", "1850"): "plausible",
        ("--born-a", "gisteren"): "YYYY-MM-DD",
        ("--kvk-a", "1234567"): "8 digits",
        ("--kvk-b", "123456789012"): "vestigingsnummer",
        ("--kvk-a", "1234567X"): "8 digits",
        ("--reg-b", "geen"): "digits",
        ("--place-a", "--"): "letters",
        ("--alias-a", " "): "empty",
    }
    for (option, value), expected in cases.items():
        result = runner.invoke(app, ["match", "Jan Jansen", "Jan Jansen", f"{option}={value}"])
        assert result.exit_code == 2, (option, value, result.output)
        assert option in result.stderr and expected in result.stderr, (option, value, result.stderr)
        if value.strip():
            assert repr(value) in result.stderr
        assert "Traceback" not in result.output


def test_fact_options_do_not_go_with_pairs(tmp_path: Path) -> None:
    pairs = tmp_path / "p.csv"
    pairs.write_text("Jan,Piet\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--kvk-a", "12345678"])
    assert result.exit_code == 2 and "--kvk-a" in result.stderr


def test_pairs_with_fact_columns(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,kind,born1,born2,place1,place2,kvk1,kvk2,reg1,reg2\n"
        "Bram Voorbeeld,Bram Voorbeeld,person,1987-03-14,1990,,,,,,\n"
        "B. Voorbeeld,Bram Voorbeeld,,1987-03-14,1987-03-14,Tilburg;Breda,breda,,,,\n"
        "Voorbeeld B.V.,Oude Naam B.V.,company,,,,,12345678,1234 5678,,\n"
        "Voorbeeld B.V.,Voorbeeld B.V.,company,,,,,12345678,87654321,,\n"
        "Jan Jansen,J. Jansen,,,,,,,,NL123; RSIN 8100,8100\n"
        "Jan Jansen,Jan Jansen\n",  # short row: the missing cells are empty
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["name1", "name2", "kind", "score", "verdict", "reasons"]  # output columns unchanged
    assert [r["verdict"] for r in rows] == ["no_match", "match", "match", "no_match", "match", "match"]
    assert "dob_differs" in rows[0]["reasons"]
    assert "dob_equal" in rows[1]["reasons"] and "Zelfde plaats: Breda" in rows[1]["reasons"]
    assert "kvk_equal" in rows[2]["reasons"] and "kvk_differs" in rows[3]["reasons"]
    assert "registration_equal" in rows[4]["reasons"] and "8100" in rows[4]["reasons"]
    assert "6 pairs: 4 match, 0 possible, 2 no match" in result.stderr


def test_pairs_fact_columns_in_any_order_and_jsonl(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("born2,name1,born1,name2\n1990,Bram Voorbeeld,1987-03-14,Bram Voorbeeld\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["verdict"] == "no_match"


def test_pairs_bad_fact_cells_name_line_and_column(tmp_path: Path) -> None:
    cases = {
        "name1,name2,born1,born2\nJan,Piet,1980,1981\nJan,Piet,1987-13,\n": ("line 3", "column born1", "'1987-13'"),
        "name1,name2,kvk1,kvk2\nJan,Piet,,0123456\n": ("line 2", "column kvk2", "leading zeros"),
        "name1,name2,reg1,reg2\n\nJan,Piet,123;abc,\n": ("line 3", "column reg1", "'abc'"),
        "name1,name2,brn1\nJan,Piet,1980\n": ("line 1", "'brn1'", "born1"),
        "name1,name2,kind,kind\nJan,Piet,person,person\n": ("line 1", "twice", "kind"),
        "name1,name2,kvk1,kvk2\nJan,Piet,,,12345678\n": ("line 2", "name1,name2[,kvk1,kvk2]", "5 columns"),
    }
    for number, (text, expected) in enumerate(cases.items()):
        pairs = tmp_path / f"bad{number}.csv"
        pairs.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["match", "--pairs", str(pairs)])
        assert result.exit_code == 2, (text, result.output)
        assert all(e in result.stderr for e in expected), (text, result.stderr)
        assert "Traceback" not in result.output


def test_old_pairs_files_without_header_still_work(tmp_path: Path) -> None:
    """No header: columns are name1,name2[,kind] by position; a fact-like cell is not a fact."""
    pairs = tmp_path / "old.csv"
    pairs.write_text("Bram Voorbeeld,Bram Voorbeeld\nVoorbeeld B.V.,Voorbeeld B.V.,company\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["match", "--pairs", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["kind"], r["verdict"]) for r in rows] == [("person", "match"), ("company", "match")]
    four = tmp_path / "four.csv"
    four.write_text("Jan,Piet,person,1980\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(four)])
    assert result.exit_code == 2 and "name1,name2[,kind]" in result.stderr
    # the old header with a third, unnamed kind column
    legacy = tmp_path / "legacy.csv"
    legacy.write_text("name1,name2\nVoorbeeld,Voorbeeld B.V.,company\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--pairs", str(legacy), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kind"] == "company"


def test_every_match_option_is_documented() -> None:
    import typer.main

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "matching.md").read_text(encoding="utf-8")
    command = typer.main.get_command(app).commands["match"]  # type: ignore[attr-defined]
    options = [o for p in command.params for o in p.opts if o.startswith("--")]
    assert "--born-a" in options and "--reg-b" in options
    missing = [o for o in options if o not in doc]
    assert not missing, f"match options missing from docs/matching.md: {missing}"
    for column in ("born1", "born2", "place1", "place2", "kvk1", "kvk2", "reg1", "reg2"):
        assert column in doc, f"pairs column {column} missing from docs/matching.md"
