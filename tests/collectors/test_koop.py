"""KoopCollector: KOOP SRU 2.0 (officielebekendmakingen) via respx, no network."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from _run import collect_once

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.koop import DEFAULT_URL, KoopCollector, build_cql
from bibobscan.demo.replay import ReplayTransport
from bibobscan.errors import (
    ErrorInBody,
    MalformedResponse,
    RateLimited,
    ResponseTooLarge,
    SourceTimeout,
    UpstreamError,
)
from bibobscan.http import HttpClient
from bibobscan.model import Municipality, Subject, SubjectKind, sha256_hex

FIXTURES = Path(__file__).parent.parent / "fixtures" / "koop"
TILBURG = Municipality("GM0855", "Tilburg")
PERSON = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14), municipality=TILBURG)
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011", municipality=TILBURG)
TESTPUNT = Subject(kind=SubjectKind.COMPANY, name="Café Het Testpunt", municipality=TILBURG)

SRU_XML = {"Content-Type": "text/xml;charset=UTF-8"}
MakeCtx = Callable[..., CollectContext]


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sru(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body(name), headers=SRU_XML)


def run(subject: Subject, ctx: CollectContext) -> Collected:
    return collect_once(KoopCollector(), subject, ctx)


def test_success_parses_records_and_sends_the_cql(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(DEFAULT_URL).mock(return_value=sru("sru-two-records.xml"))
        result = run(TESTPUNT, make_ctx())

    assert route.call_count == 1
    params = dict(route.calls.last.request.url.params)
    assert params == {
        "operation": "searchRetrieve",
        "version": "2.0",
        "startRecord": "1",
        "maximumRecords": "50",
        "query": 'c.product-area==officielepublicaties and cql.textAndIndexes="Café Het Testpunt"',
    }
    assert result.query == params["query"]
    assert result.notes == []
    assert len(result.evidence) == 2

    gmb, stcrt = result.evidence
    assert gmb.kind == "publication.notice" and gmb.source == "koop"
    assert gmb.url == "https://zoek.officielebekendmakingen.nl/gmb-2026-123456.html"
    assert gmb.title == "Intrekking exploitatievergunning Café Het Testpunt, Teststraat 5"
    assert gmb.published_at == "2026-05-01"  # dcterms:date wins over available/modified
    assert gmb.fields == {
        "identifier": "gmb-2026-123456",
        "publication": "Gemeenteblad",
        "creator": "Tilburg",
        "rubriek": "exploitatievergunning",
        "date": "2026-05-01",
        "abstract": "De burgemeester trekt de exploitatievergunning in op grond van de Wet Bibob.",
        "text": "Intrekking exploitatievergunning Café Het Testpunt, Teststraat 5 — De burgemeester trekt de "
        "exploitatievergunning in op grond van de Wet Bibob.",
    }
    assert gmb.excerpt == gmb.fields["text"]
    assert gmb.sha256 == sha256_hex(body("sru-two-records.xml"))
    assert gmb.query == params["query"]
    assert gmb.id.startswith("koop-")

    # no tpmeta: publication from the identifier prefix; unsafe preferredUrl replaced by the
    # canonical page; abstract equal to the title is not repeated.
    assert stcrt.fields["publication"] == "Staatscourant"
    assert stcrt.url == "https://zoek.officielebekendmakingen.nl/stcrt-2026-7777.html"
    assert stcrt.fields["text"] == "Mededeling over Café Het Testpunt"
    assert stcrt.published_at == "2026-06-10"


def test_company_query_without_legal_form_and_describe_query() -> None:
    # Not restricted to the subject's municipality: other issuers' decisions count too.
    assert KoopCollector().describe_query(COMPANY, {}) == (
        'c.product-area==officielepublicaties and cql.textAndIndexes="Voorbeeld Shisha Lounge"'
    )


def test_no_municipality_no_creator_clause_and_quotes_are_stripped() -> None:
    subject = Subject(kind=SubjectKind.PERSON, name='Jan "de Kraker\\" Jansen')
    assert KoopCollector().describe_query(subject, {}) == (
        'c.product-area==officielepublicaties and cql.textAndIndexes="Jan de Kraker Jansen"'
    )
    assert build_cql('a"b', 'Den "Haag') == (
        'c.product-area==officielepublicaties and cql.textAndIndexes="a b" and dt.creator=="Den Haag"'
    )


def test_one_query_per_name_at_most_two_and_records_deduplicated(make_ctx: MakeCtx) -> None:
    subject = Subject(kind=SubjectKind.COMPANY, name="Café Het Testpunt", aliases=["Het Testpunt", "Testpunt Horeca"])
    with respx.mock() as mock:
        route = mock.get(DEFAULT_URL).mock(return_value=sru("sru-two-records.xml"))
        result = run(subject, make_ctx())
    assert route.call_count == 2
    sent = sorted(call.request.url.params["query"] for call in route.calls)
    assert [q.split('cql.textAndIndexes="')[1].split('"')[0] for q in sent] == ["Café Het Testpunt", "Het Testpunt"]
    assert len(result.evidence) == 2  # the same two records from both queries, kept once


def test_config_url_override(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get("https://sru.example/sru").mock(return_value=sru("sru-empty.xml"))
        run(PERSON, make_ctx({"url": "https://sru.example/sru"}))
    assert route.call_count == 1


def test_no_results(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=sru("sru-empty.xml"))
        result = run(PERSON, make_ctx())
    assert result.evidence == []
    assert result.notes == []


def test_429_with_retry_after_then_success(make_ctx: MakeCtx, sleeps: Any) -> None:
    with respx.mock() as mock:
        route = mock.get(DEFAULT_URL).mock(
            side_effect=[httpx.Response(429, headers={"Retry-After": "4"}), sru("sru-two-records.xml")]
        )
        result = run(TESTPUNT, make_ctx())
    assert route.call_count == 2
    assert sleeps.waits[0] == 4.0
    assert len(result.evidence) == 2


def test_503_html_that_persists_is_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=httpx.Response(503, content=body("error-503.html")))
        with pytest.raises(RateLimited):
            run(PERSON, make_ctx())


def test_500_is_upstream_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=httpx.Response(500, content=b"<html><body>Internal Server Error</body></html>"))
        with pytest.raises(UpstreamError) as info:
            run(PERSON, make_ctx())
    assert info.value.status_code == 500
    assert info.value.source == "koop"


def test_timeout_is_source_timeout(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
        with pytest.raises(SourceTimeout):
            run(PERSON, make_ctx())


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"Service Unavailable",
        b"<!DOCTYPE html><html><body>Onderhoud</body></html>",
        b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>",
        b"<searchRetrieveResponse><version>2.0</version></searchRetrieveResponse>",  # no count
        b"<searchRetrieveResponse><numberOfRecords>1",
    ],
)
def test_malformed_body_with_200_is_an_error_not_zero_results(make_ctx: MakeCtx, content: bytes) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=httpx.Response(200, content=content))
        with pytest.raises(MalformedResponse) as info:
            run(PERSON, make_ctx())
    assert info.value.source == "koop"


def test_entity_declaration_is_refused(make_ctx: MakeCtx) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<searchRetrieveResponse><numberOfRecords>&b;</numberOfRecords></searchRetrieveResponse>"
    )
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=httpx.Response(200, content=bomb))
        with pytest.raises(MalformedResponse, match="entities"):
            run(PERSON, make_ctx())


def test_oversized_body_is_response_too_large(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=sru("sru-two-records.xml"))
        with pytest.raises(ResponseTooLarge):
            run(TESTPUNT, make_ctx(max_bytes=1000))


def test_sru_diagnostic_in_200_is_error_in_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=sru("sru-diagnostic.xml"))
        with pytest.raises(ErrorInBody) as info:
            run(PERSON, make_ctx())
    assert "mismatched input 'c.product-area'" in str(info.value)
    assert info.value.source == "koop"


def test_default_namespace_response_parses_and_notes_truncation(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(return_value=sru("sru-default-namespace.xml"))
        result = run(PERSON, make_ctx())
    assert len(result.evidence) == 1
    record = result.evidence[0]
    assert record.fields["identifier"] == "gmb-2026-555555"
    assert record.fields["creator"] == "Tilburg"
    assert record.fields["rubriek"] == "omgevingsvergunning"
    assert record.fields["publication"] == "Gemeenteblad"
    assert record.published_at == "2026-09-01"
    assert record.url == "https://zoek.officielebekendmakingen.nl/gmb-2026-555555.html"
    assert record.excerpt == "Aanvraag omgevingsvergunning Teststraat 9 — bouwen van een aanbouw"
    # numberOfRecords 137 > 50: the report must say that only the first 50 were read
    assert len(result.notes) == 1
    assert "137" in result.notes[0] and "eerste 50" in result.notes[0]


def test_one_query_failing_keeps_the_other_with_a_note(make_ctx: MakeCtx) -> None:
    subject = Subject(kind=SubjectKind.COMPANY, name="Café Het Testpunt", aliases=["Het Testpunt"])

    def answer(request: httpx.Request) -> httpx.Response:
        if '"Het Testpunt"' in request.url.params["query"]:
            return httpx.Response(200, content=body("sru-diagnostic.xml"))
        return sru("sru-two-records.xml")

    with respx.mock() as mock:
        mock.get(DEFAULT_URL).mock(side_effect=answer)
        result = run(subject, make_ctx())
    assert len(result.evidence) == 2
    assert len(result.notes) == 1 and "SRU diagnostic" in result.notes[0] and '"Het Testpunt"' in result.notes[0]


# --- the demo world ----------------------------------------------------------------


def run_demo(subject: Subject, sleeps: Any) -> Collected:
    async def go() -> Collected:
        async with HttpClient(transport=ReplayTransport(), sleep=sleeps) as http:
            ctx = CollectContext(http=http, config={}, reference_date=date(2026, 11, 20), demo=True)
            return await KoopCollector().collect(subject, ctx)

    return asyncio.run(go())


def test_demo_company_has_the_closure_decision(sleeps: Any) -> None:
    result = run_demo(COMPANY, sleeps)
    assert result.notes == []
    assert len(result.evidence) == 1
    notice = result.evidence[0]
    assert notice.url == "https://zoek.officielebekendmakingen.nl/gmb-2026-990001.html"
    assert notice.published_at == "2026-10-15"
    assert notice.fields["identifier"] == "gmb-2026-990001"
    assert notice.fields["creator"] == "Tilburg"
    assert notice.fields["publication"] == "Gemeenteblad"
    assert notice.fields["rubriek"] == "ander besluit van algemene strekking"
    assert "13b Opiumwet" in notice.title and "Voorbeeld Shisha Lounge" in notice.title


def test_demo_person_has_no_publications(sleeps: Any) -> None:
    result = run_demo(PERSON, sleeps)
    assert result.evidence == []
    assert result.notes == []
