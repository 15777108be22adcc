"""The bureau-editable sector presets (bibobscan/data/sector_presets.yaml) and their loader."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bibobscan.collectors.osm import Selection, build_query
from bibobscan.errors import ConfigError, UsageError
from bibobscan.sector import Preset, PresetError, default_path, effective_sbi_version, load_presets, resolve_preset

REQUIRED = {
    "kappers", "nagelstudios", "schoonheidssalons", "massagesalons", "autohandel", "autoverhuur",
    "autowasstraten", "shishalounges", "belwinkels", "minimarkten", "souvenirwinkels", "vakantieparken",
    "zorgaanbieders", "transport_logistiek", "vastgoed",
}
SBI_2008 = Path(__file__).resolve().parent.parent.parent / "shared" / "apis" / "samples" / "sbi2008.DERIVED.csv"


def test_all_presets_load() -> None:
    presets = load_presets()
    assert set(presets) >= REQUIRED
    for pid, preset in presets.items():
        assert preset.id == pid
        assert preset.label and preset.description, pid
        assert preset.osm_tags, pid
        versions = [lst.version for lst in preset.sbi]
        assert "2008" in versions and "2025" in versions, pid
        for lst in preset.sbi:
            assert lst.codes and all(isinstance(c, str) and c.isdigit() for c in lst.codes), pid
            assert lst.version in ("2008", "2025") and lst.match in ("exact", "prefix")
        if not preset.sbi2025_verified:
            assert preset.sbi2025_note, pid


def test_codes_are_quoted_strings_in_the_file() -> None:
    """Every SBI code in the YAML is written between quotes (leading zeros matter)."""
    text = default_path().read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip().startswith("codes:"):
            inner = line.split("[", 1)[1].split("]", 1)[0]
            assert all(re.fullmatch(r'"\d{2,5}"', c.strip()) for c in inner.split(",")), line


def test_sbi_2008_codes_exist_in_the_reference_list() -> None:
    if not SBI_2008.is_file():
        pytest.skip("../shared/apis/samples/sbi2008.DERIVED.csv is not available here")
    known = {line.split(",", 1)[0] for line in SBI_2008.read_text(encoding="utf-8").splitlines()[1:]}
    # The MeshViewer list collapses classes without subclasses into their group ("563" = 5630).
    known |= {code + "0" for code in known if len(code) == 3}
    for preset in load_presets().values():
        for code in preset.sbi_codes("2008"):
            assert code in known, (preset.id, code)


def test_unknown_preset_gives_nearest_names() -> None:
    with pytest.raises(UsageError) as info:
        resolve_preset("kapers")
    message = str(info.value)
    assert "unknown sector preset 'kapers'" in message
    assert "nearest: kappers" in message
    with pytest.raises(UsageError, match="shishalounges"):
        resolve_preset("shisha lounge")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("kappers", "kappers"), ("KAPPERS", "kappers"), ("transport-logistiek", "transport_logistiek"),
     ("Transport en logistiek", "transport_logistiek"), ("Nagelstudio's", "nagelstudios")],
)
def test_resolve_by_id_or_label(name: str, expected: str) -> None:
    assert resolve_preset(name).id == expected


def test_sbi_matching_and_sector_spec() -> None:
    kappers = resolve_preset("kappers")
    assert kappers.matches_sbi("96021", "2008")
    assert kappers.matches_sbi("96.02.1", "2008")
    assert not kappers.matches_sbi("96022", "2008")
    assert kappers.matches_sbi("96210", "2025")  # prefix 9621 (NACE Rev. 2.1 class)
    assert kappers.matches_sbi("96210", "unknown") and kappers.matches_sbi("96021", "unknown")
    assert not kappers.matches_sbi("96021", "2025")
    spec = kappers.sector_spec(postcodes=["5038"])
    assert spec.preset == "kappers" and spec.sbi_version == "2008"
    assert spec.sbi_codes == ["96021", "9602"] and spec.osm_tags == [{"shop": "hairdresser"}]
    assert spec.postcodes == ["5038"]
    spec.osm_tags[0]["shop"] = "changed"  # a copy: the preset stays intact
    assert kappers.osm_tags == ({"shop": "hairdresser"},)
    assert kappers.sector_spec(sbi_version="2025").sbi_codes == ["9621"]
    with pytest.raises(UsageError):
        kappers.sector_spec(sbi_version="1993")


def test_effective_sbi_version() -> None:
    assert effective_sbi_version("unknown", date(2025, 9, 7)) == "2025"
    assert effective_sbi_version("unknown", date(2025, 9, 6)) == "2008"
    assert effective_sbi_version("2008", date(2026, 1, 1)) == "2008"
    autohandel = resolve_preset("autohandel")
    # 47819 is "Markthandel in overige voedings- en genotmiddelen" in SBI 2008
    assert autohandel.matches_sbi("47819", "unknown")  # the collision an unknown version risks
    assert not autohandel.matches_sbi("47819", effective_sbi_version("unknown", date(2024, 1, 1)))


def test_every_preset_builds_an_overpass_query() -> None:
    for preset in load_presets().values():
        query = build_query(Selection(code="855", filters=preset.osm_tags, name_regex=preset.osm_name_regex))
        assert query.count("(area.g);") >= len(preset.osm_tags), preset.id


# --- validation: errors name the file, preset and field ---------------------------------------

GOOD = """
version: 1
presets:
  - id: proef
    label: Proefbranche
    description: Alleen voor de test.
    sbi:
      - version: "2008"
        match: exact
        codes: ["96021"]
      - version: "2025"
        match: prefix
        codes: ["9621"]
    sbi2025_verified: false
    sbi2025_note: niet gecontroleerd
    osm:
      tags:
        - {shop: hairdresser}
      name_regex: "barber"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "presets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_custom_file_loads(tmp_path: Path) -> None:
    presets = load_presets(write(tmp_path, GOOD))
    assert list(presets) == ["proef"]
    preset = presets["proef"]
    assert isinstance(preset, Preset) and preset.osm_name_regex == "barber"
    assert resolve_preset("proef", presets) is preset


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        ('codes: ["96021"]', "codes: [96021]", "sbi[0].codes[0]", "quoted text"),
        ('codes: ["96021"]', 'codes: ["9602x"]', "sbi[0].codes[0]", "2 to 5 digits"),
        ('codes: ["9621"]', "codes: []", "sbi[1].codes", "non-empty"),
        ('- version: "2008"', "- version: 2008", "sbi[0].version", '"2008" or "2025"'),
        ("match: prefix", "match: exact", "sbi[1].codes[0]", "5 digits"),
        ("match: exact", "match: fuzzy", "sbi[0].match", "exact or prefix"),
        ("sbi2025_note: niet gecontroleerd", "sbi2025_note: ''", "sbi2025_note", "need a note"),
        ("sbi2025_verified: false", "sbi2025_verified: nee", "sbi2025_verified", "true or false"),
        ("label: Proefbranche", "label: ''", "label", "non-empty"),
        ("label: Proefbranche", "lable: Proefbranche", "lable", "unknown key"),
        ("- {shop: hairdresser}", '- {shop: "hair dresser"}', "osm.tags[0]", "invalid OSM value"),
        ("- {shop: hairdresser}", "- {}", "osm.tags[0]", "mapping"),
        ('name_regex: "barber"', 'name_regex: "barb\\"er"', "osm.name_regex", "simple regular expression"),
        ('name_regex: "barber"', 'name_regex: "barber("', "osm.name_regex", "not a valid regular expression"),
        ("id: proef", "id: Proef Branche", "id", "lower-case"),
    ],
)
def test_validation_errors_name_preset_and_field(tmp_path: Path, old: str, new: str, field: str, reason: str) -> None:
    assert old in GOOD
    with pytest.raises(PresetError) as info:
        load_presets(write(tmp_path, GOOD.replace(old, new, 1)))
    error = info.value
    assert isinstance(error, ConfigError)
    assert error.field == field, str(error)
    assert reason in str(error)
    assert error.preset in ("proef", "Proef Branche") and "presets.yaml" in str(error)


def test_missing_field_and_duplicate_id(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="field osm: missing"):
        load_presets(write(tmp_path, GOOD.split("    osm:")[0]))
    body = GOOD.split("presets:\n", 1)[1]
    with pytest.raises(PresetError, match=re.escape("preset proef | field id: duplicate id")):
        load_presets(write(tmp_path, GOOD + body))


@pytest.mark.parametrize("text", ["presets: {kappers: {}}", "- id: x", ": : :", "version: 1\npresets: []\n"])
def test_broken_files(tmp_path: Path, text: str) -> None:
    with pytest.raises(PresetError):
        load_presets(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="cannot read"):
        load_presets(tmp_path / "bestaat-niet.yaml")
