"""Records to JSON-ready dicts and back (for ``hubbot parse --json``, exports and state),
and the rendered rows of a table (``hubbot parse --json``).

The dict shapes are the documented output of ``hubbot parse --json``; ``from_*`` inverts
``to_*`` exactly for the compared fields, so state round-trips without churn.
"""

from __future__ import annotations

import json
from datetime import date
from json.encoder import encode_basestring
from typing import Any

from hubbot.core.read.cells import quote
from hubbot.core.read.rows import ParsedTable
from hubbot.core.records import (
    DateSpan,
    Event,
    Hub,
    HubType,
    Interview,
    Link,
    Precision,
    Problem,
    Severity,
    Stage,
)

__all__ = ["canonical_json", "event_from_json", "event_json", "event_to_json", "hub_from_json",
           "hub_to_json", "interview_from_json", "interview_to_json", "problem_from_json",
           "problem_to_json", "rows_to_json", "span_from_json", "span_to_json", "stage_from_json",
           "table_to_json"]

#: A value as compact, deterministic JSON on one line (keys sorted, non-ASCII kept):
#: ``json.dumps(value, ensure_ascii=False, sort_keys=True)``, byte for byte, with one
#: encoder built once rather than one per call (the state sorts and writes every
#: record with it: 100,000 calls at 50,000 rows).
canonical_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode



def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def span_to_json(span: DateSpan) -> dict[str, Any]:
    return {"start": _iso(span.start), "end": _iso(span.end),
            "precision": span.precision.value, "uncertain": span.uncertain,
            "year_inferred": span.year_inferred,
            **({"tentative": True} if span.tentative else {})}


def span_from_json(data: dict[str, Any]) -> DateSpan:
    return DateSpan(_date(data.get("start")), _date(data.get("end")),
                    Precision(data.get("precision", "day")), bool(data.get("uncertain")),
                    bool(data.get("year_inferred")), bool(data.get("tentative")))


# Stages earlier versions wrote, read as the stage they now are.
_OLD_STAGES = {"discussion": Stage.PLANNING}


def stage_from_json(value: str | None) -> Stage:
    value = value or "unknown"
    return _OLD_STAGES.get(value) or Stage(value)


def event_to_json(ev: Event) -> dict[str, Any]:
    out = span_to_json(ev.when)  # a new dict: the event's fields are added to it
    out["date_text"], out["title"] = ev.date_text, ev.title
    out["links"] = [{"target": link.target, "label": link.label} for link in ev.links]
    return out


_STRING = encode_basestring  # the encoder's own quoting of a string (non-ASCII kept)
_BOOL = {False: "false", True: "true"}
_TENTATIVE = {False: "", True: '"tentative": true, '}


def _iso_json(d: date | None) -> str:
    return f'"{d.isoformat()}"' if d else "null"


def event_json(ev: Event) -> str:
    """``canonical_json(event_to_json(ev))``, written directly (the state encodes every
    event of a run it records: making the dict and encoding it took three times as long).
    A property holds the two equal; a field added to ``event_to_json`` fails it until it
    is written here too, in the order of the sorted keys."""
    w = ev.when
    links = ", ".join([f'{{"label": {_STRING(link.label)}, "target": {_STRING(link.target)}}}'
                       for link in ev.links]) if ev.links else ""
    return (f'{{"date_text": {_STRING(ev.date_text)}, "end": {_iso_json(w.end)}, '
            f'"links": [{links}], "precision": {_STRING(w.precision.value)}, '
            f'"start": {_iso_json(w.start)}, {_TENTATIVE[w.tentative]}'
            f'"title": {_STRING(ev.title)}, "uncertain": {_BOOL[w.uncertain]}, '
            f'"year_inferred": {_BOOL[w.year_inferred]}}}')


def event_from_json(data: dict[str, Any]) -> Event:
    return Event(span_from_json(data), data["title"],
                 tuple(Link(x["target"], x["label"]) for x in data.get("links", [])),
                 data.get("date_text", ""))


def hub_to_json(hub: Hub) -> dict[str, Any]:
    return {"key": hub.key, "name": hub.name, "types": sorted(t.value for t in hub.types),
            "stage": hub.stage.value, "stage_raw": hub.stage_raw, "page": hub.page,
            "fiscal_sponsor": hub.fiscal_sponsor, "legal_entity": hub.legal_entity,
            "scope_wikitext": hub.scope_wikitext, "details": hub.details}


def hub_from_json(data: dict[str, Any]) -> Hub:
    return Hub(key=data["key"], name=data["name"],
               types=frozenset(HubType(t) for t in data.get("types", [])),
               stage=stage_from_json(data.get("stage")), stage_raw=data.get("stage_raw", ""),
               scope_wikitext=data.get("scope_wikitext", ""),
               details=data.get("details", ""), page=data.get("page"),
               fiscal_sponsor=data.get("fiscal_sponsor"), legal_entity=data.get("legal_entity"))


def interview_to_json(iv: Interview) -> dict[str, Any]:
    return {"group": iv.group, "persons": iv.persons, **span_to_json(iv.when),
            "date_text": iv.date_text}


def interview_from_json(data: dict[str, Any]) -> Interview:
    return Interview(data["group"], data["persons"], span_from_json(data),
                     data.get("date_text", ""))


def problem_to_json(p: Problem) -> dict[str, Any]:
    """A problem (or a notice: the same fields) as JSON."""
    return {"page": p.page, "table": p.table, "row": p.row, "text": p.text,
            "reason": p.reason, **({"detail": p.detail} if p.detail else {}),
            **({"severity": p.severity.value} if p.severity is not Severity.PROBLEM else {})}


def problem_from_json(data: dict[str, Any]) -> Problem:
    return Problem(data["page"], data["table"], data.get("row"), data.get("text", ""),
                   data["reason"], data.get("detail", ""),
                   Severity(data.get("severity", "problem")))


def rows_to_json(pt: ParsedTable) -> list[dict[str, Any]]:
    """Each row of ``pt`` as MediaWiki renders it (``hubbot parse --json``): its number as
    problems use it, its kind (header, section, record, problem), each cell as an editor
    wrote it (``read.cells.quote``), a section's text and a problem row's reasons."""
    out: list[dict[str, Any]] = []
    for number, parts in pt.rendered():
        cells = [quote(r.source[c.start:c.end]) for r in parts for c in r.row.cells]
        row: dict[str, Any] = {"number": number, "kind": parts[-1].kind.value,
                               "cells": cells}
        if parts[-1].kind.value == "section":
            row["text"] = " ".join(c for c in cells if c)
        reasons = [p.reason for r in parts for p in r.problems]
        if reasons:
            row["problems"] = reasons
        out.append(row)
    return out


def table_to_json(pt: ParsedTable) -> dict[str, Any]:
    return {"kind": pt.kind.value, "owned": pt.region is not None, "rows": rows_to_json(pt)}
