"""What sync needs from a wiki: the ``Backend`` protocol, what a save returns, and the
``{{bots}}``/``{{nobots}}`` rule for backends that cannot ask pywikibot.

``Backend`` is a Protocol: ``hubbot.backends.wiki.WikiBackend`` (pywikibot) and
``hubbot.backends.files.FilesBackend`` (a directory of ``.wikitext`` files, offline)
implement it. Sync only ever talks to this interface.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from hubbot.core.pages import HistoryEntry, PageText, Revision
from hubbot.core.templates import normalize_template_name


@dataclass(frozen=True)
class Saved:
    """What a save made: the new revision, the revision it was saved on top of
    (``parent``: MediaWiki's ``oldrevid``) and its timestamp. ``parent`` differing from
    the revision hubbot read means someone edited in between."""

    revid: int
    parent: int | None
    timestamp: str | None = None


class Backend(Protocol):
    """The wiki, as sync sees it. Every method may raise ``hubbot.errors.WikiError``."""

    #: The account edits are made as ("" where the wiki has not said yet): a revert of
    #: its edits holds the page.
    username: str
    #: Pywikibot's ``-simulate``: every save and creation raises ``SimulatedSaveError``
    #: after everything up to it ran; nothing is written, the state file neither.
    simulate: bool

    @property
    def request_count(self) -> int | None:
        """API requests made so far (``hubbot history`` and the bench print it); None
        where no request is made (files)."""
        ...

    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        """Latest revision of each title, batched (one API request per 500 titles for
        an account with ``apihighlimits``, else per 50), with its user, parent, change
        tags and SHA-1 where the backend knows them."""
        ...

    def revisions_since(self, title: str, revid: int) -> list[Revision]:
        """The revisions of ``title`` from the latest back to ``revid`` (included), newest
        first, without texts (one request; asked only for a page edited more than once
        since hubbot's last save, to tell whether a person reverted it)."""
        ...

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        """Text of each title at its latest revision, batched as ``revisions``."""
        ...

    def fetch_revision(self, title: str, revid: int) -> PageText:
        """Text of ``title`` at the old revision ``revid`` (one request)."""
        ...

    def save(self, page: PageText, text: str, summary: str) -> Saved | None:
        """Save ``text`` over ``page``, conflicting if the page moved past ``page.revid``.

        Returns what was saved (None if nothing was). Raises ``EditConflictError`` on a
        conflict, ``PageSkippedError`` if the page opts out (nobots, protection),
        ``PageError`` / ``WikiError`` on other failures.
        """
        ...

    def confirm(self, title: str, diff: str, summary: str, *, old: str = "",
                new: str = "") -> str | None:
        """The backend's own question before a save in an interactive run: ``"y"``,
        ``"n"``, ``"a"`` (all) or ``"q"`` (quit); None when it has none (the files
        backend), and the caller's ``Confirm`` asks instead. On a wiki: pywikibot's diff
        of ``old`` and ``new`` and its ``input_choice``."""
        ...

    def history(self, title: str, *,
                until: Callable[[HistoryEntry], bool] | None = None) -> list[HistoryEntry]:
        """The page's revisions with their texts, newest first, read back until ``until``
        is true for one (included) or the history ends. Raises ``UsageError`` where there
        is no history (the files backend)."""
        ...

    def history_since(self, title: str, *, since: str | None = None
                     ) -> tuple[HistoryEntry | None, Iterator[HistoryEntry]]:
        """The revision before ``since`` (None without one), and the revisions from
        ``since`` on (all without it), oldest first, with texts and sha1s, read in
        batches as they are consumed (``hubbot history``). Raises ``UsageError`` where
        there is no history (the files backend)."""
        ...

    def user_groups(self, users: Sequence[str]) -> dict[str, frozenset[str]]:
        """Each user's groups as the wiki says (empty where there are no users)."""
        ...

    def create_page(self, title: str, text: str, summary: str) -> int | None:
        """Create a page that does not exist yet (only ``hubbot templates install`` does:
        sync never creates pages). Raises ``EditConflictError`` if it exists by now."""
        ...

    def revision_label(self, revid: int) -> str:
        """How a revision is named to people: ``r123`` on a wiki."""
        ...

    def close(self) -> None:
        """Release what the backend holds."""
        ...


# What MediaWiki does not parse as markup (pywikibot's ``removeDisabledParts``): templates
# in these are not transcluded, so they exclude nobody.
_DISABLED = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(nowiki|pre|includeonly|source|syntaxhighlight)\b[^>]*?(?:/>|>.*?(?:</\1\s*>|\Z))",
    re.IGNORECASE | re.DOTALL)


def _template_title(name: str) -> str | None:
    """The title of the template ``{{name}}`` transcludes, without its namespace, as
    MediaWiki normalizes it ("template: nobots" is "Nobots"); None for parser functions,
    magic words and pages of other namespaces."""
    name = " ".join(name.replace("_", " ").split())
    if name.startswith(("#", ":")) or not name:
        return None
    prefix, colon, rest = name.partition(":")
    if colon:
        if prefix.strip().casefold() != "template":
            return None
        if not rest.strip() or ":" in rest:
            return None
    return normalize_template_name(name)


# A page can only exclude bots with a template call whose name ends in "bots".
_MAY_EXCLUDE = re.compile(r"\{\{[^{}]*?bots", re.IGNORECASE)


def bots_allowed(text: str, username: str = "hubbot", module: str = "hubbot") -> bool:
    """The ``{{bots}}`` / ``{{nobots}}`` exclusion convention, decided as pywikibot's
    ``Page.botMayEdit`` decides it, for the files backend (the wiki backend asks
    pywikibot itself).

    Templates in comments, ``<nowiki>``, ``<pre>`` (not transcluded) exclude nobody;
    ``{{Template:Nobots}}`` is ``{{nobots}}``. Only the first parameter counts.
    ``{{nobots}}`` and ``{{nobots|all}}`` (or naming the user or the script) keep us out,
    as does any named parameter on ``{{nobots}}`` (``{{nobots|deny=X}}``: not allowed,
    edit declined); ``{{bots|deny=all}}`` / ``deny=`` naming us, or ``allow=`` not naming
    us (``allow=none``), keep us out. Names are matched exactly, as pywikibot does.
    """
    if not _MAY_EXCLUDE.search(text):
        return True  # no call of {{bots}}/{{nobots}} at all: no need to parse the page
    import mwparserfromhell

    visible = _DISABLED.sub("", text)
    for template in mwparserfromhell.parse(visible).ifilter_templates(recursive=True):
        title = _template_title(str(template.name))
        if title not in ("Bots", "Nobots"):
            continue
        positional = [p for p in template.params if not p.showkey]
        named = sorted((p for p in template.params if p.showkey),
                       key=lambda p: str(p.name).strip())
        params = [str(p.value).strip() for p in positional] + \
            [f"{str(p.name).strip()}={str(p.value).strip()}" for p in named]
        key, sep, value = params[0].partition("=") if params else ("", "", "")
        if params and not sep:
            key, value = value, key
        key = key.strip()
        names = {n.strip() for n in value.split(",")} if params else set()
        if title == "Nobots":
            if not params or key or {"all", module, username} & names:
                return False
        elif key == "allow" and value and not {"all", username} & names:
            return False
        elif key == "deny" and value and {"all", username} & names:
            return False
    return True
