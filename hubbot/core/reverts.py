"""Has a person reverted hubbot's last edit of a page? Decided by MediaWiki where it can
say (change tags), and by the text hubbot itself replaced where it cannot.

MediaWiki 1.39 tags a revert ``mw-undo``, ``mw-rollback`` or ``mw-manual-revert`` (an
edit that restores an earlier revision's text exactly), and marks the reverted edits
``mw-reverted`` (a deferred job: it may come later). hubbot remembers, per page, the
revision of its last save and the SHA-1 of the text that save replaced; a later revision
by someone else with that text is a revert even without a tag (the files backend has no
tags at all).

Pure: the backend hands in revisions (latest, or every one since hubbot's save).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from hubbot.core.pages import Revision

__all__ = ["REVERTED_TAG", "REVERT_TAGS", "Revert", "find_revert", "needs_history", "text_sha1"]

REVERT_TAGS = ("mw-undo", "mw-rollback", "mw-manual-revert")
REVERTED_TAG = "mw-reverted"


def text_sha1(text: str) -> str:
    """The SHA-1 MediaWiki reports for a revision of ``text`` (hex)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Revert:
    """A person's revert of hubbot's edit ``reverted``, made in revision ``revid``."""

    reverted: int  # hubbot's revision
    revid: int | None  # the reverting revision (None: not known)
    user: str  # who reverted ("" where the backend knows no users)
    timestamp: str  # when ("" where unknown)
    how: str  # the tag (mw-undo, mw-rollback, mw-manual-revert) or "text restored"


def _how(rev: Revision, before_sha1: str | None) -> str:
    tag = next((t for t in REVERT_TAGS if t in rev.tags), None)
    if tag is not None:
        return tag
    return "text restored" if before_sha1 and rev.sha1 == before_sha1 else "reverted"


def needs_history(saved: int, latest: Revision) -> bool:
    """Whether deciding needs the revisions since hubbot's save: only when more than one
    revision followed it and the backend knows revision parents (a wiki)."""
    return latest.revid != saved and latest.parentid is not None and latest.parentid != saved


def find_revert(saved: int, before_sha1: str | None, latest: Revision,
                since: Sequence[Revision] = (), *, bot_user: str | None = None
                ) -> Revert | None:
    """The revert of hubbot's save ``saved`` (whose replaced text has ``before_sha1``), if
    there is one, given the page's ``latest`` revision and, when ``needs_history``, the
    revisions ``since`` (newest first, back to ``saved`` itself if still listed).

    A revision by someone other than ``bot_user`` is a revert of hubbot's save when it
    restores the text the save replaced (any backend), or when it comes right after the
    save with a revert tag; with the history, also when MediaWiki tagged the save
    ``mw-reverted`` (the first tagged revert after it, else the first edit after it).
    """
    if latest.revid is None or latest.revid == saved:
        return None

    def human(rev: Revision) -> bool:
        return not (bot_user and rev.user == bot_user)

    if not needs_history(saved, latest):
        # The only revision since the save (or a backend without parents).
        restored = before_sha1 is not None and latest.sha1 == before_sha1
        tagged = latest.parentid == saved and any(t in latest.tags for t in REVERT_TAGS)
        if human(latest) and (restored or tagged):
            return Revert(saved, latest.revid, latest.user or "", latest.timestamp or "",
                          _how(latest, before_sha1))
        return None
    after = sorted((r for r in since if r.revid is not None and r.revid > saved),
                   key=lambda r: r.revid or 0)  # oldest first
    ours = next((r for r in since if r.revid == saved), None)
    for rev in after:
        if not human(rev):
            continue
        restored = before_sha1 is not None and rev.sha1 == before_sha1
        tagged = rev.parentid == saved and any(t in rev.tags for t in REVERT_TAGS)
        if restored or tagged:
            return Revert(saved, rev.revid, rev.user or "", rev.timestamp or "",
                          _how(rev, before_sha1))
    if ours is not None and REVERTED_TAG in ours.tags:
        humans = [r for r in after if human(r)]
        rev = next((r for r in humans if any(t in r.tags for t in REVERT_TAGS)),
                   humans[0] if humans else None)
        if rev is not None:
            return Revert(saved, rev.revid, rev.user or "", rev.timestamp or "",
                          _how(rev, before_sha1))
    return None
