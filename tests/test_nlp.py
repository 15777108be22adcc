"""Dutch adverse-media detection (bibobscan.nlp): linking, cues, namesakes, persons, stories."""

from __future__ import annotations

import time

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from bibobscan.model import Signal
from bibobscan.nlp import THEME_IDS, assess, assess_many, find_persons, get_nlp, group_stories, load_lexicon, model_name, same_story
from bibobscan.signals import assess_text
from bibobscan.signals.derive import merge_same_story

BRAM = ["Bram Voorbeeld"]


def themes(text: str, names: list[str] = BRAM, *, company: bool = False) -> list[str]:
    return assess(text, names, company=company).themes


def test_pipeline_is_blank_dutch_with_rule_components_built_once() -> None:
    nlp = get_nlp()
    assert nlp is get_nlp()
    assert nlp.lang == "nl"
    assert nlp.pipe_names == ["bibob_sentences", "bibob_subject", "bibob_terms", "bibob_persons"]
    assert not {"ner", "parser", "tagger"} & set(nlp.pipe_names), "no trained model is required"


def test_lexicon_has_every_theme_as_data() -> None:
    lex = load_lexicon()
    assert set(lex.themes) == set(THEME_IDS)
    assert {"drugs", "witwassen", "fraude", "geweld", "mensenhandel", "omg", "milieu", "zorgfraude", "cybercrime",
            "corruptie", "handhaving", "vastgoed", "havens", "ondermijning", "strafrecht"} == set(THEME_IDS)
    assert lex.themes["drugs"].rules.match("hennepkwekerij") == "hennep"
    assert lex.themes["fraude"].rules.match("btw-fraude") == "fraude"
    assert lex.themes["fraude"].rules.match("zorgfraude") is None  # that is zorgfraude's
    assert lex.themes["geweld"].rules.match("geweldig") is None
    assert lex.themes["drugs"].rules.match("drugsbeleid") is None


def test_same_sentence_with_official_step() -> None:
    result = assess("Bram Voorbeeld is aangehouden voor witwassen.", BRAM)
    assert result.adverse and result.themes == ["witwassen"]
    [finding] = result.findings
    assert finding.confidence == 0.8
    assert finding.link == "same_sentence"
    assert "witwassen" in finding.sentence and finding.reasons


def test_back_reference_in_the_next_sentence_and_line_breaks() -> None:
    text = "De politie heeft Bram Voorbeeld (39) aangehouden.\nHij wordt verdacht van het witwassen van geld."
    [finding] = assess(text, BRAM).findings
    assert finding.theme == "witwassen" and finding.link == "back_reference" and finding.confidence == 0.8


def test_term_far_from_the_name_or_about_someone_else_is_not_linked() -> None:
    assert themes("Bram Voorbeeld opent een kapsalon. Het weer is mooi. De buurt is rustig. Elders werd cocaïne gevonden.") == []
    assert themes("De buurman van Bram Voorbeeld is aangehouden voor drugshandel.") == []
    assert themes("Bram Voorbeeld wordt de nieuwe trainer. Hij volgt Jan Smit op, die vorige maand werd opgepakt voor witwassen.") == []
    assert themes("Bram Voorbeeld opent een zaak. Elders in de stad werd een man aangehouden voor een steekpartij.") == []
    assert themes("Bram Voorbeeld verkocht zijn oude auto aan oplichters.") == []


def test_victim_is_not_adverse() -> None:
    for text in (
        "Bram Voorbeeld werd opgelicht door een nepverkoper op Marktplaats.",
        "Bram Voorbeeld is zaterdag neergestoken bij een café. De politie zoekt de dader.",
        "Inbrekers slaan toe bij kapsalon van Bram Voorbeeld, eigenaar slachtoffer van geweld",
    ):
        result = assess(text, BRAM)
        assert not result.adverse, text
        assert any("slachtoffer" in r or "onbekend" in r for r in result.dropped), result.dropped
    # the same participle in the active voice is adverse
    assert themes("Bram Voorbeeld heeft tientallen ouderen opgelicht, oordeelt de rechtbank.") == ["fraude"]


