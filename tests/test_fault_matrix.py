"""The fault matrix: every registered collector against every way a source can fail.

Each cell runs the collector through the orchestrator (``scan.collect_all``) next to a
bystander source, with respx answering the faulting source's hosts with the fault and
the bystander's host normally. Every cell must end with the faulting source not ``ok``
and not ``no_results``, with a note saying why, the run complete and the bystander
unaffected. A collector added to the registry without a profile here fails
``test_every_registered_collector_has_a_profile``; a fault that a source's format cannot
have (an error inside a 200 where the format has no error field, network faults of a
local file) is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import respx

from bibobscan.collectors import CollectContext, Collected, Collector, load_collectors
from bibobscan.config import Settings
from bibobscan.http import HttpSettings
from bibobscan.model import Evidence, Municipality, SectorSpec, SourceStatus, Subject, SubjectKind, utcnow
from bibobscan.scan import ScanOptions, collect_all

FIXTURES = Path(__file__).parent / "fixtures"
TILBURG = Municipality("GM0855", "Tilburg")
PERSON = Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14), municipality=TILBURG)
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011", municipality=TILBURG)
SECTOR = Subject(kind=SubjectKind.SECTOR, name="Kappers in Amersfoort", municipality=Municipality("GM0307", "Amersfoort"),
                 sector=SectorSpec(preset="kappers"))
SEARX = "https://zoeken.gemeente.example"
BYSTANDER_URL = "https://bystander.example/ok"
MAX_BYTES = 1024  # the oversized cell's cap: the healthy answers of other hosts stay below it
LOGIN_PAGE = (b"<!DOCTYPE html><html lang='nl'><head><title>Inloggen</title></head><body><h1>Inloggen</h1>"
              b"<form method='post' action='/login'><input name='gebruiker'><input type='password' name='wachtwoord'>"
              b"<button>Inloggen</button></form></body></html>")
JSON = "application/json"
XML = "application/xml; charset=utf-8"


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


@dataclass(frozen=True)
class Profile:
    """How to run one collector in a cell: the subject, its settings, the hosts it
    asks, a normal body of its format, and an error its format reports inside a 200."""

    subject: Subject
    hosts: frozenset[str]
    body: bytes
    media_type: str
    config: Mapping[str, Any] = field(default_factory=dict)
    error_in_200: tuple[bytes, str] | None = None
    no_error_in_200: str = ""  # why the format has none
    local_file: bool = False  # reads a file, asks no host
    source: str = ""  # the collector id when the profile's key is not (several profiles of one source)
    healthy: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)  # hosts that answer normally in every cell
    control: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)  # the healthy answer per faulted host, if not body

    def answers(self) -> dict[str, tuple[bytes, str]]:
        """Every host's answer when nothing is wrong (the control cell)."""
        return {**{h: (self.body, self.media_type) for h in self.hosts}, **self.control, **self.healthy}


ECLI = "ECLI:NL:PHR:2011:BP5608"
RULING = fixture("rechtspraak/content-ECLI_NL_PHR_2011_BP5608.xml")
SEARX_PAGE = json.dumps({"query": "q", "results": [
    {"url": f"https://uitspraken.rechtspraak.nl/details?id={ECLI}", "title": f"{ECLI}, Parket bij de Hoge Raad, Voorbeeld Shisha "
     "Lounge B.V. tegen de Staat der Nederlanden; cassatie in het belang der wet", "content": "Voorbeeld Shisha Lounge",
     "engines": ["duckduckgo"]}], "unresponsive_engines": []}).encode()
# SearXNG's error inside a 200: every engine failed and nothing came back
SEARX_NO_ENGINE = (json.dumps({"query": "q", "number_of_results": 0, "results": [], "answers": [], "corrections": [],
                               "infoboxes": [], "suggestions": [],
                               "unresponsive_engines": [["google", "CAPTCHA"], ["brave", "timeout"]]}).encode(), JSON)

