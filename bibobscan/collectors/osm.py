"""OpenStreetMap through the Overpass API: the establishments of a branche in a municipality.

One query per sector subject: the municipality boundary (``boundary=administrative``,
``admin_level=8``, ``ref:gemeentecode``) is turned into an area with ``map_to_area`` and
every node/way/relation inside it that matches the preset's tag filters (or, for the
preset's main keys, its name regex) comes back with ``out center tags``. Wire format and
error shapes: ../shared/apis/osm.md. One ``osm.establishment`` evidence per element
(see docs/evidence.md). OSM elements carry coordinates, so no geocoding is needed.

Overpass reports a query timeout or memory overflow inside an HTTP 200 (``remark``);
that is :class:`ErrorInBody`, never "nothing found". The boundary relation itself is
also printed (``.r out tags``) so that a missing boundary is an error, not zero results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import (
    ErrorInBody,
    MalformedResponse,
    NotConfigured,
    RateLimited,
    UpstreamError,
    UsageError,
)
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
from ._base import CollectContext, Collected, Collector
from ._xml import looks_like_html

DEFAULT_URL = "https://overpass-api.de/api/interpreter"
DEFAULT_QUERY_TIMEOUT = 25  # seconds, Overpass [timeout:]; keep below the HTTP read timeout
# Only these tags are copied into evidence: what the business is, not how to reach a person.
SAFE_TAGS = (
    "shop", "amenity", "craft", "healthcare", "office", "tourism", "leisure", "beauty", "hairdresser",
    "second_hand", "brand", "operator", "opening_hours", "website",
)
_MAIN_KEYS = ("shop", "amenity", "craft", "healthcare", "office", "tourism", "leisure")
_ERROR_P = re.compile(rb"<strong[^>]*>\s*Error\s*</strong>\s*:?\s*(.*?)</p>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Selection:
    """What to select: OR of AND tag filters, plus an optional name regex."""

    code: str  # CBS municipality number without "GM" and leading zeros, e.g. "855"
    filters: tuple[dict[str, str], ...]
    name_regex: str | None = None

    def name_keys(self) -> list[str]:
        """The keys the name regex is combined with: the filters' first keys."""
        keys: list[str] = []
        for f in self.filters:
            first = next(iter(f))
            if first not in keys:
                keys.append(first)
        return keys


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_query(selection: Selection, timeout: int = DEFAULT_QUERY_TIMEOUT) -> str:
    """The Overpass QL for ``selection`` (see osm.md, "Recommended query")."""
    lines = [
        f"[out:json][timeout:{int(timeout)}];",
        f'rel["boundary"="administrative"]["admin_level"="8"]["ref:gemeentecode"~"^0*{selection.code}$"]->.r;',
        ".r out tags;",
        ".r map_to_area->.g;",
        "(",
    ]
    for f in selection.filters:
        parts = "".join(f"[{_q(k)}]" if v == "*" else f"[{_q(k)}={_q(v)}]" for k, v in f.items())
        lines.append(f"  nwr{parts}(area.g);")
    if selection.name_regex:
        for key in selection.name_keys():
            lines.append(f'  nwr[{_q(key)}]["name"~{_q(selection.name_regex)},i](area.g);')
    lines += [");", "out center tags;"]
    return "\n".join(lines)


def selection_for(subject: Subject) -> Selection:
    """The selection for a sector subject; NotConfigured when it cannot be built."""
    # Imported here: bibobscan.sector (the engine) imports the collectors.
    from ..sector.presets import NAME_REGEX, OSM_TOKEN, resolve_preset

    if subject.municipality is None:
        raise NotConfigured("geen gemeente opgegeven voor de branchescan", source="osm")
    digits = subject.municipality.code.upper().removeprefix("GM").lstrip("0")
    if not digits.isdigit():
        raise NotConfigured(f"ongeldige CBS-gemeentecode {subject.municipality.code!r}", source="osm")
    spec = subject.sector
    filters = [dict(f) for f in (spec.osm_tags if spec else [])]
    regex: str | None = None
    if spec and spec.preset:
        try:
            preset = resolve_preset(spec.preset)
        except UsageError:
            preset = None
        if preset is not None:
            regex = preset.osm_name_regex
            if not filters:
                filters = [dict(f) for f in preset.osm_tags]
    if not filters:
        raise NotConfigured("geen OpenStreetMap-tags voor deze branche (alleen SBI-codes opgegeven)", source="osm")
    for f in filters:
        for k, v in f.items():
            if not OSM_TOKEN.match(k) or not (v == "*" or OSM_TOKEN.match(v)):
                raise NotConfigured(f"ongeldige OSM-tag {k}={v}", source="osm")
    if regex is not None and not NAME_REGEX.match(regex):
        regex = None
    return Selection(code=digits, filters=tuple(filters), name_regex=regex)


