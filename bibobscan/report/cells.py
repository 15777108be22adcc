"""Spreadsheet-safe table cells for CSV and XLSX output.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return)
is read as a formula by Excel and LibreOffice ("CSV injection"): a name taken from
OpenStreetMap or a register could run ``=HYPERLINK(...)`` or worse in the reader's
spreadsheet. :func:`safe_cell` turns any value into text that a spreadsheet shows as
written: such a cell gets a leading apostrophe (the usual neutraliser, shown by
neither program). Leading spaces do not hide a formula start (``" =1+1"`` is
neutralised too). Control characters go and bidi controls show as markers
(:mod:`bibobscan.report.inert`). Numbers are not touched: write them as numbers.

    >>> safe_cell('=HYPERLINK("http://evil.example","klik")')
    '\\'=HYPERLINK("http://evil.example","klik")'
    >>> safe_cell(None), safe_cell(12), safe_cell("Kapsalon -Knip-")
    ('', '12', 'Kapsalon -Knip-')

Used by the sector report (``bibobscan/report/sector.py``) and meant for every CSV or
XLSX the tool writes.
"""

from __future__ import annotations

from .inert import inert_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as spreadsheet-safe text: None is "", ints and floats are their digits,
    and text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = inert_text(str(value))
    stripped = text.lstrip(" ")
    if text.startswith(FORMULA_START) or stripped.startswith(FORMULA_START):
        return "'" + text
    return text
