"""NewsCollector: Google News RSS search + configured RSS/Atom feeds (respx, no network)."""

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
from bibobscan.collectors.news import (
    GOOGLE_NEWS_URL,
    MAX_ITEMS_PER_FEED,
    NewsCollector,
    make_excerpt,
    parse_date,
    search_names,
    strip_legal_form,
)
from bibobscan.demo.replay import ReplayTransport
from bibobscan.errors import (
    ErrorInBody,
    MalformedResponse,
    NetworkError,
    NotConfigured,
    RateLimited,
    ResponseTooLarge,
    SourceTimeout,
    UpstreamError,
)
from bibobscan.http import HttpClient
from bibobscan.model import Municipality, Subject, SubjectKind, sha256_hex

FIXTURES = Path(__file__).parent.parent / "fixtures" / "news"
FEED = "https://www.voorbeeldnieuws.example/rss.xml"
ATOM = "https://www.demokoerier.example/atom.xml"
DEMO_FEED = "https://www.demodagblad.example/rss/tilburg.xml"
TILBURG = Municipality("GM0855", "Tilburg")

PERSON = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14), municipality=TILBURG)
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011", municipality=TILBURG)

XML = {"Content-Type": "application/xml; charset=utf-8"}
MakeCtx = Callable[..., CollectContext]


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def xml(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body(name), headers=XML)


def run(subject: Subject, ctx: CollectContext) -> Collected:
    return collect_once(NewsCollector(), subject, ctx)


def by_title(result: Collected) -> dict[str, Any]:
    return {e.title: e for e in result.evidence}


# --- Google News -------------------------------------------------------------------


def test_google_news_success_parses_items_and_sends_exact_phrase(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(GOOGLE_NEWS_URL).mock(return_value=xml("google-news-search.xml"))
        result = run(PERSON, make_ctx())

    params = route.calls.last.request.url.params
    assert params["q"] == '"Bram Voorbeeld"'
    assert (params["hl"], params["gl"], params["ceid"]) == ("nl", "NL", "NL:nl")
    assert route.call_count == 1

    assert len(result.evidence) == 3
    assert result.notes == []
    assert result.query == 'Google News q="Bram Voorbeeld" (nl-NL)'
    first = result.evidence[0]
    assert first.kind == "news.article" and first.source == "news"
    # " - Outlet" suffix stripped, opaque Google link kept as url, outlet URL from <source url>.
    assert first.title == "Tilburgse ondernemer Bram Voorbeeld (39) aangehouden in onderzoek naar witwassen"
    assert first.url == "https://news.google.com/rss/articles/CBMiTESTaaaa1111?oc=5"
    assert first.fields["outlet"] == "Tilburgs Demo Dagblad"
    assert first.fields["outlet_url"] == "https://www.demodagblad.example"
    assert first.fields["feed"] == "google-news"
    # Google's description (headline + outlet) is not duplicated into the text.
    assert first.fields["text"] == first.title
    assert first.excerpt == first.title
    assert first.published_at == "2026-10-08"
    assert first.sha256 == sha256_hex(body("google-news-search.xml"))
    assert first.id.startswith("news-") and first.id != result.evidence[1].id
    assert first.query == 'Google News q="Bram Voorbeeld" (nl-NL)'
    # A cluster item: its related headlines (other articles) are not mixed into its text.
    cluster = by_title(result)["Kapper Bram Voorbeeld in de prijzen"]
    assert cluster.fields["text"] == "Kapper Bram Voorbeeld in de prijzen"
    assert cluster.fields["outlet"] == "Noorder Demokoerier"


def test_company_is_searched_without_legal_form(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.get(GOOGLE_NEWS_URL).mock(return_value=xml("google-news-empty.xml"))
        run(COMPANY, make_ctx())
    assert route.calls.last.request.url.params["q"] == '"Voorbeeld Shisha Lounge"'
    config = {"feeds": [DEMO_FEED]}
    assert NewsCollector().describe_query(COMPANY, config) == 'Google News q="Voorbeeld Shisha Lounge" (nl-NL); 1 RSS-feed'


def test_one_query_per_name_at_most_three(make_ctx: MakeCtx) -> None:
    subject = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", aliases=["B. Voorbeeld", 'Abraham "Bram" Voorbeeld', "Bram V.", "bram voorbeeld"])
    with respx.mock() as mock:
        route = mock.get(GOOGLE_NEWS_URL).mock(return_value=xml("google-news-search.xml"))
        result = run(subject, make_ctx())
    sent = sorted(call.request.url.params["q"] for call in route.calls)
    assert sent == ['"Abraham Bram Voorbeeld"', '"B. Voorbeeld"', '"Bram Voorbeeld"']
    # the same items come back for every query; each link appears once
    assert len(result.evidence) == 3


def test_no_results_gives_no_evidence_and_no_notes(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=xml("google-news-empty.xml"))
        result = run(PERSON, make_ctx())
    assert result.evidence == []
    assert result.notes == []


def test_429_with_retry_after_then_success(make_ctx: MakeCtx, sleeps: Any) -> None:
    with respx.mock() as mock:
        route = mock.get(GOOGLE_NEWS_URL).mock(
            side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), xml("google-news-search.xml")]
        )
        result = run(PERSON, make_ctx())
    assert route.call_count == 2
    assert sleeps.waits[0] == 7.0
    assert len(result.evidence) == 3


