"""Name comparison: align the tokens of two parsed names and turn the alignment into
named features, each with a weight and a Dutch sentence.

The score of a comparison is the sum of its feature weights (clamped to 0..1):
``name_agreement`` carries the token coverage, the other features add or subtract.
Rules that cap a verdict ("at most a possible match") are features too, whose weight is
exactly what brings the score down to the cap, so the sum always explains the score.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import OSA

from ..model import MatchFeature
from ._normalise import COMPANY, GENERIC, INITIAL, NAME, NUMBER, PARTICLE, SON_OF, STRUCTURAL, WEIGHTS, ParsedName, Token
from ._tables import LegalForm, org_tables, person_tables, spelling_rules
from ._text import WILD

# thresholds on the score (documented in docs/matching.md)
MATCH_THRESHOLD = 0.84
POSSIBLE_THRESHOLD = 0.65
CAP_POSSIBLE = MATCH_THRESHOLD - 0.01  # "at most a possible match"

MIN_PAIR = 0.6  # two words below this similarity are not paired at all
MERGE_MIN = 0.85  # "Van der Bilt" ~ "Vanderbilt": words written apart or together
JOIN_MIN = 0.9  # whole names written with and without spaces
GLUED_AFTER_PARTICLE_MIN = 0.95  # words glued after a particle: letter for letter, or one slip in a long word
INITIAL_CREDIT = 0.5  # a full name matched only by its initial counts half
ALPHA = {"person": 0.25, "company": 0.4}  # weight of the less-covered side
CONFLICT = -0.1  # parts on both sides that have no counterpart
WEAK_PART = 0.8  # a paired word below this similarity is a different word
LONG_NAME_EXACT = 3  # ... unless it is one letter off and this many other name parts are alike
WEAK_PART_PENALTY = -0.1
ORDER_PENALTY = -0.05  # the same words in another order
EXTRA_GENERIC = -0.08  # per extra organisation word ("Systems") on one side only
FORM_DIFFERS = -0.05
CJK_DIFFERS = 0.7  # CJK names differing in a character keep at most 70 % of their similarity
CALL_NAME = 0.9  # two given names of one call-name group (Willem / Wim): evidence, not proof
SPELLING_NAME = 0.95  # one name in two transliterations (Muhammad / Mohammed)

_EQUIV_PARTICLES = [frozenset({"al", "el", "ul", "ar", "as", "ad", "an", "ash", "at", "az"}),
                    frozenset({"bin", "ben", "ibn", "bn", "b"}), frozenset({"van", "von", "v"}),
                    frozenset({"de", "der", "den", "d"}), frozenset({"ter", "ten", "te"})]
_DOUBLE = re.compile(r"(.)\1+")


def _single(m: re.Match[str]) -> str:
    """The letter of a run of one letter (_DOUBLE); a function, as re expands a template
    such as r"\1" in Python in 3.11."""
    return m.group(1)
_ABJAD_DROP = re.compile(r"[aeiouyhw]")


@functools.lru_cache(maxsize=32768)
def phonetic(word: str) -> str:
    """A transliteration-tolerant form (tables/spelling.yaml): W/V, J/Y/I, OE/U, ..."""
    for a, b in spelling_rules():
        word = word.replace(a, b)
    return _DOUBLE.sub(_single, word)


def abjad_skeleton(word: str) -> str:
    """Consonant skeleton for Arabic/Hebrew script, which writes no short vowels."""
    skeleton = word[:1] + _ABJAD_DROP.sub("", word[1:])
    skeleton = skeleton.replace("p", "b").replace("v", "f").replace("q", "k").replace("c", "k")
    return _DOUBLE.sub(_single, skeleton)


def _consonant_classes(word: str) -> str:
    word = word.replace("h", "").replace("p", "b").replace("v", "f").replace("q", "k").replace("c", "k")
    return _DOUBLE.sub(_single, word)


def _unwritten_vowels(short: str, full: str) -> bool:
    """True when ``short`` (transliterated from a Brahmic script, which leaves the
    inherent vowel unwritten: "pt") is ``full`` ("pot") without some of its vowels; the
    vowels it does write must agree ("bol" is "pol", not "bill")."""
    s, f = _consonant_classes(short), _consonant_classes(full)
    if len(s) < 2 or len(s) >= len(f) and s != f:
        return s == f and len(s) >= 2
    if s[0] != f[0]:
        return False  # the first letter is written, vowel or not: "rm" is no "Irma"
    k = 0
    for ch in f:
        if k < len(s) and ch == s[k]:
            k += 1
        elif ch not in _VOWEL_LETTERS:
            return False
    return k == len(s)


_VOWEL_LETTERS = frozenset("aeiouy")


def _osa(a: str, b: str) -> float:
    return float(OSA.normalized_similarity(a, b))


def typo_similarity(a: str, b: str) -> float:
    """Normalised edit similarity, with typing errors forgiven in longer words: one
    edit (a wrong, missing, extra or swapped letter) in a word of five letters or
    more counts 0.9, two edits from eleven letters 0.8, three from fifteen 0.7."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    longest = la if la >= lb else lb
    distance = OSA.distance(a, b)
    plain = 1.0 - distance / longest if longest else 0.0
    if WILD in a or WILD in b:
        wild = a.count(WILD) + b.count(WILD)
        # a damaged letter (see _text.readings) stands for any letter: its edit is free,
        # but it counts for half an edit in the similarity; at most one in four letters,
        # and three readable letters on each side
        if wild * 4 > longest or (la if la <= lb else lb) - wild < 3:
            return plain
        distance = max(0, distance - wild)
        allowed = 0 if longest < 5 else 1 if longest < 11 else 2 if longest < 15 else 3
        return max(plain, 1.0 - 0.1 * distance - 0.05 * wild) if distance <= allowed else plain
    allowed = 0 if longest < 5 else 1 if longest < 11 else 2 if longest < 15 else 3
    if distance <= allowed:
        return max(plain, 1.0 - 0.1 * distance)
    return plain


