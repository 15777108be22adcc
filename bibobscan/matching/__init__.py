"""Dutch-aware name matching with explained scores.

    >>> from bibobscan.matching import compare_names
    >>> r = compare_names("A.B.C. Visser", "Anna Visser")
    >>> r.verdict.value, [f.name for f in r.match.features][:1]
    ('possible', ['name_agreement'])

Names are normalised with data tables (``tables/``: particles, titles, call names,
organisation words, legal forms), compared token by token, and scored as a list of
named features (:class:`bibobscan.model.MatchFeature`) with a weight and a Dutch
sentence each. The score is the sum of the weights; the verdict follows from two
thresholds (:data:`MATCH_THRESHOLD`, :data:`POSSIBLE_THRESHOLD`). Facts given with the
names (date of birth, place, KvK number, registration numbers) confirm or rule out.
See docs/matching.md.
"""

from ._features import MATCH_THRESHOLD, POSSIBLE_THRESHOLD, word_similarity
from ._index import Candidate, ScreeningIndex
from ._normalise import COMPANY, PERSON, ParsedName, drop_legal_forms, looks_like_company, parse
from ._score import KINDS, Record, Result, compare, compare_names, resolve_kind, verdict_for
from ._text import fold_key, fold_text, translit

__all__ = [
    "COMPANY",
    "KINDS",
    "MATCH_THRESHOLD",
    "PERSON",
    "POSSIBLE_THRESHOLD",
    "Candidate",
    "ParsedName",
    "Record",
    "Result",
    "ScreeningIndex",
    "compare",
    "compare_names",
    "core_name",
    "drop_legal_forms",
    "fold_key",
    "fold_text",
    "looks_like_company",
    "parse",
    "resolve_kind",
    "strip_legal_form",
    "translit",
    "verdict_for",
    "word_similarity",
]


def core_name(name: str, kind: str = PERSON) -> str:
    """The folded name without legal form, titles and stop words ("voorbeeld shisha lounge")."""
    return parse(name, kind).core


def strip_legal_form(name: str) -> str:
    """The name as written, without legal forms at its end ("Voorbeeld B.V." -> "Voorbeeld").

    A name that is nothing but a legal form, or that would shrink to fewer than four
    characters ("AB B.V."), is returned unchanged (stripped of surrounding space).
    """
    from ._normalise import trailing_form_start

    cut = trailing_form_start(name)
    core = name[:cut].rstrip(" ,.-&(") if cut is not None else name.strip()
    return core if len(core) >= 4 else name.strip()
