"""One sync run: check revisions, parse, detect changes, plan edits, write safely.

Sync talks to the wiki only through a ``Backend`` and to the user only through the
``confirm`` and ``log`` callables it is given, so it runs the same against Meta-Wiki, the
local test wiki or a directory of files. A failure on one page never stops the others; it
makes the run's exit code 1. Nothing is written when the shutoff page says stop.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from hubbot.app.config import Config, HubPageConfig, PageConfig
from hubbot.app.state import PageState, State, StateStore
from hubbot.backends.base import Backend
from hubbot.core.changes import Change, diff_events, diff_hubs, summarize
from hubbot.core.codec import (
    event_from_json,
    event_to_json,
    hub_from_json,
    hub_to_json,
    interview_to_json,
)
from hubbot.core.pages import PageText, Revision
from hubbot.core.parse import EVENTS, HUBS, INTERVIEWS, ParsedPage, parse_page
from hubbot.core.records import Hub, Problem
from hubbot.core.render import RenderRefused, render_page
from hubbot.core.status import (
    TemplateAmbiguous,
    TemplateMissing,
    render_hub_status,
    render_summary,
)
from hubbot.errors import (
    EXIT_OK,
    EXIT_PAGE_FAILED,
    EditConflictError,
    GuardError,
    HubbotError,
    PageError,
    PageSkippedError,
    RegionError,
    ShutoffError,
)


class ReviewMismatchError(HubbotError):
    """The change planned now differs from the reviewed one: it must be reviewed again."""

    def __init__(self, message: str, current_id: str) -> None:
        super().__init__(message)
        self.current_id = current_id


class Mode(StrEnum):
    CRON = "cron"
    INTERACTIVE = "interactive"
    DRY_RUN = "dry-run"


class Outcome(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    WOULD_SAVE = "would save"
    DECLINED = "declined"
    SKIPPED = "skipped"
    FAILED = "failed"


FAILING = {Outcome.SKIPPED, Outcome.FAILED}


@dataclass
class PageResult:
    title: str
    outcome: Outcome
    message: str = ""
    revid: int | None = None
    diff: str = ""
    summary: str = ""
    base_revid: int | None = None
    new_text: str = ""  # set when the page would change (for on-wiki reviews)

    def line(self) -> str:
        text = f"{self.title}: {self.outcome.value}"
        if self.revid is not None and self.outcome is Outcome.SAVED:
            text += f" (r{self.revid})"
        if self.message:
            text += f": {self.message}"
        return text


@dataclass
class RunReport:
    pages: list[PageResult] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    quiet: bool = False  # nothing changed since the last run: nothing was fetched
    notes: list[str] = field(default_factory=list)
    revisions: dict[str, int | None] = field(default_factory=dict)  # as checked

    @property
    def exit_code(self) -> int:
        return EXIT_PAGE_FAILED if any(p.outcome in FAILING for p in self.pages) else EXIT_OK


Confirm = Callable[[str, str, str], str]  # (title, diff, summary) -> "y" | "n" | "a" | "q"
Log = Callable[[str], None]


def unified_diff(title: str, old: str, new: str, revid: int | None = None) -> str:
    """A unified diff of a page's text, labelled with the page and its base revision."""
    base = f"{title} (r{revid})" if revid is not None else title
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=base, tofile=f"{title} (hubbot)")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


@dataclass
class _Plan:
    title: str
    page: PageText
    new_text: str
    summary: str
    state: PageState  # what to remember once this page is done
    # Re-plan on a fresh read after a conflict: the new text, and the records read from
    # the fresh page (None: the plan's records still hold).
    rebuild: Callable[[PageText], tuple[str, dict[str, list[dict[str, Any]]] | None]] | None \
        = None


def _records_of(parsed: ParsedPage) -> dict[str, list[dict[str, Any]]]:
    return {
        EVENTS: [event_to_json(e) for e in parsed.events],
        HUBS: [hub_to_json(h) for h in parsed.hubs],
        INTERVIEWS: [interview_to_json(i) for i in parsed.interviews],
    }


