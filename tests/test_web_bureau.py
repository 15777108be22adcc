"""The bureau's page through the test client: the indicator catalogue with the profile's
weights (readable by everyone signed in), the validation result, the inline tests run by
the bureau and the beheerder only (403 for other roles), CSRF, and a broken indicator
file shown as such, with its failing test."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from _web import login, post, workspace

from bibobscan.resources import default_profile, indicators_dir
from bibobscan.rules import load_indicators, load_profile, run_all
from bibobscan.rules.catalogue import catalogue

ROW = re.compile(r'<tr><td class="mono">([a-z0-9_.]+)</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td>\s*<td data-sort="[^"]*">([^<]*)</td>\s*<td>([^<]*)</td>')
RESULT = re.compile(r'<tr><td><span class="badge (st-ok|st-failed)">(geslaagd|mislukt)</span></td><td class="mono">([^<]+)</td><td>([^<]*)</td>')


def test_everyone_signed_in_reads_the_catalogue_with_the_profile_weights(tmp_path: Path) -> None:
    shipped = load_indicators(indicators_dir())
    entries = {e.indicator.id: e for e in catalogue(shipped, load_profile(default_profile()))}
    with workspace(tmp_path) as (client, _ws):
        assert client.get("/bureau", follow_redirects=False).status_code == 303  # signed out: to the login
        login(client, "demo-behandelaar")
        page = client.get("/bureau")
        assert page.status_code == 200
        rows = {ind: (weight, points) for ind, weight, points in ROW.findall(page.text)}
        assert set(rows) == set(entries) and len(rows) == len(shipped)
        for ind, (weight, points) in rows.items():
            entry = entries[ind]
            assert weight == f"{entry.weight:g}"
            assert points.replace("&#39;", "'") == "; ".join(f"{b}: {p:g}" for b, p in entry.effective_points)
        assert "scoringsprofiel <strong>standaard</strong>" in page.text
        assert f"Geldig: {len(shipped)} indicatoren en het profiel zonder fouten." in page.text
        # an officer reads, but is not offered the tests
        assert "Tests uitvoeren" not in page.text
        # the full catalogue (bibobscan indicators docs) in a sandboxed frame under a no-script policy
        assert 'src="/bureau/catalogus" sandbox>' in page.text
        frame = client.get("/bureau/catalogus")
        assert frame.status_code == 200 and "Indicatorencatalogus bibobscan" in frame.text
        assert all(f'id="{ind}"' in frame.text for ind in entries)
        assert frame.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")


@pytest.mark.parametrize("name", ["bureau", "beheer"])
def test_the_bureau_and_the_beheerder_run_the_inline_tests(tmp_path: Path, name: str) -> None:
    expected = run_all(load_indicators(indicators_dir()))
    with workspace(tmp_path) as (client, _ws):
        login(client, name)
        page = client.get("/bureau")
        assert "Tests uitvoeren" in page.text and 'action="/bureau/tests"' in page.text
        response = post(client, "/bureau/tests", {}, page="/bureau")
        assert response.status_code == 200
        results = RESULT.findall(response.text)
        assert len(results) == len(expected) > 100
        assert all(badge == "st-ok" and word == "geslaagd" for badge, word, _ind, _test in results)
        assert [(ind, test) for _b, _w, ind, test in results] == [(r.indicator.id, r.test.name.replace("'", "&#39;")) for r in expected]
        assert f"{len(expected)} geslaagd, 0 mislukt." in response.text


@pytest.mark.parametrize("name", ["demo-behandelaar", "demo-reviewer"])
def test_other_roles_may_not_run_the_tests(tmp_path: Path, name: str) -> None:
    with workspace(tmp_path) as (client, _ws):
        login(client, name)
        response = post(client, "/bureau/tests", {}, page="/bureau")
        assert response.status_code == 403
        assert "Alleen het bureau en de beheerder voeren de indicatortests uit" in response.text
        assert not RESULT.findall(response.text)


def test_running_the_tests_without_the_csrf_token_is_refused(tmp_path: Path) -> None:
    with workspace(tmp_path) as (client, _ws):
        login(client, "bureau")
        client.get("/bureau")
        for data in ({}, {"csrf": "vals"}):
            response = client.post("/bureau/tests", data=data, follow_redirects=False)
            assert response.status_code == 403 and "CSRF" in response.text
            assert not RESULT.findall(response.text)


def test_a_failing_inline_test_and_a_broken_file_are_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the shipped set with one test's expectation changed and one file broken:
    the page names the broken file and shows the failing test with expected and actual."""
    folder = tmp_path / "indicators"
    shutil.copytree(indicators_dir(), folder)
    media = folder / "media.yaml"
    text = media.read_text(encoding="utf-8")
    first = re.search(r"points: (\d+)", text[text.index("tests:"):])
    assert first is not None
    at = text.index("tests:") + first.start()
    media.write_text(text[:at] + "points: 999" + text[at + len(first.group(0)):], encoding="utf-8")
    (folder / "kapot.yaml").write_text("- id: kapot.een\n  title: [niet af\n", encoding="utf-8")
    # the page reads the shipped folder from bibobscan.resources; point it at the copy
    monkeypatch.setattr("bibobscan.web.pages.bureau.indicators_dir", lambda: folder)
    monkeypatch.setattr("bibobscan.web.pages.bureau.default_profile", lambda: folder / "profiles" / "standaard.yaml")
    with workspace(tmp_path) as (client, _ws):
        login(client, "bureau")
        page = client.get("/bureau")
        assert "fout(en) in de indicatorbestanden of het profiel" in page.text and "kapot.yaml" in page.text
        response = post(client, "/bureau/tests", {}, page="/bureau")
        assert response.status_code == 200
        results = RESULT.findall(response.text)
        failed = [r for r in results if r[0] == "st-failed"]
        assert len(failed) == 1 and failed[0][1] == "mislukt" and failed[0][2].startswith("media.")
        assert "points=999" in response.text and f"{len(results) - 1} geslaagd, 1 mislukt." in response.text
