"""The data a run passes between its steps: modes, outcomes, per-page results, the run
report, and a planned edit (``Plan``). No logic beyond formatting."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hubbot.app.state import PageState
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
    diff: str = ""
    summary: str = ""
    base_revid: int | None = None
    new_text: str = ""  # set when the page would change (for on-wiki reviews)
    revision: str = ""  # how the saved revision is named (``Backend.revision_label``)
    simulated: bool = False  # pywikibot's -simulate stopped the save

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
Records = dict[str, list[dict[str, Any]]]
# Re-plan on a fresh text: the new text, and the records read from it (None: the plan's
# records still hold, as for status templates).
Rebuild = Callable[[PageText], tuple[str, Records | None]]


def unified_diff(title: str, old: str, new: str, revision: str | None = None) -> str:
    """A unified diff of a page's text, labelled with the page and its base revision."""
    base = f"{title} ({revision})" if revision else title
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=base, tofile=f"{title} (hubbot)")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


@dataclass
class Plan:
    """One page's planned edit: the text read, the text wanted, and what to remember."""

    title: str
    page: PageText
    new_text: str
    summary: str
    state: PageState  # what to remember once this page is done
    rebuild: Rebuild | None = None
    derived: bool = False  # a status page (built from the registry), not a source page
    watched: bool = True  # a person's revert of this edit holds the page (not: the report)
    units_changed: tuple[str, ...] = ()  # translation units the edit changes (allowed)

    @property
    def changes_page(self) -> bool:
        return self.new_text != self.page.text
