"""The same story published by several outlets: near-duplicate titles and leads.

Two articles are one story when

- their leads share most word 4-grams (Jaccard >= 0.5 over the first 60 words, after
  the headline when a lead starts with it), or
- their headlines are near-duplicates (word order ignored, the outlet's name after
  `` - `` removed) or one headline contains the other (both at least six words), **and**
  something else agrees: the publication dates are at most ``MAX_DAYS`` (7) days apart,
  or, when no dates are given, the leads do not contradict it. A generic headline
  ("Man aangehouden voor drugshandel") is not enough on its own: with dates more than
  a week apart, or with two real leads (five or more words besides the headline) that
  do not match, the two articles stay apart.

Only when neither dates nor a real lead on both sides are known does a headline match
decide on its own (a Google News item has only its headline).
O(n²) comparisons over a scan's few hundred articles are fast enough.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from rapidfuzz import fuzz

from ._lexicon import norm

TITLE_RATIO = 90
CONTAINED_RATIO = 95
LEAD_JACCARD = 0.5
LEAD_WORDS = 60
MIN_LEAD_WORDS = 5  # a lead with fewer words besides the headline says nothing
MAX_DAYS = 7

DateLike = date | datetime | str | None

_WORD = re.compile(r"\w+", re.UNICODE)
_OUTLET = re.compile(r"\s[-–|]\s[A-Z0-9][^-–|]{1,60}$")


def clean_title(title: str) -> str:
    """Folded headline words without a trailing `` - Outlet``."""
    text = title.strip()
    match = _OUTLET.search(text)
    if match and len(text[: match.start()].split()) >= 3 and len(match.group(0).split()) <= 7:
        text = text[: match.start()]
    return " ".join(_WORD.findall(norm(text)))


def _lead_words(lead: str, title: str) -> list[str]:
    """The lead's folded words, without the headline when the lead starts with it."""
    words = _WORD.findall(norm(lead))
    head = clean_title(title).split()
    if head and words[: len(head)] == head:
        words = words[len(head):]
    return words[:LEAD_WORDS]


def _shingles(words: list[str], size: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def as_date(value: DateLike) -> date | None:
    """A date from a date, a datetime or an ISO string (``2026-10-08``, ``2026-10-08T11:14``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def same_story(
    title_a: str, title_b: str, lead_a: str = "", lead_b: str = "", *, title_ratio: int = TITLE_RATIO,
    date_a: DateLike = None, date_b: DateLike = None,
) -> bool:
    """True when two articles are the same story (see module docstring)."""
    wa, wb = _lead_words(lead_a, title_a), _lead_words(lead_b, title_b)
    sa, sb = _shingles(wa), _shingles(wb)
    leads_match = len(sa) >= 5 and len(sb) >= 5 and len(sa & sb) / len(sa | sb) >= LEAD_JACCARD
    if leads_match:
        return True
    ta, tb = clean_title(title_a), clean_title(title_b)
    if not (ta and tb):
        return False
    titles_match = fuzz.token_sort_ratio(ta, tb) >= title_ratio or (
        min(len(ta.split()), len(tb.split())) >= 6 and fuzz.token_set_ratio(ta, tb) >= CONTAINED_RATIO
    )
    if not titles_match:
        return False
    da, db = as_date(date_a), as_date(date_b)
    if da is not None and db is not None:
        return abs((da - db).days) <= MAX_DAYS
    # no dates: two real leads that do not match are two stories under one generic headline
    return not (len(wa) >= MIN_LEAD_WORDS and len(wb) >= MIN_LEAD_WORDS)


def group_stories(items: Sequence[tuple[str, str]], dates: Sequence[DateLike] | None = None) -> list[int]:
    """A story number per (title, lead), with optional publication dates (one per item):
    equal numbers are the same story. An article joins the first earlier story it is the
    same story as with *every* article of it, so a headline-only item cannot chain two
    different stories under one generic headline together."""
    when: list[DateLike] = list(dates) if dates is not None else [None] * len(items)
    groups: list[list[int]] = []
    out: list[int] = []
    for i, (title, lead) in enumerate(items):
        for number, members in enumerate(groups):
            if all(same_story(title, items[j][0], lead, items[j][1], date_a=when[i], date_b=when[j]) for j in members):
                members.append(i)
                out.append(number)
                break
        else:
            groups.append([i])
            out.append(len(groups) - 1)
    return out
