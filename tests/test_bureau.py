"""The bureau's workflow: validate, test, document, rescore, officer facts, suppressions."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.resources import default_profile, indicators_dir
from bibobscan.rules import load_indicators
from bibobscan.rules.loader import KNOWN_KEYS, REQUIRED_KEYS, THEMES
from bibobscan.rules.model import OPERATORS

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert runner.invoke(app, ["demo", "--out", str(out)]).exit_code == 0
    return out


def test_shipped_catalogue_size_and_coverage() -> None:
    indicators = load_indicators(indicators_dir())
    assert len(indicators) >= 25
    assert sum(len(i.tests) for i in indicators) >= 50
    kinds = {k for i in indicators for k in i.applies_to}
    assert {"person", "company"} <= kinds
    result = runner.invoke(app, ["indicators", "validate"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["indicators", "test"])
    assert result.exit_code == 0
    assert re.search(r"^\d+ passed, 0 failed$", result.output, re.M)


def test_broken_copy_fails_naming_file_indicator_and_field(tmp_path: Path) -> None:
    shutil.copytree(indicators_dir(), tmp_path / "ind")
    f = tmp_path / "ind" / "sancties.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("legal_anchor: Wet Bibob art. 3 lid 1 sub a; Sanctiewet 1977\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["indicators", "validate", str(tmp_path / "ind")])
    assert result.exit_code == 4
    assert "sancties.yaml" in result.output and "sanctions.list_match" in result.output and "legal_anchor" in result.output


def test_failing_inline_test_prints_expected_and_actual(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text((indicators_dir() / "sancties.yaml").read_text(encoding="utf-8").replace("expect: {band: treffer, points: 100}", "expect: {band: treffer, points: 50}"), encoding="utf-8")
    result = runner.invoke(app, ["indicators", "test", str(f)])
    assert result.exit_code == 4
    assert "expected: band=treffer, points=50" in result.output
    assert "actual:   band=treffer, points=100.0" in result.output
    assert "7 passed, 1 failed" in result.output


def test_docs_markdown_and_html(tmp_path: Path) -> None:
    md = tmp_path / "catalogus.md"
    html = tmp_path / "catalogus.html"
    assert runner.invoke(app, ["indicators", "docs", "--out", str(md)]).exit_code == 0
    assert runner.invoke(app, ["indicators", "docs", "--out", str(html)]).exit_code == 0
    text = md.read_text(encoding="utf-8")
    for ind in load_indicators(indicators_dir()):
        assert f"## {ind.id}" in text
        assert ind.legal_anchor.split(";")[0] in text
    assert "<script" not in html.read_text(encoding="utf-8").lower()
    assert runner.invoke(app, ["indicators", "docs", "--out", str(tmp_path / "x.pdf")]).exit_code == 2


def test_rescore_with_changed_weight_changes_total_exactly(demo_reports: Path, tmp_path: Path) -> None:
    report = next(demo_reports.glob("*shisha-lounge*.json"))
    before = json.loads(report.read_text(encoding="utf-8"))
    drugs = next(h for h in before["indicators"] if h["indicator_id"] == "media.adverse.drugs")
    assert drugs["outcome"] == "hit"
    profile = tmp_path / "p.yaml"
    profile.write_text(default_profile().read_text(encoding="utf-8").replace("weights: {}", "weights: {media.adverse.drugs: 2}"), encoding="utf-8")
    result = runner.invoke(app, ["rescore", str(report), "--profile", str(profile), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    after = json.loads(next(tmp_path.glob("*herberekend.json")).read_text(encoding="utf-8"))
    assert after["assessment"]["total_points"] == before["assessment"]["total_points"] + drugs["points"]
    assert after["indicator_set"]["profile_hash"] != before["indicator_set"]["profile_hash"]
    assert report.name in after["indicator_set"]["rescored_from"]
    assert [e["id"] for e in after["evidence"]] == [e["id"] for e in before["evidence"]]


def test_rescore_with_unchanged_rules_is_identical(demo_reports: Path, tmp_path: Path) -> None:
    report = next(demo_reports.glob("*bram-voorbeeld.json"))
    before = json.loads(report.read_text(encoding="utf-8"))
    assert runner.invoke(app, ["rescore", str(report), "--out", str(tmp_path)]).exit_code == 0
    after = json.loads(next(tmp_path.glob("*herberekend.json")).read_text(encoding="utf-8"))
    assert after["assessment"] == before["assessment"]
    assert [(h["indicator_id"], h["outcome"], h["points"]) for h in after["indicators"]] == [(h["indicator_id"], h["outcome"], h["points"]) for h in before["indicators"]]


def test_rescore_of_a_broken_report_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "r.json"
    bad.write_text('{"subject": {}}', encoding="utf-8")
    result = runner.invoke(app, ["rescore", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 4 and "r.json" in result.output


def test_officer_facts_feed_indicators_and_are_marked(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text("facts:\n  - fact: officer.questionnaire\n    status: refused\n    note: Vragen 12-18 niet beantwoord.\n    source: formulier\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", "person", "Bram Voorbeeld", "--born", "1987-03-14", "--municipality", "Tilburg", "--case", "F-1",
                                 "--purpose", "t", "--demo", "--out", str(tmp_path), "--facts", str(facts)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "f-1-bram-voorbeeld.json").read_text(encoding="utf-8"))
    hit = next(h for h in report["indicators"] if h["indicator_id"] == "questionnaire.refused")
    assert hit["outcome"] == "hit" and hit["points"] == 30
    officer = [e for e in report["evidence"] if e["supplied_by"] == "officer"]
    assert len(officer) == 1 and officer[0]["id"] in hit["evidence_ids"]
    assert "aangeleverd door behandelaar" in (tmp_path / "f-1-bram-voorbeeld.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("facts:\n  - fact: officer.nationality\n", "unknown fact"),
        ("facts:\n  - fact: officer.questionnaire\n    statuss: refused\n", "unknown field"),
        ("nothing: here\n", "'facts' list"),
        ("facts: [\n", "not valid YAML"),
    ],
)
def test_bad_facts_file_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["scan", "person", "X Y", "--case", "F", "--purpose", "t", "--demo", "--out", str(tmp_path), "--facts", str(facts)])
    assert result.exit_code == 2 and message in result.output


def test_profile_suppression_removes_a_known_false_positive(demo_reports: Path, tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(default_profile().read_text(encoding="utf-8") + (
        "suppress:\n  - reason: Bedrijvencentrum van de gemeente zelf\n    match: {kvk: \"99000011\"}\n    indicators: [address.many_companies]\n"
    ), encoding="utf-8")
    report = next(demo_reports.glob("*shisha-lounge*.json"))
    assert runner.invoke(app, ["rescore", str(report), "--profile", str(profile), "--out", str(tmp_path)]).exit_code == 0
    after = json.loads(next(tmp_path.glob("*herberekend.json")).read_text(encoding="utf-8"))
    hit = next(h for h in after["indicators"] if h["indicator_id"] == "address.many_companies")
    assert hit["outcome"] == "no_hit"
    assert hit["suppressed"] == ["Onderdrukt door profiel standaard: Bedrijvencentrum van de gemeente zelf"]
    other = next(h for h in after["indicators"] if h["indicator_id"] == "register.recent_registration")
    assert other["outcome"] == "hit"


def test_language_documentation_matches_the_loader() -> None:
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for key in KNOWN_KEYS:
        assert f"`{key}`" in doc, f"field {key} is not documented in docs/indicators.md"
    schema = json.loads((ROOT / "docs" / "indicator.schema.json").read_text(encoding="utf-8"))
    props = schema["$defs"]["indicator"]["properties"]
    assert set(props) == set(KNOWN_KEYS)
    assert set(schema["$defs"]["indicator"]["required"]) == set(REQUIRED_KEYS)
    assert set(props["themes"]["items"]["enum"]) == set(THEMES)
    assert set(schema["$defs"]["condition"]["oneOf"][1]["propertyNames"]["enum"]) == set(OPERATORS)
    for op in OPERATORS:
        assert f"`{op}`" in doc, f"operator {op} is not documented in docs/indicators.md"
    for theme in THEMES:
        assert theme in doc, f"theme {theme} is not documented in docs/indicators.md"
