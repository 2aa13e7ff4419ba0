"""Opening what a command works on: the backend (wiki or files), the run lock, and the
configured pages read and parsed. The CLI calls these; it holds no logic of its own."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hubbot.app.config import Config
from hubbot.app.state import RunLock
from hubbot.backends.base import Backend
from hubbot.backends.files import FilesBackend
from hubbot.core.codec import event_to_json, hub_to_json, interview_to_json
from hubbot.core.read import ParsedPage, parse_page
from hubbot.errors import ConfigError, UsageError


@dataclass(frozen=True)
class Where:
    """Which backend a command uses: a folder of files, or the configured wiki, and
    pywikibot's global options from the command line (``-simulate``, ``-dir:``,
    ``-user:``, ...), handed to ``pywikibot.handle_args`` when a wiki is used."""

    pages_dir: Path | None = None
    debug: bool = False
    pywikibot_args: tuple[str, ...] = ()

    def option(self, name: str) -> str | None:
        """The value of the global option ``-name`` (``""`` without one), or None."""
        for arg in self.pywikibot_args:
            key, _, value = arg.partition(":")
            if key == f"-{name}":
                return value
        return None

    @property
    def simulate(self) -> bool:
        return self.option("simulate") is not None


def _default_pywikibot_dir(config: Config, where: Where) -> None:
    """Pywikibot's files (user-config.py, user-password.py): the folder of ``-dir:``, else
    PYWIKIBOT_DIR, else the hubbot config's folder when it holds a user-config.py (the
    README's ~/.hubbot). Must run before pywikibot is imported: it reads its directory
    once, on import."""
    given = where.option("dir")
    if given is not None:
        folder = Path(given).expanduser().resolve()
        if not (folder / "user-config.py").is_file():
            raise UsageError(f"-dir:{given}: no user-config.py in {folder}")
        if "pywikibot" in sys.modules:
            from pywikibot import config as pwb_config

            if Path(pwb_config.base_dir).resolve() != folder:
                raise UsageError(f"-dir:{given}: pywikibot already started with "
                                 f"{pwb_config.base_dir}")
        os.environ["PYWIKIBOT_DIR"] = str(folder)
        return
    folder = config.path.parent.resolve()
    if "PYWIKIBOT_DIR" not in os.environ and (folder / "user-config.py").is_file():
        os.environ["PYWIKIBOT_DIR"] = str(folder)


def open_backend(config: Config, where: Where) -> Backend:
    """The backend ``where`` names. Raises ``ConfigError`` without a site or folder,
    ``LoginError`` when the wiki refuses the login."""
    if where.pages_dir is not None:
        return FilesBackend(where.pages_dir, simulate=where.simulate)
    named = any(where.option(o) for o in ("family", "lang", "code", "site"))
    if config.url is None and (config.family is None or config.code is None) and not named:
        raise ConfigError(f"{config.path}: no [site] family/code or url, and no "
                          "--pages-dir given")
    _default_pywikibot_dir(config, where)
    from hubbot.backends.wiki import WikiBackend  # pywikibot only when a wiki is used

    return WikiBackend(config.family, config.code, url=config.url,
                       username=config.username, global_args=where.pywikibot_args,
                       debug=where.debug)


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
