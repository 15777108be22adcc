"""Accounts, sessions, API tokens and the login rate limit, kept in the case store's
own tables (migration 0002). Secrets (session cookies, API tokens) are random and only
their sha256 is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from ..errors import AccountError, LoginRefused, LoginThrottled
from ..model import utcnow
from ..store import CaseStore
from ..store import _schema as t
from ._model import Account, Role, Session
from ._passwords import DUMMY_HASH, hash_password, verify_password

NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")
TEAM = re.compile(r"^[\w .-]{1,100}$")
SESSION_LIFETIME = timedelta(hours=8)
# the rate limit: failed logins within the window, per account name and per client
WINDOW = timedelta(minutes=15)
MAX_FAILED_PER_NAME = 5
MAX_FAILED_PER_CLIENT = 20


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise AccountError(f"account name {name!r}: 2 to 100 characters, lower-case letters, digits and . _ @ - (starting with a letter or digit)")
    return name


def check_teams(teams: Iterable[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(team.strip() for team in teams if team.strip()))
    for team in out:
        if not TEAM.match(team):
            raise AccountError(f"team {team!r}: at most 100 letters, digits, spaces, dots and hyphens")
    return out


class Accounts:
    """The accounts of one case store."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    # --- accounts ---------------------------------------------------------------------------

    def add(self, name: str, *, role: Role | str, password: str, teams: Iterable[str] = (), display_name: str = "") -> Account:
        check_name(name)
        try:
            role = Role(role)
        except ValueError:
            raise AccountError(f"role {role!r}: one of {', '.join(r.value for r in Role)}") from None
        shown = display_name.strip()[:200]
        team_list = check_teams(teams)
        digest = hash_password(password)
        now = _iso(utcnow())
        with self.store.writing() as tx:
            if tx.conn.execute(select(t.accounts.c.id).where(t.accounts.c.name == name)).first() is not None:
                raise AccountError(f"an account {name!r} exists already")
            tx.conn.execute(insert(t.accounts).values(name=name, display_name=shown, role=role.value, password_hash=digest,
                                                      active=True, created_at=now, updated_at=now))
            pk = self._pk(tx.conn, name)
            for team in team_list:
                tx.conn.execute(insert(t.account_teams).values(account_id=pk, team=team))
            tx.audit("", "account-add", "system", f"{name} ({role.value}; teams: {', '.join(team_list) or '-'})")
        return Account(name, role, team_list, shown, True)

    def set_password(self, name: str, password: str) -> None:
        digest = hash_password(password)
        with self.store.writing() as tx:
            done = tx.conn.execute(update(t.accounts).where(t.accounts.c.name == name).values(password_hash=digest, updated_at=_iso(utcnow())))
            if not done.rowcount:
                raise AccountError(f"no account {name!r}")
            pk = self._pk(tx.conn, name)
            tx.conn.execute(delete(t.web_sessions).where(t.web_sessions.c.account_id == pk))  # a new password ends every session
            tx.audit("", "account-password", "system", name)

    def set_active(self, name: str, active: bool) -> None:
        with self.store.writing() as tx:
            done = tx.conn.execute(update(t.accounts).where(t.accounts.c.name == name).values(active=active, updated_at=_iso(utcnow())))
            if not done.rowcount:
                raise AccountError(f"no account {name!r}")
            if not active:
                pk = self._pk(tx.conn, name)
                tx.conn.execute(delete(t.web_sessions).where(t.web_sessions.c.account_id == pk))
            tx.audit("", "account-active" if active else "account-disable", "system", name)

    def get(self, name: str) -> Account | None:
        return self.store.read(lambda c: self._get(c, name))

    def all(self) -> list[Account]:
        def read(c: Connection) -> list[Account]:
            names = c.execute(select(t.accounts.c.name).order_by(t.accounts.c.name)).scalars().all()
            return [a for a in (self._get(c, n) for n in names) if a is not None]
        return self.store.read(read)

    def _pk(self, c: Connection, name: str) -> int:
        pk = c.execute(select(t.accounts.c.id).where(t.accounts.c.name == name)).scalar()
        if pk is None:
            raise AccountError(f"no account {name!r}")
        return int(pk)

    def _get(self, c: Connection, name: str) -> Account | None:
        row = c.execute(select(t.accounts).where(t.accounts.c.name == name)).first()
        if row is None:
            return None
        return self._account(c, row)

    def _account(self, c: Connection, row: object) -> Account:
        m = row._mapping  # type: ignore[attr-defined]
        teams = c.execute(select(t.account_teams.c.team).where(t.account_teams.c.account_id == m["id"]).order_by(t.account_teams.c.team)).scalars().all()
        return Account(m["name"], Role(m["role"]), tuple(teams), m["display_name"], bool(m["active"]))

    # --- logging in -------------------------------------------------------------------------

    def authenticate(self, name: str, password: str, *, client: str) -> Account:
        """The account, when name and password are right and it is active. Raises
        LoginThrottled after too many failures (per name and per client, within the
        window; the check comes first, so a throttled guess costs nothing) and
        LoginRefused otherwise, with one message for every reason."""
        name = name.strip().lower()[:100]
        client = client[:100]
        now = utcnow()
        since = _iso(now - WINDOW)

        def failures(c: Connection) -> tuple[int, int, str | None]:
            per_name = c.execute(select(func.count()).select_from(t.login_attempts).where(and_(
                t.login_attempts.c.name == name, t.login_attempts.c.at >= since, t.login_attempts.c.ok.is_(False)))).scalar_one()
            per_client = c.execute(select(func.count()).select_from(t.login_attempts).where(and_(
                t.login_attempts.c.client == client, t.login_attempts.c.at >= since, t.login_attempts.c.ok.is_(False)))).scalar_one()
            oldest = c.execute(select(func.min(t.login_attempts.c.at)).where(and_(
                t.login_attempts.c.at >= since, t.login_attempts.c.ok.is_(False),
                (t.login_attempts.c.name == name) | (t.login_attempts.c.client == client)))).scalar()
            return int(per_name), int(per_client), oldest

        per_name, per_client, oldest = self.store.read(failures)
        if per_name >= MAX_FAILED_PER_NAME or per_client >= MAX_FAILED_PER_CLIENT:
            wait = WINDOW.total_seconds()
            if oldest:
                wait = max(1.0, (datetime.fromisoformat(oldest) + WINDOW - now).total_seconds())
            raise LoginThrottled(f"too many failed logins; try again in {int(wait // 60) + 1} minutes", retry_after=wait)

        def row(c: Connection) -> tuple[str, bool] | None:
            found = c.execute(select(t.accounts.c.password_hash, t.accounts.c.active).where(t.accounts.c.name == name)).first()
            return (found[0], bool(found[1])) if found is not None else None

        found = self.store.read(row)
        ok = verify_password(found[0] if found else DUMMY_HASH, password) and found is not None and found[1]
        with self.store.writing() as tx:
            tx.conn.execute(insert(t.login_attempts).values(name=name, client=client, at=_iso(now), ok=ok))
            # old attempts are of no use to the rate limit
            tx.conn.execute(delete(t.login_attempts).where(t.login_attempts.c.at < _iso(now - 4 * WINDOW)))
        if not ok:
            raise LoginRefused("wrong account name or password")
        account = self.get(name)
        assert account is not None
        return account

    # --- sessions ---------------------------------------------------------------------------

    def start_session(self, account: Account, *, lifetime: timedelta = SESSION_LIFETIME) -> tuple[str, Session]:
        """A new session: (the cookie's secret, the session with its CSRF token)."""
        secret = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        expires = now + lifetime
        with self.store.writing() as tx:
            pk = self._pk(tx.conn, account.name)
            tx.conn.execute(insert(t.web_sessions).values(token_sha256=_sha(secret), account_id=pk, csrf=csrf,
                                                          created_at=_iso(now), expires_at=_iso(expires)))
            tx.conn.execute(delete(t.web_sessions).where(t.web_sessions.c.expires_at < _iso(now)))
        return secret, Session(account, csrf, expires)

    def session(self, secret: str) -> Session | None:
        """The live session of a cookie's secret, or None (unknown, expired, or its account disabled)."""
        if not secret or len(secret) > 200:
            return None
        now = _iso(utcnow())

        def read(c: Connection) -> Session | None:
            found = c.execute(select(t.web_sessions, t.accounts).join(t.accounts, t.accounts.c.id == t.web_sessions.c.account_id)
                              .where(t.web_sessions.c.token_sha256 == _sha(secret))).first()
            if found is None or found._mapping["expires_at"] < now or not found._mapping["active"]:
                return None
            account = self._get(c, found._mapping["name"])
            return Session(account, found._mapping["csrf"], datetime.fromisoformat(found._mapping["expires_at"])) if account else None

        return self.store.read(read)

    def end_session(self, secret: str) -> None:
        with self.store.writing() as tx:
            tx.conn.execute(delete(t.web_sessions).where(t.web_sessions.c.token_sha256 == _sha(secret)))

    # --- API tokens -------------------------------------------------------------------------

    def new_token(self, name: str, *, label: str = "") -> str:
        """A new API token for the account (shown once; only its hash is kept)."""
        secret = "bbs_" + secrets.token_urlsafe(32)
        with self.store.writing() as tx:
            pk = self._pk(tx.conn, name)
            tx.conn.execute(insert(t.api_tokens).values(token_sha256=_sha(secret), account_id=pk, label=label[:200], created_at=_iso(utcnow())))
            tx.audit("", "token-new", "system", f"{name}: {label[:200]}")
        return secret

    def revoke_tokens(self, name: str) -> int:
        with self.store.writing() as tx:
            pk = self._pk(tx.conn, name)
            done = tx.conn.execute(update(t.api_tokens).where(and_(t.api_tokens.c.account_id == pk, t.api_tokens.c.revoked_at.is_(None)))
                                   .values(revoked_at=_iso(utcnow())))
            tx.audit("", "token-revoke", "system", name)
            return int(done.rowcount or 0)

    def token_account(self, secret: str) -> Account | None:
        if not secret or len(secret) > 200:
            return None

        def read(c: Connection) -> Account | None:
            found = c.execute(select(t.accounts).join(t.api_tokens, t.accounts.c.id == t.api_tokens.c.account_id).where(and_(
                t.api_tokens.c.token_sha256 == _sha(secret), t.api_tokens.c.revoked_at.is_(None)))).first()
            if found is None or not found._mapping["active"]:
                return None
            return self._account(c, found)

        return self.store.read(read)
