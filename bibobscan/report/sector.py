"""Render a sector report: Dutch self-contained HTML (inline CSS and SVG, no scripts, no
external tiles), CSV and XLSX of the *same* ranked table, a plain-text explanation that
travels with the CSV (``*-toelichting.txt``: demo marking, no person-level research,
signal not decision), and JSON of the whole model.

:func:`table_rows` is the one source of the ranked table: the HTML template, the CSV
writer and the XLSX writer all print its rows, so they cannot drift apart. Text cells
that a spreadsheet would read as a formula get a leading apostrophe in all three
(:func:`bibobscan.report.cells.safe_cell`; OpenStreetMap names are written by anyone).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .._atomic import write_bytes, write_text
from ..errors import ReportError
from ..model import (
    Assessment,
    IndicatorHit,
    Outcome,
    Signal,
    SourceStatus,
    case_from_dict,
    evidence_from_dict,
    source_run_from_dict,
    subject_from_dict,
)
from ..sector.model import RankedEstablishment, SectorReport
from .cells import safe_cell
from .integrity import check, sealed
from .render import environment

COLUMNS = (
    "Rang", "Punten", "Prioriteit", "Naam", "Adres", "Postcode", "KvK-nummer", "Naam in Handelsregister",
    "Ingeschreven", "Hoofdactiviteit (SBI)", "Waarom (punten en uitleg)", "Onvoldoende gegevens",
    "Bronnen", "Koppeling met KvK", "Mogelijke bekendmakingen (niet meegeteld)", "Opmerkingen",
)
WHY = COLUMNS.index("Waarom (punten en uitleg)")
# Column widths on paper (per cent of the landscape page's width, in COLUMNS order): every
# column prints, "Waarom" widest; the header words fit their column at the print size.
COLUMN_WIDTHS = (3.0, 3.6, 4.6, 6.6, 6.6, 4.8, 4.8, 6.0, 5.4, 5.6, 23.4, 5.6, 4.4, 5.6, 5.4, 4.6)
MAX_SERIAL = 999  # <name>-2 ... <name>-999 before giving up
_SHY = "\u00ad"  # a soft hyphen: where a long header word may break on paper
# The column headers as the HTML prints them: COLUMNS with soft hyphens in the long words,
# so a narrow column breaks "Hoofd-activiteit" at a syllable in every browser and in
# WeasyPrint alike (automatic hyphenation for Dutch is not in every browser).
PRINT_COLUMNS = tuple(
    c.replace("Prioriteit", f"Priori{_SHY}teit").replace("Postcode", f"Post{_SHY}code").replace("Handelsregister", f"Handels{_SHY}register")
    .replace("Ingeschreven", f"Inge{_SHY}schreven").replace("Hoofdactiviteit", f"Hoofd{_SHY}activiteit").replace("Onvoldoende", f"Onvol{_SHY}doende")
    .replace("gegevens", f"gege{_SHY}vens").replace("Koppeling", f"Kop{_SHY}peling").replace("bekendmakingen", f"bekend{_SHY}makingen")
    .replace("meegeteld", f"mee{_SHY}geteld").replace("Opmerkingen", f"Opmer{_SHY}kingen").replace("nummer", f"num{_SHY}mer")
    for c in COLUMNS
)
Cell = str | int | float


def _text(value: Any) -> str:
    """One line of spreadsheet-safe text (whitespace collapsed)."""
    return safe_cell(" ".join(str(value or "").split()))


def why_lines(e: RankedEstablishment) -> list[str]:
    return [_text(f"[{h.points:g} punten] {h.title}: {h.sentence}") for h in e.hits]


def table_rows(report: SectorReport) -> list[list[Cell]]:
    """The ranked table: one row per establishment, in rank order (see COLUMNS)."""
    rows: list[list[Cell]] = []
    for e in report.establishments:
        rows.append([
            e.rank, e.points, _text(e.band_label), _text(e.name), _text(e.address), _text(e.postcode),
            _text(e.kvk), _text(e.kvk_name), _text(e.registered_on), _text(e.sbi_main),
            "\n".join(why_lines(e)), _text("; ".join(e.insufficient)), _text(e.sources),
            _text(e.match_note), _text("; ".join(e.possible_publications)), _text(e.notes),
        ])
    return rows


def fmt(value: Cell) -> str:
    """How a cell is written in HTML and CSV: numbers as %g, text as is."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --- the map -------------------------------------------------------------------------------


