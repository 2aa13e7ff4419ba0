"""Who may approve reviews and trigger runs, and who approved a review: decided from the
configuration and the wiki (user groups, the review page's history), never from page
text, and never from a window of the history: the whole history of that review is read,
back to the revision that posted it."""

from __future__ import annotations

from hubbot.app.config import Config
from hubbot.backends.base import Backend
from hubbot.core.pages import HistoryEntry
from hubbot.core.review import approving_edit, read_review


def is_approver(config: Config, backend: Backend, user: str) -> bool:
    """Allowed by name, or by a user group the wiki says ``user`` is in."""
    rc = config.review
    if not user:
        return False
    if user in rc.approvers:
        return True
    if not rc.approver_groups:
        return False
    groups = backend.user_groups([user]).get(user, frozenset())
    return bool(set(groups) & set(rc.approver_groups))


def review_history(backend: Backend, title: str, rid: str) -> list[HistoryEntry]:
    """The review page's revisions of review ``rid``, newest first, and the one before
    the review was posted (another review, or none): read until that one."""

    def before_review(entry: HistoryEntry) -> bool:
        state = read_review(entry.text)
        return state is None or state.rid != rid

    return backend.history(title, until=before_review)


def approver_of(backend: Backend, title: str, rid: str) -> HistoryEntry | None:
    """The edit that set review ``rid`` to approved (the newest such switch)."""
    return approving_edit(review_history(backend, title, rid), rid)
