"""Where in a date cell's bytes the date is written, and its canonical replacement.

A date cell is rewritten only when its visible text is not the canonical style (the
table's ``dates`` option: dmy by default, mdy, iso; ``keep`` never rewrites), and
then only the bytes of the date itself: a wrapper (``{{nowrap|…}}``, ``{{Sort|key|…}}``,
a ``<tvar>``, a ``<span>``), a ``<ref>``, a comment or a direction mark around it stays.
The date must be one plain run of text in the cell (no markup inside it); a date split by
markup is left as written and the reason is reported.

Decided from the row's ``DateCell`` (``hubbot.core.read.rows``): the cell's visible text
and its date as the reading stage read them, once; this module reads neither again.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from hubbot.core.dates import format_date
from hubbot.core.options import DateStyle
from hubbot.core.read.cells import visible
from hubbot.core.read.rows import DateCell, ParsedTable
from hubbot.core.records import Problem

__all__ = ["DateEdit", "canonical", "plan_date_edits"]

_HIDDEN = re.compile(r"<!--.*?(?:-->|$)|<[^<>]*>|&(?!nbsp;|#160;|#xa0;)#?\w+;",
                     re.DOTALL | re.IGNORECASE)
_RUN = re.compile(r"(?:[^<>{}\[\]|=&\x00\n]|&nbsp;|&#160;|&#xa0;)+", re.IGNORECASE)
_PLAIN = re.compile(r"[<>{}\[\]|=&\x00\n]")  # what _RUN stops at or _HIDDEN starts at
_NBSP = re.compile(r"&(?:nbsp|#160|#xa0);", re.IGNORECASE)
_EDGE = "\u00a0\u200b\u200c\u200d\u200e\u200f\u2060\ufeff \t\r"


class DateEdit(NamedTuple):
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


def canonical(date: DateCell, style: DateStyle = DateStyle.DMY) -> str | None:
    """The cell's date as the table's ``dates`` option writes it; None when it is not to
    be rewritten: ``keep``, no date read, a vague date ("Spring 2026", "2026 (TBC)": kept
    as written), or a date without its year under a year section in ``iso`` (ISO 8601
    has no readable form without a year)."""
    span = date.span
    if span is None or span.vague or style is DateStyle.KEEP:
        return None
    try:
        return format_date(span, with_year=not date.from_section, style=style)
    except ValueError:
        return None


def plan_date_edits(page: str, text: str, pt: ParsedTable,
                    style: DateStyle = DateStyle.DMY) -> None:
    """Each row's date edit (``ParsedRow.date_edit``) that makes its date cell canonical
    in ``style``, decided from the row's ``DateCell``. None when the cell already is
    canonical, belongs to a row above (rowspan), or the style keeps it; a problem on the
    row when the date cannot be rewritten safely (it is written with markup)."""
    # The canonical text by the cell's text, its year and whether its section gave it
    # (what ``canonical`` reads): a table writes many dates more than once.
    rewrites: dict[tuple[str, int | None, bool], str | None] = {}
    for pr in pt.rows:
        date = pr.date
        if pr.record is None or date is None or date.cell not in pr.row.cells:
            continue
        key = (date.text, date.year, date.from_section)
        if key in rewrites:
            new = rewrites[key]
        else:
            new = canonical(date, style)
            new = rewrites[key] = None if new is None or date.text == new else new
        if new is None:
            continue
        where = _date_bytes(text, date)
        if where is None:
            pr.add_problem(Problem(
                page, pt.kind.value, pr.number, date.text,
                f"date {date.text!r} left as written (canonical: {new!r}): it is written "
                "with markup hubbot does not rewrite"))
        else:
            pr.date_edit = DateEdit(where[0], where[1], new)


def _date_bytes(text: str, date: DateCell) -> tuple[int, int] | None:
    """Where in ``text`` the date of ``date``'s cell is written: the one plain run of the
    cell's bytes whose visible text is the cell's; None when there is not exactly one."""
    cell, shown = date.cell, date.text  # visible text, normalized already (``Flat.text``)
    content = text[cell.start:cell.end]
    if _PLAIN.search(content) is None:  # one run, the whole cell (most date cells)
        core = content.strip(_EDGE)
        if not core or visible(core) != shown:
            return None
        lead = cell.start + len(content) - len(content.lstrip(_EDGE))
        return lead, lead + len(core)
    return _runs_date_bytes(content, cell.start, shown)


def _runs_date_bytes(content: str, offset: int, shown: str) -> tuple[int, int] | None:
    """``_date_bytes`` run by run (what its shortcut must agree with): ``content`` is
    the cell's text, at ``offset`` in the page; ``shown`` its visible text."""
    masked = _HIDDEN.sub(lambda m: "\x00" * len(m.group(0)), content) \
        if "<" in content or "&" in content else content  # _HIDDEN starts at "<" or "&"
    candidates = []
    for m in _RUN.finditer(masked):
        run = content[m.start():m.end()]
        core = run.strip(_EDGE)
        if not core:
            continue
        lead = m.start() + (len(run) - len(run.lstrip(_EDGE)))
        core_text = _NBSP.sub(" ", core) if "&" in core else core
        if visible(core_text) == shown:
            candidates.append((offset + lead, offset + lead + len(core)))
    return candidates[0] if len(candidates) == 1 else None
