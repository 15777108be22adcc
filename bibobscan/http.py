"""The one shared HTTP layer every collector goes through.

- one ``httpx.AsyncClient`` per scan with a descriptive User-Agent and timeouts;
- per-host concurrency and a minimum interval between requests (rate limit);
- retry with exponential back-off on 429/502/503/504, honouring ``Retry-After``;
  no retry on other 4xx;
- a cap on the response size, read while streaming;
- only http/https;
- no request and no redirect hop to a loopback, private, link-local or other
  non-public address unless the settings name the host (:mod:`bibobscan._netguard`);
  redirects are followed here, each ``Location`` checked, not by httpx;
- the transport is injectable (respx / ``httpx.MockTransport`` in tests, the demo
  world's replay transport for ``--demo``).

Errors come out as the :mod:`bibobscan.errors` tree, never as raw httpx exceptions.
Errors that a service reports inside an HTTP 200 are recognised by the collector's
parser (it knows the format) and raised as :class:`~bibobscan.errors.ErrorInBody`.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from . import __version__, _netguard
from ._netguard import Resolver, check_url, host_of
from .errors import (
    NetworkError,
    RateLimited,
    ResponseTooLarge,
    SourceTimeout,
    UpstreamError,
)
from .model import sha256_hex

USER_AGENT = f"bibobscan/{__version__} (open-source Bibob scan for Dutch municipalities)"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Caller headers kept when a redirect leaves the host (a key header never travels on).
_CROSS_HOST_HEADERS = frozenset({"accept", "accept-language"})
DEFAULT_MAX_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """How hard we may use one host."""

    max_concurrency: int = 4
    min_interval: float = 0.0  # seconds between request starts


# Published limits of the sources (see ../shared/apis/*.md).
DEFAULT_HOST_POLICIES: dict[str, HostPolicy] = {
    # KvK: "no more than 100 queries per second" (developers.kvk.nl/faq/apis, kvk.md
    # "Rate limits"). One start per 0.0105 s keeps every 1-second window at or under 96
    # requests; 50 in flight reach that rate up to 0.5 s latency per request.
    "api.kvk.nl": HostPolicy(max_concurrency=50, min_interval=0.0105),
    "nominatim.openstreetmap.org": HostPolicy(max_concurrency=1, min_interval=1.0),
    "api.gdeltproject.org": HostPolicy(max_concurrency=1, min_interval=5.0),
    "overpass-api.de": HostPolicy(max_concurrency=2, min_interval=1.0),
    "news.google.com": HostPolicy(max_concurrency=2, min_interval=1.0),
    # KOOP SRU: no documented limit; koop-sru.md advises to be polite like the public
    # clients, which wait about 1 s between requests: at most one start per second.
    "repository.overheid.nl": HostPolicy(max_concurrency=2, min_interval=1.0),
    "api.opensanctions.org": HostPolicy(max_concurrency=4, min_interval=0.0),
    "data.rechtspraak.nl": HostPolicy(max_concurrency=1, min_interval=1.0),  # clients keep to about 1 request/s
    "api.search.brave.com": HostPolicy(max_concurrency=1, min_interval=1.0),  # free plan: 1 request/s
    "api.gleif.org": HostPolicy(max_concurrency=1, min_interval=1.0),  # 60 requests per minute
}


@dataclass(slots=True)
class Fetched:
    """A complete, size-checked response."""

    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes
    retrieved_at: datetime
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = sha256_hex(self.content)

    @property
    def text(self) -> str:
        charset = "utf-8"
        ctype = self.headers.get("content-type", "")
        if "charset=" in ctype:
            charset = ctype.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


# Query parameters that may carry a credential: left out of a recorded URL.
_SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "access_token", "password", "secret"})


def recordable_url(url: str) -> str:
    """``url`` without user info and without query parameters that may hold a key."""
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and p.split("=", 1)[0].lower() not in _SECRET_PARAMS)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


@dataclass(slots=True)
class RawBody:
    """One response as received, kept while a case is open so the officer can look at
    what a piece of evidence was read from (``sha256`` is that of the whole body)."""

    sha256: str
    url: str
    status_code: int
    media_type: str
    retrieved_at: datetime
    size: int  # bytes received
    content: bytes  # at most the recorder's cap
    truncated: bool = False


class BodyRecorder:
    """Collects every response body of a scan, capped per body and in total. Identical
    bodies are kept once (keyed by sha256)."""

    def __init__(self, *, max_body_bytes: int = 2_000_000, max_total_bytes: int = 50_000_000) -> None:
        self.max_body_bytes = max_body_bytes
        self.max_total_bytes = max_total_bytes
        self.bodies: dict[str, RawBody] = {}
        self.total = 0
        self.skipped = 0  # bodies not kept because the total cap was reached

    def record(self, fetched: Fetched) -> None:
        if fetched.sha256 in self.bodies:
            return
        kept = fetched.content[: self.max_body_bytes]
        if self.total + len(kept) > self.max_total_bytes:
            self.skipped += 1
            return
        self.total += len(kept)
        self.bodies[fetched.sha256] = RawBody(
            sha256=fetched.sha256, url=recordable_url(fetched.url), status_code=fetched.status_code,
            media_type=fetched.headers.get("content-type", "").split(";")[0].strip() or "application/octet-stream",
            retrieved_at=fetched.retrieved_at, size=len(fetched.content), content=kept, truncated=len(kept) < len(fetched.content),
        )


class _HostGate:
    def __init__(self, policy: HostPolicy) -> None:
        self.policy = policy
        self.semaphore = asyncio.Semaphore(policy.max_concurrency)
        self.lock = asyncio.Lock()
        self.next_start = 0.0


@dataclass
class HttpSettings:
    timeout: float = 15.0
    connect_timeout: float = 5.0
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0  # a longer Retry-After is reported as rate_limited
    max_redirects: int = 3
    host_policies: dict[str, HostPolicy] = field(default_factory=lambda: dict(DEFAULT_HOST_POLICIES))


def without_waits(settings: HttpSettings) -> HttpSettings:
    """Recorded answers (the demo world) need no politeness: the same concurrency, no
    wait between requests to one host."""
    policies = {h: HostPolicy(max_concurrency=p.max_concurrency, min_interval=0.0) for h, p in settings.host_policies.items()}
    return replace(settings, host_policies=policies)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)


class HttpClient:
    """Async HTTP with the project's politeness and safety rules.

    Use as ``async with HttpClient(...) as http:``. ``transport`` replaces the network
    (respx, ``httpx.MockTransport`` or the demo replay transport); ``sleep`` can be
    replaced in tests so back-off costs no wall time.

    ``allowed_hosts`` are the ``host:port`` endpoints the settings name (they may be
    local, see :func:`bibobscan._netguard.named_hosts`); every other host must resolve
    to public addresses only. ``resolver`` (host -> IP strings)
    replaces DNS; by default DNS is asked only when no ``transport`` is injected (with
    one, only literal IP addresses and ``localhost`` are checked, no lookup is made).
    """

    def __init__(
        self,
        *,
        settings: HttpSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        user_agent: str = USER_AGENT,
        recorder: BodyRecorder | None = None,
        allowed_hosts: frozenset[str] = frozenset(),
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = settings or HttpSettings()
        self.recorder = recorder
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        chosen = resolver if resolver is not None else (_netguard.system_resolver if transport is None else None)
        self._resolver = _netguard.cached(chosen) if chosen is not None else None
        self._sleep = sleep
        self._gates: dict[str, _HostGate] = {}
        self._client = httpx.AsyncClient(
            transport=transport,
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(self.settings.timeout, connect=self.settings.connect_timeout),
            follow_redirects=False,  # followed in _send, every hop through the guard
        )

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = _HostGate(self.settings.host_policies.get(host, HostPolicy()))
            self._gates[host] = gate
        return gate

    async def get(
        self,
        url: str,
        *,
        source: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept_status: Iterable[int] = (200,),
    ) -> Fetched:
        return await self.request(
            "GET", url, source=source, params=params, headers=headers, accept_status=accept_status
        )

    async def post(
        self,
        url: str,
        *,
        source: str,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept_status: Iterable[int] = (200,),
    ) -> Fetched:
        return await self.request(
            "POST",
            url,
            source=source,
            json=json,
            data=data,
            params=params,
            headers=headers,
            accept_status=accept_status,
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        source: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        accept_status: Iterable[int] = (200,),
    ) -> Fetched:
        """Send one request with retries; return it when its status is accepted.

        Raises RateLimited, UpstreamError, SourceTimeout, NetworkError,
        RequestRefused or ResponseTooLarge, each carrying ``source``.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise NetworkError(f"refusing non-http(s) URL {url!r}", source=source)
        accepted = frozenset(accept_status)
        gate = self._gate(parts.hostname)
        attempt = 0
        while True:
            attempt += 1
            fetched = await self._once(
                gate, method, url, source=source, params=params, headers=headers, json=json, data=data
            )
            code = fetched.status_code
            if code in accepted:
                return fetched
            if code in RETRY_STATUSES:
                wait = parse_retry_after(fetched.headers.get("retry-after"))
                if wait is None:
                    wait = self.settings.backoff * (2 ** (attempt - 1))
                if attempt <= self.settings.retries and wait <= self.settings.max_retry_after:
                    await self._sleep(wait)
                    continue
                if code in (429, 503):
                    raise RateLimited(
                        f"HTTP {code} from {parts.hostname} after {attempt} attempt(s)"
                        + (f"; Retry-After {wait:.0f}s" if wait else ""),
                        source=source,
                        retry_after=wait,
                    )
            raise UpstreamError(
                f"HTTP {code} from {parts.hostname}: {_body_hint(fetched.content)}",
                source=source,
                status_code=code,
            )

    async def _once(
        self,
        gate: _HostGate,
        method: str,
        url: str,
        *,
        source: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        json: Any,
        data: Mapping[str, str] | None,
    ) -> Fetched:
        async with gate.semaphore:
            if gate.policy.min_interval > 0:
                async with gate.lock:
                    now = time.monotonic()
                    delay = gate.next_start - now
                    if delay > 0:
                        await self._sleep(delay)
                    gate.next_start = max(now, gate.next_start) + gate.policy.min_interval
            request = self._client.build_request(method, url, params=params, headers=headers, json=json, data=data)
            response, content = await self._send(request, source=source, headers=headers)
            fetched = Fetched(
                url=str(response.url),
                status_code=response.status_code,
                headers=response.headers,
                content=content,
                retrieved_at=datetime.now(UTC).replace(microsecond=0),
            )
            if self.recorder is not None:
                self.recorder.record(fetched)
            return fetched

    async def _send(
        self, request: httpx.Request, *, source: str, headers: Mapping[str, str] | None
    ) -> tuple[httpx.Response, bytes]:
        """Send ``request`` and follow its redirects (at most ``max_redirects``), each
        hop checked by the guard first; the last response with its capped body."""
        hops = 0
        while True:
            await check_url(str(request.url), source=source, allowed=self.allowed_hosts, resolver=self._resolver)
            host = request.url.host
            try:
                response = await self._client.send(request, stream=True)
                try:
                    location = response.headers.get("location") if response.status_code in REDIRECT_STATUSES else None
                    content = b"" if location else await self._read_capped(response, source)
                finally:
                    await response.aclose()
            except httpx.TimeoutException as exc:
                raise SourceTimeout(f"timeout talking to {host}: {type(exc).__name__}", source=source) from exc
            except httpx.TransportError as exc:
                raise NetworkError(f"{host}: {exc or type(exc).__name__}", source=source) from exc
            if not location:
                return response, content
            hops += 1
            if hops > self.settings.max_redirects:
                raise NetworkError(f"too many redirects from {request.url} (more than {self.settings.max_redirects})", source=source)
            try:
                target = request.url.join(location)
            except httpx.InvalidURL as exc:
                raise NetworkError(f"{host}: redirect to an invalid URL {location!r}", source=source) from exc
            if target.scheme not in ("http", "https") or not target.host:
                raise NetworkError(f"{host}: refusing a redirect to non-http(s) URL {str(target)!r}", source=source)
            request = self._redirect(request, response.status_code, target, headers)

    def _redirect(
        self, request: httpx.Request, status: int, target: httpx.URL, headers: Mapping[str, str] | None
    ) -> httpx.Request:
        """The request a redirect asks for: GET without a body after 303 (and after 301/302
        of a POST, as browsers do), the same method and body after 307/308; caller
        headers other than Accept are dropped when the host changes."""
        method = request.method
        body: bytes | None = request.content
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            method, body = "GET", None
        same_host = host_of(str(target)) == host_of(str(request.url))
        kept = dict(headers or {}) if same_host else {k: v for k, v in (headers or {}).items() if k.lower() in _CROSS_HOST_HEADERS}
        if body is not None and request.headers.get("content-type"):
            kept["Content-Type"] = request.headers["content-type"]
        return self._client.build_request(method, target, headers=kept, content=body)

    async def _read_capped(self, response: httpx.Response, source: str) -> bytes:
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise ResponseTooLarge(
                f"response of {int(declared):,} bytes exceeds the cap of {cap:,} bytes", source=source
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise ResponseTooLarge(f"response exceeds the cap of {cap:,} bytes", source=source)
            chunks.append(chunk)
        return b"".join(chunks)


def _body_hint(content: bytes, limit: int = 200) -> str:
    text = content[:limit].decode("utf-8", errors="replace")
    return " ".join(text.split()) or "(empty body)"
