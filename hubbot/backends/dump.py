"""Page histories from a Special:Export XML file (``dumpBackup.php``, Special:Export), read
with ``mwxml``: no wiki, no config (``hubbot history --dump FILE``).

The file is read as a stream, one revision at a time; each page's revisions come oldest
first, as the export writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hubbot.core.pages import HistoryEntry
from hubbot.errors import UsageError


def _entry(revision: Any) -> HistoryEntry:
    """One ``mwxml`` revision as a ``HistoryEntry`` (text None where it was deleted)."""
    slots = revision.slots
    main = slots.contents.get("main") if slots is not None and slots.contents else None
    text = getattr(main, "text", None)
    hidden = bool(getattr(main, "deleted", False)) or bool(
        revision.deleted is not None and revision.deleted.text)
    sha1 = (slots.sha1 if slots is not None else None) or getattr(main, "sha1", None)
    return HistoryEntry(
        revid=int(revision.id),
        user=revision.user.text or "" if revision.user is not None else "",
        timestamp=revision.timestamp.long_format() if revision.timestamp else "",
        comment=revision.comment or "",
        text=None if hidden else (text or ""),
        sha1=sha1)


def dump_pages(path: Path) -> Iterator[tuple[str, Iterator[HistoryEntry]]]:
    """Each page of the export as (title, its revisions oldest first). Raises
    ``UsageError`` when the file cannot be read or is not an export."""
    import mwxml

    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UsageError(f"--dump {path}: cannot read: {exc.strerror}") from None
    with fh:
        try:
            dump = mwxml.Dump.from_file(fh)
        except Exception as exc:  # noqa: BLE001 - mwxml raises plain errors for bad XML
            raise UsageError(f"--dump {path}: not a MediaWiki export file "
                             f"({type(exc).__name__}: {exc})") from None
        try:
            for page in dump:
                yield page.title if not page.namespace else _full_title(dump, page), \
                    (_entry(rev) for rev in page)
        except UsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - a truncated or damaged file
            raise UsageError(f"--dump {path}: the export is damaged "
                             f"({type(exc).__name__}: {exc})") from None


def _full_title(dump: Any, page: Any) -> str:
    """``Module:Hubs`` for a page outside the main namespace (mwxml gives the title
    without its namespace)."""
    names = {ns.id: ns.name for ns in getattr(dump.site_info, "namespaces", None) or []}
    prefix = names.get(page.namespace) or ""
    return f"{prefix}:{page.title}" if prefix else page.title
