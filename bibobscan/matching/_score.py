"""Whole-record comparison: the best name comparison plus the facts that confirm or
rule out (date of birth, place, KvK number, registration numbers), and the verdict."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..model import Match, MatchFeature, Verdict
from . import _features
from ._features import NameScore, compare_parsed
from ._normalise import COMPANY, PERSON, looks_like_company, parse
from ._text import fold_text, readings

KINDS = (PERSON, COMPANY)
_ALTERNATIVES = re.compile(r"\s*;\s*|(?<=\w{2})/(?=\w{2})|\s+/\s+")


@dataclass(slots=True)
class Record:
    """What is known about one side of a comparison. Only ``name`` is required."""

    name: str
    kind: str | None = None  # "person", "company" or None (guess from the names)
    aliases: Sequence[str] = ()
    born: date | str | None = None  # a date, "1987-03-14", "1987-03" or "1987"
    places: Sequence[str] = ()  # places of residence / establishment
    kvk: str | None = None  # KvK number (8 digits)
    registrations: Sequence[str] = ()  # other registration numbers (RSIN, LEI, passport, ...)

    @property
    def names(self) -> list[str]:
        """Name and aliases; "A ; B" and "A/B" list alternatives and are split."""
        out: list[str] = []
        for raw in [self.name, *self.aliases]:
            if not raw or not raw.strip():
                continue
            out.append(raw.strip())
            if ";" not in raw and "/" not in raw:
                continue  # no alternatives (the common case: no split needed)
            parts = [p.strip() for p in _ALTERNATIVES.split(raw)]
            if len(parts) > 1 and all(sum(c.isalpha() for c in p) >= 2 for p in parts):
                out.extend(parts)
        return list(dict.fromkeys(out))


@dataclass(slots=True)
class Result:
    """A comparison: the verdict, the score and the reasons, best name pair included."""

    match: Match
    name_a: str = ""
    name_b: str = ""
    kind: str = PERSON
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def verdict(self) -> Verdict:
        return self.match.verdict

    @property
    def score(self) -> float:
        return self.match.confidence


def verdict_for(score: float) -> Verdict:
    if score >= _features.MATCH_THRESHOLD:
        return Verdict.MATCH
    if score >= _features.POSSIBLE_THRESHOLD:
        return Verdict.POSSIBLE
    return Verdict.NO_MATCH


def resolve_kind(kind: str | None, names: Iterable[str]) -> str:
    if kind in KINDS:
        return str(kind)
    if kind not in (None, "", "any", "auto"):
        raise ValueError(f"kind must be 'person' or 'company', not {kind!r}")
    return COMPANY if any(looks_like_company(n) for n in names) else PERSON


def compare_names(a: str, b: str, kind: str | None = None) -> Result:
    """Compare two names (no other facts)."""
    return compare(Record(a, kind=kind), Record(b, kind=kind))


def _best_names(a: list[str], b: list[str], kind: str, guessed: bool) -> tuple[NameScore, str, str]:
    best: tuple[NameScore, str, str] | None = None
    # a damaged name is compared in every way it can be read (see _text.readings)
    wild = kind == COMPANY
    names_b = [(nb, rb) for nb in b for rb in readings(nb, wild)]
    for na in a:
        for ra in readings(na, wild):
            pa = parse(ra, kind, guessed=guessed)
            for nb, rb in names_b:
                scored = compare_parsed(pa, parse(rb, kind, guessed=guessed))
                if best is None or scored.score > best[0].score:
                    best = (scored, na, nb)
                    if scored.score >= 1.0:
                        return best  # no later pair can score higher (and a tie keeps the first)
    if best is None:
        empty = NameScore([MatchFeature("no_name", 0.0, "Geen naam om te vergelijken.")], 0.0, 0.0)
        return empty, "", ""
    return best


def compare(a: Record, b: Record) -> Result:
    """Compare two records: names first, then every fact both sides give."""
    given = a.kind or b.kind
    names_a, names_b = a.names, b.names
    kind = resolve_kind(given, [*names_a, *names_b])
    scored, name_a, name_b = _best_names(names_a, names_b, kind, guessed=given not in KINDS)
    features = list(scored.features)
    if len(names_a) > 1 or len(names_b) > 1:
        features.insert(0, MatchFeature("best_alias", 0.0, f"Beste naamcombinatie: '{name_a}' / '{name_b}'."))
    name_score = scored.score
    ruled_out = False
    confirmed = False

    # registration numbers: an equal number confirms, a different KvK number rules out
    kvk_a, kvk_b = _digits(a.kvk), _digits(b.kvk)
    if kvk_a and kvk_b:
        if kvk_a == kvk_b:
            confirmed = True
            features.append(MatchFeature("kvk_equal", 0.0, f"KvK-nummer {kvk_a} is aan beide kanten gelijk."))
        else:
            ruled_out = True
            features.append(MatchFeature("kvk_differs", 0.0, f"KvK-nummer {kvk_a} wijkt af van {kvk_b}: andere inschrijving."))
    regs_a = {_reg(r) for r in a.registrations if _reg(r)}
    regs_b = {_reg(r) for r in b.registrations if _reg(r)}
    if regs_a & regs_b:
        confirmed = True
        shown = ", ".join(sorted(regs_a & regs_b))
        features.append(MatchFeature("registration_equal", 0.0, f"Registratienummer {shown} komt aan beide kanten voor."))
    elif regs_a and regs_b:
        features.append(MatchFeature("registration_differs", -0.1, "Geen gemeenschappelijk registratienummer (nummers van een ander soort bevestigen of ontkrachten niets)."))

    # date of birth (persons)
    dob = _dates_agree(a.born, b.born)
    if dob is True:
        if _precision(a.born, b.born) >= 10:
            features.append(MatchFeature("dob_equal", 0.1, f"Geboortedatum komt overeen ({_iso(a.born)} / {_iso(b.born)})."))
        else:
            features.append(MatchFeature("dob_year_equal", 0.0, f"Geboortejaar komt overeen ({_iso(a.born)} / {_iso(b.born)}); "
                                         "zonder volledige datum bevestigt dat weinig, maar sluit ook niets uit."))
    elif dob is False:
        ruled_out = True
        features.append(MatchFeature("dob_differs", 0.0, f"Geboortedatum wijkt af ({_iso(a.born)} / {_iso(b.born)}): naamgenoot."))

    # place
    places_a = {fold_text(p) for p in a.places if fold_text(p)}
    places_b = {fold_text(p) for p in b.places if fold_text(p)}
    if places_a and places_b:
        if places_a & places_b:
            features.append(MatchFeature("place_equal", 0.05, "Zelfde plaats: " + ", ".join(sorted(places_a & places_b)).title() + "."))
        else:
            features.append(MatchFeature("place_differs", -0.1, "Andere plaats (" + ", ".join(sorted(places_a)).title()
                                         + " / " + ", ".join(sorted(places_b)).title() + "); mensen en bedrijven verhuizen, dus geen uitsluiting."))

    total = max(0.0, min(1.0, sum([f.weight for f in features])))
    if ruled_out:
        # a contradicting hard fact: the score goes to zero, whatever the name says
        features.append(MatchFeature("ruled_out", round(-total, 4), "Een hard gegeven spreekt de overeenkomst tegen: geen match."))
        total = 0.0
        verdict = Verdict.NO_MATCH
    elif confirmed:
        lift = round(1.0 - total, 4)
        renamed = " (de naam verschilt: mogelijk een naamswijziging)" if name_score < _features.MATCH_THRESHOLD else ""
        features.append(MatchFeature("confirmed", lift, f"Een gelijk registratienummer bevestigt dat het om dezelfde gaat{renamed}."))
        total = 1.0
        verdict = Verdict.MATCH
    else:
        verdict = verdict_for(total)
    return Result(Match(verdict, round(total, 4), features), name_a, name_b, kind)


_NOT_DIGIT = re.compile(r"\D")


def _digits(value: str | None) -> str:
    return _NOT_DIGIT.sub("", value) if value else ""


def _reg(value: str) -> str:
    """A registration number without its label and punctuation: "LEI 5493-001" -> "5493001"."""
    return "".join(p for p in re.split(r"[^0-9A-Z]+", value.upper()) if any(c.isdigit() for c in p))


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _iso(value: date | str | None) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def _parts(value: date | str | None) -> tuple[str, ...] | None:
    m = _DATE.match(_iso(value).strip())
    if not m:
        return None
    return tuple(p for p in m.groups() if p)


def _precision(a: date | str | None, b: date | str | None) -> int:
    pa, pb = _parts(a) or (), _parts(b) or ()
    return len("-".join(pa[: min(len(pa), len(pb))]))


def _dates_agree(a: date | str | None, b: date | str | None) -> bool | None:
    """True/False when both give a date (compared to the precision both have)."""
    if a is None or b is None:
        return None
    pa, pb = _parts(a), _parts(b)
    if not pa or not pb:
        return None
    n = min(len(pa), len(pb))
    return pa[:n] == pb[:n]
