"""The sealed archive: bags that bagit itself validates, a hash chain, every kind of
tampering named (bag, file, what), purge with tombstones, concurrent sealing. Kills and
a full disk are in test_archive_crash.py."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import bagit
import pytest

from bibobscan.archive import GENESIS, Archive, BagInfo, entry_hash, read_chain, safe_name
from bibobscan.errors import ArchiveError


def info(case: str = "Z-2026/001", version: int = 1, retention: date | None = date(2031, 1, 1)) -> BagInfo:
    return BagInfo(case_id=case, report_version=version, subject="Jan Voorbeeld", retention_until=retention,
                   confidentiality="Vertrouwelijk - Wet Bibob art. 28", sealed_by="archivaris",
                   sealed_at=datetime(2026, 12, 6, 12, 0, tzinfo=UTC), tool_version="0.1.0", report_digest="ab" * 32,
                   raw_bodies="kept", authority="burgemeester van Voorbeeldstad")


PAYLOAD = {
    "report.json": b'{"rapport": 1}',
    "report.html": b"<html>rapport</html>",
    "report.pdf": b"%PDF-1.7 " + bytes(range(256)) * 40,
    "dispositions.json": b"{}",
    "audit.json": b'{"entries": []}',
    "raw/abc.bin": b"ruw antwoord",
}

Sealed = tuple[Archive, list[str]]


@pytest.fixture
def sealed(tmp_path: Path) -> Sealed:
    archive = Archive(tmp_path / "archief")
    names = [archive.put(PAYLOAD, info(version=v), by="archivaris").name for v in (1, 2)]
    names.append(archive.put(PAYLOAD, info(case="Z-2", retention=date(2020, 1, 1)), by="archivaris").name)
    return archive, names


def chain_lines(archive: Archive) -> list[str]:
    return archive.chain_path.read_text(encoding="utf-8").splitlines()


def write_lines(archive: Archive, lines: list[str]) -> None:
    archive.chain_path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_put_verify_list(sealed: Sealed) -> None:
    archive, names = sealed
    result = archive.verify()
    assert result.ok and result.bags == 3 and result.entries == 3 and result.destroyed == 0
    for name in names:
        bag = bagit.Bag(str(archive.path / "bags" / name))
        bag.validate(fast=False)  # the Library of Congress validator agrees
        assert bag.info["External-Identifier"] == ("Z-2026/001" if name != names[2] else "Z-2")
        assert (archive.path / "bags" / name / "data" / "report.pdf").read_bytes() == PAYLOAD["report.pdf"]
        assert sorted(p.name for p in (archive.path / "bags" / name).iterdir()) == [
            "bag-info.txt", "bagit.txt", "data", "manifest-sha256.txt", "tagmanifest-sha256.txt"]  # sha256 only
    assert "/" not in names[0] and names[0].startswith("Z-2026-001-") and names[0].endswith("-v1")
    listed = archive.bags()
    assert [b.report_version for b in listed] == [1, 2, 1] and listed[0].subject == "Jan Voorbeeld"
    assert listed[0].sealed_by == "archivaris" and listed[0].retention_until == date(2031, 1, 1)
    assert [b.name for b in archive.bags(expired=True, today=date(2026, 12, 6))] == [names[2]]
    entries, problems = read_chain(archive.chain_path)
    assert not problems and entries[0]["prev"] == GENESIS and entries[1]["prev"] == entries[0]["hash"]
    assert all(e["hash"] == entry_hash(e) for e in entries)
    assert {"seq", "type", "bag", "case_id", "report_version", "tagmanifest_sha256", "payload_oxum", "sealed_at",
            "sealed_by", "retention_until", "prev", "hash"} <= set(entries[0])


def test_bag_info_fields(sealed: Sealed) -> None:
    archive, names = sealed
    fields = bagit.Bag(str(archive.path / "bags" / names[0])).info
    assert fields["External-Identifier"] == "Z-2026/001" and fields["Bagging-Date"] == "2026-12-06"
    assert fields["Source-Organization"] == "burgemeester van Voorbeeldstad"
    assert fields["Bibob-Report-Version"] == "1" and fields["Bibob-Retention-Until"] == "2031-01-01"
    assert fields["Bibob-Confidentiality"] == "Vertrouwelijk - Wet Bibob art. 28" and fields["Bibob-Raw-Bodies"] == "kept"
    assert fields["Bibob-Report-Digest"] == "ab" * 32 and fields["Bibob-Demo"] == "no" and fields["Bibob-Sealed-By"] == "archivaris"
    assert fields["Payload-Oxum"] == f"{sum(len(v) for v in PAYLOAD.values())}.{len(PAYLOAD)}"


def test_bag_info_stays_one_line_per_field(tmp_path: Path) -> None:
    """A subject with a line break cannot add a field of its own to bag-info.txt."""
    base = info()
    forged = BagInfo(case_id=base.case_id, report_version=1, subject="Jan\nBibob-Demo: yes\r\n", retention_until=base.retention_until,
                     confidentiality=base.confidentiality, sealed_by="x", sealed_at=base.sealed_at, tool_version="0",
                     report_digest="00", raw_bodies="dropped")
    archive = Archive(tmp_path / "a")
    fields = bagit.Bag(str(archive.put(PAYLOAD, forged, by="x").path)).info
    assert fields["Bibob-Subject"] == "Jan Bibob-Demo: yes" and fields["Bibob-Demo"] == "no"
    assert archive.verify().ok


# --- tampering: every kind named with its bag and file ------------------------------------


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


TAG_FILES = ["manifest-sha256.txt", "bag-info.txt", "bagit.txt"]
PAYLOAD_FILES = ["data/report.json", "data/report.html", "data/report.pdf", "data/dispositions.json", "data/audit.json", "data/raw/abc.bin"]


@pytest.mark.parametrize("file", [*PAYLOAD_FILES, *TAG_FILES, "tagmanifest-sha256.txt"])
def test_one_flipped_byte_in_any_file_of_a_bag_is_named(sealed: Sealed, file: str) -> None:
    archive, names = sealed
    flip(archive.path / "bags" / names[1] / file)
    result = archive.verify()
    assert not result.ok
    assert {p.bag for p in result.problems} == {names[1]}, [str(p) for p in result.problems]
    named = {p.file: p.what for p in result.problems}
    assert file in named, [str(p) for p in result.problems]
    if file.startswith("data/"):
        assert named[file].startswith("checksum mismatch")
    elif file == "tagmanifest-sha256.txt":
        assert "does not match the hash in the chain" in named[file]
    else:
        assert named[file].startswith("tag file changed")
    with pytest.raises(bagit.BagError):  # bagit's own validator agrees
        bagit.Bag(str(archive.path / "bags" / names[1])).validate(fast=False)


def _remove(rel: str) -> Callable[[Path], None]:
    def act(bag: Path) -> None:
        target = bag / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return act


def _add(rel: str) -> Callable[[Path], None]:
    def act(bag: Path) -> None:
        (bag / rel).parent.mkdir(parents=True, exist_ok=True)
        (bag / rel).write_bytes(b"toegevoegd")
    return act


def _rename(old: str, new: str) -> Callable[[Path], None]:
    def act(bag: Path) -> None:
        (bag / old).rename(bag / new)
    return act


TAMPERING = [
    ("payload file removed", _remove("data/report.pdf"), "data/report.pdf", "file missing"),
    ("raw body removed", _remove("data/raw/abc.bin"), "data/raw/abc.bin", "file missing"),
    ("file added to data/", _add("data/extra.txt"), "data/extra.txt", "not in the manifest (added)"),
    ("hidden file added to data/", _add("data/raw/.x"), "data/raw/.x", "not in the manifest (added)"),
    ("payload file renamed", _rename("data/report.html", "data/rapport.html"), "data/report.html", "file missing"),
    ("payload folder removed", _remove("data"), "data/report.json", "file missing"),
    ("manifest removed", _remove("manifest-sha256.txt"), "manifest-sha256.txt", "tag file missing"),
    ("bag-info removed", _remove("bag-info.txt"), "bag-info.txt", "tag file missing"),
    ("bagit.txt removed", _remove("bagit.txt"), "bagit.txt", "tag file missing"),
    ("tag manifest removed", _remove("tagmanifest-sha256.txt"), "tagmanifest-sha256.txt", "tag file missing"),
    ("tag file added", _add("extra-tag.txt"), "extra-tag.txt", "not in the tag manifest (added)"),
]


@pytest.mark.parametrize(("kind", "act", "file", "what"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_each_kind_of_tampering_is_named(sealed: Sealed, kind: str, act: Callable[[Path], None], file: str, what: str) -> None:
    archive, names = sealed
    act(archive.path / "bags" / names[0])
    result = archive.verify()
    assert not result.ok, kind
    assert {p.bag for p in result.problems} == {names[0]}
    assert any(p.file == file and what in p.what for p in result.problems), [str(p) for p in result.problems]


def test_a_bag_rebuilt_with_valid_manifests_is_caught_by_the_chain(sealed: Sealed) -> None:
    """The payload changed and bagit's manifests regenerated: bagit alone says valid."""
    archive, names = sealed
    folder = archive.path / "bags" / names[0]
    (folder / "data" / "report.json").write_bytes(b'{"rapport": "anders"}')
    bag = bagit.Bag(str(folder))
    bag.save(manifests=True)
    bag.validate(fast=False)
    problems = [str(p) for p in archive.verify().problems]
    assert any(names[0] in p and "tagmanifest-sha256.txt" in p and "does not match the hash in the chain" in p for p in problems), problems


