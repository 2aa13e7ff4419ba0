"""What sync needs from a wiki, and the offline backend that reads/writes files.

``Backend`` is a Protocol: ``hubbot.backends.wiki.WikiBackend`` (pywikibot) and ``FilesBackend``
(a directory of ``.wikitext`` files) implement it. Sync only ever talks to this interface.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from hubbot.core.pages import HistoryEntry, PageText, Revision


@dataclass(frozen=True)
class Saved:
    """What a save made: the new revision, the revision it was saved on top of
    (``parent``: MediaWiki's ``oldrevid``) and its timestamp. ``parent`` differing from
    the revision hubbot read means someone edited in between."""

    revid: int
    parent: int | None
    timestamp: str | None = None


class Backend(Protocol):
    """The wiki, as sync sees it. Every method may raise ``hubbot.errors.WikiError``."""

    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        """Latest revision of each title, batched (one API request per 500 titles for
        an account with ``apihighlimits``, else per 50)."""
        ...

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        """Text of each title at its latest revision, batched as ``revisions``."""
        ...

    def fetch_revision(self, title: str, revid: int) -> PageText:
        """Text of ``title`` at the old revision ``revid`` (one request)."""
        ...

    def save(self, page: PageText, text: str, summary: str) -> Saved | None:
        """Save ``text`` over ``page``, conflicting if the page moved past ``page.revid``.

        Returns what was saved (None if nothing was). Raises ``EditConflictError`` on a
        conflict, ``PageSkippedError`` if the page opts out (nobots, protection),
        ``PageError`` / ``WikiError`` on other failures.
        """
        ...

    def history(self, title: str, *,
                until: Callable[[HistoryEntry], bool] | None = None) -> list[HistoryEntry]:
        """The page's revisions with their texts, newest first, read back until ``until``
        is true for one (included) or the history ends. Raises ``UsageError`` where there
        is no history (the files backend)."""
        ...

    def user_groups(self, users: Sequence[str]) -> dict[str, frozenset[str]]:
        """Each user's groups as the wiki says (empty where there are no users)."""
        ...

    def close(self) -> None:
        """Release what the backend holds."""
        ...


_BOTS = re.compile(r"\{\{\s*(nobots|bots)\s*(\|[^{}]*)?\}\}", re.IGNORECASE)


def bots_allowed(text: str, username: str = "hubbot") -> bool:
    """The ``{{bots}}`` / ``{{nobots}}`` exclusion convention, as pywikibot reads it.

    ``{{nobots}}`` and ``{{bots|deny=all}}`` keep every bot out; ``deny=`` a list naming
    us, or ``allow=`` a list not naming us (``allow=none``), keep us out.
    """
    me = username.casefold()
    for m in _BOTS.finditer(text):
        name, params = m.group(1).lower(), (m.group(2) or "").strip("|")
        if name == "nobots":
            names = {n.strip().casefold() for n in params.split(",") if n.strip()}
            if not names or "all" in names or me in names:
                return False
            continue
        for param in params.split("|"):
            key, _, value = param.partition("=")
            names = {n.strip().casefold() for n in value.split(",")}
            if key.strip().lower() == "deny" and ({"all", me} & names):
                return False
            if key.strip().lower() == "allow" and not ({"all", me} & names):
                return False
    return True
