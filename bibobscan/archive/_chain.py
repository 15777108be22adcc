"""The archive's append-only hash chain (``chain.jsonl``).

One JSON object per line. Every entry holds the previous entry's ``hash`` (``prev``; the
first holds :data:`GENESIS`) and its own ``hash``: the sha256 of the canonical JSON of the
entry without ``hash`` (:func:`bibobscan.model.canonical_json`). A seal entry also holds
the bag's tag-manifest sha256, so a bag that is removed, replaced or edited, and an entry
that is edited, removed or reordered, no longer fits the chain.

The file is only ever replaced whole: written to a temporary file beside it, fsynced and
renamed (:func:`write_chain`), so a kill leaves the old chain or the new one, never half
a line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import canonical_json, sha256_hex
from ..report.files import write_bytes_atomic

CHAIN_FILE = "chain.jsonl"
GENESIS = "0" * 64
SEAL, TOMBSTONE = "seal", "tombstone"


def entry_hash(entry: dict[str, Any]) -> str:
    return sha256_hex(canonical_json({k: v for k, v in entry.items() if k != "hash"}))


def new_entry(chain: list[dict[str, Any]], fields: dict[str, Any]) -> dict[str, Any]:
    """The next entry after ``chain`` with ``fields``, linked and hashed."""
    entry = {**fields, "seq": len(chain) + 1, "prev": chain[-1]["hash"] if chain else GENESIS}
    entry["hash"] = entry_hash(entry)
    return entry


@dataclass(frozen=True, slots=True)
class ChainProblem:
    line: int
    what: str


def read_chain(path: Path) -> tuple[list[dict[str, Any]], list[ChainProblem]]:
    """The entries that parse, and a problem per line that does not or does not fit."""
    if not path.exists():
        return [], []
    entries: list[dict[str, Any]] = []
    problems: list[ChainProblem] = []
    try:
        lines = path.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        return [], [ChainProblem(0, f"{CHAIN_FILE} is not UTF-8 text (byte {exc.start}): edited or damaged")]
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except ValueError as exc:
            problems.append(ChainProblem(number, f"line {number} of {CHAIN_FILE} is not a chain entry ({exc})"))
            continue
        if not isinstance(entry, dict):
            problems.append(ChainProblem(number, f"line {number} of {CHAIN_FILE} is not a chain entry (not a JSON object)"))
            continue
        if entry.get("hash") != entry_hash(entry):
            problems.append(ChainProblem(number, f"entry {number} of {CHAIN_FILE} was changed: its hash does not match its content"))
        if entry.get("seq") != number:
            problems.append(ChainProblem(number, f"entry {number} of {CHAIN_FILE} has sequence number {entry.get('seq')!r}: entries were removed or reordered"))
        if entry.get("prev") != prev:
            problems.append(ChainProblem(number, f"entry {number} of {CHAIN_FILE} does not follow the entry before it (prev hash differs): entries were removed, reordered or replaced"))
        prev = str(entry.get("hash"))
        entries.append(entry)
    return entries, problems


def write_chain(path: Path, entries: list[dict[str, Any]]) -> None:
    data = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries).encode("utf-8")
    write_bytes_atomic(path, data)
