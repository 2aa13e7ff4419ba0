"""What each command does, given a loaded config: the CLI parses arguments and prints;
these compose the app (session, sync, on-wiki review) in the order that loses nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from hubbot.app.config import Config
from hubbot.app.model import Confirm, Log, Mode, RunReport
from hubbot.app.session import Where, session
from hubbot.app.state import Hold, RunLock, SimulatedStateStore, StateStore
from hubbot.app.sync import Sync
from hubbot.core.pages import wiki_title
from hubbot.errors import UsageError

if TYPE_CHECKING:
    from hubbot.app.onwiki import ReviewOutcome


@dataclass(frozen=True)
class SyncOptions:
    mode: Mode
    today: date
    where: Where = Where()
    force: bool = False
    accept_removals: bool = False
    review_page: str | None = None  # post the dry run for review ("": the configured page)


def run_sync(config: Config, options: SyncOptions, *, confirm: Confirm | None = None,
             log: Log | None = None) -> RunReport:
    """One sync run. The lock is taken before logging in (a dry run takes none)."""
    if options.review_page is not None and options.mode is not Mode.DRY_RUN:
        raise UsageError("--review-page goes with --dry-run")
    with session(config, options.where, lock=options.mode is not Mode.DRY_RUN) as backend:
        simulate = backend.simulate
        report = Sync(config, backend, mode=options.mode, today=options.today,
                      confirm=confirm, log=log,
                      # a review plans every page (as its approved run will): a quiet
                      # hour still has the unit changes scheduled runs leave out
                      force=options.force or options.review_page is not None,
                      accept_removals=options.accept_removals,
                      store=SimulatedStateStore(config.state_path) if simulate
                      else None,
                      # a review may propose unit changes: approvers see them and decide
                      allow_unit_changes=options.review_page is not None).run()
        if simulate:
            report.notes.append("simulated (-simulate): nothing was saved, the state "
                                "file was not written")
        if options.review_page is not None:
            from hubbot.app.onwiki import post_review  # only for reviews: start-up stays short

            title = options.review_page or None
            rid = post_review(config, backend, report, today=options.today,
                              page_title=title, units_allowed=True)
            report.notes.append(f"review {rid} posted to {title or config.review.page}")
    return report


def run_release(config: Config, titles: Sequence[str]) -> list[tuple[str, Hold]]:
    """The operator's release of held pages (``hubbot release PAGE``), under the run
    lock; no wiki request: the hold lives in the state. The next run does each page's
    pending work once. Raises ``UsageError`` for a title that is not held (nothing is
    released then)."""
    with RunLock(config.lock_path):
        store = StateStore(config.state_path)
        state = store.load()
        holds = state.holds()
        by_name = {wiki_title(t): t for t in holds}
        wanted = []
        for title in titles:
            found = by_name.get(wiki_title(title))
            if found is None:
                raise UsageError(f"{title}: not held (held: {', '.join(holds) or 'none'})")
            wanted.append(found)
        released = [(t, hold) for t in dict.fromkeys(wanted)
                    if (hold := state.release(t)) is not None]
        if released:
            store.save(state)
        return released


def held_pages(config: Config) -> dict[str, Hold]:
    """The pages the state holds (no lock, no request)."""
    return StateStore(config.state_path).load().holds()


def run_apply_approved(config: Config, where: Where, *, today: date,
                       log: Log | None = None) -> ReviewOutcome:
    """Apply the approved on-wiki review (under the run lock)."""
    from hubbot.app.onwiki import apply_approved

    with session(config, where, lock=True) as backend:
        return apply_approved(config, backend, today=today, log=log)
