"""The spaCy pipeline: ``spacy.blank("nl")`` plus rule components, built once per process.

Components, in order:

``bibob_sentences``
    sentences: the rule of spaCy's ``sentencizer`` (a sentence ends after ``.``, ``!``,
    ``?`` and the other default end marks, with any closing punctuation after it), and a
    line break (headline, lead, paragraph) also starts a sentence. It works on token
    attribute arrays instead of a Python Token object per token, which takes about a
    third less time than spaCy's ``sentencizer`` plus a separate line-break pass.
``bibob_subject``
    the subject's mentions (a spaCy ``PhraseMatcher`` per subject, see ``_subject``; the
    matcher travels with the Doc in ``doc._.bibob_subject``) and the *window*: the
    sentences with a mention and their neighbours. Only the window is analysed further,
    because a risk term only counts in the same or an adjacent sentence; a text that does
    not name the subject costs no more than tokenising it.
``bibob_terms``
    the risk lexicon and the cue lists in the window: single words via a per-word-form
    lookup (exact word, word start, compound head; computed once per word form and
    cached), plain phrases via a ``PhraseMatcher`` and patterns with gaps or alternatives
    via ``_patterns.PatternSet``, all on the token attribute ``NORM`` (casefolded, without
    diacritics).
``bibob_persons``
    rule-based person-name mentions in the window (titles, initials, tussenvoegsels,
    first names; see ``_persons``).

Without a subject (``doc._.bibob_subject`` unset) the window is the whole text. No Dutch
model is needed: the blank pipeline is the default and the only requirement.
"""

from __future__ import annotations

import bisect
import importlib
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from ._lexicon import Lexicon, ends_in, load_lexicon, norm
from ._patterns import PatternSet

if TYPE_CHECKING:
    from thinc.types import Ints2d

_ATTRS = importlib.import_module("spacy.attrs")  # attribute ids (the module has no type stubs)
NORM = int(getattr(_ATTRS, "NORM"))
IS_SPACE = int(getattr(_ATTRS, "IS_SPACE"))
IS_PUNCT = int(getattr(_ATTRS, "IS_PUNCT"))
ORTH = int(getattr(_ATTRS, "ORTH"))
SENT_START = int(getattr(_ATTRS, "SENT_START"))

for _name in ("bibob_subject", "bibob_mentions", "bibob_sents", "bibob_window", "bibob_norms", "bibob_hits", "bibob_persons"):
    Doc.set_extension(_name, default=None, force=True)


class Hit(NamedTuple):
    """A lexicon or cue match: token span, key (``theme:drugs``, ``cue:victim``,
    ``role:reporter``) and the lexicon entry that matched."""

    start: int
    end: int
    key: str
    term: str


def _is_plain(phrase: str) -> bool:
    return not any(c in phrase for c in "~|*")


def window_of(doc: Doc) -> list[tuple[int, int]]:
    """The token ranges (whole sentences) the later components look at."""
    window = doc._.bibob_window
    return [(0, len(doc))] if window is None else cast(list[tuple[int, int]], window)


_STRINGS: dict[int, str] = {}  # string id -> string (an id is the hash of its string, in any vocab)
_MAX_STRINGS = 500_000


def token_strings(doc: Doc, attr: int, ranges: list[tuple[int, int]]) -> list[str]:
    """The strings of a token attribute (``ORTH``, ``NORM``) within ``ranges`` (empty
    elsewhere), without Token objects. Strings are cached per id: the vocabulary makes a
    new string object per lookup, and a repeated word as one object keeps its hash."""
    known = _STRINGS
    strings = doc.vocab.strings

    def new(string_id: int) -> str:
        text: str = strings[string_id]
        if len(known) < _MAX_STRINGS:
            known[string_id] = text
        return text

    ids = doc.to_array([attr]).tolist()
    out = [""] * len(doc)
    for a, b in ranges:
        out[a:b] = [known.get(i) or new(i) for i in ids[a:b]]
    return out


def norms_of(doc: Doc) -> list[str]:
    """NORM strings per token (empty outside the window); computed once per Doc."""
    cached = doc._.bibob_norms
    if cached is not None:
        return cast(list[str], cached)
    out = token_strings(doc, NORM, window_of(doc))
    if doc._.bibob_window is not None or doc._.bibob_subject is None:
        doc._.bibob_norms = out  # the window is known: it will not change any more
    return out


