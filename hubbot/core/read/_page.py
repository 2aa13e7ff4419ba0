"""The page: a Hubs page's wikitext into records, problems and the map the writing
stage edits.

``parse_page`` is the one entry point. It never raises on bad wikitext: whatever it cannot
understand becomes a ``Problem`` naming the page, table and row, and the row is kept (the
renderer leaves it where it is). Regions come from ``regions``, tables from the line
scanner in ``_scan``, rows are read by ``rows`` and their fields by ``_fields``; the row
order a write would give is planned here too (``hubbot.core.write.order``), so a section
hubbot must leave unsorted is reported by every command, not only by a write, and so are
the date cell edits (``hubbot.core.write.dateedits``). The options in a region's start
marker (``options``) are read here, once: a table whose marker holds a word hubbot does
not know gets a problem and no options (``ParsedTable.options`` None), and is left
exactly as it is. On a translatable page the edits that would change a translation unit
are dropped here as well (``units.keep_units``), each with a notice.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from hubbot.core.options import OptionError, TableOptions, read_options, resolve
from hubbot.core.read._fields import READERS
from hubbot.core.read._mask import Mask
from hubbot.core.read._scan import Table, find_tables
from hubbot.core.read.rows import Context, ParsedRow, ParsedTable, RowKind, header_names, read_table
from hubbot.core.records import Event, Hub, Interview, Kind, Problem, Stage, notice
from hubbot.core.regions import (
    Markers,
    Region,
    RegionProblem,
    find_region,
    near_miss_markers,
)
from hubbot.core.units import Unit, blocks, extract_units, keep_units

# The reading stage plans the write (row order, date cell edits) so that every command
# reports what a write would do. The writing stage imports this stage's rows and cells;
# its modules are imported whole here and used when a page is read (no import cycle).
from hubbot.core.write import dateedits, order

__all__ = ["JOINED_PROBLEM", "REGION_KINDS", "REPAIR_NOTICE", "ParsedPage", "parse_page"]

REGION_KINDS = (Kind.EVENTS, Kind.HUBS)  # the kinds hubbot writes, in bot-owned regions


@dataclass
class ParsedPage:
    """Everything ``parse_page`` learnt about one page."""

    title: str
    text: str
    tables: list[ParsedTable]
    problems: list[Problem]
    regions: dict[str, Region]
    region_errors: dict[str, str]
    # what hubbot read or repaired but a person may want to know (severity NOTICE)
    notices: list[Problem] = field(default_factory=list)
    # the options in effect per region (None: the marker's options are bad)
    options: dict[str, TableOptions | None] = field(default_factory=dict)
    # the translation units of ``text`` (``units.extract_units``); None when not read
    # (unit changes allowed)
    units: list[Unit] | None = None

    def records(self, kind: Kind) -> list:
        return [r.record for t in self.tables if t.kind is kind
                for r in t.rows if r.record is not None]

    @property
    def events(self) -> list[Event]:
        return self.records(Kind.EVENTS)

    @property
    def hubs(self) -> list[Hub]:
        return self.records(Kind.HUBS)

    @property
    def interviews(self) -> list[Interview]:
        return self.records(Kind.INTERVIEWS)

    def option_lines(self) -> list[str]:
        """The options in effect per owned table, one line each, for the reviews and
        the report page: ``Hubs: events table: sort=newest dates=mdy``."""
        lines = []
        for name in sorted(self.options):
            opts = self.options[name]
            how = (opts.describe(Kind(name)) if opts is not None else
                   "its marker's options are not understood: left exactly as it is")
            lines.append(f"{self.title}: {name} table: {how}")
        return lines

    def option_effects(self) -> list[str]:
        """What options not at their default make this write do (``sorted newest
        first``): the words an edit summary adds."""
        out: list[str] = []
        for t in self.tables:
            if t.options is None or t.region is None:
                continue
            moved = t.order is not None and t.order != sorted(t.order)
            dated = any(r.date_edit is not None for r in t.rows)
            out += t.options.effects(moved=moved, dated=dated)
        return list(dict.fromkeys(out))

    def unreadable_rows(self, kind: Kind) -> int:
        """Rows of ``kind`` tables that gave no record."""
        return sum(1 for t in self.tables if t.kind is kind
                   for r in t.rows if r.kind is RowKind.PROBLEM)


_HEADERS: dict[Kind, dict[str, tuple[str, ...]]] = {
    Kind.EVENTS: {"date": ("date",), "event": ("event",)},
    Kind.HUBS: {"type": ("type",), "scope": ("scope",), "status": ("status",),
                "details": ("details",)},
    Kind.INTERVIEWS: {"name": ("name of the potential",),
                      "persons": ("interviewed persons",), "date": ("interview date",)},
}


def _classify(text: str, table: Table) -> tuple[Kind, dict[str, int], int] | None:
    """(kind, column index by field, number of columns) from the table's header row."""
    names = header_names(text, table)
    if names is None:
        return None
    for kind, wanted in _HEADERS.items():
        columns: dict[str, int] = {}
        for field_name, prefixes in wanted.items():
            for i, name in enumerate(names):
                if any(name == p or name.startswith(p) for p in prefixes):
                    columns[field_name] = i
                    break
        if len(columns) == len(wanted):
            return kind, columns, len(names)
    return None