def test_a_removed_replaced_or_added_bag_is_named(sealed: Sealed, tmp_path: Path) -> None:
    archive, names = sealed
    shutil.rmtree(archive.path / "bags" / names[0])
    # replaced: a bag made anew with other content and its own (valid) manifests
    target = archive.path / "bags" / names[1]
    shutil.rmtree(target)
    other = Archive(tmp_path / "ander")
    made = other.put({**PAYLOAD, "report.json": b'{"rapport": 2}'}, info(version=2), by="x")
    shutil.copytree(made.path, target)
    shutil.copytree(made.path, archive.path / "bags" / "bijgevoegd")
    problems = [str(p) for p in archive.verify().problems]
    assert f"bag {names[0]}: bag is missing (sealed in the chain, not destroyed)" in problems
    assert any(names[1] in p and "does not match the hash in the chain" in p for p in problems), problems
    assert "bag bijgevoegd: bag is not in the chain (added, or renamed)" in problems
    assert len(problems) == 3, problems


def test_a_renamed_bag_is_named_twice(sealed: Sealed) -> None:
    archive, names = sealed
    (archive.path / "bags" / names[0]).rename(archive.path / "bags" / "anders")
    problems = [str(p) for p in archive.verify().problems]
    assert f"bag {names[0]}: bag is missing (sealed in the chain, not destroyed)" in problems
    assert "bag anders: bag is not in the chain (added, or renamed)" in problems