@functools.lru_cache(maxsize=32768)
def spelling_similarity(a: str, b: str, vowelless: str = "") -> float:
    """0..1 similarity of two folded words as written: typos, transliteration and
    spelling variants, but not call names. ``vowelless``: "abjad" or "abugida" when one
    word was transliterated from a script that leaves (some) vowels unwritten."""
    return _spelling_similarity(a, b, vowelless)


def _spelling_similarity(a: str, b: str, vowelless: str) -> float:
    """:func:`spelling_similarity` without its cache (word_similarity has its own)."""
    if a == b:
        return 1.0
    best = typo_similarity(a, b)
    pa, pb = phonetic(a), phonetic(b)
    if pa == pb:
        best = max(best, 0.95)
    elif pa != a or pb != b:  # words the spelling rules leave as they are score as written
        best = max(best, 0.95 * typo_similarity(pa, pb))
    if vowelless == "abugida":
        ca, cb = _consonant_classes(a), _consonant_classes(b)
        if ca == cb and len(ca) >= 2:
            best = max(best, 0.9)  # every letter written and alike ("bol" / "pol")
        elif _unwritten_vowels(a, b) or _unwritten_vowels(b, a):
            # vowels left out: three consonants or more point at one name; two fit too
            # many ("pt": Pat, Pet, Pitt, Pot) and count as a weak part
            consonants = sum(1 for c in min(ca, cb, key=len) if c not in _VOWEL_LETTERS)
            best = max(best, 0.9 if consonants >= 3 else 0.7)
    elif vowelless:
        best = max(best, 0.9 * _osa(abjad_skeleton(a), abjad_skeleton(b)))
    if best < SPELLING_NAME:
        spellings = person_tables().spelling_groups
        group_a = spellings.get(a)
        if group_a is not None and not group_a.isdisjoint(spellings.get(b, ())):
            best = SPELLING_NAME
    return best


def _same_call_name(a: str, b: str) -> bool:
    groups = person_tables().given_groups
    group_a = groups.get(a)
    return group_a is not None and not group_a.isdisjoint(groups.get(b, ()))


@functools.lru_cache(maxsize=32768)
def word_similarity(a: str, b: str, vowelless: str = "") -> float:
    """0..1 similarity of two folded words (typos, transliteration, call names)."""
    best = _spelling_similarity(a, b, vowelless)
    if best < CALL_NAME and _same_call_name(a, b):
        best = CALL_NAME
    return best


def call_name_only(a: str, b: str, vowelless: str = "") -> bool:
    """True when two words are alike only because the call-name table pairs them
    (Willem / Wim), not by their letters."""
    return _same_call_name(a, b) and spelling_similarity(a, b, vowelless) < CALL_NAME


def _particles_equivalent(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in _EQUIV_PARTICLES)


_WORDISH = (NAME, GENERIC, STRUCTURAL)


@dataclass(slots=True)
class Pair:
    a: list[int]  # token positions on side A (more than one when merged)
    b: list[int]
    sim: float
    how: str  # "word", "initial", "particle", "number", "merge", "join"


@dataclass(slots=True)
class Alignment:
    pairs: list[Pair] = field(default_factory=list)
    left_a: list[int] = field(default_factory=list)
    left_b: list[int] = field(default_factory=list)
    numbers_differ: list[tuple[str, str]] = field(default_factory=list)


def _pair_score(ta: Token, tb: Token, vowelless: str) -> tuple[float, str] | None:
    ka, kb = ta.kind, tb.kind
    if ka in _WORDISH and kb in _WORDISH:
        sim = word_similarity(ta.text, tb.text, vowelless)
        return (sim, "word") if sim >= MIN_PAIR else None
    if ka is INITIAL and kb is INITIAL:
        return (1.0, "initial") if ta.text == tb.text else None
    if ka is INITIAL and kb is NAME:
        return (0.7, "initial") if tb.text.startswith(ta.text) else None
    if kb is INITIAL and ka is NAME:
        return (0.7, "initial") if ta.text.startswith(tb.text) else None
    if PARTICLE in (ka, kb) and {ka, kb} <= {PARTICLE, NAME}:
        return (1.0, "particle") if _particles_equivalent(ta.text, tb.text) else None
    if ka is NUMBER and kb is NUMBER:
        return (1.0, "number") if ta.text == tb.text else None
    return None


def _vowelless_script(a: ParsedName, b: ParsedName) -> str:
    """"abjad" or "abugida" when one side is transliterated from a script that leaves
    vowels unwritten and the other is not; "" otherwise."""
    if a.vowelless == b.vowelless:
        return ""
    return a.script if a.vowelless else b.script


