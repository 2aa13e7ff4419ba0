"""The hub templates, edited in place: ``{{Hub status}}`` on a hub's page (its stage and
type) and the ``{{Hubs summary}}`` counts on the summary page.

The page is parsed with mwparserfromhell and only the parameters hubbot owns are touched:
other parameters keep their order and spacing, every byte outside the call stays, and a
call whose owned values are already right comes back byte-identical (``updated`` only
moves when something else did, so there are no no-op edits). A stage or type value that
already reads, as the registry's cells read, as the hub's stage or types ("Pilot phase",
"Thematic & regional") is left as written: rewriting it in hubbot's words would be an edit
for style, and inside a translation unit it would outdate the unit in every language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import mwparserfromhell
from mwparserfromhell.nodes import Template

from hubbot.core.escape import escape_param
from hubbot.core.read.cells import TVAR_CLOSE, TVAR_OPEN, flatten
from hubbot.core.records import Hub, HubType, Stage
from hubbot.core.templates import find_template
from hubbot.core.vocabulary import read_stage, read_types

__all__ = ["hub_types_value", "render_hub_status", "render_summary", "summary_counts"]

# leading space | the value | trailing space and comments ("pilot <!-- set by hubbot -->"),
# a Translate variable's tags around the value kept with the space ("<tvar name=s>pilot
# </tvar>": a translation administrator's way to keep it out of the unit's words)
_WS = re.compile(rf"^(\s*(?:(?:{TVAR_OPEN})\s*)?)(.*?)((?:\s*(?:{TVAR_CLOSE}))?"
                 r"(?:\s*<!--.*?-->)*\s*)$", re.DOTALL | re.IGNORECASE)


# Whether a value written on the page already says what hubbot would write.
Same = Callable[[str], bool]


def _set(tpl: Template, name: str, value: str, same: Same | None = None) -> bool:
    """Set ``name`` to ``value`` unless equal already (ignoring case and spacing, or as
    ``same`` tells). True if the call changed. An existing parameter keeps what surrounds
    its value: whitespace, comments after it, a ``<tvar>`` around it."""
    if tpl.has(name):
        param = tpl.get(name)
        lead, current, trail = _WS.match(str(param.value)).groups()  # type: ignore[union-attr]
        if current.casefold() == value.casefold() or (same is not None and same(current)):
            return False
        param.value = lead + escape_param(value) + trail
        return True
    # New parameters go before "updated", which reads best last.
    before = "updated" if name != "updated" and tpl.has("updated") else None
    tpl.add(name, escape_param(value), preserve_spacing=True, before=before)
    return True


def _apply(text: str, template: str, values: list[tuple[str, str]], today: date,
           same: Mapping[str, Same] | None = None) -> str:
    code = mwparserfromhell.parse(text)
    tpl = find_template(code, template)
    changed = False
    for name, value in values:
        changed = _set(tpl, name, value, (same or {}).get(name)) or changed
    if not changed:
        return text
    _set(tpl, "updated", today.isoformat())
    return str(code)


def hub_types_value(hub: Hub) -> str:
    return ", ".join(sorted(t.value for t in hub.types))


def render_hub_status(text: str, hub: Hub, *, template: str = "Hub status",
                      today: date, aliases: Mapping[str, Stage] | None = None) -> str:
    """``text`` with the hub's status template showing ``hub``'s stage and type; a value
    that reads as them already (with the config's stage ``aliases``) stays as written.

    Raises ``TemplateMissing`` / ``TemplateAmbiguous`` when the page has no call or more
    than one.
    """
    values = []
    if hub.stage is not Stage.UNKNOWN:  # never replace a human's value with a worse one
        values.append(("stage", hub.stage.value))
    if hub.types:
        values.append(("type", hub_types_value(hub)))

    def same_stage(written: str) -> bool:
        shown = flatten(written)
        return read_stage(shown.text, aliases, opaque=shown.opaque) is hub.stage

    def same_types(written: str) -> bool:
        return read_types(flatten(written).text) == hub.types

    return _apply(text, template, values, today, {"stage": same_stage, "type": same_types})


def summary_counts(hubs: Sequence[Hub], unreadable_rows: int = 0) -> dict[str, int | None]:
    """Hubs per stage and per type (a hub of two types counts in both), and the total.

    A count that is not certain is None: every count when a registry row could not be
    read at all, the stage counts when a hub's stage is unknown, the type counts when a
    hub's type is. Uncertain counts are never written over the ones on the page.
    """
    stages_known = not unreadable_rows and all(h.stage is not Stage.UNKNOWN for h in hubs)
    types_known = not unreadable_rows and all(h.types for h in hubs)
    counts: dict[str, int | None] = {"total": None if unreadable_rows else len(hubs)}
    for stage in Stage:
        if stage is not Stage.UNKNOWN:
            counts[stage.value] = (sum(1 for h in hubs if h.stage is stage)
                                   if stages_known else None)
    for kind in HubType:
        counts[kind.value] = sum(1 for h in hubs if kind in h.types) if types_known else None
    return counts


def render_summary(text: str, hubs: Sequence[Hub], *, template: str = "Hubs summary",
                   last_change: str | None, today: date, unreadable_rows: int = 0) -> str:
    """``text`` with the summary template's counts brought up to date.

    A stage or type parameter is written when it has hubs or the call has it already (a
    count dropping to 0 is shown as 0). ``last_change`` is written when given. Raises
    ``TemplateMissing`` / ``TemplateAmbiguous`` as ``render_hub_status`` does.
    """
    code = mwparserfromhell.parse(text)
    tpl = find_template(code, template)
    values: list[tuple[str, str]] = []
    for name, count in summary_counts(hubs, unreadable_rows).items():
        if count is not None and (name == "total" or count or tpl.has(name)):
            values.append((name, str(count)))
    if last_change is not None:
        values.append(("last_change", last_change))
    return _apply(text, template, values, today)