def test_target_of_an_attack_is_a_victim() -> None:
    result = assess("Op de gevel van Voorbeeld Shisha Lounge is vannacht een explosief afgegaan.", ["Voorbeeld Shisha Lounge B.V."], company=True)
    assert not result.adverse and "slachtoffer" in result.dropped[0]
    assert themes("Bram Voorbeeld is opgepakt voor een plofkraak op een geldautomaat.") == ["geweld"]


def test_acquittal_cancels_only_its_own_clause() -> None:
    assert themes("Bram Voorbeeld is vrijgesproken van witwassen.") == []
    assert themes("Het OM heeft de zaak tegen Bram Voorbeeld wegens omkoping geseponeerd.") == []
    assert themes("Bram Voorbeeld wordt niet vervolgd voor fraude.") == []
    mixed = "Bram Voorbeeld is vrijgesproken van witwassen, maar wel veroordeeld voor het bezit van cocaïne."
    assert themes(mixed) == ["drugs"]


def test_witness_is_not_adverse() -> None:
    assert themes("Bram Voorbeeld zag hoe twee mannen een geldautomaat opbliezen.") == []
    result = assess("Bram Voorbeeld trad in de rechtszaak tegen de drugsbende op als getuige.", BRAM)
    assert not result.adverse


def test_denial_lowers_confidence() -> None:
    rumour = assess("Bram Voorbeeld ontkent geruchten dat hij betrokken is bij drugshandel.", BRAM)
    assert not rumour.adverse
    assert rumour.findings and rumour.findings[0].confidence < 0.5
    assert any("ontkent" in r for r in rumour.findings[0].reasons)
    arrested = assess("Bram Voorbeeld is aangehouden voor witwassen. Hij ontkent alle beschuldigingen.", BRAM)
    assert arrested.adverse and arrested.confidence == 0.6  # a denial does not undo an arrest


def test_subject_as_reporter_spokesperson_or_official() -> None:
    for text in (
        "Door Bram Voorbeeld. De politie heeft dinsdag een drugslab opgerold.",
        "'We hebben twee verdachten aangehouden voor drugshandel', zegt politiewoordvoerder Bram Voorbeeld.",
        "Officier van justitie Bram Voorbeeld eiste twaalf jaar cel tegen de hoofdverdachte van de cocaïnesmokkel.",
        "Burgemeester Bram Voorbeeld heeft een drugspand aan de Kerkstraat gesloten.",
        "Advocaat Bram Voorbeeld vindt de eis tegen zijn cliënt, die wordt verdacht van witwassen, te hoog.",
    ):
        assert not assess(text, BRAM).adverse, text
    # a journalist who is himself arrested is adverse
    assert themes("Journalist Bram Voorbeeld is aangehouden op verdenking van witwassen.") == ["witwassen"]


def test_prevention_and_negation_are_not_acts() -> None:
    assert themes("Bram Voorbeeld zet zich in tegen drugsoverlast in zijn straat.") == []
    company = ["Havenbedrijf Demo B.V."]
    assert themes("Havenbedrijf Demo B.V. werkt samen met de douane om drugssmokkel tegen te gaan.", company, company=True) == []


def test_namesakes_are_kept_apart() -> None:
    result = assess("Kees Voorbeeld uit Groningen is veroordeeld voor oplichting.", BRAM)
    assert not result.adverse and result.namesakes == ("Kees Voorbeeld",)
    assert "naamgenoot" in " ".join(result.dropped)
    assert themes("De politie heeft M. Voorbeeld aangehouden voor mishandeling.") == []
    assert themes("De politie heeft B. Voorbeeld aangehouden voor mishandeling.") == ["geweld"]
    assert themes("In de Voorbeeldstraat is een drugslab opgerold.") == []
    # a bare surname counts only after the subject was named in full
    assert themes("Voorbeeld werd aangehouden voor drugshandel.") == []
    assert themes("Bram Voorbeeld is eigenaar van een loods. Voorbeeld werd aangehouden voor drugshandel.") == ["drugs"]


