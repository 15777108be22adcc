"""Rule-based Dutch person-name mentions: titles, initials, tussenvoegsels, first names.

A mention is one of (``Cap`` = a capitalised word that is not a common word):

- title(s) + [initials] + [tussenvoegsels] + Cap          ``Dr. A.B. de Vries``, ``mevrouw Visser``
- title(s) + initials                                     ``dr. A``
- initials + [tussenvoegsels] + Cap                       ``A. Visser``, ``J. Th. Bakker``
- first name + [tussenvoegsels] + [Cap [Cap]]             ``Piet Visser``, ``Kees``, ``Pieter Oude Nijhuis``
- multi-word or capitalised tussenvoegsel + Cap           ``van der Sluis``, ``Van Der Sluis``
- ``de``/``van`` + a common surname                       ``de Jong`` (not ``de Heer``)
- a common surname on its own                             ``Visser``
- hyphenated names with a first-name or surname part      ``Jan-Willem``, ``Visser-de Jong``

First names and surnames come from ``lexicon/persons.yaml``. Without a model, a
surname that is neither in that list nor next to a first name, title or initial is
missed; the benchmark reports those misses.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from ._lexicon import load_lexicon, norm
from ._pipeline import token_strings

_INITIALS = re.compile(r"^(?:[A-Z][a-z]{0,2}\.)+(?:[A-Z][a-z]{0,2})?$|^[A-Z]$")
ORTH = int(getattr(importlib.import_module("spacy.attrs"), "ORTH"))  # attribute id (no type stubs)
_SHORT_INITIAL = re.compile(r"^[A-Z][a-z]?$")
_CAP = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-Za-zÀ-ÿ][a-zà-öø-ÿ'’]*)*$")


@dataclass(frozen=True)
class _Tables:
    titles: frozenset[str]
    particles: frozenset[str]
    particle_starts: tuple[tuple[str, ...], ...]
    first_names: frozenset[str]
    surnames: frozenset[str]
    not_names: frozenset[str]
    genders: dict[str, str] = field(default_factory=dict, compare=False)  # first name -> "f" | "m"
    forms: dict[tuple[str, str], _Word] = field(default_factory=dict, compare=False)  # cache of _word


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = load_lexicon().persons

    def words(key: str) -> list[str]:
        return [norm(str(w)).strip() for w in (data.get(key) or []) if str(w).strip()]

    return _Tables(
        titles=frozenset(w.rstrip(".") for w in words("titles")),
        particles=frozenset(words("particles")),
        particle_starts=tuple(tuple(p.split()) for p in words("particle_starts")),
        first_names=frozenset(words("first_names")),
        surnames=frozenset(words("surnames")),
        not_names=frozenset(words("not_names")) | frozenset(STOP_WORDS),
        genders={**{w: "m" for w in words("male_names")}, **{w: "f" for w in words("female_names")}},
    )


def name_gender(word: str) -> str:
    """"f" or "m" for a first name with a clear gender in ``persons.yaml``, else "" (for
    coreference only: which person "hij" or "zij" refers to)."""
    return _tables().genders.get(word, "")


def person_titles() -> frozenset[str]:
    """The titles of ``persons.yaml`` (``mr``, ``dr``, ``mevrouw``), folded, without the dot."""
    return _tables().titles


class _Word(NamedTuple):
    """What the rules ask of one word form (its text and NORM), worked out once per form."""

    start: bool  # a name can begin here: a capital, a title ("dr", "mevrouw"), a tussenvoegsel
    title: bool
    initials: bool  # "A.", "A.B.", "Th.", "A"
    short_initial: bool  # "A", "Th" (an initial when a "." token follows)
    first: bool  # a capitalised first name
    cap: bool  # a capitalised word that is not a common word
    particle: bool  # a tussenvoegsel
    # a lowercase tussenvoegsel and nothing else ("de", "van", not "d'", "dr", "mevrouw"):
    # it can only begin a name before a capitalised word or another tussenvoegsel
    bare_particle: bool


_MAX_FORMS = 500_000  # bound on the per-form cache


def _word(text: str, low: str, t: _Tables) -> _Word:
    """The cached ``_Word`` of a token text and its NORM form ``low`` (a ``_Word`` is a
    non-empty tuple, so ``t.forms.get(key) or _word(*key, t)`` works as a lookup)."""
    key = (text, low)
    found = t.forms.get(key)
    if found is None:
        first = text[:1]
        start = first.isalpha() and not (first.islower() and low.split(".")[0] not in t.titles
                                          and low not in t.particles and not low.startswith("d'"))
        title, initials, short_initial = _is_title_text(text, low, t), _is_initials_text(text), _SHORT_INITIAL.match(text) is not None
        first_name, particle = _is_first_text(text, low, t), low in t.particles
        bare = (particle and first.islower() and not (title or initials or short_initial or first_name)
                and not low.startswith("d'") and not text.lower().startswith("d'"))
        found = _Word(start, title, initials, short_initial, first_name, _is_cap_text(text, low, t), particle, bare)
        if len(t.forms) < _MAX_FORMS:
            t.forms[key] = found
    return found


class _View:
    """Token texts, their NORM forms and their ``_Word`` (within the ranges looked at;
    elsewhere the ``_Word`` of an empty text), so the rules need no spaCy Token objects."""

    __slots__ = ("info", "norms", "texts")

    def __init__(self, texts: list[str], norms: list[str], ranges: list[tuple[int, int]], t: _Tables) -> None:
        self.texts = texts
        self.norms = norms
        self.info = [_word("", "", t)] * len(texts)
        known = t.forms
        for a, b in ranges:
            self.info[a:b] = [known.get(key) or _word(*key, t) for key in zip(texts[a:b], norms[a:b])]


def _is_title_text(text: str, low: str, t: _Tables) -> bool:
    bare = text.replace(".", "")
    if len(bare) >= 2 and bare.isupper():
        return False  # "DR." shouts; it is not written as a title
    parts = [p for p in low.split(".") if p]
    return bool(parts) and all(p in t.titles for p in parts)


def _is_initials_text(text: str) -> bool:
    return bool(_INITIALS.match(text))


def _is_first_text(text: str, low: str, t: _Tables) -> bool:
    if not _CAP.match(text):
        return False
    if low in t.first_names:
        return True
    return "-" in low and any(p in t.first_names for p in low.split("-"))


def _is_cap_text(text: str, low: str, t: _Tables) -> bool:
    if not _CAP.match(text):
        return False
    return low not in t.not_names and low.rstrip("'s") not in t.not_names


# Token-based helpers, used by _subject for the words around a surname.
def _is_initials(token: Token) -> bool:
    return _is_initials_text(token.text)


def _is_first(token: Token, t: _Tables) -> bool:
    return _is_first_text(token.text, norm(token.text), t)


def _is_cap(token: Token, t: _Tables) -> bool:
    return _is_cap_text(token.text, norm(token.text), t)


def _particles_at(v: _View, i: int, end: int) -> int:
    """How many tokens from i are tussenvoegsels (at most three)."""
    n = 0
    while i + n < end and n < 3 and v.info[i + n].particle:
        n += 1
    return n


def _surname_at(v: _View, i: int, end: int, t: _Tables, *, two: bool) -> int:
    """How many tokens from i form a surname (1 or 2 capitalised words), 0 if none."""
    if i >= end or len(v.texts[i]) < 3 or not v.info[i].cap:
        return 0
    text = v.texts[i]
    nxt_cap = i + 1 < end and v.info[i + 1].cap
    if "-" in text and (text.endswith("-") or v.norms[i].split("-")[-1] in t.particles):
        # "Visser-de" + "Jong": a double surname split by the tokenizer
        if nxt_cap:
            return 2
    if two and nxt_cap and not v.info[i + 1].first:
        return 2
    return 1


def _match_at(v: _View, i: int, end: int, t: _Tables) -> int:
    """Length of the person mention starting at token i (0 = none)."""
    texts, norms, info = v.texts, v.norms, v.info
    j = i
    titles = 0
    while j < end and info[j].title:
        j += 1
        titles += 1
        if j < end and texts[j] == ".":
            j += 1  # "Mw" "." as two tokens
    initials = 0
    while j < end and (info[j].initials or (titles and texts[j].isupper() and len(texts[j]) <= 4)
                       or (info[j].short_initial and j + 1 < end and texts[j + 1] == ".")):
        if texts[j].isupper() and len(texts[j]) > 1 and "." not in texts[j] and not titles:
            break
        j += 1
        initials += 1
        if j < end and texts[j] == "." and texts[j - 1][-1:].isalpha():
            j += 1  # "A.Th" "." as two tokens
    firsts = 0
    if not initials:
        while j < end and firsts < 2 and info[j].first:
            j += 1
            firsts += 1
    p = _particles_at(v, j, end)
    s = _surname_at(v, j + p, end, t, two=bool(firsts or titles or initials or p))
    if titles and (s or initials):
        return j + p + s - i if s else j - i
    if initials and s:
        return j + p + s - i
    if firsts:
        return j + p + s - i if s else j - i
    if titles or initials:
        return 0
    # no first name, title or initial: tussenvoegsels + surname, or a known surname
    if p and s and i > 0 and texts[i - 1].isalpha() and texts[i - 1].islower() and norms[i - 1] not in t.titles:
        return 0  # "het clubhuis van de Hells Angels": here "van" is a preposition
    if p and s:
        words = tuple(norms[k] for k in range(j, j + p))
        capital = texts[j][:1].isupper()
        if any(words[: len(ps)] == ps for ps in t.particle_starts if len(ps) > 1) or (capital and p > 1):
            return p + s
        if norms[j + p] in t.surnames:
            return p + s
        if "'" in texts[j] or "/" in texts[j] or "." in texts[j]:
            return p + s
        return 0
    if s == 1 and norms[j] in t.surnames:
        return 1
    if s == 2 and "-" in texts[j] and norms[j].split("-")[-1] in t.particles:
        return 2  # "Visser-de Jong"
    if s == 1 and "-" in texts[j]:
        parts = norms[j].split("-")
        if any(x in t.first_names or x in t.surnames for x in parts):
            return 1
    text = texts[j] if j < end else ""
    if text.lower().startswith("d'") and len(text) > 2 and text[2:3].isupper():
        return 1
    return 0


def token_texts(doc: Doc, ranges: list[tuple[int, int]]) -> list[str]:
    """Token texts within ``ranges`` (empty elsewhere), without creating Token objects."""
    return token_strings(doc, ORTH, ranges)


def find_person_spans(doc: Doc, start: int = 0, end: int | None = None, norms: list[str] | None = None,
                      texts: list[str] | None = None) -> list[tuple[int, int]]:
    """Token spans (start, end) of person-name mentions in ``doc[start:end]``."""
    stop = len(doc) if end is None else end
    return person_spans(doc, [(start, stop)], norms, texts)


def person_spans(doc: Doc, ranges: list[tuple[int, int]], norms: list[str] | None = None,
                 texts: list[str] | None = None) -> list[tuple[int, int]]:
    """Token spans (start, end) of person-name mentions in each of the token ``ranges``
    (``norms``, ``texts``: NORM strings and texts per token, at least within the ranges)."""
    t = _tables()
    if texts is None:
        texts = token_texts(doc, ranges)
    if norms is None:
        norms = [""] * len(doc)
        for a, b in ranges:
            for k in range(a, b):
                norms[k] = norm(texts[k])
    v = _View(texts, norms, ranges, t)
    spans: list[tuple[int, int]] = []
    info = v.info
    for start, stop in ranges:
        i = start
        while i < stop:
            word = info[i]
            if not word.start or (word.bare_particle and not (i + 1 < stop and (info[i + 1].cap or info[i + 1].particle))):
                i += 1  # (a bare tussenvoegsel followed by neither: _match_at would find nothing)
                continue
            n = _match_at(v, i, stop, t)
            if n > 0:
                spans.append((i, i + n))
                i += n
            else:
                i += 1
    return spans
