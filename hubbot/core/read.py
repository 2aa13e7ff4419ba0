"""Read one recognised table: rows into header, section, record or problem rows.

Every row MediaWiki renders is accounted for: a header row, a section row (a row whose
one cell spans the table, or a header row after data rows), a record, or a problem that
names the page, the table, the row (as MediaWiki numbers it: the table's first rendered
row is row 1) and the cell it could not read. Rows joined by ``rowspan`` share a block;
a year section ("2022") gives its year to dates written without one.

Kinds are registered in ``READERS``: one reader per ``Kind``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hubbot.core.dates import DateParseError, parse_date
from hubbot.core.records import (
    DateSpan,
    Event,
    Hub,
    Interview,
    Kind,
    Problem,
    Stage,
    slugify,
)
from hubbot.core.tables import Cell, Row, Table
from hubbot.core.vocabulary import read_stage, read_types
from hubbot.core.wikitext import (
    Flat,
    flatten,
    title_without_trailing_links,
    visible,
    without_mylanguage,
)


class RowKind(StrEnum):
    HEADER = "header"
    SECTION = "section"
    RECORD = "record"
    PROBLEM = "problem"
    EMPTY = "empty"  # a "|-" with no cells: MediaWiki renders nothing


# Module-level names for the members: an Enum member lookup on the class is slow in the
# loops below (one per row of tables with 50,000 rows).
HEADER, SECTION, RECORD, PROBLEM, EMPTY = (RowKind.HEADER, RowKind.SECTION, RowKind.RECORD,
                                           RowKind.PROBLEM, RowKind.EMPTY)
DATA_KINDS = (RECORD, PROBLEM)


@dataclass(frozen=True, slots=True)
class RowAccount:
    """One rendered row as hubbot read it: its kind and each physical cell's visible
    text (``wikitext.OPAQUE`` where a template hubbot does not interpret stands)."""

    kind: str
    cells: tuple[str, ...]


@dataclass(slots=True)
class ParsedRow:
    """One row of a recognised table, with what it became."""

    row: Row
    number: int  # MediaWiki's row number in the table (1-based), 0 if not rendered
    kind: RowKind
    shown: tuple[str, ...] = ()
    cells: list[Cell] = field(default_factory=list)  # logical cells, rowspans resolved
    record: Event | Hub | Interview | None = None
    problems: list[Problem] = field(default_factory=list)
    block: int = 0  # rows joined by a rowspan share a block number
    section: int = 0  # index of the section the row is in (0: before any section row)
    date_cell: Cell | None = None
    date_span: DateSpan | None = None
    year_from_section: bool = False
    stuck: str = ""  # why a readable row must not move ("" if it may)
    date_edit: object | None = None  # hubbot.core.datecell.DateEdit, set for owned tables

    @property
    def movable(self) -> bool:
        return self.record is not None and not self.stuck


@dataclass
class ParsedTable:
    kind: Kind
    table: Table
    columns: dict[str, int]
    width: int
    rows: list[ParsedRow]
    region: object | None = None  # hubbot.core.regions.Region when inside one
    problems: list[Problem] = field(default_factory=list)  # table-level
    order: list[int] | None = None  # the row order a write gives (``order.plan_order``)

    @property
    def data_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.kind in DATA_KINDS]

    def accounting(self) -> list[RowAccount]:
        """One entry per row MediaWiki renders, in order."""
        return [RowAccount(r.kind.value, r.shown) for r in self.rows
                if r.kind is not EMPTY]


@dataclass
class Context:
    """What a row reader needs besides the row."""

    page: str
    text: str
    kind: Kind
    columns: dict[str, int]
    context_year: int | None
    stage_aliases: Mapping[str, Stage] | None = None

    def cell_text(self, cell: Cell) -> str:
        return self.text[cell.start:cell.end]

    def flat(self, pr: ParsedRow, column: str) -> Flat:
        return flatten(self.cell_text(pr.cells[self.columns[column]]))

    def problem(self, pr: ParsedRow, reason: str, text: str | None = None) -> None:
        shown = text if text is not None else " || ".join(pr.shown)
        pr.problems.append(Problem(self.page, self.kind.value, pr.number, shown, reason))

    def date(self, pr: ParsedRow, column: str, year: int | None) -> DateSpan | None:
        cell = pr.cells[self.columns[column]]
        pr.date_cell = cell
        shown = flatten(self.cell_text(cell)).text
        try:
            pr.date_span = parse_date(shown, year if year is not None else self.context_year)
        except DateParseError as exc:
            self.problem(pr, f"bad date ({exc})", shown)
            return None
        pr.year_from_section = pr.date_span.year_inferred and year is not None
        return pr.date_span


def _read_event(ctx: Context, pr: ParsedRow, year: int | None) -> None:
    when = ctx.date(pr, "date", year)
    flat = ctx.flat(pr, "event")
    title = title_without_trailing_links(flat)
    if not title:
        if flat.links:
            title = flat.links[0].label
        else:
            ctx.problem(pr, "empty event title")
            return
    if when is None:
        return
    date_text = flatten(ctx.cell_text(pr.date_cell)).text if pr.date_cell else ""
    raw = ctx.cell_text(pr.cells[ctx.columns["event"]]).strip()
    pr.record = Event(when, title, tuple(flat.links), date_text, raw)
    if year is not None and when.start is not None and not pr.year_from_section:
        last = (when.end or when.start).year
        if not when.start.year <= year <= last:
            pr.stuck = "its date is outside its section"
            ctx.problem(pr, f"date outside its section ({year})", date_text)


_NAME = r"([^.;,()\n]+?)"
_FISCAL = [re.compile(_NAME + r"\s+is\s+the\s+fiscal\s+sponsor", re.I),
           re.compile(r"fiscal\s+sponsor(?:\s+is|:)\s*" + _NAME + r"\s*(?:[.;,()]|$)", re.I)]
_LEGAL = [re.compile(r"legally\s+registered\s+as\s+" + _NAME + r"\s*(?:[.;,()]|$)", re.I),
          re.compile(r"legal\s+entity:\s*" + _NAME + r"\s*(?:[.;,()]|$)", re.I)]


def _first_match(patterns: list[re.Pattern[str]], text: str) -> str | None:
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return m.group(1).strip()
    return None


def _read_hub(ctx: Context, pr: ParsedRow, year: int | None) -> None:
    scope_raw = ctx.cell_text(pr.cells[ctx.columns["scope"]])
    scope = flatten(scope_raw)
    name = scope.text
    if not name:
        ctx.problem(pr, "empty scope", scope.shown)
        return
    type_text = ctx.flat(pr, "type").text
    types = read_types(type_text)
    if not types:
        ctx.problem(pr, f"unrecognised type {type_text!r} of hub {name}", type_text)
    status = ctx.flat(pr, "status")
    stage = read_stage(status.text, ctx.stage_aliases, opaque=status.opaque)
    if stage is Stage.UNKNOWN:
        ctx.problem(pr, f"unrecognised status {status.shown!r} of hub {name}; "
                    "its status template keeps its current stage", status.shown)
    details_raw = ctx.cell_text(pr.cells[ctx.columns["details"]])
    details = flatten(details_raw).text
    page = next((without_mylanguage(link.target) for link in scope.links
                 if not link.target.startswith(("http:", "https:", "//"))), None)
    pr.record = Hub(
        key=slugify(name), name=name, types=types, stage=stage, stage_raw=status.text,
        scope_wikitext=scope_raw.strip(), details=details_raw.strip(), page=page,
        fiscal_sponsor=_first_match(_FISCAL, details),
        legal_entity=_first_match(_LEGAL, details),
    )


def _read_interview(ctx: Context, pr: ParsedRow, year: int | None) -> None:
    when = ctx.date(pr, "date", year)
    group = ctx.flat(pr, "name").text
    persons = ctx.flat(pr, "persons").text
    if when is None:
        return
    date_text = flatten(ctx.cell_text(pr.date_cell)).text if pr.date_cell else ""
    pr.record = Interview(group, persons, when, date_text)


Reader = Callable[[Context, ParsedRow, int | None], None]
READERS: dict[Kind, Reader] = {
    Kind.EVENTS: _read_event,
    Kind.HUBS: _read_hub,
    Kind.INTERVIEWS: _read_interview,
}

# --- rows, sections and rowspans ----------------------------------------------------------

_YEAR = re.compile(r"^(\d{4})$")


def _width(cells: list[Cell]) -> int:
    return sum(c.span("col") for c in cells)


def _classify_row(row: Row, width: int, seen_data: bool) -> RowKind | None:
    """Header, section or empty; None for a data row."""
    if not row.cells:
        return EMPTY
    if len(row.cells) == 1 and row.cells[0].span("col") >= width > 1:
        return SECTION
    if row.is_header:
        return SECTION if seen_data else HEADER
    return None


def read_table(ctx: Context, table: Table, width: int) -> tuple[list[ParsedRow],
                                                                 list[Problem]]:
    """Every row of ``table`` read (see the module docstring), and table-level problems."""
    text = ctx.text
    rows: list[ParsedRow] = []
    carried: dict[int, tuple[Cell, int, int]] = {}  # column -> (cell, rows left, block)
    number = block = section = 0
    seen_data = False
    year: int | None = None
    reader = READERS[ctx.kind]
    for row in table.rows:
        shown = tuple(flatten(text[c.start:c.end]).shown for c in row.cells)
        kind = _classify_row(row, width, seen_data)
        if kind is not EMPTY:
            number += 1
        if kind is not None:
            if kind is SECTION:
                section += 1
                m = _YEAR.match(visible(" ".join(shown)))
                year = int(m.group(1)) if m else None
                _close_spans(rows, carried)  # a rowspan never reaches across a section row
            rows.append(ParsedRow(row, number if kind is not EMPTY else 0, kind,
                                  shown, section=section))
            continue
        seen_data = True
        cells, row_block = _resolve_spans(row, carried, width)
        if row_block is None:
            block += 1
            row_block = block
        for i, cell in enumerate(cells):
            if cell in row.cells and cell.span("row") > 1:
                carried[i] = (cell, cell.span("row") - 1, row_block)
        pr = ParsedRow(row, number, PROBLEM, shown, cells, block=row_block,
                       section=section)
        logical = _width(cells)
        if logical != width:
            ctx.problem(pr, f"wrong number of cells: expected {width}, got {logical}")
        elif len(cells) != width:
            ctx.problem(pr, "a cell spans several columns; hubbot cannot tell which")
        else:
            reader(ctx, pr, year)
        if pr.record is not None:
            pr.kind = RECORD
        rows.append(pr)
    _close_spans(rows, carried)
    return rows, []


def _close_spans(rows: list[ParsedRow], carried: dict[int, tuple[Cell, int, int]]) -> None:
    """A rowspan asking for more rows than its section has: moving its block would let
    the span cover another row, so the block stays where it is."""
    open_blocks = {block for _, _, block in carried.values()}
    for pr in rows:
        if pr.block in open_blocks and pr.kind in DATA_KINDS:
            pr.stuck = pr.stuck or "its rowspan reaches past its section"
    carried.clear()


def _resolve_spans(row: Row, carried: dict[int, tuple[Cell, int, int]],
                   width: int) -> tuple[list[Cell], int | None]:
    """The row's logical cells, with cells spanned from rows above filled in."""
    cells: list[Cell] = []
    physical = list(row.cells)
    row_block: int | None = None
    col = 0
    while physical or col in carried:
        if col in carried:
            cell, left, owner = carried[col]
            cells.append(cell)
            row_block = owner if row_block is None else row_block
            if left <= 1:
                del carried[col]
            else:
                carried[col] = (cell, left - 1, owner)
            col += 1
        else:
            cell = physical.pop(0)
            cells.append(cell)
            col += cell.span("col")
        if col > width + len(row.cells) + 64:  # malformed: never loop forever
            break
    return cells, row_block


def header_names(text: str, table: Table) -> list[str] | None:
    """The visible text (casefolded) of each logical column of the table's first header
    row (a header cell spanning two columns names both), None without a header row."""
    header = next((r for r in table.rows if r.is_header and len(r.cells) > 1), None)
    if header is None:
        return None
    names: list[str] = []
    for c in header.cells:
        names += [flatten(text[c.start:c.end]).text.casefold()] * c.span("col")
    return names
