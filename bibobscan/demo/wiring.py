"""What running in the demo world means, in one place for every command that has ``--demo``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx

from ..config import load_settings
from ..http import without_waits
from .case import REFERENCE_DATE, demo_settings
from .replay import ReplayTransport

if TYPE_CHECKING:
    from ..scan import RunOptions

Options = TypeVar("Options", bound="RunOptions")


def wired(
    options: Options,
    *,
    demo: bool,
    config: Path | None,
    transport: Callable[[], httpx.AsyncBaseTransport] = ReplayTransport,
) -> Options:
    """``options`` with where the run's answers come from.

    Live: the settings file (``config``, else the usual places), the network, the
    environment variables and today's date. Demo: the demo world's settings (placeholder
    keys) without the per-host waits (recorded answers need no politeness; a caller that
    wants the production waits, such as benchmarks/sector_scale.py, uses
    ``demo_settings()`` itself), the replay ``transport``, no environment variables (a
    key in the shell must not change the demo) and the fixed reference date of the demo
    world."""
    if not demo:
        return replace(options, settings=load_settings(config))
    settings = demo_settings()
    if config is not None:
        # An explicit settings file is read and checked in the demo too (a broken or
        # misspelled file is an error, never ignored); its [http] limits apply. Its
        # [sources] and [store] do not: the demo world has its own recorded sources, and
        # its fictional cases must never go into a municipality's real case store.
        own = load_settings(config)
        settings = replace(settings, http=own.http, source_timeout=own.source_timeout)
    return replace(options, settings=replace(settings, http=without_waits(settings.http)), transport=transport(),
                   environ={}, reference_date=REFERENCE_DATE, demo=True)


def demo_config_note(config: Path | None) -> str | None:
    """What a demo run does with an explicit settings file, in one line for the user."""
    if config is None:
        return None
    return (f"--demo: settings file {config} checked; its [http] limits apply, its [sources] and [store] do not "
            "(the demo world has its own recorded sources and its own case store)")