def test_429_that_persists_is_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=httpx.Response(429, headers={"Retry-After": "1"}))
        with pytest.raises(RateLimited) as info:
            run(PERSON, make_ctx())
    assert info.value.source == "news"


def test_5xx_is_upstream_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=httpx.Response(500, text="<html>Server Error</html>"))
        with pytest.raises(UpstreamError) as info:
            run(PERSON, make_ctx())
    assert info.value.status_code == 500
    assert info.value.source == "news"


def test_timeout_is_source_timeout(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
        with pytest.raises(SourceTimeout):
            run(PERSON, make_ctx())


def test_unusual_traffic_page_with_200_is_an_error_not_zero_results(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(
            return_value=httpx.Response(200, content=body("google-unusual-traffic.html"), headers={"Content-Type": "text/html"})
        )
        with pytest.raises(ErrorInBody) as info:
            run(PERSON, make_ctx())
    assert "unusual traffic" in str(info.value)
    assert info.value.source == "news"


@pytest.mark.parametrize(
    "content",
    [b"Service temporarily unavailable", b"", b"<html><body><p>Kies een cookie-instelling</p></body></html>", b'{"items": []}', b"<rss><channel><item><title>kapot"],
)
def test_non_xml_body_with_200_is_malformed(make_ctx: MakeCtx, content: bytes) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=httpx.Response(200, content=content))
        with pytest.raises(MalformedResponse):
            run(PERSON, make_ctx())


def test_xml_that_is_not_a_feed_is_malformed(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=httpx.Response(200, content=b"<?xml version='1.0'?><error>quota</error>"))
        with pytest.raises(MalformedResponse, match="not RSS or Atom"):
            run(PERSON, make_ctx())


def test_oversized_body_is_response_too_large(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=xml("google-news-search.xml"))
        with pytest.raises(ResponseTooLarge):
            run(PERSON, make_ctx(max_bytes=500))


def test_script_in_title_is_kept_as_plain_text(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=xml("google-news-script-title.xml"))
        result = run(PERSON, make_ctx())
    # the item with a javascript: link is dropped (no URL a person could open safely)
    assert len(result.evidence) == 1
    item = result.evidence[0]
    assert item.title == "<script>alert(1)</script> Bram Voorbeeld & co"
    assert "<script>alert(1)</script>" in item.fields["text"]
    assert "<script>alert(1)</script>" in item.excerpt
    assert item.url.startswith("https://news.google.com/")


# --- configured feeds --------------------------------------------------------------


def test_rss_feed_keeps_only_items_that_mention_the_subject(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(FEED).mock(return_value=httpx.Response(200, content=body("regional-rss.xml")))
        result = run(PERSON, make_ctx({"google_news": "false", "feeds": f" {FEED} ,"}))

    titles = [e.title for e in result.evidence]
    # 1001 mentions the name only in the lead (HTML, &nbsp;); 1003 in capitals with accents.
    # Unrelated items, "Voorbeelden" (another word), the javascript: link and the second
    # copy of link 1001 are not kept.
    assert titles == ["Kapsalon in Tilburg-Noord wint landelijke prijs", "BRÁM VOORBÉELD spreekt ondernemers toe"]
    first, second = result.evidence
    assert first.url == "https://www.voorbeeldnieuws.example/artikel/1001"
    assert first.fields["outlet"] == "Brabants Voorbeeldnieuws"
    assert first.fields["outlet_url"] == "https://www.voorbeeldnieuws.example"
    assert first.fields["feed"] == FEED
    assert first.fields["text"].startswith("Kapsalon in Tilburg-Noord wint landelijke prijs. Een jury koos")
    assert "<" not in first.fields["text"] and "&nbsp;" not in first.fields["text"]
    # the excerpt is the sentence with the name plus its neighbours, not the whole lead
    assert "Eigenaar Bram Voorbeeld is trots" in first.excerpt
    assert "De uitreiking is in december" not in first.excerpt
    assert first.published_at == "2026-11-03"
    assert second.published_at == "2026-10-20"  # dc:date, ISO 8601
    assert second.fields["text"].endswith("ondernemen & netwerken.")  # double-escaped entity
    assert second.sha256 == sha256_hex(body("regional-rss.xml"))
    assert result.query == "1 RSS-feed"


def test_company_feed_filter_matches_name_without_legal_form(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(FEED).mock(return_value=httpx.Response(200, content=body("regional-rss.xml")))
        result = run(COMPANY, make_ctx({"google_news": False, "feeds": [FEED]}))
    assert [e.url for e in result.evidence] == ["https://www.voorbeeldnieuws.example/artikel/1005"]
    text = result.evidence[0].fields["text"]
    assert "Voorbeeld Shisha Lounge een waarschuwing gegeven" in text
    assert "alert" not in text  # a <script> inside the lead's HTML is markup, dropped


def test_atom_feed(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(ATOM).mock(return_value=httpx.Response(200, content=body("atom-feed.xml"), headers={"Content-Type": "application/atom+xml"}))
        result = run(PERSON, make_ctx({"google_news": False, "feeds": [ATOM]}))
    assert len(result.evidence) == 2
    convicted, prize = result.evidence
    assert convicted.title == "Groninger Bram Voorbeeld (64) veroordeeld"  # type="html" title
    assert convicted.url == "https://www.demokoerier.example/nieuws/2026/04/22/veroordeeld"  # relative href resolved
    assert convicted.published_at == "2026-04-22"  # <published> wins over <updated>
    assert convicted.fields["outlet"] == "Noorder Demokoerier"
    assert convicted.fields["outlet_url"] == "https://www.demokoerier.example/"
    assert convicted.fields["text"] == "Groninger Bram Voorbeeld (64) veroordeeld. De rechtbank legde de 64-jarige een taakstraf op. Hij zei niets."
    assert prize.fields["text"] == "Ondernemersprijs. De prijs ging naar Bram Voorbeeld."  # xhtml content
    assert prize.published_at == "2026-11-01"


def test_feed_failing_while_google_succeeds_keeps_evidence_and_notes_the_feed(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(return_value=xml("google-news-search.xml"))
        mock.get(FEED).mock(return_value=httpx.Response(404, text="not found"))
        result = run(PERSON, make_ctx({"feeds": [FEED]}))
    assert len(result.evidence) == 3
    assert len(result.notes) == 1
    assert FEED in result.notes[0] and "404" in result.notes[0]


def test_google_failing_while_feed_succeeds_keeps_evidence_and_notes_google(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(
            return_value=httpx.Response(200, content=body("google-unusual-traffic.html"), headers={"Content-Type": "text/html"})
        )
        mock.get(FEED).mock(return_value=httpx.Response(200, content=body("regional-rss.xml")))
        result = run(PERSON, make_ctx({"feeds": [FEED]}))
    assert len(result.evidence) == 2
    assert len(result.notes) == 1
    assert result.notes[0].startswith('Google News q="Bram Voorbeeld" mislukt') and "unusual traffic" in result.notes[0]


def test_every_request_failing_raises_the_first_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.get(GOOGLE_NEWS_URL).mock(side_effect=httpx.ReadTimeout("slow"))
        mock.get(FEED).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(SourceTimeout):
            run(PERSON, make_ctx({"feeds": [FEED]}))


@pytest.mark.parametrize("fixture", ["entity-bomb.xml", "external-entity.xml"])
def test_entity_declarations_are_refused(make_ctx: MakeCtx, fixture: str) -> None:
    with respx.mock() as mock:
        mock.get(FEED).mock(return_value=httpx.Response(200, content=body(fixture)))
        with pytest.raises(MalformedResponse, match="entities") as info:
            run(PERSON, make_ctx({"google_news": "false", "feeds": [FEED]}))
    assert info.value.source == "news"


def test_items_per_feed_are_capped(make_ctx: MakeCtx) -> None:
    items = "".join(
        f"<item><title>Bram Voorbeeld bericht {i}</title><link>https://www.voorbeeldnieuws.example/a/{i}</link></item>"
        for i in range(130)
    )
    content = f"<rss version='2.0'><channel><title>Veel</title>{items}</channel></rss>".encode()
    with respx.mock() as mock:
        mock.get(FEED).mock(return_value=httpx.Response(200, content=content))
        result = run(PERSON, make_ctx({"google_news": "false", "feeds": [FEED]}))
    assert len(result.evidence) == MAX_ITEMS_PER_FEED
    assert any("100 van 130" in note for note in result.notes)


def test_nothing_to_query_is_not_configured(make_ctx: MakeCtx) -> None:
    collector = NewsCollector()
    assert collector.not_configured_reason({}) is None  # Google News needs no key
    assert collector.not_configured_reason({"google_news": "false"}) is not None
    with pytest.raises(NotConfigured):
        run(PERSON, make_ctx({"google_news": "false", "feeds": ""}))


# --- helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("Voorbeeld Shisha Lounge B.V.", "Voorbeeld Shisha Lounge"),
        ("Voorbeeld Holding BV", "Voorbeeld Holding"),
        ("Jansen & Zn. V.O.F.", "Jansen & Zn"),
        ("Test N.V. i.o.", "Test"),
        ("Kapsalon Fictief", "Kapsalon Fictief"),
        ("AB B.V.", "AB B.V."),
    ],
)
def test_strip_legal_form(name: str, core: str) -> None:
    assert strip_legal_form(name) == core


def test_search_names_strip_quotes_and_backslashes() -> None:
    subject = Subject(kind=SubjectKind.COMPANY, name='Café "De \\Gouden" Leeuw B.V.')
    assert search_names(subject, 3) == ["Café De Gouden Leeuw"]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Thu, 08 Oct 2026 11:14:00 +0200", "2026-10-08"),
        ("Thu, 08 Oct 2026 09:14:00 GMT", "2026-10-08"),
        ("2026-04-22T15:05:00+02:00", "2026-04-22"),
        ("2026-11-19T10:00:00Z", "2026-11-19"),
        ("2026-11-19", "2026-11-19"),
        ("gisteren", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, iso: str | None) -> None:
    assert parse_date(raw) == iso


def test_excerpt_is_the_sentence_around_the_mention() -> None:
    description = "Eerste zin zonder naam. Tweede zin. Hier staat Bram Voorbeeld. Vierde zin. Vijfde zin."
    excerpt = make_excerpt("Een kop", description, ["bram voorbeeld"])
    assert excerpt == "Tweede zin. Hier staat Bram Voorbeeld. Vierde zin."


# --- the demo world ----------------------------------------------------------------


def run_demo(subject: Subject, sleeps: Any) -> tuple[Collected, ReplayTransport]:
    transport = ReplayTransport()

    async def go() -> Collected:
        async with HttpClient(transport=transport, sleep=sleeps) as http:
            ctx = CollectContext(http=http, config={"feeds": [DEMO_FEED]}, reference_date=date(2026, 11, 20), demo=True)
            return await NewsCollector().collect(subject, ctx)

    return asyncio.run(go()), transport


def test_demo_person(sleeps: Any) -> None:
    result, transport = run_demo(PERSON, sleeps)
    assert result.notes == []
    assert len(transport.requests) == 2
    google = [e for e in result.evidence if e.fields["feed"] == "google-news"]
    regional = [e for e in result.evidence if e.fields["feed"] == DEMO_FEED]
    assert len(google) == 6  # N1, N4, N5, N6, N7, N8
    assert len(regional) == 1  # N1 with its lead; the unrelated Tilburg items are filtered out
    titles = [e.title for e in google]
    # the namesake (N4) is collected; the resolver, not the collector, rejects it
    assert "Groninger Bram Voorbeeld (64) veroordeeld voor oplichting van bejaarden" in titles
    n1 = regional[0]
    assert n1.title.startswith("Tilburgse ondernemer Bram Voorbeeld (39) aangehouden")
    assert "witwassen" in n1.fields["text"] and len(n1.fields["text"]) > len(n1.title) + 100
    assert n1.url.startswith("https://www.demodagblad.example/")
    for e in result.evidence:
        assert e.published_at is not None and "2026-01-01" <= e.published_at < "2026-11-20"


def test_demo_company(sleeps: Any) -> None:
    result, _ = run_demo(COMPANY, sleeps)
    assert result.notes == []
    assert sorted(e.published_at or "" for e in result.evidence) == ["2026-09-30", "2026-10-16", "2026-11-05"]
    assert all("Voorbeeld Shisha Lounge" in e.title for e in result.evidence)


def test_demo_unrecorded_feed_is_a_network_error_note(sleeps: Any) -> None:
    transport = ReplayTransport()

    async def go() -> Collected:
        async with HttpClient(transport=transport, sleep=sleeps) as http:
            config = {"feeds": [DEMO_FEED, "https://unrecorded.example/rss"]}
            ctx = CollectContext(http=http, config=config, reference_date=date(2026, 11, 20), demo=True)
            return await NewsCollector().collect(PERSON, ctx)

    result = asyncio.run(go())
    assert len(result.evidence) == 7
    assert len(result.notes) == 1 and "unrecorded.example" in result.notes[0]
    assert NetworkError.status.value in result.notes[0]


def test_text_keeps_the_mention_when_the_lead_is_long(make_ctx: MakeCtx) -> None:
    filler = " ".join(f"Zin nummer {i} over iets anders." for i in range(80))
    content = (
        "<rss version='2.0'><channel><title>Lang</title><item><title>Lang verhaal</title>"
        "<link>https://www.voorbeeldnieuws.example/lang</link>"
        f"<description>{filler} Pas hier noemt men Bram Voorbeeld. Einde.</description></item></channel></rss>"
    ).encode()
    with respx.mock() as mock:
        mock.get(FEED).mock(return_value=httpx.Response(200, content=content))
        result = run(PERSON, make_ctx({"google_news": "false", "feeds": [FEED]}))
    text = result.evidence[0].fields["text"]
    assert len(text) <= 1000
    assert text.startswith("Lang verhaal. … ") and "Pas hier noemt men Bram Voorbeeld." in text


def test_a_configured_google_news_url_is_the_one_asked(make_ctx: MakeCtx) -> None:
    mirror = "https://nieuws-proxy.gemeente.example/rss/search"
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(mirror).mock(return_value=xml("google-news-search.xml"))
        result = run(PERSON, make_ctx({"google_news_url": mirror}))
    assert route.call_count == 1 and route.calls.last.request.url.params["q"] == '"Bram Voorbeeld"'
    assert result.evidence
    assert NewsCollector().describe_endpoint({"google_news_url": mirror}) == mirror
