"""A page as a backend hands it to the app: its latest revision, its text, its history.

Plain frozen data, shared by the backends, the app and the pure review logic.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HistoryEntry", "PageText", "Revision", "wiki_title"]


def wiki_title(title: str) -> str:
    """A title as MediaWiki names it: underscores are spaces, runs of spaces one, the
    first letter upper (``hubs/ongoing`` and ``Hubs/ongoing`` are one page;
    ``records.normalize_title`` is a record's identity, a different idea)."""
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:]


@dataclass(frozen=True)
class Revision:
    """The latest revision of a page, without its text. ``revid`` None: page missing."""

    title: str
    revid: int | None
    timestamp: str | None = None
    user: str | None = None  # who made it (the wiki backend knows; files do not)
    parentid: int | None = None  # the revision it was made on (None: not known)
    tags: tuple[str, ...] = ()  # MediaWiki's change tags (mw-undo, mw-reverted, ...)
    sha1: str | None = None  # SHA-1 of its text, hex (equal text, equal sha1)


@dataclass(frozen=True)
class HistoryEntry:
    """One past revision of a page, with its text (None where it is hidden or not in
    an export) and, where the source gives it, the text's sha1."""

    revid: int
    user: str
    timestamp: str
    comment: str
    text: str | None
    sha1: str | None = None


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
