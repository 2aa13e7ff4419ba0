"""Locate wikitext tables, rows and cells by byte offsets, in one linear pass.

MediaWiki itself reads table markup line by line (``doTableStuff``): a line starting with
``{|`` opens a table, ``|-`` starts a row, ``|+`` is a caption, ``!`` header cells, ``|``
data cells, ``|}`` closes; any other line continues the previous cell. This module does
the same, after masking the spans where table syntax does not count (comments,
``<nowiki>``/``<pre>``-like tags, template calls). ``{{!}}`` is ``|`` (MediaWiki expands
the magic word before it reads tables): ``{{!}}-`` separates rows and ``{{!}}{{!}}``
cells. A header row not followed by ``|-`` shares its ``<tr>`` with the data cells after
it: those become a row of their own marked ``joined``. Every piece is kept as offsets into
the original text, so callers can splice changes in and leave every other byte alone.
Cell *content* is read (with mwparserfromhell) by ``hubbot.core.read.cells``; a whole-page
mwparserfromhell parse is superlinear on large tables, this scanner is linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from hubbot.core.read._mask import PIPE, Mask

__all__ = ["Cell", "Row", "Table", "find_tables"]

_SPAN_ATTR = re.compile(r"\b(row|col)span\s*=\s*[\"']?\s*(\d+)", re.IGNORECASE)


@dataclass(slots=True)
class Cell:
    """One table cell. ``start``/``end`` delimit the cell's content, after attributes."""

    marker: str  # "!" header cell, "|" data cell
    start: int
    end: int
    attrs: str | None = None

    def span(self, which: str) -> int:
        """The cell's ``rowspan`` or ``colspan`` as MediaWiki reads it (1 if absent)."""
        if not self.attrs:  # most cells: asked once per row and kind of span
            return 1
        for m in _SPAN_ATTR.finditer(self.attrs):
            if m.group(1).lower() == which:
                return max(1, min(int(m.group(2)), 1000))
        return 1


@dataclass(slots=True)
class Row:
    """A table row: ``start``..``end`` is the row's whole chunk, including the ``|-`` line
    and any blank or comment-only lines just before it."""

    start: int
    end: int
    separator: int | None = None  # offset of the "|-" line, None if the row has none
    cells: list[Cell] = field(default_factory=list)
    # data cells written right after the header row without a "|-": MediaWiki renders
    # them in the header's <tr>; hubbot reads them as a row of their own
    joined: bool = False
    has_attrs: bool = False  # a cell has attributes (a rowspan or colspan, perhaps)

    @property
    def is_header(self) -> bool:
        cells = self.cells
        return bool(cells) and cells[0].marker == "!" and all(c.marker == "!" for c in cells)


@dataclass
class Table:
    """A top-level table. ``body_start`` is where the first row chunk starts (after the
    ``{|`` line and caption), ``tail_start`` where the trailing lines and ``|}`` start."""

    start: int
    end: int
    body_start: int
    tail_start: int
    rows: list[Row] = field(default_factory=list)
    closed: bool = True

    @property
    def data_rows(self) -> list[Row]:
        return [r for r in self.rows if r.cells and not r.is_header]


@lru_cache(maxsize=8)
def _separator_pattern(seps: tuple[str, ...]) -> re.Pattern[str]:
    pipe = r"(?:\||" + re.escape(PIPE) + ")"  # "{{!}}" is "|"
    return re.compile(r"\[\[|\]\]|" + "|".join(re.escape(s).replace(r"\|", pipe)
                                              for s in seps))


def _split_top_level(text: str, line_start: int, line_end: int, seps: tuple[str, ...],
                     mask: Mask) -> list[tuple[int, int]]:
    """Split text[line_start:line_end] on any of ``seps`` outside links and masked spans."""
    if len(seps) == 1:
        segment = text[line_start:line_end]
        if PIPE not in segment:
            # A plain split when no link and no masked span (a comment, a template...)
            # reaches a separator: every piece but the last is free of them (the last
            # holds no separator).
            sep = seps[0]
            pieces = segment.split(sep)
            if mask.clear(line_start, line_end - len(pieces[-1])) \
                    and ("[[" not in pieces[0] if len(pieces) == 2
                         else all("[[" not in piece for piece in pieces[:-1])):
                pos, out = line_start, []
                for piece in pieces:
                    out.append((pos, pos + len(piece)))
                    pos += len(piece) + len(sep)
                return out
    return _split_scanning(text, line_start, line_end, seps, mask)


