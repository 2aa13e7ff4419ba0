"""Where wiki table syntax does not count: comments, ``<nowiki>``/``<pre>``-like tags and
template calls (their ``|`` and ``|}`` belong to them). Found in one linear pass; the
table scanner (``_scan``) asks ``covers`` and ``end_of`` by offset.

``{{!}}`` is not masked: it is the magic word for ``|``, expanded before MediaWiki reads
tables, so the scanner reads it as table syntax (``{{!}}-``, ``{{!}}{{!}}``)."""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["PIPE", "Mask"]

PIPE = "{{!}}"  # the magic word MediaWiki expands to "|" before it reads tables
_OPAQUE_TAGS = "nowiki|pre|syntaxhighlight|source|math|score|templatedata|graph"
_TOKEN = re.compile(
    r"<!--|\{\{|\}\}|<(" + _OPAQUE_TAGS + r")\b[^>]*?(/?)>",
    re.IGNORECASE,
)


class Mask:
    """Spans of ``text`` in which wiki table syntax is not recognised."""

    def __init__(self, text: str) -> None:
        spans: list[tuple[int, int]] = []
        depth = 0
        tpl_start = 0
        pos = 0
        n = len(text)
        while pos < n:
            m = _TOKEN.search(text, pos)
            if m is None:
                break
            tok = m.group(0)
            if tok == "<!--":
                end = text.find("-->", m.end())
                end = n if end < 0 else end + 3
                if depth == 0:
                    spans.append((m.start(), end))
                pos = end
            elif tok == "{{":
                if depth == 0:
                    tpl_start = m.start()
                depth += 1
                pos = m.end()
            elif tok == "}}":
                if depth > 0:
                    depth -= 1
                    if depth == 0 and not (m.end() - tpl_start == 5
                                           and text.startswith(PIPE, tpl_start)):
                        spans.append((tpl_start, m.end()))
                pos = m.end()
            else:  # an opaque tag
                if m.group(2):  # self-closing
                    pos = m.end()
                    continue
                close = re.compile(r"</" + re.escape(m.group(1)) + r"\s*>", re.IGNORECASE)
                cm = close.search(text, m.end())
                if cm is None:  # unclosed: MediaWiki shows it literally
                    pos = m.end()
                    continue
                if depth == 0:
                    spans.append((m.start(), cm.end()))
                pos = cm.end()
        # An unclosed "{{" is literal text for MediaWiki: it masks nothing.
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def covers(self, pos: int) -> bool:
        """True if ``pos`` lies inside a masked span."""
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def clear(self, start: int, end: int) -> bool:
        """True if no offset from ``start`` up to (not including) ``end`` is masked."""
        i = bisect_right(self.starts, end - 1) - 1
        return i < 0 or self.ends[i] <= start or end <= start

    def end_of(self, pos: int) -> int:
        """End of the masked span covering ``pos`` (``pos`` itself if none)."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.ends[i]:
            return self.ends[i]
        return pos
