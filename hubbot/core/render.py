"""Write normalized tables back into their bot-owned regions, splicing bytes.

The renderer edits the page it was given rather than regenerating it: the table's opening
line, caption and header rows stay as they are, each data row keeps its own bytes (its
links, attributes and translation markers) and only moves into sorted order, and only a
date cell whose text is not in the canonical style is rewritten. Everything outside the
regions is byte-identical, and for a page already normalized the output is the input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hubbot.core.dates import format_date
from hubbot.core.parse import EVENTS, HUBS, ParsedPage, ParsedRow, ParsedTable, plain_text
from hubbot.core.records import Event, Hub, HubType, normalize_title

_TYPE_RANK = {HubType.REGIONAL: 0, HubType.THEMATIC: 1, HubType.LINGUISTIC: 2}


class RenderRefused(ValueError):
    """The page must not be written (broken region markers, unclosed table, a bug that
    would lose rows). The message is one line naming the reason."""


@dataclass(frozen=True)
class TableChange:
    """What rendering did to one table: rows moved and date cells rewritten."""

    kind: str
    rows: int
    moved: int
    dates_rewritten: int


def _event_key(pr: ParsedRow) -> tuple:
    ev = pr.record
    assert isinstance(ev, Event)
    return (*ev.when.sort_key(), normalize_title(ev.title))


def _hub_key(pr: ParsedRow) -> tuple:
    hub = pr.record
    assert isinstance(hub, Hub)
    rank = min((_TYPE_RANK[t] for t in hub.types), default=len(_TYPE_RANK))
    return (rank, hub.key)


_SORT_KEYS: dict[str, Callable[[ParsedRow], tuple]] = {EVENTS: _event_key, HUBS: _hub_key}
_MARKUP = set("<{[&'")


def _rewrite_date(text: str, pr: ParsedRow) -> tuple[int, int, str] | None:
    """(start, end, replacement) for the date cell's text, None if already canonical or
    not safely rewritable (the date is tangled with markup: leave it for a human)."""
    cell, span = pr.date_cell, pr.date_span
    if cell is None or span is None:
        return None
    canonical = format_date(span)
    content = text[cell.start:cell.end]
    if plain_text(content) == canonical:
        return None
    core = content.strip()
    lead = cell.start + (len(content) - len(content.lstrip()))
    if not core:
        return None
    if not _MARKUP.intersection(core):
        return lead, lead + len(core), canonical
    # The date followed by markup (a <ref>, a comment): replace the plain text before it.
    cut = min((core.find(ch) for ch in _MARKUP if ch in core), default=len(core))
    head = core[:cut].rstrip()
    if head and plain_text(head) == plain_text(content):
        return lead, lead + len(head), canonical
    return None


def _chunk_bounds(pt: ParsedTable) -> list[tuple[int, int]]:
    rows = pt.table.rows
    bounds = []
    for i, row in enumerate(rows):
        end = rows[i + 1].start if i + 1 < len(rows) else pt.table.tail_start
        bounds.append((row.start, end))
    return bounds


def render_table(text: str, pt: ParsedTable) -> tuple[str, TableChange]:
    """The table's new wikitext (from its first byte to its last) and what changed."""
    table = pt.table
    if not table.closed:
        raise RenderRefused(f"the {pt.kind} table is not closed with |}}")
    by_row = {id(pr.row): pr for pr in pt.rows}
    bounds = _chunk_bounds(pt)
    head_rows: list[str] = []
    blocks: dict[int, list[tuple[int, str, ParsedRow | None]]] = {}
    trailing: list[str] = []  # cell-less rows ("|-" just before "|}")
    dates = 0
    first_data_seen = False
    for index, (row, (start, end)) in enumerate(zip(table.rows, bounds, strict=True)):
        chunk = text[start:end]
        pr = by_row.get(id(row))
        if pr is None:
            if row.is_header and not first_data_seen:
                head_rows.append(chunk)
            else:
                trailing.append(chunk)
            continue
        first_data_seen = True
        edit = _rewrite_date(text, pr) if pr.record is not None else None
        if edit is not None and not start <= edit[0] <= edit[1] <= end:
            edit = None  # a date spanned from the row above: rewritten with that row
        if edit is not None:
            s, e, new = edit
            chunk = text[start:s] + new + text[e:end]
            dates += 1
        blocks.setdefault(pr.block, []).append((index, chunk, pr))

    sort_key = _SORT_KEYS[pt.kind]
    ordered: list[tuple[tuple, list[tuple[int, str, ParsedRow | None]]]] = []
    problems: list[list[tuple[int, str, ParsedRow | None]]] = []
    for members in blocks.values():
        lead_pr = members[0][2]
        if lead_pr is None or lead_pr.record is None:
            problems.append(members)
        else:
            ordered.append(((*sort_key(lead_pr), members[0][0]), members))
    ordered.sort(key=lambda item: item[0])
    sequence = [m for _, m in ordered] + problems

    out_rows: list[str] = []
    position = len(head_rows)
    moved = 0
    for members in sequence:
        for index, chunk, pr in members:
            if index != position:
                moved += 1
                if pr is not None and pr.row.separator is None:
                    chunk = "|-\n" + chunk
            out_rows.append(chunk)
            position += 1
    if table.rows:  # "{|" line and caption, the rows in order, then trailing lines and "|}"
        new = (text[table.start:table.rows[0].start] + "".join(head_rows)
               + "".join(out_rows) + "".join(trailing) + text[table.tail_start:table.end])
    else:
        new = text[table.start:table.end]
    data_in = len(pt.rows)
    data_out = sum(len(m) for m in sequence)
    if data_in != data_out:  # a bug, never a user error: refuse rather than lose a row
        raise RenderRefused(f"{pt.kind} table: {data_in} rows in, {data_out} out")
    return new, TableChange(pt.kind, data_in, moved, dates)


def render_page(parsed: ParsedPage) -> tuple[str, list[TableChange]]:
    """The page with every table inside a bot-owned region normalized.

    Raises ``RenderRefused`` when a region's markers are broken (missing end marker,
    markers twice...) or a table in a region cannot be written: no output for the page.
    Tables outside regions are read but never written.
    """
    if parsed.region_errors:
        name, reason = sorted(parsed.region_errors.items())[0]
        raise RenderRefused(f"{name} region: {reason}; refusing to write the page")
    text = parsed.text
    edits: list[tuple[int, int, str]] = []
    changes: list[TableChange] = []
    for pt in parsed.tables:
        if pt.region is None or pt.kind not in _SORT_KEYS:
            continue
        new, change = render_table(text, pt)
        changes.append(change)
        if new != text[pt.table.start:pt.table.end]:
            edits.append((pt.table.start, pt.table.end, new))
    out = []
    pos = 0
    for start, end, new in sorted(edits):
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out), changes
