"""Sector scan at scale (issue 5): 50,000 synthetic establishments through the indicator
files and the ranking, joining 5,000 OpenStreetMap objects, and the request rate the
collection achieves per source against each source's documented limit.

    python benchmarks/sector_scale.py [--n 50000] [--join 5000] [--seed 5] [--skip-collection]

Not a test. Part 1 builds a synthetic establishment frame (the columns of
bibobscan/sector/frame.py: a country-sized spread with 300 planted clusters, KvK
registrations, SBI codes, a few published closures, some lookups failed) and times the
offline half of the sector scan: signals with pandas (clusters included), every
``applies_to: [sector]`` establishment indicator of the shipped indicator files with
the standard profile, the ranking, the explained rows (IndicatorHit + sentence per hit)
and the CSV/XLSX/HTML table rows. Target: under 5 seconds. It also times
``join_osm_objects`` on ``--join`` synthetic OpenStreetMap objects (one shop in ten is
also mapped as a building way at the same address, named in capitals or with "B.V.";
3 % have no postcode).

Part 2 runs the real collection pipeline (bibobscan.sector.discover) on the demo world
behind a fake transport that adds latency per host (Overpass 3 s, CBS 0.5 s, KvK 0.25 s,
KOOP 1 s) with the production host policies of bibobscan/http.py, and records when each
request starts. Per host it reports the achieved rate (requests started per second, from
the first start to the last), the most requests started in any one-second window and
the peak in flight, against the documented limit (KvK: 100 requests/s, kvk.md; KOOP:
none documented, about 1 request/s advised, koop-sru.md; Overpass: 2 slots, osm.md).
Part 3 saturates the KvK host alone through the shared HTTP layer (600 requests at
0.1, 0.25 and 0.5 s latency) to show the rate it reaches when the pipeline is not the
bottleneck. Parts 2 and 3 take about a minute: KOOP allows one request per second.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bibobscan.demo import REFERENCE_DATE, ReplayTransport, demo_settings  # noqa: E402
from bibobscan.http import DEFAULT_HOST_POLICIES, HttpClient, HttpSettings  # noqa: E402
from bibobscan.model import Evidence  # noqa: E402
from bibobscan.report.sector import table_rows  # noqa: E402
from bibobscan.resources import default_profile, indicators_dir  # noqa: E402
from bibobscan.rules import load_indicators, load_profile  # noqa: E402
from bibobscan.sector import SectorOptions, build_definition  # noqa: E402
from bibobscan.sector.checkpoint import Checkpoint  # noqa: E402
from bibobscan.sector.discover import join_osm_objects  # noqa: E402
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
        "possible_publications": [[] for _ in range(n)], "notes": [""] * n,
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


def synthetic_osm(n: int, seed: int) -> list[Evidence]:
    """``n`` OpenStreetMap objects as the osm collector delivers them: shops spread over
    300 PC4 areas, one in ten mapped twice (node + building way at the same address, the
    way named in capitals or with "B.V."), 3 % without postcode and house number."""
    rng = random.Random(seed)
    out: list[Evidence] = []
    when = datetime(2026, 11, 20, tzinfo=UTC)
    i = 0
    while len(out) < n:
        lat, lon = 51.2 + rng.random() * 2.0, 4.0 + rng.random() * 2.8
        bare = rng.random() < 0.03
        postcode = "" if bare else f"{1000 + rng.randrange(300)}{rng.choice('ABCDEFGH')}{rng.choice('KLMNPR')}"
        number = "" if bare else str(rng.randrange(1, 200))
        copies = 2 if rng.random() < 0.1 else 1
        for c in range(copies):
            name = f"Kapsalon {i}" if not c else (f"Kapsalon {i} B.V." if i % 3 == 0 else f"KAPSALON {i}")
            fields = {"osm_id": f"{'way' if c else 'node'}/{i}", "name": name, "postcode": postcode, "house_number": number,
                      "street": "" if bare else f"Straat{i % 900}", "city": "Plaats", "lat": lat + c * 1e-5, "lon": lon,
                      "tags": {"shop": "hairdresser"}, "matched_on": "tags"}
            out.append(Evidence(id=f"osm-{i}-{c}", source="osm", kind="osm.establishment", url="https://example.invalid",
                                query="synthetic", retrieved_at=when, sha256="0", title=name, fields=fields))
        i += 1
    return out[:n]


def part1_join(n: int, seed: int) -> float:
    objects = synthetic_osm(n, seed)
    t0 = time.perf_counter()
    joined = join_osm_objects(objects)
    elapsed = time.perf_counter() - t0
    twins = sum(1 for e in joined if len(e.osm_ids) > 1)
    label = f"join_osm_objects: {n:,} OSM objects -> {len(joined):,} establishments"
    print(f"  {label:<45} {elapsed:6.2f} s   ({twins:,} node + way pairs joined)")
    return elapsed


class LatencyTransport(httpx.AsyncBaseTransport):
    """Answers with latency per host (the demo world's recorded answers, or an empty
    JSON body); records when each request starts and how many are in flight."""

    LATENCY = {"overpass-api.de": 3.0, "opendata.cbs.nl": 0.5, "api.kvk.nl": 0.25, "repository.overheid.nl": 1.0}

    def __init__(self, latency: dict[str, float] | None = None, replay: bool = True) -> None:
        self.latency = latency or self.LATENCY
        self.inner: httpx.AsyncBaseTransport | None = ReplayTransport() if replay else None
        self.in_flight: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)
        self.starts: dict[str, list[float]] = defaultdict(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.starts[host].append(time.perf_counter())
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])
        try:
            await asyncio.sleep(self.latency.get(host, 0.1))
            if self.inner is None:
                return httpx.Response(200, json={}, request=request)
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight[host] -= 1


# The documented limits (../shared/apis/*.md), in requests started per second.
DOCUMENTED = {
    "api.kvk.nl": (100.0, "100/s (kvk.md)"),
    "repository.overheid.nl": (1.0, "none; ~1/s advised (koop-sru.md)"),
    "overpass-api.de": (None, "2 slots (osm.md)"),
    "opendata.cbs.nl": (None, "none documented"),
}


def max_in_window(starts: list[float], window: float = 1.0) -> int:
    """The most request starts in any ``window``-second interval [t, t + window)."""
    ordered = sorted(starts)
    best = j = 0
    for i, t in enumerate(ordered):
        while ordered[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def achieved_rate(starts: list[float]) -> float | None:
    """Requests started per second from the first start to the last (None: one request)."""
    if len(starts) < 2:
        return None
    return (len(starts) - 1) / max(max(starts) - min(starts), 1e-9)


def _policy(host: str) -> str:
    policy = DEFAULT_HOST_POLICIES.get(host)
    return f"{policy.max_concurrency} / {policy.min_interval:g} s" if policy else "default 4 / 0 s"


def min_gap(starts: list[float]) -> float | None:
    """The shortest time between two consecutive request starts (seconds)."""
    ordered = sorted(starts)
    return min((b - a for a, b in zip(ordered, ordered[1:])), default=None)


def _row(host: str, transport: LatencyTransport) -> str:
    starts = transport.starts[host]
    limit, shown = DOCUMENTED.get(host, (None, "—"))
    rate = achieved_rate(starts)
    window = max_in_window(starts)
    gap = min_gap(starts)
    verdict = "" if limit is None else (f"<= {limit:g}/s" if rate is not None and rate <= limit else f"> {limit:g}/s" if rate is not None else "")
    rate_text = f"{rate:7.1f}/s" if rate is not None else "      —"
    gap_text = f"{gap:.4f} s" if gap is not None else "—"
    return (f"  {host:<24} {len(starts):>8} {transport.latency.get(host, 0.1):>6.2f}s {_policy(host):>16} "
            f"{shown:>34} {rate_text:>10} {verdict:>9} {window:>11} {gap_text:>10} {transport.peak[host]:>5}")


HEADER = (f"  {'host':<24} {'requests':>8} {'latency':>7} {'policy (conc/int)':>16} {'documented limit':>34} "
          f"{'achieved':>10} {'':>9} {'max in 1 s':>11} {'min gap':>10} {'peak':>5}")


def part2() -> None:
    transport = LatencyTransport()
    definition = build_definition("kappers", "Tilburg")
    # production politeness (demo=False keeps the host policies' intervals), demo answers
    options = SectorOptions(settings=demo_settings(), transport=transport, environ={}, reference_date=REFERENCE_DATE, demo=False)
    t0 = time.perf_counter()
    collection = asyncio.run(collect_sector(definition, options, REFERENCE_DATE, Checkpoint(None)))
    elapsed = time.perf_counter() - t0
    print(f"\nPart 2 — collection of the demo sector with the production host policies ({elapsed:.1f} s, {len(collection.establishments)} establishments)")
    print(HEADER)
    for host in sorted(transport.starts):
        print(_row(host, transport))


def part3(n: int = 600) -> None:
    print(f"\nPart 3 — the KvK host alone at saturation: {n} requests through the shared HTTP layer, production policy")
    print(HEADER)
    for latency in (0.1, 0.25, 0.5):
        transport = LatencyTransport({"api.kvk.nl": latency}, replay=False)

        async def burst(transport: LatencyTransport = transport) -> None:
            async with HttpClient(settings=HttpSettings(), transport=transport) as http:
                await asyncio.gather(*(http.get(f"https://api.kvk.nl/api/v2/zoeken?i={i}", source="kvk") for i in range(n)))

        asyncio.run(burst())
        print(_row("api.kvk.nl", transport))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--join", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--skip-collection", action="store_true")
    args = parser.parse_args()
    part1(args.n, args.seed)
    part1_join(args.join, args.seed)
    if not args.skip_collection:
        part2()
        part3()


if __name__ == "__main__":
    main()
