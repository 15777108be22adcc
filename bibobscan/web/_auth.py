"""Signing in to the workspace: a session cookie (random secret, only its hash kept,
HttpOnly, SameSite=Lax, Secure over https), a CSRF token per session on every form, the
login rate limit of :mod:`bibobscan.accounts`, and API tokens for the JSON API.

Single sign-on: an OIDC login (the municipality's identity provider) would plug in
here, as a second way to reach :meth:`Accounts.start_session` after the provider's
callback has been verified (docs/web.md, "Single sign-on"); it is not built yet."""

from __future__ import annotations

import secrets
from typing import NoReturn
from urllib.parse import quote, unquote

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..accounts import Account, Role, Session

SESSION_COOKIE = "bbs_session"
LOGIN_CSRF_COOKIE = "bbs_login"
FLASH_COOKIE = "bbs_flash"


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def secure(request: Request) -> bool:
    configured = request.app.state.workspace.config.secure_cookies
    return bool(configured) if configured is not None else request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, secret: str) -> None:
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=secure(request), path="/", max_age=8 * 3600)


def redirect(url: str, flash: str = "") -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash[:800]), httponly=True, samesite="lax", path="/", max_age=60)
    return response


def flash_of(request: Request) -> str:
    return unquote(request.cookies.get(FLASH_COOKIE, ""))[:800]


def load_session(request: Request) -> Session | None:
    secret = request.cookies.get(SESSION_COOKIE, "")
    session = request.app.state.workspace.accounts.session(secret) if secret else None
    request.state.session = session
    return session


def login_required(request: Request) -> Session:
    session = getattr(request.state, "session", None) or load_session(request)
    if session is None:
        raise Redirect("/inloggen?terug=" + quote(request.url.path))
    return session


def role_required(request: Request, *roles: Role) -> Session:
    session = login_required(request)
    if session.account.role not in roles:
        forbidden("Uw rol (" + session.account.role.value + ") mag deze pagina niet openen.")
    return session


def forbidden(message: str) -> NoReturn:
    raise HTTPException(status_code=403, detail=message)


def check_csrf(request: Request, session: Session, submitted: object) -> None:
    """Every form carries the session's CSRF token; a POST without it is refused."""
    if not isinstance(submitted, str) or not secrets.compare_digest(submitted.encode(), session.csrf.encode()):
        raise HTTPException(status_code=403, detail="Het formulier is verlopen of komt niet van deze site (CSRF-controle). Laad de pagina opnieuw.")


def client_of(request: Request) -> str:
    return request.client.host if request.client else "onbekend"


def api_account(request: Request) -> Account:
    """The account of the ``Authorization: Bearer`` API token; 401 without a valid one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    account = request.app.state.workspace.accounts.token_account(token.strip()) if scheme.lower() == "bearer" else None
    if account is None:
        raise HTTPException(status_code=401, detail="a valid API token is required (Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
    return account  # type: ignore[no-any-return]
