"""The results of the adverse-media detector (no spaCy import needed to use them)."""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 0.5  # the indicators count media findings with confidence >= 0.5


@dataclass(frozen=True, slots=True)
class Finding:
    """One risk theme linked to the subject in one text."""

    theme: str
    confidence: float
    cue: str
    sentence: str
    reasons: tuple[str, ...]
    link: str = "same_sentence"  # same_sentence | back_reference | topic
    start_char: int = -1
    end_char: int = -1

    @property
    def adverse(self) -> bool:
        return self.confidence >= THRESHOLD


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome for one text: findings per theme and why others were dropped."""

    findings: tuple[Finding, ...]
    dropped: tuple[str, ...]
    mentions: int = 0
    namesakes: tuple[str, ...] = ()

    @property
    def adverse(self) -> bool:
        return any(f.adverse for f in self.findings)

    @property
    def themes(self) -> list[str]:
        return sorted({f.theme for f in self.findings if f.adverse})

    @property
    def confidence(self) -> float:
        return max((f.confidence for f in self.findings), default=0.0)

    @property
    def reasons(self) -> list[str]:
        out: list[str] = []
        for f in self.findings:
            out.extend(r for r in f.reasons if r not in out)
        out.extend(r for r in self.dropped if r not in out)
        return out
