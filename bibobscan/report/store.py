"""Write a report pair (HTML + JSON) and read a JSON report back (for rescore)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..model import (
    Assessment,
    IndicatorHit,
    Outcome,
    Report,
    Signal,
    case_from_dict,
    evidence_from_dict,
    source_run_from_dict,
    subject_from_dict,
)
from .render import render_html, render_json, slug


def report_basename(report: Report) -> str:
    return f"{slug(report.case.case_id)}-{slug(report.subject.name)}"


def write_report(report: Report, out_dir: Path, basename: str | None = None) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    name = basename or report_basename(report)
    html_path = out_dir / f"{name}.html"
    json_path = out_dir / f"{name}.json"
    html_path.write_text(render_html(report), encoding="utf-8")
    json_path.write_text(render_json(report), encoding="utf-8")
    return html_path, json_path


def read_report(path: Path) -> Report:
    """Load a JSON report written by bibobscan; a broken file is a ReportError naming it."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    try:
        a = data["assessment"]
        return Report(
            subject=subject_from_dict(data["subject"]),
            case=case_from_dict(data["case"]),
            sources=[source_run_from_dict(s) for s in data["sources"]],
            evidence=[evidence_from_dict(e) for e in data["evidence"]],
            signals=[Signal(s["type"], dict(s.get("attrs") or {}), list(s.get("evidence_ids") or [])) for s in data.get("signals", [])],
            indicators=[IndicatorHit(**{**h, "outcome": Outcome(h["outcome"])}) for h in data["indicators"]],
            assessment=Assessment(**a),
            generated_at=datetime.fromisoformat(data["generated_at"]),
            tool_version=data["tool_version"],
            indicator_set=dict(data.get("indicator_set") or {}),
            demo=bool(data.get("demo", False)),
            reference_date=date.fromisoformat(data["reference_date"]) if data.get("reference_date") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{path}: not a bibobscan report ({type(exc).__name__}: {exc})") from exc
