"""Record-level change detection between two runs, and the edit summary it drives.

Records are compared by identity (``Event.key``, ``Hub.key``) and then by value, so a
reformatted date or a re-spaced cell is never a change, and a changed stage is reported
as such rather than as one hub removed and another added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubbot.core.dates import format_date
from hubbot.core.records import Event, Hub


@dataclass(frozen=True)
class Change:
    """One record-level change. ``kind`` is one of: event added, event removed,
    event changed, hub added, hub removed, hub stage, hub type, hub changed."""

    kind: str
    page: str
    key: str
    text: str  # human-readable, e.g. "CEE Hub: planning → pilot"

    def __str__(self) -> str:
        return f"{self.page}: {self.kind}: {self.text}"


def _event_label(ev: Event) -> str:
    return f"{ev.title}, {format_date(ev.when)}"


def diff_events(page: str, old: Sequence[Event], new: Sequence[Event]) -> list[Change]:
    """Events added, removed and changed, in the order of ``new`` then ``old``."""
    before = {ev.key: ev for ev in old}
    after = {ev.key: ev for ev in new}
    changes: list[Change] = []
    for key, ev in after.items():
        key_s = " ".join(key)
        if key not in before:
            changes.append(Change("event added", page, key_s, _event_label(ev)))
        elif before[key] != ev:
            changes.append(Change("event changed", page, key_s, _event_label(ev)))
    for key, ev in before.items():
        if key not in after:
            changes.append(Change("event removed", page, " ".join(key), _event_label(ev)))
    return changes


def _types(hub: Hub) -> str:
    return ", ".join(sorted(t.value for t in hub.types)) or "no type"


def diff_hubs(page: str, old: Sequence[Hub], new: Sequence[Hub]) -> list[Change]:
    """Hubs added, removed, and stage / type / other changes."""
    before = {h.key: h for h in old}
    after = {h.key: h for h in new}
    changes: list[Change] = []
    for key, hub in after.items():
        prev = before.get(key)
        if prev is None:
            changes.append(Change("hub added", page, key, f"{hub.name} ({hub.stage.value})"))
            continue
        if prev.stage != hub.stage:
            changes.append(Change("hub stage", page, key,
                                  f"{hub.name}: {prev.stage.value} → {hub.stage.value}"))
        if prev.types != hub.types:
            changes.append(Change("hub type", page, key,
                                  f"{hub.name}: {_types(prev)} → {_types(hub)}"))
        if (prev.stage, prev.types) == (hub.stage, hub.types) and prev != hub:
            changes.append(Change("hub changed", page, key, hub.name))
    for key, hub in before.items():
        if key not in after:
            changes.append(Change("hub removed", page, key, hub.name))
    return changes


_COUNTED = {"event added": ("+", "event"), "event removed": ("-", "event"),
            "event changed": ("~", "event"), "hub added": ("+", "hub"),
            "hub removed": ("-", "hub")}


def summarize(changes: Sequence[Change], *, prefix: str = "hubbot", limit: int = 3,
              fallback: str = "normalize tables", max_len: int = 480) -> str:
    """An edit summary: stable prefix, counts, and the first few names.

    ``"hubbot: +1 event (Hubs Global Conversations, 12 March 2022); CEE Hub: planning →
    pilot"``. With no record changes, the summary says what the edit does (``fallback``).
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
    moves = [c for c in changes if c.kind in ("hub stage", "hub type", "hub changed")]
    parts.extend(c.text for c in moves[:limit])
    if len(moves) > limit:
        parts.append(f"+{len(moves) - limit} more hub changes")
    summary = f"{prefix}: " + ("; ".join(parts) if parts else fallback)
    if len(summary) > max_len:
        summary = summary[: max_len - 1] + "…"
    return summary
