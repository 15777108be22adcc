"""The workspace application (FastAPI on Starlette): the Dutch pages, which work
without JavaScript, and the JSON API for the zaaksysteem described at /openapi.json."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from .. import __version__
from ._auth import Redirect, load_session
from ._context import WebConfig, Workspace
from ._render import page

STATIC = Path(__file__).resolve().parent / "static"

# Nothing from outside may run or load: scripts only from this site (the vendored
# progress script), no frames of other sites, no form posts elsewhere, no plugins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'; frame-src 'self'")
# the report itself, shown in a frame: no script at all
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"


def create_app(config: WebConfig, *, workspace: Workspace | None = None) -> FastAPI:
    """The workspace on the case store of ``config`` (opened here unless given)."""
    ws = workspace or Workspace.open(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if workspace is None:
            ws.close()

    app = FastAPI(
        title="bibobscan", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
        description="De JSON-API van de bibobscan-werkplek voor het zaaksysteem: zaken, scans, rapporten, versies en verschillen. "
                    "Toegang met een API-token per account (Authorization: Bearer).",
    )
    app.state.workspace = ws

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(Redirect)
    async def on_redirect(request: Request, exc: Redirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if getattr(request.state, "session", None) is None:
            load_session(request)
        titles = {401: "Niet ingelogd", 403: "Geen toegang", 404: "Niet gevonden", 409: "Conflict", 413: "Te groot"}
        return page(request, "error.html.j2", status_code=exc.status_code, title=titles.get(exc.status_code, "Fout"), message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        load_session(request)
        return page(request, "error.html.j2", status_code=400, title="Onjuist verzoek", message="Het verzoek mist een veld of heeft een onjuiste waarde.")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from . import api
    from .pages import batch, bureau, cases, login, review, sector

    for router in (login.router, cases.router, review.router, batch.router, sector.router, bureau.router, api.router):
        app.include_router(router)
    return app
