"""Locate wikitext tables, rows and cells by byte offsets, in one linear pass.

MediaWiki itself reads table markup line by line (``doTableStuff``): a line starting with
``{|`` opens a table, ``|-`` starts a row, ``|+`` is a caption, ``!`` header cells, ``|``
data cells, ``|}`` closes; any other line continues the previous cell. This module does
the same, after masking the spans where table syntax does not count (comments,
``<nowiki>``/``<pre>``-like tags, template calls). Every piece is kept as offsets into
the original text, so callers can splice changes in and leave every other byte alone.
Cell *content* is handed to mwparserfromhell by ``hubbot.core.parse``; a whole-page
mwparserfromhell parse is superlinear on large tables, this scanner is linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

_OPAQUE_TAGS = "nowiki|pre|syntaxhighlight|source|math|score|templatedata|graph"
_TOKEN = re.compile(
    r"<!--|\{\{|\}\}|<(" + _OPAQUE_TAGS + r")\b[^>]*?(/?)>",
    re.IGNORECASE,
)


class Mask:
    """Spans of ``text`` in which wiki table syntax is not recognised."""

    def __init__(self, text: str) -> None:
        spans: list[tuple[int, int]] = []
        depth = 0
        tpl_start = 0
        pos = 0
        n = len(text)
        while pos < n:
            m = _TOKEN.search(text, pos)
            if m is None:
                break
            tok = m.group(0)
            if tok == "<!--":
                end = text.find("-->", m.end())
                end = n if end < 0 else end + 3
                if depth == 0:
                    spans.append((m.start(), end))
                pos = end
            elif tok == "{{":
                if depth == 0:
                    tpl_start = m.start()
                depth += 1
                pos = m.end()
            elif tok == "}}":
                if depth > 0:
                    depth -= 1
                    if depth == 0:
                        spans.append((tpl_start, m.end()))
                pos = m.end()
            else:  # an opaque tag
                if m.group(2):  # self-closing
                    pos = m.end()
                    continue
                close = re.compile(r"</" + re.escape(m.group(1)) + r"\s*>", re.IGNORECASE)
                cm = close.search(text, m.end())
                if cm is None:  # unclosed: MediaWiki shows it literally
                    pos = m.end()
                    continue
                if depth == 0:
                    spans.append((m.start(), cm.end()))
                pos = cm.end()
        # An unclosed "{{" is literal text for MediaWiki: it masks nothing.
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def covers(self, pos: int) -> bool:
        """True if ``pos`` lies inside a masked span."""
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def end_of(self, pos: int) -> int:
        """End of the masked span covering ``pos`` (``pos`` itself if none)."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.ends[i]:
            return self.ends[i]
        return pos


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
        for m in _SPAN_ATTR.finditer(self.attrs or ""):
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

    @property
    def is_header(self) -> bool:
        return bool(self.cells) and all(c.marker == "!" for c in self.cells)


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
    return re.compile(r"\[\[|\]\]|" + "|".join(re.escape(s) for s in seps))


def _split_top_level(text: str, line_start: int, line_end: int, seps: tuple[str, ...],
                     mask: Mask) -> list[tuple[int, int]]:
    """Split text[line_start:line_end] on any of ``seps`` outside links and masked spans."""
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
    pieces = _split_top_level(text, start, end, ("|",), mask)
    if len(pieces) > 1:
        attr_start, attr_end = pieces[0]
        attrs = text[attr_start:attr_end]
        # Attributes never hold links, templates or tags; "<tvar|x>" (old Translate
        # syntax, removed before MediaWiki parses the page) is not an attribute split.
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

    def run(self) -> list[Table]:
        text, mask = self.text, self.mask
        n = len(text)
        pos = 0
        while pos < n:
            nl = text.find("\n", pos)
            line_end = n if nl < 0 else nl
            next_pos = n if nl < 0 else nl + 1
            lead = pos
            while lead < line_end and text[lead] in " \t":
                lead += 1
            if text.startswith("<!--", lead):
                # MediaWiki removes comments before it reads tables: skip them. If only
                # comments and blanks fill the line(s), those lines are trivia.
                after = lead
                while text.startswith("<!--", after) and mask.end_of(after) > after:
                    after = mask.end_of(after)
                    while after < n and text[after] in " \t":
                        after += 1
                if after >= n or text[after] in "\r\n":
                    if self.table is not None:
                        end_nl = text.find("\n", after)
                        if self.depth == 1 and self.trivia is None:
                            self.trivia = pos
                        pos = n if end_nl < 0 else end_nl + 1
                        continue
                elif "\n" in text[lead:after]:
                    # a comment spanning lines, then markup: one logical line
                    lead = after
                    line_end = text.find("\n", after)
                    line_end = n if line_end < 0 else line_end
                    next_pos = line_end + 1 if line_end < n else n
                else:
                    lead = after
            structural = not mask.covers(lead)
            head = text[lead:lead + 2] if structural else ""
            if head == "{|":
                self.depth += 1
                if self.depth == 1:
                    self.table = Table(start=lead, end=n, body_start=next_pos, tail_start=n,
                                       closed=False)
                    self.row = self.cell = None
                    self.trivia = None
                else:
                    self._extend(line_end, next_pos)
                pos = next_pos
                continue
            if self.table is None:
                pos = next_pos
                continue
            if head == "|}":
                self.depth -= 1
                if self.depth == 0:
                    self._close_row(pos)
                    self.table.tail_start = self.trivia if self.trivia is not None else pos
                    self.table.end = lead + 2  # the rest of the "|}" line is not the table's
                    self.table.closed = True
                    self.tables.append(self.table)
                    self.table = self.row = self.cell = None
                    self.trivia = None
                else:
                    self._extend(line_end, next_pos)
                pos = next_pos
                continue
            if self.depth > 1:
                self._extend(line_end, next_pos)
            elif head == "|-":
                self._close_row(pos)
                start = self.trivia if self.trivia is not None else pos
                self.row = Row(start=start, end=next_pos, separator=pos)
                self.table.rows.append(self.row)
                self.trivia = None
                self.cell = None
            elif head == "|+":
                if not self.table.rows:
                    self.table.body_start = next_pos
                self.cell = None
                self.trivia = None
            elif head[:1] in ("|", "!"):
                marker = head[:1]
                if self.row is None:
                    start = self.trivia if self.trivia is not None else pos
                    self.row = Row(start=start, end=next_pos)
                    self.table.rows.append(self.row)
                seps = ("||", "!!") if marker == "!" else ("||",)
                for s, e in _split_top_level(text, lead + 1, line_end, seps, mask):
                    self.cell = _make_cell(text, marker, s, e, mask)
                    self.row.cells.append(self.cell)
                self.row.end = next_pos
                self.trivia = None
            elif text[pos:line_end].strip() == "":
                if self.trivia is None:
                    self.trivia = pos
            else:
                self._extend(line_end, next_pos)
            pos = next_pos
        if self.table is not None:  # unclosed table runs to the end of the text
            if self.row is not None:
                self.row.end = n
            self.table.tail_start = n
            self.tables.append(self.table)
        return self.tables
