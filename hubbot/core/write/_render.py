"""Write normalized tables back into their bot-owned regions, splicing bytes.

The renderer edits the page it was given rather than regenerating it: the table's opening
line, caption, header and section rows stay where they are, each data row keeps its own
bytes (links, attributes, translation markers) and only moves within its section, in the
order ``order.plan_order`` gives, and only a date cell whose visible text is not canonical
is rewritten (``dateedits``). Everything outside the regions is byte-identical, and for a
page already normalized the output is the input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubbot.core.read.rows import DATA_KINDS, ParsedTable, read_date
from hubbot.core.records import DateSpan, Event, Hub, Interview, Kind
from hubbot.core.write.dateedits import DateEdit
from hubbot.core.write.order import SORT_KEYS, plan_order
from hubbot.errors import RegionError, TableError

if TYPE_CHECKING:
    from hubbot.core.read import ParsedPage

__all__ = ["render_page", "written_records"]

_DATED = (Event, Interview)  # the records a date edit may redate


def _row_end(pt: ParsedTable, i: int) -> int:
    rows = pt.table.rows
    return rows[i + 1].start if i + 1 < len(rows) else pt.table.tail_start


def _applied_edit(pt: ParsedTable, i: int) -> DateEdit | None:
    """Row ``i``'s date edit when the write applies it (it lies within the row's bytes)."""
    edit = pt.rows[i].date_edit
    row = pt.table.rows[i]
    if edit is not None and row.start <= edit.start <= edit.end <= _row_end(pt, i):
        return edit
    return None


class _Splice:
    """A new text made of ranges of ``text`` and inserted strings, joined once at the end:
    adjacent ranges are one slice (a table of 50,000 rows moves a few rows: its output is
    a few long slices, and a text left as it is is ``text`` itself)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pieces: list[str] = []
        self.start = self.end = 0  # the range being kept, not yet sliced

    def keep(self, start: int, end: int) -> None:
        """Append ``text[start:end]``."""
        if start != self.end:
            self._flush()
            self.start = start
        self.end = end

    def insert(self, new: str) -> None:
        self._flush()
        self.pieces.append(new)

    def _flush(self) -> None:
        if self.end > self.start:
            self.pieces.append(self.text[self.start:self.end])
        self.start = self.end

    def result(self) -> str:
        self._flush()
        return "".join(self.pieces)


def _splice_table(out: _Splice, pt: ParsedTable) -> None:
    """Append the table's new wikitext, from its ``{|`` to its ``|}``, to ``out``: each
    row's bytes (from its start to the next row's start, or the table's tail) in the new
    order, with its date edit."""
    table = pt.table
    if not table.closed:
        raise TableError("", f"the {pt.kind} table is not closed with |}}")
    rows = table.rows
    if not rows:
        out.keep(table.start, table.end)
        return
    order = pt.order if pt.order is not None else plan_order(pt, "")[0]
    if sorted(order) != list(range(len(rows))):  # a bug, never a user error
        raise TableError("", f"{pt.kind} table: rows would be lost or doubled")
    newline = "\r\n" if "\r\n" in out.text[table.start:table.end] else "\n"
    out.keep(table.start, rows[0].start)
    for position, index in enumerate(order):
        pr, row = pt.rows[index], rows[index]
        if (index != position and pr.kind in DATA_KINDS and row.separator is None) \
                or pr.repair:
            # it no longer follows the header (or shared the header's row): its own row
            out.insert("|-" + newline)
        end = _row_end(pt, index)
        edit = _applied_edit(pt, index)
        if edit is None:
            out.keep(row.start, end)
        else:
            out.keep(row.start, edit.start)
            out.insert(edit.new)
            out.keep(edit.end, end)
    out.keep(table.tail_start, table.end)


def render_page(parsed: ParsedPage) -> str:
    """The page with every table inside a bot-owned region normalized.

    Raises ``RegionError`` when a region's markers are broken (missing end marker,
    markers twice...) and ``TableError`` when a table in a region cannot be written (not
    closed; or a bug that would lose or double a row: refused rather than lose data):
    no output for the page.
    Tables outside regions are read but never written.
    """
    if parsed.region_errors:
        name, reason = sorted(parsed.region_errors.items())[0]
        raise RegionError(parsed.title, f"{name} region: {reason}; refusing to write "
                          "the page")
    text = parsed.text
    out = _Splice(text)
    pos = 0
    for pt in sorted(parsed.tables, key=lambda t: t.table.start):
        if not _owned(pt):
            continue  # not owned, or its marker's options are bad: left as it is
        out.keep(pos, pt.table.start)
        _splice_table(out, pt)
        pos = pt.table.end
    out.keep(pos, len(text))
    return out.result()


def _owned(pt: ParsedTable) -> bool:
    """A table ``render_page`` writes."""
    return pt.region is not None and pt.kind in SORT_KEYS and pt.options is not None


def written_records(parsed: ParsedPage) -> dict[Kind, list[Event | Hub | Interview]] | None:
    """The records ``parse_page`` would read from ``render_page(parsed)``, without reading
    that text again: the write moves rows within their sections (a record does not
    depend on its place there) and rewrites date cells, so each row whose date cell is
    rewritten has its date read again from the cell's new text, as ``Context.date``
    reads it, and every other record stays. None when this cannot be told so simply (a
    data row joined to the header row, a rewritten date cell that other rows share by
    rowspan, a new date that does not read): then the caller reads the new text."""
    out: dict[Kind, list[Event | Hub | Interview]] = {kind: [] for kind in Kind}
    text = parsed.text
    for pt in parsed.tables:
        records = out[pt.kind]
        if not _owned(pt) or not pt.table.rows:
            records.extend(r.record for r in pt.rows if r.record is not None)
            continue
        edited: dict[int, DateEdit] = {}
        rowspans = False  # a cell with attributes: a rowspan may share a date cell
        for i, pr in enumerate(pt.rows):
            if pr.row.joined:
                return None
            rowspans = rowspans or pr.row.has_attrs
            edit = _applied_edit(pt, i)
            if edit is not None:
                edited[i] = edit
        if edited and rowspans:
            cells = {(d.cell.start, d.cell.end) for i, pr in enumerate(pt.rows)
                     if i not in edited and (d := pr.date) is not None}
            if any((d.cell.start, d.cell.end) in cells for i in edited
                   if (d := pt.rows[i].date) is not None):
                return None
        # the new dates, each read once; a date a row of the table reads already (a row
        # written as the edit writes it) is not parsed again (gathered only for edits)
        spans: dict[tuple[str, int | None], DateSpan] = {
            (d.text, d.year): d.span for pr in pt.rows
            if (d := pr.date) is not None and d.span is not None} if edited else {}
        for i, pr in enumerate(pt.rows):
            record = pr.record
            if record is None:
                continue
            edit = edited.get(i)
            if edit is not None:
                date = pr.date
                if date is None or not isinstance(record, _DATED) or \
                        not date.cell.start <= edit.start <= edit.end <= date.cell.end:
                    return None
                cell = date.cell
                again, error = read_date(cell, text[cell.start:edit.start] + edit.new
                                         + text[edit.end:cell.end], date.year, known=spans)
                if error is not None or again.span is None:
                    return None
                record = record.redated(again.span, again.text)
            records.append(record)
    return out
