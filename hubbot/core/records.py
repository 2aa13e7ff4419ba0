"""Frozen records the core produces and compares: events, hubs, interviews, problems.

Identity is explicit (``Event.key``, ``Hub.key``). Fields marked ``compare=False`` hold
original wikitext or formatting that must survive a round trip but is not *data*: a
reformatted date or a re-spaced cell is not a change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = ["VAGUE", "DateSpan", "Event", "Hub", "HubType", "Interview", "Kind", "Link",
           "Precision", "Problem", "Severity", "Stage", "normalize_title", "notice", "slugify"]


class Precision(StrEnum):
    """How much of a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    SEASON = "season"  # "Spring 2026": three months (winter: December to February)
    QUARTER = "quarter"  # "Q3 2025"
    PART = "part"  # part of a year: "early 2026" (Jan-Apr), "mid" (May-Aug), "late" (Sep-Dec)
    UNKNOWN = "unknown"  # "TBD": no date yet


# Precisions whose text is kept as written (never made canonical): a season, quarter or
# part of a year says as much as the editor knows.
VAGUE = frozenset({Precision.SEASON, Precision.QUARTER, Precision.PART})
# Module-level names: an Enum member lookup on the class is slow in per-row code.
_DAY, _MONTH, _YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR


class Stage(StrEnum):
    """Normalized stage of a hub, in lifecycle order."""

    RESEARCH = "research"
    PLANNING = "planning"  # "Planning / Discussion" on Hubs/Ongoing
    PRE_PILOT = "pre-pilot"
    PILOT = "pilot"
    IMPLEMENTATION = "implementation"
    OPERATION = "operation"
    PAUSED = "paused"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # not read with certainty: never written over a known value


class Kind(StrEnum):
    """The kinds of table hubbot reads; each has one reader and (events, hubs) one
    renderer, registered in ``hubbot.core.read._fields`` and ``hubbot.core.write.order``."""

    EVENTS = "events"
    HUBS = "hubs"
    INTERVIEWS = "interviews"


class HubType(StrEnum):
    REGIONAL = "regional"
    THEMATIC = "thematic"
    LINGUISTIC = "linguistic"


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date or date range as written on the wiki, normalized.

    ``start`` is None only for ``Precision.UNKNOWN`` ("TBD"). For month or year precision
    ``start`` is the first day of that month or year. A span wider than a day that is
    not a day range ("June–July 2023", "Spring 2026", "Q3 2025", "early 2026") has
    ``end`` on the last day it covers.
    """

    start: date | None
    end: date | None = None
    precision: Precision = Precision.DAY
    uncertain: bool = False  # "2018?", "27 November 2021?", "2026 (TBC)", "Spring 2026"
    year_inferred: bool = False  # "February 21": year taken from context
    tentative: bool = False  # "2026 (TBC)", "TBA 2026": said to be unconfirmed in words

    @property
    def vague(self) -> bool:
        """A season, quarter, part of a year, month range or a date marked "TBC": its
        text is kept as written (``hubbot.core.write.dateedits`` never rewrites it)."""
        precision = self.precision
        return self.tentative or (precision is not _DAY and (
            precision in VAGUE or (precision is _MONTH and self.end is not None)))

    def last_day(self) -> date | None:
        """The last day the span covers."""
        if self.start is None or self.end is not None:
            return self.end
        if self.precision is _YEAR:
            return date(self.start.year, 12, 31)
        if self.precision is _MONTH:
            nxt = date(self.start.year + self.start.month // 12, self.start.month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return self.start

    def sort_key(self) -> tuple[int, str, int, int]:
        """Exact dates by their first day; a date known only to a month, season, quarter,
        part of a year or year after every exact date of the span it covers (by its last
        day), the narrower first: "30 June 2026", "June 2026", "Q2 2026", "1 July 2026"."""
        if self.start is None:
            return (1, "", 0, 0)
        if self.precision is _DAY:
            return (0, self.start.isoformat(), 0, 0)
        last = self.last_day() or self.start
        return (0, last.isoformat(), 1, -self.start.toordinal())


@dataclass(frozen=True, slots=True)
class Link:
    target: str
    label: str


_DASHES = re.compile(r"[\u2010-\u2015]")


def normalize_title(title: str) -> str:
    """Identity form of a title: NFC, case-folded, whitespace and dashes collapsed."""
    if title.isascii():  # already NFC, no dash to collapse (most titles)
        return " ".join(title.split()).casefold()
    text = _DASHES.sub("-", unicodedata.normalize("NFC", title))
    return " ".join(text.split()).casefold()


def slugify(name: str) -> str:
    """A stable key from a display name: "EA Regional and Thematic Hub (EARTH)" ->
    "ea-regional-and-thematic-hub-earth"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", "-", text.casefold(), flags=re.UNICODE)
    return text.strip("-_") or "hub"