class SubjectFinder:
    """The ``bibob_subject`` component (see module docstring)."""

    def __call__(self, doc: Doc) -> Doc:
        sents = doc._.bibob_sents
        if sents is None:  # a pipeline without bibob_sentences
            sents = doc._.bibob_sents = [(s.start, s.end) for s in doc.sents]
        matcher: Any = doc._.bibob_subject
        if matcher is None:
            doc._.bibob_mentions = []
            doc._.bibob_window = None
            return doc
        mentions = matcher.find(doc)
        doc._.bibob_mentions = mentions
        starts = [a for a, _ in sents]
        keep: set[int] = set()
        named: set[int] = set()
        for m in mentions:
            k = bisect.bisect_right(starts, m.start) - 1
            if not m.namesake:
                # the sentence before and the two after: a story's outcome ("Nu heeft het OM
                # de zaak geseponeerd") often comes two sentences on
                keep.update((k - 1, k, k + 1, k + 2))
                named.add(k)
            else:
                keep.add(k)
        # a story goes on about the subject with "hij", "de 38-jarige", "het bedrijf": the
        # sentences after the window that refer back (a chain of up to CHAIN sentences,
        # each with such a word) are read too
        company = bool(getattr(matcher, "company", False))
        ids: list[int] | None = None
        for k in sorted(named):
            j = k + 2
            while j + 1 < len(sents) and j + 1 - k <= CHAIN + 3:
                if ids is None:
                    ids = doc.to_array([NORM]).tolist()
                # the next sentence that refers back, or the one after it (one sentence
                # without such a word may stand between: "Bij een doorzoeking lagen daar ...")
                step = next((d for d in (1, 2) if j + d < len(sents)
                             and _refers_back([doc.vocab.strings[i] for i in ids[sents[j + d][0]:sents[j + d][1]]], company)), 0)
                if not step:
                    break
                keep.update(range(j + 1, j + step + 1))
                j += step
        if company and named:
            keep.update(_told_before(doc, mentions, sents, starts))
        doc._.bibob_window = [sents[k] for k in sorted(keep) if 0 <= k < len(sents)]
        return doc


def _told_before(doc: Doc, mentions: list[Any], sents: list[tuple[int, int]], starts: list[int]) -> set[int]:
    """Sentences up to three before a company's sentence window that speak of "de
    coffeeshop" when the company is named "coffeeshop Sandman" later: a story that tells
    the closure first and names the business after (see _assess._resolve)."""
    lex = load_lexicon()
    out: set[int] = set()
    for m in mentions:
        if m.namesake:
            continue
        kind = {doc[i].norm_ for i in (m.start - 1, m.start) if 0 <= i < len(doc)} & lex.company_types
        if not kind:
            continue
        k = bisect.bisect_right(starts, m.start) - 1
        for j in range(max(0, k - 4), k - 1):
            a, b = sents[j]
            if any(doc[i].norm_ in kind and doc[i - 1].norm_ in ("de", "het") for i in range(a + 1, b)):
                out.add(j)
    return out


CHAIN = 3  # sentences past the subject's that a chain of back references may reach (see _assess._CHAIN)


def _refers_back(words: list[str], company: bool) -> bool:
    """A sentence (its NORM strings) holds a word that refers back to a person ("hij",
    "de man", "de 38-jarige") or, for a company, to a company ("het bedrijf", "de snackbar")."""
    lex = load_lexicon()
    for i, w in enumerate(words):
        det = words[i - 1] if i else ""
        if company:
            if det in ("de", "het", "deze", "dit") and ends_in(w, lex.company_heads):
                return True
        elif w in lex.anaphora_person or w in ("zijn", "haar") or (det in ("de", "het") and (w in lex.anaphora_definite or w.endswith("jarige"))):
            return True
    return False


