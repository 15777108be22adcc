"""Apply a case's dispositions to resolved evidence."""

from __future__ import annotations

from ..model import (
    Disposition,
    DispositionAction,
    Evidence,
    Match,
    MatchFeature,
    Review,
    Verdict,
)

# Feature name on an item whose disposition no longer applies (the item changed).
LAPSED = "person_review_lapsed"


def _when(d: Disposition) -> str:
    return d.at.strftime("%Y-%m-%d %H:%M UTC")


def _feature(d: Disposition) -> MatchFeature:
    reason = f": {d.reason}" if d.reason else ""
    if d.action is DispositionAction.CONFIRMED:
        return MatchFeature("person_confirmed", 1.0, f"Bevestigd door {d.by} op {_when(d)}{reason}.")
    if d.action is DispositionAction.NAMESAKE:
        return MatchFeature("person_namesake", -1.0, f"Door {d.by} op {_when(d)} beoordeeld als naamgenoot{reason}.")
    return MatchFeature("person_not_relevant", -1.0, f"Door {d.by} op {_when(d)} beoordeeld als niet relevant{reason}.")


def lapsed_dispositions(evidence: list[Evidence], review: Review) -> list[Disposition]:
    """Dispositions made on an earlier content of an item that has since changed (a
    re-scan found another headline or excerpt under the same link): they no longer apply
    and the item needs a new judgement. A fetch again of the same item (another
    ``retrieved_at``, another raw response hash) is no change. Dispositions recorded
    before the judged hash existed hold the full content hash: they stand while the item
    is byte for byte the one judged."""
    by_id = {ev.id: ev for ev in evidence}
    out = []
    for d in review.effective().values():
        ev = by_id.get(d.evidence_id)
        if ev is None or not d.content_sha256:
            continue
        if d.content_sha256 not in (ev.judged_sha256(), ev.content_sha256 or ev.compute_content_sha256()):
            out.append(d)
    return out


def apply_dispositions(evidence: list[Evidence], review: Review) -> None:
    """Override each judged item's verdict (after :func:`bibobscan.resolve.resolve_all`,
    before signals): confirmed → match, namesake or not relevant → no match. The
    resolver's own reasons stay below the person's. A disposition on a changed item
    lapses: the resolver's verdict stands and a feature says the judgement lapsed."""
    effective = review.effective()
    lapsed = {d.evidence_id for d in lapsed_dispositions(evidence, review)}
    for ev in evidence:
        d = effective.get(ev.id)
        if d is None:
            continue
        before = list(ev.match.features) if ev.match else []
        if ev.id in lapsed:
            note = MatchFeature(LAPSED, 0.0, f"Eerdere beoordeling ({d.action.dutch}, {d.by}, {_when(d)}) vervallen: het bewijsstuk is sindsdien gewijzigd; opnieuw beoordelen.")
            verdict = ev.match.verdict if ev.match else Verdict.POSSIBLE
            ev.match = Match(verdict, ev.match.confidence if ev.match else 0.0, [note, *before])
            continue
        if d.action is DispositionAction.CONFIRMED:
            ev.match = Match(Verdict.MATCH, 1.0, [_feature(d), *before])
        else:
            ev.match = Match(Verdict.NO_MATCH, 0.0, [_feature(d), *before])
