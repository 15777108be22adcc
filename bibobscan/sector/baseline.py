"""The national baseline for "establishments per 10,000 inhabitants": how many objects
with the sector's OpenStreetMap tags the whole Netherlands has.

Density is compared like with like: OpenStreetMap objects with the preset's tag filters
in the municipality against the same count for the country (``out count``, one small
Overpass answer), each divided by CBS inhabitants of the same year. OpenStreetMap is
incomplete everywhere; comparing one source with itself cancels part of that bias, not
all of it (some places are mapped better than others). The report says so.

Wire format of ``out count`` (JSON)::

    {"elements": [{"type": "count", "id": 0,
                   "tags": {"nodes": "9120", "ways": "310", "relations": "2", "total": "9432"}}]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..collectors._xml import looks_like_html
from ..errors import ErrorInBody, MalformedResponse, RateLimited, UpstreamError
from ..http import Fetched, HttpClient
from ..model import MAX_FIELD_TEXT, clip

DEFAULT_URL = "https://overpass-api.de/api/interpreter"
COUNT_TIMEOUT = 120  # seconds, Overpass [timeout:]
SOURCE = "osm_baseline"
_TAG_RE = re.compile(rb"<[^>]+>")


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def baseline_query(filters: tuple[dict[str, str], ...] | list[dict[str, str]], timeout: int = COUNT_TIMEOUT) -> str:
    """Overpass QL counting every object with one of ``filters`` in the Netherlands."""
    lines = [f"[out:json][timeout:{int(timeout)}];", 'area["ISO3166-1"="NL"]["admin_level"="2"]->.nl;', "("]
    for f in filters:
        parts = "".join(f"[{_q(k)}]" if v == "*" else f"[{_q(k)}={_q(v)}]" for k, v in f.items())
        lines.append(f"  nwr{parts}(area.nl);")
    lines += [");", "out count;"]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CountResult:
    total: int
    timestamp: str
    query: str
    url: str
    retrieved_at: str
    sha256: str


def parse_count(fetched: Fetched, query: str) -> CountResult:
    """The ``total`` of an ``out count`` answer; errors (also inside a 200) raise."""
    content = fetched.content
    if fetched.status_code != 200 or looks_like_html(content) or content.lstrip().startswith(b"<"):
        text = " ".join(_TAG_RE.sub(b" ", content[:4000]).decode("utf-8", errors="replace").split())
        if "rate_limited" in text:
            raise RateLimited(f"Overpass: {clip(text, 300)}", source=SOURCE)
        if fetched.status_code != 200:
            raise UpstreamError(f"Overpass HTTP {fetched.status_code}: {clip(text, 300)}", source=SOURCE, status_code=fetched.status_code)
        raise ErrorInBody(f"Overpass answered with an HTML page: {clip(text, 300)}", source=SOURCE)
    try:
        body: Any = json.loads(content)
    except ValueError as exc:
        raise MalformedResponse(f"Overpass count is not valid JSON: {exc}", source=SOURCE) from None
    if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
        raise MalformedResponse("Overpass count has no 'elements' list", source=SOURCE)
    remark = body.get("remark")
    if isinstance(remark, str) and "runtime error" in remark.lower():
        raise ErrorInBody(f"Overpass: {clip(remark, MAX_FIELD_TEXT)}", source=SOURCE)
    counts = [e for e in body["elements"] if isinstance(e, dict) and e.get("type") == "count"]
    if not counts or not isinstance(counts[0].get("tags"), dict):
        raise MalformedResponse("Overpass count answer has no count element", source=SOURCE)
    raw = str(counts[0]["tags"].get("total", "")).strip()
    if not raw.isdigit():
        raise MalformedResponse(f"Overpass count total is not a number: {raw!r}", source=SOURCE)
    osm3s = body.get("osm3s")
    timestamp = str(osm3s.get("timestamp_osm_base", "")) if isinstance(osm3s, dict) else ""
    return CountResult(
        total=int(raw), timestamp=timestamp, query=query, url=fetched.url,
        retrieved_at=fetched.retrieved_at.isoformat(), sha256=fetched.sha256,
    )


async def national_count(http: HttpClient, config: Mapping[str, Any], filters: tuple[dict[str, str], ...]) -> CountResult:
    """Ask Overpass how many objects with ``filters`` the Netherlands has. ``config`` is
    the osm collector's (its ``url`` is used)."""
    query = baseline_query(filters)
    url = str(config.get("url") or DEFAULT_URL)
    fetched = await http.post(url, source=SOURCE, data={"data": query}, accept_status=(200, 400))
    return parse_count(fetched, query)
