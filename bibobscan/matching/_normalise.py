"""Names cut into typed tokens: given names and surnames, initials, particles, legal
forms, organisation words and numbers. All word lists come from ``tables/``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import NamedTuple

from rapidfuzz.distance import OSA

from ._tables import LegalForm, LegalFormTable, legal_forms, org_tables, person_tables
from ._text import Chunk, Word, chunk_texts, chunk_words, chunks, cjk_letters, repair, script_of

PERSON = "person"
COMPANY = "company"


class Kind(str, Enum):
    NAME = "name"  # a given name, surname or distinctive company word
    INITIAL = "initial"  # "A." or "Th."
    PARTICLE = "particle"  # van, de, ter, al, bin ...
    GENERIC = "generic"  # a common word in company names (handel, services)
    STRUCTURAL = "structural"  # holding, beheer, nederland: marks a different entity
    NUMBER = "number"  # 2, II, twee, second


# The kinds as module constants, for the loops that test a token's kind: looking up an
# Enum member (Kind.NAME) takes 0.1-0.2 µs in Python 3.11, a module constant a tenth.
NAME, INITIAL, PARTICLE = Kind.NAME, Kind.INITIAL, Kind.PARTICLE
GENERIC, STRUCTURAL, NUMBER = Kind.GENERIC, Kind.STRUCTURAL, Kind.NUMBER


# Weight of a token in the name; initials and particles tell little.
WEIGHTS = {
    NAME: 1.0,
    INITIAL: 0.35,
    PARTICLE: 0.2,
    GENERIC: 0.35,
    STRUCTURAL: 0.35,
    NUMBER: 0.6,
}

# Dutch two- and three-letter initials: Th. (Theodorus), Ph. (Philippus), Chr., IJ. ...
_MULTI_INITIALS = frozenset({"th", "ph", "ch", "chr", "ij", "joh", "jac", "wm", "fr", "gerh", "hk"})
_VOWELS = frozenset("aeiouy")
# Digits written for look-alike letters inside a word ("leetspeak", and OCR slips such as
# 0/O and 1/I). Found through the nomenklatura benchmark; kept because writing digits
# for letters is a known way to slip a name past a screening filter.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g", "8": "b", "@": "a"})
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(ix|iv|v?i{0,3})$")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th|e|ste|de|er|eme)$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}


class Token(NamedTuple):  # a NamedTuple: quicker to build and hash than a frozen dataclass
    text: str
    kind: Kind
    weight: float
    lineage: bool = False  # a father's or forefather's name inside a person's name (see _mark_lineage)


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name ready for comparison."""

    original: str
    kind: str  # PERSON or COMPANY
    tokens: tuple[Token, ...]
    legal_forms: tuple[LegalForm, ...] = ()
    titles: tuple[str, ...] = ()
    generation: str | None = None  # "junior" / "senior"
    script: str = "alphabet"
    cjk: str = ""  # the name's own CJK letters, compared as written
    reordered: bool = False  # "Visser, Anna" was read as "Anna Visser"
    form_text: str = ""  # the legal forms, folded and joined ("ag"), for "VoorbeeldBV"
    notes: tuple[str, ...] = field(default=())
    generic_only: bool = False  # a company name of nothing but organisation words ("Holding B.V.")

    @property
    def core(self) -> str:
        """The name without legal form, titles and stop words, tokens joined by spaces."""
        return " ".join(t.text for t in self.tokens)

    @property
    def weight(self) -> float:
        return sum(t.weight for t in self.tokens)

    @property
    def vowelless(self) -> bool:
        """Written in a script whose transliteration drops vowels (abjad, abugida):
        words are also compared by their consonant skeleton."""
        return self.script in ("abjad", "abugida")

    @property
    def names(self) -> list[Token]:
        return [t for t in self.tokens if t.kind is NAME]


def _roman(text: str) -> int | None:
    if not text or text[0] not in "ivxl" or not _ROMAN.match(text):
        return None
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN_VALUES[ch]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total


