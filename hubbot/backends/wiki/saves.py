"""Saving to the wiki with the conflict check: one ``action=edit`` of hubbot's own (not
``Page.save``) carrying the base revision and timestamp of *our* read (``baserevid``,
``basetimestamp``, ``starttimestamp``), ``nocreate`` and the bot flag, so a human edit
made after the read is an edit conflict, never overwritten; its answer's ``oldrevid``
tells whether the edit was made on top of another one. Pywikibot's ``-simulate`` stops a
save here; page creation (``hubbot templates install``) and the interactive question."""

from __future__ import annotations

from typing import Any

from hubbot.backends.base import Saved
from hubbot.backends.wiki.connection import Connection
from hubbot.core.pages import PageText
from hubbot.errors import EditConflictError, PageError, PageSkippedError, SimulatedSaveError

PROTECTED = ("protectedpage", "cascadeprotected", "permissiondenied",
             "protectednamespace-interface")


def simulated(result: dict[str, Any]) -> bool:
    """Pywikibot's ``simulate`` blocked the write and answered with a made-up
    success without a revision (``{'result': 'Success', 'nochange': ''}``)."""
    import pywikibot

    return bool(pywikibot.config.simulate) and "newrevid" not in result


class Saves:
    """The backend's writes over ``wiki``."""

    def __init__(self, wiki: Connection) -> None:
        self.wiki = wiki

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
            "starttimestamp": self.wiki.started.get(page.title, page.timestamp),
            "assert": "user", "formatversion": 2,
            "token": self.wiki.site.tokens["csrf"],
        }
        try:
            data = self.wiki.submit(params)
        except APIError as exc:
            code = exc.code
            if code == "editconflict":
                raise EditConflictError(page.title, "edit conflict: the page was edited "
                                        "after hubbot read it") from None
            if code in PROTECTED:
                raise PageSkippedError(page.title, f"protected: {exc.info}") from None
            if code in ("missingtitle", "nocreate-missing", "pagedeleted"):
                raise PageError(page.title, f"page is gone: {exc.info}") from None
            raise PageError(page.title, f"API error {code}: {exc.info}") from None
        except PywikibotError as exc:
            raise PageError(page.title, f"not saved: {self.wiki.failure(exc)}") from None
        result = data.get("edit", {})
        if result.get("result") != "Success":
            raise PageError(page.title, f"edit not saved: {result}")
        if simulated(result):
            raise SimulatedSaveError(page.title, "simulated (-simulate): not saved")
        if result.get("nochange") is not None and "newrevid" not in result:
            return None
        parent = result.get("oldrevid")
        return Saved(int(result["newrevid"]), int(parent) if parent else None,
                     result.get("newtimestamp"))

    def create_page(self, title: str, text: str, summary: str) -> int | None:
        """Create ``title`` (``createonly``: an existing page is never overwritten). Used by
        ``hubbot templates install`` only; sync never creates pages."""
        from pywikibot.exceptions import APIError
        from pywikibot.exceptions import Error as PywikibotError

        try:
            data = self.wiki.submit(dict(
                action="edit", title=title, text=text, summary=summary, bot=True,
                createonly=True, watchlist="nochange", formatversion=2,
                token=self.wiki.site.tokens["csrf"], **{"assert": "user"}))
        except APIError as exc:
            if exc.code == "articleexists":
                raise EditConflictError(title, "the page was created since it was read") \
                    from None
            if exc.code in (*PROTECTED, "protectedtitle"):
                raise PageSkippedError(title, f"protected: {exc.info}") from None
            raise PageError(title, f"API error {exc.code}: {exc.info}") from None
        except PywikibotError as exc:
            raise PageError(title, f"not created: {self.wiki.failure(exc)}") from None
        result = data.get("edit", {})
        if result.get("result") != "Success":
            raise PageError(title, f"page not created: {result}")
        if simulated(result):
            raise SimulatedSaveError(title, "simulated (-simulate): not created")
        return int(result["newrevid"]) if "newrevid" in result else None

    @staticmethod
    def confirm(title: str, diff: str, summary: str, *, old: str = "",
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
