"""The line-based table scanner: offsets, masking, rows, cells."""

from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.core.read import Mask, find_tables

TABLE = """intro {{Template with {| inside}}
<!-- {| not a table either -->
{| class="wikitable sortable"
|+ Caption
! Date !! Event
|-
| 27 November 2021 || Workshop ([[Special:MyLanguage/Hubs/Workshop|event page]])
<!-- comment between rows -->
|-
| rowspan="2" | 12 March 2022
| Global [[a|b||c]] {{x|y||z}}
continued
|-
|}
after
"""


def cells(text, row):
    return [text[c.start:c.end] for c in row.cells]


def test_finds_only_the_real_table():
    tables = find_tables(TABLE)
    assert len(tables) == 1
    t = tables[0]
    assert TABLE[t.start:t.body_start] == '{| class="wikitable sortable"\n|+ Caption\n'
    assert TABLE[t.tail_start:t.end] == "|}"  # the rest of the "|}" line is not the table's
    assert t.closed


def test_rows_cells_and_attributes():
    t = find_tables(TABLE)[0]
    header, first, second, empty = t.rows
    assert header.is_header and cells(TABLE, header) == [" Date ", " Event"]
    assert cells(TABLE, first) == [
        " 27 November 2021 ",
        " Workshop ([[Special:MyLanguage/Hubs/Workshop|event page]])",
    ]
    # "||" inside a link or a template does not split cells; continuation lines join.
    assert cells(TABLE, second) == [" 12 March 2022", " Global [[a|b||c]] {{x|y||z}}\ncontinued"]
    assert second.cells[0].attrs == 'rowspan="2"'
    # A comment line before "|-" belongs to the row that follows it.
    assert TABLE[second.start:].startswith("<!-- comment between rows -->\n|-\n")
    assert empty.cells == [] and t.data_rows == [first, second]


def test_chunks_tile_the_table_body():
    t = find_tables(TABLE)[0]
    pieces = [TABLE[r.start:r.end] for r in t.rows]
    assert TABLE[t.body_start:t.tail_start] == "".join(pieces)


def test_nested_table_stays_in_its_cell():
    text = "{|\n! A !! B\n|-\n| x ||\n{|\n| inner\n|}\n|-\n| y || z\n|}\n"
    t = find_tables(text)[0]
    assert len(t.data_rows) == 2
    assert "inner" in text[t.data_rows[0].cells[1].start:t.data_rows[0].cells[1].end]


def test_unclosed_table_runs_to_the_end():
    text = "{|\n! A\n|-\n| x\n"
    (t,) = find_tables(text)
    assert not t.closed and t.end == len(text)


def test_mask_covers_comments_templates_and_nowiki():
    text = "a <!-- c --> {{t|{{u}}}} <nowiki>{|</nowiki> b"
    mask = Mask(text)
    assert mask.covers(text.index("c -->"))
    assert mask.covers(text.index("u}}"))
    assert mask.covers(text.index("{|"))
    assert not mask.covers(text.index(" b"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{|}-!+ \nab<>!-[]=")), max_size=300))
def test_scanner_never_raises_and_offsets_are_in_bounds(text):
    for t in find_tables(text):
        assert 0 <= t.start <= t.body_start <= t.tail_start <= t.end <= len(text)
        for r in t.rows:
            assert t.body_start <= r.start <= r.end <= t.tail_start
            for c in r.cells:
                assert r.start <= c.start <= c.end <= r.end


def test_the_pipe_magic_word_is_table_syntax():
    text = ("{|\n! Date !! Event\n|-\n| 1 May 2023 || A {{t|x{{!}}y}}\n{{!}}-\n"
            "{{!}} 2 May 2023 {{!}}{{!}} B\n{{!}}-\n| style=\"x\" {{!}} 3 May 2023 || C\n"
            "{{!}}}\nafter\n")
    (table,) = find_tables(text)
    cells = [[(c.attrs, text[c.start:c.end].strip()) for c in r.cells] for r in table.rows]
    assert cells == [[(None, "Date"), (None, "Event")],
                     [(None, "1 May 2023"), (None, "A {{t|x{{!}}y}}")],
                     [(None, "2 May 2023"), (None, "B")],
                     [('style="x"', "3 May 2023"), (None, "C")]]
    assert table.closed and text[table.end:] == "\nafter\n"  # "{{!}}}" is "|}"


def test_data_cells_right_after_the_header_row_are_a_joined_row():
    text = "{|\n! Date !! Event\n| 1 May 2023 || A\n|-\n| 2 May 2023 || B\n|}\n"
    (table,) = find_tables(text)
    assert [(r.joined, len(r.cells)) for r in table.rows] == [(False, 2), (True, 2),
                                                                (False, 2)]
    # a row header cell followed by data cells in a later row is one row, as in MediaWiki
    text = "{|\n! Date !! Event\n|-\n! 2022\n| 1 May 2023\n|}\n"
    assert [(r.joined, len(r.cells)) for r in find_tables(text)[0].rows] == [(False, 2),
                                                                             (False, 2)]


# Pieces of cell lines, with everything that may hide or imitate a separator.
_LINE_PIECES = ["|", "||", "!!", " ", "\n", "a", "b=1", 'style="x"', "rowspan=2", "[[", "]]",
                "[[a|b]]", "x|y", "{{", "}}", "{{!}}", "{{tpl|a}}", "<!--", "-->", "<!--T:1-->",
                "<nowiki>", "</nowiki>", "<pre>", "</pre>", "<translate>", "&nbsp;"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=30),
       st.lists(st.sampled_from(_LINE_PIECES), max_size=6))
def test_shortcuts_agree_with_the_token_by_token_split(line, before):
    """The plain split of a line's cells and the attribute split at a cell's first "|"
    give what reading token by token gives (links counted, masked spans skipped), also
    when a masked span begins before the line."""
    from hubbot.core.read import _scan

    head = "".join(before)
    text = head + "".join(line)
    mask = Mask(text)
    start, end = len(head), len(text)
    assert _scan._split_top_level(text, start, end, ("||",), mask) == \
        _scan._split_scanning(text, start, end, ("||",), mask)
    assert _scan._make_cell(text, "|", start, end, mask) == \
        _scan._cell_scanning(text, "|", start, end, mask)
    covered = [mask.covers(i) for i in range(end)]
    for a in range(start, end + 1):  # Mask.clear: no masked offset in a..b
        for b in range(a, min(end, a + 8) + 1):
            assert mask.clear(a, b) == (not any(covered[a:b]))