def test_company_with_and_without_legal_form() -> None:
    names = ["Voorbeeld Shisha Lounge B.V."]
    assert themes("Politie vindt drugs in Voorbeeld Shisha Lounge aan de Demostraat.", names, company=True) == ["drugs"]
    assert themes("Burgemeester sluit Voorbeeld Shisha Lounge B.V. drie maanden na drugsvondst.", names, company=True) == ["drugs", "handhaving"]
    assert themes("Wezeldonk Bouw B.V. is veroordeeld voor faillissementsfraude.", ["Wezeldonk Transport B.V."], company=True) == []
    # the legal form alone is never the company, nor a name that is only a legal form
    assert themes("Een andere B.V. is aangehouden voor witwassen.", names, company=True) == []
    assert themes("Een andere B.V. is aangehouden voor witwassen.", ["B.V."], company=True) == []
    # a one-word name counts as a name, not as the common word
    assert themes("Dit is een voorbeeld van witwassen.", ["Voorbeeld B.V."], company=True) == []
    assert themes("Voorbeeld B.V. is veroordeeld voor witwassen.", ["Voorbeeld B.V."], company=True) == ["witwassen"]
    # staff of the company count for the company
    assert themes("De directeur van Voorbeeld Shisha Lounge is aangehouden voor witwassen.", names, company=True) == ["witwassen"]
    short = ["Cafetaria De Gouden Hoek"]
    assert themes("De burgemeester heeft De Gouden Hoek gesloten; vanuit de zaak werd cocaïne verkocht.", short, company=True) == ["drugs", "handhaving"]


def test_context_rules_and_subsumed_themes() -> None:
    assert themes("Bram Voorbeeld sluit een nieuw contract met de gemeente af.") == []
    assert themes("De burgemeester sluit de kapsalon van Bram Voorbeeld voor drie maanden.") == ["handhaving"]
    assert themes("Bram Voorbeeld is veroordeeld voor zorgfraude met valse declaraties.") == ["zorgfraude"]


def test_every_theme_can_be_found() -> None:
    sentences = {
        "drugs": "Bram Voorbeeld is aangehouden voor de handel in cocaïne.",
        "witwassen": "Bram Voorbeeld is veroordeeld voor gewoontewitwassen.",
        "fraude": "Bram Voorbeeld is veroordeeld voor faillissementsfraude.",
        "geweld": "Bram Voorbeeld is aangehouden na een steekpartij.",
        "mensenhandel": "Bram Voorbeeld is veroordeeld voor arbeidsuitbuiting.",
        "omg": "Bram Voorbeeld, lid van de Hells Angels, is aangehouden.",
        "milieu": "Bram Voorbeeld is veroordeeld voor het dumpen van drugsafval.",
        "zorgfraude": "Bram Voorbeeld is aangehouden voor pgb-fraude.",
        "cybercrime": "Bram Voorbeeld is aangehouden op verdenking van phishing.",
        "corruptie": "Bram Voorbeeld is veroordeeld voor omkoping van een ambtenaar.",
        "handhaving": "De gemeente heeft de vergunning van Bram Voorbeeld ingetrokken na een Bibob-onderzoek.",
        "vastgoed": "Huisjesmelker Bram Voorbeeld verhuurde kamers tegen woekerhuren.",
        "havens": "Bram Voorbeeld is als uithaler in de haven aangehouden.",
    }
    for theme, text in sentences.items():
        assert theme in themes(text), (theme, text, assess(text, BRAM).reasons)


def test_batch_equals_single_and_adapter_keeps_its_contract() -> None:
    texts = ["Bram Voorbeeld is aangehouden voor witwassen.", "Bram Voorbeeld opent een kapsalon.", ""]
    batch = assess_many([(t, BRAM, False) for t in texts])
    assert [r.themes for r in batch] == [assess(t, BRAM).themes for t in texts]
    assert assess_many([("Bram Voorbeeld is aangehouden voor witwassen.", [], False)])[0].dropped
    findings, dropped = assess_text("Bram Voorbeeld aangehouden voor witwassen", BRAM)
    assert [(f.theme, f.confidence, f.cue) for f in findings] == [("witwassen", 0.8, "witwassen")] and dropped == []
    assert assess_text("Niets over hem", BRAM) == ([], ["Het onderwerp wordt niet genoemd."])


def test_person_mentions() -> None:
    found = [m[2] for m in find_persons("Gisteren sprak Dr. A.B. de Vries met Piet Visser en mevrouw Visser-de Jong.")]
    assert found == ["Dr. A.B. de Vries", "Piet Visser", "mevrouw Visser-de Jong"]
    assert find_persons("de Heer") == []
    assert find_persons("Rust en Kracht") == []
    assert [m[2] for m in find_persons("Het clubhuis van de Hells Angels is dicht.")] == []


