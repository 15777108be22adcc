"""Evaluate indicators on signals. No I/O; the same signals always give the same hits."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ..model import IndicatorHit, Outcome, Signal
from .model import Band, Indicator

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def condition_holds(value: Any, cond: Any) -> bool:
    """Does ``value`` satisfy ``cond`` (a plain value for equality, or {op: arg})?"""
    if not isinstance(cond, dict):
        return _eq(value, cond)
    for op, arg in cond.items():
        if not _apply(op, value, arg):
            return False
    return True


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a).casefold() == str(b).casefold()
    return bool(a == b)


def _apply(op: str, value: Any, arg: Any) -> bool:
    if op == "eq":
        return _eq(value, arg)
    if op == "ne":
        return not _eq(value, arg)
    if op == "in":
        return any(_eq(value, a) for a in arg)
    if op == "not_in":
        return not any(_eq(value, a) for a in arg)
    if op in ("contains", "not_contains"):
        if value is None:
            return False  # a missing attribute neither contains nor lacks anything
        found = str(arg).casefold() in str(value).casefold()
        return found if op == "contains" else not found
    if op == "startswith":
        prefixes = arg if isinstance(arg, list) else [arg]
        return any(str(value).startswith(str(p)) for p in prefixes)
    try:
        v, a = float(value), float(arg)
    except (TypeError, ValueError):
        return False
    return {"gte": v >= a, "gt": v > a, "lte": v <= a, "lt": v < a}[op]


def selected(indicator: Indicator, signals: list[Signal]) -> list[Signal]:
    return [
        s for s in signals
        if s.type == indicator.signal and all(condition_holds(s.attrs.get(k), c) for k, c in indicator.where.items())
    ]


def measure(indicator: Indicator, chosen: list[Signal]) -> float | None:
    spec = indicator.measure
    if spec == "count":
        return float(len(chosen))
    fn, attr = spec.split("(", 1)
    attr = attr.rstrip(")")
    if fn == "distinct":
        return float(len({str(s.attrs.get(attr)) for s in chosen if s.attrs.get(attr) is not None}))
    numbers = []
    for s in chosen:
        try:
            numbers.append(float(s.attrs[attr]))
        except (KeyError, TypeError, ValueError):
            continue
    if not numbers:
        return None
    if fn == "max":
        return max(numbers)
    if fn == "min":
        return min(numbers)
    return float(sum(numbers))


def fill(template: str, values: dict[str, Any], chosen: list[Signal]) -> str:
    def repl(m: re.Match[str]) -> str:
        key = m.group(1)
        if key.startswith("first."):
            return str(chosen[0].attrs.get(key[6:], "?")) if chosen else "?"
        if key.startswith("list."):
            seen: list[str] = []
            for s in chosen:
                v = s.attrs.get(key[5:])
                if v not in (None, "") and str(v) not in seen:
                    seen.append(str(v))
            return ", ".join(seen) if seen else "?"
        v = values.get(key, "?")
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return _PLACEHOLDER.sub(repl, template)


def _hit(indicator: Indicator, outcome: Outcome, sentence: str, **extra: Any) -> IndicatorHit:
    return IndicatorHit(
        indicator_id=indicator.id, version=indicator.version, title=indicator.title, outcome=outcome,
        themes=list(indicator.themes), legal_anchor=indicator.legal_anchor, sentence=sentence, status=indicator.status, **extra,
    )


def evaluate(
    indicator: Indicator,
    signals: list[Signal],
    coverage: Collection[str],
    subject_name: str,
    partial: Collection[str] = frozenset(),
) -> IndicatorHit:
    """One indicator's outcome: hit (band, points, sentence), no hit, or insufficient data.

    ``coverage``: signal types a consulted source delivered in full; ``partial``: types
    delivered only in part (some requests failed). A hit on partial data still counts;
    "no hit" on partial data is not trustworthy and reads as insufficient data."""
    missing = [t for t in indicator.requires if t not in coverage and t not in partial]
    if missing:
        sentence = fill(indicator.insufficient, {"subject": subject_name}, [])
        return _hit(indicator, Outcome.INSUFFICIENT, sentence, reason=f"Geen bron leverde: {', '.join(missing)}.")
    chosen = selected(indicator, signals)
    value = measure(indicator, chosen) if chosen else None
    band: Band | None = None
    if value is not None:
        band = next((b for b in indicator.bands if condition_holds(value, b.when)), None)
    values: dict[str, Any] = {"subject": subject_name, "count": len(chosen), "value": value if value is not None else "?"}
    if band is None:
        incomplete = [t for t in indicator.requires if t not in coverage]
        if incomplete:
            sentence = fill(indicator.insufficient, {"subject": subject_name}, [])
            return _hit(indicator, Outcome.INSUFFICIENT, sentence, reason=f"Bron gaf een onvolledig antwoord voor: {', '.join(incomplete)} (zie de opmerkingen bij de bron); geen treffer is hier niet betrouwbaar.")
        reason = "Geen signaal voldeed aan de voorwaarden." if not chosen else f"Gemeten waarde {values['value']} valt in geen enkele band."
        return _hit(indicator, Outcome.NO_HIT, fill(indicator.no_hit, values, chosen), reason=reason)
    values.update(points=band.points, band=band.name)
    evidence_ids: list[str] = []
    for s in chosen:
        evidence_ids.extend(e for e in s.evidence_ids if e not in evidence_ids)
    return _hit(indicator, Outcome.HIT, fill(band.sentence, values, chosen), band=band.name, points=band.points, evidence_ids=evidence_ids)
