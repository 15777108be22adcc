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
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Outcome, SourceStatus
from ..sector.model import RankedEstablishment, SectorReport
from .cells import safe_cell
from .render import environment

COLUMNS = (
    "Rang", "Punten", "Prioriteit", "Naam", "Adres", "Postcode", "KvK-nummer", "Naam in Handelsregister",
    "Ingeschreven", "Hoofdactiviteit (SBI)", "Waarom (punten en uitleg)", "Onvoldoende gegevens",
    "Bronnen", "Koppeling met KvK", "Mogelijke bekendmakingen (niet meegeteld)", "Opmerkingen",
)
WHY = COLUMNS.index("Waarom (punten en uitleg)")
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
    return template.render(
        r=report,
        columns=COLUMNS,
        rows=rows,
        why=WHY,
        map=svg_map(report),
        area_hits=[h for h in report.area_hits if h.outcome is Outcome.HIT],
        area_no_hits=[h for h in report.area_hits if h.outcome is Outcome.NO_HIT],
        area_insufficient=[h for h in report.area_hits if h.outcome is Outcome.INSUFFICIENT],
        partial={s.source for s in report.sources if s.status is SourceStatus.FAILED and (s.error or "").startswith(STATUS_PARTIAL)},
        partial_label=STATUS_PARTIAL,
        demo_banner=DEMO_BANNER,
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
    "Toelichting" carries the statements that must travel with it."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped, unused-ignore]

    table = pd.DataFrame(table_rows(report), columns=list(COLUMNS))
    notes = pd.DataFrame({"Toelichting": [safe_cell(line) for line in explanation_lines(report)]})
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
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


def render_sector_explanation(report: SectorReport) -> str:
    """Plain text, one paragraph per statement (``*-toelichting.txt`` next to the CSV)."""
    return "\n\n".join(explanation_lines(report)) + "\n"


def render_sector_json(report: SectorReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def sector_basename(report: SectorReport) -> str:
    municipality = report.subject.municipality.name if report.subject.municipality else "gebied"
    slug = re.sub(r"[^a-z0-9]+", "-", f"branchescan {report.preset or report.label} {municipality}".casefold()).strip("-")
    return slug[:80] or "branchescan"


def write_sector_report(report: SectorReport, out_dir: Path, basename: str | None = None) -> dict[str, Path]:
    """Write HTML, CSV (with ``<name>-toelichting.txt``), XLSX and JSON; the paths by
    format ("html", "csv", "toelichting", "xlsx", "json")."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = basename or sector_basename(report)
    paths = {fmt_: out_dir / f"{name}.{fmt_}" for fmt_ in ("html", "csv", "xlsx", "json")}
    paths["toelichting"] = out_dir / f"{name}-toelichting.txt"
    paths["html"].write_text(render_sector_html(report), encoding="utf-8")
    paths["csv"].write_text(render_sector_csv(report), encoding="utf-8-sig", newline="")
    paths["toelichting"].write_text(render_sector_explanation(report), encoding="utf-8")
    write_sector_xlsx(report, paths["xlsx"])
    paths["json"].write_text(render_sector_json(report), encoding="utf-8")
    return paths