def test_optional_model_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIBOBSCAN_NLP_MODEL", "none")
    assert model_name() is None
    monkeypatch.setenv("BIBOBSCAN_NLP_MODEL", "nl_core_news_does_not_exist")
    assert model_name() is None


def test_same_story_across_outlets() -> None:
    a = "Tilburgse ondernemer Bram Voorbeeld (39) aangehouden in onderzoek naar witwassen - Tilburgs Demo Dagblad"
    b = "Tilburgse ondernemer Bram Voorbeeld (39) aangehouden in onderzoek naar witwassen"
    assert same_story(a, b)
    lead = "De politie heeft donderdagochtend de 39-jarige Tilburgse ondernemer Bram Voorbeeld aangehouden. Hij wordt verdacht van witwassen via zijn bedrijven."
    assert same_story("Ondernemer opgepakt", "Witwasverdachte in de cel", lead, lead + " Meer volgt.")
    assert not same_story("Bram Voorbeeld opent tweede kapsalon", "Bram Voorbeeld aangehouden voor witwassen")
    assert group_stories([(a, ""), ("Iets heel anders over de gemeenteraad", ""), (b, "")]) == [0, 1, 0]


def test_merge_same_story_uses_leads() -> None:
    lead = "De politie heeft donderdagochtend de 39-jarige Tilburgse ondernemer Bram Voorbeeld aangehouden. Hij wordt verdacht van witwassen."
    one = Signal("media.adverse", {"title": "Ondernemer opgepakt", "theme": "witwassen", "outlet": "A", "confidence": 0.6}, ["e1"])
    two = Signal("media.adverse", {"title": "Witwasverdachte in de cel", "theme": "witwassen", "outlet": "B", "confidence": 0.8}, ["e2"])
    other = Signal("media.adverse", {"title": "Heel ander nieuws", "theme": "witwassen", "outlet": "C", "confidence": 0.8}, ["e3"])
    merged = merge_same_story([one, two, other], {"e1": lead, "e2": lead, "e3": "Een ander verhaal over een andere zaak in een andere stad, zonder verband."})
    assert len(merged) == 2
    assert merged[0].evidence_ids == ["e1", "e2"] and merged[0].attrs["outlet"] == "A / B" and merged[0].attrs["confidence"] == 0.8
    # without leads, different headlines stay apart
    assert len(merge_same_story([Signal("media.adverse", dict(one.attrs), ["e1"]), Signal("media.adverse", dict(two.attrs), ["e2"])])) == 2


def test_a_few_hundred_articles_are_fast() -> None:
    paragraph = ("De gemeenteraad vergaderde dinsdagavond urenlang over de nieuwe parkeervisie voor de binnenstad. "
                 "Volgens de wethouder moeten bewoners voorrang krijgen bij het aanvragen van een vergunning. ")
    article = "De politie heeft Bram Voorbeeld aangehouden voor witwassen. " + paragraph * 20  # ~600 words
    assess_many([(article, BRAM, False)])  # warm up
    start = time.perf_counter()
    results = assess_many([(article, BRAM, False)] * 300)
    assert all(r.themes == ["witwassen"] for r in results)
    assert time.perf_counter() - start < 5.0  # ~0.4 s on the project machine


# -- regression tests for the review of issue 4 ------------------------------------------

KEES = ["Kees de Vries"]


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Kees de Vries wordt verdacht van fraude.", "fraude"),
        ("Kees de Vries is veroordeeld voor fraude.", "fraude"),
        ("Kees de Vries is veroordeeld voor fraudes met subsidies.", "fraude"),
        ("Kees de Vries is opgepakt wegens geweld.", "geweld"),
        ("Kees de Vries is aangehouden na een roofoverval.", "geweld"),
    ],
)
def test_a_compound_head_also_counts_as_a_whole_word(text: str, theme: str) -> None:
    assert theme in themes(text, KEES), assess(text, KEES).reasons


def test_a_company_suspected_of_plain_fraud() -> None:
    names = ["Voorbeeld Transport B.V."]
    assert themes("Voorbeeld Transport B.V. wordt verdacht van grootschalige fraude.", names, company=True) == ["fraude"]


