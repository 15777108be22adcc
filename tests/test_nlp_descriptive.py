"""Adverse media told without a crime word, company links, victims and professionals
(issue 11, part 2). The sentences are written for these tests, not taken from a
benchmark set."""

from __future__ import annotations

import pytest

from bibobscan.nlp import assess

PERSON = "Henk Vos"
COMPANY = "Bouwbedrijf Stevig"


@pytest.mark.parametrize(("text", "theme"), [
    ("Henk Vos declareerde bij de zorgverzekeraar behandelingen die nooit zijn gegeven. De rechter legde hem een taakstraf op.", "zorgfraude"),
    ("De rechtbank legde Henk Vos een bestuursverbod van vier jaar op.", "fraude"),
    ("Henk Vos haalde kort voor het faillissement 200.000 euro van de rekening van zijn bedrijf.", "fraude"),
    ("Henk Vos droeg jarenlang geen premies af voor zijn personeel, stelt de inspectie.", "fraude"),
    ("Henk Vos runde volgens het OM een ondergrondse bank in Amsterdam.", "witwassen"),
    ("Henk Vos nam als ambtenaar geld aan in ruil voor vergunningen. Hij is veroordeeld.", "corruptie"),
])
def test_acts_told_without_a_crime_word(text: str, theme: str) -> None:
    assert theme in assess(text, PERSON).themes


@pytest.mark.parametrize("text", [
    "Henk Vos werd slachtoffer van een woningoverval.",
    "Henk Vos is zelf het slachtoffer geworden van afpersing door een oud-collega.",
    "Henk Vos kreeg een mes in zijn rug bij een ruzie op straat.",
    "Henk Vos viel in handen van oplichters die zijn rekening leeghaalden.",
    "Henk Vos, die eerder werd beschoten, doet aangifte.",
])
def test_victim_constructions(text: str) -> None:
    assert assess(text, PERSON).findings == ()


def test_a_cyber_attack_on_the_company_makes_it_a_victim() -> None:
    assert assess("De ransomware-aanval op Bouwbedrijf Stevig legde het bedrijf drie dagen plat.", COMPANY, company=True).findings == ()


@pytest.mark.parametrize("text", [
    "Henk Vos geeft als voorlichter van de politie lessen over drugs op scholen.",
    "Henk Vos is strafrechtadvocaat en verdedigde verdachten in meerdere witwaszaken.",
    "Henk Vos, docent criminologie, laat studenten onderzoeken hoe drugsgeld wordt witgewassen.",
    "Henk Vos gaf in het buurthuis een lezing over hennepkwekerijen en drugslabs.",
    "Henk Vos, verslavingsarts, behandelt veel patiënten die verslaafd zijn aan cocaïne.",
])
def test_a_professional_on_the_topic_is_not_the_subject_s_conduct(text: str) -> None:
    assert assess(text, PERSON).findings == ()


def test_a_professional_who_is_himself_suspected_still_counts() -> None:
    found = assess("Henk Vos, verslavingsarts, is aangehouden voor de handel in cocaïne.", PERSON)
    assert "drugs" in found.themes


def test_an_employee_of_the_company_counts_for_it_with_its_own_reason_and_less_confidence() -> None:
    own = assess("Bouwbedrijf Stevig is aangehouden voor de smokkel van cocaïne.", COMPANY, company=True)
    linked = assess("In de vrachtwagen van Bouwbedrijf Stevig vond de douane 200 kilo cocaïne. De chauffeur van het bedrijf is aangehouden.",
                    COMPANY, company=True)
    assert "drugs" in linked.themes
    finding = next(f for f in linked.findings if f.theme == "drugs")
    assert any("van het bedrijf, niet om het bedrijf zelf" in r for r in finding.reasons)
    assert 0.5 <= finding.confidence < max(f.confidence for f in own.findings)


def test_a_former_employee_does_not_count_for_the_company() -> None:
    text = "Een oud-medewerker van Bouwbedrijf Stevig is veroordeeld voor een steekpartij in zijn woonwijk."
    assert assess(text, COMPANY, company=True).findings == ()


def test_a_report_against_the_company_is_an_accusation_not_a_victim() -> None:
    text = ("Bouwbedrijf Stevig schreef uren op naam van vakmensen die niet bij het bedrijf werkten. "
            "De gemeente heeft aangifte gedaan tegen de onderneming wegens valse facturen.")
    assert assess(text, COMPANY, company=True).findings != ()


def test_an_earlier_victim_who_is_now_suspected_counts() -> None:
    text = "Henk Vos, die vorig jaar nog slachtoffer was van een overval, is nu zelf aangehouden voor een hennepkwekerij in zijn schuur."
    assert assess(text, PERSON).themes == ["drugs"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Het OM eiste een geldboete van 150.000 euro tegen Bouwbedrijf Stevig.", ["strafrecht"]),
    ("Bouwbedrijf Stevig schikt voor 2 miljoen euro met het Openbaar Ministerie.", ["strafrecht"]),
    ("Bouwbedrijf Stevig is veroordeeld voor witwassen.", ["witwassen"]),  # a named crime: its own theme only
    ("Bouwbedrijf Stevig is vrijgesproken.", []),
    ("Bij Bouwbedrijf Stevig werd ingebroken; de politie heeft twee mannen aangehouden.", []),
    ("Het OM is een strafrechtelijk onderzoek begonnen naar Bouwbedrijf Stevig.", ["strafrecht"]),
    ("Het OM doet onderzoek naar Bouwbedrijf Stevig.", []),  # "onderzoek" alone is no step
    ("Het OM doet een strafrechtelijk onderzoek naar de brand; Bouwbedrijf Stevig werkt mee als getuige.", []),
])
def test_a_step_without_a_named_crime_is_a_finding_of_its_own(text: str, expected: list[str]) -> None:
    found = assess(text, COMPANY, company=True)
    assert found.themes == expected
    if expected == ["strafrecht"]:
        assert found.findings[0].confidence == 0.5
        assert "zonder dat het bericht een delict" in found.findings[0].reasons[0]


