"""Rank the establishments: most points first, the sentences that explain them attached.

Order: total points (after weights and theme caps of the scoring profile) descending,
then the number of indicator hits, then the name. Equal points share a rank ("1, 2, 2, 4").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from ..model import Evidence
from ..rules import Indicator, Profile
from .model import RankedEstablishment
from .scoring import HIT, INSUFFICIENT, NO_HIT, IndicatorResult, RowAssessment, assess_rows, evaluate_tables
from .signals import SignalTables

CLUSTER_SIGNAL = "establishment.cluster"
# the wording of an establishment without any usable data of its own (see assessable)
UNASSESSABLE = "niet te beoordelen"


def location_only(signal: str) -> bool:
    """A signal that needs nothing but the establishment's place (the concentration of
    the sector around it, the area): evaluating it says nothing about the business."""
    return signal == CLUSTER_SIGNAL or signal.startswith("area.")
LOWER, CLOSER, FIRST = "lagere prioriteit", "nader bekijken", "eerst bekijken"
KIND_WORDS = {"closure": "sluiting", "permit_revoked": "intrekking", "bibob": "Bibob", "mention": "vermelding"}


def priority_labels(profile: Profile) -> list[str]:
    """Neutral inspection-priority wording per threshold of the scoring profile.

    The profile's own labels ("geen indicaties", "nader onderzoek aanbevolen", ...) are
    written for a Bibob scan of one person or company; in a sector scan an establishment
    with 15 points is not "without indications", it is lower on the list. The lowest
    threshold reads "lagere prioriteit", the highest "eerst bekijken" (with three or more
    thresholds), everything between "nader bekijken"."""
    n = len(profile.thresholds)
    out = []
    for i in range(n):
        if i == 0:
            out.append(LOWER)
        elif i == n - 1 and n >= 3:
            out.append(FIRST)
        else:
            out.append(CLOSER)
    return out


def priority_legend(profile: Profile) -> list[str]:
    """One line per threshold: "nader bekijken: 25 tot 60 punten"."""
    labels = priority_labels(profile)
    mins = [t.min for t in profile.thresholds]
    lines = []
    for i, label in enumerate(labels):
        if i + 1 < len(mins):
            span = f"minder dan {mins[i + 1]:g} punten" if i == 0 else f"{mins[i]:g} tot {mins[i + 1]:g} punten"
        else:
            span = f"{mins[i]:g} punten of meer" if i else "alle punten"
        lines.append(f"{label}: {span}")
    return lines


@dataclass(slots=True)
class Ranking:
    order: np.ndarray  # row numbers, best first
    rank: np.ndarray  # rank per row (1 = first)
    assessment: RowAssessment
    results: list[IndicatorResult]


def rank_tables(
    tables: SignalTables,
    names: list[str],
    indicators: list[Indicator],
    profile: Profile,
    *,
    evidence: list[Evidence] | None = None,
    extra_coverage: set[str] | None = None,
) -> Ranking:
    """Evaluate ``indicators`` on every establishment, assess and order them."""
    results = evaluate_tables(indicators, tables, profile, evidence=evidence, extra_coverage=extra_coverage)
    assessed = assess_rows(results, profile, tables.n)
    keys = pd.Series(names, dtype=object).fillna("").map(lambda s: str(s).casefold()).to_numpy(dtype=object)
    order = np.lexsort((keys, -assessed.hits, -assessed.total)) if tables.n else np.zeros(0, dtype=np.int64)
    totals = assessed.total
    # competition ranking: 1 + number of establishments with strictly more points
    sorted_totals = np.sort(-totals)
    rank = np.searchsorted(sorted_totals, -totals, side="left") + 1
    return Ranking(order=order, rank=rank, assessment=assessed, results=results)


def ranked_rows(frame: pd.DataFrame, ranking: Ranking, profile: Profile) -> list[RankedEstablishment]:
    """The ranked establishments with their hits and sentences, best first."""
    out: list[RankedEstablishment] = []
    thresholds = profile.thresholds
    columns = ("id", "name", "address", "postcode", "city", "lat", "lon", "sources", "matched_on", "kvk", "kvk_name", "match_note", "registered_on", "sbi_main", "notes", "possible_publications")
    labels = priority_labels(profile)
    data = {c: frame[c].tolist() for c in columns}
    results = ranking.results
    outcomes = [r.outcome.tolist() for r in results]
    cluster_hit = np.zeros(len(frame), dtype=bool)
    for res in results:
        if res.indicator.signal == CLUSTER_SIGNAL:
            cluster_hit |= res.outcome == HIT
    totals = ranking.assessment.total.tolist()
    bands = ranking.assessment.band.tolist()
    ranks = ranking.rank.tolist()
    for row in ranking.order.tolist():
        rec = {c: data[c][row] for c in columns}
        name = str(rec["name"] or "(zonder naam)")
        hits = [res.hit_for(row, name) for res, out in zip(results, outcomes) if out[row] == HIT]
        hits.sort(key=lambda h: (-h.points, h.indicator_id))
        insufficient = [res.indicator.title for res, out in zip(results, outcomes) if out[row] == INSUFFICIENT]
        evidence: list[str] = []
        for h in hits:
            evidence.extend(e for e in h.evidence_ids if e not in evidence)
        own_data = any(out[row] == NO_HIT for res, out in zip(results, outcomes) if not location_only(res.indicator.signal))
        assessable = bool(hits) or own_data
        band = int(bands[row])
        threshold = thresholds[band]
        lat, lon = rec["lat"], rec["lon"]
        out.append(RankedEstablishment(
            rank=int(ranks[row]), id=str(rec["id"]), name=name, address=str(rec["address"]),
            postcode=str(rec["postcode"]), city=str(rec["city"]),
            lat=None if pd.isna(lat) else float(lat), lon=None if pd.isna(lon) else float(lon),
            sources=str(rec["sources"]), matched_on=str(rec["matched_on"]), kvk=str(rec["kvk"]),
            kvk_name=str(rec["kvk_name"]), match_note=str(rec["match_note"]), registered_on=str(rec["registered_on"]),
            sbi_main=str(rec["sbi_main"]), points=float(totals[row]), band=threshold.band,
            band_label=labels[band] if assessable else UNASSESSABLE, hits=hits, insufficient=insufficient, notes=str(rec["notes"]),
            in_cluster=bool(cluster_hit[row]), evidence_ids=evidence,
            possible_publications=[possible_line(p) for p in rec["possible_publications"] or []],
            assessable=assessable,
        ))
    # the establishments that cannot be assessed come after the ranking, as their own group
    return [e for e in out if e.assessable] + [e for e in out if not e.assessable]


def possible_line(p: dict[str, str]) -> str:
    """ "gmb-2026-1 (2026-06-01, sluiting): title – why" """
    kind = KIND_WORDS.get(str(p.get("kind", "")), str(p.get("kind", "")))
    meta = ", ".join(x for x in (str(p.get("date") or ""), kind) if x)
    return f"{p.get('identifier') or '?'} ({meta}): {p.get('title', '')} – {p.get('why', '')}"
