"""What a reader sees of a piece of wikitext: its visible text and its links.

Meta-Wiki's translatable pages wrap what matters in markup that shows nothing of its own:
Translate's ``<translate>``, ``<!--T:n-->``, ``<languages/>`` and both ``<tvar>`` forms,
display templates (``{{nowrap}}``, ``{{Sort}}``, ``{{dts}}``, ``{{date}}``), the link
template ``{{ll}}``, ``<span>`` wrappers, ``&nbsp;``, and invisible direction marks. This
module sees through all of it, the way MediaWiki (with Translate) renders a source page:

- ``flatten(wikitext)`` gives a ``Flat``: ``text`` (what a record is made of: templates we
  do not interpret and nested tables left out), ``shown`` (what MediaWiki shows, with
  U+FFFC standing for the output of a template we do not interpret) and ``links``.
- ``visible(text)`` normalizes a string the way both sides of a comparison must:
  NBSP as space, invisible characters removed, whitespace collapsed.

Pure: no I/O. mwparserfromhell reads the markup; cells without any markup skip it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)

from hubbot.core.escape import unescape
from hubbot.core.read._display import display_wikitext
from hubbot.core.records import Link

__all__ = ["LINK_CLOSE", "LINK_OPEN", "OPAQUE", "QUOTE_LIMIT", "TVAR_CLOSE", "TVAR_OPEN", "Flat",
           "flatten", "quote", "slow_flatten", "strip_translate", "title_without_trailing_links",
           "visible", "without_mylanguage"]

OPAQUE = "\ufffc"  # where the output of a template hubbot does not interpret stands

# Translate's markup, removed before reading (Translate itself removes it on render).
# Translate drops the newline after <translate> and before </translate>, and a marker
# with the space or newline after it ("(<!--T:10--> event page)" shows "(event page)").
# A ``<tvar>`` variable's opening tag (``<tvar name=x>``, or the old ``<tvar|x>``) and its
# closing one (``</tvar>``, or the old ``</>``): regular-expression sources.
TVAR_OPEN = r"<tvar\s+name\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)\s*>|<tvar\|[^>]*>"
TVAR_CLOSE = r"</tvar\s*>|</>"
_TRANSLATE = re.compile(
    TVAR_OPEN + "|" + TVAR_CLOSE
    + r"|<translate\s*>\n?|\n?</translate\s*>|<languages\s*/?>|<!--\s*T:\d+\s*-->[ \n]?",
    re.IGNORECASE,
)
# Zero-width and direction characters: part of the bytes, never of the text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_MARKUP = re.compile(r"[<{\[&'_]")

_SKIP_LINK_NS = re.compile(r"^\s*(?:file|image|category|media)\s*:", re.IGNORECASE)
_MYLANG = re.compile(r"^\s*:?\s*special\s*:\s*mylanguage\s*/", re.IGNORECASE)
_DROP_TAGS = frozenset({"ref", "references", "languages", "gallery", "templatedata",
                        "nowiki-drop"})
_CELL_TAGS = frozenset({"table", "tr", "td", "th", "caption"})
# Tags MediaWiki lets through (Sanitizer) or that an extension on Meta defines.
_HTML_TAGS = frozenset(
    "b bdi bdo del i ins u font big small sub sup h1 h2 h3 h4 h5 h6 cite code em s strike "
    "strong tt var div center blockquote ol ul dl table caption pre ruby rb rp rt rtc p span "
    "abbr dfn kbd samp data time mark br wbr hr li dt dd td th tr q nowiki math chem "
    "syntaxhighlight source poem score indicator section categorytree charinsert hiero "
    "inputbox graph mapframe maplink timeline translate tvar languages".split())

LINK_OPEN, LINK_CLOSE = "\x02", "\x03"  # brackets around link labels in ``Flat.marked``


def strip_translate(wikitext: str) -> str:
    """``wikitext`` as Translate renders a source page: its own markup removed."""
    return _TRANSLATE.sub("", wikitext) if "<" in wikitext else wikitext


def visible(text: str) -> str:
    """Normalized visible text: NBSP as a space, invisible characters removed,
    whitespace collapsed, stripped."""
    if not text.isascii():  # NBSP and the invisible characters are all beyond ASCII
        text = _INVISIBLE.sub("", text.replace("\u00a0", " "))
    return " ".join(text.split())


def without_mylanguage(target: str) -> str:
    """A link target without its ``Special:MyLanguage/`` prefix and leading colon."""
    return _MYLANG.sub("", target).lstrip(":").strip()


class Flat(NamedTuple):
    """The readings of one piece of wikitext (see the module docstring)."""

    text: str = ""
    shown: str = ""
    links: tuple[Link, ...] = ()
    marked: str = ""  # ``text`` with each link label between LINK_OPEN and LINK_CLOSE
    opaque: bool = False  # a template hubbot does not interpret is part of it


@dataclass
class _Out:
    text: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    opaque: bool = False

    def add(self, value: str, *, record: bool = True) -> None:
        self.shown.append(value)
        if record:
            self.text.append(value)
            self.marked.append(value)


def _walk(nodes: Iterable[object], out: _Out, *, record: bool = True) -> None:
    for node in nodes:
        if isinstance(node, Text):
            # a reference mwparserfromhell leaves as text ("&bigstar;") MediaWiki may show
            out.add(unescape(node.value) if "&" in node.value else node.value, record=record)
        elif isinstance(node, (Comment, Argument)):
            continue
        elif isinstance(node, Template):
            expanded = display_wikitext(node)
            if expanded is None:
                out.opaque = True
                out.shown.append(OPAQUE)
            else:
                _walk(mwparserfromhell.parse(expanded).nodes, out, record=record)
        elif isinstance(node, Wikilink):
            _walk_link(node, out, record=record)
        elif isinstance(node, ExternalLink):
            url = str(node.url).strip()
            inner = _Out()
            if node.title is not None:
                _walk(node.title.nodes, inner)
            label = "".join(inner.text) if node.title is not None else url
            out.shown.append(label)
            if record:
                out.text.append(label)
                out.marked.append(LINK_OPEN + label + LINK_CLOSE)
                out.links.append(Link(url, " ".join(label.split())))
        elif isinstance(node, Tag):
            _walk_tag(node, out, record=record)
        elif isinstance(node, HTMLEntity):
            out.add(unescape(str(node)), record=record)
        elif isinstance(node, Heading):
            _walk(node.title.nodes, out, record=record)
        else:
            out.add(str(node), record=record)


def _walk_link(node: Wikilink, out: _Out, *, record: bool) -> None:
    target = str(node.title).strip()
    if _SKIP_LINK_NS.match(target):
        return
    inner = _Out()
    if node.text is not None:
        _walk(node.text.nodes, inner)
        label = "".join(inner.text)
        shown = "".join(inner.shown)
    else:
        label = shown = without_mylanguage(target) if _MYLANG.match(target) \
            else target.lstrip(":")
    out.shown.append(shown)
    if record:
        out.text.append(label)
        out.marked.append(LINK_OPEN + label + LINK_CLOSE)
        out.links.append(Link(target, " ".join(label.split())))


def _walk_tag(node: Tag, out: _Out, *, record: bool) -> None:
    name = str(node.tag).strip().lower()
    if name in _DROP_TAGS:
        return
    if not node.wiki_markup and name not in _HTML_TAGS:
        out.add(str(node), record=record)  # MediaWiki escapes it: "<script>" shows as text
        return
    if name == "br":
        out.add(" ", record=record)
    elif name in _CELL_TAGS:
        # A table nested in a cell: MediaWiki shows it, but it is not the cell's value.
        out.shown.append(" ")
        if node.contents is not None:
            _walk(node.contents.nodes, out, record=False)
        out.shown.append(" ")
    elif node.contents is not None:
        _walk(node.contents.nodes, out, record=record)


_SIMPLE_LINK = re.compile(r"\[\[([^\[\]{}<>|&']*)(?:\|([^\[\]{}<>|&']*))?\]\]")


def _fast(cleaned: str) -> Flat | None:
    """Plain text with at most simple ``[[target|label]]`` links, read without the
    parser (most cells); None for anything else."""
    if "[[" not in cleaned:
        if _MARKUP.search(cleaned):
            return None
        plain = visible(cleaned)
        return Flat(plain, plain, (), cleaned)
    text: list[str] = []
    marked: list[str] = []
    links: list[Link] = []
    pos = 0
    for m in _SIMPLE_LINK.finditer(cleaned):
        gap = cleaned[pos:m.start()]
        if "]" in gap or _MARKUP.search(gap):
            return None
        whole, target, label = m.group(0, 1, 2)
        target = target.strip()
        if not target or "\n" in whole or _SKIP_LINK_NS.match(target):
            return None
        if label is None:
            label = without_mylanguage(target) if _MYLANG.match(target) else target.lstrip(":")
        text += (gap, label)
        marked += (gap, LINK_OPEN + label + LINK_CLOSE)
        links.append(Link(target, " ".join(label.split())))
        pos = m.end()
    gap = cleaned[pos:]
    if "]" in gap or _MARKUP.search(gap):
        return None
    text.append(gap)
    marked.append(gap)
    plain = visible("".join(text))
    return Flat(plain, plain, tuple(links), "".join(marked))


@lru_cache(maxsize=4096)
def flatten(wikitext: str) -> Flat:
    """Read ``wikitext`` as MediaWiki shows it. Never raises. Cached: a table's cells are
    read for their record, their visible text and their date, and pages repeat cells."""
    cleaned = strip_translate(wikitext)
    if "{|" not in cleaned:
        fast = _fast(cleaned)
        if fast is not None:
            return fast
    return slow_flatten(cleaned)


def slow_flatten(cleaned: str) -> Flat:
    """``flatten`` through mwparserfromhell, for text without Translate markup."""
    out = _Out()
    _walk(mwparserfromhell.parse(cleaned).nodes, out)
    return Flat(visible("".join(out.text)), visible("".join(out.shown)), tuple(out.links),
                "".join(out.marked), out.opaque)



# What must never reach an editor in a problem: the placeholder for opaque templates,
# private-use characters, control characters (link brackets of ``Flat.marked``).
_PLACEHOLDERS = re.compile("[\ufffc\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff"
                           "\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
QUOTE_LIMIT = 120


def quote(wikitext: str, limit: int = QUOTE_LIMIT) -> str:
    """What an editor wrote, for a problem or notice: the visible text where hubbot can
    read all of it, else the wikitext itself (without Translate's markup), on one line and
    shortened with an ellipsis; never a placeholder."""
    flat = flatten(wikitext)
    text = flat.shown
    if flat.opaque or OPAQUE in text:
        text = strip_translate(wikitext)
    text = " ".join(_PLACEHOLDERS.sub("", text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


_TRAILING_LINKS = re.compile(
    "\\(\\s*" + LINK_OPEN + "[^" + LINK_CLOSE + "]*" + LINK_CLOSE
    + "(?:\\s*[,;/·|]?\\s*(?:and\\s+)?" + LINK_OPEN + "[^" + LINK_CLOSE + "]*" + LINK_CLOSE
    + ")*\\s*\\)\\s*$"
)


def title_without_trailing_links(flat: Flat) -> str:
    """A cell's text without a trailing "(link, link)" group: "Hubs Dialogue (findings
    summary, other languages)" -> "Hubs Dialogue"."""
    if LINK_OPEN not in flat.marked and LINK_CLOSE not in flat.marked:
        return flat.text  # no link: its text (``marked`` is ``text`` before ``visible``)
    marked = flat.marked
    if not marked.isascii():
        marked = _INVISIBLE.sub("", marked.replace("\u00a0", " "))
    core = _TRAILING_LINKS.sub("", marked.rstrip())
    return visible(core.replace(LINK_OPEN, "").replace(LINK_CLOSE, ""))