# -- held up against the blind set's dev split (issue 11): who a clause is about -------

@pytest.mark.parametrize(("text", "subject", "company", "themes"), [
    # a relative clause belongs to the noun right before it
    ("Henk Vos huurt een loods aan de rand van de stad, waar vorig jaar een drugslab werd opgerold.", PERSON, False, []),
    ("Henk Vos getuigde tegen zijn oude baas, die wordt verdacht van oplichting.", PERSON, False, []),
    ("Henk Vos uit Almere, die wordt verdacht van oplichting, zweeg.", PERSON, False, ["fraude"]),
    # in a relative clause the company after "bij" is where it happened, not who did it
    ("De vrouw die werd opgepakt voor heling, werkte tot vorig jaar bij Bouwbedrijf Stevig.", COMPANY, True, []),
    # another first name before the surname is another person
    ("Henk Vos wordt vaak verward met zijn broer Dirk Vos, die is veroordeeld voor afpersing.", PERSON, False, []),
    # a deed of someone else, named with "door"
    ("De inspectie spreekt bij Henk Vos van uitbuiting door de werkgever; hij kreeg nooit loon.", PERSON, False, []),
])
def test_whose_clause_it_is(text: str, subject: str, company: bool, themes: list[str]) -> None:
    assert sorted(assess(text, subject, company=company).themes) == themes


@pytest.mark.parametrize(("text", "company"), [
    ("Bouwbedrijf Stevig is niet het bedrijf dat in Zwolle wordt verdacht van fraude.", True),
    ("De gemeente trekt de sluiting van Bouwbedrijf Stevig in: de drugs waren van een huurder.", True),
    ("De boete die aan Bouwbedrijf Stevig was opgelegd, is door de rechter vernietigd.", True),
    ("Na een Bibob-toets kreeg Bouwbedrijf Stevig toch de exploitatievergunning verleend.", True),
    ("Henk Vos stapte naar de politie toen hij werd afgeperst door een klant.", False),
    ("Burgemeester Henk Vos: 'Wie drugs verkoopt in zijn zaak, krijgt een sluiting.'", False),
    ("Fraudedeskundige Henk Vos legt uit hoe katvangers worden geronseld.", False),
])
def test_cleared_victim_and_official(text: str, company: bool) -> None:
    subject = COMPANY if company else PERSON
    assert assess(text, subject, company=company).findings == ()


@pytest.mark.parametrize(("text", "theme"), [
    ("Henk Vos sloeg een voorbijganger na een ruzie met een knuppel op het hoofd.", "geweld"),
    ("Henk Vos kocht drie huizen, steeds contant betaald, en kon niet uitleggen waar het geld vandaan kwam.", "witwassen"),
    ("Henk Vos hield de paspoorten van zijn arbeiders in en betaalde minder dan vier euro per uur.", "mensenhandel"),
    ("Henk Vos was volgens de rechtbank een kopstuk van een crimineel netwerk.", "ondermijning"),
    ("Aan Henk Vos is een strafbeschikking opgelegd.", "strafrecht"),
    ("Henk Vos kreeg drie jaar cel.", "strafrecht"),
])
def test_more_acts_told_without_a_crime_word(text: str, theme: str) -> None:
    assert theme in assess(text, PERSON).themes


@pytest.mark.parametrize(("text", "subject"), [
    # a step that is only the topic of the sentence, or an adjective
    ("Kort na het nieuws over de schikking vertrok Henk Vos bij de bank.", PERSON),
    ("Henk Vos schreef een boek over een gesloten organisatie: de FIOD.", PERSON),
    # the speaker named a few words after "zegt"
    ("'Een boete moet pijn doen', zegt de voorzitter van de toezichthouder Henk Vos.", PERSON),
    # the subject shot by someone else, told with the auxiliary before the name
    ("Op 6 mei werd politicus Henk Vos door een activist neergeschoten.", PERSON),
    # a crime that is fought against, not committed
    ("Henk Vos richtte een vereniging op voor procesvoering tegen milieuovertredingen.", PERSON),
    # another person named by a noun after the subject in the same sentence
    ("Dat meldt zijn advocaat Henk Vos nadat de rapper werd veroordeeld voor verkrachting.", PERSON),
])
def test_topics_speakers_and_other_people(text: str, subject: str) -> None:
    assert assess(text, subject).findings == ()


def test_an_apposition_before_the_name_is_the_subject() -> None:
    # "Zijn echtgenoot X kreeg ...": the noun before the name describes the subject
    assert "strafrecht" in assess("Zijn echtgenoot Henk Vos kreeg drie jaar cel.", PERSON).themes
    # ... but mid-sentence after a verb it is an object: "viel Y zijn neef X aan"
    assert assess("Op het feest viel Dirk Meijer zijn neef Henk Vos aan met een mes.", PERSON).findings == ()


def test_hij_does_not_refer_to_a_group() -> None:
    text = ("In de zaak staan tien verdachten terecht, onder wie de 49-jarige Henk Vos. "
            "Hij werd in zijn cel aangehouden in verband met een cocaïnezaak.")
    assert "drugs" in assess(text, PERSON).themes


def test_a_speaker_some_words_before_the_name() -> None:
    assert assess("'Een te lage straf', meent de directeur van de beleggersclub Henk Vos.", PERSON).findings == ()
    assert "drugs" in assess("De politie zegt dat Henk Vos werd aangehouden voor drugshandel.", PERSON).themes


# -- longer stories (the second blind set's dev split): who the later sentences are about --

