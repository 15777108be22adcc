"""Scans started from the workspace run in worker threads, not in the request: a
browser closed mid-scan does not stop them, and the case shows the result when they
are done. Each job keeps its live progress per source in memory for the progress page
and its JSON; what counts (the scan, the report version) is recorded in the case store
by :func:`bibobscan.dossier.scanning.scan_into_case`. A job still running when the
server stops is lost (the case then shows no new scan), which the page says."""

from __future__ import annotations

import secrets
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import BibobscanError
from ..model import SourceRun

QUEUED, RUNNING, DONE, FAILED = "in de wachtrij", "bezig", "klaar", "mislukt"


@dataclass
class SourceProgress:
    source: str
    title: str
    status: str = "bezig"  # a SourceStatus value once the source has ended
    hits: int = 0
    duration_ms: int = 0
    note: str = ""
    ended: bool = False


@dataclass
class Job:
    id: str
    case_id: str
    kind: str  # "scan" or "batch"
    started_by: str
    team: str
    created: float = field(default_factory=time.time)
    state: str = QUEUED
    sources: dict[str, SourceProgress] = field(default_factory=dict)
    error: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    done: int = 0  # for a batch: cases done of total
    total: int = 0
    first_event: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def expect(self, sources: list[tuple[str, str]]) -> None:
        """The sources this scan will ask (id, title), shown as busy until they end."""
        with self.lock:
            for source, title in sources:
                self.sources.setdefault(source, SourceProgress(source, title))

    def on_source(self, run: SourceRun) -> None:
        """The scan's progress callback: a source has ended (with its status)."""
        with self.lock:
            if self.first_event is None:
                self.first_event = time.time()
            entry = self.sources.setdefault(run.source, SourceProgress(run.source, run.title or run.source))
            entry.status = run.status.value
            entry.hits = run.hits
            entry.duration_ms = run.duration_ms
            entry.note = (run.error or "")[:300]
            entry.ended = True

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "id": self.id, "case_id": self.case_id, "kind": self.kind, "state": self.state, "error": self.error,
                "created": self.created, "started_by": self.started_by,
                "done": self.done, "total": self.total, "result": dict(self.result),
                "sources": [{**vars(s), "status_label": _label(s.status) if s.ended else "bezig"} for s in self.sources.values()],
            }


class Jobs:
    """A bounded pool of worker threads for scans (``workers`` at once; the rest wait)."""

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bibobscan-scan")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, job_kind: str, case_id: str, *, started_by: str, team: str, work: Callable[[Job], dict[str, Any]]) -> Job:
        job = Job(secrets.token_urlsafe(12), case_id, job_kind, started_by, team)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], dict[str, Any]]) -> None:
        with job.lock:
            job.state = RUNNING
        try:
            result = work(job)
        except BibobscanError as exc:
            with job.lock:
                job.state, job.error = FAILED, str(exc)
            return
        except Exception as exc:  # a worker never dies silently: the job says what went wrong
            traceback.print_exc()
            with job.lock:
                job.state, job.error = FAILED, f"onverwachte fout: {type(exc).__name__}: {exc}"
            return
        with job.lock:
            job.state, job.result = DONE, result

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def for_case(self, case_id: str) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs.values() if j.case_id == case_id]

    def of_kind(self, kind: str) -> list[Job]:
        """The jobs of one kind still kept (running, or ended in the last hours)."""
        with self._lock:
            return [j for j in self._jobs.values() if j.kind == kind]

    def running(self) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs.values() if j.state in (QUEUED, RUNNING)]

    def _forget_old(self, keep_s: float = 6 * 3600) -> None:
        cutoff = time.time() - keep_s
        for key in [k for k, j in self._jobs.items() if j.created < cutoff and j.state in (DONE, FAILED)]:
            del self._jobs[key]

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=False)


def _label(status: str) -> str:
    from ..model import SourceStatus
    from ..report import STATUS_LABELS

    try:
        return STATUS_LABELS.get(SourceStatus(status), status)
    except ValueError:
        return status
