"""One sync run, composed: check revisions, plan (``hubbot.app.plan``), check the shutoff
page, apply (``hubbot.app.apply``), answer the trigger page (``hubbot.app.trigger``).

Sync talks to the wiki only through a ``Backend`` and to the user only through the
``confirm`` and ``log`` callables it is given, so it runs the same against Meta-Wiki, the
local test wiki or a directory of files. A failure on one page never stops the others; it
makes the run's exit code 1. Nothing is written when the shutoff page says stop, and
nothing is edited when the state file could not record it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import partial
from types import ModuleType
from typing import Any

from hubbot.app.apply import Applier, held, mark_owed, release_hint
from hubbot.app.collector import fewer_collections
from hubbot.app.config import Config
from hubbot.app.model import (
    OWING,
    Confirm,
    Log,
    Mode,
    Plan,
    RunReport,
)
from hubbot.app.plan import Planned, Planner, attempt, change_to_json
from hubbot.app.state import Hold, State, StateStore
from hubbot.backends.base import Backend
from hubbot.core.codec import canonical_json, hub_to_json
from hubbot.core.pages import PageText, Revision
from hubbot.core.records import Kind
from hubbot.core.reverts import find_revert, needs_history
from hubbot.errors import ReviewMismatchError, ShutoffError


def _triggers() -> ModuleType:
    """``hubbot.app.trigger``, imported only by a run with a trigger page (start-up time
    of the runs without one)."""
    from hubbot.app import trigger

    return trigger


MAX_PENDING = 200  # changes kept for derived pages that could not be written yet


def _by_key(records: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Registry records grouped by hub key, each as canonical JSON, in a stable order."""
    out: dict[str, list[str]] = {}
    for record in records:
        out.setdefault(str(record.get("key")), []).append(
            canonical_json(record))
    return {k: sorted(v) for k, v in out.items()}


