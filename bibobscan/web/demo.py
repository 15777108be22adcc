"""The demo workspace: accounts for the walk-through and the demo world's cases in
their team, so that ``bibobscan serve --demo`` works on a fresh machine."""

from __future__ import annotations

from ..accounts import Accounts, Role
from ..store import CaseStore

DEMO_PASSWORD = "demo-wachtwoord"
DEMO_TEAM = "Bibob"
DEMO_ACCOUNTS = (
    # the names the demo world's cases give as officer and reviewer (bibobscan/demo/case.py)
    ("demo-behandelaar", Role.BEHANDELAAR, (DEMO_TEAM,), "Demo-behandelaar"),
    ("demo-reviewer", Role.REVIEWER, (DEMO_TEAM,), "Demo-reviewer"),
    ("buiten", Role.BEHANDELAAR, ("Ander team",), "Behandelaar van een ander team"),
    ("bureau", Role.BUREAU, (), "Demo RIEC-bureau"),
    ("beheer", Role.BEHEERDER, (), "Demo Beheerder"),
)


def prepare_demo(store: CaseStore) -> list[str]:
    """Make the demo accounts that are missing and put demo cases without a team into
    the demo team. Returns what it did, for the start-up message."""
    accounts = Accounts(store)
    done = []
    for name, role, teams, shown in DEMO_ACCOUNTS:
        if accounts.get(name) is None:
            accounts.add(name, role=role, password=DEMO_PASSWORD, teams=teams, display_name=shown)
            done.append(f"account {name} ({role.value})")
    with store.writing() as tx:
        for record in store.cases():
            if record.demo and not record.team:
                tx.update_case(tx.lock(record.case_id), team=DEMO_TEAM)
                done.append(f"case {record.case_id} in team {DEMO_TEAM}")
    return done
