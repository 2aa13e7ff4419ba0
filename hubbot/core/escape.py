"""Make a value safe to write into wikitext: a template parameter or a line of a page.

Values come from pages editors wrote (titles, statuses, change descriptions). Written
back unescaped, a ``|`` would split a cell, ``}}`` would close a template, ``[[Category:``
would categorise the page, ``~~~~`` would sign it and ``<script>`` or ``</pre>`` would
break out of wherever the value sits. Each such character is written as an HTML entity,
which reads the same to a reader and means nothing to the parser. Newlines become spaces:
cells and parameters hubbot writes are one line; control characters are dropped.
"""

from __future__ import annotations

import re
from html.entities import html5

__all__ = ["ENTITIES", "escape_param", "escape_pre", "unescape"]

# The one table: every character that could act in wikitext, and the entity that shows it
# without acting. ``escape_param`` writes the structural ones always and the others where
# they would act; ``escape_pre`` (a diff inside <pre>) writes all of them.
ENTITIES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "[": "&#91;",
    "]": "&#93;", "|": "&#124;", "~": "&#126;", "'": "&#39;", "_": "&#95;",
}
_ALWAYS = {ch: ENTITIES[ch] for ch in "|{}[]<>~"}
_AMP_ENTITY = re.compile(r"&(?=#?\w+;)")
_MAGIC = re.compile(r"__([A-Z]+)__")
_QUOTES = re.compile(r"'(?=')")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escape(value: str) -> str:
    text = " ".join(value.replace("\r", "\n").split("\n"))
    text = _CONTROL.sub("", text)  # MediaWiki cannot store them anyway
    text = _AMP_ENTITY.sub(ENTITIES["&"], text)  # "&nbsp;" in a value stays literal text
    text = "".join(_ALWAYS.get(ch, ch) for ch in text)
    text = _QUOTES.sub(ENTITIES["'"], text).replace("://", "&#58;//")  # bold, URLs
    return _MAGIC.sub(ENTITIES["_"] + r"_\1__", text)  # __NOTOC__ and friends


def escape_param(value: str) -> str:
    """``value`` as a named template parameter's value."""
    return _escape(value)


def escape_pre(text: str) -> str:
    """Text made inert for a ``<pre>`` block (a diff on a review page): no tag
    (``</pre>``, ``<script>``), template, link, signature or magic word survives; it reads
    the same rendered. Newlines stay."""
    return "".join(ENTITIES.get(ch, ch) for ch in text)


# A character reference as MediaWiki's Sanitizer reads one (``CHAR_REFS_REGEX``): named,
# decimal or hexadecimal, always with its semicolon.
_REFERENCE = re.compile(r"&(?:([A-Za-z0-9\x80-\U0010ffff]+;)|#([0-9]+);|#[xX]([0-9A-Fa-f]+);)")
_MW_ALIASES = {"\u05e8\u05dc\u05de;": "rlm;", "\u0631\u0644\u0645;": "rlm;"}  # Sanitizer's own


def _shown(codepoint: int) -> bool:
    """A code point MediaWiki shows for a numeric reference (``validateCodepoint``)."""
    return codepoint in (0x09, 0x0A) or 0x20 <= codepoint <= 0x7E or \
        0xA0 <= codepoint <= 0xD7FF or 0xE000 <= codepoint <= 0xFFFD or \
        0x10000 <= codepoint <= 0x10FFFF


def unescape(value: str) -> str:
    """What MediaWiki shows for ``value``'s character references, which undoes
    ``escape_param`` (newlines come back as spaces) and is how the reader reads them
    (``read.cells``): a name HTML5 defines and a number of a character it may show, each
    with its semicolon; anything else ("&#65" without one, "&#0;", "&nosuch;") shows as
    written."""
    def one(match: re.Match[str]) -> str:
        name, decimal, hexadecimal = match.groups()
        if name is not None:
            return html5.get(_MW_ALIASES.get(name, name), match.group())
        codepoint = int(decimal) if decimal is not None else int(hexadecimal, 16)
        return chr(codepoint) if _shown(codepoint) else match.group()
    return _REFERENCE.sub(one, value)
