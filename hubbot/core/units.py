"""Translation units of a translatable page, cut as the Translate extension cuts them,
and the one place where hubbot leaves a date or a table as written to keep them.

Translate's rules: inside ``<translate>…</translate>`` a marker ``<!--T:n-->`` starts
unit ``n``, which ends at the next marker, at a blank line or at ``</translate>``; a
heading's marker stands at the end of the heading line, and that unit is the heading.
When a unit's text changes, its translation in every language is outdated until the
page is marked for translation again. Text in a ``<translate>`` block before any marker
(a row added since the page was last marked) is in no unit yet: translation
administrators mark it, hubbot never adds a marker.

``keep_units`` is the write path's rule on a translatable page (``translate = "keep"``,
the default): a date inside a unit is left as written and a table whose rows cannot move
without changing a unit is left in its order, each reported as a notice (``records.notice``). Rows whose
cells are their own units move whole, markers and all: their units do not change.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

from hubbot.core.records import Problem, notice

if TYPE_CHECKING:
    from hubbot.core.read import ParsedTable

__all__ = ["Block", "Unit", "blocks", "changed_units", "extract_units", "keep_units",
           "marker_counts", "translatable", "unit_list", "unit_texts"]

_OPEN = re.compile(r"<translate(?:\s[^>]*)?>")
_CLOSE = "</translate>"
_MARKER = re.compile(r"<!--T:([^>\n]+?)-->")
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_HEADING = re.compile(r"^(=+).*\S.*\1$")


class Unit(NamedTuple):
    """One translation unit: its name (``n`` of ``<!--T:n-->``), its text as Translate
    stores it (without the marker, trimmed), and where it stands in the page: from its
    first byte (the marker, or the heading line) to the byte that ends it."""

    name: str
    text: str
    start: int
    end: int  # the unit's bytes are ``page[start:end]``; ``end`` is where its terminator is


class Block(NamedTuple):
    """A ``<translate>`` block, from its opening tag to the end of its closing tag (an
    unclosed one runs to the end of the page); its content is ``inner_start:inner_end``."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def translatable(text: str) -> bool:
    """The page has Translate markup (a ``<translate>`` tag)."""
    return "<translate" in text and _OPEN.search(text) is not None


def blocks(text: str) -> list[Block]:
    """The page's ``<translate>`` blocks, in order."""
    out: list[Block] = []
    pos = text.find("<translate")
    while pos >= 0:
        opening = _OPEN.match(text, pos)
        if opening is None:
            pos = text.find("<translate", pos + 1)
            continue
        close = text.find(_CLOSE, opening.end())
        inner_end = len(text) if close < 0 else close
        end = len(text) if close < 0 else close + len(_CLOSE)
        out.append(Block(pos, end, opening.end(), inner_end))
        pos = text.find("<translate", end)
    return out


def _heading_line(text: str, block: Block, marker: re.Match[str]) -> int | None:
    """Where the heading line of ``marker`` starts, None when the marker is not at the end
    of a heading line (within its block)."""
    first = marker.end()  # text after the marker on its line (most units): no heading
    while first < block.inner_end and text[first] in " \t":
        first += 1
    if first < block.inner_end and not text[first].isspace():
        return None
    line_start = max(text.rfind("\n", 0, marker.start()) + 1, block.inner_start)
    line_end = text.find("\n", marker.end(), block.inner_end)
    rest = text[marker.end():block.inner_end if line_end < 0 else line_end]
    if rest.strip():
        return None
    return line_start if _HEADING.match(text[line_start:marker.start()].strip()) else None


def extract_units(text: str, translate_blocks: list[Block] | None = None) -> list[Unit]:
    """Every translation unit of ``text``, in page order (``translate_blocks``: the
    page's ``blocks``, when known already).

    The markers are found in one search over the blocks' span, each then given to the
    block that holds it (a marker cannot cross a block's edge: its name holds no ``>``,
    and both tags end with one); most blocks hold one marker (a row's cell)."""
    units: list[Unit] = []
    found = list(blocks(text) if translate_blocks is None else translate_blocks)
    if not found:
        return units
    # taken one at a time: a page's matches all alive at once were megabytes
    markers = _MARKER.finditer(text, found[0].inner_start, found[-1].inner_end)
    pending = next(markers, None)
    for block in found:
        inner_start, inner_end = block.inner_start, block.inner_end
        while pending is not None and pending.start() < inner_start:
            pending = next(markers, None)  # between blocks: in no unit
        mine: list[re.Match[str]] = []
        while pending is not None and pending.end() <= inner_end:
            mine.append(pending)
            pending = next(markers, None)
        if not mine:
            continue
        heads = [_heading_line(text, block, m) for m in mine]
        for i, marker in enumerate(mine):
            head = heads[i]
            if head is not None:
                units.append(Unit(marker.group(1), text[head:marker.start()].strip(),
                                  head, marker.end()))
                continue
            if i + 1 < len(mine):
                after = heads[i + 1]
                limit = mine[i + 1].start() if after is None else after
            else:
                limit = inner_end
            blank = _BLANK_LINE.search(text, marker.end(), limit)
            end = blank.start() if blank else limit
            units.append(Unit(marker.group(1), text[marker.end():end].strip(),
                              marker.start(), end))
    return units


