"""The unified diff of two versions of a page's text, as ``diff -u`` writes it: what a dry
run, an interactive run and an on-wiki review show. Pure; near-linear on long tables with
moved rows, where difflib alone is quadratic."""

from __future__ import annotations

import bisect
import difflib

__all__ = ["unified_diff"]


def unified_diff(title: str, old: str, new: str, revision: str | None = None, *,
                 labels: tuple[str, str] | None = None) -> str:
    """A unified diff of a page's text ("" when equal), labelled with the page and its
    base revision, or with ``labels`` (the old and the new side)."""
    old_label, new_label = labels or (f"{title} ({revision})" if revision else title,
                                      f"{title} (hubbot)")
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    # Every line ends with "\n" (a line holds at most one, at its end): a run of lines
    # is written with one join; else line by line, each line without one marked.
    whole = old.count("\n") == len(a) and new.count("\n") == len(b)
    out: list[str] = []
    for group in _Matcher(a, b).get_grouped_opcodes(3):
        if not out:
            out += [f"--- {old_label}\n", f"+++ {new_label}\n"]
        (_, i1, _, j1, _), (_, _, i2, _, j2) = group[0], group[-1]
        out.append(f"@@ -{_hunk_range(i1, i2)} +{_hunk_range(j1, j2)} @@\n")
        for tag, i1, i2, j1, j2 in group:
            for sign, lines in ((" ", a[i1:i2]),) if tag == "equal" else \
                    (("-", a[i1:i2]), ("+", b[j1:j2])):
                if whole:
                    if lines:
                        out.append(sign + sign.join(lines))
                else:
                    out += (sign + _ended(line) for line in lines)
    return "".join(out)


def _ended(line: str) -> str:
    """A diff line as ``diff -u`` writes it: one without a newline is marked."""
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _hunk_range(start: int, stop: int) -> str:
    """A hunk header's range, as ``diff -u`` writes it (difflib's rule)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


class _Matcher(difflib.SequenceMatcher):
    """difflib's opcodes over matching blocks found the patience way: lines that occur
    once in both texts anchor the match (their longest increasing run), equal lines next
    to anchors extend it, and difflib's own matcher only fills the gaps between anchors.
    difflib alone is quadratic on long tables, whose ``|-`` lines it treats as junk."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        # Not ``super().__init__``: it indexes every line of ``b`` for difflib's own
        # matcher, which ``get_matching_blocks`` below replaces.
        self.a, self.b = a, b
        self.matching_blocks = self.opcodes = None

    def get_matching_blocks(self) -> list[tuple[int, int, int]]:  # type: ignore[override]
        if self.matching_blocks is None:
            found = sorted(_blocks(self.a, self.b))
            merged: list[tuple[int, int, int]] = []
            for i, j, k in found:
                if merged and merged[-1][0] + merged[-1][2] == i and \
                        merged[-1][1] + merged[-1][2] == j:
                    merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + k)
                elif k:
                    merged.append((i, j, k))
            merged.append((len(self.a), len(self.b), 0))
            self.matching_blocks = merged  # type: ignore[assignment]
        return self.matching_blocks  # type: ignore[return-value]


_GAP_CELLS = 2500  # difflib fills a gap without anchors up to 50 x 50 lines (it is quadratic)


def _blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Matching blocks (i, j, size) of ``a`` and ``b``, in no particular order."""
    out: list[tuple[int, int, int]] = []
    todo = [(0, len(a), 0, len(b))]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        k = 0  # equal lines at the start and at the end
        while alo + k < ahi and blo + k < bhi and a[alo + k] == b[blo + k]:
            k += 1
        if k:
            out.append((alo, blo, k))
            alo, blo = alo + k, blo + k
        k = 0
        while alo < ahi - k and blo < bhi - k and a[ahi - k - 1] == b[bhi - k - 1]:
            k += 1
        if k:
            out.append((ahi - k, bhi - k, k))
            ahi, bhi = ahi - k, bhi - k
        if alo == ahi or blo == bhi:
            continue
        if ahi - alo == 1 and bhi - blo == 1:
            continue  # one line for another (the ends above would have matched them)
        anchors = _anchors(a, b, alo, ahi, blo, bhi)
        if anchors is None:  # no line in common
            continue
        if not anchors:
            if (ahi - alo) * (bhi - blo) > _GAP_CELLS:
                continue  # only repeated lines (|-) in common: shown as replaced
            out += _gap_blocks(a, b, alo, ahi, blo, bhi)
            continue
        prev_i, prev_j = alo, blo
        for i, j in anchors:
            out.append((i, j, 1))
            todo.append((prev_i, i, prev_j, j))
            prev_i, prev_j = i + 1, j + 1
        todo.append((prev_i, ahi, prev_j, bhi))
    return out


def _gap_blocks(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int
                ) -> list[tuple[int, int, int]]:
    """difflib's matching blocks of a small gap, found as ``SequenceMatcher(None,
    a[alo:ahi], b[blo:bhi]).get_matching_blocks()`` finds them (the longest match first,
    the earliest of equal ones, then each side of it), without building a matcher for
    each of the thousands of gaps a long table's diff has. A side of 200 lines or more is
    left to difflib itself (its "popular lines" rule starts there)."""
    if bhi - blo >= 200:
        sm = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
        return [(alo + i, blo + j, n) for i, j, n in sm.get_matching_blocks() if n]
    b2j: dict[str, list[int]] = {}
    for j in range(blo, bhi):
        b2j.setdefault(b[j], []).append(j)
    out: list[tuple[int, int, int]] = []
    todo = [(alo, ahi, blo, bhi)]
    while todo:
        lo_a, hi_a, lo_b, hi_b = todo.pop()
        best_i, best_j, best = lo_a, lo_b, 0
        ends: dict[int, int] = {}  # j -> length of the match ending at (i - 1, j)
        for i in range(lo_a, hi_a):
            here: dict[int, int] = {}
            for j in b2j.get(a[i], ()):
                if j < lo_b:
                    continue
                if j >= hi_b:
                    break
                k = here[j] = ends.get(j - 1, 0) + 1
                if k > best:
                    best_i, best_j, best = i - k + 1, j - k + 1, k
            ends = here
        if best:
            out.append((best_i, best_j, best))
            if lo_a < best_i and lo_b < best_j:
                todo.append((lo_a, best_i, lo_b, best_j))
            if best_i + best < hi_a and best_j + best < hi_b:
                todo.append((best_i + best, hi_a, best_j + best, hi_b))
    return out


def _anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int
             ) -> list[tuple[int, int]] | None:
    """Lines that occur exactly once in ``a[alo:ahi]`` and in ``b[blo:bhi]``, as (i, j)
    pairs: the longest run increasing in both (None: the ranges have no line in common)."""
    seen: dict[str, int] = {}
    for i in range(alo, ahi):
        seen[a[i]] = -1 if a[i] in seen else i
    in_b: dict[str, int] = {}
    common = False
    for j in range(blo, bhi):
        line = b[j]
        i = seen.get(line)
        if i is not None:
            common = True
            if i >= 0:
                in_b[line] = -1 if line in in_b else j
    if not common:
        return None
    pairs = sorted((seen[line], j) for line, j in in_b.items() if j >= 0)
    # Longest increasing subsequence of the j's (patience sorting, with back links).
    tails: list[int] = []  # j of the smallest tail of each run length
    tail_at: list[int] = []  # index into pairs of that tail
    back = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        back[n] = tail_at[k - 1] if k else -1
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k], tail_at[k] = j, n
    run: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        run.append(pairs[n])
        n = back[n]
    return run[::-1]
