"""Opening what a command works on: the backend (wiki or files), the run lock, the
configured pages read and parsed, and a page given as a file (``hubbot parse``). The CLI
calls these; it holds no logic of its own."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hubbot.app.config import Config
from hubbot.app.state import RunLock
from hubbot.backends.base import Backend
from hubbot.backends.files import FilesBackend, filename_to_title
from hubbot.core.codec import (
    event_to_json,
    hub_to_json,
    interview_to_json,
    problem_to_json,
    table_to_json,
)
from hubbot.core.read import ParsedPage, parse_page
from hubbot.errors import ConfigError, UsageError


@dataclass(frozen=True)
class Where:
    """Which backend a command uses: a folder of files, or the configured wiki, and
    pywikibot's global options from the command line (``-simulate``, ``-dir:``,
    ``-user:``, ...), handed to the wiki backend when a wiki is used."""

    pages_dir: Path | None = None
    debug: bool = False
    global_args: tuple[str, ...] = ()

    def option(self, name: str) -> str | None:
        """The value of the global option ``-name`` (``""`` without one), or None."""
        for arg in self.global_args:
            key, _, value = arg.partition(":")
            if key == f"-{name}":
                return value
        return None

    @property
    def simulate(self) -> bool:
        return self.option("simulate") is not None


def open_backend(config: Config, where: Where) -> Backend:
    """The backend ``where`` names. Raises ``ConfigError`` without a site or folder,
    ``LoginError`` when the wiki refuses the login (``open_wiki``: all that touches
    pywikibot, its files included, is in the wiki backend)."""
    if where.pages_dir is not None:
        return FilesBackend(where.pages_dir, simulate=where.simulate)
    named = any(where.option(o) for o in ("family", "lang", "code", "site"))
    if config.url is None and (config.family is None or config.code is None) and not named:
        raise ConfigError(f"{config.path}: no [site] family/code or url, and no "
                          "--pages-dir given")
    from hubbot.backends.wiki import open_wiki  # a run on a folder never imports it

    return open_wiki(config.family, config.code, url=config.url,
                     username=config.username, global_args=where.global_args,
                     debug=where.debug, config_dir=config.path.parent)


@contextlib.contextmanager
def session(config: Config, where: Where, *, lock: bool) -> Iterator[Backend]:
    """The backend, opened after the run lock is taken (an overlapping cron run stops at
    once, exit 3, before logging in) and closed at the end."""
    guard = RunLock(config.lock_path) if lock else contextlib.nullcontext()
    with guard:
        backend = open_backend(config, where)
        try:
            yield backend
        finally:
            backend.close()


def read_configured(config: Config, where: Where) -> list[ParsedPage]:
    """Every configured page, read and parsed (for ``check`` and ``export``)."""
    with session(config, where, lock=False) as backend:
        pages = backend.fetch([p.title for p in config.pages])
    parsed = []
    for pc in config.pages:
        page = pages[pc.title]
        if not page.exists:
            raise UsageError(f"{pc.title}: page does not exist")
        parsed.append(parse_page(page.text, pc.title, context_year=pc.context_year,
                                 markers=config.markers, stage_aliases=config.stage_aliases,
                                 allow_unit_changes=pc.allow_unit_changes,
                                 default_options=config.table_options))
    return parsed


def export_records(parsed: list[ParsedPage]) -> dict[str, list[dict]]:
    """The records of every page as JSON-ready rows, each naming its page."""
    return {
        "events": [event_to_json(e) | {"page": p.title} for p in parsed for e in p.events],
        "hubs": [hub_to_json(h) | {"page_title": p.title} for p in parsed for h in p.hubs],
        "interviews": [interview_to_json(i) | {"page": p.title} for p in parsed
                       for i in p.interviews],
    }


def parse_file(text: str, *, title: str | None = None, filename: str | None = None,
               context_year: int | None = None) -> ParsedPage:
    """A page's text given as a file (or stdin), parsed: its title is ``title``, else the
    one its file name stands for (as in ``--pages-dir``), else ``stdin``."""
    if title is None:
        title = filename_to_title(filename) if filename is not None else "stdin"
    return parse_page(text, title, context_year=context_year)


def page_json(parsed: ParsedPage) -> dict:
    """Everything read from one page, JSON-ready (``hubbot parse --json``)."""
    return {"page": parsed.title, "events": [event_to_json(e) for e in parsed.events],
            "hubs": [hub_to_json(h) for h in parsed.hubs],
            "interviews": [interview_to_json(i) for i in parsed.interviews],
            "problems": [problem_to_json(p) for p in parsed.problems],
            "notices": [problem_to_json(n) for n in parsed.notices],
            "tables": [table_to_json(t) for t in parsed.tables],
            "options": parsed.option_lines()}