def _edit_field(lines: list[str]) -> None:
    entry = json.loads(lines[1])
    entry["retention_until"] = "2099-01-01"
    lines[1] = json.dumps(entry, sort_keys=True)


def _edit_and_rehash(lines: list[str]) -> None:
    """Edited with a fresh hash: the next entry's prev no longer fits."""
    entry = json.loads(lines[1])
    entry["sealed_by"] = "iemand anders"
    entry["hash"] = entry_hash(entry)
    lines[1] = json.dumps(entry, sort_keys=True)


def _flip_byte(lines: list[str]) -> None:
    line = bytearray(lines[0].encode())
    at = line.index(b'"sealed_by"') + 14
    line[at] ^= 0x01
    lines[0] = line.decode()


def _swap(lines: list[str]) -> None:
    lines[0], lines[1] = lines[1], lines[0]


CHAIN_EDITS: list[tuple[str, Callable[[list[str]], None], str]] = [
    ("a field changed", _edit_field, "entry 2 of chain.jsonl was changed"),
    ("changed and rehashed", _edit_and_rehash, "entry 3 of chain.jsonl does not follow the entry before it"),
    ("one byte flipped", _flip_byte, "entry 1 of chain.jsonl was changed"),
    ("first entry removed", lambda lines: lines.pop(0), "has sequence number 2: entries were removed or reordered"),
    ("middle entry removed", lambda lines: lines.pop(1), "has sequence number 3: entries were removed or reordered"),
    ("entries reordered", _swap, "entry 1 of chain.jsonl has sequence number 2"),
    ("a line cut short", lambda lines: lines.__setitem__(2, lines[2][:40]), "line 3 of chain.jsonl is not a chain entry"),
    ("a line that is not an object", lambda lines: lines.__setitem__(2, "[1, 2]"), "line 3 of chain.jsonl is not a chain entry"),
    ("a duplicated entry", lambda lines: lines.insert(1, lines[0]), "entry 2 of chain.jsonl has sequence number 1"),
]


