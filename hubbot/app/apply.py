"""Saving planned edits so that nothing is lost: every edit still to make is recorded as
*owed* in the state before the first save, the state is written after every save, a
conflict is re-planned on a fresh read and retried once, and a save that turns out not to
be based on the revision hubbot read (MediaWiki's ``oldrevid`` differs: a human edit in
the same second, or merged into ours) is re-planned on the human's revision and saved on
top, so the human's change is always in the final text and in the state. A page held
after a person reverted hubbot (``PageState.hold``) is never saved here, in any mode: this
is the one save path every page goes through."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial

from hubbot.app.config import Config
from hubbot.app.model import (
    Confirm,
    Log,
    Mode,
    Outcome,
    PageResult,
    Plan,
    Records,
    RunReport,
)
from hubbot.app.state import Hold, LastSave, PageState, State, StateStore
from hubbot.backends.base import Backend, Saved
from hubbot.core.changes import link_prefix, plain_summary
from hubbot.core.pages import PageText
from hubbot.core.reverts import text_sha1
from hubbot.core.textdiff import unified_diff
from hubbot.errors import (
    EditConflictError,
    HubbotError,
    PageError,
    PageSkippedError,
    SimulatedSaveError,
)

FOLLOW_UPS = 3  # re-applications on top of human edits found after one save


def mark_owed(state: State, title: str) -> None:
    """Remember that ``title`` still needs an edit (only where it has an entry: a page
    without one is looked at by the next run anyway)."""
    entry = state.pages.get(title)
    if entry is not None and not entry.owed:
        state.pages[title] = dataclasses.replace(entry, owed=True)


def release_hint(config: Config, *, short: bool = False) -> str:
    """How a held page is released, in the words of this configuration."""
    rc = config.review
    who = ", ".join(rc.approvers + tuple(f"any {g}" for g in rc.approver_groups))
    if short:
        return "release: " + (f"release=PAGE on {rc.trigger_page}, or " if rc.trigger_page
                              else "") + "hubbot release PAGE"
    wiki = (f"an approver ({who}) edits [[{rc.trigger_page}]] with "
            "<code><nowiki>{{Hubbot update|release=PAGE}}</nowiki></code>, or "
            if rc.trigger_page else "")
    return (f"To release one, {wiki}the operator runs <code>hubbot release PAGE</code>; "
            "the next run then does the page's pending work once.")


def held(state: State, title: str) -> Hold | None:
    entry = state.pages.get(title)
    return entry.hold if entry is not None else None


def record(state: State, title: str, entry: PageState, *,
           saved: LastSave | None = None) -> None:
    """Remember ``entry`` for ``title``, keeping its hold and (unless this run saved it)
    hubbot's last save of it from the state."""
    old = state.pages.get(title)
    state.pages[title] = dataclasses.replace(
        entry, saved=saved or (old.saved if old is not None else None),
        hold=old.hold if old is not None else None)


