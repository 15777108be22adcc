"""The workspace's local accounts on both databases: the rules for adding one, logging
in (one message for every refusal), the login rate limit per name and per client
within its window, sessions, API tokens, and what is stored (argon2id hashes and
sha256 digests only, never a password or a secret)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from bibobscan.accounts import (
    MAX_FAILED_PER_CLIENT,
    MAX_FAILED_PER_NAME,
    SESSION_LIFETIME,
    WINDOW,
    Account,
    Accounts,
    Role,
)
from bibobscan.errors import AccountError, LoginRefused, LoginThrottled
from bibobscan.model import utcnow
from bibobscan.store import CaseStore, StoreLocation
from bibobscan.store import _schema as t

PASSWORD = "correct paard batterij nietje"
OTHER_PASSWORD = "een heel ander wachtwoord"


@pytest.fixture
def store(store_location: StoreLocation) -> Iterator[CaseStore]:
    with CaseStore.open(store_location) as opened:
        yield opened


@pytest.fixture
def accounts(store: CaseStore) -> Accounts:
    made = Accounts(store)
    made.add("j.devries", role="behandelaar", password=PASSWORD, teams=["Bibob", "Horeca"], display_name="Jan de Vries")
    return made


def rows(store: CaseStore, table: Any) -> list[dict[str, Any]]:
    return store.read(lambda c: [dict(r._mapping) for r in c.execute(select(table)).all()])


def old_failures(store: CaseStore, *, name: str, client: str, count: int, age: timedelta) -> None:
    """Failed logins ``age`` ago, as if they had happened then."""
    at = (utcnow() - age).isoformat(timespec="seconds")
    with store.writing() as tx:
        for _ in range(count):
            tx.conn.execute(insert(t.login_attempts).values(name=name, client=client, at=at, ok=False))


def refused(accounts: Accounts, name: str, password: str, client: str = "10.0.0.1") -> str:
    with pytest.raises(LoginRefused) as caught:
        accounts.authenticate(name, password, client=client)
    return str(caught.value)


# --- adding accounts ------------------------------------------------------------------------

def test_add_makes_an_account_with_its_role_teams_and_name(accounts: Accounts) -> None:
    made = accounts.add("bureau@riec.nl", role=Role.BUREAU, password=PASSWORD, teams=[" RIEC ", "RIEC", ""], display_name="  RIEC  ")
    assert made == Account("bureau@riec.nl", Role.BUREAU, ("RIEC",), "RIEC", True)
    assert accounts.get("j.devries") == Account("j.devries", Role.BEHANDELAAR, ("Bibob", "Horeca"), "Jan de Vries", True)
    assert accounts.get("nobody") is None
    assert [a.name for a in accounts.all()] == ["bureau@riec.nl", "j.devries"]
    assert accounts.get("j.devries").shown == "Jan de Vries"  # type: ignore[union-attr]
    assert made.shown == "RIEC"


def test_add_refuses_a_bad_name(accounts: Accounts) -> None:
    for name in ("", "a", "Jan", "jan devries", "-jan", ".jan", "jan/x", "jan<script>", "j" * 101, "ján"):
        with pytest.raises(AccountError, match="account name"):
            accounts.add(name, role="behandelaar", password=PASSWORD)
    assert [a.name for a in accounts.all()] == ["j.devries"]


def test_add_refuses_an_unknown_role_a_bad_team_and_a_weak_password(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match=r"role 'admin': one of behandelaar, reviewer, bureau, beheerder"):
        accounts.add("piet", role="admin", password=PASSWORD)
    with pytest.raises(AccountError, match="team"):
        accounts.add("piet", role="behandelaar", password=PASSWORD, teams=["<script>"])
    with pytest.raises(AccountError, match="too short: at least 12"):
        accounts.add("piet", role="behandelaar", password="kort1234")
    with pytest.raises(AccountError, match="too few characters"):
        accounts.add("piet", role="behandelaar", password="abababababababab")
    with pytest.raises(AccountError, match="too long"):
        accounts.add("piet", role="behandelaar", password="abcd" * 300)
    assert accounts.get("piet") is None


def test_add_refuses_a_duplicate_and_keeps_the_first(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="'j.devries' exists already"):
        accounts.add("j.devries", role="beheerder", password=OTHER_PASSWORD)
    assert accounts.get("j.devries").role is Role.BEHANDELAAR  # type: ignore[union-attr]
    assert accounts.authenticate("j.devries", PASSWORD, client="c").name == "j.devries"


def test_changes_to_an_unknown_account_are_refused(accounts: Accounts) -> None:
    for change in (lambda: accounts.set_password("nobody", OTHER_PASSWORD), lambda: accounts.set_active("nobody", False),
                   lambda: accounts.new_token("nobody"), lambda: accounts.revoke_tokens("nobody")):
        with pytest.raises(AccountError, match="no account 'nobody'"):
            change()


def test_account_changes_are_audited(store: CaseStore, accounts: Accounts) -> None:
    accounts.set_password("j.devries", OTHER_PASSWORD)
    accounts.set_active("j.devries", False)
    accounts.new_token("j.devries", label="zaaksysteem")
    accounts.revoke_tokens("j.devries")
    actions = [r["action"] for r in rows(store, t.audit)]
    assert actions == ["account-add", "account-password", "account-disable", "token-new", "token-revoke"]


# --- logging in -----------------------------------------------------------------------------

def test_authenticate_with_the_right_password(accounts: Accounts) -> None:
    assert accounts.authenticate("j.devries", PASSWORD, client="10.0.0.1").teams == ("Bibob", "Horeca")
    assert accounts.authenticate("  J.DeVries ", PASSWORD, client="10.0.0.1").name == "j.devries"  # the name as typed


def test_every_refusal_has_the_same_message(accounts: Accounts) -> None:
    wrong = refused(accounts, "j.devries", OTHER_PASSWORD)
    unknown = refused(accounts, "nobody", PASSWORD)
    empty = refused(accounts, "j.devries", "")
    huge = refused(accounts, "j.devries", "x" * 5000)
    accounts.set_active("j.devries", False)
    disabled = refused(accounts, "j.devries", PASSWORD)
    assert wrong == unknown == empty == huge == disabled == "wrong account name or password"
    accounts.set_active("j.devries", True)
    assert accounts.authenticate("j.devries", PASSWORD, client="10.0.0.2").active


def test_every_attempt_is_recorded_with_its_outcome(store: CaseStore, accounts: Accounts) -> None:
    refused(accounts, "j.devries", OTHER_PASSWORD, client="10.0.0.9")
    accounts.authenticate("j.devries", PASSWORD, client="10.0.0.9")
    assert [(r["name"], r["client"], bool(r["ok"])) for r in rows(store, t.login_attempts)] == [
        ("j.devries", "10.0.0.9", False), ("j.devries", "10.0.0.9", True)]


def test_too_many_failures_for_one_name_throttle_it_even_with_the_right_password(accounts: Accounts) -> None:
    for i in range(MAX_FAILED_PER_NAME):
        refused(accounts, "j.devries", OTHER_PASSWORD, client=f"10.0.1.{i}")  # from several clients
    with pytest.raises(LoginThrottled, match="too many failed logins") as caught:
        accounts.authenticate("j.devries", PASSWORD, client="10.0.2.1")
    assert 0 < caught.value.retry_after <= WINDOW.total_seconds()
    # another account from the same clients is not throttled
    accounts.add("k.jansen", role="reviewer", password=OTHER_PASSWORD, teams=["Bibob"])
    assert accounts.authenticate("k.jansen", OTHER_PASSWORD, client="10.0.1.0").name == "k.jansen"


def test_the_name_limit_counts_only_failures(accounts: Accounts) -> None:
    for _ in range(MAX_FAILED_PER_NAME - 1):
        refused(accounts, "j.devries", OTHER_PASSWORD)
    for _ in range(3):
        accounts.authenticate("j.devries", PASSWORD, client="10.0.0.1")
    refused(accounts, "j.devries", OTHER_PASSWORD)  # the last failure the limit allows
    with pytest.raises(LoginThrottled):
        accounts.authenticate("j.devries", PASSWORD, client="10.0.0.1")


def test_too_many_failures_from_one_client_throttle_that_client_only(accounts: Accounts) -> None:
    # many names, none of them reaching its own limit
    for i in range(MAX_FAILED_PER_CLIENT):
        refused(accounts, f"guess{i % 5}", PASSWORD, client="203.0.113.7")
    with pytest.raises(LoginThrottled) as caught:
        accounts.authenticate("j.devries", PASSWORD, client="203.0.113.7")
    assert caught.value.retry_after > 0
    assert accounts.authenticate("j.devries", PASSWORD, client="198.51.100.1").name == "j.devries"


def test_failures_older_than_the_window_no_longer_count(store: CaseStore, accounts: Accounts) -> None:
    old_failures(store, name="j.devries", client="10.0.0.1", count=MAX_FAILED_PER_NAME, age=WINDOW + timedelta(minutes=1))
    old_failures(store, name="other", client="10.9.9.9", count=MAX_FAILED_PER_CLIENT, age=WINDOW + timedelta(minutes=1))
    assert accounts.authenticate("j.devries", PASSWORD, client="10.0.0.1").name == "j.devries"
    assert accounts.authenticate("j.devries", PASSWORD, client="10.9.9.9").name == "j.devries"


def test_retry_after_is_when_the_oldest_failure_leaves_the_window(store: CaseStore, accounts: Accounts) -> None:
    old_failures(store, name="j.devries", client="10.0.0.1", count=1, age=WINDOW - timedelta(minutes=2))
    old_failures(store, name="j.devries", client="10.0.0.1", count=MAX_FAILED_PER_NAME - 1, age=timedelta(minutes=1))
    with pytest.raises(LoginThrottled, match="try again in 3 minutes") as caught:
        accounts.authenticate("j.devries", PASSWORD, client="10.0.0.1")
    assert 110 <= caught.value.retry_after <= 121


def test_attempts_long_past_are_cleared(store: CaseStore, accounts: Accounts) -> None:
    old_failures(store, name="j.devries", client="10.0.0.1", count=3, age=5 * WINDOW)
    old_failures(store, name="j.devries", client="10.0.0.1", count=1, age=WINDOW + timedelta(minutes=1))
    accounts.authenticate("j.devries", PASSWORD, client="10.0.0.1")
    kept = rows(store, t.login_attempts)
    assert len(kept) == 2 and sum(1 for r in kept if r["ok"]) == 1  # the one within 4 windows and this login


# --- sessions -------------------------------------------------------------------------------

def test_a_session_is_started_looked_up_and_ended(accounts: Accounts) -> None:
    account = accounts.authenticate("j.devries", PASSWORD, client="c")
    before = utcnow()
    secret, session = accounts.start_session(account)
    assert session.account == account and len(session.csrf) >= 32 and len(secret) >= 40
    assert before + SESSION_LIFETIME - timedelta(seconds=5) <= session.expires_at <= utcnow() + SESSION_LIFETIME
    found = accounts.session(secret)
    assert found is not None and found.account == account and found.csrf == session.csrf and found.expires_at == session.expires_at
    other, second = accounts.start_session(account)
    assert other != secret and second.csrf != session.csrf
    accounts.end_session(secret)
    assert accounts.session(secret) is None
    assert accounts.session(other) is not None  # ending one session leaves the others


def test_an_unknown_secret_has_no_session(accounts: Accounts) -> None:
    secret, _ = accounts.start_session(accounts.get("j.devries"))  # type: ignore[arg-type]
    for other in ("", "nope", secret + "x", secret[:-1], "x" * 201):
        assert accounts.session(other) is None


def test_an_expired_session_is_none_and_is_cleared(store: CaseStore, accounts: Accounts) -> None:
    account = accounts.get("j.devries")
    assert account is not None
    expired, _ = accounts.start_session(account, lifetime=timedelta(seconds=-1))
    assert accounts.session(expired) is None
    live, _ = accounts.start_session(account)
    assert accounts.session(live) is not None
    assert len(rows(store, t.web_sessions)) == 1  # the expired one went when the next began


def test_a_new_password_ends_every_session(accounts: Accounts) -> None:
    account = accounts.authenticate("j.devries", PASSWORD, client="c")
    secrets = [accounts.start_session(account)[0] for _ in range(2)]
    with pytest.raises(AccountError, match="too short"):
        accounts.set_password("j.devries", "kort")
    assert all(accounts.session(s) is not None for s in secrets)  # a refused password changes nothing
    accounts.set_password("j.devries", OTHER_PASSWORD)
    assert all(accounts.session(s) is None for s in secrets)
    refused(accounts, "j.devries", PASSWORD)
    assert accounts.authenticate("j.devries", OTHER_PASSWORD, client="c").name == "j.devries"


def test_a_disabled_account_has_no_session(store: CaseStore, accounts: Accounts) -> None:
    account = accounts.get("j.devries")
    assert account is not None
    secret, _ = accounts.start_session(account)
    accounts.set_active("j.devries", False)
    assert accounts.session(secret) is None
    assert accounts.get("j.devries").active is False  # type: ignore[union-attr]
    accounts.set_active("j.devries", True)
    assert accounts.session(secret) is None  # disabling ended it for good


def test_a_session_row_of_a_disabled_account_is_not_honoured(store: CaseStore, accounts: Accounts) -> None:
    from sqlalchemy import update

    account = accounts.get("j.devries")
    assert account is not None
    secret, _ = accounts.start_session(account)
    with store.writing() as tx:  # disabled behind the library's back: the row stays
        tx.conn.execute(update(t.accounts).where(t.accounts.c.name == "j.devries").values(active=False))
    assert len(rows(store, t.web_sessions)) == 1
    assert accounts.session(secret) is None


# --- API tokens -----------------------------------------------------------------------------

def test_api_tokens_are_made_used_and_revoked(accounts: Accounts) -> None:
    first = accounts.new_token("j.devries", label="zaaksysteem")
    second = accounts.new_token("j.devries")
    assert first.startswith("bbs_") and second.startswith("bbs_") and first != second and len(first) > 40
    assert accounts.token_account(first) == accounts.get("j.devries")
    assert accounts.token_account(second) == accounts.get("j.devries")
    for bad in ("", "bbs_nope", first + "x", first[:-1], "x" * 201):
        assert accounts.token_account(bad) is None
    assert accounts.revoke_tokens("j.devries") == 2
    assert accounts.token_account(first) is None and accounts.token_account(second) is None
    assert accounts.revoke_tokens("j.devries") == 0
    third = accounts.new_token("j.devries")
    assert accounts.token_account(third) is not None and accounts.token_account(first) is None


def test_a_disabled_account_s_token_does_not_work(accounts: Accounts) -> None:
    token = accounts.new_token("j.devries")
    accounts.set_active("j.devries", False)
    assert accounts.token_account(token) is None


def test_tokens_of_one_account_do_not_open_another(accounts: Accounts) -> None:
    accounts.add("k.jansen", role="reviewer", password=OTHER_PASSWORD, teams=["Horeca"])
    token = accounts.new_token("k.jansen")
    accounts.revoke_tokens("j.devries")
    assert accounts.token_account(token).name == "k.jansen"  # type: ignore[union-attr]


# --- what is stored -------------------------------------------------------------------------

def test_only_argon2id_hashes_and_sha256_digests_are_stored(store: CaseStore, accounts: Accounts) -> None:
    account = accounts.authenticate("j.devries", PASSWORD, client="c")
    secret, session = accounts.start_session(account)
    token = accounts.new_token("j.devries", label="zaaksysteem")
    accounts.add("k.jansen", role="reviewer", password=PASSWORD, teams=["Bibob"])

    stored = rows(store, t.accounts)
    hashes = [r["password_hash"] for r in stored]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1]  # salted: the same password, two hashes
    sessions, tokens = rows(store, t.web_sessions), rows(store, t.api_tokens)
    assert [r["token_sha256"] for r in sessions] == [hashlib.sha256(secret.encode()).hexdigest()]
    assert [r["token_sha256"] for r in tokens] == [hashlib.sha256(token.encode()).hexdigest()]
    assert sessions[0]["csrf"] == session.csrf  # the CSRF token is no credential by itself
    everything = repr([stored, sessions, tokens, rows(store, t.login_attempts), rows(store, t.audit)])
    for plain in (PASSWORD, secret, token):
        assert plain not in everything


# --- the team rule --------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "teams", "team", "may"), [
    (Role.BEHANDELAAR, ("Bibob",), "Bibob", True),
    (Role.BEHANDELAAR, ("Bibob",), "Ander team", False),
    (Role.BEHANDELAAR, ("Bibob", "Horeca"), "Horeca", True),
    (Role.BEHANDELAAR, (), "", False),
    (Role.REVIEWER, ("Bibob",), "Bibob", True),
    (Role.REVIEWER, ("Bibob",), "bibob", False),  # teams are exact
    (Role.BEHEERDER, (), "Bibob", True),
    (Role.BEHEERDER, (), "", True),
    (Role.BUREAU, ("Bibob",), "Bibob", False),  # the bureau works on indicators and sectors, not cases
    (Role.BUREAU, (), "", False),
])
def test_may_open_follows_the_team_rule(role: Role, teams: tuple[str, ...], team: str, may: bool) -> None:
    assert Account("x.y", role, teams).may_open(team) is may
