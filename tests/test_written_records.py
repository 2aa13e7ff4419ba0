"""The records a real run saves in the state are those of the text it writes. They are told
from the first parse and the planned edits (``write.written_records``) rather than by
reading the written text again; here both ways are compared on the fixture corpus and the
pagesets (every date style and sort, each with Translate edits kept and allowed), and on
the benchmark pages and the reference workload's pages when ``../shared/bench`` is beside
the repository (large pages: each option set once, in a covering design)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from hubbot.app.plan import _as_state, records_of
from hubbot.core.read import parse_page
from hubbot.core.records import Kind
from hubbot.core.write import render_page, written_records
from hubbot.errors import PageError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import pages as bench_pages  # noqa: E402  (bench/pages.py)

FIXTURES = sorted(p / "page.wikitext" for p in (ROOT / "tests" / "fixtures").iterdir()
                  if (p / "page.wikitext").is_file())
PAGESETS = sorted((ROOT / "tests" / "pagesets").rglob("*.wikitext"))
SORTS, DATES = ("oldest", "newest", "none"), ("dmy", "mdy", "iso", "keep")
OPTIONS = [None, *({Kind.EVENTS: {"sort": s, "dates": d}} for s in SORTS for d in DATES)]
# Every option set with both Translate settings (the corpus: small pages, where each pair
# is its own case) ...
PRODUCT = [(options, allow) for options in OPTIONS for allow in (False, True)]
# ... and a covering design for the large pages: each option set once, with one Translate
# setting, alternating over the sort x dates grid so that every sort and every date style
# goes with both. 13 writes instead of 26, and no option value, Translate setting, or
# pair of them left out. (The page's own options are the built-in oldest/dmy on these
# pages, so that pair gets both settings too.)
COVERING = [(None, False),
            *(({Kind.EVENTS: {"sort": s, "dates": d}}, (i + j) % 2 == 0)
              for i, s in enumerate(SORTS) for j, d in enumerate(DATES))]
# found as bench/processes.py finds it: $HUBBOT_REFERENCE_BENCH, or ../shared/bench
REFERENCE = next((d / "gen_pages.py" for d in (
    Path(os.environ["HUBBOT_REFERENCE_BENCH"]) if os.environ.get("HUBBOT_REFERENCE_BENCH")
    else None, ROOT.parent / "shared" / "bench") if d and (d / "gen_pages.py").is_file()),
    None)


def compare(text: str, title: str = "Hubs", context_year: int | None = None,
            settings: Sequence[tuple[dict | None, bool]] = PRODUCT) -> int:
    """Compare both ways for each option set and Translate setting in ``settings``; the
    number of writes whose records were told without reading the new text."""
    told = 0
    for options, allow in settings:
        parsed = parse_page(text, title, context_year=context_year,
                            allow_unit_changes=allow, default_options=options)
        try:
            new = render_page(parsed)
        except PageError:
            continue
        if new == text:
            continue
        written = written_records(parsed)
        if written is None:
            continue
        again = parse_page(new, title, context_year=context_year,
                           allow_unit_changes=allow, default_options=options)
        assert _as_state(written) == records_of(again), (options, allow)
        told += 1
    return told


@functools.cache
def compare_fixture(path: Path) -> int:
    """``compare`` on a corpus page, done once per run (two tests ask)."""
    return compare(path.read_bytes().decode("utf-8"), context_year=_context_year(path))


def _context_year(path: Path) -> int | None:
    expected = path.parent / "expected.json"
    if not expected.is_file():
        return None
    return json.loads(expected.read_text(encoding="utf-8")).get("context_year")


@pytest.mark.parametrize("path", FIXTURES + PAGESETS,
                         ids=[str(p.relative_to(ROOT / "tests")) for p in FIXTURES + PAGESETS])
def test_written_records_are_those_of_the_written_text(path):
    compare_fixture(path)


def test_the_corpus_tells_most_writes_without_reading_again():
    told = sum(compare_fixture(p) for p in FIXTURES)
    assert told >= 100


def test_the_covering_design_covers_every_pair():
    pairs = {(o[Kind.EVENTS][k], allow) for o, allow in COVERING if o for k in o[Kind.EVENTS]}
    assert pairs == {(v, a) for v in (*SORTS, *DATES) for a in (False, True)}
    assert sorted(map(str, (o for o, _ in COVERING))) == sorted(map(str, OPTIONS))


def test_benchmark_pages():
    # 500 rows: the smallest size make bench runs; every row shape of the generator (four
    # date styles, with and without Translate units) a hundred times over
    assert compare(bench_pages.events_page(500), settings=COVERING) > 0
    # the events options do not apply to a hubs table, and the page has no Translate
    # units: the page's own options are the one case
    compare(bench_pages.hubs_page(300), "Hubs/Ongoing", settings=[(None, False)])


if REFERENCE is not None:  # an outside reviewer's workload: collected only where it is
    def test_reference_workload_pages(tmp_path):
        # 1,000 rows: the generator's rarest rows (an unreadable date, a range across a
        # year's end, a comment after a row) each come several times
        subprocess.run([sys.executable, str(REFERENCE), str(tmp_path), "1000"], check=True,
                       capture_output=True)
        events = (tmp_path / "pages" / "Hubs.wikitext").read_text(encoding="utf-8")
        assert parse_page(events, "Hubs").problems  # the unreadable dates are there
        told = 0
        for page in sorted((tmp_path / "pages").glob("*.wikitext")):
            told += compare(page.read_bytes().decode("utf-8"), settings=COVERING)
        assert told > 0


def test_a_redated_record_keeps_every_other_field():
    """``redated`` (a rewritten date cell's record) is ``dataclasses.replace`` of the date:
    every field of the record named here, so a field added to a record fails this test
    until ``redated`` keeps it too."""
    import dataclasses
    from datetime import date

    from hubbot.core.records import DateSpan, Event, Interview, Link

    when, new = DateSpan(date(2022, 3, 12)), DateSpan(date(2022, 3, 13))
    values = {"when": when, "title": "Hubs dialogue", "links": (Link("Hubs", "notes"),),
              "date_text": "March 12, 2022", "group": "CEE Hub", "persons": "A, B"}
    for cls in (Event, Interview):
        record = cls(**{f.name: values[f.name] for f in dataclasses.fields(cls)})
        got = record.redated(new, "13 March 2022")
        want = dataclasses.replace(record, when=new, date_text="13 March 2022")
        assert dataclasses.astuple(got) == dataclasses.astuple(want)
        assert got.when == new and got.date_text == "13 March 2022"