class Sync:
    """A single run over the pages of ``config``."""

    def __init__(self, config: Config, backend: Backend, *, mode: Mode = Mode.CRON,
                 today: date, confirm: Confirm | None = None, log: Log | None = None,
                 force: bool = False, accept_removals: bool = False,
                 expect_review: str | None = None, summary_suffix: str = "",
                 now: datetime | None = None) -> None:
        if mode is Mode.INTERACTIVE and confirm is None:
            raise ValueError("interactive mode needs a confirm callable")
        self.config = config
        self.backend = backend
        self.mode = mode
        self.today = today
        self.confirm = confirm
        self.log: Log = log or (lambda line: None)
        self.force = force
        self.accept_removals = accept_removals
        self.store = StateStore(config.state_path)
        self.expect_review = expect_review  # apply only exactly this reviewed change
        self.summary_suffix = summary_suffix
        self.now = now or datetime.now(UTC)
        self._state_dirty = False

    # --- planning ---------------------------------------------------------------------

    def _parse(self, pc: PageConfig, page: PageText) -> ParsedPage:
        return parse_page(page.text, pc.title, context_year=pc.context_year,
                          markers=self.config.markers)

    def _guard(self, pc: PageConfig, parsed: ParsedPage, old: PageState | None) -> None:
        """Refuse a write when a table lost more than the allowed share of its rows since
        the last run (or was emptied): most likely a bad edit or a truncated read."""
        if old is None or self.accept_removals:
            return
        share = self.config.max_removal_share
        for kind in pc.tables:
            before = len(old.records.get(kind, []))
            after = len(_records_of(parsed)[kind])
            if before and (after == 0 or (before - after) / before > share):
                raise GuardError(pc.title, (
                    f"the {kind} table would go from {before} to {after} rows "
                    f"(more than {share:.0%} removed); refusing to write. Check the page, "
                    "then run with --accept-removals if this is intended"))

    def _plan_source(self, pc: PageConfig, page: PageText, old: PageState | None,
                     changes: list[Change], parsed: ParsedPage) -> _Plan:
        def new_text_of(parsed_page: ParsedPage, current: str) -> str:
            try:
                text = render_page(parsed_page)
            except RenderRefused as exc:
                raise RegionError(pc.title, str(exc)) from None
            if text != current:
                self._guard(pc, parsed_page, old)
            return text

        def rebuild(fresh: PageText) -> tuple[str, dict[str, list[dict[str, Any]]]]:
            reparsed = self._parse(pc, fresh)
            return new_text_of(reparsed, fresh.text), _records_of(reparsed)

        fallback = "normalize " + " and ".join(f"{k} table" for k in pc.tables)
        summary = summarize(changes, prefix=self.config.summary_prefix, fallback=fallback)
        return _Plan(pc.title, page, new_text_of(parsed, page.text), summary,
                     PageState(page.revid, _records_of(parsed)), rebuild)

    def _plan_hub_page(self, hp: HubPageConfig, page: PageText, hubs: dict[str, Hub],
                       changes: list[Change]) -> _Plan:
        hub = hubs.get(hp.hub)
        if hub is None:
            raise PageError(hp.title, f"hub {hp.hub!r} is not in the registry; not editing")

        def build(fresh: PageText) -> str:
            try:
                return render_hub_status(fresh.text, hub, template=self.config.status_template,
                                         today=self.today)
            except TemplateMissing:
                raise PageError(hp.title, f"no {{{{{self.config.status_template}}}}} "
                                "on the page; not editing") from None
            except TemplateAmbiguous:
                raise PageError(hp.title, f"{{{{{self.config.status_template}}}}} appears "
                                "more than once; not editing") from None

        mine = [c for c in changes if c.key == hub.key and c.kind.startswith("hub")]
        summary = summarize(mine, prefix=self.config.summary_prefix,
                            fallback=f"update {{{{{self.config.status_template}}}}} "
                                     f"of {hub.name} ({hub.stage.value})")
        return _Plan(hp.title, page, build(page), summary, PageState(page.revid),
                     lambda fresh: (build(fresh), None))

    def _plan_summary(self, title: str, page: PageText, hubs: list[Hub],
                      changes: list[Change]) -> _Plan:
        moves = [c for c in changes if c.kind in ("hub stage", "hub added", "hub removed")]
        last_change = moves[0].text if moves else None

        def build(fresh: PageText) -> str:
            try:
                return render_summary(fresh.text, hubs, template=self.config.summary_template,
                                      last_change=last_change, today=self.today)
            except (TemplateMissing, TemplateAmbiguous) as exc:
                raise PageError(title, f"{{{{{self.config.summary_template}}}}}: "
                                f"{exc or 'missing or ambiguous'}; not editing") from None

        hub_changes = [c for c in changes if c.kind.startswith("hub")]
        summary = summarize(hub_changes, prefix=self.config.summary_prefix,
                            fallback="update hub counts")
        return _Plan(title, page, build(page), summary, PageState(page.revid),
                     lambda fresh: (build(fresh), None))

    # --- the run ----------------------------------------------------------------------

    def run(self) -> RunReport:
        """Do the run. Raises ``StoppedError`` (shutoff) before any edit, ``WikiError``
        when the wiki cannot be read at all; page failures are in the report."""
        cfg = self.config
        report = RunReport()
        state = self.store.load()
        titles = cfg.all_titles()
        self.log(f"checking {len(titles)} pages")
        revisions = self.backend.revisions(titles)
        report.revisions = {t: r.revid for t, r in revisions.items()}
        content = cfg.content_titles()
        trigger = self._trigger_request(revisions, state)
        if (not self.force and trigger is None and state.pages
                and all(revisions[t].revid is not None
                        and revisions[t].revid == state.revid(t) for t in content)):
            report.quiet = True
            if self._state_dirty:
                self.store.save(state)
            return report

        pages = self.backend.fetch(titles)
        self.log(f"read {len(pages)} pages")
        new_state = State(dict(state.pages), self.today.isoformat(), state.triggered_at)
        plans: list[_Plan] = []
        failed_sources: set[str] = set()
        hubs: dict[str, Hub] = {}
        all_changes: list[Change] = []

        for pc in cfg.pages:
            page = pages[pc.title]
            if not page.exists:
                report.pages.append(PageResult(pc.title, Outcome.FAILED,
                                               "page does not exist"))
                failed_sources.add(pc.title)
                continue
            parsed = self._parse(pc, page)
            report.problems.extend(parsed.problems)
            old = state.pages.get(pc.title)
            changes: list[Change] = []
            if old is None:
                report.notes.append(
                    f"{pc.title}: first run: {len(parsed.events)} events, "
                    f"{len(parsed.hubs)} hubs, {len(parsed.interviews)} interviews recorded")
            else:
                changes += diff_events(pc.title, [event_from_json(e) for e in
                                                  old.records.get(EVENTS, [])], parsed.events)
                changes += diff_hubs(pc.title, [hub_from_json(h) for h in
                                                old.records.get(HUBS, [])], parsed.hubs)
            all_changes += changes
            for hub in parsed.hubs:
                hubs.setdefault(hub.key, hub)
            try:
                plans.append(self._plan_source(pc, page, old, changes, parsed))
            except PageError as exc:
                report.pages.append(PageResult(pc.title, Outcome.FAILED, exc.message))
                if isinstance(exc, GuardError) or HUBS in pc.tables:
                    failed_sources.add(pc.title)
        report.changes = all_changes

        registry_ok = not any(HUBS in pc.tables and pc.title in failed_sources
                              for pc in cfg.pages)
        derived: list[tuple[str, Callable[[], _Plan]]] = []
        for hp in cfg.hub_pages:
            derived.append((hp.title, lambda hp=hp: self._plan_hub_page(
                hp, pages[hp.title], hubs, all_changes)))
        if cfg.summary_page:
            derived.append((cfg.summary_page, lambda: self._plan_summary(
                cfg.summary_page or "", pages[cfg.summary_page or ""],
                sorted(hubs.values(), key=lambda h: h.key), all_changes)))
        for title, make in derived:
            if not registry_ok:
                report.pages.append(PageResult(title, Outcome.SKIPPED,
                                               "the hub registry could not be read safely"))
                continue
            if not pages[title].exists:
                report.pages.append(PageResult(title, Outcome.FAILED, "page does not exist"))
                continue
            try:
                plans.append(make())
            except PageError as exc:
                report.pages.append(PageResult(title, Outcome.FAILED, exc.message))

        edits = [p for p in plans if p.new_text != p.page.text]
        if self.expect_review is not None:
            from hubbot.core.review import PlannedEdit, review_id

            rid = review_id([PlannedEdit(p.title, p.page.revid, p.new_text, "", "")
                             for p in edits])
            if rid != self.expect_review:
                raise ReviewMismatchError(
                    f"the change hubbot would make now ({rid}) is not the reviewed one "
                    f"({self.expect_review}); not applying", rid)
        if edits and self.mode is not Mode.DRY_RUN:
            self._check_shutoff(pages)
        elif edits and cfg.shutoff_page:
            shut = pages.get(cfg.shutoff_page)
            if shut is not None and shut.text.strip() != cfg.shutoff_run_value:
                report.notes.append(f"{cfg.shutoff_page} says stop: a real run would not "
                                    "edit")

        self._apply(plans, report, new_state)
        if trigger is not None and self.mode is not Mode.DRY_RUN:
            self._answer_trigger(trigger, pages, report, new_state)
        # Only pages done (saved, unchanged, or skipped for good) were updated in
        # new_state; failed and declined pages keep their old entry, so the next run
        # looks at them again.
        if self.mode is not Mode.DRY_RUN:
            self.store.save(new_state)
        return report

    # --- "update now" ------------------------------------------------------------------

    def _trigger_request(self, revisions: dict[str, Revision], state: State) -> str | None:
        """The user asking for a run on the trigger page, if a new, allowed, request is
        there and the last triggered run is older than the configured interval. Seen in
        the one batched revision check: a quiet run costs no extra request."""
        rc = self.config.review
        if not rc.trigger_page or self.mode is Mode.DRY_RUN:
            return None
        rev = revisions.get(rc.trigger_page)
        if rev is None or rev.revid is None or rev.revid == state.revid(rc.trigger_page):
            return None
        if state.triggered_at:
            last = datetime.fromisoformat(state.triggered_at)
            if self.now - last < timedelta(minutes=rc.trigger_interval_minutes):
                self.log(f"{rc.trigger_page}: update requested, but the last triggered run "
                         "was too recent; it waits for a later run")
                return None
        user = rev.user or ""
        if not self.is_approver(user):
            self.log(f"{rc.trigger_page}: last edited by {user or '?'}, who may not "
                     "trigger runs; ignored")
            # Remembered, so later quiet runs do not look the user up again.
            state.pages[rc.trigger_page] = PageState(rev.revid)
            self._state_dirty = True
            return None
        return user

    def is_approver(self, user: str) -> bool:
        """Allowed by name, or by a user group the wiki says ``user`` is in."""
        rc = self.config.review
        if not user:
            return False
        if user in rc.approvers:
            return True
        groups_of = getattr(self.backend, "user_groups", None)
        if not rc.approver_groups or groups_of is None:
            return False
        return bool(set(groups_of([user]).get(user, frozenset())) & set(rc.approver_groups))

    def _answer_trigger(self, user: str, pages: dict[str, PageText], report: RunReport,
                        new_state: State) -> None:
        from hubbot.core.review import render_trigger_answer

        title = self.config.review.trigger_page or ""
        page = pages.get(title)
        saved = [p.title for p in report.pages if p.outcome is Outcome.SAVED]
        failed = [p.title for p in report.pages if p.outcome in FAILING]
        result = (f"requested by {user}; saved: {', '.join(saved) or 'none'}; "
                  f"failed: {', '.join(failed) or 'none'}; "
                  f"{len(report.changes)} changes since the last run")
        status = "failed" if failed else "done"
        new_state.triggered_at = self.now.isoformat(timespec="seconds")
        if page is None or not page.exists:
            return
        text = render_trigger_answer(page.text, status=status,
                                     when=self.now.isoformat(timespec="minutes"),
                                     result=result)
        try:
            revid = self.backend.save(page, text, f"{self.config.summary_prefix}: "
                                      f"update run done ({status})")
        except HubbotError as exc:
            report.notes.append(f"{title}: could not write the answer: {exc}")
            return
        new_state.pages[title] = PageState(revid)
        report.notes.append(f"{title}: run requested by {user}: {status}")

    def _check_shutoff(self, pages: dict[str, PageText]) -> None:
        cfg = self.config
        if not cfg.shutoff_page:
            return
        page = pages.get(cfg.shutoff_page)
        value = page.text.strip() if page is not None and page.exists else None
        if value != cfg.shutoff_run_value:
            shown = "missing" if value is None else repr(value[:40])
            raise ShutoffError(f"{cfg.shutoff_page} is {shown}, not "
                               f"{cfg.shutoff_run_value!r}: stopped before any edit")

    def _apply(self, plans: list[_Plan], report: RunReport, new_state: State) -> None:
        approve_all = self.mode is Mode.CRON
        quit_ = False
        for plan in plans:
            if plan.new_text == plan.page.text:
                report.pages.append(PageResult(plan.title, Outcome.UNCHANGED))
                new_state.pages[plan.title] = plan.state
                continue
            diff = unified_diff(plan.title, plan.page.text, plan.new_text, plan.page.revid)
            result = PageResult(plan.title, Outcome.WOULD_SAVE, diff=diff,
                                summary=plan.summary + self.summary_suffix,
                                base_revid=plan.page.revid, new_text=plan.new_text)
            plan.summary = result.summary
            if not plan.page.editable:
                result.outcome = Outcome.SKIPPED
                result.message = plan.page.not_editable_reason or "not editable"
                if self.mode is not Mode.DRY_RUN:
                    new_state.pages[plan.title] = plan.state
            elif self.mode is Mode.DRY_RUN:
                pass
            elif quit_:
                result.outcome, result.message = Outcome.DECLINED, "not asked (quit)"
            else:
                answer = "y" if approve_all else (self.confirm or (lambda *a: "n"))(
                    plan.title, diff, plan.summary)
                if answer == "a":
                    approve_all, answer = True, "y"
                if answer == "q":
                    quit_ = True
                    result.outcome, result.message = Outcome.DECLINED, "quit asked"
                elif answer != "y":
                    result.outcome = Outcome.DECLINED
                else:
                    self.log(f"saving {plan.title}")
                    self._save(plan, result, new_state)
            report.pages.append(result)

    def _save(self, plan: _Plan, result: PageResult, new_state: State) -> None:
        page, text = plan.page, plan.new_text
        for attempt in (1, 2):
            try:
                revid = self.backend.save(page, text, plan.summary)
            except EditConflictError as exc:
                if attempt == 2 or plan.rebuild is None:
                    result.outcome = Outcome.FAILED
                    result.message = f"{exc.message}; still conflicting after a retry, " \
                                     "left for the next run"
                    return
                fresh = self.backend.fetch([plan.title])[plan.title]
                try:
                    text, records = plan.rebuild(fresh)
                except PageError as err:
                    result.outcome, result.message = Outcome.FAILED, err.message
                    return
                if records is not None:
                    plan.state = PageState(fresh.revid, records)
                page = fresh
                if text == fresh.text:
                    result.outcome = Outcome.UNCHANGED
                    result.message = "someone else made the change first"
                    new_state.pages[plan.title] = PageState(fresh.revid,
                                                            plan.state.records)
                    return
                result.diff = unified_diff(plan.title, fresh.text, text, fresh.revid)
                continue
            except PageSkippedError as exc:
                result.outcome, result.message = Outcome.SKIPPED, exc.message
                new_state.pages[plan.title] = plan.state
                return
            except PageError as exc:
                result.outcome, result.message = Outcome.FAILED, exc.message
                return
            except HubbotError as exc:
                result.outcome, result.message = Outcome.FAILED, str(exc)
                return
            result.outcome, result.revid = Outcome.SAVED, revid
            new_state.pages[plan.title] = PageState(revid, plan.state.records)
            return