def test_a_story_goes_on_about_the_subject_beyond_the_next_sentence() -> None:
    text = ("Henk Vos begon in 2021 een webwinkel in kaarsen vanuit zijn woning in Hoogeveen. "
            "De zaak liep goed. Hij verstuurde honderden pakketjes per maand. "
            "Volgens de politie verstopte de 30-jarige xtc-pillen in de kaarsen.")
    assert "drugs" in assess(text, PERSON).themes
    shop = ("Bouwbedrijf Stevig bestaat al sinds 1960. Het bedrijf staat bekend om renovaties. "
            "Vorig jaar kreeg de onderneming een nieuwe eigenaar. Nu blijkt dat het bedrijf zijn personeel zwart uitbetaalde.")
    assert "fraude" in assess(shop, COMPANY, company=True).themes


@pytest.mark.parametrize("text", [
    # "de man die ..." is someone new, not the subject
    "Henk Vos werd gebeld door een nepagent. Hij maakte geld over. De man die belde, is aangehouden voor oplichting.",
    # the doer of a passive sentence is its agent: "hij" is the stalker
    "Henk Vos werd jarenlang door zijn buurman Dirk Meijer bedreigd. Hij stuurde honderden berichten. Hij is veroordeeld.",
    # the story ends with the case dropped
    "Henk Vos werd in 2022 verdacht van witwassen. De FIOD deed een inval. Nu heeft het OM de zaak geseponeerd.",
    # no fine
    "De vrachtwagen van Henk Vos bleek verstekelingen te vervoeren, maar hij krijgt geen boete.",
    # an attack on the subject's own door
    "Henk Vos weigerde te betalen. Daarna werd er een explosief voor zijn deur gelegd.",
])
def test_longer_stories_that_are_not_adverse(text: str) -> None:
    assert assess(text, PERSON).findings == ()


def test_a_pronoun_of_the_other_gender_is_someone_else() -> None:
    text = ("De ex-partner van Anna Vos staat terecht. 'Ik wist niets', zegt ze. "
            "Volgens het OM verduisterde de man drie miljoen euro.")
    assert assess(text, "Anna Vos").findings == ()


@pytest.mark.parametrize(("text", "subject", "company"), [
    ("Hackers bieden gestolen gegevens van Bouwbedrijf Stevig aan op het darkweb.", COMPANY, True),
    ("Volgens de politie verstuurden zij phishingmails, zogenaamd afkomstig van Bouwbedrijf Stevig.", COMPANY, True),
    ("De overval vond dinsdag plaats bij juwelier Bouwbedrijf Stevig in de Steenstraat.", COMPANY, True),
    ("De neergeschoten man heet volgens buren Henk Vos.", PERSON, False),
    ("'Ze zetten zelfs knokploegen in', zegt projectleider arbeidsuitbuiting Henk Vos.", PERSON, False),
    ("Burgemeester Vos trekt de vergunning van de coffeeshop in. Henk Vos vindt het risico te groot.", PERSON, False),
    ("Henk Vos had weleens gehoord van een ransomware-aanval, maar het was hem nooit overkomen.", PERSON, False),
])
def test_victims_titles_and_authorities_in_real_news(text: str, subject: str, company: bool) -> None:
    assert assess(text, subject, company=company).findings == ()


def test_het_gaat_om_names_the_person_of_the_sentence_before() -> None:
    text = "De FIOD heeft in Zeist een 52-jarige vrouw aangehouden op verdenking van fraude. Het gaat om Anna Vos, directeur van een adviesbureau."
    assert "fraude" in assess(text, "Anna Vos").themes
    namesake = "In Zwolle is een 45-jarige man veroordeeld voor drugshandel. Het gaat niet om Henk Vos, de voorzitter van de ijsclub."
    assert assess(namesake, PERSON).findings == ()


def test_the_subjects_job_and_property_refer_back() -> None:
    job = ("Henk Vos werkte jarenlang als lasser in de haven. Zijn broer begon een restaurant. "
           "Volgens de recherche bewaarde de lasser opbrengsten van drugstransporten voor anderen.")
    assert "drugs" in assess(job, PERSON).themes
    shed = "Henk Vos woont al twintig jaar in Oss. Volgens de politie stonden er in zijn schuur 400 hennepplanten."
    found = assess(shed, PERSON)
    assert "drugs" in found.themes and any("zijn schuur" in r for f in found.findings for r in f.reasons)


def test_ordering_the_deed_of_the_sentence_before() -> None:
    text = ("Twee mannen werden urenlang mishandeld om te vertellen waar een partij cocaïne was. "
            "Henk Vos gaf volgens het onderzoek de opdracht.")
    assert {"drugs", "geweld"} <= set(assess(text, PERSON).themes)


def test_court_parties_and_decisions() -> None:
    ruling = ("Uitspraak rechtbank Overijssel. Verdachte heeft het computernetwerk van Bouwbedrijf Stevig binnengedrongen "
              "en de bestanden versleuteld met ransomware. Bouwbedrijf Stevig heeft zich als benadeelde partij gevoegd.")
    assert assess(ruling, COMPANY, company=True).findings == ()
    appeal = ("Uitspraak Centrale Raad van Beroep. Appellante, Anna Vos, is zorgaanbieder in de Wmo. Het college heeft vastgesteld "
              "dat appellante voor vijftien cliënten begeleiding heeft gedeclareerd zonder dat deze is geleverd.")
    assert "zorgfraude" in assess(appeal, "Anna Vos").themes
    decision = ("Besluit van de burgemeester. Uit de politie-informatie blijkt dat Henk Vos als bestuurder staat ingeschreven, "
                "maar dat betrokkene geen zeggenschap heeft. Betrokkene treedt op als katvanger.")
    assert "witwassen" in assess(decision, PERSON).themes


