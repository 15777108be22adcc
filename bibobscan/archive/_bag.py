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


def tag_problems(folder: Path) -> list[tuple[str, str]]:
    """(file, what) for every tag file (manifest, bag-info.txt, bagit.txt) whose sha256
    differs from the tag manifest: bagit stops at the first incomplete payload, so a
    changed manifest is named here, not only by its effect."""
    try:
        lines = (folder / TAGMANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [(TAGMANIFEST, f"cannot be read: {exc}")]
    out = []
    for line in lines:
        digest, _, name = line.strip().partition(" ")
        name = name.strip().lstrip("*")
        if not name:
            continue
        try:
            actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        except OSError:
            out.append((name, "tag file missing"))
            continue
        if actual != digest:
            out.append((name, "tag file changed (sha256 differs from the tag manifest)"))
    return out


def bag_problems(folder: Path) -> list[tuple[str, str]]:
    """(file, what) for everything wrong with the bag: its tag files, then what bagit's
    own validator finds; empty when it is whole."""
    tags = tag_problems(folder)
    return tags + [p for p in _bagit_problems(folder) if p not in tags]


def _bagit_problems(folder: Path) -> list[tuple[str, str]]:
    try:
        bag = bagit.Bag(str(folder))
        bag.validate(fast=False)
    except bagit.BagValidationError as exc:
        details = exc.details or []
        if not details:
            return [("", str(exc.message))]
        out: list[tuple[str, str]] = []
        for d in details:
            if isinstance(d, bagit.ChecksumMismatch):
                out.append((str(d.path), f"checksum mismatch ({d.algorithm}: expected {d.expected[:12]}…, found {d.found[:12]}…)"))
            elif isinstance(d, bagit.FileMissing):
                out.append((str(d.path), "file missing"))
            elif isinstance(d, bagit.UnexpectedFile):
                out.append((str(d.path), "file not in the manifest (added)"))
            else:
                out.append((str(getattr(d, "path", "")), str(d)))
        return out
    except bagit.BagError as exc:
        return [("", f"not a valid bag: {exc}")]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [("", f"cannot read the bag: {exc}")]
    return []


def read_bag_info(folder: Path) -> dict[str, str]:
    try:
        info = bagit.Bag(str(folder)).info
    except (bagit.BagError, OSError, UnicodeDecodeError, ValueError):
        return {}
    return {str(k): str(v[0] if isinstance(v, list) else v) for k, v in info.items()}
