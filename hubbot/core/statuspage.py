"""The on-wiki status page: what the last run did and every problem it could not fix.

Editors only see hubbot's edits; this page tells them the rest: the last run's outcome,
each page saved, skipped or failed (with the reason), and every current problem with a
link to its page, the row's text and when hubbot first saw it. Every value read from a
page is escaped, so a hostile cell cannot call a template or break the table.

hubbot writes only between ``<!-- hubbot:status start -->`` and ``<!-- hubbot:status end -->``
on that page (``splice_status``), so what editors write around it stays. The report
names the time of the run that last *changed* it: ``same_content`` compares two versions
without their time, so a quiet hour makes no edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hubbot.core.escape import escape_param
from hubbot.core.records import Problem
from hubbot.core.regions import Markers, RegionProblem, find_region

STATUS_REGION = "status"

# Outcomes listed: saved and unchanged pages are in the wiki's history, and listing them
# would change the report (an edit) after every run that saved something.
ATTENTION = ("failed", "skipped", "declined")
_TIME_LINE = re.compile(r"^<!-- hubbot-status-time -->.*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PageLine:
    """One page's outcome in a run: saved, unchanged, skipped, failed, ..."""

    title: str
    outcome: str
    reason: str = ""


def problem_key(problem: Problem) -> str:
    """The identity of a problem across runs (row numbers move; the text and reason
    of the row do not)."""
    return "\x1f".join((problem.page, problem.table, problem.reason,
                        " ".join(problem.text.split())))


def _link(title: str) -> str:
    return f"[[:{title}]]"


def render_status_page(*, outcome: str, run_time: str, pages: Sequence[PageLine],
                       problems: Sequence[Problem], first_seen: Mapping[str, str],
                       docs_page: str | None = None, options: Sequence[str] = ()) -> str:
    """The status page's wikitext. ``first_seen`` maps ``problem_key`` to a date;
    ``options`` are the options in effect per table, one line each."""
    attention = [p for p in pages if p.outcome in ATTENTION]
    lines = [
        f"<!-- hubbot-status-time -->Last change of this report: {escape_param(run_time)}",
        "",
        f"'''Last run:''' {escape_param(outcome)}. {len(attention)} pages need attention, "
        f"{len(problems)} problems."
        + (f" See [[{docs_page}]] for what hubbot does." if docs_page else ""),
        "",
        "== Pages that need attention ==",
    ]
    if not attention:
        lines.append("None.")
    else:
        lines += ['{| class="wikitable sortable"', "! Page !! Outcome !! Reason"]
        for p in sorted(attention, key=lambda p: p.title):
            lines += ["|-", f"| {_link(p.title)} || {escape_param(p.outcome)} || "
                            f"{escape_param(p.reason)}"]
        lines.append("|}")
    lines += ["", "== Problems =="]
    if not problems:
        lines.append("None: hubbot read every row of every page.")
    else:
        lines += ['{| class="wikitable sortable"',
                  "! Page !! Table !! Row !! Text !! Problem !! First seen"]
        for pr in sorted(problems, key=lambda p: (p.page, p.table, p.row or 0, p.reason)):
            row = str(pr.row) if pr.row is not None else "—"
            lines += ["|-", f"| {_link(pr.page)} || {escape_param(pr.table)} || {row} || "
                            f"{escape_param(' '.join(pr.text.split())[:300])} || "
                            f"{escape_param(pr.reason)} || "
                            f"{escape_param(first_seen.get(problem_key(pr), ''))}"]
        lines.append("|}")
    if options:
        lines += ["", "== Options in effect =="]
        lines += [f"* {escape_param(o)}" for o in sorted(options)]
    return "\n".join(lines) + "\n"


def same_content(old: str, new: str) -> bool:
    """True when two status pages differ at most in their time line."""
    return _TIME_LINE.sub("", old).rstrip() == _TIME_LINE.sub("", new).rstrip()


def splice_status(page_text: str, body: str, markers: Markers | None = None) -> str:
    """``page_text`` with its status region holding ``body``; every other byte stays.
    Raises ``RegionProblem`` when the page has no usable status region."""
    region = find_region(page_text, STATUS_REGION, markers)
    if region is None:
        start, end = (markers or Markers()).pair(STATUS_REGION)
        raise RegionProblem(f"no status region: put {start} and {end} on the page")
    return page_text[:region.inner_start] + "\n" + body + page_text[region.inner_end:]
