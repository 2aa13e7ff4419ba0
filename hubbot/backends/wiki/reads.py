"""Reading pages from the wiki in batches: latest revisions, texts with protection and
``{{nobots}}``, old revisions, user groups. One ``action=query`` per batch of as many
titles as the account may ask for at once (500 with ``apihighlimits``, else 50)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hubbot.backends.wiki.connection import Connection
from hubbot.core.pages import PageText, Revision
from hubbot.errors import PageError


def as_revision(title: str, rev: dict[str, Any]) -> Revision:
    """A revision as the API gives it (``rvprop=ids|timestamp|user|tags|sha1``)."""
    return Revision(title, rev["revid"], rev.get("timestamp"), rev.get("user"),
                    rev.get("parentid"), tuple(rev.get("tags", ())), rev.get("sha1"))


class Reads:
    """The backend's reads over ``wiki``; ``fetch`` notes when each page was read, the
    ``starttimestamp`` of its save."""

    def __init__(self, wiki: Connection, *, respect_protection: bool = True) -> None:
        self.wiki = wiki
        self.respect_protection = respect_protection

    def _query(self, titles: Sequence[str], content: bool) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        for start in range(0, len(titles), self.wiki.batch):
            batch = list(titles[start:start + self.wiki.batch])
            params: dict[str, Any] = {
                "action": "query", "prop": "revisions|info", "titles": batch,
                "rvprop": "ids|timestamp|user|tags|sha1" + ("|content" if content else ""),
                "rvslots": "main", "inprop": "protection", "formatversion": 2,
                "curtimestamp": 1,
            }
            seen: dict[str, dict[str, Any]] = {}
            more: dict[str, Any] = {}
            while True:  # one request, unless the texts exceed the API's result size
                data = self.wiki.query(f"reading {len(batch)} pages", **params, **more)
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
                out[page["requested"]] = as_revision(page["requested"], rev)
        return out

    def revisions_since(self, title: str, revid: int) -> list[Revision]:
        """The revisions of ``title`` from the latest back to ``revid`` (included), newest
        first, without their texts: ids, users, change tags, SHA-1 (one request)."""
        data = self.wiki.query(
            f"{title}: reading the revisions since r{revid}",
            action="query", prop="revisions", titles=[title], rvlimit="max",
            rvprop="ids|timestamp|user|tags|sha1", rvendid=revid, formatversion=2)
        pages = data.get("query", {}).get("pages", [])
        return [as_revision(title, r) for r in (pages[0].get("revisions", []) if pages
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
            self.wiki.started[title] = page.get("curtimestamp") or rev["timestamp"]
        return out

    def _bot_may_edit(self, title: str, text: str) -> bool:
        """Pywikibot's ``Page.botMayEdit`` on the text just read, without a request: the
        page gets the text, and the templates it transcludes are resolved from that text
        on the site's namespaces (botMayEdit would otherwise ask the wiki for them, one
        request per page)."""
        import pywikibot
        from pywikibot.exceptions import Error as PywikibotError
        from pywikibot.site import Namespace

        site = self.wiki.site
        page = pywikibot.Page(site, title)
        page._text = text  # not the setter: it runs botMayEdit on the wiki's text first
        templates = set()
        for name, _params in page.raw_extracted_templates:
            try:
                link = pywikibot.Link(name, site, default_namespace=Namespace.TEMPLATE)
                templates.add(pywikibot.Page(site, link.canonical_title()))
            except PywikibotError:
                continue  # a parser function or magic word, not a template
        page._templates = templates
        return page.botMayEdit()

    def fetch_revision(self, title: str, revid: int) -> PageText:
        """Text of ``title`` at the old revision ``revid`` (one request)."""
        data = self.wiki.query(
            f"{title}: reading r{revid}", action="query", prop="revisions", revids=[revid],
            rvprop="ids|timestamp|user|content", rvslots="main", formatversion=2)
        pages = data.get("query", {}).get("pages", [])
        revs = pages[0].get("revisions", []) if pages else []
        if not revs:
            raise PageError(title, f"revision r{revid} cannot be read")
        rev = revs[0]
        return PageText(title, rev["slots"]["main"].get("content", ""), rev["revid"],
                        rev["timestamp"])

    def user_groups(self, users: Sequence[str]) -> dict[str, frozenset[str]]:
        """Each user's groups, as the wiki says (one request)."""
        if not users:
            return {}
        data = self.wiki.query("reading user groups", action="query", list="users",
                               ususers=list(users), usprop="groups", formatversion=2)
        return {u["name"]: frozenset(u.get("groups", []))
                for u in data.get("query", {}).get("users", [])}
