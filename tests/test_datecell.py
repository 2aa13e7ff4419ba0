"""A row's date cell is read once, by the reading stage, into a ``DateCell``; the writing
stage plans its rewrite from that object (``write.dateedits``) and never reads the cell
again."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.core.read import DateCell, parse_page
from hubbot.core.read._scan import Cell
from hubbot.core.read.cells import visible
from hubbot.core.records import Precision
from hubbot.core.write import dateedits

PAGE = """<!-- hubbot:events start -->
{| class="wikitable"
! Date !! Event
|-
! colspan="2" | 2022
|-
| {{nowrap|12 March}} || Hubs Dialogue
|-
| 14 February 2023 || Outside its section
|-
| sometime soon || Unreadable date
|-
| April 12, 2022<ref>a source</ref> || With a ref
|}
<!-- hubbot:events end -->
"""


def rows():
    parsed = parse_page(PAGE, "Hubs", context_year=2026)
    (table,) = parsed.tables
    return {pr.record.title if pr.record else pr.quoted: pr for pr in table.data_rows}


def test_the_date_cell_kept_on_the_row():
    by_title = rows()
    dialogue = by_title["Hubs Dialogue"].date
    assert isinstance(dialogue, DateCell)
    assert dialogue.text == "12 March"  # the visible text, the display template seen through
    assert (dialogue.year, dialogue.from_section) == (2022, True)
    assert dialogue.span.start == date(2022, 3, 12) and dialogue.span.precision is Precision.DAY
    assert by_title["Hubs Dialogue"].record.date_text == dialogue.text
    outside = by_title["Outside its section"].date
    assert (outside.year, outside.from_section, outside.span.start) == \
        (2022, False, date(2023, 2, 14))


def test_a_date_that_does_not_read_keeps_its_cell_and_text():
    (bad,) = [pr for pr in rows().values() if pr.record is None]
    assert bad.date is not None and bad.date.span is None
    assert bad.date.text == "sometime soon" and bad.date.year == 2022
    assert any(p.reason.startswith("bad date") for p in bad.problems)


def test_the_rewrite_is_planned_from_the_date_cell():
    by_title = rows()
    edit = by_title["With a ref"].date_edit
    assert edit is not None and edit.new == "12 April 2022"
    assert PAGE[edit.start:edit.end] == "April 12, 2022"  # the ref stays
    assert by_title["Hubs Dialogue"].date_edit is None  # already as the style writes it


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["3", " ", "June", "2010", "\u00a0", "\u200e", "\t", "\r",
                                 ",", "–", "<!-- c -->", "&nbsp;", "{{nowrap|", "}}", "[[",
                                 "]]", "|", "=", "\n", "<ref>x</ref>"]), max_size=10),
       st.sampled_from(["3 June 2010", "June 2010", "3", ""]))
def test_the_plain_cell_shortcut_finds_the_date_where_the_runs_do(parts, shown):
    """A date cell without markup is one run: ``_date_bytes``'s shortcut finds its date
    bytes where reading run by run does."""
    content = "".join(parts)
    text = "| " + content + "\n"
    cell = Cell("|", 2, 2 + len(content))
    date_cell = DateCell(cell, shown, None, None)
    assert dateedits._date_bytes(text, date_cell) == \
        dateedits._runs_date_bytes(content, 2, visible(shown))
