"""The UN list's on-disk index: the same list back, and never a stale or edited one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibobscan.collectors import _un_index
from bibobscan.collectors.un_sanctions import UnEntry, _from_index, bundled_bytes, load_list, parse_list

SMALL = Path(__file__).parents[1] / "fixtures" / "un" / "small_list.xml"


def _read(path: Path, data: bytes, folder: Path) -> object:
    parsed = parse_list(data, source=str(path))
    return _un_index.read_index(parsed.sha256, _un_index.counts_in(data), str(path), _from_index, UnEntry, folder)


def test_the_index_gives_back_the_parsed_list(tmp_path: Path) -> None:
    data = bundled_bytes()
    parsed = parse_list(data)
    assert _un_index.write_index(parsed, _un_index.counts_in(data), tmp_path) is not None
    again = _un_index.read_index(parsed.sha256, _un_index.counts_in(data), "bundled", _from_index, UnEntry, tmp_path)
    assert again is not None
    assert again.individuals == parsed.individuals and again.entities == parsed.entities
    assert again.generated == parsed.generated and again.sha256 == parsed.sha256
    for kind in (True, False):
        assert again._indexes[kind] == parsed._indexes[kind]
    name = parsed.entities[0].name
    assert [e.dataid for e, _, _ in again.candidates([name], individual=False)] == \
        [e.dataid for e, _, _ in parsed.candidates([name], individual=False)]


def test_an_index_that_does_not_agree_with_the_xml_is_ignored(tmp_path: Path) -> None:
    data = SMALL.read_bytes()
    parsed = parse_list(data, source=str(SMALL))
    counts = _un_index.counts_in(data)
    path = _un_index.write_index(parsed, counts, tmp_path)
    assert path is not None and _read(SMALL, data, tmp_path) is not None
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["entities"] = payload["entities"][1:]  # an entry taken out of the index
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert _read(SMALL, data, tmp_path) is None
    payload["counts"] = [counts[0], counts[1] - 1]  # ... and the count made to fit
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert _read(SMALL, data, tmp_path) is None  # the XML is counted on every load
    path.write_text("{not json", encoding="utf-8")
    assert _read(SMALL, data, tmp_path) is None


def test_load_list_writes_the_index_once_and_reads_it_in_a_new_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bibobscan.collectors import un_sanctions

    monkeypatch.setenv(_un_index.CACHE_ENV, str(tmp_path / "cache"))
    copy = tmp_path / "list.xml"
    copy.write_bytes(SMALL.read_bytes())
    first = load_list(str(copy))
    written = list((tmp_path / "cache").glob("un-index-*.json"))
    assert [p.name for p in written] == [f"un-index-{first.sha256}.json"]
    monkeypatch.setattr(un_sanctions, "_CACHE", {})  # a new process
    monkeypatch.setattr(un_sanctions, "parse_list", lambda *a, **k: pytest.fail("parsed again despite the index"))
    second = load_list(str(copy))
    assert second.individuals == first.individuals and second is not first


def test_a_cache_folder_that_cannot_be_written_costs_only_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bibobscan.collectors import un_sanctions

    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(_un_index.CACHE_ENV, str(blocker / "cache"))
    monkeypatch.setattr(un_sanctions, "_CACHE", {})
    listed = load_list(str(SMALL))
    assert listed.individuals
