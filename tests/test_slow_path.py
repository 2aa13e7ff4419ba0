"""The fast path (hubbot.core.read's line scanner) against the slow path (a whole-page
mwparserfromhell parse): for every data row both find, the cells are byte-identical.

mwparserfromhell attaches a row's trailing newline and any comment lines after the last
cell to that cell; hubbot gives those lines to the row that follows (so they move with
it). The comparison strips exactly that trailing whitespace and those comments.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.core.read import find_tables

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from pages import events_page, hubs_page  # noqa: E402

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*/page.wikitext"))
_TRAILING = re.compile(r"(?:\s*<!--.*?-->)*\s*$", re.DOTALL)


def _norm(cell: str) -> str:
    return _TRAILING.sub("", cell)


def slow_rows(text: str) -> list[list[str]]:
    rows = []
    for table in mwparserfromhell.parse(text).filter_tags(
            matches=lambda n: n.tag == "table", recursive=False):
        for tr in table.contents.filter_tags(matches=lambda n: n.tag == "tr",
                                             recursive=False):
            cells = tr.contents.filter_tags(matches=lambda n: n.tag == "td", recursive=False)
            if cells:
                rows.append([_norm(str(c.contents)) for c in cells])
    return rows


def fast_rows(text: str) -> list[list[str]]:
    return [[_norm(text[c.start:c.end]) for c in row.cells]
            for table in find_tables(text) for row in table.rows
            if row.cells and not row.is_header]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.parent.name for p in FIXTURES])
def test_fixture_cells_agree_with_mwparserfromhell(path):
    text = as_both_read(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
    assert fast_rows(text) == slow_rows(text)


def as_both_read(text: str) -> str:
    """``text`` without the forms on which mwparserfromhell and MediaWiki disagree.

    There MediaWiki decides (the oracle in tests/integration/test_oracle.py); here both
    readers get text without those forms: Translate removes "<tvar|x>...</>" and
    "<tvar name=x>...</tvar>" before MediaWiki parses the page (mwparserfromhell reads a
    tvar in a link target as a cell break) and its "<translate>" tags (mwparserfromhell
    reads a table inside one as the tag's text, no table), and MediaWiki drops comments
    before it reads "{|" (mwparserfromhell does not). MediaWiki expands the magic word
    "{{!}}" to "|" before it reads tables (mwparserfromhell keeps it a template); data
    cells right after the header row without "|-" are rendered in the header's row, which
    hubbot reads as a row of its own (``Row.joined``): both readers get the "|-"."""
    text = re.sub(r"<tvar\|[^>]*>|</>|<tvar\s+name\s*=[^>]*>|</tvar>", "", text)
    text = re.sub(r"<translate(?:\s[^>]*)?>|</translate>", "", text)
    text = re.sub(r"^(!.*\n)(?=\|(?![-}+]))", r"\1|-\n", text.replace("{{!}}", "|"),
                  flags=re.MULTILINE)
    return re.sub(r"<!--[^\n]*?-->(?=\{\|)", "", text)


@pytest.mark.parametrize("page", [events_page(300), hubs_page(100)])
def test_benchmark_pages_agree(page):
    page = as_both_read(page)
    assert fast_rows(page) == slow_rows(page)
    assert len(fast_rows(page)) in (300, 100)


CELL = st.sampled_from(["27 November 2021", "[[A|b]]", "{{t|x}}", "<ref>r</ref>", "text",
                        "<!-- c -->", "''i''", "[http://e.org e]", "a"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.lists(CELL, min_size=1, max_size=3).map(" ".join),
                         min_size=1, max_size=4), max_size=6))
def test_generated_tables_agree(rows):
    text = "{| class=\"wikitable\"\n! Date !! Event\n" + "".join(
        "|-\n| " + " || ".join(cells) + "\n" for cells in rows) + "|}\n"
    assert fast_rows(text) == slow_rows(text)