def _regions(text: str, title: str, markers: Markers | None,
             problems: list[Problem]) -> tuple[dict[str, Region], dict[str, str]]:
    regions: dict[str, Region] = {}
    errors: dict[str, str] = {}
    for name in REGION_KINDS:
        try:
            region = find_region(text, name, markers)
        except RegionProblem as exc:
            errors[name] = str(exc)
            problems.append(Problem(title, name, None, "", str(exc)))
            continue
        if region is not None:
            regions[name] = region
    for comment in near_miss_markers(text, REGION_KINDS, markers):
        problems.append(Problem(title, "page", None, comment,
                                "comment looks like a hubbot marker but is not one; "
                                "the region it may mean is not written"))
    return regions, errors


def _options(title: str, text: str, regions: dict[str, Region],
             defaults: Mapping[Kind, Mapping[str, str]] | None,
             problems: list[Problem]) -> dict[str, TableOptions | None]:
    """The options in effect for each region's table; None (and a problem naming the
    page, the marker and each bad word) when its marker holds words hubbot does not
    know: that table is then left exactly as it is, no default applied."""
    out: dict[str, TableOptions | None] = {}
    for name, region in regions.items():
        kind = Kind(name)
        try:
            marker = read_options(region.options, kind)
        except OptionError as exc:
            out[name] = None
            problems.append(Problem(title, name, None, text[region.start:region.inner_start],
                                    f"{exc}; the {name} table is left exactly as it is "
                                    "until its start marker is fixed"))
            continue
        out[name] = resolve(kind, marker, (defaults or {}).get(kind))
    return out


def _duplicates(page: str, pt: ParsedTable) -> None:
    """A second row with the key of an earlier one is a problem, never merged: both
    records stay (the summary counts both; removing one is a change), and the app does
    not edit the hub page of a hub whose key is not unique."""
    seen: dict[object, ParsedRow] = {}
    for pr in pt.rows:
        record = pr.record
        if record is None:
            continue
        key = record.key
        first = seen.setdefault(key, pr)
        if first is pr:
            continue
        what = "hub key" if pt.kind is Kind.HUBS else "row"
        pr.add_problem(Problem(page, pt.kind.value, pr.number, pr.quoted,
                               f"duplicate {what} {key!r}",
                               detail=f"same as row {first.number}"))


REPAIR_NOTICE = ("repair: '|-' inserted after the header row (without it MediaWiki shows "
                 "this row's cells in the header)")
JOINED_PROBLEM = ("the header row is not followed by '|-': MediaWiki shows this row's cells "
                  "in the header row")