def test_a_longer_name_is_another_person() -> None:
    text = "Journalisten zochten Henk Vos Yahyaoui, die volgens het OM leiding gaf aan een witwasnetwerk."
    assert assess(text, PERSON).findings == ()


@pytest.mark.parametrize(("text", "subject", "company", "theme"), [
    # the legal formulas of environmental crime, money laundering, fraud and care fraud
    ("Het OM vervolgt Bouwbedrijf Stevig voor het opzettelijk in de bodem, de lucht of het oppervlaktewater brengen van asfaltresten.",
     COMPANY, True, "milieu"),
    ("Het OM onderzoekt of Bouwbedrijf Stevig verweten kan worden dat zij chemisch slib in de bodem en het oppervlaktewater heeft gebracht.",
     COMPANY, True, "milieu"),
    ("Henk Vos bewaarde twee ton voor een kennis. Volgens de officier was het geld afkomstig uit enig misdrijf.", PERSON, False, "witwassen"),
    ("Henk Vos wist door listige kunstgrepen ouderen tot betalen te bewegen, stelt het OM.", PERSON, False, "fraude"),
    ("Henk Vos is aangehouden voor een reeks babbeltrucs bij ouderen.", PERSON, False, "fraude"),
    ("Henk Vos heeft volgens het OM jarenlang meer zorguren gedeclareerd dan er waren gewerkt.", PERSON, False, "zorgfraude"),
    ("Henk Vos wordt verdacht van het tegen betaling regelen van vergunningen.", PERSON, False, "corruptie"),
])
def test_crimes_told_in_the_words_of_the_law(text: str, subject: str, company: bool, theme: str) -> None:
    assert theme in assess(text, subject, company=company).themes


def test_a_plea_for_acquittal_is_no_acquittal() -> None:
    text = "De officier eist vier jaar cel tegen Henk Vos voor drugshandel, terwijl zijn advocaat om vrijspraak pleit wegens gebrek aan bewijs."
    assert "drugs" in assess(text, PERSON).themes
    asked = "Het OM eist drie jaar cel tegen Henk Vos voor witwassen. Zijn raadsman vroeg vrijspraak."
    assert "witwassen" in assess(asked, PERSON).themes
    acquitted = "De rechtbank heeft Henk Vos vrijgesproken van witwassen."
    assert assess(acquitted, PERSON).findings == ()


@pytest.mark.parametrize(("text", "subject", "company"), [
    ("Witwassen is lastig te bewijzen, volgens officier van justitie mr. Henk Vos.", PERSON, False),
    ("De criminele groep ronselde vrouwen in Roemenië, zegt Henk Vos. Hij is hoofd van de afdeling mensenhandel van de politie.",
     PERSON, False),
    ("Vier medewerkers van een uitzendbureau zijn aangehouden voor mensensmokkel, meldt de Nederlandse Arbeidsinspectie.",
     "Nederlandse Arbeidsinspectie", True),
])
def test_officials_with_a_title_or_a_department_and_an_authority_with_an_adjective(text: str, subject: str, company: bool) -> None:
    assert assess(text, subject, company=company).findings == ()


def test_a_step_takes_the_theme_of_a_crime_word_in_the_next_sentence() -> None:
    text = ("Ook is de oud-directeur van het bedrijf, Henk Vos, veroordeeld tot twee jaar cel. Het OM zegt dat de Amsterdammer "
            "toestemming had gegeven voor de omkoping, Vos ontkent dit.")
    found = assess(text, PERSON)
    assert found.themes == ["corruptie"]
    assert found.findings[0].confidence == 0.5 and "vlakbij" in found.findings[0].reasons[0]
    alone = "Henk Vos is veroordeeld tot twee jaar cel."
    assert assess(alone, PERSON).themes == ["strafrecht"]


def test_the_story_goes_back_to_its_named_person() -> None:
    # an age refers to the named person when nobody else was named or given an age since
    age = ("Henk Vos heeft sinds 2012 een bakkerij in Oss. Zijn vrouw staat er op zaterdag achter de toonbank. "
           "Buren zagen woensdag politie bij de zaak. De 52-jarige blijkt op zolder 400 hennepplanten te hebben gekweekt.")
    assert "drugs" in assess(age, PERSON).themes
    other = ("Henk Vos werd jarenlang door zijn ex-partner bedreigd. Hij stuurde hem honderden berichten. "
             "Dinsdag is de 42-jarige man veroordeeld tot tien maanden cel.")
    assert assess(other, PERSON).findings == ()
    # a pronoun of the other gender than everyone else named since
    gender = ("Anna Vos verkoopt zeep via een webwinkel. Haar broer Piet bezorgt de pakketjes. "
              "Volgens de politie verstopte ze xtc-pillen in de zeep.")
    assert "drugs" in assess(gender, "Anna Vos").themes
    # "werd in 2022 wethouder": later "de wethouder" is the subject
    job = ("Henk Vos zat tien jaar in de raad en werd in 2022 wethouder. Een projectontwikkelaar, Piet Smit, diende een plan in. "
           "Volgens het OM kreeg de wethouder daarna een huis in Spanje. Hij wordt vervolgd voor omkoping.")
    assert "corruptie" in assess(job, PERSON).themes
    cleft = ("Henk Vos floot zondag een wedstrijd in Drachten. Na afloop ontstond een opstootje. "
             "Volgens de politie was het de 55-jarige die een speler tegen het hoofd schopte.")
    assert "geweld" in assess(cleft, PERSON).themes


def test_an_acquittal_told_before_the_demand_clears_the_subject() -> None:
    text = "De rechtbank sprak Henk Vos vrij. Het OM had vier jaar cel tegen hem geëist voor witwassen."
    assert assess(text, PERSON).findings == ()
    convicted = "De rechtbank sprak Henk Vos vrij van witwassen. Wel is hij veroordeeld voor drugshandel."
    assert "drugs" in assess(convicted, PERSON).themes


