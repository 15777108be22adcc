"""The bundled CBS municipality list (state 2024, 342 gemeenten) and lookups.

``--municipality`` accepts a CBS code ("GM0855", "0855", "855"), the official name
("Tilburg", "'s-Hertogenbosch", "Bergen (NH.)"; case, accents, apostrophes, dots and
brackets do not matter, so "s Hertogenbosch" and "Bergen NH" work) or a common alias from
:data:`ALIASES` ("Den Haag", "Den Bosch"). Nothing else is guessed: an unknown or
ambiguous name ("Bergen") gets the nearest valid names in the error.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from importlib.resources import files

from rapidfuzz import process

from .errors import UsageError
from .model import Municipality

LIST_YEAR = 2024

# Common names that are not the official CBS name -> official name. Compared in loose
# form (see _loose), so "Den Haag", "den-haag" and "DEN HAAG" are one entry. Only names
# that fit one municipality: "Bergen" alone (two municipalities) stays an error that
# lists both.
ALIASES: dict[str, str] = {
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "den bosch": "'s-Hertogenbosch",
    "hertogenbosch": "'s-Hertogenbosch",
    "bergen noord holland": "Bergen (NH.)",
    "bergen limburg": "Bergen (L.)",
    "hengelo": "Hengelo (O.)",
    "hengelo o": "Hengelo (O.)",
    "hengelo ov": "Hengelo (O.)",
    "laren": "Laren (NH.)",
    "rijswijk": "Rijswijk (ZH.)",
    "middelburg": "Middelburg (Z.)",
    "beek": "Beek (L.)",
    "nuenen": "Nuenen, Gerwen en Nederwetten",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _loose(text: str) -> str:
    """Letters and digits only, one space between words: "'s-Hertogenbosch" and
    "s Hertogenbosch" -> "s hertogenbosch", "Bergen (NH.)" and "Bergen NH" -> "bergen nh"."""
    return " ".join(re.findall(r"[^\W_]+", _fold(text)))


@functools.cache
def all_municipalities() -> tuple[Municipality, ...]:
    raw = files("bibobscan").joinpath("data/cbs_gemeenten_2024.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(raw.splitlines())
    return tuple(Municipality(code=r["gm_code"], name=r["gemeentenaam"]) for r in rows)


@functools.cache
def _by_key() -> dict[str, Municipality]:
    index: dict[str, Municipality] = {}
    by_name = {m.name: m for m in all_municipalities()}
    for m in all_municipalities():
        index[m.code.casefold()] = m
        index[_fold(m.name)] = m
    for m in all_municipalities():
        index.setdefault(_loose(m.name), m)
    for alias, name in ALIASES.items():
        index.setdefault(_loose(alias), by_name[name])
    return index


def resolve_municipality(value: str) -> Municipality:
    """A municipality by CBS code, official name or alias (case/diacritics/punctuation-insensitive)."""
    key = _fold(value)
    if not key:
        raise UsageError("--municipality is empty; give a name (Tilburg) or CBS code (GM0855)")
    digits = key[2:] if key.startswith("gm") else key
    if digits.isdigit():
        key = f"gm{int(digits):04d}"
    found = _by_key().get(key) or _by_key().get(_loose(value))
    if found:
        return found
    names = [m.name for m in all_municipalities()]
    loose = _loose(value)
    same_start = [n for n in names if loose and _loose(n).startswith(loose + " ")]
    nearest = list(dict.fromkeys([*same_start[:4], *(n for n, _score, _i in process.extract(value, names, limit=3))]))
    raise UsageError(
        f"unknown municipality {value!r} (CBS list {LIST_YEAR}); nearest: {', '.join(nearest)}"
    )
