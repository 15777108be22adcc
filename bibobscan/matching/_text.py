"""Low-level text folding shared by every part of the matcher.

Transliteration uses anyascii (ISC licence): Python's unicodedata can strip accents
("Erdoğan" -> "Erdogan") but cannot write Cyrillic, Greek, Arabic, Hebrew, Georgian,
Armenian or CJK names in Latin letters, and sanctions lists are full of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii

_APOSTROPHES = re.compile(r"['`\u00b4\u02bb\u02bc\u2018\u2019]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CHUNK = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*\.?|&")


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


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str  # letters and digits only
    dotted: bool  # written with a dot ("A.", "B.V.", "Co.")
    parts: tuple[str, ...]  # the pieces between dots: "a.b.c." -> ("a", "b", "c")


def chunks(text: str) -> list[Chunk]:
    """Cut a name into words, keeping what the dots said ("A.B.C." are initials)."""
    out: list[Chunk] = []
    for m in _CHUNK.finditer(lower_ascii(text)):
        raw = m.group(0)
        parts = tuple(p for p in raw.split(".") if p)
        out.append(Chunk(text="".join(parts) if parts else raw, dotted="." in raw, parts=parts or (raw,)))
    return out


def chunk_texts(text: str, *, collapse_letters: bool) -> list[str]:
    """The words of a name; with ``collapse_letters`` runs of single letters are one
    word ("B V" -> "bv", "A.B.C." -> "abc")."""
    out: list[str] = []
    run: list[str] = []
    for c in chunks(text):
        if collapse_letters and len(c.text) == 1 and c.text.isalpha():
            run.append(c.text)  # "B V", "A. B. C."
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(c.text)  # "b.v." is already one word: "bv"
    if run:
        out.append("".join(run))
    return out


_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ABJAD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def script_of(text: str) -> str:
    """'cjk' (Han, kana, Hangul), 'abjad' (Arabic, Hebrew) or 'alphabet' (the rest)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "alphabet"
    cjk = sum(1 for c in letters if _CJK.match(c))
    if cjk * 2 >= len(letters):
        return "cjk"
    abjad = sum(1 for c in letters if _ABJAD.match(c))
    if abjad * 2 >= len(letters):
        return "abjad"
    return "alphabet"


def cjk_letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalpha())
