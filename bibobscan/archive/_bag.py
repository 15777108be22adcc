"""One BagIt bag (RFC 8493) per sealed report version, made and checked with the
Library of Congress ``bagit`` library; sha256 manifests only."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import bagit

from ..errors import ArchiveError
from ..report.files import fsync_dir

TAGMANIFEST = "tagmanifest-sha256.txt"
# bagit logs every finding as a warning; we report them ourselves (bag_problems)
logging.getLogger("bagit").addHandler(logging.NullHandler())
logging.getLogger("bagit").propagate = False
# bagit.make_bag changes the working directory while it works: one bag at a time per process
_MAKE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class BagInfo:
    """What ``bag-info.txt`` says of a sealed report version."""

    case_id: str
    report_version: int
    subject: str
    retention_until: date | None
    confidentiality: str
    sealed_by: str
    sealed_at: datetime
    tool_version: str
    report_digest: str
    raw_bodies: str  # "kept" or "dropped"
    demo: bool = False
    authority: str = ""  # bestuursorgaan
    file_version: int = 1

    def fields(self) -> dict[str, str]:
        out = {
            "External-Identifier": self.case_id,
            "Bagging-Date": self.sealed_at.date().isoformat(),
            "External-Description": f"Bibob-rapport, zaak {self.case_id}, rapportversie {self.report_version}",
            "Bibob-Case": self.case_id,
            "Bibob-Report-Version": str(self.report_version),
            "Bibob-File-Version": str(self.file_version),
            "Bibob-Subject": self.subject,
            "Bibob-Retention-Until": self.retention_until.isoformat() if self.retention_until else "",
            "Bibob-Confidentiality": self.confidentiality,
            "Bibob-Sealed-By": self.sealed_by,
            "Bibob-Sealed-At": self.sealed_at.isoformat(),
            "Bibob-Tool-Version": self.tool_version,
            "Bibob-Report-Digest": self.report_digest,
            "Bibob-Raw-Bodies": self.raw_bodies,
            "Bibob-Demo": "yes" if self.demo else "no",
        }
        if self.authority:
            out["Source-Organization"] = self.authority
        return {k: " ".join(v.split()) for k, v in out.items()}  # one line each


def safe_name(text: str, limit: int = 60) -> str:
    """A file name from any case number: letters, digits, '.', '_' and '-' only, never
    '..' or a leading dot, with a short hash of the original so that two case numbers
    that look alike once cleaned ("A/1", "A-1") never share a name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-_")[:limit] or "zaak"
    cleaned = cleaned.replace("..", "-")
    return f"{cleaned}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"


