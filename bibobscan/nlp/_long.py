"""Long texts: only the passages around the subject's name are analysed.

spaCy refuses a text of more than ``nlp.max_length`` (1,000,000) characters, and a risk
term only counts in the sentence of a mention or next to it. A text longer than
``MAX_CHARS`` is therefore cut into pieces (lines, then sentences, then at a space), and
only the pieces in which a word of the subject's name occurs (casefolded, without
diacritics) are kept, with the piece before and after each. Runs of kept pieces are
joined with a separator line ``[…]`` (its own sentence, so two passages never become
"adjacent sentences"). When even that is longer than ``MAX_CHARS`` the passages are
split over several parts, which are assessed one by one and merged (see
``merge_assessments``); a bare surname in a later part then no longer counts as the
subject named earlier. Character offsets are mapped back to the original text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from ._lexicon import norm
from ._types import Assessment, Finding

MAX_CHARS = 100_000  # a text longer than this is reduced (a long news article is ~10,000)
PIECE_CHARS = 2_000  # the longest piece (a line or sentence) before it is cut at a space
SEPARATOR = "\n\n[…]\n\n"
LONG_NOTE = ("Lange tekst ({n} tekens): alleen de passages rond de naam van het onderwerp zijn gelezen"
             " ({kept} tekens{parts}).")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_SKIP = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "in", "op", "t", "bv", "nv", "vof", "cv",
                   "b", "v", "n", "ua", "u", "a", "en", "holding", "stichting", "groep", "beheer"})


@dataclass(frozen=True)
class Part:
    """A reduced text and where its stretches came from: (start in ``text``, start in
    the original, length) per stretch."""

    text: str
    stretches: tuple[tuple[int, int, int], ...]

    def original(self, pos: int) -> int:
        if pos < 0 or not self.stretches:
            return pos
        k = max(0, bisect.bisect_right([s[0] for s in self.stretches], pos) - 1)
        start, orig, length = self.stretches[k]
        return orig + min(max(pos - start, 0), length)


def name_keys(names: tuple[str, ...]) -> set[str]:
    """Words of the subject's names that a passage about the subject contains."""
    keys: set[str] = set()
    for name in names:
        for word in _WORD.findall(norm(name)):
            if len(word) >= 2 and word not in _SKIP:
                keys.add(word)
    return keys


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of lines, sentences and at most PIECE_CHARS long chunks, covering ``text``."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        spans = [(pos, pos + len(line))]
        if len(line) > PIECE_CHARS:
            spans, last = [], 0
            for m in _SENTENCE_END.finditer(line):
                spans.append((pos + last, pos + m.end()))
                last = m.end()
            spans.append((pos + last, pos + len(line)))
        for a, b in spans:
            while b - a > PIECE_CHARS:
                cut = text.rfind(" ", a + PIECE_CHARS // 2, a + PIECE_CHARS)
                cut = cut + 1 if cut > a else a + PIECE_CHARS
                out.append((a, cut))
                a = cut
            if b > a:
                out.append((a, b))
        pos += len(line)
    return out


def reduce_text(text: str, names: tuple[str, ...], limit: int = MAX_CHARS) -> list[Part]:
    """``text`` itself when it is at most ``limit`` characters long; otherwise the passages
    around the subject's name, in one or more parts of at most ``limit`` characters."""
    if len(text) <= limit:
        return [Part(text, ((0, 0, len(text)),))]
    keys = name_keys(names)
    pieces = _pieces(text)
    hit = [any(k in norm(text[a:b]) for k in keys) for a, b in pieces]
    keep = sorted({j for i, h in enumerate(hit) if h for j in (i - 1, i, i + 1) if 0 <= j < len(pieces)})
    runs: list[tuple[int, int]] = []  # character ranges of consecutive kept pieces
    for i in keep:
        a, b = pieces[i]
        if runs and runs[-1][1] == a:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    budget = limit - len(SEPARATOR)
    split_runs: list[tuple[int, int]] = []
    for a, b in runs:
        while b - a > budget:  # one passage longer than a part: cut at a piece boundary
            ends = [e for _, e in pieces if a < e <= a + budget]
            cut = ends[-1] if ends else a + budget
            split_runs.append((a, cut))
            a = cut
        split_runs.append((a, b))
    parts: list[Part] = []
    chunks: list[str] = []
    stretches: list[tuple[int, int, int]] = []
    size = 0
    for a, b in split_runs:
        piece = text[a:b]
        extra = len(piece) + (len(SEPARATOR) if chunks else 0)
        if chunks and size + extra > limit:
            parts.append(Part("".join(chunks), tuple(stretches)))
            chunks, stretches, size = [], [], 0
            extra = len(piece)
        if chunks:
            chunks.append(SEPARATOR)
            size += len(SEPARATOR)
        stretches.append((size, a, b - a))
        chunks.append(piece)
        size += len(piece)
    if chunks or not parts:
        parts.append(Part("".join(chunks), tuple(stretches)))
    return parts


def map_back(result: Assessment, part: Part) -> Assessment:
    """Finding offsets of ``result`` (assessed on ``part``) in the original text."""
    if part.stretches == ((0, 0, len(part.text)),):
        return result
    findings = tuple(
        replace(f, start_char=part.original(f.start_char), end_char=part.original(f.end_char)) if f.start_char >= 0 else f
        for f in result.findings
    )
    return replace(result, findings=findings)


def merge_assessments(results: list[Assessment], order: list[str], note: str | None) -> Assessment:
    """One assessment from the parts of one long text: per theme the most confident
    finding, every reason once, the mentions summed."""
    best: dict[str, Finding] = {}
    for r in results:
        for f in r.findings:
            if f.theme not in best or f.confidence > best[f.theme].confidence:
                best[f.theme] = f
    mentioned = any(r.mentions for r in results)
    dropped: list[str] = []
    for r in results:
        for reason in r.dropped:
            if mentioned and reason.startswith("Het onderwerp wordt niet genoemd"):
                continue
            if reason not in dropped:
                dropped.append(reason)
    if note:
        dropped.append(note)
    namesakes = tuple(dict.fromkeys(n for r in results for n in r.namesakes))
    findings = tuple(sorted(best.values(), key=lambda f: order.index(f.theme) if f.theme in order else len(order)))
    return Assessment(findings, tuple(dropped), sum(r.mentions for r in results), namesakes)
