"""``WikiBackend``: the ``Backend`` protocol over a real wiki, composed of the connection
(login, request count), the reads, the saves and the history; and ``open_wiki``, which
finds pywikibot's files before pywikibot starts and opens the backend.

Pywikibot supplies the login (BotPassword), tokens (refreshed on ``badtoken``), maxlag
back-off, retries on 503 and timeouts, and throttling; hubbot asks the API itself only
where it saves requests or keeps what ``Page.save`` would lose (README, Design)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from hubbot.backends.base import Saved
from hubbot.backends.wiki.connection import Connection
from hubbot.backends.wiki.history import History
from hubbot.backends.wiki.process import use_pywikibot_dir
from hubbot.backends.wiki.reads import Reads
from hubbot.backends.wiki.saves import Saves
from hubbot.core.pages import HistoryEntry, PageText, Revision


class WikiBackend:
    """``Backend`` over a real wiki. ``request_count`` counts API HTTP requests made since
    the backend was created (login included); tests and the benchmark read it.

    The wiki is ``family``/``code``, or the one whose ``api.php`` is ``url`` (a family is
    generated for it, without any request). ``global_args`` are pywikibot's global options
    (``-simulate``, ``-user:``, ``-family:``, ``-lang:``, ``-v``, ``-debug``, ...), handled
    by ``pywikibot.handle_args`` as in every pywikibot script; on the command line they
    win over the config. ``-dir:`` must already have taken effect (``PYWIKIBOT_DIR``)."""

    def __init__(self, family: str | None = None, code: str | None = None, *,
                 url: str | None = None, username: str | None = None,
                 global_args: Sequence[str] = (), respect_protection: bool = True,
                 max_retries: int | None = None, retry_wait: float | None = None,
                 debug: bool = False) -> None:
        self.wiki = Connection(family, code, url=url, username=username,
                               global_args=global_args, max_retries=max_retries,
                               retry_wait=retry_wait, debug=debug)
        self.reads = Reads(self.wiki, respect_protection=respect_protection)
        self.saves = Saves(self.wiki)
        self.history_reads = History(self.wiki)
        self.site = self.wiki.site
        self.username = self.wiki.username
        self.simulate = self.wiki.simulate

    @property
    def request_count(self) -> int:
        return self.wiki.request_count

    @property
    def batch(self) -> int:
        """Titles (or revisions with texts) per request: 500 with ``apihighlimits``."""
        return self.wiki.batch

    @batch.setter
    def batch(self, value: int) -> None:
        self.wiki.batch = value

    def close(self) -> None:
        self.wiki.close()

    # --- reads ---
    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        return self.reads.revisions(titles)

    def revisions_since(self, title: str, revid: int) -> list[Revision]:
        return self.reads.revisions_since(title, revid)

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        return self.reads.fetch(titles)

    def fetch_revision(self, title: str, revid: int) -> PageText:
        return self.reads.fetch_revision(title, revid)

    def user_groups(self, users: Sequence[str]) -> dict[str, frozenset[str]]:
        return self.reads.user_groups(users)

    # --- history ---
    def history(self, title: str, *,
                until: Callable[[HistoryEntry], bool] | None = None) -> list[HistoryEntry]:
        return self.history_reads.history(title, until=until)

    def history_since(self, title: str, *, since: str | None = None
                     ) -> tuple[HistoryEntry | None, Iterator[HistoryEntry]]:
        return self.history_reads.history_since(title, since=since)

    # --- saves ---
    def save(self, page: PageText, text: str, summary: str) -> Saved | None:
        return self.saves.save(page, text, summary)

    def create_page(self, title: str, text: str, summary: str) -> int | None:
        return self.saves.create_page(title, text, summary)

    def confirm(self, title: str, diff: str, summary: str, *, old: str = "",
                new: str = "") -> str:
        return self.saves.confirm(title, diff, summary, old=old, new=new)

    def revision_label(self, revid: int) -> str:
        return f"r{revid}"


def open_wiki(family: str | None, code: str | None, *, url: str | None,
              username: str | None, global_args: Sequence[str], debug: bool,
              config_dir: Path) -> WikiBackend:
    """The configured wiki, logged in: pywikibot's files are those of ``-dir:`` in
    ``global_args``, else ``PYWIKIBOT_DIR``, else ``config_dir`` when it holds a
    user-config.py. Raises ``UsageError`` for a bad ``-dir:``, ``ConfigError`` for an
    unknown site, ``LoginError`` when the wiki refuses the login."""
    use_pywikibot_dir(global_args, config_dir)
    return WikiBackend(family, code, url=url, username=username, global_args=global_args,
                       debug=debug)
