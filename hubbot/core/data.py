"""The data page: every record as one JSON document that a Lua module (``mw.loadJsonData``),
a chart or a tool can read (``Module:Hubs/data.json``).

Pure: records in, a document and its text out. The document is deterministic (records in
a stable order, keys sorted, MediaWiki's own JSON layout), so the same records always give
the same bytes, and its date (``updated``) is the date of the last *data* change: a run
that changes no record leaves the document, and so the page, as it is. Its shape is
``hubbot/schema/hubs-data.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hubbot.core.codec import canonical_json, event_from_json, hub_from_json, interview_from_json
from hubbot.core.dates import format_date
from hubbot.core.records import DateSpan, Event, Hub, Interview

__all__ = ["DATA_VERSION", "SourceRecords", "build_document", "document_text", "empty_document",
           "read_document", "same_records", "stage_dates"]

DATA_VERSION = 1


@dataclass(frozen=True)
class SourceRecords:
    """The records of one source page at one revision (as the state keeps them)."""

    page: str
    revid: int | None
    events: tuple[Event, ...] = ()
    hubs: tuple[Hub, ...] = ()
    interviews: tuple[Interview, ...] = ()

    @classmethod
    def from_state(cls, page: str, revid: int | None,
                   records: Mapping[str, Sequence[Mapping[str, Any]]]) -> SourceRecords:
        """From the state's JSON records (``hubbot.app.plan.records_of``)."""
        return cls(page, revid,
                   tuple(event_from_json(dict(r)) for r in records.get("events", [])),
                   tuple(hub_from_json(dict(r)) for r in records.get("hubs", [])),
                   tuple(interview_from_json(dict(r)) for r in records.get("interviews", [])))


def _span(span: DateSpan) -> dict[str, Any]:
    return {"start": span.start.isoformat() if span.start else None,
            "end": span.end.isoformat() if span.end else None,
            "precision": span.precision.value, "uncertain": span.uncertain,
            "date": format_date(span)}


def _event(ev: Event, src: SourceRecords) -> dict[str, Any]:
    return {"key": " ".join(ev.key), "title": ev.title, **_span(ev.when),
            "links": [{"target": x.target, "label": x.label} for x in ev.links],
            "source": src.page, "revision": src.revid}


def _hub(hub: Hub, src: SourceRecords, since: str | None) -> dict[str, Any]:
    return {"key": hub.key, "name": hub.name, "types": sorted(t.value for t in hub.types),
            "stage": hub.stage.value, "stage_since": since, "page": hub.page,
            "fiscal_sponsor": hub.fiscal_sponsor, "legal_entity": hub.legal_entity,
            "source": src.page, "revision": src.revid}


def _interview(iv: Interview, src: SourceRecords) -> dict[str, Any]:
    return {"key": " ".join(iv.key), "group": iv.group, "persons": iv.persons,
            **_span(iv.when), "source": src.page, "revision": src.revid}


def _order(records: list[dict[str, Any]], *fields: str) -> list[dict[str, Any]]:
    """``records`` by ``fields``, then by what they hold besides their revision (two
    pages may hold the same event): the order never depends on revision ids."""
    return sorted(records, key=lambda r: (tuple(str(r.get(f) or "") for f in fields),
                                          canonical_json(_unrevised(r))))


def _unrevised(record: Any) -> Any:
    """A record without the revision it was read at."""
    if not isinstance(record, dict):
        return record
    return {k: v for k, v in record.items() if k != "revision"}


def stage_dates(previous: Mapping[str, Any] | None) -> dict[str, tuple[str, str | None]]:
    """Each hub's (stage, stage_since) in a previous document: the memory of when a
    stage began. A hub key written twice (a duplicate row) is not remembered."""
    out: dict[str, tuple[str, str | None]] = {}
    seen: set[str] = set()
    hubs = previous.get("hubs") if isinstance(previous, Mapping) else None
    for hub in hubs if isinstance(hubs, list) else []:
        if not isinstance(hub, Mapping) or not isinstance(hub.get("key"), str):
            continue
        key = hub["key"]
        if key in seen:
            out.pop(key, None)
            continue
        seen.add(key)
        since = hub.get("stage_since")
        out[key] = (str(hub.get("stage")), since if isinstance(since, str) else None)
    return out


