"""Property tests: the parser never crashes, and no data row is ever lost."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubbot.core.parse import parse_page
from hubbot.core.render import render_page
from hubbot.core.tables import find_tables

HOSTILE = st.sampled_from([
    "27 November 2021", "November 27, 2021", "2022-03-12", "24–26 June 2022", "TBD",
    "February 21", "2018?", "sometime", "", "[[Hubs/Dialogue|Hubs Dialogue]]",
    "{{subst:x}}", "<nowiki>|}</nowiki>", "<ref>r</ref>", "<!--T:5-->", "a", "{{flag|PL}}",
    "[[Special:MyLanguage/Hubs|event page]]", "~~~~", "<translate>t</translate>",
    "'''b'''", "&nbsp;", "x\ny", "rowspan=\"2\" | 12 March 2022",
])
CELL = st.lists(HOSTILE, min_size=1, max_size=3).map(" ".join)
ROW = st.lists(CELL, min_size=1, max_size=4)


def events_page(rows: list[list[str]]) -> str:
    body = "".join("|-\n| " + " || ".join(cells) + "\n" for cells in rows)
    return ("Intro.\n<!-- hubbot:events start -->\n{| class=\"wikitable\"\n! Date !! Event\n"
            + body + "|}\n<!-- hubbot:events end -->\nOutro.\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_no_text_crashes_the_parser(text):
    parsed = parse_page(text, "Hubs", context_year=2022)
    for problem in parsed.problems:
        assert problem.page == "Hubs"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("{|}!-+ \nab|<>[]=") + ["\n|-\n", "\n| ", "||",
                                                              "rowspan=2 |", "<!--", "-->"]),
                max_size=120).map("".join))
def test_no_table_soup_crashes_the_parser(soup):
    text = "<!-- hubbot:events start -->\n{|\n! Date !! Event\n" + soup + "\n|}\n" \
        "<!-- hubbot:events end -->"
    parsed = parse_page(text, "Hubs", context_year=2022)
    try:
        render_page(parsed)
    except ValueError:
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, max_size=8))
def test_every_data_row_is_a_record_or_a_kept_problem(rows):
    text = events_page(rows)
    parsed = parse_page(text, "Hubs", context_year=2022)
    (table,) = [t for t in parsed.tables if t.kind == "events"]
    data_rows = find_tables(text)[0].data_rows
    assert len(table.rows) == len(data_rows)
    for pr in table.rows:
        assert pr.record is not None or pr.problems, text[pr.row.start:pr.row.end]
    out, _ = render_page(parsed)
    reparsed = parse_page(out, "Hubs", context_year=2022)
    (table2,) = [t for t in reparsed.tables if t.kind == "events"]
    assert len(table2.rows) == len(table.rows)  # no row dropped
    assert sorted(e.key for e in reparsed.events) == sorted(e.key for e in parsed.events)
    assert out.startswith("Intro.\n<!-- hubbot:events start -->\n")
    assert out.endswith("|}\n<!-- hubbot:events end -->\nOutro.\n")
