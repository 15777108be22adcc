"""Validation gaps found in review: operator argument types, unknown band keys,
placeholder attributes, duplicate YAML keys, lines of ``where`` errors, empty folders,
special-category values, and profiles that name indicators or themes that do not exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.errors import IndicatorError
from bibobscan.resources import default_profile, indicators_dir
from bibobscan.rules import (
    check_profile_against,
    check_rule_set,
    load_indicators,
    load_indicators_collecting,
    load_profile,
)
from bibobscan.signals.vocabulary import SIGNAL_TYPES, forbidden_term

runner = CliRunner()

BASE = """\
id: address.test_many
version: 1
status: test
title: Veel inschrijvingen
description: Test.
themes: [witwassen]
applies_to: [company]
legal_anchor: Wet Bibob art. 3 lid 1
requires: [address.company_count]
signal: address.company_count
where:
  count: {gte: 1}
  address: {contains: straat}
measure: max(count)
bands:
  - name: veel
    when: {gte: 20}
    points: 10
    sentence: "Op {first.address} staan {value} inschrijvingen."
no_hit: Niet opvallend.
insufficient: Onbekend.
tests:
  - name: veel
    signals: [{type: address.company_count, count: 38, address: Demostraat 1}]
    expect: {band: veel}
"""


def write(tmp_path: Path, old: str = "", new: str = "") -> Path:
    assert old in BASE
    f = tmp_path / "x.yaml"
    f.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    return f


def only_error(path: Path) -> IndicatorError:
    _, errors = load_indicators_collecting(path)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def line_with(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [i + 1 for i, line in enumerate(lines) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


def test_base_indicator_is_valid(tmp_path: Path) -> None:
    indicators, errors = load_indicators_collecting(write(tmp_path))
    assert errors == [] and [i.id for i in indicators] == ["address.test_many"]


# --- operator arguments --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "needle"),
    [
        ("when: {gte: 20}", "when: {gte: honderd}", "bands[0].when", "'gte' takes a number"),
        ("when: {gte: 20}", "when: {lt: [20]}", "bands[0].when", "'lt' takes a number"),
        ("when: {gte: 20}", "when: {eq: veel}", "bands[0].when", "measured value is a number"),
        ("count: {gte: 1}", "count: {gt: '1'}", "where.count", "'gt' takes a number"),
        ("count: {gte: 1}", "count: {lte: true}", "where.count", "'lte' takes a number"),
        ("address: {contains: straat}", "address: {not_in: Cafés}", "where.address", "'not_in' takes a list"),
        ("address: {contains: straat}", "address: {in: straat}", "where.address", "'in' takes a list"),
        ("address: {contains: straat}", "address: {startswith: 5610}", "where.address", "'startswith' takes a text or a list of texts"),
        ("address: {contains: straat}", "address: {startswith: [Dorp, 12]}", "where.address", "'startswith' takes a text or a list of texts"),
        ("address: {contains: straat}", "address: {contains: [a, b]}", "where.address", "'contains' takes a text"),
    ],
)
def test_operator_arguments_are_checked(tmp_path: Path, old: str, new: str, field: str, needle: str) -> None:
    f = write(tmp_path, old, new)
    err = only_error(f)
    assert err.field == field and err.indicator == "address.test_many"
    assert needle in err.reason
    assert err.line == line_with(f, new)


def test_valid_operator_arguments_pass(tmp_path: Path) -> None:
    f = write(tmp_path, "  address: {contains: straat}\n", "  address: {startswith: [Dorp, Demo], not_in: [Kerkstraat 1]}\n")
    assert load_indicators(f)[0].where["address"] == {"startswith": ["Dorp", "Demo"], "not_in": ["Kerkstraat 1"]}


# --- bands, placeholders ---------------------------------------------------------------


def test_unknown_band_key_is_named_with_its_line(tmp_path: Path) -> None:
    f = write(tmp_path, "    points: 10\n", "    points: 10\n    pionts: 99\n")
    err = only_error(f)
    assert err.field == "bands[0].pionts" and "unknown band field" in err.reason
    assert err.line == line_with(f, "pionts: 99")


def test_misspelt_points_names_the_typo_not_the_missing_field(tmp_path: Path) -> None:
    err = only_error(write(tmp_path, "    points: 10\n", "    pionts: 10\n"))
    assert err.field == "bands[0].pionts"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('"Op {first.address} staan', '"Op {first.adress} staan', "bands[0].sentence"),
        ("no_hit: Niet opvallend.", "no_hit: Niet opvallend op {list.adres}.", "no_hit"),
        ("insufficient: Onbekend.", "insufficient: Onbekend voor {first.name}.", "insufficient"),
    ],
)
def test_placeholder_attributes_must_belong_to_the_signal(tmp_path: Path, old: str, new: str, field: str) -> None:
    err = only_error(write(tmp_path, old, new))
    assert err.field == field
    assert "has no attribute" in err.reason and "address.company_count" in err.reason


# --- YAML structure ----------------------------------------------------------------------


def test_duplicate_key_names_the_line_of_the_second(tmp_path: Path) -> None:
    f = write(tmp_path, "    points: 10\n", "    points: 10\n    points: 15\n")
    err = only_error(f)
    assert err.line == line_with(f, "points: 15")
    assert err.field == "points" and "duplicate key 'points'" in err.reason
    assert f"first on line {line_with(f, 'points: 10')}" in err.reason


def test_duplicate_top_level_key_is_refused(tmp_path: Path) -> None:
    f = write(tmp_path, "title: Veel inschrijvingen\n", "title: Veel inschrijvingen\ntitle: Nog een titel\n")
    err = only_error(f)
    assert err.line == line_with(f, "title: Nog een titel") and "duplicate key 'title'" in err.reason


def test_yaml_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text("base: &b {a: 1, b: 2}\nother:\n  <<: *b\n  b: 3\n", encoding="utf-8")
    from bibobscan.rules.loader import load_yaml_with_lines

    assert load_yaml_with_lines(f.read_text(encoding="utf-8"))["other"] == {"a": 1, "b": 3}


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("address: {contains: straat}", "adress: {contains: straat}", "has no attribute 'adress'"),
        ("address: {contains: straat}", "address: {in: straat}", "'in' takes a list"),
        ("address: {contains: straat}", "herkomst: {eq: nl}", "special-category"),
    ],
)
def test_where_errors_point_at_the_attribute_line(tmp_path: Path, old: str, new: str, needle: str) -> None:
    f = write(tmp_path, old, new)
    err = only_error(f)
    assert needle in err.reason and err.field == f"where.{new.split(':')[0]}"
    assert err.line == line_with(f, new) != line_with(f, "where:")


# --- empty sets ----------------------------------------------------------------------------


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "ind").mkdir()
    with pytest.raises(IndicatorError, match="no indicators found in"):
        load_indicators(tmp_path / "ind")
    result = runner.invoke(app, ["indicators", "validate", str(tmp_path / "ind")])
    assert result.exit_code == 4 and "no indicators found in" in result.output


def test_folder_with_only_empty_files_and_profiles_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "ind"
    (folder / "profiles").mkdir(parents=True)
    (folder / "leeg.yaml").write_text("# nog niets\n", encoding="utf-8")
    (folder / "lijst.yml").write_text("[]\n", encoding="utf-8")
    shutil.copy(default_profile(), folder / "profiles" / "standaard.yaml")
    _, errors = load_indicators_collecting(folder)
    assert [e.reason.split(" (")[0] for e in errors] == [f"no indicators found in {folder}"]
    assert runner.invoke(app, ["indicators", "validate", str(folder)]).exit_code == 4


def test_a_broken_only_indicator_reports_its_error_not_emptiness(tmp_path: Path) -> None:
    err = only_error(write(tmp_path, "version: 1", "version: 0"))
    assert err.field == "version"


# --- special-category guard ------------------------------------------------------------


@pytest.mark.parametrize("word", ["herkomst", "origin", "migratieachtergrond", "migration_background", "nationalities", "Nationaliteit", "etniciteit", "allochtoon", "autochtone"])
def test_new_forbidden_terms(word: str) -> None:
    assert forbidden_term(word) is not None


def test_forbidden_terms_do_not_hit_ordinary_words_or_the_vocabulary() -> None:
    for word in ("totaal", "drugs", "closure", "permit_revoked", "Cafés", "nl", "witwassen"):
        assert forbidden_term(word) is None, word
    for name, (_desc, attrs) in SIGNAL_TYPES.items():
        for word in (name, *attrs):
            assert forbidden_term(word) is None, word


@pytest.mark.parametrize(
    "condition",
    [
        "{contains: nationaliteit}",
        "{contains: Migratieachtergrond}",
        "{startswith: [Dorp, herkomst]}",
        "{eq: allochtoon}",
        "{in: [kerk, religie]}",
        "{not_in: [etniciteit]}",
        "etnisch",
    ],
)
def test_special_category_values_in_conditions_are_refused(tmp_path: Path, condition: str) -> None:
    f = write(tmp_path, "address: {contains: straat}", f"address: {condition}")
    err = only_error(f)
    assert err.field == "where.address" and "special-category" in err.reason
    assert err.line == line_with(f, "address: " + condition)


def test_shipped_set_passes_the_value_guard() -> None:
    _, errors = load_indicators_collecting(indicators_dir())
    assert errors == []


# --- profiles against the indicator set --------------------------------------------------


def profile_with(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "p.yaml"
    p.write_text(default_profile().read_text(encoding="utf-8") + text, encoding="utf-8")
    return p


def test_profile_typos_are_named_with_file_line_field_and_nearest(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(
        "name: proef\nthresholds:\n  - {min: 0, band: geen, label: geen}\n"
        + "weights:\n  media.adverse.drugs: 2\n  media.adverse.witwasen: 1.5\n"
        + "theme_caps:\n  handhavng: 40\n"
        + "suppress:\n  - reason: Eigen pand\n    match: {kvk: '12345678'}\n    indicators: [address.many_companies, adress.many_companies]\n",
        encoding="utf-8",
    )
    errors = check_profile_against(load_profile(p), load_indicators(indicators_dir()))
    by_field = {e.field: e for e in errors}
    assert set(by_field) == {"weights.media.adverse.witwasen", "theme_caps.handhavng", "suppress[0].indicators"}
    w = by_field["weights.media.adverse.witwasen"]
    assert w.file == str(p) and w.reason == "unknown indicator id; nearest: media.adverse.witwassen"
    assert w.line == line_with(p, "media.adverse.witwasen:")
    assert str(w).startswith(f"{p}:{w.line} | field weights.media.adverse.witwasen: unknown indicator id")
    assert "nearest: handhaving" in by_field["theme_caps.handhavng"].reason
    assert by_field["theme_caps.handhavng"].line == line_with(p, "handhavng: 40")
    s = by_field["suppress[0].indicators"]
    assert "'adress.many_companies'" in s.reason and "nearest: address.many_companies" in s.reason
    assert s.line == line_with(p, "indicators: [address.many_companies")


def test_shipped_profile_matches_shipped_set() -> None:
    indicators = load_indicators(indicators_dir())
    profile = load_profile(default_profile())
    assert check_profile_against(profile, indicators) == []
    for kind in ("person", "company", "sector"):
        check_rule_set(indicators, profile, kind)
    check_rule_set(indicators, profile, None)


def test_check_rule_set_raises_the_first_profile_error(tmp_path: Path) -> None:
    p = profile_with(tmp_path, "suppress:\n  - reason: x\n    match: {kvk: '1'}\n    indicators: [geen.indicator]\n")
    with pytest.raises(IndicatorError, match=r"suppress\[0\]\.indicators.*unknown indicator id 'geen.indicator'"):
        check_rule_set(load_indicators(indicators_dir()), load_profile(p), "company")


def test_check_rule_set_refuses_a_set_without_indicators_for_the_subject(tmp_path: Path) -> None:
    indicators = load_indicators(write(tmp_path))  # applies_to: [company]
    profile = load_profile(default_profile())
    check_rule_set(indicators, profile, "company")
    with pytest.raises(IndicatorError, match="no indicator applies to subject kind 'sector'") as info:
        check_rule_set(indicators, profile, "sector")
    assert info.value.field == "applies_to" and info.value.file.endswith("x.yaml")
    deprecated = load_indicators(write(tmp_path, "status: test", "status: deprecated"))
    with pytest.raises(IndicatorError, match="no indicator applies to subject kind 'company'"):
        check_rule_set(deprecated, profile, "company")


def test_validate_reports_profile_errors(tmp_path: Path) -> None:
    p = profile_with(tmp_path, "").read_text(encoding="utf-8").replace("weights: {}", "weights: {media.adverse.witwasen: 2}")
    (tmp_path / "p.yaml").write_text(p, encoding="utf-8")
    result = runner.invoke(app, ["indicators", "validate", "--profile", str(tmp_path / "p.yaml")])
    assert result.exit_code == 4
    assert "weights.media.adverse.witwasen: unknown indicator id; nearest: media.adverse.witwassen" in result.output
    assert "1 error(s)" in result.output


def test_validate_does_not_blame_the_profile_for_a_broken_indicator(tmp_path: Path) -> None:
    shutil.copytree(indicators_dir(), tmp_path / "ind")
    f = tmp_path / "ind" / "sancties.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("legal_anchor: ", "legal_ankor: ", 1), encoding="utf-8")
    p = tmp_path / "p.yaml"
    p.write_text(default_profile().read_text(encoding="utf-8").replace("weights: {}", "weights: {sanctions.list_match: 2}"), encoding="utf-8")
    result = runner.invoke(app, ["indicators", "validate", str(tmp_path / "ind"), "--profile", str(p)])
    assert result.exit_code == 4 and "1 error(s)" in result.output
    assert "sancties.yaml" in result.output and "legal_anchor" in result.output and "weights" not in result.output


def test_profile_duplicate_key_and_field_errors_have_lines(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(default_profile().read_text(encoding="utf-8").replace("weights: {}", "weights: {}\nweights: {a.b: 2}"), encoding="utf-8")
    with pytest.raises(IndicatorError, match="duplicate key 'weights'") as info:
        load_profile(p)
    assert info.value.line == line_with(p, "weights: {a.b: 2}")
    p.write_text(default_profile().read_text(encoding="utf-8").replace("weights: {}", "weights:\n  a.b: -1"), encoding="utf-8")
    with pytest.raises(IndicatorError) as info2:
        load_profile(p)
    assert info2.value.field == "weights.a.b" and info2.value.line == line_with(p, "a.b: -1")
