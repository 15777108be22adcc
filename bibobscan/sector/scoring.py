"""Evaluate indicator files on every establishment at once (pandas/numpy).

The semantics are exactly those of :func:`bibobscan.rules.evaluate` (the evaluator of
person and company scans): the same ``where`` conditions, ``measure``, first band that
holds, "insufficient data" when a required signal type is not covered for *that*
establishment, the same sentences (filled by :func:`bibobscan.rules.evaluate.fill`),
profile suppressions, weights and theme caps. Conditions are evaluated once per
distinct attribute value (``pandas.factorize``), measures with a group-by over the
establishment row, so 50,000 establishments take well under a second per indicator.
tests/test_sector.py checks the result against the per-establishment evaluator.

Which indicators: those with ``applies_to: [sector]``. An indicator whose ``signal`` is
an ``area.*`` type describes the area as a whole and is evaluated once (by the ordinary
evaluator); every other sector indicator is evaluated per establishment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from ..model import Evidence, IndicatorHit, Outcome, Signal
from ..rules import Indicator, Profile, condition_holds
from ..rules.evaluate import fill
from .signals import SignalTables

NO_HIT, HIT, INSUFFICIENT = 0, 1, 2


def sector_indicators(indicators: list[Indicator]) -> tuple[list[Indicator], list[Indicator]]:
    """(establishment-level, area-level) indicators of a rule set."""
    usable = [i for i in indicators if "sector" in i.applies_to and i.status != "deprecated"]
    return [i for i in usable if not i.signal.startswith("area.")], [i for i in usable if i.signal.startswith("area.")]


def _holds(values: np.ndarray, cond: Any) -> np.ndarray:
    """condition_holds for every value, computed once per distinct value."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([condition_holds(u, cond) for u in uniques] + [condition_holds(None, cond)], dtype=bool)
    picked: np.ndarray = table[codes]  # code -1 (None) picks the last entry
    return picked


def _to_float(u: Any) -> float:
    try:
        return float(u)
    except (TypeError, ValueError):
        return math.nan


