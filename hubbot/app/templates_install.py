"""``hubbot templates install``: put the templates hubbot writes or expects on a wiki.

The pages live in the repository's ``wikitemplates/`` folder, one ``<title>.wikitext``
file per page, titles encoded as ``--pages-dir`` encodes them (``:`` is ``%3A``, ``/`` is
``%2F``), the Lua module ``Module:Hubs`` among them. One file is not a template:
``Hubbot documentation.wikitext``, the bot's own documentation page, is installed under
the configured ``[report_page] docs_page`` (and not at all without one), with the
configuration's pages and names filled in (``@@SHUTOFF_PAGE@@`` and the like,
``docs_values``); the configured data page is created empty when missing. A run reads
every page's current text in one batch and compares: a missing page
is created, a different one updated (through ``Backend.save``, so an edit made since the
read is a conflict, never overwritten), an equal one left alone. Without ``write`` it
only says what it would do, with a diff for every update.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hubbot.app.config import Config
from hubbot.backends.base import Backend
from hubbot.backends.files import filename_to_title
from hubbot.core.records import Kind
from hubbot.core.textdiff import unified_diff
from hubbot.errors import HubbotError, PageSkippedError, UsageError

#: The folder shipped with hubbot (a checkout or an editable install).
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "wikitemplates"
#: The bot's documentation page (installed under ``docs_page``, not under its file name).
DOCS_FILE = "Hubbot documentation.wikitext"
_PLACEHOLDER = re.compile(r"@@[A-Z_]+@@")


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


def docs_values(config: Config) -> dict[str, str]:
    """What the documentation page says about this configuration: its pages, the bot,
    the operator, the shutoff, report, review and trigger pages."""
    rc = config.review
    bot = config.username or (config.docs_page or "").removeprefix("User:").split("/")[0] \
        or "hubbot"
    kinds = {Kind.EVENTS: "the events table", Kind.HUBS: "the hub registry table",
             Kind.INTERVIEWS: "the interviews table"}
    lines = [f"* [[{pc.title}]]: " + " and ".join(kinds.get(k, f"the {k} table")
                                                 for k in pc.tables)
             + " between its hubbot markers (sorted, dates in one style)"
             for pc in config.pages]
    lines += [f"* [[{hp.title}]]: the <code><nowiki>{{{{{config.status_template}}}}}"
              "</nowiki></code> template (stage, type, date of the last change)"
              for hp in config.hub_pages]
    if config.summary_page:
        lines.append(f"* [[{config.summary_page}]]: the <code><nowiki>"
                     f"{{{{{config.summary_template}}}}}</nowiki></code> counts")
    own = [(config.report_page, "its report, between its two markers"),
           (rc.page, "reviews of planned changes"),
           (rc.trigger_page, "its answer to a request for a run")]
    lines += [f"* [[{t}]]: {what}" for t, what in own if t]
    approvers = ", ".join([f"[[User:{u}|{u}]]" for u in rc.approvers]
                          + [f"members of the {g} group" for g in rc.approver_groups])
    return {
        "BOT": bot,
        "OPERATOR": config.operator or f"see [[User talk:{bot}]]",
        "SUMMARY_PREFIX": config.summary_prefix,
        "SHUTOFF_PAGE": config.shutoff_page or f"User:{bot}/Shutoff",
        "RUN_VALUE": config.shutoff_run_value,
        "REPORT_PAGE": config.report_page or f"User talk:{bot}",
        "REVIEW_PAGE": rc.page or "",
        "TRIGGER_PAGE": rc.trigger_page or "",
        "APPROVERS": approvers or "none configured",
        "PAGES": "\n".join(lines),
        "PAGE_COUNT": str(len(config.content_titles())),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with every ``@@NAME@@`` replaced by ``values[NAME]``; an unknown name is
    a ``UsageError`` (a page must never go out half filled)."""
    def one(match: re.Match[str]) -> str:
        name = match.group(0).strip("@")
        if name not in values:
            raise UsageError(f"{DOCS_FILE}: unknown placeholder {match.group(0)}")
        return values[name]
    return _PLACEHOLDER.sub(one, text)


def load_templates(directory: Path | None = None, *, config: Config | None = None
                   ) -> list[TemplatePage]:
    """Every ``*.wikitext`` page in ``directory`` (default: the shipped folder), sorted
    by title so a page comes before its ``/doc``. The documentation page is included
    only with a ``config`` that names a ``docs_page`` (under that title, filled in)."""
    directory = directory or DEFAULT_DIR
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such folder of template pages")
    pages = []
    for path in sorted(directory.glob("*.wikitext")):
        if path.name == DOCS_FILE and (config is None or not config.docs_page):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot read: {exc}") from None
        if path.name == DOCS_FILE and config is not None and config.docs_page:
            pages.append(TemplatePage(config.docs_page, fill(text, docs_values(config))))
            continue
        pages.append(TemplatePage(filename_to_title(path.name), text))
    if not pages:
        raise UsageError(f"{directory}: no .wikitext files")
    return sorted(pages, key=lambda p: p.title)


def _same(current: str, wanted: str) -> bool:
    # MediaWiki strips trailing whitespace on save: a page saved from the file reads back
    # without the file's final newline.
    return current.rstrip() == wanted.rstrip()


def _diff(title: str, current: str, wanted: str) -> str:
    """The diff of a template page, its trailing blank lines ignored (``_same``)."""
    return unified_diff(title, current.rstrip() + "\n", wanted.rstrip() + "\n",
                        labels=(f"{title} (on the wiki)", f"{title} (wikitemplates)"))


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
                config: Config | None = None) -> list[InstallResult]:
    """The command's work: every template page (and the documentation page, with a
    ``config`` naming one) compared and, with ``write``, saved; and the data page
    (``[data_page] title``), created empty when missing and otherwise left to ``hubbot
    sync``."""
    pages = load_templates(directory, config=config)
    if config is not None and config.data_page is not None:
        from hubbot.app.datapage import initial_text

        pages.append(TemplatePage(config.data_page, initial_text(), create_only=True))
    return install_templates(backend, pages, write=write, log=log,
                             summary=f"{summary_prefix}: install the templates hubbot "
                             "uses (from wikitemplates/)")