def _split_scanning(text: str, line_start: int, line_end: int, seps: tuple[str, ...],
                    mask: Mask) -> list[tuple[int, int]]:
    """``_split_top_level`` token by token: links counted, masked spans skipped (what
    its plain split must agree with)."""
    parts: list[tuple[int, int]] = []
    pattern = _separator_pattern(seps)
    link_depth = 0
    seg_start = line_start
    pos = line_start
    while True:
        m = pattern.search(text, pos, line_end)
        if m is None:
            break
        if mask.covers(m.start()):
            pos = max(mask.end_of(m.start()), m.start() + 1)
            continue
        tok = m.group(0)
        if tok == "[[":
            link_depth += 1
        elif tok == "]]":
            link_depth = max(0, link_depth - 1)
        elif link_depth == 0:
            parts.append((seg_start, m.start()))
            seg_start = m.end()
        pos = m.end()
    parts.append((seg_start, line_end))
    return parts


def _make_cell(text: str, marker: str, start: int, end: int, mask: Mask) -> Cell:
    """Separate ``attrs |`` from a cell's content, as MediaWiki does."""
    bar, pipe = text.find("|", start, end), text.find(PIPE, start, end)
    first = bar if pipe < 0 else pipe if bar < 0 else min(bar, pipe)
    if first < 0:  # no attributes (most cells)
        return Cell(marker, start, end)
    attrs = text[start:first]
    # Attributes never hold links, templates or tags ("<tvar|x>", old Translate syntax
    # removed before MediaWiki parses the page, is no attribute split either).
    if "[[" in attrs or "{{" in attrs or "<" in attrs:
        # Whatever the first split is, the attributes before it hold one of them.
        return Cell(marker, start, end)
    if mask.clear(start, first + 1):  # the first "|" is the split: no link, no mask
        return Cell(marker, first + (5 if first == pipe else 1), end, attrs.strip())
    return _cell_scanning(text, marker, start, end, mask)


def _cell_scanning(text: str, marker: str, start: int, end: int, mask: Mask) -> Cell:
    """``_make_cell`` from the cell's top-level split (what its shortcuts must agree
    with)."""
    pieces = _split_scanning(text, start, end, ("|",), mask)
    if len(pieces) > 1:
        attrs = text[pieces[0][0]:pieces[0][1]]
        if "[[" not in attrs and "{{" not in attrs and "<" not in attrs:
            return Cell(marker, pieces[1][0], end, attrs.strip())
    return Cell(marker, start, end)


def find_tables(text: str, mask: Mask | None = None) -> list[Table]:
    """All top-level tables of ``text`` in order. Nested tables stay inside their cell.

    Never raises: an unclosed table ends at the end of the text (``closed`` False).
    """
    mask = mask or Mask(text)
    scan = _Scanner(text, mask)
    return scan.run()


class _Line(NamedTuple):
    pos: int  # start of the line
    lead: int  # its first character that counts (after blanks and comments)
    end: int  # the newline ending it (or the end of the text)
    next: int  # where the next line starts
    head: str  # its first two characters that count ("" inside a masked span)
    body: int  # where its cells start (after the "|" or "!" of ``head``)