def unit_texts(text: str) -> dict[str, str]:
    """Each unit's text by name (a name given twice keeps its last text; see
    ``marker_counts`` for markers lost or doubled)."""
    return {u.name: u.text for u in extract_units(text)}


def marker_counts(text: str) -> Counter[str]:
    """How often each marker stands in a ``<translate>`` block."""
    return Counter(u.name for u in extract_units(text))


def changed_units(before: str, after: str, before_units: list[Unit] | None = None
                  ) -> list[str]:
    """The names of the units whose text differs between two versions of a page, with
    every marker lost, added or doubled, in a stable order (``before_units``: those of
    ``before``, when read already)."""
    old_units = extract_units(before) if before_units is None else before_units
    new_units = extract_units(after)
    old = {u.name: u.text for u in old_units}
    new = {u.name: u.text for u in new_units}
    counts_old = Counter(u.name for u in old_units)
    counts_new = Counter(u.name for u in new_units)
    return sorted((n for n in set(old) | set(new)
                   if old.get(n) != new.get(n) or counts_old[n] != counts_new[n]),
                  key=_natural)


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 60, name)


def unit_list(names: list[str]) -> str:
    """``T:40, T:41`` for a message."""
    return ", ".join(f"T:{n}" for n in names)


# --- the write path's rule -----------------------------------------------------------------

def _chunk_of(starts: list[int], tail: int, lo: int, hi: int) -> int | None:
    """The row whose bytes hold all of ``[lo, hi)``, None when no single row does
    (``starts``: each row's first byte, ascending; ``tail``: the end of the last row)."""
    i = bisect_right(starts, lo) - 1
    if i < 0:
        return None
    end = starts[i + 1] if i + 1 < len(starts) else tail
    return i if hi <= end else None


def _unit_at(here: list[Unit], starts: list[int], lo: int, hi: int) -> Unit | None:
    """A unit overlapping ``[lo, hi)`` (``here`` in page order, ``starts`` their starts;
    units do not overlap each other)."""
    i = bisect_right(starts, lo) - 1
    for unit in here[max(i, 0):i + 2]:
        if lo < unit.end and unit.start < hi:
            return unit
    return None


def keep_units(pt: ParsedTable, page: str, units: list[Unit],
               translate_blocks: list[Block]) -> list[Problem]:
    """Drop the planned edits of ``pt`` that would change a translation unit, and say so.

    A date cell inside a unit keeps its date as written, and a "|-" missing after the
    header row is not inserted there (a problem: the table renders wrongly until a
    translation administrator fixes it). When a unit or a ``<translate>``
    block runs across rows (the whole table as one unit, say), the table keeps its
    order; so does a ``<translate>`` tag between two rows (moving rows would move the
    tag), even with unit changes allowed (then ``units`` is empty). Rows whose units lie
    each within the row move whole.
    """
    table = pt.table
    first = table.rows[0].start if table.rows else table.start
    here = [u for u in units if u.start < table.end and u.end > table.start]
    spans = [(u.start, u.end + 1, f"translation unit T:{u.name}") for u in here]
    spans += [(b.start, b.end, "a <translate> block") for b in translate_blocks
              if b.start < table.end and b.end > table.start
              and not (b.start <= first and b.end >= table.tail_start)]
    if not spans:
        return []
    notices: list[Problem] = []
    kind = pt.kind.value
    unit_starts = [u.start for u in here]
    for pr in pt.rows:  # a "|-" the header row lacks, inserted inside a unit, changes it
        unit = _unit_at(here, unit_starts, pr.row.start, pr.row.start + 1) \
            if pr.repair else None
        if unit is None:
            continue
        pr.repair = False
        pr.notices = [n for n in pr.notices if not n.reason.startswith("repair:")]
        pr.add_problem(Problem(
            page, kind, pr.number, pr.quoted,
            "the header row is not followed by '|-': MediaWiki shows this row's cells in "
            f"the header row; not repaired: it is in translation unit T:{unit.name}, and "
            "repairing it would outdate its translations"))
    for pr in pt.rows:
        edit = pr.date_edit
        if edit is None:
            continue
        unit = _unit_at(here, unit_starts, edit.start, edit.end)
        if unit is None:
            continue
        pr.date_edit = None
        notices.append(notice(
            page, kind, pr.number, pr.date.text if pr.date is not None else "",
            f"date left as written (the page style is {edit.new!r}): it is in "
            f"translation unit T:{unit.name}, and rewriting it would outdate its "
            "translations"))
    order = pt.order
    if not table.rows or order is None or order == list(range(len(order))):
        return notices
    starts = [r.start for r in table.rows]
    tail = table.tail_start
    across = [what for lo, hi, what in spans
              if lo < tail and hi > first and _chunk_of(starts, tail, lo, hi) is None]
    if across:
        pt.order = list(range(len(order)))
        whole = [u for u in here if u.start <= table.start and u.end >= table.end]
        why = (f"the table is one translation unit (T:{whole[0].name})" if whole
               else f"{across[0]} runs across its rows")
        notices.append(notice(page, kind, None, "",
                              f"table not sorted: {why}; moving its rows would outdate "
                              "translations"))
    return notices