PROFILES: dict[str, Profile] = {
    "cbs": Profile(SECTOR, frozenset({"opendata.cbs.nl"}), fixture("cbs/typeddataset-gm0307-nl01.constructed.json"), JSON,
                   error_in_200=(fixture("cbs/odata-error.constructed.json"), JSON)),
    "gleif": Profile(COMPANY, frozenset({"api.gleif.org"}), fixture("gleif/lei-record-single-shell.json"), "application/vnd.api+json",
                     control={"api.gleif.org": (b'{"data": []}', "application/vnd.api+json")},
                     error_in_200=(b'{"errors": [{"status": "500", "title": "Internal Server Error"}]}', "application/vnd.api+json")),
    "koop": Profile(COMPANY, frozenset({"repository.overheid.nl"}), fixture("koop/sru-two-records.xml"), XML,
                    error_in_200=(fixture("koop/sru-diagnostic.xml"), XML)),
    "kvk": Profile(COMPANY, frozenset({"api.kvk.nl"}), fixture("kvk/kvk-basisprofiel-v1-bv.json"), JSON, config={"api_key": "k"},
                   error_in_200=(b'{"fout": [{"code": "IPD9999", "omschrijving": "Er is een technische fout opgetreden."}]}', JSON)),
    "news": Profile(PERSON, frozenset({"news.google.com"}), fixture("news/google-news-search.xml"), XML,
                    error_in_200=(fixture("news/google-unusual-traffic.html"), "text/html; charset=utf-8")),
    "opensanctions": Profile(PERSON, frozenset({"yente.gemeente.example"}), fixture("opensanctions/match-person.json"), JSON,
                             config={"url": "https://yente.gemeente.example"},
                             error_in_200=(fixture("opensanctions/match-error-in-body.json"), JSON)),
    "osm": Profile(SECTOR, frozenset({"overpass-api.de"}), fixture("osm/overpass-kappers.constructed.json"), JSON,
                   error_in_200=(fixture("osm/overpass-out-of-memory-remark.json"), JSON)),
    "rechtspraak": Profile(COMPANY, frozenset({"zoeken.gemeente.example"}), SEARX_PAGE, JSON, config={"url": SEARX},
                           error_in_200=SEARX_NO_ENGINE, healthy={"data.rechtspraak.nl": (RULING, XML)}),
    # the search answers; reading the ruling from the open data fails
    "rechtspraak/content": Profile(COMPANY, frozenset({"data.rechtspraak.nl"}), RULING, XML, config={"url": SEARX},
                                   source="rechtspraak", healthy={"zoeken.gemeente.example": (SEARX_PAGE, JSON)},
                                   error_in_200=(b"<?xml version='1.0'?><error><message>Internal error</message></error>", XML)),
    "websearch": Profile(PERSON, frozenset({"zoeken.gemeente.example"}), fixture("websearch/searxng-search.constructed.json"), JSON,
                         config={"url": SEARX}, error_in_200=SEARX_NO_ENGINE),
    "un_sanctions": Profile(PERSON, frozenset(), fixture("un/small_list.xml"), XML, local_file=True),
}

NETWORK_FAULTS = ("rate_limited_429", "unavailable_503", "timeout", "connect_refused", "redirect_to_metadata",
                  "redirect_to_other_host")
BODY_FAULTS = ("truncated", "oversized", "error_in_200", "html_login")
FAULTS = NETWORK_FAULTS + BODY_FAULTS
FILE_FAULTS = ("truncated", "html_login")  # what a local list file can suffer


