"""Inloggen en uitloggen."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...errors import LoginRefused, LoginThrottled
from .._auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, client_of, load_session, redirect, secure, set_session_cookie
from .._render import page

router = APIRouter(include_in_schema=False)


def _back(value: object) -> str:
    """Only a path on this site (never another host) to go back to after logging in."""
    text = str(value or "/")
    parts = urlsplit(text)
    return text if text.startswith("/") and not text.startswith("//") and not parts.netloc and not parts.scheme else "/"


def _login_page(request: Request, *, name: str = "", error: str = "", status_code: int = 200, back: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html.j2", status_code=status_code, name=name, error=error, login_csrf=token, back=back)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure(request), path="/inloggen", max_age=3600)
    return response


@router.get("/inloggen")
def login_form(request: Request) -> Response:
    if load_session(request) is not None:
        return redirect("/")
    return _login_page(request, back=_back(request.query_params.get("terug")))


@router.post("/inloggen")
async def login(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_login, request, form)


def _login(request: Request, form: Any) -> Response:
    name = str(form.get("naam", ""))[:100]
    back = _back(form.get("terug"))
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), str(form.get("csrf", "")).encode()):
        return _login_page(request, name=name, error="Het formulier is verlopen; probeer het opnieuw.", status_code=403, back=back)
    accounts = request.app.state.workspace.accounts
    try:
        account = accounts.authenticate(name, str(form.get("wachtwoord", "")), client=client_of(request))
    except LoginThrottled as exc:
        response = _login_page(request, name=name, status_code=429, back=back,
                               error=f"Te veel mislukte pogingen. Probeer het over {int(exc.retry_after // 60) + 1} minuten opnieuw.")
        response.headers["Retry-After"] = str(int(exc.retry_after))
        return response
    except LoginRefused:
        return _login_page(request, name=name, error="Onjuiste naam of onjuist wachtwoord.", status_code=401, back=back)
    secret, _session = accounts.start_session(account)
    response = redirect(back)
    set_session_cookie(response, request, secret)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/inloggen")
    return response


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_logout, request, form)


def _logout(request: Request, form: Any) -> Response:
    session = load_session(request)
    if session is not None and secrets.compare_digest(str(form.get("csrf", "")).encode(), session.csrf.encode()):
        request.app.state.workspace.accounts.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/inloggen", flash="U bent uitgelogd.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
