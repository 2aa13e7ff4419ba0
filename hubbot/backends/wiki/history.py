"""A page's history with its texts: back from the latest revision (the reverts check),
and forward from a date as the revisions are consumed (``hubbot history``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from hubbot.backends.wiki.connection import BATCH, Connection
from hubbot.core.pages import HistoryEntry


class History:
    """The backend's history reads over ``wiki``."""

    def __init__(self, wiki: Connection) -> None:
        self.wiki = wiki

    def history(self, title: str, *,
                until: Callable[[HistoryEntry], bool] | None = None) -> list[HistoryEntry]:
        """The page's revisions with their texts, newest first, 50 per request, read back
        until ``until`` is true for one (included) or the history ends."""
        out: list[HistoryEntry] = []
        more: dict[str, Any] = {}
        while True:
            data = self.wiki.query(
                f"{title}: reading the history", action="query", prop="revisions",
                titles=[title], rvlimit=BATCH, rvprop="ids|timestamp|user|comment|content",
                rvslots="main", formatversion=2, **more)
            pages = data.get("query", {}).get("pages", [])
            for r in pages[0].get("revisions", []) if pages else []:
                entry = HistoryEntry(r["revid"], r.get("user", ""), r["timestamp"],
                                     r.get("comment", ""),
                                     r["slots"]["main"].get("content", ""))
                out.append(entry)
                if until is not None and until(entry):
                    return out
            more = data.get("continue", {})
            if not more:
                return out

    def history_since(self, title: str, *, since: str | None = None
                     ) -> tuple[HistoryEntry | None, Iterator[HistoryEntry]]:
        """The page's revisions with their texts and sha1s, oldest first, from ``since``
        (an ISO time; None: the first revision), as many per request as the API allows
        with content (500 with ``apihighlimits``, else 50), following continuation;
        with ``since`` also the revision before it (one request more), the baseline the
        first one is compared with. The revisions are read as they are consumed."""
        base = None
        if since is not None:
            data = self._request(title, rvdir="older", rvstart=since, rvlimit=1)
            found = list(self._entries(data))
            base = found[0] if found else None
        return base, self._walk(title, since, base)

    def _walk(self, title: str, since: str | None, base: HistoryEntry | None
              ) -> Iterator[HistoryEntry]:
        more: dict[str, Any] = {}
        start = {"rvstart": since} if since is not None else {}
        while True:
            data = self._request(title, rvdir="newer", rvlimit=self.wiki.batch,
                                 **start, **more)
            for entry in self._entries(data):
                if base is None or entry.revid != base.revid:
                    yield entry
            more = data.get("continue", {})
            if not more:
                return

    def _request(self, title: str, **params: Any) -> dict[str, Any]:
        return self.wiki.query(
            f"{title}: reading the history", action="query", prop="revisions",
            titles=[title], rvprop="ids|timestamp|user|comment|content|sha1",
            rvslots="main", formatversion=2, **params)

    @staticmethod
    def _entries(data: dict[str, Any]) -> Iterator[HistoryEntry]:
        pages = data.get("query", {}).get("pages", [])
        for r in pages[0].get("revisions", []) if pages else []:
            main = r.get("slots", {}).get("main", {})
            hidden = "texthidden" in main or "content" not in main
            yield HistoryEntry(r["revid"], r.get("user", ""), r["timestamp"],
                               r.get("comment", ""), None if hidden else main["content"],
                               main.get("sha1") or r.get("sha1"))
