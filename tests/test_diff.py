"""The review's unified diff (``hubbot.core.textdiff.unified_diff``): applying it to the old
text gives the new text, for any edit; it reads like ``diff -u``; long tables with moved
rows are diffed in near-linear time (difflib alone is quadratic on them)."""

from __future__ import annotations

import difflib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.core.textdiff import _gap_blocks, unified_diff

HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n")


def patch(old: str, diff: str) -> str:
    """Apply a unified diff written by ``unified_diff`` to ``old``."""
    a = old.splitlines(keepends=True)
    lines = diff.splitlines(keepends=True)
    assert not lines or (lines[0].startswith("--- ") and lines[1].startswith("+++ "))
    out: list[str] = []
    pos = 0  # next line of a not yet copied
    k = 2
    while k < len(lines):
        m = HUNK.fullmatch(lines[k])
        assert m, lines[k]
        start = int(m[1]) - (0 if m[2] == "0" else 1)
        out += a[pos:start]
        pos = start
        k += 1
        while k < len(lines) and not lines[k].startswith("@@"):
            line = lines[k]
            no_newline = k + 1 < len(lines) and lines[k + 1] == "\\ No newline at end of file\n"
            body = line[1:-1] if no_newline else line[1:]
            if line[0] in " -":
                assert a[pos] == body
                pos += 1
            if line[0] in " +":
                out.append(body)
            k += 2 if no_newline else 1
    return "".join(out + a[pos:])


texts = st.lists(st.sampled_from(["|-\n", "| a\n", "| b\n", "| c\n", "x\n", "\n", "y"]),
                 max_size=40).map("".join)


@settings(max_examples=200)
@given(texts, texts)
def test_the_diff_turns_the_old_text_into_the_new(old: str, new: str) -> None:
    diff = unified_diff("Hubs", old, new, "r12")
    assert patch(old, diff) == new
    assert (diff == "") == (old == new)


def test_reads_like_diff_u() -> None:
    old = "".join(f"line {i}\n" for i in range(10))
    new = old.replace("line 5\n", "line five\n")
    expected = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                            fromfile="Hubs (r7)", tofile="Hubs (hubbot)"))
    assert unified_diff("Hubs", old, new, "r7") == expected
    assert unified_diff("Hubs", "a", "b").endswith("+b\n\\ No newline at end of file\n")


def test_a_long_table_with_moved_rows() -> None:
    rows = [f"|-\n| {i} May 2020 || Event {i}\n" for i in range(20000)]
    moved = rows[:]
    for k in range(0, 20000, 97):  # every 97th row moved to the end
        moved.append(moved.pop(k))
    old, new = "{|\n" + "".join(rows) + "|}\n", "{|\n" + "".join(moved) + "|}\n"
    diff = unified_diff("Hubs", old, new)
    assert patch(old, diff) == new
    changed = [line for line in diff.splitlines() if line[:1] in "+-"][2:]
    assert len(changed) <= 4 * 2 * (20000 // 97 + 1)  # each moved row out and in, no more


lines = st.lists(st.sampled_from(["|-\n", "| a\n", "| b\n", "| c\n", "x\n"]), max_size=30)


@settings(max_examples=200)
@given(lines, lines, st.data())
def test_a_gap_matches_as_difflib_matches_it(a: list[str], b: list[str], data: st.DataObject
                                            ) -> None:
    """A gap between anchors is matched without a ``SequenceMatcher`` per gap, but to the
    same blocks (so the diff reads the same as before): any sub-ranges of two texts."""
    alo = data.draw(st.integers(0, len(a)))
    ahi = data.draw(st.integers(alo, len(a)))
    blo = data.draw(st.integers(0, len(b)))
    bhi = data.draw(st.integers(blo, len(b)))
    expected = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi]).get_matching_blocks()
    assert sorted(_gap_blocks(a, b, alo, ahi, blo, bhi)) == sorted(
        (alo + i, blo + j, n) for i, j, n in expected if n)


def test_a_long_gap_is_left_to_difflib() -> None:
    """From 200 lines on, difflib treats frequent lines as junk: that gap is its own."""
    a = ["x\n"] + ["|-\n"] * 5
    b = ["|-\n"] * 250 + ["| a\n"]
    # "|-" is popular in b: difflib matches nothing (a longest match would be 5 lines)
    assert difflib.SequenceMatcher(None, a, b).get_matching_blocks() == [(6, 251, 0)]
    assert _gap_blocks(a, b, 0, len(a), 0, len(b)) == []
