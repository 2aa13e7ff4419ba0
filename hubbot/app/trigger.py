"""The "update now" trigger page: an allowed user editing it asks for a run now; hubbot
notices it in the one batched revision check and answers on the page after the run. The
same edit may release held pages (``{{Hubbot update|release=Hubs}}``): a page a person
reverted hubbot on is edited again only after that."""

from __future__ import annotations

from datetime import datetime, timedelta

from hubbot.app.apply import save_on_latest
from hubbot.app.approval import is_approver
from hubbot.app.config import Config
from hubbot.app.model import Log, Outcome, RunReport
from hubbot.app.state import PageState, State
from hubbot.backends.base import Backend
from hubbot.core.pages import PageText, Revision, wiki_title
from hubbot.core.review import read_release, render_trigger_answer
from hubbot.errors import HubbotError


def trigger_request(config: Config, backend: Backend, revisions: dict[str, Revision],
                    state: State, *, now: datetime, log: Log) -> tuple[str | None, bool]:
    """The user asking for a run, if a new, allowed request is on the trigger page and the
    last triggered run is older than the configured interval; and whether ``state`` was
    changed (a request by a user who may not trigger runs is remembered as seen)."""
    rc = config.review
    rev = revisions.get(rc.trigger_page or "")
    if rev is None or rev.revid is None or rev.revid == state.revid(rc.trigger_page or ""):
        return None, False
    if state.triggered_at:
        last = datetime.fromisoformat(state.triggered_at)
        if now - last < timedelta(minutes=rc.trigger_interval_minutes):
            log(f"{rc.trigger_page}: update requested, but the last triggered run was too "
                "recent; it waits for a later run")
            return None, False
    user = rev.user or ""
    if not is_approver(config, backend, user):
        log(f"{rc.trigger_page}: last edited by {user or '?'}, who may not trigger runs; "
            "ignored")
        # Remembered, so later quiet runs do not look the user up again.
        state.pages[rc.trigger_page or ""] = PageState(rev.revid)
        return None, True
    return user, False


def release_on_wiki(config: Config, user: str, page: PageText | None, state: State,
                    report: RunReport, *, log: Log) -> list[str]:
    """Release the held pages an allowed ``user`` named in ``release=`` on the trigger
    page (``all``: every held page); returns the titles released. A title that is not
    held is reported in a note."""
    if page is None or not page.exists:
        return []
    asked = read_release(page.text)
    holds = state.holds()
    by_name = {wiki_title(t): t for t in holds}
    released = []
    for name in asked:
        titles = list(holds) if name.casefold() == "all" else \
            [by_name[wiki_title(name)]] if wiki_title(name) in by_name else []
        if not titles:
            report.notes.append(f"{config.review.trigger_page}: release={name}: not a "
                                "held page")
        for title in titles:
            if title in released:
                continue
            hold = state.release(title)
            released.append(title)
            log(f"{title}: released by {user} on {config.review.trigger_page}")
            if hold is not None:
                report.notes.append(f"{title}: released by {user} (was held: "
                                    f"{hold.describe()})")
    return released


def answer_trigger(config: Config, backend: Backend, user: str, page: PageText | None,
                   report: RunReport, state: State, *, now: datetime,
                   released: list[str] | None = None) -> None:
    """Write the run's result into ``{{Hubbot update}}`` on the trigger page."""
    title = config.review.trigger_page or ""
    saved = [p.title for p in report.pages if p.outcome is Outcome.SAVED]
    failed = [p.title for p in report.failed]
    result = (f"requested by {user}; saved: {', '.join(saved) or 'none'}; "
              f"failed: {', '.join(failed) or 'none'}; "
              + (f"released: {', '.join(released)}; " if released else "")
              + f"{len(report.changes)} changes since the last run")
    status = "failed" if failed else "done"
    state.triggered_at = now.isoformat(timespec="seconds")
    if page is None or not page.exists:
        return
    when = now.isoformat(timespec="minutes")
    try:
        done = save_on_latest(
            backend, page,
            lambda text: render_trigger_answer(text, status=status, when=when, result=result),
            f"{config.summary_prefix}: update run done ({status})")
    except HubbotError as exc:
        report.notes.append(f"{title}: could not write the answer: {exc}")
        return
    state.pages[title] = PageState(done.revid if done else page.revid)
    report.notes.append(f"{title}: run requested by {user}: {status}")
