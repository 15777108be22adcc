"""The review of a case file, rebuilt from the store's append-only review events."""

from __future__ import annotations

from ..model import Review, review_from_dict
from ..store import ReviewEvent


def review_of(events: list[ReviewEvent], file_version: int, subject_no: int | None = None) -> tuple[Review, bool]:
    """The effective review for ``file_version`` and whether a sign-off lapsed;
    ``subject_no``: with only that subject's dispositions (a report is per subject).

    Dispositions and zienswijze records of earlier file versions carry over (a
    judgement does not vanish when a file is reopened); the latest conclusion counts; a
    sign-off counts only for the current file version and only when no conclusion or
    disposition came after it."""
    dispositions = [e.data for e in events if e.kind == "disposition" and (subject_no is None or e.subject_no == subject_no)]
    conclusions = [e.data for e in events if e.kind == "conclusion"]
    zienswijze = [e.data for e in events if e.kind == "zienswijze"]
    signoffs = [e for e in events if e.kind == "signoff" and e.file_version == file_version]
    review = review_from_dict({
        "dispositions": dispositions,
        "conclusion": conclusions[-1] if conclusions else None,
        "zienswijze": zienswijze,
    })
    lapsed = False
    if signoffs and review.conclusion is not None:
        last = signoffs[-1]
        changes = [e.at for e in events if e.kind in ("conclusion", "disposition") and e.id > last.id]
        if changes:
            lapsed = True
        else:
            review.signoff = review_from_dict({"signoff": last.data}).signoff
    elif signoffs:
        lapsed = True
    return review, lapsed
