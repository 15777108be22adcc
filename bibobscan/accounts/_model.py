"""Roles and accounts of the workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """What an account may do (docs/web.md, "Roles")."""

    BEHANDELAAR = "behandelaar"  # the Bibob officer: cases of their teams, scans, review, conclusion
    REVIEWER = "reviewer"  # four eyes: as behandelaar, and signs off colleagues' conclusions
    BUREAU = "bureau"  # the RIEC/bureau analyst: indicator catalogue, tests, sector scans
    BEHEERDER = "beheerder"  # the administrator: accounts; sees every case (for support), audited


ROLE_LABELS = {
    Role.BEHANDELAAR: "behandelaar",
    Role.REVIEWER: "reviewer (vier ogen)",
    Role.BUREAU: "bureau (RIEC)",
    Role.BEHEERDER: "beheerder",
}

# who may work on cases (open, scan, review); the bureau works on indicators and sectors
CASE_ROLES = frozenset({Role.BEHANDELAAR, Role.REVIEWER, Role.BEHEERDER})


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    teams: tuple[str, ...] = ()
    display_name: str = ""
    active: bool = True

    @property
    def shown(self) -> str:
        return self.display_name or self.name

    def may_open(self, team: str) -> bool:
        """An officer sees only the cases of their own teams; the administrator all."""
        return self.role is Role.BEHEERDER or (self.role in CASE_ROLES and team in self.teams)


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str
    expires_at: datetime
