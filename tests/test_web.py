"""The workspace through its test client: logging in (rate limit, CSRF), the case
pages (new case with Dutch field errors, scan with progress, review, conclusion,
four-eyes sign-off, zienswijze, finalise, seal, downloads, versions and diff), case
teams, the audit log, and the JSON API with its tokens."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from _web import PERSON_FORM, csrf_of, login, post, wait_for_job, workspace

from bibobscan.accounts import MAX_FAILED_PER_NAME
from bibobscan.report.integrity import check

EVIDENCE = re.compile(r'name="bewijsstuk" value="([^"]+)"')


def test_pages_need_a_login_and_send_strict_security_headers(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, _ws):
        for url in ("/", "/zaken", "/zaken/nieuw", "/zaken/DEMO-2026-001"):
            response = client.get(url, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"].startswith("/inloggen"), url
        page = client.get("/inloggen")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp and "form-action 'self'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"


def test_login_wrong_password_is_refused_in_dutch_and_rate_limited(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, _ws):
        for _ in range(MAX_FAILED_PER_NAME):
            response = login(client, "demo-behandelaar", "fout-wachtwoord-123")
            assert response.status_code == 401 and "Onjuiste naam of onjuist wachtwoord" in response.text
        throttled = login(client, "demo-behandelaar")  # even the right password waits now
        assert throttled.status_code == 429 and "Te veel mislukte pogingen" in throttled.text
        assert int(throttled.headers["retry-after"]) > 0
        other = login(client, "demo-reviewer")  # another name from the same client is not locked out (yet)
        assert other.status_code == 303


def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        response = login(client, "demo-behandelaar")
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "bbs_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        assert client.get("/zaken").status_code == 200
        secret = client.cookies.get("bbs_session")
        assert ws.accounts.session(secret) is not None
        post(client, "/uitloggen", {}, page="/zaken")
        assert ws.accounts.session(secret) is None


def test_a_form_without_the_csrf_token_is_refused(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        response = client.post("/zaken/nieuw", data=PERSON_FORM, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text
        response = client.post("/zaken/nieuw", data={**PERSON_FORM, "csrf": "verkeerd"}, follow_redirects=False)
        assert response.status_code == 403
        assert ws.store.find("W-2026-001") is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("zaaknummer", "", "Vul het zaaknummer in"),
    ("geboortedatum", "1990-02-31", "1990-02-31 bestaat niet"),
    ("geboortedatum", "31-02-1990", "31-02-1990 bestaat niet"),
    ("gemeente", "Tilbrug", "Onbekende gemeente ‘Tilbrug’. Bedoelt u: Tilburg"),
    ("kvk", "1234", "Een KvK-nummer hoort bij een bedrijf"),
    ("doel", "", "Het doel is verplicht"),
    ("naam", "x" * 201, "ten hoogste 200"),
])
def test_bad_form_input_gets_a_dutch_message_beside_the_field_keeps_the_input_and_saves_nothing(
        tmp_path: Path, field: str, value: str, message: str) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        response = post(client, "/zaken/nieuw", {**PERSON_FORM, field: value, "aanleiding": PERSON_FORM["aanleiding"] + " <b>"})
        assert response.status_code == 400
        assert f'id="fout-{field}"' in response.text and message in response.text
        assert "Aanvraag exploitatievergunning horeca &lt;b&gt;" in response.text  # kept, and escaped
        assert ws.store.cases() == [] or all(c.case_id != "W-2026-001" for c in ws.store.cases())


def _new_case(client: object, **changes: str) -> str:
    response = post(client, "/zaken/nieuw", {**PERSON_FORM, **changes})  # type: ignore[arg-type]
    assert response.status_code == 303, response.text[:2000]
    return response.headers["location"]


def _scan(client: object, ws: object, case_id: str) -> dict[str, object]:
    response = post(client, f"/zaken/{case_id}/scan", {"betrokkene": "1"}, page=f"/zaken/{case_id}")  # type: ignore[arg-type]
    assert response.status_code == 303
    progress_url = response.headers["location"]
    assert "/scan/" in progress_url
    job = wait_for_job(ws, case_id)  # type: ignore[arg-type]
    assert job["state"] == "klaar", job
    page = client.get(progress_url)  # type: ignore[attr-defined]
    assert "Klaar:" in page.text and "refresh" not in page.text
    # a finished page is not polled: the script would reload it for ever
    assert "data-progress-url" not in page.text
    return job


def test_the_whole_life_of_a_case_in_the_pages(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        assert _new_case(client) == "/zaken/W-2026-001"
        job = _scan(client, ws, "W-2026-001")
        assert {s["source"] for s in job["sources"]} >= {"kvk", "news", "rechtspraak"} and all(s["ended"] for s in job["sources"])
        page = client.get("/zaken/W-2026-001").text
        before = ws.dossier.current("W-2026-001")
        items = EVIDENCE.findall(page)
        assert items, "no hit to judge on the case page"
        # clear the first item as a namesake: the points are computed again, who/when recorded
        cleared = post(client, "/zaken/W-2026-001/oordeel", {"bewijsstuk": items[0], "oordeel": "naamgenoot", "reden": "andere geboortedatum", "gezien": ""},
                       page="/zaken/W-2026-001")
        assert cleared.status_code == 303
        flash = client.get("/zaken/W-2026-001")
        assert "Oordeel vastgelegd: naamgenoot" in flash.text and "naamgenoot door demo-behandelaar" in flash.text
        review, _ = ws.dossier.review("W-2026-001")
        assert review.disposition_for(items[0]).by == "demo-behandelaar"  # type: ignore[union-attr]
        assert ws.dossier.current("W-2026-001").version_no > before.version_no
        # conclude; the officer cannot sign off; the reviewer can
        post(client, "/zaken/W-2026-001/conclusie", {"mate": "geen", "afweging": "Geen feiten die op gevaar wijzen; evenredig."}, page="/zaken/W-2026-001")
        own = post(client, "/zaken/W-2026-001/aftekenen", {"opmerking": ""}, page="/zaken/W-2026-001")
        assert "Niet gelukt" in client.get(own.headers["location"]).text
        login(client, "demo-reviewer")
        post(client, "/zaken/W-2026-001/aftekenen", {"opmerking": "akkoord"}, page="/zaken/W-2026-001")
        assert ws.store.case("W-2026-001").status == "beoordeeld"
        # zienswijze with an attachment
        html = client.get("/zaken/W-2026-001").text
        response = client.post("/zaken/W-2026-001/zienswijze", data={"csrf": csrf_of(html), "gedeeld_op": "2026-11-20", "gedeeld": "De bevindingen",
                               "reactie_op": "2026-11-27", "reactie": "Geen bezwaar"}, files=[("bijlagen", ("brief.txt", b"Geachte", "text/plain"))],
                               follow_redirects=False)
        assert response.status_code == 303
        assert [a.name for a in ws.store.attachments("W-2026-001")] == ["brief.txt"]
        # finalise and seal
        post(client, "/zaken/W-2026-001/vaststellen", {}, page="/zaken/W-2026-001")
        assert ws.store.case("W-2026-001").status == "vastgesteld", client.get("/zaken/W-2026-001").text[:300]
        post(client, "/zaken/W-2026-001/verzegelen", {}, page="/zaken/W-2026-001")
        assert ws.store.case("W-2026-001").status == "gearchiveerd"
        # downloads
        pdf = client.get("/zaken/W-2026-001/download/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        with pikepdf.open(io.BytesIO(pdf.content)) as doc:
            assert "/EmbeddedFiles" in doc.Root.Names
        data = json.loads(client.get("/zaken/W-2026-001/download/json").content)
        check(data, "download")
        assert data["file"]["status"] == "vastgesteld" and data["file"]["finalised_by"] == "demo-reviewer"
        html_download = client.get("/zaken/W-2026-001/download/html")
        assert "default-src 'none'" in html_download.headers["content-security-policy"]
        lbb = zipfile.ZipFile(io.BytesIO(client.get("/zaken/W-2026-001/download/lbb").content))
        assert "bevindingen.html" in lbb.namelist() and any(n.endswith(".pdf") for n in lbb.namelist())
        actions = [(e.action, e.actor) for e in ws.store.audit_log("W-2026-001")]
        assert ("view", "demo-behandelaar") in actions and ("export", "demo-reviewer") in actions


def test_the_report_is_shown_in_a_frame_that_runs_no_script(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        _new_case(client)
        _scan(client, ws, "W-2026-001")
        page = client.get("/zaken/W-2026-001").text
        assert '<iframe class="report"' in page and " sandbox" in page
        report = client.get("/zaken/W-2026-001/rapport")
        assert report.status_code == 200 and "Bram Voorbeeld" in report.text
        assert report.headers["content-security-policy"].startswith("default-src 'none'")


def test_a_rescan_is_a_new_version_with_a_diff(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        _new_case(client)
        _scan(client, ws, "W-2026-001")
        _scan(client, ws, "W-2026-001")
        scans = ws.store.scans("W-2026-001")
        assert [s.scan_no for s in scans] == [1, 2]
        page = client.get("/zaken/W-2026-001/versies")
        assert page.status_code == 200 and "Punten per indicator" in page.text


def test_an_officer_outside_the_team_cannot_open_the_case_by_page_or_api(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        _new_case(client)
        login(client, "buiten")
        assert "W-2026-001" not in client.get("/zaken").text
        for url in ("/zaken/W-2026-001", "/zaken/W-2026-001/rapport", "/zaken/W-2026-001/download/json", "/zaken/W-2026-001/versies"):
            response = client.get(url)
            assert response.status_code == 404 and "geen toegang" in response.text, url
        token = ws.accounts.new_token("buiten", label="test")
        api = client.get("/api/v1/cases/W-2026-001", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 404
        assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).json() == []


def test_every_api_endpoint_with_case_data_answers_401_without_a_valid_token(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        schema = client.get("/openapi.json").json()
        paths = [p for p in schema["paths"] if p.startswith("/api/")]
        assert len(paths) >= 6
        for path in paths:
            url = path.replace("{case_id}", "DEMO-2026-001").replace("{job_id}", "x").replace("{version_no}", "1")
            for method in schema["paths"][path]:
                for headers in ({}, {"Authorization": "Bearer bbs_nope"}, {"Authorization": "Basic eDp5"}):
                    response = client.request(method.upper(), url, headers=headers, params={"from": 1, "to": 2})
                    assert response.status_code == 401, (method, url, headers, response.text)
        assert not [p for p in schema["paths"] if p.startswith("/zaken")]  # pages are not in the API description


def test_the_api_creates_a_case_scans_it_and_serves_report_versions_and_diff(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        token = ws.accounts.new_token("demo-behandelaar", label="zaaksysteem")
        auth = {"Authorization": f"Bearer {token}"}
        body = {"case_id": "API-1", "purpose": "Beslissing op de aanvraag", "reason": "Aanvraag", "reviewer": "demo-reviewer",
                "subject": {"kind": "person", "name": "Bram Voorbeeld", "born": "1987-03-14", "municipality": "Tilburg"}}
        created = client.post("/api/v1/cases", json=body, headers=auth)
        assert created.status_code == 201 and created.json()["team"] == "Bibob"
        assert client.post("/api/v1/cases", json=body, headers=auth).status_code == 409
        bad = client.post("/api/v1/cases", json={**body, "case_id": "API-2", "subject": {**body["subject"], "municipality": "Tilbrug"}}, headers=auth)
        assert bad.status_code == 422 and "gemeente" in bad.json()["detail"]["fields"]
        for _ in range(2):
            started = client.post("/api/v1/cases/API-1/scans", headers=auth)
            assert started.status_code == 202
            wait_for_job(ws, "API-1")
            status = client.get(started.json()["status_url"], headers=auth).json()
            assert status["state"] == "klaar" and status["result"]["version_no"] >= 1
        report = client.get("/api/v1/cases/API-1/report", headers=auth)
        check(report.json(), "api")
        versions = client.get("/api/v1/cases/API-1/versions", headers=auth).json()
        assert [v["scan_no"] for v in versions] == [1, 2]
        diff = client.get("/api/v1/cases/API-1/diff", params={"from": versions[0]["version_no"], "to": versions[1]["version_no"]}, headers=auth)
        assert diff.status_code == 200 and "indicators" in diff.json()
        assert ws.store.audit_log("API-1")[-1].actor == "demo-behandelaar"


def test_two_officers_judging_the_same_case_lose_nothing_and_the_second_is_told(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        _new_case(client)
        _scan(client, ws, "W-2026-001")
        page_a = client.get("/zaken/W-2026-001").text
        items = EVIDENCE.findall(page_a)
        seen = re.search(r'name="gezien" value="([^"]+)"', page_a).group(1)  # type: ignore[union-attr]
        # another officer of the team judges the same item after A opened the page
        ws.accounts.add("tweede", role="behandelaar", password="tweede-wachtwoord", teams=["Bibob"])
        ws.dossier.dispose("W-2026-001", items[0], __import__("bibobscan.model", fromlist=["DispositionAction"]).DispositionAction.CONFIRMED,
                           "dezelfde persoon", actor="tweede")
        response = client.post("/zaken/W-2026-001/oordeel", data={"csrf": csrf_of(page_a), "bewijsstuk": items[0], "oordeel": "naamgenoot",
                                                                 "reden": "andere persoon", "gezien": seen}, follow_redirects=False)
        told = client.get(response.headers["location"]).text
        assert "tweede had dit bewijsstuk intussen al beoordeeld" in told
        review, _ = ws.dossier.review("W-2026-001")
        assert [d.by for d in review.dispositions if d.evidence_id == items[0]] == ["tweede", "demo-behandelaar"]


def test_a_refusal_of_the_file_is_told_in_dutch(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        _new_case(client, identiteit="", identiteit_datum="")
        _scan(client, ws, "W-2026-001")
        page = client.get("/zaken/W-2026-001").text
        assert "betrokkene: hoe de identiteit is vastgesteld" in page and "de conclusie van de behandelaar" in page
        refused = post(client, "/zaken/W-2026-001/vaststellen", {}, page="/zaken/W-2026-001")
        told = client.get(refused.headers["location"]).text
        assert "Niet gelukt: Het dossier kan nog niet worden vastgesteld; er ontbreekt:" in told
        assert ws.store.case("W-2026-001").status == "gescand"
        post(client, "/zaken/W-2026-001/conclusie", {"mate": "geen", "afweging": "Evenredig."}, page="/zaken/W-2026-001")
        own = post(client, "/zaken/W-2026-001/aftekenen", {}, page="/zaken/W-2026-001")
        assert "aftekenen doet een tweede persoon (vier ogen)" in client.get(own.headers["location"]).text


class _NewsDown:
    """The demo world, except that OpenSanctions answers 503 every time."""

    def __new__(cls) -> object:
        import httpx

        from bibobscan.demo import ReplayTransport

        replay = ReplayTransport()

        class Transport(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.host == "api.opensanctions.org":
                    return httpx.Response(503, request=request, text="onderhoud")
                return await replay.handle_async_request(request)

        return Transport()


def test_a_source_that_fails_shows_as_failed_in_the_progress_and_the_report(tmp_path: Path) -> None:
    with workspace(tmp_path, transport=_NewsDown) as (client, ws):
        login(client, "demo-behandelaar")
        _new_case(client)
        response = post(client, "/zaken/W-2026-001/scan", {"betrokkene": "1"}, page="/zaken/W-2026-001")
        job = wait_for_job(ws, "W-2026-001")
        assert job["state"] == "klaar"
        news = next(s for s in job["sources"] if s["source"] == "opensanctions")
        assert news["status"] in ("failed", "rate_limited") and news["ended"], news
        progress = client.get(response.headers["location"]).text
        assert "onvolledig onderzoek" in progress
        assert re.search(r'st-(failed|rate_limited)">(mislukt|geweigerd door bron)', progress)
        report = client.get("/zaken/W-2026-001/rapport").text
        assert "mislukt" in report or "geweigerd door bron" in report
        api = client.get(f"/zaken/W-2026-001/scan/{job['id']}/voortgang.json").json()
        assert any(s["source"] == "opensanctions" and s["status_label"] != "bezig" for s in api["sources"])


def test_a_scan_finishes_and_is_recorded_when_nobody_watches_its_progress(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, ws):
        login(client, "demo-behandelaar")
        _new_case(client)
        post(client, "/zaken/W-2026-001/scan", {"betrokkene": "1"}, page="/zaken/W-2026-001")
        client.close()  # the browser goes away at once
        wait_for_job(ws, "W-2026-001")
        assert [s.scan_no for s in ws.store.scans("W-2026-001")] == [1]
        assert ws.store.case("W-2026-001").status == "gescand"
