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
settings and is allowed as it is.

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


def named_hosts(values: Iterable[Any]) -> frozenset[str]:
    """The hosts of every http(s) URL among ``values`` (settings values: strings, lists
    of strings, nested tables): the hosts the settings name explicitly."""
    hosts: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value.strip().lower().startswith(("http://", "https://")):
                host = host_of(value.strip())
                if host:
                    hosts.add(host)
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
    not public and the settings do not name it. Without ``resolver`` only literal IP
    addresses and ``localhost`` names are checked (an injected transport: no DNS)."""
    host = host_of(url)
    if host in allowed:
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
