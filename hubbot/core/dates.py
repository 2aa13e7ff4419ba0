"""Dates as written on the Hubs pages: parse the many forms, format the one canonical.

``parse_date`` reads the plain text of a cell ("27 November 2021", "November 27, 2021",
"2021-11-27", "24–26 June 2022", "21 February 2022 - 4 March 2022", "February 21" with a
context year, "2018?", "(2017)", "11-12-2007" day first, "June 2010", "TBD") and raises
``DateParseError`` with a short reason for anything else. ``format_date`` writes a date in
one of the styles a table's ``dates`` option chooses (``hubbot.core.options``): "27
November 2021" (dmy, the default: "24–26 June 2022", "30 June – 2 July 2022"),
"November 27, 2021" (mdy), "2021-11-27" (iso).

Vague dates editors write are read as uncertain spans with a precision, and their text
is never rewritten (``DateSpan.vague``): seasons ("Spring 2026": March–May; summer
June–August, autumn/fall September–November, "Winter 2026" or "Winter 2025–26" December
2025 – February 2026), quarters ("Q3 2025", "2025 Q3"), parts of a year ("early 2026"
January–April, "mid 2026" May–August, "late 2026" September–December), month ranges
("June–July 2023", "December 2023 – January 2024") and any date with a "to be confirmed"
word ("2026 (TBC)", "TBA 2026", "June 2026 (tentative)").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from hubbot.core.options import DateStyle
from hubbot.core.records import DateSpan, Precision
from hubbot.errors import HubbotError

__all__ = ["MONTHS", "DateParseError", "format_date", "parse_date"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_MONTH_NUM = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}
_MONTH_NUM.update({m[:3].lower(): i for i, m in enumerate(MONTHS, start=1)})
_MONTH_NUM["sept"] = 9
_MON = r"(?P<{n}>" + "|".join(sorted(_MONTH_NUM, key=len, reverse=True)) + r")\.?"


class DateParseError(HubbotError):
    """The text is not a date hubbot understands; the message is the short reason (a
    signal inside the core, which always catches it)."""


def _mon(name: str) -> str:
    return _MON.format(n=name)


# A single date, without year ("partial") or with one. Each pattern names d, m, y.
_DAY_FIRST = r"(?P<d{s}>\d{{1,2}})(?:st|nd|rd|th)?\s+" + _mon("m{s}") + r"(?:,?\s+(?P<y{s}>\d{{4}}))?"
_MONTH_FIRST = _mon("m{s}") + r"\s+(?P<d{s}>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y{s}>\d{{4}}))?"
_ISO = r"(?P<y{s}>\d{{4}})-(?P<m{s}>\d{{1,2}})-(?P<d{s}>\d{{1,2}})"
_NUMERIC = r"(?P<d{s}>\d{{1,2}})[-./](?P<m{s}>\d{{1,2}})[-./](?P<y{s}>\d{{4}})"
_SINGLE_FORMS = [_ISO, _NUMERIC, _DAY_FIRST, _MONTH_FIRST]
_SEP = r"\s*(?:-|–|—|\bto\b)\s*"


class _Pattern:
    """A date form's regular expression, compiled when first used: most pages meet a few
    of the forms, and compiling all of them was most of hubbot's start-up time."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def match(self, text: str) -> re.Match[str] | None:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, re.IGNORECASE)
        return compiled.match(text)


def _compile(form: str) -> _Pattern:
    return _Pattern(r"^" + form + r"$")


# The first part of a date names its form exactly, by the digits it starts with: none
# (month first), four ("2021-11-27"), or one or two followed by "-", "." or "/" (day
# first, numeric) or by anything else (day first, month named). Only the patterns of
# that form are tried: the others cannot match.
_FORM_NAMES = ("iso", "numeric", "day", "month")
_LEADING_DIGITS = re.compile(r"\d*")


def _first_form(text: str) -> str | None:
    lead = _LEADING_DIGITS.match(text).end()  # type: ignore[union-attr]  # \d* always matches
    if lead == 0:
        return "month"
    if lead == 4:
        return "iso"
    if lead <= 2:
        return "numeric" if text[lead:lead + 1] in ("-", ".", "/") else "day"
    return None