def fault_response(fault: str, profile: Profile, request: httpx.Request) -> httpx.Response:
    if fault == "rate_limited_429":
        return httpx.Response(429, headers={"Retry-After": "0"}, text="Too Many Requests")
    if fault == "unavailable_503":
        return httpx.Response(503, text="<html><body>Service Unavailable</body></html>", headers={"Content-Type": "text/html"})
    if fault == "timeout":
        raise httpx.ReadTimeout("read timed out", request=request)
    if fault == "connect_refused":
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
    if fault == "redirect_to_metadata":
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/iam/"})
    if fault == "redirect_to_other_host":  # a public host that answers with its own home page
        if request.url.host == "elders.example":
            return httpx.Response(200, content=LOGIN_PAGE.replace(b"Inloggen", b"Welkom"), headers={"Content-Type": "text/html"})
        return httpx.Response(301, headers={"Location": "https://elders.example/"})
    if fault == "truncated":
        return httpx.Response(200, content=profile.body[: len(profile.body) // 2], headers={"Content-Type": profile.media_type})
    if fault == "oversized":  # a normal answer padded with white space (still valid JSON/XML) past the cap
        return httpx.Response(200, content=profile.body + b" " * (4 * MAX_BYTES), headers={"Content-Type": profile.media_type})
    if fault == "error_in_200":
        assert profile.error_in_200 is not None
        content, media_type = profile.error_in_200
        return httpx.Response(200, content=content, headers={"Content-Type": media_type})
    if fault == "html_login":
        return httpx.Response(200, content=LOGIN_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    raise AssertionError(f"unknown fault {fault}")


class Bystander(Collector):
    """Another source in the same run: one request to its own host, one piece of evidence."""

    id = "bystander"
    title = "Bystander"
    covers = "test"
    licence = "test"
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset(SubjectKind)
    provides: ClassVar[frozenset[str]] = frozenset()

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        fetched = await ctx.http.get(BYSTANDER_URL, source=self.id)
        ev = Evidence(id="bystander-1", source=self.id, kind="web.result", url=BYSTANDER_URL, query="q", retrieved_at=utcnow(),
                      sha256=fetched.sha256, title=fetched.text, fields={"text": fetched.text})
        return Collected([ev])


def run_cell(collector: Collector, profile: Profile, fault: str, tmp_path: Path) -> dict[str, Any]:
    """Run ``collector`` with ``fault`` on the profile's hosts (``"none"``: the control,
    every host answers normally)."""
    config = dict(profile.config)
    if profile.local_file and fault != "none":
        broken = tmp_path / "consolidated.xml"
        broken.write_bytes(profile.body[: len(profile.body) // 2] if fault == "truncated" else LOGIN_PAGE)
        config["path"] = str(broken)
    http = HttpSettings(timeout=2, connect_timeout=1, retries=1, backoff=0, max_retry_after=1, host_policies={},
                        max_bytes=MAX_BYTES if fault == "oversized" else 5_000_000)
    options = ScanOptions(settings=Settings(http=http, source_timeout=20, sources={collector.id: config}), environ={},
                          reference_date=date(2026, 11, 20))
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        mock.get(BYSTANDER_URL).mock(return_value=httpx.Response(200, text="bystander answered"))
        answers = profile.answers() if fault == "none" else dict(profile.healthy)
        for host, (content, media_type) in answers.items():
            mock.route(host=host).mock(return_value=httpx.Response(200, content=content, headers={"Content-Type": media_type}))
        for host in (*profile.hosts, "elders.example"):
            if host not in answers:
                mock.route(host=host).mock(side_effect=lambda request: fault_response(fault, profile, request))
        runs, _evidence = asyncio.run(collect_all(profile.subject, [collector, Bystander()], options, date(2026, 11, 20)))
        asked = {call.request.url.host for call in mock.calls}
    by_source = {run.source: run for run in runs}
    return {"run": by_source[collector.id], "bystander": by_source["bystander"], "asked": asked}


def _source(key: str) -> str:
    profile = PROFILES.get(key)
    return (profile.source or key) if profile else key


# every registered collector, and every profile: a collector without one is a failing cell
CELLS = sorted({c.id for c in load_collectors()} | set(PROFILES))


def test_every_registered_collector_has_a_profile() -> None:
    missing = sorted({c.id for c in load_collectors()} - {_source(k) for k in PROFILES})
    assert not missing, f"add a fault-matrix profile for {missing} in tests/test_fault_matrix.py"


@pytest.mark.parametrize("key", CELLS)
def test_control_cell_the_healthy_answer_is_consulted(key: str, tmp_path: Path) -> None:
    """Without a fault the profile's answers are read normally: what makes a fault cell
    fail is the fault, not a wrong subject, setting or host."""
    profile = PROFILES.get(key)
    if profile is None:
        pytest.fail(f"no fault-matrix profile for {key}")
    (collector,) = load_collectors([_source(key)])
    cell = run_cell(collector, profile, "none", tmp_path)
    assert cell["run"].status.consulted, (key, cell["run"].status, cell["run"].error)
    assert cell["bystander"].status is SourceStatus.OK


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("key", CELLS)
def test_fault_is_reported_never_read_as_nothing_found(key: str, fault: str, tmp_path: Path) -> None:
    profile = PROFILES.get(key)
    if profile is None:
        pytest.fail(f"no fault-matrix profile for {key}")
    source_id = _source(key)
    if profile.local_file and fault not in FILE_FAULTS:
        pytest.skip(f"{source_id} reads a local file and asks no host: {fault} cannot happen to it")
    if fault == "error_in_200" and profile.error_in_200 is None:
        pytest.skip(profile.no_error_in_200 or f"the format of {source_id} has no error inside a 200")
    (collector,) = load_collectors([source_id])
    cell = run_cell(collector, profile, fault, tmp_path)
    run = cell["run"]
    assert run.status not in (SourceStatus.OK, SourceStatus.NO_RESULTS), (source_id, fault, run.status, run.error, run.notes)
    assert run.error.strip() and run.technische_melding.strip(), (source_id, fault, run.status)
    assert run.error != run.technische_melding  # a Dutch sentence for the officer, the raw text apart
    assert "interne fout" not in run.error.lower(), run.technische_melding  # a source error, not a crash of the collector
    if not profile.local_file:
        assert cell["asked"] & profile.hosts, "the faulting source was never asked"
    assert "169.254.169.254" not in cell["asked"]
    expected = {"oversized": "exceeds the cap", "redirect_to_metadata": "refused", "timeout": "timeout"}.get(fault)
    if expected and not profile.local_file:  # the fault itself, not a healthy answer of another host, made it fail
        assert expected in run.technische_melding, (source_id, fault, run.technische_melding)
    bystander = cell["bystander"]
    assert bystander.status is SourceStatus.OK and bystander.hits == 1 and not bystander.error