def test_every_head_of_every_theme_and_cue_matches_on_its_own() -> None:
    lex = load_lexicon()
    rule_sets = [(f"theme {t.id}", t.rules) for t in lex.themes.values()]
    rule_sets += [(f"cue {c.kind}", c.rules) for c in lex.cues.values()]
    rule_sets += [(f"role {c.kind}", c.rules) for c in lex.roles.values()]
    for where, rules in rule_sets:
        for head in rules.heads:
            assert rules.match(head) is not None, f"{where}: head {head!r} does not match on its own"
            assert rules.match("groot" + head) is not None, f"{where}: head {head!r} does not match in a compound"


def test_inflected_forms_are_reduced_to_a_lexicon_word() -> None:
    lex = load_lexicon()
    assert lex.themes["fraude"].rules.match("fraudezaken") == "fraudezaak"
    assert lex.themes["geweld"].rules.match("roofovervallen") == "overval"
    assert lex.themes["milieu"].rules.match("afvallozingen") == "lozing"
    assert lex.themes["geweld"].rules.match("geweldige") is None  # exclusions still hold
    assert lex.themes["geweld"].rules.match("messen") is None  # no lemma guessed from a short word


def test_a_negated_arrest_is_not_a_finding() -> None:
    text = "Kees de Vries is niet aangehouden; de politie zoekt nog naar de verdachte van de drugshandel."
    result = assess(text, KEES)
    assert not result.adverse, result.reasons
    assert not assess("Kees de Vries is nooit veroordeeld voor witwassen.", KEES).adverse
    # "niet eerder veroordeeld" is not an acquittal
    assert themes("Kees de Vries, die niet eerder was veroordeeld, kreeg een celstraf voor drugshandel.", KEES) == ["drugs"]
    # a negated term: there was no fraud
    assert not assess("Volgens de rechter heeft Kees de Vries geen fraude gepleegd.", KEES).adverse
    assert not assess("Kees de Vries zegt dat er geen sprake is van fraude.", KEES).adverse
    assert themes("Kees de Vries is nog niet veroordeeld, maar wordt verdacht van witwassen.", KEES) == ["witwassen"]
    assert themes("Kees de Vries heeft niet alleen gefraudeerd maar ook cocaïne verkocht, zegt het OM.", KEES) == ["drugs", "fraude"]


def test_suspect_of_the_crime_in_the_adjacent_sentence() -> None:
    result = assess("Een man is doodgeschoten. Kees de Vries werd als verdachte aangehouden.", KEES)
    assert result.themes == ["geweld"], result.reasons
    assert result.findings[0].link == "suspect" and result.confidence == 0.8
    for word in ("doodgestoken", "neergeschoten", "doodgeslagen"):
        assert themes(f"Op straat is een vrouw {word}. Kees de Vries is als verdachte opgepakt.", KEES) == ["geweld"], word
    # the subject as a witness, or not as a suspect, or a victim: nothing
    assert themes("Een man is doodgeschoten. Kees de Vries werd als getuige gehoord.", KEES) == []
    assert themes("Een man is doodgeschoten. Kees de Vries werd niet als verdachte aangemerkt.", KEES) == []
    assert themes("Kees de Vries is doodgeschoten. De politie zoekt de daders.", KEES) == []
    # the victim is the subject's own relative: no reason to read the subject as its suspect
    # (his own arrest still counts, as a step without a named crime)
    assert themes("Kees de Vries werd als verdachte aangehouden. Een week eerder werd zijn broer doodgeschoten.", KEES) == ["strafrecht"]
    # too far away: a sentence in between
    assert themes("Een man is doodgeschoten. Het weer was slecht. Kees de Vries werd als verdachte aangehouden.", KEES) == ["strafrecht"]


def test_person_names_are_not_cut_by_fixture_words() -> None:
    assert [m[2] for m in find_persons("Jan Rust is aangehouden.")] == ["Jan Rust"]
    assert [m[2] for m in find_persons("Het pand van Kees van der Rust is gesloten.")] == ["Kees van der Rust"]
    assert [m[2] for m in find_persons("Volgens mevrouw Van der Rust klopt dat niet.")] == ["mevrouw Van der Rust"]
    lex = load_lexicon()
    not_names = {str(w) for w in lex.persons["not_names"]}
    assert not {"semi", "nadien", "rust", "onrust", "kracht", "hart", "tel", "voogd", "heer", "vrouw"} & not_names


