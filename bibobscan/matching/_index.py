"""Candidate pre-selection for screening one name against many.

Comparing a name with a million names one by one is far too slow, so the index first
picks the few names that can possibly match and only those get the full comparison.

- Every name is cut into tokens (as the matcher does); each distinctive token (not a
  particle, initial or legal form) goes into a posting list: token -> name ids, stored
  as compact ``array('I')``.
- A query token is looked up exactly, by its transliteration-tolerant form (W/V,
  J/Y/I, ...) and by its one-deletion neighbourhood (catches one wrong, missing, extra
  or swapped letter), so a typo still finds its name.
- Tokens are taken rarest first; names sharing the most query tokens come first, are
  ranked by a cheap string similarity (rapidfuzz, in C), and the best few get the full
  feature-based comparison.

The recall this costs is measured in benchmarks/screening_speed.py.
"""

from __future__ import annotations

import itertools
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..model import Match
from ._features import POSSIBLE_THRESHOLD, abjad_skeleton, compare_parsed, phonetic
from ._normalise import COMPANY, PERSON, Kind, ParsedName, parse, parse_company, parse_person
from ._score import Result, resolve_kind, verdict_for
from ._text import fold_key

_INDEXED = (Kind.NAME, Kind.GENERIC, Kind.STRUCTURAL, Kind.NUMBER)


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1:] for i in range(len(token))}


@dataclass(slots=True)
class Candidate:
    id: int
    name: str
    kind: str
    result: Result

    @property
    def score(self) -> float:
        return self.result.score


class _Part:
    """Posting lists for the names of one kind."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.postings: list[array[int]] = []
        self.phonetic: dict[str, list[int]] = {}
        self.skeleton: dict[str, list[int]] = {}
        self.deletes: dict[str, list[int]] | None = None
        self.joined: dict[str, array[int]] = {}
        self.size = 0

    def add_token(self, token: str, ident: int) -> None:
        vid = self.vocab.get(token)
        if vid is None:
            vid = self.vocab[token] = len(self.postings)
            self.postings.append(array("I"))
            self.phonetic.setdefault(phonetic(token), []).append(vid)
            self.skeleton.setdefault(abjad_skeleton(token), []).append(vid)
            self.deletes = None
        self.postings[vid].append(ident)

    def add_joined(self, key: str, ident: int) -> None:
        postings = self.joined.get(key)
        if postings is None:
            postings = self.joined[key] = array("I")
        postings.append(ident)

    def delete_map(self) -> dict[str, list[int]]:
        if self.deletes is None:
            deletes: dict[str, list[int]] = {}
            for token, vid in self.vocab.items():
                if len(token) >= 4:
                    for d in _deletes(token):
                        deletes.setdefault(d, []).append(vid)
            self.deletes = deletes
        return self.deletes

    def expand(self, token: str, abjad: bool = False) -> set[int]:
        """Vocabulary ids of tokens within one edit (or the same sound) of ``token``."""
        found: set[int] = set()
        vid = self.vocab.get(token)
        if vid is not None:
            found.add(vid)
        found.update(self.phonetic.get(phonetic(token), ()))
        if abjad:
            found.update(self.skeleton.get(abjad_skeleton(token), ()))
        if len(token) >= 4:
            deletes = self.delete_map()
            found.update(deletes.get(token, ()))
            for d in _deletes(token):
                vid = self.vocab.get(d)
                if vid is not None:
                    found.add(vid)
                found.update(deletes.get(d, ()))
        return found


def _keys(parsed: ParsedName) -> set[str]:
    return {t.text for t in parsed.tokens if t.kind in _INDEXED and len(t.text) >= 2}


def _joined(parsed: ParsedName) -> set[str]:
    """Whole-name keys: "Bram Voorbeeld" is also found as "BramVoorbeeld", "Van der
    Bilt" as "Vanderbilt", "Voorbeeld BV" as "VoorbeeldBV"."""
    joined = "".join(t.text for t in parsed.tokens)
    keys = {joined} if len(joined) >= 4 else set()
    if parsed.form_text:
        keys.add(joined + parsed.form_text)
    return keys


