"""The order hubbot gives the rows of a table it owns, and where it must not reorder.

Rows are sorted only within their section (the rows between two header or section rows)
and rows joined by ``rowspan`` move as one block. A section holding a row hubbot cannot
read, or a row whose date contradicts its section, is left exactly as it is: the row
would otherwise move away from the neighbours a human put it with. When that section's
readable rows are out of order, a table-level problem says so.

The table's ``sort`` option (``hubbot.core.options``) chooses the order: events
``oldest`` first (date, then title; undated rows last) or ``newest`` first (latest date
first, then title; undated rows first), the registry by ``type`` (then hub), or ``none``
(never reorder). Rows whose keys are equal keep the order they have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubbot.core.options import DEFAULTS, Sort
from hubbot.core.read.cells import quote
from hubbot.core.read.rows import DATA_KINDS, ParsedRow, ParsedTable, RowKind
from hubbot.core.records import Event, Hub, HubType, Kind, Problem, normalize_title

__all__ = ["SORT_KEYS", "plan_order"]

_TYPE_RANK = {HubType.REGIONAL: 0, HubType.THEMATIC: 1, HubType.LINGUISTIC: 2}


def _event_when(pr: ParsedRow) -> tuple:
    ev = pr.record
    assert isinstance(ev, Event)
    return ev.when.sort_key()


def _event_title(pr: ParsedRow) -> str:
    ev = pr.record
    assert isinstance(ev, Event)
    return normalize_title(ev.title)


def _hub_key(pr: ParsedRow) -> tuple:
    hub = pr.record
    assert isinstance(hub, Hub)
    rank = min((_TYPE_RANK[t] for t in hub.types), default=len(_TYPE_RANK))
    return (rank, hub.key)


# Each kind's order, its most significant key first: events by date, then title; the
# registry by type, then hub.
SORT_KEYS: dict[str, tuple[Callable[[ParsedRow], Any], ...]] = {
    Kind.EVENTS: (_event_when, _event_title),
    Kind.HUBS: (_hub_key,),
}


def _segments(pt: ParsedTable) -> list[list[int]]:
    """Runs of consecutive data rows (indices into ``pt.rows``)."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, pr in enumerate(pt.rows):
        if pr.kind in DATA_KINDS:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _blocks(pt: ParsedTable, run: list[int]) -> list[list[int]] | None:
    """The run's rowspan blocks in order, None if a block is not contiguous in it."""
    blocks: list[list[int]] = []
    ids: list[int] = []
    rows = pt.rows
    for i in run:
        block = rows[i].block
        if ids and ids[-1] == block:
            blocks[-1].append(i)
        else:
            blocks.append([i])
            ids.append(block)
    return blocks if len(ids) == len(set(ids)) else None


def _ranked(pt: ParsedTable, blocks: list[list[int]], sort: Sort) -> list[list[int]]:
    """``blocks`` in the order ``sort`` gives (equal keys keep their order): sorted by
    the least significant key, then (a stable sort) by each more significant one, so
    one key per block is alive at a time (a table of 50,000 rows). ``newest`` reverses
    the most significant key only: latest date first, then title."""
    first = [pt.rows[b[0]] for b in blocks]
    keys = SORT_KEYS[pt.kind]
    ranked: list[int] = list(range(len(blocks)))
    for n, key in enumerate(reversed(keys)):
        newest = sort is Sort.NEWEST and n == len(keys) - 1
        ranked = _sorted_by(ranked, first, key, reverse=newest)
    return [blocks[n] for n in ranked]


def _sorted_by(ranked: list[int], first: list[ParsedRow], key: Callable[[ParsedRow], Any],
               *, reverse: bool) -> list[int]:
    keys = [key(pr) for pr in first]  # what ``sorted`` would make, without a call per row
    return sorted(ranked, key=keys.__getitem__, reverse=reverse)


def plan_order(pt: ParsedTable, page: str, sort: Sort | None = None
               ) -> tuple[list[int], list[Problem]]:
    """The new order of ``pt.rows`` (indices) and a problem per section left unsorted.
    ``sort`` is the table's option (its kind's default when None); ``Sort.NONE`` keeps
    every row where it is."""
    sort = sort or DEFAULTS[pt.kind].sort
    order = list(range(len(pt.rows)))
    problems: list[Problem] = []
    if sort is Sort.NONE:
        return order, problems
    seen_blocks: dict[int, int] = {}
    runs = _segments(pt)
    for n, run in enumerate(runs):
        for i in run:
            seen_blocks.setdefault(pt.rows[i].block, n)
    for n, run in enumerate(runs):
        blocks = _blocks(pt, run)
        crosses = any(seen_blocks[pt.rows[i].block] != n for i in run)
        if blocks is None or crosses:
            continue  # a rowspan reaching over a section row: leave it as it is
        rows = pt.rows
        readable = [b for b in blocks if (rows[b[0]].movable if len(b) == 1
                                          else all(rows[i].movable for i in b))]
        ranked = _ranked(pt, readable, sort)
        if len(readable) == len(blocks):
            order[run[0]:run[-1] + 1] = [i for b in ranked for i in b]
        elif ranked != readable:
            stuck = next(pt.rows[i] for b in blocks for i in b if not pt.rows[i].movable)
            first, last = pt.rows[run[0]].number, pt.rows[run[-1]].number
            why = stuck.stuck or "it cannot be read"
            # Named by what does not move when rows are added or move: its section. Which
            # rows, and the first one that stays, are the detail.
            problems.append(Problem(
                page, pt.kind.value, None, _section_name(pt, run[0]),
                "section not sorted: a row hubbot cannot read or move keeps its neighbours "
                "where they are",
                detail=f"rows {first}–{last}; row {stuck.number} stays ({why}): "
                       f"{quote(stuck.quoted, 60)}"))
    return order, problems


def _section_name(pt: ParsedTable, first: int) -> str:
    """How a problem names the section of the run starting at ``pt.rows[first]``."""
    for pr in reversed(pt.rows[:first]):
        if pr.kind is RowKind.SECTION:
            return quote(pr.quoted, 60)
        if pr.kind is RowKind.HEADER:
            break
    return "(rows under the header)"
