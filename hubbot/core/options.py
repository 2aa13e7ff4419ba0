"""The options an editor writes in a table's start marker, and what they mean.

``<!-- hubbot:events start sort=newest dates=mdy -->``: the words after the marker choose
how hubbot keeps that one table. They are read the way markers are (case and spaces do
not matter: ``Sort = Newest`` is ``sort=newest``; words may also be separated by ``,`` or
``;``). A word hubbot does not know is never guessed at: ``read_options`` raises
``OptionError`` naming the word, and the table is left exactly as it is until the marker
is fixed. The config file may give a wiki-wide default per table kind, in the same words;
a word in the marker wins over it, and the built-in default (``DEFAULTS``) applies to
what neither gives.

| option | events | hubs (the registry) |
| --- | --- | --- |
| ``sort`` | ``oldest`` (default), ``newest``, ``none`` | ``type`` (default), ``none`` |
| ``dates`` | ``dmy`` (default), ``mdy``, ``iso``, ``keep`` | (no dates) |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from hubbot.core.records import Kind
from hubbot.errors import HubbotError

__all__ = ["DEFAULTS", "WORDS", "DateStyle", "OptionError", "Sort", "TableOptions", "read_options",
           "resolve"]


class Sort(StrEnum):
    """The order of a table's rows within each section."""

    OLDEST = "oldest"  # events: date, then title; undated (TBD) rows last
    NEWEST = "newest"  # events: latest date first, then title; undated (TBD) rows first
    TYPE = "type"  # the registry: type, then hub
    NONE = "none"  # never reorder


class DateStyle(StrEnum):
    """How a date cell is written."""

    DMY = "dmy"  # 27 November 2021, 24–26 June 2022, 30 June – 2 July 2022
    MDY = "mdy"  # November 27, 2021, June 24–26, 2022, June 30 – July 2, 2022
    ISO = "iso"  # 2021-11-27, 2022-06-24 – 2022-06-26
    KEEP = "keep"  # never rewrite a date


# The words each kind of owned table accepts, in the order they are listed.
WORDS: dict[Kind, dict[str, tuple[str, ...]]] = {
    Kind.EVENTS: {"sort": (Sort.OLDEST, Sort.NEWEST, Sort.NONE),
                  "dates": (DateStyle.DMY, DateStyle.MDY, DateStyle.ISO, DateStyle.KEEP)},
    Kind.HUBS: {"sort": (Sort.TYPE, Sort.NONE)},
}


@dataclass(frozen=True, slots=True)
class TableOptions:
    """The options in effect for one table."""

    sort: Sort
    dates: DateStyle = DateStyle.DMY

    def describe(self, kind: Kind) -> str:
        """``sort=newest dates=mdy``: every option of the kind, as a marker writes it."""
        return " ".join(f"{name}={getattr(self, name).value}" for name in WORDS[kind])

    def effects(self, *, moved: bool, dated: bool) -> list[str]:
        """What an option not at its built-in default made hubbot do, in words for an
        edit summary (``sorted newest first``, ``dates as November 27, 2021``): the sort
        when rows ``moved``, the date style when dates were rewritten (``dated``).
        ``none`` and ``keep`` make hubbot do less, never something to name."""
        out = []
        if moved and self.sort in _SORT_WORDS:
            out.append(_SORT_WORDS[self.sort])
        if dated and self.dates in _DATE_WORDS:
            out.append(_DATE_WORDS[self.dates])
        return out


# The words an edit summary gives the options that make hubbot do something other than
# its built-in default (``oldest``/``type``, ``dmy``).
_SORT_WORDS = {Sort.NEWEST: "sorted newest first"}
_DATE_WORDS = {DateStyle.MDY: "dates as November 27, 2021",
               DateStyle.ISO: "dates as 2021-11-27"}

DEFAULTS: dict[Kind, TableOptions] = {
    Kind.EVENTS: TableOptions(Sort.OLDEST, DateStyle.DMY),
    Kind.HUBS: TableOptions(Sort.TYPE, DateStyle.DMY),
}


class OptionError(HubbotError):
    """Option words hubbot does not know; the message names each bad word (caught by the
    page's parse, a problem there, and by the config, a ``ConfigError`` there)."""


_SPACED_EQUALS = re.compile(r"\s*=\s*")
_SEPARATORS = re.compile(r"[\s,;]+")


def read_options(text: str, kind: Kind) -> dict[str, str]:
    """The options written in ``text`` (the words after a start marker's name), as
    ``{"sort": "newest"}``. Raises ``OptionError`` naming every word it cannot read:
    "`sort=newst`: not one of oldest, newest, none"."""
    words = WORDS.get(kind, {})
    found: dict[str, str] = {}
    bad: list[str] = []
    for word in _SEPARATORS.split(_SPACED_EQUALS.sub("=", text.strip())):
        if not word:
            continue
        name, eq, value = word.partition("=")
        name, value = name.casefold(), value.casefold()
        if not eq or not name or not value:
            bad.append(f"`{word}`: not an option (write name=value: "
                       f"{', '.join(f'{n}=…' for n in words) or 'none for this table'})")
        elif name not in words:
            known = ", ".join(words) or "none"
            bad.append(f"`{word}`: not an option of the {kind} table (its options: {known})")
        elif value not in words[name]:
            bad.append(f"`{word}`: not one of {', '.join(words[name])}")
        elif name in found:
            bad.append(f"`{word}`: {name} is given twice")
        else:
            found[name] = value
    if bad:
        raise OptionError("; ".join(bad))
    return found


def resolve(kind: Kind, marker: Mapping[str, str],
            default: Mapping[str, str] | None = None) -> TableOptions:
    """The options in effect: the marker's words, else the config's, else built-in."""
    chosen = {**(default or {}), **marker}
    base = DEFAULTS[kind]
    return TableOptions(Sort(chosen.get("sort", base.sort)),
                        DateStyle(chosen.get("dates", base.dates)))