class TermTagger:
    """The ``bibob_terms`` component (see module docstring)."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.patterns = PatternSet()
        self._cache: dict[str, tuple[tuple[str, str], ...]] = {}  # NORM string -> lookup()
        self._tables: list[tuple[str, Callable[[str], str | None]]] = []
        groups: list[tuple[str, tuple[str, ...]]] = []
        for theme in lexicon.themes.values():
            self._tables.append((f"theme:{theme.id}", theme.rules.match))
            groups.append((f"theme:{theme.id}", theme.phrases))
        for kind, cues in lexicon.cues.items():
            self._tables.append((f"cue:{kind}", cues.rules.match))
            groups.append((f"cue:{kind}", cues.phrases))
        for kind, cues in lexicon.roles.items():
            self._tables.append((f"role:{kind}", cues.rules.match))
            groups.append((f"role:{kind}", cues.phrases))
        for key, phrases in groups:
            plain = [p for p in phrases if _is_plain(p)]
            if plain:
                self.phrases.add(key, [nlp.make_doc(p) for p in plain])
            for phrase in phrases:
                if not _is_plain(phrase):
                    self.patterns.add(key, phrase)

    def lookup(self, word: str) -> tuple[tuple[str, str], ...]:
        """(key, lexicon entry) for every theme, cue and role list that ``word`` (a NORM
        string) matches."""
        found: list[tuple[str, str]] = []
        for key, match in self._tables:
            term = match(word)
            if term is not None:
                found.append((key, term))
        return tuple(found)

    def __call__(self, doc: Doc) -> Doc:
        hits: list[Hit] = []
        cache = self._cache
        strings = doc.vocab.strings
        words = norms_of(doc)
        starts = [a for a, _ in doc._.bibob_sents or []]
        sents_of: Callable[[int], int] | None = (lambda i: bisect.bisect_right(starts, i)) if starts else None
        for a, b in window_of(doc):
            for i in range(a, b):
                word = words[i]
                found = cache.get(word)
                if found is None:
                    found = self.lookup(word) if any(ch.isalpha() for ch in word) else ()
                    if len(cache) < 500_000:
                        cache[word] = found
                for key, term in found:
                    hits.append(Hit(i, i + 1, key, term))
            seen: set[tuple[str, int]] = set()
            for key, start, end, _text in sorted(self.patterns.find(words, a, b), key=lambda m: (m[1], -(m[2] - m[1]))):
                if (key, start) in seen:
                    continue
                seen.add((key, start))
                hits.append(Hit(start, end, key, " ".join(words[start:end])))
        for a, b in _merged(window_of(doc)):
            for match_id, start, end in self.phrases(doc[a:b]):  # offsets are the Doc's
                if sents_of is None or sents_of(start) == sents_of(end - 1):
                    hits.append(Hit(start, end, strings[match_id], " ".join(words[start:end])))
        hits.sort(key=lambda h: (h.start, h.end))
        doc._.bibob_hits = hits
        return doc


def lemma_hits(lemmas: dict[int, str], hits: list[Hit]) -> list[Hit]:
    """Theme hits for words that matched no theme in their written form but do by their
    lemma (``lemmas``: token -> lemma, from an optional model)."""
    tagger = cast(TermTagger, get_nlp().get_pipe("bibob_terms"))
    covered = {i for h in hits if h.key.startswith("theme:") for i in range(h.start, h.end)}
    out: list[Hit] = []
    for i, lemma in sorted(lemmas.items()):
        if i in covered:
            continue
        out.extend(Hit(i, i + 1, key, term) for key, term in tagger.lookup(lemma) if key.startswith("theme:"))
    return out


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent token ranges joined, so a matcher runs once per stretch of text."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


class Sentences:
    """The ``bibob_sentences`` component (see module docstring). Same boundaries as
    spaCy's ``sentencizer`` followed by the line-break rule, computed with numpy on
    token attribute arrays.

    The sentencizer's rule: after an end mark, the next token that is neither
    punctuation nor an end mark starts a sentence. So a "word" token (not punctuation,
    not an end mark) starts a sentence exactly when an end mark stands between it and
    the word token before it."""

    def __init__(self, vocab: Any) -> None:
        # the ORTH ids of the end marks, sorted for numpy.searchsorted
        self.end_ids = numpy.array(sorted({int(vocab.strings.add(c)) for c in Sentencizer.default_punct_chars}), dtype="uint64")

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            doc._.bibob_sents = []
            return doc
        rows = doc.to_array([ORTH, IS_PUNCT, IS_SPACE])
        # end marks: a binary search of each ORTH id in the sorted end-mark ids
        orths = rows[:, 0]
        found = numpy.searchsorted(self.end_ids, orths)
        found[found == len(self.end_ids)] = 0
        end = self.end_ids[found] == orths
        word = ~end & (rows[:, 1] == 0)
        ends_before = numpy.cumsum(end)  # end marks up to and including each token
        words = numpy.flatnonzero(word)
        starts = numpy.full(n, -1, dtype="int64")
        starts[0] = 1
        if len(words) > 1:
            prev, cur = words[:-1], words[1:]
            starts[cur[ends_before[cur] - ends_before[prev] > 0]] = 1
        if len(words) and words[0] > 0 and ends_before[words[0]] > 0:
            starts[words[0]] = 1  # an end mark before the first word ("... Tekst")
        spaces = numpy.flatnonzero(rows[:, 2]).tolist()
        if spaces:
            strings = doc.vocab.strings
            for i in spaces:
                if i + 1 < n and "\n" in strings[int(orths[i])]:
                    # after "." the break already began a sentence: keep the space with the next words
                    starts[i + 1] = -1 if starts[i] == 1 else 1
        # spaCy keeps SENT_START as uint64 (-1, "not a start", wraps around)
        doc.from_array([SENT_START], cast("Ints2d", starts.astype("uint64").reshape(n, 1)))
        bounds = numpy.flatnonzero(starts == 1).tolist()
        doc._.bibob_sents = list(zip(bounds, [*bounds[1:], n]))
        return doc


@Language.factory("bibob_terms")
def _make_terms(nlp: Language, name: str) -> TermTagger:
    return TermTagger(nlp, load_lexicon())


@Language.factory("bibob_subject")
def _make_subject(nlp: Language, name: str) -> SubjectFinder:
    return SubjectFinder()


@Language.factory("bibob_sentences")
def _make_sentences(nlp: Language, name: str) -> Sentences:
    return Sentences(nlp.vocab)


@Language.component("bibob_persons")
def _make_persons(doc: Doc) -> Doc:
    from ._persons import person_spans

    doc._.bibob_persons = person_spans(doc, window_of(doc), norms_of(doc))
    return doc


def _norm_getter(text: str) -> str:
    return norm(text)


_nlp: Language | None = None
_building = threading.Lock()


def get_nlp() -> Language:
    """The shared pipeline (built once per process; thread-safe for reading). Built under
    a lock: with a bare ``lru_cache`` two scan threads starting at once each built their
    own pipeline, and a subject matcher made on one pipeline's vocabulary then met docs
    of the other (spaCy's KeyError E018 in the web workspace's concurrent scans)."""
    global _nlp
    if _nlp is None:
        with _building:
            if _nlp is None:
                _nlp = _build()
    return _nlp


TOKENIZER_CACHE = 100_000  # chunks; spaCy's default of 10,000 fills in a few hundred articles and is never renewed


def _build() -> Language:
    nlp = spacy.blank("nl")
    # spaCy caches the tokenisation of up to max_cache_size distinct chunks and then stops
    # caching (it never evicts): a long-running process that has read a few thousand texts
    # tokenised every new word the slow way, at half the speed (benchmarks/adverse_media.py
    # measured 1,110 articles/s fresh and 530 after its quality sets)
    setattr(nlp.tokenizer, "max_cache_size", TOKENIZER_CACHE)  # noqa: B010 (a Cython attribute; the stub types the tokenizer as a callable)
    getters = cast(dict[int, Callable[[str], str]], getattr(nlp.vocab, "lex_attr_getters"))
    getters[NORM] = _norm_getter
    for lexeme in nlp.vocab:
        lexeme.norm_ = norm(lexeme.orth_)
    nlp.add_pipe("bibob_sentences")
    nlp.add_pipe("bibob_subject")
    nlp.add_pipe("bibob_terms")
    nlp.add_pipe("bibob_persons")
    return nlp


def parse_many(items: Iterable[tuple[str, Any]], batch_size: int = 64) -> Iterable[Doc]:
    """Parse (text, subject matcher or None) pairs in one ``nlp.pipe`` pass."""
    nlp = get_nlp()

    def docs() -> Iterable[Doc]:
        for text, matcher in items:
            doc = nlp.make_doc(text)
            doc._.bibob_subject = matcher
            yield doc

    return nlp.pipe(docs(), batch_size=batch_size)