# --- parsing ---------------------------------------------------------------------------


@dataclass(slots=True)
class OverpassResult:
    elements: list[dict[str, Any]]
    boundary: dict[str, Any] | None
    timestamp: str
    remark: str


def overpass_body(fetched: Fetched, *, source: str = "osm") -> tuple[dict[str, Any], str]:
    """The JSON body of an Overpass answer and its remark. HTML pages, non-200 answers,
    bad JSON and runtime errors reported inside a 200 become SourceErrors."""
    content = fetched.content
    if fetched.status_code != 200 or looks_like_html(content) or content.lstrip().startswith(b"<"):
        message = _html_error(content)
        if "rate_limited" in message:
            raise RateLimited(f"Overpass: {message}", source=source)
        if "too busy" in message or "request_read_and_idx::timeout" in message:
            raise UpstreamError(f"Overpass: server te druk: {message}", source=source, status_code=fetched.status_code)
        if fetched.status_code != 200:
            raise UpstreamError(
                f"Overpass HTTP {fetched.status_code}: {message or 'onbekende fout'}",
                source=source, status_code=fetched.status_code,
            )
        if message:
            raise ErrorInBody(f"Overpass: {message}", source=source)
        raise MalformedResponse("Overpass answered HTTP 200 with an HTML page instead of JSON", source=source)
    try:
        body: Any = json.loads(content)
    except ValueError as exc:
        raise MalformedResponse(f"Overpass response is not valid JSON: {exc}", source=source) from None
    if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
        raise MalformedResponse("Overpass response has no 'elements' list", source=source)
    remark = body.get("remark")
    remark_text = remark.strip() if isinstance(remark, str) else ""
    if "runtime error" in remark_text.lower():
        raise ErrorInBody(f"Overpass: {remark_text}", source=source)
    return body, remark_text


def parse_overpass(fetched: Fetched, selection: Selection, *, source: str = "osm") -> OverpassResult:
    """Parse an Overpass answer; errors inside a 200 or a 400 page become SourceErrors."""
    body, remark_text = overpass_body(fetched, source=source)
    osm3s = body.get("osm3s")
    timestamp = str(osm3s.get("timestamp_osm_base", "")) if isinstance(osm3s, dict) else ""
    boundary = None
    elements: list[dict[str, Any]] = []
    for item in body["elements"]:
        if not isinstance(item, dict) or item.get("type") not in ("node", "way", "relation"):
            continue
        if not isinstance(item.get("id"), int) or isinstance(item.get("id"), bool):
            continue
        tags = _dict(item.get("tags"))
        if _is_boundary(item, tags, selection.code):
            boundary = boundary or item
            continue
        elements.append(item)
    if boundary is None:
        raise ErrorInBody(
            f"Overpass: geen gemeentegrens met ref:gemeentecode {selection.code} gevonden; "
            "zonder grens betekent 0 resultaten niets",
            source=source,
        )
    return OverpassResult(elements=elements, boundary=boundary, timestamp=timestamp, remark=remark_text)


def _is_boundary(item: dict[str, Any], tags: dict[str, Any], code: str) -> bool:
    return (
        item.get("type") == "relation"
        and tags.get("boundary") == "administrative"
        and str(tags.get("ref:gemeentecode", "")).lstrip("0") == code
    )


def _html_error(content: bytes) -> str:
    found = _ERROR_P.findall(content[:20_000])
    texts = [" ".join(_TAG_RE.sub(" ", m.decode("utf-8", errors="replace")).split()) for m in found]
    return "; ".join(t for t in texts if t)


def establishment_fields(item: dict[str, Any], selection: Selection) -> dict[str, Any]:
    """The ``osm.establishment`` fields of one element."""
    tags = {k: v for k, v in _dict(item.get("tags")).items() if isinstance(k, str) and isinstance(v, str)}
    safe = {k: clip(tags[k], MAX_TITLE) for k in SAFE_TAGS if tags.get(k)}
    if "website" not in safe and tags.get("contact:website"):
        safe["website"] = clip(tags["contact:website"], MAX_TITLE)
    point = item if item.get("type") == "node" else item.get("center")
    lat = _float(point.get("lat")) if isinstance(point, dict) else None
    lon = _float(point.get("lon")) if isinstance(point, dict) else None
    return {
        "osm_id": f"{item['type']}/{item['id']}",
        "name": clip(tags.get("name"), MAX_FIELD_TEXT),
        "tags": safe,
        "street": clip(tags.get("addr:street"), MAX_FIELD_TEXT),
        "house_number": clip(tags.get("addr:housenumber"), 40),
        "postcode": normalise_postcode(tags.get("addr:postcode", "")),
        "city": clip(tags.get("addr:city"), MAX_FIELD_TEXT),
        "lat": lat,
        "lon": lon,
        "matched_on": "tags" if any(_fits(tags, f) for f in selection.filters) else "name",
    }


