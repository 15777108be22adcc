"""Several requests for one source: keep what succeeded, note what failed.

A source that sends more than one request (one per name, one per feed) keeps the
answers that came back and notes the ones that did not; only when every request
failed does the source fail (and the orchestrator records its status).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..errors import SourceError

K = TypeVar("K")
T = TypeVar("T")


@dataclass(slots=True)
class Partial(Generic[K, T]):
    results: list[tuple[K, T]] = field(default_factory=list)  # (request, answer) that succeeded
    failures: list[SourceError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Dutch, for the report

    def raise_if_all_failed(self) -> None:
        if self.failures and not self.results:
            raise self.failures[0]


async def gather_partial(requests: Sequence[tuple[K, str, Awaitable[T]]]) -> Partial[K, T]:
    """Run ``(request, label, awaitable)`` concurrently; a SourceError becomes a note
    "<label> mislukt (<status>): <error>"; any other exception propagates."""
    outcomes = await asyncio.gather(*(aw for _, _, aw in requests), return_exceptions=True)
    partial: Partial[K, T] = Partial()
    for (key, label, _), outcome in zip(requests, outcomes):
        if isinstance(outcome, SourceError):
            partial.failures.append(outcome)
            partial.notes.append(f"{label} mislukt ({outcome.status.value}): {outcome}")
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            partial.results.append((key, outcome))
    return partial
