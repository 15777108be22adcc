from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bibobscan.collectors import CollectContext
from bibobscan.http import HttpClient, HttpSettings


class Sleeps:
    """Records back-off waits instead of sleeping, so retry tests cost no time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_ctx(sleeps: Sleeps) -> Callable[..., CollectContext]:
    """Build a CollectContext whose HttpClient goes through respx (the default transport
    is patched by respx) and never really sleeps. Close ``ctx.http`` in the test or use
    the async ``ctx`` fixture."""

    def factory(config: dict[str, Any] | None = None, *, max_bytes: int = 1_000_000, timeout: float = 5.0) -> CollectContext:
        http = HttpClient(settings=HttpSettings(max_bytes=max_bytes, timeout=timeout, retries=2, backoff=0.1), sleep=sleeps)
        return CollectContext(http=http, config=config or {}, reference_date=date(2026, 11, 20))

    return factory