def _deleet(text: str) -> str:
    """'P1eter' -> 'pieter', 'J0hn' -> 'john': digits inside letters stand for letters."""
    if text.isalpha() or text.isdigit() or not any(c.isalpha() for c in text):
        return text
    return text.translate(_LEET)


def _reorder_comma(name: str) -> tuple[str, bool]:
    """'Visser, Anna' -> 'Anna Visser'; 'Visser, A.B.' -> 'A.B. Visser' (the register style)."""
    if name.count(",") != 1:
        return name, False
    before, after = (p.strip() for p in name.split(","))
    if not before or not after or len(before.split()) > 4:
        return name, False
    tables = person_tables()
    after_words = [c.text for c in chunks(after)]
    if all(w in tables.generations or w in tables.titles for w in after_words):
        return name, False  # "John Smith, Jr." / "Jan Visser, MSc"
    return f"{after} {before}", True


@functools.lru_cache(maxsize=65536)
def parse_person(name: str) -> ParsedName:
    tables = person_tables()
    cleaned = repair(name)
    script = script_of(cleaned)
    text, reordered = _reorder_comma(cleaned)
    # A person's name never loses a word to the legal-form table: "Yu", "Ong", "Ay",
    # "Ek" and "Sá" are surnames before they are abbreviations of a legal form.
    raw = chunks(text)
    tokens: list[Token] = []
    titles: list[str] = []
    generation: str | None = None
    pending_titles: list[tuple[int, Chunk]] = []
    for i, c in enumerate(raw):
        word = c.text
        if word == "&":
            continue
        if word in tables.generations and (i > 0 or c.dotted):
            generation = tables.generations[word]
            continue
        if word in tables.titles:
            after_name = any(t.kind in (NAME, INITIAL) for t in tokens)
            if word in tables.surname_titles and after_name and (tokens[-1].kind is PARTICLE or i == len(raw) - 1):
                tokens.append(Token(word, NAME, WEIGHTS[NAME]))  # "Jan de Graaf", "Kees Baron"
            else:
                pending_titles.append((len(tokens), c))
            continue
        if c.dotted and len(c.parts) > 1 and all(len(p) == 1 and p.isalpha() for p in c.parts):
            tokens.extend(Token(p, INITIAL, WEIGHTS[INITIAL]) for p in c.parts)
            continue
        if (
            len(word) == 1
            and not c.dotted
            and word in tables.strict_particles
            and tokens
            and tokens[-1].kind is PARTICLE
        ):
            tokens.append(Token(word, PARTICLE, WEIGHTS[PARTICLE]))  # van 't, in 't
            continue
        if (len(word) == 1 and word.isalpha()) or (c.dotted and word in _MULTI_INITIALS):
            tokens.append(Token(word, INITIAL, WEIGHTS[INITIAL]))
            continue
        if word in tables.strict_particles or (word in tables.loose_particles and i > 0):
            tokens.append(Token(word, PARTICLE, WEIGHTS[PARTICLE]))
            continue
        word = _deleet(word)
        if (
            c.capitals
            and 2 <= len(word) <= 3
            and word.isalpha()
            and not (set(word) & _VOWELS)
            and len([o for o in raw if o is not c and len(o.text) >= 2 and o.text not in tables.strict_particles]) == 1
            and any(len(o.text) >= 3 for o in raw if o is not c)
        ):
            # initials written together in capitals before or after one surname ("JP
            # Balkenende", "JP van den Berg"); a word written as a name ("Ng Wei Ming")
            # or a capitalised surname beside given names ("NG Wei Ming") stays a name
            tokens.extend(Token(ch, INITIAL, WEIGHTS[INITIAL]) for ch in word)
            continue
        tokens.append(Token(word, NAME, WEIGHTS[NAME]))
    if not any(t.kind is NAME for t in tokens) and pending_titles:
        # nothing but titles and particles: a title was a name after all - the last one
        # that is also a surname ("de heer De Graaf", "Mevrouw De Graaf"), else all ("Dr")
        surnames = [k for k, (_, c) in enumerate(pending_titles) if c.text in tables.surname_titles]
        promote = surnames[-1:] if surnames else list(range(len(pending_titles)))
        for k in reversed(promote):
            pos, c = pending_titles[k]
            tokens.insert(pos, Token(c.text, NAME, WEIGHTS[NAME]))
        titles = [c.text for k, (_, c) in enumerate(pending_titles) if k not in promote]
    else:
        titles = [c.text for _, c in pending_titles]
    if tokens and all(t.kind is PARTICLE for t in tokens):
        tokens = [Token(t.text, NAME, WEIGHTS[NAME]) for t in tokens]
    tokens = _mark_lineage(tokens)
    return ParsedName(
        original=name,
        kind=PERSON,
        tokens=tuple(tokens),
        titles=tuple(titles),
        generation=generation,
        script=script,
        cjk=cjk_letters(cleaned) if script == "cjk" else "",
        reordered=reordered,
    )


