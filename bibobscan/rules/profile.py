"""Scoring profiles: weights, theme caps and the band thresholds a municipality tunes.

    name: standaard
    thresholds:                      # ascending; the highest min <= total wins
      - {min: 0,  band: geen,            label: "geen indicaties"}
      - {min: 25, band: nader_onderzoek, label: "nader onderzoek aanbevolen"}
      - {min: 60, band: advies_lbb,      label: "overweeg advies LBB"}
    weights: {media.adverse.drugs: 1.5}   # multiplier per indicator id (default 1)
    theme_caps: {handhaving: 40}          # at most this many points per theme
    suppress:                             # known false positives
      - reason: Eigen vastgoedbedrijf van de gemeente
        match: {kvk: "12345678"}          # kvk, name (contained), url_prefix or evidence_id
        indicators: [address.many_companies]   # optional; omitted = every indicator
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import IndicatorError
from ..model import Assessment, Evidence, IndicatorHit, Outcome
from ..resolve.names import fold
from .loader import load_yaml_with_lines, yaml_error

SUPPRESS_KEYS = ("kvk", "name", "url_prefix", "evidence_id")


@dataclass(frozen=True, slots=True)
class Threshold:
    min: float
    band: str
    label: str


@dataclass(frozen=True, slots=True)
class Suppression:
    reason: str
    match: dict[str, str]
    indicators: tuple[str, ...] = ()  # empty = all

    def applies_to(self, indicator_id: str) -> bool:
        return not self.indicators or indicator_id in self.indicators

    def matches(self, ev: Evidence) -> bool:
        for key, want in self.match.items():
            if key == "kvk" and str(ev.fields.get("kvk") or "") != want:
                return False
            if key == "name" and fold(want) not in fold(f"{ev.fields.get('name') or ''} {ev.title}"):
                return False
            if key == "url_prefix" and not ev.url.startswith(want):
                return False
            if key == "evidence_id" and ev.id != want:
                return False
        return True


@dataclass(slots=True)
class Profile:
    name: str
    thresholds: list[Threshold]
    weights: dict[str, float] = field(default_factory=dict)
    theme_caps: dict[str, float] = field(default_factory=dict)
    suppress: list[Suppression] = field(default_factory=list)
    # one event (bibobscan.events) scores under one of these indicators only: the first
    # in this list that hits on it; the others say "telt al mee onder ..."
    one_event_once: list[str] = field(default_factory=list)
    file: str = ""
    sha256: str = ""
    # line of each field in the profile file: "weights", "weights.<id>", "theme_caps.<theme>",
    # "suppress[i]", "suppress[i].indicators", ... (for error messages; empty when unknown)
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, field_name: str) -> int | None:
        """Line of ``field_name`` or, failing that, of its nearest enclosing field."""
        return _line_of(self.lines, field_name)

    def weight(self, indicator_id: str) -> float:
        return self.weights.get(indicator_id, 1.0)

    def suppressions_for(self, indicator_id: str, evidence: list[Evidence]) -> dict[str, str]:
        """Evidence ids suppressed for this indicator, with the reason."""
        out: dict[str, str] = {}
        for rule in self.suppress:
            if rule.applies_to(indicator_id):
                for ev in evidence:
                    if ev.id not in out and rule.matches(ev):
                        out[ev.id] = rule.reason
        return out


def load_profile(path: Path) -> Profile:
    file = str(path)
    try:
        raw = path.read_bytes()
        data = load_yaml_with_lines(raw)
    except OSError as exc:
        raise IndicatorError(f"cannot read profile: {exc.strerror}", file=file) from exc
    except yaml.YAMLError as exc:
        raise yaml_error(exc, file) from exc
    if not isinstance(data, dict):
        raise IndicatorError("a profile is a mapping", file=file)
    lines = _field_lines(data)
    try:
        return _parse_profile(data, path, raw, lines)
    except IndicatorError as exc:
        if exc.line is not None or not exc.field:
            raise
        raise IndicatorError(exc.reason, file=exc.file, line=_line_of(lines, exc.field), field=exc.field) from None


def _parse_profile(data: dict[str, Any], path: Path, raw: bytes, lines: dict[str, int]) -> Profile:
    file = str(path)
    unknown = sorted(set(data) - {"name", "description", "thresholds", "weights", "theme_caps", "suppress", "one_event_once"})
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
    once = data.get("one_event_once") or []
    if not isinstance(once, list) or not all(isinstance(x, str) and x.strip() for x in once):
        raise IndicatorError("must be a list of indicator ids, the one that wins first", file=file, field="one_event_once")
    if len(set(once)) != len(once):
        twice = next(x for x in once if once.count(x) > 1)
        raise IndicatorError(f"{twice!r} is listed twice", file=file, field="one_event_once")
    return Profile(
        name=str(data.get("name") or path.stem), thresholds=thresholds, weights=weights,
        theme_caps=caps, suppress=_suppressions(data.get("suppress") or [], file), one_event_once=[x.strip() for x in once],
        file=file, sha256=hashlib.sha256(raw).hexdigest(), lines=lines,
    )


def _line_of(lines: dict[str, int], field_name: str) -> int | None:
    """Line of ``field_name`` or, failing that, of its nearest enclosing field."""
    name = field_name
    while name:
        if name in lines:
            return lines[name]
        cut = max(name.rfind("."), name.rfind("["))
        name = name[:cut] if cut > 0 else ""
    return None


def _field_lines(data: Any, prefix: str = "") -> dict[str, int]:
    """Field path -> line, from the LineDicts of the line-aware YAML loader."""
    out: dict[str, int] = {}
    if isinstance(data, dict):
        key_lines: dict[str, int] = getattr(data, "key_lines", {})
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key in key_lines:
                out[name] = key_lines[key]
            out.update(_field_lines(value, name))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            name = f"{prefix}[{i}]"
            line = getattr(item, "line", 0)
            if line:
                out[name] = line
            out.update(_field_lines(item, name))
    return out


def _suppressions(value: Any, file: str) -> list[Suppression]:
    if not isinstance(value, list):
        raise IndicatorError("must be a list of {reason, match, indicators}", file=file, field="suppress")
    rules: list[Suppression] = []
    for i, item in enumerate(value):
        where = f"suppress[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("reason"), str) or not item["reason"].strip():
            raise IndicatorError("each suppression needs a reason (Dutch text for the report)", file=file, field=f"{where}.reason")
        match = item.get("match")
        if not isinstance(match, dict) or not match or not set(match) <= set(SUPPRESS_KEYS):
            raise IndicatorError(f"match must be a mapping with one or more of {', '.join(SUPPRESS_KEYS)}", file=file, field=f"{where}.match")
        indicators = item.get("indicators", [])
        if not isinstance(indicators, list) or not all(isinstance(x, str) for x in indicators):
            raise IndicatorError("indicators must be a list of indicator ids", file=file, field=f"{where}.indicators")
        unknown = sorted(set(item) - {"reason", "match", "indicators"})
        if unknown:
            raise IndicatorError("unknown field", file=file, field=f"{where}.{unknown[0]}")
        rules.append(Suppression(item["reason"].strip(), {k: str(v) for k, v in match.items()}, tuple(indicators)))
    return rules


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
