"""Record-level change detection between two runs, and the edit summary it drives.

Records are compared by identity (``Event.key``, ``Hub.key``) and then by value, so a
reformatted date or a re-spaced cell is never a change, and a changed stage is reported
as such rather than as one hub removed and another added.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from hubbot.core.dates import format_date
from hubbot.core.records import Event, Hub, Kind

__all__ = ["COUNT_MOVES", "SUMMARY_MAX", "Change", "ChangeKind", "diff_events",
           "diff_hubs", "link_prefix", "plain_summary", "summarize"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
SUMMARY_MAX = 480  # MediaWiki keeps 500 characters of a summary

# Markup a summary could carry into the page history: links ([[...]]), templates and
# parameters ({{...}}), which MediaWiki would render as live links.
_MARKUP = re.compile(r"\[{2,}|\]{2,}|\{{2,}|\}{2,}")
_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                               "\u2066\u2067\u2068\u2069"))


def plain_summary(text: str, max_len: int = SUMMARY_MAX) -> str:
    """``text`` as plain text for an edit summary: link and template brackets removed
    (``[[Category:X]]`` reads ``Category:X``), bidi and other control characters removed,
    whitespace collapsed, at most ``max_len`` characters."""
    text = text.translate(_BIDI)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                   for ch in text)
    while True:
        stripped = _MARKUP.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = " ".join(text.split())
    if len(text) > max_len:
        text = text[: max_len - 1] + "…"
    return text


def link_prefix(summary: str, prefix: str, docs_page: str) -> str:
    """``"hubbot: ..."`` as ``"[[User:Hubbot|hubbot]]: ..."``: the one link a summary
    carries, to the bot's documentation (both from the config, never from a page)."""
    if summary.startswith(prefix + ":"):
        return f"[[{docs_page}|{prefix}]]" + summary[len(prefix):]
    return summary


class ChangeKind(StrEnum):
    """What happened to a record (the value is what people read)."""

    EVENT_ADDED = "event added"
    EVENT_REMOVED = "event removed"
    EVENT_CHANGED = "event changed"
    HUB_ADDED = "hub added"
    HUB_REMOVED = "hub removed"
    HUB_STAGE = "hub stage"
    HUB_TYPE = "hub type"
    HUB_CHANGED = "hub changed"

    @property
    def record(self) -> Kind:
        return Kind.HUBS if self.value.startswith("hub") else Kind.EVENTS


# The changes a summary page reports as its last change (a hub's count moved).
COUNT_MOVES = (ChangeKind.HUB_STAGE, ChangeKind.HUB_ADDED, ChangeKind.HUB_REMOVED)


@dataclass(frozen=True)
class Change:
    """One record-level change of a record of ``kind.record`` on ``page``."""

    kind: ChangeKind
    page: str
    key: str
    text: str  # human-readable, e.g. "CEE Hub: planning → pilot"

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ChangeKind(self.kind))

    @property
    def about_hub(self) -> bool:
        return self.kind.record is Kind.HUBS

    def __str__(self) -> str:
        return f"{self.page}: {self.kind.value}: {self.text}"


def _event_label(ev: Event) -> str:
    return f"{ev.title}, {format_date(ev.when)}"


def _pair(old: Sequence[T], new: Sequence[T], key: Callable[[T], K]
          ) -> Iterator[tuple[T | None, T | None]]:
    """Pair old and new records as multisets: per key, equal records first (unchanged),
    then the rest in order (changed), then what is left over (added or removed). Two
    identical rows are two records: removing one of them is a change."""
    before: dict[K, list[T]] = {}
    for rec in old:
        before.setdefault(key(rec), []).append(rec)
    after: dict[K, list[T]] = {}
    for rec in new:
        after.setdefault(key(rec), []).append(rec)
    for k, news in after.items():
        olds = list(before.get(k, []))
        rest = []
        for rec in news:
            if rec in olds:
                olds.remove(rec)
            else:
                rest.append(rec)
        for i, rec in enumerate(rest):
            yield (olds[i] if i < len(olds) else None), rec
        for prev in olds[len(rest):]:
            yield prev, None
    for k, olds in before.items():
        if k not in after:
            for prev in olds:
                yield prev, None


def diff_events(page: str, old: Sequence[Event], new: Sequence[Event]) -> list[Change]:
    """Events added, changed (in the order of ``new``) and removed."""
    changes: list[Change] = []
    removed: list[Change] = []
    for prev, ev in _pair(old, new, lambda e: e.key):
        if ev is None:
            assert prev is not None
            removed.append(Change("event removed", page, " ".join(prev.key),
                                  _event_label(prev)))
        elif prev is None:
            changes.append(Change("event added", page, " ".join(ev.key), _event_label(ev)))
        else:
            changes.append(Change("event changed", page, " ".join(ev.key),
                                  _event_label(ev)))
    return changes + removed


def _types(hub: Hub) -> str:
    return ", ".join(sorted(t.value for t in hub.types)) or "no type"


def diff_hubs(page: str, old: Sequence[Hub], new: Sequence[Hub]) -> list[Change]:
    """Hubs added, removed, and stage / type / other changes (rows with one key are
    paired as a multiset, never merged)."""
    changes: list[Change] = []
    removed: list[Change] = []
    for prev, hub in _pair(old, new, lambda h: h.key):
        if hub is None:
            assert prev is not None
            removed.append(Change("hub removed", page, prev.key, prev.name))
            continue
        if prev is None:
            changes.append(Change("hub added", page, hub.key,
                                  f"{hub.name} ({hub.stage.value})"))
            continue
        if prev.stage != hub.stage:
            changes.append(Change("hub stage", page, hub.key,
                                  f"{hub.name}: {prev.stage.value} → {hub.stage.value}"))
        if prev.types != hub.types:
            changes.append(Change("hub type", page, hub.key,
                                  f"{hub.name}: {_types(prev)} → {_types(hub)}"))
        if (prev.stage, prev.types) == (hub.stage, hub.types):
            changes.append(Change("hub changed", page, hub.key, hub.name))
    return changes + removed


_COUNTED = {"event added": ("+", "event"), "event removed": ("-", "event"),
            "event changed": ("~", "event"), "hub added": ("+", "hub"),
            "hub removed": ("-", "hub")}


def summarize(changes: Sequence[Change], *, prefix: str = "hubbot", limit: int = 3,
              fallback: str = "normalize tables", max_len: int = 480,
              how: Sequence[str] = ()) -> str:
    """An edit summary: stable prefix, counts, and the first few names.

    ``"hubbot: +1 event (Hubs Global Conversations, 12 March 2022); CEE Hub: planning →
    pilot"``. With no record changes, the summary says what the edit does (``fallback``).
    ``how`` ends it with what a table's options made the edit do ("sorted newest first").
    """
    parts: list[str] = []
    for kind, (sign, noun) in _COUNTED.items():
        items = [c for c in changes if c.kind == kind]
        if not items:
            continue
        names = "; ".join(c.text for c in items[:limit])
        more = f"; +{len(items) - limit} more" if len(items) > limit else ""
        plural = "s" if len(items) > 1 else ""
        parts.append(f"{sign}{len(items)} {noun}{plural} ({names}{more})")
    moves = [c for c in changes
             if c.kind in (ChangeKind.HUB_STAGE, ChangeKind.HUB_TYPE, ChangeKind.HUB_CHANGED)]
    parts.extend(c.text for c in moves[:limit])
    if len(moves) > limit:
        parts.append(f"+{len(moves) - limit} more hub changes")
    parts = parts or [fallback]
    return plain_summary(f"{prefix}: " + "; ".join([*parts, *how]), max_len)
