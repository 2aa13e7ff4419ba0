"""The history of every record: the reader run over a page's past revisions, and the
record-level changes between consecutive ones (the changelog's change kinds,
``hubbot.core.changes``), with the revision, time and user that made each.

Pure: revisions in (from the wiki or an export file), lines out. A revision with the same
text as the one before (same sha1) is not read again; a revision the reader cannot read
(text hidden, no table of a kind the page had, a reader failure) is a line of its own and
never ends the walk: the next readable revision is compared with the last readable one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from hubbot.core.changes import Change, diff_events, diff_hubs
from hubbot.core.pages import HistoryEntry
from hubbot.core.read import ParsedPage
from hubbot.core.records import Event, Hub, Kind, Stage

__all__ = ["HistoryLine", "HistoryWalk", "Reader", "walk_history"]

Reader = Callable[[str], ParsedPage]


@dataclass(frozen=True)
class HistoryLine:
    """One change (or one revision that could not be read) in a page's history."""

    page: str
    revid: int
    timestamp: str  # ISO 8601, as MediaWiki gives it: 2023-04-02T10:15:00Z
    user: str
    change: Change | None = None
    unreadable: str = ""  # why the revision could not be read

    @property
    def date(self) -> str:
        return self.timestamp[:10]

    def __str__(self) -> str:
        head = f"{self.date} r{self.revid} {self.user or '(hidden user)'}"
        if self.change is None:
            return f"{head}: {self.page}: revision not read: {self.unreadable}"
        return f"{head}: {self.change}"


@dataclass
class HistoryWalk:
    """What walking a page's history found: the lines, each hub's stages over time
    (``(timestamp, stage or None when the hub left the registry)``), and counts."""

    page: str
    lines: list[HistoryLine] = field(default_factory=list)
    stages: dict[str, list[tuple[str, Stage | None]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # hub key -> latest name
    revisions: int = 0  # revisions looked at
    same_text: int = 0  # skipped: same sha1 as the revision before
    unreadable: int = 0


def _sha1(entry: HistoryEntry) -> str | None:
    return entry.sha1 or None


def walk_history(page: str, entries: Iterable[HistoryEntry], read: Reader, *,
                 baseline: HistoryEntry | None = None) -> HistoryWalk:
    """Walk ``entries`` (oldest first). With a ``baseline`` (the revision before the
    first entry), the first entry is compared with it; without one, the first readable
    revision's records are all "added"."""
    walk = HistoryWalk(page)
    events: list[Event] = []
    hubs: list[Hub] = []
    seen: set[Kind] = set()  # the kinds of table the page has had
    last_sha1: str | None = None
    started = False

    def take(parsed: ParsedPage) -> None:
        nonlocal events, hubs
        events = parsed.events if Kind.EVENTS in seen else events
        hubs = parsed.hubs if Kind.HUBS in seen else hubs

    def kinds(parsed: ParsedPage) -> set[Kind]:
        return {t.kind for t in parsed.tables}

    if baseline is not None and baseline.text is not None:
        try:
            parsed = read(baseline.text)
        except Exception:  # noqa: BLE001 - the walk then starts from nothing
            parsed = None
        if parsed is not None:
            seen |= kinds(parsed)
            take(parsed)
            _stages(walk, baseline.timestamp, parsed.hubs, {})
        last_sha1 = _sha1(baseline)
    for entry in entries:
        walk.revisions += 1
        sha1 = _sha1(entry)
        if started and sha1 is not None and sha1 == last_sha1:
            walk.same_text += 1
            continue
        started, last_sha1 = True, sha1
        why, parsed = _read(entry, read)
        if parsed is not None:
            missing = sorted(k.value for k in seen - kinds(parsed))
            if missing:
                why, parsed = f"no {' or '.join(missing)} table", None
        if parsed is None:
            walk.unreadable += 1
            walk.lines.append(HistoryLine(page, entry.revid, entry.timestamp, entry.user,
                                          unreadable=why))
            last_sha1 = None  # the next revision is read even if it has the same text
            continue
        seen |= kinds(parsed)
        changes = diff_events(page, events, parsed.events) + \
            diff_hubs(page, hubs, parsed.hubs)
        walk.lines += [HistoryLine(page, entry.revid, entry.timestamp, entry.user, c)
                       for c in changes]
        before = {h.key: h for h in hubs}
        take(parsed)
        _stages(walk, entry.timestamp, parsed.hubs, before)
    return walk


def _read(entry: HistoryEntry, read: Reader) -> tuple[str, ParsedPage | None]:
    if entry.text is None:
        return "text hidden or not in the export", None
    try:
        return "", read(entry.text)
    except Exception as exc:  # noqa: BLE001 - one revision, never the walk
        return f"the reader failed ({type(exc).__name__}: {exc})", None


def _stages(walk: HistoryWalk, timestamp: str, hubs: list[Hub],
            before: dict[str, Hub]) -> None:
    now = {h.key: h for h in hubs}
    for key, hub in now.items():
        walk.names[key] = hub.name
        track = walk.stages.setdefault(key, [])
        if not track or track[-1][1] != hub.stage:
            track.append((timestamp, hub.stage))
    for key in before.keys() - now.keys():
        track = walk.stages.setdefault(key, [])
        if track and track[-1][1] is not None:
            track.append((timestamp, None))
