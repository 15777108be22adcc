"""The sector scan (branchescan): the demo end to end, the ranking and its explanations,
identical HTML/CSV/XLSX tables, bad input, a source failing mid-run, resume without
refetching, postcode narrowing, escaping, and the vectorised evaluator against the
per-subject evaluator."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.config import Settings
from bibobscan.demo import REFERENCE_DATE, ReplayTransport, demo_settings
from bibobscan.errors import UsageError
from bibobscan.http import without_waits
from bibobscan.model import Outcome
from bibobscan.report.sector import COLUMNS, fmt, render_sector_csv, table_rows
from bibobscan.resources import default_profile, indicators_dir
from bibobscan.rules import evaluate, load_indicators, load_profile
from bibobscan.sector import (
    ProgressEvent,
    SectorOptions,
    SectorReport,
    build_definition,
    run_sector,
)
from bibobscan.sector.scoring import (
    HIT,
    INSUFFICIENT,
    NO_HIT,
    evaluate_tables,
    sector_indicators,
)
from bibobscan.sector.signals import SignalTables, neighbour_counts

runner = CliRunner()
KNIPSTRAAT = {"Knipstraat"}
TURNOVER = {"Schaarweg 12, Tilburg", "Tondeuselaan 3, Tilburg", "Krulspeldstraat 21, Tilburg"}
BASENAME = "demo-2026-003-branchescan-kappers-tilburg"  # the demo case DEMO-2026-003


class Counting(httpx.AsyncBaseTransport):
    """Wraps the replay transport: counts requests, fails the ones ``fail`` picks with a
    500, and raises ``stop_after`` (KeyboardInterrupt) after that many requests."""

    def __init__(self, fail: Callable[[httpx.Request], bool] | None = None, stop_after: int | None = None) -> None:
        self.inner = ReplayTransport()
        self.fail = fail
        self.stop_after = stop_after
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.stop_after is not None and len(self.requests) >= self.stop_after:
            raise KeyboardInterrupt("stopped by the test")
        self.requests.append(request)
        if self.fail is not None and self.fail(request):
            await request.aread()
            return httpx.Response(500, json={"fout": [{"code": "IPD9999", "omschrijving": "interne fout"}]}, request=request)
        return await self.inner.handle_async_request(request)


def kvk_address_fails(*postcodes: str) -> Callable[[httpx.Request], bool]:
    def pick(request: httpx.Request) -> bool:
        return request.url.host == "api.kvk.nl" and request.url.path.endswith("/v2/zoeken") and request.url.params.get("postcode") in postcodes

    return pick


def run_demo(
    out: Path | None = None, transport: httpx.AsyncBaseTransport | None = None, *, postcodes: str | None = None,
    resume: bool = True, progress: Callable[[ProgressEvent], None] | None = None, profile: Path | None = None,
    demo: bool = True, settings: Settings | None = None, max_age_days: float | None = 7.0,
) -> SectorReport:
    """The demo sector through run_sector. ``demo=False`` is a *live* run whose "network"
    is the replay transport (what a live run would do, without the network)."""
    definition = build_definition("kappers", "Tilburg", postcodes=postcodes)
    options = SectorOptions(
        settings=settings or demo_settings(), transport=transport or ReplayTransport(), environ={}, reference_date=REFERENCE_DATE,
        demo=demo, out_dir=out, resume=resume, progress=progress, profile_path=profile, cache_max_age_days=max_age_days,
    )
    if not demo:  # live politeness costs wall time; the replayed answers do not need it
        options.settings = replace(options.settings, http=replace(options.settings.http, host_policies={}))
    else:  # what bibobscan.demo.wired gives a demo run
        options.settings = replace(options.settings, http=without_waits(options.settings.http))
    return asyncio.run(run_sector(definition, options))


def html_rows(html: str) -> list[list[str]]:
    tree = LexborHTMLParser(html)
    rows = []
    for tr in tree.css("table.ranking tbody tr"):
        cells = []
        for td in tr.css("td"):
            lines = td.css("div")
            cells.append("\n".join(d.text() for d in lines) if "why" in (td.attributes.get("class") or "") else td.text())
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sector")
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def demo_report(demo_out: Path) -> dict[str, Any]:
    return json.loads((demo_out / f"{BASENAME}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


# --- the demo end to end ---------------------------------------------------------------------


def test_demo_writes_html_csv_xlsx_json_offline(demo_out: Path, demo_report: dict[str, Any]) -> None:
    for ext in ("html", "csv", "xlsx", "json", "pdf"):
        assert (demo_out / f"{BASENAME}.{ext}").exists()
    assert demo_report["demo"] is True
    assert {s["source"]: s["status"] for s in demo_report["sources"]} == {
        "osm": "ok", "cbs": "ok", "osm_baseline": "ok", "kvk": "ok", "kvk_profiel": "ok", "koop": "ok",
    }
    assert len(demo_report["establishments"]) >= 30
    html = (demo_out / f"{BASENAME}.html").read_text(encoding="utf-8")
    assert "FICTIEVE DEMODATA" in html
    assert "<script" not in html.lower() and "http-equiv=\"Content-Security-Policy\"" in html
    assert "tile" not in html.lower() and "<svg" in html


def test_ranking_puts_the_planted_cluster_and_turnover_addresses_on_top(demo_report: dict[str, Any]) -> None:
    ranked = demo_report["establishments"]
    planted = [e for e in ranked if e["address"].split(" ")[0] in KNIPSTRAAT or e["address"] in TURNOVER]
    assert len(planted) == 13  # 9 in OSM + one KvK-only in Knipstraat, 3 turnover addresses
    top = ranked[: len(planted)]
    assert {e["id"] for e in top} == {e["id"] for e in planted}
    assert min(e["points"] for e in top) > max(e["points"] for e in ranked[len(planted):])
    for e in top:
        sentences = " ".join(h["sentence"] for h in e["hits"])
        if e["address"] in TURNOVER:
            assert "eerdere inschrijvingen beëindigd" in sentences, e["name"]
        else:
            assert "Binnen 250 meter liggen 10 vestigingen" in sentences, e["name"]
    # the published closure puts Barber Kings first; Knipstraat 14 has several companies
    assert ranked[0]["name"] == "Barber Kings Tilburg"
    assert any("13b Opiumwet" in h["sentence"] for h in ranked[0]["hits"])
    spiegel = next(e for e in ranked if e["name"] == "Barbershop De Spiegel")
    assert any("3 actieve inschrijvingen" in h["sentence"] for h in spiegel["hits"])
    # the salon found only in the register, and the name that differs between OSM and KvK
    achterom = next(e for e in ranked if e["name"] == "Kapsalon Achterom")
    assert achterom["sources"] == "KvK 99100005" and achterom["matched_on"] == "kvk"
    fades = next(e for e in ranked if e["name"] == "Fades & Blades")
    assert fades["kvk"] == "99100002" and fades["kvk_name"] == "Fades and Blades Tilburg"
    # the node and the building way of one salon are one establishment
    spiegelaar = [e for e in ranked if e["name"] == "Knipperij Spiegelaar"]
    assert len(spiegelaar) == 1 and spiegelaar[0]["sources"].count("OSM") == 2
    # the two objects without an address: insufficient, never "no risk"
    for e in ranked:
        if e["name"] in ("Kapper aan huis Demo", "(zonder naam)"):
            assert e["points"] == 0 and "Veel beëindigde inschrijvingen op het adres van de vestiging" in e["insufficient"]


def test_area_indicators_and_unattributed_publication(demo_report: dict[str, Any]) -> None:
    area = {h["indicator_id"]: h for h in demo_report["area_hits"]}
    assert area["area.street_concentration"]["outcome"] == "hit" and "Knipstraat" in area["area.street_concentration"]["sentence"]
    assert area["area.fast_growth"]["outcome"] == "hit"
    assert area["area.high_density"]["outcome"] == "no_hit" and "per 10.000 inwoners" in area["area.high_density"]["sentence"]
    koop = next(s for s in demo_report["sources"] if s["source"] == "koop")
    assert any("niet letterlijk" in n for n in koop["notes"])  # the Coupeweg permit is not the salon's
    coupe = next(e for e in demo_report["establishments"] if e["name"] == "Kapsalon Coupe")
    assert not any(h["indicator_id"] == "sector.enforcement_publication" for h in coupe["hits"])


def test_report_states_no_person_level_research_and_signal_not_decision(demo_out: Path) -> None:
    html = (demo_out / f"{BASENAME}.html").read_text(encoding="utf-8")
    tree = LexborHTMLParser(html)
    statement = tree.css_first("#geen-persoonsonderzoek").text()
    assert "geen persoonsgericht open-bronnenonderzoek" in statement
    assert "signaal voor het plannen van toezicht" in html and "geen besluit" in html
    assert "niet in OpenStreetMap staan" in html  # establishments missing from OSM are not found
    book = load_workbook(demo_out / f"{BASENAME}.xlsx")
    notes = " ".join(str(c.value) for row in book["Toelichting"].iter_rows() for c in row)
    assert "geen persoonsgericht open-bronnenonderzoek" in notes and "FICTIEVE DEMODATA" in notes


def test_csv_and_xlsx_rows_equal_the_html_table(demo_out: Path) -> None:
    html = html_rows((demo_out / f"{BASENAME}.html").read_text(encoding="utf-8"))
    with (demo_out / f"{BASENAME}.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = list(csv.reader(handle, delimiter=";"))
    assert tuple(reader[0]) == COLUMNS
    assert reader[1:] == html
    book = load_workbook(demo_out / f"{BASENAME}.xlsx")
    sheet = book["Rangorde"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == COLUMNS
    xlsx = [["" if v is None else fmt(float(v)) if isinstance(v, (int, float)) and i == 1 else str(v) for i, v in enumerate(row)] for row in values[1:]]
    assert xlsx == html
    assert len(html) == 35


# --- bad input ------------------------------------------------------------------------------------


def test_unknown_preset_and_municipality_name_the_nearest(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sector", "kapers", "--municipality", "Tilburg", "--demo", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "kappers" in result.output and "unknown sector preset" in result.output
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilbrug", "--demo", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "Tilburg" in result.output and "unknown municipality" in result.output
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--postcodes", "50X8", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "postcode" in result.output
    result = runner.invoke(app, ["sector", "--sbi", "4778", "--municipality", "Tilburg", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--osm-tag" in result.output
    result = runner.invoke(app, ["sector", "autohandel", "--municipality", "Tilburg", "--demo", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "demo world" in result.output
    assert not list(tmp_path.glob("*.html"))
    with pytest.raises(UsageError, match="nagelstudios"):
        build_definition("nagelstudio", "Tilburg")


# --- a source failing mid-run ------------------------------------------------------------------


def test_kvk_failing_for_some_addresses_is_reported_and_the_scan_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    transport = Counting(fail=kvk_address_fails("5042ZS", "5022ZT"))
    monkeypatch.setattr("bibobscan.cli.sector.demo_transport", lambda: transport)
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--no-pdf", "--out", str(tmp_path)])
    assert result.exit_code == 3, result.output
    report = json.loads((tmp_path / f"{BASENAME}.json").read_text(encoding="utf-8"))
    kvk = next(s for s in report["sources"] if s["source"] == "kvk")
    assert kvk["status"] == "failed" and kvk["hits"] > 0
    assert "van 32 adressen niet geleverd" in kvk["error"] and "Wel geleverd: 30 adressen" in kvk["error"]
    assert "Schaarweg 12" in kvk["error"]
    schaarweg = next(e for e in report["establishments"] if e["address"] == "Schaarweg 12, Tilburg")
    assert "Veel beëindigde inschrijvingen op het adres van de vestiging" in schaarweg["insufficient"]
    assert "KvK Zoeken mislukt" in schaarweg["notes"]
    # the rest goes on: the cluster is still on top, and the failure is in the HTML
    assert report["establishments"][0]["name"] == "Barber Kings Tilburg"
    html = (tmp_path / f"{BASENAME}.html").read_text(encoding="utf-8")
    assert "gedeeltelijk mislukt" in html and "Schaarweg 12" in html


# --- stop and resume ------------------------------------------------------------------------------


def test_resume_does_not_refetch(tmp_path: Path) -> None:
    first = Counting()
    report = run_demo(tmp_path, first)
    total = len(first.requests)
    assert total > 60
    second = Counting()
    again = run_demo(tmp_path, second)
    assert second.requests == []
    assert [(e.name, e.points) for e in again.establishments] == [(e.name, e.points) for e in report.establishments]
    assert again.cache["served_from_cache"] == total and any("tussenopslag" in n for n in again.notes)
    third = Counting()
    run_demo(tmp_path, third, resume=False)
    assert len(third.requests) == total


def test_interrupted_run_resumes_with_only_the_missing_requests(tmp_path: Path) -> None:
    total = len(_requests_of_a_clean_run())
    stopped = Counting(stop_after=40)
    with pytest.raises(KeyboardInterrupt):
        run_demo(tmp_path, stopped)
    rest = Counting()
    run_demo(tmp_path, rest)
    assert 0 < len(rest.requests) < total
    lines = (tmp_path / ".bibobscan-cache" / "sector-demo.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["header"]["mode"] == "demo"
    cached = sum(1 for line in lines if '"key"' in line)
    assert cached == total  # every request answered once, none twice


def test_failed_requests_are_fetched_again_on_resume(tmp_path: Path) -> None:
    run_demo(tmp_path, Counting(fail=kvk_address_fails("5042ZS")))
    retry = Counting()
    report = run_demo(tmp_path, retry)
    assert sorted(r.url.path.rsplit("/", 1)[-1] for r in retry.requests) == ["99100017", "zoeken"]
    assert next(s for s in report.sources if s.source == "kvk").status.value == "ok"


def _objects(values: list[Any]) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = v
    return arr


def _requests_of_a_clean_run() -> list[httpx.Request]:
    transport = Counting()
    run_demo(None, transport)
    return transport.requests


# --- narrowing, progress, parallelism -------------------------------------------------------------


def test_postcode_narrowing() -> None:
    transport = Counting()
    report = run_demo(None, transport, postcodes="5038")
    assert {e.address.split(" ")[0] for e in report.establishments} == {"Knipstraat"}
    assert len(report.establishments) == 10 and report.outside_area == 25
    zoeken = {r.url.params.get("postcode") for r in transport.requests if r.url.path.endswith("/v2/zoeken")}
    assert zoeken == {"5038ZK"}
    # clusters are counted against all establishments of the municipality
    assert any("10 vestigingen" in h.sentence for h in report.establishments[0].hits)
    assert any("postcode(s) 5038" in n for n in report.notes)
    one = run_demo(None, Counting(), postcodes="5042 ZS")
    assert [e.address for e in one.establishments] == ["Schaarweg 12, Tilburg"]


def test_progress_reports_every_request() -> None:
    events: list[ProgressEvent] = []
    transport = Counting()
    run_demo(None, transport, progress=events.append)
    assert events and all(0 <= e.done <= e.total for e in events)
    assert events[-1].done == events[-1].total == len(transport.requests)
    assert {e.stage for e in events} >= {"OpenStreetMap en CBS", "KvK: inschrijvingen per adres", "KvK: basisprofielen", "Officiële bekendmakingen"}


# --- escaping -------------------------------------------------------------------------------------


class Poisoned(Counting):
    """The Overpass answer with hostile names."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.url.host != "overpass-api.de" or b"out+count" in request.content:
            return response
        body = json.loads(await response.aread())
        for el in body["elements"]:
            name = el.get("tags", {}).get("name")
            if name == "Kapper aan huis Demo":
                el["tags"]["name"] = '<script>alert("x")</script><img src=x onerror=alert(1)>'
            if name == "Kapsalon Lokkerman":
                el["tags"]["name"] = '=HYPERLINK("http://evil.example","klik")'
        return httpx.Response(200, json=body, request=request)


