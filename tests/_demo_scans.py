"""Demo scans made once per test session (the demo world runs offline), handed out as
fresh copies: a Report and its raw responses, as a scan would record them."""

from __future__ import annotations

import asyncio
import functools
import json
from dataclasses import replace

from bibobscan.collectors import load_collectors
from bibobscan.demo import COMPANY, PERSON, demo_case, wired
from bibobscan.http import BodyRecorder, RawBody
from bibobscan.model import Case, Report, Subject
from bibobscan.report.integrity import sealed
from bibobscan.report.store import report_from_dict
from bibobscan.scan import ScanOptions, scan


@functools.cache
def _scan(which: str) -> tuple[str, tuple[RawBody, ...]]:
    subject = PERSON if which == "person" else COMPANY
    case = demo_case("T-" + which)
    recorder = BodyRecorder()
    options = wired(ScanOptions(recorder=recorder), demo=True, config=None)
    report = asyncio.run(scan(replace(subject), case, load_collectors(), options))
    return json.dumps(sealed(report.to_dict())), tuple(recorder.bodies.values())


def demo_scan(which: str = "person", case: Case | None = None) -> tuple[Report, list[RawBody]]:
    """A fresh copy of the demo scan of the person (or "company"), for ``case``."""
    text, bodies = _scan(which)
    report = report_from_dict(json.loads(text))
    if case is not None:
        report.case = case
    return report, list(bodies)


def demo_subject(which: str = "person") -> Subject:
    return replace(PERSON if which == "person" else COMPANY)
