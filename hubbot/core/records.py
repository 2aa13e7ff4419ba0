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


class Precision(StrEnum):
    """How much of a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"  # "TBD": no date yet


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
    renderer, registered in ``hubbot.core.read`` and ``hubbot.core.render``."""

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
    ``start`` is the first day of that month or year.
    """

    start: date | None
    end: date | None = None
    precision: Precision = Precision.DAY
    uncertain: bool = False  # "2018?", "27 November 2021?"
    year_inferred: bool = False  # "February 21": year taken from context

    def sort_key(self) -> tuple[int, str, str]:
        if self.start is None:
            return (1, "", "")
        return (0, self.start.isoformat(), self.end.isoformat() if self.end else "")


@dataclass(frozen=True, slots=True)
class Link:
    target: str
    label: str


_DASHES = re.compile(r"[\u2010-\u2015]")


def normalize_title(title: str) -> str:
    """Identity form of a title: NFC, case-folded, whitespace and dashes collapsed."""
    text = _DASHES.sub("-", unicodedata.normalize("NFC", title))
    return " ".join(text.split()).casefold()


def slugify(name: str) -> str:
    """A stable key from a display name: "EA Regional and Thematic Hub (EARTH)" ->
    "ea-regional-and-thematic-hub-earth"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", "-", text.casefold(), flags=re.UNICODE)
    return text.strip("-_") or "hub"


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the "List of events about hubs" table."""

    when: DateSpan
    title: str
    links: tuple[Link, ...] = ()
    date_text: str = field(default="", compare=False)  # the date cell as written

    @property
    def key(self) -> tuple[str, str]:
        start = self.when.start.isoformat() if self.when.start else "TBD"
        return (start, normalize_title(self.title))


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
        return (self.when.start.isoformat() if self.when.start else "TBD",
                normalize_title(self.group))


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a page hubbot could not understand. Its row is kept verbatim."""

    page: str
    table: str  # "events", "hubs", "interviews", or "page" for page-level problems
    row: int | None  # 1-based data row number within the table, None for the whole table
    text: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.page}: {self.table} table"
        if self.row is not None:
            where += f" row {self.row}"
        snippet = " ".join(self.text.split())
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        return f"{where}: {self.reason}: {snippet!r}"


@dataclass(frozen=True, slots=True)
class Notice:
    """Something hubbot left as written on purpose, and says so: not a problem (the page
    reads fine, nothing needs fixing), so it makes no page need attention and no run fail.
    For example a date inside a translation unit, kept so that its translations stay
    current."""

    page: str
    table: str  # as in ``Problem``
    row: int | None
    text: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.page}: {self.table} table"
        if self.row is not None:
            where += f" row {self.row}"
        snippet = " ".join(self.text.split())
        return f"{where}: {self.reason}" + (f": {snippet!r}" if snippet else "")
