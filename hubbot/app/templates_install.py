"""``hubbot templates install``: put the templates hubbot writes or expects on a wiki.

The pages live in the repository's ``wikitemplates/`` folder, one ``<title>.wikitext``
file per page, titles encoded as ``--pages-dir`` encodes them (``:`` is ``%3A``, ``/`` is
``%2F``), the Lua module ``Module:Hubs`` among them, and the configured data page. A run
reads every page's current text in one batch and compares: a missing page
is created, a different one updated (through ``Backend.save``, so an edit made since the
read is a conflict, never overwritten), an equal one left alone. Without ``write`` it
only says what it would do, with a diff for every update.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hubbot.backends.base import Backend
from hubbot.backends.files import filename_to_title
from hubbot.errors import HubbotError, PageSkippedError, UsageError

#: The folder shipped with hubbot (a checkout or an editable install).
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "wikitemplates"


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UP_TO_DATE = "up to date"


@dataclass(frozen=True)
class TemplatePage:
    title: str
    text: str
    create_only: bool = False  # the data page: created once, then only sync writes it


@dataclass
class InstallResult:
    """What happened (or would happen) to one page."""

    title: str
    action: Action
    diff: str = ""
    written: bool = False
    error: str | None = None
    revid: int | None = None

    def line(self, write: bool) -> str:
        if self.error is not None:
            return f"{self.title}: failed: {self.error}"
        if self.action is Action.UP_TO_DATE:
            return f"{self.title}: up to date"
        if not write:
            return f"{self.title}: would {self.action.value}"
        verb = "created" if self.action is Action.CREATE else "updated"
        return f"{self.title}: {verb}" + (f" (r{self.revid})" if self.revid else "")


def load_templates(directory: Path | None = None) -> list[TemplatePage]:
    """Every ``*.wikitext`` page in ``directory`` (default: the shipped folder), sorted
    by title so a page comes before its ``/doc``."""
    directory = directory or DEFAULT_DIR
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such folder of template pages")
    pages = []
    for path in sorted(directory.glob("*.wikitext")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot read: {exc}") from None
        pages.append(TemplatePage(filename_to_title(path.name), text))
    if not pages:
        raise UsageError(f"{directory}: no .wikitext files")
    return sorted(pages, key=lambda p: p.title)


def _same(current: str, wanted: str) -> bool:
    # MediaWiki strips trailing whitespace on save: a page saved from the file reads back
    # without the file's final newline.
    return current.rstrip() == wanted.rstrip()


def _lines(text: str) -> list[str]:
    return [line + "\n" for line in text.rstrip().split("\n")]


def _diff(title: str, current: str, wanted: str) -> str:
    return "".join(difflib.unified_diff(_lines(current), _lines(wanted),
                                        fromfile=f"{title} (on the wiki)",
                                        tofile=f"{title} (wikitemplates)"))


def install_templates(backend: Backend, pages: Sequence[TemplatePage], *,
                      write: bool, summary: str,
                      log: Callable[[str], None] = lambda _: None) -> list[InstallResult]:
    """Compare ``pages`` with the wiki and, with ``write``, create or update them.

    A page that fails (protection, ``{{nobots}}``, an edit conflict, an API error) is
    reported in its result and the others are still done.
    """
    log(f"checking {len(pages)} template pages")
    current = backend.fetch([p.title for p in pages])
    results = []
    for page in pages:
        now = current[page.title]
        if not now.exists:
            result = InstallResult(page.title, Action.CREATE)
        elif page.create_only or _same(now.text, page.text):
            result = InstallResult(page.title, Action.UP_TO_DATE)
        else:
            result = InstallResult(page.title, Action.UPDATE,
                                   diff=_diff(page.title, now.text, page.text))
        if write and result.action is not Action.UP_TO_DATE:
            log(f"saving {page.title}")
            try:
                if result.action is Action.UPDATE and not now.editable:
                    raise PageSkippedError(page.title, now.not_editable_reason
                                           or "not editable")
                if result.action is Action.CREATE:
                    result.revid = backend.create_page(page.title, page.text, summary)
                else:
                    result.revid = backend.save(now, page.text, summary)
                result.written = True
            except HubbotError as exc:
                result.error = str(getattr(exc, "message", exc))
        results.append(result)
    return results


def run_install(backend: Backend, *, write: bool, log: Callable[[str], None],
                directory: Path | None = None, summary_prefix: str = "hubbot",
                data_page: str | None = None) -> list[InstallResult]:
    """The command's work: every template page compared and, with ``write``, saved; and
    the data page (``[data_page] title``), created empty when missing and otherwise left
    to ``hubbot sync``."""
    pages = load_templates(directory)
    if data_page is not None:
        from hubbot.app.datapage import initial_text

        pages.append(TemplatePage(data_page, initial_text(), create_only=True))
    return install_templates(backend, pages, write=write, log=log,
                             summary=f"{summary_prefix}: install the templates hubbot "
                             "uses (from wikitemplates/)")
