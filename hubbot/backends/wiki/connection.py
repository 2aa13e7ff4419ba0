"""The wiki a backend talks to: pywikibot's site, logged in, with every API request
counted, the last cause of a failure kept, and one way to send a request and turn
pywikibot's error into hubbot's. Reads, saves and history share one ``Connection``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from hubbot.backends.wiki.failures import Causes, one_line, redact
from hubbot.backends.wiki.process import (
    global_options,
    handle_args,
    quiet_pywikibot,
    url_family_name,
)
from hubbot.errors import ConfigError, LoginError, WikiError

BATCH = 50  # titles per query for an account without apihighlimits
HIGH_BATCH = 500  # with apihighlimits (bots, sysops)


class Connection:
    """The site ``family``/``code``, or the one whose ``api.php`` is ``url`` (a family is
    generated for it, without any request), logged in. ``global_args`` are pywikibot's
    global options, handled by ``pywikibot.handle_args``; on the command line they win
    over the config. ``request_count`` counts API HTTP requests since the login began."""

    def __init__(self, family: str | None, code: str | None, *, url: str | None,
                 username: str | None, global_args: Sequence[str],
                 max_retries: int | None, retry_wait: float | None,
                 debug: bool) -> None:
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
        self.started: dict[str, str] = {}  # when each page was read (curtimestamp)
        self._causes = Causes()
        self._counted_session = http.session
        self._counted_session.hooks.setdefault("response", []).append(self._count)
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

    def query(self, what: str, **params: Any) -> dict[str, Any]:
        """One read request; pywikibot's failure (after its retries) is a ``WikiError``
        saying ``what`` failed."""
        from pywikibot.exceptions import Error as PywikibotError

        try:
            return self.site.simple_request(**params).submit()
        except PywikibotError as exc:
            raise WikiError(f"{what} failed: {one_line(exc)}") from None

    def submit(self, params: dict[str, Any]) -> dict[str, Any]:
        """One write request; the last cause pywikibot met on its retries (HTTP status,
        dropped connection, API error code) is kept for the failure message."""
        self._causes.last = None
        logger = logging.getLogger("pywiki")
        logger.addHandler(self._causes)
        try:
            return self.site.simple_request(**params).submit()
        finally:
            logger.removeHandler(self._causes)

    def failure(self, exc: BaseException) -> str:
        """``exc`` in one line, naming the cause pywikibot's retries hid."""
        text = redact(one_line(exc))
        cause = self._causes.last
        if cause and cause not in text:
            text += f" (last cause: {cause})"
        return text
