"""A hostile variant of the demo world, for tests: the same recorded answers, with
attacks written into their titles, snippets, names, addresses and links.

:class:`HostileReplay` wraps the demo world's replay transport and rewrites each
response body before a collector parses it, so the attacks go through every step a real
answer goes through (parsing, resolving, signals, the report). JSON bodies: every text
value under a key that reads as text (name, title, street, snippet, ...) gets a payload
appended, every link-like value is replaced by a ``javascript:`` or ``data:`` link or
gets a payload in its query. XML, RSS and HTML bodies: the text of title-, description-
and name-like elements gets an (XML-escaped) payload, so the parser hands the raw
attack to the collector. NUL bytes go into JSON only (XML cannot carry them; an XML
answer with one fails to parse, which the fault tests cover).
"""

from __future__ import annotations

import json
import re
from itertools import cycle
from typing import Any
from xml.sax.saxutils import escape

import httpx

from bibobscan.demo import ReplayTransport

PAYLOADS = (
    '<script>alert("script")</script>',
    '<img src=x onerror=alert("onerror")>',
    "</style><script>alert('style')</script><style>",
    '<a href="javascript:alert(1)">klik</a>',
    '<iframe src="data:text/html,<script>alert(2)</script>"></iframe>',
    '<link rel="stylesheet" href="https://evil.example/x.css"><img src="https://evil.example/pixel.gif">',
    "<svg onload=alert('svg')></svg>",
    "\u202egnp.exe",  # right-to-left override: reads as "exe.png"
    '=HYPERLINK("https://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
)
LINKS = ("javascript:alert('link')", "data:text/html,<script>alert('data')</script>", 'https://evil.example/a?q="><script>alert(5)</script>')
TEXT_KEY = re.compile(r"name|naam|title|titel|snippet|content|description|straat|street|address|adres|plaats|city|summary|caption|text|label", re.I)
LINK_KEY = re.compile(r"^(url|link|href|website)$", re.I)
XML_TEXT = re.compile(r"(<(?P<tag>(?:\w+:)?(?:title|description|summary|naam|name|subtitle))(?:\s[^>]*)?>)(?P<text>[^<]{1,2000})(</(?P=tag)>)", re.I)


class HostileReplay(ReplayTransport):
    """The demo world's answers with attacks in every text field (see module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self._payloads = cycle(PAYLOADS)
        self._links = cycle(LINKS)
        self.injected = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        body = response.content
        kind = response.headers.get("content-type", "")
        text = body.decode("utf-8", errors="replace")
        if "json" in kind or text.lstrip().startswith(("{", "[")):
            try:
                data = json.loads(text)
            except ValueError:
                return response
            body = json.dumps(self._json(data), ensure_ascii=False).encode("utf-8")
        elif text.lstrip().startswith("<"):
            body = XML_TEXT.sub(self._xml, text).encode("utf-8")
        else:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)

    def _json(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self._json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._json(v, key) for v in value]
        if isinstance(value, str) and value:
            if LINK_KEY.match(key) and value.startswith("http"):
                self.injected += 1
                return next(self._links)
            if TEXT_KEY.search(key) and not value.startswith("http"):
                self.injected += 1
                return f"{value} {next(self._payloads)}\u0000"
        return value

    def _xml(self, m: re.Match[str]) -> str:
        self.injected += 1
        return f"{m[1]}{m['text']} {escape(next(self._payloads))}{m[4]}"