def test_subject_with_a_fixture_word_as_surname_is_found() -> None:
    assert themes("Jan Rust is aangehouden voor drugshandel.", ["Jan Rust"]) == ["drugs"]
    assert themes("Gisteren werd J. van der Rust veroordeeld voor oplichting.", ["Jan van der Rust"]) == ["fraude"]


_STAND_IN_LEMMAS = {"ontvoerde": "ontvoeren"}


def _stand_in_lemmas(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = _STAND_IN_LEMMAS.get(token.text.lower(), token.text)
    return doc


Language.component("bibob_test_lemmas", func=_stand_in_lemmas)


@pytest.fixture()
def stand_in_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for an ``nl_core_news_*`` model: a real spaCy pipeline with an entity
    ruler and a lemma table (no trained Dutch model is installed in the test environment)."""
    import spacy

    from bibobscan.nlp import _model

    nlp = spacy.blank("nl")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([  # type: ignore[attr-defined]
        {"label": "PER", "pattern": "Bram Voorbeeld"},
        {"label": "PER", "pattern": "Zoutenbier"},
        {"label": "ORG", "pattern": "Zwartkruit Logistiek"},
        {"label": "ORG", "pattern": "Openbaar Ministerie"},
    ])
    nlp.add_pipe("bibob_test_lemmas")
    monkeypatch.setattr(_model, "optional_model", lambda: nlp)


def test_without_a_model_the_rules_decide() -> None:
    assert assess("Bram Voorbeeld is aangehouden voor witwassen.", BRAM).confidence == 0.8
    # the rules know neither "Zoutenbier" nor "Zwartkruit Logistiek" as names, but a relative
    # clause belongs to the words right before it ("een zaak, waar ...", "bij Zwartkruit
    # Logistiek, dat ..."), not to the subject further back
    assert themes("Bram Voorbeeld opende een zaak, waar Zoutenbier cocaïne verkocht.") == []
    assert themes("Bram Voorbeeld werkt bij Zwartkruit Logistiek, dat wordt verdacht van witwassen.") == []
    # a relative clause right after the subject is the subject's
    assert themes("Bram Voorbeeld uit Tilburg, die wordt verdacht van witwassen, zweeg.") == ["witwassen"]
    assert themes("Bram Voorbeeld was de leider van een bende die cocaïne smokkelde.") == ["drugs", "ondermijning"]
    assert themes("Bram Voorbeeld ontvoerde een zakenman, zegt de politie.") == []


@pytest.mark.usefixtures("stand_in_model")
def test_an_installed_model_confirms_mentions_and_blocks_other_people() -> None:
    result = assess("Bram Voorbeeld is aangehouden voor witwassen.", BRAM)
    assert result.confidence == 0.85 and any("taalmodel" in r for r in result.reasons)
    # a person the model knows stands between the subject and the term
    assert themes("Bram Voorbeeld opende een zaak, waar Zoutenbier cocaïne verkocht.") == []
    # an organisation is someone else too, an authority is not
    assert themes("Bram Voorbeeld werkt bij Zwartkruit Logistiek, dat wordt verdacht van witwassen.") == []
    assert themes("Het Openbaar Ministerie verdenkt Bram Voorbeeld van witwassen.") == ["witwassen"]
    # the model's lemma finds a word the lexicon has only in another form
    assert themes("Bram Voorbeeld ontvoerde een zakenman, zegt de politie.") == ["geweld"]


def test_a_generic_headline_alone_is_not_the_same_story() -> None:
    title = "Man aangehouden voor drugshandel"
    lead_a = "In Tilburg heeft de politie dinsdag een 34-jarige man aangehouden die vanuit een garagebox cocaïne verkocht."
    lead_b = "Bij een inval in een woning in Zwolle is een man van 52 opgepakt; in de schuur stond een hennepkwekerij."
    assert not same_story(title, title + " - Demo Dagblad", lead_a, lead_b)
    assert not same_story(title, title, title + ". " + lead_a, title + ". " + lead_b)  # the shared headline is no lead
    # dates decide when they are known
    assert same_story(title, title, lead_a, lead_b, date_a="2026-10-08", date_b="2026-10-09")
    assert not same_story(title, title, date_a="2026-10-08", date_b="2026-11-20")
    assert same_story(title, title, date_a="2026-10-08T11:14:00+02:00", date_b="2026-10-15")
    # a matching lead decides, whatever the dates
    assert same_story("Ondernemer opgepakt", "Witwasverdachte in de cel", lead_a, lead_a, date_a="2026-01-01", date_b="2026-06-01")
    # nothing but the headline known (a Google News item against a full article): the headline decides
    assert same_story(title, title, "", lead_a)
    assert group_stories([(title, lead_a), (title, lead_b), (title, "")], dates=["2026-10-08", "2026-12-01", None]) == [0, 1, 0]


def test_merge_same_story_keeps_generic_headlines_with_different_leads_apart() -> None:
    title = "Man aangehouden voor drugshandel"
    lead_a = "In Tilburg heeft de politie dinsdag een 34-jarige man aangehouden die vanuit een garagebox cocaïne verkocht."
    lead_b = "Bij een inval in een woning in Zwolle is een man van 52 opgepakt; in de schuur stond een hennepkwekerij."
    one = Signal("media.adverse", {"title": title, "theme": "drugs", "outlet": "A", "confidence": 0.8}, ["e1"])
    two = Signal("media.adverse", {"title": title, "theme": "drugs", "outlet": "B", "confidence": 0.8}, ["e2"])
    assert len(merge_same_story([one, two], {"e1": lead_a, "e2": lead_b})) == 2


def test_a_text_longer_than_spacys_limit_is_reduced_to_the_passages_around_the_name() -> None:
    filler = "De gemeenteraad vergaderde urenlang over de parkeervisie voor de binnenstad. " * 8_000
    text = filler + "Een man is doodgeschoten. Kees de Vries werd als verdachte aangehouden.\n" + filler + "Kees de Vries opende een kapsalon."
    assert len(text) > 1_000_000
    start = time.perf_counter()
    result = assess(text, KEES)
    assert time.perf_counter() - start < 5.0
    assert result.themes == ["geweld"], result.reasons
    finding = result.findings[0]
    assert text[finding.start_char:finding.end_char] == "doodgeschoten"  # offsets in the original text
    assert any(r.startswith("Lange tekst") for r in result.dropped)


def test_reduced_parts_keep_neighbours_apart_and_map_back() -> None:
    from bibobscan.nlp._long import SEPARATOR, reduce_text

    filler = "Het weer blijft wisselvallig met af en toe een bui. " * 40
    text = filler + "Kees de Vries is aangehouden. " + filler + "Hij wordt verdacht van witwassen. " + filler + "De Vries ontkent."
    parts = reduce_text(text, ("Kees de Vries",), limit=600)
    assert all(len(p.text) <= 600 for p in parts)
    joined = SEPARATOR.join(p.text for p in parts)
    assert "Kees de Vries is aangehouden." in joined and "Hij wordt verdacht" not in joined
    part = next(p for p in parts if "Kees de Vries is aangehouden" in p.text)
    at = part.text.index("aangehouden")
    assert text[part.original(at):part.original(at) + len("aangehouden")] == "aangehouden"
    # a text within the limit is left as it is
    assert [p.text for p in reduce_text("Kees de Vries.", ("Kees de Vries",))] == ["Kees de Vries."]


def test_sentences_are_those_of_spacys_sentencizer_plus_line_breaks() -> None:
    import random

    import spacy

    reference = spacy.blank("nl")
    reference.add_pipe("sentencizer")

    def expected(text: str) -> list[tuple[int, int]]:
        doc = reference(text)
        for i, token in enumerate(doc):  # the line-break rule, token by token
            if token.is_space and "\n" in token.text and i + 1 < len(doc):
                doc[i + 1].is_sent_start = not token.is_sent_start
        return [(s.start, s.end) for s in doc.sents] if len(doc) else []

    nlp = get_nlp()
    rnd = random.Random(4)
    parts = ["Jan", "de", "man", ".", "!", "?", ",", "(", ")", '"', "'", "\n", "\n\n", " ", "...", "A.", "Dr.", "-", ":", "?!", "12.5", "»", "。"]
    for _ in range(2000):
        text = "".join(rnd.choice(parts) + (" " if rnd.random() < 0.6 else "") for _ in range(rnd.randint(0, 25)))
        doc = nlp(text)
        assert doc._.bibob_sents == expected(text), repr(text)
        assert [(s.start, s.end) for s in doc.sents] == (doc._.bibob_sents if len(doc) else [])


def test_person_rules_shortcut_finds_what_trying_every_start_finds() -> None:
    """The scan skips a lowercase tussenvoegsel that is followed by neither a capitalised
    word nor another tussenvoegsel; trying ``_match_at`` at every possible start gives
    the same spans."""
    import random

    from bibobscan.nlp import _persons, norm

    def every_start(doc: Doc) -> list[tuple[int, int]]:
        t = _persons._tables()
        texts = _persons.token_texts(doc, [(0, len(doc))])
        v = _persons._View(texts, [norm(x) for x in texts], [(0, len(doc))], t)
        spans, i = [], 0
        while i < len(doc):
            n = _persons._match_at(v, i, len(doc), t) if v.info[i].start else 0
            if n:
                spans.append((i, i + n))
            i += n or 1
        return spans

    nlp = get_nlp()
    rnd = random.Random(11)
    parts = ["de", "van", "der", "in", "te", "Van", "De", "d'Ancona", "dr.", "Dr", ".", ",", "mevrouw", "A.", "J.Th.", "B", "Th", "Jan",
             "Jan-Willem", "Visser", "Visser-de", "Jong", "jong", "Hells", "Angels", "het", "clubhuis", "is", "DR.", "Rust", "Kees", "\n"]
    for _ in range(3000):
        text = " ".join(rnd.choice(parts) for _ in range(rnd.randint(1, 14)))
        doc = nlp.make_doc(text)
        assert _persons.find_person_spans(doc) == every_start(doc), repr(text)


def test_pattern_quick_tests_change_no_match() -> None:
    """The gap patterns test the second word and the word after a gap before the full
    match; a plain recursive match over every pattern finds the same."""
    import random

    from bibobscan.nlp._patterns import Element, PatternSet

    def end(elements: tuple[Element, ...], k: int, words: list[str], i: int, stop: int) -> int:
        if k == len(elements):
            return i
        el = elements[k]
        if el.gap >= 0:
            return max([end(elements, k + 1, words, i + s, stop) for s in range(el.gap + 1) if i + s <= stop], default=-1)
        return end(elements, k + 1, words, i + 1, stop) if i < stop and el.accepts(words[i]) else -1

    texts = ["in brand ~1 steken|gestoken", "bij ~6 ingebroken", "cocaine*|drugs* ~12 container*|*containers", "wordt|werd niet verdacht",
             "krijgt|kreeg ~1 geen ~4 *vergunning", "niets ~2 mee te maken", "*fraude|oplicht* ~3 door", "sprak ~8 vrij",
             "is|werd|zijn ingebroken"]
    patterns = PatternSet()
    for n, text in enumerate(texts):
        patterns.add(f"k{n}", text)
    vocab = [w.strip("*") for text in texts for part in text.split() if not part.startswith("~") for w in part.split("|")]
    vocab += ["x", "de", "drugscontainers", "btw-fraude", "oplichting", "havencontainer", "zeecontainers"]
    rnd = random.Random(5)
    for _ in range(3000):
        words = [rnd.choice(vocab) for _ in range(rnd.randint(1, 20))]
        a = rnd.randint(0, len(words) - 1)
        expected = [(p.key, i, e, p.text) for i in range(a, len(words)) for p in patterns.patterns
                    if p.elements[0].accepts(words[i]) and (e := end(p.elements, 1, words, i + 1, len(words))) > i]
        assert sorted(patterns.find(words, a, len(words))) == sorted(expected), words


def test_the_tokenizer_cache_is_large_enough_for_a_long_running_process() -> None:
    # spaCy stops caching (and never evicts) once max_cache_size chunks are cached; at its
    # default of 10,000 a web server tokenised every new word the slow way after a few
    # hundred articles
    from bibobscan.nlp import get_nlp
    from bibobscan.nlp._pipeline import TOKENIZER_CACHE

    assert getattr(get_nlp().tokenizer, "max_cache_size") == TOKENIZER_CACHE >= 100_000
