"""Low-level text folding shared by every part of the matcher.

Transliteration uses anyascii (ISC licence): Python's unicodedata can strip accents
("Erdoğan" -> "Erdogan") but cannot write Cyrillic, Greek, Arabic, Hebrew, Georgian,
Armenian or CJK names in Latin letters, and sanctions lists are full of them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from anyascii import anyascii
from ftfy import fix_encoding

_APOSTROPHES = re.compile(r"['`\u00b4\u02bb\u02bc\u2018\u2019]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CHUNK = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*\.?|&")


# Control characters (C0, DEL, C1), the replacement character, the soft hyphen and the
# ellipsis a stray byte 0x85 becomes in cp1252: never part of a name, always a separator.
WILD = "_"  # a letter that was damaged beyond reading (see readings())
_MARK = "\ue000"  # a lone C1 byte while ftfy runs (private use: no name has it)
_STRAY = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffd\u00ad\u2026\ue000]")
# a C1 control that cannot be a byte of mojibake: not after the lead byte of a UTF-8
# sequence read as cp1252/latin-1, nor after another byte of one
_LONE_C1 = re.compile("(?<![\u00c2-\u00f4\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                      "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122])[\u0080-\u009f]")
# A stray character or odd punctuation between two letters: a space or a letter was
# damaged, and which of the two cannot be told (see readings()).
_INSIDE = re.compile(r"(?<=[^\W\d_])[\x00-\x1f\x7f-\x9f\ufffd\u00ad\u2026\ue000\[\]{}|\\~^`;:<>?!@#$%*_+=]+(?=[^\W\d_])")


@functools.lru_cache(maxsize=32768)
def _unmojibake(text: str) -> str:
    """Mojibake repaired by ftfy; a lone C1 byte is marked first, so that ftfy does not
    read it as a cp1252 letter ("\x8c" -> "Œ")."""
    return text if text.isascii() else fix_encoding(_LONE_C1.sub(_MARK, text))


def repair(text: str) -> str:
    """A name as it was meant: mojibake repaired (UTF-8 read as cp1252 or latin-1:
    "CafÃ© " -> "Café ", by ftfy), control characters and stray bytes turned into
    spaces ("Name\x13Inc" -> "Name Inc"). ASCII text without control characters passes
    unchanged and fast."""
    if text.isascii() and text.isprintable():
        return text
    return _STRAY.sub(" ", _unmojibake(text))


def readings(name: str, wild: bool = False) -> list[str]:
    """The ways a damaged name can be read: as repaired (a stray character is a space,
    "Na\x85e LLC" -> "Na e LLC") and, when a stray character or odd punctuation sits
    between two letters, also with it left out ("Nae LLC": it was a letter). The
    comparison takes the better reading; an undamaged name has one reading. With
    ``wild`` (company names) a third reading keeps a single stray character as
    :data:`WILD`, a letter that was there but cannot be read ("Na_e LLC"). Not for
    persons: "Sm?t" may be Smit or Smet, and a namesake is the greater risk there."""
    if name.isascii() and name.isprintable() and not _INSIDE.search(name):
        return [name]
    fixed = _unmojibake(name)
    joined = _INSIDE.sub("", fixed)
    if joined == fixed:
        return [name]
    if not wild:
        return [name, joined]
    # one damaged letter each: a wildcard (see _features.typo_similarity)
    return list(dict.fromkeys([name, joined, _INSIDE.sub(lambda m: WILD if len(m.group(0)) == 1 else "", fixed)]))


def translit(text: str) -> str:
    """NFKC, then Latin letters for any script; ASCII text passes unchanged."""
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else anyascii(text)


def lower_ascii(text: str) -> str:
    """Transliterated, case-folded, apostrophes dropped ("d'Arc" -> "darc")."""
    return _APOSTROPHES.sub("", translit(text).casefold())


def fold_text(text: str) -> str:
    """Case-folded ASCII words separated by single spaces; punctuation becomes space.

    For searching names in running text: ``fold_text("Café 'De Kroon' B.V.")`` is
    ``"cafe de kroon b v"``.
    """
    return _NON_ALNUM.sub(" ", lower_ascii(text)).strip()


def fold_key(text: str) -> str:
    """Like :func:`fold_text` but dots join letters: ``"B.V."`` -> ``"bv"``."""
    return _NON_ALNUM.sub(" ", lower_ascii(text).replace(".", "")).strip()


# Chunk and Word are NamedTuples, not frozen dataclasses: one of each is made for every
# word of every name parsed, and a frozen dataclass takes several times as long to build.
class Chunk(NamedTuple):
    text: str  # letters and digits only
    dotted: bool  # written with a dot ("A.", "B.V.", "Co.")
    parts: tuple[str, ...]  # the pieces between dots: "a.b.c." -> ("a", "b", "c")
    capitals: bool = False  # written in capitals in a name that also has small letters ("SA", "JC")
    inner_capital: bool = False  # a capital after a small letter inside the word ("GmbH", "KGaA")
    script: str = "LATIN"  # the script it was written in: LATIN, CYRILLIC, ARABIC, CJK, ...
    commas_before: int = 0  # commas in the name before this word ("Visser, A.B.")

    @property
    def latin(self) -> bool:
        return self.script == "LATIN"


_VOWELS = frozenset("aeiouy")
_CHUNK_AS_WRITTEN = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*\.?|&")


def _script(word: str) -> str:
    """The first word of the Unicode name of its first non-Latin letter, else LATIN."""
    for ch in word:
        if ch.isalpha() and not ch.isascii():
            name = unicodedata.name(ch, "LATIN")
            if not name.startswith(("LATIN", "MODIFIER")):
                return name.split()[0]
    return "LATIN"


_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def _chunk(raw_written: str, capitals: bool, inner_capital: bool, script: str, commas: int) -> Chunk:
    raw = raw_written.casefold()
    parts = tuple(p for p in raw.split(".") if p)
    return Chunk(text="".join(parts) if parts else raw, dotted="." in raw, parts=parts or (raw,), capitals=capitals,
                 inner_capital=inner_capital, script=script, commas_before=commas)


def chunks(text: str) -> list[Chunk]:
    """Cut a name into words, keeping what the dots said ("A.B.C." are initials) and
    how each word was written: in capitals, with a capital inside, in Latin letters."""
    out: list[Chunk] = []
    original = text if text.isascii() else unicodedata.normalize("NFKC", text)
    # the case of a word says something only when the name mixes capitals and small letters
    mixed_case = original.lower() != original and original.upper() != original
    commas = 0
    if original.isascii():
        written = _APOSTROPHES.sub("", original)
        lowered = written.casefold()
        has_upper = lowered != written
        # "aB" lies inside one chunk, so a name without it anywhere has no chunk with it
        inner_capitals = has_upper and _INNER_CAPITAL.search(written) is not None
        end = 0
        for m in _CHUNK_AS_WRITTEN.finditer(written):
            start, stop = m.span()
            if "," in written[end:start]:
                commas += written.count(",", end, start)
            end = stop
            raw = lowered[start:stop]
            if "." in raw:
                parts = tuple(p for p in raw.split(".") if p)
                chunk_text, dotted = "".join(parts) if parts else raw, True
            else:
                parts, chunk_text, dotted = (raw,), raw, False
            raw_written = written[start:stop] if has_upper else raw
            out.append(Chunk(chunk_text, dotted, parts or (raw,),
                             mixed_case and raw_written.isupper(),
                             inner_capitals and _INNER_CAPITAL.search(raw_written) is not None, "LATIN", commas))
        return out
    for piece in original.split():
        script = _script(piece)
        latin = script == "LATIN"
        # a word in a script without capitals (Arabic, CJK) is never "in capitals"; one
        # in Cyrillic or Greek is judged on its own letters, not on the transliteration
        native_capitals = piece.isupper()
        written = _APOSTROPHES.sub("", translit(piece))
        end = 0
        for m in _CHUNK_AS_WRITTEN.finditer(written):
            commas += written.count(",", end, m.start())
            end = m.end()
            raw_written = m.group(0)
            capitals = mixed_case and (raw_written.isupper() if latin else native_capitals)
            inner = latin and _INNER_CAPITAL.search(raw_written) is not None
            out.append(_chunk(raw_written, capitals, inner, script, commas))
        commas += written.count(",", end)
    return out


class Word(NamedTuple):
    """A word of a company name as compared (runs of single letters joined) and how
    it was written."""

    text: str
    as_form: bool  # dotted, in capitals in a mixed-case name, or with a capital inside
    script: str  # LATIN, CYRILLIC, ...: see Chunk
    initials: bool = False  # may be initials: "A.B.", "J P", or "JP" in capitals without a vowel
    commas_before: int = 0

    @property
    def latin(self) -> bool:
        return self.script == "LATIN"


def chunk_words(text: str, *, collapse_letters: bool) -> list[Word]:
    """Like :func:`chunk_texts`, with how each word was written."""
    out: list[Word] = []
    run: list[Chunk] = []

    def flush() -> None:
        if run:
            out.append(Word("".join(c.text for c in run), all(c.dotted or c.capitals for c in run), run[0].script,
                            initials=True, commas_before=run[0].commas_before))
            run.clear()

    for c in chunks(text):
        if collapse_letters and len(c.text) == 1 and c.text.isalpha():
            run.append(c)  # "B V", "A. B. C."
            continue
        if run:
            flush()
        initials = (c.dotted and all(len(p) == 1 and p.isalpha() for p in c.parts)) or (
            c.capitals and not c.dotted and 2 <= len(c.text) <= 3 and c.text.isalpha() and not set(c.text) & _VOWELS)
        out.append(Word(c.text, c.dotted or c.capitals or c.inner_capital, c.script, initials=initials,
                        commas_before=c.commas_before))
    flush()
    return out


def chunk_texts(text: str, *, collapse_letters: bool) -> list[str]:
    """The words of a name; with ``collapse_letters`` runs of single letters are one
    word ("B V" -> "bv", "A.B.C." -> "abc")."""
    return [w.text for w in chunk_words(text, collapse_letters=collapse_letters)]


_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ABJAD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Brahmic scripts of South Asia, Tibetan, Myanmar and Khmer: a letter carries a vowel
# that is not written, so their transliteration loses vowels as Arabic script does.
# (Thai and Lao write their vowels and are left out.)
_ABUGIDA = re.compile(r"[\u0900-\u0DFF\u0F00-\u0FFF\u1000-\u109F\u1780-\u17FF]")


def script_of(text: str) -> str:
    """'cjk' (Han, kana, Hangul), 'abjad' (Arabic, Hebrew), 'abugida' (the Brahmic
    scripts of South and South-East Asia) or 'alphabet' (the rest)."""
    if text.isascii() or max(text) < "\u0590":
        return "alphabet"  # every character below the first of the three kinds' ranges
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "alphabet"
    cjk = sum(1 for c in letters if _CJK.match(c))
    if cjk * 2 >= len(letters):
        return "cjk"
    abjad = sum(1 for c in letters if _ABJAD.match(c))
    if abjad * 2 >= len(letters):
        return "abjad"
    if sum(1 for c in letters if _ABUGIDA.match(c)) * 2 >= len(letters):
        return "abugida"
    return "alphabet"


def cjk_letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalpha())
