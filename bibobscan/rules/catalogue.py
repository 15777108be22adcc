"""The readable catalogue of indicators (``bibobscan indicators docs``)."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Indicator
from .profile import Profile


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    indicator: Indicator
    weight: float
    effective_points: list[tuple[str, float]]  # (band, points x weight)
    suppressions: list[str]


def catalogue(indicators: list[Indicator], profile: Profile) -> list[CatalogueEntry]:
    entries = []
    for ind in sorted(indicators, key=lambda i: (i.themes[0], i.id)):
        w = profile.weight(ind.id)
        entries.append(
            CatalogueEntry(
                indicator=ind,
                weight=w,
                effective_points=[(b.name, round(b.points * w, 2)) for b in ind.bands],
                suppressions=[s.reason for s in profile.suppress if s.applies_to(ind.id)],
            )
        )
    return entries