# "Son of" particles: the name after one is a father's or forefather's name (nasab).
SON_OF = frozenset({"bin", "ibn", "ben", "bn", "bint", "binti", "ould"})
# East Slavic patronymics (Vladimirovich, Viktorovna): a middle name by construction.
# East Slavic patronymics (Ivanovich, Petrovna): a middle name by construction. Not the
# South Slavic surnames in -ović/-ević (Jovanović), which are family names.
_PATRONYMIC = re.compile(r"\w{3,}(?:ovich|evich|ovych|evych|ovna|evna|ivna|ichna)$")


def _mark_lineage(tokens: list[Token]) -> list[Token]:
    """Mark a father's name inside a name: the name after "bin"/"ibn" (nasab) and an East
    Slavic patronymic, not the first or the last name ("bin Omar" at the end is a family
    name). Short forms of a name often leave these out; the comparison then counts a
    missing one for half (see _features), but a *different* one fully."""
    names = [k for k, t in enumerate(tokens) if t.kind is NAME]
    if len(names) < 3:
        return tokens
    out = list(tokens)
    for k in names[1:-1]:
        t = tokens[k]
        if (tokens[k - 1].kind is PARTICLE and tokens[k - 1].text in SON_OF) or _PATRONYMIC.match(t.text):
            out[k] = Token(t.text, t.kind, t.weight, lineage=True)
    return out


def _company_words(name: str) -> list[Word]:
    """Words of a company name; runs of single letters are one word ("B V", "A.B.C.").
    Digits among letters are read as the letters they look like (OCR and typing
    slips: "C0" -> "co", "L1MITED" -> "limited", "5.A." -> "sa"); ordinals ("2e",
    "1st") stay numbers."""
    out = chunk_words(name, collapse_letters=True)
    return [w if w.text.isalpha() or _ORDINAL.match(w.text) else w._replace(text=_deleet(w.text)) for w in out]


# A legal form of this many letters or more is unmistakable however it is written
# ("Limited", "Stichting", "Aktiengesellschaft"); a shorter one ("SA", "Oy", "Yu") is
# also a word or a surname and counts, when the kind of name is not given, only when it
# is written as a form: dotted, in capitals in a mixed-case name, or "GmbH"-style.
LONG_FORM = 7


def _form_fits(form: LegalForm, covered: list[Word], written_only: bool, *, leading: bool, commas: int,
               guessed: bool = True) -> bool:
    """May ``covered`` (the words of the name that spell ``form``) be read as it?

    Words transliterated from another script count only when a source writes the form
    in that script ("ООО" is a Russian form, the Latin letters "ly" of an Arabic name
    are not an Armenian one). With ``written_only`` a short form must be written as one,
    and letters that read as initials are initials: at the start of a name ("J.P.
    Balkenende", "JP Balkenende", "S.A. Visser") or after the comma of "Visser, A.B."
    (a Dutch form such as "B.V." or "N.V." excepted)."""
    scripts = {w.script for w in covered if not w.latin}
    if scripts and not scripts <= form.scripts:
        return False
    if not written_only:
        return True
    if guessed and len(covered) == 1 and covered[0].initials:
        if leading:
            return False
        if commas == 1 and covered[0].commas_before == 1 and not any(g.startswith("NL:") for g in form.groups):
            return False
    if any(w.as_form for w in covered) or (not leading and (trusted_form(form) or any(w.text in UNMISTAKABLE_FORMS for w in covered))):
        return True
    return len("".join(w.text for w in covered)) >= LONG_FORM


