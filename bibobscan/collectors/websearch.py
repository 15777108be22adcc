"""Web search: a SearXNG instance (JSON API) or the Brave Search API.

One exact-phrase query per subject name (``"Voorbeeld Shisha Lounge"``), in Dutch, for
the Netherlands; one ``web.result`` evidence per result (see docs/evidence.md) with the
title, the search engine's snippet and the link — never the page itself. Whether a
result is about the subject is decided by the resolver, whether it links the subject
to crime by the adverse-media check, exactly as for news.

SearXNG must run with ``json`` among its ``search.formats`` (it answers 403 otherwise);
run your own instance, public ones mostly refuse JSON or throttle. Brave needs an API
key (``X-Subscription-Token``). When both are set, SearXNG is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..errors import ErrorInBody, MalformedResponse, NotConfigured, UpstreamError
from ..http import Fetched
from ..model import MAX_FIELD_TEXT, MAX_TITLE, Evidence, Subject, SubjectKind, clip
from ._base import CollectContext, Collected, Collector
from ._partial import gather_partial
from .news import (
    html_to_text,
    http_url,
    make_excerpt,
    name_needles,
    parse_date,
    search_names,
)

BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
MAX_NAMES = 2
MAX_RESULTS = 20  # per query
_ERROR_STATUSES = (400, 401, 403, 422, 429)


@dataclass(slots=True)
class WebResult:
    url: str
    title: str
    snippet: str
    site: str
    published: str | None
    engines: list[str]


class WebSearchCollector(Collector):
    id: ClassVar[str] = "websearch"
    title: ClassVar[str] = "Zoeken op het web (SearXNG of Brave)"
    covers: ClassVar[str] = (
        "Webpagina's waarin de naam letterlijk voorkomt, via een eigen SearXNG-server of de Brave "
        "Search API: titel, fragment van de zoekmachine en link."
    )
    licence: ClassVar[str] = (
        "SearXNG: eigen server, voorwaarden van de achterliggende zoekmachines; Brave Search API: "
        "abonnement (ook gratis met limiet); per resultaat bewaren we alleen titel, fragment en link"
    )
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.PERSON, SubjectKind.COMPANY})
    provides: ClassVar[frozenset[str]] = frozenset({"media.adverse", "media.mention"})
    env: ClassVar[Mapping[str, str]] = {"url": "BIBOBSCAN_SEARXNG_URL", "brave_api_key": "BRAVE_API_KEY"}
    options: ClassVar[tuple[str, ...]] = ("url", "brave_api_key")

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        if config.get("url") or config.get("brave_api_key"):
            if config.get("url") and not http_url(str(config["url"])):
                return f"url must be an http(s) address of a SearXNG server, not {str(config['url'])!r}"
            return None
        return "geen zoekmachine ingesteld: url (env BIBOBSCAN_SEARXNG_URL, eigen SearXNG) of brave_api_key (env BRAVE_API_KEY)"

    @staticmethod
    def engine(config: Mapping[str, Any]) -> str:
        return "searxng" if config.get("url") else "brave"

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        queries = ", ".join(f'q="{n}"' for n in search_names(subject, MAX_NAMES))
        return f"{'SearXNG' if self.engine(config) == 'searxng' else 'Brave'} {queries} (nl, NL)"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        reason = self.not_configured_reason(ctx.config)
        if reason:
            raise NotConfigured(reason, source=self.id)
        names = search_names(subject, MAX_NAMES)
        partial = await gather_partial([(name, f'q="{name}"', self._search(ctx, name)) for name in names])
        needles = name_needles(subject)
        evidence: list[Evidence] = []
        seen: set[str] = set()
        for name, (fetched, results) in partial.results:
            for result in results:
                if result.url in seen:
                    continue
                seen.add(result.url)
                evidence.append(self._evidence(result, fetched, f'{self.engine(ctx.config)} q="{name}"', needles))
        partial.raise_if_all_failed()
        return Collected(evidence, query=self.describe_query(subject, ctx.config), notes=list(partial.notes),
                         partial=self.provides if partial.failures else frozenset())

    async def _search(self, ctx: CollectContext, name: str) -> tuple[Fetched, list[WebResult]]:
        return await self.search(ctx, f'"{name}"')

    async def search(self, ctx: CollectContext, q: str, *, source: str | None = None) -> tuple[Fetched, list[WebResult]]:
        """One query ``q`` as given (quotes, ``site:``) to the configured engine; errors
        name ``source`` (another collector that searches through this one)."""
        source = source or self.id
        if self.engine(ctx.config) == "searxng":
            url = str(ctx.config["url"]).rstrip("/") + "/search"
            fetched = await ctx.http.get(url, source=source, accept_status=(200, *_ERROR_STATUSES),
                                         params={"q": q, "format": "json", "language": "nl-NL", "safesearch": "0"},
                                         headers={"Accept": "application/json"})
            self._raise_for_status(fetched, "SearXNG", source)
            return fetched, self._searxng(self._json(fetched, source), source)
        fetched = await ctx.http.get(BRAVE_URL, source=source, accept_status=(200, *_ERROR_STATUSES),
                                     params={"q": q, "country": "NL", "search_lang": "nl", "count": str(MAX_RESULTS)},
                                     headers={"Accept": "application/json", "X-Subscription-Token": str(ctx.config["brave_api_key"])})
        self._raise_for_status(fetched, "Brave", source)
        return fetched, self._brave(self._json(fetched, source), source)

    # --- responses ------------------------------------------------------------------

    def _raise_for_status(self, fetched: Fetched, engine: str, source: str) -> None:
        if fetched.status_code == 200:
            return
        detail = ""
        try:
            body = json.loads(fetched.content)
            if isinstance(body, dict):
                error = body.get("error")
                detail = str(error.get("detail") or error) if isinstance(error, dict) else str(error or "")
        except ValueError:
            detail = " ".join(fetched.content[:200].decode("utf-8", "replace").split())
        if engine == "SearXNG" and fetched.status_code == 403:
            detail = "JSON staat uit op deze server (zet json bij search.formats in settings.yml)" + (f"; {detail}" if detail else "")
        raise UpstreamError(f"HTTP {fetched.status_code} van {engine}: {clip(detail, 300) or '(lege body)'}",
                            source=source, status_code=fetched.status_code)

    def _json(self, fetched: Fetched, source: str) -> Any:
        try:
            return json.loads(fetched.content)
        except (ValueError, UnicodeDecodeError) as exc:
            hint = " ".join(fetched.content[:120].decode("utf-8", "replace").split())
            raise MalformedResponse(f"HTTP {fetched.status_code} body is not JSON: {hint or '(empty)'}", source=source) from exc

    def _searxng(self, body: Any, source: str) -> list[WebResult]:
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise MalformedResponse("SearXNG answer has no results list", source=source)
        if not body["results"] and body.get("unresponsive_engines"):
            failed = ", ".join(f"{e[0]} ({e[1]})" for e in body["unresponsive_engines"] if isinstance(e, list) and len(e) == 2)
            raise ErrorInBody(f"geen resultaten en geen enkele zoekmachine antwoordde: {clip(failed, 300)}", source=source)
        out: list[WebResult] = []
        for r in body["results"][:MAX_RESULTS]:
            if not isinstance(r, dict):
                continue
            url = http_url(str(r.get("url") or ""))
            if not url:
                continue
            listed = r.get("engines")
            engines: list[Any] = listed if isinstance(listed, list) else [r.get("engine")]
            out.append(WebResult(url, html_to_text(str(r.get("title") or "")), html_to_text(str(r.get("content") or "")),
                                 _site(url), parse_date(str(r.get("publishedDate") or "")), [str(e) for e in engines if e]))
        return out

    def _brave(self, body: Any, source: str) -> list[WebResult]:
        if not isinstance(body, dict):
            raise MalformedResponse("Brave answer is not a JSON object", source=source)
        web = body.get("web") or {}
        results = web.get("results") if isinstance(web, dict) else None
        if results is None:
            return []  # Brave leaves out empty sections
        if not isinstance(results, list):
            raise MalformedResponse("Brave web.results is not a list", source=source)
        out: list[WebResult] = []
        for r in results[:MAX_RESULTS]:
            if not isinstance(r, dict):
                continue
            url = http_url(str(r.get("url") or ""))
            if not url:
                continue
            out.append(WebResult(url, html_to_text(str(r.get("title") or "")), html_to_text(str(r.get("description") or "")),
                                 _site(url), parse_date(str(r.get("page_age") or "")), ["brave"]))
        return out

    def _evidence(self, result: WebResult, fetched: Fetched, query: str, needles: list[str]) -> Evidence:
        text = clip(f"{result.title}. {result.snippet}" if result.snippet else result.title, MAX_FIELD_TEXT)
        return Evidence(
            id=Evidence.make_id(self.id, result.url),
            source=self.id,
            kind="web.result",
            url=result.url,
            query=query,
            retrieved_at=fetched.retrieved_at,
            sha256=fetched.sha256,
            title=clip(result.title or result.url, MAX_TITLE),
            excerpt=make_excerpt(result.title, result.snippet, needles),
            published_at=result.published,
            fields={"outlet": result.site, "outlet_url": _origin(result.url),
                    "text": text, "engines": result.engines[:10]},
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
