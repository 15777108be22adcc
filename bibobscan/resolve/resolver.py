"""Decide, per piece of evidence, how sure we are that it concerns the subject.

Every decision is a list of named features with a weight and a Dutch sentence. Three
verdicts: ``match`` (scored), ``possible`` (a possible namesake: shown apart, never
scored) and ``no_match`` (not about the subject: a namesake ruled out by a contradicting
fact, or no mention at all).

Rules of thumb (deliberately conservative: a false match harms an innocent person):
- a KvK number that equals the subject's confirms;
- a person named in a text is a match only with a corroborating fact (age that fits the
  date of birth, the subject's municipality or a known address); a contradicting age or
  place rules the text out as a namesake;
- a multi-word company name quoted literally counts as a match unless contradicted;
- on a sanctions list, a name alone is never a match: the date of birth must agree.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date

from ..matching import MATCH_THRESHOLD, Record, Result, compare
from ..model import Evidence, Match, MatchFeature, Subject, SubjectKind, Verdict
from ..municipalities import all_municipalities
from .names import fold, mentions, normalise

# A name comparison at or above this score is a name match (bibobscan.matching).
NAME_THRESHOLD = MATCH_THRESHOLD


@dataclass(slots=True)
class Context:
    """What we know for sure about the subject, for corroboration."""

    subject: Subject
    reference_date: date
    places: dict[str, str] = field(default_factory=dict)  # folded -> display name
    streets: set[str] = field(default_factory=set)  # folded street names
    kvk: str | None = None  # the subject's KvK number: given, or learned from a matched profile

    def add_place(self, name: str) -> None:
        display = name.strip()
        if display.isupper():
            display = display.title()
        if display:
            self.places.setdefault(fold(display), display)


def build_context(subject: Subject, reference_date: date) -> Context:
    ctx = Context(subject=subject, reference_date=reference_date, kvk=subject.kvk)
    if subject.municipality:
        ctx.add_place(subject.municipality.name)
    for place in subject.places:
        ctx.add_place(place)
    return ctx


def learn_from_register(ctx: Context, evidence: list[Evidence]) -> None:
    """Register facts of the subject itself (same KvK number) widen what counts as the
    subject's place and street."""
    for ev in evidence:
        if ev.kind in ("register.company", "register.establishment") and ctx.kvk and ev.fields.get("kvk") == ctx.kvk:
            for addr in ev.fields.get("addresses") or []:
                if addr.get("city"):
                    ctx.add_place(str(addr["city"]))
                if addr.get("street") and not addr.get("shielded"):
                    ctx.streets.add(fold(str(addr["street"])))


def learned_kvk(subject: Subject, evidence: list[Evidence], reference_date: date) -> str | None:
    """The KvK number of a subject given by name: that of the one register profile whose
    name matches (as :func:`resolve_all` decides it), else None. Sets no matches."""
    if subject.kvk:
        return subject.kvk
    ctx = build_context(subject, reference_date)
    profiles = [ev for ev in evidence if ev.kind == "register.company"]
    return _single_kvk(profiles, [resolve_one(ev, ctx) for ev in profiles])


def _single_kvk(profiles: list[Evidence], matches: list[Match | None]) -> str | None:
    found = {str(ev.fields.get("kvk")) for ev, m in zip(profiles, matches)
             if m is not None and m.verdict is Verdict.MATCH and ev.fields.get("kvk")}
    return found.pop() if len(found) == 1 else None


def resolve_all(subject: Subject, evidence: list[Evidence], reference_date: date) -> None:
    """Set ``match`` on every evidence item (officer facts are matches by definition).

    Register profiles go first: when the subject was given by name only and exactly one
    profile matches, its KvK number becomes the subject's for the other register
    evidence, and its addresses corroborate texts.
    """
    ctx = build_context(subject, reference_date)
    profiles = [ev for ev in evidence if ev.kind == "register.company"]
    for ev in profiles:
        ev.match = resolve_one(ev, ctx)
    if ctx.kvk is None:
        ctx.kvk = _single_kvk(profiles, [ev.match for ev in profiles])
    learn_from_register(ctx, evidence)
    for ev in evidence:
        if ev.kind != "register.company" or ev.match is None:
            ev.match = resolve_one(ev, ctx)


def resolve_one(ev: Evidence, ctx: Context) -> Match:
    if ev.supplied_by == "officer":
        return Match(Verdict.MATCH, 1.0, [MatchFeature("officer_supplied", 1.0, "Door de behandelaar aangeleverd feit over deze zaak.")])
    if ev.kind.startswith("register."):
        return _register(ev, ctx)
    if ev.kind == "sanctions.entry":
        return _sanctions(ev, ctx)
    if ev.kind in ("news.article", "web.result", "publication.notice", "court.ruling"):
        return _text(ev, ctx)
    return Match(Verdict.POSSIBLE, 0.0, [MatchFeature("unknown_kind", 0.0, f"Onbekend soort bewijs ({ev.kind}); handmatig beoordelen.")])


