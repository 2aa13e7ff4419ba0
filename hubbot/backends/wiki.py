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

import copy
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from hubbot.backends.base import Saved
from hubbot.core.pages import HistoryEntry, PageText, Revision
from hubbot.errors import (
    ConfigError,
    EditConflictError,
    LoginError,
    PageError,
    PageSkippedError,
    SimulatedSaveError,
    UsageError,
    WikiError,
)

BATCH = 50  # titles per query for an account without apihighlimits
HIGH_BATCH = 500  # with apihighlimits (bots, sysops)


class _NoTracebacks(logging.Filter):
    """Pywikibot logs a traceback for every 503 or refused connection it retries; hubbot
    reports those failures as one line itself. Without ``debug`` they stay off the
    terminal (the record's first line is kept, as a plain message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        message = str(record.msg)
        if "Traceback (most recent call last)" in message:
            last = [line for line in message.strip().splitlines() if line.strip()]
            record.msg, record.args = (last[-1].strip() if last else "error"), ()
        return True


def _quiet_pywikibot(debug: bool) -> None:
    """No prompts (a scheduled run must never wait for a password on stdin) and, unless
    ``debug``, no tracebacks from pywikibot's retry loop on the terminal."""
    import pywikibot
    from pywikibot import bot

    def no_input(question: str, *args: Any, **kwargs: Any) -> str:
        raise LoginError(f"pywikibot asked for input ({question.strip()[:60]!r}); hubbot "
                         "never prompts: check user-config.py and user-password.py")

    pywikibot.input = no_input  # type: ignore[assignment]
    bot.input = no_input  # type: ignore[assignment]
    if debug:
        return
    bot.init_handlers()
    for name in ("pywiki", ""):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, _NoTracebacks) for f in handler.filters):
                handler.addFilter(_NoTracebacks())


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