def build_document(sources: Iterable[SourceRecords], *, today: date,
                   previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """The data document for ``sources``, given the document on the wiki (``previous``,
    None when there is none or it cannot be read).

    A hub's ``stage_since`` is the date hubbot first saw it at its current stage: kept
    from ``previous`` while the stage stays, ``today`` when it changed or the hub is new
    to a document that existed, None (unknown) for hubs already there when the first
    document was written (``hubbot history`` tells those dates from the page history). ``updated`` is ``today`` only when a record differs from
    ``previous``; otherwise the previous date stays, so the text does not change."""
    sources = list(sources)
    known = stage_dates(previous)
    # No document yet, or only the empty one ``templates install`` creates: no dates known.
    first = previous is None or previous.get("updated") is None
    events: list[dict[str, Any]] = []
    hubs: list[dict[str, Any]] = []
    interviews: list[dict[str, Any]] = []
    for src in sources:
        events += [_event(ev, src) for ev in src.events]
        interviews += [_interview(iv, src) for iv in src.interviews]
        for hub in src.hubs:
            stage, since = known.get(hub.key, (None, None))
            if stage != hub.stage.value:
                since = None if first else today.isoformat()
            hubs.append(_hub(hub, src, since))
    doc: dict[str, Any] = {
        "version": DATA_VERSION,
        "updated": today.isoformat(),
        "pages": {src.page: src.revid for src in sorted(sources, key=lambda s: s.page)},
        "events": _order(events, "start", "key"),
        "hubs": _order(hubs, "key"),
        "interviews": _order(interviews, "start", "key"),
    }
    if previous is not None and same_records(doc, previous):
        # Nothing changed: the document stays as it is, revisions and date included.
        for key in ("updated", "pages", "events", "hubs", "interviews"):
            doc[key] = previous.get(key, doc[key])
    return doc


def _records_only(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What decides whether the data changed: the records, without the revisions they
    were read at (an edit outside the tables changes a revision, not the data)."""
    def strip(rows: Any) -> Any:
        return [_unrevised(r) for r in rows] if isinstance(rows, list) else rows
    return {"version": doc.get("version"),
            **{k: strip(doc.get(k)) for k in ("events", "hubs", "interviews")}}


def _in_any_order(records: dict[str, Any]) -> dict[str, Any]:
    return {k: sorted(map(canonical_json, v)) if isinstance(v, list) else v
            for k, v in records.items()}


def same_records(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two documents hold the same records (dates, revisions and order aside: a
    document written in another order holds the same data). Compared in order first,
    the common case, then in any order."""
    mine, theirs = _records_only(a), _records_only(b)
    return mine == theirs or _in_any_order(mine) == _in_any_order(theirs)


# What MediaWiki's FormatJson escapes besides JSON's own (JSON_HEX_TAG, JSON_HEX_AMP, and
# the line terminators PHP escapes even with JSON_UNESCAPED_UNICODE).
_PHP_ESCAPES = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def document_text(doc: Mapping[str, Any]) -> str:
    """The document as MediaWiki stores a JSON page (``JsonContent::beautifyJSON``:
    ``FormatJson::encode`` with a tab indent, UTF-8, no escaped slashes, ``<``, ``>`` and
    ``&`` escaped, no final newline) with sorted keys, so a page read back equals the text
    hubbot saved (the integration tests save it and compare)."""
    return json.dumps(doc, indent="\t", ensure_ascii=False, sort_keys=True
                      ).translate(_PHP_ESCAPES)


def read_document(text: str) -> dict[str, Any] | None:
    """The document on the page, or None when the page holds no readable document (then
    hubbot writes a fresh one; the stage dates it held are lost)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and doc.get("version") == DATA_VERSION else None


def empty_document() -> dict[str, Any]:
    """What ``hubbot templates install`` creates: no records yet (the next sync fills it)."""
    return {"version": DATA_VERSION, "updated": None, "pages": {}, "events": [], "hubs": [],
            "interviews": []}
