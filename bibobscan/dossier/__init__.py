"""The Bibob file (dossier): a case with its subjects, scans, report versions, the
people's review (dispositions, conclusion, four-eyes sign-off, zienswijze), finalising,
sealing and destruction — the rules of its life on top of :mod:`bibobscan.store`
(docs/dossier.md). The CLI and the web page both call this package."""

from ._complete import missing_elements
from ._file import Change, Dossier, report_of
from ._rebuild import rebuild, scan_report
from ._review import review_of
from ._status import ALLOWED, LIFE, Status
from .diff import ReportDiff, diff_reports

__all__ = ["ALLOWED", "LIFE", "Change", "Dossier", "ReportDiff", "Status", "diff_reports", "missing_elements", "rebuild", "report_of", "review_of", "scan_report"]
