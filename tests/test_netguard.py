"""The SSRF guard: no request or redirect hop to a non-public address unless the
settings name the host. Addresses only: a fake resolver and a MockTransport, no traffic."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx
import pytest

from bibobscan._netguard import check_url, named_hosts, refusal_reason
from bibobscan.collectors import load_collectors
from bibobscan.config import Settings
from bibobscan.errors import NetworkError, RequestRefused, status_for
from bibobscan.http import HttpClient, HttpSettings
from bibobscan.model import Case, SourceStatus, Subject, SubjectKind
from bibobscan.scan import ScanOptions, scan

PUBLIC = "93.184.215.14"
DNS = {"public.example": [PUBLIC], "evil.example": ["10.0.0.5"], "mixed.example": [PUBLIC, "127.0.0.1"],
       "meta.example": ["169.254.169.254"]}


def resolver(host: str) -> list[str]:
    return DNS.get(host, [])


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "169.254.1.1",
    "224.0.0.1", "239.255.255.250", "0.0.0.0", "240.0.0.1", "255.255.255.255", "100.64.0.1",
    "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::",
])
def test_each_non_public_address_class_is_refused(address: str) -> None:
    assert refusal_reason(address)
    url = f"http://[{address}]/x" if ":" in address else f"http://{address}/x"
    with pytest.raises(RequestRefused) as info:
        run(check_url(url, source="t", resolver=resolver))
    assert info.value.source == "t"
    assert status_for(info.value) is SourceStatus.FAILED


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_a_public_address_is_allowed(address: str) -> None:
    assert refusal_reason(address) is None
    url = f"https://[{address}]/x" if ":" in address else f"https://{address}/x"
    run(check_url(url, source="t", resolver=resolver))


def test_names_are_judged_by_every_address_they_resolve_to() -> None:
    run(check_url("https://public.example/x", source="t", resolver=resolver))
    for host in ("evil.example", "mixed.example", "meta.example", "localhost", "db.localhost"):
        with pytest.raises(RequestRefused):
            run(check_url(f"https://{host}/x", source="t", resolver=resolver))
    with pytest.raises(NetworkError):  # resolves to nothing: not delivered, and not refused as local
        run(check_url("https://unknown.example/x", source="t", resolver=resolver))


def test_a_host_the_settings_name_is_allowed_even_when_local() -> None:
    settings = Settings(sources={"websearch": {"url": "http://127.0.0.1:8888"}, "opensanctions": {"url": "http://localhost:8000"}})
    allowed = settings.named_hosts(load_collectors(), environ={"GLEIF_URL": "http://evil.example/gleif"})
    assert allowed == {"127.0.0.1:8888", "localhost:8000", "evil.example:80"}
    for url in ("http://127.0.0.1:8888/search", "http://localhost:8000/match/default", "http://evil.example/gleif/lei-records"):
        run(check_url(url, source="t", allowed=allowed, resolver=resolver))
    # only the endpoint named: not another local host, nor another service on the named one
    for url in ("http://127.0.0.2:8888/", "http://127.0.0.1:2375/containers/json", "https://localhost/"):
        with pytest.raises(RequestRefused):
            run(check_url(url, source="t", allowed=allowed, resolver=resolver))
    assert named_hosts([{"feeds": ["https://Feed.Example/rss", "geen url"]}, "ftp://x.example/", "http://[::1]:8080/"]) == {
        "feed.example:443", "[::1]:8080"}


def _client(handler, seen: list[str], **settings) -> HttpClient:  # type: ignore[no-untyped-def]
    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return handler(request)

    return HttpClient(settings=HttpSettings(host_policies={}, **settings), transport=httpx.MockTransport(recording), resolver=resolver)


def test_a_redirect_from_a_public_host_to_the_metadata_address_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    async def go() -> None:
        async with _client(handler, seen) as http:
            await http.get("https://public.example/x", source="t")

    with pytest.raises(RequestRefused, match="169.254.169.254"):
        run(go())
    assert seen == ["https://public.example/x"]  # the metadata address was never asked


def test_a_redirect_to_a_private_address_through_a_dns_name_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "https://evil.example/admin"})

    async def go() -> None:
        async with _client(handler, seen) as http:
            await http.get("https://public.example/x", source="t")

    with pytest.raises(RequestRefused, match="evil.example"):
        run(go())
    assert seen == ["https://public.example/x"]


def test_public_redirects_are_followed_up_to_the_limit_and_drop_key_headers_across_hosts() -> None:
    seen: list[str] = []
    DNS["other.example"] = [PUBLIC]
    tokens: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        tokens.append(request.headers.get("x-subscription-token"))
        if request.url.host == "public.example":
            return httpx.Response(307, headers={"Location": "https://other.example/y"})
        return httpx.Response(200, text="ok")

    async def go() -> str:
        async with _client(handler, seen) as http:
            fetched = await http.get("https://public.example/x", source="t", headers={"X-Subscription-Token": "secret"})
            return fetched.url

    assert run(go()) == "https://other.example/y"
    assert seen == ["https://public.example/x", "https://other.example/y"]
    assert tokens == ["secret", None]

    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "/again"})

    async def forever() -> None:
        async with _client(loop, seen, max_redirects=2) as http:
            await http.get("https://public.example/x", source="t")

    with pytest.raises(NetworkError, match="too many redirects"):
        run(forever())


def test_a_scan_records_a_refused_redirect_as_a_failed_source() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.gleif.org":
            return httpx.Response(302, headers={"Location": "http://[::ffff:127.0.0.1]:2375/containers/json"})
        return httpx.Response(503)

    options = ScanOptions(settings=Settings(), transport=httpx.MockTransport(handler), environ={}, reference_date=date(2026, 11, 20))
    options.settings.http.retries = 0
    report = run(scan(Subject(kind=SubjectKind.COMPANY, name="Voorbeeld B.V.", kvk="12345678"), Case(case_id="T-1", purpose="test"),
                      load_collectors(["gleif"]), options))
    (gleif,) = report.sources
    assert gleif.status is SourceStatus.FAILED
    assert "niet-openbaar netwerkadres" in (gleif.error or "")
    assert "refused" in gleif.technische_melding and "127.0.0.1" in gleif.technische_melding


def test_each_host_is_resolved_once_per_client() -> None:
    lookups: list[str] = []

    def counting(host: str) -> list[str]:
        lookups.append(host)
        return [PUBLIC]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="ok")

    async def go() -> None:
        async with HttpClient(settings=HttpSettings(host_policies={}), transport=httpx.MockTransport(handler), resolver=counting) as http:
            for _ in range(3):
                await http.get("https://public.example/x", source="t")

    run(go())
    assert lookups == ["public.example"]


def test_a_local_searxng_named_in_the_settings_is_asked_in_a_scan() -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url.copy_with(query=None)))
        return httpx.Response(200, json={"query": "q", "results": [], "unresponsive_engines": []})

    settings = Settings(sources={"websearch": {"url": "http://127.0.0.1:8888"}})
    options = ScanOptions(settings=settings, transport=httpx.MockTransport(handler), environ={}, reference_date=date(2026, 11, 20))
    report = run(scan(Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld"), Case(case_id="T-1", purpose="test"),
                      load_collectors(["websearch"]), options))
    (websearch,) = report.sources
    assert websearch.status is SourceStatus.NO_RESULTS, websearch.technische_melding
    assert asked == ["http://127.0.0.1:8888/search"]
