"""The signal vocabulary: the only names indicator files may use.

Each type lists its attributes. ``bibobscan indicators validate`` rejects unknown
signal types, and the special-category guard (BIBOB.md §2.H) rejects any attribute
that would carry nationality, ethnicity or similar data.
"""

from __future__ import annotations

import re

SIGNAL_TYPES: dict[str, tuple[str, dict[str, str]]] = {
    # type: (description, {attribute: meaning})
    "register.registered_on": ("Datum van inschrijving in het Handelsregister", {"date": "ISO-datum", "age_days": "dagen tussen inschrijving en peildatum"}),
    "register.sbi": ("SBI-activiteit uit het Handelsregister", {"code": "SBI-code (tekst)", "version": "2008/2025/unknown", "main": "hoofdactiviteit (bool)", "description": "omschrijving"}),
    "register.legal_form": ("Rechtsvorm", {"value": "rechtsvorm"}),
    "register.address_shielded": ("Bezoekadres afgeschermd (rechtmatig; alleen verificatiegat)", {"address_type": "adrestype"}),
    "address.company_count": ("Aantal inschrijvingen op het bezoekadres", {"count": "aantal", "address": "adres"}),
    "sanctions.match": ("Bevestigde treffer op een sanctie-, terrorisme-, PEP- of opsporingslijst", {"list": "lijst", "name": "naam op de lijst", "confidence": "0..1", "topics": "onderwerpen van de vermelding (sanction, role.pep, crime, ...)"}),
    "sanctions.possible": ("Mogelijke treffer op zo'n lijst: de naam komt overeen, niets bevestigt of sluit uit (handmatig beoordelen)", {"list": "lijst", "name": "naam op de lijst", "confidence": "0..1", "topics": "onderwerpen van de vermelding"}),
    "media.mention": ("Nieuwsbericht dat het onderwerp noemt", {"outlet": "medium", "date": "datum", "title": "kop"}),
    "media.adverse": ("Nieuwsbericht dat het onderwerp met een risicothema verbindt", {"theme": "thema", "confidence": "0..1", "title": "kop", "outlet": "medium", "date": "datum", "cue": "gevonden term"}),
    "publication.closure": ("Officiële bekendmaking van een sluiting (o.a. art. 13b Opiumwet)", {"identifier": "kenmerk", "title": "titel", "date": "datum", "creator": "bestuursorgaan"}),
    "publication.permit_revoked": ("Officiële bekendmaking van intrekking of weigering van een vergunning", {"identifier": "kenmerk", "title": "titel", "date": "datum", "creator": "bestuursorgaan"}),
    "publication.bibob": ("Officiële bekendmaking die de Wet Bibob noemt", {"identifier": "kenmerk", "title": "titel", "date": "datum", "creator": "bestuursorgaan"}),
    "publication.mention": ("Officiële bekendmaking die het onderwerp noemt", {"identifier": "kenmerk", "title": "titel", "date": "datum", "creator": "bestuursorgaan"}),
    "register.director_ban": ("Civielrechtelijk bestuursverbod (geen open bron levert dit nu)", {"until": "einddatum"}),
    "register.bankruptcy": ("Faillissement waarbij het onderwerp betrokken was (CIR; geen open bron levert dit nu)", {"date": "datum uitspraak", "company": "onderneming", "role": "rol van het onderwerp"}),
    "register.officer_change": ("Wisseling van bestuurder of aandeelhouder (KvK Functionarissen; niet openbaar)", {"date": "datum", "role": "functie"}),
    "register.directorship": ("Bestuursfunctie van een persoon (persoonsgericht zoeken is voorbehouden)", {"company": "onderneming", "start": "begindatum", "end": "einddatum", "days": "duur in dagen"}),
    "register.agrarian_address": ("Inschrijving op een adres met een agrarische gebruiksfunctie (BAG; nog geen bron)", {"address": "adres", "agrarian_activity": "agrarische activiteit (bool)"}),
    "register.foreign_parent": ("Moedermaatschappij in de keten boven de onderneming (GLEIF, volgens de jaarrekening; het UBO-register wordt niet bevraagd)", {"jurisdiction": "land van het rechtsgebied van de moeder (ISO-code, hoofdletters; leeg als GLEIF het niet noemt)", "layers": "aantal lagen in de keten", "level": "laag van deze moeder (1 = directe moeder)", "name": "naam van de moeder", "lei": "LEI van de moeder"}),
    "court.ruling": ("Gepubliceerde uitspraak waarin de naam van de onderneming staat (Rechtspraak open data; de rol — verdachte, benadeelde, getuige — volgt uit de uitspraak, niet uit de naam)", {"ecli": "ECLI", "court": "instantie", "date": "datum uitspraak", "area": "rechtsgebied(en), met '; ' gescheiden", "type": "Uitspraak of Conclusie", "procedure": "procedure(s)", "criminal": "rechtsgebied Strafrecht (bool)", "role": "rol van de onderneming volgens de passage: verdachte, benadeelde of onbekend", "tried": "strafzaak tegen de onderneming zelf (bool)"}),
    "officer.questionnaire": ("Bibob-vragenformulier (door behandelaar aangeleverd)", {"status": "refused/incomplete/contradicts/complete", "note": "toelichting"}),
    "officer.prior_conclusion": ("Eerdere Bibob-conclusie of LBB-advies (door behandelaar aangeleverd)", {"degree": "geen/mindere_mate/ernstig", "date": "datum", "note": "toelichting"}),
    # Sector scan (branchescan, bibobscan.sector): one establishment of the branche.
    # Only register and public company-level data; never person-level research.
    "establishment.registered_on": ("Branchescan: inschrijvingsdatum van de onderneming bij een vestiging (KvK Basisprofiel, per adres opgezocht)", {"date": "ISO-datum", "age_days": "dagen tussen inschrijving en peildatum", "name": "naam in het Handelsregister", "kvk": "KvK-nummer"}),
    "establishment.sbi": ("Branchescan: SBI-activiteit van de onderneming bij een vestiging (KvK Basisprofiel)", {"code": "SBI-code (tekst)", "version": "2008/2025", "main": "hoofdactiviteit (bool)", "description": "omschrijving", "in_sector": "de code hoort bij de gescande branche (bool; leeg als de SBI-versies niet te vergelijken zijn)"}),
    "establishment.address_turnover": ("Branchescan: beëindigde inschrijvingen op het adres van een vestiging (KvK Zoeken op postcode en huisnummer, inclusief inactieve)", {"ended": "aantal beëindigde inschrijvingen", "total": "alle inschrijvingen, actief en beëindigd", "address": "adres"}),
    "establishment.address_company_count": ("Branchescan: actieve inschrijvingen op het adres van een vestiging (KvK Zoeken op postcode en huisnummer)", {"count": "aantal actieve inschrijvingen", "address": "adres"}),
    "establishment.cluster": ("Branchescan: vestigingen van dezelfde branche rond een vestiging (coördinaten uit OpenStreetMap)", {"radius_count": "vestigingen binnen de straal, deze meegeteld", "radius": "straal in meters", "street_count": "vestigingen in dezelfde straat, deze meegeteld", "street": "straat"}),
    "establishment.publication": ("Branchescan: officiële bekendmaking die de naam van een vestiging noemt (KOOP, per vestigingsnaam)", {"kind": "closure/permit_revoked/bibob/mention", "identifier": "kenmerk", "title": "titel", "date": "datum", "creator": "bestuursorgaan"}),
    # Sector scan: the area (municipality, or the postcodes it was narrowed to) as a whole.
    "area.density": ("Branchescan: vestigingen van de branche per 10.000 inwoners, tegen het landelijke niveau (zelfde bron)", {"count": "aantal objecten met de branchetags in de gemeente", "population": "inwoners", "density": "per 10.000 inwoners", "baseline_density": "landelijk per 10.000 inwoners", "ratio": "dichtheid gedeeld door landelijke dichtheid", "baseline": "vergelijkingsgebied"}),
    "area.street_cluster": ("Branchescan: vestigingen van de branche in één straat", {"street": "straat", "count": "aantal vestigingen", "percent": "aandeel van alle gevonden vestigingen (procent, afgerond)"}),
    "area.growth": ("Branchescan: nieuwe inschrijvingen in de branche, laatste 12 en 24 maanden tegen daarvoor (actieve inschrijvingen met bekende datum)", {"new_last_year": "ingeschreven in de laatste 12 maanden", "new_two_years": "ingeschreven in de laatste 24 maanden", "before": "eerder ingeschreven", "known": "vestigingen met bekende inschrijvingsdatum", "percent_recent": "aandeel ingeschreven in de laatste 24 maanden (procent, afgerond)"}),
}

