"""A JSON answer, or a MalformedResponse that says what came back instead."""

from __future__ import annotations

import json
from typing import Any

from ..errors import MalformedResponse
from ..http import Fetched


def json_body(fetched: Fetched, *, source: str) -> Any:
    """The parsed body; a body that is not JSON (an HTML error page, a captcha, a cut-off
    answer) raises MalformedResponse naming the status and the start of the body."""
    try:
        return json.loads(fetched.content)
    except (ValueError, UnicodeDecodeError) as exc:
        hint = " ".join(fetched.content[:120].decode("utf-8", "replace").split())
        raise MalformedResponse(
            f"HTTP {fetched.status_code} body is not JSON ({exc.__class__.__name__}): {hint or '(empty)'}",
            source=source,
        ) from exc
