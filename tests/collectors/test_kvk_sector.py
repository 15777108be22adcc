"""KvK helpers for the sector scan (collectors/kvk_sector.py) against the recorded KvK wire
format (tests/fixtures/kvk), and the whole sector data layer against the demo world."""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import respx

from bibobscan.collectors import CollectContext
from bibobscan.collectors.cbs import CbsCollector
from bibobscan.collectors.kvk import PUBLIC_TEST_KEY
from bibobscan.collectors.kvk_sector import (
    lookup_address,
    lookup_profile,
    not_configured_reason,
    searchable_address,
)
from bibobscan.collectors.osm import OsmCollector
from bibobscan.demo.replay import ReplayTransport
from bibobscan.errors import ErrorInBody, MalformedResponse, RateLimited, ResponseTooLarge, SourceTimeout, UpstreamError
from bibobscan.http import HttpClient
from bibobscan.model import Evidence, Municipality, SectorSpec, Subject, SubjectKind
from bibobscan.sector import effective_sbi_version, resolve_preset

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kvk"
TEST = "https://api.kvk.nl/test/api"
PROD = "https://api.kvk.nl/api"
HAL = {"Content-Type": "application/hal+json", "API-Version": "1.5.0"}
ZOEK = {"Content-Type": "application/hal+json", "API-Version": "2.1.0"}
ERR = {"Content-Type": "application/json"}
TEST_CONFIG = {"environment": "test"}
REFERENCE = date(2026, 11, 20)
MakeCtx = Callable[..., CollectContext]
T = TypeVar("T")


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def run(ctx: CollectContext, make: Callable[[HttpClient], Awaitable[T]]) -> T:
    async def go() -> T:
        try:
            return await make(ctx.http)
        finally:
            await ctx.http.aclose()

    return asyncio.run(go())


def item(kvk: str, name: str, active: str | None = "Ja", letter: str = "") -> dict[str, Any]:
    address: dict[str, Any] = {"type": "bezoekadres", "straatnaam": "Hizzaarderlaan", "huisnummer": 3, "postcode": "8823SJ", "plaats": "Lollum"}
    if letter:
        address["huisletter"] = letter
    result: dict[str, Any] = {
        "kvkNummer": kvk, "vestigingsnummer": f"{kvk}0001", "naam": name,
        "adres": {"binnenlandsAdres": address}, "type": "hoofdvestiging",
    }
    if active is not None:
        result["actief"] = active
    return result


def page(items: list[dict[str, Any]], total: int, number: int = 1) -> dict[str, Any]:
    return {"pagina": number, "resultatenPerPagina": 100, "totaal": total, "resultaten": items}


# --- lookup_address --------------------------------------------------------------------------


def test_lookup_address_fields_params_and_provenance(make_ctx: MakeCtx) -> None:
    content = json.dumps(page([item("91000001", "Kapsalon Oud", "Nee", "a"), item("91000002", "Barbershop Nieuw")], 2)).encode()
    with respx.mock() as mock:
        route = mock.get(f"{TEST}/v2/zoeken").respond(200, content=content, headers=ZOEK)
        found = run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823 sj", "3a"))
    request = route.calls.last.request
    assert dict(request.url.params) == {
        "postcode": "8823SJ", "huisnummer": "3", "inclusiefInactieveRegistraties": "true", "resultatenPerPagina": "100",
    }
    assert request.headers["apikey"] == PUBLIC_TEST_KEY and PUBLIC_TEST_KEY not in str(request.url)
    old, new = found
    assert old["kvk"] == "91000001" and old["active"] is False and old["vestigingsnummer"] == "910000010001"
    assert old["address"] == {
        "type": "bezoekadres", "street": "Hizzaarderlaan", "number": 3, "addition": "a", "postcode": "8823SJ",
        "city": "Lollum", "shielded": False, "full": "",
    }
    assert new["name"] == "Barbershop Nieuw" and new["active"] is True and new["type"] == "hoofdvestiging"
    assert new["city"] == "Lollum"
    provenance = new["provenance"]
    assert provenance["url"].startswith(f"{TEST}/v2/zoeken?")
    assert provenance["query"] == "zoeken postcode=8823SJ huisnummer=3 inclusiefInactieveRegistraties=true"
    assert provenance["sha256"] == hashlib.sha256(content).hexdigest()
    assert provenance["retrieved_at"].endswith("+00:00")


