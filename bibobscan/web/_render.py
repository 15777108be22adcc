"""Pages are rendered with the report's jinja2 environment (autoescape always on, the
same filters, StrictUndefined) from ``templates/web/``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..report.render import environment


@lru_cache(maxsize=1)
def web_environment() -> jinja2.Environment:
    return environment()


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A full page: the template with the signed-in account, its CSRF token and flash."""
    session = getattr(request.state, "session", None)
    from ._auth import flash_of

    flash = flash_of(request)
    body = web_environment().get_template(f"web/{template}").render(
        request=request, session=session, account=session.account if session else None,
        csrf=session.csrf if session else "", flash=flash, demo=request.app.state.workspace.config.demo, **context)
    response = HTMLResponse(body, status_code=status_code)
    if flash:
        response.delete_cookie("bbs_flash", path="/")
    return response
