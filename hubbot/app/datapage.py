"""The data page (``[data_page] title``, e.g. ``Module:Hubs/data.json``): every record as
one JSON document, planned like any other edit and saved through the same ``Applier``
(owed marks, conflicts, the ``oldrevid`` check, shutoff, dry-run diff, review).

hubbot owns the whole page (no markers). The page is edited only when a record changed:
the document's text is deterministic and its date is the date of the last data change
(``hubbot.core.data``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hubbot.app.config import Config
from hubbot.app.model import Plan
from hubbot.app.state import PageState, State
from hubbot.core.changes import Change, summarize
from hubbot.core.data import (
    SourceRecords,
    build_document,
    document_text,
    empty_document,
    read_document,
)
from hubbot.core.pages import PageText
from hubbot.errors import PageError


def data_sources(config: Config, plans: Sequence[Plan], state: State) -> list[SourceRecords]:
    """The records of every source page: those planned in this run from the revision
    read (the records of the text to be written, which are those of the text read:
    hubbot only orders rows and restyles dates), the others as the state keeps them."""
    planned: dict[str, Plan] = {}
    for p in plans:  # source pages are planned first: a derived page never replaces one
        planned.setdefault(p.title, p)
    out = []
    for pc in config.pages:
        plan = planned.get(pc.title)
        if plan is not None and plan.state.records:
            out.append(SourceRecords.from_state(pc.title, plan.page.revid, plan.state.records))
        elif pc.title in state.pages:
            entry = state.pages[pc.title]
            out.append(SourceRecords.from_state(pc.title, entry.revid, entry.records))
    return out


def plan_data_page(config: Config, page: PageText, sources: Sequence[SourceRecords], *,
                   today: date, changes: Sequence[Change]) -> Plan:
    """The data page's edit (its ``new_text`` equals the text read when no record
    changed). Raises ``PageError`` when the page does not exist (``hubbot templates
    install`` creates it; a sync never creates pages)."""
    title = page.title
    if not page.exists:
        raise PageError(title, "the data page does not exist: create it once with "
                        "`hubbot templates install --write`; hubbot never creates pages "
                        "in a sync")

    def build(fresh: PageText) -> tuple[str, None]:
        previous = read_document(fresh.text)
        doc = build_document(sources, today=today, previous=previous)
        return document_text(doc), None

    summary = summarize(list(changes), prefix=config.summary_prefix,
                        fallback="update the data page")
    return Plan(title, page, build(page)[0], summary, PageState(page.revid), build)


def initial_text() -> str:
    """The data page as ``hubbot templates install`` creates it."""
    return document_text(empty_document())
