"""The workspace in tests: an app on its own case store (SQLite in a tmp folder, or a
location given), the demo accounts, and logging in through the real login form."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from bibobscan.store import StoreLocation, locate
from bibobscan.web import WebConfig, Workspace, create_app
from bibobscan.web.demo import DEMO_PASSWORD, prepare_demo

CSRF = re.compile(r'name="csrf" value="([^"]+)"')

PERSON_FORM = {
    "zaaknummer": "W-2026-001", "aanleiding": "Aanvraag exploitatievergunning horeca", "doel": "Beslissing op de aanvraag",
    "bestuursorgaan": "burgemeester van Tilburg", "soort_besluit": "exploitatievergunning horeca", "grondslag": "Wet Bibob art. 3",
    "beleidsregel": "Beleidsregel Bibob Tilburg art. 4", "zaaktype": "Bibob-onderzoek", "behandelaar": "demo-behandelaar",
    "reviewer": "demo-reviewer", "verdeellijst": "Demo-behandelaar; Demo-reviewer", "bewaartermijn": "5", "team": "Bibob",
    "soort": "persoon", "naam": "Bram Voorbeeld", "geboortedatum": "1987-03-14", "kvk": "", "gemeente": "Tilburg",
    "aliassen": "", "plaatsen": "Tilburg", "rol": "aanvrager", "identiteit": "Identiteitsbewijs aan de balie", "identiteit_datum": "2026-11-02",
}


@contextmanager
def workspace(tmp_path: Path, *, location: StoreLocation | None = None, demo: bool = True, workers: int = 2,
              transport: Any = None) -> Iterator[tuple[TestClient, Workspace]]:
    config = WebConfig(location=location or locate(data=tmp_path / "data", environ={}, demo=demo), demo=demo, workers=workers,
                       archive=tmp_path / "archief", demo_transport=transport)
    ws = Workspace.open(config)
    prepare_demo(ws.store)
    app = create_app(config, workspace=ws)
    try:
        with TestClient(app, base_url="http://testserver") as client:
            yield client, ws
    finally:
        ws.close()


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(client: TestClient, name: str, password: str = DEMO_PASSWORD) -> Any:
    client.cookies.clear()
    form = client.get("/inloggen")
    token = csrf_of(form.text)
    return client.post("/inloggen", data={"naam": name, "wachtwoord": password, "csrf": token, "terug": "/"}, follow_redirects=False)


def post(client: TestClient, url: str, data: dict[str, Any], *, page: str | None = None, files: Any = None) -> Any:
    """POST a form with the CSRF token of ``page`` (default: the URL itself, GET first)."""
    html = client.get(page or url).text
    return client.post(url, data={**data, "csrf": csrf_of(html)}, files=files, follow_redirects=False)


def wait_for_job(ws: Workspace, case_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        jobs = sorted(ws.jobs.for_case(case_id), key=lambda j: j.created)
        if jobs and all(j.state in ("klaar", "mislukt") for j in jobs):
            return jobs[-1].snapshot()
        time.sleep(0.05)
    raise AssertionError(f"the scan of {case_id} did not finish within {timeout} s")
