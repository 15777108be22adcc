"""The command line: the demo end to end, clear errors and documented exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.collectors import load_collectors

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def load(out: Path, pattern: str) -> dict:  # type: ignore[type-arg]
    [path] = list(out.glob(pattern))
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_demo_writes_both_reports(demo_out: Path) -> None:
    assert len(list(demo_out.glob("*.html"))) == 2
    assert len(list(demo_out.glob("*.json"))) == 2
    for html in demo_out.glob("*.html"):
        assert "FICTIEVE DEMODATA" in html.read_text(encoding="utf-8")


def test_demo_every_source_in_the_table(demo_out: Path) -> None:
    ids = {c.id for c in load_collectors()}
    for pattern in ("*bram-voorbeeld.json", "*shisha-lounge*.json"):
        report = load(demo_out, pattern)
        assert {s["source"] for s in report["sources"]} == ids
        assert all(s["status"] in ("ok", "no_results", "skipped") for s in report["sources"])


def test_demo_namesake_is_not_attributed(demo_out: Path) -> None:
    report = load(demo_out, "*bram-voorbeeld.json")
    namesakes = [e for e in report["evidence"] if "Groninger" in e["title"]]
    assert namesakes, "the demo world has a namesake article"
    used = {eid for h in report["indicators"] for eid in h["evidence_ids"]}
    for e in namesakes:
        assert e["match"]["verdict"] == "no_match"
        assert e["id"] not in used
    fraud = next(h for h in report["indicators"] if h["indicator_id"] == "media.adverse.fraude")
    assert fraud["outcome"] == "no_hit"
    html = next(demo_out.glob("*bram-voorbeeld.html")).read_text(encoding="utf-8")
    findings = html.split('id="naamgenoten"', 1)[0]
    assert "Groninger" not in findings


def test_demo_sanctions_near_miss_rejected(demo_out: Path) -> None:
    report = load(demo_out, "*bram-voorbeeld.json")
    near = [e for e in report["evidence"] if e["kind"] == "sanctions.entry"]
    assert near and all(e["match"]["verdict"] == "no_match" for e in near)
    assert next(h for h in report["indicators"] if h["indicator_id"] == "sanctions.list_match")["outcome"] == "no_hit"


def test_demo_company_findings(demo_out: Path) -> None:
    report = load(demo_out, "*shisha-lounge*.json")
    hits = {h["indicator_id"] for h in report["indicators"] if h["outcome"] == "hit"}
    assert {"publication.closure", "register.recent_registration", "address.many_companies", "media.adverse.drugs", "register.risk_sector",
            "register.foreign_ownership"} <= hits
    ruling = next(h for h in report["indicators"] if h["indicator_id"] == "court.criminal_ruling")
    assert ruling["outcome"] == "hit" and "ECLI:NL:RBDEMO:2026:1" in ruling["sentence"]
    ownership = next(h for h in report["indicators"] if h["indicator_id"] == "register.foreign_ownership")
    assert "Exemplum Investments Ltd" in ownership["sentence"] and ownership["points"] == 10
    assert report["assessment"]["band"] == "advies_lbb"
    assert report["demo"] is True


def test_demo_web_search_same_story_counts_once_and_namesake_stays_apart(demo_out: Path) -> None:
    report = load(demo_out, "*bram-voorbeeld.json")
    web = {e["title"]: e for e in report["evidence"] if e["source"] == "websearch"}
    assert web["Ons team - Tandartspraktijk Demo Groningen"]["match"]["verdict"] == "no_match"
    story = web["Tilburgse ondernemer Bram Voorbeeld (39) aangehouden in onderzoek naar witwassen"]
    laundering = [s for s in report["signals"] if s["type"] == "media.adverse" and s["attrs"]["theme"] == "witwassen"]
    assert len(laundering) == 1 and story["id"] in laundering[0]["evidence_ids"]
    assert len(laundering[0]["evidence_ids"]) >= 2  # the news item and the web page are one story


def test_demo_victim_article_not_adverse(demo_out: Path) -> None:
    report = load(demo_out, "*bram-voorbeeld.json")
    victim = [e["id"] for e in report["evidence"] if "slachtoffer" in e["title"]]
    used = {eid for h in report["indicators"] for eid in h["evidence_ids"]}
    assert victim and not set(victim) & used


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "person", "Jan Jansen", "--purpose", "x"], "--case"),
        (["scan", "person", "Jan Jansen", "--case", "Z1", "--purpose", "x", "--born", "14-03-1987"], "YYYY-MM-DD"),
        (["scan", "person", "Jan Jansen", "--case", "Z1", "--purpose", "x", "--municipality", "Tilbrug"], "Tilburg"),
        (["scan", "person", "Jan Jansen", "--case", " ", "--purpose", "x"], "--case may not be empty"),
        (["scan", "company", "--case", "Z1", "--purpose", "x"], "NAME or --kvk"),
        (["scan", "company", "--kvk", "123", "--case", "Z1", "--purpose", "x"], "8 digits"),
    ],
)
def test_wrong_arguments_get_a_clear_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_broken_indicator_folder_is_exit_4(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("id: nope\n", encoding="utf-8")
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "o"), "--indicators", str(tmp_path)])
    assert result.exit_code == 4
    assert "x.yaml" in result.output


def test_sources_lists_every_collector() -> None:
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0
    for c in load_collectors():
        assert re.search(rf"^{c.id}\b", result.output, re.M)
        assert c.licence[:20] in result.output


def test_scan_person_in_demo_world_prints_paths(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "person", "Bram Voorbeeld", "--born", "1987-03-14", "--municipality", "GM0855",
                                 "--case", "Z-9", "--purpose", "test", "--demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "z-9-bram-voorbeeld.html") in result.output
    assert (tmp_path / "z-9-bram-voorbeeld.json").exists()


def test_company_by_kvk_number_only_is_named_from_the_register(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "company", "--kvk", "99000011", "--municipality", "Tilburg", "--case", "K-1", "--purpose", "t", "--demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "k-1-voorbeeld-shisha-lounge-b-v.json").read_text(encoding="utf-8"))
    assert report["subject"]["name"] == "Voorbeeld Shisha Lounge B.V."
    hits = {h["indicator_id"] for h in report["indicators"] if h["outcome"] == "hit"}
    assert {"media.adverse.drugs", "publication.closure"} <= hits


def test_unknown_kvk_number_leaves_name_sources_unsearched(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "company", "--kvk", "99999999", "--case", "K-2", "--purpose", "t", "--demo", "--out", str(tmp_path)])
    assert result.exit_code == 3, result.output
    [path] = list(tmp_path.glob("*.json"))
    report = json.loads(path.read_text(encoding="utf-8"))
    status = {s["source"]: s["status"] for s in report["sources"]}
    assert status["kvk"] == "failed" and status["news"] == "skipped" and status["koop"] == "skipped"
    outcome = {h["indicator_id"]: h["outcome"] for h in report["indicators"]}
    assert outcome["media.adverse.drugs"] == "insufficient" and outcome["publication.closure"] == "insufficient"


def test_scan_commands_show_the_shared_options_in_their_place() -> None:
    """scan person and scan company declare their shared options once (ScanArgs); typer
    still sees the required ones first, then the command's own, then the rest."""
    import typer

    scan = typer.main.get_command(app).commands["scan"]  # type: ignore[attr-defined]
    shared = ["--municipality", "--out", "--demo", "--config", "--profile", "--indicators", "--facts", "--officer", "--legal-ground", "--retention-years",
              "--reason", "--authority", "--decision-type", "--policy-rule", "--zaaktype", "--reviewer", "--distribution", "--identified-by",
              "--identified-on", "--data", "--database", "--by"]
    for command, own, argument in (("person", ["--born"], "name"), ("company", ["--kvk"], "name")):
        params = scan.commands[command].params
        assert [p.opts[0] for p in params if p.opts[0].startswith("--")] == ["--case", "--purpose", *own, *shared]
        assert [p.name for p in params if not p.opts[0].startswith("--")] == [argument]
        defaults = {p.opts[0]: p.default for p in params}
        assert defaults["--legal-ground"] == "Wet Bibob art. 3" and defaults["--retention-years"] == 5 and defaults["--out"] is None
    result = runner.invoke(app, ["scan", "company", "--case", "Z", "--purpose", "p", "--kvk", "123"])
    assert result.exit_code == 2 and "--kvk '123' is not a KvK number" in result.output