def normalise_postcode(value: str) -> str:
    """"5038 ZK" -> "5038ZK" (the form KvK Zoeken takes)."""
    return "".join(value.split()).upper()[:12]


def _fits(tags: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(k in tags and (v == "*" or tags[k] == v) for k, v in wanted.items())


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _float(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _describe(fields: Mapping[str, Any]) -> str:
    tags = fields["tags"]
    kind = next((f"{k}={tags[k]}" for k in _MAIN_KEYS if k in tags), "")
    address = " ".join(p for p in (fields["street"], fields["house_number"]) if p)
    place = " ".join(p for p in (fields["postcode"], fields["city"]) if p)
    where = ", ".join(p for p in (address, place) if p) or "adres niet in OpenStreetMap"
    name = fields["name"] or "(zonder naam)"
    return f"{name}{f' ({kind})' if kind else ''} – {where}; OpenStreetMap {fields['osm_id']}."


# --- the collector ------------------------------------------------------------------------


class OsmCollector(Collector):
    id: ClassVar[str] = "osm"
    reliability: ClassVar[Reliability] = Reliability.VOLUNTEERED
    default_endpoint: ClassVar[str] = DEFAULT_URL
    title: ClassVar[str] = "OpenStreetMap (Overpass API)"
    covers: ClassVar[str] = (
        "Vestigingen van een branche in een gemeente volgens OpenStreetMap: naam, soort, adres "
        "en locatie. OpenStreetMap wordt door vrijwilligers bijgehouden en is niet volledig."
    )
    licence: ClassVar[str] = (
        "© OpenStreetMap-bijdragers, ODbL 1.0 (naamsvermelding verplicht); publieke Overpass API "
        "zonder sleutel, fair use (ca. 10.000 verzoeken per dag, 2 gelijktijdige verzoeken)."
    )
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.SECTOR})
    provides: ClassVar[frozenset[str]] = frozenset({"establishment.cluster", "area.street_cluster", "area.density"})
    options: ClassVar[tuple[str, ...]] = ("url", "query_timeout")

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        try:
            return build_query(selection_for(subject), _query_timeout(config))
        except NotConfigured as exc:
            return f"(geen Overpass-query: {exc})"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        if subject.kind is not SubjectKind.SECTOR:
            return Collected([], notes=["OpenStreetMap wordt alleen voor een branchescan bevraagd"])
        selection = selection_for(subject)
        query = build_query(selection, _query_timeout(ctx.config))
        url = str(ctx.config.get("url") or DEFAULT_URL)
        fetched = await ctx.http.post(url, source=self.id, data={"data": query}, accept_status=(200, 400))
        result = parse_overpass(fetched, selection, source=self.id)
        evidence: list[Evidence] = []
        seen: set[str] = set()
        for item in result.elements:
            fields = establishment_fields(item, selection)
            if fields["osm_id"] in seen:
                continue
            seen.add(fields["osm_id"])
            evidence.append(
                Evidence(
                    id=Evidence.make_id(self.id, "osm.establishment", fields["osm_id"]),
                    source=self.id,
                    kind="osm.establishment",
                    url=f"https://www.openstreetmap.org/{fields['osm_id']}",
                    query=query,
                    retrieved_at=fetched.retrieved_at,
                    sha256=fetched.sha256,
                    title=clip(fields["name"] or f"(zonder naam) {fields['osm_id']}", MAX_TITLE),
                    excerpt=clip(_describe(fields), MAX_EXCERPT),
                    fields=fields,
                )
            )
        notes = []
        if result.timestamp:
            notes.append(f"OpenStreetMap-stand {result.timestamp}")
        if result.remark:
            notes.append(f"Overpass-opmerking: {clip(result.remark, MAX_FIELD_TEXT)}")
        if not evidence:
            notes.append("gemeentegrens gevonden, maar geen objecten met deze tags in OpenStreetMap")
        return Collected(evidence, query=query, notes=notes)


def _query_timeout(config: Mapping[str, Any]) -> int:
    value = config.get("query_timeout", DEFAULT_QUERY_TIMEOUT)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 600:
        return int(value)
    return DEFAULT_QUERY_TIMEOUT
