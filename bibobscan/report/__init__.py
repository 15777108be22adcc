"""Reports: self-contained Dutch HTML and JSON with the same content."""

from .render import STATUS_LABELS, render_html, render_json, safe_url, split_evidence
from .store import read_report, report_basename, write_report

__all__ = ["STATUS_LABELS", "read_report", "render_html", "render_json", "report_basename", "safe_url", "split_evidence", "write_report"]
