"""Events: evidence items that report one and the same happening, linked as one.

A closure found as a municipal publication and as a news article, or one story
carried by three outlets, is one event. :func:`link_events` links them (same act, dates
close together, or the same story); the scan marks each signal of a linked item with its
event id (``attrs["event"]``), and the profile's ``one_event_once`` list lets one event
score under one indicator only (see ``bibobscan/scan.py``, :func:`evaluate_once_per_event`, and
docs/indicators.md, "One event counts once").
"""

from ._claim import evaluate_once_per_event
from ._link import ACTS, WINDOW_DAYS, Event, act_of, link_events, mark_signals

__all__ = ["ACTS", "WINDOW_DAYS", "Event", "act_of", "evaluate_once_per_event", "link_events", "mark_signals"]
