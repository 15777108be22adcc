"""The report: self-contained, escaped, complete JSON contract, readable back."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from bibobscan.model import (
    Assessment,
    Case,
    Evidence,
    IndicatorHit,
    Match,
    MatchFeature,
    Outcome,
    Report,
    SourceRun,
    SourceStatus,
    Subject,
    SubjectKind,
    Verdict,
    source_run_from_dict,
    utcnow,
)
from bibobscan.report import read_report, render_html, safe_url, write_report

XSS = "<script>alert(1)</script>"


def sample_report() -> Report:
    ev = Evidence(
        id="news-1", source="news", kind="news.article", url="javascript:alert(2)", query=f'q="{XSS}"',
        retrieved_at=utcnow(), sha256="a" * 64, title=f"Kop {XSS} <img src=x onerror=alert(3)>",
        excerpt=f"Fragment {XSS}", published_at="2026-10-01", fields={"outlet": f"Krant {XSS}", "text": "x"},
        match=Match(Verdict.MATCH, 0.9, [MatchFeature("name_mentioned", 0.5, f"Naam {XSS} genoemd")]),
    )
    namesake = Evidence(
        id="news-2", source="news", kind="news.article", url="https://x.example/2", query="q",
        retrieved_at=utcnow(), sha256="b" * 64, title="Naamgenoot (64) uit Groningen",
        match=Match(Verdict.NO_MATCH, 0.1, [MatchFeature("name_mentioned", 0.5, "genoemd"), MatchFeature("age_differs", -1.0, "leeftijd wijkt af")]),
    )
    return Report(
        subject=Subject(kind=SubjectKind.PERSON, name=f"Jan {XSS}", born=date(1980, 1, 1)),
        case=Case(case_id="Z-1", purpose=f"Doel {XSS}", retention_until=date(2031, 1, 1)),
        sources=[
            SourceRun(source="news", status=SourceStatus.OK, hits=2, query=f"q={XSS}", title="Nieuws"),
            SourceRun(source="koop", status=SourceStatus.FAILED, error="De bron antwoordde met een foutmelding (HTTP 500).", title="KOOP",
                      technische_melding=f"HTTP 500 from repository.overheid.nl: {XSS}"),
            SourceRun(source="kvk", status=SourceStatus.NOT_CONFIGURED, error="missing api_key", title="KvK"),
        ],
        evidence=[ev, namesake],
        signals=[],
        indicators=[
            IndicatorHit("media.adverse.drugs", 1, "Drugs", Outcome.HIT, themes=["drugs"], band="één bericht", points=15, sentence=f"Zin {XSS}", evidence_ids=["news-1"]),
            IndicatorHit("publication.closure", 1, "Sluiting", Outcome.INSUFFICIENT, sentence="Bron mislukt", reason="Geen bron leverde: publication.closure."),
        ],
        assessment=Assessment(total_points=15, band="geen", band_label="geen indicaties", points_per_theme={"drugs": 15}, hits=1, insufficient=1),
        generated_at=utcnow(),
        tool_version="0.1.0",
        indicator_set={"hash": "c" * 64},
    )


def test_everything_from_outside_is_escaped() -> None:
    html = render_html(sample_report())
    assert XSS not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "<script" not in html.lower()


def test_a_failed_source_shows_the_dutch_sentence_and_the_technical_text_apart(tmp_path: Path) -> None:
    report = sample_report()
    html = render_html(report)
    assert "De bron antwoordde met een foutmelding (HTTP 500)." in html
    assert "Technische melding: <span class=\"mono\">HTTP 500 from repository.overheid.nl: " in html
    assert html.count("Technische melding:") == 1  # only where there is one
    _html_path, json_path = write_report(report, tmp_path)
    (koop,) = [s for s in read_report(json_path).sources if s.source == "koop"]
    assert koop.technische_melding.startswith("HTTP 500 from repository.overheid.nl")
    assert source_run_from_dict({"source": "x", "status": "failed", "error": "oud"}).technische_melding == ""  # an older report


def test_html_is_self_contained_and_states_signal_not_decision() -> None:
    html = render_html(sample_report())
    assert not re.search(r'<(link|img|iframe|object|embed)\b', html, re.I)
    assert not re.search(r'src\s*=\s*"https?:', html, re.I)
    assert "geen besluit" in html
    assert "Vertrouwelijk" in html and "2031-01-01" in html
    for label in ("geraadpleegd, met treffers", "mislukt", "niet geconfigureerd"):
        assert label in html
    # the namesake is shown apart, under the namesakes section, not under findings
    findings, rest = html.split('id="naamgenoten"', 1)
    assert "Naamgenoot (64)" not in findings and "Naamgenoot (64)" in rest


def test_safe_url() -> None:
    assert safe_url("https://nos.nl/a") == "https://nos.nl/a"
    assert safe_url("javascript:alert(1)") == "#"
    assert safe_url("data:text/html,x") == "#"
    assert safe_url(None) == "#"


def test_json_contract_and_round_trip(tmp_path: Path) -> None:
    html_path, json_path = write_report(sample_report(), tmp_path)
    assert html_path.exists()
    data = json.loads(json_path.read_text(encoding="utf-8"))
    for key in ("subject", "case", "sources", "evidence", "indicators", "assessment", "generated_at", "tool_version"):
        assert key in data
    statuses = {"ok", "no_results", "failed", "timeout", "rate_limited", "not_configured", "skipped"}
    for s in data["sources"]:
        assert set(s) >= {"source", "status", "hits", "query", "error"}
        assert s["status"] in statuses
    again = read_report(json_path)
    assert again.evidence[0].match is not None and again.evidence[0].match.verdict is Verdict.MATCH
    assert again.indicators[1].outcome is Outcome.INSUFFICIENT
    assert again.sources[1].status is SourceStatus.FAILED


def test_the_attribution_percentage_is_explained_in_one_sentence() -> None:
    html = render_html(sample_report())
    explained = re.search(r'<p class="note" id="uitleg-percentage">([^<]+)</p>', html)
    assert explained, "the report explains what the attribution percentage means"
    sentence = explained.group(1)
    assert sentence.count(". ") == 0 and "100 %" in sentence and "mogelijke naamgenoot" in sentence
    assert "alleen toegeschreven bewijs telt mee" in sentence
