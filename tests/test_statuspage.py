"""The on-wiki status page: complete, inert, and unchanged when only the time moved."""

from __future__ import annotations

import mwparserfromhell
from mwparserfromhell.nodes import Template

from hubbot.core.records import Problem
from hubbot.core.statuspage import PageLine, problem_key, render_status_page, same_content

PROBLEMS = [
    Problem("Hubs", "events", 4, "after the summit", "bad date (unrecognised date)"),
    Problem("Hubs/Ongoing", "hubs", 3, "{{Partial|Pilot}} [[Category:X]] | ~~~~",
            "unrecognised status '{{Partial|Pilot}}' of hub North America"),
]
PAGES = [PageLine("Hubs", "saved"), PageLine("ESEAP Hub", "skipped", "{{nobots}} on the page")]


def render(run_time: str = "2026-11-25 16:00 UTC", problems=PROBLEMS) -> str:
    seen = {problem_key(PROBLEMS[0]): "2026-11-20"}
    return render_status_page(outcome="1 page skipped", run_time=run_time, pages=PAGES,
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
    from hubbot.core.statuspage import splice_status

    page = ("Intro by a human.\n<!-- hubbot:status start -->\nold\n"
            "<!-- hubbot:status end -->\nTalk below.\n")
    out = splice_status(page, "new report\n")
    assert out == page.replace("\nold\n", "\nnew report\n")
    assert splice_status(out, "new report\n") == out
    try:
        splice_status("no markers", "x")
    except RegionProblem as exc:
        assert "hubbot:status start" in str(exc)
    else:
        raise AssertionError("a page without a region must not be written")