def _joined_rows(page: str, pt: ParsedTable) -> None:
    """Data cells written right after the header row without a "|-": MediaWiki shows them
    in the header's row. Inside a bot-owned region the write inserts the "|-" (a repair,
    listed as a notice); elsewhere it is a problem."""
    for pr in pt.rows:
        if not pr.row.joined:
            continue
        if pt.region is not None and pt.kind in order.SORT_KEYS:
            pr.repair = True  # unless it is inside a translation unit (units.keep_units)
            pr.add_notice(notice(page, pt.kind.value, pr.number, pr.quoted,
                                 REPAIR_NOTICE))
        else:
            pr.add_problem(Problem(page, pt.kind.value, pr.number, pr.quoted,
                                   JOINED_PROBLEM))


def parse_page(text: str, title: str, *, context_year: int | None = None,
               markers: Markers | None = None,
               stage_aliases: Mapping[str, Stage] | None = None,
               allow_unit_changes: bool = False,
               default_options: Mapping[Kind, Mapping[str, str]] | None = None
               ) -> ParsedPage:
    """Parse ``text`` (the wikitext of page ``title``). Never raises on bad wikitext.
    The planned edits keep every translation unit unless ``allow_unit_changes``.
    ``default_options`` are the config's options per table kind (``{"sort":
    "newest"}``, checked by ``options.read_options``); a region's marker wins."""
    with _no_gc_pauses():
        return _parse_page(text, title, context_year, markers, stage_aliases,
                           allow_unit_changes, default_options)


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Reading a large table makes hundreds of thousands of small objects and no cycles;
    the cyclic collector would walk all of them again and again (the cost per row grew
    with the table). It is paused while a page is read and restored after. The objects
    made meanwhile are then moved to the oldest generation without a walk (``freeze``,
    then ``unfreeze``): re-enabled, the collector would otherwise walk every one of them
    at its next young collection (about 0.3 s for 50,000 rows); only a full collection
    looks at them there."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _parse_page(text: str, title: str, context_year: int | None, markers: Markers | None,
                stage_aliases: Mapping[str, Stage] | None,
                allow_unit_changes: bool,
                default_options: Mapping[Kind, Mapping[str, str]] | None) -> ParsedPage:
    problems: list[Problem] = []
    notices: list[Problem] = []
    translate_blocks = blocks(text) if "<translate" in text else []
    units = [] if allow_unit_changes or not translate_blocks else \
        extract_units(text, translate_blocks)
    regions, region_errors = _regions(text, title, markers, problems)
    options = _options(title, text, regions, default_options, problems)
    parsed_tables: list[ParsedTable] = []
    for table in find_tables(text, Mask(text)):
        found = _classify(text, table)
        if found is None:
            continue
        kind, columns, width = found
        ctx = Context(title, text, kind, columns, context_year, stage_aliases)
        rows = read_table(ctx, table, width, READERS[kind])
        region = regions.get(kind)
        inside = region if region and region.inner_start <= table.start \
            and table.end <= region.inner_end else None
        pt = ParsedTable(kind, table, columns, width, rows, inside)
        _duplicates(title, pt)
        _joined_rows(title, pt)
        if inside is not None and kind in order.SORT_KEYS:
            pt.options = options.get(kind)
            if pt.options is None:  # bad options: left exactly as it is
                pt.order = list(range(len(rows)))
            else:
                dateedits.plan_date_edits(title, text, pt, pt.options.dates)
                pt.order, pt.problems = order.plan_order(pt, title, pt.options.sort)
                if translate_blocks:
                    notices.extend(keep_units(pt, title, units, translate_blocks))
        for pr in rows:
            problems.extend(pr.problems)
            notices.extend(pr.notices)
        problems.extend(pt.problems)
        parsed_tables.append(pt)

    for name, region in regions.items():
        if not any(t.region is region for t in parsed_tables):
            problems.append(Problem(title, name, None, text[region.inner_start:
                                    region.inner_end].strip()[:200],
                                    f"no {name} table in the region"))
    return ParsedPage(title, text, parsed_tables, problems, regions, region_errors, notices,
                      options, None if allow_unit_changes else units)