class _Causes(logging.Handler):
    """What went wrong on the way to a failed request: pywikibot retries a 503, a dropped
    connection or some API errors quietly and then says only "Maximum retries attempted
    without success"; this keeps the last cause it logged (and the response hook adds
    HTTP error statuses) so the page's failure can name it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a log record we cannot format is no cause
            return
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
        if lines and not lines[-1].startswith(("http://", "https://")):
            self.last = _redact(" ".join(lines[-1].split()))[:200]


# What pywikibot.handle_args may change in pywikibot.config.
_OPTIONS = ("simulate", "verbose_output", "put_throttle", "write_maxlag", "read_maxlag",
            "debug_log", "log", "logfilename", "usernames", "cosmetic_changes", "family",
            "mylang")
_USER_CONFIG: dict[str, Any] = {}


def _global_options(args: Sequence[str]) -> dict[str, str]:
    """``-name:value`` (or ``-name``) command line options by name."""
    out = {}
    for arg in args:
        name, _, value = arg.partition(":")
        out[name] = value
    return out


def url_family_name(url: str) -> str:
    """The name of the family hubbot generates for the wiki at ``url`` (its host and
    path, as letters, digits and ``_``): usable in user-config.py's ``usernames``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path.removesuffix("/api.php")
    return re.sub(r"\W+", "_", f"{parts.netloc}{path}").strip("_").lower() or "wiki"


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
            raise LoginError(f"pywikibot could not start: {_redact(_one_line(exc))} "
                             "(set PYWIKIBOT_DIR to the folder with user-config.py)") \
                from None
        from pywikibot.exceptions import UnknownFamilyError, UnknownSiteError

        if url is not None:
            family = code = url_family_name(url)
            pwb_config.family_files[family] = url  # pywikibot's AutoFamily: no request
        options = _global_options(global_args)
        if family is not None and code is not None:
            pwb_config.family, pwb_config.mylang = family, code  # the command line wins
        self._handle_args(pywikibot, list(global_args))
        family, code = pwb_config.family, pwb_config.mylang
        if "-user" in options:
            username = None  # handle_args set it for the site it names
        debug = debug or "-debug" in options
        self.simulate = bool(pwb_config.simulate)
        _quiet_pywikibot(debug)

        if max_retries is not None:
            pwb_config.max_retries = max_retries
        if retry_wait is not None:
            pwb_config.retry_wait = retry_wait
            pwb_config.retry_max = max(retry_wait, 0.1)
        self.request_count = 0
        self._started: dict[str, str] = {}  # when each page was read (curtimestamp)
        self._causes = _Causes()
        self._counted_session = http.session
        self._counted_session.hooks.setdefault("response", []).append(self._count)
        self.respect_protection = respect_protection
        where = f"{family}:{code}" if url is None else f"{url} ({family}:{code})"
        try:
            self.site = pywikibot.Site(code, family, user=username)
        except (UnknownFamilyError, UnknownSiteError) as exc:
            raise ConfigError(f"[site] {where}: {_one_line(exc)}") from None
        except Exception as exc:  # noqa: BLE001 - every login failure is one line
            raise LoginError(f"login to {where} failed: "
                             f"{_redact(_one_line(exc))}") from None
        try:
            self.site.login()
        except LoginError:
            raise
        except Exception as exc:  # noqa: BLE001 - every login failure is one line
            raise LoginError(f"login to {where} failed: "
                             f"{_redact(_one_line(exc))}") from None
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

    @staticmethod
    def _handle_args(pywikibot: Any, args: list[str]) -> None:
        """``pywikibot.handle_args`` on hubbot's global options only (never on the rest
        of ``sys.argv``); what it does not know is a usage error."""
        import warnings

        config = pywikibot.config
        if not _USER_CONFIG:  # as user-config.py set them, before any command line
            _USER_CONFIG.update({k: copy.deepcopy(getattr(config, k)) for k in _OPTIONS})
        else:  # a second backend in this process starts from user-config.py again
            for key in _OPTIONS:
                if key not in ("family", "mylang"):
                    setattr(config, key, copy.deepcopy(_USER_CONFIG[key]))
        pywikibot.argvu[1:] = args  # handle_args([]) would read sys.argv
        try:
            with warnings.catch_warnings():
                # another backend of this process made a Site before: not an error here
                warnings.filterwarnings("ignore", "Site objects have been created",
                                        UserWarning)
                rest = pywikibot.handle_args(args, do_help=False)
        except SystemExit:
            raise ConfigError(f"[site] {pywikibot.config.family}:{pywikibot.config.mylang}: "
                              "pywikibot knows no such family or code") from None
        except ValueError as exc:
            raise UsageError(f"pywikibot option: {_one_line(exc)}") from None
        if rest:
            raise UsageError(f"unknown pywikibot option {rest[0]!r}")

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
                "rvprop": "ids|timestamp|user" + ("|content" if content else ""),
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
                                    f"{_one_line(exc)}") from None
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
                out[page["requested"]] = Revision(page["requested"], rev["revid"],
                                                  rev["timestamp"], rev.get("user"))
        return out

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
                                f"{_one_line(exc)}") from None
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

    def fetch_revision(self, title: str, revid: int) -> PageText:
        """Text of ``title`` at the old revision ``revid`` (one request)."""
        from pywikibot.exceptions import Error as PywikibotError

        try:
            data = self.site.simple_request(
                action="query", prop="revisions", revids=[revid],
                rvprop="ids|timestamp|user|content", rvslots="main",
                formatversion=2).submit()
        except PywikibotError as exc:
            raise WikiError(f"{title}: reading r{revid} failed: {_one_line(exc)}") from None
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
            raise WikiError(f"reading user groups failed: {_one_line(exc)}") from None
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
        text = _redact(_one_line(exc))
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


_SECRETISH = re.compile(r"(password|secret|token)(\W+)\S+", re.IGNORECASE)


def _redact(text: str) -> str:
    """Belt and braces: whatever a library put in an error, no credential survives."""
    return _SECRETISH.sub(r"\1\2[redacted]", text)
