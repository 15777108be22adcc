"""GleifCollector: LEI record by KvK number and the chain of parents, via respx."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from _run import collect_once

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.gleif import DEFAULT_URL, MAX_LAYERS, SIGNAL, GleifCollector
from bibobscan.errors import MalformedResponse
from bibobscan.model import (
    Match,
    MatchFeature,
    Municipality,
    Subject,
    SubjectKind,
    Verdict,
)
from bibobscan.signals.derive import derive_signals

SHELL = Path(__file__).parent.parent / "fixtures" / "gleif" / "lei-record-single-shell.json"  # verbatim GLEIF answer
TILBURG = Municipality("GM0855", "Tilburg")
COMPANY = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld Shisha Lounge B.V.", kvk="99000011", municipality=TILBURG)
RECORDS = f"{DEFAULT_URL}/lei-records"
JSONAPI = {"Content-Type": "application/vnd.api+json"}
MakeCtx = Callable[..., CollectContext]


def run(subject: Subject, ctx: CollectContext) -> Collected:
    return collect_once(GleifCollector(), subject, ctx)


def record(lei: str, name: str, jurisdiction: str, *, kvk: str = "", parent: str = "record") -> dict[str, Any]:
    """A copy of the verbatim Shell record with another identity and parent link."""
    r = copy.deepcopy(json.loads(SHELL.read_text(encoding="utf-8"))["data"])
    r["id"] = r["attributes"]["lei"] = lei
    entity = r["attributes"]["entity"]
    entity["legalName"]["name"] = name
    entity["jurisdiction"] = jurisdiction
    entity["registeredAt"] = {"id": "RA000463" if kvk else "RA000585", "other": None}
    entity["registeredAs"] = kvk or "04366849"
    key = "lei-record" if parent == "record" else "reporting-exception"
    r["relationships"]["direct-parent"] = {"links": {key: f"{RECORDS}/{lei}/direct-parent"}}
    return r


def ok(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body, headers=JSONAPI)


def exception(lei: str, reason: str) -> httpx.Response:
    return ok({"data": {"type": "reporting-exceptions", "id": f"{lei}|0|x|DIRECT_ACCOUNTING_CONSOLIDATION_PARENT|",
                        "attributes": {"lei": lei, "category": "DIRECT_ACCOUNTING_CONSOLIDATION_PARENT",
                                       "reason": reason, "reference": None}}})


def test_without_kvk_number_nothing_is_asked_and_ownership_stays_open(make_ctx: MakeCtx) -> None:
    subject = Subject(kind=SubjectKind.COMPANY, name="Voorbeeld B.V.", municipality=TILBURG)
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(RECORDS)
        result = run(subject, make_ctx())
    assert not route.called
    assert result.evidence == [] and result.uncovered == {SIGNAL}  # not asked: not covered
    assert "KvK-nummer" in result.notes[0]


def test_no_lei_means_ownership_not_established(make_ctx: MakeCtx) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(RECORDS).mock(return_value=ok({"meta": {}, "data": []}))
        result = run(COMPANY, make_ctx())
    params = route.calls.last.request.url.params
    assert params["filter[entity.registeredAs]"] == "99000011"
    assert params["filter[entity.registeredAt]"] == "RA000463"
    # no LEI is the normal case for a small business: ownership is not established, but
    # the source answered in full, so the scan is not incomplete because of it
    assert result.evidence == [] and result.absent == {SIGNAL} and result.uncovered == frozenset()
    assert "Geen LEI" in result.notes[-1]


def test_chain_of_parents_up_to_natural_persons(make_ctx: MakeCtx) -> None:
    lounge = record("LOUNGE00000000000001", "Voorbeeld Shisha Lounge B.V.", "NL", kvk="99000011")
    holding = record("HOLDING0000000000002", "Voorbeeld Holding B.V.", "NL", kvk="99000013")
    top = record("TOP00000000000000003", "Exemplum Investments Ltd", "CY", parent="exception")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(RECORDS).mock(return_value=ok({"data": [lounge]}))
        mock.get(f"{RECORDS}/LOUNGE00000000000001/direct-parent").mock(return_value=ok({"data": holding}))
        mock.get(f"{RECORDS}/HOLDING0000000000002/direct-parent").mock(return_value=ok({"data": top}))
        mock.get(f"{RECORDS}/TOP00000000000000003/direct-parent-reporting-exception").mock(
            return_value=exception("TOP00000000000000003", "NATURAL_PERSONS"))
        result = run(COMPANY, make_ctx())
    (ev,) = result.evidence
    assert ev.kind == "register.lei" and ev.fields["kvk"] == "99000011" and ev.fields["jurisdiction"] == "NL"
    assert [(p["name"], p["jurisdiction"]) for p in ev.fields["parents"]] == [
        ("Voorbeeld Holding B.V.", "NL"), ("Exemplum Investments Ltd", "CY")]
    # every answer the chain was read from is kept with its hash
    assert [a["url"].split("?")[0].rsplit("/", 1)[-1] for a in ev.fields["answers"]] == [
        "lei-records", "direct-parent", "direct-parent", "direct-parent-reporting-exception"]
    assert all(len(a["sha256"]) == 64 for a in ev.fields["answers"])
    assert ev.fields["chain_complete"] is True and "natuurlijke personen" in ev.fields["chain_end"]
    assert result.partial == frozenset() and result.uncovered == frozenset()
    assert "Exemplum Investments Ltd (CY)" in ev.excerpt

    ev.match = Match(Verdict.MATCH, 1.0, [MatchFeature("kvk_equal", 1.0, "")])
    signals = [s for s in derive_signals(COMPANY, [ev], date(2026, 11, 20)) if s.type == SIGNAL]
    assert [(s.attrs["jurisdiction"], s.attrs["level"], s.attrs["layers"]) for s in signals] == [("NL", 1, 2), ("CY", 2, 2)]


@pytest.mark.parametrize("reason, complete", [("NATURAL_PERSONS", True), ("NO_KNOWN_PERSON", True),
                                              ("NON_PUBLIC", False), ("NO_LEI", False), ("NON_CONSOLIDATING", False)])
def test_reporting_exception_decides_whether_the_answer_is_complete(make_ctx: MakeCtx, reason: str, complete: bool) -> None:
    lone = record("LONE0000000000000001", "Voorbeeld Shisha Lounge B.V.", "NL", kvk="99000011", parent="exception")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(RECORDS).mock(return_value=ok({"data": [lone]}))
        mock.get(f"{RECORDS}/LONE0000000000000001/direct-parent-reporting-exception").mock(
            return_value=exception("LONE0000000000000001", reason))
        result = run(COMPANY, make_ctx())
    (ev,) = result.evidence
    assert ev.fields["parents"] == [] and ev.fields["chain_complete"] is complete
    assert result.partial == (frozenset() if complete else {SIGNAL})


def test_a_cycle_or_a_too_long_chain_is_cut_off_and_partial(make_ctx: MakeCtx) -> None:
    a = record("AAAA0000000000000001", "A B.V.", "NL", kvk="99000011")
    b = record("BBBB0000000000000002", "B Ltd", "GB")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(RECORDS).mock(return_value=ok({"data": [a]}))
        mock.get(f"{RECORDS}/AAAA0000000000000001/direct-parent").mock(return_value=ok({"data": b}))
        mock.get(f"{RECORDS}/BBBB0000000000000002/direct-parent").mock(return_value=ok({"data": a}))
        result = run(COMPANY, make_ctx())
    assert result.evidence[0].fields["chain_end"] == "kringverwijzing in de moederketen"
    assert result.partial == {SIGNAL}

    chain = [record(f"L{i:019d}", f"Laag {i} Ltd", "CY", kvk="99000011" if i == 0 else "") for i in range(MAX_LAYERS + 2)]
    with respx.mock(assert_all_called=False) as mock:
        mock.get(RECORDS).mock(return_value=ok({"data": [chain[0]]}))
        for i in range(MAX_LAYERS + 1):
            mock.get(f"{RECORDS}/{chain[i]['id']}/direct-parent").mock(return_value=ok({"data": chain[i + 1]}))
        result = run(COMPANY, make_ctx())
    ev = result.evidence[0]
    assert len(ev.fields["parents"]) == MAX_LAYERS and ev.fields["chain_complete"] is False
    assert result.partial == {SIGNAL}


def test_records_of_another_register_or_void_ones_are_left_out(make_ctx: MakeCtx) -> None:
    shell = json.loads(SHELL.read_text(encoding="utf-8"))["data"]  # verbatim: SHELL PLC, registered in England
    void = record("VOID0000000000000001", "Voorbeeld Shisha Lounge B.V.", "NL", kvk="99000011")
    void["attributes"]["registration"]["status"] = "DUPLICATE"
    with respx.mock(assert_all_called=True) as mock:
        mock.get(RECORDS).mock(return_value=ok({"data": [shell, void]}))
        result = run(COMPANY, make_ctx())
    assert result.evidence == [] and result.absent == {SIGNAL}
    assert any("zonder dit KvK-nummer" in n for n in result.notes)
    assert any("DUPLICATE" in n for n in result.notes)


def test_lapsed_parent_missing_jurisdiction_404_and_truncated_answers_are_partial(make_ctx: MakeCtx) -> None:
    lounge = record("LOUNGE00000000000001", "Voorbeeld Shisha Lounge B.V.", "NL", kvk="99000011")
    odd = record("ODD00000000000000002", "Onbekend Holding", "", parent="record")
    odd["attributes"]["registration"]["status"] = "LAPSED"
    with respx.mock(assert_all_called=True) as mock:
        mock.get(RECORDS).mock(return_value=ok({"meta": {"pagination": {"total": 7}}, "data": [lounge]}))
        mock.get(f"{RECORDS}/LOUNGE00000000000001/direct-parent").mock(return_value=ok({"data": odd}))
        mock.get(f"{RECORDS}/ODD00000000000000002/direct-parent").mock(return_value=httpx.Response(404, json={"errors": []}))
        result = run(COMPANY, make_ctx())
    (ev,) = result.evidence  # what was read before the 404 is kept
    assert ev.fields["parents"][0]["jurisdiction"] == "" and ev.fields["chain_complete"] is False
    assert result.partial == {SIGNAL}
    notes = " ".join(result.notes)
    assert "7 LEI-records" in notes and "LAPSED" in notes and "zonder rechtsgebied" in notes and "404" in notes
    ev.match = Match(Verdict.MATCH, 1.0, [MatchFeature("kvk_equal", 1.0, "")])
    (signal,) = [s for s in derive_signals(COMPANY, [ev], date(2026, 11, 20)) if s.type == SIGNAL]
    assert signal.attrs["jurisdiction"] == ""  # the indicator does not count an unknown seat as foreign


@pytest.mark.parametrize("body", [b"<html>busy</html>", b'{"data": {"not": "a list"}}', b'{"data": [{"attributes": {}}]}',
                                  b'{"data": [{"attributes": {"lei": "../../x", "entity": {}}}]}'])
def test_malformed_answers_raise(make_ctx: MakeCtx, body: bytes) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(RECORDS).mock(return_value=httpx.Response(200, content=body, headers=JSONAPI))
        with pytest.raises(MalformedResponse):
            run(COMPANY, make_ctx())


def test_exception_without_reason_is_malformed(make_ctx: MakeCtx) -> None:
    lone = record("LONE0000000000000001", "X B.V.", "NL", kvk="99000011", parent="exception")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(RECORDS).mock(return_value=ok({"data": [lone]}))
        mock.get(f"{RECORDS}/LONE0000000000000001/direct-parent-reporting-exception").mock(return_value=ok({"data": {}}))
        with pytest.raises(MalformedResponse):
            run(COMPANY, make_ctx())
