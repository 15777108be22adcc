"""Dates given on the command line: one parser, so every option says the same thing.

A date in the right form that does not exist (1990-02-31) is called impossible, with the
number of days of that month; a day-first date (31-02-1990) gets the ISO spelling as a
hint only when that date exists.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from ..errors import UsageError

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def impossible(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is no date (a Dutch-free English phrase), or None when it is one."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{year}-{month:02d} has {days} days, so day {day} does not exist"
    return None


def day_first_hint(text: str) -> str:
    """' (write 1990-02-14)' for a day-first date that exists; else why it cannot be."""
    m = _DAY_FIRST.match(text.strip())
    if not m:
        return ""
    day, month, year = int(m[1]), int(m[2]), int(m[3])
    why = impossible(year, month, day)
    return f" (and as a day-first date it is impossible too: {why})" if why else f" (for {text.strip()} write {year}-{month:02d}-{day:02d})"


def iso_date(value: str, option: str) -> date:
    """YYYY-MM-DD, or a UsageError that says what is wrong with it."""
    text = value.strip()
    m = _ISO.match(text)
    if not m:
        raise UsageError(f"{option} {value!r} is not a date in the form YYYY-MM-DD{day_first_hint(text)}")
    why = impossible(int(m[1]), int(m[2]), int(m[3]))
    if why:
        raise UsageError(f"{option} {value!r} is an impossible date: {why}")
    return date(int(m[1]), int(m[2]), int(m[3]))