def test_hostile_osm_names_are_escaped_in_html_and_neutralised_in_csv_xlsx(tmp_path: Path) -> None:
    from bibobscan.report.sector import write_sector_report

    report = run_demo(None, Poisoned())
    paths = write_sector_report(report, tmp_path)
    html = paths["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    text = render_sector_csv(report)
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text
    book = load_workbook(paths["xlsx"])
    names = [row[3].value for row in book["Rangorde"].iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://evil.example\",\"klik\")" in names
    assert all(c.data_type != "f" for row in book["Rangorde"].iter_rows() for c in row)


# --- the same indicator files and profiles --------------------------------------------------------


def test_vectorised_evaluation_equals_the_per_subject_evaluator() -> None:
    indicators, _area = sector_indicators(load_indicators(indicators_dir()))
    profile = load_profile(default_profile())
    rng = random.Random(7)
    n = 400
    frames: dict[str, pd.DataFrame] = {}

    def rows(k: int) -> list[int]:
        return sorted(rng.randrange(n) for _ in range(k))

    def table(r: list[int], ev: str, **attrs: Callable[[], Any]) -> pd.DataFrame:
        columns: dict[str, Any] = {"row": np.array(r, dtype=np.int64), "ev": _objects([(f"{ev}{i}",) for i in r])}
        for name, make in attrs.items():
            columns[name] = _objects([make() for _ in r])  # None stays None, as in real signal tables
        return pd.DataFrame(columns)

    frames["establishment.registered_on"] = table(rows(300), "p", date=lambda: "2026-01-01", age_days=lambda: rng.choice([5, 90, 365, 366, 700, 731, 4000, None]), name=lambda: "X", kvk=lambda: "1")
    frames["establishment.sbi"] = table(
        rows(500), "p", code=lambda: rng.choice(["96210", "9602", "64210", "6201", "47190", ""]), version=lambda: rng.choice(["2008", "2025"]),
        main=lambda: rng.choice([True, False]), description=lambda: "d", in_sector=lambda: rng.choice([True, False, None]),
    )
    r = rows(350)
    frames["establishment.address_turnover"] = table(r, "a", ended=lambda: rng.randrange(8), total=lambda: 9, address=lambda: "Straat 1")
    frames["establishment.address_company_count"] = table(r, "a", count=lambda: rng.choice([1, 2, 3, 19, 20, 50]), address=lambda: "Straat 1")
    frames["establishment.cluster"] = table(rows(380), "o", radius_count=lambda: rng.randrange(1, 12), radius=lambda: 250, street_count=lambda: 3, street=lambda: "Straat")
    frames["establishment.publication"] = table(
        rows(60), "k", kind=lambda: rng.choice(["closure", "mention", "permit_revoked", "bibob"]), identifier=lambda: "gmb-1",
        title=lambda: "T", date=lambda: "2026-01-01", creator=lambda: "Tilburg",
    )
    coverage = {t: np.array([rng.random() > 0.1 for _ in range(n)]) for t in frames}
    tables = SignalTables(n=n, by_type=frames, coverage=coverage)
    results = evaluate_tables(indicators, tables, profile)
    for row in range(n):
        signals = tables.signals_of(row)
        covered = {t for t, mask in coverage.items() if mask[row]}
        for res in results:
            want = evaluate(res.indicator, signals, covered, "Vestiging")
            got = res.hit_for(row, "Vestiging")
            assert (got.outcome, got.band, got.points, got.sentence) == (want.outcome, want.band, want.points, want.sentence), (res.indicator.id, row)
            assert int(res.outcome[row]) == {Outcome.HIT: HIT, Outcome.NO_HIT: NO_HIT, Outcome.INSUFFICIENT: INSUFFICIENT}[want.outcome]


def test_profile_weights_and_suppressions_apply_to_the_sector_scan(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        default_profile().read_text(encoding="utf-8").replace("weights: {}", "weights: {sector.cluster: 2}")
        + "suppress:\n  - reason: Bekende winkelstraat\n    match: {kvk: \"99100004\"}\n    indicators: [sector.address_many_companies]\n",
        encoding="utf-8",
    )
    base = {e.name: e for e in run_demo().establishments}
    tuned = {e.name: e for e in run_demo(profile=profile).establishments}
    knip = tuned["Barber Lounge Noord"]
    assert knip.points == base["Barber Lounge Noord"].points + 12
    spiegel = tuned["Barbershop De Spiegel"]
    assert not any(h.indicator_id == "sector.address_many_companies" for h in spiegel.hits)
    assert spiegel.points == base["Barbershop De Spiegel"].points + 12 - 8


def test_neighbour_counts_match_brute_force() -> None:
    rng = np.random.default_rng(3)
    lat = 51.55 + rng.random(300) * 0.02
    lon = 5.05 + rng.random(300) * 0.03
    lat[5] = np.nan
    got = neighbour_counts(lat, lon, lat, lon, 250.0)
    kx = 111_320.0 * np.cos(np.radians(np.nanmean(lat)))
    for i in range(300):
        if np.isnan(lat[i]):
            assert got[i] == 0
            continue
        d = np.hypot((lon - lon[i]) * kx, (lat - lat[i]) * 111_320.0)
        assert got[i] == int(np.nansum(d <= 250.0))


def test_table_rows_follow_the_ranking(demo_out: Path) -> None:
    report = run_demo()
    rows = table_rows(report)
    assert [r[0] for r in rows] == [e.rank for e in report.establishments]
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    assert all(isinstance(r[1], float) for r in rows)
    assert io.StringIO(render_sector_csv(report)).readline().startswith("Rang;Punten")


# --- review fixes: the request cache never mixes demo and live answers -----------------------------


def _cache_lines(folder: Path, mode: str) -> list[dict[str, Any]]:
    path = folder / ".bibobscan-cache" / f"sector-{mode}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rewrite_entries(folder: Path, mode: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / ".bibobscan-cache" / f"sector-{mode}.jsonl"
    records = _cache_lines(folder, mode)
    for record in records:
        if "key" in record:
            change(record)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_a_live_run_never_uses_the_demo_cache(tmp_path: Path) -> None:
    demo = Counting()
    run_demo(tmp_path, demo)
    total = len(demo.requests)
    live = Counting()
    report = run_demo(tmp_path, live, demo=False)
    assert len(live.requests) == total  # everything fetched again: no demo answer reached the live report
    assert report.demo is False and report.cache["mode"] == "live" and report.cache["served_from_cache"] == 0
    assert (tmp_path / ".bibobscan-cache" / "sector-demo.jsonl").exists()
    assert _cache_lines(tmp_path, "live")[0]["header"]["mode"] == "live"
    # and the other way round: the demo keeps its own cache
    again = Counting()
    assert run_demo(tmp_path, again).demo is True and again.requests == []


def test_a_cache_written_with_other_settings_is_refused(tmp_path: Path) -> None:
    run_demo(tmp_path, Counting(), demo=False)
    other = demo_settings()
    other.sources["kvk"] = {**other.sources["kvk"], "environment": "test"}
    with pytest.raises(UsageError, match=r"other settings \(kvk: production -> test\).*--no-resume"):
        run_demo(tmp_path, Counting(), demo=False, settings=other)
    # a file that records no mode (written by hand, or an older version) is refused too
    path = tmp_path / ".bibobscan-cache" / "sector-live.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _cache_lines(tmp_path, "live")[1:]), encoding="utf-8")
    with pytest.raises(UsageError, match="does not record the mode"):
        run_demo(tmp_path, Counting(), demo=False)
    fresh = Counting()
    run_demo(tmp_path, fresh, demo=False, resume=False)
    assert len(fresh.requests) > 60


def test_live_cache_entries_expire(tmp_path: Path) -> None:
    first = Counting()
    run_demo(tmp_path, first, demo=False)
    total = len(first.requests)
    eight_days_ago = (datetime.now(UTC) - timedelta(days=8)).replace(microsecond=0).isoformat()
    _rewrite_entries(tmp_path, "live", lambda r: r.update(saved_at=eight_days_ago))
    kept = Counting()
    run_demo(tmp_path, kept, demo=False, max_age_days=30)
    assert kept.requests == []
    refetched = Counting()
    report = run_demo(tmp_path, refetched, demo=False)  # default: 7 days
    assert len(refetched.requests) == total and report.cache["expired"] == total
    assert any("ouder dan 7 dagen" in n for n in report.notes)
    # recorded demo answers do not age
    run_demo(tmp_path, Counting())
    _rewrite_entries(tmp_path, "demo", lambda r: r.update(saved_at="2001-01-01T00:00:00+00:00"))
    demo = Counting()
    run_demo(tmp_path, demo)
    assert demo.requests == []


def test_undecodable_cache_lines_are_fetched_again(tmp_path: Path) -> None:
    first = Counting()
    base = run_demo(tmp_path, first)
    garbage = iter([{"evidence": "x"}, "x", 42, [1, 2], {"total": "many"}, [{"kvk": "1"}]])
    values = list(garbage)
    counter = iter(range(10_000))
    _rewrite_entries(tmp_path, "demo", lambda r: r.update(value=values[next(counter) % len(values)]))
    with (tmp_path / ".bibobscan-cache" / "sector-demo.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"key": "osm|torn", "val\n')  # a torn last line
    retry = Counting()
    report = run_demo(tmp_path, retry)
    assert len(retry.requests) == len(first.requests)
    assert {s.source: s.status.value for s in report.sources} == {s.source: s.status.value for s in base.sources}
    assert not any("interne fout" in (s.error or "") for s in report.sources)
    assert [(e.name, e.points) for e in report.establishments] == [(e.name, e.points) for e in base.establishments]
    assert report.cache["dropped"] == len(first.requests) and any("onleesbaar" in n for n in report.notes)


# --- review fixes: joining OSM objects compares names only within a group ----------------------------


def _osm(i: int, name: str, *, postcode: str = "", number: str = "", lat: float | None = None, lon: float | None = None) -> Any:
    from bibobscan.model import Evidence

    fields = {"osm_id": f"node/{i}", "name": name, "postcode": postcode, "house_number": number, "street": "Straat" if postcode else "",
              "city": "Tilburg", "lat": lat, "lon": lon, "tags": {"shop": "hairdresser"}, "matched_on": "tags"}
    return Evidence(id=f"osm-{i}", source="osm", kind="osm.establishment", url="https://example.invalid", query="q",
                    retrieved_at=datetime(2026, 11, 20, tzinfo=UTC), sha256="0", title=name, fields=fields)


def test_joining_osm_objects_compares_names_only_at_one_address_or_spot(monkeypatch: pytest.MonkeyPatch) -> None:
    from bibobscan.sector import discover

    calls = [0]
    real = discover.similarity

    def counting(a: str, b: str, *, company: bool = False) -> float:
        calls[0] += 1
        return real(a, b, company=company)

    monkeypatch.setattr(discover, "similarity", counting)
    n = 1500
    objects = [_osm(i, f"Kapsalon Nummer {i}", postcode=f"{5000 + i // 50}ZK", number=str(i % 50 + 1), lat=51.5 + i * 1e-4, lon=5.0) for i in range(n)]
    objects.append(_osm(n, "Kapsalon Nummer 7 B.V.", postcode="5000ZK", number="8", lat=51.6, lon=5.1))  # the building of no. 7
    objects.append(_osm(n + 1, "Kapper aan huis", lat=51.7, lon=5.2))  # no address: joined when within 40 m ...
    objects.append(_osm(n + 2, "Kapper aan huis", lat=51.7002, lon=5.2))  # ... 22 m away: joined
    objects.append(_osm(n + 3, "Kapper aan huis", lat=51.71, lon=5.2))  # 1.1 km away: another establishment
    started = time.perf_counter()
    out = discover.join_osm_objects(objects)
    elapsed = time.perf_counter() - started
    assert len(out) == n + 2
    seven = next(e for e in out if "node/7" in e.osm_ids)
    assert sorted(seven.osm_ids) == sorted(["node/7", f"node/{n}"])
    at_home = [e for e in out if e.name == "Kapper aan huis"]
    assert sorted(len(e.osm_ids) for e in at_home) == [1, 2]
    assert calls[0] <= 5  # was n * (n - 1) / 2 comparisons
    assert elapsed < 5


# --- review fixes: a publication is credited only on a distinctive match ------------------------------


def test_attribution_needs_a_distinctive_name_or_the_address() -> None:
    from bibobscan.sector.attribution import CREDITED, POSSIBLE, Vocabulary, attribute

    vocabulary = Vocabulary.for_scan(trade_texts=["Kappers en barbershops", "barber|kapper|kapsalon|haarmode|hair ?salon"], places=["Tilburg"])
    closure = "Besluit tot sluiting van Barber Kings Tilburg, Knipstraat 9, op grond van artikel 13b Opiumwet"
    assert attribute(closure, ["Kings"], street="Voorbeeldlaan", house_number="3", vocabulary=vocabulary).verdict == POSSIBLE
    assert attribute(closure, ["Barber Kings Tilburg"], street="Knipstraat", house_number="9", vocabulary=vocabulary).verdict == CREDITED
    assert attribute(closure, ["Barber Kings Tilburg"], street="Knipstraat", house_number="91", vocabulary=vocabulary).verdict == POSSIBLE
    shop = "Sluiting van Barbershop Royal, Kerkstraat 1"
    assert attribute(shop, ["Barbershop"], street="Proefpad", house_number="5", vocabulary=vocabulary).verdict == POSSIBLE
    named = "Sluiting van Fades and Blades Tilburg wegens drugshandel"
    assert attribute(named, ["Fades and Blades Tilburg"], street="Knipstraat", house_number="6", vocabulary=vocabulary).verdict == CREDITED
    assert attribute("Sluiting van Kapsalon Lokkerman, 5014 ZV", ["Kapsalon Lokkerman"], postcode="5014ZV", vocabulary=vocabulary).verdict == CREDITED
    assert attribute("Sluiting van Kapsalon Lokkerman", ["Kapsalon Lokkerman"], postcode="5014ZV", vocabulary=vocabulary).verdict == POSSIBLE
    assert attribute("Vergunning Coupeweg 3", ["Kapsalon Coupe"], street="Schetsplein", house_number="38", vocabulary=vocabulary).verdict is None
    assert attribute("Sluiting pand Knipstraat 18 a", ["X"], street="Knipstraat", house_number="18a", vocabulary=vocabulary).verdict == CREDITED


KOOP_CLOSURE = Path(__file__).resolve().parents[1] / "bibobscan" / "demo" / "world" / "koop_sector" / "sru-gmb-2026-990123.xml"


class CommonNames(Counting):
    """Two salons renamed to common names ("Kings", "Barbershop"); KOOP finds another
    shop's closure under each."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "repository.overheid.nl":
            query = request.url.params.get("query", "")
            closure = KOOP_CLOSURE.read_text(encoding="utf-8")
            if 'textAndIndexes="Kings"' in query:
                self.requests.append(request)
                return httpx.Response(200, text=closure, headers={"Content-Type": "text/xml"}, request=request)
            if 'textAndIndexes="Barbershop"' in query:
                self.requests.append(request)
                other = closure.replace("Barber Kings Tilburg, Knipstraat 9", "Barbershop Royal, Kerkstraat 1").replace("990123", "990999")
                return httpx.Response(200, text=other, headers={"Content-Type": "text/xml"}, request=request)
        response = await super().handle_async_request(request)
        if request.url.host != "overpass-api.de" or b"out+count" in request.content:
            return response
        body = json.loads(await response.aread())
        for el in body["elements"]:
            tags = el.get("tags", {})
            if tags.get("name") == "Kapsalon Lokkerman":
                tags["name"] = "Kings"
            if tags.get("name") == "Haarmode De Lok":
                tags["name"] = "Barbershop"
        return httpx.Response(200, json=body, request=request)


def test_a_common_name_does_not_collect_another_shops_closure(tmp_path: Path) -> None:
    from bibobscan.report.sector import write_sector_report

    report = run_demo(None, CommonNames())
    by_name = {e.name: e for e in report.establishments}
    for name in ("Kings", "Barbershop"):
        e = by_name[name]
        assert not any(h.indicator_id == "sector.enforcement_publication" for h in e.hits), name
        assert e.points == 3 and e.possible_publications and "niet meegeteld" in e.possible_publications[0]
    assert "gmb-2026-990123" in by_name["Kings"].possible_publications[0]
    assert "gmb-2026-990999" in by_name["Barbershop"].possible_publications[0]
    kings = by_name["Barber Kings Tilburg"]  # the notice names its address: still credited
    assert any(h.indicator_id == "sector.enforcement_publication" for h in kings.hits) and report.establishments[0] is kings
    koop = next(s for s in report.sources if s.source == "koop")
    assert any("mogelijke bekendmaking" in n for n in koop.notes)
    paths = write_sector_report(report, tmp_path)
    with paths["csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    column = rows[0].index("Mogelijke bekendmakingen (niet meegeteld)")
    kings_row = next(r for r in rows[1:] if r[3] == "Kings")
    assert "gmb-2026-990123" in kings_row[column]
    assert rows[1:] == html_rows(paths["html"].read_text(encoding="utf-8"))


# --- review fixes: neutral priority wording ------------------------------------------------------------


def test_priority_wording_is_neutral_and_follows_the_profile_thresholds(demo_out: Path, demo_report: dict[str, Any]) -> None:
    html = (demo_out / f"{BASENAME}.html").read_text(encoding="utf-8")
    text = (demo_out / f"{BASENAME}.csv").read_text(encoding="utf-8-sig")
    for output in (html, text, json.dumps(demo_report, ensure_ascii=False)):
        assert "geen indicaties" not in output and "nader onderzoek aanbevolen" not in output
    by_name = {e["name"]: e for e in demo_report["establishments"]}
    assert by_name["Barber Point Krulspeld"]["points"] == 23 and by_name["Barber Point Krulspeld"]["band_label"] == "lagere prioriteit"
    assert by_name["Barber Kings Tilburg"]["band_label"] == "nader bekijken"
    assert demo_report["area_assessment"]["band_label"] == "lagere prioriteit"
    assert demo_report["priorities"] == ["lagere prioriteit: minder dan 25 punten", "nader bekijken: 25 tot 60 punten", "eerst bekijken: 60 punten of meer"]
    assert "Prioriteit" in COLUMNS and "eerst bekijken: 60 punten of meer" in html


# --- review fixes: rate limits from the documented limits ---------------------------------------------


class Latency(httpx.AsyncBaseTransport):
    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.starts: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.starts.append(time.perf_counter())
        await asyncio.sleep(self.latency)
        return httpx.Response(200, json={}, request=request)


def max_per_second(starts: list[float]) -> int:
    starts = sorted(starts)
    best, j = 0, 0
    for i, t in enumerate(starts):
        while starts[j] < t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_host_policies_follow_the_documented_limits() -> None:
    from bibobscan.http import DEFAULT_HOST_POLICIES, HttpClient, HttpSettings

    kvk = DEFAULT_HOST_POLICIES["api.kvk.nl"]  # kvk.md: no more than 100 queries per second
    assert 1 / kvk.min_interval < 100 and kvk.max_concurrency * kvk.min_interval >= 0.5  # the limit is reachable at 0.5 s latency
    assert DEFAULT_HOST_POLICIES["repository.overheid.nl"].min_interval >= 1.0  # koop-sru.md: about one request per second

    async def burst(n: int, latency: float) -> tuple[Latency, float]:
        transport = Latency(latency)
        async with HttpClient(settings=HttpSettings(), transport=transport) as http:
            t0 = time.perf_counter()
            await asyncio.gather(*(http.get(f"https://api.kvk.nl/api/v2/zoeken?i={i}", source="kvk") for i in range(n)))
            return transport, time.perf_counter() - t0

    transport, elapsed = asyncio.run(burst(200, 0.3))
    assert max_per_second(transport.starts) <= 100
    assert 200 / elapsed > 60  # was 8 in flight: 27 per second at this latency


# --- review fixes: bad input ----------------------------------------------------------------------------


def test_out_pointing_at_a_file_is_exit_4_like_every_unwritable_out(tmp_path: Path) -> None:
    target = tmp_path / "rapport.html"
    target.write_text("x", encoding="utf-8")
    for out in (target, target / "sub"):
        result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--out", str(out)])
        assert result.exit_code == 4, result.output
        assert "--out" in result.output and "cannot write reports there" in result.output and "internal error" not in result.output


def test_postcodes_that_match_nothing_warn_and_do_not_blame_the_register(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--no-pdf", "--postcodes", "9999", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning: Geen vestigingen in de gekozen postcode(s) 9999" in result.output
    html = (tmp_path / f"{BASENAME}.html").read_text(encoding="utf-8")
    tree = LexborHTMLParser(html)
    assert "Geen vestigingen in de gekozen postcode(s) 9999" in tree.css_first("#waarschuwingen").text()
    assert "gaf geen antwoord" not in html and "OpenStreetMap leverde geen vestigingen" not in html
    report = json.loads((tmp_path / f"{BASENAME}.json").read_text(encoding="utf-8"))
    area = {h["indicator_id"]: h for h in report["area_hits"]}
    assert area["area.fast_growth"]["outcome"] == "insufficient"
    assert "geen vestigingen in de gekozen postcodes (9999); het Handelsregister is niet bevraagd" in area["area.fast_growth"]["sentence"]
    assert "geen vestigingen in de gekozen postcodes" in area["area.street_concentration"]["sentence"]
    kvk = next(s for s in report["sources"] if s["source"] == "kvk")
    assert "geen vestigingen in de gekozen postcodes" in kvk["error"]


def test_an_unknown_municipality_code_is_called_a_code(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "9999", "--demo", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a CBS municipality code" in result.output and re.search(r"nearest codes: GM\d{4}", result.output)
    with pytest.raises(UsageError, match="GM0855 \\(Tilburg\\)"):
        build_definition("kappers", "GM0856")
    assert build_definition("kappers", "855").municipality.name == "Tilburg"


# --- review fixes: smaller ------------------------------------------------------------------------------


def test_the_csv_travels_with_an_explanation(demo_out: Path) -> None:
    text = (demo_out / f"{BASENAME}-toelichting.txt").read_text(encoding="utf-8")
    assert text.startswith("FICTIEVE DEMODATA")
    assert "geen persoonsgericht open-bronnenonderzoek" in text and "geen besluit" in text and "lagere prioriteit" in text


def test_svg_coordinates_have_at_most_one_decimal(demo_out: Path) -> None:
    html = (demo_out / f"{BASENAME}.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg"): html.index("</svg>")]
    numbers = re.findall(r'\b(?:x|y|cx|cy|r|x1|x2|y1|y2)="(-?[0-9.]+)"', svg)
    assert len(numbers) > 100
    assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in numbers), [n for n in numbers if not re.fullmatch(r"-?\d+(\.\d)?", n)][:5]


def test_safe_cell_neutralises_formulas() -> None:
    from bibobscan.report.cells import safe_cell

    assert safe_cell('=HYPERLINK("http://evil.example","klik")') == '\'=HYPERLINK("http://evil.example","klik")'
    for hostile in ("+31 6 1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "  =1+1"):
        assert safe_cell(hostile).startswith("'"), hostile
    assert safe_cell(None) == "" and safe_cell(12) == "12" and safe_cell(-3.5) == "-3.5" and safe_cell("Kapsalon -Knip-") == "Kapsalon -Knip-"
    import bibobscan.report.sector as sector_report

    assert sector_report.safe_cell is safe_cell


# --- issue 9: case data, versions, reading back -------------------------------------------------


def test_the_demo_sector_report_carries_the_demo_case(demo_out: Path, demo_report: dict[str, Any]) -> None:
    case = demo_report["case"]
    assert case["case_id"] == "DEMO-2026-003" and case["zaaktype"] == "Branchescan (planning van toezicht)"
    assert case["confidentiality"] == "Vertrouwelijk - Wet Bibob art. 28" and case["retention_until"] == "2031-11-20"
    assert demo_report["integrity"]["algorithm"] == "sha256"  # sealed like a person report
    tree = LexborHTMLParser((demo_out / f"{BASENAME}.html").read_text(encoding="utf-8"))
    zaak = tree.css_first("#zaak").text()
    for value in (case["case_id"], case["purpose"], case["officer"], case["retention_until"], case["confidentiality"]):
        assert value and value in zaak, value
    for where in (".conf", "footer"):
        assert "zaak DEMO-2026-003" in tree.css_first(where).text() and "bewaren tot 2031-11-20" in tree.css_first(where).text()
    text = (demo_out / f"{BASENAME}-toelichting.txt").read_text(encoding="utf-8")
    assert "Vertrouwelijk - Wet Bibob art. 28 – zaak DEMO-2026-003 – bewaren tot 2031-11-20." in text and case["purpose"] in text
    book = load_workbook(demo_out / f"{BASENAME}.xlsx")
    assert any("zaak DEMO-2026-003" in str(c.value) for row in book["Toelichting"].iter_rows() for c in row)


def test_the_case_options_are_recorded(tmp_path: Path) -> None:
    from bibobscan.cli.scan import add_years

    result = runner.invoke(app, [
        "sector", "kappers", "--municipality", "Tilburg", "--demo", "--no-pdf", "--out", str(tmp_path), "--case", "TZ-2026/17",
        "--purpose", "Integrale controle kappers", "--officer", "Toezichthouder A", "--legal-ground", "APV art. 2:1", "--retention-years", "2",
    ])
    assert result.exit_code == 0, result.output
    path = tmp_path / "tz-2026-17-branchescan-kappers-tilburg.json"
    case = json.loads(path.read_text(encoding="utf-8"))["case"]
    assert (case["case_id"], case["purpose"], case["officer"], case["legal_ground"]) == ("TZ-2026/17", "Integrale controle kappers", "Toezichthouder A", "APV art. 2:1")
    assert case["retention_until"] == add_years(datetime.now(UTC).date(), 2).isoformat()
    assert str(path) in result.output and not list(tmp_path.glob("*.pdf"))  # --no-pdf


def test_a_live_sector_scan_needs_a_case_and_a_purpose(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--out", str(out)])
    assert result.exit_code == 2 and "--case is required for a live sector scan" in result.output, result.output
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--out", str(out), "--case", "TZ-1"])
    assert result.exit_code == 2 and "--purpose is required" in result.output, result.output
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--out", str(out), "--retention-years", "0"])
    assert result.exit_code == 2 and "--retention-years" in result.output
    assert not out.exists()  # refused before anything was asked or written


def test_a_rerun_never_replaces_the_earlier_report(tmp_path: Path) -> None:
    command = ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--no-pdf", "--out", str(tmp_path)]
    assert runner.invoke(app, command).exit_code == 0
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert sorted(first) == sorted(f"{BASENAME}{s}" for s in (".html", ".csv", "-toelichting.txt", ".xlsx", ".json"))
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name in first} == first  # untouched
    second = sorted(p.name for p in tmp_path.iterdir() if p.is_file() and p.name not in first)
    assert second == sorted(f"{BASENAME}-2{s}" for s in (".html", ".csv", "-toelichting.txt", ".xlsx", ".json"))
    # a set is claimed whole: one file of a -3 set (its PDF, made later) keeps the next run off -3
    (tmp_path / f"{BASENAME}-3.pdf").write_bytes(b"%PDF")
    result = runner.invoke(app, command)
    assert result.exit_code == 0 and f"{BASENAME}-4.json" in result.output, result.output
    assert not (tmp_path / f"{BASENAME}-3.json").exists()


def test_a_failed_write_removes_the_claimed_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bibobscan.errors import ReportError
    from bibobscan.report.sector import write_sector_report

    report = run_demo(None)

    def disk_full(report: SectorReport, path: Path) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("bibobscan.report.sector.write_sector_xlsx", disk_full)
    with pytest.raises(ReportError, match=r"branchescan-kappers-tilburg\.xlsx: No space left"):
        write_sector_report(report, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_sector_json_reads_back_to_the_same_report(demo_out: Path) -> None:
    from bibobscan.report.sector import (
        read_sector_report,
        render_sector_html,
        render_sector_json,
    )

    path = demo_out / f"{BASENAME}.json"
    report = read_sector_report(path)
    assert render_sector_json(report) == path.read_text(encoding="utf-8")
    assert render_sector_html(report) == (demo_out / f"{BASENAME}.html").read_text(encoding="utf-8")


def test_a_broken_or_changed_sector_report_is_refused_naming_file_and_field(demo_out: Path, tmp_path: Path) -> None:
    from bibobscan.errors import ReportError
    from bibobscan.report.sector import read_sector_report

    original = json.loads((demo_out / f"{BASENAME}.json").read_text(encoding="utf-8"))
    path = tmp_path / "rangorde.json"

    def refused(change: Callable[[dict[str, Any]], None], says: str) -> None:
        data = json.loads(json.dumps(original))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(ReportError) as caught:
            read_sector_report(path)
        assert str(path) in str(caught.value) and says in str(caught.value), str(caught.value)

    refused(lambda d: d.pop("label"), "field 'label' is missing")
    refused(lambda d: d["establishments"][2].__setitem__("points", "veel"), "establishments[2].points must be a whole number or a number, not str")
    refused(lambda d: d["establishments"][0]["hits"][0].pop("sentence"), "establishments[0].hits[0].sentence must be a text")
    refused(lambda d: d["subject"].__setitem__("kind", "company"), "not a sector report")
    refused(lambda d: d["establishments"][0].__setitem__("points", 0), "the report digest does not match")  # an edit by hand
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ReportError, match="not JSON"):
        read_sector_report(path)


def test_a_sector_report_without_case_or_digest_is_still_read(demo_out: Path, tmp_path: Path) -> None:
    """Written before sector reports carried a case and a digest: read, and said so."""
    from bibobscan.report.sector import (
        read_sector_report,
        render_sector_explanation,
        render_sector_html,
    )

    data = json.loads((demo_out / f"{BASENAME}.json").read_text(encoding="utf-8"))
    del data["case"], data["integrity"]
    path = tmp_path / "oud.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = read_sector_report(path)
    assert report.case is None and len(report.establishments) == 35
    assert "zonder zaakgegevens" in LexborHTMLParser(render_sector_html(report)).css_first("#zaak").text()
    assert "Zaak: niet vastgelegd" in render_sector_explanation(report)


def test_an_establishment_without_usable_data_is_not_assessable_and_listed_apart(demo_out: Path, demo_report: dict[str, Any]) -> None:
    """No data of its own (no postcode, no name to search on): "niet te beoordelen", never
    "lagere prioriteit", and after every establishment that could be assessed."""
    rows = demo_report["establishments"]
    apart = [e for e in rows if not e["assessable"]]
    assert apart and all(e["band_label"] == "niet te beoordelen" and not e["hits"] for e in apart)
    assert all(e["insufficient"] for e in apart)
    assert [e["assessable"] for e in rows] == sorted((e["assessable"] for e in rows), reverse=True)
    assert all(e["band_label"] != "niet te beoordelen" for e in rows if e["assessable"])
    html = (demo_out / f"{BASENAME}.html").read_text(encoding="utf-8")
    ranking, rest = html.split('id="niet-te-beoordelen"', 1)
    assert f"Niet te beoordelen ({len(apart)})" in rest
    assert "(zonder naam)" in rest.split("</table>", 1)[0] and "(zonder naam)" not in ranking.split('id="rangorde"', 1)[1]
