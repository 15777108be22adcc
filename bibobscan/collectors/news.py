"""News: Google News RSS search (nl-NL) plus configured regional RSS/Atom feeds.

One ``news.article`` evidence per item (see docs/evidence.md). Google News returns
what it found for the exact phrase; the collector keeps every item and leaves the
"is this our subject?" question to the resolver. Configured feeds are not searches, so
from them only items whose title or description mention one of the subject's names
are kept.

Per item we keep the headline, a short excerpt and the link, never the article.
"""

from __future__ import annotations

import email.utils
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .. import matching
from ..errors import ErrorInBody, MalformedResponse
from ..http import Fetched
from ..model import (
    MAX_EXCERPT,
    MAX_FIELD_TEXT,
    MAX_TITLE,
    Evidence,
    Reliability,
    Subject,
    SubjectKind,
    clip,
)
from ._base import CollectContext, Collected, Collector, public_url
from ._partial import gather_partial
from ._xml import (
    Element,
    attr,
    child,
    child_text,
    children,
    local_name,
    looks_like_html,
    parse_xml,
    text_of,
    xml_input,
)

GOOGLE_NEWS_URL = "https://news.google.com/rss/search"
GOOGLE_PARAMS = {"hl": "nl", "gl": "NL", "ceid": "NL:nl"}
GOOGLE_FEED = "google-news"
MAX_NAMES = 3
MAX_ITEMS_PER_FEED = 100

_BLOCK_TAG = re.compile(
    r"<(/?)(p|div|br|li|ol|ul|h[1-6]|tr|td|th|blockquote|section|article|figure|figcaption|hr)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)]))\s+(?=[\"'“‘(\[]?[A-ZÀ-Þ0-9])")
_TRAFFIC_MARKERS = (b"unusual traffic", b"/sorry/", b"captcha")


# --- names ------------------------------------------------------------------------


def strip_legal_form(name: str) -> str:
    """``"Voorbeeld Shisha Lounge B.V."`` -> ``"Voorbeeld Shisha Lounge"``.

    News and publications rarely print the legal form. A name that would shrink to
    almost nothing (``"AB B.V."``) is returned unchanged. (bibobscan.matching)
    """
    return matching.strip_legal_form(name)


