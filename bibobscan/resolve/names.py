"""Name helpers for the resolver and the signals: a thin adapter over
:mod:`bibobscan.matching` (normalisation tables, legal forms, feature-based scores).

A legal form alone never makes two names alike: it is stripped before comparing.
"""

from __future__ import annotations

import re

from ..matching import compare_names, drop_legal_forms, fold_text


def fold(text: str) -> str:
    """Transliterate, casefold, strip diacritics, punctuation to spaces, collapse spaces."""
    return fold_text(text)


def strip_legal_form(folded: str) -> str:
    """Remove legal-form words at the start or end of a folded company name."""
    return drop_legal_forms(folded)


def normalise(name: str, *, company: bool = False) -> str:
    folded = fold(name)
    return strip_legal_form(folded) if company else folded


def similarity(a: str, b: str, *, company: bool = False) -> float:
    """0..1: the feature-based name score of :func:`bibobscan.matching.compare_names`."""
    return compare_names(a, b, "company" if company else "person").score


def mentions(text: str, name: str, *, company: bool = False) -> bool:
    """True when ``name`` (normalised) occurs as whole words in ``text``."""
    needle = normalise(name, company=company)
    if not needle:
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", fold(text)) is not None