@pytest.mark.parametrize(("kind", "edit", "message"), CHAIN_EDITS, ids=[c[0] for c in CHAIN_EDITS])
def test_an_edited_chain_is_named(sealed: Sealed, kind: str, edit: Callable[[list[str]], None], message: str) -> None:
    archive, _ = sealed
    lines = chain_lines(archive)
    edit(lines)
    write_lines(archive, lines)
    result = archive.verify()
    assert not result.ok, kind
    assert any(message in str(p) for p in result.problems), [str(p) for p in result.problems]
    assert all(str(p).startswith(("chain.jsonl: ", "bag ")) for p in result.problems)


def test_the_last_entry_removed_leaves_its_bag_unchained(sealed: Sealed) -> None:
    archive, names = sealed
    write_lines(archive, chain_lines(archive)[:-1])
    assert [str(p) for p in archive.verify().problems] == [f"bag {names[2]}: bag is not in the chain (added, or renamed)"]


def test_a_chain_that_is_not_text_is_named(sealed: Sealed) -> None:
    archive, _ = sealed
    archive.chain_path.write_bytes(archive.chain_path.read_bytes() + b"\xff\xfe\n")
    assert any("not UTF-8" in str(p) for p in archive.verify().problems)


def test_sealing_into_a_damaged_chain_is_refused(sealed: Sealed) -> None:
    archive, _ = sealed
    lines = chain_lines(archive)
    _edit_field(lines)
    write_lines(archive, lines)
    before = archive.chain_path.read_bytes()
    with pytest.raises(ArchiveError, match="chain .* is damaged; not sealing"):
        archive.put(PAYLOAD, info(version=3), by="x")
    assert archive.chain_path.read_bytes() == before
    with pytest.raises(ArchiveError, match="damaged; not destroying"):
        archive.purge(by="x", reason="test", today=date(2026, 12, 6))


# --- destruction --------------------------------------------------------------------------


