"""Editors without a shell: post a dry run for review on the wiki, apply it once approved.

``post_review`` writes the review page from a dry run's report. ``apply_approved`` reads
the review page; if its ``status=approved`` was set by an allowed user (read from the page
history, never from the page text) and the source pages still have the revisions the
review was made from, it applies exactly that change — otherwise it says why on the
review page, or posts a fresh review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from hubbot.app.apply import save_on_latest
from hubbot.app.approval import approver_of, is_approver
from hubbot.app.config import Config
from hubbot.app.model import Mode, Outcome, RunReport
from hubbot.app.sync import Sync
from hubbot.backends.base import Backend
from hubbot.core.changes import plain_summary
from hubbot.core.review import (
    PlannedEdit,
    ReviewStatus,
    read_review,
    render_review,
    review_id,
    set_review_status,
)
from hubbot.errors import PageError, ReviewMismatchError, UsageError


@dataclass
class ReviewOutcome:
    message: str
    review_id: str | None = None
    applied: RunReport | None = None
    notes: list[str] = field(default_factory=list)


def _status_setter(status: str, note: str) -> Callable[[str], str]:
    """Sets the review's status on a text; a text without a review is left as it is (an
    editor's revision found after our save is then put back unchanged)."""
    return lambda text: (set_review_status(text, status, note) if read_review(text)
                         else text)


def _review_page(config: Config, title: str | None) -> str:
    page = title or config.review.page
    if not page:
        raise UsageError(f"{config.path}: no review page: give --review-page or set "
                         "[review] page")
    return page


def post_review(config: Config, backend: Backend, report: RunReport, *, today: date,
                page_title: str | None = None, notes: tuple[str, ...] = (),
                units_allowed: bool = False) -> str:
    """Write ``report`` (a dry run's) to the review page; returns the review id.
    ``units_allowed``: the dry run was planned with translation unit changes allowed
    (the review says so, and applying it plans the same way)."""
    title = _review_page(config, page_title)
    # The report page is the run's report, not part of the change: the approved run
    # writes its own (``Sync._check_review`` compares the planned edits without it).
    edits = [PlannedEdit(p.title, p.base_revid, p.new_text, p.summary, p.diff)
             for p in report.pages if p.new_text and p.title != config.report_page]
    rid = review_id(edits)
    revisions = {t: report.revisions.get(t) for t in config.content_titles()}
    text = render_review(rid=rid, edits=edits, revisions=revisions,
                         changes=[str(c) for c in report.changes],
                         problems=[str(p) for p in report.problems], today=today,
                         notes=notes, held=[p.line() for p in report.pages
                                            if p.outcome is Outcome.HELD],
                         notices=[str(n) for n in report.notices],
                         units_allowed=units_allowed, units_changed=report.units_changed,
                         options=report.options)
    page = backend.fetch([title])[title]
    if not page.exists:
        raise PageError(title, "the review page does not exist: create it once (any "
                        "text); hubbot never creates pages")
    if page.text.rstrip() != text.rstrip():
        backend.save(page, text, plain_summary(f"{config.summary_prefix}: review {rid} "
                                               f"({len(edits)} pages would change)"))
    return rid


def apply_approved(config: Config, backend: Backend, *, today: date,
                   page_title: str | None = None,
                   log: Callable[[str], None] | None = None) -> ReviewOutcome:
    """Apply the approved review, or explain on the review page why not."""
    title = _review_page(config, page_title)
    page = backend.fetch([title])[title]
    state = read_review(page.text) if page.exists else None
    if state is None:
        return ReviewOutcome(f"{title}: no {{{{Hubbot review}}}} on the page; nothing to do")
    if state.status != ReviewStatus.APPROVED:
        return ReviewOutcome(f"{title}: review {state.rid} is {state.status or ReviewStatus.PENDING}; "
                             "nothing to apply", state.rid)
    approval = approver_of(backend, title, state.rid)
    user = approval.user if approval else ""
    if approval is None or not is_approver(config, backend, user):
        who = user or "someone"
        note = (f"hubbot ({today.isoformat()}): the approval of {state.rid} by {who} was "
                f"ignored: {who} is not an approver. The review stays pending.")
        save_on_latest(backend, page, _status_setter(ReviewStatus.PENDING, note),
                       f"{config.summary_prefix}: approval of {state.rid} by {who} ignored")
        return ReviewOutcome(f"{title}: approval of {state.rid} by {who} ignored (not an "
                             "approver)", state.rid)

    current = backend.revisions(sorted(state.revisions))
    stale = sorted(t for t, rev in state.revisions.items() if current[t].revid != rev)
    if not stale:
        sync = Sync(config, backend, mode=Mode.CRON, today=today, force=True, log=log,
                    expect_review=state.rid,
                    summary_suffix=f" (review {state.rid} approved by {user})",
                    allow_unit_changes=state.units_allowed)
        try:
            report = sync.run()
        except ReviewMismatchError:
            stale = ["(the planned change differs)"]
        else:
            fresh = backend.fetch([title])[title]
            failed = [p.title for p in report.failed]
            status = ReviewStatus.APPLIED if not failed else ReviewStatus.PARTLY_APPLIED
            note = (f"hubbot ({today.isoformat()}): {status} review {state.rid}, approved "
                    f"by {user}." + (f" Not done: {', '.join(failed)}." if failed else ""))
            save_on_latest(backend, fresh, _status_setter(status, note),
                           f"{config.summary_prefix}: review {state.rid} {status}")
            return ReviewOutcome(f"{title}: review {state.rid} {status} (approved by {user})",
                                 state.rid, report)
    # The pages moved on since the review: review again, never apply a stale change.
    dry = Sync(config, backend, mode=Mode.DRY_RUN, today=today, force=True,
               allow_unit_changes=True).run()
    note = (f"Review {state.rid} was approved by {user}, but {', '.join(stale)} changed "
            "since it was made; this is a fresh review of the change as it stands now.")
    rid = post_review(config, backend, dry, today=today, page_title=title, notes=(note,),
                      units_allowed=True)
    return ReviewOutcome(f"{title}: review {state.rid} is stale ({', '.join(stale)} "
                         f"changed); posted a fresh review {rid}", rid)
