"""WebSearchCollector: SearXNG JSON and the Brave Search API via respx, no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from _run import collect_once

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.websearch import BRAVE_URL, WebSearchCollector
from bibobscan.errors import (
    ErrorInBody,
    MalformedResponse,
    NotConfigured,
    RateLimited,
    UpstreamError,
)
from bibobscan.model import Municipality, Subject, SubjectKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "websearch"
TILBURG = Municipality("GM0855", "Tilburg")
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Kapsalon Voorbeeld B.V.", municipality=TILBURG)
PERSON = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", aliases=["Abraham Voorbeeld"], municipality=TILBURG)
SEARX = "https://zoeken.gemeente.example"
MakeCtx = Callable[..., CollectContext]


def run(subject: Subject, ctx: CollectContext) -> Collected:
    return collect_once(WebSearchCollector(), subject, ctx)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def searx_answer(*results: dict[str, Any], unresponsive: list[list[str]] | None = None) -> httpx.Response:
    return httpx.Response(200, json={"query": "q", "results": list(results), "answers": [], "corrections": [],
                                     "infoboxes": [], "suggestions": [], "unresponsive_engines": unresponsive or []})


def test_not_configured_without_an_engine() -> None:
    collector = WebSearchCollector()
    assert "BIBOBSCAN_SEARXNG_URL" in (collector.not_configured_reason({}) or "")
    assert "http(s)" in (collector.not_configured_reason({"url": "javascript:alert(1)"}) or "")
    assert collector.not_configured_reason({"brave_api_key": "k"}) is None


def test_searxng_exact_phrase_per_name_and_evidence(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{SEARX}/search").mock(return_value=httpx.Response(200, json=fixture("searxng-search.constructed.json")))
        result = run(COMPANY, make_ctx({"url": SEARX}))
    params = route.calls.last.request.url.params
    assert params["q"] == '"Kapsalon Voorbeeld"'  # legal form left out, exact phrase
    assert params["format"] == "json" and params["language"] == "nl-NL"
    (ev,) = result.evidence
    assert ev.kind == "web.result" and ev.url == "https://www.example-kapsalon.nl/"
    assert ev.fields["outlet"] == "example-kapsalon.nl" and ev.fields["engines"] == ["duckduckgo", "brave"]
    assert ev.fields["text"].startswith("Kapsalon Voorbeeld - Amersfoort. Knippen")
    assert result.query.startswith('SearXNG q="Kapsalon Voorbeeld"')


def test_unsafe_links_are_dropped_and_html_is_text(make_ctx: MakeCtx) -> None:
    answer = searx_answer(
        {"url": "javascript:alert(1)", "title": "x", "content": "Bram Voorbeeld", "engines": ["a"]},
        {"url": "https://site.example/a", "title": "<b>Bram</b> Voorbeeld &amp; zonen", "content": "<script>x()</script>Tekst",
         "engines": ["a"], "publishedDate": "2026-10-06T08:12:00"},
    )
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=answer)
        result = run(PERSON, make_ctx({"url": SEARX}))
    assert [e.url for e in result.evidence] == ["https://site.example/a"]  # the same URL for both names counts once
    ev = result.evidence[0]
    assert ev.title == "Bram Voorbeeld & zonen" and "script" not in ev.fields["text"]
    assert ev.published_at == "2026-10-06"


def test_brave_verbatim_answer(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(BRAVE_URL).mock(return_value=httpx.Response(200, json=fixture("brave-web-search.trimmed.json")))
        result = run(COMPANY, make_ctx({"brave_api_key": "secret"}))
    request = route.calls.last.request
    assert request.headers["X-Subscription-Token"] == "secret"
    assert request.url.params["country"] == "NL" and request.url.params["search_lang"] == "nl"
    assert len(result.evidence) == 2
    ev = result.evidence[0]
    assert ev.fields["outlet"] == "forbes.com" and "<strong>" not in ev.fields["text"]
    assert ev.published_at == "2025-01-08"


def test_searxng_without_json_says_how_to_fix_it(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=httpx.Response(403, text="Forbidden"))
        with pytest.raises(UpstreamError, match="search.formats"):
            run(COMPANY, make_ctx({"url": SEARX}))


def test_searxng_error_body_is_reported(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=httpx.Response(400, json=fixture("searxng-search-400.json")))
        with pytest.raises(UpstreamError, match="No query"):
            run(COMPANY, make_ctx({"url": SEARX}))


def test_failed_engines_are_noted_and_no_answer_at_all_is_not_no_findings(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx_answer(
            {"url": "https://site.example/k", "title": "Kapsalon Voorbeeld", "content": "", "engines": ["brave"]},
            unresponsive=[["google", "CAPTCHA"]]))
        result = run(COMPANY, make_ctx({"url": SEARX}))
    assert len(result.evidence) == 1 and result.partial == frozenset()  # the other engines answered
    assert any("CAPTCHA" in n for n in result.notes)
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx_answer(unresponsive=[["google", "CAPTCHA"], ["brave", "timeout"]]))
        with pytest.raises(ErrorInBody, match="no engine answered.*CAPTCHA"):
            run(COMPANY, make_ctx({"url": SEARX}))


def test_a_full_page_or_more_results_at_brave_is_partial(make_ctx: MakeCtx) -> None:
    page = [{"url": f"https://site.example/{i}", "title": "Kapsalon Voorbeeld", "content": "", "engines": ["a"]} for i in range(20)]
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx_answer(*page))
        result = run(COMPANY, make_ctx({"url": SEARX}))
    assert result.partial == WebSearchCollector.provides and any("eerste pagina" in n for n in result.notes)
    brave = fixture("brave-web-search.trimmed.json")
    brave["query"]["more_results_available"] = True
    with respx.mock(assert_all_called=True) as mock:
        mock.get(BRAVE_URL).mock(return_value=httpx.Response(200, json=brave))
        result = run(COMPANY, make_ctx({"brave_api_key": "k"}))
    assert result.partial == WebSearchCollector.provides


def test_rate_limit_is_retried_then_reported_as_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(BRAVE_URL).mock(return_value=httpx.Response(429, headers={"Retry-After": "1"}))
        with pytest.raises(RateLimited):
            run(COMPANY, make_ctx({"brave_api_key": "k"}))
    assert route.call_count > 1


def test_rulings_and_notices_are_left_to_their_own_sources_and_fields_are_capped(make_ctx: MakeCtx) -> None:
    answer = searx_answer(
        {"url": "https://uitspraken.rechtspraak.nl/InzienDocument?id=ECLI:NL:HR:2011:BP5608", "title": "Kapsalon Voorbeeld", "engines": ["a"]},
        {"url": "https://site.example/" + "x" * 3000, "title": "Kapsalon Voorbeeld", "engines": ["a"]},
        {"url": "https://site.example/ok", "title": "Kapsalon Voorbeeld", "engines": ["e" * 5000]},
    )
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=answer)
        result = run(COMPANY, make_ctx({"url": SEARX}))
    assert [e.url for e in result.evidence] == ["https://site.example/ok"]
    assert len(result.evidence[0].fields["engines"][0]) <= 40
    assert any("eigen bron" in n for n in result.notes)


def test_one_failed_name_makes_the_answer_partial(make_ctx: MakeCtx) -> None:
    ok = searx_answer({"url": "https://site.example/b", "title": "Bram Voorbeeld", "content": "", "engines": ["a"]})

    def answer(request: httpx.Request) -> httpx.Response:
        return ok if request.url.params["q"] == '"Bram Voorbeeld"' else httpx.Response(403, text="no")

    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(side_effect=answer)
        result = run(PERSON, make_ctx({"url": SEARX}))
    assert len(result.evidence) == 1
    assert result.partial == WebSearchCollector.provides
    assert any("Abraham Voorbeeld" in n for n in result.notes)


@pytest.mark.parametrize("body", [b"<html>captcha</html>", b'{"results": "nope"}', b"[]"])
def test_malformed_answers_raise(make_ctx: MakeCtx, body: bytes) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=httpx.Response(200, content=body))
        with pytest.raises(MalformedResponse):
            run(COMPANY, make_ctx({"url": SEARX}))


def test_not_configured_raises(make_ctx: MakeCtx) -> None:
    with pytest.raises(NotConfigured):
        run(COMPANY, make_ctx({}))


def test_a_configured_brave_url_is_the_one_asked(make_ctx: MakeCtx) -> None:
    proxy = "https://brave-proxy.gemeente.example/v1/search"
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(proxy).mock(return_value=httpx.Response(200, json=fixture("brave-web-search.trimmed.json")))
        result = run(COMPANY, make_ctx({"brave_api_key": "k", "brave_url": proxy}))
    assert route.calls.last.request.headers["X-Subscription-Token"] == "k"
    assert len(result.evidence) == 2
    assert WebSearchCollector().describe_endpoint({"brave_api_key": "k", "brave_url": proxy}) == proxy
