"""Sector scan at scale (issue 5): 50,000 synthetic establishments through the indicator
files and the ranking, and how parallel the collection runs against each source's limit.

    python benchmarks/sector_scale.py [--n 50000] [--seed 5] [--skip-collection]

Not a test. Part 1 builds a synthetic establishment frame (the columns of
bibobscan/sector/frame.py: a country-sized spread with 300 planted clusters, KvK
registrations, SBI codes, a few published closures, some lookups failed) and times the
offline half of the sector scan: signals with pandas (clusters included), every
``applies_to: [sector]`` establishment indicator of the shipped indicator files with
the standard profile, the ranking, the explained rows (IndicatorHit + sentence per hit)
and the CSV/XLSX/HTML table rows. Target: under 5 seconds.

Part 2 runs the real collection pipeline (bibobscan.sector.discover) on the demo world
behind a fake transport that adds latency per host (Overpass 3 s, CBS 0.5 s, KvK 0.25 s,
KOOP 1 s) and records how many requests are in flight per host. With the production
host policies of bibobscan/http.py, the peak per host should equal the policy's
``max_concurrency`` (or be limited by its ``min_interval``: at most latency/interval + 1
requests can overlap), i.e. collection runs as many requests in parallel as each
source allows and no more. This part takes about 20 s: KOOP allows one request per
0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bibobscan.demo import REFERENCE_DATE, ReplayTransport, demo_settings  # noqa: E402
from bibobscan.http import DEFAULT_HOST_POLICIES  # noqa: E402
from bibobscan.report.sector import table_rows  # noqa: E402
from bibobscan.resources import default_profile, indicators_dir  # noqa: E402
from bibobscan.rules import load_indicators, load_profile  # noqa: E402
from bibobscan.sector import SectorOptions, build_definition  # noqa: E402
from bibobscan.sector.checkpoint import Checkpoint  # noqa: E402
from bibobscan.sector.frame import COLUMNS  # noqa: E402
from bibobscan.sector.model import RankedEstablishment, SectorReport  # noqa: E402
from bibobscan.sector.rank import rank_tables, ranked_rows  # noqa: E402
from bibobscan.sector.run import collect_sector  # noqa: E402
from bibobscan.sector.scoring import sector_indicators  # noqa: E402
from bibobscan.sector.signals import establishment_signals  # noqa: E402

REFERENCE = date(2026, 11, 20)


def synthetic_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    py = random.Random(seed)
    lat = rng.uniform(51.2, 53.2, n)
    lon = rng.uniform(4.0, 6.8, n)
    clustered = rng.random(n) < 0.1  # 10 % in 300 clusters of ~300 m
    centres = rng.integers(0, 300, n)
    c_lat, c_lon = rng.uniform(51.4, 53.0, 300), rng.uniform(4.3, 6.5, 300)
    lat = np.where(clustered, c_lat[centres] + rng.normal(0, 0.0012, n), lat)
    lon = np.where(clustered, c_lon[centres] + rng.normal(0, 0.0018, n), lon)
    lat[rng.random(n) < 0.01] = np.nan  # some objects without coordinates
    streets = np.array([f"Straat{i}" for i in range(6000)], dtype=object)
    street = np.where(clustered, np.array([f"Clusterstraat{c}" for c in centres], dtype=object), streets[rng.integers(0, 6000, n)])
    city = np.array([f"Plaats{i}" for i in range(300)], dtype=object)[np.where(clustered, centres, rng.integers(0, 300, n))]
    address_ok = rng.random(n) < 0.95
    profile_ok = address_ok & (rng.random(n) < 0.93)
    registered = [REFERENCE - timedelta(days=int(d)) for d in rng.gamma(1.2, 2200, n)]
    age = np.array([(REFERENCE - d).days for d in registered], dtype=float)
    codes = rng.choice(np.array(["96210", "96210", "96210", "9602", "64210", "47750"], dtype=object), n)
    sbi = [[{"code": c, "version": "2008" if len(c) == 4 else "2025", "main": True, "description": "Kappers", "in_sector": c in ("96210", "9602")}] for c in codes]
    for i in np.flatnonzero(rng.random(n) < 0.2):
        sbi[i].append({"code": "47750", "version": "2025", "main": False, "description": "Cosmetica", "in_sector": False})
    pubs: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    for i in np.flatnonzero(rng.random(n) < 0.005):
        pubs[i] = [{"kind": py.choice(["closure", "mention", "permit_revoked"]), "identifier": f"gmb-2026-{i}", "title": "Besluit tot sluiting", "date": "2026-06-01", "creator": "Gemeente", "evidence": f"koop-{i}"}]
    ended = rng.geometric(0.55, n) - 1
    active = np.where(rng.random(n) < 0.9, 1, rng.integers(2, 40, n))
    frame = pd.DataFrame({
        "id": [f"e{i}" for i in range(n)], "name": [f"Kapsalon {i}" for i in range(n)], "street": street,
        "house_number": rng.integers(1, 200, n).astype(str), "postcode": ["5038ZK"] * n, "city": city,
        "address": [f"{s} {h}" for s, h in zip(street, rng.integers(1, 200, n))], "lat": lat, "lon": lon,
        "matched_on": ["tags"] * n, "sources": [f"OSM node/{i}; KvK {10000000 + i}" for i in range(n)],
        "osm_evidence": [(f"osm-{i}",) for i in range(n)], "address_ok": address_ok,
        "registrations_active": np.where(address_ok, active, np.nan), "registrations_ended": np.where(address_ok, ended, np.nan),
        "registrations_total": np.where(address_ok, active + ended, np.nan),
        "address_evidence": [f"kvk-a{i}" for i in range(n)], "kvk": [str(10000000 + i) for i in range(n)],
        "kvk_name": [f"Kapsalon {i}" for i in range(n)], "match_note": [""] * n, "profile_ok": profile_ok,
        "profile_evidence": [f"kvk-p{i}" for i in range(n)],
        "registered_on": [d.isoformat() if ok else "" for d, ok in zip(registered, profile_ok)],
        "age_days": np.where(profile_ok, age, np.nan), "legal_form": ["Eenmanszaak"] * n, "sbi": sbi,
        "sbi_main": [f"{c} Kappers" for c in codes], "publications_ok": rng.random(n) < 0.97, "publications": pubs,
        "notes": [""] * n,
    }, columns=list(COLUMNS))
    return frame


def part1(n: int, seed: int) -> float:
    t0 = time.perf_counter()
    frame = synthetic_frame(n, seed)
    t_gen = time.perf_counter() - t0
    indicators, area = sector_indicators(load_indicators(indicators_dir()))
    profile = load_profile(default_profile())
    timings: dict[str, float] = {}
    start = time.perf_counter()
    t = time.perf_counter()
    tables = establishment_signals(frame)
    timings["signals (pandas, clusters within 250 m)"] = time.perf_counter() - t
    t = time.perf_counter()
    ranking = rank_tables(tables, frame["name"].tolist(), indicators, profile)
    timings[f"{len(indicators)} indicators + assessment + order"] = time.perf_counter() - t
    t = time.perf_counter()
    rows = ranked_rows(frame, ranking, profile)
    timings["explained rows (hits with sentences)"] = time.perf_counter() - t
    t = time.perf_counter()
    report = _shell(rows)
    table = table_rows(report)
    timings["table rows (HTML/CSV/XLSX)"] = time.perf_counter() - t
    total = time.perf_counter() - start
    signals = sum(len(v) for v in tables.by_type.values())
    hits = sum(len(r.hits) for r in rows)
    print(f"Part 1 — {n:,} synthetic establishments (generated in {t_gen:.2f} s, not counted)")
    print(f"  signals: {signals:,}; indicator hits: {hits:,}; establishments with points: {sum(1 for r in rows if r.points):,}")
    for label, secs in timings.items():
        print(f"  {label:<45} {secs:6.2f} s")
    verdict = "met" if total < 5 else "NOT met"
    print(f"  {'total (signals -> ranked, explained table)':<45} {total:6.2f} s   target < 5 s: {verdict}")
    print("  top 3: " + "; ".join(f"{r.rank}. {r.name} {r.points:g}" for r in rows[:3]) + f"; table rows: {len(table):,}")
    return total


def _shell(rows: list[RankedEstablishment]) -> SectorReport:
    from bibobscan.model import Assessment, Subject, SubjectKind, utcnow

    return SectorReport(
        subject=Subject(kind=SubjectKind.SECTOR, name="synthetisch"), preset=None, label="synthetisch", sources=[],
        evidence=[], establishments=rows, area_signals=[], area_hits=[], area_assessment=Assessment(0, "geen", "geen"),
        indicator_set={}, generated_at=utcnow(), tool_version="bench", reference_date=REFERENCE,
    )


class LatencyTransport(httpx.AsyncBaseTransport):
    """The demo world with latency per host; records requests in flight per host."""

    LATENCY = {"overpass-api.de": 3.0, "opendata.cbs.nl": 0.5, "api.kvk.nl": 0.25, "repository.overheid.nl": 1.0}

    def __init__(self) -> None:
        self.inner = ReplayTransport()
        self.in_flight: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)
        self.count: dict[str, int] = defaultdict(int)
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        now = time.perf_counter()
        self.first.setdefault(host, now)
        self.count[host] += 1
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])
        try:
            await asyncio.sleep(self.LATENCY.get(host, 0.1))
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight[host] -= 1
            self.last[host] = time.perf_counter()


def part2() -> None:
    transport = LatencyTransport()
    definition = build_definition("kappers", "Tilburg")
    # production politeness (demo=False keeps the host policies' intervals), demo answers
    options = SectorOptions(settings=demo_settings(), transport=transport, environ={}, reference_date=REFERENCE_DATE, demo=False)
    t0 = time.perf_counter()
    collection = asyncio.run(collect_sector(definition, options, REFERENCE_DATE, Checkpoint(None)))
    elapsed = time.perf_counter() - t0
    print(f"\nPart 2 — collection of the demo sector with production host limits ({elapsed:.1f} s, {len(collection.establishments)} establishments)")
    print(f"  {'host':<24} {'requests':>8} {'latency':>8} {'policy':>20} {'allowed overlap':>16} {'peak in flight':>15} {'rate':>9}")
    for host in sorted(transport.count):
        policy = DEFAULT_HOST_POLICIES.get(host)
        latency = LatencyTransport.LATENCY.get(host, 0.1)
        if policy is None:
            allowed = 4
            shown = "default 4 / 0 s"
        else:
            by_interval = int(latency / policy.min_interval) + 1 if policy.min_interval > 0 else policy.max_concurrency
            allowed = min(policy.max_concurrency, by_interval)
            shown = f"{policy.max_concurrency} / {policy.min_interval:g} s"
        allowed = min(allowed, transport.count[host])
        span = max(transport.last[host] - transport.first[host], 1e-9)
        rate = transport.count[host] / span
        flag = "ok" if transport.peak[host] == allowed else "CHECK"
        print(f"  {host:<24} {transport.count[host]:>8} {latency:>7.2f}s {shown:>20} {allowed:>16} {transport.peak[host]:>12} {flag:<2} {rate:>7.1f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--skip-collection", action="store_true")
    args = parser.parse_args()
    part1(args.n, args.seed)
    if not args.skip_collection:
        part2()


if __name__ == "__main__":
    main()
