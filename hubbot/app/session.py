"""Opening what a command works on: the backend (wiki or files), the run lock, and the
configured pages read and parsed. The CLI calls these; it holds no logic of its own."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hubbot.app.config import Config
from hubbot.app.state import RunLock
from hubbot.backends.base import Backend
from hubbot.backends.files import FilesBackend
from hubbot.core.codec import event_to_json, hub_to_json, interview_to_json
from hubbot.core.parse import ParsedPage, parse_page
from hubbot.errors import ConfigError, UsageError


@dataclass(frozen=True)
class Where:
    """Which backend a command uses: a folder of files, or the configured wiki."""

    pages_dir: Path | None = None
    debug: bool = False


def _default_pywikibot_dir(config: Config) -> None:
    """Pywikibot's files (user-config.py, user-password.py) next to the hubbot config
    (the README's ~/.hubbot) are used unless PYWIKIBOT_DIR says otherwise. Must run before
    pywikibot is imported: it reads its directory once, on import."""
    folder = config.path.parent.resolve()
    if "PYWIKIBOT_DIR" not in os.environ and (folder / "user-config.py").is_file():
        os.environ["PYWIKIBOT_DIR"] = str(folder)


def open_backend(config: Config, where: Where) -> Backend:
    """The backend ``where`` names. Raises ``ConfigError`` without a site or folder,
    ``LoginError`` when the wiki refuses the login."""
    if where.pages_dir is not None:
        return FilesBackend(where.pages_dir)
    if config.family is None or config.code is None:
        raise ConfigError(f"{config.path}: no [site] family/code, and no --pages-dir given")
    _default_pywikibot_dir(config)
    from hubbot.backends.wiki import WikiBackend  # pywikibot only when a wiki is used

    return WikiBackend(config.family, config.code, username=config.username,
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
                                 markers=config.markers, stage_aliases=config.stage_aliases))
    return parsed


def export_records(parsed: list[ParsedPage]) -> dict[str, list[dict]]:
    """The records of every page as JSON-ready rows, each naming its page."""
    return {
        "events": [event_to_json(e) | {"page": p.title} for p in parsed for e in p.events],
        "hubs": [hub_to_json(h) | {"page_title": p.title} for p in parsed for h in p.hubs],
        "interviews": [interview_to_json(i) | {"page": p.title} for p in parsed
                       for i in p.interviews],
    }
