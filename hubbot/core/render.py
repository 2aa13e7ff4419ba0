"""Write normalized tables back into their bot-owned regions, splicing bytes.

The renderer edits the page it was given rather than regenerating it: the table's opening
line, caption, header and section rows stay where they are, each data row keeps its own
bytes (links, attributes, translation markers) and only moves within its section, in the
order ``order.plan_order`` gives, and only a date cell whose visible text is not canonical
is rewritten (``datecell``). Everything outside the regions is byte-identical, and for a
page already normalized the output is the input.
"""

from __future__ import annotations

from hubbot.core.datecell import DateEdit
from hubbot.core.order import SORT_KEYS, plan_order
from hubbot.core.parse import ParsedPage
from hubbot.core.read import DATA_KINDS, ParsedTable


class RenderRefused(ValueError):
    """The page must not be written. The message is one line naming the reason."""


class MarkersBroken(RenderRefused):
    """A region's markers are missing, duplicated or out of order."""


class TableUnwritable(RenderRefused):
    """A table in a region cannot be written safely (not closed; or a bug that would
    lose or double a row: refused rather than lose data)."""


def _chunks(text: str, pt: ParsedTable) -> list[str]:
    """Each row's bytes: from its start to the next row's start (or the table's tail)."""
    rows = pt.table.rows
    out = []
    for i, row in enumerate(rows):
        end = rows[i + 1].start if i + 1 < len(rows) else pt.table.tail_start
        chunk = text[row.start:end]
        edit = pt.rows[i].date_edit
        if isinstance(edit, DateEdit) and row.start <= edit.start <= edit.end <= end:
            chunk = (text[row.start:edit.start] + edit.new + text[edit.end:end])
        out.append(chunk)
    return out


def render_table(text: str, pt: ParsedTable) -> str:
    """The table's new wikitext, from its ``{|`` to its ``|}``."""
    table = pt.table
    if not table.closed:
        raise TableUnwritable(f"the {pt.kind} table is not closed with |}}")
    if not table.rows:
        return text[table.start:table.end]
    chunks = _chunks(text, pt)
    order = pt.order if pt.order is not None else plan_order(pt, "")[0]
    if sorted(order) != list(range(len(chunks))):  # a bug, never a user error
        raise TableUnwritable(f"{pt.kind} table: rows would be lost or doubled")
    newline = "\r\n" if "\r\n" in text[table.start:table.end] else "\n"
    out = []
    for position, index in enumerate(order):
        chunk = chunks[index]
        pr = pt.rows[index]
        if (index != position and pr.kind in DATA_KINDS and pr.row.separator is None) \
                or pr.repair:
            # it no longer follows the header (or shared the header's row): its own row
            chunk = "|-" + newline + chunk
        out.append(chunk)
    return (text[table.start:table.rows[0].start] + "".join(out)
            + text[table.tail_start:table.end])


def render_page(parsed: ParsedPage) -> str:
    """The page with every table inside a bot-owned region normalized.

    Raises ``MarkersBroken`` when a region's markers are broken (missing end marker,
    markers twice...) and ``TableUnwritable`` when a table in a region cannot be written:
    no output for the page.
    Tables outside regions are read but never written.
    """
    if parsed.region_errors:
        name, reason = sorted(parsed.region_errors.items())[0]
        raise MarkersBroken(f"{name} region: {reason}; refusing to write the page")
    text = parsed.text
    out = []
    pos = 0
    for pt in sorted(parsed.tables, key=lambda t: t.table.start):
        if pt.region is None or pt.kind not in SORT_KEYS or pt.options is None:
            continue  # not owned, or its marker's options are bad: left as it is
        new = render_table(text, pt)
        out.append(text[pos:pt.table.start])
        out.append(new)
        pos = pt.table.end
    out.append(text[pos:])
    return "".join(out)