def test_a_company_that_reports_or_states_the_crime_of_others() -> None:
    reports = ("Bij de huurdersvereniging is geld verduisterd, zo stelt Bouwbedrijf Stevig. "
               "Bouwbedrijf Stevig laat weten een melding te gaan maken bij de politie.")
    assert assess(reports, COMPANY, company=True).findings == ()


@pytest.mark.parametrize(("text", "theme"), [
    ("Henk Vos verkocht vlak voor het faillissement de vrachtwagens voor een symbolisch bedrag aan een bedrijf op naam van zijn zwager.",
     "fraude"),
    ("Henk Vos, inkoper bij de gemeente, ontving van een aannemer die steeds de opdracht kreeg een nieuwe keuken. Hij is ontslagen.",
     "corruptie"),
    ("Henk Vos, examinator bij het CBR, kreeg per geslaagde kandidaat 200 euro contant in een envelop. Hij is op non-actief gesteld.",
     "corruptie"),
    ("Henk Vos begroef volgens de provincie twintig kuub asbest in een kuil achter zijn schuur.", "milieu"),
    ("Henk Vos is volgens de politie binnengedrongen in de servers van drie webwinkels en verkocht de gegevens van klanten.", "cybercrime"),
])
def test_acts_of_the_second_blind_set_kinds(text: str, theme: str) -> None:
    assert theme in assess(text, PERSON).themes


def test_the_story_keeps_its_person_past_a_group_and_a_job_title() -> None:
    group = ("Henk Vos bouwde in Arnhem een reeks kamerverhuurpanden op. Huurders vertellen een ander verhaal. "
             "De verhuurder vroeg volgens de gemeente woekerhuren.")
    assert "vastgoed" in assess(group, PERSON).themes
    title = "Henk Vos noemt zich op LinkedIn ethisch hacker. Hij gaf lezingen over veilig internet."
    assert assess(title, PERSON).findings == ()


def test_groups_lists_and_other_names() -> None:
    # "alias" gives the subject's other name, not another person
    alias = ("In de zaak staan tien verdachten terecht, onder wie de 49-jarige Henk Vos, alias De Kapper. "
             "Hij werd in zijn cel aangehouden in verband met een grote cocaïnezaak.")
    assert "drugs" in assess(alias, PERSON).themes
    # a step whose object is listed after a colon, and "een van hen" after a step against a group
    listed = "Het OM is een strafrechtelijk onderzoek begonnen naar drie oud-bestuurders van de bank: Piet Smit, Jan de Boer en Henk Vos."
    assert assess(listed, PERSON).adverse
    one_of = "Naast de eigenaar werden acht anderen opgepakt. Een van hen was de bekende autohandelaar Henk Vos."
    assert assess(one_of, PERSON).adverse
    # the group, not the company where it happened or the victim it robbed
    group = ("Het hof heeft acht verdachten vrijgesproken. Zij werden ervan verdacht valse briefjes van 500 euro te hebben gestort "
             "in automaten van Bouwbedrijf Stevig.")
    assert assess(group, COMPANY, company=True).findings == ()
    robbed = "Drie mannen staan terecht. Twee van hen beroofden de 82-jarige Henk Vos in zijn boerderij."
    assert assess(robbed, PERSON).findings == ()


def test_researchers_and_roles_of_an_organisation() -> None:
    apposition = ("De nieuwe lector Ondermijning van de Hogeschool Zuid, Henk Vos, gaat onderzoek doen naar ondermijnende "
                  "criminaliteit.")
    assert assess(apposition, PERSON).findings == ()
    own_clause = "Henk Vos werd bekend met zijn onderzoek naar drugshandel in Brabant."
    assert assess(own_clause, PERSON).findings == ()
    bureau = "Onderzoeksbureau Stevig schetst in het onderzoek naar corruptie in de haven hoe de douane tekortschiet."
    assert assess(bureau, "Stevig", company=True).findings == ()


def test_the_fourth_real_text_set_dev_kinds() -> None:
    # a victim named after "onttrokken aan"; the doer before "verduisterd van" stays the doer
    fund = "De oud-notaris is veroordeeld voor fraude, waarbij 20 miljoen euro is onttrokken aan het fonds Bouwbedrijf Stevig."
    assert assess(fund, COMPANY, company=True).findings == ()
    doer = "Henk Vos heeft 20.000 euro verduisterd van zijn werkgever."
    assert "fraude" in assess(doer, PERSON).themes
    # someone else's arrest, a unit's name, a denial of knowing, doers without an article
    other = "Fractievoorzitter Henk Vos bevestigde maandag de aanhouding van haar fractiegenoot."
    assert assess(other, PERSON).findings == ()
    unit = "Henk Vos is coördinator van het Informatiecentrum Cluster Mensenhandel van de inspectie."
    assert assess(unit, PERSON).findings == ()
    unaware = "De eigenaar van het terrein, Henk Vos, zegt niets van het drugslaboratorium te hebben gemerkt. Ter goeder trouw, stelt hij."
    assert not assess(unaware, PERSON).adverse
    doers = "Zo streken oplichters duizenden euro's op met nepwebwinkels die de naam van Bouwbedrijf Stevig gebruikten."
    assert assess(doers, COMPANY, company=True).findings == ()
    # a settlement told with "schikte"
    settled = "Bouwbedrijf Stevig betaalde een boete wegens omkoping in het buitenland. Ingenieursbureau Stevig schikte ook met justitie."
    assert assess(settled, "Ingenieursbureau Stevig", company=True).adverse


