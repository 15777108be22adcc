"""Stop and resume a sector scan without refetching: a cache of fetched results, keyed
by request, in the output folder.

Every answer a source delivered (an address lookup, a Basisprofiel, an Overpass result,
a KOOP search ...) is appended as one JSON line to the cache file and flushed at once,
so a run that is interrupted (Ctrl-C, a crash, a lost connection) keeps everything it
already had. The next run with ``resume`` serves those requests from the file and only
asks the sources for the rest. Failures are never cached: a failed request is tried
again on the next run. ``resume=False`` starts from an empty cache.

Demo and live answers never mix:

- each mode has its own file, ``<out>/.bibobscan-cache/sector-demo.jsonl`` and
  ``sector-live.jsonl``;
- the first line of a file records the mode and the settings that shape the answers
  (the sources' endpoints, for the demo also the reference date). A file whose recorded
  mode or settings differ from this run's is refused (:class:`CacheMismatch`, a usage
  error: start again with ``--no-resume`` or another ``--out``), and so is a file with
  entries but no such record;
- live answers have a maximum age (``max_age``, default :data:`DEFAULT_MAX_AGE_DAYS`
  days): an older answer is fetched again. Recorded demo answers do not age.

A line is ``{"key": ..., "saved_at": ISO time, "value": ...}``; a line that is not JSON
(the process died while writing) is ignored. An entry whose value the caller cannot
decode is dropped with :meth:`Checkpoint.discard` and fetched again, instead of failing
every resume. The older single file ``sector.jsonl`` (no recorded mode) is never read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .._atomic import write_text
from ..errors import UsageError

CACHE_DIR = ".bibobscan-cache"
LEGACY_FILE = "sector.jsonl"  # before mode-keyed files: demo and live answers mixed
FORMAT = 2
MODES = ("demo", "live")
DEFAULT_MAX_AGE_DAYS = 7.0


def cache_file(mode: str) -> str:
    return f"sector-{mode}.jsonl"


class CacheMismatch(UsageError):
    """The cache in the output folder was written by another mode or with other settings."""


@dataclass(frozen=True, slots=True)
class Entry:
    value: Any
    saved_at: str


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _parse_time(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


class Checkpoint:
    """The request cache of one output folder and mode (``folder=None``: in memory only).

    ``settings`` are the answer-shaping settings recorded in (and compared with) the
    file's first line; ``max_age`` (live mode only; None: no limit) is how old a cached
    answer may be before it is fetched again."""

    def __init__(
        self,
        folder: Path | None,
        *,
        resume: bool = True,
        mode: str = "live",
        settings: Mapping[str, str] | None = None,
        max_age: timedelta | None = timedelta(days=DEFAULT_MAX_AGE_DAYS),
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"cache mode must be one of {MODES}, got {mode!r}")
        self.mode = mode
        self.settings = {str(k): str(v) for k, v in (settings or {}).items()}
        self.max_age = max_age if mode == "live" else None
        self._now = now
        self.path = folder / CACHE_DIR / cache_file(mode) if folder is not None else None
        self._entries: dict[str, Entry] = {}
        self.served = 0  # requests answered from the cache in this run
        self.stored = 0  # answers added in this run
        self.loaded = 0
        self.expired = 0  # cached answers too old to use: fetched again
        self.dropped = 0  # cached answers that could not be decoded: fetched again
        self.legacy_ignored = False
        self._oldest_served: str | None = None
        if self.path is None:
            return
        self.legacy_ignored = (self.path.parent / LEGACY_FILE).exists()
        if not resume and self.path.exists():
            self.path.unlink()
        if self.path.exists():
            self._load(self.path)
        if not self.path.exists():
            self._write_header()

    # --- the file ----------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        return {"format": FORMAT, "mode": self.mode, "settings": dict(self.settings)}

    def _write_header(self) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {"header": {**self.header(), "created_at": self._now().isoformat()}}
        write_text(self.path, json.dumps(record, ensure_ascii=False) + "\n")

    def _refuse(self, why: str) -> CacheMismatch:
        return CacheMismatch(
            f"the request cache {self.path} {why}; it is not used, so that answers of another kind "
            "never reach this report. Run again with --no-resume to start a new cache, or choose another --out."
        )

    def _check_header(self, found: Any) -> None:
        if not isinstance(found, dict):
            raise self._refuse("does not record the mode and settings it was written with")
        if found.get("format") != FORMAT:
            raise self._refuse(f"has cache format {found.get('format')!r}, this version writes {FORMAT}")
        if found.get("mode") != self.mode:
            raise self._refuse(f"was written by a {found.get('mode')} run, this is a {self.mode} run")
        recorded = found.get("settings")
        if not isinstance(recorded, dict):
            raise self._refuse("does not record the settings it was written with")
        recorded = {str(k): str(v) for k, v in recorded.items()}
        if recorded != self.settings:
            changed = sorted(k for k in set(recorded) | set(self.settings) if recorded.get(k) != self.settings.get(k))
            shown = "; ".join(f"{k}: {recorded.get(k, '—')} -> {self.settings.get(k, '—')}" for k in changed)
            raise self._refuse(f"was written with other settings ({shown})")

    def _load(self, path: Path) -> None:
        header: Any = None
        seen_header = False
        lines = 0
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a torn line from an interrupted write
                if not isinstance(record, dict):
                    continue
                lines += 1
                if "header" in record and not seen_header:
                    header, seen_header = record["header"], True
                    continue
                if isinstance(record.get("key"), str) and "value" in record:
                    self._entries[record["key"]] = Entry(record["value"], str(record.get("saved_at", "")))
        if lines == 0:
            path.unlink()  # nothing usable (a torn first write): start afresh
            self._entries.clear()
            return
        self._check_header(header if seen_header else None)
        self.loaded = len(self._entries)

    # --- use -----------------------------------------------------------------------------

    def _fresh(self, entry: Entry) -> bool:
        if self.max_age is None:
            return True
        if self.max_age <= timedelta(0):
            return False  # --cache-max-age 0: never reuse a live answer
        when = _parse_time(entry.saved_at)
        return when is not None and self._now() - when <= self.max_age

    def get(self, key: str) -> Entry | None:
        """The cached answer for ``key``, or None (also when it is older than ``max_age``:
        then it is counted as expired and fetched again). Call :meth:`served_one` once the
        caller has decoded it, or :meth:`discard` when it cannot."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if not self._fresh(entry):
            del self._entries[key]
            self.expired += 1
            return None
        return entry

    def served_one(self, key: str) -> None:
        self.served += 1
        saved = self._entries[key].saved_at if key in self._entries else ""
        if saved and (self._oldest_served is None or saved < self._oldest_served):
            self._oldest_served = saved

    def discard(self, key: str) -> None:
        """Forget an entry that could not be decoded; the caller fetches it again."""
        if self._entries.pop(key, None) is not None:
            self.dropped += 1

    def put(self, key: str, value: Any) -> None:
        saved_at = self._now().isoformat()
        self._entries[key] = Entry(value, saved_at)
        self.stored += 1
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"key": key, "saved_at": saved_at, "value": value}, ensure_ascii=False, default=str)
        # Appended, not replaced (one line per answer): a kill mid-line leaves a torn last
        # line, which _load skips; the header above is written atomically.
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()

    @property
    def oldest(self) -> str | None:
        """When the oldest answer used from the cache was saved (ISO), if any."""
        return self._oldest_served

    def summary(self) -> dict[str, Any]:
        return {
            # the file's name only: a report never shows a machine path (it lives in the
            # output folder, beside the report)
            "file": self.path.name if self.path else "",
            "mode": self.mode,
            "max_age_days": self.max_age.total_seconds() / 86400 if self.max_age is not None else None,
            "served_from_cache": self.served,
            "fetched_now": self.stored,
            "expired": self.expired,
            "dropped": self.dropped,
            "legacy_ignored": self.legacy_ignored,
            "oldest": self.oldest or "",
        }
