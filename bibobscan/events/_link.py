"""Linking evidence items into events (see the package docstring)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from ..model import Evidence, Signal, Verdict
from ..nlp import same_story

# The acts an item can report, each with the word starts that tell it in Dutch. The act
# of an item is the one told first in its title (the headline's verb), else in its
# excerpt: "Burgemeester sluit X drie maanden na drugsvondst" reports a closure.
ACTS: dict[str, tuple[str, ...]] = {
    "sluiting": ("sluit", "gesloten", "dicht ", "dichtgetimmerd", "verzegeld"),
    "intrekking of weigering": ("ingetrokken", "intrekking", "trekt", "geweigerd", "weigering", "weigert"),
    "Bibob-onderzoek": ("bibob",),
    "aanhouding": ("aangehouden", "aanhouding", "gearresteerd", "arrestatie", "opgepakt", "houdt", "arresteert"),
    "vondst of inval": ("vindt", "gevonden", "aangetroffen", "treft", "inval", "doorzoeking", "vondst", "drugsvondst"),
    "veroordeling": ("veroordeeld", "veroordeling", "celstraf", "taakstraf", "veroordeelt"),
    "vervolging": ("eist", "dagvaard", "vervolgd", "vervolging", "strafzaak"),
    "boete": ("boete", "beboet", "dwangsom"),
    "uitspraak": ("uitspraak", "ecli:"),
}
# signal types that say the act themselves (an official record needs no headline)
_SIGNAL_ACTS = {"publication.closure": "sluiting", "publication.revocation": "intrekking of weigering",
                "publication.refusal": "intrekking of weigering", "court.ruling": "uitspraak"}
# the signals that can score an event (a mere mention does not make an event)
_SCORING = ("publication.", "media.adverse", "court.")
WINDOW_DAYS = 14  # reports of one act this close together are about one happening


@dataclass(frozen=True, slots=True)
class Event:
    """One happening and the evidence items that report it."""

    id: str
    act: str
    evidence_ids: tuple[str, ...]
    first_date: str
    reasons: tuple[str, ...] = field(default=())  # Dutch: why the items were linked


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w:]+", " ", text.casefold()) + " "


def act_of(title: str, excerpt: str = "", signal_types: tuple[str, ...] = ()) -> str | None:
    """The act an item reports: from its signal type, else the first act word of its
    title, else of its excerpt."""
    for t in signal_types:
        if t in _SIGNAL_ACTS:
            return _SIGNAL_ACTS[t]
    for text in (title, excerpt):
        words = _words(text)
        found = [(pos, act) for act, starts in ACTS.items() for s in starts if (pos := words.find(" " + s)) >= 0]
        if found:
            return min(found)[1]
    return None


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass(slots=True)
class _Item:
    ev: Evidence
    act: str | None
    when: date | None
    lead: str


def link_events(evidence: list[Evidence], signals: list[Signal]) -> list[Event]:
    """The events of a scan: groups of two or more attributed items that report one act
    within WINDOW_DAYS of each other, or one story (``nlp.same_story``). Items no other
    item joins are no event. Deterministic: the same evidence gives the same events."""
    types: dict[str, list[str]] = {}
    dates: dict[str, str] = {}
    for sig in signals:
        for eid in sig.evidence_ids:
            types.setdefault(eid, []).append(sig.type)
            if sig.attrs.get("date"):
                dates.setdefault(eid, str(sig.attrs["date"]))
    items = [
        _Item(ev, act_of(ev.title, ev.excerpt, tuple(types[ev.id])), _date(dates.get(ev.id) or ev.published_at), ev.excerpt)
        for ev in evidence
        if ev.id in types and any(t.startswith(_SCORING) for t in types[ev.id])
        and (ev.match is None or ev.match.verdict is Verdict.MATCH)
    ]
    parent = list(range(len(items)))
    why: dict[int, list[str]] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            reason = _same_event(a, b)
            if reason:
                ri, rj = root(i), root(j)
                if ri != rj:
                    parent[rj] = ri
                why.setdefault(i, []).append(reason)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)
    events: list[Event] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        ids = tuple(sorted(items[i].ev.id for i in members))
        acts = [act for i in members if (act := items[i].act)]
        days = sorted(d.isoformat() for i in members if (d := items[i].when))
        reasons = tuple(dict.fromkeys(r for i in members for r in why.get(i, [])))
        digest = hashlib.sha1("\x1f".join(ids).encode("utf-8")).hexdigest()[:12]
        events.append(Event(f"event-{digest}", max(set(acts), key=acts.count) if acts else "bericht", ids, days[0] if days else "", reasons))
    return sorted(events, key=lambda e: (e.first_date, e.id))


def _same_event(a: _Item, b: _Item) -> str | None:
    if same_story(a.ev.title, b.ev.title, a.lead, b.lead, date_a=a.when, date_b=b.when):
        return "hetzelfde verhaal in meer bronnen"
    if a.act and a.act == b.act and a.when and b.when and abs((a.when - b.when).days) <= WINDOW_DAYS:
        return f"dezelfde handeling ({a.act}) binnen {WINDOW_DAYS} dagen"
    return None


def mark_signals(signals: list[Signal], events: list[Event]) -> None:
    """Give every signal of a linked item its event id (``attrs["event"]``)."""
    of = {eid: ev.id for ev in events for eid in ev.evidence_ids}
    for sig in signals:
        found = next((of[e] for e in sig.evidence_ids if e in of), None)
        if found:
            sig.attrs["event"] = found
