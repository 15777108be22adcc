"""One event counts once (issue 11, part 3): linking evidence into events, the
profile's one_event_once precedence, "ook gemeld als" and the demo company's closure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.errors import IndicatorError
from bibobscan.events import act_of, link_events, mark_signals
from bibobscan.model import Evidence, Match, Signal, Verdict
from bibobscan.resources import default_profile, indicators_dir
from bibobscan.rules import load_indicators, load_profile
from bibobscan.rules.checks import check_profile_against

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def ev(eid: str, title: str, day: str, source: str = "news", excerpt: str = "", verdict: Verdict = Verdict.MATCH) -> Evidence:
    return Evidence(id=eid, source=source, kind="article", url=f"https://x.example/{eid}", query="q", retrieved_at=NOW, sha256="0",
                    title=title, excerpt=excerpt, published_at=day, match=Match(verdict, 0.9))


def sig(kind: str, e: Evidence, **attrs: str) -> Signal:
    return Signal(kind, {"date": e.published_at or "", **attrs}, [e.id])


def test_the_act_is_the_first_one_the_headline_tells() -> None:
    assert act_of("Burgemeester sluit Café De Hoek drie maanden na drugsvondst") == "sluiting"
    assert act_of("Politie vindt drugs in Café De Hoek") == "vondst of inval"
    assert act_of("Besluit", signal_types=("publication.closure",)) == "sluiting"
    assert act_of("Nieuwe eigenaar voor Café De Hoek") is None


def test_a_closure_as_publication_and_as_news_is_one_event_a_week_later_find_is_not() -> None:
    pub = ev("koop-1", "Besluit burgemeester tot sluiting van Café De Hoek", "2026-10-15", source="koop")
    news = ev("news-1", "Burgemeester sluit Café De Hoek na drugsvondst", "2026-10-16")
    find = ev("news-2", "Politie vindt drugs in Café De Hoek", "2026-09-30")
    later = ev("news-3", "Burgemeester sluit Café De Hoek opnieuw", "2027-03-01")
    signals = [sig("publication.closure", pub), sig("media.adverse", news, theme="drugs"), sig("media.adverse", find, theme="drugs"),
               sig("media.adverse", later, theme="handhaving")]
    [event] = link_events([pub, news, find, later], signals)
    assert event.evidence_ids == ("koop-1", "news-1") and event.act == "sluiting"
    assert any("sluiting" in r for r in event.reasons)
    mark_signals(signals, [event])
    assert [s.attrs.get("event") for s in signals] == [event.id, event.id, None, None]


def test_the_same_headline_on_other_dates_or_a_namesake_is_no_event() -> None:
    a = ev("news-1", "Man aangehouden voor drugshandel", "2026-01-10")
    b = ev("news-2", "Man aangehouden voor drugshandel", "2026-06-10")
    other = ev("news-3", "Man aangehouden voor drugshandel", "2026-01-11", verdict=Verdict.POSSIBLE)
    signals = [sig("media.adverse", x, theme="drugs") for x in (a, b, other)]
    assert link_events([a, b, other], signals) == []


def test_a_mention_without_a_scoring_signal_makes_no_event() -> None:
    a = ev("news-1", "Burgemeester sluit Café De Hoek", "2026-10-16")
    b = ev("web-1", "Burgemeester sluit Café De Hoek", "2026-10-16", source="websearch")
    assert link_events([a, b], [sig("media.mention", a), sig("media.mention", b)]) == []


def test_the_profile_precedence_is_checked(tmp_path: Path) -> None:
    indicators = load_indicators(indicators_dir())
    assert check_profile_against(load_profile(default_profile()), indicators) == []
    bad = tmp_path / "p.yaml"
    bad.write_text("name: p\nthresholds: [{min: 0, band: geen, label: geen}]\none_event_once: [publication.closur]\n", encoding="utf-8")
    [error] = check_profile_against(load_profile(bad), indicators)
    assert "publication.closur" in str(error) and "nearest: publication.closure" in str(error) and "one_event_once" in str(error)
    bad.write_text("name: p\nthresholds: [{min: 0, band: geen, label: geen}]\none_event_once: publication.closure\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="one_event_once"):
        load_profile(bad)
    bad.write_text("name: p\nthresholds: [{min: 0, band: geen, label: geen}]\none_event_once: [a.b, a.b]\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="listed twice"):
        load_profile(bad)


def test_the_demo_companys_closure_scores_once_with_its_other_report_listed(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [path] = tmp_path.glob("*shisha-lounge*.json")
    report = json.loads(path.read_text(encoding="utf-8"))
    hits = {h["indicator_id"]: h for h in report["indicators"]}
    closure = hits["publication.closure"]
    [closure_news] = closure["same_event_ids"]
    assert closure["outcome"] == "hit" and closure_news.startswith("news-")
    assert closure["also_reported_as"] == ["Negatieve berichtgeving: drugscriminaliteit", "Negatieve berichtgeving: bestuurlijke handhaving"]
    # the closure article counts under no other indicator; each media indicator keeps its own other story
    scoring = [h for h in report["indicators"] if h["outcome"] == "hit" and closure_news in h["evidence_ids"]]
    assert scoring == []
    for media in ("media.adverse.drugs", "media.adverse.handhaving"):
        assert hits[media]["counted_under"] == [closure["title"]] and closure_news not in hits[media]["evidence_ids"]
    html = path.with_suffix(".html").read_text(encoding="utf-8")
    assert "Ook gemeld als: Negatieve berichtgeving: drugscriminaliteit" in html
    assert "Andere berichten over hetzelfde voorval" in html and "telt al mee onder" in html
    # the story is shown in full once in the findings (as a link under the closure, not as a card under a media hit)
    findings = html.split('id="bevindingen"', 1)[1].split('id="beoordeelde-treffers"', 1)[0]
    assert findings.count(f"id <span class=\"mono\">{closure_news}</span>") == 0 and findings.count(closure_news) == 1