class ScreeningIndex:
    """Names to screen against. ``add`` them, then ``screen`` queries.

    ``preselect`` names sharing the most query tokens are ranked by a cheap string
    similarity and the best ``rerank`` (plus the ``rerank`` sharing the most tokens)
    get the full comparison. A token shared by more than ``max_postings`` names (a very
    common first name) only selects when nothing rarer does.
    """

    def __init__(self, *, preselect: int = 400, rerank: int = 20, max_postings: int = 25000) -> None:
        self.names: list[str] = []
        self.kinds = bytearray()  # 0 person, 1 company
        self._parts = {PERSON: _Part(), COMPANY: _Part()}
        self.preselect = preselect
        self.rerank = rerank
        self.max_postings = max_postings

    def __len__(self) -> int:
        return len(self.names)

    def add(self, name: str, kind: str | None = None) -> int:
        """Add one name; returns its id (its position)."""
        guessed = kind not in (PERSON, COMPANY)
        kind = resolve_kind(kind, [name])
        parsed = parse_company.__wrapped__(name, guessed) if kind == COMPANY else parse_person.__wrapped__(name)
        ident = len(self.names)
        self.names.append(name)
        self.kinds.append(1 if kind == COMPANY else 0)
        part = self._parts[kind]
        part.size += 1
        # in a fixed order (sets of strings iterate by hash): vocabulary ids, and so the ties
        # in the preselection, must not depend on the hash seed of the process
        for key in sorted(_keys(parsed)):
            part.add_token(key, ident)
        for key in sorted(_joined(parsed)):
            part.add_joined(key, ident)
        return ident

    def extend(self, names: Iterable[str], kind: str | None = None) -> None:
        for name in names:
            self.add(name, kind)

    def candidates(self, query: str, kind: str | None = None) -> list[int]:
        """Ids of the names (of the same kind) that get the full comparison, best first."""
        guessed = kind not in (PERSON, COMPANY)
        kind = resolve_kind(kind, [query])
        part = self._parts[kind]
        parsed = parse(query, kind, guessed=guessed)
        abjad = parsed.vowelless
        groups: list[tuple[int, list[array[int]]]] = []
        keys = _keys(parsed)
        for key in sorted(_joined(parsed)):
            keys.add(key)  # the whole name written as one word may be a token elsewhere
            if key in part.joined:
                groups.append((len(part.joined[key]), [part.joined[key]]))
        for token in sorted(keys):  # a fixed order, as in add()
            lists = [part.postings[v] for v in part.expand(token, abjad)]
            joined = part.joined.get(token)
            if joined is not None and len(keys) == 1:
                lists.append(joined)  # "VoorbeeldBV" finds "Voorbeeld BV"
            size = sum(len(p) for p in lists)
            if size:
                groups.append((size, lists))
        if not groups:
            return []
        groups.sort(key=lambda g: g[0])
        counts: Counter[int] = Counter()
        for _, lists in [g for g in groups if g[0] <= self.max_postings] or groups[:1]:
            counts.update(itertools.chain.from_iterable(lists))
        pool = [i for i, _ in counts.most_common(self.preselect)]
        if len(pool) <= self.rerank:
            return pool
        folded = [fold_key(self.names[i]) for i in pool]
        ranked = process.extract(fold_key(query), folded, scorer=fuzz.token_set_ratio, limit=self.rerank)
        return list(dict.fromkeys([pool[pos] for _, _, pos in ranked] + pool[: self.rerank]))

    def screen(self, query: str, kind: str | None = None, *, limit: int = 10,
               min_score: float = POSSIBLE_THRESHOLD) -> list[Candidate]:
        """The names that match ``query`` (verdict match or possible), best first."""
        guessed = kind not in (PERSON, COMPANY)
        kind = resolve_kind(kind, [query])
        parsed = parse(query, kind, guessed=guessed)
        out: list[Candidate] = []
        for ident in self.candidates(query, kind if not guessed else None):
            scored = compare_parsed(parsed, parse(self.names[ident], kind, guessed=guessed))
            if scored.score >= min_score:
                match = Match(verdict_for(scored.score), round(scored.score, 4), scored.features)
                out.append(Candidate(ident, self.names[ident], kind, Result(match, query, self.names[ident], kind)))
        out.sort(key=lambda c: -c.score)
        return out[:limit]