def trusted_form(form: LegalForm) -> bool:
    """A form that is no name or word: a long one ("Corporation", "Stichting") or one of
    the unmistakable short ones (Ltd, GmbH, B.V. ...). It counts at the end of a name
    however it is written, and also next to another form."""
    return form.key.replace(" ", "") in UNMISTAKABLE_FORMS or len(form.key.replace(" ", "")) >= LONG_FORM


# Short forms that are no word or name in any language we meet, so they are a form at the
# end of a name however they are written ("Acme Ltd", "Voorbeeld Group Co Ltd"). A short
# list on purpose: many vowelless letter groups are transliterated names ("Hmd", "Shk").
UNMISTAKABLE_FORMS = frozenset({"ltd", "llc", "llp", "plc", "inc", "gmbh", "kft", "pty", "sprl", "bvba", "cvba", "bv", "nv", "vof",
                                "vve", "vzw", "ivzw", "eesv", "owm"})


def _misspelt_form(table: LegalFormTable, texts: list[str]) -> LegalForm | None:
    """A long form of three words or more with one typing error outside its last word
    ("Limited Liabilty Company"). Only forms of twelve letters and three words or more
    (see _tables.FUZZY_FORM_MIN/WORDS), so no name word is read as a form by mistake."""
    if len(texts) < 2:
        return None
    for tokens in table.by_last_word.get((len(texts), texts[-1]), ()):
        if OSA.distance(" ".join(texts[:-1]), " ".join(tokens[:-1]), score_cutoff=1) <= 1:
            return replace(table.by_tokens[tokens], written=" ".join(texts))
    return None


def strip_forms(words: list[Word], *, written_only: bool = False, commas: int = 0,
                guessed: bool = True) -> tuple[list[Word], list[LegalForm]]:
    """Take legal forms off both ends of a company name; never take everything.

    ``written_only``: a short form counts only when it is written as one (see
    :data:`LONG_FORM` and :func:`_form_fits`) - when the kind of name was guessed, and in
    every name written in mixed case, where "Vos", "Koop" or "Sas" are surnames before
    they are Czech, Estonian or French forms; ``commas``: the number of commas in the
    name. A second form next to one already taken must be trusted (:func:`trusted_form`)
    or written as a form: "De Vos B.V." keeps its "Vos"."""
    table = legal_forms()
    stop = org_tables().stop
    found_end: list[LegalForm] = []
    found_start: list[LegalForm] = []
    texts = [w.text for w in words]

    def second_fits(form: LegalForm, covered: list[Word], already: list[LegalForm]) -> bool:
        return not already or trusted_form(form) or any(w.as_form or w.text in UNMISTAKABLE_FORMS for w in covered)

    changed = True
    while changed:
        changed = False
        # the longest run of words at each end that may be a form (none when the word at
        # that end ends or starts no form)
        longest_end = min(table.longest, len(texts)) if texts and texts[-1] in table.last_words else 0
        for n in range(longest_end, 0, -1):
            form = table.by_tokens.get(tuple(texts[-n:])) or _misspelt_form(table, texts[-n:])
            if (form is not None and texts[:-n] and (any(t not in stop for t in texts[:-n]) or len(texts[:-n]) == 1)
                    and _form_fits(form, words[-n:], written_only, leading=False, commas=commas, guessed=guessed)
                    and second_fits(form, words[-n:], found_end)):
                found_end.insert(0, form)
                words, texts = words[:-n], texts[:-n]
                while len(texts) > 1 and texts[-1] in stop:
                    words, texts = words[:-1], texts[:-1]
                changed = True
                break
        longest_start = min(table.longest, len(texts)) if texts and texts[0] in table.first_words else 0
        for n in range(longest_start, 0, -1):
            form = table.by_tokens.get(tuple(texts[:n]))
            if (form is not None and any(t not in stop for t in texts[n:])
                    and _form_fits(form, words[:n], written_only, leading=True, commas=commas, guessed=guessed)
                    and second_fits(form, words[:n], found_start)):
                found_start.append(form)
                words, texts = words[n:], texts[n:]
                while len(texts) > 1 and texts[0] in stop:
                    words, texts = words[1:], texts[1:]
                changed = True
                break
    return words, found_start + found_end


