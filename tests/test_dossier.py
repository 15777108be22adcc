"""The Bibob file's life on both databases: dispositions move items and points, four
eyes, sign-offs lapse, finalised files refuse changes, reopening makes a new version,
raw responses are dropped, the nine elements show in the report."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from _demo_scans import demo_scan, demo_subject

from bibobscan.demo import demo_case
from bibobscan.dossier import Dossier, missing_elements, report_of
from bibobscan.dossier.export import export_lbb
from bibobscan.errors import DossierError
from bibobscan.model import Degree, DispositionAction, Verdict
from bibobscan.report import render_html
from bibobscan.report.render import split_evidence
from bibobscan.store import CaseStore, StoreLocation

OFFICER, REVIEWER = "Demo-behandelaar", "Demo-reviewer"


def _scanned(store: CaseStore, case_id: str, which: str = "person", **case_changes: object) -> Dossier:
    dossier = Dossier(store)
    case = replace(demo_case(case_id), **case_changes)  # type: ignore[arg-type]
    _, number, _ = dossier.prepare_scan(case, demo_subject(which), actor=OFFICER, demo=True)
    report, bodies = demo_scan(which, case)
    dossier.record_scan(case_id, number, report, bodies, actor=OFFICER)
    return dossier


def _item(report: object, title_start: str) -> str:
    return next(e.id for e in report.evidence if e.title.startswith(title_start))  # type: ignore[attr-defined]


def test_the_whole_life_of_a_file(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-1")
        first = report_of(store.version("L-1"))
        assert first.file is not None and first.file.status == "gescand" and first.file.raw_bodies == "in_store"
        fight = _item(first, "Vechtpartij")
        assert first.assessment.total_points == 30

        # clearing a hit moves it to "beoordeelde treffers" and its points go
        change = dossier.dispose("L-1", fight, DispositionAction.NOT_RELEVANT, "Ondervraagd als getuige", actor=OFFICER)
        report = change.report
        assert report.assessment.total_points == 15
        assert fight in {e.id for e in split_evidence(report)["cleared"]}
        assert all(fight not in h.evidence_ids for h in report.indicators)
        html = render_html(report)
        cleared_section = html.split('id="beoordeelde-treffers"', 1)[1].split('id="naamgenoten"', 1)[0]
        assert "Ondervraagd als getuige" in cleared_section and OFFICER in cleared_section
        assert "Vechtpartij" not in html.split('id="beoordeelde-treffers"', 1)[0]

        # four eyes
        dossier.conclude("L-1", Degree.LESSER, "Voorschriften volstaan", conditions="Sluiting om 23 uur", actor=OFFICER)
        with pytest.raises(DossierError, match="four eyes"):
            dossier.sign_off("L-1", actor=OFFICER)
        with pytest.raises(DossierError, match="names 'Demo-reviewer'"):
            dossier.sign_off("L-1", actor="Iemand anders")
        assert dossier.sign_off("L-1", actor=REVIEWER).record.status == "beoordeeld"

        # a later disposition lapses the sign-off
        namesake = _item(first, "Groninger")
        assert dossier.dispose("L-1", namesake, DispositionAction.NAMESAKE, "64 jaar, Groningen", actor=OFFICER).record.status == "gescand"
        assert dossier.review("L-1")[1] is True
        dossier.sign_off("L-1", actor=REVIEWER, note="Opnieuw bekeken")
        change = dossier.record_zienswijze("L-1", shared_on=date(2026, 11, 25), shared="Voornemen en bevindingen", actor=OFFICER,
                                           response_on=date(2026, 12, 1), response="Betwist", attachments=[("brief.txt", b"Ik betwist dit.")])
        assert change.record.status == "zienswijze"
        assert store.bodies("L-1")

        final = dossier.finalise("L-1", actor=OFFICER)
        assert final.record.status == "vastgesteld" and store.bodies("L-1") == []
        info = final.report.file
        assert info is not None and info.raw_bodies == "dropped" and info.finalised_by == OFFICER
        assert store.version("L-1").final

        # a finalised file refuses every change
        for attempt in (
            lambda: dossier.dispose("L-1", namesake, DispositionAction.CONFIRMED, "x", actor=OFFICER),
            lambda: dossier.sign_off("L-1", actor=REVIEWER),
            lambda: dossier.conclude("L-1", Degree.NONE, "x", actor=OFFICER),
            lambda: dossier.record_zienswijze("L-1", shared_on=date(2026, 12, 2), shared="x", actor=OFFICER),
        ):
            with pytest.raises(DossierError, match="vastgesteld"):
                attempt()
        before = [v.digest for v in store.versions("L-1")]

        # reopening makes a new file version; nothing earlier changes
        assert dossier.reopen("L-1", actor=OFFICER, reason="Nieuwe informatie").file_version == 2
        dossier.dispose("L-1", namesake, DispositionAction.NAMESAKE, "Nog steeds een naamgenoot", actor=OFFICER)
        versions = store.versions("L-1")
        assert [v.digest for v in versions[: len(before)]] == before
        assert versions[-1].file_version == 2 and dossier.review("L-1")[0].signoff is None
        actions = [e.action for e in store.audit_log("L-1")]
        assert actions[:4] == ["create", "scan", "dispose_not_relevant", "conclude"] and "finalise" in actions and actions[-2:] == ["reopen", "dispose_namesake"]


def test_finalise_lists_everything_missing(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-2", reason="", authority="", distribution=[])
        with pytest.raises(DossierError) as info:
            dossier.finalise("L-2", actor=OFFICER)
        message = str(info.value)
        for part in ("aanleiding (--reason)", "bestuursorgaan (--authority)", "distribution list", "conclusion"):
            assert part in message
        assert store.case("L-2").status == "gescand"


def test_a_reviewer_who_is_the_officer_is_refused_even_without_a_named_reviewer(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-3", reviewer="")
        dossier.conclude("L-3", Degree.NONE, "Geen aanwijzingen", actor="Collega")
        for who in (OFFICER, "collega"):  # the officer, and the author of the conclusion (case-insensitive)
            with pytest.raises(DossierError, match="second person"):
                dossier.sign_off("L-3", actor=who)
        assert dossier.sign_off("L-3", actor="Derde").record.status == "beoordeeld"


def test_confirming_a_possible_namesake_makes_it_count(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        case = demo_case("L-4")
        subject = replace(demo_subject(), born=None, municipality=None)  # nothing to corroborate a name
        _, number, _ = dossier.prepare_scan(case, subject, actor=OFFICER, demo=True)
        report, bodies = demo_scan("person", case)
        report.subject = subject
        change = dossier.record_scan("L-4", number, report, bodies, actor=OFFICER)
        rebuilt = change.report
        possible = [e for e in rebuilt.evidence if e.match and e.match.verdict is Verdict.POSSIBLE and "witwassen" in e.title]
        assert possible, "without date of birth and place the arrest story is only a possible namesake"
        before = rebuilt.assessment.total_points
        assert any(possible[0].id in m for m in missing_elements(rebuilt) if "possible namesakes not yet judged" in m)
        confirmed = dossier.dispose("L-4", possible[0].id, DispositionAction.CONFIRMED, "Zelfde persoon volgens de aanvraag", actor=OFFICER).report
        assert confirmed.assessment.total_points > before
        ev = next(e for e in confirmed.evidence if e.id == possible[0].id)
        assert ev.match is not None and ev.match.verdict is Verdict.MATCH and ev.match.features[0].name == "person_confirmed"
        assert not any(possible[0].id in m for m in missing_elements(confirmed))


def test_a_judgement_lapses_when_the_item_changes(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-5")
        fight = _item(report_of(store.version("L-5")), "Vechtpartij")
        assert dossier.dispose("L-5", fight, DispositionAction.NAMESAKE, "Ander persoon", actor=OFFICER).report.assessment.total_points == 15
        case = store.case("L-5").case
        report, bodies = demo_scan("person", case)
        changed = next(e for e in report.evidence if e.id == fight)
        changed.excerpt = "Een andere inleiding onder dezelfde link"
        changed.content_sha256 = changed.compute_content_sha256()  # as a new scan computes it
        rescan = dossier.record_scan("L-5", 1, report, bodies, actor=OFFICER).report
        ev = next(e for e in rescan.evidence if e.id == fight)
        assert ev.match is not None and ev.match.features[0].name == "person_review_lapsed"
        assert rescan.assessment.total_points == 30  # the judgement no longer applies
        assert "Beoordeling vervallen" in render_html(rescan)


def test_a_judgement_stands_when_a_rescan_only_fetches_the_item_again(store_location: StoreLocation) -> None:
    # a real re-scan fetches again: retrieved_at and the raw response hash differ, the item does not
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-5b")
        fight = _item(report_of(store.version("L-5b")), "Vechtpartij")
        assert dossier.dispose("L-5b", fight, DispositionAction.NAMESAKE, "Ander persoon", actor=OFFICER).report.assessment.total_points == 15
        report, bodies = demo_scan("person", store.case("L-5b").case)
        for ev in report.evidence:
            ev.retrieved_at = ev.retrieved_at + timedelta(days=3)
            ev.sha256 = "0" * 64
            ev.content_sha256 = ev.compute_content_sha256()
        rescan = dossier.record_scan("L-5b", 1, report, bodies, actor=OFFICER).report
        ev = next(e for e in rescan.evidence if e.id == fight)
        assert ev.match is not None and ev.match.features[0].name == "person_namesake"
        assert rescan.assessment.total_points == 15


def test_raw_responses_can_be_kept_for_the_archive(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-6")
        dossier.conclude("L-6", Degree.NONE, "Geen gevaar", actor=OFFICER)
        dossier.sign_off("L-6", actor=REVIEWER)
        final = dossier.finalise("L-6", actor=OFFICER, keep_raw_bodies=True)
        assert final.report.file is not None and final.report.file.raw_bodies == "kept"
        assert store.bodies("L-6")
        assert "bewaard in het gearchiveerde dossier" in render_html(final.report)
        dossier.mark_archived("L-6", actor=OFFICER, bag="bag-1")
        assert store.case("L-6").status == "gearchiveerd" and store.bodies("L-6") == []


def test_purge_only_after_the_retention_date(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-7")
        retention = store.case("L-7").retention_until
        assert retention is not None
        with pytest.raises(DossierError, match="kept until"):
            dossier.purge("L-7", actor="archivaris", reason="x", today=retention)
        assert dossier.purge("L-7", actor="archivaris", reason="termijn verstreken", today=retention + timedelta(days=1)).status == "vernietigd"
        with pytest.raises(DossierError, match="destroyed"):
            dossier.dispose("L-7", "x", DispositionAction.NAMESAKE, "x", actor=OFFICER)


def test_several_subjects_each_get_their_own_report(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        case = demo_case("L-8")
        for which in ("company", "person"):
            _, number, _ = dossier.prepare_scan(case, demo_subject(which), actor=OFFICER, demo=True)
            report, bodies = demo_scan(which, case)
            dossier.record_scan("L-8", number, report, bodies, actor=OFFICER)
        assert [s.subject_no for s in store.subjects("L-8")] == [1, 2]
        company = report_of(store.version("L-8", subject_no=1))
        person = report_of(store.version("L-8", subject_no=2))
        assert company.subject.kind.value == "company" and person.subject.name == "Bram Voorbeeld"
        assert person.file is not None and person.file.others == ["1. Voorbeeld Shisha Lounge B.V. (aanvrager (exploitant))"]
        # a disposition concerns one subject's report only
        fight = _item(person, "Vechtpartij")
        dossier.dispose("L-8", fight, DispositionAction.NOT_RELEVANT, "Getuige", actor=OFFICER)
        assert report_of(store.version("L-8", subject_no=1)).review.dispositions == []


def test_the_report_holds_the_nine_elements(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-9")
        dossier.conclude("L-9", Degree.SERIOUS, "Ernstig gevaar; weigering evenredig", actor=OFFICER, lbb_advice=True)
        dossier.sign_off("L-9", actor=REVIEWER)
        dossier.record_zienswijze("L-9", shared_on=date(2026, 11, 25), shared="Voornemen tot weigering", actor=OFFICER)
        report = report_of(store.version("L-9"))
        html = render_html(report)
        case = demo_case()
        for text in (case.authority, case.decision_type, case.reason, case.purpose, case.policy_rule,  # 1
                     demo_subject().identified_by,  # 2
                     "nieuwsmedium", "Adres (endpoint)", "https://news.google.com/rss/search",  # 3
                     "status: <span", "experimenteel",  # 4
                     "Beoordeelde treffers",  # 5
                     "ernstig gevaar", "Ernstig gevaar; weigering evenredig", "Afgetekend (vier ogen)", "geen besluit",  # 6
                     "Verspreidingslijst", case.distribution[0], "Vertrouwelijk",  # 7
                     "Voornemen tot weigering",  # 8
                     "--format lbb"):  # 9
            assert text in html, text
        # every source has a reliability grade; every item shown in full carries its content hash
        assert all(s.reliability for s in report.sources)
        unrelated = {e.id for e in split_evidence(report)["unrelated"]}
        assert all(e.content_sha256 in html for e in report.evidence if e.id not in unrelated)
        assert len({e.content_sha256 for e in report.evidence}) == len(report.evidence)


def test_the_lbb_hand_off(store_location: StoreLocation, tmp_path: object) -> None:
    from pathlib import Path

    with CaseStore.open(store_location) as store:
        dossier = _scanned(store, "L-10", "company")
        dossier.record_zienswijze("L-10", shared_on=date(2026, 11, 25), shared="Bevindingen", actor=OFFICER,
                                  attachments=[("reactie.txt", b"Reactie van de aanvrager")])
        folder = Path(str(tmp_path)) / "lbb"
        try:
            paths = export_lbb(dossier, "L-10", folder)
        except ImportError:
            pytest.skip("the PDF renderer is not there yet")
        data = json.loads((folder / "bevindingen.json").read_text(encoding="utf-8"))
        assert data["vraagstelling"]["zaaknummer"] == "L-10" and "niet het officiële formulier" in data["vorm"]
        assert data["betrokkenen"][0]["kvk"] == "99000011"
        assert any("Cyp" in r or "CY" in r for r in data["relaties"]), data["relaties"]
        assert {f["indicator"] for f in data["bevindingen"]} >= {"publication.closure", "court.criminal_ruling"}
        assert all(f["bewijs"] and f["bewijs"][0]["inhoud_sha256"] for f in data["bevindingen"])
        import hashlib

        for a in data["bijlagen"]:
            assert hashlib.sha256((folder / a["naam"]).read_bytes()).hexdigest() == a["sha256"]
        assert any(a["naam"].endswith("reactie.txt") for a in data["bijlagen"])
        html = (folder / "bevindingen.html").read_text(encoding="utf-8")
        assert "Regeling Bibob-formulieren" in html and "<script" not in html
        assert len(paths) == 2 + len(data["bijlagen"])
