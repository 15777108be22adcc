"""RechtspraakCollector: rulings found through a web search on the rulings site, read from
the Rechtspraak open data (respx, no network)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import respx
from _run import collect_once

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.rechtspraak import (
    CONTENT_URL,
    MAX_RULINGS,
    SIGNAL,
    RechtspraakCollector,
    eclis_in,
    role_in,
    without_court_seat,
)
from bibobscan.errors import (
    ErrorInBody,
    MalformedResponse,
    NotConfigured,
    UpstreamError,
)
from bibobscan.model import Municipality, Subject, SubjectKind

VERBATIM = (Path(__file__).parent.parent / "fixtures" / "rechtspraak" / "content-ECLI_NL_PHR_2011_BP5608.xml").read_bytes()
ECLI = "ECLI:NL:PHR:2011:BP5608"
WESTLAND = Municipality("GM1783", "Westland")
NAMED = Subject(kind=SubjectKind.COMPANY, name="Westlandse Plantenkwekerij B.V.", municipality=WESTLAND)
OTHER = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Kwekerij B.V.", municipality=WESTLAND)
SEARX = "https://zoeken.gemeente.example"
XML = {"Content-Type": "application/xml; charset=utf-8"}
MakeCtx = Callable[..., CollectContext]


def run(subject: Subject, ctx: CollectContext) -> Collected:
    return collect_once(RechtspraakCollector(), subject, ctx)


def searx(*urls: str, title: str = "") -> httpx.Response:
    return httpx.Response(200, json={"query": "q", "results": [
        {"url": u, "title": title or u, "content": "", "engines": ["duckduckgo"]} for u in urls], "unresponsive_engines": []})


def test_eclis_are_read_from_links_titles_and_encoded_links() -> None:
    assert eclis_in("https://uitspraken.rechtspraak.nl/details?id=ECLI%3ANL%3ARBZWB%3A2024%3A1234",
                    "ECLI:NL:HR:2011:BP5608, Hoge Raad", "no ecli here") == ["ECLI:NL:RBZWB:2024:1234", "ECLI:NL:HR:2011:BP5608"]
    assert eclis_in("ecli:nl:rbams:2023:12") == ["ECLI:NL:RBAMS:2023:12"]
    assert eclis_in("ECLI:NL:RBAMS:2023:12345678901") == []  # too long: not cut off to a wrong number


def test_role_of_the_company_in_the_passage() -> None:
    needles = ["voorbeeld b v", "voorbeeld"]
    assert role_in("in de strafzaak tegen\nVoorbeeld B.V., gevestigd te Tilburg,\nhierna: de verdachte.", needles) == "verdachte"
    assert role_in("Voorbeeld B.V., hierna: de verdachte.", needles) == "verdachte"
    assert role_in("Verdachte: Voorbeeld B.V., gevestigd te Tilburg", needles) == "verdachte"
    assert role_in("Voorbeeld B.V. heeft zich als benadeelde partij gevoegd", needles) == "benadeelde"
    assert role_in("de overval op de winkel van Voorbeeld B.V.", needles) == "onbekend"
    # the suspect is somebody else: "tegen" and "verdachte" are not about the company
    assert role_in("in de strafzaak tegen\n[verdachte], hierna: verdachte.\nVerdachte heeft Voorbeeld B.V. "
                   "(hierna: de benadeelde partij) opgelicht.", needles) == "benadeelde"
    assert role_in("Strafzaak tegen een man die geld verduisterde van Voorbeeld B.V.; vordering toegewezen.", needles) == "onbekend"


def test_the_court_seat_is_not_read_as_a_place() -> None:
    assert without_court_seat("Vonnis van de rechtbank Amsterdam in de strafzaak tegen Voorbeeld B.V.") == \
        "Vonnis van de [instantie] in de strafzaak tegen Voorbeeld B.V."
    assert "Hertogenbosch" not in without_court_seat("Gerechtshof 's-Hertogenbosch, zittingsplaats Breda")


def test_a_ruling_that_names_the_company(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        search = mock.get(f"{SEARX}/search").mock(return_value=searx(f"https://uitspraken.rechtspraak.nl/details?id={ECLI}"))
        content = mock.get(CONTENT_URL).mock(return_value=httpx.Response(200, content=VERBATIM, headers=XML))
        result = run(NAMED, make_ctx({"url": SEARX}))
    assert search.calls.last.request.url.params["q"] == '"Westlandse Plantenkwekerij" site:uitspraken.rechtspraak.nl'
    assert content.calls.last.request.url.params["id"] == ECLI
    (ev,) = result.evidence
    assert ev.kind == "court.ruling" and ev.fields["ecli"] == ECLI
    assert ev.fields["court"] == "Parket bij de Hoge Raad" and ev.fields["date"] == "2011-05-27"
    assert ev.fields["areas"] == ["Civiel recht"] and ev.fields["type"] == "Conclusie"
    assert ev.fields["case_numbers"] == ["09/04566"] and ev.published_at == "2013-04-05"
    assert ev.fields["named"] is True and "Westlandse Plantenkwekerij B.V." in ev.excerpt
    assert ev.fields["summary"].startswith("(Art. 81 RO). Procesrecht.")
    assert ev.fields["criminal"] is False and ev.fields["role"] == "onbekend"
    assert "Parket" not in ev.fields["text"]  # the resolver must not read the court's seat as the company's place
    assert ev.url == f"https://uitspraken.rechtspraak.nl/InzienDocument?id={ECLI}"
    assert result.partial == frozenset()


def test_a_ruling_found_by_the_engine_that_does_not_name_the_company(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx(f"https://uitspraken.rechtspraak.nl/details?id={ECLI}"))
        mock.get(CONTENT_URL).mock(return_value=httpx.Response(200, content=VERBATIM, headers=XML))
        result = run(OTHER, make_ctx({"url": SEARX}))
    (ev,) = result.evidence
    assert ev.fields["named"] is False and ev.fields["text"] == ""  # the resolver then finds no mention
    assert ev.fields["summary"] == ""  # a summary of somebody else's case is not kept


def test_unknown_ecli_redirect_is_a_note_and_makes_the_answer_partial(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx("https://uitspraken.rechtspraak.nl/", title="ECLI:NL:RBAMS:2026:99999, Rechtbank Amsterdam"))
        mock.get(CONTENT_URL).mock(return_value=httpx.Response(302, headers={"Location": "https://mededeling.rechtspraak.nl/404"}))
        mock.get("https://mededeling.rechtspraak.nl/404").mock(return_value=httpx.Response(200, text="<html>Niet gevonden</html>"))
        result = run(NAMED, make_ctx({"url": SEARX}))
    assert result.evidence == []
    assert any("ECLI:NL:RBAMS:2026:99999" in n and "niet in de open data" in n for n in result.notes)
    assert result.partial == {SIGNAL}  # a ruling found but not read: "no hit" would not be true


def test_html_instead_of_a_ruling_fails_the_source(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx(f"https://uitspraken.rechtspraak.nl/details?id={ECLI}"))
        mock.get(CONTENT_URL).mock(return_value=httpx.Response(200, content=b"<!DOCTYPE html><html>storing</html>"))
        with pytest.raises(MalformedResponse):
            run(NAMED, make_ctx({"url": SEARX}))


def test_another_ecli_in_the_answer_is_an_error(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx("https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:HR:2011:BP5608"))
        mock.get(CONTENT_URL).mock(return_value=httpx.Response(200, content=VERBATIM, headers=XML))
        with pytest.raises(ErrorInBody, match="ECLI:NL:PHR:2011:BP5608"):
            run(NAMED, make_ctx({"url": SEARX}))


def test_eclis_from_other_sites_are_not_hits(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx("https://www.blog.example/post", title="zie ECLI:NL:HR:2011:BP5608"))
        content = mock.get(CONTENT_URL)
        result = run(NAMED, make_ctx({"url": SEARX}))
    assert not content.called and result.evidence == [] and result.partial == frozenset()


def test_search_failure_fails_the_source_and_one_failed_ruling_is_partial(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=httpx.Response(403, text="Forbidden"))
        with pytest.raises(UpstreamError):
            run(NAMED, make_ctx({"url": SEARX}))
    two = searx(f"https://uitspraken.rechtspraak.nl/InzienDocument?id={ECLI}",
                "https://uitspraken.rechtspraak.nl/InzienDocument?id=ECLI:NL:HR:2011:BP5609")

    def content(request: httpx.Request) -> httpx.Response:
        if request.url.params["id"] == ECLI:
            return httpx.Response(200, content=VERBATIM, headers=XML)
        return httpx.Response(503, text="busy")

    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=two)
        mock.get(CONTENT_URL).mock(side_effect=content)
        result = run(NAMED, make_ctx({"url": SEARX}))
    assert len(result.evidence) == 1 and result.partial == {SIGNAL}


def test_too_many_rulings_are_capped_and_partial(make_ctx: MakeCtx) -> None:
    eclis = [f"ECLI:NL:RBDHA:2025:{i}" for i in range(MAX_RULINGS + 3)]
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx(*[f"https://uitspraken.rechtspraak.nl/details?id={e}" for e in eclis]))
        content = mock.get(CONTENT_URL).mock(return_value=httpx.Response(404))
        result = run(NAMED, make_ctx({"url": SEARX}))
    assert content.call_count == MAX_RULINGS
    assert result.partial == {SIGNAL}
    assert any(f"alleen de eerste {MAX_RULINGS}" in n for n in result.notes)


def test_persons_are_not_searched_and_without_engine_it_is_not_configured(make_ctx: MakeCtx) -> None:
    person = Subject(kind=SubjectKind.PERSON, name="Jan Voorbeeld", municipality=WESTLAND)
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(f"{SEARX}/search")
        assert run(person, make_ctx({"url": SEARX})).evidence == []
    assert not route.called
    with pytest.raises(NotConfigured, match="zoekmachine"):
        run(NAMED, make_ctx({}))


def test_a_configured_content_url_is_the_one_asked(make_ctx: MakeCtx) -> None:
    mirror = "https://rechtspraak-mirror.gemeente.example/content"
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{SEARX}/search").mock(return_value=searx(f"https://uitspraken.rechtspraak.nl/details?id={ECLI}"))
        content = mock.get(mirror).mock(return_value=httpx.Response(200, content=VERBATIM, headers=XML))
        result = run(NAMED, make_ctx({"url": SEARX, "content_url": mirror}))
    assert content.calls.last.request.url.params["id"] == ECLI
    (ev,) = result.evidence
    assert ev.fields["ecli"] == ECLI
    assert mirror in RechtspraakCollector().describe_endpoint({"url": SEARX, "content_url": mirror})


def test_a_configured_brave_url_serves_the_ruling_search_too(make_ctx: MakeCtx) -> None:
    proxy = "https://brave-proxy.gemeente.example/v1/search"
    brave = {"type": "search", "web": {"results": [{"url": f"https://uitspraken.rechtspraak.nl/details?id={ECLI}", "title": ECLI,
                                                    "description": ""}]}, "query": {"more_results_available": False}}
    with respx.mock(assert_all_called=True) as mock:
        search = mock.get(proxy).mock(return_value=httpx.Response(200, json=brave))
        mock.get(CONTENT_URL).mock(return_value=httpx.Response(200, content=VERBATIM, headers=XML))
        result = run(NAMED, make_ctx({"brave_api_key": "k", "brave_url": proxy}))
    assert search.calls.last.request.url.params["q"] == '"Westlandse Plantenkwekerij" site:uitspraken.rechtspraak.nl'
    assert len(result.evidence) == 1