def _register(ev: Evidence, ctx: Context) -> Match:
    subject = ctx.subject
    kvk = ev.fields.get("kvk")
    if ctx.kvk and kvk:
        if kvk == ctx.kvk:
            return Match(Verdict.MATCH, 1.0, [MatchFeature("kvk_equal", 1.0, f"KvK-nummer {kvk} is het KvK-nummer van het onderwerp.")])
        return Match(Verdict.NO_MATCH, 0.0, [MatchFeature("kvk_differs", -1.0, f"KvK-nummer {kvk} wijkt af van {ctx.kvk}.")])
    name = str(ev.fields.get("name") or ev.title)
    trade_names = [str(t) for t in ev.fields.get("trade_names") or [] if t]
    compared = _compare_names(subject, [name, *trade_names], company=True)
    score = compared.score
    shown = compared.name_b or name  # the register name that matched best: the name or a trade name
    features = _name_features(compared, f"Naam '{shown}' lijkt voor {score:.0%} op de gezochte naam.")
    if ev.kind == "register.company" and compared.verdict is Verdict.MATCH:
        features.append(MatchFeature("unique_register_hit", 0.2, "Enige passende inschrijving in het Handelsregister; geef --kvk op voor zekerheid."))
        return Match(Verdict.MATCH, round(0.85 * score, 2), features)
    verdict = Verdict.NO_MATCH if compared.verdict is Verdict.NO_MATCH else Verdict.POSSIBLE
    return Match(verdict, round(score, 2), features)


def _compare_names(subject: Subject, names: list[str], *, company: bool) -> Result:
    """The feature-based comparison of the subject's names with the evidence's names."""
    kind = "company" if company else "person"
    names = [n for n in names if n and n.strip()]
    if not names or not subject.names:
        return compare(Record("", kind=kind), Record("", kind=kind))
    return compare(Record(subject.names[0], kind=kind, aliases=subject.names[1:]),
                   Record(names[0], kind=kind, aliases=names[1:]))


def _name_features(compared: Result, headline: str) -> list[MatchFeature]:
    """A headline feature with the name score, then the matcher's own reasons (weight 0:
    they explain the headline, they do not add to it)."""
    head = MatchFeature("name_similarity", round(compared.score, 2), headline)
    reasons = [MatchFeature(f"name.{f.name}", 0.0, f.sentence) for f in compared.match.features if f.sentence]
    return [head, *reasons]


def _birth_dates_agree(subject_born: date, listed: list[str]) -> bool | None:
    """True/False when comparable, None when the entry gives no usable date."""
    usable = [d for d in listed if re.fullmatch(r"\d{4}(-\d{2}){0,2}", d or "")]
    if not usable:
        return None
    iso = subject_born.isoformat()
    return any(iso.startswith(d) for d in usable)


def _sanctions(ev: Evidence, ctx: Context) -> Match:
    subject = ctx.subject
    company = subject.kind is SubjectKind.COMPANY
    names = [str(ev.fields.get("name") or "")] + [str(a) for a in ev.fields.get("aliases") or []]
    compared = _compare_names(subject, names, company=company)
    best = compared.score
    features = _name_features(compared, f"Beste naamovereenkomst met de lijstvermelding: {best:.0%}.")
    if compared.verdict is not Verdict.MATCH:
        dob_disjoint = subject.born is not None and _birth_dates_agree(subject.born, [str(d) for d in ev.fields.get("birth_dates") or []]) is False
        if compared.verdict is Verdict.POSSIBLE and not dob_disjoint:
            features.append(MatchFeature("name_possible", 0.0, "De naam komt maar gedeeltelijk overeen (mogelijke naamgenoot); handmatig beoordelen."))
            return Match(Verdict.POSSIBLE, round(best * 0.5, 2), features)
        features.append(MatchFeature("name_below_threshold", -0.5, f"Onder de drempel van {NAME_THRESHOLD:.0%}: geen treffer."))
        if dob_disjoint and subject.born is not None:
            listed = ", ".join(str(d) for d in ev.fields.get("birth_dates") or [])
            features.append(MatchFeature("dob_disjoint", -1.0, f"Geboortedatum wijkt bovendien af (lijst: {listed}; onderwerp: {subject.born.isoformat()})."))
        return Match(Verdict.NO_MATCH, round(best * 0.5, 2), features)
    if company:
        features.append(MatchFeature("no_identifier", 0.0, "Alleen de naam komt overeen; een registratienummer bevestigt niets. Handmatig beoordelen."))
        return Match(Verdict.POSSIBLE, round(best * 0.7, 2), features)
    if subject.born is None:
        features.append(MatchFeature("dob_unknown", 0.0, "Geboortedatum van het onderwerp onbekend; kan niet bevestigen of uitsluiten."))
        return Match(Verdict.POSSIBLE, round(best * 0.7, 2), features)
    agree = _birth_dates_agree(subject.born, [str(d) for d in ev.fields.get("birth_dates") or []])
    if agree is None:
        features.append(MatchFeature("dob_missing", 0.0, "De lijst vermeldt geen geboortedatum; handmatig beoordelen."))
        return Match(Verdict.POSSIBLE, round(best * 0.7, 2), features)
    if agree:
        features.append(MatchFeature("dob_equal", 0.3, "Geboortedatum komt overeen met de lijstvermelding."))
        return Match(Verdict.MATCH, round(min(1.0, best), 2), features)
    listed = ", ".join(str(d) for d in ev.fields.get("birth_dates") or [])
    features.append(MatchFeature("dob_disjoint", -1.0, f"Geboortedatum wijkt af (lijst: {listed}; onderwerp: {subject.born.isoformat()}): naamgenoot."))
    return Match(Verdict.NO_MATCH, 0.1, features)


