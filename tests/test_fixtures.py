"""Golden fixtures: each tests/fixtures/<case>/ holds page.wikitext, the records expected
from it (expected.json, written by hand), and, where the bot would change the page, the
page it must write (expected.wikitext)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubbot.core.codec import event_to_json, hub_to_json, interview_to_json
from hubbot.core.parse import parse_page
from hubbot.core.render import RenderRefused, render_page

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "page.wikitext").is_file())


def load(case: Path):
    text = (case / "page.wikitext").read_text(encoding="utf-8")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    parsed = parse_page(text, expected["page"], context_year=expected.get("context_year"))
    return text, expected, parsed


def test_there_are_enough_fixtures():
    assert len(CASES) >= 12


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
        assert [_subset(g, w) for g, w in zip(got, want, strict=False)] == want, key
        assert len(got) == len(want), key
    want_problems = [(p["table"], p["row"], p["reason"]) for p in expected.get("problems", [])]
    got_problems = [(p.table, p.row, p.reason) for p in parsed.problems]
    assert len(got_problems) == len(want_problems), got_problems
    for (gt, gr, greason), (wt, wr, wreason) in zip(sorted(got_problems, key=str),
                                                    sorted(want_problems, key=str),
                                                    strict=True):
        assert (gt, gr) == (wt, wr) and greason.startswith(wreason), (greason, wreason)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_render_matches_golden_output(case):
    text, _, parsed = load(case)
    golden = case / "expected.wikitext"
    if parsed.region_errors:
        assert not golden.exists()
        with pytest.raises(RenderRefused):
            render_page(parsed)
        return
    out, _ = render_page(parsed)
    want = golden.read_text(encoding="utf-8") if golden.exists() else text
    assert out == want


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_render_is_idempotent_and_keeps_records(case):
    text, expected, parsed = load(case)
    if parsed.region_errors:
        return
    out, _ = render_page(parsed)
    again = parse_page(out, expected["page"], context_year=expected.get("context_year"))
    assert render_page(again)[0] == out
    assert sorted(e.key for e in again.events) == sorted(e.key for e in parsed.events)
    assert set(again.events) == set(parsed.events)
    assert set(again.hubs) == set(parsed.hubs)
    assert len(again.problems) == len(parsed.problems)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bytes_outside_regions_are_untouched(case):
    text, _, parsed = load(case)
    if parsed.region_errors or not parsed.regions:
        return
    out, _ = render_page(parsed)
    first = min(r.inner_start for r in parsed.regions.values())
    last = max(r.inner_end for r in parsed.regions.values())
    tail = len(text) - last
    assert out[:first] == text[:first]
    assert out[len(out) - tail:] == text[last:]