def _mixed_case(name: str) -> bool:
    if name.isascii():
        return name.upper() != name and name.lower() != name
    return any(c.islower() for c in name) and any(c.isupper() for c in name)


@functools.lru_cache(maxsize=65536)
def parse_company(name: str, written_only: bool = False) -> ParsedName:
    """``written_only``: the name was only guessed to be a company's, so short legal
    forms are cut only when written as one ("SA", "S.A.", not "Sa")."""
    org = org_tables()
    people = person_tables()
    cleaned = repair(name)
    script = script_of(cleaned)
    strict = written_only or _mixed_case(cleaned)
    stripped, forms = strip_forms(_company_words(cleaned), written_only=strict, commas=cleaned.count(","),
                                  guessed=written_only)
    words = [w.text for w in stripped]
    only = legal_forms().by_tokens.get(tuple(words))
    # the words of a company name are cut already: no need to cut them again as _all_forms does
    if (words and not forms and _all_form_words(words)
            and (not strict or all(w.as_form for w in stripped) or (only is not None and trusted_form(only)))):
        # nothing but a legal form ("B.V."): no name at all, never a match
        forms = [*forms, *(f for f in [legal_forms().by_tokens.get(tuple(words))] if f is not None)]
        words = []
    words = _split_compounds(words, _compound_ends())
    all_stop = all(w in org.stop for w in words)  # "A B.V.": the one word is the name
    tokens: list[Token] = []
    for i, word in enumerate(words):
        word = org.synonyms.get(word, word)
        if word in org.stop and not all_stop:
            continue
        ordinal = _ORDINAL.match(word) if word[:1].isdigit() else None
        number: int | None = None
        if word.isdigit():
            number = int(word)
        elif ordinal:
            number = int(ordinal.group(1))
        elif word in org.numbers:
            number = org.numbers[word]
        elif i > 0 and len(words) > 1:
            number = _roman(word)
        if number is not None:
            prev = tokens[-1] if tokens else None
            if prev is not None and prev.kind is NUMBER and int(prev.text) % 10 == 0 and int(prev.text) >= 20 and number < 10:
                tokens[-1] = Token(str(int(prev.text) + number), NUMBER, WEIGHTS[NUMBER])  # forty four
            else:
                tokens.append(Token(str(number), NUMBER, WEIGHTS[NUMBER]))
            continue
        if word in people.strict_particles:
            kind = PARTICLE
        elif word in org.structural:
            kind = STRUCTURAL
        elif word in org.generic:
            kind = GENERIC
        else:
            kind = NAME
        tokens.append(Token(word, kind, WEIGHTS[kind]))
    generic_only = bool(tokens) and not any(t.kind is NAME for t in tokens)
    if generic_only:
        # "Management Company", "Holding B.V.": the generic words are the name, but a
        # name without a distinctive word never identifies one company (see _features)
        tokens = [Token(t.text, NAME, WEIGHTS[NAME]) if t.kind is not NUMBER else t for t in tokens]
    return ParsedName(
        original=name,
        kind=COMPANY,
        form_text="".join(f.key.replace(" ", "") for f in forms if not f.modifier),
        tokens=tuple(tokens),
        legal_forms=tuple(forms),
        script=script,
        cjk=cjk_letters(cleaned) if script == "cjk" else "",
        generic_only=generic_only,
    )