def test_who_did_it_in_a_relative_clause_and_who_reports() -> None:
    shot = ("Het OM eist zes jaar cel tegen een 30-jarige man uit Utrecht die in juni Henk Vos met een vuurwapen in zijn been "
            "heeft geschoten. Het slachtoffer had geen band met de schutter.")
    assert assess(shot, PERSON).findings == ()
    wrong = ("Henk Vos werd vorig jaar opgepakt na een steekpartij. Nu is de zaak tegen hem geseponeerd: de echte dader heeft bekend. "
             "'Hij zat vier weken onschuldig vast,' zegt zijn advocaat.")
    assert assess(wrong, PERSON).findings == ()
    reported = ("Henk Vos exploiteert een melkveehouderij. Volgens de provincie heeft hij mest op bevroren grond uitgereden. "
                "GS leggen hem een last onder dwangsom op en doen aangifte.")
    assert assess(reported, PERSON).adverse
    closed = "Op grond van artikel 174a Gemeentewet sluit de burgemeester Snackbar Stevig voor de duur van zes maanden."
    assert assess(closed, "Snackbar Stevig", company=True).adverse


def test_gender_of_others_a_confession_and_what_the_company_says() -> None:
    # a named other of the other gender is not who "de vrouw" or "ze" refers to
    named = ("Buurman Henk Dijkstra zag Anna Vos vaak bij de kas. Volgens de vereniging nam de vrouw in twee jaar 23.000 euro "
             "op voor privé-uitgaven. Ze heeft schuld bekend.")
    assert "fraude" in assess(named, "Anna Vos").themes
    # "volgens de corporatie": the company tells what others did
    told = ("Bouwbedrijf Stevig heeft het vertrouwen in de bewonersraad opgezegd. Het geld is volgens het bedrijf voor "
            "privédoeleinden gebruikt.")
    assert assess(told, COMPANY, company=True).findings == ()


def test_who_reports_is_not_reported_unless_the_report_was_not_made() -> None:
    reported = "Boekhouder Henk Vos meldde de ongebruikelijke contante stortingen van een klant bij de FIU."
    assert assess(reported, PERSON).findings == ()
    not_reported = "Autohandelaar Henk Vos nam drugsgeld aan van kopers en meldde de betalingen ook niet bij de FIU."
    assert assess(not_reported, PERSON).adverse


def test_the_fifth_real_text_set_dev_kinds() -> None:
    # "terecht" alone is no step ("werknemers kunnen terecht in het nieuwe kantoor"); "staat vandaag terecht" is
    opened = "Na een jaar kunnen honderd werknemers van Bouwbedrijf Stevig terecht in het nieuwe kantoorgebouw."
    assert assess(opened, COMPANY, company=True).findings == ()
    trial = "Henk Vos staat vandaag terecht. Hij wordt ervan beschuldigd zijn ex-partner met een mes te hebben bedreigd."
    assert assess(trial, PERSON).adverse
    # a former official takes no steps: the arrest is against him
    former = "Voormalig wethouder Henk Vos is dinsdag opgepakt door de Rijksrecherche."
    assert assess(former, PERSON).adverse
    # "Onder hen is X" after an arrest of a group
    among = "Naast de hoofdverdachte zijn nog acht personen aangehouden. Onder hen is volgens de krant Henk Vos."
    assert assess(among, PERSON).adverse
    # an official deciding whether someone else is prosecuted
    decides = ("Officier van justitie Henk Vos leidt het onderzoek. Hij is gespecialiseerd in fraudezaken. "
               "Hij zal moeten beslissen of de oud-topman strafrechtelijk wordt vervolgd.")
    assert assess(decides, PERSON).findings == ()
    # a person bribing the company's employee: the company is not the doer
    bribed = "De 36-jarige man wordt verdacht van omkoping van een medewerker van Bouwbedrijf Stevig."
    assert assess(bribed, COMPANY, company=True).findings == ()


@pytest.mark.parametrize(("text", "subject", "company"), [
    ("Hoofdbeklaagde is Arno E.M., alias 'Blue'. Het OM eiste tegen hem veertien jaar cel voor cocaïnesmokkel.", "Arno E.M.", False),
    ("Het dna-spoor was van Sander K.. Hij werd in 2015 veroordeeld voor de beroving van een bezorger.", "Sander K.", False),
    ("De nepwinkel koffiekeuzes.nl is volgens de politie een vorm van oplichting.", "Koffiekeuzes.nl", True),
])
def test_the_subject_is_found_however_its_name_ends(text: str, subject: str, company: bool) -> None:
    assert assess(text, subject, company=company).adverse


def test_raids_at_the_subject_and_quotes_of_another_sentence() -> None:
    # "de inval bij X" names X's premises, also inside a relative clause or after "na de"
    told = "Het artikel dat veel stof deed opwaaien ging over de inval bij Bouwbedrijf Stevig in Zeist."
    assert assess(told, COMPANY, company=True).adverse
    after = "Een week na de FIOD-inval bij onder meer directeur Henk Vos vielen rechercheurs opnieuw ergens binnen."
    assert assess(after, PERSON).adverse
    # another person between "bij" and the subject: the raid was not at the subject's
    neighbour = "De politie deed een inval bij de buurman van Henk Vos."
    assert not assess(neighbour, PERSON).adverse
    # a quote closed in the sentence before does not make the next sentence's subject a speaker
    quoted = "'Ik snap er niets van,' zegt buurvrouw Els Dekker. Henk Vos zit sinds dinsdag in voorarrest."
    assert assess(quoted, PERSON).adverse


