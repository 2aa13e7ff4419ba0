"""hubbot's report page on the wiki, as one more planned edit at the end of a run: the outcome of
every page, every current problem and when it was first seen (kept in the state), and
first of all the pages held after a person reverted hubbot, with how to release them.

It is saved through the same ``Applier`` as every other page (conflicts, human edits
found after the save, owed when it fails), between its region markers only, and only
when something other than the time changed (``reportpage.same_content``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from hubbot.app.apply import release_hint
from hubbot.app.config import Config
from hubbot.app.model import Outcome, Plan, RunReport
from hubbot.app.state import PageState, State
from hubbot.core.changes import plain_summary
from hubbot.core.pages import PageText
from hubbot.core.reportpage import (
    HeldLine,
    PageLine,
    problem_key,
    render_report_page,
    same_content,
    splice_report,
)
from hubbot.core.units import translatable


def remember_first_seen(state: State, report: RunReport, today: date) -> dict[str, str]:
    """Each current problem's first sighting: kept from the state, today for new ones;
    problems that went away are forgotten."""
    seen = {}
    for problem in report.problems:
        key = problem_key(problem)
        seen[key] = state.first_seen.get(key, today.isoformat())
    state.first_seen = seen
    return seen


def outcome_line(report: RunReport) -> str:
    failed = report.failed
    if failed:
        return f"{len(failed)} page(s) failed: {', '.join(p.title for p in failed)}"
    return "all pages done"


def held_lines(state: State, label: Callable[[int], str]) -> list[HeldLine]:
    return [HeldLine(t, label(h.reverted), h.user, h.timestamp, h.how)
            for t, h in state.holds().items()]


def remember_translation_edits(config: Config, state: State, report: RunReport,
                               today: date) -> dict[str, str]:
    """The translatable pages hubbot saved, with the day of its last save there (this
    run's saves added; pages no longer configured forgotten): their translations show
    hubbot's edits only once a translation administrator marks the page for
    translation."""
    for page in report.pages:
        if page.outcome is Outcome.SAVED and translatable(page.new_text):
            state.translation_edits[page.title] = today.isoformat()
    configured = set(config.content_titles())
    state.translation_edits = {t: d for t, d in state.translation_edits.items()
                               if t in configured}
    return state.translation_edits


def plan_report_page(config: Config, page: PageText, report: RunReport, state: State, *,
                     now: datetime, today: date,
                     label: Callable[[int], str] = "r{}".format) -> Plan:
    """The report page's planned edit (no change when only the time would move). Raises
    ``RegionError`` when the page has no usable report region."""
    title = config.report_page or ""
    seen = remember_first_seen(state, report, today)
    body = render_report_page(
        outcome=outcome_line(report), run_time=now.strftime("%Y-%m-%d %H:%M UTC"),
        pages=[PageLine(p.title, p.outcome.value, p.message) for p in report.pages],
        problems=report.problems, first_seen=seen, docs_page=config.docs_page,
        held=held_lines(state, label), release_how=release_hint(config),
        notices=report.notices,
        translations=remember_translation_edits(config, state, report, today),
        options=report.options)

    def build(fresh: PageText) -> tuple[str, None]:
        new = splice_report(fresh.text, body, config.markers)
        return (fresh.text if same_content(fresh.text, new) else new), None

    summary = plain_summary(f"{config.summary_prefix}: report: {outcome_line(report)}; "
                            f"{len(report.problems)} problems")
    return Plan(title, page, build(page)[0], summary, PageState(page.revid), build,
                watched=False)