def _when_key(when: DateSpan) -> str:
    """The date part of a record's identity: its first day ("TBD" without one); a vague
    date adds its precision ("Spring 2026" is not "March 2026")."""
    if when.start is None:
        return "TBD"
    if when.vague:
        return f"{when.start.isoformat()}/{when.precision.value}"
    return when.start.isoformat()


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the "List of events about hubs" table."""

    when: DateSpan
    title: str
    links: tuple[Link, ...] = ()
    date_text: str = field(default="", compare=False)  # the date cell as written

    @property
    def key(self) -> tuple[str, str]:
        return (_when_key(self.when), normalize_title(self.title))

    def redated(self, when: DateSpan, date_text: str) -> Event:
        """The event with its date cell rewritten (``dataclasses.replace``, without its
        look at every field: a large table rewrites thousands of dates)."""
        return Event(when, self.title, self.links, date_text)


@dataclass(frozen=True, slots=True)
class Hub:
    """One row of the ``Hubs/Ongoing`` registry."""

    key: str
    name: str
    types: frozenset[HubType]
    stage: Stage
    stage_raw: str = field(compare=False)
    scope_wikitext: str = field(default="", compare=False)
    details: str = field(default="", compare=False)
    page: str | None = None
    fiscal_sponsor: str | None = None
    legal_entity: str | None = None


@dataclass(frozen=True, slots=True)
class Interview:
    """One row of the ``Hubs/Dialogue`` interview table."""

    group: str
    persons: str
    when: DateSpan
    date_text: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (_when_key(self.when), normalize_title(self.group))

    def redated(self, when: DateSpan, date_text: str) -> Interview:
        """The interview with its date cell rewritten (see ``Event.redated``)."""
        return Interview(self.group, self.persons, when, date_text)


class Severity(StrEnum):
    """How much a finding matters: a *problem* is something hubbot could not read or
    do (reported until fixed); a *notice* is something it read or repaired but a person
    may want to know (listed, never a failure)."""

    PROBLEM = "problem"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a page hubbot could not understand. Its row is kept verbatim.

    ``reason`` and ``text`` name the problem by what does not move when rows are added
    above it (the row's own text, its section); row numbers are ``row`` and ``detail``,
    which are not part of its identity (``reportpage.problem_key``)."""

    page: str
    table: str  # "events", "hubs", "interviews", or "page" for page-level problems
    row: int | None  # rendered row number within the table, None for the whole table
    text: str
    reason: str
    detail: str = field(default="", compare=False)  # "rows 2–8": where, as of this read
    severity: Severity = Severity.PROBLEM

    def __str__(self) -> str:
        where = f"{self.page}: {self.table} table"
        if self.row is not None:
            where += f" row {self.row}"
        snippet = " ".join(self.text.split())
        if len(snippet) > 80:
            snippet = snippet[:79] + "…"
        detail = f" ({self.detail})" if self.detail else ""
        label = "notice: " if self.severity is Severity.NOTICE else ""
        return f"{where}: {label}{self.reason}: {snippet!r}{detail}"


def notice(page: str, table: str, row: int | None, text: str, reason: str,
           detail: str = "") -> Problem:
    """A finding of severity ``NOTICE`` (see ``Severity``)."""
    return Problem(page, table, row, text, reason, detail, Severity.NOTICE)
