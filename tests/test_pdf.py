"""PDF/A-3b and paper: the PDF/A identification, output intent, embedded fonts and the
attached report JSON (read back with pikepdf); A4 pages; the running header and footer
on every page; URLs after link texts; no fetches while rendering; officer text escaped
in the print CSS; ``bibobscan pdf`` and its faults. The sector report's pages are
rendered with poppler (pdftotext -bbox, pdftoppm) to show that every column of the
ranked table prints inside the page."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import tinycss2
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.report import read_report, render_html, render_json
from bibobscan.report.pdf import (
    _offline_fetcher,
    html_to_pdfa,
    render_pdf,
    render_sector_pdf,
)
from bibobscan.report.sector import COLUMN_WIDTHS, COLUMNS, read_sector_report

runner = CliRunner()
PERSON = "demo-2026-001-bram-voorbeeld"
SECTOR = "demo-2026-003-branchescan-kappers-tilburg"
MM = 72 / 25.4
PORTRAIT, LANDSCAPE = (595.28, 841.89), (841.89, 595.28)
# the page margins of templates/partials/print.css.j2 and templates/sector.html.j2 (mm):
# top, right, bottom, left
MARGINS = {"portrait": (19, 15, 17, 15), "landscape": (17, 10, 15, 10)}

# Skipped on a machine without poppler-utils; never in CI (.ci/services installs it).
needs_poppler = pytest.mark.skipif(
    (shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None) and not os.environ.get("CI"),
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code in (0, 3), result.output
    return out


@pytest.fixture(scope="module")
def person_pdf(demo_dir: Path) -> Path:
    target = demo_dir / f"{PERSON}.pdf"
    result = runner.invoke(app, ["pdf", str(demo_dir / f"{PERSON}.json"), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(str(target))
    return target


@pytest.fixture(scope="module")
def sector_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sector")
    result = runner.invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def sector_pdf(sector_dir: Path) -> Path:
    return sector_dir / f"{SECTOR}.pdf"


def both(person_pdf: Path, sector_pdf: Path) -> list[tuple[Path, Path]]:
    """(pdf, json) of the person report and of the sector report."""
    return [(person_pdf, person_pdf.with_suffix(".json")), (sector_pdf, sector_pdf.with_suffix(".json"))]


# --- PDF/A structure (pikepdf) -----------------------------------------------------------------


def test_pdfa_3b_identification_and_output_intent(person_pdf: Path, sector_pdf: Path) -> None:
    for pdf_path, _ in both(person_pdf, sector_pdf):
        with pikepdf.open(pdf_path) as pdf:
            meta = pdf.open_metadata()
            assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "B", pdf_path
            assert pdf.pdf_version >= "1.7"
            intents = list(pdf.Root.OutputIntents)
            assert len(intents) == 1 and intents[0].S == pikepdf.Name("/GTS_PDFA1")
            profile = intents[0].DestOutputProfile
            icc = profile.read_bytes()
            assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB " and int(profile.N) == 3  # an RGB ICC profile
            assert str(pdf.Root.Lang) == "nl"


def test_every_font_is_embedded(person_pdf: Path, sector_pdf: Path) -> None:
    for pdf_path, _ in both(person_pdf, sector_pdf):
        with pikepdf.open(pdf_path) as pdf:
            seen = 0
            for page in pdf.pages:
                for name, font in page.Resources.get("/Font", {}).items():
                    fonts = list(font.DescendantFonts) if font.Subtype == pikepdf.Name("/Type0") else [font]
                    for f in fonts:
                        assert f.Subtype != pikepdf.Name("/Type3"), f"{pdf_path.name}: Type3 font {name}"
                        descriptor = f.FontDescriptor
                        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{pdf_path.name}: {f.BaseFont} not embedded"
                        seen += 1
            assert seen >= 3


def test_the_attached_json_is_the_report_file(person_pdf: Path, sector_pdf: Path) -> None:
    for pdf_path, json_path in both(person_pdf, sector_pdf):
        with pikepdf.open(pdf_path) as pdf:
            assert list(pdf.attachments) == [json_path.name]
            spec = pdf.attachments[json_path.name]
            assert spec.get_file().read_bytes() == json_path.read_bytes()
            assert spec.get_file().mime_type == "application/json"
            assert spec.obj.AFRelationship == pikepdf.Name("/Source")
            af = list(pdf.Root.AF)  # an associated file of the document (PDF/A-3)
            assert [x.objgen for x in af] == [spec.obj.objgen]


def test_pages_are_a4(person_pdf: Path, sector_pdf: Path) -> None:
    with pikepdf.open(person_pdf) as pdf:
        sizes = {_size(p) for p in pdf.pages}
    assert sizes == {PORTRAIT}
    with pikepdf.open(sector_pdf) as pdf:
        sizes = [_size(p) for p in pdf.pages]
    assert set(sizes) == {PORTRAIT, LANDSCAPE} and sizes[0] == PORTRAIT


def _size(page: pikepdf.Page) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
    return round(x1 - x0, 2), round(y1 - y0, 2)


def test_metadata_title_language_and_dates(person_pdf: Path) -> None:
    report = read_report(person_pdf.with_suffix(".json"))
    stamp = report.generated_at.strftime("%Y%m%d%H%M%S")
    with pikepdf.open(person_pdf) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("dc:title") == f"Bibob-scan {report.subject.name} – {report.case.case_id}"
        assert meta.get("xmp:CreateDate") == report.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert str(pdf.docinfo.CreationDate).startswith(f"D:{stamp}")
        params = pdf.attachments[f"{PERSON}.json"].obj.EF.F.Params
        assert str(params.ModDate) == f"D:{stamp}Z"


def test_the_same_report_gives_the_same_bytes(demo_dir: Path) -> None:
    report = read_report(demo_dir / f"{PERSON}.json")
    first, second = render_pdf(report), render_pdf(report)
    assert first == second
    with pikepdf.open(io.BytesIO(first)) as pdf:  # the default attachment is render_json
        assert pdf.attachments[f"{PERSON}.json"].get_file().read_bytes() == render_json(report).encode("utf-8")


def test_rendering_fetches_nothing_but_data_urls() -> None:
    fetcher = _offline_fetcher()
    pixel = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="
    html = (
        '<!DOCTYPE html><html lang="nl"><head><title>t</title>'
        '<link rel="stylesheet" href="http://example.invalid/x.css">'
        "<style>@import url(https://example.invalid/y.css); body{background:url(file:///etc/hostname)}</style></head>"
        f'<body><p>tekst</p><img src="https://example.invalid/z.png"><img src="{pixel}"></body></html>'
    )
    pdf = html_to_pdfa(html, b"{}", attachment_name="x.json", created=read_created(), fetcher=fetcher)
    assert sorted(fetcher.refused) == ["file:///etc/hostname", "http://example.invalid/x.css", "https://example.invalid/y.css", "https://example.invalid/z.png"]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1  # rendered regardless, and the data: image was drawn
        assert any(isinstance(x, pikepdf.Stream) and x.get("/Subtype") == pikepdf.Name("/Image") for x in doc.objects)


def read_created() -> Any:
    from datetime import datetime

    return datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


# --- text on every page (pdftotext) -----------------------------------------------------------


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@needs_poppler
def test_running_header_and_footer_on_every_page(person_pdf: Path, sector_pdf: Path) -> None:
    for pdf_path, json_path in both(person_pdf, sector_pdf):
        case = json.loads(json_path.read_text(encoding="utf-8"))["case"]
        pages = page_texts(pdf_path)
        assert len(pages) >= 5
        for i, text in enumerate(pages, start=1):
            flat = " ".join(text.split())
            assert case["confidentiality"] in flat, (pdf_path.name, i)
            assert f"Zaak {case['case_id']}" in flat, (pdf_path.name, i)
            assert f"pagina {i} van {len(pages)}" in flat, (pdf_path.name, i)
            assert f"Bewaren tot {case['retention_until']}" in flat and "FICTIEVE DEMODATA" in flat, (pdf_path.name, i)


@needs_poppler
def test_urls_are_printed_after_link_texts(person_pdf: Path) -> None:
    html = render_html(read_report(person_pdf.with_suffix(".json")))
    urls = sorted(set(re.findall(r'<a href="(https?://[^"]+)"', html)))
    assert len(urls) >= 3
    # pdftotext joins a word broken at a hyphen at the end of a line and drops the hyphen
    text = re.sub(r"[\s-]+", "", "".join(page_texts(person_pdf)))
    for url in urls:
        printed = re.sub(r"-", "", url.replace("&amp;", "&"))
        assert f"<{printed}>" in text, url


# --- officer input in CSS strings -----------------------------------------------------------------


HOSTILE_CASE = 'Z"1\\2\';}body{display:none}</style><script>alert(1)</script>\n@page{}'
HOSTILE_MARK = "Geheim \\\" ' <b>& art. 28"


def _page_rule_strings(html: str) -> dict[str, str]:
    """The content strings of the @page margin boxes, as a CSS parser reads them."""
    css = next(m for m in re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL) if "@page" in m)
    boxes: dict[str, str] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "page" and not [t for t in rule.prelude if t.type != "whitespace"]:
            for box in tinycss2.parse_blocks_contents(rule.content):
                if box.type == "at-rule":
                    for decl in tinycss2.parse_blocks_contents(box.content):
                        if decl.type == "declaration" and decl.lower_name == "content":
                            boxes[box.lower_at_keyword] = "".join(t.value for t in decl.value if t.type == "string")
    return boxes


def test_case_values_are_escaped_in_the_print_css(demo_dir: Path) -> None:
    report = read_report(demo_dir / f"{PERSON}.json")
    report.case.case_id, report.case.confidentiality = HOSTILE_CASE, HOSTILE_MARK
    html = render_html(report)
    assert "<script>alert" not in html
    head = html[: html.index("</head>")]
    assert head.count("<style>") == head.count("</style>")  # the case number did not close a style element
    boxes = _page_rule_strings(html)
    assert boxes["top-left"] == HOSTILE_MARK
    assert boxes["top-right"] == f"Zaak {HOSTILE_CASE}"
    assert boxes["bottom-left"].startswith("Bewaren tot ")


@needs_poppler
def test_hostile_case_values_print_as_text(demo_dir: Path, tmp_path: Path) -> None:
    report = read_report(demo_dir / f"{PERSON}.json")
    report.case.case_id, report.case.confidentiality = HOSTILE_CASE, HOSTILE_MARK
    target = tmp_path / "x.pdf"
    target.write_bytes(render_pdf(report))
    pages = page_texts(target)
    for text in pages:
        flat = " ".join(text.split())
        assert "alert(1)" in flat and HOSTILE_MARK in flat  # printed, not interpreted


# --- bibobscan pdf: bad input and faults -----------------------------------------------------------


def test_a_changed_report_is_refused_and_nothing_is_written(demo_dir: Path, tmp_path: Path) -> None:
    data = json.loads((demo_dir / f"{PERSON}.json").read_text(encoding="utf-8"))
    data["assessment"]["total_points"] = 0
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    result = runner.invoke(app, ["pdf", str(edited), "--out", str(tmp_path / "edited.pdf")])
    assert result.exit_code == 4, result.output
    assert str(edited) in result.output and "digest" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.json"]  # no PDF, no temporary file


def test_a_file_that_is_no_report_names_the_file_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "kapot.json"
    broken.write_text('{"subject": {"kind": "sector"}, "label": 3}', encoding="utf-8")
    result = runner.invoke(app, ["pdf", str(broken)])
    assert result.exit_code == 4 and str(broken) in result.output and "label" in result.output, result.output
    broken.write_text("[1, 2", encoding="utf-8")
    result = runner.invoke(app, ["pdf", str(broken)])
    assert result.exit_code == 4 and "not JSON" in result.output
    result = runner.invoke(app, ["pdf", str(tmp_path / "missing.json")])
    assert result.exit_code == 4 and "missing.json" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kapot.json"]


def test_out_that_cannot_be_written_is_exit_2_naming_it(demo_dir: Path, tmp_path: Path) -> None:
    source = demo_dir / f"{PERSON}.json"
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for out, says in ((blocker / "x.pdf", "does not exist"), (tmp_path / "no" / "such" / "x.pdf", "does not exist"), (tmp_path, "is a folder"), (source, "report itself")):
        result = runner.invoke(app, ["pdf", str(source), "--out", str(out)])
        assert result.exit_code == 2, (out, result.output)
        assert str(out) in result.output and says in result.output and "Traceback" not in result.output


def test_an_existing_pdf_is_only_replaced_with_overwrite(demo_dir: Path, tmp_path: Path) -> None:
    source = demo_dir / f"{PERSON}.json"
    target = tmp_path / "rapport.pdf"
    target.write_bytes(b"earlier")
    result = runner.invoke(app, ["pdf", str(source), "--out", str(target)])
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert target.read_bytes() == b"earlier"
    result = runner.invoke(app, ["pdf", str(source), "--out", str(target), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-1.7")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


def test_a_write_that_fails_leaves_no_half_written_pdf(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the PDF is flushed: no --out file, no temporary file."""
    real_fsync = os.fsync

    def full(fd: int) -> None:
        if os.fstat(fd).st_size > 1000:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "rapport.pdf"
    result = runner.invoke(app, ["pdf", str(demo_dir / f"{PERSON}.json"), "--out", str(target)])
    assert result.exit_code == 4, result.output  # an output that cannot be written (README, exit codes)
    assert str(target) in result.output and "No space left" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_default_out_is_next_to_the_report(demo_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / f"{PERSON}.json"
    copy.write_bytes((demo_dir / f"{PERSON}.json").read_bytes())
    result = runner.invoke(app, ["pdf", str(copy)])
    assert result.exit_code == 0, result.output
    with pikepdf.open(copy.with_suffix(".pdf")) as pdf:
        assert pdf.attachments[copy.name].get_file().read_bytes() == copy.read_bytes()


def test_pdf_of_a_sector_report_embeds_the_file_bytes(sector_dir: Path, tmp_path: Path) -> None:
    source = sector_dir / f"{SECTOR}.json"
    target = tmp_path / "sector.pdf"
    result = runner.invoke(app, ["pdf", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    with pikepdf.open(target) as pdf:
        assert pdf.attachments[source.name].get_file().read_bytes() == source.read_bytes()
    report = read_sector_report(source)
    with pikepdf.open(io.BytesIO(render_sector_pdf(report))) as pdf:
        assert pdf.attachments[source.name].get_file().read_bytes() == source.read_bytes()  # the sector JSON renders the same


# --- the sector table on paper (pdftotext -bbox, pdftoppm) -------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def page_words(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """(width, height, words) per page, from ``pdftotext -bbox`` (points, origin top left)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, flags=re.DOTALL):
        words = [
            Word(float(a), float(b), float(c), float(d), _unescape(t))
            for a, b, c, d, t in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', m.group(3))
        ]
        pages.append((float(m.group(1)), float(m.group(2)), words))
    return pages


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _margins(width: float, height: float) -> tuple[float, float, float, float]:
    top, right, bottom, left = MARGINS["landscape" if width > height else "portrait"]
    return top * MM, right * MM, bottom * MM, left * MM


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]", "", text.casefold())


HYPHENS = ("-", "\u2010", "\u00ad")  # hyphen-minus, hyphen (what WeasyPrint's hyphenation prints), soft hyphen


def header_fits(header: str, pieces: list[str]) -> bool:
    """Whether the words printed in a header cell, in reading order, are the header's
    words, each whole or hyphenated at a line end ("Hoofdacti-" "viteit"): a word cut
    without a hyphen (the column too narrow for it) does not count."""
    rest = list(pieces)
    for word in header.split():
        if not rest:
            return False
        acc = rest.pop(0)
        while _norm(acc) != _norm(word):
            if not acc.endswith(HYPHENS) or not rest or not _norm(word).startswith(_norm(acc)):
                return False
            acc += rest.pop(0)
    return not rest


def test_header_fits_accepts_hyphenation_and_refuses_cut_words() -> None:
    assert header_fits("Hoofdactiviteit (SBI)", ["Hoofdacti-", "viteit", "(SBI)"])
    assert header_fits("KvK-nummer", ["KvK-num-", "mer"]) and header_fits("KvK-nummer", ["KvK-num\u2010", "mer"])
    assert not header_fits("Postcode", ["Postco", "de"])
    assert not header_fits("Rang", ["Ran", "g"])
    assert not header_fits("Punten", ["Punten", "Rang"])


def ranking_pages(pages: list[tuple[float, float, list[Word]]]) -> list[int]:
    """The pages of section 3 (the ranked table): from its heading up to the next section's
    heading; every one of them must carry the table's header row."""
    def heading(words: list[Word], number: str, first: str) -> bool:
        return any(w.text == number and i + 1 < len(words) and words[i + 1].text == first for i, w in enumerate(words))

    start = next(i for i, (_, _, words) in enumerate(pages) if heading(words, "3.", "Rangorde"))
    end = next(i for i, (_, _, words) in enumerate(pages) if heading(words, "4.", "Geraadpleegde"))
    return list(range(start, end if end > start else start + 1))


@needs_poppler
def test_every_column_of_the_sector_table_prints_inside_the_page(sector_pdf: Path, sector_dir: Path) -> None:
    pages = page_words(sector_pdf)
    table = ranking_pages(pages)
    assert len(table) >= 3
    names = {e["name"] for e in json.loads((sector_dir / f"{SECTOR}.json").read_text(encoding="utf-8"))["establishments"]}
    printed = ""  # the Naam column of every table page
    for index in table:
        width, height, words = pages[index]
        top, right, bottom, left = _margins(width, height)
        inside = [w for w in words if w.y0 >= top - 1 and w.y1 <= height - bottom + 1]
        for w in inside:  # nothing of the page body reaches into the side margins
            assert w.x0 >= left - 1 and w.x1 <= width - right + 1, (index + 1, w)
        rang = [w for w in inside if w.text == "Rang"]
        assert len(rang) == 1, f"page {index + 1}: no whole header word 'Rang': the header row is not repeated, or its words are cut"
        bottom_line = rang[0].y1  # headers are aligned to the bottom of their cell
        band = [w for w in inside if bottom_line - 70 <= w.y0 and w.y1 <= bottom_line + 1 and w.y1 - w.y0 < 9]
        x = left
        content = width - left - right
        for header, share in zip(COLUMNS, COLUMN_WIDTHS, strict=True):
            x_end = x + content * share / 100
            cell = sorted((w for w in band if x <= (w.x0 + w.x1) / 2 < x_end), key=lambda w: (round(w.y0), w.x0))
            assert header_fits(header, [w.text for w in cell]), f"page {index + 1}: column {header!r} printed as {[w.text for w in cell]}"
            if header == "Naam":  # the names below the header, top to bottom
                below = sorted((w for w in inside if w.y0 > bottom_line and x <= (w.x0 + w.x1) / 2 < x_end), key=lambda w: (round(w.y0), w.x0))
                printed += " ".join(w.text for w in below) + " "
            x = x_end
    flat = _norm(printed)
    missing = [n for n in names if _norm(n) not in flat]
    assert not missing, f"rows not printed in the Naam column: {missing}"


def pgm_pages(pdf: Path, folder: Path, dpi: int = 40) -> list[tuple[int, int, bytes]]:
    """Every page rendered by pdftoppm as 8-bit grey (PGM): (width, height, pixels)."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(folder / "p")], check=True)
    pages = []
    for path in sorted(folder.glob("p-*.pgm")):
        data = path.read_bytes()
        magic, w, h, maxval, pixels = data.split(maxsplit=4)
        assert magic == b"P5" and maxval == b"255"
        pages.append((int(w), int(h), pixels[: int(w) * int(h)]))
    return pages


@needs_poppler
def test_nothing_is_clipped_at_the_right_edge(sector_pdf: Path, person_pdf: Path, tmp_path: Path) -> None:
    """The right margin strip of every rendered page is white: no table runs off the page."""
    dpi = 40
    for pdf, name in ((sector_pdf, "sector"), (person_pdf, "person")):
        folder = tmp_path / name
        folder.mkdir()
        pages = pgm_pages(pdf, folder, dpi)
        assert len(pages) >= 5
        for number, (w, h, pixels) in enumerate(pages, start=1):
            right_mm = MARGINS["landscape" if w > h else "portrait"][1]
            strip = int((right_mm - 2) * dpi / 25.4)  # the outer part of the right margin
            dark = [(x, y) for y in range(h) for x in range(w - strip, w) if pixels[y * w + x] < 245]
            assert not dark, f"{name} page {number}: ink in the right margin at {dark[:3]}"


# --- breaks: headings stay with what follows, blocks do not split (WeasyPrint's layout) -----------


def pages_of_elements(html: str) -> tuple[Any, dict[Any, set[int]]]:
    """The parsed document and, per element, the pages (0-based) its boxes are on."""
    import weasyprint

    document = weasyprint.HTML(string=html, url_fetcher=_offline_fetcher())
    where: dict[Any, set[int]] = {}
    for number, page in enumerate(document.render().pages):
        for box in page._page_box.descendants():  # WeasyPrint's laid-out boxes (not public API)
            element = getattr(box, "element", None)
            if element is not None:
                where.setdefault(element, set()).add(number)
    return document.etree_element, where


def _classes(element: Any) -> list[str]:
    return str(element.get("class") or "").split()


def check_breaks(root: Any, where: dict[Any, set[int]]) -> list[str]:
    """What breaks wrongly: a heading that ends a page (its next sibling starts on a later
    page), a sign-off block, evidence block or table row split over pages."""
    wrong = []
    parent = {child: p for p in root.iter() for child in p}
    for element in root.iter():
        if element.tag in ("h1", "h2", "h3") and element in where:
            siblings = list(parent[element])
            following = siblings[siblings.index(element) + 1:]
            if following and following[0] in where and min(where[following[0]]) > max(where[element]):
                wrong.append(f"heading {''.join(element.itertext())[:40]!r} ends page {max(where[element]) + 1}")
        in_head = element.tag == "tr" and parent[element].tag == "thead"  # repeated on purpose
        if ({"signoff", "evidence"} & set(_classes(element)) or (element.tag == "tr" and not in_head)) and len(where.get(element, ())) > 1:
            wrong.append(f"{element.tag}.{'.'.join(_classes(element))} split over pages {sorted(p + 1 for p in where[element])}")
    return wrong


def test_headings_stay_with_their_content_and_blocks_do_not_split(demo_dir: Path, sector_dir: Path) -> None:
    root, where = pages_of_elements(render_html(read_report(demo_dir / f"{PERSON}.json")))
    assert max(max(p) for p in where.values()) >= 4
    assert check_breaks(root, where) == []
    from bibobscan.report.sector import render_sector_html

    root, where = pages_of_elements(render_sector_html(read_sector_report(sector_dir / f"{SECTOR}.json")))
    assert check_breaks(root, where) == []
    thead = next(e for e in root.iter() if e.tag == "thead" and e in where and any(c.text == "Waarom (punten en uitleg)" for c in e.iter("th")))
    rows = [e for e in root.iter() if e.tag == "tr" and {"pts-0", "pts-1"} & set(_classes(e))]
    table_pages = set().union(*(where[r] for r in rows))
    assert len(table_pages) >= 3 and where[thead] == table_pages  # the header row on every page of the table


def test_the_print_rules_move_a_heading_with_the_block_after_it(demo_dir: Path) -> None:
    """Built so that the heading would end page 1: the block after it does not fit below it
    and may not split; the print rules take the heading along to page 2."""
    html = render_html(read_report(demo_dir / f"{PERSON}.json"))
    head = html[: html.index("<body>")]
    body = (
        '<body><div style="height:228mm">vulling</div><h2>Kop</h2>'
        '<div class="signoff" style="height:60mm">Ondertekening</div>'
        '<div style="height:150mm">vulling</div><h3>Bewijs</h3><div class="evidence" style="height:70mm">Bewijsstuk</div></body></html>'
    )
    root, where = pages_of_elements(head + body)
    assert check_breaks(root, where) == []
    by_text = {"".join(e.itertext()): e for e in root.iter() if e.tag in ("h2", "h3")}
    assert where[by_text["Kop"]] == {1} and where[by_text["Bewijs"]] == {2}
    # the same page where headings may end a page (WeasyPrint's own style sheet avoids it;
    # a browser's does not, hence the print rule): the heading is left at the bottom of page 1
    bare = "<style>@page{size:A4;margin:19mm 15mm 17mm}.signoff,.evidence{break-inside:avoid}h2,h3{break-after:auto}</style>"
    root, where = pages_of_elements(f"<!DOCTYPE html><html><head>{bare}</head>" + body)
    assert any("'Kop' ends page 1" in w for w in check_breaks(root, where)), check_breaks(root, where)


# --- the same print rules in a browser (Chromium), where one is installed -------------------------

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


def chromium_pdf(html: str, folder: Path, name: str) -> Path:
    """``html`` printed to PDF by headless Chromium, as an officer's "print" would (no
    browser headers and footers: the page's own margin boxes carry the marking)."""
    assert CHROMIUM is not None
    source, target = folder / f"{name}.html", folder / f"{name}.pdf"
    source.write_text(html, encoding="utf-8")
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", f"--user-data-dir={folder / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
        capture_output=True, check=True, timeout=180,
    )
    return target


@needs_poppler
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (the WeasyPrint tests above cover the PDF)")
def test_chromium_prints_a4_with_the_running_header_and_every_column(demo_dir: Path, sector_dir: Path, tmp_path: Path) -> None:
    from bibobscan.report.sector import render_sector_html

    person = chromium_pdf(render_html(read_report(demo_dir / f"{PERSON}.json")), tmp_path, "person")
    sector = chromium_pdf(render_sector_html(read_sector_report(sector_dir / f"{SECTOR}.json")), tmp_path, "sector")
    for pdf_path, json_path, name in ((person, demo_dir / f"{PERSON}.json", "person"), (sector, sector_dir / f"{SECTOR}.json", "sector")):
        case = json.loads(json_path.read_text(encoding="utf-8"))["case"]
        with pikepdf.open(pdf_path) as pdf:
            sizes = {tuple(round(v) for v in _size(p)) for p in pdf.pages}
        assert sizes <= {(595, 842), (842, 595)} and (595, 842) in sizes, sizes  # A4, not Letter
        pages = page_texts(pdf_path)
        for i, text in enumerate(pages, start=1):
            flat = " ".join(text.split())
            assert case["confidentiality"] in flat and f"Zaak {case['case_id']}" in flat and f"pagina {i} van {len(pages)}" in flat, (name, i)
        folder = tmp_path / f"{name}-pages"
        folder.mkdir()
        for number, (w, h, pixels) in enumerate(pgm_pages(pdf_path, folder), start=1):
            strip = int((MARGINS["landscape" if w > h else "portrait"][1] - 2) * 40 / 25.4)
            assert all(pixels[y * w + x] >= 245 for y in range(h) for x in range(w - strip, w)), f"{name} page {number}: ink in the right margin"
    table_text = re.sub(r"\s+", " ", " ".join(page_texts(sector)))
    for header in COLUMNS:  # every column header printed (hyphenation aside)
        assert all(_norm(word) in _norm(table_text) for word in header.split()), header
