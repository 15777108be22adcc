"""Basic Dutch-aware name normalisation and similarity (rapidfuzz).

Deliberately small: issue 4 replaces this with data tables and a feature-based score.
A legal form alone never makes two names alike: it is stripped before comparing.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Legal-form tokens as they appear once dots and case are folded away.
LEGAL_FORMS = frozenset(
    {
        "bv", "b v", "nv", "n v", "vof", "v o f", "cv", "c v", "besloten vennootschap",
        "naamloze vennootschap", "vennootschap onder firma", "commanditaire vennootschap",
        "stichting", "vereniging", "cooperatie", "ua", "u a", "eenmanszaak", "maatschap",
    }
)
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Casefold, strip diacritics, turn punctuation into spaces, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("'", "")
    return _SPACES.sub(" ", _PUNCT.sub(" ", plain)).strip()


def strip_legal_form(folded: str) -> str:
    """Remove legal-form words at the start or end of a folded company name."""
    words = folded.split()
    changed = True
    while changed and words:
        changed = False
        for size in (3, 2, 1):
            if len(words) > size and " ".join(words[-size:]) in LEGAL_FORMS:
                words = words[:-size]
                changed = True
                break
            if len(words) > size and " ".join(words[:size]) in LEGAL_FORMS:
                words = words[size:]
                changed = True
                break
    return " ".join(words)


def normalise(name: str, *, company: bool = False) -> str:
    folded = fold(name)
    return strip_legal_form(folded) if company else folded


def similarity(a: str, b: str, *, company: bool = False) -> float:
    """0..1: how alike two names are after normalisation (word order ignored)."""
    na, nb = normalise(a, company=company), normalise(b, company=company)
    if not na or not nb:
        return 0.0
    return fuzz.token_sort_ratio(na, nb) / 100.0


def mentions(text: str, name: str, *, company: bool = False) -> bool:
    """True when ``name`` (normalised) occurs as whole words in ``text``."""
    needle = normalise(name, company=company)
    if not needle:
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", fold(text)) is not None
