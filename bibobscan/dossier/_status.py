"""The life of a Bibob file and who may do what at each step (docs/dossier.md).

    concept → gescand → beoordeeld → (zienswijze) → vastgesteld → gearchiveerd → vernietigd

The open states follow from what the file holds: no scan yet is ``concept``; a scan
without a valid reviewer's sign-off is ``gescand``; a conclusion signed off by a second
person is ``beoordeeld``; a recorded zienswijze after that is ``zienswijze``. A later
disposition or conclusion lapses the sign-off, so the file is ``gescand`` again until it
is signed off anew. ``vastgesteld`` (finalised: immutable; a change is a new file
version through ``reopen``), ``gearchiveerd`` (sealed in the archive) and
``vernietigd`` (destroyed after its retention) are set by their commands.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    CONCEPT = "concept"
    SCANNED = "gescand"
    REVIEWED = "beoordeeld"
    ZIENSWIJZE = "zienswijze"
    FINAL = "vastgesteld"
    ARCHIVED = "gearchiveerd"
    DESTROYED = "vernietigd"

    @property
    def open(self) -> bool:
        """A file that can still change without a new version."""
        return self in (Status.CONCEPT, Status.SCANNED, Status.REVIEWED, Status.ZIENSWIJZE)


LIFE: tuple[Status, ...] = tuple(Status)

# Who may do what, per state (documented in docs/dossier.md; the web page's roles of the
# next issue map onto these). "officer" = behandelaar, "reviewer" = the second person.
ALLOWED: dict[Status, tuple[str, ...]] = {
    Status.CONCEPT: ("edit case data (officer)", "scan (officer)"),
    Status.SCANNED: ("edit case data", "scan again", "confirm or clear a hit (officer)", "conclude (officer)",
                     "sign off (reviewer, not the officer)", "record a zienswijze"),
    Status.REVIEWED: ("as gescand", "finalise (officer or reviewer)"),
    Status.ZIENSWIJZE: ("as gescand", "finalise"),
    Status.FINAL: ("export and print", "seal into the archive", "reopen as a new version (with a reason)"),
    Status.ARCHIVED: ("export and print", "reopen as a new version", "destroy after the retention date (purge)"),
    Status.DESTROYED: ("nothing: only the tombstone and the audit log remain",),
}
