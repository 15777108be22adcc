"""The workspace's local accounts: roles, case teams, argon2 password hashes, browser
sessions with their CSRF token, API tokens and the login rate limit (docs/web.md).
Kept in the case store (its migration 0002), so the CLI and the web page share them."""

from ._accounts import MAX_FAILED_PER_CLIENT, MAX_FAILED_PER_NAME, SESSION_LIFETIME, WINDOW, Accounts, check_name, check_teams
from ._model import CASE_ROLES, ROLE_LABELS, Account, Role, Session
from ._passwords import MIN_LENGTH, check_strength

__all__ = [
    "CASE_ROLES", "MAX_FAILED_PER_CLIENT", "MAX_FAILED_PER_NAME", "MIN_LENGTH", "ROLE_LABELS", "SESSION_LIFETIME", "WINDOW",
    "Account", "Accounts", "Role", "Session", "check_name", "check_strength", "check_teams",
]
