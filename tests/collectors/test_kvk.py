"""KvK collector against the recorded KvK wire format (tests/fixtures/kvk, from
../shared/apis/samples; *.constructed.json are built in the same shape). No network."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.kvk import PUBLIC_TEST_KEY, KvkCollector
from bibobscan.demo.replay import ReplayTransport
from bibobscan.errors import MalformedResponse, RateLimited, ResponseTooLarge, SourceTimeout, UpstreamError
from bibobscan.http import HttpClient
from bibobscan.model import Evidence, Subject, SubjectKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kvk"
TEST = "https://api.kvk.nl/test/api"
PROD = "https://api.kvk.nl/api"
HAL = {"Content-Type": "application/hal+json", "API-Version": "1.5.0"}
ZOEK = {"Content-Type": "application/hal+json", "API-Version": "2.1.0"}
ERR = {"Content-Type": "application/json"}
TEST_CONFIG = {"environment": "test"}

MakeCtx = Callable[..., CollectContext]


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def ok(name: str, headers: dict[str, str] = HAL) -> httpx.Response:
    return httpx.Response(200, content=body(name), headers=headers)


def company(kvk: str | None = "68750110", name: str = "Test BV Donald") -> Subject:
    return Subject(kind=SubjectKind.COMPANY, name=name, kvk=kvk)


def collect(ctx: CollectContext, subject: Subject) -> Collected:
    async def run() -> Collected:
        try:
            return await KvkCollector().collect(subject, ctx)
        finally:
            await ctx.http.aclose()

    return asyncio.run(run())


def only(result: Collected, kind: str) -> Evidence:
    found = [e for e in result.evidence if e.kind == kind]
    assert len(found) == 1, [e.kind for e in result.evidence]
    return found[0]


def mock_bv(mock: respx.MockRouter, base: str = TEST) -> dict[str, respx.Route]:
    """The BV 68750110 of the KvK test environment: profile, branch and address search."""
    return {
        "profile": mock.get(f"{base}/v1/basisprofielen/68750110").mock(return_value=ok("kvk-basisprofiel-v1-bv.json")),
        "branch": mock.get(f"{base}/v1/vestigingsprofielen/000037178598").mock(
            return_value=ok("kvk-vestigingsprofiel-v1-bv.json")
        ),
        "address": mock.get(f"{base}/v2/zoeken", params={"postcode": "8823SJ", "huisnummer": "3"}).mock(
            return_value=ok("kvk-zoeken-v2-postcode.constructed.json", ZOEK)
        ),
    }


# --- success ---------------------------------------------------------------------------


def test_basisprofiel_bv_fields(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        routes = mock_bv(mock)
        result = collect(make_ctx(TEST_CONFIG), company())

    assert [e.kind for e in result.evidence] == ["register.company", "register.establishment", "register.address"]
    assert result.notes == []
    ev = only(result, "register.company")
    f = ev.fields
    assert f["kvk"] == "68750110"
    assert f["name"] == "Test BV Donald"
    assert f["trade_names"] == ["Test BV Donald"]
    assert f["legal_form"] == "Besloten vennootschap met gewone structuur"
    assert f["registered_on"] == "2017-05-19"
    assert f["started_on"] == "2017-05-19"
    assert f["ended_on"] is None and f["active"] is True
    assert f["sbi"] == [{"code": "01241", "description": "Teelt van appels en peren", "main": True, "version": "unknown"}]
    assert f["vestigingsnummer"] == "000037178598"
    assert f["employees"] == 1
    post, visit = f["addresses"]
    assert post == {
        "type": "correspondentieadres", "street": "Postbus", "number": 200, "addition": "", "postcode": "1000AE",
        "city": "Rommeldam", "shielded": False, "full": "Postbus 200 1000AE Rommeldam",
    }
    assert visit["type"] == "bezoekadres" and visit["street"] == "Hizzaarderlaan"
    assert (visit["number"], visit["addition"], visit["postcode"], visit["city"]) == (3, "A", "8823SJ", "Lollum")
    assert visit["full"] == "Hizzaarderlaan 3 A 8823SJ Lollum"  # runs of spaces collapsed
    assert set(f) == {
        "kvk", "name", "trade_names", "legal_form", "registered_on", "started_on", "ended_on",
        "sbi", "addresses", "vestigingsnummer", "employees", "active",
    }
    # provenance
    assert ev.id == Evidence.make_id("kvk", "register.company", "68750110")
    assert ev.url == f"{TEST}/v1/basisprofielen/68750110"
    assert ev.query == "basisprofielen/68750110"
    assert ev.sha256 == hashlib.sha256(body("kvk-basisprofiel-v1-bv.json")).hexdigest()
    assert ev.title == "Test BV Donald (KvK 68750110)"
    assert "2017-05-19" in ev.excerpt and "01241" in ev.excerpt and "Hizzaarderlaan 3 A" in ev.excerpt
    # the key went in the apikey header of every request, never in the URL
    for route in routes.values():
        request = route.calls.last.request
        assert request.headers["apikey"] == PUBLIC_TEST_KEY
        assert PUBLIC_TEST_KEY not in str(request.url)


def test_establishment_and_address(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        routes = mock_bv(mock)
        result = collect(make_ctx(TEST_CONFIG), company())

    branch = only(result, "register.establishment")
    assert branch.fields["main"] is True
    assert branch.fields["vestigingsnummer"] == "000037178598"
    assert branch.fields["registered_on"] == "2020-02-10" and branch.fields["started_on"] == "2014-02-10"
    assert branch.fields["legal_form"] == "Besloten vennootschap met gewone structuur"  # from the basisprofiel
    assert branch.query == "vestigingsprofielen/000037178598"

    address = only(result, "register.address")
    assert address.fields["registrations"] == 30
    assert len(address.fields["sample_names"]) == 25
    assert address.fields["sample_names"][0] == "Test BV Donald"
    assert address.fields["postcode"] == "8823SJ" and address.fields["house_number"] == "3"
    assert address.fields["kvk"] == "68750110"
    assert address.fields["address"] == "Hizzaarderlaan 3 A 8823SJ Lollum"
    params = routes["address"].calls.last.request.url.params
    assert params["resultatenPerPagina"] == "100"


def test_links_object_form_and_many_trade_names(make_ctx: MakeCtx) -> None:
    """The Eenmanszaak sample: `_links` object form, huisletter, eight trade names."""
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/69599084").mock(return_value=ok("kvk-basisprofiel-v1.json"))
        mock.get(f"{TEST}/v1/vestigingsprofielen/000038509504").mock(return_value=ok("kvk-vestigingsprofiel-v1.json"))
        mock.get(f"{TEST}/v2/zoeken").mock(return_value=httpx.Response(404, content=body("kvk-zoeken-v2-404.json"), headers=ERR))
        result = collect(make_ctx(TEST_CONFIG), company("69599084", "Test EMZ Dagobert"))

    f = only(result, "register.company").fields
    assert f["legal_form"] == "Eenmanszaak"
    assert len(f["trade_names"]) == 8 and f["trade_names"][1] == "Tweede handelsnaam 1MZ"
    assert f["addresses"][0]["full"] == "Abebe Bikilalaan 17 M 1034WL Amsterdam"
    assert f["addresses"][0]["addition"] == "M"
    assert [s["code"] for s in f["sbi"]] == ["10110", "10120", "10130"]
    assert [s["main"] for s in f["sbi"]] == [True, False, False]
    assert f["registered_on"] == "2017-07-10" and f["started_on"] == "2017-01-08"
    # zero registrations at the address (404 IPD5200) is a fact, not an error
    assert only(result, "register.address").fields["registrations"] == 0


def test_vestigingsnummer_from_links_when_field_missing(make_ctx: MakeCtx) -> None:
    data = json.loads(body("kvk-basisprofiel-v1.json"))
    del data["_embedded"]["hoofdvestiging"]["vestigingsnummer"]
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/69599084").respond(200, json=data, headers=HAL)
        branch = mock.get(f"{TEST}/v1/vestigingsprofielen/000038509504").mock(return_value=ok("kvk-vestigingsprofiel-v1.json"))
        mock.get(f"{TEST}/v2/zoeken").respond(404, content=body("kvk-zoeken-v2-404.json"), headers=ERR)
        result = collect(make_ctx(TEST_CONFIG), company("69599084", "Test EMZ Dagobert"))
    assert branch.called
    assert only(result, "register.company").fields["vestigingsnummer"] == "000038509504"


def test_rechtspersoon_without_branch_uses_owner_address(make_ctx: MakeCtx) -> None:
    """VvE sample: no hoofdvestiging, the address sits in `_embedded.eigenaar`."""
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/90000749").mock(return_value=ok("kvk-basisprofiel-v1-vve.json"))
        search = mock.get(f"{TEST}/v2/zoeken", params={"postcode": "3328XD", "huisnummer": "163"}).respond(
            404, content=body("kvk-zoeken-v2-404.json"), headers=ERR
        )
        result = collect(make_ctx(TEST_CONFIG), company("90000749", "Global Conron"))
    f = only(result, "register.company").fields
    assert f["vestigingsnummer"] is None
    assert f["legal_form"] == "Vereniging van Eigenaars"
    assert f["addresses"][0]["full"] == "Blaauwweg 163 3328XD Dordrecht"
    assert f["employees"] is None
    assert search.called
    assert any("geen hoofdvestiging" in n for n in result.notes)


def test_shielded_visit_address_is_not_searched(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{TEST}/v1/basisprofielen/90001354").mock(return_value=ok("kvk-basisprofiel-v1-afgeschermd.constructed.json"))
        mock.get(f"{TEST}/v1/vestigingsprofielen/990000541921").respond(
            400, content=body("kvk-vestigingsprofiel-v1-400.json"), headers=ERR
        )
        search = mock.get(f"{TEST}/v2/zoeken")
        result = collect(make_ctx(TEST_CONFIG), company("90001354", "Grand Joyflex B.V."))
    visit = only(result, "register.company").fields["addresses"][0]
    assert visit["type"] == "bezoekadres" and visit["shielded"] is True
    assert not search.called
    assert any("afgeschermd" in n for n in result.notes)
    assert "afgeschermd" in only(result, "register.company").excerpt


# --- search by name --------------------------------------------------------------------


def test_search_by_name_single_match_continues(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        search = mock.get(f"{TEST}/v2/zoeken", params={"naam": "Test BV Donald"}).mock(
            return_value=ok("kvk-zoeken-v2-multiple-branches.json", ZOEK)
        )
        mock_bv(mock)
        result = collect(make_ctx(TEST_CONFIG), company(None))

    assert search.calls.last.request.url.params["resultatenPerPagina"] == "10"
    hits = [e for e in result.evidence if e.kind == "register.search_result"]
    assert [h.fields["type"] for h in hits] == ["rechtspersoon", "hoofdvestiging", "nevenvestiging"]
    assert hits[1].fields == {"kvk": "68750110", "name": "Test BV Donald", "type": "hoofdvestiging", "city": "Lollum", "active": None}
    assert hits[0].fields["city"] == ""
    assert len({h.id for h in hits}) == 3
    assert only(result, "register.company").fields["kvk"] == "68750110"
    assert result.notes == []


def test_search_by_name_ambiguous_stops(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{TEST}/v2/zoeken", params={"naam": "Grand Joyflex B.V."}).mock(
            return_value=ok("kvk-zoeken-v2-naam-ambiguous.constructed.json", ZOEK)
        )
        profile = mock.get(url__regex=r".*/basisprofielen/.*")
        result = collect(make_ctx(TEST_CONFIG), company(None, "Grand Joyflex B.V."))
    assert not profile.called
    assert [e.kind for e in result.evidence] == ["register.search_result"] * 3
    assert result.evidence[2].fields["active"] is False
    assert result.notes == ["meerdere inschrijvingen gevonden; geef --kvk op"]


def test_search_by_name_no_results(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v2/zoeken").respond(404, content=body("kvk-zoeken-v2-404.json"), headers=ERR)
        result = collect(make_ctx(TEST_CONFIG), company(None, "Bestaat Niet B.V."))
    assert result.evidence == []
    assert result.notes and "geen inschrijvingen" in result.notes[0]


def test_unknown_kvk_number_is_no_results(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/12345678").respond(404, content=body("kvk-basisprofiel-v1-404.json"), headers=ERR)
        result = collect(make_ctx(TEST_CONFIG), company("12345678"))
        assert len(mock.calls) == 1
    assert result.evidence == []
    assert result.notes and "12345678" in result.notes[0]


# --- failures ---------------------------------------------------------------------------


def test_retry_after_429_then_success(make_ctx: MakeCtx, sleeps: Any) -> None:
    with respx.mock() as mock:
        routes = mock_bv(mock)
        routes["profile"].side_effect = [
            httpx.Response(429, headers={"Retry-After": "3"}),
            ok("kvk-basisprofiel-v1-bv.json"),
        ]
        ctx = make_ctx(TEST_CONFIG)
        ctx.http.settings.host_policies = {}  # no politeness pauses mixed into sleeps.waits
        result = collect(ctx, company())
    assert sleeps.waits == [3.0]
    assert routes["profile"].call_count == 2
    assert only(result, "register.company").fields["kvk"] == "68750110"


def test_429_exhausted_is_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(429, headers={"Retry-After": "1"})
        with pytest.raises(RateLimited):
            collect(make_ctx(TEST_CONFIG), company())
    assert route.call_count == 3  # first try + 2 retries


def test_server_error_with_fout_body(make_ctx: MakeCtx) -> None:
    fout = {"fout": [{"code": "IPD9999", "omschrijving": "Algemene technische fout"}]}
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(500, json=fout)
        with pytest.raises(UpstreamError) as info:
            collect(make_ctx(TEST_CONFIG), company())
    assert info.value.status_code == 500
    assert "IPD9999" in str(info.value) and "Algemene technische fout" in str(info.value)
    assert info.value.source == "kvk"


def test_bad_gateway_exhausted_is_upstream_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(502, text="Bad Gateway")
        with pytest.raises(UpstreamError) as info:
            collect(make_ctx(TEST_CONFIG), company())
    assert info.value.status_code == 502


def test_unauthorized_is_upstream_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{PROD}/v1/basisprofielen/68750110").respond(401, text="Geen of onjuiste apikey aangeleverd")
        with pytest.raises(UpstreamError) as info:
            collect(make_ctx({"api_key": "wrong"}), company())
    assert info.value.status_code == 401 and "apikey" in str(info.value)


def test_timeout(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(SourceTimeout):
            collect(make_ctx(TEST_CONFIG), company())


def test_malformed_json(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").respond(200, content=b"<html>onderhoud</html>", headers=HAL)
        with pytest.raises(MalformedResponse) as info:
            collect(make_ctx(TEST_CONFIG), company())
    assert "basisprofielen/68750110" in str(info.value)


def test_wrong_shape(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v2/zoeken").respond(200, json={"pagina": 1, "resultaten": "geen lijst"}, headers=ZOEK)
        with pytest.raises(MalformedResponse) as info:
            collect(make_ctx(TEST_CONFIG), company(None))
    assert "zoeken" in str(info.value)


def test_oversized_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(f"{TEST}/v1/basisprofielen/68750110").mock(return_value=ok("kvk-basisprofiel-v1-bv.json"))
        with pytest.raises(ResponseTooLarge):
            collect(make_ctx(TEST_CONFIG, max_bytes=500), company())


def test_branch_failure_keeps_company(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        routes = mock_bv(mock)
        routes["branch"].return_value = httpx.Response(400, content=body("kvk-vestigingsprofiel-v1-400.json"), headers=ERR)
        routes["address"].side_effect = httpx.ConnectError("refused")
        result = collect(make_ctx(TEST_CONFIG), company())
    assert [e.kind for e in result.evidence] == ["register.company"]
    assert len(result.notes) == 2
    assert result.notes[0].startswith("vestigingsprofiel niet opgehaald:") and "IPD0006" in result.notes[0]
    assert "bezoekadres niet opgehaald" in result.notes[1]


# --- configuration ------------------------------------------------------------------------


def test_not_configured_without_key() -> None:
    collector = KvkCollector()
    reason = collector.not_configured_reason({})
    assert reason is not None and "KVK_API_KEY" in reason
    assert collector.not_configured_reason({"api_key": "k"}) is None
    assert collector.not_configured_reason({"environment": "test"}) is None
    bad = collector.not_configured_reason({"api_key": "k", "environment": "acceptatie"})
    assert bad is not None and "acceptatie" in bad


def test_production_uses_configured_key_and_base(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        routes = mock_bv(mock, base=PROD)
        collect(make_ctx({"api_key": "secret-key"}), company())
    assert routes["profile"].calls.last.request.headers["apikey"] == "secret-key"


def test_base_url_override(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get("https://kvk.proxy.example/api/v1/basisprofielen/12345678").respond(
            404, content=body("kvk-basisprofiel-v1-404.json"), headers=ERR
        )
        collect(make_ctx({"api_key": "k", "base_url": "https://kvk.proxy.example/api/"}), company("12345678"))
    assert route.called


def test_describe_query() -> None:
    collector = KvkCollector()
    assert collector.describe_query(company("68750110"), {}) == "kvkNummer=68750110"
    assert collector.describe_query(company(None, "Test BV Donald"), {}) == "naam=Test BV Donald"


def test_class_attributes() -> None:
    assert KvkCollector.id == "kvk"
    assert KvkCollector.applies_to == frozenset({SubjectKind.COMPANY})
    assert "register.address_shielded" in KvkCollector.provides


# --- demo world ------------------------------------------------------------------------------


def test_demo_world_kvk_parses() -> None:
    subject = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011")
    ctx = CollectContext(
        http=HttpClient(transport=ReplayTransport()),
        config={"api_key": "demo-not-a-real-key", "environment": "production"},
        reference_date=date(2026, 11, 20),
        demo=True,
    )
    result = collect(ctx, subject)
    assert result.notes == []
    f = only(result, "register.company").fields
    assert f["registered_on"] == "2026-06-02"
    assert [s["code"] for s in f["sbi"] if s["main"]] == ["5630"]
    assert f["sbi"][0]["version"] == "2008"
    assert f["legal_form"] == "Besloten vennootschap"
    assert f["addresses"][0]["full"] == "Demostraat 1 5049ZZ Tilburg"
    assert only(result, "register.establishment").fields["vestigingsnummer"] == "990000111111"
    address = only(result, "register.address").fields
    assert address["registrations"] == 38
    assert len(address["sample_names"]) == 25
    assert "Voorbeeld Shisha Lounge B.V." in address["sample_names"]


@pytest.mark.parametrize("name", ["Voorbeeld Shisha Lounge B.V.", "Voorbeeld Shisha Lounge"])
def test_demo_world_name_search(name: str) -> None:
    ctx = CollectContext(
        http=HttpClient(transport=ReplayTransport()),
        config={"api_key": "demo-not-a-real-key"},
        reference_date=date(2026, 11, 20),
        demo=True,
    )
    result = collect(ctx, Subject(kind=SubjectKind.COMPANY, name=name))
    assert only(result, "register.company").fields["kvk"] == "99000011"
    assert len([e for e in result.evidence if e.kind == "register.search_result"]) == 4


@pytest.mark.parametrize(("kvk", "registrations"), [("99000012", 1), ("99000013", 38)])
def test_demo_world_other_companies(kvk: str, registrations: int) -> None:
    ctx = CollectContext(
        http=HttpClient(transport=ReplayTransport()),
        config={"api_key": "demo-not-a-real-key"},
        reference_date=date(2026, 11, 20),
        demo=True,
    )
    result = collect(ctx, Subject(kind=SubjectKind.COMPANY, name="x", kvk=kvk))
    assert result.notes == []
    assert only(result, "register.address").fields["registrations"] == registrations
