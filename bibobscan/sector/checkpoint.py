"""Stop and resume a sector scan without refetching: a cache of fetched results, keyed
by request, in the output folder.

Every answer a source delivered (an address lookup, a Basisprofiel, an Overpass result,
a KOOP search ...) is appended as one JSON line to ``<out>/.bibobscan-cache/sector.jsonl``
and flushed at once, so a run that is interrupted (Ctrl-C, a crash, a lost connection)
keeps everything it already had. The next run with ``resume`` serves those requests from
the file and only asks the sources for the rest. Failures are never cached: a failed
request is tried again on the next run. ``resume=False`` starts from an empty cache.

A line is ``{"key": ..., "saved_at": ISO time, "value": ...}``; a torn last line (the
process died while writing) is ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

CACHE_DIR = ".bibobscan-cache"
CACHE_FILE = "sector.jsonl"


@dataclass(frozen=True, slots=True)
class Entry:
    value: Any
    saved_at: str


class Checkpoint:
    """The request cache of one output folder (``folder=None``: in memory only)."""

    def __init__(self, folder: Path | None, *, resume: bool = True) -> None:
        self.path = folder / CACHE_DIR / CACHE_FILE if folder is not None else None
        self._entries: dict[str, Entry] = {}
        self.served = 0  # requests answered from the cache in this run
        self.stored = 0  # answers added in this run
        self.loaded = 0
        if self.path is None:
            return
        if not resume and self.path.exists():
            self.path.unlink()
        if self.path.exists():
            self._load(self.path)

    def _load(self, path: Path) -> None:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a torn line from an interrupted write
                if isinstance(record, dict) and isinstance(record.get("key"), str) and "value" in record:
                    self._entries[record["key"]] = Entry(record["value"], str(record.get("saved_at", "")))
        self.loaded = len(self._entries)

    def get(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self.served += 1
        return entry

    def put(self, key: str, value: Any) -> None:
        saved_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        self._entries[key] = Entry(value, saved_at)
        self.stored += 1
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"key": key, "saved_at": saved_at, "value": value}, ensure_ascii=False, default=str)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()

    @property
    def oldest(self) -> str | None:
        """When the oldest answer used from the cache was saved (ISO), if any."""
        dates = [e.saved_at for e in self._entries.values() if e.saved_at]
        return min(dates) if dates and self.served else None

    def summary(self) -> dict[str, Any]:
        return {
            "file": str(self.path) if self.path else "",
            "served_from_cache": self.served,
            "fetched_now": self.stored,
            "oldest": self.oldest or "",
        }