def check_payload_name(name: str) -> str:
    """A payload file name must stay inside the bag: relative, no '..', no control
    characters, forward slashes only."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or any(not c.isprintable() for c in name) or name.startswith("."):
        raise ArchiveError(f"payload file name {name!r} is not a safe relative path")
    return str(path)


def make_bag(folder: Path, payload: Mapping[str, bytes], info: BagInfo) -> None:
    """Write ``payload`` into ``folder`` (new, empty) and make it a bag; every file and
    folder fsynced, so the bag is whole on disk before anyone points at it."""
    for name, content in payload.items():
        target = folder / check_payload_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    with _MAKE_LOCK:
        try:
            bagit.make_bag(str(folder), bag_info=info.fields(), checksums=["sha256"])
        except (bagit.BagError, RuntimeError) as exc:
            raise ArchiveError(f"cannot make the bag {folder.name}: {exc}") from exc
    sync_tree(folder)


def sync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def tagmanifest_sha256(folder: Path) -> str:
    return hashlib.sha256((folder / TAGMANIFEST).read_bytes()).hexdigest()


def payload_oxum(folder: Path) -> str:
    """``octets.count`` of the payload (as BagIt's Payload-Oxum)."""
    files = [p for p in (folder / "data").rglob("*") if p.is_file()]
    return f"{sum(p.stat().st_size for p in files)}.{len(files)}"


def _inside(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def tag_problems(folder: Path, *, manifest_sealed: bool = True) -> list[tuple[str, str]]:
    """(file, what) for every tag file (manifest, bag-info.txt, bagit.txt) whose sha256
    differs from the tag manifest, is missing, or is not in it: bagit stops at the first
    incomplete payload and ignores extra tag files, so a changed manifest is named here,
    not only by its effect. ``manifest_sealed``: the tag manifest itself matches the
    chain, so a difference means the tag file changed (else either may have)."""
    try:
        lines = (folder / TAGMANIFEST).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [(TAGMANIFEST, "tag file missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return [(TAGMANIFEST, f"cannot be read: {exc}")]
    changed = ("tag file changed (sha256 differs from the tag manifest sealed in the chain)" if manifest_sealed else
               f"sha256 differs from its line in {TAGMANIFEST}, which is not the one sealed in the chain: either was changed")
    out: list[tuple[str, str]] = []
    listed = {TAGMANIFEST}
    for line in lines:
        digest, _, name = line.strip().partition(" ")
        name = name.strip().lstrip("*")
        if not name:
            continue
        if not _inside(name):
            out.append((TAGMANIFEST, f"names a file outside the bag ({name!r})"))
            continue
        listed.add(PurePosixPath(name).parts[0])
        try:
            actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        except FileNotFoundError:
            out.append((name, "tag file missing"))
            continue
        except OSError as exc:
            out.append((name, f"tag file cannot be read: {exc.strerror or exc}"))
            continue
        if actual != digest.lower():
            out.append((name, changed))
    try:
        present = sorted(p.name for p in folder.iterdir())
    except OSError:
        present = []
    for name in present:
        if name != "data" and name not in listed:
            out.append((name, "file not in the tag manifest (added)"))
    return out


def bag_problems(folder: Path, *, manifest_sealed: bool = True) -> list[tuple[str, str]]:
    """(file, what) for everything wrong with the bag: its tag files, then what bagit's
    own validator finds (each file named, also where bagit stops at the first failed
    step); empty when it is whole."""
    tags = tag_problems(folder, manifest_sealed=manifest_sealed)
    named = {file for file, _ in tags}
    out = list(tags)
    for problem in _bagit_problems(folder):
        if problem not in out and (not problem[0] or problem[0] not in named):
            out.append(problem)
    return out


def _bagit_problems(folder: Path) -> list[tuple[str, str]]:
    try:
        bag = bagit.Bag(str(folder))
    except bagit.BagError as exc:
        return [("", f"not a valid bag: {exc}")]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [("", f"cannot read the bag: {exc}")]
    try:
        bag.validate(fast=False)
    except bagit.BagValidationError as exc:
        details = exc.details or []
        if details:
            return [_detail(d) for d in details]
        # a step before the per-file checks failed (structure, Payload-Oxum): name the
        # files as well, from bagit's own manifest reading
        return [("", str(exc.message)), *_payload_problems(bag)]
    except bagit.BagError as exc:
        return [("", f"not a valid bag: {exc}")]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [("", f"cannot read the bag: {exc}")]
    return []


def _detail(d: object) -> tuple[str, str]:
    if isinstance(d, bagit.ChecksumMismatch):
        return (str(d.path), f"checksum mismatch ({d.algorithm}: expected {d.expected[:12]}…, found {d.found[:12]}…)")
    if isinstance(d, bagit.FileMissing):
        return (str(d.path), "file missing")
    if isinstance(d, bagit.UnexpectedFile):
        return (str(d.path), "file not in the manifest (added)")
    return (str(getattr(d, "path", "")), str(d))


def _payload_problems(bag: bagit.Bag) -> list[tuple[str, str]]:
    """Missing, added and changed payload files, when bagit stopped before naming them."""
    try:
        missing, added = bag.compare_manifests_with_fs()
        entries = dict(bag.payload_entries())
    except (bagit.BagError, OSError, UnicodeDecodeError, ValueError):
        return []
    if not entries:
        return []  # no payload manifest: named as such, not as every file "added"
    out = [(str(p), "file missing") for p in sorted(missing)] + [(str(p), "file not in the manifest (added)") for p in sorted(added)]
    gone = set(missing)
    for name, hashes in sorted(entries.items()):
        expected = str(hashes.get("sha256", "")).lower()
        if name in gone or not expected:
            continue
        try:
            found = hashlib.sha256((Path(bag.path) / name).read_bytes()).hexdigest()
        except OSError:
            continue
        if found != expected:
            out.append((str(name), f"checksum mismatch (sha256: expected {expected[:12]}…, found {found[:12]}…)"))
    return out


def read_bag_info(folder: Path) -> dict[str, str]:
    try:
        info = bagit.Bag(str(folder)).info
    except (bagit.BagError, OSError, UnicodeDecodeError, ValueError):
        return {}
    return {str(k): str(v[0] if isinstance(v, list) else v) for k, v in info.items()}