def test_purge_destroys_only_expired_bags_and_leaves_tombstones(sealed: Sealed) -> None:
    archive, names = sealed
    with pytest.raises(ArchiveError, match="kept until 2031-01-01"):
        archive.purge(by="archivaris", reason="x", today=date(2026, 12, 6), only={names[0]})
    with pytest.raises(ArchiveError, match="no bag 'onbekend'"):
        archive.purge(by="archivaris", reason="x", today=date(2026, 12, 6), only={"onbekend"})
    with pytest.raises(ArchiveError, match="needs a reason"):
        archive.purge(by="archivaris", reason="  ", today=date(2026, 12, 6))
    assert archive.verify().entries == 3  # the refusals wrote nothing
    tombstones = archive.purge(by="archivaris", reason="bewaartermijn verstreken", today=date(2026, 12, 6))
    assert [t["bag"] for t in tombstones] == [names[2]]
    t = tombstones[0]
    assert t["type"] == "tombstone" and t["case_id"] == "Z-2" and t["report_version"] == 1 and t["destroyed_by"] == "archivaris"
    assert t["reason"] == "bewaartermijn verstreken" and t["seal_seq"] == 3 and t["retention_until"] == "2020-01-01"
    assert not (archive.path / "bags" / names[2]).exists()
    result = archive.verify()
    assert result.ok and result.destroyed == 1 and result.bags == 2 and result.entries == 4
    chain = read_chain(archive.chain_path)[0]
    assert chain[-1] == t and t["seal_hash"] == chain[2]["hash"] and t["prev"] == chain[2]["hash"]
    listed = {b.name: b for b in archive.bags()}
    assert listed[names[2]].destroyed_at is not None and listed[names[0]].destroyed_at is None
    assert not listed[names[2]].expired(date(2026, 12, 6))  # destroyed, so no longer waiting
    assert archive.bags(expired=True, today=date(2026, 12, 6)) == []
    assert archive.purge(by="archivaris", reason="x", today=date(2026, 12, 6)) == []
    # the retention date itself is still kept; the day after it is not
    assert [t["bag"] for t in archive.purge(by="a", reason="r", today=date(2031, 1, 1))] == []
    assert len(archive.purge(by="a", reason="r", today=date(2031, 1, 2))) == 2
    assert archive.verify().ok and not list((archive.path / "bags").iterdir())


def test_a_tombstone_without_its_seal_is_named(sealed: Sealed) -> None:
    archive, _ = sealed
    entries = read_chain(archive.chain_path)[0]
    forged = {"type": "tombstone", "bag": "nooit-verzegeld", "case_id": "X", "report_version": 1, "destroyed_at": "2026-12-06",
              "destroyed_by": "x", "reason": "x", "seal_seq": 9, "seal_hash": "f" * 64, "seq": 4, "prev": entries[-1]["hash"]}
    forged["hash"] = entry_hash(forged)
    write_lines(archive, [*chain_lines(archive), json.dumps(forged)])
    problems = [str(p) for p in archive.verify().problems]
    assert problems == ["bag nooit-verzegeld: tombstone without the seal entry it records the destruction of"]


def test_a_destroyed_bag_put_back_is_destroyed_again(sealed: Sealed, tmp_path: Path) -> None:
    """A tombstone is final (Archiefwet): a copy put back is what an interrupted
    destruction leaves, and the next opening finishes it."""
    archive, names = sealed
    copy = tmp_path / "kopie"
    shutil.copytree(archive.path / "bags" / names[2], copy)
    archive.purge(by="a", reason="r", today=date(2026, 12, 6))
    shutil.copytree(copy, archive.path / "bags" / names[2])
    result = archive.verify()
    assert result.ok and result.recovered and "destruction of" in result.recovered[0]
    assert not (archive.path / "bags" / names[2]).exists()


# --- names, errors, concurrency -----------------------------------------------------------


@pytest.mark.parametrize("case", ["../../etc/passwd\x00", "a/b\\c", ".verborgen", "..", "", "Zaak é/1 ☃", "x" * 300, "CON", "-rf"])
def test_case_numbers_never_become_paths(tmp_path: Path, case: str) -> None:
    archive = Archive(tmp_path / "a")
    bag = archive.put(PAYLOAD, info(case=case), by="x")
    assert bag.path.parent == archive.path / "bags"
    assert ".." not in bag.name and not bag.name.startswith((".", "-")) and len(bag.name) < 90
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in bag.name)
    assert archive.verify().ok and archive.bags()[0].case_id == case


