"""Where in a date cell's bytes the date is written, and its canonical replacement.

A date cell is rewritten only when its visible text is not the canonical style (the
table's ``dates`` option: dmy by default, mdy, iso; ``keep`` never rewrites), and
then only the bytes of the date itself: a wrapper (``{{nowrap|…}}``, ``{{Sort|key|…}}``,
a ``<tvar>``, a ``<span>``), a ``<ref>``, a comment or a direction mark around it stays.
The date must be one plain run of text in the cell (no markup inside it); a date split by
markup is left as written and the reason is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hubbot.core.dates import format_date
from hubbot.core.options import DateStyle
from hubbot.core.read.cells import flatten, visible
from hubbot.core.read.rows import ParsedRow

_HIDDEN = re.compile(r"<!--.*?(?:-->|$)|<[^<>]*>|&(?!nbsp;|#160;|#xa0;)#?\w+;",
                     re.DOTALL | re.IGNORECASE)
_RUN = re.compile(r"(?:[^<>{}\[\]|=&\x00\n]|&nbsp;|&#160;|&#xa0;)+", re.IGNORECASE)
_EDGE = "\u00a0\u200b\u200c\u200d\u200e\u200f\u2060\ufeff \t\r"


@dataclass(frozen=True, slots=True)
class DateEdit:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


def canonical(pr: ParsedRow, style: DateStyle = DateStyle.DMY) -> str | None:
    """The row's date as the table's ``dates`` option writes it; None when it is not to
    be rewritten: ``keep``, no date read, a vague date ("Spring 2026", "2026 (TBC)": kept
    as written), or a date without its year under a year section in ``iso`` (ISO 8601
    has no readable form without a year)."""
    if pr.date_span is None or pr.date_span.vague or style is DateStyle.KEEP:
        return None
    try:
        return format_date(pr.date_span, with_year=not pr.year_from_section, style=style)
    except ValueError:
        return None


def plan_date_edit(text: str, pr: ParsedRow, style: DateStyle = DateStyle.DMY
                   ) -> DateEdit | str | None:
    """The edit that makes the row's date cell canonical in ``style``; None when it
    already is (or the cell belongs to a row above, or the style keeps it); a reason
    (str) when it cannot be done safely."""
    cell, new = pr.date_cell, canonical(pr, style)
    if cell is None or new is None or cell not in pr.row.cells:
        return None
    content = text[cell.start:cell.end]
    shown = flatten(content).text
    if visible(shown) == new:
        return None
    masked = _HIDDEN.sub(lambda m: "\x00" * len(m.group(0)), content)
    candidates = []
    for m in _RUN.finditer(masked):
        run = content[m.start():m.end()]
        core = run.strip(_EDGE)
        if not core:
            continue
        lead = m.start() + (len(run) - len(run.lstrip(_EDGE)))
        core_text = re.sub(r"&(?:nbsp|#160|#xa0);", " ", core, flags=re.IGNORECASE)
        if visible(core_text) == visible(shown):
            candidates.append((cell.start + lead, cell.start + lead + len(core)))
    if len(candidates) != 1:
        return (f"date {shown!r} left as written (canonical: {new!r}): it is written "
                "with markup hubbot does not rewrite")
    start, end = candidates[0]
    return DateEdit(start, end, new)
