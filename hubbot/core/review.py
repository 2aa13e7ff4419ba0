"""On-wiki review of a dry run (pure: builds and reads review and trigger page text).

A review page carries ``{{Hubbot review|id=...|status=pending|revisions=...}}`` and, per
page, a readable diff whose text is escaped so it can neither call templates nor break
out of its ``<pre>``. Editors approve by setting ``status=approved``; who made that edit
is read from the page history by ``hubbot.app.onwiki``, never from the page text.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import mwparserfromhell

from hubbot.core.escape import escape_param, escape_pre
from hubbot.core.pages import HistoryEntry
from hubbot.core.templates import find_template
from hubbot.errors import TemplateError

__all__ = ["REVIEW_TEMPLATE", "TRIGGER_TEMPLATE", "UNITS_ALLOWED", "UNITS_PARAM", "PlannedEdit",
           "ReviewState", "approving_edit", "format_revisions", "parse_revisions", "read_release",
           "read_review", "render_review", "render_trigger_answer", "review_id",
           "set_review_status"]

REVIEW_TEMPLATE = "Hubbot review"
UNITS_PARAM, UNITS_ALLOWED = "translate", "allow"  # the review changes translation units
TRIGGER_TEMPLATE = "Hubbot update"


class ReviewStatus(StrEnum):
    """The ``status=`` of a review template that hubbot writes or acts on (the words are
    on the wiki). An editor may write anything there; only ``approved`` is acted on."""

    PENDING = "pending"
    APPROVED = "approved"
    APPLIED = "applied"
    PARTLY_APPLIED = "partly applied"

@dataclass(frozen=True)
class PlannedEdit:
    title: str
    base_revid: int | None
    new_text: str
    summary: str
    diff: str


def review_id(edits: Sequence[PlannedEdit]) -> str:
    """A stable id of exactly this change: the pages, their base revisions, new texts."""
    h = hashlib.sha256()
    for e in sorted(edits, key=lambda e: e.title):
        h.update(f"{e.title}\0{e.base_revid}\0".encode())
        h.update(e.new_text.encode("utf-8"))
        h.update(b"\0")
    return "R" + h.hexdigest()[:12]


def format_revisions(revisions: dict[str, int | None]) -> str:
    return ", ".join(f"{t}@{r}" for t, r in sorted(revisions.items()) if r is not None)


def parse_revisions(value: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in value.split(","):
        title, _, rev = item.strip().rpartition("@")
        if title and rev.isdigit():
            out[title.strip()] = int(rev)
    return out


def render_review(*, rid: str, edits: Sequence[PlannedEdit], revisions: dict[str, int | None],
                  changes: Sequence[str], problems: Sequence[str], today: date,
                  notes: Sequence[str] = (), held: Sequence[str] = (),
                  notices: Sequence[str] = (), units_allowed: bool = False,
                  units_changed: Mapping[str, Sequence[str]] | None = None,
                  options: Sequence[str] = ()) -> str:
    """The whole text of a review page for a pending change. ``held`` pages (a person
    reverted hubbot there) come first: approving the review does not edit them. A change
    planned with translation unit changes allowed says ``translate=allow`` in its
    template (applying it once approved plans the same way) and lists the units it
    changes (``units_changed``: page -> unit names). ``options`` are the options in
    effect per table, one line each."""
    units = {t: list(n) for t, n in (units_changed or {}).items() if n}
    lines = [f"{{{{{REVIEW_TEMPLATE}|id={rid}|status={ReviewStatus.PENDING}"
             f"|revisions={escape_param(format_revisions(revisions))}"
             + (f"|{UNITS_PARAM}={UNITS_ALLOWED}" if units_allowed else "")
             + f"|created={today.isoformat()}}}}}",
             "To apply this change, an approver sets <code>status=approved</code> in the "
             "template above. hubbot applies it only if the pages have not changed since.",
             ""]
    if held:
        lines += ["== Held pages ==",
                  "A person reverted hubbot on these pages: they are not part of this "
                  "review and are not edited until the hold is released."]
        lines += [f"* {escape_param(h)}" for h in held] + [""]
    if notes:
        lines += ["== Notes =="] + [f"* {escape_param(n)}" for n in notes] + [""]
    if units:
        lines += ["== Translation units =="]
        lines += [f"* [[:{escape_param(t)}]]: "
                  + ", ".join(f"T:{escape_param(n)}" for n in names)
                  + " would change: approving applies these changes once (a scheduled "
                  "run never makes them); their translations are outdated in every "
                  "language until the page is marked for translation."
                  for t, names in sorted(units.items())] + [""]
    if options:
        lines += ["== Options in effect =="] + [f"* {escape_param(o)}" for o in options] + [""]
    lines += ["== Changes since the last run =="]
    lines += [f"* {escape_param(c)}" for c in changes] or ["* none"]
    if problems:
        lines += ["", "== Problems =="] + [f"* {escape_param(p)}" for p in problems]
    if notices:
        lines += ["", "== Notices =="] + [f"* {escape_param(n)}" for n in notices]
    lines.append("")
    if not edits:
        lines += ["No page would change.", ""]
    for e in edits:
        lines += [f"== {escape_param(e.title)} ==",
                  f"Edit summary: <code>{escape_param(e.summary)}</code>",
                  "<pre>" + escape_pre(e.diff.rstrip("\n")) + "</pre>", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class ReviewState:
    rid: str
    status: str
    revisions: dict[str, int]
    units_allowed: bool = False  # the reviewed change changes translation units


def read_review(text: str) -> ReviewState | None:
    """The review template's values, None if the page has none (or more than one)."""
    try:
        tpl = find_template(mwparserfromhell.parse(text), REVIEW_TEMPLATE)
    except TemplateError:
        return None

    def get(name: str) -> str:
        return str(tpl.get(name).value).strip() if tpl.has(name) else ""
    return ReviewState(get("id"), get("status").casefold(),
                       parse_revisions(html.unescape(get("revisions"))),
                       get(UNITS_PARAM).casefold() == UNITS_ALLOWED)


