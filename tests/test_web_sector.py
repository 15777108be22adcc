"""The branchescan page through the test client: Dutch messages beside wrong fields (the
values kept, nothing started), a demo scan in a worker thread to the end (progress page,
ranked table, the report frame under its CSP), downloads written by the sector writers
(CSV and XLSX with formula cells neutralised), a failing source shown as failed, the
audit log, who may see a scan, CSRF, and the result read back from disk after a restart."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from _web import login, post, workspace
from openpyxl import load_workbook

from bibobscan.demo import ReplayTransport
from bibobscan.web import Workspace

DEMO_CASE = "DEMO-2026-003"
BASENAME = "demo-2026-003-branchescan-kappers-tilburg"
HOSTILE_NAME = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA_NAME = '=HYPERLINK("http://evil.example","klik")'
ERROR = re.compile(r'<p class="field-error" id="fout-([a-z_]+)">([^<]*)</p>')


class Demo(httpx.AsyncBaseTransport):
    """The demo world's replay transport, with hostile OpenStreetMap names and (optionally)
    the KvK address search failing for some postcodes."""

    def __init__(self, fail_postcodes: tuple[str, ...] = (), hostile: bool = True) -> None:
        self.inner = ReplayTransport()
        self.fail_postcodes = fail_postcodes
        self.hostile = hostile

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (request.url.host == "api.kvk.nl" and request.url.path.endswith("/v2/zoeken")
                and request.url.params.get("postcode") in self.fail_postcodes):
            await request.aread()
            return httpx.Response(500, json={"fout": [{"code": "IPD9999", "omschrijving": "interne fout"}]}, request=request)
        response = await self.inner.handle_async_request(request)
        if not self.hostile or request.url.host != "overpass-api.de" or b"out+count" in request.content:
            return response
        body = json.loads(await response.aread())
        for el in body["elements"]:
            name = el.get("tags", {}).get("name")
            if name == "Kapper aan huis Demo":
                el["tags"]["name"] = HOSTILE_NAME
            if name == "Kapsalon Lokkerman":
                el["tags"]["name"] = FORMULA_NAME
        return httpx.Response(200, json=body, request=request)


def use_transport(monkeypatch: pytest.MonkeyPatch, make: Callable[[], httpx.AsyncBaseTransport]) -> None:
    # the web page looks the CLI's demo transport up when a scan starts, as the CLI does
    monkeypatch.setattr("bibobscan.cli.sector.demo_transport", make)


def errors_of(html: str) -> dict[str, str]:
    return dict(ERROR.findall(html))


def start(client: Any, **fields: str) -> Any:
    data = {"branche": "kappers", "gemeente": "Tilburg", "postcodes": "", "zaaknummer": "", "doel": "", "grondslag": "", "bewaartermijn": "5"}
    return post(client, "/branche", {**data, **fields})


def job_id_of(response: Any) -> str:
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert location.startswith("/branche/")
    return str(location.rsplit("/", 1)[1])


def wait(ws: Workspace, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = ws.jobs.get(job_id)
        assert job is not None and job.kind == "sector"
        if job.state in ("klaar", "mislukt"):
            return job.snapshot()
        time.sleep(0.05)
    raise AssertionError(f"the sector scan {job_id} did not finish within {timeout} s")


def audit(ws: Workspace, case_id: str = DEMO_CASE) -> list[tuple[str, str, str]]:
    return [(e.action, e.actor, e.detail) for e in ws.store.audit_log(case_id)]


# --- the form ---------------------------------------------------------------------------------------


def test_wrong_fields_get_dutch_messages_and_keep_what_was_typed(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "bureau")
        form = client.get("/branche")
        assert form.status_code == 200 and 'name="branche"' in form.text and 'value="kappers" selected' in form.text
        response = start(client, gemeente="Tilbrug", postcodes="5038, 50X8", zaaknummer="BR-2026-7", doel="Toezichtsplanning kappers")
        assert response.status_code == 400
        errors = errors_of(response.text)
        assert set(errors) == {"gemeente", "postcodes"}
        assert "Onbekende gemeente ‘Tilbrug’" in errors["gemeente"] and "Tilburg" in errors["gemeente"]
        assert "‘50X8’" in errors["postcodes"] and "‘5038’" not in errors["postcodes"]
        # what was typed is still there, the wrong fields marked
        assert 'value="Tilbrug" aria-invalid="true"' in response.text
        assert 'value="5038, 50X8" aria-invalid="true"' in response.text
        assert 'value="BR-2026-7"' in response.text and 'value="Toezichtsplanning kappers"' in response.text
        assert 'value="kappers" selected' in response.text
        # a code that is no CBS code, and no preset chosen
        response = start(client, gemeente="GM9999", branche="")
        errors = errors_of(response.text)
        assert "geen CBS-gemeentecode" in errors["gemeente"] and errors["branche"] == "Kies een branche uit de lijst."
        # nothing started, nothing written
        assert not [j for j in ws.jobs.running() if j.kind == "sector"]
        assert not (ws.config.location.data_dir / "branchescans").exists()
        assert audit(ws) == []


def test_the_demo_world_has_one_sector(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, _ws):
        login(client, "bureau")
        errors = errors_of(start(client, gemeente="Breda").text)
        assert "De demowereld kent één branche" in errors["gemeente"]
        errors = errors_of(start(client, branche="autohandel").text)
        assert "De demowereld kent één branche" in errors["branche"]


def test_a_live_workspace_needs_case_number_and_purpose(tmp_path: Path) -> None:
    with workspace(tmp_path, demo=False) as (client, ws):
        login(client, "bureau")
        response = start(client, bewaartermijn="40")
        assert response.status_code == 400
        errors = errors_of(response.text)
        assert set(errors) == {"zaaknummer", "doel", "bewaartermijn"}
        assert "Vul het zaaknummer in" in errors["zaaknummer"] and "Vul het doel in" in errors["doel"]
        assert "1 tot 30" in errors["bewaartermijn"]
        assert not (ws.config.location.data_dir / "branchescans").exists()


def test_a_post_without_the_csrf_token_is_refused(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "bureau")
        client.get("/branche")
        response = client.post("/branche", data={"branche": "kappers", "gemeente": "Tilburg"}, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text
        response = client.post("/branche", data={"branche": "kappers", "gemeente": "Tilburg", "csrf": "vals"}, follow_redirects=False)
        assert response.status_code == 403
        assert not ws.jobs.running() and not (ws.config.location.data_dir / "branchescans").exists()


def test_signed_out_goes_to_the_login(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, _ws):
        response = client.get("/branche", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/inloggen")


# --- a demo scan to the end ---------------------------------------------------------------------------


def test_demo_scan_to_the_end_with_table_downloads_and_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_transport(monkeypatch, lambda: Demo(fail_postcodes=("5042ZS", "5022ZT")))
    with workspace(tmp_path) as (client, ws):
        login(client, "bureau")
        job_id = job_id_of(start(client, postcodes=""))
        progress = client.get(f"/branche/{job_id}")
        assert progress.status_code == 200
        if "Rangorde van de vestigingen" not in progress.text:  # still running: the progress page refreshes itself
            assert '<meta http-equiv="refresh" content="2">' in progress.text and "Branchescan voor zaak DEMO-2026-003" in progress.text
        snapshot = wait(ws, job_id)
        assert snapshot["state"] == "klaar", snapshot["error"]
        # kvk fails for two addresses; koop has no recordings for the two renamed (hostile) names
        assert snapshot["result"]["establishments"] == 35 and snapshot["result"]["failed_sources"] == ["kvk", "koop"]
        kvk = next(s for s in snapshot["sources"] if s["source"] == "kvk")
        assert kvk["ended"] and kvk["status"] == "failed"

        # the files, written by the sector writers into the scan's own folder
        folder = ws.config.location.data_dir / "branchescans" / job_id
        assert {p.name for p in folder.iterdir()} >= {f"{BASENAME}{s}" for s in (".html", ".csv", "-toelichting.txt", ".xlsx", ".json", ".pdf")}

        page = client.get(f"/branche/{job_id}")
        assert page.status_code == 200
        html = page.text
        assert "Rangorde van de vestigingen" in html and "refresh" not in html
        rows = re.findall(r"<tr><td>(\d+)</td><td>([\d.]+)</td><td>[^<]*</td><td>([^<]*)</td>", html)
        assert len(rows) == 35 and rows[0] == ("1", "50", "Barber Kings Tilburg")
        assert [int(r[1]) if r[1].isdigit() else float(r[1]) for r in rows] == sorted((float(r[1]) for r in rows), reverse=True)
        assert "<table data-sortable" in html
        # a failing source shows as failed, beside the ranking
        assert "Niet alle bronnen zijn (volledig) geraadpleegd: kvk" in html
        assert '<span class="badge st-failed">gedeeltelijk mislukt</span>' in html and "Schaarweg 12" in html
        # hostile names from OpenStreetMap are text, never markup
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        # the full report (with its map) in a sandboxed frame, served under a no-script policy
        assert f'src="/branche/{job_id}/rapport" sandbox>' in html
        frame = client.get(f"/branche/{job_id}/rapport")
        assert frame.status_code == 200 and 'id="kaart"' in frame.text and "<svg" in frame.text
        assert frame.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        assert "<script>alert" not in frame.text

        # CSV: the writer's bytes, formula cells inert
        got = client.get(f"/branche/{job_id}/download/csv")
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        assert got.headers["content-disposition"] == f'attachment; filename="{BASENAME}.csv"'
        assert got.content == (folder / f"{BASENAME}.csv").read_bytes()
        table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
        assert table[0][:4] == ["Rang", "Punten", "Prioriteit", "Naam"] and len(table) == 36
        names = [row[3] for row in table[1:]]
        assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
        assert not any(cell.lstrip().startswith(("=", "+", "@")) for row in table for cell in row)
        # XLSX: the same, no formula cell anywhere
        got = client.get(f"/branche/{job_id}/download/xlsx")
        assert got.status_code == 200 and got.headers["content-type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(got.content))
        sheet = book["Rangorde"]
        assert "'" + FORMULA_NAME in [row[3].value for row in sheet.iter_rows(min_row=2)]
        assert all(c.data_type != "f" for ws_ in book.worksheets for row in ws_.iter_rows() for c in row)
        assert sheet.max_row == 36
        # JSON and PDF/A as written
        got = client.get(f"/branche/{job_id}/download/json")
        assert got.status_code == 200 and json.loads(got.content)["establishments"][0]["name"] == "Barber Kings Tilburg"
        got = client.get(f"/branche/{job_id}/download/pdf")
        assert got.status_code == 200 and got.content.startswith(b"%PDF-")
        assert client.get(f"/branche/{job_id}/download/docx").status_code == 404

        # the audit log of the case: the scan (with the failing source), the views, every download
        entries = audit(ws)
        scans = [e for e in entries if e[0] == "sector-scan"]
        assert len(scans) == 1 and scans[0][1] == "bureau"
        assert job_id in scans[0][2] and "35 vestigingen" in scans[0][2] and "niet (volledig) geraadpleegd: kvk" in scans[0][2]
        exports = [e[2] for e in entries if e[0] == "export"]
        assert [x.split(": ")[1].split(" ")[0] for x in exports] == ["csv", "xlsx", "json", "pdf"]
        assert all(job_id in x for x in exports)
        views = [e[2] for e in entries if e[0] == "view"]
        assert f"branchescan {job_id}" in views and f"branchescan {job_id}: rapport" in views

        # listed on the form page
        listing = client.get("/branche").text
        assert f'href="/branche/{job_id}"' in listing and "Kappers en barbershops in Tilburg" in listing

        # who may see it: not an officer of another team, nor one without a shared team; the beheerder may
        login(client, "demo-behandelaar")
        assert client.get(f"/branche/{job_id}").status_code == 404
        assert client.get(f"/branche/{job_id}/download/csv").status_code == 404
        assert client.get(f"/branche/{job_id}/rapport").status_code == 404
        assert f"/branche/{job_id}" not in client.get("/branche").text
        login(client, "beheer")
        assert client.get(f"/branche/{job_id}/download/csv").status_code == 200

    # after a restart the result and its downloads come from disk (the job is gone from memory)
    with workspace(tmp_path) as (client, ws):
        assert ws.jobs.get(job_id) is None
        login(client, "bureau")
        page = client.get(f"/branche/{job_id}")
        assert page.status_code == 200 and "Barber Kings Tilburg" in page.text
        assert client.get(f"/branche/{job_id}/download/xlsx").status_code == 200


def test_an_officer_sees_the_scans_of_the_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_transport(monkeypatch, lambda: Demo(hostile=False))
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")  # team Bibob
        job_id = job_id_of(start(client, zaaknummer="BR-2026-9", doel="Toezichtsplanning", postcodes="5038"))
        assert wait(ws, job_id)["state"] == "klaar"
        page = client.get(f"/branche/{job_id}")
        assert page.status_code == 200 and "BR-2026-9 – Toezichtsplanning" in page.text
        assert "5038" in page.text
        login(client, "demo-reviewer")  # the same team
        assert client.get(f"/branche/{job_id}").status_code == 200
        login(client, "buiten")  # another team
        assert client.get(f"/branche/{job_id}").status_code == 404
        assert [e[0] for e in audit(ws, "BR-2026-9")][:1] == ["sector-scan"]
        assert audit(ws) == []  # nothing went to the demo case


def test_a_scan_that_cannot_write_its_files_fails_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_transport(monkeypatch, lambda: Demo(hostile=False))
    with workspace(tmp_path) as (client, ws):
        (ws.config.location.data_dir / "branchescans").write_text("geen map", encoding="utf-8")
        login(client, "bureau")
        job_id = job_id_of(start(client))
        snapshot = wait(ws, job_id)
        assert snapshot["state"] == "mislukt" and "branchescans" in snapshot["error"]
        page = client.get(f"/branche/{job_id}")
        assert page.status_code == 200 and "De branchescan is mislukt" in page.text and "refresh" not in page.text
        assert client.get(f"/branche/{job_id}/download/csv").status_code == 404
        assert any(a == "sector-scan" and "mislukt" in d for a, _who, d in audit(ws))


def test_unknown_or_malformed_scan_ids_are_not_found(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "bureau")
        (ws.config.location.data_dir / "branchescans").mkdir(parents=True)
        (ws.config.location.data_dir / "werkplek.json").write_text('{"job_id": ".."}', encoding="utf-8")
        for job_id in ("onbekend-123456", "%2E%2E", "..%2Fdata", "a" * 100):
            assert client.get(f"/branche/{job_id}").status_code == 404
            assert client.get(f"/branche/{job_id}/download/csv").status_code == 404
            assert client.get(f"/branche/{job_id}/rapport").status_code == 404
