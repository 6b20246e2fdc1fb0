"""The two calendars of the period: Julian (Old Style) and Gregorian (New Style).

Russia counted by the Julian calendar until 31 January 1918; the next day was
14 February 1918 (Gregorian). Conversions are `convertdate`'s, never our own
arithmetic. `both_calendars` gives the form a reader sees on a date of that time:
"25 October 1917 (Old Style) = 7 November 1917 (New Style)".
"""

from __future__ import annotations

from collections.abc import Mapping

from convertdate import julian

LAST_JULIAN = (1918, 1, 31)
FIRST_GREGORIAN = (1918, 2, 14)
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def _parts(iso: str) -> list[int]:
    return [int(p) for p in iso.split("-")]


def julian_to_gregorian(iso: str, *, last: bool = False) -> str:
    """The Gregorian day of a Julian date "1917-10-25" (of a month "1917-10": its first
    day, or with `last` its last)."""
    year, month, *day = _parts(iso)
    d = day[0] if day else (julian.month_length(year, month) if last else 1)
    y, m, d = julian.to_gregorian(year, month, d)
    return f"{y:04d}-{m:02d}-{d:02d}"


def gregorian_to_julian(iso: str, *, last: bool = False) -> str:
    """The Julian day of a Gregorian date (of a month: its first or last day)."""
    year, month, *day = _parts(iso)
    if day:
        d = day[0]
    elif last:
        d = 29 if month == 2 and year % 4 == 0 and (year % 100 or year % 400 == 0) else (
            (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1])
    else:
        d = 1
    y, m, d = julian.from_gregorian(year, month, d)
    return f"{y:04d}-{m:02d}-{d:02d}"


def is_julian_date(iso: str) -> bool:
    """Whether "YYYY[-MM[-DD]]" is a date of the Julian calendar (1900-02-29 is)."""
    try:
        year, *rest = _parts(iso)
    except ValueError:
        return False
    if not rest:
        return True
    month = rest[0]
    if not 1 <= month <= 12:
        return False
    return len(rest) == 1 or 1 <= rest[1] <= julian.month_length(year, month)


def spoken(iso: str) -> str:
    """'7 November 1917', 'November 1917', '1917'."""
    parts = _parts(iso)
    if len(parts) == 3:
        return f"{parts[2]} {MONTH_NAMES[parts[1]]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTH_NAMES[parts[1]]} {parts[0]}"
    return str(parts[0])


def _span(first: str, last: str) -> str:
    return spoken(first) if first == last else f"{spoken(first)} – {spoken(last)}"


def both_calendars(attrs: Mapping[str, str]) -> str | None:
    """A date's reading in both calendars, from its TEI attributes; None when the date
    records no calendar, or is a year alone (the two calendars differ by days)."""
    calendar = attrs.get("calendar", "")
    if calendar.endswith("julian"):
        written = attrs.get("when-custom")
        if written and len(written) == 10 and attrs.get("when"):
            return f"{spoken(written)} (Old Style) = {spoken(attrs['when'])} (New Style)"
        first = attrs.get("from-custom") or written
        last = attrs.get("to-custom") or written
        if first and last and len(first) >= 7 and attrs.get("from") and attrs.get("to"):
            return (f"{_span(first, last)} (Old Style) = "
                    f"{_span(attrs['from'], attrs['to'])} (New Style)")
        return None
    if calendar.endswith("gregorian"):
        first = attrs.get("when") or attrs.get("from")
        last = attrs.get("when") or attrs.get("to")
        if not first or not last or len(first) < 7 or first.startswith("--"):
            return None
        old_first = gregorian_to_julian(first)
        old_last = gregorian_to_julian(last, last=True)
        if len(first) == 10 and first == last:
            return f"{spoken(first)} (New Style) = {spoken(old_first)} (Old Style)"
        return f"{_span(first, last)} (New Style) = {_span(old_first, old_last)} (Old Style)"
    return None