def test_the_company_named_in_a_compound_for_its_person() -> None:
    # "Stevig-directeur X": what is told of the director counts for the company, lower
    arrested = "De politie heeft Stevig-directeur Henk Vos aangehouden op verdenking van witwassen."
    found = assess(arrested, "Stevig", company=True)
    assert found.adverse and found.confidence < 0.8
    assert any("Stevig-directeur" in r for r in found.reasons)
    # without a crime or step the compound is only a mention
    glad = "Stevig opent een nieuwe vestiging. Stevig-directeur Henk Vos is blij met de groei."
    assert assess(glad, "Stevig", company=True).findings == ()
    # a word that is no person or thing of the company is no mention ("Stevig-achtig")
    other = "Het OM verdenkt een Stevig-achtige firma van witwassen."
    assert assess(other, "Stevig", company=True).findings == ()


def test_suspects_the_text_places_in_the_company_s_service() -> None:
    # "Twee van hen werken bij X": the group arrested in the sentence before is partly the
    # company's people; it counts for the company, at the lower confidence of a link
    told = ("De politie heeft vier verdachten van oplichting aangehouden. Twee van hen werken bij "
            "Bouwbedrijf Stevig in Zeist.")
    found = assess(told, COMPANY, company=True)
    assert found.adverse and found.confidence < 0.8
    assert any("Twee van hen" in r for r in found.reasons)
    # a pronoun for the group, as in a press release
    pronoun = ("De recherche heeft drie personen aangehouden. Zij worden ervan verdacht te frauderen met "
               "uitkeringen. Twee verdachten zijn werkzaam bij Bouwbedrijf Stevig.")
    assert assess(pronoun, COMPANY, company=True).adverse
    # the board: "De twee mannen zaten sinds 2019 in het bestuur van X", after "de bestuurders"
    board = ("Het OM eist dat de bestuurders een verbod van vijf jaar krijgen op het vervullen van een bestuursfunctie. "
             "De twee mannen zaten sinds 2019 in het bestuur van Bouwbedrijf Stevig.")
    assert "fraude" in assess(board, COMPANY, company=True).themes
    # people who work there without any step or crime told of them are no finding
    staff = "De buurt telt veel jonge gezinnen. Twee van hen werken bij Bouwbedrijf Stevig."
    assert assess(staff, COMPANY, company=True).findings == ()


def test_a_closure_told_before_the_business_is_named() -> None:
    # "de snackbar ... gesloten" three sentences before "snackbar De Punt": the same business
    told = ("De burgemeester heeft de snackbar aan de Dorpsstraat voor drie maanden gesloten. "
            "Hij spreekt van een ernstige verstoring van de openbare orde. Buurtbewoners zijn opgelucht. "
            "In de vitrine van snackbar De Punt hangt nu een briefje.")
    found = assess(told, "snackbar De Punt", company=True)
    assert found.adverse and found.themes == ["handhaving"]
    # another kind of business closed earlier is not this one
    other = ("De burgemeester heeft de kapsalon aan de Dorpsstraat voor drie maanden gesloten. "
             "Hij spreekt van een ernstige verstoring van de openbare orde. Buurtbewoners zijn opgelucht. "
             "In de vitrine van snackbar De Punt hangt nu een briefje.")
    assert assess(other, "snackbar De Punt", company=True).findings == ()


def test_a_past_attack_told_in_a_relative_clause_does_not_hide_a_closure() -> None:
    # "X, die eerder werd beschoten, is ... gesloten nadat ...": the shooting is X's past as
    # a victim; the closure after it is a step against X ("gesloten nadat": the verb)
    told = ("Snackbar De Punt, die vorig jaar werd beschoten, is door de burgemeester gesloten "
            "nadat er cocaïne achter de toonbank lag.")
    found = assess(told, "Snackbar De Punt", company=True)
    assert "handhaving" in found.themes
    # shot at, and nothing else: a victim
    shot = "Snackbar De Punt werd vannacht beschoten. Niemand raakte gewond."
    assert assess(shot, "Snackbar De Punt", company=True).findings == ()


def test_an_earlier_acquittal_overturned_on_appeal() -> None:
    # "had eerder vrijgesproken": the acquittal came first, the conviction on appeal stands
    appeal = ("Henk Vos is dinsdag in hoger beroep veroordeeld tot een taakstraf. De rechtbank had hem eerder "
              "vrijgesproken, maar het hof vindt het bewezen.")
    assert assess(appeal, PERSON).adverse
    # the other way round: convicted first, acquitted on appeal
    cleared = "Henk Vos werd in 2022 veroordeeld tot een taakstraf. In hoger beroep is hij vrijgesproken."
    assert not assess(cleared, PERSON).adverse


def test_the_subject_s_own_account_of_being_attacked() -> None:
    # "X verklaarde dat hij werd aangevallen": X's account; the images show X as the doer
    told = ("Henk Vos verklaarde dat hij werd aangevallen bij de uitgang van het café. Op de beelden is te zien "
            "hoe hij een bezoeker met een kapotte fles in het gezicht steekt.")
    assert "geweld" in assess(told, PERSON).themes
    # told as a fact, the attack makes the subject its victim
    victim = "Henk Vos werd aangevallen bij de uitgang van het café. De dader sloeg hem met een kapotte fles."
    assert not assess(victim, PERSON).adverse


def test_the_subject_named_as_what_a_relation_noun_is() -> None:
    # "Huurder van de loods is X": X is the tenant (not the owner of someone's loods), and
    # "hij" after it is X
    told = "Huurder van de loods is Henk Vos. Volgens de politie had hij daar op grote schaal pillen gemaakt."
    assert "drugs" in assess(told, PERSON).themes
    # "de huurder van X" is someone else
    other = "De huurder van Henk Vos is aangehouden. Volgens de politie had hij pillen gemaakt."
    assert not assess(other, PERSON).adverse


