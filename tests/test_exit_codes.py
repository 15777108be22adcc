"""One exit code per kind of failure, across the commands (README, "Exit codes").

Each case is run through the real CLI; the expected code is the README's:
2 wrong argument, 4 a file or setting that cannot be used (an unwritable --out among them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app

runner = CliRunner()
SCAN = ["--case", "X-1", "--purpose", "test", "--demo"]


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A file where the --out folder should be."""
    path = tmp_path / "taken"
    path.write_text("not a folder", encoding="utf-8")
    return path


@pytest.fixture
def pairs(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.csv"
    path.write_text("Jan Jansen,Jan Janssen\n", encoding="utf-8")
    return path


def _commands(blocked: Path, pairs: Path, report_json: Path) -> dict[str, list[str]]:
    return {
        "scan person": ["scan", "person", "Bram Voorbeeld", *SCAN, "--out", str(blocked / "o")],
        "scan company": ["scan", "company", "Voorbeeld Shisha Lounge B.V.", *SCAN, "--out", str(blocked)],
        "demo": ["demo", "--out", str(blocked)],
        "sector": ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--no-pdf", "--out", str(blocked / "s")],
        "indicators docs": ["indicators", "docs", "--out", str(blocked / "catalogus.md")],
        "match --pairs": ["match", "--pairs", str(pairs), "--out", str(blocked / "uit.csv")],
        "rescore": ["rescore", str(report_json), "--out", str(blocked)],
    }


@pytest.fixture(scope="module")
def report_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["scan", "person", "Bram Voorbeeld", *SCAN, "--out", str(out)])
    assert result.exit_code in (0, 3), result.output
    [path] = out.glob("*.json")
    return path


@pytest.mark.parametrize("command", ["scan person", "scan company", "demo", "sector", "indicators docs", "match --pairs", "rescore"])
def test_an_out_that_cannot_be_written_is_exit_4_for_every_command(command: str, blocked: Path, pairs: Path, report_json: Path) -> None:
    result = runner.invoke(app, _commands(blocked, pairs, report_json)[command])
    assert result.exit_code == 4, (command, result.output)
    assert str(blocked) in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    ("this is [not toml", "Expected"),
    ("[htp]\ntimeout = 3\n", "htp"),
    ("[sources.opensanction]\nurl = 'https://example.org'\n", "opensanction"),
])
def test_a_demo_run_reads_and_checks_an_explicit_config(tmp_path: Path, content: str | None, message: str) -> None:
    config = tmp_path / "bibobscan.toml"
    if content is not None:
        config.write_text(content, encoding="utf-8")
    for args in (["scan", "person", "Bram Voorbeeld", *SCAN], ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--no-pdf",
                                                                "--out", str(tmp_path / "s")]):
        result = runner.invoke(app, [*args, "--config", str(config)])
        assert result.exit_code == 4, (args, result.output)
        assert message in result.output and str(config) in result.output, result.output


def test_a_demo_run_says_what_it_does_with_a_good_config(tmp_path: Path) -> None:
    config = tmp_path / "bibobscan.toml"
    config.write_text("[http]\ntimeout = 9\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", "person", "Bram Voorbeeld", *SCAN, "--config", str(config)])
    assert result.exit_code in (0, 3), result.output
    assert f"settings file {config} checked" in result.output and "[sources] and [store] do not" in result.output


@pytest.mark.parametrize("args, message", [
    (["scan", "person", "Bram Voorbeeld", *SCAN, "--born", "1990-02-31"], "--born '1990-02-31' is an impossible date: 1990-02 has 28 days"),
    (["scan", "person", "Bram Voorbeeld", *SCAN, "--born", "1992-13-01"], "there is no month 13"),
    (["scan", "person", "Bram Voorbeeld", *SCAN, "--born", "14-02-1990"], "(for 14-02-1990 write 1990-02-14)"),
    (["match", "Jan Jansen", "Jan Jansen", "--born-a", "31-02-1990"], "as a day-first date it is impossible too"),
    (["match", "Jan Jansen", "Jan Jansen", "--born-a", "1990-02-30"], "impossible date: 1990-02 has 28 days"),
    (["scan", "person", "Bram Voorbeeld", *SCAN, "--identified-on", "2026-04-31"], "impossible date: 2026-04 has 30 days"),
])
def test_impossible_dates_are_called_impossible(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "write 1990-02-31" not in result.output  # never suggest a date that does not exist


@pytest.mark.parametrize("args, message", [
    (["scan", "person", "A" * 10_000, *SCAN], "NAME is 10000 characters; a name or place is at most 200"),
    (["scan", "company", "B" * 201, *SCAN], "NAME is 201 characters"),
    (["scan", "person", "Bram Voorbeeld", "--case", "Z" * 101, "--purpose", "t", "--demo"], "--case must be at most 100"),
    (["scan", "person", "Bram Voorbeeld", "--case", "X-1", "--purpose", "p" * 2001, "--demo"], "--purpose is 2001 characters; at most 2000"),
])
def test_over_long_input_is_refused_with_its_limit(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_the_same_name_with_another_date_of_birth_is_a_namesake_not_another_name() -> None:
    result = runner.invoke(app, ["match", "Jan Jansen", "Jan Jansen", "--born-a", "1990-02-14", "--born-b", "1985-06-01"])
    assert result.exit_code == 0, result.output
    assert "verdict: no match (a namesake" in result.output and "another name" not in result.output
    other = runner.invoke(app, ["match", "Jan Jansen", "Piet Pietersen"])
    assert "verdict: no match (another name)" in other.output