@functools.cache
def _compound_ends() -> frozenset[str]:
    """The organisation words a Dutch compound may end in (see _split_compounds)."""
    org = org_tables()
    return org.generic | org.structural


def _split_compounds(words: list[str], generic: frozenset[str]) -> list[str]:
    """Dutch compounds ending in an organisation word are two words:
    "transportbedrijf" -> "transport bedrijf", "bouwgroep" -> "bouw groep"."""
    out: list[str] = []
    for word in words:
        if len(word) >= 8 and word not in generic:
            for cut in range(3, len(word) - 3):
                if word[cut:] in generic and len(word[cut:]) >= 4:
                    out.extend((word[:cut], word[cut:]))
                    break
            else:
                out.append(word)
        else:
            out.append(word)
    return out


def parse(name: str, kind: str, *, guessed: bool = False) -> ParsedName:
    """``guessed``: ``kind`` was guessed from the names, not given (see parse_company)."""
    return parse_company(name, guessed) if kind == COMPANY else parse_person(name)


def looks_like_company(name: str) -> bool:
    """True when the name carries a legal form written as one ("B.V.", "SA", "GmbH",
    "Limited"; not "Yu" or "Ong") or an organisation word in Latin letters."""
    words = _company_words(repair(name))
    _, forms = strip_forms(list(words), written_only=True, commas=name.count(","))
    if any(not f.modifier for f in forms):
        return True
    org = org_tables()
    return any(w.latin and (w.text in org.structural or w.text in org.generic) for w in words)


def _all_forms(text: str) -> bool:
    """True when ``text`` is nothing but legal forms and form modifiers; every form but
    the last must be trusted ("vos b v" is a name and a form, "gmbh co kg" all forms)."""
    return _all_form_words(chunk_texts(text, collapse_letters=True))


def _all_form_words(words: list[str]) -> bool:
    """:func:`_all_forms` of words already cut as chunk_texts cuts them."""
    table = legal_forms()
    first = True
    while words:
        if words[-1] not in table.last_words:
            return False
        for n in range(min(table.longest, len(words)), 0, -1):
            form = table.by_tokens.get(tuple(words[-n:]))
            if form is not None and (first or trusted_form(form)):
                words, first = words[:-n], False
                break
        else:
            return False
    return True


_WORD = re.compile(r"\S+")


def trailing_form_start(name: str) -> int | None:
    """Offset in ``name`` (as written) where its trailing legal form starts, or None."""
    spans = [m.span() for m in _WORD.finditer(name)]
    best: int | None = None
    for k in range(len(spans) - 1, 0, -1):
        if _all_forms(name[spans[k][0]:]):  # "vennootschap onder firma" ends in "firma", no form
            best = spans[k][0]
    return best


def _form_of(words: list[str]) -> LegalForm | None:
    return legal_forms().by_tokens.get(tuple(chunk_texts(" ".join(words), collapse_letters=True)))


def drop_legal_forms(folded: str) -> str:
    """Remove legal forms at the start or end of a folded name ("voorbeeld b v" ->
    "voorbeeld"), keeping the other words as they are; never removes every word. A
    second form at the same end must be trusted: "transport vos b v" -> "transport vos"."""
    words = folded.split()
    taken = {"end": 0, "start": 0}
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in range(min(len(words) - 1, 8), 0, -1):
            form = _form_of(words[-n:])
            if form is not None and (not taken["end"] or trusted_form(form)):
                words, changed = words[:-n], True
                taken["end"] += 1
                break
        for n in range(min(len(words) - 1, 8), 0, -1):
            form = _form_of(words[:n])
            if form is not None and (not taken["start"] or trusted_form(form)):
                words, changed = words[n:], True
                taken["start"] += 1
                break
    return " ".join(words)
