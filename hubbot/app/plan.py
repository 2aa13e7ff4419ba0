"""Pages -> planned edits: parse the source pages, detect record changes against the
state, and plan the new text of every page (source tables, hub status templates, the
summary). Pure of I/O: it gets the pages read and returns ``Plan``s and report entries.
Every plan carries a ``rebuild`` that re-plans on a fresh text (after a conflict or a
human edit found after a save)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from hubbot.app.config import Config, HubPageConfig, PageConfig
from hubbot.app.model import Outcome, PageResult, Plan, Records, RunReport
from hubbot.app.state import Encoding, PageState, State, canonical_records
from hubbot.core.changes import COUNT_MOVES, Change, diff_events, diff_hubs, summarize
from hubbot.core.codec import (
    event_from_json,
    event_json,
    event_to_json,
    hub_from_json,
    hub_to_json,
    interview_to_json,
)
from hubbot.core.hubtemplates import render_hub_status, render_summary
from hubbot.core.pages import PageText
from hubbot.core.read import ParsedPage, parse_page
from hubbot.core.records import Event, Hub, Interview, Kind, Problem, notice
from hubbot.core.units import Unit, changed_units, translatable, unit_list
from hubbot.core.write import render_page, written_records
from hubbot.errors import GuardError, PageError, TableError

RecordLists = dict[Kind, list[Event | Hub | Interview]]  # a page's records, by kind


def records_of(parsed: ParsedPage) -> Records:
    """The page's records as the state keeps them: in a canonical order, so the state
    does not depend on the order of the rows (before or after hubbot sorted them)."""
    return _as_state(_record_lists(parsed))


def _record_lists(parsed: ParsedPage) -> RecordLists:
    return {kind: parsed.records(kind) for kind in Kind}


# How the state keeps each kind (``canonical_records``): events, the many, written directly.
_ENCODINGS = {Kind.EVENTS: Encoding(event_to_json, event_json),
              Kind.HUBS: Encoding(hub_to_json), Kind.INTERVIEWS: Encoding(interview_to_json)}


def _as_state(records: RecordLists) -> Records:
    """Records by kind (record objects) as the state keeps them (``records_of``)."""
    return canonical_records(records, _ENCODINGS)


def change_to_json(change: Change) -> dict[str, str]:
    return {"kind": change.kind, "page": change.page, "key": change.key, "text": change.text}


def change_from_json(data: dict[str, str]) -> Change:
    return Change(data.get("kind", ""), data.get("page", ""), data.get("key", ""),
                  data.get("text", ""))


@dataclass(frozen=True)
class _Draft:
    """A source page's plan as its parse gives it (``Planner._draft``): the records are
    record objects (None in a dry run, which records nothing), made the state's in
    ``Planner._finish``."""

    text: str
    summary: str
    units: tuple[str, ...]
    records: RecordLists | None


@dataclass
class Planned:
    """What planning found: the plans, the registry's hubs (every row, duplicates kept),
    and the changes the derived pages must show (pending ones from earlier runs first)."""

    plans: list[Plan] = field(default_factory=list)
    hubs: list[Hub] = field(default_factory=list)
    hub_sources: list[str] = field(default_factory=list)  # the source page of each hub
    derived_changes: list[Change] = field(default_factory=list)
    registry_ok: bool = True
    unreadable_hub_rows: int = 0  # registry rows that gave no record: counts uncertain


def attempt(title: str, page: PageText, report: RunReport, make: Callable[[], Plan], *,
            missing: str | None = "page does not exist") -> Plan | None:
    """``make()``'s plan, or None when the page cannot be planned: it does not exist
    (``missing`` says so; None: ``make`` does), or a ``PageError``; the page's result is
    then "failed", with the reason. Planning's one place for a page's error; the save
    decision (``Applier``) has the other."""
    try:
        if missing is not None and not page.exists:
            raise PageError(title, missing)
        return make()
    except PageError as exc:
        report.pages.append(PageResult(title, Outcome.FAILED, exc.message))
        return None


class Planner:
    """Plans one run's edits from the pages read and the state of the last run."""

    def __init__(self, config: Config, *, today: date, accept_removals: bool = False,
                 records: bool = True, allow_unit_changes: bool = False) -> None:
        self.config = config
        self.today = today
        self.accept_removals = accept_removals
        # True only for an on-wiki review and the approved run that applies it: edits may
        # then change translation units on every page, not only on "allow" pages.
        self.allow_unit_changes = allow_unit_changes
        # False for a dry run: nothing is recorded, so the plans' states carry no records
        # (reading the normalised text again for them is half the time of a large page).
        self.records = records

    def allows_unit_changes(self, pc: PageConfig) -> bool:
        return self.allow_unit_changes or pc.allow_unit_changes

    def parse(self, pc: PageConfig, page: PageText) -> ParsedPage:
        return parse_page(page.text, pc.title, context_year=pc.context_year,
                          markers=self.config.markers,
                          stage_aliases=self.config.stage_aliases,
                          allow_unit_changes=self.allows_unit_changes(pc),
                          default_options=self.config.table_options)

    def plan_sources(self, pages: dict[str, PageText], state: State, report: RunReport
                     ) -> Planned:
        """Plan the source pages among ``pages`` (a page not read is not planned: it has
        not changed since the state recorded it). The registry's pages are read all
        together or not at all (``Sync`` sees to it), so ``hubs`` is the whole registry
        whenever a derived page is planned."""
        out = Planned()
        for pc in (pc for pc in self.config.pages if pc.title in pages):
            plan = attempt(pc.title, pages[pc.title], report, partial(
                self._plan_one_source, pc, pages[pc.title], state, report, out))
            if plan is not None:
                out.plans.append(plan)
            elif Kind.HUBS in pc.tables:
                out.registry_ok = False
        report.problems.extend(duplicate_problems(out))
        pending = [change_from_json(c) for c in state.pending_changes]
        out.derived_changes = list(dict.fromkeys(pending + report.changes))
        return out

    def derived_titles(self) -> list[str]:
        """The pages built from the registry: hub pages, then the summary (none
        when the templates read the data page instead: ``[status] mode = "module"``)."""
        cfg = self.config
        if not cfg.writes_derived_pages:
            return []
        return [hp.title for hp in cfg.hub_pages] + ([cfg.summary_page]
                                                     if cfg.summary_page else [])

    def plan_derived(self, pages: dict[str, PageText], report: RunReport, out: Planned,
                     only: Collection[str] | None = None) -> None:
        """Plan the derived pages (those in ``only``; all when it is None). Their texts
        must be in ``pages`` unless the registry could not be read (then each fails
        without being read)."""
        for title in self.derived_titles():
            if only is not None and title not in only:
                continue
            if not out.registry_ok:
                report.pages.append(PageResult(title, Outcome.FAILED,
                                               "the hub registry could not be read safely"))
                continue
            hp = next((h for h in self.config.hub_pages if h.title == title), None)
            make = (partial(self.plan_hub_page, hp, pages[title], out.hubs,
                            out.derived_changes) if hp is not None else
                    partial(self.plan_summary, title, pages[title], out.hubs,
                            out.derived_changes, out.unreadable_hub_rows))
            plan = attempt(title, pages[title], report, make)
            if plan is not None:
                out.plans.append(plan)

    def _plan_one_source(self, pc: PageConfig, page: PageText, state: State,
                         report: RunReport, out: Planned) -> Plan:
        old = state.pages.get(pc.title)
        # The parse lives only in ``_read_source``: the state's records (JSON-ready
        # dicts) are built once it is gone (at 50,000 rows the two together were a real
        # run's memory peak).
        return self._finish(pc, page, old, self._read_source(pc, page, old, report, out))

    def _read_source(self, pc: PageConfig, page: PageText, old: PageState | None,
                     report: RunReport, out: Planned) -> _Draft:
        """The source page parsed, what it says added to ``report`` and ``out``, and
        its plan drafted (``_draft``)."""
        parsed = self.parse(pc, page)
        report.problems.extend(parsed.problems)
        report.notices.extend(parsed.notices)
        report.options.extend(parsed.option_lines())
        if old is None:
            done = "recorded" if self.records else "read (a dry run records nothing)"
            report.notes.append(
                f"{pc.title}: first run: {len(parsed.events)} events, "
                f"{len(parsed.hubs)} hubs, {len(parsed.interviews)} interviews {done}")
        else:
            report.changes += diff_events(pc.title, [event_from_json(e) for e in
                                                     old.records.get(Kind.EVENTS, [])],
                                          parsed.events)
            report.changes += diff_hubs(pc.title, [hub_from_json(h) for h in
                                                   old.records.get(Kind.HUBS, [])], parsed.hubs)
        out.hubs.extend(parsed.hubs)
        out.unreadable_hub_rows += parsed.unreadable_rows(Kind.HUBS)
        out.hub_sources.extend(pc.title for _ in parsed.hubs)
        draft = self._draft(pc, page, old, report.changes, parsed)
        if draft.units:
            report.units_changed[pc.title] = list(draft.units)
            report.notices.append(notice(
                pc.title, "page", None, "",
                f"this edit changes translation units {unit_list(draft.units)}"
                " (allowed): their translations are outdated until the page is "
                "marked for translation"))
        return draft

    def plan_source(self, pc: PageConfig, page: PageText, old: PageState | None,
                    changes: list[Change], parsed: ParsedPage) -> Plan:
        return self._finish(pc, page, old, self._draft(pc, page, old, changes, parsed))

    def _draft(self, pc: PageConfig, page: PageText, old: PageState | None,
               changes: list[Change], parsed: ParsedPage) -> _Draft:
        """What a source page's plan needs from its parse: the new text, the edit
        summary, the units it changes and the records to remember (record objects)."""
        mine = [c for c in changes if c.page == pc.title]
        fallback = "normalize " + " and ".join(f"{k} table" for k in pc.tables)
        summary = summarize(mine, prefix=self.config.summary_prefix, fallback=fallback,
                            how=parsed.option_effects())
        text, units = self.new_text(pc, parsed, page.text, old)
        records = self._saved_records(pc, page, text, parsed) if self.records else None
        return _Draft(text, summary, units, records)

    def _finish(self, pc: PageConfig, page: PageText, old: PageState | None,
                draft: _Draft) -> Plan:
        records = _as_state(draft.records) if draft.records is not None else {}
        return Plan(pc.title, page, draft.text, draft.summary, PageState(page.revid, records),
                    partial(self._rebuild, pc, old), units_changed=draft.units)

    def new_text(self, pc: PageConfig, parsed: ParsedPage, current: str,
                 old: PageState | None) -> tuple[str, tuple[str, ...]]:
        """The text to write and the translation units it changes (allowed ones): the
        page rendered; when that changes it, refused if a table lost too many rows since
        the last run (``guard``) or a translation unit would change (``check_units``)."""
        text = render_page(parsed)
        if text == current:
            return text, ()
        if old is not None and not self.accept_removals:
            guard(pc, parsed, old, self.config.max_removal_share)
        return text, check_units(pc.title, current, text,
                                 allowed=self.allows_unit_changes(pc),
                                 units=parsed.units if parsed.text == current else None)

    def _rebuild(self, pc: PageConfig, old: PageState | None, fresh: PageText
                 ) -> tuple[str, Records]:
        """The plan again on a fresh text (after a conflict, or a human edit found after
        the save): its new text and records."""
        reparsed = self.parse(pc, fresh)
        text = self.new_text(pc, reparsed, fresh.text, old)[0]
        return text, _as_state(self._saved_records(pc, fresh, text, reparsed))

    def _saved_records(self, pc: PageConfig, page: PageText, text: str,
                       parsed: ParsedPage) -> RecordLists:
        """The records of ``text`` (what will be on the wiki), not of the text read: the
        state then does not depend on whether the page was normalised in this run.
        ``text`` is ``render_page(parsed)``: its records are told from ``parsed`` and the
        edits planned (``write.written_records``), or read from ``text`` when they
        cannot be told so (reading it again was most of a real run's extra cost)."""
        if text == page.text:
            return _record_lists(parsed)
        written = written_records(parsed)
        if written is not None:
            return written
        return _record_lists(self.parse(pc, PageText(page.title, text, None)))

    def plan_hub_page(self, hp: HubPageConfig, page: PageText, hubs: list[Hub],
                      changes: list[Change]) -> Plan:
        found = [h for h in hubs if h.key == hp.hub]
        if not found:
            raise PageError(hp.title, f"hub {hp.hub!r} is not in the registry; not editing")
        if len(found) > 1:
            raise PageError(hp.title, f"hub {hp.hub!r} appears {len(found)} times in the "
                            "registry; not editing")
        hub, template = found[0], self.config.status_template
        aliases = self.config.stage_aliases

        def build(fresh: PageText) -> tuple[str, None]:
            return render_hub_status(fresh.text, hub, template=template,
                                     today=self.today, aliases=aliases), None

        mine = [c for c in changes if c.key == hub.key and c.about_hub]
        summary = summarize(mine, prefix=self.config.summary_prefix,
                            fallback=f"update {{{{{template}}}}} of {hub.name} "
                                     f"({hub.stage.value})")
        return Plan(hp.title, page, build(page)[0], summary, PageState(page.revid),
                    build)

    def plan_summary(self, title: str, page: PageText, hubs: list[Hub],
                     changes: list[Change], unreadable_rows: int = 0) -> Plan:
        moves = [c for c in changes if c.kind in COUNT_MOVES]
        last_change = moves[0].text if moves else None
        ordered = sorted(hubs, key=lambda h: h.key)
        template = self.config.summary_template

        def build(fresh: PageText) -> tuple[str, None]:
            return render_summary(fresh.text, ordered, template=template,
                                  last_change=last_change, today=self.today,
                                  unreadable_rows=unreadable_rows), None

        hub_changes = [c for c in changes if c.about_hub]
        summary = summarize(hub_changes, prefix=self.config.summary_prefix,
                            fallback="update hub counts")
        return Plan(title, page, build(page)[0], summary, PageState(page.revid), build)


