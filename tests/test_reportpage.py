"""hubbot's report page on the wiki: complete, inert, and unchanged when only the time moved."""

from __future__ import annotations

import mwparserfromhell
from mwparserfromhell.nodes import Template

from hubbot.core.records import Problem
from hubbot.core.reportpage import PageLine, problem_key, render_report_page, same_content

PROBLEMS = [
    Problem("Hubs", "events", 4, "after the summit", "bad date (unrecognised date)"),
    Problem("Hubs/Ongoing", "hubs", 3, "{{Partial|Pilot}} [[Category:X]] | ~~~~",
            "unrecognised status '{{Partial|Pilot}}' of hub North America"),
]
PAGES = [PageLine("Hubs", "saved"), PageLine("ESEAP Hub", "skipped", "{{nobots}} on the page")]


def render(run_time: str = "2026-11-25 16:00 UTC", problems=PROBLEMS) -> str:
    seen = {problem_key(PROBLEMS[0]): "2026-11-20"}
    return render_report_page(outcome="1 page skipped", run_time=run_time, pages=PAGES,
                              problems=problems, first_seen=seen, docs_page="User:Hubbot")


def test_every_page_and_problem_is_listed_with_its_first_sighting():
    text = render()
    assert "[[:Hubs]]" not in text.split("== Problems ==")[0]  # saved: in the history
    assert "[[:ESEAP Hub]] || skipped" in text
    assert "after the summit" in text and "2026-11-20" in text
    assert "[[User:Hubbot]]" in text


def test_values_from_pages_are_inert():
    code = mwparserfromhell.parse(render())
    assert not code.filter(forcetype=Template)
    links = [str(link.title) for link in code.filter_wikilinks()]
    assert all(not t.startswith("Category") for t in links), links
    assert "~~~~" not in str(code)


def test_only_the_time_moved_is_the_same_content():
    assert same_content(render("2026-11-25 16:00 UTC"), render("2026-11-25 17:00 UTC"))
    assert not same_content(render(), render(problems=PROBLEMS[:1]))


def test_a_problem_keeps_its_identity_when_its_row_moves():
    moved = Problem("Hubs", "events", 9, "after  the summit", "bad date (unrecognised date)")
    assert problem_key(moved) == problem_key(PROBLEMS[0])


def test_the_report_goes_between_the_markers_and_nothing_else_moves():
    from hubbot.core.regions import RegionProblem
    from hubbot.core.reportpage import splice_report

    page = ("Intro by a human.\n<!-- hubbot:status start -->\nold\n"
            "<!-- hubbot:status end -->\nTalk below.\n")
    out = splice_report(page, "new report\n")
    assert out == page.replace("\nold\n", "\nnew report\n")
    assert splice_report(out, "new report\n") == out
    try:
        splice_report("no markers", "x")
    except RegionProblem as exc:
        assert "hubbot:status start" in str(exc)
    else:
        raise AssertionError("a page without a region must not be written")


def test_thirty_days_of_events_added_above_a_problem_edit_the_report_page_only_for_news():
    """Editors add an event above a problem row every day; hubbot runs every day. The
    report page changes only on the day a new problem appears, and each problem keeps the
    date it was first seen (row numbers are a detail, not a change)."""
    from datetime import date, timedelta

    from hubbot.app.model import RunReport
    from hubbot.app.reportpage import remember_first_seen
    from hubbot.app.state import State
    from hubbot.core.read import parse_page
    from hubbot.core.write import render_page

    page = ("<!-- hubbot:events start -->\n{| class=\"wikitable sortable\"\n"
            "! Date !! Event\n|-\n| 12 March 2022 || Hubs Global Conversations\n"
            "|-\n| 27 November 2021 || Hubs co-creation workshop\n"
            "|-\n| after the summit || Hubs follow-up call\n"
            "|-\n| 24–26 June 2022 || Hubs Global Conversations\n"
            "|-\n| 24–26 June 2022 || Hubs Global Conversations\n"
            "|}\n<!-- hubbot:events end -->\n")
    state = State()
    saved = ""
    edits: list[int] = []
    start = date(2026, 11, 1)
    for day in range(31):
        today = start + timedelta(days=day)
        if day:  # an editor adds an event at the top of the table
            row = f"|-\n| {today.day} {today:%B} 2026 || Hubs call {day}\n"
            if day == 17:  # ...and once a row hubbot cannot read
                row += "|-\n| soon || Hubs meeting in the next weeks\n"
            head = "! Date !! Event\n"
            page = page.replace(head, head + row, 1)
        parsed = parse_page(page, "Hubs")
        page = render_page(parsed)  # hubbot's own edit of the page (rows only move)
        report = RunReport(problems=parse_page(page, "Hubs").problems)
        seen = remember_first_seen(state, report, today)
        body = render_report_page(outcome="all pages done", run_time=f"{today} 06:00 UTC",
                                  pages=[], problems=report.problems, first_seen=seen)
        if not same_content(saved, body):
            edits.append(day)
            saved = body
    assert edits == [0, 17]
    assert sorted(state.first_seen.values()) == ["2026-11-01"] * 3 + ["2026-11-18"]
    assert any("not sorted" in p.reason and p.detail.startswith("rows 2–") for p in
               report.problems)