_SINGLE = {name: _compile(f.format(s="")) for name, f in zip(_FORM_NAMES, _SINGLE_FORMS,
                                                             strict=True)}
_RANGES = {name: [_compile(a.format(s="") + _SEP + b.format(s="2")) for b in _SINGLE_FORMS]
           for name, a in zip(_FORM_NAMES, _SINGLE_FORMS, strict=True)}
# "24–26 June 2022" (starts with a day), "June 24-26, 2022" (with the month), "24-26 June"
# (context year)
_DAY_RANGE_DAY = _compile(r"(?P<d>\d{1,2})" + _SEP + r"(?P<d2>\d{1,2})\s+" + _mon("m")
                          + r"(?:,?\s+(?P<y>\d{4}))?")
_DAY_RANGE_MONTH = _compile(_mon("m") + r"\s+(?P<d>\d{1,2})" + _SEP
                            + r"(?P<d2>\d{1,2})(?:,?\s+(?P<y>\d{4}))?")
_MONTH_YEAR = _compile(_mon("m") + r",?\s+(?P<y>\d{4})")
_ISO_MONTH = _compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})")
_YEAR = _compile(r"(?P<circa>(?:c\.|ca\.|circa)\s*)?\(?(?P<y>\d{4})\)?")
_UNKNOWN = _compile(r"(?:\(?(?:tbd|tba|tbc|to be (?:decided|determined|announced|confirmed))"
                    r"\)?|\?|unknown)")
_MARK = r"\(?\s*(?:tbc|tba|tbd|to be (?:confirmed|announced|decided|determined)|tentative" \
        r"|provisional)\s*\)?"
_TENTATIVE = [_Pattern(r"^" + _MARK + r"\s*:?\s+(?P<rest>\S.*)$"),
              _Pattern(r"^(?P<rest>.*?\S)\s*,?\s*" + _MARK + r"$")]
_Y = r"(?:,?\s+(?:of\s+)?(?P<y>\d{4}))?"
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON = _compile(r"(?P<s>spring|summer|autumn|fall|winter)" + _Y
                   + r"(?:\s*[-–/]\s*(?P<y2>\d{2}|\d{4}))?")
_QUARTER = _compile(r"(?:(?:q(?P<q>[1-4])|(?P<n>first|second|third|fourth)\s+quarter)" + _Y
                    + r"|(?P<y2>\d{4})\s*[-/]?\s*q(?P<q2>[1-4]))")
_PARTS = {"early": 1, "mid": 5, "late": 9}
_PART = _compile(r"(?P<p>early|mid|late)(?:[\s-]*(?P<y>\d{4}))?")
_MONTH_RANGE = _compile(_mon("m") + r"(?:,?\s+(?P<y>\d{4}))?" + _SEP + _mon("m2")
                        + r"(?:,?\s+(?P<y2>\d{4}))?")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _word(table: dict[str, int], value: str) -> int:
    """``table``'s number for ``value``, a word its IGNORECASE pattern matched: beside
    the ASCII letters any letter that matches one ("ſept", long s; "Aprıl", dotless i)."""
    found = table.get(value.lower())
    if found is None:
        found = next(n for word, n in table.items()
                     if re.fullmatch(re.escape(word), value, re.IGNORECASE))
    return found