class _Scanner:
    """The line loop of ``find_tables``, with its state in one place."""

    def __init__(self, text: str, mask: Mask) -> None:
        self.text = text
        self.mask = mask
        self.tables: list[Table] = []
        self.depth = 0
        self.table: Table | None = None
        self.row: Row | None = None
        self.cell: Cell | None = None
        self.trivia: int | None = None  # start of blank/comment lines awaiting a row

    def _extend(self, line_end: int, next_pos: int) -> None:
        """The line continues the current cell (or, before any row, the table head)."""
        assert self.table is not None
        self.trivia = None
        if self.cell is not None and self.row is not None:
            self.cell.end = line_end
            self.row.end = next_pos
        elif self.row is not None:
            self.row.end = next_pos
        elif not self.table.rows:
            self.table.body_start = next_pos

    def _close_row(self, at: int) -> None:
        if self.row is not None:
            self.row.end = self.trivia if self.trivia is not None else at

    def _line(self, pos: int) -> _Line | int:
        """The line at ``pos`` as MediaWiki reads it (comments before its markup skipped),
        or where to go on when the line holds only comments (trivia between rows)."""
        text, mask, n = self.text, self.mask, len(self.text)
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        if text[pos] in "|!":  # markup from the line's first byte (most lines of a table)
            return _Line(pos, pos, line_end, line_end + 1 if line_end < n else n,
                         text[pos:pos + 2] if not mask.covers(pos) else "", pos + 1)
        lead = pos
        while lead < line_end and text[lead] in " \t":
            lead += 1
        if text.startswith("<!--", lead):
            after = lead
            while text.startswith("<!--", after) and mask.end_of(after) > after:
                after = mask.end_of(after)
                while after < n and text[after] in " \t":
                    after += 1
            if after >= n or text[after] in "\r\n":
                if self.table is not None:
                    if self.depth == 1 and self.trivia is None:
                        self.trivia = pos
                    end_nl = text.find("\n", after)
                    return n if end_nl < 0 else end_nl + 1
            elif "\n" in text[lead:after]:  # a comment over lines, then markup: one line
                line_end = text.find("\n", after)
                line_end = n if line_end < 0 else line_end
            lead = after if after < n and text[after] not in "\r\n" else lead
        next_pos = line_end + 1 if line_end < n else n
        if text.startswith(PIPE, lead):  # "{{!}}-", "{{!}} a {{!}}{{!}} b"
            return _Line(pos, lead, line_end, next_pos, "|" + text[lead + 5:lead + 6],
                         lead + 5)
        head = text[lead:lead + 2] if not mask.covers(lead) else ""
        return _Line(pos, lead, line_end, next_pos, head, lead + 1)

    def run(self) -> list[Table]:
        n = len(self.text)
        pos = 0
        while pos < n:
            line = self._line(pos)
            if isinstance(line, int):
                pos = line
                continue
            if line.head == "{|":
                self._open(line)
            elif self.table is None:
                pass
            elif line.head == "|}":
                self._close(line)
            elif self.depth > 1:
                self._extend(line.end, line.next)
            else:
                self._in_table(line)
            pos = line.next
        if self.table is not None:  # unclosed table runs to the end of the text
            if self.row is not None:
                self.row.end = n
            self.table.tail_start = n
            self.tables.append(self.table)
        return self.tables

    def _open(self, line: _Line) -> None:
        self.depth += 1
        if self.depth == 1:
            self.table = Table(start=line.lead, end=len(self.text), body_start=line.next,
                               tail_start=len(self.text), closed=False)
            self.row = self.cell = None
            self.trivia = None
        elif self.table is not None:
            self._extend(line.end, line.next)

    def _close(self, line: _Line) -> None:
        assert self.table is not None
        self.depth -= 1
        if self.depth > 0:
            self._extend(line.end, line.next)
            return
        self._close_row(line.pos)
        self.table.tail_start = self.trivia if self.trivia is not None else line.pos
        self.table.end = line.body + 1  # the rest of the "|}" line is not the table's
        self.table.closed = True
        self.tables.append(self.table)
        self.table = self.row = self.cell = None
        self.trivia = None

    def _in_table(self, line: _Line) -> None:
        """A line of a top-level table: a row separator, caption, cells or more text."""
        table, head = self.table, line.head
        assert table is not None
        if head == "|-":
            self._close_row(line.pos)
            start = self.trivia if self.trivia is not None else line.pos
            self.row = Row(start=start, end=line.next, separator=line.pos)
            table.rows.append(self.row)
            self.trivia = self.cell = None
        elif head == "|+":
            if not table.rows:
                table.body_start = line.next
            self.trivia = self.cell = None
        elif head[:1] in ("|", "!"):
            self._cells(line, head[:1])
        elif self.text[line.pos:line.end].strip() == "":
            if self.trivia is None:
                self.trivia = line.pos
        else:
            self._extend(line.end, line.next)

    def _cells(self, line: _Line, marker: str) -> None:
        assert self.table is not None
        joined = marker == "|" and self._after_header()
        if self.row is None or joined:
            start = self.trivia if self.trivia is not None else line.pos
            self.row = Row(start=start, end=line.next, joined=joined)
            self.table.rows.append(self.row)
        seps = ("||", "!!") if marker == "!" else ("||",)
        for s, e in _split_top_level(self.text, line.body, line.end, seps, self.mask):
            self.cell = _make_cell(self.text, marker, s, e, self.mask)
            self.row.cells.append(self.cell)
            if self.cell.attrs:
                self.row.has_attrs = True
        self.row.end = line.next
        self.trivia = None

    def _after_header(self) -> bool:
        """Data cells right after the table's header row, with no "|-" between."""
        row, rows = self.row, self.table.rows if self.table else []
        return (row is not None and len(row.cells) > 1 and row.is_header
                and next((r for r in rows if r.cells), None) is row)
