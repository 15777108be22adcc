"""The bundled CBS municipality list (state 2024, 342 gemeenten) and lookups.

``--municipality`` accepts a CBS code ("GM0855", "0855", "855") or a name
("Tilburg", "den bosch" is *not* guessed: an unknown name gets the nearest valid
names in the error).
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from importlib.resources import files

from rapidfuzz import process

from .errors import UsageError
from .model import Municipality

LIST_YEAR = 2024


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@functools.cache
def all_municipalities() -> tuple[Municipality, ...]:
    raw = files("bibobscan").joinpath("data/cbs_gemeenten_2024.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(raw.splitlines())
    return tuple(Municipality(code=r["gm_code"], name=r["gemeentenaam"]) for r in rows)


@functools.cache
def _by_key() -> dict[str, Municipality]:
    index: dict[str, Municipality] = {}
    for m in all_municipalities():
        index[m.code.casefold()] = m
        index[_fold(m.name)] = m
    return index


def resolve_municipality(value: str) -> Municipality:
    """A municipality by CBS code or exact (case/diacritics-insensitive) name."""
    key = _fold(value)
    if not key:
        raise UsageError("--municipality is empty; give a name (Tilburg) or CBS code (GM0855)")
    digits = key[2:] if key.startswith("gm") else key
    if digits.isdigit():
        key = f"gm{int(digits):04d}"
    found = _by_key().get(key)
    if found:
        return found
    names = [m.name for m in all_municipalities()]
    nearest = [n for n, _score, _i in process.extract(value, names, limit=3)]
    raise UsageError(
        f"unknown municipality {value!r} (CBS list {LIST_YEAR}); nearest: {', '.join(nearest)}"
    )