def test_lookalike_case_numbers_get_their_own_bags(tmp_path: Path) -> None:
    assert safe_name("A/1") != safe_name("A-1")
    archive = Archive(tmp_path / "a")
    names = {archive.put(PAYLOAD, info(case=c), by="x").name for c in ("A/1", "A-1", "A 1")}
    again = archive.put(PAYLOAD, info(case="A/1"), by="x").name  # the same version sealed twice: a suffix
    assert len(names | {again}) == 4 and again.endswith("-v1-2")
    assert archive.verify().ok


@pytest.mark.parametrize("name", ["../uit.txt", "/etc/x", "a/../../b", ".verborgen", "a\\b", "a\x00b", ""])
def test_unsafe_payload_names_are_refused(tmp_path: Path, name: str) -> None:
    archive = Archive(tmp_path / "a")
    with pytest.raises(ArchiveError, match="not a safe relative path"):
        archive.put({name: b"x"}, info(case="Y"), by="x")
    assert not list((tmp_path / "a" / "bags").iterdir()) and not list((tmp_path / "a" / ".staging").iterdir())
    assert not (tmp_path / "a" / "chain.jsonl").exists()


def test_verify_of_what_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="does not exist"):
        Archive(tmp_path / "niets").verify()
    (tmp_path / "leeg").mkdir()
    with pytest.raises(ArchiveError, match="is not an archive"):
        Archive(tmp_path / "leeg").verify()
    assert Archive(tmp_path / "leeg").bags() == []


def test_a_failing_timestamp_check_is_named(tmp_path: Path) -> None:
    """The timestamp hooks with plain functions: a stored token that does not verify is a
    named problem, never a crash (the RFC 3161 protocol is tested in test_timestamp*)."""
    seen: list[bytes] = []

    def stamp(digest: bytes) -> dict[str, str]:
        seen.append(digest)
        return {"token": "dGVzdA==", "tsa": "test"}

    def check(record: dict[str, object], digest: bytes) -> None:
        if record.get("token") != "dGVzdA==" or digest != seen[0]:
            raise ValueError("message imprint differs")

    archive = Archive(tmp_path / "a", timestamper=stamp, timestamp_check=check)
    bag = archive.put(PAYLOAD, info(), by="x")
    assert seen == [bytes.fromhex(bag.entry["tagmanifest_sha256"])] and bag.entry["timestamp"]["tsa"] == "test"
    assert archive.verify().ok
    seen[0] = b"\x00" * 32
    problems = [str(p) for p in archive.verify().problems]
    assert problems == [f"bag {bag.name}: timestamp token does not verify: message imprint differs"]


def test_a_failing_timestamper_leaves_the_archive_as_it_was(sealed: Sealed) -> None:
    archive, _ = sealed
    before = archive.chain_path.read_bytes()

    def refuse(digest: bytes) -> dict[str, str]:
        raise ArchiveError("the time-stamping authority gave no valid token")

    with pytest.raises(ArchiveError, match="no valid token"):
        Archive(archive.path, timestamper=refuse).put(PAYLOAD, info(version=5), by="x")
    assert archive.chain_path.read_bytes() == before and not list((archive.path / ".staging").iterdir())
    assert archive.verify().ok and archive.verify().bags == 3


def _put_many(args: tuple[str, int]) -> int:
    path, worker = args
    archive = Archive(Path(path))
    for i in range(4):
        archive.put(PAYLOAD, info(case=f"W{worker}", version=i + 1), by=f"worker {worker}")
    return worker


def test_concurrent_sealing_keeps_the_chain_whole(tmp_path: Path) -> None:
    path = tmp_path / "archief"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_put_many, [(str(path), w) for w in range(4)])
    result = Archive(path).verify()
    assert result.ok and result.bags == 16 and result.entries == 16
    entries = read_chain(path / "chain.jsonl")[0]
    assert [e["seq"] for e in entries] == list(range(1, 17))
    assert len({e["bag"] for e in entries}) == 16
    for w in range(4):  # each worker's own order kept
        assert [e["report_version"] for e in entries if e["case_id"] == f"W{w}"] == [1, 2, 3, 4]
