"""Golden fixtures: each tests/fixtures/<case>/ holds page.wikitext, the records expected
from it (expected.json, written by hand), and, where the bot would change the page, the
page it must write (expected.wikitext). The same cases are rendered through the real
MediaWiki in tests/integration/test_oracle.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hubbot.core.codec import event_to_json, hub_to_json, interview_to_json
from hubbot.core.read import RowKind, parse_page
from hubbot.core.write import render_page
from hubbot.errors import RegionError

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def load(case: Path):
    raw = (case / "page.wikitext").read_bytes()
    text = raw.decode("utf-8")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    parsed = parse_page(text, expected["page"], context_year=expected.get("context_year"))
    return text, expected, parsed


def test_every_fixture_folder_is_complete():
    assert len(CASES) >= 12
    for case in CASES:
        assert (case / "page.wikitext").is_file(), case
        assert (case / "expected.json").is_file(), case


def _subset(actual: dict, expected: dict) -> dict:
    return {k: actual.get(k) for k in expected}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_records_match_expected_json(case):
    _, expected, parsed = load(case)
    for key, convert, records in (("events", event_to_json, parsed.events),
                                  ("hubs", hub_to_json, parsed.hubs),
                                  ("interviews", interview_to_json, parsed.interviews)):
        want = expected.get(key, [])
        got = [convert(r) for r in records]
        assert len(got) == len(want), (key, got)
        assert [_subset(g, w) for g, w in zip(got, want, strict=True)] == want, key
    want_problems = sorted((p["table"], p["row"] if p["row"] is not None else -1,
                            p["reason"].casefold()) for p in expected.get("problems", []))
    got_problems = sorted((p.table, p.row if p.row is not None else -1, p.reason.casefold())
                          for p in parsed.problems)
    assert len(got_problems) == len(want_problems), [str(p) for p in parsed.problems]
    unmatched = list(got_problems)
    for table, row, reason in want_problems:
        match = next((g for g in unmatched if g[:2] == (table, row) and reason in g[2]), None)
        assert match is not None, ((table, row, reason), [str(p) for p in parsed.problems])
        unmatched.remove(match)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_notices_match_expected_json(case):
    """Notices (severity NOTICE: read, repaired or left as written on purpose, listed,
    never a failure: a date or a table kept so a translation unit does not change, an
    extra cell, a repaired header row) are listed, row by row, as the fixture says."""
    _, expected, parsed = load(case)
    want = sorted((n["table"], n["row"] if n["row"] is not None else -1, n["reason"])
                  for n in expected.get("notices", []))
    got = sorted((n.table, n.row if n.row is not None else -1, n.reason)
                 for n in parsed.notices)
    assert len(got) == len(want), [str(n) for n in parsed.notices]
    for (table, row, reason), (g_table, g_row, g_reason) in zip(want, got, strict=True):
        assert (table, row) == (g_table, g_row) and reason in g_reason, \
            [str(n) for n in parsed.notices]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_rendered_row_is_accounted_for(case):
    """Rows = header/section rows + records + problem rows; every problem with a row
    number names a rendered row of its table."""
    _, _, parsed = load(case)
    for pt in parsed.tables:
        accounts = pt.accounting()
        numbers = [r.number for r in pt.rows
                   if r.kind is not RowKind.EMPTY and not r.row.joined]
        assert numbers == list(range(1, len(accounts) + 1))
        records = sum(1 for r in pt.rows if r.record is not None)
        assert records == sum(1 for a in accounts if a.kind == "record")
        for r in pt.rows:
            assert (r.kind is RowKind.PROBLEM) == (r.kind in (RowKind.RECORD,
                                                              RowKind.PROBLEM)
                                                   and r.record is None)
            if r.kind is RowKind.PROBLEM:
                assert r.problems, r
    for p in parsed.problems:
        if p.row is not None:
            assert any(t.kind == p.table and any(r.number == p.row for r in t.rows)
                       for t in parsed.tables), str(p)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_render_matches_golden_output(case):
    text, _, parsed = load(case)
    golden = case / "expected.wikitext"
    if parsed.region_errors:
        assert not golden.exists()
        with pytest.raises(RegionError):
            render_page(parsed)
        return
    out = render_page(parsed)
    want = golden.read_bytes().decode("utf-8") if golden.exists() else text
    assert out == want


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_render_is_idempotent_and_keeps_records(case):
    text, expected, parsed = load(case)
    if parsed.region_errors:
        return  # never written: test_render_matches_golden_output checks the refusal
    out = render_page(parsed)
    again = parse_page(out, expected["page"], context_year=expected.get("context_year"))
    assert render_page(again) == out
    assert sorted(e.key for e in again.events) == sorted(e.key for e in parsed.events)
    assert set(again.events) == set(parsed.events)
    assert set(again.hubs) == set(parsed.hubs)
    assert sorted((p.table, p.reason) for p in again.problems if p.row is not None) == \
        sorted((p.table, p.reason) for p in parsed.problems if p.row is not None)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bytes_outside_regions_are_untouched(case):
    text, _, parsed = load(case)
    if parsed.region_errors:
        return  # never written
    if not parsed.regions:
        assert render_page(parsed) == text
        return
    out = render_page(parsed)
    first = min(r.inner_start for r in parsed.regions.values())
    last = max(r.inner_end for r in parsed.regions.values())
    tail = len(text) - last
    assert out[:first] == text[:first]
    assert out[len(out) - tail:] == text[last:]


_PLACEHOLDER = re.compile("[\ufffc\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff"
                          "\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def test_no_problem_quotes_a_placeholder():
    """Every problem and notice from the whole corpus quotes what the editor wrote: no
    object replacement character (hubbot's stand-in for an opaque template), no
    private-use or control character, in its text, reason or detail."""
    found = []
    for case in CASES:
        _, _, parsed = load(case)
        for p in [*parsed.problems, *getattr(parsed, "notices", [])]:
            for value in (p.text, p.reason, p.detail, str(p)):
                if _PLACEHOLDER.search(value):
                    found.append((case.name, str(p)))
    assert not found, found
    assert any("{{Partial|Pilot}}" in p.reason for case in CASES
               for p in load(case)[2].problems)
