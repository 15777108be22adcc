"""CBS population collector against the OData v3 TypedDataSet format (tests/fixtures/cbs,
constructed from ../shared/apis/cbs.md). No network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from _run import collect_once

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.cbs import CbsCollector
from bibobscan.errors import (
    ErrorInBody,
    MalformedResponse,
    NotConfigured,
    RateLimited,
    ResponseTooLarge,
    SourceTimeout,
    UpstreamError,
)
from bibobscan.model import Municipality, SectorSpec, Subject, SubjectKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cbs"
URL = "https://opendata.cbs.nl/ODataApi/odata/70072ned/TypedDataSet"
JSON = {"Content-Type": "application/json;charset=utf-8"}
MakeCtx = Callable[..., CollectContext]
AMERSFOORT = Subject(
    kind=SubjectKind.SECTOR,
    name="Kappers in Amersfoort",
    municipality=Municipality("GM0307", "Amersfoort"),
    sector=SectorSpec(preset="kappers"),
)


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, content=body(name), headers=JSON)


def run(ctx: CollectContext, subject: Subject = AMERSFOORT) -> Collected:
    return collect_once(CbsCollector(), subject, ctx)


# --- success ---------------------------------------------------------------------------


def test_success_latest_year_with_national_baseline(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get(URL).mock(return_value=ok("typeddataset-gm0307-nl01.constructed.json"))
        result = run(make_ctx())
    request = route.calls.last.request
    params = request.url.params
    assert params["$filter"] == (
        "(trim(RegioS) eq 'GM0307' or trim(RegioS) eq 'NL01') and substring(Perioden,4,2) eq 'JJ'"
    )
    assert params["$select"] == "RegioS,Perioden,TotaleBevolking_1"
    assert params["$format"] == "json"
    assert request.headers["Accept"] == "application/json"
    assert result.notes == []
    local, country = result.evidence
    # 2025 is null (not yet published): the latest year with a value is used
    assert local.fields == {
        "municipality_code": "GM0307",
        "municipality_name": "Amersfoort",
        "population": 161200,
        "period": "2024",
        "period_code": "2024JJ00",
        "table": "70072ned",
        "measure": "TotaleBevolking_1",
        "level": "gemeente",
    }
    assert country.fields["municipality_code"] == "NL01"  # padding stripped
    assert country.fields["municipality_name"] == "Nederland"
    assert country.fields["population"] == 17942942 and country.fields["period"] == "2024"
    assert country.fields["level"] == "land"
    assert local.kind == country.kind == "statistics.population"
    assert local.source == "cbs" and local.url == "https://opendata.cbs.nl/#/CBS/nl/dataset/70072ned/table"
    assert local.title == "Inwoners Amersfoort 2024: 161.200"
    assert "1 januari 2024" in local.excerpt and "Bron: CBS" in local.excerpt
    assert local.id != country.id and len(local.sha256) == 64


def test_national_baseline_can_be_switched_off(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get(URL).mock(return_value=ok("typeddataset-gm0307-nl01.constructed.json"))
        result = run(make_ctx({"national": False}))
    assert "NL01" not in route.calls.last.request.url.params["$filter"]
    assert [e.fields["level"] for e in result.evidence] == ["gemeente"]


def test_untyped_padded_strings_and_other_national_year(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get("https://cbs.proxy.example/odata/70072ned/TypedDataSet").mock(return_value=ok("untypeddataset-padded.constructed.json"))
        result = run(make_ctx({"base_url": "https://cbs.proxy.example/odata/"}))
    local, country = result.evidence
    assert (local.fields["population"], local.fields["period"]) == (160000, "2023")
    assert (country.fields["population"], country.fields["period"]) == (17811291, "2023")


def test_national_value_from_another_year_is_noted(make_ctx: MakeCtx) -> None:
    data = {"value": [
        {"RegioS": "GM0307", "Perioden": "2025JJ00", "TotaleBevolking_1": 162000},
        {"RegioS": "NL01  ", "Perioden": "2024JJ00", "TotaleBevolking_1": 17942942},
    ]}
    with respx.mock() as mock:
        mock.get(URL).respond(200, json=data)
        result = run(make_ctx())
    assert [e.fields["period"] for e in result.evidence] == ["2025", "2024"]
    assert result.notes == ["landelijk inwonertal uit 2024, gemeentelijk uit 2025"]


def test_table_and_measure_from_config(make_ctx: MakeCtx) -> None:
    other = "https://opendata.cbs.nl/ODataApi/odata/03759ned/TypedDataSet"
    data = {"value": [{"RegioS": "GM0307", "Perioden": "2024JJ00", "BevolkingOp1Januari_1": 161200}]}
    with respx.mock() as mock:
        route = mock.get(other).respond(200, json=data)
        result = run(make_ctx({"table": "03759ned", "measure": "BevolkingOp1Januari_1"}))
    assert "BevolkingOp1Januari_1" in route.calls.last.request.url.params["$select"]
    assert result.evidence[0].fields["table"] == "03759ned"
    assert "geen inwonertal voor Nederland" in result.notes[0]


def test_no_results(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(URL).mock(return_value=ok("typeddataset-empty.constructed.json"))
        result = run(make_ctx())
    assert result.evidence == []
    assert result.notes == ["CBS-tabel 70072ned geeft geen inwonertal voor GM0307"]


# --- failures ---------------------------------------------------------------------------


def test_429_with_retry_after_then_success(make_ctx: MakeCtx, sleeps: Any) -> None:
    with respx.mock() as mock:
        route = mock.get(URL).mock(
            side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), ok("typeddataset-gm0307-nl01.constructed.json")]
        )
        ctx = make_ctx()
        ctx.http.settings.host_policies = {}
        result = run(ctx)
    assert route.call_count == 2
    assert sleeps.waits == [2.0]
    assert len(result.evidence) == 2


def test_503_that_persists_is_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(URL).respond(503, headers={"Retry-After": "1"})
        with pytest.raises(RateLimited):
            run(make_ctx())


def test_500_with_odata_error_names_it(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(URL).mock(return_value=httpx.Response(500, content=body("odata-error.constructed.json"), headers=JSON))
        with pytest.raises(UpstreamError) as info:
            run(make_ctx())
    assert info.value.status_code == 500 and "$filter expression is invalid" in str(info.value)
    assert info.value.source == "cbs"


def test_502_exhausted_is_upstream_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get(URL).respond(502, text="Bad Gateway")
        with pytest.raises(UpstreamError) as info:
            run(make_ctx())
    assert info.value.status_code == 502 and route.call_count == 3


def test_unknown_table_404(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get("https://opendata.cbs.nl/ODataApi/odata/99999ned/TypedDataSet").respond(404, text="Not Found")
        with pytest.raises(UpstreamError) as info:
            run(make_ctx({"table": "99999ned"}))
    assert info.value.status_code == 404


def test_timeout(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(URL).mock(side_effect=httpx.ConnectTimeout("slow"))
        with pytest.raises(SourceTimeout):
            run(make_ctx())


def test_error_inside_200_is_error_in_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(URL).mock(return_value=ok("odata-error.constructed.json"))
        with pytest.raises(ErrorInBody, match="filter expression"):
            run(make_ctx())


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<!DOCTYPE html><html><body>Onderhoud</body></html>",
        b'{"value": "geen lijst"}',
        b'{"value": [{"RegioS": "GM0307", "Perioden": "2024JJ00", "TotaleBevolking_1": "veel"}]}',
        b'{"value": [{"RegioS": "GM0307", "Perioden": "2024JJ00", "TotaleBevolking_1": true}]}',
        b'{"value": [{"Perioden": "2024JJ00", "TotaleBevolking_1": 1}]}',
        b'{"value": ["rij"]}',
        b"[]",
    ],
)
def test_malformed_body(make_ctx: MakeCtx, content: bytes) -> None:
    with respx.mock() as mock:
        mock.get(URL).respond(200, content=content)
        with pytest.raises(MalformedResponse) as info:
            run(make_ctx())
    assert info.value.source == "cbs"


def test_oversized_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(URL).mock(return_value=ok("typeddataset-gm0307-nl01.constructed.json"))
        with pytest.raises(ResponseTooLarge):
            run(make_ctx(max_bytes=300))


# --- configuration and contract --------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "config", "reason"),
    [
        (Subject(kind=SubjectKind.SECTOR, name="x"), {}, "geen gemeente"),
        (Subject(kind=SubjectKind.SECTOR, name="x", municipality=Municipality("855", "Tilburg")), {}, "verwacht GM"),
        (AMERSFOORT, {"table": "70072ned'; drop"}, "table"),
        (AMERSFOORT, {"measure": "a,b"}, "measure"),
    ],
)
def test_not_configured(make_ctx: MakeCtx, subject: Subject, config: dict[str, Any], reason: str) -> None:
    with pytest.raises(NotConfigured, match=reason):
        run(make_ctx(config), subject)
    assert reason in CbsCollector().describe_query(subject, config)


def test_class_attributes_and_other_subjects(make_ctx: MakeCtx) -> None:
    assert CbsCollector.id == "cbs"
    assert CbsCollector.applies_to == frozenset({SubjectKind.SECTOR})
    assert CbsCollector().not_configured_reason({}) is None
    result = run(make_ctx(), Subject(kind=SubjectKind.COMPANY, name="x"))
    assert result.evidence == [] and result.notes
    described = CbsCollector().describe_query(AMERSFOORT, {})
    assert described.startswith(URL) and "GM0307" in described
