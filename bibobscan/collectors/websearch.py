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
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..errors import ErrorInBody, MalformedResponse, UpstreamError
from ..http import Fetched
from ..model import (
    MAX_FIELD_TEXT,
    MAX_TITLE,
    Evidence,
    Reliability,
    Subject,
    SubjectKind,
    clip,
)
from ._base import CollectContext, Collected, Collector, public_url
from ._json import json_body
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
_ERROR_STATUSES = (400, 401, 403, 422)  # 429 is the HTTP layer's: retried, then rate_limited


# Hosts whose pages have their own source, read from the publisher's open data: a search
# hit there is left to that source, so one ruling or notice is not counted twice.
OWN_SOURCE_HOSTS = frozenset({"uitspraken.rechtspraak.nl", "data.rechtspraak.nl", "deeplink.rechtspraak.nl",
                              "zoek.officielebekendmakingen.nl", "www.officielebekendmakingen.nl", "repository.overheid.nl"})
MAX_URL = 2000
FULL_PAGE = 20  # a SearXNG page this long may have more behind it


@dataclass(slots=True)
class SearchAnswer:
    fetched: Fetched
    results: list[WebResult]
    notes: list[str] = field(default_factory=list)  # engines that failed, pages not read
    incomplete: bool = False  # the answer is not all the engine had: "no hit" is not reliable


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
    reliability: ClassVar[Reliability] = Reliability.SEARCH_SNIPPET
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
    options: ClassVar[tuple[str, ...]] = ("url", "brave_api_key", "brave_url")  # brave_url: default BRAVE_URL

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        if config.get("url") or config.get("brave_api_key"):
            if config.get("url") and not http_url(str(config["url"])):
                return f"url must be an http(s) address of a SearXNG server, not {str(config['url'])!r}"
            return None
        return "no search engine set: url (env BIBOBSCAN_SEARXNG_URL, your own SearXNG) or brave_api_key (env BRAVE_API_KEY)"

    def describe_endpoint(self, config: Mapping[str, Any]) -> str:
        if config.get("url"):
            return public_url(str(config["url"]))
        return public_url(brave_url(config)) if config.get("brave_api_key") else ""

    @staticmethod
    def engine(config: Mapping[str, Any]) -> str:
        return "searxng" if config.get("url") else "brave"

    @staticmethod
    def engine_label(config: Mapping[str, Any]) -> str:
        return "SearXNG" if config.get("url") else "Brave"

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        queries = ", ".join(f'q="{n}"' for n in search_names(subject, MAX_NAMES))
        return f"{self.engine_label(config)} {queries} (nl, NL)"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        self.require_configured(ctx.config)
        names = search_names(subject, MAX_NAMES)
        found = await gather_partial([(name, f'q="{name}"', self.search(ctx, f'"{name}"')) for name in names])
        needles = name_needles(subject)
        evidence: list[Evidence] = []
        notes = list(found.notes)
        seen: set[str] = set()
        left_to_others = 0
        incomplete = bool(found.failures)
        for name, answer in found.results:
            notes.extend(f'q="{name}": {n}' for n in answer.notes)
            incomplete = incomplete or answer.incomplete
            for result in answer.results:
                if result.url in seen:
                    continue
                seen.add(result.url)
                if (urlsplit(result.url).hostname or "") in OWN_SOURCE_HOSTS:
                    left_to_others += 1
                    continue
                evidence.append(self._evidence(result, answer.fetched, f'{self.engine_label(ctx.config)} q="{name}"', needles))
        if left_to_others:
            notes.append(f"{left_to_others} resultaat/resultaten van uitspraken.rechtspraak.nl of officielebekendmakingen.nl "
                         "overgelaten aan de eigen bron daarvan (rechtspraak, koop)")
        found.raise_if_all_failed()
        return Collected(evidence, query=self.describe_query(subject, ctx.config), notes=notes,
                         partial=self.provides if incomplete else frozenset())

    async def search(self, ctx: CollectContext, q: str, *, source: str | None = None) -> SearchAnswer:
        """One query ``q`` as given (quotes, ``site:``) to the configured engine; errors
        name ``source`` (another collector that searches through this one)."""
        source = source or self.id
        if self.engine(ctx.config) == "searxng":
            url = str(ctx.config["url"]).rstrip("/") + "/search"
            fetched = await ctx.http.get(url, source=source, accept_status=(200, *_ERROR_STATUSES),
                                         params={"q": q, "format": "json", "language": "nl-NL", "safesearch": "0"},
                                         headers={"Accept": "application/json"})
            self._raise_for_status(fetched, "SearXNG", source)
            return self._searxng(fetched, json_body(fetched, source=source), source)
        fetched = await ctx.http.get(brave_url(ctx.config), source=source, accept_status=(200, *_ERROR_STATUSES),
                                     params={"q": q, "country": "NL", "search_lang": "nl", "count": str(MAX_RESULTS)},
                                     headers={"Accept": "application/json", "X-Subscription-Token": str(ctx.config["brave_api_key"])})
        self._raise_for_status(fetched, "Brave", source)
        return self._brave(fetched, json_body(fetched, source=source), source)

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

    def _searxng(self, fetched: Fetched, body: Any, source: str) -> SearchAnswer:
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise MalformedResponse("SearXNG answer has no results list", source=source)
        answer = SearchAnswer(fetched, [])
        failed = [f"{clip(str(e[0]), 40)} ({clip(str(e[1]), 60)})" for e in body.get("unresponsive_engines") or []
                  if isinstance(e, list) and len(e) == 2]
        if failed and not body["results"]:
            # no engine answered: an error inside a 200, never "no findings"
            raise ErrorInBody(f"SearXNG: no engine answered ({', '.join(failed[:10])})", source=source)
        if failed:
            # other engines answered: a note, the results stand
            answer.notes.append(f"zoekmachines zonder antwoord: {', '.join(failed[:10])}; resultaten kunnen ontbreken")
        for r in body["results"][:MAX_RESULTS]:
            if isinstance(r, dict):
                listed = r.get("engines")
                engines: list[Any] = listed if isinstance(listed, list) else [r.get("engine")]
                result = _result(r.get("url"), r.get("title"), r.get("content"), r.get("publishedDate"), engines)
                if result is not None:
                    answer.results.append(result)
        if len(body["results"]) >= FULL_PAGE:
            answer.notes.append(f"alleen de eerste pagina gelezen (de eerste {min(len(body['results']), MAX_RESULTS)} van "
                                f"{len(body['results'])} resultaten); er kunnen meer zijn")
            answer.incomplete = True
        return answer

    def _brave(self, fetched: Fetched, body: Any, source: str) -> SearchAnswer:
        if not isinstance(body, dict):
            raise MalformedResponse("Brave answer is not a JSON object", source=source)
        answer = SearchAnswer(fetched, [])
        web = body.get("web") or {}
        results = web.get("results") if isinstance(web, dict) else None
        if results is None:
            return answer  # Brave leaves out empty sections
        if not isinstance(results, list):
            raise MalformedResponse("Brave web.results is not a list", source=source)
        for r in results[:MAX_RESULTS]:
            if isinstance(r, dict):
                result = _result(r.get("url"), r.get("title"), r.get("description"), r.get("page_age"), ["brave"])
                if result is not None:
                    answer.results.append(result)
        query = body.get("query")
        if isinstance(query, dict) and query.get("more_results_available"):
            answer.notes.append(f"alleen de eerste {len(results)} resultaten gelezen; Brave heeft er meer")
            answer.incomplete = True
        return answer

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


def brave_url(config: Mapping[str, Any]) -> str:
    """The Brave Search endpoint asked: ``brave_url`` or the public API."""
    return str(config.get("brave_url") or BRAVE_URL)


def _result(url: Any, title: Any, snippet: Any, published: Any, engines: list[Any]) -> WebResult | None:
    """One result, or None when its link is not a plain http(s) URL of sane length."""
    link = http_url(str(url or ""))
    if not link or len(link) > MAX_URL:
        return None
    return WebResult(link, clip(html_to_text(str(title or "")), MAX_TITLE), clip(html_to_text(str(snippet or "")), MAX_FIELD_TEXT),
                     _site(link), parse_date(str(published or "")), [clip(str(e), 40) for e in engines[:10] if e])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