def search_names(subject: Subject, limit: int) -> list[str]:
    """The names to search for: quotes/backslashes removed, companies without their
    legal form, duplicates dropped, at most ``limit``."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in subject.names:
        name = " ".join(raw.replace('"', " ").replace("\\", " ").split())
        if subject.kind is SubjectKind.COMPANY:
            name = strip_legal_form(name)
        key = normalize(name)
        if name and key and key not in seen:
            seen.add(key)
            out.append(name)
    return out[:limit]


def normalize(text: str) -> str:
    """Casefold, drop diacritics and punctuation, collapse white space (bibobscan.matching)."""
    return matching.fold_text(text)


def name_needles(subject: Subject) -> list[str]:
    """Normalised names whose presence makes a feed item a mention of the subject."""
    needles: list[str] = []
    for name in subject.names:
        variants = [name]
        if subject.kind is SubjectKind.COMPANY:
            variants.append(strip_legal_form(name))
        for variant in variants:
            key = normalize(variant)
            if key and key not in needles:
                needles.append(key)
    return needles


def mentions(text: str, needles: Sequence[str]) -> bool:
    hay = f" {normalize(text)} "
    return any(f" {needle} " in hay for needle in needles)


# --- feed parsing -----------------------------------------------------------------


@dataclass(slots=True)
class FeedItem:
    title: str  # plain text
    link: str
    description: str  # plain text, echo of the title removed
    published: str | None  # ISO date
    outlet: str
    outlet_url: str


@dataclass(slots=True)
class ParsedFeed:
    items: list[FeedItem] = field(default_factory=list)
    total: int = 0  # items in the feed before the cap


def parse_feed(fetched: Fetched, *, source: str, google: bool = False) -> ParsedFeed:
    """Parse an RSS 2.0 / RSS 1.0 / Atom body. HTML or anything else is an error."""
    content = fetched.content
    what = "Google News" if google else f"feed {fetched.url}"
    if looks_like_html(content):
        lowered = content[:20000].lower()
        if any(marker in lowered for marker in _TRAFFIC_MARKERS):
            raise ErrorInBody(f"{what} answered HTTP 200 with an 'unusual traffic' page instead of RSS", source=source)
        raise MalformedResponse(f"{what} answered HTTP 200 with an HTML page instead of RSS/Atom", source=source)
    root = parse_xml(xml_input(content, fetched.headers.get("content-type", "")), source=source, what=what)
    kind = local_name(root.tag)
    if kind == "rss":
        channel = child(root, "channel")
        if channel is None:
            raise MalformedResponse(f"{what}: RSS without <channel>", source=source)
        raw = children(channel, "item")
        items = [_rss_item(i, channel, fetched.url, google) for i in raw[:MAX_ITEMS_PER_FEED]]
    elif kind == "RDF":  # RSS 1.0: items are siblings of the channel
        channel = child(root, "channel")
        raw = children(root, "item")
        items = [_rss_item(i, channel, fetched.url, google) for i in raw[:MAX_ITEMS_PER_FEED]]
    elif kind == "feed":
        raw = children(root, "entry")
        items = [_atom_entry(e, root, fetched.url) for e in raw[:MAX_ITEMS_PER_FEED]]
    else:
        raise MalformedResponse(f"{what}: root element <{kind}> is not RSS or Atom", source=source)
    return ParsedFeed(items=[i for i in items if i is not None], total=len(raw))


def _rss_item(item: Element, channel: Element | None, base: str, google: bool = False) -> FeedItem | None:
    source_el = child(item, "source")
    outlet = text_of(source_el) or child_text(channel, "title")
    outlet_url = attr(source_el, "url") or child_text(channel, "link")
    title = _plain_title(child_text(item, "title"))
    if outlet and title.endswith(f" - {outlet}"):  # Google News: "<headline> - <Outlet>"
        title = title[: -len(outlet) - 3].rstrip()
    guid = child(item, "guid")
    link = child_text(item, "link") or attr(item, "about")
    if not link and guid is not None and attr(guid, "isPermaLink").lower() != "false":
        link = text_of(guid)
    # Google's description is the headline again plus the outlet (or, for a cluster, the
    # headlines of related articles by others): nothing about this item to add.
    description = "" if google else child_text(item, "description") or child_text(item, "encoded")
    published = child_text(item, "pubDate") or child_text(item, "date")
    return _item(title, link, description, published, outlet, outlet_url, base)


def _atom_entry(entry: Element, feed: Element, base: str) -> FeedItem | None:
    title = _atom_text(child(entry, "title"))
    link = _atom_link(entry)
    body = child(entry, "summary")
    if body is None:
        body = child(entry, "content")
    outlet = child_text(entry, "source", "title") or _atom_text(child(feed, "title"))
    outlet_url = _atom_link(feed)
    published = child_text(entry, "published") or child_text(entry, "updated")
    return _item(title, link, _atom_html(body), published, outlet, outlet_url, base)


def _atom_text(element: Element | None) -> str:
    """An Atom text construct (type text, html or xhtml) as plain text."""
    if element is None:
        return ""
    if attr(element, "type") == "html":
        return html_to_text(text_of(element))
    return " ".join(text_of(element).split())


def _atom_html(element: Element | None) -> str:
    """An Atom text construct as HTML, for :func:`html_to_text`."""
    if element is None:
        return ""
    if attr(element, "type") == "html":
        return text_of(element)
    return html.escape(text_of(element), quote=False)  # text / xhtml: already text


def _atom_link(element: Element) -> str:
    links = children(element, "link")
    for link in links:
        if attr(link, "rel") in ("", "alternate") and attr(link, "href"):
            return attr(link, "href")
    return attr(links[0], "href") if links else ""


def _item(
    title: str, link: str, description: str, published: str, outlet: str, outlet_url: str, base: str
) -> FeedItem | None:
    url = http_url(urljoin(base, link.strip())) if link.strip() else ""
    if not url:
        return None  # nothing a person could open; never invent a link
    plain = html_to_text(description)
    echo = {normalize(title), normalize(f"{title} {outlet}"), ""}
    if normalize(plain) in echo:
        plain = ""
    if not title and not plain:
        return None
    return FeedItem(
        title=title,
        link=url,
        description=plain,
        published=parse_date(published),
        outlet=" ".join(outlet.split()),
        outlet_url=http_url(outlet_url),
    )


def _plain_title(raw: str) -> str:
    """RSS titles are plain text; some feeds escape twice (``&amp;amp;``)."""
    return " ".join(html.unescape(raw).split())


def http_url(url: str) -> str:
    """``url`` when it is an absolute http(s) URL, else "" (no javascript:, data:, ...)."""
    url = url.strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def html_to_text(fragment: str) -> str:
    """HTML fragment -> plain text: tags stripped, script/style dropped, entities decoded."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    tree = LexborHTMLParser(_BLOCK_TAG.sub(r" <\1\2", fragment))
    tree.strip_tags(["script", "style", "noscript", "template"], recursive=True)
    return " ".join(tree.text().split())


