"""One event counts once: the indicators the profile lists in ``one_event_once`` share
the events, the first in that list that hits on an event keeps it.

Each listed indicator is evaluated in the profile's order on the signals whose event no
earlier listed indicator has scored. When it would also have hit on a claimed event, it
says so ("telt al mee onder …") and the winner lists it ("ook gemeld als …"), so nothing
is hidden. Indicators that are not listed see every signal, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..model import IndicatorHit, Outcome, Signal
from ._link import Event

if TYPE_CHECKING:
    from ..rules import Indicator


def evaluate_once_per_event(
    indicators: Sequence[Indicator],
    signals: list[Signal],
    events: list[Event],
    precedence: Sequence[str],
    evaluate_one: Callable[[Indicator, list[Signal]], IndicatorHit],
) -> list[IndicatorHit]:
    """The hits of ``indicators`` (in their order), one event scoring once."""
    rank = {ind_id: n for n, ind_id in enumerate(precedence)}
    event_of = {eid: ev for ev in events for eid in ev.evidence_ids}
    claimed: dict[str, IndicatorHit] = {}  # event id -> the hit that scores it
    hits: dict[int, IndicatorHit] = {}
    listed = sorted((i for i, ind in enumerate(indicators) if ind.id in rank), key=lambda i: rank[indicators[i].id])
    for i in listed:
        ind = indicators[i]
        visible = [s for s in signals if s.attrs.get("event") not in claimed]
        hit = evaluate_one(ind, visible)
        if len(visible) < len(signals):
            would = evaluate_one(ind, signals)
            lost = {event_of[e].id for e in would.evidence_ids if e in event_of} & set(claimed) if would.outcome is Outcome.HIT else set()
            for event_id in sorted(lost):
                winner = claimed[event_id]
                if ind.title not in winner.also_reported_as:
                    winner.also_reported_as.append(ind.title)
                if winner.title not in hit.counted_under:
                    hit.counted_under.append(winner.title)
        if hit.outcome is Outcome.HIT:
            for eid in hit.evidence_ids:
                if eid in event_of and event_of[eid].id not in claimed:
                    claimed[event_of[eid].id] = hit
            shown = set(hit.evidence_ids)
            hit.same_event_ids = sorted({o for e in hit.evidence_ids if e in event_of for o in event_of[e].evidence_ids} - shown)
        hits[i] = hit
    for i, ind in enumerate(indicators):
        if i not in hits:
            hits[i] = evaluate_one(ind, signals)
    return [hits[i] for i in range(len(indicators))]
