"""Text from outside made inert for display: no control characters, no hidden direction.

Jinja's autoescape stops markup; this stops what escaping lets through:

- NUL and the other C0/C1 control characters (except tab and line break) are removed:
  they break parsers, terminals and PDF text, and mean nothing to a reader;
- bidirectional controls (U+202A..U+202E, U+2066..U+2069, U+200E/U+200F, U+061C) are
  replaced by a visible marker such as ``[U+202E]``: a right-to-left override makes
  ``gnp.exe`` read as ``exe.png``, so the reader must see that one was there.

Every HTML template goes through :func:`inert` (the environment's ``finalize``), and
every spreadsheet cell (``cells.safe_cell``).

    >>> inert("a\\x00b\\u202egnp.exe")
    'ab[U+202E]gnp.exe'
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def inert_text(text: str) -> str:
    """``text`` without control characters and with bidi controls shown as markers."""
    text = _CONTROL.sub("", text)
    return _BIDI.sub(lambda m: f"[U+{ord(m[0]):04X}]", text)


def inert(value: Any) -> Any:
    """A template value made inert (see module doc); markup stays markup, other values
    (numbers, None) pass unchanged."""
    if isinstance(value, Markup):
        return Markup(inert_text(str(value)))
    if isinstance(value, str):
        return inert_text(value)
    return value
