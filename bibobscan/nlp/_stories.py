"""The same story published by several outlets: near-duplicate titles and leads.

Two articles are one story when their headlines are near-duplicates (word order ignored,
the outlet's name after `` - `` removed), when one headline contains the other (both at
least six words), or when their leads share most word 4-grams (Jaccard >= 0.5 over the
first 60 words). O(n²) over a scan's few hundred articles is fast enough.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from ._lexicon import norm

TITLE_RATIO = 90
CONTAINED_RATIO = 95
LEAD_JACCARD = 0.5
LEAD_WORDS = 60

_WORD = re.compile(r"\w+", re.UNICODE)
_OUTLET = re.compile(r"\s[-–|]\s[A-Z0-9][^-–|]{1,60}$")


def clean_title(title: str) -> str:
    """Folded headline words without a trailing `` - Outlet``."""
    text = title.strip()
    match = _OUTLET.search(text)
    if match and len(text[: match.start()].split()) >= 3 and len(match.group(0).split()) <= 7:
        text = text[: match.start()]
    return " ".join(_WORD.findall(norm(text)))


def _shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(norm(text))[:LEAD_WORDS]
    return {tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def same_story(title_a: str, title_b: str, lead_a: str = "", lead_b: str = "", *, title_ratio: int = TITLE_RATIO) -> bool:
    """True when two articles are the same story (see module docstring)."""
    ta, tb = clean_title(title_a), clean_title(title_b)
    if ta and tb:
        if fuzz.token_sort_ratio(ta, tb) >= title_ratio:
            return True
        if min(len(ta.split()), len(tb.split())) >= 6 and fuzz.token_set_ratio(ta, tb) >= CONTAINED_RATIO:
            return True
    if lead_a and lead_b:
        sa, sb = _shingles(lead_a), _shingles(lead_b)
        if len(sa) >= 5 and len(sb) >= 5 and len(sa & sb) / len(sa | sb) >= LEAD_JACCARD:
            return True
    return False


def group_stories(items: Sequence[tuple[str, str]]) -> list[int]:
    """A story number per (title, lead): equal numbers are the same story."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i):
            if find(i) != find(j) and same_story(items[i][0], items[j][0], items[i][1], items[j][1]):
                parent[find(i)] = find(j)
    roots: dict[int, int] = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(len(items))]
