"""What changed between two report versions of a case (a re-scan is a new version).

:func:`diff_reports` compares two :class:`~bibobscan.model.Report` objects and nothing
else: no store, no clock. The web page and the JSON API load the two versions with
``report_of(store.version(case_id, n))`` and render or serialise the result
(``bibobscan.model.to_jsonable`` turns it into JSON).

Evidence is matched by id (ids are derived from the source and what identifies the item,
so a re-scan finds the same item under the same id). An item is *changed* when something
it says differs (a field of :meth:`Evidence.content`) or when its attribution differs
(the resolver's verdict or confidence, or a person's disposition in the case).

Provenance alone is not a change: every re-scan fetches each item again, so
``retrieved_at`` always differs, and ``sha256`` (of the whole response the item was read
from) differs whenever anything else in that response moved. An item whose only
differences are those two fields counts as unchanged, and is counted once more in
``refetched_count``; when it did change for another reason, they are listed with the
other field names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..model import CONTENT_FIELDS, REFETCH_FIELDS, Evidence, IndicatorHit, Report

# Content fields that record the fetch, not what the item says (see the module docstring).
PROVENANCE_FIELDS = REFETCH_FIELDS
# Names used in EvidenceDelta.fields for an attribution change.
ATTRIBUTION_FIELDS = ("match_verdict", "match_confidence", "disposition")


@dataclass(frozen=True, slots=True)
class EvidenceDelta:
    """One evidence item that is new, gone or changed. ``verdict_*`` is the match
    verdict value ("match", "possible", "no_match") in the old / new report, "" when the
    item is not in that report or was not resolved; ``confidence_*`` likewise (None)."""

    id: str
    source: str
    title: str
    url: str
    fields: tuple[str, ...] = ()  # for a changed item: what changed, by name
    verdict_before: str = ""
    verdict_after: str = ""
    confidence_before: float | None = None
    confidence_after: float | None = None


@dataclass(frozen=True, slots=True)
class EvidenceDiff:
    new: tuple[EvidenceDelta, ...]  # in the new report only (in its order)
    gone: tuple[EvidenceDelta, ...]  # in the old report only (in its order)
    changed: tuple[EvidenceDelta, ...]  # in both, with a different content or attribution
    unchanged_count: int  # in both, the same (refetched items included)
    refetched_count: int  # of those: fetched again, only retrieved_at / sha256 differ


@dataclass(frozen=True, slots=True)
class IndicatorDelta:
    """One indicator in either report. ``outcome_*`` is an Outcome value ("hit",
    "no_hit", "insufficient"), "" when the indicator is absent from that report."""

    id: str
    title: str
    points_before: float
    points_after: float
    delta: float
    outcome_before: str
    outcome_after: str

    @property
    def changed(self) -> bool:
        return self.delta != 0 or self.outcome_before != self.outcome_after


@dataclass(frozen=True, slots=True)
class SourceChange:
    """A source whose status differs (SourceStatus values; "" when not in that report)."""

    source: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class TotalsDiff:
    points_before: float
    points_after: float
    delta: float
    band_before: str
    band_after: str
    band_label_before: str
    band_label_after: str
    complete_before: bool
    complete_after: bool
    sources: tuple[SourceChange, ...]  # sorted by source name


@dataclass(frozen=True, slots=True)
class ReportDiff:
    version_before: int | None  # the report version in its case file (None outside a file)
    version_after: int | None
    evidence: EvidenceDiff
    indicators: tuple[IndicatorDelta, ...]  # by |delta| descending, then id
    totals: TotalsDiff

    @property
    def empty(self) -> bool:
        """True when nothing a reader would see differs."""
        ev, t = self.evidence, self.totals
        return (
            not (ev.new or ev.gone or ev.changed or t.sources)
            and not any(i.changed for i in self.indicators)
            and t.delta == 0
            and t.band_before == t.band_after
            and t.complete_before == t.complete_after
        )


def _points(value: float) -> float:
    # points are sums of small decimal weights; keep 0.1 + 0.2 from showing as a change
    return round(float(value), 6)


def _verdict(e: Evidence | None) -> str:
    return e.match.verdict.value if e is not None and e.match is not None else ""


def _confidence(e: Evidence | None) -> float | None:
    return float(e.match.confidence) if e is not None and e.match is not None else None


def _delta(e: Evidence, *, before: Evidence | None, after: Evidence | None, fields: tuple[str, ...] = ()) -> EvidenceDelta:
    return EvidenceDelta(
        id=e.id, source=e.source, title=e.title, url=e.url, fields=fields,
        verdict_before=_verdict(before), verdict_after=_verdict(after),
        confidence_before=_confidence(before), confidence_after=_confidence(after),
    )


def _changed_fields(old: Evidence, new: Evidence, old_disposition: str, new_disposition: str) -> tuple[str, ...]:
    a: dict[str, Any] = old.content()
    b: dict[str, Any] = new.content()
    names = [name for name in CONTENT_FIELDS if a.get(name) != b.get(name)]
    if not names and old.content_sha256 != new.content_sha256:
        # the same content under another hash: one of the two hashes is stale or missing
        names.append("content_sha256")
    if _verdict(old) != _verdict(new):
        names.append("match_verdict")
    c_old, c_new = _confidence(old), _confidence(new)
    if (c_old is None) != (c_new is None) or (c_old is not None and c_new is not None and not math.isclose(c_old, c_new, abs_tol=1e-9)):
        names.append("match_confidence")
    if old_disposition != new_disposition:
        names.append("disposition")
    return tuple(names)


def _evidence(old: Report, new: Report) -> EvidenceDiff:
    old_by_id = {e.id: e for e in old.evidence}
    new_by_id = {e.id: e for e in new.evidence}
    old_disp = {eid: d.action.value for eid, d in old.review.effective().items()}
    new_disp = {eid: d.action.value for eid, d in new.review.effective().items()}
    added = tuple(_delta(e, before=None, after=e) for e in new_by_id.values() if e.id not in old_by_id)
    gone = tuple(_delta(e, before=e, after=None) for e in old_by_id.values() if e.id not in new_by_id)
    changed: list[EvidenceDelta] = []
    unchanged = refetched = 0
    for e in new_by_id.values():
        before = old_by_id.get(e.id)
        if before is None:
            continue
        names = _changed_fields(before, e, old_disp.get(e.id, ""), new_disp.get(e.id, ""))
        if names and not set(names) <= set(PROVENANCE_FIELDS):
            changed.append(_delta(e, before=before, after=e, fields=names))
        else:
            unchanged += 1
            refetched += bool(names)
    return EvidenceDiff(new=added, gone=gone, changed=tuple(changed), unchanged_count=unchanged, refetched_count=refetched)


def _indicators(old: Report, new: Report) -> tuple[IndicatorDelta, ...]:
    before: dict[str, IndicatorHit] = {h.indicator_id: h for h in old.indicators}
    after: dict[str, IndicatorHit] = {h.indicator_id: h for h in new.indicators}
    out = []
    for iid in before.keys() | after.keys():
        b, a = before.get(iid), after.get(iid)
        p_before = _points(b.points) if b else 0.0
        p_after = _points(a.points) if a else 0.0
        title = a.title if a else b.title if b else iid
        out.append(IndicatorDelta(
            id=iid, title=title, points_before=p_before, points_after=p_after, delta=_points(p_after - p_before),
            outcome_before=b.outcome.value if b else "", outcome_after=a.outcome.value if a else "",
        ))
    out.sort(key=lambda i: (-abs(i.delta), i.id))
    return tuple(out)


def _totals(old: Report, new: Report) -> TotalsDiff:
    a, b = old.assessment, new.assessment
    status_before = {s.source: s.status.value for s in old.sources}
    status_after = {s.source: s.status.value for s in new.sources}
    sources = tuple(
        SourceChange(source=name, before=status_before.get(name, ""), after=status_after.get(name, ""))
        for name in sorted(status_before.keys() | status_after.keys())
        if status_before.get(name, "") != status_after.get(name, "")
    )
    return TotalsDiff(
        points_before=_points(a.total_points), points_after=_points(b.total_points), delta=_points(b.total_points - a.total_points),
        band_before=a.band, band_after=b.band, band_label_before=a.band_label, band_label_after=b.band_label,
        complete_before=a.complete, complete_after=b.complete, sources=sources,
    )


def diff_reports(old: Report, new: Report) -> ReportDiff:
    """What changed from ``old`` to ``new`` (see the module docstring). Pure: reads the
    two reports, changes neither."""
    return ReportDiff(
        version_before=old.file.version if old.file else None,
        version_after=new.file.version if new.file else None,
        evidence=_evidence(old, new),
        indicators=_indicators(old, new),
        totals=_totals(old, new),
    )


__all__ = ["EvidenceDelta", "EvidenceDiff", "IndicatorDelta", "ReportDiff", "SourceChange", "TotalsDiff", "diff_reports"]
