"""Translation units (issue 18): the extractor follows Translate's rules, and a write on a
translatable page changes no unit whose record did not change. The figures (units
changed by a write, per case) are printed in the test output."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hubbot.core.read import parse_page
from hubbot.core.units import blocks, changed_units, extract_units, marker_counts, unit_texts
from hubbot.core.write import render_page

FIXTURES = Path(__file__).parent / "fixtures"

INTRO = """<languages/>
<translate>
<!--T:1-->
'''Hubs''' bring Wikimedia groups together.
They share support.

== Regional hubs == <!--T:2-->

<!--T:3-->
A regional hub serves one area.
=== Status === <!--T:4-->
<!--T:5-->
* Pilot
</translate>
"""


def test_units_follow_translates_rules():
    units = {u.name: u for u in extract_units(INTRO)}
    assert list(units) == ["1", "2", "3", "4", "5"]
    assert units["1"].text == "'''Hubs''' bring Wikimedia groups together.\nThey share support."
    assert units["2"].text == "== Regional hubs =="  # a heading's marker: its heading line
    # a unit ends at the next marker; a heading's line belongs to the heading's marker
    assert units["3"].text == "A regional hub serves one area."
    assert units["4"].text == "=== Status ==="
    assert units["5"].text == "* Pilot"  # ends at </translate>


def test_units_end_at_a_blank_line_and_unmarked_text_is_in_no_unit():
    text = ("<translate><!--T:7--> first paragraph\n\nA paragraph added since the page was "
            "marked.</translate> outside <translate>Unmarked</translate>")
    assert unit_texts(text) == {"7": "first paragraph"}


def test_per_cell_units_and_crlf():
    text = ("{|\r\n|-\r\n| <translate><!--T:40--> 24 June 2022 - 26 June 2022</translate>"
            "\r\n| <translate><!--T:41--> Hubs Global Conversations</translate>\r\n|}\r\n"
            "<translate>\r\n== History == <!--T:42-->\r\n\r\n<!--T:43-->\r\nIberocoop."
            "\r\n\r\nNew text\r\n</translate>")
    assert unit_texts(text) == {"40": "24 June 2022 - 26 June 2022",
                                "41": "Hubs Global Conversations",
                                "42": "== History ==", "43": "Iberocoop."}


# Pieces of Translate markup, whole and broken, to make texts of.
PIECES = st.sampled_from([
    "<translate>", "</translate>", "<translate nowrap>", "<translate\n>", "</translate",
    "<translate", "<!--T:1-->", "<!--T:2-->", "<!--T:x y-->", "<!--T:", "-->", ">", "<",
    "\n", "\n\n", " \t\n", "\n \n", "\r\n", "== H ==", "== A == <!--T:4-->", "=",
    "text", "|", "<!--T:3-->\n"])


@given(st.lists(PIECES, max_size=25).map("".join))
@example("<translate>a</translate><!--T:1--><translate>b</translate>")  # between blocks
def test_the_units_of_a_page_are_those_of_each_block(text):
    """``extract_units`` finds the markers of every block in one search: the units are
    the ones each block gives alone (a search within the block)."""
    assert extract_units(text) == [u for b in blocks(text) for u in extract_units(text, [b])]


def test_changed_units_sees_lost_and_doubled_markers():
    before = "<translate><!--T:1--> a</translate> <translate><!--T:2--> b</translate>"
    assert changed_units(before, before) == []
    assert changed_units(before, before.replace(" b<", " c<")) == ["2"]
    assert changed_units(before, "<translate><!--T:1--> a</translate>") == ["2"]
    doubled = before + " <translate><!--T:2--> b</translate>"
    assert marker_counts(doubled)["2"] == 2
    assert changed_units(before, doubled) == ["2"]


# --- a write on translatable pages ---------------------------------------------------------

HEAD = ("<languages/>\n<translate>\n== List of events about hubs == <!--T:6-->\n"
        "</translate>\n<!-- hubbot:events start -->\n")
TAIL = "<!-- hubbot:events end -->\n"

PER_CELL = HEAD + """{| class="wikitable sortable"
! <translate><!--T:7--> Date</translate> !! <translate><!--T:8--> Event</translate>
|-
| 12 March 2022 || <translate><!--T:9--> Hubs Global Conversations</translate>
|-
| 27 November 2021 || <translate><!--T:10--> Hubs co-creation workshop</translate>
|-
| 24 June 2022 - 26 June 2022 || <translate><!--T:11--> Hubs Global Conversations</translate>
|}
""" + TAIL

DATES_IN_UNITS = HEAD + """{| class="wikitable sortable"
! <translate><!--T:7--> Date</translate> !! <translate><!--T:8--> Event</translate>
|-
| <translate><!--T:40--> 24 June 2022 - 26 June 2022</translate>
| <translate><!--T:41--> Hubs Global Conversations</translate>
|-
| <translate><!--T:42--> 21 February 2022 - 4 March 2022</translate>
| <translate><!--T:43--> Hubs Dialogue</translate>
|-
| <translate><!--T:44--> 12 March 2022</translate>
| <translate><!--T:45--> Hubs Global Conversations</translate>
|-
| <translate><!--T:46--> November 27, 2021</translate>
| <translate><!--T:47--> Hubs co-creation workshop</translate>
|}
""" + TAIL

WHOLE_TABLE = HEAD.replace("<!-- hubbot:events start -->\n", "") + """\
<!-- hubbot:events start -->
<translate>
<!--T:20-->
{| class="wikitable"
! Date !! Event
|-
| 12 March 2022 || Hubs Global Conversations
|-
| 27 November 2021 || Hubs co-creation workshop
|}
</translate>
""" + TAIL

NEW_UNMARKED_ROW = PER_CELL.replace(
    "|}\n", "|-\n| 2023-01-20 || <translate>Hubs retreat</translate>\n|}\n", 1)

CRLF = DATES_IN_UNITS.replace("\n", "\r\n")

CASES = {
    "per-cell units": PER_CELL,
    "dates inside units": DATES_IN_UNITS,
    "whole-table unit": WHOLE_TABLE,
    "new unmarked row": NEW_UNMARKED_ROW,
    "CRLF, dates inside units": CRLF,
}


def write(text: str, *, allow: bool = False):
    parsed = parse_page(text, "Hubs", allow_unit_changes=allow)
    return parsed, render_page(parsed)


@pytest.mark.parametrize("name", list(CASES))
def test_a_write_changes_no_unit(name):
    text = CASES[name]
    parsed, out = write(text)
    assert changed_units(text, out) == []
    assert marker_counts(out) == marker_counts(text)
    again = parse_page(out, "Hubs")
    assert set(again.events) == set(parsed.events)
    assert render_page(again) == out  # converged


def test_rows_with_per_cell_units_still_move():
    _, out = write(PER_CELL)
    assert out.index("27 November 2021") < out.index("12 March 2022") \
        < out.index("24–26 June 2022")  # sorted, and the date outside a unit restyled
    assert "<!--T:10--> Hubs co-creation workshop</translate>" in out


def test_dates_inside_units_are_left_and_listed_as_notices():
    parsed, out = write(DATES_IN_UNITS)
    assert "24 June 2022 - 26 June 2022" in out and "November 27, 2021" in out
    assert not parsed.problems
    assert sorted(n.row for n in parsed.notices) == [2, 3, 5]
    assert all("translation unit T:" in n.reason for n in parsed.notices)
    # the rows are still sorted, each with its units
    assert out.index("<!--T:46-->") < out.index("<!--T:42-->") < out.index("<!--T:44-->") \
        < out.index("<!--T:40-->")


def test_a_whole_table_unit_is_not_sorted_and_that_is_said():
    parsed, out = write(WHOLE_TABLE)
    assert out == WHOLE_TABLE
    assert [n.reason for n in parsed.notices if n.row is None] == [
        "table not sorted: the table is one translation unit (T:20); moving its rows "
        "would outdate translations"]


def test_a_new_unmarked_row_moves_and_gets_no_marker():
    parsed, out = write(NEW_UNMARKED_ROW)
    assert "| 20 January 2023 || <translate>Hubs retreat</translate>" in out
    assert marker_counts(out) == marker_counts(NEW_UNMARKED_ROW)


def test_allowed_unit_changes_restyle_and_sort():
    for text in (DATES_IN_UNITS, WHOLE_TABLE):
        parsed, out = write(text, allow=True)
        assert changed_units(text, out)
        assert not parsed.notices


def test_a_unit_changes_only_where_a_record_changed():
    """A person changes one event's date (inside its unit); the sync that follows leaves
    every other unit, and that one as the person wrote it."""
    _, base = write(DATES_IN_UNITS)
    edited = base.replace("12 March 2022", "13 March 2022")
    _, out = write(edited)
    assert changed_units(base, out) == ["44"]


def figures() -> dict[str, tuple[int, int]]:
    """Per case: units changed by a write (keep, allow)."""
    return {name: (len(changed_units(text, write(text)[1])),
                   len(changed_units(text, write(text, allow=True)[1])))
            for name, text in CASES.items()}


def test_print_issue_18_unit_figures(capsys):
    rows = figures()
    with capsys.disabled():
        print("\nissue 18 figures: translation units changed by one write "
              "(translate = keep / allow)")
        for name, (keep, allow) in rows.items():
            print(f"  {name:28} {keep} / {allow}")
    assert all(keep == 0 for keep, _ in rows.values())
    assert rows["dates inside units"][1] == 3  # the issue's "3 units in a 4-row table"


@pytest.mark.parametrize("case", sorted(p for p in FIXTURES.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_no_fixture_write_changes_a_unit(case):
    text = (case / "page.wikitext").read_bytes().decode("utf-8")
    parsed = parse_page(text, "Hubs")
    if parsed.region_errors:
        return
    assert changed_units(text, render_page(parsed)) == []


def test_a_heading_inside_one_line_block_and_an_unclosed_block():
    assert unit_texts("<translate>== Events == <!--T:3--></translate>") == {
        "3": "== Events =="}
    assert unit_texts("<translate>\n<!--T:4-->\nno end tag\n") == {"4": "no end tag"}


ROW_UNITS = HEAD + """{| class="wikitable"
! Date !! Event
<translate>
|-
| <!--T:30--> 12 March 2022 || Hubs Global Conversations
|-
| <!--T:31--> 27 November 2021 || Hubs co-creation workshop
</translate>
|}
""" + TAIL


def test_a_unit_running_across_rows_keeps_the_table_in_its_order():
    """Unit T:30 runs from its marker to T:31, over the next row's ``|-``: moving the
    rows would change both units (and put ``</translate>`` before ``<translate>``)."""
    parsed, out = write(ROW_UNITS)
    assert out == ROW_UNITS
    reasons = [n.reason for n in parsed.notices if n.row is None]
    assert len(reasons) == 1 and reasons[0].startswith("table not sorted: ")


def test_allowed_unit_changes_still_never_move_a_translate_tag():
    parsed, out = write(ROW_UNITS, allow=True)
    assert out.index("<translate>\n|-") < out.index("</translate>\n|}")
    assert [n.row for n in parsed.notices] == [None]


def test_a_table_inside_a_block_not_yet_marked_is_sorted():
    """No marker in the block: no unit exists yet, and moving rows moves no tag."""
    text = WHOLE_TABLE.replace("<!--T:20-->\n", "")
    parsed, out = write(text)
    assert not parsed.notices
    assert out.index("27 November 2021") < out.index("12 March 2022")


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/page.wikitext")),
                         ids=lambda p: p.parent.name)
def test_the_units_a_parse_read_are_the_page_units(path):
    """The last check before a write compares the units the parse read with those of the
    rendered text: they are the page's own (and none are read when changes are allowed)."""
    text = path.read_text(encoding="utf-8")
    parsed = parse_page(text, "Hubs", context_year=2026)
    assert parsed.units == extract_units(text)
    assert parse_page(text, "Hubs", context_year=2026, allow_unit_changes=True).units is None
    if not parsed.region_errors:  # a page whose markers are broken is not rendered
        after = render_page(parsed)
        assert changed_units(text, after, parsed.units) == changed_units(text, after)
