"""Dates as written on the Hubs pages: parse the many forms, format the one canonical.

``parse_date`` reads the plain text of a cell ("27 November 2021", "November 27, 2021",
"2021-11-27", "24–26 June 2022", "21 February 2022 - 4 March 2022", "February 21" with a
context year, "2018?", "(2017)", "11-12-2007" day first, "June 2010", "TBD") and raises
``DateParseError`` with a short reason for anything else. ``format_date`` writes a date in
one of the styles a table's ``dates`` option chooses (``hubbot.core.options``): "27
November 2021" (dmy, the default), "November 27, 2021" (mdy), "2021-11-27" (iso).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from hubbot.core.options import DateStyle
from hubbot.core.records import DateSpan, Precision

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_MONTH_NUM = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}
_MONTH_NUM.update({m[:3].lower(): i for i, m in enumerate(MONTHS, start=1)})
_MONTH_NUM["sept"] = 9
_MON = r"(?P<{n}>" + "|".join(sorted(_MONTH_NUM, key=len, reverse=True)) + r")\.?"


class DateParseError(ValueError):
    """The text is not a date hubbot understands; the message is the short reason."""


def _mon(name: str) -> str:
    return _MON.format(n=name)


# A single date, without year ("partial") or with one. Each pattern names d, m, y.
_DAY_FIRST = r"(?P<d{s}>\d{{1,2}})(?:st|nd|rd|th)?\s+" + _mon("m{s}") + r"(?:,?\s+(?P<y{s}>\d{{4}}))?"
_MONTH_FIRST = _mon("m{s}") + r"\s+(?P<d{s}>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y{s}>\d{{4}}))?"
_ISO = r"(?P<y{s}>\d{{4}})-(?P<m{s}>\d{{1,2}})-(?P<d{s}>\d{{1,2}})"
_NUMERIC = r"(?P<d{s}>\d{{1,2}})[-./](?P<m{s}>\d{{1,2}})[-./](?P<y{s}>\d{{4}})"
_SINGLE_FORMS = [_ISO, _NUMERIC, _DAY_FIRST, _MONTH_FIRST]
_SEP = r"\s*(?:-|–|—|\bto\b)\s*"


def _compile(form: str) -> re.Pattern[str]:
    return re.compile(r"^" + form + r"$", re.IGNORECASE)


_SINGLE = [_compile(f.format(s="")) for f in _SINGLE_FORMS]
_RANGES = [_compile(a.format(s="") + _SEP + b.format(s="2"))
           for a in _SINGLE_FORMS for b in _SINGLE_FORMS]
# "24–26 June 2022", "June 24-26, 2022", "24-26 June" (context year)
_DAY_RANGE = [
    _compile(r"(?P<d>\d{1,2})" + _SEP + r"(?P<d2>\d{1,2})\s+" + _mon("m")
             + r"(?:,?\s+(?P<y>\d{4}))?"),
    _compile(_mon("m") + r"\s+(?P<d>\d{1,2})" + _SEP + r"(?P<d2>\d{1,2})(?:,?\s+(?P<y>\d{4}))?"),
]
_MONTH_YEAR = _compile(_mon("m") + r",?\s+(?P<y>\d{4})")
_ISO_MONTH = _compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})")
_YEAR = _compile(r"(?P<circa>(?:c\.|ca\.|circa)\s*)?\(?(?P<y>\d{4})\)?")
_UNKNOWN = _compile(r"tbd|tba|to be (?:decided|determined|announced)|\?|unknown")


def _month(value: str) -> int:
    if value.isdigit():
        return int(value)
    return _MONTH_NUM[value.lower().rstrip(".")]


def _make(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateParseError("no such day") from None


def _clean(text: str) -> str:
    text = text.replace("&nbsp;", " ").replace("\u00a0", " ")
    text = " ".join(text.split())
    return text.strip().rstrip(".,;").strip()


def _year(found: str | None, context_year: int | None) -> tuple[int, bool]:
    if found:
        return int(found), False
    if context_year is None:
        raise DateParseError("year needed: no context year")
    return context_year, True


def _span(start: date, end: date | None, inferred: bool) -> DateSpan:
    if end is not None and end < start:
        raise DateParseError("end before start")
    if end == start:
        end = None
    return DateSpan(start, end, Precision.DAY, year_inferred=inferred)


def parse_date(text: str, context_year: int | None = None) -> DateSpan:
    """Parse a date or range; ``context_year`` fills in dates written without a year.

    Raises ``DateParseError`` (a ``ValueError``) with a short reason when the text is
    not a date, names a day that does not exist, or ends before it starts.
    """
    s = _clean(text)
    if not s:
        raise DateParseError("empty date")
    if _UNKNOWN.match(s):
        return DateSpan(None, None, Precision.UNKNOWN)
    if s.endswith("?") and not s.endswith(" ?") and len(s) > 1:
        # "27 November 2021?", "November 2021?", "2018?": the date itself is in doubt.
        span = _parse_certain(s[:-1].rstrip(), context_year)
        return replace(span, uncertain=True)
    return _parse_certain(s, context_year)


def _parse_certain(s: str, context_year: int | None) -> DateSpan:
    for pattern in _SINGLE:
        m = pattern.match(s)
        if m:
            y, inferred = _year(m.group("y"), context_year)
            return _span(_make(y, _month(m.group("m")), int(m.group("d"))), None, inferred)
    for pattern in _DAY_RANGE:
        m = pattern.match(s)
        if m:
            y, inferred = _year(m.group("y"), context_year)
            month = _month(m.group("m"))
            return _span(_make(y, month, int(m.group("d"))),
                         _make(y, month, int(m.group("d2"))), inferred)
    for pattern in _RANGES:
        m = pattern.match(s)
        if m:
            # "30 June – 2 July 2022": the first part borrows the second part's year.
            y2, inferred2 = _year(m.group("y2"), context_year)
            y1, inferred1 = (int(m.group("y")), False) if m.group("y") else (y2, inferred2)
            start = _make(y1, _month(m.group("m")), int(m.group("d")))
            end = _make(y2, _month(m.group("m2")), int(m.group("d2")))
            return _span(start, end, inferred1 or inferred2)
    m = _MONTH_YEAR.match(s) or _ISO_MONTH.match(s)
    if m:
        month = _month(m.group("m"))
        if not 1 <= month <= 12:
            raise DateParseError("no such month")
        return DateSpan(date(int(m.group("y")), month, 1), None, Precision.MONTH)
    m = _YEAR.match(s)
    if m and (m.group("y")):
        year = int(m.group("y"))
        if not 1 <= year <= 9999:
            raise DateParseError("no such year")
        return DateSpan(date(year, 1, 1), None, Precision.YEAR,
                        uncertain=bool(m.group("circa")))
    raise DateParseError("unrecognised date")


def _day(d: date, with_year: bool = True) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if with_year else "")


def _mdy(d: date, with_year: bool = True) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}" + (f", {d.year}" if with_year else "")


def format_date(span: DateSpan, *, with_year: bool = True,
                style: DateStyle = DateStyle.DMY) -> str:
    """The canonical text of ``span`` in ``style``. ``with_year=False`` leaves the year
    out of a day or range within one year (under a year section).

    - dmy: "27 November 2021", "24–26 June 2022", "30 June – 2 July 2022", "12 March";
    - mdy: "November 27, 2021", "June 24–26, 2022", "June 30 – July 2, 2022", "March 12";
    - iso: "2021-11-27", "2022-06-24 – 2022-06-26", "2010-06" (a month); a date without
      its year has no ISO form: ``with_year=False`` is a ``ValueError`` for a day;

    and in every style "June 2010" (dmy, mdy), "2018?", "27 November 2021?", "TBD".
    ``DateStyle.KEEP`` has no text: it is a ``ValueError``.
    """
    q = "?" if span.uncertain else ""
    start, end = span.start, span.end
    if style is DateStyle.KEEP:
        raise ValueError("dates=keep: a date is never rewritten")
    if span.precision is Precision.UNKNOWN or start is None:
        return "TBD"
    if span.precision is Precision.YEAR:
        return f"{start.year}{q}"
    if span.precision is Precision.MONTH:
        if style is DateStyle.ISO:
            return f"{start.year:04d}-{start.month:02d}{q}"
        return f"{MONTHS[start.month - 1]} {start.year}{q}"
    same_year = end is None or end.year == start.year
    keep = with_year or not same_year
    if style is DateStyle.ISO:
        if not keep:
            raise ValueError("iso: a date without its year has no ISO form")
        if end is None or end == start:
            return start.isoformat() + q
        return f"{start.isoformat()} – {end.isoformat()}{q}"
    if style is DateStyle.MDY:
        if end is None or end == start:
            return _mdy(start, keep) + q
        if (start.year, start.month) == (end.year, end.month):
            return f"{_mdy(start, with_year=False)}–{end.day}" \
                + (f", {end.year}" if keep else "") + q
        if start.year == end.year:
            return f"{_mdy(start, with_year=False)} – {_mdy(end, keep)}{q}"
        return f"{_mdy(start)} – {_mdy(end)}{q}"
    if end is None or end == start:
        return _day(start, keep) + q
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{_day(end, keep)}{q}"
    if start.year == end.year:
        return f"{_day(start, with_year=False)} – {_day(end, keep)}{q}"
    return f"{_day(start)} – {_day(end)}{q}"
