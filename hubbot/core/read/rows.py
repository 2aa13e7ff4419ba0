"""Read one recognised table: rows into header, section, record or problem rows.

Every row MediaWiki renders is accounted for: a header row, a section row (a row whose
one cell spans the table, or a header row after data rows), a record, or a problem that
names the page, the table, the row (as MediaWiki numbers it: the table's first rendered
row is row 1) and the cell it could not read. Rows joined by ``rowspan`` share a block;
a year section ("2022") gives its year to dates written without one. A row's date cell is
read here, once (``Context.date``): flattened once, its date parsed once, and kept on the
row as a ``DateCell``, from which the writing stage decides a rewrite.

Each kind's reader (rows -> records) lives in ``hubbot.core.read._fields`` (``READERS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from hubbot.core.dates import DateParseError, parse_date
from hubbot.core.options import TableOptions
from hubbot.core.read._scan import Cell, Row, Table
from hubbot.core.read.cells import (
    Flat,
    flatten,
    quote,
    visible,
)
from hubbot.core.records import (
    DateSpan,
    Event,
    Hub,
    Interview,
    Kind,
    Problem,
    Stage,
    notice,
)
from hubbot.core.regions import Region

if TYPE_CHECKING:
    from hubbot.core.write.dateedits import DateEdit

__all__ = ["DATA_KINDS", "Context", "DateCell", "ParsedRow", "ParsedTable", "Reader",
           "RowAccount", "RowKind", "header_names", "read_date", "read_table"]


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
    text (``cells.OPAQUE`` where a template hubbot does not interpret stands)."""

    kind: str
    cells: tuple[str, ...]


class DateCell(NamedTuple):
    """A row's date cell as ``Context.date`` read it, once: what the writing stage needs
    to decide a rewrite (``hubbot.core.write.dateedits``) and to read its result again."""

    cell: Cell  # where the cell's bytes are (``text[cell.start:cell.end]``)
    text: str  # its visible text (``cells.visible``): what the date is read from, a record's
    # ``date_text``
    year: int | None  # the year ``parse_date`` was given (the section's, else the context's)
    span: DateSpan | None  # the date read; None when it does not read (a problem says why)
    from_section: bool = False  # written without its year, which the year section gave


@dataclass(slots=True)
class ParsedRow:
    """One row of a recognised table, with what it became."""

    row: Row
    number: int  # MediaWiki's row number in the table (1-based), 0 if not rendered
    kind: RowKind
    source: str = ""  # the page's text (shared, not a copy): ``shown`` is read from it
    # logical cells, rowspans resolved (the row's own list when nothing spans)
    cells: list[Cell] = field(default_factory=list)
    record: Event | Hub | Interview | None = None
    # A row's problems and notices (severity NOTICE), added with ``add_problem`` and
    # ``add_notice``: most rows have none, and share the empty tuple (no two empty lists
    # per row of a table of 50,000 rows).
    problems: Sequence[Problem] = ()
    notices: Sequence[Problem] = ()
    block: int = 0  # rows joined by a rowspan share a block number
    section: int = 0  # index of the section the row is in (0: before any section row)
    date: DateCell | None = None  # the row's date cell, for kinds with a date
    stuck: str = ""  # why a readable row must not move ("" if it may)
    date_edit: DateEdit | None = None  # planned for owned tables (``write.dateedits``)
    repair: bool = False  # the write inserts the "|-" this row lacks (``Row.joined``)

    def add_problem(self, problem: Problem) -> None:
        self.problems = [*self.problems, problem]

    def add_notice(self, problem: Problem) -> None:
        self.notices = [*self.notices, problem]

    @property
    def shown(self) -> tuple[str, ...]:
        """Each physical cell's visible text (computed when asked: a table of 50,000
        rows would otherwise keep 100,000 strings nobody reads)."""
        return tuple(flatten(self.source[c.start:c.end]).shown for c in self.row.cells)

    @property
    def quoted(self) -> str:
        """The row as an editor wrote it, for a problem: each cell quoted
        (``cells.quote``), joined by " || "."""
        return " || ".join(quote(self.source[c.start:c.end]) for c in self.row.cells)

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
    region: Region | None = None  # the bot-owned region the table is in, if any
    problems: list[Problem] = field(default_factory=list)  # table-level
    order: list[int] | None = None  # the row order a write gives (``write.order.plan_order``)
    # the options in effect for a table in a region; None outside one, or when its
    # marker's options are bad (then it is left exactly as it is)
    options: TableOptions | None = None

    @property
    def data_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.kind in DATA_KINDS]

    def rendered(self) -> list[tuple[int, list[ParsedRow]]]:
        """Each row MediaWiki renders: its number and the rows hubbot read in it (two
        when data cells share the header's row, see ``Row.joined``)."""
        out: list[tuple[int, list[ParsedRow]]] = []
        for r in self.rows:
            if r.kind is EMPTY:
                continue
            if r.row.joined and out:
                out[-1][1].append(r)
            else:
                out.append((r.number, [r]))
        return out

    def accounting(self) -> list[RowAccount]:
        """One entry per row MediaWiki renders, in order (a row ``joined`` to the header
        row is rendered in the header's <tr>: one entry, of the data row's kind)."""
        return [RowAccount(parts[-1].kind.value, sum((r.shown for r in parts), ()))
                for _, parts in self.rendered()]