def parse_date(value: str) -> str | None:
    """RFC 822 (RSS pubDate) or ISO 8601 (Atom, dc:date) -> ISO date; None if unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value)
    if match:
        try:
            return date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            return None
    return None


# --- text for the evidence ---------------------------------------------------------


def _join(title: str, rest: str) -> str:
    if not title or not rest:
        return title or rest
    return f"{title}{'' if title[-1] in '.!?…:' else '.'} {rest}"


def make_excerpt(title: str, description: str, needles: Sequence[str]) -> str:
    """The sentence that mentions the subject plus its neighbours (title counts as one)."""
    sentences = [s for s in _SENTENCE_END.split(description) if s.strip()]
    units = [title, *sentences] if title else sentences
    hit = next((i for i, unit in enumerate(units) if mentions(unit, needles)), 0)
    window = units[max(0, hit - 1) : hit + 2]
    if title and hit <= 1:
        text = _join(title, " ".join(window[1:]))
    else:
        text = " ".join(window)
    return clip(text, MAX_EXCERPT)


def _text(item: FeedItem, needles: Sequence[str]) -> str:
    """Title + lead, capped; when the cap would cut off the only mention of the subject,
    title + the passage around the mention instead (the adverse-media check reads this)."""
    full = _join(item.title, item.description)
    text = clip(full, MAX_FIELD_TEXT)
    if needles and not mentions(text, needles) and mentions(full, needles):
        text = clip(_join(item.title, "… " + make_excerpt("", item.description, needles)), MAX_FIELD_TEXT)
    return text


# --- the collector -----------------------------------------------------------------


@dataclass(slots=True)
class _Request:
    label: str  # for notes: 'Google News q="X"' or 'RSS-feed <url>'
    url: str
    params: dict[str, str] | None
    feed: str  # "google-news" or the feed URL
    query: str  # what was sent, recorded on each evidence item


def feed_urls(config: Mapping[str, Any]) -> list[str]:
    """``feeds`` as a TOML list or a comma-separated string (env BIBOBSCAN_NEWS_FEEDS)."""
    raw = config.get("feeds") or []
    values = raw.split(",") if isinstance(raw, str) else [str(v) for v in raw]
    out: list[str] = []
    for value in values:
        value = value.strip()
        if value and value not in out:
            out.append(value)
    return out


def google_news_url(config: Mapping[str, Any]) -> str:
    """The Google News search feed asked: ``google_news_url`` or the public one."""
    return str(config.get("google_news_url") or GOOGLE_NEWS_URL)


def google_enabled(config: Mapping[str, Any]) -> bool:
    value = config.get("google_news", True)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "nee", "off", "")
    return bool(value)


class NewsCollector(Collector):
    id = "news"
    reliability = Reliability.NEWS

    def describe_endpoint(self, config: Mapping[str, Any]) -> str:
        urls = ([public_url(google_news_url(config))] if google_enabled(config) else []) + [public_url(u) for u in feed_urls(config)]
        return "; ".join(u for u in urls if u)
    title = "Nieuws (Google News en RSS-feeds)"
    covers = (
        "Nederlandstalige nieuwsberichten waarin de naam voorkomt: de zoekfeed van Google News "
        "(nl-NL) en ingestelde regionale RSS/Atom-feeds."
    )
    licence = (
        "Google News RSS: onofficieel, alleen voor persoonlijk/niet-commercieel gebruik van de "
        "feed; per bericht bewaren we alleen kop, fragment en link"
    )
    applies_to = frozenset({SubjectKind.PERSON, SubjectKind.COMPANY})
    provides = frozenset({"media.adverse", "media.mention"})
    env = {"feeds": "BIBOBSCAN_NEWS_FEEDS"}
    options = ("feeds", "google_news", "google_news_url")

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        if not google_enabled(config) and not feed_urls(config):
            return "google_news is uitgeschakeld en er zijn geen feeds ingesteld (feeds / env BIBOBSCAN_NEWS_FEEDS)"
        return None

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        parts: list[str] = []
        if google_enabled(config):
            queries = ", ".join(f'q="{n}"' for n in search_names(subject, MAX_NAMES))
            parts.append(f"Google News {queries} (nl-NL)")
        count = len(feed_urls(config))
        if count:
            parts.append(f"{count} RSS-feed{'s' if count > 1 else ''}")
        return "; ".join(parts)

    def _requests(self, subject: Subject, config: Mapping[str, Any]) -> list[_Request]:
        requests: list[_Request] = []
        if google_enabled(config):
            for name in search_names(subject, MAX_NAMES):
                q = f'"{name}"'
                requests.append(
                    _Request(f"Google News q={q}", google_news_url(config), {"q": q, **GOOGLE_PARAMS}, GOOGLE_FEED, f"Google News q={q} (nl-NL)")
                )
        names = ", ".join(f'"{n}"' for n in search_names(subject, MAX_NAMES))
        for url in feed_urls(config):
            requests.append(_Request(f"RSS-feed {url}", url, None, url, f"RSS-feed {url}, gefilterd op {names}"))
        return requests

    async def _fetch(self, ctx: CollectContext, request: _Request) -> tuple[Fetched, ParsedFeed]:
        fetched = await ctx.http.get(request.url, source=self.id, params=request.params)
        return fetched, parse_feed(fetched, source=self.id, google=request.feed == GOOGLE_FEED)

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        self.require_configured(ctx.config)
        requests = self._requests(subject, ctx.config)
        partial = await gather_partial([(r, r.label, self._fetch(ctx, r)) for r in requests])
        needles = name_needles(subject)
        evidence: list[Evidence] = []
        notes = list(partial.notes)
        seen: set[str] = set()
        for request, (fetched, parsed) in partial.results:
            if parsed.total > MAX_ITEMS_PER_FEED:
                notes.append(f"{request.label}: alleen de eerste {MAX_ITEMS_PER_FEED} van {parsed.total} berichten gelezen")
            for item in parsed.items:
                if item.link in seen:
                    continue
                if request.feed != GOOGLE_FEED and not mentions(f"{item.title} {item.description}", needles):
                    continue
                seen.add(item.link)
                evidence.append(self._evidence(item, fetched, request, needles))
        partial.raise_if_all_failed()
        return Collected(
            evidence=evidence,
            query=self.describe_query(subject, ctx.config),
            notes=notes,
            partial=self.provides if partial.failures else frozenset(),
        )

    def _evidence(self, item: FeedItem, fetched: Fetched, request: _Request, needles: Sequence[str]) -> Evidence:
        return Evidence(
            id=Evidence.make_id(self.id, item.link),
            source=self.id,
            kind="news.article",
            url=item.link,
            query=request.query,
            retrieved_at=fetched.retrieved_at,
            sha256=fetched.sha256,
            title=clip(item.title, MAX_TITLE),
            excerpt=make_excerpt(item.title, item.description, needles),
            published_at=item.published,
            fields={
                "outlet": clip(item.outlet, MAX_TITLE),
                "outlet_url": item.outlet_url,
                "text": _text(item, needles),
                "feed": request.feed,
            },
        )
