"""OpenSanctions / yente /match collector, against respx mocks and the demo world."""

from __future__ import annotations

import asyncio
import hashlib
import json
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.opensanctions import OpenSanctionsCollector
from bibobscan.demo.replay import WORLD, ReplayTransport
from bibobscan.errors import (
    ErrorInBody,
    MalformedResponse,
    NotConfigured,
    RateLimited,
    ResponseTooLarge,
    SourceTimeout,
    UpstreamError,
)
from bibobscan.http import HttpClient
from bibobscan.model import SourceStatus, Subject, SubjectKind

FIXTURES = Path(__file__).parents[1] / "fixtures" / "opensanctions"
HOSTED = "https://api.opensanctions.org"
MATCH_URL = f"{HOSTED}/match/default"
CONFIG: dict[str, Any] = {"url": HOSTED, "api_key": "test-key-123", "dataset": "default"}

MakeCtx = Callable[..., CollectContext]

PERSON = Subject(kind=SubjectKind.PERSON, name="Vitaly Kuzmenko", aliases=["Vitalij Kuzmenko"], born=date(1971, 1, 22))
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Inter Tobacco B.V.", kvk="99000099")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def json_response(name: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=fixture(name), headers={"Content-Type": "application/json", **headers})


def collect(ctx: CollectContext, subject: Subject) -> Collected:
    async def go() -> Collected:
        try:
            return await OpenSanctionsCollector().collect(subject, ctx)
        finally:
            await ctx.http.aclose()

    return asyncio.run(go())


def test_person_success_request_and_evidence(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(MATCH_URL).mock(return_value=json_response("match-person.json"))
        result = collect(make_ctx(CONFIG), PERSON)

    request = route.calls.last.request
    assert request.headers["Authorization"] == "ApiKey test-key-123"
    assert dict(request.url.params) == {"algorithm": "best", "threshold": "0.7", "cutoff": "0.5", "limit": "10"}
    body = json.loads(request.content)
    assert body == {
        "queries": {
            "q1": {
                "schema": "Person",
                "properties": {"name": ["Vitaly Kuzmenko", "Vitalij Kuzmenko"], "birthDate": ["1971-01-22"]},
            }
        }
    }
    assert "nationality" not in request.content.decode()

    assert len(result.evidence) == 1
    ev = result.evidence[0]
    assert ev.kind == "sanctions.entry"
    assert ev.source == "opensanctions"
    assert ev.url == "https://www.opensanctions.org/entities/NK-2Ka3UvopqbpZmVDFjWd4LA/"
    assert ev.sha256 == hashlib.sha256(fixture("match-person.json")).hexdigest()
    assert ev.title == "Vitaly Yurievich KUZMENKO (OpenSanctions, eu_fsf)"
    assert ev.published_at == "2024-02-26"
    assert "[Vitaly Kuzmenko]≈[Vitaly Yurievich KUZMENKO]: 0.95" in ev.excerpt
    assert ev.query == result.query and "birthDate=1971-01-22" in result.query
    f = ev.fields
    assert f["list"] == "eu_fsf"
    assert f["entity_id"] == "NK-2Ka3UvopqbpZmVDFjWd4LA"
    assert f["schema"] == "Person"
    assert f["name"] == "Vitaly Yurievich KUZMENKO"
    assert f["aliases"] == ["Vitalij Kuzmenko", "Виталий Юрьевич КУЗЬМЕНКО"]
    assert f["birth_dates"] == ["1971-01-22"]
    assert f["source_score"] == 0.95
    assert f["programs"] == ["sanction"]  # no program property: the topics
    assert f["topics"] == ["sanction"]
    assert f["listed_on"] == "2024-02-26"
    assert f["provider_match"] is True
    dumped = json.dumps(f, ensure_ascii=False) + ev.excerpt
    assert "nationality" not in dumped and '"ru"' not in dumped


def test_company_request_and_older_features_shape(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.post("https://yente.example.nl/match/sanctions").mock(
            return_value=json_response("match-company-features.json")
        )
        result = collect(make_ctx({"url": "https://yente.example.nl/", "dataset": "sanctions"}), COMPANY)

    request = route.calls.last.request
    assert "Authorization" not in request.headers  # self-hosted yente without key
    assert json.loads(request.content)["queries"]["q1"] == {
        "schema": "Company",
        "properties": {"name": ["Inter Tobacco B.V."], "jurisdiction": ["nl"], "registrationNumber": ["99000099"]},
    }
    ev = result.evidence[0]
    assert ev.fields["schema"] == "Organization"
    assert ev.fields["programs"] == ["EU Belarus regime"]  # from the nested Sanction entity
    assert ev.fields["birth_dates"] == []
    assert "name_literal_match 0.85" in ev.excerpt


def test_no_results(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=json_response("match-empty.json"))
        result = collect(make_ctx(CONFIG), PERSON)
    assert result.evidence == []
    assert result.query.startswith("POST /match/default Person")


def test_429_with_retry_after_then_success(make_ctx: MakeCtx, sleeps: Any) -> None:
    with respx.mock() as mock:
        route = mock.post(MATCH_URL).mock(
            side_effect=[
                httpx.Response(429, json={"detail": "Rate limit exceeded"}, headers={"Retry-After": "3"}),
                json_response("match-person.json"),
            ]
        )
        result = collect(make_ctx(CONFIG), PERSON)
    assert route.call_count == 2
    assert sleeps.waits == [3.0]
    assert len(result.evidence) == 1


def test_429_quota_exhausted_is_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=httpx.Response(429, json={"detail": "Quota exceeded"}))
        with pytest.raises(RateLimited) as err:
            collect(make_ctx(CONFIG), PERSON)
    assert err.value.status is SourceStatus.RATE_LIMITED


def test_server_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=httpx.Response(500, json={"detail": "Internal Server Error"}))
        with pytest.raises(UpstreamError) as err:
            collect(make_ctx(CONFIG), PERSON)
    assert err.value.status_code == 500
    assert err.value.source == "opensanctions"


