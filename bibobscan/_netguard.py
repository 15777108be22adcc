"""The SSRF guard of the HTTP layer: no request (and no redirect hop) to an address
that is not public, unless the settings name the host.

A collector asks the URLs its settings name, the ones it builds from them, and the
ones a source's answer points to (redirects, links). A hostile or broken answer must
not make bibobscan ask the machine it runs on, the local network or a cloud metadata
service (169.254.169.254). So every host is resolved first and every address it
resolves to must be public: not loopback, private (RFC 1918, fc00::/7), link-local
(169.254/16, fe80::/10), multicast, reserved or unspecified, also when written as an
IPv4-mapped IPv6 address (``::ffff:127.0.0.1``) or as a literal IP in the URL.

A host that appears in a configured endpoint URL (a local SearXNG at
``http://127.0.0.1:8888``, yente at ``localhost``) was chosen by whoever wrote the
settings and is allowed as it is, on the port the URL names (or its scheme's default):
a redirect from elsewhere to another service on that machine stays refused.

The check resolves the name itself, so a name that resolves differently when httpx
connects a moment later (DNS rebinding) is not covered; this guards against addresses
that answers point to, not against a hostile DNS server.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .errors import NetworkError, RequestRefused

# host -> the IP addresses it resolves to (as strings); sync or async.
Resolver = Callable[[str], Sequence[str] | Awaitable[Sequence[str]]]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to, through the event loop's ``getaddrinfo``."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def cached(resolver: Resolver) -> Resolver:
    """``resolver`` asked once per host (for one HttpClient, i.e. one scan); a failed
    lookup is not remembered."""
    seen: dict[str, Sequence[str]] = {}

    async def resolve(host: str) -> Sequence[str]:
        if host not in seen:
            found = resolver(host)
            seen[host] = await found if inspect.isawaitable(found) else found
        return seen[host]

    return resolve


def refusal_reason(address: str) -> str | None:
    """Why ``address`` may not be asked (Dutch-free, technical); None when it is public."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            inner = refusal_reason(str(embedded))
            return f"{ip} embeds {embedded}: {inner}" if inner else None
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return f"{ip} is a {kind} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def host_of(url: str) -> str:
    """The lower-case host of ``url`` without brackets ('' when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def endpoint_of(url: str) -> str:
    """``host:port`` of ``url`` (the scheme's default port when none is written; IPv6
    in brackets); '' without a host."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if not host:
        return ""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def named_hosts(values: Iterable[Any]) -> frozenset[str]:
    """``host:port`` of every http(s) URL among ``values`` (settings values: strings,
    lists of strings, nested tables): the endpoints the settings name explicitly."""
    hosts: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value.strip().lower().startswith(("http://", "https://")):
                endpoint = endpoint_of(value.strip())
                if endpoint:
                    hosts.add(endpoint)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for value in values:
        walk(value)
    return frozenset(hosts)


async def check_url(url: str, *, source: str, allowed: frozenset[str] = frozenset(), resolver: Resolver | None = None) -> None:
    """Raise RequestRefused when ``url``'s host is, or resolves to, an address that is
    not public and the settings do not name it (``allowed``: ``host:port`` entries, see
    :func:`named_hosts`). Without ``resolver`` only literal IP addresses and
    ``localhost`` names are checked (an injected transport: no DNS)."""
    host = host_of(url)
    if endpoint_of(url) in allowed:
        return
    literal = _literal(host)
    if literal is not None:
        addresses: Sequence[str] = [str(literal)]
    elif host == "localhost" or host.endswith(".localhost"):
        addresses = ["127.0.0.1"]
    elif resolver is None:
        return
    else:
        try:
            found = resolver(host)
            addresses = await found if inspect.isawaitable(found) else found
        except OSError as exc:
            raise NetworkError(f"{host}: cannot resolve ({exc})", source=source) from exc
        if not addresses:
            raise NetworkError(f"{host}: resolves to no address", source=source)
    for address in addresses:
        reason = refusal_reason(address)
        if reason:
            raise RequestRefused(
                f"refused to ask {host}: {reason} (name the host in a source's URL setting to allow it)", source=source
            )
