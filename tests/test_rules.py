"""Indicator files: the shipped set validates and its inline tests pass; broken files
fail with file, line, indicator and field; special-category data is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibobscan.errors import IndicatorError
from bibobscan.model import IndicatorHit, Outcome, Signal
from bibobscan.resources import default_profile, indicators_dir
from bibobscan.rules import assess, evaluate, load_indicators, load_indicators_collecting, load_profile, run_all

SHIPPED = indicators_dir()


def test_shipped_set_validates_and_inline_tests_pass() -> None:
    indicators, errors = load_indicators_collecting(SHIPPED)
    assert errors == []
    assert len(indicators) >= 8
    results = run_all(indicators)
    failed = [(r.indicator.id, r.test.name, r.expected, r.actual) for r in results if not r.passed]
    assert failed == []
    for ind in indicators:
        outcomes = {t.expect.get("outcome", "hit") for t in ind.tests}
        assert "insufficient" in outcomes, f"{ind.id} has no test for missing data"
        assert outcomes & {"no_hit"}, f"{ind.id} has no negative test"


def test_a_wrong_expectation_fails(tmp_path: Path) -> None:
    src = (SHIPPED / "sancties.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "sancties.yaml"
    broken.write_text(src.replace("expect: {band: treffer, points: 100}", "expect: {band: treffer, points: 99}"), encoding="utf-8")
    results = run_all(load_indicators(broken))
    bad = [r for r in results if not r.passed]
    assert len(bad) == 1 and "points=100" in bad[0].actual and "points=99" in bad[0].expected


def broken_copy(tmp_path: Path, old: str, new: str, file: str = "register.yaml") -> Path:
    shutil.copytree(SHIPPED, tmp_path / "ind")
    target = tmp_path / "ind" / file
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "ind"


def test_error_names_file_line_indicator_and_field(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "      points: 15\n      sentence: \"{subject} is op", "      points: veel\n      sentence: \"{subject} is op")
    _, errors = load_indicators_collecting(path)
    assert len(errors) == 1
    err = errors[0]
    assert err.file.endswith("register.yaml")
    assert err.indicator == "register.recent_registration"
    assert err.field == "bands[0].points"
    assert err.line is not None and err.line > 1
    text = (path / "register.yaml").read_text(encoding="utf-8").splitlines()
    assert "points: veel" in text[err.line - 1]
    assert "register.yaml:" in str(err) and "register.recent_registration" in str(err) and "bands[0].points" in str(err)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("signal: register.registered_on", "signal: register.registerd_on", "signal"),
        ("status: test\n  bibob_ref: B04", "status: klaar\n  bibob_ref: B04", "status"),
        ("measure: min(age_days)", "measure: median(age_days)", "measure"),
        ("sentence: \"{subject} is op {first.date} ingeschreven, {value} dagen voor de peildatum.\"", "sentence: \"{onderwerp} is ingeschreven\"", "bands[0].sentence"),
    ],
)
def test_typical_mistakes_are_named(tmp_path: Path, old: str, new: str, field: str) -> None:
    _, errors = load_indicators_collecting(broken_copy(tmp_path, old, new))
    assert [e.field for e in errors] == [field]


def test_special_category_data_is_refused(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "  where:\n    main: true\n", "  where:\n    main: true\n    nationality: {ne: nl}\n")
    _, errors = load_indicators_collecting(path)
    assert len(errors) == 1 and errors[0].field == "where.nationality" and "special-category" in str(errors[0])
    path2 = broken_copy(tmp_path / "b", "requires: [register.sbi]", "requires: [register.sbi, person.country_of_birth]")
    _, errors2 = load_indicators_collecting(path2)
    assert errors2 and "special-category" in str(errors2[0])


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: a.b\nversion: [1\n", encoding="utf-8")
    _, errors = load_indicators_collecting(bad)
    assert errors and errors[0].line is not None and "YAML" in str(errors[0])


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "ind")
    shutil.copy(tmp_path / "ind" / "sancties.yaml", tmp_path / "ind" / "sancties-kopie.yaml")
    _, errors = load_indicators_collecting(tmp_path / "ind")
    assert any(e.field == "id" and "duplicate" in str(e) for e in errors)


def test_profile_weights_caps_and_thresholds(tmp_path: Path) -> None:
    profile = load_profile(default_profile())
    hits = [
        IndicatorHit("a.one", 1, "A", Outcome.HIT, themes=["handhaving"], points=30),
        IndicatorHit("a.two", 1, "B", Outcome.HIT, themes=["handhaving"], points=25),
        IndicatorHit("a.three", 1, "C", Outcome.HIT, themes=["drugs"], points=15),
        IndicatorHit("a.four", 1, "D", Outcome.INSUFFICIENT, themes=["drugs"]),
    ]
    a = assess(hits, profile, [])
    assert a.points_per_theme == {"drugs": 15.0, "handhaving": 40.0}  # 55 capped at 40
    assert a.total_points == 55.0 and a.band == "nader_onderzoek" and a.insufficient == 1
    custom = tmp_path / "p.yaml"
    custom.write_text(default_profile().read_text(encoding="utf-8").replace("weights: {}", "weights: {a.three: 2}"), encoding="utf-8")
    hits2 = [IndicatorHit("a.three", 1, "C", Outcome.HIT, themes=["drugs"], points=15)]
    assert assess(hits2, load_profile(custom), []).total_points == 30.0


def test_broken_profile_is_named(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text("name: x\nthresholds:\n  - {min: 10, band: a, label: A}\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="thresholds"):
        load_profile(p)


def test_evaluation_fills_the_sentence_from_evidence() -> None:
    ind = next(i for i in load_indicators(SHIPPED) if i.id == "address.many_companies")
    hit = evaluate(ind, [Signal("address.company_count", {"count": 38, "address": "Demostraat 1"}, ["ev-1"])], {"address.company_count"}, "X B.V.")
    assert hit.outcome is Outcome.HIT and hit.points == 10 and hit.evidence_ids == ["ev-1"]
    assert hit.sentence == "Op Demostraat 1 staan 38 inschrijvingen in het Handelsregister (bedrijfsverzamelgebouw of postadres?)."


def test_contains_and_not_contains_on_text_and_on_a_missing_attribute() -> None:
    from bibobscan.rules.evaluate import condition_holds

    assert condition_holds("Bestuursrecht; Strafrecht", {"contains": "strafrecht"})
    assert condition_holds("Bestuursrecht", {"not_contains": "Strafrecht"})
    assert not condition_holds("Strafrecht", {"not_contains": "strafrecht"})
    # a missing attribute neither contains nor lacks a text (str(None) is "None")
    assert not condition_holds(None, {"contains": "on"})
    assert not condition_holds(None, {"not_contains": "Strafrecht"})