class Applier:
    """Makes (or, in a dry run, shows) the edits of a list of plans."""

    def __init__(self, backend: Backend, store: StateStore, *, mode: Mode,
                 confirm: Confirm | None, log: Log, summary_suffix: str = "",
                 docs_link: tuple[str, str] | None = None, hold_hint: str = "") -> None:
        self.backend = backend
        self.hold_hint = hold_hint  # how a held page is released, for its report line
        self.docs_link = docs_link  # (summary prefix, documentation page)
        self.store = store
        self.mode = mode
        self.confirm = confirm
        self.log = log
        self.summary_suffix = summary_suffix
        self.approve_all = mode is Mode.CRON
        self.quit = False

    def _label(self, revid: int | None) -> str | None:
        return self.backend.revision_label(revid) if revid is not None else None

    def _commit(self, state: State) -> None:
        if self.mode is not Mode.DRY_RUN:
            self.store.save(state)

    def apply(self, plans: list[Plan], report: RunReport, state: State) -> None:
        """Handle every plan in order; ``state`` is updated and written after each save."""
        for plan in plans:
            if plan.changes_page and held(state, plan.title) is None:
                mark_owed(state, plan.title)
        self._commit(state)
        for plan in plans:
            report.pages.append(self._one(plan, report, state))

    def _one(self, plan: Plan, report: RunReport, state: State) -> PageResult:
        """The save decision for one page, top to bottom (as archivebot's
        ``PageArchiver.run``): held since a person reverted hubbot? → anything to change?
        → may the bot edit the page? → a dry run only shows it → asked (interactive) →
        save, a conflict re-planned once, then made sure no human edit was replaced.
        This is the one place a page's error becomes its result: opted out → skipped,
        ``-simulate`` → would save (simulated), any other → failed (after a save made:
        left owed for the next run). An exception that is not a ``HubbotError`` is a bug
        and stops the run."""
        hold = held(state, plan.title)
        if hold is not None:
            return self._held(plan, hold, state)
        if not plan.changes_page:
            if self.mode is not Mode.DRY_RUN:
                record(state, plan.title, plan.state)
            return PageResult(plan.title, Outcome.UNCHANGED)
        plan.summary = plain_summary(plan.summary + self.summary_suffix)
        if self.docs_link:
            plan.summary = link_prefix(plan.summary, *self.docs_link)
        result = PageResult(plan.title, Outcome.WOULD_SAVE, summary=plan.summary,
                            base_revid=plan.page.revid, new_text=plan.new_text)
        result.diff = partial(unified_diff, plan.title, plan.page.text, plan.new_text,
                              self._label(plan.page.revid))
        try:
            if not plan.page.editable:
                raise PageSkippedError(plan.title, plan.page.not_editable_reason or
                                       "not editable")
            if self.mode is Mode.DRY_RUN:
                return result
            if self.quit:
                result.outcome, result.message = Outcome.DECLINED, "not asked (quit)"
            elif self._ask(plan, result) != "y":
                result.outcome = Outcome.DECLINED
                result.message = "quit asked" if self.quit else ""
            else:
                self.log(f"saving {plan.title}")
                self._save(plan, result, report, state)
        except HubbotError as exc:
            self._error(plan, result, exc, state)
        self._commit(state)
        return result

    def _error(self, plan: Plan, result: PageResult, exc: HubbotError, state: State
               ) -> None:
        """The page's error as its result."""
        reason = exc.message if isinstance(exc, PageError) else str(exc)
        if result.outcome is Outcome.SAVED:  # our save stands; the state has it owed
            result.outcome, result.message = Outcome.FAILED, reason + "; left for the next run"
        elif isinstance(exc, PageSkippedError):  # opts out: reported, not failed
            result.outcome, result.message = Outcome.SKIPPED, reason
            if self.mode is not Mode.DRY_RUN:
                record(state, plan.title, plan.state)
        elif isinstance(exc, SimulatedSaveError):  # everything ran but the save
            result.outcome, result.simulated = Outcome.WOULD_SAVE, True
        else:
            result.outcome, result.message = Outcome.FAILED, reason

    def _held(self, plan: Plan, hold: Hold, state: State) -> PageResult:
        """A page a person reverted hubbot on: no edit in any mode, and said so. What is
        on the wiki is recorded (not owed), so later runs stay quiet; once released,
        the page is owed and the next run does its work."""
        message = hold.describe(self.backend.revision_label) + \
            "; not edited until released" + (f" ({self.hold_hint})" if self.hold_hint else "")
        if self.mode is not Mode.DRY_RUN:
            record(state, plan.title, dataclasses.replace(plan.state, owed=False))
        return PageResult(plan.title, Outcome.HELD, message)

    def _ask(self, plan: Plan, result: PageResult) -> str:
        """The answer to "save this page?": "y" without a question once every edit is
        approved (a scheduled run: its diff is not made for nobody to read)."""
        if self.approve_all:
            return "y"
        diff = result.diff
        # the backend's own question first (on a wiki: pywikibot's diff and choice)
        answer = self.backend.confirm(plan.title, diff, plan.summary, old=plan.page.text,
                                      new=plan.new_text)
        if answer is None:
            answer = (self.confirm or (lambda *a, **k: "n"))(
                plan.title, diff, plan.summary, old=plan.page.text, new=plan.new_text)
        if answer == "a":
            self.approve_all, answer = True, "y"
        if answer == "q":
            self.quit = True
        return answer

    def _save(self, plan: Plan, result: PageResult, report: RunReport,
              state: State) -> None:
        """Save the plan; on a conflict, re-plan on a fresh read and save once more."""
        page, text = plan.page, plan.new_text
        try:
            saved = self.backend.save(page, text, plan.summary)
        except EditConflictError as exc:
            if plan.rebuild is None:
                raise _still_conflicting(exc) from None
            page = self.backend.fetch([plan.title])[plan.title]
            text, records = plan.rebuild(page)
            plan.state = PageState(page.revid, records if records is not None
                                   else plan.state.records)
            if text == page.text:
                result.outcome = Outcome.UNCHANGED
                result.message = "someone else made the change first"
                record(state, plan.title, plan.state)
                return
            result.diff = partial(unified_diff, plan.title, page.text, text,
                                  self._label(page.revid))
            try:
                saved = self.backend.save(page, text, plan.summary)
            except EditConflictError as again:
                raise _still_conflicting(again) from None
        self._saved(plan, page, text, saved, result, report, state)

    def _saved(self, plan: Plan, page: PageText, text: str, saved: Saved | None,
               result: PageResult, report: RunReport, state: State) -> None:
        """Record a save, after making sure it did not replace a human's edit. Until that
        is sure, the state has the save and the page owed (an error then leaves it so)."""
        if saved is None:  # MediaWiki found nothing to change
            result.outcome, result.message = Outcome.UNCHANGED, "no change needed"
            record(state, plan.title, PageState(page.revid, plan.state.records))
            return
        # The text this save replaced: a person's revision with it again is a revert.
        before = text_sha1(page.text) if plan.watched else None
        records = plan.state.records
        for follow_up in range(FOLLOW_UPS + 1):
            result.outcome, result.revid = Outcome.SAVED, saved.revid
            result.revision = self.backend.revision_label(saved.revid)
            # (the last re-application is not looked at: hubbot stops re-applying there)
            done = follow_up < FOLLOW_UPS and (saved.parent is None or
                                               saved.parent == page.revid or
                                               plan.rebuild is None)
            record(state, plan.title, PageState(saved.revid, records if done else
                                                plan.state.records, owed=not done),
                   saved=LastSave(saved.revid, before) if before else None)
            if done:
                return
            if follow_up == FOLLOW_UPS:
                raise PageError(plan.title, "edited by others during every re-application")
            report.human_edits_kept += 1
            page, text, saved, records = self._reapply(plan, saved, text, records)

    def _reapply(self, plan: Plan, saved: Saved, ours: str, records: Records
                 ) -> tuple[PageText, str, Saved, Records]:
        """Our save was made on top of ``saved.parent``, not on what we read: someone
        edited in between and our text may have replaced theirs. Re-plan on their
        revision and save that on top of ours (or restore theirs if it cannot be planned
        any more). Returns the page we saved over, the text, the save and the records."""
        assert plan.rebuild is not None and saved.parent is not None
        theirs = self.backend.fetch_revision(plan.title, saved.parent)
        mine = PageText(plan.title, ours, saved.revid, saved.timestamp)
        self.log(f"{plan.title}: r{saved.parent} was made after hubbot's read; "
                 "re-applying on it")
        try:
            text, fresh_records = plan.rebuild(theirs)
        except PageError as exc:
            # Their text cannot be planned on (broken markers, guard): put it back.
            self._put(mine, theirs.text, f"restore r{saved.parent}: {exc.message}")
            raise
        if text == ours:
            return mine, ours, Saved(saved.revid, saved.revid, saved.timestamp), \
                fresh_records if fresh_records is not None else records
        again = self._put(mine, text, plan.summary + " (re-applied on an edit made "
                          "meanwhile)")
        return mine, text, again, fresh_records if fresh_records is not None else records

    def _put(self, base: PageText, text: str, summary: str) -> Saved:
        saved = self.backend.save(base, text, plain_summary(summary))
        if saved is None:
            return Saved(base.revid or 0, base.revid, base.timestamp)
        return saved


def _still_conflicting(exc: EditConflictError) -> EditConflictError:
    return EditConflictError(exc.page, f"{exc.message}; still conflicting after a retry, "
                             "left for the next run")


def save_on_latest(backend: Backend, page: PageText, build: Callable[[str], str],
                   summary: str) -> Saved | None:
    """Save ``build(page.text)`` over ``page`` for a page hubbot only annotates (the
    trigger page's answer, a review's status); if the save turns out to be made on top of
    someone else's revision (``oldrevid``), build again on theirs and save that on top,
    so their edit is kept."""
    saved = backend.save(page, build(page.text), plain_summary(summary))
    base, ours = page, build(page.text)
    for _ in range(FOLLOW_UPS):
        if saved is None or saved.parent is None or saved.parent == base.revid:
            return saved
        theirs = backend.fetch_revision(page.title, saved.parent)
        base = PageText(page.title, ours, saved.revid, saved.timestamp)
        ours = build(theirs.text)
        if ours == base.text:
            return saved
        saved = backend.save(base, ours, plain_summary(summary))
    return saved