def set_review_status(text: str, status: str, note: str | None = None) -> str:
    """The review page with its status changed (and a note appended), in place."""
    code = mwparserfromhell.parse(text)
    tpl = find_template(code, REVIEW_TEMPLATE)
    tpl.add("status", str(status), preserve_spacing=True)
    out = str(code)
    if note:
        out = out.rstrip("\n") + f"\n\n{escape_param(note)}\n"
    return out


def approving_edit(history: Sequence[HistoryEntry], rid: str) -> HistoryEntry | None:
    """The newest revision that switched review ``rid`` to ``status=approved`` (its parent
    had another status or another review). History is newest first."""
    for i, entry in enumerate(history):
        state = read_review(entry.text)
        if state is None or state.rid != rid or state.status != ReviewStatus.APPROVED:
            continue
        parent = read_review(history[i + 1].text) if i + 1 < len(history) else None
        if parent is None or parent.rid != rid or parent.status != ReviewStatus.APPROVED:
            return entry
    return None


def read_release(text: str) -> list[str]:
    """The pages named in ``{{Hubbot update|release=A; B}}`` (titles separated by ``;``,
    or ``all``), as written; none without the template or the parameter."""
    try:
        tpl = find_template(mwparserfromhell.parse(text), TRIGGER_TEMPLATE)
    except TemplateError:
        return []
    if not tpl.has("release"):
        return []
    value = html.unescape(tpl.get("release").value.strip_code()).strip()
    return [t.strip() for t in value.split(";") if t.strip()]


def render_trigger_answer(text: str, *, status: str, when: str, result: str) -> str:
    """The trigger page with hubbot's answer: ``{{Hubbot update|status=|run=|result=}}``
    set in place if present, else appended; a ``release=`` request is emptied (done)."""
    code = mwparserfromhell.parse(text)
    try:
        tpl = find_template(code, TRIGGER_TEMPLATE)
    except TemplateError:
        return (text.rstrip("\n") + f"\n{{{{{TRIGGER_TEMPLATE}|status={status}|run={when}"
                f"|result={escape_param(result)}}}}}\n")
    for name, value in (("status", status), ("run", when), ("result", escape_param(result))):
        tpl.add(name, value, preserve_spacing=True)
    if tpl.has("release") and str(tpl.get("release").value).strip():
        tpl.add("release", "", preserve_spacing=True)
    return str(code)