def _numbers(values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return np.zeros(0, dtype=float)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([_to_float(u) for u in uniques] + [math.nan], dtype=float)
    picked: np.ndarray = table[codes]
    return picked


@dataclass(slots=True)
class IndicatorResult:
    """One indicator over all establishments."""

    indicator: Indicator
    outcome: np.ndarray  # int8: NO_HIT / HIT / INSUFFICIENT
    band: np.ndarray  # index into indicator.bands, -1 = none
    value: np.ndarray  # measured value, NaN = none
    count: np.ndarray  # number of selected signals
    points: np.ndarray  # weighted, rounded points of a hit; 0 otherwise
    chosen: pd.DataFrame  # the selected signals (columns of the type's table)
    suppressed: dict[int, list[str]] = field(default_factory=dict)
    _index: dict[int, np.ndarray] | None = None  # row -> positions in ``chosen`` (built on first use)
    _columns: dict[str, list[Any]] = field(default_factory=dict)  # ``chosen`` as lists (built on first use)

    def hit_for(self, row: int, subject: str) -> IndicatorHit:
        """The IndicatorHit of one establishment, sentence included."""
        ind = self.indicator
        outcome = int(self.outcome[row])
        reasons = self.suppressed.get(row, [])
        if outcome == INSUFFICIENT:
            missing = list(ind.requires)
            return IndicatorHit(
                indicator_id=ind.id, version=ind.version, title=ind.title, outcome=Outcome.INSUFFICIENT,
                themes=list(ind.themes), legal_anchor=ind.legal_anchor, status=ind.status,
                sentence=fill(ind.insufficient, {"subject": subject}, []),
                reason=f"Voor deze vestiging niet geleverd: {', '.join(missing)}.", suppressed=list(reasons),
            )
        chosen = self._chosen_signals(row)
        value = self.value[row]
        values: dict[str, Any] = {"subject": subject, "count": len(chosen), "value": float(value) if not math.isnan(value) else "?"}
        if outcome == NO_HIT:
            reason = "Geen signaal voldeed aan de voorwaarden." if not chosen else f"Gemeten waarde {values['value']} valt in geen enkele band."
            return IndicatorHit(
                indicator_id=ind.id, version=ind.version, title=ind.title, outcome=Outcome.NO_HIT,
                themes=list(ind.themes), legal_anchor=ind.legal_anchor, status=ind.status, sentence=fill(ind.no_hit, values, chosen),
                reason=reason, suppressed=list(reasons),
            )
        band = ind.bands[int(self.band[row])]
        values.update(points=band.points, band=band.name)
        evidence: list[str] = []
        for s in chosen:
            evidence.extend(e for e in s.evidence_ids if e not in evidence)
        return IndicatorHit(
            indicator_id=ind.id, version=ind.version, title=ind.title, outcome=Outcome.HIT,
            themes=list(ind.themes), legal_anchor=ind.legal_anchor, status=ind.status, band=band.name, points=float(self.points[row]),
            sentence=fill(band.sentence, values, chosen), evidence_ids=evidence, suppressed=list(reasons),
        )

    def _chosen_signals(self, row: int) -> list[Signal]:
        if self._index is None:
            self._index = {int(k): v for k, v in self.chosen.groupby("row", sort=False).indices.items()}
            self._columns = {c: self.chosen[c].tolist() for c in self.chosen.columns if c != "row"}
        positions = self._index.get(row)
        if positions is None:
            return []
        cols = self._columns
        evs = cols["ev"]
        attrs = [c for c in cols if c != "ev"]
        return [Signal(self.indicator.signal, {a: _plain(cols[a][k]) for a in attrs}, list(evs[k])) for k in positions.tolist()]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def evaluate_tables(
    indicators: list[Indicator],
    tables: SignalTables,
    profile: Profile,
    *,
    evidence: list[Evidence] | None = None,
    extra_coverage: set[str] | None = None,
) -> list[IndicatorResult]:
    """Evaluate establishment-level ``indicators`` for every row of ``tables``.

    ``extra_coverage`` holds signal types covered for every establishment (e.g. area
    types an establishment indicator might require)."""
    n = tables.n
    results: list[IndicatorResult] = []
    for ind in indicators:
        table = tables.by_type.get(ind.signal)
        if table is None:
            table = pd.DataFrame({"row": np.zeros(0, dtype=np.int64), "ev": np.zeros(0, dtype=object)})
        suppressed_rows: dict[int, list[str]] = {}
        if profile.suppress and evidence is not None and len(table):
            suppressed = profile.suppressions_for(ind.id, evidence)
            if suppressed:
                evs = table["ev"].tolist()
                drop = np.array([bool(e) and all(x in suppressed for x in e) for e in evs], dtype=bool)
                if drop.any():
                    for r, e in zip(table.loc[drop, "row"].tolist(), [evs[i] for i in np.flatnonzero(drop)]):
                        reasons = suppressed_rows.setdefault(int(r), [])
                        for x in e:
                            text = f"Onderdrukt door profiel {profile.name}: {suppressed[x]}"
                            if text not in reasons:
                                reasons.append(text)
                    table = table.loc[~drop]
                    for r in suppressed_rows:
                        suppressed_rows[r].sort()
        mask = np.ones(len(table), dtype=bool)
        for attr, cond in ind.where.items():
            values = table[attr].to_numpy(dtype=object) if attr in table.columns else np.full(len(table), None, dtype=object)
            mask &= _holds(values, cond)
        chosen = table.loc[mask]
        rows = chosen["row"].to_numpy(dtype=np.int64)
        count = np.bincount(rows, minlength=n).astype(np.int64)
        value = np.full(n, np.nan)
        spec = ind.measure
        if spec == "count":
            value[count > 0] = count[count > 0]
        else:
            fn, attr = spec.split("(", 1)
            attr = attr.rstrip(")")
            raw = chosen[attr].to_numpy(dtype=object) if attr in chosen.columns else np.full(len(chosen), None, dtype=object)
            if fn == "distinct":
                keep = np.array([v is not None for v in raw], dtype=bool)
                distinct = pd.DataFrame({"row": rows[keep], "v": [str(v) for v in raw[keep]]}).groupby("row")["v"].nunique()
                value[count > 0] = 0.0
                value[distinct.index.to_numpy(dtype=np.int64)] = distinct.to_numpy(dtype=float)
            else:
                numbers = pd.Series(_numbers(raw), index=rows)
                grouped = numbers.groupby(level=0)
                agg = grouped.max() if fn == "max" else grouped.min() if fn == "min" else grouped.sum(min_count=1)
                agg = agg.dropna()
                value[agg.index.to_numpy(dtype=np.int64)] = agg.to_numpy(dtype=float)
        band = np.full(n, -1, dtype=np.int64)
        measured = ~np.isnan(value)
        if measured.any():
            vals = value[measured]
            chosen_band = np.full(len(vals), -1, dtype=np.int64)
            for i in range(len(ind.bands) - 1, -1, -1):
                holds = _holds(vals.astype(object), ind.bands[i].when)
                chosen_band[holds] = i
            band[measured] = chosen_band
        ok = np.ones(n, dtype=bool)
        for t in ind.requires:
            if extra_coverage is not None and t in extra_coverage:
                continue
            ok &= tables.covered(t)
        outcome = np.where(~ok, INSUFFICIENT, np.where(band >= 0, HIT, NO_HIT)).astype(np.int8)
        weight = profile.weight(ind.id)
        band_points = np.array([round(b.points * weight, 2) for b in ind.bands] + [0.0], dtype=float)
        points = np.where(outcome == HIT, band_points[band], 0.0)
        results.append(IndicatorResult(ind, outcome, band, value, count, points, chosen.reset_index(drop=True), suppressed_rows))
    return results


@dataclass(slots=True)
class RowAssessment:
    """Per establishment: total points, band (profile thresholds), points per theme."""

    total: np.ndarray
    band: np.ndarray  # index into profile.thresholds
    hits: np.ndarray
    insufficient: np.ndarray
    capped: dict[str, np.ndarray]  # theme -> rows where the cap applied


def assess_rows(results: list[IndicatorResult], profile: Profile, n: int) -> RowAssessment:
    """:func:`bibobscan.rules.assess` for every establishment at once: weighted points per
    first theme, theme caps, total (rounded to 2 decimals), highest threshold reached."""
    per_theme: dict[str, np.ndarray] = {}
    hits = np.zeros(n, dtype=np.int64)
    insufficient = np.zeros(n, dtype=np.int64)
    for res in results:
        theme = res.indicator.themes[0] if res.indicator.themes else "overig"
        per_theme.setdefault(theme, np.zeros(n))
        per_theme[theme] = per_theme[theme] + res.points
        hits += res.outcome == HIT
        insufficient += res.outcome == INSUFFICIENT
    capped: dict[str, np.ndarray] = {}
    for theme, cap in profile.theme_caps.items():
        if theme in per_theme:
            over = per_theme[theme] > cap
            if over.any():
                capped[theme] = over
                per_theme[theme] = np.where(over, cap, per_theme[theme])
    total = np.round(sum(per_theme.values(), np.zeros(n)), 2)
    mins = np.array([t.min for t in profile.thresholds], dtype=float)
    band = np.searchsorted(mins, total, side="right") - 1
    return RowAssessment(total=total, band=np.clip(band, 0, len(mins) - 1), hits=hits, insufficient=insufficient, capped=capped)
