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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..collectors.osm import DEFAULT_URL, overpass_body
from ..errors import MalformedResponse
from ..http import Fetched, HttpClient

COUNT_TIMEOUT = 120  # seconds, Overpass [timeout:]
SOURCE = "osm_baseline"


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
    body, _remark = overpass_body(fetched, source=SOURCE)
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