def test_lookup_address_recorded_fixture_and_active_only(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{TEST}/v2/zoeken").respond(200, content=body("kvk-zoeken-v2-postcode.constructed.json"), headers=ZOEK)
        found = run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3, include_inactive=False))
    assert route.calls.last.request.url.params["inclusiefInactieveRegistraties"] == "false"
    assert len(found) == 30
    assert found[0]["kvk"] == "68750110" and found[0]["active"] is None  # no "actief" in the answer


def test_lookup_address_pages_until_totaal(make_ctx: MakeCtx) -> None:
    first = page([item(str(91000000 + i), f"Zaak {i}") for i in range(100)], 130)
    second = page([item(str(91000100 + i), f"Zaak {100 + i}") for i in range(30)], 130, 2)

    def answer(request: httpx.Request) -> httpx.Response:
        data = second if request.url.params.get("pagina") == "2" else first
        return httpx.Response(200, json=data, headers=ZOEK)

    with respx.mock() as mock:
        route = mock.get(f"{TEST}/v2/zoeken").mock(side_effect=answer)
        found = run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))
    assert len(found) == 130 and route.call_count == 2


def test_lookup_address_stops_when_a_page_repeats(make_ctx: MakeCtx) -> None:
    repeated = page([item("91000001", "Zaak")], 5)  # totaal says 5, every page gives the same one
    with respx.mock() as mock:
        route = mock.get(f"{TEST}/v2/zoeken").respond(200, json=repeated, headers=ZOEK)
        found = run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))
    assert len(found) == 1 and route.call_count == 2


def test_lookup_address_no_registrations(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v2/zoeken").respond(404, content=body("kvk-zoeken-v2-404.json"), headers=ERR)
        found = run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))
    assert found == []


@pytest.mark.parametrize(
    ("postcode", "number", "expected"),
    [
        ("5038 zk", "18a", ("5038ZK", 18)),
        ("5038ZK", 7, ("5038ZK", 7)),
        ("5038ZK", " 12-14", ("5038ZK", 12)),
        ("5038", "7", None),
        ("0123AB", "7", None),
        ("5038ZK", "", None),
        ("5038ZK", "0", None),
        ("5038ZK", "zonder", None),
    ],
)
def test_searchable_address(postcode: str, number: str | int, expected: tuple[str, int] | None) -> None:
    assert searchable_address(postcode, number) == expected


def test_unsearchable_address_raises_value_error(make_ctx: MakeCtx) -> None:
    with pytest.raises(ValueError, match="postcode"):
        run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "5038", "7"))


# --- lookup_profile ------------------------------------------------------------------------


def test_lookup_profile_reuses_the_company_fields(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(200, content=body("kvk-basisprofiel-v1-bv.json"), headers=HAL)
        profile = run(make_ctx(TEST_CONFIG), lambda http: lookup_profile(http, TEST_CONFIG, "6875 0110", reference_date=REFERENCE))
    assert profile is not None
    assert route.calls.last.request.headers["apikey"] == PUBLIC_TEST_KEY
    assert profile["kvk"] == "68750110" and profile["name"] == "Test BV Donald"
    assert profile["legal_form"] == "Besloten vennootschap met gewone structuur"
    assert profile["registered_on"] == "2017-05-19" and profile["active"] is True
    assert profile["sbi"] == [{"code": "01241", "description": "Teelt van appels en peren", "main": True, "version": "unknown"}]
    assert profile["vestigingsnummer"] == "000037178598"
    assert [a["type"] for a in profile["addresses"]] == ["correspondentieadres", "bezoekadres"]
    assert profile["provenance"]["query"] == "basisprofielen/68750110"
    assert profile["provenance"]["url"] == f"{TEST}/v1/basisprofielen/68750110"
    assert set(profile) == {
        "kvk", "name", "trade_names", "legal_form", "registered_on", "started_on", "ended_on",
        "sbi", "addresses", "vestigingsnummer", "employees", "active", "provenance",
    }


def test_lookup_profile_unknown_number_is_none(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/12345678").respond(404, content=body("kvk-basisprofiel-v1-404.json"), headers=ERR)
        assert run(make_ctx(TEST_CONFIG), lambda http: lookup_profile(http, TEST_CONFIG, "12345678")) is None


def test_lookup_profile_rejects_a_bad_number(make_ctx: MakeCtx) -> None:
    with pytest.raises(ValueError, match="8 digits"):
        run(make_ctx(TEST_CONFIG), lambda http: lookup_profile(http, TEST_CONFIG, "1234"))


def test_production_key_and_base_url_like_the_collector(make_ctx: MakeCtx) -> None:
    config = {"api_key": "secret-key", "base_url": "https://kvk.proxy.example/api/"}
    with respx.mock() as mock:
        route = mock.get("https://kvk.proxy.example/api/v1/basisprofielen/68750110").respond(
            200, content=body("kvk-basisprofiel-v1-bv.json"), headers=HAL
        )
        run(make_ctx(config), lambda http: lookup_profile(http, config, "68750110"))
    assert route.calls.last.request.headers["apikey"] == "secret-key"
    assert not_configured_reason({}) is not None and "KVK_API_KEY" in (not_configured_reason({}) or "")
    assert not_configured_reason(TEST_CONFIG) is None


# --- failures ----------------------------------------------------------------------------


def test_429_with_retry_after_then_success(make_ctx: MakeCtx, sleeps: Any) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{TEST}/v2/zoeken").mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "4"}),
                httpx.Response(200, json=page([item("91000001", "Zaak")], 1), headers=ZOEK),
            ]
        )
        ctx = make_ctx(TEST_CONFIG)
        ctx.http.settings.host_policies = {}
        found = run(ctx, lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))
    assert route.call_count == 2 and sleeps.waits == [4.0] and len(found) == 1