def guard(pc: PageConfig, parsed: ParsedPage, old: PageState, share: float) -> None:
    """The removal guard: refuse a write when a table lost more than ``share`` of its rows
    since the last run (or was emptied): most likely a bad edit or a truncated read."""
    for kind in pc.tables:
        before = len(old.records.get(kind, []))
        after = len(parsed.records(Kind(kind)))
        if before and (after == 0 or (before - after) / before > share):
            raise GuardError(pc.title, (
                f"the {kind} table would go from {before} to {after} rows "
                f"(more than {share:.0%} removed); refusing to write. Check the page, "
                "then run with --accept-removals if this is intended"))


def check_units(title: str, current: str, text: str, *, allowed: bool,
                units: list[Unit] | None = None) -> tuple[str, ...]:
    """The last check before a translatable page is written: with unit changes not
    ``allowed``, the new text has every unit of the current one, word for word, and every
    marker once (``parse`` left out the edits that would change one; this refuses the
    page if anything slipped through, rather than outdate translations). Returns the
    units the edit changes (none unless unit changes are allowed). ``units``: those of
    ``current``, when the parse read them."""
    if not translatable(current):
        return ()
    changed = tuple(changed_units(current, text, units))
    if changed and not allowed:
        raise TableError(title, f"the edit would change translation units "
                         f"{unit_list(changed)}; refusing to write the page (a bug: "
                         "please report it)")
    return changed


def duplicate_problems(out: Planned) -> list[Problem]:
    """Two registry rows with one key (``North America``, ``North-America``) are a
    problem, never merged: the summary counts both, their hub page is left."""
    counts = Counter(h.key for h in out.hubs)
    first = {h.key: (h, page) for h, page in zip(out.hubs, out.hub_sources, strict=True)}
    # Duplicates within one page are reported by the parser, with their rows.
    pages_of: dict[str, set[str]] = {}
    for hub, page in zip(out.hubs, out.hub_sources, strict=True):
        pages_of.setdefault(hub.key, set()).add(page)
    return [Problem(page, Kind.HUBS, None, hub.name,
                    f"hub key {key!r} appears {counts[key]} times in the registry "
                    f"(pages {', '.join(sorted(pages_of[key]))}): its status page is "
                    "not edited until one row is renamed")
            for key, (hub, page) in first.items()
            if counts[key] > 1 and len(pages_of[key]) > 1]