def align(a: ParsedName, b: ParsedName) -> Alignment:
    """Pair the tokens of two names, best pairs first. A word may also pair with two or
    three adjacent words of the other name written apart ("Mohammadreza" / "Mohammad
    Hasni"); such a merge competes with the single-word pairs on its similarity, so a
    close merge wins over a weak pair of one of its parts."""
    vowelless = _vowelless_script(a, b)
    ta, tb = a.tokens, b.tokens
    # (similarity, single word pair first on ties, same relative position first, A, B, how)
    candidates: list[tuple[float, int, int, tuple[int, ...], tuple[int, ...], str]] = []
    na, nb = len(ta), len(tb)
    wordish_b = [y.kind in _WORDISH for y in tb]
    texts_b = [y.text for y in tb]
    for i, x in enumerate(ta):
        wordish = x.kind in _WORDISH
        text = x.text
        for j, y in enumerate(tb):
            if wordish and wordish_b[j]:  # the common case of _pair_score, inline
                other = texts_b[j]
                sim = 1.0 if text == other else word_similarity(text, other, vowelless)
                if sim >= MIN_PAIR:
                    candidates.append((sim, 1, -abs(i * nb - j * na), (i,), (j,), "word"))
                continue
            scored = _pair_score(x, y, vowelless)
            if scored is not None:
                candidates.append((scored[0], 1, -abs(i * nb - j * na), (i,), (j,), scored[1]))
    for sim, i, run, how in _merges(ta, tb, vowelless):
        candidates.append((sim, 0, 0, (i,), run, how))
    for sim, j, run, how in _merges(tb, ta, vowelless):
        candidates.append((sim, 0, 0, run, (j,), how))
    candidates.sort(reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = Alignment()
    for sim, _, _, ia, jb, how in candidates:
        if not used_a.isdisjoint(ia) or not used_b.isdisjoint(jb):
            continue
        used_a.update(ia)
        used_b.update(jb)
        out.pairs.append(Pair(list(ia), list(jb), sim, how))
    out.left_a = [i for i in range(len(ta)) if i not in used_a]
    out.left_b = [j for j in range(len(tb)) if j not in used_b]
    for i in out.left_a:
        for j in out.left_b:
            if ta[i].kind is NUMBER and tb[j].kind is NUMBER:
                out.numbers_differ.append((ta[i].text, tb[j].text))
    return out


CONTRACTED = 0.75  # "Vermeer" / "van der Meer": one family name once, often two families now
_VAN_DE = (("van", "der"), ("van", "den"), ("van", "de"))


def _contracted(word: str, run: list[str]) -> bool:
    """"Vermeer", "Verbeek", "Verhoeven": "van der/den/de" contracted to "ver" before
    the surname. Counted as a weak pair (at most a possible match): the old contraction
    is a family name of its own today."""
    return len(run) == 3 and tuple(run[:2]) in _VAN_DE and word.startswith("ver") and word[3:] == run[2] and len(run[2]) >= 3


# a run of words that a word of the other name may be: the positions, the words written
# together and their length, whether it follows a particle, and its first word when that
# is a particle (else None)
_Run = tuple[tuple[int, ...], str, int, bool, str | None]


@functools.lru_cache(maxsize=32768)
def _runs(tb: tuple[Token, ...]) -> tuple[_Run, ...]:
    """The runs of 2-3 adjacent words of a name that a word of another name may be
    (see _Run); cached per name, as one name is compared with many."""
    runs: list[_Run] = []
    texts = [t.text for t in tb]
    particle = [t.kind is PARTICLE for t in tb]
    number = [t.kind is NUMBER for t in tb]
    for size in (2, 3):
        for start in range(len(tb) - size + 1):
            stop = start + size
            if particle[stop - 1] or any(number[start:stop]):
                continue  # a particle belongs to the word after it: "Lin de" is no "Linda"
            # a run takes a whole particle chain: "der Meulen" alone is no "Vermeulen"; only
            # a (near) letter-for-letter glued word may follow a particle: "Al Salah Society"
            # / "Al Salahsociety", "La Familia Michoacana" / "La Familiamichoacana"
            after_particle = bool(start) and particle[start - 1]
            joined = "".join(texts[start:stop])
            runs.append((tuple(range(start, stop)), joined, len(joined), after_particle, texts[start] if particle[start] else None))
    return tuple(runs)


def _merges(ta: tuple[Token, ...], tb: tuple[Token, ...], vowelless: str) -> list[tuple[float, int, tuple[int, ...], str]]:
    """Words of A that read as 2-3 adjacent words of B written apart, with the best run each."""
    out: list[tuple[float, int, tuple[int, ...], str]] = []
    runs = _runs(tb) if len(tb) > 1 else ()
    if not runs:
        return out
    for i, x in enumerate(ta):
        if x.kind not in _WORDISH:
            continue
        text = x.text
        size = len(text)
        slack = 2 + size // 5
        best: tuple[float, tuple[int, ...], str] | None = None
        for run, joined, length, after_particle, particle in runs:
            if not vowelless and abs(length - size) > slack:
                continue  # too long or short to reach MERGE_MIN as written
            if particle is not None:
                if _contracted(text, [tb[j].text for j in run]):
                    if best is None or CONTRACTED > best[0]:
                        best = (CONTRACTED, run, "contracted")
                    continue
                if not text.startswith(particle):
                    continue  # the particle written together keeps its letters: "Vandermeulen", not "Vermeulen"
            sim = word_similarity(text, joined, vowelless)
            needed = GLUED_AFTER_PARTICLE_MIN if after_particle else JOIN_MIN if particle is not None else MERGE_MIN
            if sim >= needed and (best is None or sim > best[0]):
                best = (sim, run, "merge")
        if best is not None:
            out.append((best[0], i, best[1], best[2]))
    return out


@dataclass(slots=True)
class NameScore:
    features: list[MatchFeature]
    cov_a: float
    cov_b: float

    @property
    def score(self) -> float:
        return max(0.0, min(1.0, sum([f.weight for f in self.features])))


LINEAGE_CREDIT = 0.5  # a father's name that one side leaves out counts half


def _credit_missing_lineage(a: ParsedName, b: ParsedName, al: Alignment, credit_a: dict[int, float],
                            credit_b: dict[int, float]) -> str:
    """Half credit for a father's name that one side leaves out ("Yusuf bin Omar" /
    "Yusuf bin Khalid bin Omar"), but none when both sides have unpaired names: then
    the fathers' names differ, and a different father is a different person."""
    names_left_a = [i for i in al.left_a if a.tokens[i].kind is NAME]
    names_left_b = [j for j in al.left_b if b.tokens[j].kind is NAME]
    if names_left_a and names_left_b:
        return ""
    shown: list[str] = []
    for side, left, credit in ((a, names_left_a, credit_a), (b, names_left_b, credit_b)):
        for i in left:
            if side.tokens[i].lineage:
                credit[i] = LINEAGE_CREDIT
                shown.append(side.tokens[i].text)
    return " ".join(shown)


def _coverage(tokens: tuple[Token, ...], credit: dict[int, float]) -> float:
    total = sum([t.weight for t in tokens])
    if total <= 0:
        return 0.0
    return min(1.0, sum([credit.get(i, 0.0) * t.weight for i, t in enumerate(tokens)]) / total)


def _show(tokens: tuple[Token, ...], idx: list[int]) -> str:
    return " ".join([tokens[i].text for i in idx])


# The features that hold a verdict at "possible" however alike the names are (_cap).
CAPS = frozenset({"number_differs", "number_one_side", "call_name_only", "single_name", "initials_only", "generic_name",
                  "structural_word", "extra_distinct_word", "legal_form_cap", "father_and_son", "generation_cap"})


def _cap(features: list[MatchFeature], cap: float, name: str, sentence: str) -> None:
    if name not in CAPS:
        raise ValueError(f"{name} is not a capping feature (add it to CAPS)")
    current = max(0.0, min(1.0, sum([f.weight for f in features])))
    if current > cap:
        features.append(MatchFeature(name, round(cap - current, 4), sentence))
    elif not any(f.name == name for f in features):
        features.append(MatchFeature(name, 0.0, sentence))


def _form_edits(key: str) -> int:
    """Edits forgiven in a damaged legal form: one, two in a form of eight letters or more."""
    return 2 if len(key) >= 8 else 1


def _drop_damaged_form(side: ParsedName, other: ParsedName) -> ParsedName:
    """Read the last word(s) of ``side`` as ``other``'s legal form when they are that
    form with a letter damaged ("Lt]" -> "lt" for "Ltd", "I}c" -> "ic" for "Inc",
    "B.Y." for "B.V."). Never longer than the form (an extra letter makes a word: "Sas"
    is no "SA"), never a word ``other`` has too, never the last distinctive word. The
    words are then a legal form: they stop counting against the name, and, as every
    shared legal form, they never count for it."""
    keys = {f.key.replace(" ", ""): f for f in other.legal_forms if not f.modifier}
    if not keys or not side.tokens:
        return side
    longest = max(len(key) for key in keys)
    if len(side.tokens[0].text) > longest and len(side.tokens[-1].text) > longest:
        return side  # every run takes the first or the last word: each is longer than any form
    for _end, words, rest in _edge_runs(side, other, 4):
        text = "".join([t.text for t in words])
        for key, form in keys.items():
            if 2 <= len(text) <= len(key) and OSA.distance(text, key, score_cutoff=_form_edits(key)) <= _form_edits(key):
                return _with_forms(side, rest, (*side.legal_forms, replace(form, written=" ".join(t.text for t in words))))
    return side


def _edge_runs(side: ParsedName, other: ParsedName, longest: int) -> Iterator[tuple[bool, tuple[Token, ...], tuple[Token, ...]]]:
    """The last and first 1..``longest`` words of ``side`` that may be a damaged legal
    form, shortest first, with the words that remain: never a word ``other`` has too, a
    number, or a run that leaves no distinctive word. (at the end?, run, rest)"""
    others = {t.text for t in other.tokens}
    tokens = side.tokens
    for n in range(1, min(longest, len(tokens) - 1) + 1):
        for at_end in (True, False):
            words = tokens[-n:] if at_end else tokens[:n]
            rest = tokens[:-n] if at_end else tokens[n:]
            if _shared_or_number(words, others) or NAME not in [t.kind for t in rest]:
                continue
            yield at_end, words, rest


def _shared_or_number(words: tuple[Token, ...], others: set[str]) -> bool:
    for t in words:
        if t.text in others or t.kind is NUMBER:
            return True
    return False


def _with_forms(side: ParsedName, tokens: tuple[Token, ...], forms: tuple[LegalForm, ...]) -> ParsedName:
    return replace(side, tokens=tokens, legal_forms=forms,
                   form_text="".join(f.key.replace(" ", "") for f in forms if not f.modifier))


def _unglue_form(side: ParsedName, other: ParsedName) -> ParsedName:
    """"Investmentsltd" for "Investments Ltd": the space before the other name's legal
    form (three letters or more) was lost. The word before it keeps three letters."""
    if len(side.tokens) < 1 or not other.legal_forms:
        return side
    last = side.tokens[-1]
    if last.kind is NUMBER or last.text in {t.text for t in other.tokens}:
        return side
    for form in other.legal_forms:
        key = form.key.replace(" ", "")
        if not form.modifier and len(key) >= 3 and last.text.endswith(key) and len(last.text) - len(key) >= 3:
            word = last.text[: -len(key)]
            org = org_tables()
            kind = STRUCTURAL if word in org.structural else GENERIC if word in org.generic else NAME
            glued = replace(form, written=last.text)
            return _with_forms(side, (*side.tokens[:-1], Token(word, kind, WEIGHTS[kind])), (*side.legal_forms, glued))
    return side


def _mend_split_form(side: ParsedName, other: ParsedName) -> ParsedName:
    """A damaged multi-word form read partly as a form and partly as words ("S.A.DE
    C.V." -> the word "sade" and the form C.V.; "Limited Liabil?ty Company" -> the form
    Limited and two words): the last (or first) word(s) and the name's own forms
    together spell the other name's forms, within the damaged-form tolerance."""
    target = other.form_text
    if not target or side.form_text == target or not side.form_text or not side.tokens:
        return side
    if min(len(side.tokens[0].text), len(side.tokens[-1].text)) + len(side.form_text) > len(target) + 1:
        return side  # every run takes the first or the last word, and is too long with either
    for at_end, words, rest in _edge_runs(side, other, 3):
        joined = "".join([t.text for t in words])
        text = joined + side.form_text if at_end else side.form_text + joined
        if len(text) <= len(target) + 1 and OSA.distance(text, target, score_cutoff=_form_edits(target)) <= _form_edits(target):
            written = " ".join(t.text for t in words)
            forms = tuple(replace(f, written=written) if k == 0 else f
                          for k, f in enumerate(x for x in other.legal_forms if not x.modifier))
            return _with_forms(side, rest, forms)
    return side


def _damaged_forms(a: ParsedName, b: ParsedName) -> tuple[ParsedName, ParsedName]:
    """Company names whose legal form was damaged, read with the other name's form."""
    a, b = _unglue_form(a, b), _unglue_form(b, a)
    a = _drop_damaged_form(a, b)
    b = _drop_damaged_form(b, a)
    a = _mend_split_form(a, b)
    b = _mend_split_form(b, a)
    return a, b


def compare_parsed(a: ParsedName, b: ParsedName) -> NameScore:
    """Compare two parsed names of the same kind; features with Dutch sentences."""
    kind = a.kind
    features: list[MatchFeature] = []
    if kind == COMPANY and a.form_text != b.form_text:
        a, b = _damaged_forms(a, b)  # the same forms on both sides: none was damaged
    if not a.tokens or not b.tokens:
        only = a if not a.tokens else b
        what = "alleen een rechtsvorm" if only.legal_forms else "geen vergelijkbare naamdelen"
        features.append(MatchFeature("no_name", 0.0, f"'{only.original}' bevat {what}; een rechtsvorm alleen telt nooit als overeenkomst."))
        return NameScore(features, 0.0, 0.0)

    if a.cjk and b.cjk:
        sim = _osa(a.cjk, b.cjk)
        if a.cjk == b.cjk:
            features.append(MatchFeature("name_agreement", 1.0, "De namen zijn gelijk in het oorspronkelijke schrift."))
        else:
            features.append(MatchFeature("name_agreement", round(CJK_DIFFERS * sim, 4),
                                         f"De namen verschillen in het oorspronkelijke schrift ({a.cjk} / {b.cjk}); elk teken is een eigen naamdeel."))
        return NameScore(features, sim, sim)

    al = align(a, b)
    joined_a = "".join([t.text for t in a.tokens])
    joined_b = "".join([t.text for t in b.tokens])
    credit_a: dict[int, float] = {}
    credit_b: dict[int, float] = {}
    if al.left_a or al.left_b or any(p.sim < 1.0 for p in al.pairs):
        join_sim = 0.0
        if len(a.tokens) != len(b.tokens):
            join_sim = word_similarity(joined_a, joined_b)
        if a.form_text != b.form_text and joined_a + a.form_text == joined_b + b.form_text:
            # "VoorbeeldBV" / "Voorbeeld B.V.": name and form written together - letter for
            # letter, or a typo in a short name would pass ("KPNBV" / "KPM B.V.")
            join_sim = 1.0
        if join_sim >= JOIN_MIN and join_sim > min((p.sim for p in al.pairs), default=0.0):
            al = Alignment(pairs=[Pair(list(range(len(a.tokens))), list(range(len(b.tokens))), join_sim, "join")])
    for p in al.pairs:
        for i in p.a:
            credit_a[i] = p.sim
        for j in p.b:
            credit_b[j] = p.sim
        if p.how == "initial":
            # the initial side is fully explained; the full name only by its first letter
            for side, idx, tokens in ((credit_a, p.a, a.tokens), (credit_b, p.b, b.tokens)):
                for k in idx:
                    side[k] = 1.0 if tokens[k].kind is INITIAL else INITIAL_CREDIT
    if al.numbers_differ:  # a number left on both sides: a different number is judged by its own rule below
        for i in al.left_a:
            if a.tokens[i].kind is NUMBER:
                credit_a[i] = 1.0
        for j in al.left_b:
            if b.tokens[j].kind is NUMBER:
                credit_b[j] = 1.0
    # a company's tokens are never a father's name (only parse_person marks lineage)
    lineage_left = "" if kind == COMPANY else _credit_missing_lineage(a, b, al, credit_a, credit_b)
    cov_a, cov_b = _coverage(a.tokens, credit_a), _coverage(b.tokens, credit_b)
    hi, lo = max(cov_a, cov_b), min(cov_a, cov_b)
    alpha = ALPHA[kind]
    base = (1 - alpha) * hi + alpha * lo
    full = [p for p in al.pairs if p.how in ("word", "merge", "join", "contracted")]
    initials = [p for p in al.pairs if p.how == "initial"]
    fuzzy = [p for p in full if p.sim < 0.999]
    n = len(full)
    bits = ["geen naamdelen komen overeen" if n == 0 else "1 naamdeel komt overeen" if n == 1 else f"{n} naamdelen komen overeen"]
    if fuzzy:
        bits.append("waarvan " + ", ".join(f"'{_show(a.tokens, p.a)}'~'{_show(b.tokens, p.b)}' ({p.sim:.0%})" for p in fuzzy) + " bij benadering")
    if initials:
        bits.append("1 voorletter past" if len(initials) == 1 else f"{len(initials)} voorletters passen")
    features.append(MatchFeature("name_agreement", round(base, 4), "Naamvergelijking: " + "; ".join(bits) + f" (dekking {cov_a:.0%} / {cov_b:.0%})."))
    if lineage_left:
        features.append(MatchFeature("lineage_missing", 0.0, f"Vadersnaam '{lineage_left}' staat maar in één naam: telt half, "
                                     "want korte schrijfwijzen laten die vaak weg."))
    if any(p.how == "join" or p.how == "merge" for p in al.pairs):
        features.append(MatchFeature("joined_words", 0.0, "Naamdelen aan elkaar of los geschreven ('Van der Bilt' / 'Vanderbilt')."))
    for p in al.pairs:
        if p.how == "contracted":
            features.append(MatchFeature("contracted_particle", 0.0, f"'{_show(a.tokens, p.a)}' / '{_show(b.tokens, p.b)}': 'van der' "
                                         "samengetrokken tot 'ver'; vroeger één familienaam, nu meestal twee families."))

    counted = (NAME, INITIAL, GENERIC) if kind == COMPANY else (NAME, INITIAL)
    left_a = [i for i in al.left_a if a.tokens[i].kind in counted]
    left_b = [j for j in al.left_b if b.tokens[j].kind in counted]
    if left_a and left_b:
        initial_clash = any(a.tokens[i].kind is INITIAL for i in left_a) or any(b.tokens[j].kind is INITIAL for j in left_b)
        features.append(MatchFeature("name_conflict", 2 * CONFLICT if initial_clash else CONFLICT,
                                     f"Afwijkende naamdelen: '{_show(a.tokens, left_a)}' tegenover '{_show(b.tokens, left_b)}'"
                                     + (" (een voorletter spreekt de naam tegen)." if initial_clash else ".")))
    elif left_a or left_b:
        extra_side, idx = (a, left_a) if left_a else (b, left_b)
        features.append(MatchFeature("extra_name_parts", 0.0, f"Extra naamdelen aan één kant: '{_show(extra_side.tokens, idx)}'."))
    weak = [p for p in full if p.sim < WEAK_PART]
    exact_names = [p for p in full if p.sim >= 0.999 and any(a.tokens[i].kind is NAME for i in p.a)] if len(weak) == 1 else []
    if (len(weak) == 1 and len(exact_names) >= LONG_NAME_EXACT and len(weak[0].a) == len(weak[0].b) == 1
            and OSA.distance(a.tokens[weak[0].a[0]].text, b.tokens[weak[0].b[0]].text) == 1):
        # one slip in a long name whose other parts are all alike ("Haji Ssad Khan Zarkari" /
        # "Haji Asad Khan Zarkari"): a typo, not another person - Dutch names seldom have
        # four name parts, so this does not reach the namesakes of one family
        features.append(MatchFeature("long_name_slip", 0.0, f"Eén letter anders in '{_show(a.tokens, weak[0].a)}' /"
                                     f" '{_show(b.tokens, weak[0].b)}' bij {len(exact_names)} gelijke naamdelen: een tikfout."))
        weak = []
    if weak:
        shown = ", ".join(f"'{_show(a.tokens, p.a)}'/'{_show(b.tokens, p.b)}'" for p in weak)
        features.append(MatchFeature("weak_part", WEAK_PART_PENALTY, f"Naamdeel lijkt maar matig ({shown}): mogelijk een andere naam."))
    if not (a.reordered or b.reordered) and _out_of_order(al.pairs):
        features.append(MatchFeature("word_order", ORDER_PENALTY, "Dezelfde naamdelen in een andere volgorde."))
    if al.numbers_differ:
        shown = ", ".join(f"{x}/{y}" for x, y in al.numbers_differ)
        _cap(features, CAP_POSSIBLE, "number_differs", f"Ander volgnummer ({shown}): verwante maar andere naam; hoogstens een mogelijke overeenkomst.")
    elif kind == COMPANY:
        lone = [t.text for side, left in ((a, al.left_a), (b, al.left_b)) for t in (side.tokens[i] for i in left)
                if t.kind is NUMBER] if al.left_a or al.left_b else []
        if lone:
            _cap(features, CAP_POSSIBLE, "number_one_side",
                 f"Volgnummer {', '.join(lone)} staat maar in één naam: mogelijk een andere onderneming uit dezelfde reeks.")

    vowelless = _vowelless_script(a, b)
    by_table = [p for p in full if p.how == "word" and len(p.a) == len(p.b) == 1
                and call_name_only(a.tokens[p.a[0]].text, b.tokens[p.b[0]].text, vowelless)]
    direct = [p for p in full if p not in by_table and any(a.tokens[i].kind is NAME for i in p.a)] if by_table else []
    if by_table and len(direct) < 2:
        shown = ", ".join(f"{_show(a.tokens, p.a)}/{_show(b.tokens, p.b)}" for p in by_table)
        _cap(features, CAP_POSSIBLE, "call_name_only",
             f"De voornaam komt alleen via de roepnamentabel overeen ({shown}): een aanwijzing, geen bewijs; "
             "hoogstens een mogelijke overeenkomst.")

    if kind == COMPANY:
        _company_rules(a, b, al, features)
        _damaged_text(a, b, features)
    else:
        _person_rules(a, b, al, full, initials, features)
    return NameScore(features, cov_a, cov_b)


# A company name damaged in transit (a stray byte, an OCR digit, a lost space) can split
# or glue words so that the word-by-word comparison misses a name that is, letter for
# letter, nearly the same. Compared as one string without spaces, such a name is within
# a few edits: one per eight letters, at most three, and only when one of the two names
# shows visible damage (a control character or stray byte, mojibake, a digit inside a
# word, a character no company name is written with). Two clean names one letter apart
# ("Export Bank of Iran" / "of Iraq") stay two names.
DAMAGE_EDITS_PER_LETTER = 1 / 8
DAMAGE_MAX_EDITS = 3
DAMAGE_MIN_LETTERS = 8
DAMAGE_SCORE = MATCH_THRESHOLD + 0.04
# caps that damage cannot explain: a number, a holding word, another kind of legal form
_DAMAGE_KEEPS = CAPS - {"extra_distinct_word"}
_VISIBLE_DAMAGE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffd\u00ad]|[ÃÂ][\x80-\xbf\u0152-\u2122]|[A-Za-z][0-9][A-Za-z]|"
                             r"(?<![A-Za-z0-9])[0-9][A-Za-z]{2,}|[A-Za-z]{2,}[0-9](?![A-Za-z0-9])|[\[\]{}|\\~^`<>?!#$%*_=\"]")


