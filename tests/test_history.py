"""``hubbot history`` offline: the pure walk over revisions (``core/history.py``) and the
command over the bundled real export (``examples/history/Hubs-Ongoing.xml``, written by
``maintenance/dumpBackup.php`` on the local wiki: ``tests/wiki/history_scenario.py``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from hubbot.cli.main import main
from hubbot.core.history import walk_history
from hubbot.core.pages import HistoryEntry
from hubbot.core.read import parse_page
from hubbot.core.records import Stage
from tests.support import ONGOING
from tests.wiki.history_scenario import EXPECTED

EXPORT = Path(__file__).parents[1] / "examples" / "history" / "Hubs-Ongoing.xml"
TITLE = "Hubs/Ongoing"


def read(text: str):
    return parse_page(text, TITLE)


def entry(revid: int, text: str | None, *, sha1: str | None = None, user: str = "U",
          day: int = 1) -> HistoryEntry:
    return HistoryEntry(revid, user, f"2023-04-{day:02d}T10:00:00Z", "", text,
                        sha1 if sha1 is not None else (f"sha-{hash(text)}" if text else None))


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["history", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_a_stage_change_is_one_line_with_revision_time_and_user():
    changed = ONGOING.replace("|| Implementation ||", "|| Operation ||")
    assert changed != ONGOING
    walk = walk_history(TITLE, [entry(1, ONGOING), entry(2, changed, user="ExampleUser",
                                                         day=2)], read)
    lines = [str(x) for x in walk.lines if x.revid == 2]
    assert lines == ["2023-04-02 r2 ExampleUser: Hubs/Ongoing: hub stage: "
                     "Central and Eastern Europe: implementation → operation"]
    # The first revision's hubs are "added" (there is nothing before it).
    assert {x.change.kind.value for x in walk.lines if x.revid == 1} == {"hub added"}
    cee = walk.stages["central-and-eastern-europe"]
    assert [s for _, s in cee] == [Stage.IMPLEMENTATION, Stage.OPERATION]


def test_same_text_is_skipped_by_sha1_and_never_read():
    calls = []

    def counting(text):
        calls.append(text)
        return read(text)

    walk = walk_history(TITLE, [entry(1, ONGOING, sha1="a"), entry(2, ONGOING, sha1="a"),
                                entry(3, ONGOING, sha1="a")], counting)
    assert len(calls) == 1 and walk.same_text == 2 and walk.revisions == 3


def test_an_unreadable_revision_is_a_line_and_the_walk_goes_on():
    def fragile(text):
        if "BOOM" in text:
            raise RuntimeError("reader bug")
        return read(text)

    changed = ONGOING.replace("|| Implementation ||", "|| Pilot ||")
    walk = walk_history(TITLE, [entry(1, ONGOING), entry(2, "BOOM"), entry(3, None),
                                entry(4, "blanked"), entry(5, changed)], fragile)
    bad = [(x.revid, x.unreadable) for x in walk.lines if x.change is None]
    assert bad == [(2, "the reader failed (RuntimeError: reader bug)"),
                   (3, "text hidden or not in the export"), (4, "no hubs table")]
    # r5 is compared with r1, the last readable revision: one stage change, nothing added.
    assert [x.change.kind.value for x in walk.lines if x.revid == 5] == ["hub stage"]
    assert walk.unreadable == 3


def test_a_baseline_before_since_is_compared_not_reported():
    changed = ONGOING.replace("|| Implementation ||", "|| Pilot ||")
    walk = walk_history(TITLE, [entry(2, changed)], read, baseline=entry(1, ONGOING))
    assert [x.change.kind.value for x in walk.lines] == ["hub stage"]


def test_the_real_export_gives_the_scenario_history():
    code, out, err = cli("--dump", str(EXPORT), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["kind"], r["key"]) for r in rows] == EXPECTED
    stage = next(r for r in rows if r["key"] == "north-america" and r["kind"] == "hub stage")
    assert (stage["date"], stage["user"], stage["text"]) == (
        "2023-04-02", "Editor", "North America: planning → pilot")
    assert "7 revisions" in err and "1 skipped" in err and "1 not readable" in err


def test_text_and_csv_and_since():
    code, out, _ = cli("--dump", str(EXPORT), "--since", "2023-09-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2023-09-18 r") and "hub added: Latin America" in lines[0]
    assert not any("North America" in x for x in lines)
    code, out, _ = cli("--dump", str(EXPORT), "--format", "csv", "--page", TITLE)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(EXPECTED) and rows[0]["revision"].isdigit()


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "stages.png"
    code, _, err = cli("--dump", str(EXPORT), "--plot", str(png))
    assert code == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "timeline of 7 hubs" in err


@pytest.mark.parametrize("args, message", [
    (["--dump", "/nonexistent.xml"], "cannot read"),
    (["--dump", str(EXPORT), "--page", "Nope"], "no page 'Nope'"),
    (["--dump", str(EXPORT), "--since", "April"], "expected YYYY-MM-DD"),
])
def test_bad_input_is_one_line_exit_2(args, message):
    code, _, err = cli(*args)
    assert code == 2 and message in err and err.count("\n") == 1


def test_not_an_export_is_one_line(tmp_path):
    bad = tmp_path / "x.xml"
    bad.write_text("<html>no</html>", encoding="utf-8")
    code, _, err = cli("--dump", str(bad))
    assert code == 2 and "--dump" in err


def test_history_from_a_config_without_a_wiki_is_a_config_error(wiki):
    code, _, err = cli("--config", str(wiki / "hubbot.toml"), "--page", TITLE)
    assert code == 2 and "no [site]" in err