def _px(value: float) -> float:
    """An SVG coordinate: one decimal is plenty (and keeps the file small)."""
    return round(value, 1)


@dataclass(slots=True)
class MapPoint:
    x: float
    y: float
    cls: str  # cluster / top / other
    label: str  # rank shown next to the point ("" = none)
    title: str  # tooltip: name, address, rank, points
    r: int = 4

    @property
    def label_x(self) -> float:
        return _px(self.x + 7)

    @property
    def label_y(self) -> float:
        return _px(self.y - 5)


@dataclass(slots=True)
class MapCircle:
    x: float
    y: float
    r: float
    label: str

    @property
    def label_x(self) -> float:
        return _px(self.x - self.r)

    @property
    def label_y(self) -> float:
        return _px(self.y + self.r + 14)


@dataclass(slots=True)
class SvgMap:
    width: int
    height: int
    points: list[MapPoint] = field(default_factory=list)
    circles: list[MapCircle] = field(default_factory=list)
    scale_px: float = 0.0
    scale_label: str = ""
    missing: int = 0  # establishments without coordinates

    @property
    def scale_end(self) -> float:
        return _px(20 + self.scale_px)


def svg_map(report: SectorReport, width: int = 760, height: int = 520, pad: int = 28, labelled: int = 20) -> SvgMap:
    """Project the establishments onto a plain plane (equirectangular, metres), scale to
    fit, and mark the clusters. No background map: no tiles, no external requests."""
    located = [e for e in report.establishments if e.lat is not None and e.lon is not None]
    result = SvgMap(width=width, height=height, missing=len(report.establishments) - len(located))
    if not located:
        return result
    lat0 = sum(e.lat for e in located if e.lat is not None) / len(located)
    kx = 111_320.0 * math.cos(math.radians(lat0))
    xs = [(e.lon or 0.0) * kx for e in located]
    ys = [(e.lat or 0.0) * 111_320.0 for e in located]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 500.0)
    scale = min((width - 2 * pad) / max(max(xs) - min(xs), 1.0), (height - 2 * pad) / max(max(ys) - min(ys), 1.0), (min(width, height) - 2 * pad) / span * 4)
    cx0 = (width - (max(xs) - min(xs)) * scale) / 2
    cy0 = (height - (max(ys) - min(ys)) * scale) / 2

    def to_px(x: float, y: float) -> tuple[float, float]:
        return _px(cx0 + (x - min(xs)) * scale), _px(height - cy0 - (y - min(ys)) * scale)

    # "top": above the typical score (the median) and among the first ``labelled`` of the ranking
    points = sorted(e.points for e in report.establishments)
    median = points[len(points) // 2] if points else 0.0
    top_ids = {e.id for e in report.establishments[:labelled] if e.points > median}
    # draw the least important first, so clusters and the top of the ranking stay on top
    order = sorted(range(len(located)), key=lambda i: (located[i].in_cluster, located[i].id in top_ids, -located[i].rank))
    for i in order:
        e = located[i]
        px, py = to_px(xs[i], ys[i])
        cls = "cluster" if e.in_cluster else ("top" if e.id in top_ids else "other")
        label = str(e.rank) if cls == "top" else ""
        result.points.append(MapPoint(px, py, cls, label, f"{e.rank}. {e.name} – {e.address} – {e.points:g} punten", 4 if cls == "other" else 6))
    # one circle around each group of cluster members (members within the radius of each other)
    members = [i for i, e in enumerate(located) if e.in_cluster]
    groups: list[list[int]] = []
    for i in members:
        near = [g for g in groups if any(math.hypot(xs[i] - xs[j], ys[i] - ys[j]) <= report.radius for j in g)]
        merged = [i] + [j for g in near for j in g]
        groups = [g for g in groups if g not in near] + [merged]
    for g in groups:
        gx = sum(xs[j] for j in g) / len(g)
        gy = sum(ys[j] for j in g) / len(g)
        reach = max(math.hypot(xs[j] - gx, ys[j] - gy) for j in g)
        px, py = to_px(gx, gy)
        streets = sorted({located[j].address.split(",")[0].rsplit(" ", 1)[0] for j in g})
        result.circles.append(MapCircle(px, py, _px(max(reach * scale + 12, 14)), f"concentratie: {len(g)} vestigingen ({', '.join(streets[:2])})"))
    target = span / 5
    nice = next((d for d in (50, 100, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000) if d >= target), 50000)
    result.scale_px = _px(nice * scale)
    result.scale_label = f"{nice // 1000} km" if nice >= 1000 else f"{nice} m"
    return result


# --- writers -------------------------------------------------------------------------------


STATUS_PARTIAL = "gedeeltelijk mislukt"


def render_sector_html(report: SectorReport) -> str:
    env = environment()
    env.filters["cell"] = fmt
    template = env.get_template("sector.html.j2")
    rows = table_rows(report)
    assessable = [e.assessable for e in report.establishments]
    return template.render(
        r=report,
        columns=PRINT_COLUMNS,
        rows=[row for row, ok in zip(rows, assessable) if ok],
        unassessable_rows=[row for row, ok in zip(rows, assessable) if not ok],
        why=WHY,
        map=svg_map(report),
        area_hits=[h for h in report.area_hits if h.outcome is Outcome.HIT],
        area_no_hits=[h for h in report.area_hits if h.outcome is Outcome.NO_HIT],
        area_insufficient=[h for h in report.area_hits if h.outcome is Outcome.INSUFFICIENT],
        partial={s.source for s in report.sources if s.status is SourceStatus.FAILED and (s.error or "").startswith(STATUS_PARTIAL)},
        partial_label=STATUS_PARTIAL,
        demo_banner=DEMO_BANNER,
        widths=COLUMN_WIDTHS,
    )


def render_sector_csv(report: SectorReport) -> str:
    """CSV (';'-separated, as Dutch spreadsheet programs expect) of the ranked table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table_rows(report):
        writer.writerow([fmt(c) for c in row])
    return buffer.getvalue()


def write_sector_xlsx(report: SectorReport, path: Path) -> None:
    """XLSX (openpyxl through pandas): sheet "Rangorde" is the ranked table; sheet
    "Toelichting" carries the statements that must travel with it. Written atomically as
    a new file (FileExistsError when ``path`` exists)."""
    write_bytes(path, render_sector_xlsx(report), exclusive=True)


def render_sector_xlsx(report: SectorReport) -> bytes:
    """The XLSX of :func:`write_sector_xlsx`, as bytes."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped, unused-ignore]

    table = pd.DataFrame(table_rows(report), columns=list(COLUMNS))
    notes = pd.DataFrame({"Toelichting": [safe_cell(line) for line in explanation_lines(report)]})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="Rangorde", index=False)
        notes.to_excel(writer, sheet_name="Toelichting", index=False)
        sheet = writer.sheets["Rangorde"]
        sheet.freeze_panes = "A2"
        widths = {"A": 6, "B": 8, "C": 18, "D": 28, "E": 28, "F": 9, "G": 11, "H": 28, "I": 11, "J": 28, "K": 90, "L": 40, "M": 30, "N": 40, "O": 50, "P": 40}
        for col, width in widths.items():
            sheet.column_dimensions[col].width = width
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        writer.sheets["Toelichting"].column_dimensions["A"].width = 140
    return buffer.getvalue()


