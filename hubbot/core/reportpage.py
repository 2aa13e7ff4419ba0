"""hubbot's report page on the wiki: what the last run did and every problem it could not
fix.

Editors only see hubbot's edits; this page tells them the rest: the last run's outcome,
each page saved, skipped or failed (with the reason), and every current problem with a
link to its page, the row's text and when hubbot first saw it. Every value read from a
page is escaped, so a hostile cell cannot call a template or break the table.

hubbot writes only between ``<!-- hubbot:status start -->`` and ``<!-- hubbot:status end -->``
on that page (``splice_report``), so what editors write around it stays. The report
names the time of the run that last *changed* it: ``same_content`` compares two versions
without their time and without where each problem's row is (its number moves whenever an
editor adds a row above it; the problem is the same), so a quiet hour makes no edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hubbot.core.escape import escape_param
from hubbot.core.records import Problem
from hubbot.core.regions import Markers, RegionProblem, find_region

__all__ = ["ATTENTION", "REPORT_REGION", "HeldLine", "PageLine", "problem_key",
           "render_report_page", "same_content", "splice_report", "translation_link"]

# The region's name in the markers on the wiki (``<!-- hubbot:status start -->``): kept
# from before the report page had its name, so that the pages of running installs, and
# the time line hubbot wrote in them, read as before.
REPORT_REGION = "status"

# Outcomes listed: saved and unchanged pages are in the wiki's history, and listing them
# would change the report (an edit) after every run that saved something.
ATTENTION = ("failed", "skipped", "declined")
# The time line hubbot writes first in the region (its comment is on the wiki already).
_TIME_LINE = re.compile(r"^<!-- hubbot-status-time -->.*$", re.MULTILINE)
# The Row cell of a problem: a detail that moves with the rows above it, not a change.
_WHERE_OPEN, _WHERE_CLOSE = '<span class="hubbot-where">', "</span>"
_WHERE = re.compile(re.escape(_WHERE_OPEN) + r"[^<]*" + re.escape(_WHERE_CLOSE))


@dataclass(frozen=True, slots=True)
class PageLine:
    """One page's outcome in a run: saved, unchanged, skipped, failed, ..."""

    title: str
    outcome: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class HeldLine:
    """A page held after a person reverted hubbot there: what was reverted, by whom."""

    title: str
    reverted: str  # hubbot's revision that was reverted (``r12``)
    user: str
    when: str
    how: str


def problem_key(problem: Problem) -> str:
    """The identity of a problem across runs (row numbers and the detail move; the text
    and reason of the row do not)."""
    return "\x1f".join((problem.page, problem.table, problem.reason,
                        " ".join(problem.text.split())))


def _link(title: str) -> str:
    return f"[[:{title}]]"


def _held_section(held: Sequence[HeldLine], release_how: str) -> list[str]:
    """Held pages come first: a person's decision that waits for someone allowed."""
    lines = ["== Held pages (reverted by a person) ==",
             "hubbot does not edit these pages until the hold is released. " + release_how,
             "",
             '{| class="wikitable sortable"',
             "! Page !! hubbot's edit reverted !! Reverted by !! When !! How"]
    for h in sorted(held, key=lambda h: h.title):
        user = f"[[User:{h.user}|{escape_param(h.user)}]]" if h.user else "—"
        lines += ["|-", f"| {_link(h.title)} || {escape_param(h.reverted)} || {user} || "
                        f"{escape_param(h.when or '—')} || {escape_param(h.how)}"]
    return lines + ["|}", ""]


def translation_link(title: str) -> str:
    """The link a translation administrator follows to mark ``title`` for translation
    (Translate's Special:PageTranslation takes the page as its subpage, like
    ``target=``)."""
    return f"[[Special:PageTranslation/{title}|mark {title} for translation]]"


def _translations(edited: Mapping[str, str]) -> list[str]:
    lines = ["", "== Translations =="]
    for title, day in sorted(edited.items()):
        lines.append(f"* {_link(title)}: hubbot last edited this translatable page on "
                     f"{escape_param(day)}; its translations show hubbot's edits once the "
                     f"page is marked for translation: {translation_link(title)}.")
    return lines


