"""UN SC consolidated list: local candidate selection (no network)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bibobscan.collectors import CollectContext, Collected
from bibobscan.collectors.un_sanctions import (
    BUNDLED_DATE,
    BUNDLED_FILE,
    LIST_PAGE,
    UnSanctionsCollector,
    bundled_bytes,
    load_list,
    normalise,
    parse_list,
)
from bibobscan.errors import MalformedResponse, SourceError
from bibobscan.model import SourceStatus, Subject, SubjectKind

FIXTURES = Path(__file__).parents[1] / "fixtures" / "un"
SMALL = FIXTURES / "small_list.xml"
EVALDATA = Path("/work/shared/evaldata/legal_entities_sanctions") / BUNDLED_FILE

MakeCtx = Callable[..., CollectContext]


def person(name: str, *aliases: str, born: date | None = None) -> Subject:
    return Subject(kind=SubjectKind.PERSON, name=name, aliases=list(aliases), born=born)


def company(name: str, kvk: str | None = None) -> Subject:
    return Subject(kind=SubjectKind.COMPANY, name=name, kvk=kvk)


def collect(make_ctx: MakeCtx, subject: Subject, config: dict[str, Any] | None = None) -> Collected:
    ctx = make_ctx(config)

    async def go() -> Collected:
        try:
            return await UnSanctionsCollector().collect(subject, ctx)
        finally:
            await ctx.http.aclose()

    return asyncio.run(go())


def by_ref(result: Collected) -> dict[str, Any]:
    return {e.fields["entity_id"]: e for e in result.evidence}


# --- the bundled snapshot ---------------------------------------------------------


def test_bundled_list_counts_and_date() -> None:
    un = load_list()
    assert len(un.individuals) == 730
    assert len(un.entities) == 273
    assert un.generated == datetime(2026, 2, 27, 0, 0, 9, tzinfo=UTC)
    assert un.date == BUNDLED_DATE
    assert un.sha256 == hashlib.sha256(bundled_bytes()).hexdigest()
    assert load_list() is un  # parsed once per process


def test_bundled_file_is_the_evaldata_snapshot() -> None:
    if not EVALDATA.exists():
        pytest.skip("evaldata not available outside the project workspace")
    assert bundled_bytes() == EVALDATA.read_bytes()


def test_real_list_finds_a_listed_individual(make_ctx: MakeCtx) -> None:
    result = collect(make_ctx, person("Eric Badege"))
    hits = by_ref(result)
    assert "CDi.001" in hits
    ev = hits["CDi.001"]
    assert ev.kind == "sanctions.entry"
    assert ev.source == "un_sanctions"
    assert ev.url == LIST_PAGE
    assert ev.title == "ERIC BADEGE (VN-sanctielijst, CDi.001)"
    assert ev.published_at == "2012-12-31"
    assert ev.retrieved_at == datetime(2026, 2, 27, 0, 0, 9, tzinfo=UTC)
    assert ev.sha256 == load_list().sha256
    f = ev.fields
    assert f["name"] == "ERIC BADEGE"
    assert f["schema"] == "Person"
    assert f["birth_dates"] == ["1971"]  # year-only birth date
    assert f["programs"] == ["DRC"]
    assert f["listed_on"] == "2012-12-31"
    assert f["source_score"] == 1.0
    # no nationality (special-category data) anywhere in the evidence
    dumped = json.dumps(f) + ev.excerpt + ev.title
    assert "national" not in dumped.casefold()
    assert "Congo" not in dumped
    assert BUNDLED_DATE in result.query


def test_real_list_word_order_and_aliases(make_ctx: MakeCtx) -> None:
    # listed as FIRST_NAME "FRANK KAKOLELE", SECOND_NAME "BWAMBALE"; alias "FRANK KAKORERE"
    hits = by_ref(collect(make_ctx, person("Bwambale Frank Kakolele")))
    assert hits["CDi.002"].fields["source_score"] == 1.0
    assert "AIGLE BLANC" in hits["CDi.002"].fields["aliases"]
    hits = by_ref(collect(make_ctx, person("Frank Kakorere")))
    assert "CDi.002" in hits


def test_dutch_name_gives_no_candidates(make_ctx: MakeCtx) -> None:
    for subject in (person("Bram Voorbeeld", born=date(1987, 3, 14)), company("Voorbeeld Shisha Lounge B.V.", "99000011")):
        result = collect(make_ctx, subject)
        assert result.evidence == []
        assert result.query  # recorded; the orchestrator reports no_results


def test_real_list_entities_and_individuals_kept_apart(make_ctx: MakeCtx) -> None:
    hits = by_ref(collect(make_ctx, company("Allied Democratic Forces")))
    assert "CDe.001" in hits
    assert hits["CDe.001"].fields["schema"] == "Organization"
    assert hits["CDe.001"].fields["birth_dates"] == []
    assert not [k for k in by_ref(collect(make_ctx, person("Allied Democratic Forces"))) if k.startswith("CDe")]
    assert "CDi.001" not in by_ref(collect(make_ctx, company("Eric Badege")))


# --- the hand-made list (configured path) ------------------------------------------


def test_configured_path_is_used_and_dated(make_ctx: MakeCtx) -> None:
    result = collect(make_ctx, person("Pieter Testeling"), {"path": str(SMALL)})
    hits = by_ref(result)
    assert list(hits) == ["TSi.001"]
    ev = hits["TSi.001"]
    assert ev.retrieved_at == datetime(2026, 5, 4, 6, 30, tzinfo=UTC)
    assert ev.sha256 == hashlib.sha256(SMALL.read_bytes()).hexdigest()
    assert "2026-05-04" in result.query and SMALL.name in result.query and str(SMALL.parent) not in result.query  # no machine path
    # token_set: listed with an extra (third) name, still a candidate
    assert ev.fields["source_score"] >= 0.8
    assert ev.fields["name"] == "PIETER TESTELING JOHANNES"


def test_birth_dates_exact_year_and_range(make_ctx: MakeCtx) -> None:
    un = parse_list(SMALL.read_bytes())
    dob = {e.reference: e.birth_dates for e in un.individuals}
    assert dob["TSi.001"] == ("1970-01-22", "1971")
    assert dob["TSi.002"] == ("1980", "1981", "1982")  # FROM_YEAR-TO_YEAR; a NOTE alone is skipped
    assert dob["TSi.003"] == ()
    assert {e.reference: e.listed_on for e in un.individuals}["TSi.002"] == "2015-04-07"


def test_aliases_split_and_low_quality_not_matched(make_ctx: MakeCtx) -> None:
    cfg = {"path": str(SMALL)}
    hits = by_ref(collect(make_ctx, person("Pjotr Testelink"), cfg))
    ev = hits["TSi.001"]
    assert ev.fields["aliases"] == ["Piet Testeling", "Pjotr Testelink"]
    assert ev.fields["weak_aliases"] == ["De Proefkonijn"]
    assert collect(make_ctx, person("De Proefkonijn"), cfg).evidence == []


def test_diacritics_and_punctuation_normalised(make_ctx: MakeCtx) -> None:
    assert normalise("ÉLODIE PROEF-D’ARC") == "elodie proef darc"
    assert normalise("Nova Handelsgroep B.V.", company=True) == "nova handelsgroep"
    hits = by_ref(collect(make_ctx, person("Elodie Proef-d'Arc"), {"path": str(SMALL)}))
    assert hits["TSi.002"].fields["source_score"] == 1.0


def test_entities_vs_individuals_in_small_list(make_ctx: MakeCtx) -> None:
    cfg = {"path": str(SMALL)}
    as_company = by_ref(collect(make_ctx, company("Nova Handelsgroep B.V."), cfg))
    assert list(as_company) == ["TSe.001"]  # legal forms (B.V. / LLC) ignored
    as_person = by_ref(collect(make_ctx, person("Nova Handelsgroep"), cfg))
    assert list(as_person) == ["TSi.003"]
    # "A ; B" primary names of entities are compared part by part
    assert "TSe.002" in by_ref(collect(make_ctx, company("Test Fleet Shipping"), cfg))


def test_single_shared_word_is_not_a_candidate(make_ctx: MakeCtx) -> None:
    assert collect(make_ctx, person("Pieter"), {"path": str(SMALL)}).evidence == []
    assert collect(make_ctx, person("Jan Testeling-Bakker van Dijk"), {"path": str(SMALL)}).evidence == []


# --- a broken configured list is an error, never "no results" ----------------------


def test_missing_configured_path_is_an_error(make_ctx: MakeCtx, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        collect(make_ctx, person("Eric Badege"), {"path": str(tmp_path / "absent.xml")})
    assert "absent.xml" in str(err.value)
    assert err.value.status is SourceStatus.FAILED
    assert err.value.source == "un_sanctions"


def test_corrupt_configured_path_is_malformed(make_ctx: MakeCtx, tmp_path: Path) -> None:
    with pytest.raises(MalformedResponse, match="not valid XML"):
        collect(make_ctx, person("Eric Badege"), {"path": str(FIXTURES / "truncated.xml")})
    other = tmp_path / "other.xml"
    other.write_text("<rss><channel/></rss>", encoding="utf-8")
    with pytest.raises(MalformedResponse, match="not a UN consolidated list"):
        collect(make_ctx, person("Eric Badege"), {"path": str(other)})
    undated = tmp_path / "undated.xml"
    undated.write_text("<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>", encoding="utf-8")
    with pytest.raises(MalformedResponse, match="dateGenerated"):
        collect(make_ctx, person("Eric Badege"), {"path": str(undated)})
    empty = tmp_path / "empty.xml"
    empty.write_text('<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"/>', encoding="utf-8")
    with pytest.raises(MalformedResponse, match="no individuals"):
        collect(make_ctx, person("Eric Badege"), {"path": str(empty)})


def test_entity_expansion_is_refused(make_ctx: MakeCtx, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>'
        "<FIRST_NAME>&b;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    with pytest.raises(MalformedResponse):
        collect(make_ctx, person("Eric Badege"), {"path": str(bomb)})


def test_collector_metadata() -> None:
    c = UnSanctionsCollector()
    assert c.id == "un_sanctions"
    assert c.not_configured_reason({}) is None
    assert c.provides == frozenset({"sanctions.match", "sanctions.possible"})
    assert c.applies_to == frozenset({SubjectKind.PERSON, SubjectKind.COMPANY})
    assert BUNDLED_DATE in c.licence
    assert BUNDLED_DATE in c.describe_query(person("Eric Badege"), {})


def test_an_old_snapshot_is_flagged(make_ctx: MakeCtx) -> None:
    """The bundled list dates from 2026-02-27; on the test reference date (2026-11-20)
    it is far older than 90 days and the report must say so."""
    result = collect(make_ctx, person("Bram Voorbeeld"))
    assert any("dagen oud" in n and "2026-02-27" in n for n in result.notes)


def test_a_recent_snapshot_is_not_flagged(make_ctx: MakeCtx) -> None:
    ctx = make_ctx(None)
    ctx.reference_date = date(2026, 3, 1)

    async def go() -> Collected:
        try:
            return await UnSanctionsCollector().collect(person("Bram Voorbeeld"), ctx)
        finally:
            await ctx.http.aclose()

    assert asyncio.run(go()).notes == []
