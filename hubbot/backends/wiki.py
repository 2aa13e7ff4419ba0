"""The wiki backend: the one module that imports pywikibot.

Reads go through pywikibot's API layer in batches of 50 titles (one request each: latest
revision ids, timestamps, protection and, for ``fetch``, the text); saves are single
``action=edit`` requests carrying the base revision and timestamp of *our* read, so a
human edit made after it is an edit conflict, never overwritten. Pywikibot supplies the
login (BotPassword), tokens (refreshed on ``badtoken``), maxlag back-off, retries on 503
and timeouts, and throttling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from hubbot.backends.base import bots_allowed
from hubbot.core.pages import HistoryEntry, PageText, Revision
from hubbot.errors import (
    EditConflictError,
    LoginError,
    PageError,
    PageSkippedError,
    WikiError,
)

BATCH = 50


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


class WikiBackend:
    """``Backend`` over a real wiki. ``request_count`` counts API HTTP requests made since
    the backend was created (login included); tests and the benchmark read it."""

    def __init__(self, family: str, code: str, *, username: str | None = None,
                 respect_protection: bool = True, max_retries: int | None = None,
                 retry_wait: float | None = None) -> None:
        import pywikibot
        from pywikibot import config as pwb_config
        from pywikibot.comms import http

        if max_retries is not None:
            pwb_config.max_retries = max_retries
        if retry_wait is not None:
            pwb_config.retry_wait = retry_wait
            pwb_config.retry_max = max(retry_wait, 0.1)
        self.request_count = 0
        self._counted_session = http.session
        self._counted_session.hooks.setdefault("response", []).append(self._count)
        self.respect_protection = respect_protection
        try:
            self.site = pywikibot.Site(code, family, user=username)
            self.site.login()
        except Exception as exc:  # noqa: BLE001 - every login failure is one line
            raise LoginError(f"login to {family}:{code} failed: "
                             f"{_redact(_one_line(exc))}") from None
        # Part of logging in: pywikibot looks up the API modules it will use (paraminfo)
        # once; doing it here keeps every later read at exactly one request per batch.
        # and siteinfo (namespaces, extensions)
        self.site._paraminfo.fetch(["query+revisions", "query+info", "edit"])
        _ = self.site.namespaces, self.site.has_extension("Translate")
        if not self.site.logged_in():
            raise LoginError(f"login to {family}:{code} failed: not logged in")
        self.username = self.site.username() or username or ""

    def _count(self, response: Any, *args: Any, **kwargs: Any) -> None:
        if "api.php" in getattr(response, "url", ""):
            self.request_count += 1

    def close(self) -> None:
        hooks = self._counted_session.hooks.get("response", [])
        if self._count in hooks:
            hooks.remove(self._count)

    # --- reads --------------------------------------------------------------------------

    def _query(self, titles: Sequence[str], content: bool) -> list[dict[str, Any]]:
        from pywikibot.exceptions import Error as PywikibotError

        pages: list[dict[str, Any]] = []
        for start in range(0, len(titles), BATCH):
            batch = list(titles[start:start + BATCH])
            params: dict[str, Any] = {
                "action": "query", "prop": "revisions|info", "titles": batch,
                "rvprop": "ids|timestamp|user" + ("|content" if content else ""),
                "rvslots": "main", "inprop": "protection", "formatversion": 2,
                "curtimestamp": 1,
            }
            try:
                data = self.site.simple_request(**params).submit()
            except PywikibotError as exc:
                raise WikiError(f"reading {len(batch)} pages failed: "
                                f"{_one_line(exc)}") from None
            query = data.get("query", {})
            names = {n["to"]: n["from"] for n in query.get("normalized", [])}
            for page in query.get("pages", []):
                page["requested"] = names.get(page["title"], page["title"])
                page["curtimestamp"] = data.get("curtimestamp")
                pages.append(page)
        return pages

    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        out = {t: Revision(t, None, None) for t in titles}
        for page in self._query(titles, content=False):
            rev = (page.get("revisions") or [None])[0]
            if rev is not None and not page.get("missing"):
                out[page["requested"]] = Revision(page["requested"], rev["revid"],
                                                  rev["timestamp"], rev.get("user"))
        return out

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        out = {t: PageText(t, "", None, exists=False, editable=False,
                           not_editable_reason="page does not exist") for t in titles}
        self._started: dict[str, str] = getattr(self, "_started", {})
        for page in self._query(titles, content=True):
            title = page["requested"]
            rev = (page.get("revisions") or [None])[0]
            if page.get("missing") or page.get("invalid") or rev is None:
                continue
            text = rev["slots"]["main"]["content"]
            reason = None
            edit_levels = [p["level"] for p in page.get("protection", [])
                           if p.get("type") == "edit"]
            if not bots_allowed(text, self.username):
                reason = "{{nobots}} or {{bots}} excludes hubbot on the page"
            elif edit_levels and self.respect_protection:
                reason = f"page is protected (edit={edit_levels[0]})"
            out[title] = PageText(title, text, rev["revid"], rev["timestamp"],
                                  editable=reason is None, not_editable_reason=reason)
            self._started[title] = page.get("curtimestamp") or rev["timestamp"]
        return out

    def history(self, title: str, limit: int = 20) -> list[HistoryEntry]:
        """The page's last ``limit`` revisions with their texts, newest first (one
        request)."""
        from pywikibot.exceptions import Error as PywikibotError

        try:
            data = self.site.simple_request(
                action="query", prop="revisions", titles=[title], rvlimit=limit,
                rvprop="ids|timestamp|user|comment|content", rvslots="main",
                formatversion=2).submit()
        except PywikibotError as exc:
            raise WikiError(f"{title}: reading the history failed: {_one_line(exc)}") \
                from None
        pages = data.get("query", {}).get("pages", [])
        revs = pages[0].get("revisions", []) if pages else []
        return [HistoryEntry(r["revid"], r.get("user", ""), r["timestamp"],
                             r.get("comment", ""), r["slots"]["main"].get("content", ""))
                for r in revs]

    def user_groups(self, users: Sequence[str]) -> dict[str, frozenset[str]]:
        """Each user's groups, as the wiki says (one request)."""
        from pywikibot.exceptions import Error as PywikibotError

        if not users:
            return {}
        try:
            data = self.site.simple_request(action="query", list="users", ususers=list(users),
                                            usprop="groups", formatversion=2).submit()
        except PywikibotError as exc:
            raise WikiError(f"reading user groups failed: {_one_line(exc)}") from None
        return {u["name"]: frozenset(u.get("groups", []))
                for u in data.get("query", {}).get("users", [])}

    # --- writes -------------------------------------------------------------------------

    def save(self, page: PageText, text: str, summary: str) -> int | None:
        from pywikibot.exceptions import APIError
        from pywikibot.exceptions import Error as PywikibotError

        if not page.exists:
            raise PageSkippedError(page.title, "page does not exist (hubbot never creates "
                                   "pages)")
        if not page.editable:
            raise PageSkippedError(page.title, page.not_editable_reason or "not editable")
        if text == page.text:
            return None
        params: dict[str, Any] = {
            "action": "edit", "title": page.title, "text": text, "summary": summary,
            "bot": True, "nocreate": True, "notminor": True, "watchlist": "nochange",
            "baserevid": page.revid, "basetimestamp": page.timestamp,
            "starttimestamp": getattr(self, "_started", {}).get(page.title, page.timestamp),
            "assert": "user", "formatversion": 2,
            "token": self.site.tokens["csrf"],
        }
        try:
            data = self.site.simple_request(**params).submit()
        except APIError as exc:
            code = exc.code
            if code == "editconflict":
                raise EditConflictError(page.title, "edit conflict: the page was edited "
                                        "after hubbot read it") from None
            if code in ("protectedpage", "cascadeprotected", "permissiondenied",
                        "protectednamespace-interface"):
                raise PageSkippedError(page.title, f"protected: {exc.info}") from None
            if code in ("missingtitle", "nocreate-missing", "pagedeleted"):
                raise PageSkippedError(page.title, f"page is gone: {exc.info}") from None
            raise PageError(page.title, f"API error {code}: {exc.info}") from None
        except PywikibotError as exc:
            raise PageError(page.title, f"not saved: {_one_line(exc)}") from None
        result = data.get("edit", {})
        if result.get("result") != "Success":
            raise PageError(page.title, f"edit not saved: {result}")
        if result.get("nochange"):
            return None
        return int(result["newrevid"])

    def create_page(self, title: str, text: str, summary: str) -> int | None:
        """Create ``title`` (``createonly``: an existing page is never overwritten). Used by
        ``hubbot templates install`` only; sync never creates pages."""
        from pywikibot.exceptions import APIError
        from pywikibot.exceptions import Error as PywikibotError

        try:
            data = self.site.simple_request(
                action="edit", title=title, text=text, summary=summary, bot=True,
                createonly=True, watchlist="nochange", formatversion=2,
                token=self.site.tokens["csrf"], **{"assert": "user"}).submit()
        except APIError as exc:
            if exc.code == "articleexists":
                raise EditConflictError(title, "the page was created since it was read") \
                    from None
            if exc.code in ("protectedpage", "cascadeprotected", "permissiondenied",
                            "protectedtitle", "protectednamespace-interface"):
                raise PageSkippedError(title, f"protected: {exc.info}") from None
            raise PageError(title, f"API error {exc.code}: {exc.info}") from None
        except PywikibotError as exc:
            raise PageError(title, f"not created: {_one_line(exc)}") from None
        result = data.get("edit", {})
        if result.get("result") != "Success":
            raise PageError(title, f"page not created: {result}")
        return int(result["newrevid"]) if "newrevid" in result else None


_SECRETISH = re.compile(r"(password|secret|token)(\W+)\S+", re.IGNORECASE)


def _redact(text: str) -> str:
    """Belt and braces: whatever a library put in an error, no credential survives."""
    return _SECRETISH.sub(r"\1\2[redacted]", text)
