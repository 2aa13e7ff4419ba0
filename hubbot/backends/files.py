"""The offline backend: a directory of ``<title>.wikitext`` files standing in for a wiki."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from hubbot.backends.atomic import atomic_write
from hubbot.backends.base import Saved, bots_allowed
from hubbot.core.pages import HistoryEntry, PageText, Revision
from hubbot.errors import (
    EditConflictError,
    PageError,
    SimulatedSaveError,
    UsageError,
    WikiError,
)


def title_to_filename(title: str) -> str:
    """``Hubs/Ongoing`` -> ``Hubs%2FOngoing.wikitext`` (reversible, one flat directory)."""
    safe = title.replace("%", "%25").replace("/", "%2F").replace(":", "%3A")
    return safe + ".wikitext"


def filename_to_title(name: str) -> str:
    stem = name.removesuffix(".wikitext")
    return stem.replace("%2F", "/").replace("%3A", ":").replace("%25", "%")


_BLOCK = 1 << 20


def _content_revision(title: str, blocks: Iterable[bytes]) -> Revision:
    """A content hash stands in for a revision id: equal text, equal "revision"."""
    sha256, sha1 = hashlib.sha256(), hashlib.sha1()
    for block in blocks:
        sha256.update(block)
        sha1.update(block)
    return Revision(title, int.from_bytes(sha256.digest()[:6], "big"), sha1=sha1.hexdigest())


class FilesBackend:
    """A directory of ``<title>.wikitext`` files standing in for a wiki.

    A page's "revision id" is a hash of its bytes, so change detection works as against a
    wiki; a save whose base no longer matches the file on disk is an edit conflict, as on
    a wiki. Files are written whole, through a temporary file and a rename. ``{{nobots}}``
    is honoured as on a wiki; missing pages are never created.
    """

    def __init__(self, directory: Path | str, username: str = "hubbot", *,
                 simulate: bool = False) -> None:
        self.directory = Path(directory)
        self.username = username
        self.simulate = simulate  # pywikibot's -simulate: write no file
        if not self.directory.is_dir():
            raise UsageError(f"--pages-dir {self.directory}: not a directory")

    @property
    def request_count(self) -> int | None:
        """Files are read without a request."""
        return None

    def _path(self, title: str) -> Path:
        return self.directory / title_to_filename(title)

    def _read(self, title: str) -> tuple[Revision, bytes | None]:
        try:
            data = self._path(title).read_bytes()
        except FileNotFoundError:
            return Revision(title, None, None), None
        return _content_revision(title, [data]), data

    def _revision(self, title: str) -> Revision:
        """The file's revision, its bytes hashed a block at a time (a large page is not
        held whole only to be hashed)."""
        try:
            with self._path(title).open("rb") as fh:
                return _content_revision(title, iter(lambda: fh.read(_BLOCK), b""))
        except FileNotFoundError:
            return Revision(title, None, None)

    def revisions(self, titles: Sequence[str]) -> dict[str, Revision]:
        return {t: self._revision(t) for t in titles}

    def revisions_since(self, title: str, revid: int) -> list[Revision]:
        """Files keep no history: only the latest "revision" is known."""
        return [self._revision(title)]

    def fetch(self, titles: Sequence[str]) -> dict[str, PageText]:
        out: dict[str, PageText] = {}
        for title in titles:
            rev, data = self._read(title)
            if data is None:
                out[title] = PageText(title, "", None, exists=False, editable=False,
                                      not_editable_reason="page does not exist")
                continue
            text = data.decode("utf-8")
            allowed = bots_allowed(text, self.username)
            out[title] = PageText(title, text, rev.revid, editable=allowed,
                                  not_editable_reason=None if allowed
                                  else "{{nobots}} on the page")
        return out

    def fetch_revision(self, title: str, revid: int) -> PageText:
        page = self.fetch([title])[title]
        if page.revid != revid:
            raise WikiError(f"{title}: the files backend keeps no old revisions")
        return page

    def history(self, title: str, *,
                until: Callable[[HistoryEntry], bool] | None = None) -> list[HistoryEntry]:
        raise UsageError("approvals are read from the page history: --apply-approved "
                         "needs a wiki, not --pages-dir")

    def history_since(self, title: str, *, since: str | None = None
                     ) -> tuple[HistoryEntry | None, Iterator[HistoryEntry]]:
        raise UsageError("a folder of files keeps no page history: `hubbot history` "
                         "reads a wiki (--config) or an export file (--dump)")

    def user_groups(self, users: Sequence[str]) -> dict[str, frozenset[str]]:
        return {}

    def close(self) -> None:
        return None

    def save(self, page: PageText, text: str, summary: str) -> Saved | None:
        if not page.exists:
            raise PageError(page.title, "page does not exist (hubbot never creates pages)")
        current = self._revision(page.title)
        if current.revid != page.revid:
            raise EditConflictError(page.title, "the page changed since it was read")
        if text == page.text:
            return None
        if self.simulate:
            raise SimulatedSaveError(page.title, "simulated (-simulate): not written")
        atomic_write(self._path(page.title), text)
        revid = self._revision(page.title).revid
        return Saved(revid or 0, page.revid)

    def confirm(self, title: str, diff: str, summary: str, *, old: str = "",
                new: str = "") -> str | None:
        """No question of its own: the caller's ``Confirm`` asks."""
        return None

    def create_page(self, title: str, text: str, summary: str) -> int | None:
        """Create ``title`` (used by ``hubbot templates install`` only: sync never
        creates pages). An existing page is an edit conflict: it appeared since it was
        read."""
        path = self._path(title)
        if self.simulate:
            raise SimulatedSaveError(title, "simulated (-simulate): not created")
        try:
            with path.open("x", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except FileExistsError:
            raise EditConflictError(title, "the page was created since it was read") \
                from None
        return self._revision(title).revid

    def revision_label(self, revid: int) -> str:
        """A file's "revision" is a hash of its bytes: named as one, not as a number."""
        return f"version {revid:012x}"