def _notices(notices: Sequence[Problem]) -> list[str]:
    lines = ["", "== Notices ==",
             "Read, repaired or left as written on purpose (nothing to fix): for example "
             "a date inside a translation unit, kept so that its translations stay "
             "current, or a row with more cells than the header.",
             '{| class="wikitable sortable"', "! Page !! Table !! Row !! Text !! Notice"]
    for n in sorted(notices, key=lambda n: (n.page, n.table, n.row or 0, n.reason)):
        row = str(n.row) if n.row is not None else "—"
        if n.detail:
            row += f" ({n.detail})"
        row = _WHERE_OPEN + escape_param(row) + _WHERE_CLOSE  # moves with rows above it
        lines += ["|-", f"| {_link(n.page)} || {escape_param(n.table)} || {row} || "
                        f"{escape_param(' '.join(n.text.split())[:300])} || "
                        f"{escape_param(n.reason)}"]
    return lines + ["|}"]


def render_report_page(*, outcome: str, run_time: str, pages: Sequence[PageLine],
                       problems: Sequence[Problem], first_seen: Mapping[str, str],
                       docs_page: str | None = None, held: Sequence[HeldLine] = (),
                       release_how: str = "", notices: Sequence[Problem] = (),
                       translations: Mapping[str, str] | None = None,
                       options: Sequence[str] = ()) -> str:
    """The report page's wikitext. ``first_seen`` maps ``problem_key`` to a date. Held
    pages (``held``) are listed first, with ``release_how`` (wikitext hubbot builds from
    its configuration, written as it is; every value read from the wiki is escaped).
    ``translations`` maps each translatable page hubbot edited to the day of its last
    edit there (the page is to be marked for translation). ``options`` are the options
    in effect per table, one line each."""
    attention = [p for p in pages if p.outcome in ATTENTION]
    lines = [
        f"<!-- hubbot-status-time -->Last change of this report: {escape_param(run_time)}",
        "",
        f"'''Last run:''' {escape_param(outcome)}. "
        + (f"{len(held)} pages held, " if held else "")
        + f"{len(attention)} pages need attention, {len(problems)} problems"
        + (f", {len(notices)} notices." if notices else ".")
        + (f" See [[{docs_page}]] for what hubbot does." if docs_page else ""),
        "",
        *(_held_section(held, release_how) if held else []),
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
            if pr.detail:
                row += f" ({pr.detail})"
            row = _WHERE_OPEN + escape_param(row) + _WHERE_CLOSE
            lines += ["|-", f"| {_link(pr.page)} || {escape_param(pr.table)} || {row} || "
                            f"{escape_param(' '.join(pr.text.split())[:300])} || "
                            f"{escape_param(pr.reason)} || "
                            f"{escape_param(first_seen.get(problem_key(pr), ''))}"]
        lines.append("|}")
    if translations:
        lines += _translations(translations)
    if notices:
        lines += _notices(notices)
    if options:
        lines += ["", "== Options in effect =="]
        lines += [f"* {escape_param(o)}" for o in sorted(options)]
    return "\n".join(lines) + "\n"


def same_content(old: str, new: str) -> bool:
    """True when two report pages differ at most in their time line and in where their
    problems' rows are (row numbers)."""
    def content(text: str) -> str:
        return _WHERE.sub("", _TIME_LINE.sub("", text)).rstrip()
    return content(old) == content(new)


def splice_report(page_text: str, body: str, markers: Markers | None = None) -> str:
    """``page_text`` with its report region holding ``body``; every other byte stays.
    Raises ``RegionProblem`` (a ``hubbot.errors.RegionError``) when the page has no
    usable report region."""
    region = find_region(page_text, REPORT_REGION, markers)
    if region is None:
        start, end = (markers or Markers()).pair(REPORT_REGION)
        raise RegionProblem(f"no report region: put {start} and {end} on the page; not "
                            "editing")
    return page_text[:region.inner_start] + "\n" + body + page_text[region.inner_end:]