_OCR_DIGIT = re.compile(r"[A-Za-z][0-9]+[A-Za-z]")


_NOT_ALNUM = re.compile(r"[\W_]+")  # every character that is not str.isalnum()


def _letters(text: str) -> str:
    """``text`` without the characters that are not letters or digits."""
    return text if text.isalnum() else _NOT_ALNUM.sub("", text)


def _compact(side: ParsedName) -> str:
    return _letters("".join([t.text for t in side.tokens]))


def _as_written_letters(side: ParsedName) -> str:
    return _letters(side.original.casefold())


def _damaged_text(a: ParsedName, b: ParsedName, features: list[MatchFeature]) -> None:
    current = max(0.0, min(1.0, sum([f.weight for f in features])))
    if current >= DAMAGE_SCORE:
        return
    keeps = _DAMAGE_KEEPS
    if _OCR_DIGIT.search(a.original) or _OCR_DIGIT.search(b.original):
        keeps = keeps - {"number_one_side"}  # "EXP0RT": the lone number is a letter read as a digit
    if any(f.name in keeps for f in features):
        return
    ca, cb = _compact(a), _compact(b)
    if ca != cb:
        # a small word glued to its neighbour is dropped on one side only ("UNION OF GOOD" /
        # "UNIONOF GOOD"): the letters of the names as written may still be the same
        la, lb = (_as_written_letters(side) for side in (a, b))
        if la == lb:
            ca, cb = la, lb
    shorter = min(len(ca), len(cb))
    if shorter < DAMAGE_MIN_LETTERS:
        return
    edits = OSA.distance(ca, cb, score_cutoff=DAMAGE_MAX_EDITS + 1)
    allowed = min(DAMAGE_MAX_EDITS, int(shorter * DAMAGE_EDITS_PER_LETTER))
    if edits > allowed or (edits and not (_VISIBLE_DAMAGE.search(a.original) or _VISIBLE_DAMAGE.search(b.original))):
        return
    how = "alleen anders gespatieerd" if edits == 0 else f"op {edits} beschadigde teken(s) na gelijk"
    features.append(MatchFeature("damaged_text", round(DAMAGE_SCORE - current, 4),
                                 f"Zonder spaties gelezen zijn de namen {how} ('{ca}' / '{cb}'): "
                                 "waarschijnlijk dezelfde naam, beschadigd bij het overnemen (stuurteken, OCR, verloren spatie)."))