DEMO_BANNER = (
    "FICTIEVE DEMODATA – deze branchescan gaat over een verzonnen wereld. Ondernemingen, adressen, "
    "KvK-nummers en bekendmakingen bestaan niet; alleen de gemeente is echt."
)


def explanation_lines(report: SectorReport) -> list[str]:
    """The statements that must travel with the table (the XLSX sheet "Toelichting" and
    the ``*-toelichting.txt`` next to the CSV): demo marking first, then what the ranking
    is and is not, what was (not) researched, the priority wording and the columns."""
    lines: list[str] = []
    if report.demo:
        lines.append(DEMO_BANNER)
    lines.append(f"Branchescan {report.subject.name}, peildatum {report.reference_date}" + (" – FICTIEVE DEMODATA" if report.demo else ""))
    lines.extend(case_lines(report))
    lines.extend(f"Waarschuwing: {w}" for w in report.warnings)
    lines += [report.signal_not_decision, report.no_person_research, report.discovery_limits]
    if report.priorities:
        lines.append("Prioriteit (uit de drempels van het scoringsprofiel): " + "; ".join(report.priorities) + ".")
    lines.append(
        "Mogelijke bekendmakingen (niet meegeteld): bekendmakingen die alleen een weinig onderscheidende naam delen "
        "met de vestiging, zonder haar adres of postcode. Ze kunnen over een andere zaak gaan; controleer ze."
    )
    lines.append(
        "Het CSV- en het XLSX-bestand bevatten precies de rijen van de tabel ‘Rangorde van de vestigingen’ in het "
        "HTML-rapport; lees ze samen met dat rapport (bronnen, kaart, gebied)."
    )
    lines.append(
        f"Indicatorenset {report.indicator_set.get('hash', '')}; profiel {report.indicator_set.get('profile', '')}; bibobscan {report.tool_version}."
    )
    return lines