# Signal types that can only come from the officer (--facts FILE).
OFFICER_TYPES = frozenset(t for t in SIGNAL_TYPES if t.startswith("officer."))

# Words that must never appear in a signal type or attribute an indicator uses, nor in
# a text value of a ``where`` condition. Terms of 5+ letters also match as a prefix
# ("nationalit" catches nationality, nationalities and nationaliteit). Adjectives of
# nationality or ethnicity and demonyms ("Marokkaans", "Turks", ...) are NOT listed: no
# list of them can be complete (see docs/indicators.md, "Guard rails").
FORBIDDEN_TERMS = (
    "nationality", "nationaliteit", "nationalit", "ethnic", "etnic", "etnisch", "etnici",
    "afkomst", "herkomst", "herkomst_persoon", "origin", "migratieachtergrond", "migration",
    "allochto", "autochto",
    "country_of_birth", "geboorteland", "birth_country", "birthplace", "geboorteplaats",
    "religion", "religie", "geloof", "race", "language", "taal", "moedertaal", "citizenship",
    "health", "gezondheid", "sexual", "seksueel", "political", "politiek", "union", "vakbond",
)


def forbidden_term(name: str) -> str | None:
    """The special-category term that ``name`` (a signal type, attribute or condition
    value) contains, if any.

    Compared per word ("country_of_birth" and "birth_country" both hit; "totaal" does
    not hit "taal"): a word equals a term, or starts with a term of 5+ letters.
    """
    lowered = name.casefold()
    for term in FORBIDDEN_TERMS:
        if "_" in term and term in lowered:
            return term
    for word in re.split(r"[^a-z]+", lowered):
        for term in FORBIDDEN_TERMS:
            if word == term or (len(term) >= 5 and word.startswith(term)):
                return term
    return None