_AGE_AFTER_NAME = r"\s*\((\d{1,3})\)"
_FROM_PLACE = re.compile(r"\buit ([A-Z][\w'-]+(?: [A-Z][\w'-]+)?)")


def _ages_in(text: str, name: str) -> list[int]:
    pattern = re.compile(re.escape(name) + _AGE_AFTER_NAME, re.IGNORECASE)
    return [int(m) for m in pattern.findall(text)]


def _text(ev: Evidence, ctx: Context) -> Match:
    subject = ctx.subject
    company = subject.kind is SubjectKind.COMPANY
    text = str(ev.fields.get("text") or f"{ev.title} {ev.excerpt}")
    named = [n for n in subject.names if mentions(text, n, company=company)]
    if not named:
        return Match(Verdict.NO_MATCH, 0.0, [MatchFeature("not_mentioned", -1.0, "Het onderwerp wordt in titel en fragment niet genoemd.")])
    features = [MatchFeature("name_mentioned", 0.5, f"De naam '{named[0]}' wordt letterlijk genoemd.")]
    support = 0
    contradiction = False

    if not company and subject.born is not None:
        published = _parse_date(ev.published_at) or ctx.reference_date
        for age in _ages_in(text, named[0]):
            expected = _age_on(subject.born, published)
            if abs(age - expected) <= 1:
                support += 1
                features.append(MatchFeature("age_fits", 0.3, f"Vermelde leeftijd {age} past bij de geboortedatum (verwacht {expected})."))
            else:
                contradiction = True
                features.append(MatchFeature("age_differs", -1.0, f"Vermelde leeftijd {age} past niet bij de geboortedatum (verwacht {expected}): naamgenoot."))

    folded = fold(text)
    if ev.kind == "publication.notice" and fold(str(ev.fields.get("creator") or "")) in ctx.places:
        support += 1
        features.append(MatchFeature("issuer_is_municipality", 0.3, f"Gepubliceerd door {ev.fields.get('creator')}, de gemeente van het onderwerp."))
    place_hits = sorted(display for display in ctx.places.values() if _place_pattern(display).search(text))
    if place_hits:
        support += 1
        features.append(MatchFeature("place_mentioned", 0.2, f"De plaats {', '.join(place_hits)} van het onderwerp wordt genoemd."))
    street_hits = sorted(s for s in ctx.streets if s and re.search(rf"(?<!\w){re.escape(s)}(?!\w)", folded))
    if street_hits:
        support += 1
        shown = ", ".join(st.title() for st in street_hits)
        features.append(MatchFeature("street_mentioned", 0.3, f"De straat {shown} uit het Handelsregister wordt genoemd."))
    # Another place only contradicts when we know the subject's place at all.
    other_places = _other_places(text, ctx) if ctx.places else []
    if other_places and not place_hits:
        contradiction = True
        features.append(MatchFeature("other_place", -0.6, f"Het bericht noemt een andere plaats ({', '.join(other_places)}): mogelijk naamgenoot."))

    if contradiction:
        return Match(Verdict.NO_MATCH, 0.1, features)
    if support:
        return Match(Verdict.MATCH, round(min(1.0, 0.5 + 0.2 * support), 2), features)
    if company and len(normalise(named[0], company=True).split()) >= 2:
        features.append(MatchFeature("distinctive_company_name", 0.2, "Meerwoordige bedrijfsnaam letterlijk genoemd; geen tegenstrijdige gegevens."))
        return Match(Verdict.MATCH, 0.6, features)
    features.append(MatchFeature("no_corroboration", 0.0, "Alleen de naam komt overeen; leeftijd, plaats of adres bevestigen niets."))
    return Match(Verdict.POSSIBLE, 0.4, features)


def _other_places(text: str, ctx: Context) -> list[str]:
    """Municipalities named in the text ("uit X" or a capitalised municipality name,
    also as an adjective: "Groninger", "Tilburgse") that are not the subject's."""
    found: set[str] = set()
    for m in _FROM_PLACE.finditer(text):
        if fold(m.group(1)) not in ctx.places:
            found.add(m.group(1))
    for muni in all_municipalities():
        if fold(muni.name) in ctx.places or len(muni.name) < 4:
            continue
        if _place_pattern(muni.name).search(text):
            found.add(muni.name)
    return sorted(found)


@functools.cache
def _place_pattern(name: str) -> re.Pattern[str]:
    """Case-sensitive: capitalised place names only, so 'buren' (neighbours) is no place."""
    forms = [re.escape(name) + r"(?:se|er|s)?"]
    if name.endswith("en"):
        forms.append(re.escape(name[:-2]) + r"(?:er|se)")
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)")


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