def _out_of_order(pairs: list[Pair]) -> bool:
    if len(pairs) < 2:
        return False
    ordered = sorted((p for p in pairs if p.how != "join"), key=lambda p: min(p.a))
    positions = [min(p.b) for p in ordered]
    return any(x > y for x, y in zip(positions, positions[1:]))


def _company_rules(a: ParsedName, b: ParsedName, al: Alignment, features: list[MatchFeature]) -> None:
    plain = [side.original for side in (a, b) if side.generic_only] if a.generic_only or b.generic_only else []
    if plain:
        _cap(features, CAP_POSSIBLE, "generic_name",
             f"'{plain[0]}' bestaat alleen uit algemene woorden en een rechtsvorm: zo'n naam wijst geen "
             "bepaalde onderneming aan; hoogstens een mogelijke overeenkomst.")
    for side in (a, b):
        for form in side.legal_forms:
            if form.written:
                features.append(MatchFeature("legal_form_typo", 0.0, f"'{form.written}' in '{side.original}' gelezen als de "
                                             f"rechtsvorm {form.display} (tikfout of beschadigd teken)."))
    forms_a = [f for f in a.legal_forms if not f.modifier]
    forms_b = [f for f in b.legal_forms if not f.modifier]
    if forms_a and forms_b:
        fa, fb = forms_a[-1], forms_b[-1]
        if fa.key == fb.key or fa.groups & fb.groups:
            features.append(MatchFeature("legal_form_equal", 0.0, f"Zelfde rechtsvorm ({fa.display}); telt niet mee voor de naam."))
        elif fa.generics & fb.generics:
            features.append(MatchFeature("legal_form_similar", 0.0, f"Vergelijkbare rechtsvorm ({fa.display} / {fb.display})."))
        else:
            features.append(MatchFeature("legal_form_differs", FORM_DIFFERS, f"Andere rechtsvorm ({fa.display} / {fb.display})."))
            if fa.generics and fb.generics:
                _cap(features, CAP_POSSIBLE, "legal_form_cap",
                     "Een andere soort rechtsvorm: mogelijk een andere rechtspersoon met dezelfde naam.")
    struct_a = {a.tokens[i].text for i in al.left_a if a.tokens[i].kind is STRUCTURAL}
    struct_b = {b.tokens[j].text for j in al.left_b if b.tokens[j].kind is STRUCTURAL}
    extra = sorted(struct_a ^ struct_b) if struct_a or struct_b else []
    if extra:
        _cap(features, CAP_POSSIBLE, "structural_word",
             f"'{', '.join(extra)}' staat maar in één naam: mogelijk een verwante rechtspersoon (holding, dochter, landenvestiging), niet dezelfde.")
    if al.left_a and al.left_b:
        return  # a conflict, already counted
    side, left = (a, al.left_a) if al.left_a else (b, al.left_b)
    generic = [side.tokens[i].text for i in left if side.tokens[i].kind is GENERIC]
    distinct = [side.tokens[i].text for i in left if side.tokens[i].kind is NAME]
    if generic:
        features.append(MatchFeature("extra_generic_word", round(EXTRA_GENERIC * len(generic), 4),
                                     f"Extra algemeen woord in één naam ('{' '.join(generic)}'): mogelijk een ander bedrijfsonderdeel."))
    if distinct and any(t.kind is NAME for t in (b.tokens if side is a else a.tokens)):
        _cap(features, CAP_POSSIBLE, "extra_distinct_word",
             f"Extra onderscheidend woord in één naam ('{' '.join(distinct)}'): mogelijk een verwante, andere onderneming.")