def case_lines(report: SectorReport) -> list[str]:
    """The case data as it travels with the table (toelichting, XLSX sheet "Toelichting")."""
    c = report.case
    if c is None:
        return ["Zaak: niet vastgelegd (dit rapport is zonder zaaknummer gemaakt)."]
    return [
        f"{c.confidentiality or 'Vertrouwelijk'} – zaak {c.case_id} – bewaren tot {c.retention_until or 'onbekend'}.",
        f"Doel: {c.purpose}. Behandelaar: {c.officer or '—'}. Grondslag: {c.legal_ground or '—'}. Zaaktype: {c.zaaktype or '—'}. Aangemaakt: {c.created_on}.",
    ]


def render_sector_explanation(report: SectorReport) -> str:
    """Plain text, one paragraph per statement (``*-toelichting.txt`` next to the CSV)."""
    return "\n\n".join(explanation_lines(report)) + "\n"



def render_sector_json(report: SectorReport) -> str:
    """The whole model as JSON, with the same integrity digest as a person or company
    report (:mod:`.integrity`), so a hand-edited ranking is refused when read back."""
    return json.dumps(sealed(report.to_dict()), ensure_ascii=False, indent=2)


def sector_basename(report: SectorReport) -> str:
    """``<case>-branchescan-<preset>-<municipality>`` (without a case: no prefix)."""
    municipality = report.subject.municipality.name if report.subject.municipality else "gebied"
    case = f"{report.case.case_id} " if report.case else ""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{case}branchescan {report.preset or report.label} {municipality}".casefold()).strip("-")
    return slug[:80].strip("-") or "branchescan"


# The files of one sector report, by format: the name after the stem. A stem is used only
# when none of them exists, also the PDF when it is not written this time (so that
# ``bibobscan pdf <stem>.json`` has its name and never meets another run's PDF).
SET_SUFFIXES = {"html": ".html", "csv": ".csv", "toelichting": "-toelichting.txt", "xlsx": ".xlsx", "json": ".json", "pdf": ".pdf"}


