"""Bot-owned regions: the comment markers around a table hubbot may rewrite.

A marker is matched the way an editor would read it: case, and whitespace inside the
comment and around its ``:``, do not matter (``<!--hubbot:events start-->`` and
``<!-- HubBot:Events Start -->`` are the same marker). A comment that looks like a
hubbot marker but is not exactly one of the configured markers is reported, never
silently ignored. A page whose markers are broken (one missing, one twice, end before
start) has a region error and must not be written.

A start marker may carry an editor's options before its ``-->``
(``<!-- hubbot:events start sort=newest -->``): ``Region.options`` is their text, read by
``hubbot.core.options``. The marker's bytes are never rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hubbot.errors import RegionError

__all__ = ["DEFAULT_END_MARKER", "DEFAULT_START_MARKER", "Markers", "Region", "RegionProblem",
           "find_region", "marker_pattern", "near_miss_markers", "start_pattern"]

DEFAULT_START_MARKER = "<!-- hubbot:{name} start -->"
DEFAULT_END_MARKER = "<!-- hubbot:{name} end -->"


@dataclass(frozen=True)
class Markers:
    """Templates of the comments that delimit a bot-owned region; ``{name}`` is the
    region's name (``events`` or ``hubs``)."""

    start: str = DEFAULT_START_MARKER
    end: str = DEFAULT_END_MARKER

    def pair(self, name: str) -> tuple[str, str]:
        return self.start.replace("{name}", name), self.end.replace("{name}", name)


@dataclass(frozen=True)
class Region:
    """A bot-owned region: ``inner_start``..``inner_end`` lies between the markers."""

    name: str
    start: int
    inner_start: int
    inner_end: int
    end: int
    options: str = ""  # the words after the start marker's name, as written


class RegionProblem(RegionError):
    """The region's markers are unusable; the message is the problem's reason (the page
    is not known here)."""

    def __init__(self, message: str) -> None:
        super().__init__("", message)


@lru_cache(maxsize=64)
def marker_pattern(marker: str) -> re.Pattern[str]:
    """A tolerant pattern for one marker: case-insensitive, any whitespace (or none)
    wherever the marker has a space or a punctuation boundary."""
    tokens = re.findall(r"\w+|[^\w\s]+", marker)
    return re.compile(r"\s*".join(re.escape(t) for t in tokens), re.IGNORECASE)


@lru_cache(maxsize=64)
def start_pattern(marker: str) -> re.Pattern[str]:
    """``marker_pattern`` for a start marker, which may hold options before its ``-->``
    (separated from the marker's last word by a space): group ``options``."""
    tokens = re.findall(r"\w+|[^\w\s]+", marker)
    if len(tokens) < 2 or tokens[-1] != "-->":
        return marker_pattern(marker)
    head = r"\s*".join(re.escape(t) for t in tokens[:-1])
    return re.compile(head + r"(?:\s+(?P<options>(?:(?!-->)[^<>])*?))?\s*-->",
                      re.IGNORECASE)


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MARKERISH = re.compile(r"\bhub\W*bot\b.*\b(?:start|end|begin|stop|finish|open|close)\b",
                        re.IGNORECASE | re.DOTALL)


def find_region(text: str, name: str, markers: Markers | None = None) -> Region | None:
    """The region ``name`` in ``text``, None if the page has neither marker.

    Raises ``RegionProblem`` when one marker is missing, a marker appears twice, or the
    end comes before the start: a page like that must not be written (ListeriaBot refuses
    for the same reason: writing could duplicate or swallow content).
    """
    start_m, end_m = (markers or Markers()).pair(name)
    starts = list(start_pattern(start_m).finditer(text))
    ends = list(marker_pattern(end_m).finditer(text))
    if not starts and not ends:
        return None
    if len(starts) > 1 or len(ends) > 1:
        raise RegionProblem("region markers appear twice")
    if not ends:
        raise RegionProblem("region end marker missing")
    if not starts:
        raise RegionProblem("region start marker missing")
    s, e = starts[0], ends[0]
    if e.start() < s.end():
        raise RegionProblem("region end marker before start marker")
    options = s.groupdict().get("options") or ""
    return Region(name, s.start(), s.end(), e.start(), e.end(), options.strip())


def near_miss_markers(text: str, names: tuple[str, ...],
                      markers: Markers | None = None) -> list[str]:
    """Comments that look like hubbot markers but are none of the configured ones."""
    pairs = [(markers or Markers()).pair(name) for name in names]
    exact = [p for start, end in pairs for p in (start_pattern(start), marker_pattern(end))]
    found = []
    for m in _COMMENT.finditer(text):
        comment = m.group(0)
        if _MARKERISH.search(comment[4:-3]) and not any(p.fullmatch(comment) for p in exact):
            found.append(comment)
    return found
