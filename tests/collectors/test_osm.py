"""OSM collector against the Overpass wire format (tests/fixtures/osm; the error pages and
remarks are verbatim from ../shared/apis/samples). No network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from _run import collect_once

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.osm import DEFAULT_URL, OsmCollector, Selection, build_query, selection_for
from bibobscan.errors import (
    ErrorInBody,
    MalformedResponse,
    NotConfigured,
    RateLimited,
    ResponseTooLarge,
    SourceTimeout,
    UpstreamError,
)
from bibobscan.http import USER_AGENT
from bibobscan.model import Municipality, SectorSpec, Subject, SubjectKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "osm"
MakeCtx = Callable[..., CollectContext]
AMERSFOORT = Municipality("GM0307", "Amersfoort")


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, content=body(name), headers={"Content-Type": "application/json"})


def sector(preset: str | None = "kappers", tags: list[dict[str, str]] | None = None, municipality: Municipality | None = AMERSFOORT) -> Subject:
    return Subject(
        kind=SubjectKind.SECTOR,
        name="Kappers in Amersfoort",
        municipality=municipality,
        sector=SectorSpec(preset=preset, osm_tags=tags or []),
    )


def run(subject: Subject, ctx: CollectContext) -> Collected:
    return collect_once(OsmCollector(), subject, ctx)


def sent_query(request: httpx.Request) -> str:
    form = parse_qs(request.content.decode("utf-8"))
    return form["data"][0]


# --- success ---------------------------------------------------------------------------


def test_success_fields_and_request(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.post(DEFAULT_URL).mock(return_value=ok("overpass-kappers.constructed.json"))
        result = run(sector(), make_ctx())
    request = route.calls.last.request
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    query = sent_query(request)
    assert '["ref:gemeentecode"~"^0*307$"]' in query
    assert ".r map_to_area->.g;" in query and query.endswith("out center tags;")
    assert 'nwr["shop"="hairdresser"](area.g);' in query
    assert 'nwr["shop"]["name"~"barber|kapper|kapsalon|haarmode|hair ?salon",i](area.g);' in query
    assert result.query == query

    by_id = {e.fields["osm_id"]: e for e in result.evidence}
    # the boundary relation and the "area" element are not establishments
    assert sorted(by_id) == ["node/1000000001", "node/1000000002", "node/1000000003", "relation/3000000001", "way/2000000001"]
    node = by_id["node/1000000001"]
    assert node.kind == "osm.establishment" and node.source == "osm"
    assert node.url == "https://www.openstreetmap.org/node/1000000001"
    assert node.fields == {
        "osm_id": "node/1000000001",
        "name": "Kapsalon Voorbeeld",
        "tags": {
            "shop": "hairdresser",
            "hairdresser": "barber",
            "opening_hours": "Tu-Fr 09:00-18:00; Sa 09:00-16:00",
            "website": "https://kapsalon.example.nl/",
        },
        "street": "Voorbeeldstraat",
        "house_number": "12",
        "postcode": "3811AA",
        "city": "Amersfoort",
        "lat": 52.1561113,
        "lon": 5.3878266,
        "matched_on": "tags",
    }
    assert "phone" not in str(node.fields) and "email" not in str(node.fields)
    assert node.title == "Kapsalon Voorbeeld"
    assert node.excerpt.startswith("Kapsalon Voorbeeld (shop=hairdresser) – Voorbeeldstraat 12, 3811AA Amersfoort")
    assert len(node.sha256) == 64 and node.query == query

    way = by_id["way/2000000001"].fields
    assert (way["lat"], way["lon"]) == (52.1701234, 5.4012345)
    assert way["house_number"] == "5a" and way["postcode"] == "3812BB"
    assert way["tags"]["website"] == "https://keten.example.nl/amersfoort"  # from contact:website
    assert way["tags"]["brand"] == "Voorbeeld Kappers" and "building" not in way["tags"]
    assert by_id["node/1000000002"].fields["matched_on"] == "name"  # shop=beauty named "Barbershop"
    unnamed = by_id["node/1000000003"]
    assert unnamed.fields["name"] == "" and unnamed.title == "(zonder naam) node/1000000003"
    assert "adres niet in OpenStreetMap" in unnamed.excerpt
    assert result.notes == ["OpenStreetMap-stand 2024-07-21T21:09:02Z"]


def test_no_results_is_not_an_error_but_says_so(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=ok("overpass-boundary-only.constructed.json"))
        result = run(sector(), make_ctx())
    assert result.evidence == []
    assert any("geen objecten" in n for n in result.notes)


def test_missing_boundary_is_error_in_body_not_zero_results(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=ok("overpass-no-boundary.constructed.json"))
        with pytest.raises(ErrorInBody, match="gemeentegrens"):
            run(sector(), make_ctx())


def test_config_url_and_query_timeout(make_ctx: MakeCtx) -> None:
    mirror = "https://overpass.kumi.systems/api/interpreter"
    with respx.mock() as mock:
        route = mock.post(mirror).mock(return_value=ok("overpass-boundary-only.constructed.json"))
        run(sector(), make_ctx({"url": mirror, "query_timeout": 90}))
    assert sent_query(route.calls.last.request).startswith("[out:json][timeout:90];")


# --- query building ----------------------------------------------------------------------


def test_build_query_and_semantics() -> None:
    selection = Selection(
        code="855",
        filters=({"shop": "beauty", "beauty": "nails"}, {"healthcare": "*"}, {"shop": "nails"}),
        name_regex="nail|nagel",
    )
    query = build_query(selection, timeout=30)
    assert query.splitlines()[0] == "[out:json][timeout:30];"
    assert 'nwr["shop"="beauty"]["beauty"="nails"](area.g);' in query
    assert 'nwr["healthcare"](area.g);' in query
    # the name regex goes with each distinct main key once
    assert query.count('["name"~"nail|nagel",i]') == 2
    assert 'nwr["shop"]["name"~' in query and 'nwr["healthcare"]["name"~' in query


def test_selection_from_preset_and_explicit_tags() -> None:
    from_preset = selection_for(sector())
    assert from_preset.code == "307"
    assert from_preset.filters == ({"shop": "hairdresser"},)
    assert from_preset.name_regex is not None and "barber" in from_preset.name_regex
    explicit = selection_for(sector(tags=[{"shop": "hairdresser", "hairdresser": "barber"}]))
    assert explicit.filters == ({"shop": "hairdresser", "hairdresser": "barber"},)
    assert explicit.name_regex == from_preset.name_regex
    only_tags = selection_for(sector(preset=None, tags=[{"amenity": "hookah_lounge"}]))
    assert only_tags.name_regex is None


@pytest.mark.parametrize(
    ("subject", "reason"),
    [
        (sector(preset=None), "geen OpenStreetMap-tags"),
        (sector(preset="bestaat_niet"), "geen OpenStreetMap-tags"),
        (sector(municipality=None), "geen gemeente"),
        (sector(preset=None, tags=[{"shop": 'x"];out;'}]), "ongeldige OSM-tag"),
        (sector(municipality=Municipality("Tilburg", "Tilburg")), "ongeldige CBS-gemeentecode"),
    ],
)
def test_unusable_selection_is_not_configured(subject: Subject, reason: str) -> None:
    with pytest.raises(NotConfigured, match=reason) as info:
        selection_for(subject)
    assert info.value.source == "osm"
    assert reason in OsmCollector().describe_query(subject, {})


# --- failures ---------------------------------------------------------------------------


def test_429_with_retry_after_then_success(make_ctx: MakeCtx, sleeps: Any) -> None:
    with respx.mock() as mock:
        route = mock.post(DEFAULT_URL).mock(
            side_effect=[
                httpx.Response(429, content=body("overpass-429-rate-limited.html"), headers={"Retry-After": "7"}),
                ok("overpass-kappers.constructed.json"),
            ]
        )
        ctx = make_ctx()
        ctx.http.settings.host_policies = {}  # no politeness pauses mixed into sleeps.waits
        result = run(sector(), ctx)
    assert route.call_count == 2
    assert sleeps.waits == [7.0]
    assert len(result.evidence) == 5


def test_429_that_persists_is_rate_limited(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        route = mock.post(DEFAULT_URL).mock(
            return_value=httpx.Response(429, content=body("overpass-429-rate-limited.html"), headers={"Retry-After": "1"})
        )
        with pytest.raises(RateLimited) as info:
            run(sector(), make_ctx())
    assert route.call_count == 3
    assert info.value.source == "osm"


def test_504_too_busy_is_upstream_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=httpx.Response(504, content=body("overpass-too-busy.html")))
        with pytest.raises(UpstreamError) as info:
            run(sector(), make_ctx())
    assert info.value.status_code == 504


@pytest.mark.parametrize(
    ("page", "error", "text"),
    [
        ("overpass-too-busy.html", UpstreamError, "te druk"),
        ("overpass-429-rate-limited.html", RateLimited, "rate_limited"),
    ],
)
def test_error_page_inside_200(make_ctx: MakeCtx, page: str, error: type[Exception], text: str) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=httpx.Response(200, content=body(page)))
        with pytest.raises(error, match=text):
            run(sector(), make_ctx())


def test_syntax_error_400_names_the_parse_error(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=httpx.Response(400, content=body("overpass-syntax-error.constructed.html")))
        with pytest.raises(UpstreamError) as info:
            run(sector(), make_ctx())
    assert info.value.status_code == 400
    assert 'parse error: Unknown type "nwx"' in str(info.value)


def test_server_error_500(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=httpx.Response(500, text="Internal Server Error"))
        with pytest.raises(UpstreamError) as info:
            run(sector(), make_ctx())
    assert info.value.status_code == 500


def test_timeout(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(SourceTimeout):
            run(sector(), make_ctx())


@pytest.mark.parametrize("name", ["overpass-timeout-remark.json", "overpass-out-of-memory-remark.json"])
def test_runtime_error_remark_in_200_is_error_in_body(make_ctx: MakeCtx, name: str) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=ok(name))
        with pytest.raises(ErrorInBody, match="runtime error") as info:
            run(sector(), make_ctx())
    assert info.value.source == "osm"


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"[]", b'{"version": 0.6}', b'{"elements": "none"}', b"<!DOCTYPE html><html><body>Onderhoud</body></html>"],
)
def test_malformed_body(make_ctx: MakeCtx, content: bytes) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=httpx.Response(200, content=content))
        with pytest.raises(MalformedResponse):
            run(sector(), make_ctx())


def test_oversized_body(make_ctx: MakeCtx) -> None:
    with respx.mock() as mock:
        mock.post(DEFAULT_URL).mock(return_value=ok("overpass-kappers.constructed.json"))
        with pytest.raises(ResponseTooLarge):
            run(sector(), make_ctx(max_bytes=500))


# --- contract ---------------------------------------------------------------------------


def test_class_attributes_and_other_subjects(make_ctx: MakeCtx) -> None:
    assert OsmCollector.id == "osm"
    assert OsmCollector.applies_to == frozenset({SubjectKind.SECTOR})
    assert OsmCollector().not_configured_reason({}) is None  # no key needed
    company = Subject(kind=SubjectKind.COMPANY, name="Kapsalon Voorbeeld")
    result = run(company, make_ctx())
    assert result.evidence == [] and result.notes


def test_describe_query_is_the_ql() -> None:
    text = OsmCollector().describe_query(sector(), {})
    assert text.startswith("[out:json][timeout:25];") and "^0*307$" in text


def test_osm_and_cbs_are_registered_in_pyproject() -> None:
    """The entry points exist in pyproject.toml (an installed copy picks them up on reinstall)."""
    import importlib
    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    table = pyproject["project"]["entry-points"]["bibobscan.collectors"]
    for name in ("osm", "cbs"):
        module, _, attr = table[name].partition(":")
        cls = getattr(importlib.import_module(module), attr)
        assert cls.id == name