def _free_stems(out_dir: Path, name: str) -> Iterator[dict[str, Path]]:
    """The stems ``name``, ``name-2``, ``name-3`` ... of which no file of the set exists."""
    for serial in range(1, MAX_SERIAL + 1):
        stem = name if serial == 1 else f"{name}-{serial}"
        paths = {fmt_: out_dir / f"{stem}{suffix}" for fmt_, suffix in SET_SUFFIXES.items()}
        if not any(p.exists() for p in paths.values()):
            yield paths
    raise ReportError(f"{out_dir}: {name}.html and {MAX_SERIAL - 1} numbered copies already exist; choose another --out folder")


def write_sector_report(report: SectorReport, out_dir: Path, basename: str | None = None, *, pdf: bool = False) -> dict[str, Path]:
    """Write HTML, CSV (with ``<name>-toelichting.txt``), XLSX and JSON, and with ``pdf``
    the PDF/A-3b; the paths by format ("html", "csv", "toelichting", "xlsx", "json",
    "pdf"). An earlier report in ``out_dir`` is never replaced: the set gets the next free
    stem (:func:`_free_stems`). Each file is written atomically as a new file; the HTML,
    written first, claims the stem. A file that cannot be written is a ReportError naming
    it; the files of the set already written are removed again."""
    json_text = render_sector_json(report)
    html_text = render_sector_html(report)
    pdf_bytes = None
    if pdf:
        from .pdf import render_sector_pdf

        pdf_bytes = render_sector_pdf(report, json_text)
    writers: dict[str, Callable[[Path], None]] = {
        "html": lambda path: write_text(path, html_text, exclusive=True),
        "csv": lambda path: write_text(path, render_sector_csv(report), exclusive=True, encoding="utf-8-sig"),
        "toelichting": lambda path: write_text(path, render_sector_explanation(report), exclusive=True),
        "xlsx": lambda path: write_sector_xlsx(report, path),
        "json": lambda path: write_text(path, json_text, exclusive=True),
    }
    if pdf_bytes is not None:
        writers["pdf"] = lambda path: write_bytes(path, pdf_bytes, exclusive=True)
    current = out_dir
    written: list[Path] = []
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise NotADirectoryError(20, "exists and is not a folder", str(out_dir))
        out_dir.mkdir(parents=True, exist_ok=True)
        for paths in _free_stems(out_dir, basename or sector_basename(report)):
            try:
                for fmt_, write in writers.items():
                    current = paths[fmt_]
                    write(current)  # whole or not at all; the HTML, first, claims the stem
                    written.append(current)
            except FileExistsError:  # another run took this stem at the same moment
                for p in written:
                    p.unlink(missing_ok=True)
                written.clear()
                continue
            return {fmt_: paths[fmt_] for fmt_ in writers}
    except OSError as exc:
        for p in written:
            p.unlink(missing_ok=True)
        where = exc.filename or current
        raise ReportError(f"cannot write the sector report to {where}: {exc.strerror or exc}") from exc
    raise AssertionError("unreachable")  # pragma: no cover


# --- reading back ----------------------------------------------------------------------------