def _patronymic(tokens: tuple[Token, ...]) -> tuple[list[int], int, int] | None:
    """Positions of the own name(s), of "bin" and of the father's name in "Salman bin Khalid"."""
    for k, t in enumerate(tokens):
        if k and t.kind is PARTICLE and t.text in SON_OF:
            own = [i for i in range(k) if tokens[i].kind is NAME]
            father = next((i for i in range(k + 1, len(tokens)) if tokens[i].kind is NAME), None)
            return (own, k, father) if own and father is not None else None
    return None


def _father_and_son(a: ParsedName, b: ParsedName, al: Alignment) -> tuple[str, str] | None:
    """The father's name in one name is the own name in the other: "Salman bin Khalid" /
    "Khalid bin Salman", or "Mohammed bin Salman bin Abdulaziz" / "Salman bin
    Abdulaziz" (the second may be the first one's father)."""
    pa, pb = _patronymic(a.tokens), _patronymic(b.tokens)
    if pa is None or pb is None:
        return None
    forward = {i: j for p in al.pairs if len(p.a) == 1 and len(p.b) == 1 for i, j in [(p.a[0], p.b[0])]}
    backward = {j: i for i, j in forward.items()}
    own_a, _, father_a = pa
    own_b, _, father_b = pb
    if forward.get(father_a) in own_b or backward.get(father_b) in own_a:
        return _show(a.tokens, [*own_a, pa[1], father_a]), _show(b.tokens, [*own_b, pb[1], father_b])
    return None


