"""The shared HTTP layer: retries, Retry-After, size cap, timeouts, per-host limits."""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import Any

import httpx
import pytest

from bibobscan.errors import NetworkError, RateLimited, ResponseTooLarge, SourceTimeout, UpstreamError
from bibobscan.http import HostPolicy, HttpClient, HttpSettings, parse_retry_after

Sleeps = Any


def client(handler, sleeps: Sleeps, **settings) -> HttpClient:  # type: ignore[no-untyped-def]
    s = HttpSettings(host_policies={}, **settings)
    return HttpClient(settings=s, transport=httpx.MockTransport(handler), sleep=sleeps)


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_retry_after_is_honoured_then_success(sleeps: Sleeps) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200, text="ok")

    async def go() -> bytes:
        async with client(handler, sleeps) as http:
            return (await http.get("https://example.org/x", source="t")).content

    assert run(go()) == b"ok"
    assert sleeps.waits == [7.0]
    assert len(calls) == 2


def test_retry_exhausted_on_429_is_rate_limited(sleeps: Sleeps) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "1"})

    async def go() -> None:
        async with client(handler, sleeps, retries=2) as http:
            await http.get("https://example.org/x", source="t")

    with pytest.raises(RateLimited) as info:
        run(go())
    assert info.value.source == "t"
    assert sleeps.waits == [1.0, 1.0]


def test_retry_after_longer_than_allowed_is_not_waited_for(sleeps: Sleeps) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "3600"})

    async def go() -> None:
        async with client(handler, sleeps, max_retry_after=30) as http:
            await http.get("https://example.org/x", source="t")

    with pytest.raises(RateLimited) as info:
        run(go())
    assert sleeps.waits == []
    assert info.value.retry_after == 3600


def test_backoff_without_retry_after_grows(sleeps: Sleeps) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502)

    async def go() -> None:
        async with client(handler, sleeps, retries=3, backoff=0.5) as http:
            await http.get("https://example.org/x", source="t")

    with pytest.raises(UpstreamError) as info:
        run(go())
    assert info.value.status_code == 502
    assert sleeps.waits == [0.5, 1.0, 2.0]


def test_other_4xx_and_500_are_not_retried(sleeps: Sleeps) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(500, text="<html>boom</html>")

    async def go() -> None:
        async with client(handler, sleeps) as http:
            await http.get("https://example.org/x", source="t")

    with pytest.raises(UpstreamError, match="HTTP 500"):
        run(go())
    assert calls == [1]


def test_accepted_status_is_returned(sleeps: Sleeps) -> None:
    async def go() -> int:
        async with client(lambda r: httpx.Response(404, json={}), sleeps) as http:
            return (await http.get("https://example.org/x", source="t", accept_status=(200, 404))).status_code

    assert run(go()) == 404


def test_size_cap_by_declared_length_and_by_stream(sleeps: Sleeps) -> None:
    async def declared() -> None:
        async with client(lambda r: httpx.Response(200, content=b"x" * 2000), sleeps, max_bytes=1000) as http:
            await http.get("https://example.org/x", source="t")

    with pytest.raises(ResponseTooLarge):
        run(declared())

    def streamed(request: httpx.Request) -> httpx.Response:
        async def body():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b"y" * 300

        return httpx.Response(200, content=body())

    async def chunked() -> None:
        async with client(streamed, sleeps, max_bytes=1000) as http:
            await http.get("https://example.org/x", source="t")

    with pytest.raises(ResponseTooLarge):
        run(chunked())


def test_timeout_and_network_errors_are_mapped(sleeps: Sleeps) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    async def go(handler) -> None:  # type: ignore[no-untyped-def]
        async with client(handler, sleeps) as http:
            await http.get("https://example.org/x", source="t")

    with pytest.raises(SourceTimeout):
        run(go(slow))
    with pytest.raises(NetworkError):
        run(go(down))


def test_only_http_and_https(sleeps: Sleeps) -> None:
    async def go() -> None:
        async with client(lambda r: httpx.Response(200), sleeps) as http:
            await http.get("file:///etc/passwd", source="t")

    with pytest.raises(NetworkError, match="non-http"):
        run(go())


def test_response_carries_hash_time_and_user_agent(sleeps: Sleeps) -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["ua"] = request.headers["user-agent"]
        return httpx.Response(200, content=b"abc")

    async def go():  # type: ignore[no-untyped-def]
        async with client(handler, sleeps) as http:
            return await http.get("https://example.org/x", source="t")

    fetched = run(go())
    assert fetched.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert fetched.retrieved_at.tzinfo is not None
    assert seen["ua"].startswith("bibobscan/")


def test_per_host_concurrency_limit() -> None:
    in_flight = 0
    peak = 0

    class Slow(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.01)
            in_flight -= 1
            return httpx.Response(200)

    async def go() -> None:
        settings = HttpSettings(host_policies={"limited.example": HostPolicy(max_concurrency=2)})
        async with HttpClient(settings=settings, transport=Slow()) as http:
            await asyncio.gather(*(http.get("https://limited.example/x", source="t") for _ in range(8)))

    run(go())
    assert peak == 2


def test_min_interval_spaces_request_starts() -> None:
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(time.monotonic())
        return httpx.Response(200)

    async def go() -> None:
        settings = HttpSettings(host_policies={"slow.example": HostPolicy(max_concurrency=4, min_interval=0.05)})
        async with HttpClient(settings=settings, transport=httpx.MockTransport(handler)) as http:
            await asyncio.gather(*(http.get("https://slow.example/x", source="t") for _ in range(4)))

    run(go())
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert all(g >= 0.045 for g in gaps), gaps


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = email.utils.formatdate(time.time() + 60, usegmt=True)
    value = parse_retry_after(future)
    assert value is not None and 55 <= value <= 61
