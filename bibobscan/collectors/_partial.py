"""Several requests for one source: keep what succeeded, note what failed.

A source that sends more than one request (one per name, one per feed) keeps the
answers that came back and notes the ones that did not; only when every request
failed does the source fail (and the orchestrator records its status), with the class of
the first failure and a message naming every failed request.
"""

from __future__ import annotations

import asyncio
import copy
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
    failure_labels: list[str] = field(default_factory=list)  # the label of each failure, same order

    def raise_if_all_failed(self) -> None:
        """When nothing succeeded, raise the first failure (its class, status, source,
        status code ...) with a message that names every failed request."""
        if not self.failures or self.results:
            return
        first = self.failures[0]
        if len(self.failures) == 1:
            raise first
        labels = self.failure_labels + [""] * (len(self.failures) - len(self.failure_labels))
        parts = [f"{label} ({err.status.value}): {err}" if label else f"({err.status.value}) {err}" for label, err in zip(labels, self.failures)]
        try:
            combined = copy.copy(first)  # keeps source, status_code, retry_after, ...
        except Exception:  # a plugin error class that cannot be rebuilt from its args
            combined = first
        combined.args = (f"alle {len(self.failures)} verzoeken mislukt: " + "; ".join(parts),)
        raise combined from (first if combined is not first else None)


async def gather_partial(requests: Sequence[tuple[K, str, Awaitable[T]]]) -> Partial[K, T]:
    """Run ``(request, label, awaitable)`` concurrently; a SourceError becomes a note
    "<label> mislukt (<status>): <error>"; any other exception propagates."""
    outcomes = await asyncio.gather(*(aw for _, _, aw in requests), return_exceptions=True)
    partial: Partial[K, T] = Partial()
    for (key, label, _), outcome in zip(requests, outcomes):
        if isinstance(outcome, SourceError):
            partial.failures.append(outcome)
            partial.failure_labels.append(label)
            partial.notes.append(f"{label} mislukt ({outcome.status.value}): {outcome}")
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            partial.results.append((key, outcome))
    return partial
