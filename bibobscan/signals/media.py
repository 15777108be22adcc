"""Dutch adverse-media detection for the scan: a thin adapter over :mod:`bibobscan.nlp`.

:func:`assess_text` keeps the signature the signal derivation has always used; the work
(a spaCy pipeline on ``spacy.blank("nl")`` with rule components, a risk lexicon per theme
kept as editable YAML, and cues for victims, acquittals, witnesses, denials and the
subject as journalist or spokesperson) happens in ``bibobscan.nlp``. See
docs/adverse-media.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..nlp import THRESHOLD, Assessment, Finding, assess, assess_many

# A finding: theme, confidence (0..1), cue (the risk term found), sentence (the excerpt),
# reasons (Dutch sentences), plus how it was linked to the subject and where the term is.
MediaFinding = Finding

__all__ = ["THRESHOLD", "MediaFinding", "assess_text", "assess_texts"]


def _pair(result: Assessment) -> tuple[list[MediaFinding], list[str]]:
    return list(result.findings), list(result.dropped)


def assess_text(text: str, names: Sequence[str], *, company: bool = False) -> tuple[list[MediaFinding], list[str]]:
    """Findings per theme, and the reasons why findings were dropped (victim, ...).

    Findings below :data:`THRESHOLD` (a denial without any official step) are returned
    with their lowered confidence; the indicators only count confidence >= 0.5."""
    return _pair(assess(text, list(names), company=company))


def assess_texts(items: Iterable[tuple[str, Sequence[str], bool]]) -> list[tuple[list[MediaFinding], list[str]]]:
    """:func:`assess_text` for many (text, names, company) items in one ``nlp.pipe`` pass."""
    return [_pair(r) for r in assess_many((text, list(names), company) for text, names, company in items)]
