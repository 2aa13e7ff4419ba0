"""The wiki backend: the one module that imports pywikibot.

Reads go through pywikibot's API layer in batches of as many titles as the account may ask
for at once (500 with ``apihighlimits``, as bots have, else 50; one request each: latest
revision ids, timestamps, protection and, for ``fetch``, the text); saves are single
``action=edit`` requests carrying the base revision and timestamp of *our* read, so a
human edit made after it is an edit conflict, never overwritten. Pywikibot supplies the
login (BotPassword), tokens (refreshed on ``badtoken``), maxlag back-off, retries on 503
and timeouts, and throttling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from hubbot.backends.base import Saved
from hubbot.backends.wiki.process import (
    Causes,
    global_options,
    handle_args,
    one_line,
    quiet_pywikibot,
    redact,
    url_family_name,
)
from hubbot.core.pages import HistoryEntry, PageText, Revision
from hubbot.errors import (
    ConfigError,
    EditConflictError,
    LoginError,
    PageError,
    PageSkippedError,
    SimulatedSaveError,
    WikiError,
)

BATCH = 50  # titles per query for an account without apihighlimits
HIGH_BATCH = 500  # with apihighlimits (bots, sysops)


def _revision(title: str, rev: dict[str, Any]) -> Revision:
    """A revision as the API gives it (``rvprop=ids|timestamp|user|tags|sha1``)."""
    return Revision(title, rev["revid"], rev.get("timestamp"), rev.get("user"),
                    rev.get("parentid"), tuple(rev.get("tags", ())), rev.get("sha1"))


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
        try:
            import pywikibot
            from pywikibot import config as pwb_config
            from pywikibot.comms import http
        except Exception as exc:  # noqa: BLE001 - e.g. no user-config.py: one line
            raise LoginError(f"pywikibot could not start: {redact(one_line(exc))} "
                             "(set PYWIKIBOT_DIR to the folder with user-config.py)") \
                from None

        if url is not None:
            family = code = url_family_name(url)
            pwb_config.family_files[family] = url  # pywikibot's AutoFamily: no request
        options = global_options(global_args)
        if family is not None and code is not None:
            pwb_config.family, pwb_config.mylang = family, code  # the command line wins
        handle_args(pywikibot, list(global_args))
        family, code = pwb_config.family, pwb_config.mylang
        if "-user" in options:
            username = None  # handle_args set it for the site it names
        debug = debug or "-debug" in options
        self.simulate = bool(pwb_config.simulate)
        quiet_pywikibot(debug)

        if max_retries is not None:
            pwb_config.max_retries = max_retries
        if retry_wait is not None:
            pwb_config.retry_wait = retry_wait
            pwb_config.retry_max = max(retry_wait, 0.1)
        self.request_count = 0
        self._started: dict[str, str] = {}  # when each page was read (curtimestamp)
        self._causes = Causes()
        self._counted_session = http.session
        self._counted_session.hooks.setdefault("response", []).append(self._count)
        self.respect_protection = respect_protection
        where = f"{family}:{code}" if url is None else f"{url} ({family}:{code})"
        self._log_in(pywikibot, family, code, username, where)

    def _log_in(self, pywikibot: Any, family: str | None, code: str | None,
                username: str | None, where: str) -> None:
        """The site, logged in, with what every later request needs looked up now."""
        from pywikibot.exceptions import UnknownFamilyError, UnknownSiteError

        try:
            self.site = pywikibot.Site(code, family, user=username)
        except (UnknownFamilyError, UnknownSiteError) as exc:
            raise ConfigError(f"[site] {where}: {one_line(exc)}") from None
        except Exception as exc:  # noqa: BLE001 - every login failure is one line
            raise LoginError(f"login to {where} failed: "
                             f"{redact(one_line(exc))}") from None
        try:
            self.site.login()
        except LoginError:
            raise
        except Exception as exc:  # noqa: BLE001 - every login failure is one line
            raise LoginError(f"login to {where} failed: "
                             f"{redact(one_line(exc))}") from None
        # Part of logging in: pywikibot looks up the API modules it will use (paraminfo)
        # once; doing it here keeps every later read at exactly one request per batch.
        # and siteinfo (namespaces, extensions)
        self.site._paraminfo.fetch(["query+revisions", "query+info", "edit"])
        _ = self.site.namespaces, self.site.has_extension("Translate")
        if not self.site.logged_in():
            raise LoginError(f"login to {where} failed: not logged in")
        self.username = self.site.username() or username or ""
        # Known from the login's userinfo: no request of its own.
        self.batch = HIGH_BATCH if self.site.has_right("apihighlimits") else BATCH

    def _count(self, response: Any, *args: Any, **kwargs: Any) -> None:
        if "api.php" in getattr(response, "url", ""):
            self.request_count += 1
            status = getattr(response, "status_code", 200)
            if status >= 400:
                self._causes.last = f"HTTP {status} {getattr(response, 'reason', '')}".strip()

    def close(self) -> None:
        hooks = self._counted_session.hooks.get("response", [])
        if self._count in hooks:
            hooks.remove(self._count)

    # --- reads --------------------------------------------------------------------------

    def _query(self, titles: Sequence[str], content: bool) -> list[dict[str, Any]]:
        from pywikibot.exceptions import Error as PywikibotError

        pages: list[dict[str, Any]] = []
        for start in range(0, len(titles), self.batch):
            batch = list(titles[start:start + self.batch])
            params: dict[str, Any] = {
                "action": "query", "prop": "revisions|info", "titles": batch,
                "rvprop": "ids|timestamp|user|tags|sha1" + ("|content" if content else ""),
                "rvslots": "main", "inprop": "protection", "formatversion": 2,
                "curtimestamp": 1,
            }
            seen: dict[str, dict[str, Any]] = {}
            more: dict[str, Any] = {}
            while True:  # one request, unless the texts exceed the API's result size
                try:
                    data = self.site.simple_request(**params, **more).submit()
                except PywikibotError as exc:
                    raise WikiError(f"reading {len(batch)} pages failed: "
                                    f"{one_line(exc)}") from None
                query = data.get("query", {})
                names = {n["to"]: n["from"] for n in query.get("normalized", [])}
                for page in query.get("pages", []):
                    known = seen.get(page["title"])
                    if known is not None:  # a continuation: the revision comes now
                        if page.get("revisions"):
                            known["revisions"] = page["revisions"]
                        continue
                    page["requested"] = names.get(page["title"], page["title"])
                    page["curtimestamp"] = data.get("curtimestamp")
                    seen[page["title"]] = page
                    pages.append(page)
                more = data.get("continue", {})
                if not more:
                    break
        return pages

    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        out = {t: Revision(t, None, None) for t in titles}
        for page in self._query(titles, content=False):
            rev = (page.get("revisions") or [None])[0]
            if rev is not None and not page.get("missing"):
                out[page["requested"]] = _revision(page["requested"], rev)
        return out

    def revisions_since(self, title: str, revid: int) -> list[Revision]:
        """The revisions of ``title`` from the latest back to ``revid`` (included), newest
        first, without their texts: ids, users, change tags, SHA-1 (one request)."""
        from pywikibot.exceptions import Error as PywikibotError

        try:
            data = self.site.simple_request(
                action="query", prop="revisions", titles=[title], rvlimit="max",
                rvprop="ids|timestamp|user|tags|sha1", rvendid=revid,
                formatversion=2).submit()
        except PywikibotError as exc:
            raise WikiError(f"{title}: reading the revisions since r{revid} failed: "
                            f"{one_line(exc)}") from None
        pages = data.get("query", {}).get("pages", [])
        return [_revision(title, r) for r in (pages[0].get("revisions", []) if pages
                                              else [])]

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        out = {t: PageText(t, "", None, exists=False, editable=False,
                           not_editable_reason="page does not exist") for t in titles}
        for page in self._query(titles, content=True):
            title = page["requested"]
            rev = (page.get("revisions") or [None])[0]
            if page.get("missing") or page.get("invalid") or rev is None:
                continue
            text = rev["slots"]["main"]["content"]
            reason = None
            edit_levels = [p["level"] for p in page.get("protection", [])
                           if p.get("type") == "edit"]
            if not self._bot_may_edit(title, text):
                reason = "{{nobots}} or {{bots}} excludes hubbot on the page"
            elif edit_levels and self.respect_protection:
                reason = f"page is protected (edit={edit_levels[0]})"
            out[title] = PageText(title, text, rev["revid"], rev["timestamp"],
                                  editable=reason is None, not_editable_reason=reason)
            self._started[title] = page.get("curtimestamp") or rev["timestamp"]
        return out

    def _bot_may_edit(self, title: str, text: str) -> bool:
        """Pywikibot's ``Page.botMayEdit`` on the text just read, without a request: the
        page gets the text, and the templates it transcludes are resolved from that text
        on the site's namespaces (botMayEdit would otherwise ask the wiki for them, one
        request per page)."""
        import pywikibot
        from pywikibot.exceptions import Error as PywikibotError
        from pywikibot.site import Namespace

        page = pywikibot.Page(self.site, title)
        page._text = text  # not the setter: it runs botMayEdit on the wiki's text first
        templates = set()
        for name, _params in page.raw_extracted_templates:
            try:
                link = pywikibot.Link(name, self.site, default_namespace=Namespace.TEMPLATE)
                templates.add(pywikibot.Page(self.site, link.canonical_title()))
            except PywikibotError:
                continue  # a parser function or magic word, not a template
        page._templates = templates
        return page.botMayEdit()

    def history(self, title: str, *,
                until: Callable[[HistoryEntry], bool] | None = None) -> list[HistoryEntry]:
        """The page's revisions with their texts, newest first, 50 per request, read back
        until ``until`` is true for one (included) or the history ends."""
        from pywikibot.exceptions import Error as PywikibotError

        out: list[HistoryEntry] = []
        more: dict[str, Any] = {}
        while True:
            try:
                data = self.site.simple_request(
                    action="query", prop="revisions", titles=[title], rvlimit=BATCH,
                    rvprop="ids|timestamp|user|comment|content", rvslots="main",
                    formatversion=2, **more).submit()
            except PywikibotError as exc:
                raise WikiError(f"{title}: reading the history failed: "
                                f"{one_line(exc)}") from None
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
            data = self._history_request(title, rvdir="older", rvstart=since, rvlimit=1)
            found = list(self._entries(data))
            base = found[0] if found else None
        return base, self._walk(title, since, base)

    def _walk(self, title: str, since: str | None, base: HistoryEntry | None
              ) -> Iterator[HistoryEntry]:
        more: dict[str, Any] = {}
        start = {"rvstart": since} if since is not None else {}
        while True:
            data = self._history_request(title, rvdir="newer", rvlimit=self.batch,
                                         **start, **more)
            for entry in self._entries(data):
                if base is None or entry.revid != base.revid:
                    yield entry
            more = data.get("continue", {})
            if not more:
                return

    def _history_request(self, title: str, **params: Any) -> dict[str, Any]:
        from pywikibot.exceptions import Error as PywikibotError

        try:
            return self.site.simple_request(
                action="query", prop="revisions", titles=[title],
                rvprop="ids|timestamp|user|comment|content|sha1", rvslots="main",
                formatversion=2, **params).submit()
        except PywikibotError as exc:
            raise WikiError(f"{title}: reading the history failed: "
                            f"{one_line(exc)}") from None

    @staticmethod
    def _entries(data: dict[str, Any]) -> Iterator[HistoryEntry]:
        pages = data.get("query", {}).get("pages", [])
        for r in pages[0].get("revisions", []) if pages else []:
            main = r.get("slots", {}).get("main", {})
            hidden = "texthidden" in main or "content" not in main
            yield HistoryEntry(r["revid"], r.get("user", ""), r["timestamp"],
                               r.get("comment", ""), None if hidden else main["content"],
                               main.get("sha1") or r.get("sha1"))

    def fetch_revision(self, title: str, revid: int) -> PageText:
        """Text of ``title`` at the old revision ``revid`` (one request)."""
        from pywikibot.exceptions import Error as PywikibotError

        try:
            data = self.site.simple_request(
                action="query", prop="revisions", revids=[revid],
                rvprop="ids|timestamp|user|content", rvslots="main",
                formatversion=2).submit()
        except PywikibotError as exc:
            raise WikiError(f"{title}: reading r{revid} failed: {one_line(exc)}") from None
        pages = data.get("query", {}).get("pages", [])
        revs = pages[0].get("revisions", []) if pages else []
        if not revs:
            raise PageError(title, f"revision r{revid} cannot be read")
        rev = revs[0]
        return PageText(title, rev["slots"]["main"].get("content", ""), rev["revid"],
                        rev["timestamp"])

    def user_groups(self, users: Sequence[str]) -> dict[str, frozenset[str]]:
        """Each user's groups, as the wiki says (one request)."""
        from pywikibot.exceptions import Error as PywikibotError

        if not users:
            return {}
        try:
            data = self.site.simple_request(action="query", list="users", ususers=list(users),
                                            usprop="groups", formatversion=2).submit()
        except PywikibotError as exc:
            raise WikiError(f"reading user groups failed: {one_line(exc)}") from None
        return {u["name"]: frozenset(u.get("groups", []))
                for u in data.get("query", {}).get("users", [])}

    # --- writes -------------------------------------------------------------------------

    def _submit(self, params: dict[str, Any]) -> dict[str, Any]:
        """One write request; the last cause pywikibot met on its retries (HTTP status,
        dropped connection, API error code) is kept for the failure message."""
        self._causes.last = None
        logger = logging.getLogger("pywiki")
        logger.addHandler(self._causes)
        try:
            return self.site.simple_request(**params).submit()
        finally:
            logger.removeHandler(self._causes)

    def _failure(self, exc: BaseException) -> str:
        """``exc`` in one line, naming the cause pywikibot's retries hid."""
        text = redact(one_line(exc))
        cause = self._causes.last
        if cause and cause not in text:
            text += f" (last cause: {cause})"
        return text

    def _simulated(self, result: dict[str, Any]) -> bool:
        """Pywikibot's ``simulate`` blocked the write and answered with a made-up
        success without a revision (``{'result': 'Success', 'nochange': ''}``)."""
        import pywikibot

        return bool(pywikibot.config.simulate) and "newrevid" not in result

    def save(self, page: PageText, text: str, summary: str) -> Saved | None:
        """One ``action=edit`` of hubbot's own (not ``Page.save``): it carries the base
        revision and timestamp of *our* read and ``nocreate``, and its answer has the
        edit's ``oldrevid`` (README, Design: what ``Page.save`` would lose)."""
        from pywikibot.exceptions import APIError
        from pywikibot.exceptions import Error as PywikibotError

        if not page.exists:
            raise PageError(page.title, "page does not exist (hubbot never creates pages)")
        if not page.editable:
            raise PageSkippedError(page.title, page.not_editable_reason or "not editable")
        if text == page.text:
            return None
        params: dict[str, Any] = {
            "action": "edit", "title": page.title, "text": text, "summary": summary,
            "bot": True, "nocreate": True, "notminor": True, "watchlist": "nochange",
            "baserevid": page.revid, "basetimestamp": page.timestamp,
            "starttimestamp": self._started.get(page.title, page.timestamp),
            "assert": "user", "formatversion": 2,
            "token": self.site.tokens["csrf"],
        }
        try:
            data = self._submit(params)
        except APIError as exc:
            code = exc.code
            if code == "editconflict":
                raise EditConflictError(page.title, "edit conflict: the page was edited "
                                        "after hubbot read it") from None
            if code in ("protectedpage", "cascadeprotected", "permissiondenied",
                        "protectednamespace-interface"):
                raise PageSkippedError(page.title, f"protected: {exc.info}") from None
            if code in ("missingtitle", "nocreate-missing", "pagedeleted"):
                raise PageError(page.title, f"page is gone: {exc.info}") from None
            raise PageError(page.title, f"API error {code}: {exc.info}") from None
        except PywikibotError as exc:
            raise PageError(page.title, f"not saved: {self._failure(exc)}") from None
        result = data.get("edit", {})
        if result.get("result") != "Success":
            raise PageError(page.title, f"edit not saved: {result}")
        if self._simulated(result):
            raise SimulatedSaveError(page.title, "simulated (-simulate): not saved")
        if result.get("nochange") is not None and "newrevid" not in result:
            return None
        parent = result.get("oldrevid")
        return Saved(int(result["newrevid"]), int(parent) if parent else None,
                     result.get("newtimestamp"))

    def confirm(self, title: str, diff: str, summary: str, *, old: str = "",
                new: str = "") -> str:
        """Interactive mode against a wiki, the pywikibot way: ``showDiff`` of the page,
        the summary, and ``input_choice`` (y/n/a/q)."""
        import pywikibot

        pywikibot.info(f"\n<<lightpurple>>>>> {title} <<<<<<default>>")
        pywikibot.showDiff(old, new)
        pywikibot.info(f"Edit summary: {summary}")
        return pywikibot.input_choice(
            f"Save {title}?", [("yes", "y"), ("no", "n"), ("all", "a"), ("quit", "q")],
            default="n", automatic_quit=False)

    def create_page(self, title: str, text: str, summary: str) -> int | None:
        """Create ``title`` (``createonly``: an existing page is never overwritten). Used by
        ``hubbot templates install`` only; sync never creates pages."""
        from pywikibot.exceptions import APIError
        from pywikibot.exceptions import Error as PywikibotError

        try:
            data = self._submit(dict(
                action="edit", title=title, text=text, summary=summary, bot=True,
                createonly=True, watchlist="nochange", formatversion=2,
                token=self.site.tokens["csrf"], **{"assert": "user"}))
        except APIError as exc:
            if exc.code == "articleexists":
                raise EditConflictError(title, "the page was created since it was read") \
                    from None
            if exc.code in ("protectedpage", "cascadeprotected", "permissiondenied",
                            "protectedtitle", "protectednamespace-interface"):
                raise PageSkippedError(title, f"protected: {exc.info}") from None
            raise PageError(title, f"API error {exc.code}: {exc.info}") from None
        except PywikibotError as exc:
            raise PageError(title, f"not created: {self._failure(exc)}") from None
        result = data.get("edit", {})
        if result.get("result") != "Success":
            raise PageError(title, f"page not created: {result}")
        if self._simulated(result):
            raise SimulatedSaveError(title, "simulated (-simulate): not created")
        return int(result["newrevid"]) if "newrevid" in result else None

    def revision_label(self, revid: int) -> str:
        return f"r{revid}"
