"""``hubbot history``: the record-level history of a page, from the wiki (``--config``) or
from a Special:Export file (``--dump``, no config), as lines, rows for CSV/JSON, and a
PNG timeline of hub stages (matplotlib, the optional ``plot`` extra, imported only here).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hubbot.app.config import Config
from hubbot.backends.base import Backend
from hubbot.core.history import HistoryWalk, Reader, walk_history
from hubbot.core.pages import HistoryEntry
from hubbot.core.read import parse_page
from hubbot.core.records import Stage
from hubbot.core.regions import Markers
from hubbot.errors import UsageError


@dataclass(frozen=True)
class HistoryQuery:
    """Which history: a page (None with ``--dump``: every page of the export), from
    which day on, and how its dates without a year are read."""

    page: str | None
    since: date | None = None
    context_year: int | None = None


def since_time(since: date | None) -> str | None:
    return f"{since.isoformat()}T00:00:00Z" if since is not None else None


def reader(title: str, *, context_year: int | None = None, config: Config | None = None
           ) -> Reader:
    """The reader a sync uses for ``title`` (the config's context year, markers and
    status aliases when there is a config)."""
    markers: Markers | None = None
    aliases: Mapping[str, Stage] | None = None
    if config is not None:
        markers, aliases = config.markers, config.stage_aliases
        pc = next((p for p in config.pages if p.title == title), None)
        if context_year is None and pc is not None:
            context_year = pc.context_year

    def read(text: str) -> Any:
        return parse_page(text, title, context_year=context_year, markers=markers,
                          stage_aliases=aliases)
    return read


def history_from_wiki(backend: Backend, config: Config, query: HistoryQuery) -> HistoryWalk:
    if not query.page:
        raise UsageError("hubbot history with --config needs --page TITLE")
    base, entries = backend.history_since(query.page, since=since_time(query.since))
    return walk_history(query.page, entries,
                        reader(query.page, context_year=query.context_year, config=config),
                        baseline=base)


def split_since(entries: Iterable[HistoryEntry], since: str | None
                ) -> tuple[HistoryEntry | None, Iterator[HistoryEntry]]:
    """(the last revision before ``since``, the revisions from it on), for an export."""
    it = iter(entries)
    if since is None:
        return None, it
    base = None
    for entry in it:
        if entry.timestamp >= since:
            return base, itertools.chain([entry], it)
        base = entry
    return base, iter(())


def history_from_dump(path: Path, query: HistoryQuery) -> list[HistoryWalk]:
    """Every page of the export (or only ``query.page``) walked. Raises ``UsageError``
    when the file cannot be read, or holds no such page."""
    from hubbot.backends.dump import dump_pages

    walks = []
    for title, entries in dump_pages(path):
        if query.page is not None and title != query.page:
            for _ in entries:  # the stream moves on to the next page
                pass
            continue
        base, rest = split_since(entries, since_time(query.since))
        walks.append(walk_history(title, rest, reader(title,
                                                      context_year=query.context_year),
                                  baseline=base))
    if not walks:
        raise UsageError(f"--dump {path}: " + (f"no page {query.page!r} in the export"
                                               if query.page else "no pages"))
    return walks


def history_rows(walks: Sequence[HistoryWalk]) -> list[dict[str, Any]]:
    """One JSON/CSV row per line."""
    rows = []
    for walk in walks:
        for line in walk.lines:
            change = line.change
            rows.append({"date": line.date, "timestamp": line.timestamp,
                         "revision": line.revid, "user": line.user, "page": line.page,
                         "kind": change.kind.value if change else "unreadable",
                         "key": change.key if change else "",
                         "text": change.text if change else line.unreadable})
    return rows


def history_summary(walks: Sequence[HistoryWalk]) -> str:
    revisions = sum(w.revisions for w in walks)
    same = sum(w.same_text for w in walks)
    bad = sum(w.unreadable for w in walks)
    changes = sum(1 for w in walks for line in w.lines if line.change is not None)
    return (f"{revisions} revisions, {changes} record changes, {same} skipped (same text "
            f"as the revision before), {bad} not readable")


# Stages in lifecycle order, bottom to top of the timeline.
_STAGE_ROWS = [s for s in Stage]


def plot_stages(walks: Sequence[HistoryWalk], path: Path, *, end: str | None = None) -> int:
    """A PNG timeline: one step line per hub, its stage over time. Returns how many
    hubs it shows. Raises ``UsageError`` without matplotlib (the ``plot`` extra) or
    without any hub."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.dates import date2num
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install 'hubbot[plot]'") from None
    from datetime import datetime

    tracks = [(w.names.get(k, k), t) for w in walks for k, t in sorted(w.stages.items())
              if any(s is not None for _, s in t)]
    if not tracks:
        raise UsageError("--plot: no hub in this history (only the registry has stages)")

    def when(ts: str) -> float:
        return float(date2num(datetime.fromisoformat(ts.replace("Z", "+00:00"))))

    first = min(when(ts) for _, t in tracks for ts, _ in t)
    last = max(when(ts) for _, t in tracks for ts, _ in t)
    # The current stages run on past the last change (a tenth of the span, a day at least).
    stop = when(end) if end else last + max(1.0, (last - first) / 10)
    fig, ax = plt.subplots(figsize=(9, 1.5 + 0.35 * len(tracks)))
    for i, (_name, track) in enumerate(tracks):
        for (ts, stage), nxt in zip(track, [*track[1:], (None, None)], strict=True):
            if stage is None:
                continue
            x0 = when(ts)
            x1 = when(nxt[0]) if nxt[0] else max(stop, x0 + 1)
            ax.broken_barh([(x0, x1 - x0)], (i - 0.4, 0.8),
                           color=f"C{_STAGE_ROWS.index(stage)}", label=stage.value)
    handles = {h.get_label(): h for h in ax.get_children() if getattr(h, "get_label", None)
               and h.get_label() in {s.value for s in Stage}}
    ax.legend([handles[s.value] for s in Stage if s.value in handles],
              [s.value for s in Stage if s.value in handles], loc="upper left",
              bbox_to_anchor=(1.01, 1), fontsize="small")
    ax.set_yticks(range(len(tracks)), [name for name, _ in tracks], fontsize="small")
    ax.xaxis_date()
    ax.set_title("Hub stages over time (hubbot history)")
    fig.autofmt_xdate()
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=100)
    except OSError as exc:
        raise UsageError(f"--plot {path}: {exc.strerror}") from None
    finally:
        plt.close(fig)
    return len(tracks)
