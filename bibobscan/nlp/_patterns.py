"""Token patterns with alternatives, word starts/ends and gaps, e.g.
``sprak ~8 vrij`` or ``container*|*containers ~12 cocaine*|drugs*``.

spaCy's ``Matcher`` tries every pattern at every token, and with regular-expression
predicates that costs several milliseconds per article; these patterns are instead
indexed by their first word (exact, word start or word end, looked up once per word form
and cached), so only the few positions where a pattern can begin are tried.

Notation per word: ``a|b`` one of several, ``x*`` begins with, ``*x`` ends with,
``~N`` zero to N arbitrary words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Element:
    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    gap: int = -1  # >= 0: a gap of 0..gap words

    def accepts(self, word: str) -> bool:
        # str.startswith/endswith take a tuple: true when any of them fits (none: false)
        return word in self.exact or word.startswith(self.prefixes) or word.endswith(self.suffixes)


def compile_element(word: str) -> Element:
    if word.startswith("~"):
        return Element(gap=int(word[1:] or "3"))
    exact: set[str] = set()
    prefixes: list[str] = []
    suffixes: list[str] = []
    for option in (o for o in word.split("|") if o):
        if option.startswith("*") and option.endswith("*") and len(option) > 2:
            # "contains": treated as a word end or start is too weak; use both ends
            prefixes.append(option.strip("*"))
            suffixes.append(option.strip("*"))
        elif option.endswith("*"):
            prefixes.append(option[:-1])
        elif option.startswith("*"):
            suffixes.append(option[1:])
        else:
            exact.add(option)
    return Element(frozenset(exact), tuple(prefixes), tuple(suffixes))


@dataclass(frozen=True, slots=True)
class Pattern:
    key: str
    text: str
    elements: tuple[Element, ...]
    # the words the second element accepts, when it is a plain list of words (no gap, no
    # word start or end): a quick test before the full match
    second: frozenset[str] | None = None


class PatternSet:
    """Many patterns, indexed by what their first word can be."""

    def __init__(self) -> None:
        self.patterns: list[Pattern] = []
        self._by_word: dict[str, list[int]] = {}
        self._open: list[int] = []  # patterns whose first word is a word start or end
        self._cache: dict[str, tuple[int, ...]] = {}

    def add(self, key: str, text: str) -> None:
        elements = tuple(compile_element(w) for w in text.split())
        while elements and elements[0].gap >= 0:
            elements = elements[1:]
        while elements and elements[-1].gap >= 0:
            elements = elements[:-1]
        if not elements:
            return
        pid = len(self.patterns)
        second = None
        if len(elements) > 1 and elements[1].gap < 0 and not elements[1].prefixes and not elements[1].suffixes:
            second = elements[1].exact
        self.patterns.append(Pattern(key, text, elements, second))
        first = elements[0]
        for w in first.exact:
            self._by_word.setdefault(w, []).append(pid)
        if first.prefixes or first.suffixes:
            self._open.append(pid)
        self._cache.clear()

    def starting_with(self, word: str) -> tuple[int, ...]:
        found = self._cache.get(word)
        if found is None:
            ids = list(self._by_word.get(word, ()))
            ids.extend(p for p in self._open if self.patterns[p].elements[0].accepts(word) and p not in ids)
            found = tuple(ids)
            if len(self._cache) < 500_000:
                self._cache[word] = found
        return found

    def _end(self, elements: tuple[Element, ...], k: int, words: list[str], i: int, stop: int) -> int:
        """End index of the longest match of elements[k:] at words[i:], or -1."""
        while k < len(elements):
            el = elements[k]
            if el.gap >= 0:  # (a pattern never ends with a gap, so elements[k + 1] exists)
                nxt = elements[k + 1]
                best = -1
                for skip in range(el.gap + 1):
                    j = i + skip
                    if j > stop:
                        break
                    if nxt.gap < 0 and (j >= stop or not nxt.accepts(words[j])):
                        continue  # the word after the gap does not fit here
                    best = max(best, self._end(elements, k + 1, words, j, stop))
                return best
            if i >= stop or not el.accepts(words[i]):
                return -1
            i += 1
            k += 1
        return i

    def find(self, words: list[str], start: int, stop: int) -> list[tuple[str, int, int, str]]:
        """(key, start, end, pattern text) for the longest match per pattern and start
        position within words[start:stop] (``words`` are NORM strings)."""
        out: list[tuple[str, int, int, str]] = []
        cache = self._cache
        for i in range(start, stop):
            pids = cache.get(words[i])
            if pids is None:
                pids = self.starting_with(words[i])
            for pid in pids:
                pattern = self.patterns[pid]
                if pattern.second is not None and (i + 1 >= stop or words[i + 1] not in pattern.second):
                    continue
                end = self._end(pattern.elements, 1, words, i + 1, stop)
                if end > i:
                    out.append((pattern.key, i, end, pattern.text))
        return out
