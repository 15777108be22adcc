"""The diff between two report versions of a case (bibobscan.dossier.diff)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import timedelta

from _demo_scans import demo_scan, demo_subject

from bibobscan.demo import demo_case
from bibobscan.dossier import Dossier, ReportDiff, diff_reports, report_of
from bibobscan.model import (
    DispositionAction,
    Evidence,
    Match,
    MatchFeature,
    Outcome,
    Report,
    SourceStatus,
    Verdict,
    to_jsonable,
)
from bibobscan.report.render import environment
from bibobscan.store import CaseStore, StoreLocation

HOSTILE = "<script>alert(1)</script>"


def _by_title(report: Report, start: str) -> Evidence:
    return next(e for e in report.evidence if e.title.startswith(start))


def _render(diff: ReportDiff) -> str:
    return environment().get_template("web/partials/diff.html.j2").render(diff=diff)


def _modified(old: Report) -> tuple[Report, dict[str, str]]:
    """A copy of ``old`` that differs in every way the diff reports; returns it and the
    ids of the items touched."""
    new = copy.deepcopy(old)
    dropped = _by_title(new, "Inbrekers slaan toe")
    new.evidence.remove(dropped)
    # an item whose excerpt changed (content hash recomputed, as a scan does)
    edited = _by_title(new, "Bram Voorbeeld opent tweede kapsalon")
    edited.excerpt = "Een andere inleiding onder dezelfde link"
    edited.content_sha256 = edited.compute_content_sha256()
    # an item whose content is the same but whose attribution changed
    reattributed = _by_title(new, "Groninger Bram Voorbeeld")
    assert reattributed.match is not None and reattributed.match.verdict is Verdict.NO_MATCH
    reattributed.match = Match(Verdict.POSSIBLE, 0.55, [MatchFeature("name_mentioned", 0.5, "Naam genoemd.")])
    # an item fetched again, nothing else different: not a change
    refetched = _by_title(new, "Kapsalon Fictief")
    refetched.retrieved_at += timedelta(days=3)
    refetched.content_sha256 = refetched.compute_content_sha256()
    # a new item with a hostile title and a javascript: link
    added = replace(copy.deepcopy(edited), id="news-000000000new", title=HOSTILE, url="javascript:alert(2)")
    added.content_sha256 = added.compute_content_sha256()
    new.evidence.append(added)
    # points: witwassen loses its hit, a questionnaire indicator gets one
    wit = next(h for h in new.indicators if h.indicator_id == "media.adverse.witwassen")
    wit.outcome, wit.points = Outcome.NO_HIT, 0.0
    refused = next(h for h in new.indicators if h.indicator_id == "questionnaire.refused")
    refused.outcome, refused.points = Outcome.HIT, 30.0
    new.assessment.total_points = 45.0
    new.assessment.band, new.assessment.band_label = "advies_lbb", "advies LBB overwegen"
    new.assessment.complete = False
    news = next(s for s in new.sources if s.source == "news")
    news.status = SourceStatus.FAILED
    return new, {"dropped": dropped.id, "edited": edited.id, "reattributed": reattributed.id, "refetched": refetched.id, "added": added.id}


def test_identical_reports_have_an_empty_diff() -> None:
    report, _ = demo_scan()
    diff = diff_reports(report, copy.deepcopy(report))
    assert diff.empty
    assert diff.evidence.new == diff.evidence.gone == diff.evidence.changed == ()
    assert diff.evidence.unchanged_count == len(report.evidence) == 11
    assert diff.evidence.refetched_count == 0
    assert len(diff.indicators) == len(report.indicators)
    assert not any(i.changed for i in diff.indicators)
    assert diff.totals.points_before == diff.totals.points_after == 30 and diff.totals.delta == 0
    assert diff.totals.sources == ()
    assert "Geen verschil" in _render(diff)


def test_every_part_of_the_diff() -> None:
    old, _ = demo_scan()
    new, ids = _modified(old)
    before_json = json.dumps(old.to_dict(), sort_keys=True)
    diff = diff_reports(old, new)
    assert json.dumps(old.to_dict(), sort_keys=True) == before_json, "the diff changes neither report"

    ev = diff.evidence
    assert [e.id for e in ev.new] == [ids["added"]]
    assert ev.new[0].title == HOSTILE and ev.new[0].verdict_before == "" and ev.new[0].verdict_after == "match"
    assert [e.id for e in ev.gone] == [ids["dropped"]]
    gone = ev.gone[0]
    assert gone.title.startswith("Inbrekers") and gone.source == "news" and gone.url.startswith("http")
    assert gone.verdict_before == "match" and gone.verdict_after == "" and gone.confidence_after is None
    changed = {e.id: e for e in ev.changed}
    assert set(changed) == {ids["edited"], ids["reattributed"]}
    assert changed[ids["edited"]].fields == ("excerpt",)
    assert changed[ids["edited"]].verdict_before == changed[ids["edited"]].verdict_after == "match"
    r = changed[ids["reattributed"]]
    assert r.fields == ("match_verdict", "match_confidence")
    assert (r.verdict_before, r.verdict_after, r.confidence_after) == ("no_match", "possible", 0.55)
    # 11 items before; one dropped, two changed: eight the same, one of them refetched
    assert ev.unchanged_count == 8 and ev.refetched_count == 1
    assert ids["refetched"] not in changed

    ind = diff.indicators
    assert [i.id for i in ind[:2]] == ["questionnaire.refused", "media.adverse.witwassen"]  # |30| before |15|
    q, w = ind[0], ind[1]
    assert (q.points_before, q.points_after, q.delta, q.outcome_before, q.outcome_after) == (0, 30, 30, "insufficient", "hit")
    assert (w.points_before, w.points_after, w.delta, w.outcome_before, w.outcome_after) == (15, 0, -15, "hit", "no_hit")
    assert all(i.delta == 0 and not i.changed for i in ind[2:])
    assert [i.id for i in ind[2:]] == sorted(i.id for i in ind[2:])  # ties by id
    assert {i.id for i in ind} == {h.indicator_id for h in old.indicators}

    t = diff.totals
    assert (t.points_before, t.points_after, t.delta) == (30, 45, 15)
    assert (t.band_label_before, t.band_label_after) == ("nader onderzoek aanbevolen", "advies LBB overwegen")
    assert (t.complete_before, t.complete_after) == (True, False)
    assert [(s.source, s.before, s.after) for s in t.sources] == [("news", "ok", "failed")]
    assert not diff.empty

    data = json.loads(json.dumps(to_jsonable(diff)))  # JSON-able as the API serves it
    assert data["evidence"]["changed"][0]["fields"] in (["excerpt"], ["match_verdict", "match_confidence"])
    assert data["totals"]["sources"] == [{"source": "news", "before": "ok", "after": "failed"}]
    assert data["indicators"][0]["id"] == "questionnaire.refused"


def test_indicators_and_sources_present_in_one_report_only() -> None:
    old, _ = demo_scan()
    new = copy.deepcopy(old)
    gone = new.indicators.pop(next(i for i, h in enumerate(new.indicators) if h.indicator_id == "media.adverse.geweld"))
    new.sources = [s for s in new.sources if s.source != "cbs"]
    diff = diff_reports(old, new)
    first = diff.indicators[0]
    assert (first.id, first.title, first.points_after, first.delta, first.outcome_after) == (gone.indicator_id, gone.title, 0, -15, "")
    assert [(s.source, s.before, s.after) for s in diff.totals.sources] == [("cbs", "skipped", "")]
    reverse = diff_reports(new, old)
    assert reverse.indicators[0].outcome_before == "" and reverse.indicators[0].delta == 15


def test_the_partial_in_dutch_and_escaped() -> None:
    old, _ = demo_scan()
    new, _ = _modified(old)
    html = _render(diff_reports(old, new))
    for heading in ("Nieuw gevonden", "Niet meer gevonden", "Gewijzigd", "Punten per indicator (voor → na)"):
        assert f"<h3>{heading}</h3>" in html
    assert "<thead><tr><th>Indicator</th><th>Voor</th><th>Na</th>" in html
    assert "Totaal: 30 → 45 punten; nader onderzoek aanbevolen → advies LBB overwegen" in html
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html  # a non-http(s) link is text only, never a href
    assert 'href="https://' in html or 'href="http://' in html  # the gone item's real link
    assert "Gewijzigd: fragment" in html
    assert "toeschrijving niet toegeschreven (10%) → mogelijke naamgenoot (55%)" in html
    assert "mislukt" in html  # the news source's new status, in Dutch
    assert "Onderzoek volledig: ja → nee" in html
    assert "+15" in html and "-15" in html and "+30" in html


def test_versions_from_the_case_store(store_location: StoreLocation) -> None:
    """As the web page does it: two versions loaded from the store, a person's
    judgement in between."""
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        case = demo_case("D-1")
        _, number, _ = dossier.prepare_scan(case, demo_subject(), actor="Demo-behandelaar", demo=True)
        report, bodies = demo_scan("person", case)
        dossier.record_scan("D-1", number, report, bodies, actor="Demo-behandelaar")
        fight = _by_title(report_of(store.version("D-1")), "Vechtpartij").id
        dossier.dispose("D-1", fight, DispositionAction.NAMESAKE, "Ander persoon", actor="Demo-behandelaar")
        numbers = [v.version_no for v in store.versions("D-1")]
        assert len(numbers) == 2
        diff = diff_reports(report_of(store.version("D-1", numbers[0])), report_of(store.version("D-1", numbers[1])))
    assert (diff.version_before, diff.version_after) == (numbers[0], numbers[1])
    assert diff.evidence.new == diff.evidence.gone == ()
    [item] = diff.evidence.changed
    assert item.id == fight and item.fields == ("match_verdict", "match_confidence", "disposition")
    assert (item.verdict_before, item.verdict_after) == ("match", "no_match")
    geweld = next(i for i in diff.indicators if i.id == "media.adverse.geweld")
    assert (geweld.points_before, geweld.points_after, geweld.outcome_after) == (15, 0, "no_hit")
    assert diff.indicators[0] is geweld
    assert (diff.totals.points_before, diff.totals.points_after) == (30, 15)
