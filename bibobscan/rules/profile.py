"""Scoring profiles: weights, theme caps and the band thresholds a municipality tunes.

    name: standaard
    thresholds:                      # ascending; the highest min <= total wins
      - {min: 0,  band: geen,            label: "geen indicaties"}
      - {min: 25, band: nader_onderzoek, label: "nader onderzoek aanbevolen"}
      - {min: 60, band: advies_lbb,      label: "overweeg advies LBB"}
    weights: {media.adverse.drugs: 1.5}   # multiplier per indicator id (default 1)
    theme_caps: {handhaving: 40}          # at most this many points per theme
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import IndicatorError
from ..model import Assessment, IndicatorHit, Outcome


@dataclass(frozen=True, slots=True)
class Threshold:
    min: float
    band: str
    label: str


@dataclass(slots=True)
class Profile:
    name: str
    thresholds: list[Threshold]
    weights: dict[str, float] = field(default_factory=dict)
    theme_caps: dict[str, float] = field(default_factory=dict)
    file: str = ""
    sha256: str = ""

    def weight(self, indicator_id: str) -> float:
        return self.weights.get(indicator_id, 1.0)


def load_profile(path: Path) -> Profile:
    file = str(path)
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw)
    except OSError as exc:
        raise IndicatorError(f"cannot read profile: {exc.strerror}", file=file) from exc
    except yaml.YAMLError as exc:
        raise IndicatorError(f"YAML syntax: {exc}", file=file) from exc
    if not isinstance(data, dict):
        raise IndicatorError("a profile is a mapping", file=file)
    unknown = sorted(set(data) - {"name", "description", "thresholds", "weights", "theme_caps"})
    if unknown:
        raise IndicatorError("unknown field", file=file, field=unknown[0])
    thresholds_raw = data.get("thresholds")
    if not isinstance(thresholds_raw, list) or not thresholds_raw:
        raise IndicatorError("must be a list of {min, band, label}", file=file, field="thresholds")
    thresholds: list[Threshold] = []
    for i, t in enumerate(thresholds_raw):
        if not isinstance(t, dict) or not isinstance(t.get("min"), (int, float)) or not t.get("band") or not t.get("label"):
            raise IndicatorError("each threshold needs min (number), band and label", file=file, field=f"thresholds[{i}]")
        thresholds.append(Threshold(float(t["min"]), str(t["band"]), str(t["label"])))
    if [t.min for t in thresholds] != sorted(t.min for t in thresholds) or thresholds[0].min != 0:
        raise IndicatorError("thresholds must ascend and start at min 0", file=file, field="thresholds")
    weights = _numbers(data.get("weights") or {}, file, "weights")
    caps = _numbers(data.get("theme_caps") or {}, file, "theme_caps")
    return Profile(
        name=str(data.get("name") or path.stem), thresholds=thresholds, weights=weights,
        theme_caps=caps, file=file, sha256=hashlib.sha256(raw).hexdigest(),
    )


def _numbers(value: Any, file: str, field_name: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise IndicatorError("must be a mapping of name: number", file=file, field=field_name)
    out: dict[str, float] = {}
    for k, v in value.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
            raise IndicatorError(f"{k!r} must be a number >= 0", file=file, field=f"{field_name}.{k}")
        out[str(k)] = float(v)
    return out


def assess(hits: list[IndicatorHit], profile: Profile, caveats: list[str]) -> Assessment:
    """Apply weights, then theme caps (points count for an indicator's first theme),
    then the thresholds. Weighted points are written back onto the hits."""
    per_theme: dict[str, float] = {}
    for hit in hits:
        if hit.outcome is not Outcome.HIT:
            continue
        hit.points = round(hit.points * profile.weight(hit.indicator_id), 2)
        theme = hit.themes[0] if hit.themes else "overig"
        per_theme[theme] = per_theme.get(theme, 0.0) + hit.points
    notes = list(caveats)
    for theme, cap in profile.theme_caps.items():
        if per_theme.get(theme, 0.0) > cap:
            notes.append(f"Thema {theme}: {per_theme[theme]:g} punten begrensd tot {cap:g} (profiel {profile.name}).")
            per_theme[theme] = cap
    total = round(sum(per_theme.values()), 2)
    chosen = profile.thresholds[0]
    for t in profile.thresholds:
        if total >= t.min:
            chosen = t
    return Assessment(
        total_points=total,
        band=chosen.band,
        band_label=chosen.label,
        points_per_theme={k: round(v, 2) for k, v in sorted(per_theme.items())},
        hits=sum(1 for h in hits if h.outcome is Outcome.HIT),
        insufficient=sum(1 for h in hits if h.outcome is Outcome.INSUFFICIENT),
        caveats=notes,
    )