class Sync:
    """A single run over the pages of ``config``."""

    def __init__(self, config: Config, backend: Backend, *, mode: Mode = Mode.CRON,
                 today: date, confirm: Confirm | None = None, log: Log | None = None,
                 force: bool = False, accept_removals: bool = False,
                 expect_review: str | None = None, summary_suffix: str = "",
                 now: datetime | None = None, store: StateStore | None = None,
                 allow_unit_changes: bool = False) -> None:
        if mode is Mode.INTERACTIVE and confirm is None:
            raise ValueError("interactive mode needs a confirm callable")
        self.config = config
        self.backend = backend
        self.mode = mode
        self.today = today
        self.log: Log = log or (lambda line: None)
        self.force = force
        self.store = store or StateStore(config.state_path)
        self.expect_review = expect_review  # apply only exactly this reviewed change
        self.now = now or datetime.now(UTC)
        # Translation units may change on every page only in a run planned for an on-wiki
        # review, or applying one approved as such; never in a scheduled run. A dry run
        # records nothing, so its plans carry no records, unless the data page is planned
        # from them.
        self.planner = Planner(config, today=today, accept_removals=accept_removals,
                               records=mode is not Mode.DRY_RUN or bool(config.data_page),
                               allow_unit_changes=allow_unit_changes)
        self.applier = Applier(backend, self.store, mode=mode, confirm=confirm,
                               log=self.log, summary_suffix=summary_suffix,
                               docs_link=(config.summary_prefix, config.docs_page)
                               if config.docs_page else None,
                               hold_hint=release_hint(config, short=True))

    def run(self) -> RunReport:
        """Do the run. Raises ``StoppedError`` (shutoff) before any edit, ``StorageError``
        when the state cannot be read or written (before any edit), ``WikiError`` when
        the wiki cannot be read at all; page failures are in the report."""
        with fewer_collections():
            return self._run()

    def _run(self) -> RunReport:
        """The run, top to bottom (as archivebot's ``PageArchiver.run``): may it edit at
        all (the state readable, and writable) → what moved (revisions; a person's revert
        in them holds the page) → nothing moved and nothing owed: done, quietly → read
        what moved (everything with a report page or a trigger) → plan the source pages,
        then the derived pages they affect, then the data page → the reviewed change? →
        the shutoff page says run? → save, page by page (``Applier._one``: the decision
        for one page) → answer the trigger page → the report page → what is still owed →
        the state."""
        cfg = self.config
        report = RunReport()
        state = self.store.load()
        if self.mode is not Mode.DRY_RUN:
            self.store.check_writable()
        titles = cfg.all_titles()
        self.log(f"checking {len(titles)} pages")
        revisions = self.backend.revisions(titles)
        report.revisions = {t: r.revid for t, r in revisions.items()}
        find_reverts(cfg, self.backend, revisions, state, report, self.log)
        trigger, dirty = self._trigger(revisions, state)
        if not self.force and trigger is None and is_quiet(cfg, revisions, state):
            return self._quiet(report, state, dirty)
        # The report page tells every page's outcome and problems: with one, a run that
        # reads anything reads everything (in the same one batched request).
        full = self.force or trigger is not None or not state.pages or \
            bool(cfg.report_page)
        wanted = titles if full else to_read(cfg, self.planner.derived_titles(), revisions,
                                             state)
        pages = self.backend.fetch(wanted)
        new_state = State(dict(state.pages), self.today.isoformat(), state.triggered_at,
                          list(state.pending_changes), dict(state.first_seen),
                          dict(state.translation_edits))
        trigger_page = pages.get(cfg.review.trigger_page or "")
        released = [] if trigger is None else _triggers().release_on_wiki(
            cfg, trigger, trigger_page, new_state, report, log=self.log)
        planned = self.planner.plan_sources(pages, state, report)
        derived = None if full else derived_to_plan(cfg, self.planner.derived_titles(),
                                                    revisions, state, pages, planned)
        more = [t for t in self.planner.derived_titles() if derived is not None
                and t in derived and t not in pages and planned.registry_ok]
        if more:
            pages.update(self.backend.fetch(more))
        self.log(f"read {len(pages)} pages")
        report.not_read = [t for t in cfg.content_titles() if t not in pages]
        self.planner.plan_derived(pages, report, planned, derived)
        data = self._data_page(pages, planned, report, state)
        check_review(self.expect_review, planned.plans + data, new_state)
        check_shutoff(cfg, self.mode, pages, planned.plans + data, report)
        # Owed until every derived page shows them (written with the first save, so a
        # killed run does not lose them either).
        new_state.pending_changes = [change_to_json(c) for c in
                                     planned.derived_changes][-MAX_PENDING:]
        self.applier.apply(planned.plans, report, new_state)
        self.applier.apply(data, report, new_state)
        if trigger is not None and self.mode is not Mode.DRY_RUN:
            _triggers().answer_trigger(cfg, self.backend, trigger, trigger_page, report,
                                       new_state, now=self.now, released=released)
        self._report_page(pages, report, new_state)
        if self.mode is not Mode.DRY_RUN:
            self._settle(planned, report, new_state)
            self.store.save(new_state)
        return report

    def _quiet(self, report: RunReport, state: State, dirty: bool) -> RunReport:
        """A run that found nothing to do: the holds are told; the state is written only
        when a hold was found (or the trigger page's check changed it)."""
        report.quiet = True
        report.notes += [f"{t}: held: {h.describe(self.backend.revision_label)}"
                         for t, h in state.holds().items()]
        if dirty or (report.reverts and self.mode is not Mode.DRY_RUN):
            self.store.save(state)  # a hold found on a page no content moved on too
        return report

    def _data_page(self, pages: dict[str, PageText], planned: Planned, report: RunReport,
                   state: State) -> list[Plan]:
        """The data page's plan (none without ``[data_page]``), from the records this run
        planned and, for the pages it did not read, those of the state."""
        title = self.config.data_page
        if not title:
            return []
        # imported here: a run without a data page does not need it (start-up time)
        from hubbot.app.datapage import data_sources, plan_data_page

        page = pages.get(title) or self.backend.fetch([title])[title]
        plan = attempt(title, page, report, partial(
            plan_data_page, self.config, page, data_sources(self.config, planned.plans, state),
            today=self.today, changes=report.changes), missing=None)
        return [plan] if plan is not None else []

    def _report_page(self, pages: dict[str, PageText], report: RunReport,
                     state: State) -> None:
        """The on-wiki report, last: it tells what the other pages' saves did."""
        title = self.config.report_page
        if not title:
            return
        from hubbot.app.reportpage import plan_report_page  # a run without one: start-up

        page = pages.get(title) or self.backend.fetch([title])[title]
        plan = attempt(title, page, report, partial(
            plan_report_page, self.config, page, report, state, now=self.now,
            today=self.today, label=self.backend.revision_label),
            missing="the report page does not exist: create it once with the status "
                    "region markers; hubbot never creates pages")
        if plan is not None:
            self.applier.apply([plan], report, state)

    def _trigger(self, revisions: dict[str, Revision], state: State
                 ) -> tuple[str | None, bool]:
        if not self.config.review.trigger_page or self.mode is Mode.DRY_RUN:
            return None, False
        return _triggers().trigger_request(self.config, self.backend, revisions, state,
                                           now=self.now, log=self.log)

    def _settle(self, planned: Planned, report: RunReport, state: State) -> None:
        """What is still owed after the run: pages not done are marked, and the changes
        the derived pages have not shown yet are kept for the next run."""
        for result in report.pages:
            if result.outcome in OWING:
                mark_owed(state, result.title)
        cfg = self.config
        derived = {hp.title for hp in cfg.hub_pages} | ({cfg.summary_page}
                                                        if cfg.summary_page else set())
        if all(r.outcome not in OWING for r in report.pages if r.title in derived):
            state.pending_changes = []


