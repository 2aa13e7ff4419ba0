"""The data a run passes between its steps: modes, outcomes, per-page results (a page's
review diff made when first asked), the run report, and a planned edit (``Plan``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from hubbot.app.collector import fewer_collections
from hubbot.app.state import PageState, Records
from hubbot.core.changes import Change
from hubbot.core.pages import PageText
from hubbot.core.records import Problem
from hubbot.errors import EXIT_OK, EXIT_PAGE_FAILED


class Mode(StrEnum):
    CRON = "cron"
    INTERACTIVE = "interactive"
    DRY_RUN = "dry-run"


class Outcome(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    WOULD_SAVE = "would save"
    DECLINED = "declined"
    SKIPPED = "skipped"  # the page opts out ({{nobots}}, protection): reported, not failed
    HELD = "held"  # a person reverted hubbot there: no edit until released; not failed
    FAILED = "failed"


FAILING = {Outcome.FAILED}
# Pages whose planned edit was not made: the next run must plan them again.
OWING = {Outcome.FAILED, Outcome.DECLINED, Outcome.WOULD_SAVE}


@dataclass
class PageResult:
    title: str
    outcome: Outcome
    message: str = ""
    revid: int | None = None
    # the diff, or how to make it, set through ``diff`` (not a constructor argument): made
    # on first use, so a scheduled run that shows none never pays for it (a unified diff
    # of a 50,000-row table is about 10% of such a run)
    _diff: str | Callable[[], str] = field(default="", repr=False, init=False)
    summary: str = ""
    base_revid: int | None = None
    new_text: str = ""  # set when the page would change (for on-wiki reviews)
    revision: str = ""  # how the saved revision is named (``Backend.revision_label``)
    simulated: bool = False  # pywikibot's -simulate stopped the save

    @property
    def diff(self) -> str:
        """The page's unified diff ("" when it does not change)."""
        if callable(self._diff):
            with fewer_collections():  # made after the run, its objects still alive
                self._diff = self._diff()
        return self._diff

    @diff.setter
    def diff(self, value: str | Callable[[], str]) -> None:
        self._diff = value

    def line(self) -> str:
        text = f"{self.title}: {self.outcome.value}"
        if self.simulated:
            text += " (simulated)"
        if self.revision and self.outcome is Outcome.SAVED:
            text += f" ({self.revision})"
        if self.message:
            text += f": {self.message}"
        return text


@dataclass
class RunReport:
    pages: list[PageResult] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # read or repaired, worth a look, never a failure (``records.Severity.NOTICE``)
    notices: list[Problem] = field(default_factory=list)
    # Translation units each page's edit changes (only where unit changes are allowed).
    units_changed: dict[str, list[str]] = field(default_factory=dict)
    quiet: bool = False  # nothing changed since the last run: nothing was fetched
    notes: list[str] = field(default_factory=list)
    revisions: dict[str, int | None] = field(default_factory=dict)  # as checked
    human_edits_kept: int = 0  # saves found to follow a human edit, re-applied on it
    # Content pages not read: unchanged since the state recorded them, so they were not
    # planned again (their outcome and problems are those of the run that last read them).
    not_read: list[str] = field(default_factory=list)
    reverts: list[str] = field(default_factory=list)  # reverts found in this run (titles)
    # the options in effect per owned table read in this run, one line each
    # ("Hubs: events table: sort=newest dates=mdy"; ``ParsedPage.option_lines``)
    options: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[PageResult]:
        """The pages that make the run exit 1 (the one definition of "failed")."""
        return [p for p in self.pages if p.outcome in FAILING]

    @property
    def exit_code(self) -> int:
        return EXIT_PAGE_FAILED if self.failed else EXIT_OK

    def counts(self) -> dict[Outcome, int]:
        return {o: sum(1 for p in self.pages if p.outcome is o) for o in Outcome}


# (title, diff, summary, *, old=text read, new=text wanted) -> "y" | "n" | "a" | "q"
Confirm = Callable[..., str]
Log = Callable[[str], None]
# Re-plan on a fresh text: the new text, and the records read from it (None: the plan's
# records still hold, as for status templates).
Rebuild = Callable[[PageText], tuple[str, Records | None]]


@dataclass
class Plan:
    """One page's planned edit: the text read, the text wanted, and what to remember."""

    title: str
    page: PageText
    new_text: str
    summary: str
    state: PageState  # what to remember once this page is done
    rebuild: Rebuild | None = None
    watched: bool = True  # a person's revert of this edit holds the page (not: the report)
    units_changed: tuple[str, ...] = ()  # translation units the edit changes (allowed)

    @property
    def changes_page(self) -> bool:
        return self.new_text != self.page.text
