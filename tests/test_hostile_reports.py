"""Hostile content end to end (issue 12, item 4): the demo world with attacks in every
title, snippet, name, address and link (tests/_hostile.py), through the real collectors,
into every report type. The HTML is opened in headless Chromium: no script runs and no
request leaves the file. CSV and XLSX cells come out inert, the PDF has no script or
non-web link, and no output carries a NUL byte or a hidden direction override.

The web pages with hostile text are covered in tests/test_browser.py."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from typing import Any

import pytest
from _hostile import HostileReplay
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.collectors import load_collectors
from bibobscan.demo import COMPANY, PERSON, demo_case, wired
from bibobscan.report import write_report
from bibobscan.report.pdf import render_pdf
from bibobscan.scan import ScanOptions, scan

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
FORMULA = ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("hostile")
    files: dict[str, Any] = {"html": [], "json": [], "pdf": [], "injected": 0}
    for subject, case_id in ((PERSON, "H-2026-001"), (COMPANY, "H-2026-002")):
        transport = HostileReplay()
        options = wired(ScanOptions(), demo=True, config=None, transport=lambda t=transport: t)  # type: ignore[misc]
        report = asyncio.run(scan(subject, demo_case(case_id), load_collectors(), options))
        files["injected"] += transport.injected
        html, js = write_report(report, out)
        pdf = out / f"{case_id}.pdf"
        pdf.write_bytes(render_pdf(report, js.read_text(encoding="utf-8")))
        files["html"].append(html)
        files["json"].append(js)
        files["pdf"].append(pdf)
    sector_out = out / "sector"
    mp = pytest.MonkeyPatch()
    sector_transport = HostileReplay()
    mp.setattr("bibobscan.cli.sector.demo_transport", lambda: sector_transport)
    try:
        result = CliRunner().invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--out", str(sector_out)])
    finally:
        mp.undo()
    assert result.exit_code in (0, 3), result.output
    files["injected"] += sector_transport.injected
    for ext in ("html", "json", "pdf"):
        files[ext].extend(sector_out.glob(f"*.{ext}"))
    [files["csv"]] = sector_out.glob("*.csv")
    [files["xlsx"]] = sector_out.glob("*.xlsx")
    return files


def test_the_attacks_reached_the_reports(outputs: dict[str, Any]) -> None:
    """Without this the other tests could pass on a world without attacks."""
    assert outputs["injected"] > 100
    for path in outputs["json"]:
        text = json.loads(path.read_text(encoding="utf-8"))
        dumped = json.dumps(text, ensure_ascii=False)
        assert "<script>alert" in dumped or "onerror=alert" in dumped or "HYPERLINK" in dumped, path.name
    shown = "".join(p.read_text(encoding="utf-8") for p in outputs["html"])
    assert "&lt;script&gt;alert" in shown and "[U+202E]" in shown  # shown as text, the override as a visible marker


def test_no_html_output_carries_markup_from_outside(outputs: dict[str, Any]) -> None:
    for path in outputs["html"]:
        text = path.read_text(encoding="utf-8")
        assert "\x00" not in text and not BIDI.search(text), path.name
        lowered = text.lower()
        assert "<script" not in lowered and "<iframe" not in lowered and "<link" not in lowered, path.name
        assert not re.search(r"<[a-z]+[^>]*\son\w+\s*=", lowered), path.name  # no event handler attribute
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):""", lowered), path.name


@pytest.mark.browser
def test_the_html_reports_run_no_script_and_ask_nothing_in_chromium(outputs: dict[str, Any]) -> None:
    from test_browser import _browser_or_skip

    chromium = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            for path in outputs["html"]:
                page = browser.new_page()
                problems: list[str] = []
                own = path.resolve().as_uri()
                page.on("dialog", lambda d, problems=problems: (problems.append(f"dialog: {d.message}"), d.dismiss()))
                page.on("pageerror", lambda e, problems=problems: problems.append(f"page error: {e}"))
                page.on("request", lambda r, problems=problems, own=own: problems.append(f"request: {r.url}")
                        if r.url != own and not r.url.startswith(("data:", "about:")) else None)
                page.goto(own)
                page.wait_for_load_state("load")
                counts = page.evaluate("""() => ({
                    scripts: document.scripts.length,
                    handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
                    frames: document.querySelectorAll('iframe, object, embed').length,
                    badLinks: [...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|#|mailto:)/i.test(a.getAttribute('href'))).length,
                })""")
                assert counts == {"scripts": 0, "handlers": 0, "frames": 0, "badLinks": 0}, (path.name, counts)
                assert problems == [], (path.name, problems)
                page.close()
        finally:
            browser.close()


def test_csv_and_xlsx_cells_are_inert(outputs: dict[str, Any]) -> None:
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    text = outputs["csv"].read_text(encoding="utf-8-sig")
    assert "\x00" not in text and not BIDI.search(text)
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ",") for cell in row]
    assert any("HYPERLINK" in c for c in cells)  # the attack is there, as text
    assert [c for c in cells if c.lstrip(" ").startswith(FORMULA) and not re.fullmatch(r"-?\d+(\.\d+)?", c)] == []
    book = openpyxl.load_workbook(outputs["xlsx"])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.lstrip(" ").startswith(FORMULA) and "\x00" not in cell.value, (cell.coordinate, cell.value)


def test_the_pdfs_have_no_script_and_only_web_links(outputs: dict[str, Any]) -> None:
    import pikepdf

    for path in outputs["pdf"]:
        with pikepdf.open(path) as pdf:
            assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
            for page in pdf.pages:
                for annot in page.get("/Annots", []):
                    action = annot.get("/A")
                    if action is None:
                        continue
                    assert action.get("/S") in ("/URI", "/GoTo"), (path.name, action.get("/S"))
                    if action.get("/S") == "/URI":
                        assert str(action.get("/URI")).startswith(("http://", "https://")), (path.name, str(action.get("/URI")))
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary):
                    assert "/JS" not in obj and obj.get("/S") != "/JavaScript", path.name