def find_reverts(config: Config, backend: Backend, revisions: dict[str, Revision],
                 state: State, report: RunReport, log: Log) -> None:
    """Hold each page a person reverted hubbot's last save of (content pages and the
    data page; never hubbot's own report). Only pages that moved since the state are
    looked at (a quiet run costs nothing more); the revision check brings the latest
    revision's user, parent, tags and SHA-1, and only a page edited more than once since
    hubbot's save costs one more request (its revisions since)."""
    bot = backend.username or None
    watched = config.content_titles() + ([config.data_page] if config.data_page else [])
    for title in watched:
        entry, latest = state.pages.get(title), revisions.get(title)
        if entry is None or entry.saved is None or entry.hold is not None or \
                latest is None or latest.revid is None or latest.revid == entry.revid:
            continue
        ours = entry.saved
        since = (backend.revisions_since(title, ours.revid)
                 if needs_history(ours.revid, latest) else [])
        revert = find_revert(ours.revid, ours.before_sha1, latest, since, bot_user=bot)
        if revert is None:
            continue
        hold = Hold(revert.reverted, revert.revid, revert.user, revert.timestamp, revert.how)
        state.pages[title] = dataclasses.replace(entry, hold=hold)
        report.reverts.append(title)
        log(f"{title}: {hold.describe(backend.revision_label)}: held, no edit until "
            "released")


def is_quiet(config: Config, revisions: dict[str, Revision], state: State) -> bool:
    """No content page changed since the last run and nothing is owed (a data page not
    written yet, newly configured or whose save failed, is owed too)."""
    if config.data_page and config.data_page not in state.pages:
        return False
    return bool(state.pages) and not state.owes() and all(
        revisions[t].revid is not None and revisions[t].revid == state.revid(t)
        for t in config.content_titles())


def changed(title: str, revisions: dict[str, Revision], state: State) -> bool:
    """The page moved since the state recorded it, is owed an edit, or is new."""
    entry = state.pages.get(title)
    revid = revisions[title].revid
    return entry is None or entry.owed or revid is None or revid != entry.revid