def _month(value: str) -> int:
    if value.isdigit():
        return int(value)
    return _word(_MONTH_NUM, value.rstrip("."))


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

    Raises ``DateParseError`` with a short reason when the text is
    not a date, names a day that does not exist, or ends before it starts.
    """
    s = _clean(text)
    if not s:
        raise DateParseError("empty date")
    if _UNKNOWN.match(s):
        return DateSpan(None, None, Precision.UNKNOWN)
    low = s.casefold()
    for pattern in _TENTATIVE if ("tb" in low or "to be" in low or "tentative" in low
                                  or "provisional" in low) else ():
        m = pattern.match(s)
        if m:
            span = parse_date(m.group("rest"), context_year)
            if span.start is None:
                return span
            return replace(span, uncertain=True, tentative=True)
    if s.endswith("?") and not s.endswith(" ?") and len(s) > 1:
        # "27 November 2021?", "November 2021?", "2018?": the date itself is in doubt.
        span = _parse_certain(s[:-1].rstrip(), context_year)
        return replace(span, uncertain=True)
    return _parse_certain(s, context_year)


def _parse_certain(s: str, context_year: int | None) -> DateSpan:
    form = _first_form(s)
    m = _SINGLE[form].match(s) if form else None
    if m:
        y, inferred = _year(m.group("y"), context_year)
        return _span(_make(y, _month(m.group("m")), int(m.group("d"))), None, inferred)
    day_range = _DAY_RANGE_MONTH if form == "month" else \
        _DAY_RANGE_DAY if form in ("numeric", "day") else None
    m = day_range.match(s) if day_range else None
    if m:
        y, inferred = _year(m.group("y"), context_year)
        month = _month(m.group("m"))
        return _span(_make(y, month, int(m.group("d"))),
                     _make(y, month, int(m.group("d2"))), inferred)
    for pattern in _RANGES[form] if form else ():
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
    return _parse_vague(s, context_year)


def _months(y1: int, m1: int, y2: int, m2: int, precision: Precision,
            inferred: bool) -> DateSpan:
    """The span from the first day of month ``m1`` to the last day of month ``m2``."""
    if not (1 <= y1 <= 9999 and 1 <= y2 <= 9998):
        raise DateParseError("no such year")
    start = date(y1, m1, 1)
    end = date.fromordinal(date(y2 + m2 // 12, m2 % 12 + 1, 1).toordinal() - 1)
    if end < start:
        raise DateParseError("end before start")
    return DateSpan(start, end, precision, uncertain=True, year_inferred=inferred)


def _parse_vague(s: str, context_year: int | None) -> DateSpan:
    """Seasons, quarters, parts of a year and month ranges (see the module docstring)."""
    m = _SEASON.match(s)
    if m:
        first = _word(_SEASONS, m.group("s"))
        y, inferred = _year(m.group("y"), context_year)
        if first != 12:
            return _months(y, first, y, first + 2, Precision.SEASON, inferred)
        if m.group("y2"):  # "Winter 2025–26": December 2025 to February 2026
            return _months(y, 12, y + 1, 2, Precision.SEASON, inferred)
        return _months(y - 1, 12, y, 2, Precision.SEASON, inferred)
    m = _QUARTER.match(s)
    if m:
        q = int(m.group("q") or m.group("q2") or _word(_ORDINALS, m.group("n")))
        y, inferred = _year(m.group("y") or m.group("y2"), context_year)
        return _months(y, 3 * q - 2, y, 3 * q, Precision.QUARTER, inferred)
    m = _PART.match(s)
    if m:
        first = _word(_PARTS, m.group("p"))
        y, inferred = _year(m.group("y"), context_year)
        return _months(y, first, y, first + 3, Precision.PART, inferred)
    m = _MONTH_RANGE.match(s)
    if m:
        y2, inferred = _year(m.group("y2"), context_year)
        m1, m2 = _month(m.group("m")), _month(m.group("m2"))
        y1 = int(m.group("y")) if m.group("y") else (y2 if m1 <= m2 else y2 - 1)
        return _months(y1, m1, y2, m2, Precision.MONTH, inferred)
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
    if span.precision is Precision.MONTH and end is not None:  # a month range
        if start.year == end.year:
            return f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 1]} {end.year}"
        return f"{MONTHS[start.month - 1]} {start.year} – {MONTHS[end.month - 1]} {end.year}"
    if span.precision is Precision.MONTH:
        if style is DateStyle.ISO:
            return f"{start.year:04d}-{start.month:02d}{q}"
        return f"{MONTHS[start.month - 1]} {start.year}{q}"
    if span.precision is Precision.SEASON:
        season = {3: "Spring", 6: "Summer", 9: "Autumn", 12: "Winter"}[start.month]
        return f"{season} {end.year if end else start.year}"
    if span.precision is Precision.QUARTER:
        return f"Q{(start.month + 2) // 3} {start.year}"
    if span.precision is Precision.PART:
        part = {1: "early", 5: "mid", 9: "late"}.get(start.month, "")
        return f"{part} {start.year}".strip()
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
