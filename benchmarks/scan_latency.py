"""How close a scan comes to its critical path when every source is slow (issue 12).

    python benchmarks/scan_latency.py [--runs 3] [--latency 1.0] [--slow news] [--slow-latency 3.0]

Not a test. The demo world answers behind a transport that waits before each answer:
``--latency`` seconds for every request of every source, ``--slow-latency`` for the
requests of the ``--slow`` source. Three scans run: the demo person, the demo company
with its KvK number, and the demo company by name only (then the sources that need a
KvK number wait for the register's answer: they depend on it).

Each request is recorded with its source (the benchmark wraps each collector's
``collect`` and reads it back from a context variable), its start and its end. The
**critical path** is the longest chain of dependent requests, summed by their injected
latencies: a request depends on an earlier request of the same source that had ended
before it started (a collector that asks its second question after the first answer),
and a request of a KvK-number source depends on every register request before it in a
scan by name. The figure printed is the scan's wall time (collection and scoring)
divided by that critical path; 1.0 is perfect overlap, target <= 1.1.

Limits of the measure: a chain inside one source counts as dependent even when the
collector could have asked both questions at once; the figure then says that the rest
of the scan waits for nothing else, not that the collector is as parallel as it could be.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bibobscan.collectors import Collector, load_collectors  # noqa: E402
from bibobscan.demo import COMPANY, PERSON, ReplayTransport, demo_case  # noqa: E402
from bibobscan.demo.wiring import wired  # noqa: E402
from bibobscan.model import Subject  # noqa: E402
from bibobscan.scan import ScanOptions, scan  # noqa: E402

SOURCE: contextvars.ContextVar[str] = contextvars.ContextVar("source", default="?")
TARGET = 1.1


@dataclass
class Call:
    source: str
    start: float
    end: float
    latency: float


class LatencyTransport(httpx.AsyncBaseTransport):
    """The demo world's answers, each after the latency of the source that asked."""

    def __init__(self, latency: float, slow: str, slow_latency: float) -> None:
        self.inner = ReplayTransport()
        self.latency, self.slow, self.slow_latency = latency, slow, slow_latency
        self.calls: list[Call] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        source = SOURCE.get()
        wait = self.slow_latency if source == self.slow else self.latency
        start = time.perf_counter()
        await asyncio.sleep(wait)
        response = await self.inner.handle_async_request(request)
        self.calls.append(Call(source, start, time.perf_counter(), wait))
        return response


def tagged(collectors: list[Collector]) -> list[Collector]:
    """The collectors, each setting SOURCE while it collects (for the transport)."""
    for collector in collectors:
        original = collector.collect

        async def collect(subject: Subject, ctx: Any, _original: Any = original, _id: str = collector.id) -> Any:
            SOURCE.set(_id)
            return await _original(subject, ctx)

        collector.collect = collect  # type: ignore[method-assign]
    return collectors


def critical_path(calls: list[Call], dependants: set[str], registers: set[str], by_name: bool) -> float:
    """The longest chain of dependent requests, in injected seconds."""
    ordered = sorted(calls, key=lambda c: c.start)
    longest: list[float] = []
    for i, call in enumerate(ordered):
        before = 0.0
        for j in range(i):
            earlier = ordered[j]
            same_source = earlier.source == call.source and earlier.end <= call.start
            after_register = by_name and call.source in dependants and earlier.source in registers and earlier.end <= call.start
            if same_source or after_register:
                before = max(before, longest[j])
        longest.append(before + call.latency)
    return max(longest, default=0.0)


async def one_scan(subject: Subject, case_id: str, args: argparse.Namespace) -> tuple[float, float, int, str]:
    collectors = tagged(load_collectors())
    dependants = {c.id for c in collectors if c.uses_kvk}
    registers = {c.id for c in collectors if c.gives_kvk}
    transport = LatencyTransport(args.latency, args.slow, args.slow_latency)
    options = wired(ScanOptions(), demo=True, config=None, transport=lambda: transport)
    options = replace(options, settings=replace(options.settings, source_timeout=max(60.0, options.settings.source_timeout)))
    start = time.perf_counter()
    report = await scan(subject, demo_case(case_id), collectors, options)
    wall = time.perf_counter() - start
    path = critical_path(transport.calls, dependants, registers, by_name=subject.kvk is None)
    failed = [r.source for r in report.sources if r.incomplete]
    return wall, path, len(transport.calls), ", ".join(failed) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--slow", default="news")
    parser.add_argument("--slow-latency", type=float, default=3.0)
    args = parser.parse_args()
    subjects = [("person", PERSON, "DEMO-2026-001"), ("company with KvK number", COMPANY, "DEMO-2026-002"),
                ("company by name (register first)", replace(COMPANY, kvk=None), "DEMO-2026-002")]
    print(f"every source {args.latency:g} s per request, {args.slow} {args.slow_latency:g} s; {args.runs} runs each")
    ratios: list[float] = []
    for label, subject, case_id in subjects:
        figures = [asyncio.run(one_scan(subject, case_id, args)) for _ in range(args.runs)]
        for wall, path, requests, failed in figures:
            ratios.append(wall / path)
            print(f"  {label:34} wall {wall:6.2f} s  critical path {path:5.2f} s  ratio {wall / path:5.3f}  "
                  f"({requests} requests; not complete: {failed})")
    worst, median = max(ratios), statistics.median(ratios)
    print(f"ratio median {median:.3f}, worst {worst:.3f}; target <= {TARGET}: {'met' if worst <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