def to_read(config: Config, derived: list[str], revisions: dict[str, Revision],
            state: State) -> list[str]:
    """What a run must read first: the source pages that changed (or are owed, or new);
    the derived pages (``derived``) that did, with the whole registry they are built
    from; the whole registry when any of it changed (the derived pages it affects are
    read next, see ``derived_to_plan``); the shutoff page. A page that did not move since
    the state recorded it is not read: its records are in the state, and planning it
    again would change nothing (as in a quiet run)."""
    registry = [pc.title for pc in config.pages if Kind.HUBS in pc.tables]
    wanted = [t for t in config.all_titles() if t not in (config.shutoff_page,
                                                          config.review.trigger_page)
              and changed(t, revisions, state)]
    if any(t in registry or t in derived for t in wanted) or state.pending_changes:
        # Derived pages are planned from the whole registry: read all of it (in the
        # same batched request: no request more).
        wanted += registry
    if state.pending_changes or any(
            state.pages.get(t) is None or state.pages[t].owed for t in registry):
        # Changes some derived page has not shown yet, or a registry edit that was not
        # made (its state is older than what the derived pages may show): all of them.
        wanted += derived
    if config.shutoff_page:
        wanted.append(config.shutoff_page)  # checked before the first edit
    if config.data_page:
        wanted.append(config.data_page)  # planned from the records read
    return list(dict.fromkeys(wanted))


def derived_to_plan(config: Config, derived: list[str], revisions: dict[str, Revision],
                    state: State, pages: dict[str, PageText], planned: Planned) -> set[str]:
    """The derived pages whose planned text could differ from what they show: those
    read already (changed, owed, new), each hub page whose registry rows differ from the
    state's, the summary when the registry moved; all of them when the registry could
    not be read (they fail without being read, as in a full run)."""
    registry = [pc.title for pc in config.pages if Kind.HUBS in pc.tables]
    if not registry or registry[0] not in pages:
        return {t for t in derived if t in pages}
    if not planned.registry_ok:
        return set(derived)
    out = {t for t in derived if t in pages}
    before = _by_key(r for t in registry if t in state.pages
                     for r in state.pages[t].records.get(Kind.HUBS, []))
    after = _by_key(hub_to_json(h) for h in planned.hubs)
    for hp in config.hub_pages:
        if before.get(hp.hub) != after.get(hp.hub):
            out.add(hp.title)
    if config.summary_page and (before != after or any(
            changed(t, revisions, state) for t in registry)):
        out.add(config.summary_page)
    return out


def check_review(expected: str | None, plans: list[Plan], state: State) -> None:
    """Raises ``ReviewMismatchError`` unless the edits planned are the reviewed ones
    (nothing to check without ``expected``)."""
    if expected is None:
        return
    from hubbot.core.review import PlannedEdit, review_id  # only an approved run checks

    rid = review_id([PlannedEdit(p.title, p.page.revid, p.new_text, "", "")
                     for p in plans if p.changes_page and held(state, p.title) is None])
    if rid != expected:
        raise ReviewMismatchError(
            f"the change hubbot would make now ({rid}) is not the reviewed one "
            f"({expected}); not applying", rid)


def check_shutoff(config: Config, mode: Mode, pages: dict[str, PageText], plans: list[Plan],
                  report: RunReport) -> None:
    """Raises ``ShutoffError`` when an edit is planned and the shutoff page does not hold
    the run value (a dry run only notes it)."""
    if not config.shutoff_page or not any(p.changes_page for p in plans):
        return
    page = pages.get(config.shutoff_page)
    value = page.text.strip() if page is not None and page.exists else None
    if value == config.shutoff_run_value:
        return
    if mode is Mode.DRY_RUN:
        report.notes.append(f"{config.shutoff_page} says stop: a real run would not edit")
        return
    shown = "missing" if value is None else repr(value[:40])
    raise ShutoffError(f"{config.shutoff_page} is {shown}, not {config.shutoff_run_value!r}: "
                       "stopped before any edit")