@dataclass
class Context:
    """What a row reader needs besides the row."""

    page: str
    text: str
    kind: Kind
    columns: dict[str, int]
    context_year: int | None
    stage_aliases: Mapping[str, Stage] | None = None
    # the dates read in this table, by visible text and year: rows that write the same
    # date share one ``DateSpan`` (``read_date``), read once
    spans: dict[tuple[str, int | None], DateSpan] = field(default_factory=dict)

    def cell_text(self, cell: Cell) -> str:
        return self.text[cell.start:cell.end]

    def flat(self, pr: ParsedRow, column: str) -> Flat:
        return flatten(self.cell_text(pr.cells[self.columns[column]]))

    def problem(self, pr: ParsedRow, reason: str, text: str | None = None) -> None:
        """A problem on the row; ``text`` quotes what the editor wrote (``quote``),
        the whole row by default."""
        shown = text if text is not None else pr.quoted
        pr.add_problem(Problem(self.page, self.kind.value, pr.number, shown, reason))

    def date(self, pr: ParsedRow, column: str, year: int | None) -> DateCell:
        """The one reading of a date cell: flattened once, its visible text parsed once
        (``year``: the section's year, for a date written without one), kept on the row
        (``pr.date``). A date that does not read is a problem quoting the cell."""
        cell = pr.cells[self.columns[column]]
        content = self.cell_text(cell)
        given = year if year is not None else self.context_year
        pr.date, error = read_date(cell, content, given, from_section=year is not None,
                                   known=self.spans)
        if error is not None:
            self.problem(pr, f"bad date ({error})", quote(content))
        return pr.date


def read_date(cell: Cell, content: str, year: int | None, *, from_section: bool = False,
              known: dict[tuple[str, int | None], DateSpan] | None = None
              ) -> tuple[DateCell, DateParseError | None]:
    """A date cell's wikitext (``content``, the bytes of ``cell``) read: its visible text
    flattened once and parsed once (``year`` for a date written without one;
    ``from_section``: that year is the section's). The one reading of a date cell, for
    the text read (``Context.date``) and for a cell's text after a date edit
    (``write.written_records``); the error when the date does not read. ``known``: the
    dates read before, by visible text and year (``Context.spans``): a text read before
    is not parsed again, and its cells share its ``DateSpan``."""
    shown = flatten(content).text
    span = known.get((shown, year)) if known is not None else None
    if span is None:
        try:
            span = parse_date(shown, year)
        except DateParseError as exc:
            # A fresh error, never raised: the one caught holds its traceback, whose
            # frames hold the whole read (a cycle through the caller's ``error``: the
            # parse would live until a full collection).
            return DateCell(cell, shown, year, None), DateParseError(*exc.args)
        if known is not None:
            known[shown, year] = span
    return DateCell(cell, shown, year, span, span.year_inferred and from_section), None


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


Reader = Callable[[Context, ParsedRow, int | None], None]


def read_table(ctx: Context, table: Table, width: int, reader: Reader) -> list[ParsedRow]:
    """Every row of ``table`` read (see the module docstring); ``reader`` turns a data
    row into a record (``hubbot.core.read._fields.READERS[kind]``)."""
    text = ctx.text
    rows: list[ParsedRow] = []
    carried: dict[int, tuple[Cell, int, int]] = {}  # column -> (cell, rows left, block)
    number = block = section = 0
    seen_data = False
    year: int | None = None
    for row in table.rows:
        kind = _classify_row(row, width, seen_data)
        if kind is not EMPTY and not row.joined:  # a joined row is in the header's <tr>
            number += 1
        if kind is not None:
            if kind is SECTION:
                section += 1
                shown = (flatten(text[c.start:c.end]).shown for c in row.cells)
                m = _YEAR.match(visible(" ".join(shown)))
                year = int(m.group(1)) if m else None
                _close_spans(rows, carried)  # a rowspan never reaches across a section row
            rows.append(ParsedRow(row, number if kind is not EMPTY else 0, kind,
                                  text, section=section))
            continue
        seen_data = True
        # Most rows: no span from above, none in the row: its own cells, the list shared.
        plain = not carried and not row.has_attrs
        cells, row_block = (row.cells, None) if plain else _resolve_spans(row, carried, width)
        if row_block is None:
            block += 1
            row_block = block
        if row.has_attrs:
            for i, cell in enumerate(cells):
                if cell.span("row") > 1 and cell in row.cells:
                    carried[i] = (cell, cell.span("row") - 1, row_block)
        logical = len(cells) if plain else _width(cells)
        pr = ParsedRow(row, number, PROBLEM, text, cells, block=row_block,
                       section=section)
        if logical > width and all(c.span("col") == 1 for c in cells[:width]):
            # MediaWiki renders the extra cells; the row is read by the header's columns
            # and keeps its extra cells (its bytes move as one).
            extra = [c for c in cells[width:] if c in row.cells]
            pr.cells = cells[:width]
            if extra:
                pr.add_notice(notice(
                    ctx.page, ctx.kind.value, number,
                    " || ".join(quote(text[c.start:c.end]) for c in extra),
                    f"more cells than the header's {width} columns: read by its first "
                    f"{width}, the extra cells kept with the row"))
            reader(ctx, pr, year)
        elif logical != width:
            ctx.problem(pr, f"wrong number of cells: expected {width}, got {logical}")
        elif len(cells) != width:
            ctx.problem(pr, "a cell spans several columns; hubbot cannot tell which")
        else:
            reader(ctx, pr, year)
        if pr.record is not None:
            pr.kind = RECORD
        rows.append(pr)
    _close_spans(rows, carried)
    return rows


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
