"""Batch intake: a CSV of applicants read with a Dutch message per broken line, one case
each created all or nothing in a real store, the cases scanned one after another with
a failing one recorded, and ``bibobscan case batch`` on the demo world."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from _demo_scans import demo_scan
from typer.testing import CliRunner

from bibobscan.batch import (
    KLAAR,
    MISLUKT,
    BatchParse,
    BatchProgress,
    LineError,
    case_id_for,
    create_cases,
    parse_applicants,
    run_batch,
)
from bibobscan.cli import app
from bibobscan.demo import demo_case
from bibobscan.dossier import Dossier
from bibobscan.errors import BatchError, DossierError, UsageError
from bibobscan.model import Municipality, Report, Subject, SubjectKind
from bibobscan.store import CaseRecord, CaseStore, StoreLocation

HEADER = "naam;soort;geboortedatum;kvk;gemeente\n"
GOOD = HEADER + "Bram Voorbeeld;persoon;14-03-1987;;Tilburg\nVoorbeeld Shisha Lounge B.V.;bedrijf;;99000011;tilburg\n;bedrijf;;99000013;\n"
TILBURG = Municipality(code="GM0855", name="Tilburg")


def messages(text: str | bytes, **caps: int) -> list[str]:
    return [e.message for e in parse_applicants(text, **caps).errors]


def one_error(text: str | bytes, **caps: int) -> LineError:
    errors = parse_applicants(text, **caps).errors
    assert len(errors) == 1, errors
    return errors[0]


# --- reading the CSV ----------------------------------------------------------------------


def test_a_dutch_excel_file_with_semicolons_bom_and_dd_mm_yyyy() -> None:
    batch = parse_applicants(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    assert batch.errors == [] and batch.ok and batch.delimiter == ";"
    person, company, by_kvk = batch.rows
    assert (person.line, person.kind, person.name, person.born, person.kvk, person.municipality) == (
        2, SubjectKind.PERSON, "Bram Voorbeeld", date(1987, 3, 14), None, TILBURG)
    assert (company.kind, company.kvk, company.municipality) == (SubjectKind.COMPANY, "99000011", TILBURG)
    assert (by_kvk.line, by_kvk.name, by_kvk.kvk, by_kvk.municipality) == (4, "", "99000013", None)
    assert person.raw == {"name": "Bram Voorbeeld", "kind": "persoon", "born": "14-03-1987", "kvk": "", "municipality": "Tilburg"}
    assert person.subject() == Subject(kind=SubjectKind.PERSON, name="Bram Voorbeeld", born=date(1987, 3, 14), municipality=TILBURG,
                                       role="aanvrager")


def test_english_commas_and_header_names_in_any_case() -> None:
    text = ("Name,KIND,Date of Birth,KvK-nummer,Municipality\n"
            "Bram Voorbeeld,Person,1987-03-14,,GM0855\n"
            '"Voorbeeld, Shisha Lounge B.V.",Company,,9900 0011,Den Haag\n')
    batch = parse_applicants(text)
    assert batch.errors == [] and batch.delimiter == ","
    assert [a.kind for a in batch.rows] == [SubjectKind.PERSON, SubjectKind.COMPANY]
    assert batch.rows[0].municipality == TILBURG and batch.rows[0].born == date(1987, 3, 14)
    assert batch.rows[1].name == "Voorbeeld, Shisha Lounge B.V." and batch.rows[1].kvk == "99000011"
    assert batch.rows[1].municipality is not None and batch.rows[1].municipality.name == "'s-Gravenhage"
    assert batch.columns["born"] == "Date of Birth"
    # only the columns needed: soort and naam
    assert parse_applicants("soort;naam\nbedrijf;X B.V.\nonderneming;Y B.V.\n").ok


def test_a_string_with_a_bom_blank_lines_and_trailing_separators() -> None:
    batch = parse_applicants("\ufeff" + HEADER + "\n;;;;\nBram Voorbeeld;persoon;;;;;\n\nAnna Jansen;persoon;;;\n")
    assert batch.errors == []
    assert [(a.line, a.name) for a in batch.rows] == [(4, "Bram Voorbeeld"), (6, "Anna Jansen")]


def test_line_numbers_count_physical_lines_past_a_quoted_field_over_two_lines() -> None:
    text = 'naam,soort\n"Twee\nregels",persoon\nX,firma\n'
    batch = parse_applicants(text)
    assert batch.rows[0].name == "Twee regels"
    assert [e.message for e in batch.errors] == ["regel 4, soort: 'firma' is geen persoon of bedrijf"]


@pytest.mark.parametrize(("cell", "problem"), [
    ("1990-02-31", "1990-02-31 bestaat niet"),
    ("31-02-1990", "31-02-1990 bestaat niet"),
    ("31/02/1990", "'31/02/1990' is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ"),
    ("14 maart 1987", "'14 maart 1987' is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ"),
    ("1850-01-01", "1850-01-01 is geen aannemelijke geboortedatum (voor 1900)"),
])
def test_a_wrong_date_of_birth(cell: str, problem: str) -> None:
    error = one_error(f"{HEADER}Bram Voorbeeld;persoon;{cell};;\n")
    assert (error.line, error.column, error.message) == (2, "geboortedatum", f"regel 2, geboortedatum: {problem}")


def test_a_date_of_birth_in_the_future() -> None:
    later = (date.today() + timedelta(days=2)).isoformat()
    assert messages(f"{HEADER}Bram Voorbeeld;persoon;{later};;\n") == [f"regel 2, geboortedatum: {later} ligt in de toekomst"]


def test_every_kind_of_broken_line_is_named() -> None:
    text = (HEADER
            + "Bram Voorbeeld;firma;;;\n"  # 2
            + "Bram Voorbeeld;;;;\n"  # 3
            + ";persoon;1987-03-14;;\n"  # 4
            + ";bedrijf;;;Tilburg\n"  # 5
            + "X B.V.;bedrijf;;9000011;\n"  # 6
            + "X B.V.;bedrijf;;KvK 12;\n"  # 7
            + "Bram Voorbeeld;persoon;;99000011;\n"  # 8
            + "X B.V.;bedrijf;1987-03-14;;\n"  # 9
            + "Anna;persoon;;;Tilbrug\n"  # 10
            + "Anna;persoon;;;\n"  # 11
            + "Piet;persoon;\n"  # 12
            + "Piet;persoon;1987-03-14;;Tilburg;extra\n"  # 13
            + "Anna;persoon;;;\n"  # 14: the same as line 11
            + "Y B.V.;bedrijf;;99000011;\n"  # 15
            + "Z B.V.;bedrijf;;99000011;\n")  # 16: the same KvK number as line 15
    assert messages(text) == [
        "regel 2, soort: 'firma' is geen persoon of bedrijf",
        "regel 3, soort: leeg; schrijf persoon of bedrijf",
        "regel 4, naam: een persoon heeft een naam nodig",
        "regel 5: een bedrijf heeft een naam of een KvK-nummer nodig",
        "regel 6, kvk: '9000011' is geen KvK-nummer (8 cijfers); viel er in een spreadsheet een voorloopnul weg?",
        "regel 7, kvk: 'KvK 12' is geen KvK-nummer (8 cijfers)",
        "regel 8, kvk: een KvK-nummer hoort bij een bedrijf; een persoon wordt herkend aan naam en geboortedatum",
        "regel 9, geboortedatum: een geboortedatum hoort bij een persoon, niet bij een bedrijf",
        "regel 10, gemeente: onbekende gemeente 'Tilbrug' (CBS-lijst 2024); bedoelt u Tilburg of Tiel?",
        "regel 12: 3 kolommen, de kopregel heeft er 5",
        "regel 13: 6 kolommen, de kopregel heeft er 5",
        "regel 14: dezelfde aanvrager als regel 11 (dubbele regel)",
        "regel 16: dezelfde aanvrager als regel 15 (dubbele regel)",
    ]
    batch = parse_applicants(text)
    assert [a.line for a in batch.rows] == [11, 15] and not batch.ok
    errors = {e.line: e for e in batch.errors}
    assert errors[10].column == "gemeente" and errors[12].column == "" and errors[5].column == ""


def test_an_ambiguous_municipality_gets_both_names() -> None:
    [message] = messages(f"{HEADER}Anna;persoon;;;Bergen\n")
    assert message.startswith("regel 2, gemeente: onbekende gemeente 'Bergen'") and "Bergen (NH.)" in message and "Bergen (L.)" in message


def test_names_the_same_but_for_case_and_spaces_are_duplicates_other_dates_are_not() -> None:
    text = HEADER + "Anna  Jansen;persoon;1980-01-01;;\nanna jansen;persoon;01-01-1980;;\nAnna Jansen;persoon;1981-01-01;;\n"
    assert messages(text) == ["regel 3: dezelfde aanvrager als regel 2 (dubbele regel)"]


def test_a_name_over_200_characters_and_a_control_character_are_refused() -> None:
    assert messages(f"{HEADER}{'a' * 201};persoon;;;\n") == ["regel 2, naam: de naam is 201 tekens; ten hoogste 200"]
    assert parse_applicants(f"{HEADER}{'a' * 200};persoon;;;\n").ok
    assert messages(f"{HEADER}Bram\x07Voorbeeld;persoon;;;\n") == ["regel 2, naam: de naam bevat een stuurteken"]


def test_formula_looking_cells_are_kept_as_text() -> None:
    text = ("naam,soort\n"
            '"=HYPERLINK(""http://x.example"",""klik"")",persoon\n'
            "+31 Holding B.V.,bedrijf\n"
            "-2+3,persoon\n"
            "@SUM(A1:A2),persoon\n"
            "=1+2,persoon\n")
    batch = parse_applicants(text)
    assert batch.errors == []
    assert [a.name for a in batch.rows] == ['=HYPERLINK("http://x.example","klik")', "+31 Holding B.V.", "-2+3", "@SUM(A1:A2)", "=1+2"]
    assert batch.rows[0].subject().name == '=HYPERLINK("http://x.example","klik")'
    # a formula where a number belongs is no KvK number
    assert messages("naam,soort,kvk\nX,bedrijf,=99000011\n") == ["regel 2, kvk: '=99000011' is geen KvK-nummer (8 cijfers)"]


def test_the_header_row_is_checked() -> None:
    assert messages("Bram Voorbeeld;persoon;1987-03-14\n")[0].startswith(
        "regel 1 moet een kopregel zijn met de kolomnamen naam, soort, geboortedatum, kvk, gemeente")
    assert messages("naam;soort;telefoon;Opmerking\nA;persoon;1;x\n") == [
        ("regel 1 (kopregel): onbekende kolommen 'telefoon', 'Opmerking'; bekend zijn naam, soort, geboortedatum, kvk, gemeente "
        "(of name, kind, date_of_birth, kvk_number, municipality)")]
    assert messages("naam;gemeente\nA;Tilburg\n") == ["regel 1 (kopregel): de kolom soort ontbreekt (persoon of bedrijf)"]
    assert messages("soort;gemeente\npersoon;Tilburg\n") == ["regel 1 (kopregel): de kolom naam ontbreekt"]
    assert messages("naam;soort;name\nA;persoon;B\n") == ["regel 1 (kopregel): de kolom naam staat er twee keer in ('naam' en 'name')"]
    assert messages("naam;;soort\nA;;persoon\n") == ["regel 1 (kopregel): kolom 2 heeft geen naam"]


def test_files_that_are_no_utf8_csv_are_refused_whole() -> None:
    latin1 = (HEADER + "José Pérez;persoon;;;\n").encode("latin-1")
    error = one_error(latin1)
    assert error.line == 2 and error.message.startswith("het bestand is geen UTF-8: regel 2 bevat een teken dat geen UTF-8 is")
    assert "CSV UTF-8" in error.message
    assert one_error(HEADER.encode("utf-16")).message.startswith("het bestand is UTF-16")
    assert messages(b"") == ["het bestand is leeg; de eerste regel moet een kopregel zijn (naam, soort, geboortedatum, kvk, gemeente)"]
    assert messages(HEADER) == ["het bestand heeft geen aanvragers: onder de kopregel staat niets"]
    assert parse_applicants(("naam;soort\nJosé Pérez;persoon\n").encode()).rows[0].name == "José Pérez"


def test_broken_quotes_stop_reading_with_the_line_named() -> None:
    error = one_error('naam,soort\nA,persoon\n"B"x,persoon\nC,persoon\n')
    assert error.line == 3 and error.message.startswith('regel 3: een aanhalingsteken (") staat midden in een veld')
    assert messages('naam,soort\nA,persoon\n"B,persoon\nC,persoon\n') == [
        'regel 3: een aanhalingsteken (") wordt niet gesloten; de regels hierna zijn niet gelezen']


def test_size_and_row_caps() -> None:
    rows = "".join(f"Persoon {i};persoon;;;\n" for i in range(5))
    assert parse_applicants(HEADER + rows, max_rows=5).ok
    assert messages(HEADER + rows, max_rows=4) == [
        "het bestand heeft meer dan 4 aanvragers; ten hoogste 4 per batch (regel 6 en verder zijn niet gelezen)"]
    text = HEADER + rows
    size = len(text.encode("utf-8"))
    assert parse_applicants(text, max_bytes=size).ok
    assert messages(text, max_bytes=size - 1) == [f"het bestand is te groot: {size} bytes; ten hoogste {size - 1} bytes per batch"]
    big = HEADER + "".join(f"A{i};persoon;;;\n" for i in range(100_000))
    assert messages(big.encode("utf-8")) == ["het bestand is te groot: 1,8 MB; ten hoogste 1,0 MB per batch"]
    assert len(messages(big, max_bytes=10**7)) == 1  # the default row cap: 500
    cell = "x" * 1001
    assert messages(f"{HEADER}A;persoon;;;{cell}\n") == ["regel 2, gemeente: het veld is 1001 tekens; zo lang is geen gemeente"]


# --- creating the cases: all or nothing -----------------------------------------------------


def test_one_case_per_applicant_in_one_go(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        records = create_cases(dossier, parse_applicants(GOOD), case_prefix="B-2026", case_template=demo_case("TEMPLATE"),
                               actor="Demo-behandelaar", demo=True, team="team-bibob")
        assert [r.case_id for r in records] == ["B-2026-002", "B-2026-003", "B-2026-004"] == [case_id_for("B-2026", n) for n in (2, 3, 4)]
        stored = store.case("B-2026-003")
        assert stored.demo and stored.team == "team-bibob" and stored.status == "concept"
        assert stored.case.purpose == demo_case().purpose and stored.case.case_id == "B-2026-003"
        assert stored.subject.kvk == "99000011" and stored.subject.role == "aanvrager" and stored.subject.municipality == TILBURG
        assert store.case("B-2026-004").subject.name == "" and store.case("B-2026-004").kind == "company"
        assert [e.action for e in store.audit_log("B-2026-002")] == ["create"]


def test_a_batch_with_a_broken_line_saves_nothing(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        batch = parse_applicants(GOOD + "Piet;firma;;;\n")
        assert len(batch.rows) == 3
        with pytest.raises(BatchError, match="the CSV has 1 error; no case was created") as caught:
            create_cases(Dossier(store), batch, case_prefix="B", case_template=demo_case("T"), actor="Demo-behandelaar")
        assert [e.message for e in caught.value.errors] == ["regel 5, soort: 'firma' is geen persoon of bedrijf"]
        assert "regel 5, soort" in str(caught.value)
        assert store.cases() == []


def test_a_taken_case_number_refuses_the_whole_batch(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        dossier.new_case(replace(demo_case(), case_id="B-003"), Subject(kind=SubjectKind.PERSON, name="Iemand"), actor="x")
        with pytest.raises(BatchError, match=r"1 of the case numbers already exists \(B-003\)") as caught:
            create_cases(dossier, parse_applicants(GOOD), case_prefix="B", case_template=demo_case("T"), actor="x")
        assert [e.message for e in caught.value.errors] == ["regel 3: zaaknummer B-003 bestaat al; kies een ander voorvoegsel"]
        assert [r.case_id for r in store.cases()] == ["B-003"]  # B-002 and B-004 were not made either
        assert store.case("B-003").subject.name == "Iemand"
        assert len(create_cases(dossier, parse_applicants(GOOD), case_prefix="C", case_template=demo_case("T"), actor="x")) == 3


def test_a_bad_prefix_or_an_empty_batch_is_refused(store_location: StoreLocation) -> None:
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        for prefix in ("", "  ", "B\x00"):
            with pytest.raises(UsageError, match="case prefix"):
                create_cases(dossier, parse_applicants(GOOD), case_prefix=prefix, case_template=demo_case("T"), actor="x")
        with pytest.raises(UsageError, match="too long"):
            create_cases(dossier, parse_applicants(GOOD), case_prefix="B" * 97, case_template=demo_case("T"), actor="x")
        with pytest.raises(BatchError, match="no case was created") as caught:
            create_cases(dossier, parse_applicants(HEADER), case_prefix="B", case_template=demo_case("T"), actor="x")
        assert [e.message for e in caught.value.errors] == ["het bestand heeft geen aanvragers: onder de kopregel staat niets"]
        with pytest.raises(BatchError, match="no applicants"):
            create_cases(dossier, BatchParse(rows=[], errors=[]), case_prefix="B", case_template=demo_case("T"), actor="x")
        assert store.cases() == []


# --- scanning the batch ---------------------------------------------------------------------


def test_one_failing_case_is_recorded_and_the_batch_goes_on(store_location: StoreLocation) -> None:
    text = HEADER + "Bram Voorbeeld;persoon;1987-03-14;;Tilburg\nKapot B.V.;bedrijf;;;\nVoorbeeld Shisha Lounge B.V.;bedrijf;;99000011;\nStuk;persoon;;;\n"
    with CaseStore.open(store_location) as store:
        dossier = Dossier(store)
        records = create_cases(dossier, parse_applicants(text), case_prefix="R", case_template=demo_case("T"), actor="Demo-behandelaar", demo=True)
        scanned: list[str] = []

        def scan_one(record: CaseRecord) -> Report:
            scanned.append(record.case_id)
            if record.subject.name == "Kapot B.V.":
                raise DossierError("case 'R-003' refuses", dutch="Dit dossier weigert.")
            if record.subject.name == "Stuk":
                raise RuntimeError("kapot")
            which = "person" if record.subject.kind is SubjectKind.PERSON else "company"
            report, bodies = demo_scan(which, record.case)
            return dossier.record_scan(record.case_id, 1, report, bodies, actor="Demo-behandelaar").report

        seen: list[BatchProgress] = []
        results = run_batch(dossier, records, scan_one, progress=seen.append)
        assert scanned == ["R-002", "R-003", "R-004", "R-005"]
        assert seen == [BatchProgress(0, 4, "R-002"), BatchProgress(1, 4, "R-003"), BatchProgress(2, 4, "R-004"),
                        BatchProgress(3, 4, "R-005"), BatchProgress(4, 4, None)]
        person, broken, company, odd = results
        assert (person.case_id, person.status, person.total_points, person.complete, person.case_status) == ("R-002", KLAAR, 30, True, "gescand")
        assert person.name == "Bram Voorbeeld" and person.band_label and person.hits > 0 and person.error == "" and person.ok
        assert (broken.status, broken.error, broken.total_points, broken.case_status) == (MISLUKT, "de scan is mislukt: Dit dossier weigert.", None, "concept")
        assert company.status == KLAAR and company.total_points is not None and company.total_points > 0
        assert odd.status == MISLUKT and odd.error == "de scan is mislukt door een onverwachte fout (RuntimeError: kapot)" and not odd.ok
        assert len(store.versions("R-002")) == 1 and store.versions("R-003") == []


def test_an_empty_list_of_cases_reports_done() -> None:
    seen: list[BatchProgress] = []

    def never(record: CaseRecord) -> Report:
        raise AssertionError("no case to scan")

    assert run_batch(None, [], never, progress=seen.append) == []  # type: ignore[arg-type]
    assert seen == [BatchProgress(0, 0, None)]


# --- the command line -----------------------------------------------------------------------

runner = CliRunner()


def test_case_batch_on_the_demo_world_scans_three_cases(tmp_path: Path) -> None:
    csv_file = tmp_path / "aanvragers.csv"
    csv_file.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    data = ["--data", str(tmp_path / "data")]
    result = runner.invoke(app, ["case", "batch", str(csv_file), "--case-prefix", "DEMO-B", "--purpose", "Batchtest", "--demo", *data,
                                 "--by", "Demo-behandelaar", "--json", "--out", str(tmp_path / "out")])
    assert "Traceback" not in result.output
    # the third applicant (Voorbeeld Holding B.V., by KvK number only) is only partly recorded in the demo world
    assert result.exit_code == 3, result.output
    rows = json.loads(result.stdout)
    assert [(r["case_id"], r["status"]) for r in rows] == [("DEMO-B-002", KLAAR), ("DEMO-B-003", KLAAR), ("DEMO-B-004", KLAAR)]
    assert [r["name"] for r in rows] == ["Bram Voorbeeld", "Voorbeeld Shisha Lounge B.V.", "Voorbeeld Holding B.V."]
    assert rows[0]["total_points"] == 30 and rows[0]["complete"] and rows[1]["complete"] and not rows[2]["complete"]
    assert all(r["case_status"] == "gescand" for r in rows)
    assert "[3/3] scanning case DEMO-B-004 [demo world]" in result.stderr
    assert len(list((tmp_path / "out").glob("*.html"))) == 3
    with CaseStore.open(_demo_location(tmp_path)) as store:
        assert sorted(r.case_id for r in store.cases()) == ["DEMO-B-002", "DEMO-B-003", "DEMO-B-004"]
        assert all(len(store.versions(f"DEMO-B-00{n}")) == 1 for n in (2, 3, 4))
        assert store.case("DEMO-B-004").subject_name == "Voorbeeld Holding B.V."  # named by the register during the scan

    table = runner.invoke(app, ["case", "batch", str(csv_file), "--case-prefix", "DEMO-C", "--purpose", "Batchtest", "--demo", *data])
    assert table.exit_code == 3 and "DEMO-C-003  klaar" in table.stdout and "Bram Voorbeeld" in table.stdout

    again = runner.invoke(app, ["case", "batch", str(csv_file), "--case-prefix", "DEMO-B", "--purpose", "Batchtest", "--demo", *data])
    assert again.exit_code == 2 and "already exist" in again.output and "regel 2: zaaknummer DEMO-B-002 bestaat al" in again.output


def test_case_batch_refuses_a_broken_csv_and_saves_nothing(tmp_path: Path) -> None:
    csv_file = tmp_path / "aanvragers.csv"
    csv_file.write_text(GOOD + "Piet;persoon;1990-02-31;;Tilbrug\n", encoding="utf-8")
    data = ["--data", str(tmp_path / "data")]
    result = runner.invoke(app, ["case", "batch", str(csv_file), "--case-prefix", "X", "--purpose", "Batchtest", "--demo", *data])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "2 errors in the CSV; no case was created" in result.output
    assert "regel 5, geboortedatum: 1990-02-31 bestaat niet" in result.output and "onbekende gemeente 'Tilbrug'" in result.output
    listing = runner.invoke(app, ["case", "list", "--demo", *data])
    assert "X-00" not in listing.output
    missing = runner.invoke(app, ["case", "batch", str(tmp_path / "nope.csv"), "--case-prefix", "X", "--purpose", "p", "--demo", *data])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def _demo_location(tmp_path: Path) -> StoreLocation:
    from bibobscan.store import locate

    return locate(data=tmp_path / "data", demo=True, environ={})
