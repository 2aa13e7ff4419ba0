"""The display and link templates Meta uses around dates and links, and what each shows.

``{{nowrap|X}}`` shows X; ``{{Sort|key|X}}`` shows X (the key if X is missing);
``{{dts|2022|3|12}}`` and ``{{date|2022-03-12}}`` show "12 March 2022"; ``{{ll|Page|label}}``
is ``[[Special:MyLanguage/Page|label]]``; the magic word ``{{!}}`` shows "|". Any other template is opaque: hubbot does not
guess what it shows. The integration tests install the same definitions on the local
MediaWiki and compare renderings.
"""

from __future__ import annotations

import re
from datetime import date

from mwparserfromhell.nodes import Template

from hubbot.core.dates import MONTHS, format_date
from hubbot.core.records import DateSpan
from hubbot.core.templates import normalize_template_name

__all__ = ["display_wikitext"]


def _param(tpl: Template, name: str) -> str | None:
    return str(tpl.get(name).value) if tpl.has(name) else None


def _dmy(d: date) -> str:
    """"12 March 2022": the day as ``dates.format_date`` writes it (dmy)."""
    return format_date(DateSpan(d))


def _date_param(value: str) -> str:
    """``{{date|2022-03-12}}`` shows "12 March 2022"; anything else as written."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", value)
    if m:
        try:
            return _dmy(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            pass
    return value


def _dts(tpl: Template) -> str | None:
    """``{{dts|2022|3|12}}`` / ``{{dts|2022-03-12}}``: "12 March 2022"."""
    parts = [(_param(tpl, str(i)) or "").strip() for i in (1, 2, 3)]
    if parts[0] and not parts[1]:
        return _date_param(parts[0])
    if not parts[0].isdigit():
        return None
    year = int(parts[0])
    month_text = parts[1]
    month = (int(month_text) if month_text.isdigit() else
             next((i for i, name in enumerate(MONTHS, 1)
                   if name.casefold().startswith(month_text.casefold()[:3])), 0)
             if month_text else 0)
    if not 1 <= month <= 12:
        return str(year)
    if not parts[2]:
        return f"{MONTHS[month - 1]} {year}"
    try:
        return _dmy(date(year, month, int(parts[2])))
    except ValueError:
        return None


def display_wikitext(tpl: Template) -> str | None:
    """The wikitext a display or link template stands for, None if not interpreted."""
    name = normalize_template_name(str(tpl.name)).casefold()
    if name == "!" and not tpl.params:  # the magic word for "|"
        return "&#124;"
    if name in ("nowrap", "nobr", "no wrap"):
        return _param(tpl, "1") or ""
    if name == "sort":
        shown = _param(tpl, "2")
        return shown if shown is not None else (_param(tpl, "1") or "")
    if name == "dts":
        return _dts(tpl)
    if name == "date":
        value = _param(tpl, "1")
        return None if value is None else _date_param(value)
    if name in ("ll", "langlink", "tl-ml"):
        page = (_param(tpl, "1") or "").strip()
        label = _param(tpl, "2")
        if not page:
            return None
        return f"[[Special:MyLanguage/{page}|{label if label is not None else page}]]"
    return None
