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
from .scoring import HIT, INSUFFICIENT, IndicatorResult, RowAssessment, assess_rows, evaluate_tables
from .signals import SignalTables

CLUSTER_SIGNAL = "establishment.cluster"


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
    columns = ("id", "name", "address", "postcode", "city", "lat", "lon", "sources", "matched_on", "kvk", "kvk_name", "match_note", "registered_on", "sbi_main", "notes")
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
        threshold = thresholds[int(bands[row])]
        lat, lon = rec["lat"], rec["lon"]
        out.append(RankedEstablishment(
            rank=int(ranks[row]), id=str(rec["id"]), name=name, address=str(rec["address"]),
            postcode=str(rec["postcode"]), city=str(rec["city"]),
            lat=None if pd.isna(lat) else float(lat), lon=None if pd.isna(lon) else float(lon),
            sources=str(rec["sources"]), matched_on=str(rec["matched_on"]), kvk=str(rec["kvk"]),
            kvk_name=str(rec["kvk_name"]), match_note=str(rec["match_note"]), registered_on=str(rec["registered_on"]),
            sbi_main=str(rec["sbi_main"]), points=float(totals[row]), band=threshold.band,
            band_label=threshold.label, hits=hits, insufficient=insufficient, notes=str(rec["notes"]),
            in_cluster=bool(cluster_hit[row]), evidence_ids=evidence,
        ))
    return out