# Top-level fields of a sector report: (JSON type(s), required). Nested values are checked
# where they are read (establishments field by field, see _ESTABLISHMENT).
_NUMBER = (int, float)
_SECTOR_SHAPE: dict[str, tuple[tuple[type, ...], bool]] = {
    "subject": ((dict,), True),
    "preset": ((str,), False),
    "label": ((str,), True),
    "sources": ((list,), True),
    "evidence": ((list,), True),
    "establishments": ((list,), True),
    "area_signals": ((list,), True),
    "area_hits": ((list,), True),
    "area_assessment": ((dict,), True),
    "indicator_set": ((dict,), True),
    "generated_at": ((str,), True),
    "tool_version": ((str,), True),
    "reference_date": ((str,), True),
    "demo": ((bool,), False),
    "radius": ((int,), False),
    "outside_area": ((int,), False),
    "counts": ((dict,), False),
    "notes": ((list,), False),
    "cache": ((dict,), False),
    "warnings": ((list,), False),
    "priorities": ((list,), False),
    "no_person_research": ((str,), False),
    "signal_not_decision": ((str,), False),
    "discovery_limits": ((str,), False),
    "case": ((dict,), False),
    "integrity": ((dict,), False),
}
_ESTABLISHMENT: dict[str, tuple[type, ...]] = {
    "rank": (int,), "id": (str,), "name": (str,), "address": (str,), "postcode": (str,), "city": (str,),
    "sources": (str,), "matched_on": (str,), "kvk": (str,), "kvk_name": (str,), "match_note": (str,),
    "registered_on": (str,), "sbi_main": (str,), "points": _NUMBER, "band": (str,), "band_label": (str,),
    "hits": (list,), "insufficient": (list,), "notes": (str,), "in_cluster": (bool,), "evidence_ids": (list,),
    "possible_publications": (list,),
}
_OPTIONAL_NUMBER = ("lat", "lon")
_HIT_TEXT = ("indicator_id", "title", "outcome", "sentence")
_JSON_NAMES = {dict: "an object", list: "a list", str: "a text", int: "a whole number", float: "a number", bool: "true or false"}


def _type_name(kinds: tuple[type, ...]) -> str:
    return " or ".join(dict.fromkeys(_JSON_NAMES[k] for k in kinds))


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    # JSON true/false are bools, and bool is an int in Python: never count one as the other
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


def _check_sector_shape(data: Any) -> None:
    """A ValueError naming the field of a sector report that is missing or of the wrong type."""
    if not isinstance(data, dict):
        raise TypeError(f"the file holds {type(data).__name__}, not a report object")
    for key, (kinds, required) in _SECTOR_SHAPE.items():
        if key not in data or (data[key] is None and not required):
            if required:
                raise ValueError(f"field {key!r} is missing")
            continue
        if not _is(data[key], kinds):
            raise ValueError(f"field {key!r} must be {_type_name(kinds)}, not {type(data[key]).__name__}")
    if data["subject"].get("kind") != "sector":
        raise ValueError(f"subject.kind is {data['subject'].get('kind')!r}, not 'sector': not a sector report")
    for i, e in enumerate(data["establishments"]):
        where = f"establishments[{i}]"
        if not isinstance(e, dict):
            raise TypeError(f"{where} must be an object, not {type(e).__name__}")
        for name, kinds in _ESTABLISHMENT.items():
            if name not in e:
                raise ValueError(f"{where}.{name} is missing")
            if not _is(e[name], kinds):
                raise ValueError(f"{where}.{name} must be {_type_name(kinds)}, not {type(e[name]).__name__}")
        for name in _OPTIONAL_NUMBER:
            if e.get(name) is not None and not _is(e[name], _NUMBER):
                raise ValueError(f"{where}.{name} must be a number, not {type(e[name]).__name__}")
        if "assessable" in e and not isinstance(e["assessable"], bool):  # absent in reports of before 2026-12-07
            raise ValueError(f"{where}.assessable must be true or false, not {type(e['assessable']).__name__}")
        _check_hits(e["hits"], f"{where}.hits")
    _check_hits(data["area_hits"], "area_hits")
    for key in ("sources", "evidence", "area_signals"):
        for i, item in enumerate(data[key]):
            if not isinstance(item, dict):
                raise TypeError(f"{key}[{i}] must be an object, not {type(item).__name__}")


