"""One reader per kind of table: a data row's logical cells into a record.

``READERS`` registers them by ``Kind``. A reader fills ``ParsedRow.record`` or adds a
problem (through ``Context.problem``) naming the cell it could not read; it never raises.
"""

from __future__ import annotations

import re

from hubbot.core.read.cells import (
    flatten,
    quote,
    title_without_trailing_links,
    without_mylanguage,
)
from hubbot.core.read.rows import Context, ParsedRow, Reader
from hubbot.core.records import Event, Hub, Interview, Kind, Stage, slugify
from hubbot.core.vocabulary import read_stage, read_types

__all__ = ["READERS"]


def _read_event(ctx: Context, pr: ParsedRow, year: int | None) -> None:
    date = ctx.date(pr, "date", year)
    flat = ctx.flat(pr, "event")
    title = title_without_trailing_links(flat)
    if not title:
        if flat.links:
            title = flat.links[0].label
        else:
            ctx.problem(pr, "empty event title")
            return
    when = date.span
    if when is None:
        return
    pr.record = Event(when, title, tuple(flat.links), date.text)
    if year is not None and when.start is not None and not date.from_section:
        last = (when.end or when.start).year
        if not when.start.year <= year <= last:
            pr.stuck = "its date is outside its section"
            ctx.problem(pr, f"date outside its section ({year})", date.text)


_NAME = r"([^.;,()\n]+?)"
_FISCAL = [re.compile(_NAME + r"\s+is\s+the\s+fiscal\s+sponsor", re.I),
           re.compile(r"fiscal\s+sponsor(?:\s+is|:)\s*" + _NAME + r"\s*(?:[.;,()]|$)", re.I)]
_LEGAL = [re.compile(r"legally\s+registered\s+as\s+" + _NAME + r"\s*(?:[.;,()]|$)", re.I),
          re.compile(r"legal\s+entity:\s*" + _NAME + r"\s*(?:[.;,()]|$)", re.I)]


def _first_match(patterns: list[re.Pattern[str]], text: str) -> str | None:
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return m.group(1).strip()
    return None


def _read_hub(ctx: Context, pr: ParsedRow, year: int | None) -> None:
    scope_raw = ctx.cell_text(pr.cells[ctx.columns["scope"]])
    scope = flatten(scope_raw)
    name = scope.text
    if not name:
        ctx.problem(pr, "empty scope", quote(scope_raw))
        return
    type_text = ctx.flat(pr, "type").text
    types = read_types(type_text)
    if not types:
        written = quote(ctx.cell_text(pr.cells[ctx.columns["type"]]))
        ctx.problem(pr, f"unrecognised type {written!r} of hub {name}", written)
    status = ctx.flat(pr, "status")
    stage = read_stage(status.text, ctx.stage_aliases, opaque=status.opaque)
    if stage is Stage.UNKNOWN:
        written = quote(ctx.cell_text(pr.cells[ctx.columns["status"]]))
        ctx.problem(pr, f"unrecognised status {written!r} of hub {name}; "
                    "its status template keeps its current stage", written)
    details_raw = ctx.cell_text(pr.cells[ctx.columns["details"]])
    details = flatten(details_raw).text
    page = next((without_mylanguage(link.target) for link in scope.links
                 if not link.target.startswith(("http:", "https:", "//"))), None)
    pr.record = Hub(
        key=slugify(name), name=name, types=types, stage=stage, stage_raw=status.text,
        scope_wikitext=scope_raw.strip(), details=details_raw.strip(), page=page,
        fiscal_sponsor=_first_match(_FISCAL, details),
        legal_entity=_first_match(_LEGAL, details),
    )


def _read_interview(ctx: Context, pr: ParsedRow, year: int | None) -> None:
    date = ctx.date(pr, "date", year)
    group = ctx.flat(pr, "name").text
    persons = ctx.flat(pr, "persons").text
    if date.span is None:
        return
    pr.record = Interview(group, persons, date.span, date.text)


READERS: dict[Kind, Reader] = {
    Kind.EVENTS: _read_event,
    Kind.HUBS: _read_hub,
    Kind.INTERVIEWS: _read_interview,
}