def test_timeout(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
        with pytest.raises(SourceTimeout) as err:
            collect(make_ctx(CONFIG), PERSON)
    assert err.value.status is SourceStatus.TIMEOUT


def test_malformed_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=httpx.Response(200, content=fixture("not-json.html")))
        with pytest.raises(MalformedResponse, match="not JSON"):
            collect(make_ctx(CONFIG), PERSON)
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=httpx.Response(200, json={"results": []}))
        with pytest.raises(MalformedResponse, match="responses.q1"):
            collect(make_ctx(CONFIG), PERSON)
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=httpx.Response(200, json={"responses": {"q1": {"status": 200, "results": [{"caption": "x"}]}}}))
        with pytest.raises(MalformedResponse, match="entity id"):
            collect(make_ctx(CONFIG), PERSON)


def test_oversized_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=json_response("match-person.json"))
        with pytest.raises(ResponseTooLarge):
            collect(make_ctx(CONFIG, max_bytes=500), PERSON)


def test_unauthorised_carries_the_detail(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.post(MATCH_URL).mock(return_value=json_response("error-401.json", 401))
        with pytest.raises(UpstreamError) as err:
            collect(make_ctx(CONFIG), PERSON)
    assert route.call_count == 1  # a 4xx is not retried
    assert err.value.status_code == 401
    assert "No API key provided." in str(err.value)
    assert "test-key-123" not in str(err.value)


def test_validation_error_detail_list(make_ctx: MakeCtx) -> None:
    body = {"detail": [{"loc": ["query", "limit"], "msg": "value is not a valid integer", "type": "type_error"}]}
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=httpx.Response(422, json=body))
        with pytest.raises(UpstreamError, match="query.limit: value is not a valid integer"):
            collect(make_ctx(CONFIG), PERSON)


def test_error_in_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(MATCH_URL).mock(return_value=json_response("match-error-in-body.json"))
        with pytest.raises(ErrorInBody, match="Cannot parse example entity"):
            collect(make_ctx(CONFIG), PERSON)


def test_not_configured(make_ctx: MakeCtx) -> None:
    c = OpenSanctionsCollector()
    assert c.not_configured_reason({}) == "missing setting(s): url (env OPENSANCTIONS_URL)"
    reason = c.not_configured_reason({"url": HOSTED})
    assert reason is not None and "OPENSANCTIONS_API_KEY" in reason
    assert c.not_configured_reason({"url": "http://localhost:8000"}) is None
    assert c.not_configured_reason({"url": HOSTED, "api_key": "k"}) is None
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post(MATCH_URL)
        with pytest.raises(NotConfigured):
            collect(make_ctx({"url": HOSTED}), PERSON)
    assert not route.called


# --- the demo world -----------------------------------------------------------------


def demo_config() -> dict[str, Any]:
    settings = tomllib.loads((WORLD / "settings.toml").read_text(encoding="utf-8"))
    return dict(settings["sources"]["opensanctions"])


def collect_demo(subject: Subject) -> Collected:
    async def go() -> Collected:
        async with HttpClient(transport=ReplayTransport()) as http:
            ctx = CollectContext(http=http, config=demo_config(), reference_date=date(2026, 11, 20), demo=True)
            return await OpenSanctionsCollector().collect(subject, ctx)

    return asyncio.run(go())


def test_demo_world_person_gets_the_near_miss() -> None:
    result = collect_demo(Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14)))
    assert len(result.evidence) == 1
    f = result.evidence[0].fields
    assert f["name"] == "Abraham Voorbeek"
    assert f["birth_dates"] == ["1958-07-02"]
    assert f["list"] == "demo_fictional"
    assert f["source_score"] == 0.74
    assert f["entity_id"].startswith("demo-fictional")


def test_demo_world_company_has_no_results() -> None:
    result = collect_demo(Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011"))
    assert result.evidence == []
