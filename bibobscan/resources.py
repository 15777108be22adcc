"""Where the shipped indicator files and templates are.

In a checkout (or an editable install) they are the top-level ``indicators/`` and
``templates/`` folders; a plain ``pip install .`` copies them into the package as
``bibobscan/_shipped/`` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_shipped" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"the shipped {name}/ folder is missing from this installation")


def indicators_dir() -> Path:
    return shipped_dir("indicators")


def default_profile() -> Path:
    return indicators_dir() / "profiles" / "standaard.yaml"


def templates_dir() -> Path:
    return shipped_dir("templates")
