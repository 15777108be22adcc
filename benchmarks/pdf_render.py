"""PDF/A rendering time: the demo person report, and sector reports of growing size
(the demo's 35 establishments repeated). Prints seconds and pages per case.

    python benchmarks/pdf_render.py [--sizes 35,350,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import time
from dataclasses import replace

import pikepdf

from bibobscan.collectors import load_collectors
from bibobscan.demo import (
    COMPANY,
    PERSON,
    REFERENCE_DATE,
    ReplayTransport,
    demo_case,
    demo_settings,
)
from bibobscan.http import without_waits
from bibobscan.report.pdf import render_pdf, render_sector_pdf
from bibobscan.scan import ScanOptions, scan
from bibobscan.sector import SectorOptions, build_definition, run_sector


def _pages(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _timed(label: str, render: object) -> None:
    start = time.perf_counter()
    pdf = render()  # type: ignore[operator]
    print(f"{label:<40} {time.perf_counter() - start:6.2f} s  {_pages(pdf):4d} pages  {len(pdf) / 1e6:5.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="35,350", help="sector report sizes (establishments), comma-separated")
    args = parser.parse_args()
    settings = demo_settings()
    settings = replace(settings, http=without_waits(settings.http))
    options = ScanOptions(settings=settings, transport=ReplayTransport(), environ={}, reference_date=REFERENCE_DATE, demo=True)
    for subject, case in ((PERSON, demo_case("DEMO-2026-001")), (COMPANY, demo_case("DEMO-2026-002"))):
        report = asyncio.run(scan(subject, case, load_collectors(), options))
        _timed(f"{subject.kind.value} report ({subject.name})", lambda r=report: render_pdf(r))
    sector = asyncio.run(run_sector(build_definition("kappers", "Tilburg"), SectorOptions(
        settings=settings, transport=ReplayTransport(), environ={}, reference_date=REFERENCE_DATE, demo=True)))
    base = sector.establishments
    for size in (int(s) for s in args.sizes.split(",")):
        grown = dataclasses.replace(sector, establishments=[dataclasses.replace(base[i % len(base)], rank=i + 1) for i in range(size)])
        _timed(f"sector report, {size} establishments", lambda r=grown: render_sector_pdf(r))


if __name__ == "__main__":
    main()
