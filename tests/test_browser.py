"""End-to-end in a real browser: Playwright driving Debian's Chromium against a live
workspace server on loopback (the demo world, offline). The demo case goes through its
whole life; an officer of another team cannot open it by page or API; hostile text from
a source never runs.

In CI (.ci/run sets BIBOBSCAN_REQUIRE_BROWSER) a missing browser fails these tests; on a
developer machine without one they skip, saying how to install it."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("BIBOBSCAN_CHROMIUM") or next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and os.path.exists(p)), "")
HOSTILE_TITLE = '<script>alert("titel")</script><img src=x onerror=alert("img")>'
HOSTILE_URL = "javascript:alert('link')"

pytestmark = pytest.mark.browser


def _browser_or_skip() -> str:
    if CHROMIUM:
        return CHROMIUM
    message = "no Chromium for the browser tests: install it with `apt-get install chromium` (Playwright drives /usr/bin/chromium)"
    if os.environ.get("BIBOBSCAN_REQUIRE_BROWSER"):
        pytest.fail(message + " — BIBOBSCAN_REQUIRE_BROWSER is set, so this is a failure here")
    pytest.skip(message)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from bibobscan.store import locate
    from bibobscan.web import WebConfig, Workspace, create_app
    from bibobscan.web.demo import prepare_demo

    config = WebConfig(location=locate(data=tmp_path / "data", environ={}, demo=True), demo=True, archive=tmp_path / "archief", workers=2)
    ws = Workspace.open(config)
    prepare_demo(ws.store)
    app = create_app(config, workspace=ws)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "the workspace server did not start"
    try:
        yield f"http://127.0.0.1:{port}", ws
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        ws.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    path = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


class Watch:
    """Every dialog, console error, page error and request to another host of a page."""

    def __init__(self, page: Any, origin: str) -> None:
        self.problems: list[str] = []
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("request", lambda r: self.problems.append(f"request elsewhere: {r.url}") if not r.url.startswith((origin, "data:", "about:")) else None)


def _login(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/inloggen")
    page.fill("#naam", name)
    page.fill("#wachtwoord", "demo-wachtwoord")
    page.click("button:has-text('Inloggen')")
    page.wait_for_url(f"{base}/**")
    assert "/inloggen" not in page.url, page.content()[:500]


def _logout(page: Any) -> None:
    page.click("button:has-text('Uitloggen')")
    page.wait_for_url("**/inloggen")


FORM = {"#f-zaaknummer": "E2E-2026-001", "#f-aanleiding": "Aanvraag exploitatievergunning horeca", "#f-doel": "Beslissing op de aanvraag",
        "#f-bestuursorgaan": "burgemeester van Tilburg", "#f-soort_besluit": "exploitatievergunning horeca",
        "#f-beleidsregel": "Beleidsregel Bibob Tilburg art. 4", "#f-reviewer": "demo-reviewer", "#f-verdeellijst": "Demo-behandelaar; Demo-reviewer",
        "#f-naam": "Bram Voorbeeld", "#f-geboortedatum": "1987-03-14", "#f-gemeente": "Tilburg", "#f-plaatsen": "Tilburg",
        "#f-identiteit": "Identiteitsbewijs aan de balie", "#f-identiteit_datum": "2026-11-02", "#f-rol": "aanvrager"}


def _create_and_scan(page: Any, base: str) -> None:
    page.goto(f"{base}/zaken/nieuw")
    for selector, value in FORM.items():
        page.fill(selector, value)
    page.select_option("#f-soort", "persoon")
    page.click("button:has-text('Aanmaken en scannen')")
    page.wait_for_url("**/scan/**")
    # the vendored script polls the progress and reloads when the scan is done
    page.wait_for_selector("text=Klaar:", timeout=60_000)
    page.click("a:has-text('Naar de zaak')")
    page.wait_for_url("**/zaken/E2E-2026-001")


def test_the_demo_case_through_its_whole_life_in_the_browser(browser: Any, server: tuple[str, Any], tmp_path: Path) -> None:
    base, ws = server
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    watch = Watch(page, base)
    _login(page, base, "demo-behandelaar")
    _create_and_scan(page, base)
    points_before = ws.dossier.current("E2E-2026-001").report_json
    # clear the first hit as a namesake, with a reason
    card = page.locator(".hitcard").first
    card.locator("input[name=reden]").fill("Andere geboortedatum in de bron")
    card.locator("button:has-text('Naamgenoot')").click()
    page.wait_for_selector("text=Oordeel vastgelegd: naamgenoot")
    assert ws.dossier.current("E2E-2026-001").report_json != points_before
    assert page.locator(".hitcard.cleared").filter(has_text="naamgenoot door demo-behandelaar").count() == 1
    # conclude
    page.select_option("#mate", "geen")
    page.fill("#afweging", "Geen feiten die op gevaar wijzen; de weigering zou onevenredig zijn.")
    page.click("button:has-text('Conclusie vastleggen')")
    page.wait_for_selector("text=Conclusie vastgelegd")
    _logout(page)
    # the reviewer signs off (four eyes)
    _login(page, base, "demo-reviewer")
    page.goto(f"{base}/zaken/E2E-2026-001")
    page.fill("#opmerking", "Akkoord")
    page.click("button:has-text('Aftekenen (vier ogen)')")
    page.wait_for_selector("text=Afgetekend (vier ogen)")
    page.click("button:has-text('Dossier vaststellen')")
    page.wait_for_selector("text=Het dossier is vastgesteld")
    assert ws.store.case("E2E-2026-001").status == "vastgesteld"
    with page.expect_download() as info:
        page.click("a:has-text('PDF/A')")
    import pikepdf

    with pikepdf.open(info.value.path()) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "B"
        assert "E2E-2026-001" in str(pdf.docinfo.get("/Title", "")) or len(pdf.pages) > 1
    assert watch.problems == []


def test_an_officer_of_another_team_cannot_open_the_case(browser: Any, server: tuple[str, Any]) -> None:
    base, ws = server
    page = browser.new_page()
    _login(page, base, "demo-behandelaar")
    _create_and_scan(page, base)
    _logout(page)
    _login(page, base, "buiten")
    page.goto(f"{base}/zaken")
    assert "E2E-2026-001" not in page.content()
    response = page.goto(f"{base}/zaken/E2E-2026-001")
    assert response.status == 404 and "geen toegang" in page.content()
    token = ws.accounts.new_token("buiten", label="e2e")
    api = page.request.get(f"{base}/api/v1/cases/E2E-2026-001", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 404
    assert page.request.get(f"{base}/api/v1/cases/E2E-2026-001").status == 401


def test_hostile_text_from_a_source_never_runs(browser: Any, server: tuple[str, Any]) -> None:
    base, ws = server
    page = browser.new_page()
    watch = Watch(page, base)
    _login(page, base, "demo-behandelaar")
    _create_and_scan(page, base)
    # a later scan in which a source returned hostile text (title, excerpt, a javascript: link)
    from bibobscan.dossier import report_of

    report = report_of(ws.dossier.current("E2E-2026-001"))
    ev = report.evidence[0]
    report.evidence[0] = dataclasses.replace(ev, title=HOSTILE_TITLE, excerpt=HOSTILE_TITLE + " \u202egnirts", url=HOSTILE_URL)
    report.evidence[0].content_sha256 = report.evidence[0].compute_content_sha256()
    ws.dossier.record_scan("E2E-2026-001", 1, report, [], actor="test")
    page.goto(f"{base}/zaken/E2E-2026-001")
    page.wait_for_load_state("networkidle")
    assert HOSTILE_TITLE in page.inner_text("body") or "alert(" in page.inner_text("body")  # shown as text
    frame = page.frame_locator("iframe.report")
    frame.locator("body").wait_for()
    links = page.locator("a[href^='javascript']")
    assert links.count() == 0
    # follow every link the hostile item has, in the page and in the report frame
    for link in page.locator(".hitcard a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:")), href
    page.goto(f"{base}/zaken/E2E-2026-001/rapport")
    page.wait_for_load_state("networkidle")
    assert page.locator("script").count() == 0
    assert page.locator("img[src=x]").count() == 0
    time.sleep(0.3)
    assert watch.problems == [], watch.problems
