"""Run one collector once in a test and close its HTTP client afterwards."""

from __future__ import annotations

import asyncio

from bibobscan.collectors import CollectContext, Collected, Collector
from bibobscan.model import Subject


def collect_once(collector: Collector, subject: Subject, ctx: CollectContext) -> Collected:
    async def go() -> Collected:
        try:
            return await collector.collect(subject, ctx)
        finally:
            await ctx.http.aclose()

    return asyncio.run(go())
