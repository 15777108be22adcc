"""The batch page through the test client: a CSV of applicants becomes one case each in the
account's team, scanned one after another in a worker thread (progress page, sortable
results table); a broken CSV, a taken case number or a wrong case field is refused with
Dutch messages and nothing is saved; CSRF; who may see a batch."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from _web import PERSON_FORM, login, post, workspace

from bibobscan.web import Workspace

CASE_FIELDS = {k: v for k, v in PERSON_FORM.items() if k in (
    "aanleiding", "doel", "bestuursorgaan", "soort_besluit", "grondslag", "beleidsregel", "zaaktype", "behandelaar",
    "reviewer", "verdeellijst", "bewaartermijn", "team")}
GOOD_CSV = (b"naam;soort;geboortedatum;kvk;gemeente\n"
            b"Bram Voorbeeld;persoon;14-03-1987;;Tilburg\n"
            b"Voorbeeld Shisha Lounge B.V.;bedrijf;;99000011;Tilburg\n")
ERROR = re.compile(r'<p class="field-error" id="fout-([a-z_]+)">([^<]*)</p>')


def upload(client: Any, csv: bytes, **fields: str) -> Any:
    data = {**CASE_FIELDS, "zaaknummer": "W-BATCH", **fields}
    return post(client, "/batch", data, files={"bestand": ("aanvragers.csv", csv, "text/csv")})


def wait_batch(ws: Workspace, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = ws.jobs.get(job_id)
        assert job is not None
        if job.state in ("klaar", "mislukt"):
            return job.snapshot()
        time.sleep(0.05)
    raise AssertionError("the batch did not finish")


def test_a_batch_becomes_one_scanned_case_per_applicant(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        form = client.get("/batch")
        assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text and "Voorvoegsel van de zaaknummers" in form.text
        answer = upload(client, GOOD_CSV)
        assert answer.status_code == 303, answer.text
        job_id = answer.headers["location"].rsplit("/", 1)[-1]
        # the cases exist at once, in the account's team, numbered after their line
        assert sorted(c.case_id for c in ws.store.cases() if c.case_id.startswith("W-BATCH")) == ["W-BATCH-002", "W-BATCH-003"]
        assert {ws.store.case(c).team for c in ("W-BATCH-002", "W-BATCH-003")} == {"Bibob"}
        running = client.get(f"/batch/{job_id}")
        assert running.status_code == 200 and "<progress" in running.text
        done = wait_batch(ws, job_id)
        assert done["state"] == "klaar", done["error"]
        rows = done["result"]["rows"]
        assert [r["case_id"] for r in rows] == ["W-BATCH-002", "W-BATCH-003"]
        assert all(r["status"] == "klaar" and r["total_points"] is not None for r in rows)
        assert rows[0]["name"] == "Bram Voorbeeld"
        page = client.get(f"/batch/{job_id}").text
        assert "<table data-sortable>" in page and 'href="/zaken/W-BATCH-002"' in page and "Klaar: 2 zaken" in page
        assert 'http-equiv="refresh"' not in page  # no reloading once done
        # each case has its report version, as a scan from the case page makes it
        assert ws.store.version("W-BATCH-002").version_no >= 1
        progress = client.get(f"/batch/{job_id}/voortgang.json").json()
        assert progress["done"] == progress["total"] == 2
        # the batch is listed on the form page for the team
        assert f'href="/batch/{job_id}"' in client.get("/batch").text


def test_a_broken_csv_is_refused_per_line_and_nothing_is_saved(tmp_path: Path) -> None:
    broken = (b"naam,soort,geboortedatum,kvk,gemeente\n"
              b"Bram Voorbeeld,persoon,1990-02-31,,Tilburg\n"
              b"X,firma,,,\n"
              b"Y,persoon,,,Tilbrug\n")
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        before = len(ws.store.cases())
        answer = upload(client, broken, aanleiding="Eigen aanleiding blijft staan")
        assert answer.status_code == 400
        errors = dict(ERROR.findall(answer.text))
        assert "3 fouten" in errors["bestand"] and "geen zaak aangemaakt" in errors["bestand"]
        assert "regel 2, geboortedatum: 1990-02-31 bestaat niet" in answer.text
        assert "regel 3, soort:" in answer.text and "Tilburg" in answer.text
        assert 'value="Eigen aanleiding blijft staan"' in answer.text  # what was typed is kept
        assert len(ws.store.cases()) == before
        assert ws.jobs.of_kind("batch") == []


def test_wrong_case_fields_and_no_file_are_named_beside_the_field(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        before = len(ws.store.cases())
        answer = post(client, "/batch", {**CASE_FIELDS, "zaaknummer": "", "doel": "", "bewaartermijn": "99"})
        assert answer.status_code == 400
        errors = dict(ERROR.findall(answer.text))
        assert set(errors) >= {"zaaknummer", "doel", "bewaartermijn", "bestand"}
        assert "voorvoegsel" in errors["zaaknummer"] and "CSV-bestand" in errors["bestand"]
        too_long = upload(client, GOOD_CSV, zaaknummer="P" * 120)
        assert too_long.status_code == 400 and "ten hoogste" in dict(ERROR.findall(too_long.text))["zaaknummer"]
        assert len(ws.store.cases()) == before


def test_a_taken_case_number_refuses_the_whole_batch(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        first = upload(client, GOOD_CSV)
        assert first.status_code == 303
        wait_batch(ws, first.headers["location"].rsplit("/", 1)[-1])
        count = len(ws.store.cases())
        again = upload(client, GOOD_CSV + b"Nieuwe Naam;persoon;;;\n")
        assert again.status_code == 400
        assert "zaaknummer W-BATCH-002 bestaat al" in again.text and "kies een ander voorvoegsel" in again.text
        assert len(ws.store.cases()) == count  # not even the new line 4 was created


def test_csrf_roles_and_teams(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        client.get("/batch")
        forged = client.post("/batch", data={**CASE_FIELDS, "zaaknummer": "W-X", "csrf": "vals"},
                             files={"bestand": ("a.csv", GOOD_CSV, "text/csv")}, follow_redirects=False)
        assert forged.status_code == 403
        assert not any(c.case_id.startswith("W-X") for c in ws.store.cases())
        job_id = upload(client, GOOD_CSV).headers["location"].rsplit("/", 1)[-1]
        wait_batch(ws, job_id)
        login(client, "buiten")  # another team: the batch does not exist for them
        assert client.get(f"/batch/{job_id}").status_code == 404
        assert client.get(f"/batch/{job_id}/voortgang.json").status_code == 404
        assert f"/batch/{job_id}" not in client.get("/batch").text
        login(client, "bureau")  # no case files
        assert client.get("/batch").status_code == 403
        client.cookies.clear()
        assert client.get("/batch", follow_redirects=False).status_code in (302, 303)
