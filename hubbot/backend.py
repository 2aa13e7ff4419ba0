"""What sync needs from a wiki, and the offline backend that reads/writes files.

``Backend`` is a Protocol: ``hubbot.wiki.WikiBackend`` (pywikibot) and ``FilesBackend``
(a directory of ``.wikitext`` files) implement it. Sync only ever talks to this interface.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hubbot.errors import EditConflictError, PageSkippedError, UsageError


@dataclass(frozen=True)
class Revision:
    """The latest revision of a page, without its text. ``revid`` None: page missing."""

    title: str
    revid: int | None
    timestamp: str | None = None
    user: str | None = None  # who made it (the wiki backend knows; files do not)


@dataclass(frozen=True)
class HistoryEntry:
    """One past revision of a page, with its text."""

    revid: int
    user: str
    timestamp: str
    comment: str
    text: str


@dataclass(frozen=True)
class PageText:
    """A page's text at a revision, and whether the bot may edit it (and if not, why)."""

    title: str
    text: str
    revid: int | None
    timestamp: str | None = None
    exists: bool = True
    editable: bool = True
    not_editable_reason: str | None = None


class Backend(Protocol):
    """The wiki, as sync sees it. Every method may raise ``hubbot.errors.WikiError``."""

    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        """Latest revision of each title, batched (one API request per 50 titles)."""
        ...

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        """Text of each title at its latest revision, batched (one request per 50)."""
        ...

    def save(self, page: PageText, text: str, summary: str) -> int | None:
        """Save ``text`` over ``page``, conflicting if the page moved past ``page.revid``.

        Returns the new revision id (None if nothing was saved). Raises
        ``EditConflictError`` on a conflict, ``PageSkippedError`` if the page may not be
        edited (nobots, protection, missing page), ``WikiError`` on other failures.
        """
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


def title_to_filename(title: str) -> str:
    """``Hubs/Ongoing`` -> ``Hubs%2FOngoing.wikitext`` (reversible, one flat directory)."""
    safe = title.replace("%", "%25").replace("/", "%2F").replace(":", "%3A")
    return safe + ".wikitext"


def filename_to_title(name: str) -> str:
    stem = name.removesuffix(".wikitext")
    return stem.replace("%2F", "/").replace("%3A", ":").replace("%25", "%")


class FilesBackend:
    """A directory of ``<title>.wikitext`` files standing in for a wiki.

    A page's "revision id" is a hash of its bytes, so change detection works as against a
    wiki; a save whose base no longer matches the file on disk is an edit conflict, as on
    a wiki. Files are written whole, through a temporary file and a rename. ``{{nobots}}``
    is honoured as on a wiki; missing pages are never created.
    """

    def __init__(self, directory: Path | str, username: str = "hubbot") -> None:
        self.directory = Path(directory)
        self.username = username
        if not self.directory.is_dir():
            raise UsageError(f"--pages-dir {self.directory}: not a directory")

    def _path(self, title: str) -> Path:
        return self.directory / title_to_filename(title)

    def _read(self, title: str) -> tuple[Revision, bytes | None]:
        try:
            data = self._path(title).read_bytes()
        except FileNotFoundError:
            return Revision(title, None, None), None
        # A content hash stands in for a revision id: equal text, equal "revision".
        return Revision(title, int.from_bytes(hashlib.sha256(data).digest()[:6], "big")), data

    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        return {t: self._read(t)[0] for t in titles}

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        out: dict[str, PageText] = {}
        for title in titles:
            rev, data = self._read(title)
            if data is None:
                out[title] = PageText(title, "", None, exists=False, editable=False,
                                      not_editable_reason="page does not exist")
                continue
            text = data.decode("utf-8")
            allowed = bots_allowed(text, self.username)
            out[title] = PageText(title, text, rev.revid, editable=allowed,
                                  not_editable_reason=None if allowed
                                  else "{{nobots}} on the page")
        return out

    def save(self, page: PageText, text: str, summary: str) -> int | None:
        if not page.exists:
            raise PageSkippedError(page.title, "page does not exist (hubbot never creates "
                                   "pages)")
        current, _ = self._read(page.title)
        if current.revid != page.revid:
            raise EditConflictError(page.title, "the page changed since it was read")
        if text == page.text:
            return None
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".hubbot-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            os.replace(tmp, self._path(page.title))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self._read(page.title)[0].revid
