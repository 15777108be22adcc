"""Bad input is a clear error with the documented exit code, never an "internal error"."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.cli._app import EXIT_CONFIG, _handle
from bibobscan.collectors._partial import gather_partial
from bibobscan.errors import OutputError, ReportError, SourceError, SourceTimeout, UpstreamError, UsageError
from bibobscan.facts import covered_types, load_facts
from bibobscan.model import Assessment, Case, Report, SourceRun, SourceStatus, Subject, SubjectKind, utcnow
from bibobscan.municipalities import all_municipalities, resolve_municipality
from bibobscan.report import read_report, write_report
from bibobscan.report.store import prepare_out_dir, report_basename

runner = CliRunner()


def a_report(name: str = "Jan Jansen", case_id: str = "Z-1") -> Report:
    return Report(
        subject=Subject(kind=SubjectKind.PERSON, name=name),
        case=Case(case_id=case_id, purpose="test", created_on=date(2026, 11, 20)),
        sources=[SourceRun(source="news", status=SourceStatus.NO_RESULTS, title="Nieuws")],
        evidence=[],
        signals=[],
        indicators=[],
        assessment=Assessment(total_points=0, band="geen", band_label="geen indicaties"),
        generated_at=utcnow(),
        tool_version="0.1.0",
    )


# --- reading a report back -------------------------------------------------------------


@pytest.fixture
def report_json(tmp_path: Path) -> Path:
    _, json_path = write_report(a_report(), tmp_path)
    read_report(json_path)  # the untouched file reads back
    return json_path


def edit(path: Path, change: Callable[[dict[str, Any]], object]) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("subject", "Jan Jansen"),
        lambda d: d.__setitem__("case", ["Z-1"]),
        lambda d: d.__setitem__("sources", {"news": "ok"}),
        lambda d: d.__setitem__("sources", ["news"]),
        lambda d: d.__setitem__("evidence", [1]),
        lambda d: d.__setitem__("indicators", [{"indicator_id": "x"}]),
        lambda d: d.__setitem__("assessment", "geen"),
        lambda d: d.__setitem__("signals", [{"type": 1}]),
        lambda d: d.__setitem__("generated_at", 20261120),
        lambda d: d["subject"].__setitem__("municipality", "Tilburg"),
        lambda d: d["subject"].__setitem__("name", ["Jan"]),
    ],
)
def test_report_with_a_wrong_shape_is_a_report_error_naming_the_file(report_json: Path, change: Callable[[dict[str, Any]], object]) -> None:
    edit(report_json, change)
    with pytest.raises(ReportError, match=report_json.name):
        read_report(report_json)


@pytest.mark.parametrize("content", [b"\xff\xfe{\x00}\x00", b"[1, 2]", b"null", b"[" * 100_000])
def test_unreadable_report_is_a_report_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(content)
    with pytest.raises(ReportError, match="r.json"):
        read_report(path)


def test_rescore_of_a_non_utf8_report_is_exit_4(tmp_path: Path) -> None:
    bad = tmp_path / "r.json"
    bad.write_bytes('{"subject": "Jos\xe9"}'.encode("latin-1"))
    result = runner.invoke(app, ["rescore", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 4, result.output
    assert "r.json" in result.output and "internal error" not in result.output


def test_rescore_of_a_report_whose_subject_is_a_string_is_exit_4(report_json: Path, tmp_path: Path) -> None:
    edit(report_json, lambda d: d.__setitem__("subject", "Jan Jansen"))
    result = runner.invoke(app, ["rescore", str(report_json), "--out", str(tmp_path / "o")])
    assert result.exit_code == 4, result.output
    assert report_json.name in result.output and "internal error" not in result.output


# --- writing reports -------------------------------------------------------------------


def test_fresh_folder_keeps_the_plain_names(tmp_path: Path) -> None:
    html_path, json_path = write_report(a_report(), tmp_path)
    assert (html_path.name, json_path.name) == ("z-1-jan-jansen.html", "z-1-jan-jansen.json")


def test_an_existing_report_is_never_overwritten(tmp_path: Path) -> None:
    first = write_report(a_report(), tmp_path)
    before = first[1].read_bytes()
    second = write_report(a_report(), tmp_path)
    assert [p.name for p in second] == ["z-1-jan-jansen-2.html", "z-1-jan-jansen-2.json"]
    assert first[1].read_bytes() == before
    (tmp_path / "z-1-jan-jansen-3.json").write_text("{}", encoding="utf-8")  # half a pair is taken too
    third = write_report(a_report(), tmp_path)
    assert [p.name for p in third] == ["z-1-jan-jansen-4.html", "z-1-jan-jansen-4.json"]
    named = write_report(a_report(), tmp_path, basename="z-1-jan-jansen")
    assert named[0].name == "z-1-jan-jansen-5.html"


def test_non_latin_names_do_not_collide(tmp_path: Path) -> None:
    names = ["Иван Петров", "Пётр Иванов", "王伟", "李娜"]
    basenames = {report_basename(a_report(name)) for name in names}
    assert len(basenames) == len(names)
    for name in names:
        html_path, _ = write_report(a_report(name), tmp_path)
        assert html_path.stem == report_basename(a_report(name))  # no -2: nothing was there yet
    assert report_basename(a_report("Иван Петров")).startswith("z-1-ivan-petrov-")
    assert report_basename(a_report("Ömer Çelik")) == "z-1-omer-celik"


def test_prepare_out_dir_creates_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    assert prepare_out_dir(out) == out
    assert out.is_dir() and not any(out.iterdir())


def test_prepare_out_dir_refuses_a_file(tmp_path: Path) -> None:
    file = tmp_path / "report.html"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="--out") as info:
        prepare_out_dir(file)
    assert str(file) in str(info.value)
    with pytest.raises(OutputError, match="--out"):
        prepare_out_dir(file / "sub")


def test_writing_into_a_file_is_exit_4_naming_the_path(report_json: Path, tmp_path: Path) -> None:
    file = tmp_path / "not-a-folder"
    file.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["rescore", str(report_json), "--out", str(file)])
    assert result.exit_code == 4, result.output
    assert str(file) in result.output and "internal error" not in result.output


def test_oserror_is_exit_4_with_the_path(capsys: pytest.CaptureFixture[str]) -> None:
    code = _handle(PermissionError(13, "Permission denied", "/srv/rapporten/z-1.html"))
    assert code == EXIT_CONFIG
    assert "/srv/rapporten/z-1.html" in capsys.readouterr().err


# --- officer facts ---------------------------------------------------------------------


def facts_file(tmp_path: Path, text: str, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("facts:\n  - fact: officer.prior_conclusion\n    degree: ernstig\n    date: 2026-13-45\n", "facts.yaml"),
        ('{"facts": [{"fact": "officer.prior_conclusion", "degree": "ernstig", "date": "2026-02-30"}]}', "facts.json"),
        ("facts:\n  - fact: officer.prior_conclusion\n    degree: ernstig\n    date: gisteren\n", "facts.yaml"),
    ],
)
def test_invalid_fact_date_names_fact_and_field(tmp_path: Path, text: str, name: str) -> None:
    with pytest.raises(UsageError, match=r"fact 1.*date"):
        load_facts(facts_file(tmp_path, text, name))


def test_date_is_allowed_on_every_officer_fact(tmp_path: Path) -> None:
    [ev] = load_facts(facts_file(tmp_path, "facts:\n  - fact: officer.questionnaire\n    status: refused\n    date: 2026-11-02\n"))
    assert ev.published_at == "2026-11-02" and ev.fields["date"] == "2026-11-02"


@pytest.mark.parametrize(
    ("text", "field", "allowed"),
    [
        ("facts:\n  - fact: officer.questionnaire\n    status: complete\n  - fact: officer.questionnaire\n    status: refusd\n", "status", "refused"),
        ("facts:\n  - fact: officer.prior_conclusion\n    degree: zwaar\n", "degree", "mindere_mate"),
    ],
)
def test_enumerated_values_are_checked(tmp_path: Path, text: str, field: str, allowed: str) -> None:
    with pytest.raises(UsageError) as info:
        load_facts(facts_file(tmp_path, text))
    message = str(info.value)
    assert f"fact {text.count('- fact') }" in message and field in message and allowed in message


def test_enumerated_values_are_normalised(tmp_path: Path) -> None:
    [ev] = load_facts(facts_file(tmp_path, "facts:\n  - fact: officer.questionnaire\n    status: ' Refused '\n"))
    assert ev.fields["status"] == "refused"


def test_covered_types_are_the_facts_supplied(tmp_path: Path) -> None:
    evidence = load_facts(facts_file(tmp_path, "facts:\n  - fact: officer.questionnaire\n    status: refused\n"))
    assert covered_types(evidence) == {"officer.questionnaire"}
    assert covered_types([]) == set()


def test_bad_fact_date_on_the_cli_is_exit_2(tmp_path: Path) -> None:
    facts = facts_file(tmp_path, "facts:\n  - fact: officer.prior_conclusion\n    degree: ernstig\n    date: 2026-13-45\n")
    result = runner.invoke(app, ["scan", "person", "X Y", "--case", "F", "--purpose", "t", "--demo", "--out", str(tmp_path), "--facts", str(facts)])
    assert result.exit_code == 2, result.output
    assert "date" in result.output and "internal error" not in result.output


# --- several requests of one source ------------------------------------------------------


def test_every_request_failing_mentions_every_failure() -> None:
    async def fail(error: SourceError) -> int:
        raise error

    async def go() -> None:
        partial = await gather_partial([
            (1, "Google News", fail(UpstreamError("HTTP 500 van Google", source="news", status_code=500))),
            (2, "RSS-feed https://a.example/rss", fail(SourceTimeout("read timed out", source="news"))),
            (3, "RSS-feed https://b.example/rss", fail(UpstreamError("HTTP 404", source="news", status_code=404))),
        ])
        partial.raise_if_all_failed()

    with pytest.raises(UpstreamError) as info:
        asyncio.run(go())
    message = str(info.value)
    assert info.value.status_code == 500 and info.value.source == "news" and info.value.status is SourceStatus.FAILED
    for part in ("HTTP 500 van Google", "https://a.example/rss", "read timed out", "https://b.example/rss", "HTTP 404"):
        assert part in message


def test_a_single_failed_request_keeps_its_message() -> None:
    async def go() -> None:
        async def fail() -> int:
            raise SourceTimeout("read timed out", source="koop")

        (await gather_partial([(1, "KOOP", fail())])).raise_if_all_failed()

    with pytest.raises(SourceTimeout) as info:
        asyncio.run(go())
    assert str(info.value) == "read timed out"


# --- municipalities ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("Den Haag", "GM0518"), ("den haag", "GM0518"), ("'s-Gravenhage", "GM0518"), ("s-Gravenhage", "GM0518"),
        ("Den Bosch", "GM0796"), ("'s Hertogenbosch", "GM0796"), ("s-Hertogenbosch", "GM0796"), ("’s-Hertogenbosch", "GM0796"),
        ("Bergen NH", "GM0373"), ("Bergen (NH)", "GM0373"), ("Bergen (NH.)", "GM0373"), ("bergen nh.", "GM0373"),
        ("Bergen L", "GM0893"), ("Bergen (L)", "GM0893"), ("Bergen (L.)", "GM0893"),
        ("Hengelo", "GM0164"), ("Nuenen", "GM0820"), ("Bergen op Zoom", "GM0748"),
    ],
)
def test_common_municipality_aliases(alias: str, code: str) -> None:
    assert resolve_municipality(alias).code == code


def test_unknown_and_ambiguous_municipalities_get_the_nearest_names() -> None:
    with pytest.raises(UsageError, match="Tilburg"):
        resolve_municipality("Tilbrug")
    with pytest.raises(UsageError, match=r"Bergen \(L\.\)") as info:
        resolve_municipality("Bergen")
    assert "Bergen (NH.)" in str(info.value)


def test_every_official_name_still_resolves_to_itself() -> None:
    for m in all_municipalities():
        assert resolve_municipality(m.name) == m
        assert resolve_municipality(m.code) == m
