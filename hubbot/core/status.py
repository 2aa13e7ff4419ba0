"""Status templates, edited in place: ``{{Hub status}}`` on a hub's page and the
``{{Hubs summary}}`` counts.

The page is parsed with mwparserfromhell and only the parameters hubbot owns are touched:
other parameters keep their order and spacing, every byte outside the call stays, and a
call whose owned values are already right comes back byte-identical (``updated`` only
moves when something else did, so there are no no-op edits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import mwparserfromhell
from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from hubbot.core.escape import escape_param
from hubbot.core.records import Hub, HubType, Stage
from hubbot.errors import TemplateError


class TemplateMissing(TemplateError):
    """The page has no call of the template."""

    def __init__(self, message: str) -> None:
        super().__init__("", message)


class TemplateAmbiguous(TemplateError):
    """The page calls the template more than once: hubbot will not guess which."""

    def __init__(self, message: str) -> None:
        super().__init__("", message)


def normalize_template_name(name: str) -> str:
    """MediaWiki's view of a template name: ``Template:`` prefix, underscores, spacing and
    the case of the first letter do not matter."""
    text = " ".join(name.replace("_", " ").split())
    text = re.sub(r"^(?:template|tl)\s*:\s*", "", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


def find_template(code: Wikicode, template: str) -> Template:
    """The one call of ``template`` in ``code``. Raises ``TemplateMissing`` or
    ``TemplateAmbiguous``."""
    want = normalize_template_name(template)
    calls = [t for t in code.filter_templates(recursive=True)
             if normalize_template_name(str(t.name)) == want]
    if not calls:
        raise TemplateMissing(f"no {{{{{template}}}}} on the page; not editing")
    if len(calls) > 1:
        raise TemplateAmbiguous(f"{{{{{template}}}}} appears {len(calls)} times; not "
                                "editing")
    return calls[0]


# leading space | the value | trailing space and comments ("pilot <!-- set by hubbot -->")
_WS = re.compile(r"^(\s*)(.*?)((?:\s*<!--.*?-->)*\s*)$", re.DOTALL)


def _set(tpl: Template, name: str, value: str) -> bool:
    """Set ``name`` to ``value`` unless equal already (ignoring case and spacing). True if
    the call changed. An existing parameter keeps its surrounding whitespace."""
    if tpl.has(name):
        param = tpl.get(name)
        lead, current, trail = _WS.match(str(param.value)).groups()  # type: ignore[union-attr]
        if current.casefold() == value.casefold():
            return False
        param.value = lead + escape_param(value) + trail
        return True
    # New parameters go before "updated", which reads best last.
    before = "updated" if name != "updated" and tpl.has("updated") else None
    tpl.add(name, escape_param(value), preserve_spacing=True, before=before)
    return True


def _apply(text: str, template: str, values: list[tuple[str, str]], today: date) -> str:
    code = mwparserfromhell.parse(text)
    tpl = find_template(code, template)
    changed = False
    for name, value in values:
        changed = _set(tpl, name, value) or changed
    if not changed:
        return text
    _set(tpl, "updated", today.isoformat())
    return str(code)


def hub_types_value(hub: Hub) -> str:
    return ", ".join(sorted(t.value for t in hub.types))


def render_hub_status(text: str, hub: Hub, *, template: str = "Hub status",
                      today: date) -> str:
    """``text`` with the hub's status template showing ``hub``'s stage and type.

    Raises ``TemplateMissing`` / ``TemplateAmbiguous`` when the page has no call or more
    than one.
    """
    values = []
    if hub.stage is not Stage.UNKNOWN:  # never replace a human's value with a worse one
        values.append(("stage", hub.stage.value))
    if hub.types:
        values.append(("type", hub_types_value(hub)))
    return _apply(text, template, values, today)


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