def _person_rules(a: ParsedName, b: ParsedName, al: Alignment, full: list[Pair], initials: list[Pair],
                  features: list[MatchFeature]) -> None:
    generations = _father_and_son(a, b, al)
    if generations:
        _cap(features, CAP_POSSIBLE, "father_and_son",
             f"De vadersnaam in de ene naam is de eigen naam in de andere ('{generations[0]}' / '{generations[1]}'): "
             "mogelijk vader en zoon; hoogstens een mogelijke overeenkomst.")
    if a.generation and b.generation and a.generation != b.generation:
        features.append(MatchFeature("generation_differs", -0.3, f"{a.generation} tegenover {b.generation}: vader en zoon?"))
        _cap(features, CAP_POSSIBLE, "generation_cap", "Junior/senior verschilt: hoogstens een mogelijke overeenkomst.")
    names_a = [t for t in a.tokens if t.kind is NAME]
    names_b = [t for t in b.tokens if t.kind is NAME]
    inits_a = [t for t in a.tokens if t.kind is INITIAL]
    inits_b = [t for t in b.tokens if t.kind is INITIAL]
    joined = any(p.how in ("join", "merge") for p in al.pairs)
    single_a = len(names_a) == 1 and not inits_a and not joined
    single_b = len(names_b) == 1 and not inits_b and not joined
    if (single_a and len(names_b) + len(inits_b) > 1) or (single_b and len(names_a) + len(inits_a) > 1):
        _cap(features, CAP_POSSIBLE, "single_name", "Eén naam tegenover een volledige naam: te weinig om iemand aan te wijzen.")
    elif single_a and single_b:
        _cap(features, CAP_POSSIBLE, "single_name",
             "Aan beide kanten maar één naam (een voornaam of achternaam alleen): te weinig om iemand aan te wijzen; "
             "hoogstens een mogelijke naamgenoot.")
    if initials and not full:
        _cap(features, CAP_POSSIBLE, "initials_only", "Alleen voorletters komen overeen: te weinig om iemand aan te wijzen.")
    elif initials and len(full) <= 1 and len(initials) < 2:
        _cap(features, CAP_POSSIBLE, "initials_only",
             "De voornaam komt alleen als voorletter overeen; een voorletter past bij veel namen (mogelijke naamgenoot).")
    if a.titles or b.titles:
        features.append(MatchFeature("titles_ignored", 0.0, "Titels en aanspreekvormen ("
                                     + ", ".join(sorted(set(a.titles) | set(b.titles))) + ") tellen niet mee."))
    if a.reordered or b.reordered:
        features.append(MatchFeature("surname_first", 0.0, "'Achternaam, voornaam' gelezen als 'voornaam achternaam'."))
