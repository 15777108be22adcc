"""Resolve: attribution to the subject, namesakes kept apart, each with reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

from bibobscan.model import Evidence, Municipality, Subject, SubjectKind, Verdict, utcnow
from bibobscan.resolve import resolve_all, similarity
from bibobscan.signals import assess_text, classify_publication

TILBURG = Municipality("GM0855", "Tilburg")
PERSON = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14), municipality=TILBURG)
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011", municipality=TILBURG)
REF = date(2026, 11, 20)


def ev(kind: str, title: str, **fields: Any) -> Evidence:
    return Evidence(id=title[:20], source="t", kind=kind, url="https://x.example", query="q", retrieved_at=utcnow(),
                    sha256="0" * 64, title=title, published_at=fields.pop("published_at", "2026-10-01"), fields=fields)


def verdict(subject: Subject, item: Evidence) -> Verdict:
    resolve_all(subject, [item], REF)
    assert item.match is not None
    assert item.match.features, "every verdict carries reasons"
    return item.match.verdict


def test_age_and_place_confirm() -> None:
    item = ev("news.article", "Tilburgse ondernemer Bram Voorbeeld (39) aangehouden", text="Tilburgse ondernemer Bram Voorbeeld (39) aangehouden")
    assert verdict(PERSON, item) is Verdict.MATCH


def test_namesake_with_other_age_is_ruled_out() -> None:
    item = ev("news.article", "Bram Voorbeeld (64) veroordeeld", text="Bram Voorbeeld (64) veroordeeld voor oplichting")
    assert verdict(PERSON, item) is Verdict.NO_MATCH
    assert any(f.name == "age_differs" for f in item.match.features)  # type: ignore[union-attr]


def test_namesake_from_other_municipality_is_ruled_out() -> None:
    item = ev("news.article", "Groninger Bram Voorbeeld opgepakt", text="Groninger Bram Voorbeeld opgepakt")
    assert verdict(PERSON, item) is Verdict.NO_MATCH


def test_name_alone_is_a_possible_namesake() -> None:
    item = ev("news.article", "Bram Voorbeeld opgepakt", text="Bram Voorbeeld opgepakt")
    assert verdict(PERSON, item) is Verdict.POSSIBLE


def test_not_mentioned_is_no_match() -> None:
    item = ev("news.article", "Voorbeeldige inzet vrijwilligers", text="Voorbeeldige inzet vrijwilligers in Tilburg")
    assert verdict(PERSON, item) is Verdict.NO_MATCH


def test_common_word_is_not_a_place() -> None:
    item = ev("news.article", "Buren van Bram Voorbeeld (39) in Tilburg geschrokken", text="de buren van Bram Voorbeeld (39) in Tilburg zijn geschrokken")
    assert verdict(PERSON, item) is Verdict.MATCH


def test_kvk_number_decides_register_evidence() -> None:
    same = ev("register.company", "x", kvk="99000011", name="Iets Anders B.V.")
    other = ev("register.company", "y", kvk="12345678", name="Voorbeeld Shisha Lounge B.V.")
    assert verdict(COMPANY, same) is Verdict.MATCH
    assert verdict(COMPANY, other) is Verdict.NO_MATCH


def test_sanctions_need_the_birth_date() -> None:
    listed = {"name": "Bram Voorbeeld", "aliases": []}
    assert verdict(PERSON, ev("sanctions.entry", "a", birth_dates=["1987-03-14"], **listed)) is Verdict.MATCH
    assert verdict(PERSON, ev("sanctions.entry", "b", birth_dates=["1987"], **listed)) is Verdict.MATCH
    assert verdict(PERSON, ev("sanctions.entry", "c", birth_dates=["1958-07-02"], **listed)) is Verdict.NO_MATCH
    assert verdict(PERSON, ev("sanctions.entry", "d", birth_dates=[], **listed)) is Verdict.POSSIBLE
    near_miss = ev("sanctions.entry", "e", birth_dates=["1958-07-02"], name="Abraham Voorbeek", aliases=[])
    assert verdict(PERSON, near_miss) is Verdict.NO_MATCH


def test_legal_form_alone_never_makes_names_alike() -> None:
    assert similarity("Alpha B.V.", "Omega B.V.", company=True) < 0.6
    assert similarity("Voorbeeld Shisha Lounge B.V.", "Voorbeeld Shisha Lounge", company=True) == 1.0


def test_company_name_quoted_literally_is_attributed() -> None:
    item = ev("news.article", "Burgemeester sluit Voorbeeld Shisha Lounge", text="Burgemeester sluit Voorbeeld Shisha Lounge drie maanden")
    assert verdict(COMPANY, item) is Verdict.MATCH


def test_victim_and_acquittal_are_not_adverse() -> None:
    names = ["Bram Voorbeeld"]
    victim, why = assess_text("Inbrekers slaan toe bij kapsalon van Bram Voorbeeld, eigenaar slachtoffer van geweld", names)
    assert victim == [] and "slachtoffer" in why[0]
    acquitted, _ = assess_text("Bram Voorbeeld vrijgesproken van witwassen", names)
    assert acquitted == []
    found, _ = assess_text("Bram Voorbeeld aangehouden voor witwassen", names)
    assert [f.theme for f in found] == ["witwassen"] and found[0].confidence == 0.8


def test_risk_term_far_from_the_name_is_not_linked() -> None:
    text = "Bram Voorbeeld opent een kapsalon. Het weer is mooi. De buurt is rustig. Elders werd cocaïne gevonden."
    found, _ = assess_text(text, ["Bram Voorbeeld"])
    assert found == []


def test_publication_classification() -> None:
    assert classify_publication("Sluiting pand op grond van artikel 13b Opiumwet") == "publication.closure"
    assert classify_publication("Intrekking exploitatievergunning Café X") == "publication.permit_revoked"
    assert classify_publication("Weigering vergunning op grond van de Wet Bibob") == "publication.permit_revoked"
    assert classify_publication("Beleidsregel Bibob 2026") == "publication.bibob"
    assert classify_publication("Verleende omgevingsvergunning") == "publication.mention"


def test_unknown_place_is_no_contradiction() -> None:
    """Without a known municipality a named town cannot contradict (review finding)."""
    anywhere = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14))
    item = ev("news.article", "Tilburgse ondernemer Bram Voorbeeld (39) aangehouden", text="Tilburgse ondernemer Bram Voorbeeld (39) aangehouden")
    assert verdict(anywhere, item) is Verdict.MATCH
    assert not any(f.name == "other_place" for f in item.match.features)  # type: ignore[union-attr]


def test_short_place_names_need_a_word_boundary() -> None:
    """'Best' must not match 'beste', 'Ede' not 'edelsmid' (review finding)."""
    best = Subject(kind=SubjectKind.PERSON, name="Jan de Vries", municipality=Municipality("GM0753", "Best"))
    item = ev("news.article", "Jan de Vries beste vriend van edelsmid opgepakt", text="Jan de Vries, beste vriend van de edelsmid, opgepakt")
    assert verdict(best, item) is Verdict.POSSIBLE
    item2 = ev("news.article", "Jan de Vries uit Best opgepakt", text="Jan de Vries uit Best opgepakt")
    assert verdict(best, item2) is Verdict.MATCH


def test_profile_matched_by_name_lends_its_kvk_and_address() -> None:
    """A company scanned by name: its one matching profile's KvK number and address count
    for the other register evidence and for texts (review finding)."""
    by_name = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.")
    profile = ev("register.company", "Voorbeeld Shisha Lounge B.V. (KvK 99000011)", kvk="99000011", name="Voorbeeld Shisha Lounge B.V.",
                 addresses=[{"type": "bezoekadres", "street": "Demostraat", "city": "Tilburg", "shielded": False}])
    address = ev("register.address", "Demostraat 1: 38 inschrijvingen", kvk="99000011", registrations=38)
    article = ev("news.article", "Politie in Voorbeeld Shisha Lounge aan de Demostraat", text="Politie vindt drugs in Voorbeeld Shisha Lounge aan de Demostraat")
    resolve_all(by_name, [profile, address, article], REF)
    assert profile.match.verdict is Verdict.MATCH  # type: ignore[union-attr]
    assert address.match.verdict is Verdict.MATCH  # type: ignore[union-attr]
    assert any(f.name == "street_mentioned" for f in article.match.features)  # type: ignore[union-attr]


def test_a_pep_listing_is_not_a_sanctions_hit() -> None:
    """OpenSanctions' default dataset also holds PEPs and crime lists; only a listing
    with a sanction topic scores as a sanctions hit (review finding)."""
    from bibobscan.resources import indicators_dir
    from bibobscan.rules import evaluate, load_indicators
    from bibobscan.signals import derive_signals

    listed = {"name": "Bram Voorbeeld", "aliases": [], "birth_dates": ["1987-03-14"], "list": "OpenSanctions"}
    pep = ev("sanctions.entry", "pep", topics=["role.pep"], **listed)
    sanction = ev("sanctions.entry", "sanction", topics=["sanction"], **listed)
    [indicator] = [i for i in load_indicators(indicators_dir()) if i.id == "sanctions.list_match"]
    for item, expected in ((pep, "no_hit"), (sanction, "hit")):
        resolve_all(PERSON, [item], REF)
        signals = derive_signals(PERSON, [item], REF)
        assert evaluate(indicator, signals, {"sanctions.match", "sanctions.possible"}, PERSON.name).outcome.value == expected
