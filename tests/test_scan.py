"""Orchestration: one failing, slow, broken or unconfigured source never stops a scan,
and is recorded with its status, never as "nothing found"."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

import httpx

from bibobscan.collectors import CollectContext, Collected, Collector, load_collectors
from bibobscan.config import Settings
from bibobscan.errors import UpstreamError
from bibobscan.model import Case, Evidence, Outcome, SourceStatus, Subject, SubjectKind, utcnow
from bibobscan.scan import ScanOptions, scan

PERSON = Subject(kind=SubjectKind.PERSON, name="Jan Testpersoon", born=date(1980, 1, 1))
CASE = Case(case_id="T-1", purpose="test")


class Fake(Collector):
    title = "Fake"
    covers = "test"
    licence = "test"
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.PERSON, SubjectKind.COMPANY})
    provides: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, id: str, behaviour: str, provides: frozenset[str] = frozenset(), applies: frozenset[SubjectKind] | None = None) -> None:
        self.id = id  # type: ignore[misc]
        self.behaviour = behaviour
        self.provides = provides  # type: ignore[misc]
        if applies is not None:
            self.applies_to = applies  # type: ignore[misc]

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        return "missing api_key" if self.behaviour == "unconfigured" else None

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        if self.behaviour == "fails":
            raise UpstreamError("HTTP 500 from fake", source=self.id, status_code=500)
        if self.behaviour == "hangs":
            await asyncio.sleep(30)
        if self.behaviour == "bug":
            raise KeyError("oops")
        if self.behaviour == "empty":
            return Collected([])
        ev = Evidence(id=f"{self.id}-1", source=self.id, kind="news.article", url="https://x.example/1", query="q",
                      retrieved_at=utcnow(), sha256="0" * 64, title="Jan Testpersoon (46) uit Utrecht opent zaak",
                      fields={"text": "Jan Testpersoon (46) opent zaak"})
        return Collected([ev])


def test_each_failure_is_recorded_and_the_scan_completes() -> None:
    collectors: list[Collector] = [
        Fake("a_ok", "ok", frozenset({"media.mention", "media.adverse"})),
        Fake("b_fails", "fails", frozenset({"publication.closure"})),
        Fake("c_hangs", "hangs", frozenset({"sanctions.match"})),
        Fake("d_unconfigured", "unconfigured"),
        Fake("e_bug", "bug"),
        Fake("f_empty", "empty"),
        Fake("g_not_for_persons", "ok", applies=frozenset({SubjectKind.COMPANY})),
    ]
    options = ScanOptions(settings=Settings(source_timeout=0.2), environ={}, reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(PERSON, CASE, collectors, options))
    status = {s.source: s.status for s in report.sources}
    assert status == {
        "a_ok": SourceStatus.OK,
        "b_fails": SourceStatus.FAILED,
        "c_hangs": SourceStatus.TIMEOUT,
        "d_unconfigured": SourceStatus.NOT_CONFIGURED,
        "e_bug": SourceStatus.FAILED,
        "f_empty": SourceStatus.NO_RESULTS,
        "g_not_for_persons": SourceStatus.SKIPPED,
    }
    errors = {s.source: s.error or "" for s in report.sources}
    technical = {s.source: s.technische_melding for s in report.sources}
    # the officer reads a Dutch sentence; the technical text is kept apart
    assert errors["b_fails"] == "De bron antwoordde met een foutmelding (HTTP 500)." and "HTTP 500 from fake" in technical["b_fails"]
    assert errors["c_hangs"].startswith("De bron gaf geen antwoord binnen") and "source_timeout" in technical["c_hangs"]
    assert "Interne fout" in errors["e_bug"] and "KeyError" not in errors["e_bug"] and "KeyError" in technical["e_bug"]
    assert "niet ingesteld" in errors["d_unconfigured"] and technical["d_unconfigured"] == "missing api_key"
    # The indicators fed only by the failed/slow sources are "insufficient", not "no hit".
    by_id = {h.indicator_id: h for h in report.indicators}
    assert by_id["publication.closure"].outcome is Outcome.INSUFFICIENT
    assert by_id["sanctions.list_match"].outcome is Outcome.INSUFFICIENT
    assert by_id["media.adverse.drugs"].outcome is Outcome.NO_HIT
    assert any("b_fails" in c or "Fake" in c for c in report.assessment.caveats)


def test_live_scan_without_network_or_keys_never_reads_as_ok() -> None:
    """No network, no keys: every networked source is failed or not_configured. The
    bundled UN list is local data and is genuinely consulted."""

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("network unreachable", request=request)

    options = ScanOptions(settings=Settings(), transport=httpx.MockTransport(offline), environ={})
    company = Subject(kind=SubjectKind.COMPANY, name="Testbedrijf B.V.", kvk="12345678")
    for subject in (PERSON, company):
        report = asyncio.run(scan(subject, CASE, load_collectors(), options))
        for run in report.sources:
            if run.source == "un_sanctions":
                assert run.status is SourceStatus.NO_RESULTS
            elif run.status is not SourceStatus.SKIPPED:
                assert run.status in (SourceStatus.FAILED, SourceStatus.NOT_CONFIGURED), (run.source, run.status)
                assert run.error
        assert {h.indicator_id: h.outcome for h in report.indicators}["media.adverse.drugs"] is Outcome.INSUFFICIENT


def test_script_in_a_news_title_is_inert_end_to_end() -> None:
    from bibobscan.report import render_html

    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title>'
        "<item><title>Jan Testpersoon (46) uit Utrecht &lt;script&gt;alert(1)&lt;/script&gt; opgepakt voor witwassen - Krant</title>"
        "<link>https://news.google.com/rss/articles/abc?oc=5</link><guid>abc</guid>"
        "<pubDate>Fri, 25 Sep 2026 13:53:48 GMT</pubDate>"
        '<source url="https://krant.example">Krant</source></item></channel></rss>'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=feed, headers={"Content-Type": "application/xml"})

    subject = Subject(kind=SubjectKind.PERSON, name="Jan Testpersoon", born=date(1980, 1, 1))
    options = ScanOptions(settings=Settings(), transport=httpx.MockTransport(handler), environ={}, reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(subject, CASE, load_collectors(["news"]), options))
    assert any("<script>" in e.title for e in report.evidence)  # kept as text, not dropped
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _outcomes(report) -> dict[str, Outcome]:  # type: ignore[no-untyped-def]
    return {h.indicator_id: h.outcome for h in report.indicators}


def test_partly_failed_source_is_not_read_as_nothing_found() -> None:
    """Google News fails, the configured feed answers without hits: 'no adverse media'
    would be a claim on half the data, so it reads as insufficient (review finding)."""
    feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.google.com":
            return httpx.Response(500, text="boom")
        return httpx.Response(200, text=feed, headers={"Content-Type": "application/rss+xml"})

    settings = Settings(sources={"news": {"feeds": ["https://krant.example/rss"]}})
    options = ScanOptions(settings=settings, transport=httpx.MockTransport(handler), environ={}, reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(PERSON, CASE, load_collectors(["news"]), options))
    [run] = report.sources
    assert run.status is SourceStatus.NO_RESULTS and run.partial
    assert _outcomes(report)["media.adverse.drugs"] is Outcome.INSUFFICIENT
    assert report.assessment.complete is False and "onvolledig" in report.assessment.band_label.lower()
    # what is missing comes first: the band is never the first words of an incomplete scan
    assert report.assessment.band_label.startswith("Onvolledig onderzoek: 1 bron niet (volledig) geraadpleegd; ")
    assert report.assessment.band_label.endswith(f"in de geraadpleegde bronnen: {report.assessment.band_label.rsplit(': ', 1)[1]}")


def test_company_not_in_register_is_not_read_as_old_and_unshielded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"fout": [{"code": "IPD0005", "omschrijving": "niet gevonden"}]})

    settings = Settings(sources={"kvk": {"api_key": "k"}})
    company = Subject(kind=SubjectKind.COMPANY, name="Test B.V.", kvk="12345678")
    options = ScanOptions(settings=settings, transport=httpx.MockTransport(handler), environ={}, reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(company, CASE, load_collectors(["kvk"]), options))
    outcomes = _outcomes(report)
    for ind in ("register.recent_registration", "register.shielded_address", "address.many_companies", "register.risk_sector"):
        assert outcomes[ind] is Outcome.INSUFFICIENT, ind
    assert report.assessment.complete is False


def test_shielded_visit_address_leaves_the_address_count_insufficient() -> None:
    profile = {
        "kvkNummer": "12345678", "naam": "Test B.V.", "formeleRegistratiedatum": "20100101",
        "sbiActiviteiten": [{"sbiCode": "6201", "sbiOmschrijving": "Software", "indHoofdactiviteit": "Ja"}],
        "_embedded": {"eigenaar": {"rechtsvorm": "BV"}, "hoofdvestiging": {"adressen": [
            {"type": "bezoekadres", "indAfgeschermd": "Ja", "plaats": "Tilburg"}]}},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=profile, headers={"Content-Type": "application/hal+json"})

    settings = Settings(sources={"kvk": {"api_key": "k"}})
    company = Subject(kind=SubjectKind.COMPANY, name="Test B.V.", kvk="12345678")
    options = ScanOptions(settings=settings, transport=httpx.MockTransport(handler), environ={}, reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(company, CASE, load_collectors(["kvk"]), options))
    outcomes = _outcomes(report)
    assert outcomes["address.many_companies"] is Outcome.INSUFFICIENT
    assert outcomes["register.recent_registration"] is Outcome.NO_HIT
    assert outcomes["register.shielded_address"] is Outcome.HIT


def test_company_without_lei_leaves_ownership_insufficient_but_the_scan_complete() -> None:
    """Most companies have no LEI: that is a gap in what GLEIF holds, not a failed source
    (review finding: it made every ordinary company scan 'onvolledig', exit 3)."""
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"meta": {"pagination": {"total": 0}}, "data": []})

    company = Subject(kind=SubjectKind.COMPANY, name="Test B.V.", kvk="12345678")
    options = ScanOptions(transport=httpx.MockTransport(handler), environ={}, reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(company, CASE, load_collectors(["gleif"]), options))
    [run] = report.sources
    assert run.absent == ["register.foreign_parent"] and not run.incomplete
    assert _outcomes(report)["register.foreign_ownership"] is Outcome.INSUFFICIENT
    assert report.assessment.complete is True and "onvolledig" not in report.assessment.band_label


def test_company_by_name_gets_its_ownership_chain_through_the_kvk_number_the_register_gave() -> None:
    from bibobscan.demo import wired

    company = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.")
    options = wired(ScanOptions(), demo=True, config=None)
    collectors = load_collectors(["kvk", "gleif"])
    report = asyncio.run(scan(company, CASE, collectors, options))
    gleif = next(r for r in report.sources if r.source == "gleif")
    assert "99000011" in gleif.query and gleif.status is SourceStatus.OK
    assert [r.source for r in report.sources] == [c.id for c in collectors]  # their order, not the order of finishing
    hit = next(h for h in report.indicators if h.indicator_id == "register.foreign_ownership")
    assert hit.outcome is Outcome.HIT and "Exemplum Investments Ltd" in hit.sentence


def test_demo_runs_drop_the_per_host_waits_and_live_runs_keep_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bibobscan.demo import demo_settings, wired

    demo = wired(ScanOptions(), demo=True, config=None)
    assert demo.settings.http.host_policies and all(p.min_interval == 0 for p in demo.settings.http.host_policies.values())
    assert demo_settings().http.host_policies["api.gleif.org"].min_interval == 1.0  # what sector_scale.py measures with
    (tmp_path / "bibobscan.toml").write_text("[http]\n", encoding="utf-8")
    live = wired(ScanOptions(), demo=False, config=tmp_path / "bibobscan.toml")
    assert live.settings.http.host_policies["api.gleif.org"].min_interval == 1.0


def test_company_by_trade_name_is_identified_and_an_unknown_one_skips_gleif() -> None:
    from bibobscan.resolve import learned_kvk

    profile = Evidence(id="kvk-1", source="kvk", kind="register.company", url="https://x.example", query="q", retrieved_at=utcnow(),
                       sha256="0" * 64, title="Voorbeeld Horeca B.V.",
                       fields={"kvk": "99000011", "name": "Voorbeeld Horeca B.V.", "trade_names": ["Shisha Lounge Demostraat"]})
    by_trade_name = Subject(kind=SubjectKind.COMPANY, name="Shisha Lounge Demostraat")
    assert learned_kvk(by_trade_name, [profile], date(2026, 11, 20)) == "99000011"

    def handler(request: httpx.Request) -> httpx.Response:  # the register knows no such company
        return httpx.Response(200, json={"pagina": 1, "resultatenPerPagina": 10, "totaal": 0, "resultaten": []})

    unknown = Subject(kind=SubjectKind.COMPANY, name="Onbekend Voorbeeld B.V.")
    live = ScanOptions(settings=Settings(sources={"kvk": {"api_key": "k"}}), transport=httpx.MockTransport(handler), environ={},
                       reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(unknown, CASE, load_collectors(["kvk", "gleif"]), live))
    gleif = next(r for r in report.sources if r.source == "gleif")
    assert gleif.status is SourceStatus.SKIPPED and "KvK-nummer" in (gleif.error or "")
    assert gleif.uncovered == ["register.foreign_parent"] and report.assessment.complete is False


def test_the_skip_message_says_why_there_is_no_kvk_number() -> None:
    def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="boom")

    unknown = Subject(kind=SubjectKind.COMPANY, name="Onbekend Voorbeeld B.V.")
    failed = ScanOptions(settings=Settings(sources={"kvk": {"api_key": "k"}}), transport=httpx.MockTransport(failing), environ={},
                         reference_date=date(2026, 11, 20))
    report = asyncio.run(scan(unknown, CASE, load_collectors(["kvk", "gleif"]), failed))
    assert "gaf geen antwoord" in (next(r for r in report.sources if r.source == "gleif").error or "")
    alone = asyncio.run(scan(unknown, CASE, load_collectors(["gleif"]), failed))
    assert "niet geraadpleegd" in (alone.sources[0].error or "")


def test_every_source_error_class_has_its_own_dutch_sentence() -> None:
    import bibobscan.errors as errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.SourceError)]
    assert len(classes) >= 9
    for cls in classes:
        assert "dutch" in cls.__dict__ or cls is errors.SourceError, f"{cls.__name__} has no Dutch sentence of its own"
        assert cls.dutch.endswith(".") and cls.dutch[0].isupper()
    assert errors.UpstreamError("HTTP 401 from x", status_code=401).dutch_message().startswith("De bron weigerde de toegang")
    assert "over 30 seconden" in errors.RateLimited("HTTP 429", retry_after=30).dutch_message()