def test_a_relative_clause_on_the_subject_s_predicate() -> None:
    # "X is het eerste bedrijf dat tegen de lamp liep": the clause is about X
    told = ("De burgemeester heeft een snackbar voor drie maanden gesloten. Snackbar De Punt is de eerste zaak die "
            "tegen de lamp is gelopen.")
    assert "handhaving" in assess(told, "Snackbar De Punt", company=True).themes
    # a noun after a verb that is no copula is something else: "X leverde aan de kantine die ..."
    sold = ("De burgemeester heeft een snackbar voor drie maanden gesloten. Snackbar De Punt leverde vorig jaar "
            "friet aan de kantine die nu tegen de lamp is gelopen.")
    assert assess(sold, "Snackbar De Punt", company=True).findings == ()


def test_a_court_party_named_as_the_company_s_operator() -> None:
    # "[appellant] als drijver van de inrichting X": the step against the appellant is one
    # against the company's operator
    decision = ("Bij besluit van 4 juli heeft het college [appellant] als drijver van de inrichting Snackbar De Punt "
                "onder oplegging van een dwangsom gelast de geurhinder te beperken.")
    found = assess(decision, "Snackbar De Punt", company=True)
    assert "handhaving" in found.themes and found.confidence < 0.8
    assert any("drijver van de inrichting" in r for r in found.reasons)


def test_a_step_against_a_group_whose_relative_clause_names_the_subject() -> None:
    # "een straf voor de twee hackers die de website van X platlegden": X is their target
    told = "Het OM wil een zwaardere straf voor de twee hackers die vorig jaar de website van Bouwbedrijf Stevig platlegden."
    assert not assess(told, COMPANY, company=True).adverse
    # the subject itself after "voor": the step is against it
    itself = "Het OM wil een zwaardere straf voor Bouwbedrijf Stevig, dat vorig jaar afval dumpte."
    assert assess(itself, COMPANY, company=True).adverse


def test_the_subject_s_former_house() -> None:
    # "de voormalige woning van X is gesloten": the closure is no longer about X
    former = "De voormalige woning van Henk Vos is door de burgemeester gesloten na de vondst van een hennepkwekerij."
    assert not assess(former, PERSON).adverse
    current = "De woning van Henk Vos is door de burgemeester gesloten na de vondst van een hennepkwekerij."
    assert assess(current, PERSON).adverse


def test_a_step_the_subject_saw() -> None:
    # "X zag de inval": a witness of the raid, not its target
    saw = ("De douane vond 300 kilo cocaïne bij een fruitimporteur. Bouwbedrijf Stevig, de buurman op het "
           "bedrijventerrein, zag de inval vanaf het eigen terrein.")
    assert not assess(saw, COMPANY, company=True).adverse
    # "X schrok van de inval": a bystander's fright, not a step against X
    fright = "Een man is aangehouden voor witwassen. Zijn buurman Henk Vos schrok van de inval."
    assert not assess(fright, PERSON).adverse
    raided = "De douane vond 300 kilo cocaïne. Bij Bouwbedrijf Stevig deed de FIOD een inval."
    assert assess(raided, COMPANY, company=True).adverse


def test_a_professional_after_an_apposition_presents_figures() -> None:
    # "X, programmamanager bij Y, presenteerde het jaarbeeld: vorig jaar werden ... ontmanteld":
    # the steps after the colon are the figures presented, not steps against X
    told = ("Henk Vos, programmamanager bij het RIEC, presenteerde het jaarbeeld ondermijning: vorig jaar werden "
            "in de regio 34 drugslabs ontmanteld.")
    assert not assess(told, PERSON).adverse
    # a headline with a colon still tells what happened to X
    headline = "Henk Vos: drie jaar cel voor drugshandel."
    assert assess(headline, PERSON).adverse


@pytest.mark.parametrize("text", [
    "Henk Vos werd vervolgd voor oplichting. De rechtbank heeft hem ontslagen van alle rechtsvervolging.",
    "Henk Vos werd aangehouden voor oplichting. Het OM ziet af van vervolging.",
    "Henk Vos werd aangehouden voor oplichting. Hij is niet langer verdachte.",
    "Henk Vos werd aangehouden voor oplichting. De verdenking is van tafel.",
    "Henk Vos werd ten onrechte aangehouden voor oplichting.",
    "Henk Vos krijgt een schadevergoeding voor zijn onterechte detentie in de oplichtingszaak.",
    "Het OM is niet-ontvankelijk verklaard in de oplichtingszaak tegen Henk Vos.",
    "Henk Vos werd verdacht van oplichting, maar het OM besloot hem niet te vervolgen.",
    "De rechter oordeelde dat niet kan worden bewezen dat Henk Vos de oplichting heeft gepleegd.",
])
def test_ways_a_case_ends_without_a_conviction(text: str) -> None:
    found = assess(text, PERSON)
    assert not found.adverse and found.dropped


def test_an_objection_against_a_decision_shows_whom_it_targeted() -> None:
    # "X heeft bezwaar gemaakt tegen dit besluit": X was refused; the refusal before counts
    objected = ("De burgemeester heeft de exploitatievergunning ingetrokken na een Bibob-advies. "
                "Snackbar De Punt heeft bezwaar gemaakt tegen dit besluit.")
    assert "handhaving" in assess(objected, "Snackbar De Punt", company=True).themes
    # neighbours objecting to a permit for X: no step against X
    neighbours = "Buurtbewoners hebben bezwaar gemaakt tegen het besluit om Snackbar De Punt een terras te geven."
    assert not assess(neighbours, "Snackbar De Punt", company=True).adverse


def test_an_information_evening_about_drugs_is_a_topic() -> None:
    # "voorlichtingsavond", "preventieproject": compounds of prevention words are topics too
    told = "Snackbar De Punt sponsort een voorlichtingsavond over drugs voor jongeren."
    assert not assess(told, "Snackbar De Punt", company=True).adverse
