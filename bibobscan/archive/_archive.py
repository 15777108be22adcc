"""The archive folder: sealed bags, the hash chain, recovery after a crash.

Layout::

    ARCHIVE/
      bags/<name>/        one BagIt bag per sealed report version
      chain.jsonl         the hash chain (see _chain.py)
      .staging/<name>/    a bag being made (never counted)
      .lock               writers take an exclusive lock on it (flock)

Sealing, with the commit point in the middle:

1. the bag is made and fsynced in ``.staging/``;
2. the chain entry (with the bag's tag-manifest sha256) is written: the chain file is
   replaced whole, atomically — **the commit**;
3. the bag is renamed into ``bags/``.

A kill before 2 leaves a staging bag that no entry names: the next opening removes it
(rolled back). A kill between 2 and 3 leaves a staging bag that its entry names: the next
opening moves it into place (rolled forward), after checking its tag manifest against
the entry. So after any kill the archive holds either no trace of the sealing or the
whole bag with its entry; never a bag that verifies but is incomplete, never a broken
chain. A full disk fails in step 1 or 2 and leaves the archive as it was. Destruction
commits the tombstone first and then removes the bag, rolled forward the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import ArchiveError
from ..model import utcnow
from ..report.files import fsync_dir
from ._bag import (
    BagInfo,
    bag_problems,
    make_bag,
    payload_oxum,
    read_bag_info,
    safe_name,
    tagmanifest_sha256,
)
from ._chain import CHAIN_FILE, SEAL, TOMBSTONE, new_entry, read_chain, write_chain

BAGS, STAGING, LOCK = "bags", ".staging", ".lock"
# Adds a trusted timestamp to an entry: digest (bytes) -> JSON-ready token record.
Timestamper = Callable[[bytes], dict[str, Any]]
# Checks a stored timestamp record against the digest; raises on a mismatch.
TimestampCheck = Callable[[dict[str, Any], bytes], None]


@dataclass(frozen=True, slots=True)
class SealedBag:
    name: str
    path: Path
    entry: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    bag: str  # "" for the chain itself
    file: str  # "" when it concerns the whole bag or a chain line
    what: str

    def __str__(self) -> str:
        where = " / ".join(x for x in (f"bag {self.bag}" if self.bag else CHAIN_FILE, self.file) if x)
        return f"{where}: {self.what}"


@dataclass(slots=True)
class VerifyResult:
    bags: int = 0  # sealed bags checked
    destroyed: int = 0
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # what recovery finished or rolled back

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class BagSummary:
    name: str
    case_id: str
    report_version: int
    subject: str
    sealed_at: str
    sealed_by: str
    retention_until: date | None
    destroyed_at: str | None

    def expired(self, today: date) -> bool:
        return self.retention_until is not None and self.retention_until < today and self.destroyed_at is None


class Archive:
    """An archive folder (see the module docstring). ``timestamper`` (optional) adds an
    RFC 3161 token to every seal entry; ``timestamp_check`` verifies stored ones (by
    default the token's message imprint and signature, without a pinned TSA certificate:
    :func:`bibobscan.archive.timestamps.checker`)."""

    def __init__(self, path: Path, *, timestamper: Timestamper | None = None, timestamp_check: TimestampCheck | None = None) -> None:
        self.path = path
        self.timestamper = timestamper
        if timestamp_check is None:
            from .timestamps import checker  # imports this module: only at call time

            timestamp_check = checker()
        self.timestamp_check = timestamp_check

    @property
    def chain_path(self) -> Path:
        return self.path / CHAIN_FILE

    def exists(self) -> bool:
        return self.chain_path.exists() or (self.path / BAGS).is_dir()

    # --- locking and recovery ---------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, *, create: bool) -> Iterator[None]:
        if create:
            try:
                for folder in (self.path, self.path / BAGS, self.path / STAGING):
                    folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"cannot create the archive {self.path}: {exc.strerror or exc}") from exc
        elif not self.path.is_dir():
            raise ArchiveError(f"{self.path} is not an archive folder (it does not exist)")
        try:
            fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiveError(f"cannot lock the archive {self.path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _recover(self) -> list[str]:
        """Finish or undo what a killed sealing or destruction left (under the lock)."""
        done: list[str] = []
        entries, _ = read_chain(self.chain_path)
        sealed = {e.get("bag"): e for e in entries if e.get("type") == SEAL}
        destroyed = {e.get("bag") for e in entries if e.get("type") == TOMBSTONE}
        staging = self.path / STAGING
        for folder in sorted(staging.iterdir()) if staging.is_dir() else []:
            entry = sealed.get(folder.name)
            final = self.path / BAGS / folder.name
            if entry is not None and not final.exists() and folder.name not in destroyed and _tagmanifest(folder) == entry.get("tagmanifest_sha256"):
                os.replace(folder, final)
                fsync_dir(final.parent)
                fsync_dir(staging)
                done.append(f"sealing of {folder.name} was interrupted after its chain entry: moved into place")
            else:
                shutil.rmtree(folder, ignore_errors=True)
                fsync_dir(staging)
                done.append(f"sealing of {folder.name} was interrupted before its chain entry: the partial bag was removed")
        for name in destroyed:
            bag = self.path / BAGS / str(name)
            if bag.exists():
                shutil.rmtree(bag)
                fsync_dir(bag.parent)
                done.append(f"destruction of {name} was interrupted after its tombstone: the bag was removed")
        for stray in self.path.glob(f".{CHAIN_FILE}.*.tmp"):
            stray.unlink(missing_ok=True)
        return done

    # --- sealing --------------------------------------------------------------------------

    def put(self, payload: Mapping[str, bytes], info: BagInfo, *, by: str) -> SealedBag:
        """Seal one report version; the bag's path and chain entry."""
        with self._locked(create=True):
            self._recover()
            entries, problems = read_chain(self.chain_path)
            if problems:
                raise ArchiveError(f"the chain of {self.path} is damaged; not sealing into it ({problems[0].what}); run `bibobscan archive verify`")
            taken = {str(e.get("bag")) for e in entries} | {p.name for p in (self.path / BAGS).iterdir()}
            base = f"{safe_name(info.case_id)}-v{info.report_version}"
            name = base
            serial = 1
            while name in taken:
                serial += 1
                name = f"{base}-{serial}"
            staging = self.path / STAGING / name
            try:
                staging.mkdir()
                make_bag(staging, payload, info)
                manifest_hash = tagmanifest_sha256(staging)
                fields: dict[str, Any] = {
                    "type": SEAL, "bag": name, "case_id": info.case_id, "report_version": info.report_version,
                    "file_version": info.file_version, "subject": info.subject, "tagmanifest_sha256": manifest_hash,
                    "payload_oxum": payload_oxum(staging), "report_digest": info.report_digest,
                    "retention_until": info.retention_until.isoformat() if info.retention_until else None,
                    "sealed_at": info.sealed_at.isoformat(), "sealed_by": by, "raw_bodies": info.raw_bodies, "demo": info.demo,
                }
                if self.timestamper is not None:
                    fields["timestamp"] = self.timestamper(bytes.fromhex(manifest_hash))
                entry = new_entry(entries, fields)
                write_chain(self.chain_path, [*entries, entry])  # the commit point
            except OSError as exc:
                self._abandon(staging, name)
                raise ArchiveError(f"sealing into {self.path} failed, the archive is as it was: {exc.strerror or exc}") from exc
            except BaseException:
                self._abandon(staging, name)
                raise
            final = self.path / BAGS / name
            os.replace(staging, final)
            fsync_dir(final.parent)
            fsync_dir(staging.parent)
            return SealedBag(name, final, entry)

    def _abandon(self, staging: Path, name: str) -> None:
        """Undo a sealing that failed before its commit. An interruption (a signal raised
        as an exception) can also land just after the chain was replaced: then the entry
        stands and the bag stays in staging, to be moved into place by the next opening."""
        try:
            entries, _ = read_chain(self.chain_path)
        except OSError:
            return  # cannot tell: the next opening decides (it checks the chain)
        if any(e.get("type") == SEAL and e.get("bag") == name for e in entries):
            return
        shutil.rmtree(staging, ignore_errors=True)
        fsync_dir(staging.parent)

    # --- checking -------------------------------------------------------------------------

    def verify(self) -> VerifyResult:
        """Check every bag and the chain; every problem named (bag, file, what)."""
        result = VerifyResult()
        if not self.path.is_dir():
            raise ArchiveError(f"{self.path} is not an archive folder (it does not exist)")
        if not self.exists():
            raise ArchiveError(f"{self.path} is not an archive: it has no {CHAIN_FILE} and no {BAGS}/ folder")
        with self._locked(create=False):
            result.recovered = self._recover()
            entries, chain_problems = read_chain(self.chain_path)
            result.entries = len(entries)
            result.problems.extend(Problem("", "", p.what) for p in chain_problems)
            seals: dict[str, dict[str, Any]] = {}
            for e in entries:
                if e.get("type") == SEAL:
                    seals[str(e.get("bag"))] = e
            tombstones = {str(e.get("bag")): e for e in entries if e.get("type") == TOMBSTONE}
            for name, t in tombstones.items():
                seal = seals.get(name)
                if seal is None or t.get("seal_hash") != seal.get("hash"):
                    result.problems.append(Problem(name, "", "tombstone without the seal entry it records the destruction of"))
            present = {p.name for p in (self.path / BAGS).iterdir()} if (self.path / BAGS).is_dir() else set()
            for name, seal in seals.items():
                folder = self.path / BAGS / name
                if name in tombstones:
                    result.destroyed += 1
                    continue
                result.bags += 1
                if name not in present:
                    result.problems.append(Problem(name, "", "bag is missing (sealed in the chain, not destroyed)"))
                    continue
                actual = _tagmanifest(folder)
                sealed_manifest = actual == seal.get("tagmanifest_sha256")
                for file, what in bag_problems(folder, manifest_sealed=sealed_manifest):
                    result.problems.append(Problem(name, file, what))
                if actual is not None and not sealed_manifest:
                    result.problems.append(Problem(name, "tagmanifest-sha256.txt", "does not match the hash in the chain: the bag was replaced or its tag files rewritten"))
                elif (folder / "data").is_dir() and payload_oxum(folder) != seal.get("payload_oxum"):
                    result.problems.append(Problem(name, "data/", f"payload size/count {payload_oxum(folder)} differs from the chain's {seal.get('payload_oxum')}"))
                if "timestamp" in seal and self.timestamp_check is not None and actual:
                    try:
                        self.timestamp_check(seal["timestamp"], bytes.fromhex(str(seal.get("tagmanifest_sha256"))))
                    except Exception as exc:
                        result.problems.append(Problem(name, "", f"timestamp token does not verify: {exc}"))
            for name in sorted(present - set(seals)):
                result.problems.append(Problem(name, "", "bag is not in the chain (added, or renamed)"))
            return result

    def bags(self, *, expired: bool = False, today: date | None = None) -> list[BagSummary]:
        today = today or utcnow().date()
        entries, _ = read_chain(self.chain_path)
        tombstones = {str(e.get("bag")): e for e in entries if e.get("type") == TOMBSTONE}
        out = []
        for e in entries:
            if e.get("type") != SEAL:
                continue
            name = str(e.get("bag"))
            retention = e.get("retention_until")
            summary = BagSummary(
                name=name, case_id=str(e.get("case_id")), report_version=int(e.get("report_version") or 0),
                subject=str(e.get("subject") or read_bag_info(self.path / BAGS / name).get("Bibob-Subject", "")),
                sealed_at=str(e.get("sealed_at")), sealed_by=str(e.get("sealed_by")),
                retention_until=date.fromisoformat(retention) if retention else None,
                destroyed_at=str(tombstones[name].get("destroyed_at")) if name in tombstones else None,
            )
            if not expired or summary.expired(today):
                out.append(summary)
        return out

    # --- destruction ----------------------------------------------------------------------

    def purge(self, *, by: str, reason: str, today: date | None = None, only: set[str] | None = None) -> list[dict[str, Any]]:
        """Destroy the bags whose retention has ended (``only``: those of these names) and
        leave a tombstone per bag in the chain. A bag whose retention has not ended is
        refused."""
        today = today or utcnow().date()
        if not reason.strip():
            raise ArchiveError("a destruction needs a reason (Archiefwet): give --reason")
        with self._locked(create=False):
            self._recover()
            entries, problems = read_chain(self.chain_path)
            if problems:
                raise ArchiveError(f"the chain of {self.path} is damaged; not destroying anything ({problems[0].what})")
            summaries = {s.name: s for s in self.bags(today=today)}
            if only is not None:
                for name in only:
                    s = summaries.get(name)
                    if s is None:
                        raise ArchiveError(f"no bag {name!r} in {self.path}")
                    if not s.expired(today):
                        raise ArchiveError(f"bag {name} is kept until {s.retention_until}; it cannot be destroyed before its retention ends")
            targets = [s for s in summaries.values() if s.expired(today) and (only is None or s.name in only)]
            seals = {str(e.get("bag")): e for e in entries if e.get("type") == SEAL}
            tombstones: list[dict[str, Any]] = []
            now = utcnow()
            for s in targets:
                seal = seals[s.name]
                tombstone = new_entry([*entries, *tombstones], {
                    "type": TOMBSTONE, "bag": s.name, "case_id": s.case_id, "report_version": s.report_version,
                    "destroyed_at": now.isoformat(), "destroyed_by": by, "reason": " ".join(reason.split()),
                    "retention_until": s.retention_until.isoformat() if s.retention_until else None,
                    "seal_seq": seal.get("seq"), "seal_hash": seal.get("hash"),
                })
                tombstones.append(tombstone)
            if tombstones:
                write_chain(self.chain_path, [*entries, *tombstones])  # the commit point
                for t in tombstones:
                    bag = self.path / BAGS / str(t["bag"])
                    if bag.exists():
                        shutil.rmtree(bag)
                fsync_dir(self.path / BAGS)
            return tombstones


def _tagmanifest(folder: Path) -> str | None:
    try:
        return tagmanifest_sha256(folder)
    except OSError:
        return None