def _check_hits(hits: list[Any], where: str) -> None:
    for j, h in enumerate(hits):
        if not isinstance(h, dict):
            raise TypeError(f"{where}[{j}] must be an object, not {type(h).__name__}")
        for name in _HIT_TEXT:
            if not isinstance(h.get(name), str):
                raise TypeError(f"{where}[{j}].{name} must be a text")
        if not _is(h.get("points", 0.0), _NUMBER):
            raise ValueError(f"{where}[{j}].points must be a number")


def _known(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that ``cls`` has fields for (a newer report may carry more)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in values.items() if k in names}


def _hit(h: dict[str, Any]) -> IndicatorHit:
    return IndicatorHit(**{**_known(IndicatorHit, h), "outcome": Outcome(h["outcome"])})


def sector_report_from_dict(data: dict[str, Any], where: str = "sector report") -> SectorReport:
    """A SectorReport from a checked report object; a ReportError naming ``where`` otherwise."""
    try:
        _check_sector_shape(data)
        establishments = [
            RankedEstablishment(**{**_known(RankedEstablishment, e), "hits": [_hit(h) for h in e["hits"]]})
            for e in data["establishments"]
        ]
        extra = {k: data[k] for k in ("demo", "radius", "outside_area", "counts", "notes", "cache", "warnings", "priorities",
                                      "no_person_research", "signal_not_decision", "discovery_limits") if data.get(k) is not None}
        return SectorReport(
            subject=subject_from_dict(data["subject"]),
            preset=data.get("preset"),
            label=data["label"],
            sources=[source_run_from_dict(s) for s in data["sources"]],
            evidence=[evidence_from_dict(e) for e in data["evidence"]],
            establishments=establishments,
            area_signals=[Signal(s["type"], dict(s.get("attrs") or {}), list(s.get("evidence_ids") or [])) for s in data["area_signals"]],
            area_hits=[_hit(h) for h in data["area_hits"]],
            area_assessment=Assessment(**_known(Assessment, data["area_assessment"])),
            indicator_set=dict(data["indicator_set"]),
            generated_at=datetime.fromisoformat(data["generated_at"]),
            tool_version=data["tool_version"],
            reference_date=date.fromisoformat(data["reference_date"]),
            case=case_from_dict(data["case"]) if data.get("case") else None,
            **extra,
        )
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        detail = f"field {exc} is missing" if isinstance(exc, KeyError) else str(exc)
        raise ReportError(f"{where}: not a bibobscan sector report ({detail})") from exc


def is_sector_json(data: Any) -> bool:
    """Whether a parsed report object is a sector report (its subject is a sector)."""
    return isinstance(data, dict) and isinstance(data.get("subject"), dict) and data["subject"].get("kind") == "sector"


def parse_json_object(raw: bytes, where: str) -> Any:
    """``raw`` parsed as JSON; a ReportError naming ``where`` when it is not UTF-8 JSON."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ReportError(f"{where}: not UTF-8 text (byte {exc.start}); not a report written by bibobscan") from exc
    except json.JSONDecodeError as exc:
        raise ReportError(f"{where}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise ReportError(f"{where}: not a bibobscan report (JSON nested too deeply)") from exc


def load_sector_report(path: Path) -> tuple[SectorReport, bytes]:
    """The sector report in ``path`` and the file's exact bytes. A file that cannot be
    read, is not a sector report, or was changed after bibobscan wrote it (its integrity
    digest, :mod:`.integrity`) is a ReportError naming the file and the field or check.
    A report written before sector reports carried a digest or a case is still read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    data = parse_json_object(raw, str(path))
    try:
        _check_sector_shape(data)
    except (TypeError, ValueError) as exc:
        raise ReportError(f"{path}: not a bibobscan sector report ({exc})") from exc
    check(data, str(path))
    return sector_report_from_dict(data, str(path)), raw


def read_sector_report(path: Path) -> SectorReport:
    """Load a sector report JSON written by ``bibobscan sector`` (see :func:`load_sector_report`)."""
    return load_sector_report(path)[0]