def test_429_exhausted_is_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(429, headers={"Retry-After": "1"})
        with pytest.raises(RateLimited):
            run(make_ctx(TEST_CONFIG), lambda http: lookup_profile(http, TEST_CONFIG, "68750110"))


def test_server_error_names_the_fout(make_ctx: MakeCtx) -> None:
    fout = {"fout": [{"code": "IPD9999", "omschrijving": "Algemene technische fout"}]}
    with respx.mock() as mock:
        mock.get(f"{TEST}/v2/zoeken").respond(500, json=fout)
        with pytest.raises(UpstreamError) as info:
            run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))
    assert info.value.status_code == 500 and "IPD9999" in str(info.value)


def test_timeout(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v2/zoeken").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(SourceTimeout):
            run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))


@pytest.mark.parametrize("content", [b"<html>onderhoud</html>", b'{"pagina": 1, "resultaten": "geen lijst"}', b"[]"])
def test_malformed_search(make_ctx: MakeCtx, content: bytes) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v2/zoeken").respond(200, content=content, headers=ZOEK)
        with pytest.raises(MalformedResponse):
            run(make_ctx(TEST_CONFIG), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))


def test_profile_without_kvk_number_is_malformed(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(200, json={"naam": "x"}, headers=HAL)
        with pytest.raises(MalformedResponse, match="kvkNummer"):
            run(make_ctx(TEST_CONFIG), lambda http: lookup_profile(http, TEST_CONFIG, "68750110"))


def test_error_inside_200(make_ctx: MakeCtx) -> None:
    fout = {"fout": [{"code": "IPD1002", "omschrijving": "Tijdelijk niet beschikbaar"}]}
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(200, json=fout, headers=HAL)
        with pytest.raises(ErrorInBody, match="IPD1002"):
            run(make_ctx(TEST_CONFIG), lambda http: lookup_profile(http, TEST_CONFIG, "68750110"))


def test_oversized_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v2/zoeken").respond(200, content=body("kvk-zoeken-v2-postcode.constructed.json"), headers=ZOEK)
        with pytest.raises(ResponseTooLarge):
            run(make_ctx(TEST_CONFIG, max_bytes=1000), lambda http: lookup_address(http, TEST_CONFIG, "8823SJ", 3))


# --- the demo world: the whole sector data layer offline -------------------------------------

DEMO_SECTOR = Subject(
    kind=SubjectKind.SECTOR,
    name="Kappers in Tilburg",
    municipality=Municipality("GM0855", "Tilburg"),
    sector=SectorSpec(preset="kappers", osm_tags=[{"shop": "hairdresser"}]),
)
DEMO_KVK = {"api_key": "demo-not-a-real-key", "environment": "production"}
TURNOVER = {("Schaarweg", "12"), ("Tondeuselaan", "3"), ("Krulspeldstraat", "21")}


def metres(a: Evidence, b: Evidence) -> float:
    lat = math.radians((a.fields["lat"] + b.fields["lat"]) / 2)
    dy = (a.fields["lat"] - b.fields["lat"]) * 111_320
    dx = (a.fields["lon"] - b.fields["lon"]) * 111_320 * math.cos(lat)
    return math.hypot(dx, dy)


def test_demo_world_sector_data_layer(sleeps: Any) -> None:
    async def go() -> tuple[list[Evidence], list[Evidence], dict[tuple[str, str], list[dict[str, Any]]], dict[str, dict[str, Any]]]:
        async with HttpClient(transport=ReplayTransport(), sleep=sleeps) as http:
            ctx = CollectContext(http=http, config={}, reference_date=REFERENCE, demo=True)
            osm = await OsmCollector().collect(DEMO_SECTOR, ctx)
            cbs = await CbsCollector().collect(DEMO_SECTOR, ctx)
            addresses: dict[tuple[str, str], list[dict[str, Any]]] = {}
            profiles: dict[str, dict[str, Any]] = {}
            for e in osm.evidence:
                f = e.fields
                key = (f["street"], f["house_number"])
                if not f["postcode"] or key in addresses:
                    continue
                addresses[key] = await lookup_address(http, DEMO_KVK, f["postcode"], f["house_number"])
                for registration in addresses[key]:
                    profile = await lookup_profile(http, DEMO_KVK, registration["kvk"], reference_date=REFERENCE)
                    assert profile is not None, registration
                    profiles[registration["kvk"]] = profile
            return osm.evidence, cbs.evidence, addresses, profiles

    establishments, population, addresses, profiles = asyncio.run(go())

    # >= 30 establishments from OpenStreetMap
    assert len(establishments) >= 30
    assert all(e.kind == "osm.establishment" for e in establishments)
    # the planted cluster: 8+ barbershops in Knipstraat within ~300 m of each other
    knip = [e for e in establishments if e.fields["street"] == "Knipstraat"]
    assert len(knip) >= 8
    assert max(metres(a, b) for a in knip for b in knip) <= 300
    assert sum(1 for e in knip if e.fields["tags"].get("hairdresser") == "barber") == len(knip)
    # the high-turnover addresses: several ended registrations and one active
    for key in TURNOVER:
        registrations = addresses[key]
        assert sum(1 for r in registrations if r["active"] is False) >= 5, key
        assert sum(1 for r in registrations if r["active"] is True) == 1, key
        ended = sorted(profiles[r["kvk"]]["ended_on"] for r in registrations if r["active"] is False)
        assert all(e is not None for e in ended)
    # many companies at one address in the cluster
    assert sum(1 for r in addresses[("Knipstraat", "14")] if r["active"]) == 3
    # registration dates are spread: some recent (since 2025), some old (before 2015)
    dates = Counter(p["registered_on"][:4] for p in profiles.values() if p["active"])
    assert sum(n for y, n in dates.items() if y >= "2025") >= 10
    assert sum(n for y, n in dates.items() if y < "2015") >= 5
    # every registration is a kapper by the preset's SBI codes, except the holding
    kappers = resolve_preset("kappers")
    not_kapper = [
        p["name"] for p in profiles.values()
        if not any(kappers.matches_sbi(s["code"], effective_sbi_version(s["version"], REFERENCE)) for s in p["sbi"] if s["main"])
    ]
    assert not_kapper == ["Knip Holding B.V."]
    # Kapsalon Fictief of the existing demo (world/kvk) is part of the sector
    assert profiles["99000012"]["name"] == "Kapsalon Fictief"
    # the preset's name regex finds a barbershop tagged shop=beauty; two objects have no address
    assert [e.fields["name"] for e in establishments if e.fields["matched_on"] == "name"] == ["Barbershop Glans"]
    assert sum(1 for e in establishments if not e.fields["postcode"]) == 2
    # CBS population of Tilburg and the Netherlands, same year
    local, country = population
    assert (local.fields["municipality_code"], local.fields["period"]) == ("GM0855", "2025")
    assert local.fields["population"] > 200_000 and country.fields["population"] > 17_000_000
    assert country.fields["period"] == local.fields["period"]
