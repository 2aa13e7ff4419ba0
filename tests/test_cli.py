"""The CLI run in-process: exact exit codes and output, as a user sees them."""

from __future__ import annotations

import gc
import io
import json
import sys
import types
from pathlib import Path

import pytest

from hubbot.app.state import RunLock
from hubbot.cli import start
from hubbot.cli.main import main
from tests.support import HUBS

FIXTURES = Path(__file__).parent / "fixtures"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write_page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Hubs.wikitext"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_json_prints_records_and_problems(tmp_path):
    text = HUBS.replace("12 March 2022", "sometime in spring")
    code, out, err = run("parse", str(write_page(tmp_path, text)), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data) >= {"events", "hubs", "problems"}
    assert [e["start"] for e in data["events"]] == ["2021-11-27", "2022-06-24"]
    assert data["events"][1]["end"] == "2022-06-26"
    assert data["events"][0]["links"] == [
        {"target": "Special:MyLanguage/Hubs/Workshop November 27, 2021",
         "label": "event page"}]
    (problem,) = data["problems"]
    assert problem["page"] == "Hubs" and problem["row"] == 2  # the header is row 1
    assert problem["reason"].startswith("bad date")


def test_parse_json_shows_every_rendered_row_with_its_kind_and_number(tmp_path):
    text = ("{| class=\"wikitable\"\n! Date !! Event\n|-\n! colspan=\"2\" | 2022\n"
            "|-\n| 12 March 2022 || Hubs Global Conversations\n"
            "|-\n| colspan=\"2\" | '''Regional meetings'''\n"
            "|-\n| after the summit || {{flag|ID}} ESEAP call\n"
            "|-\n| 5 May 2023 || Hubs webinar || recording on Commons\n|}\n")
    code, out, err = run("parse", str(write_page(tmp_path, text)), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    (table,) = data["tables"]
    assert [(r["number"], r["kind"]) for r in table["rows"]] == [
        (1, "header"), (2, "section"), (3, "record"), (4, "section"), (5, "problem"),
        (6, "record")]
    assert [r["text"] for r in table["rows"] if r["kind"] == "section"] == \
        ["2022", "Regional meetings"]
    # cells as the editor wrote them: an opaque template is quoted, never a placeholder
    assert table["rows"][4]["cells"] == ["after the summit", "{{flag|ID}} ESEAP call"]
    assert table["rows"][4]["problems"][0].startswith("bad date")
    assert [p["row"] for p in data["problems"]] == [5]
    (notice,) = data["notices"]
    assert notice["row"] == 6 and notice["severity"] == "notice"
    assert notice["text"] == "recording on Commons"


def test_parse_context_year(tmp_path):
    text = "{|\n! Date !! Event\n|-\n| February 21 || Interview\n|}\n"
    path = write_page(tmp_path, text)
    code, out, _ = run("parse", str(path), "--json", "--context-year", "2022")
    assert code == 0 and json.loads(out)["events"][0]["start"] == "2022-02-21"
    code, out, _ = run("parse", str(path), "--json")
    assert code == 0 and json.loads(out)["problems"][0]["reason"].startswith("bad date")


def test_unreadable_input_exits_2_with_one_line(tmp_path):
    code, out, err = run("parse", str(tmp_path / "missing.wikitext"), "--json")
    assert code == 2 and out == ""
    assert err.startswith("hubbot: error: ") and err.count("\n") == 1


def test_usage_error_exits_2():
    code, _, err = run("sync")
    assert code == 2 and "--config" in err


def test_bad_config_exits_2_before_any_request(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[[pages]]\ntitle = 'Hubs'\ntables = ['bogus']\n")
    code, _, err = run("sync", "--config", str(cfg), "--pages-dir", str(tmp_path / "nope"))
    assert code == 2 and "tables must be" in err and err.count("\n") == 1


def test_dry_run_prints_diff_and_changelog_and_writes_markdown(wiki):  # noqa: F811
    review = wiki / "review.md"
    code, out, _ = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                       str(wiki / "pages"), "--dry-run", "--diff-file", str(review),
                       "--today", "2026-11-24")
    assert code == 0
    assert "Hubs: would save" in out and "+| 27 November 2021 ||" in out
    assert "\033[" not in out  # not a terminal: no colour
    md = review.read_text()
    assert md.startswith("# hubbot review") and "```diff" in md and "### Hubs" in md
    assert not (wiki / "state.json").exists()


def test_color_always_colours_the_diff(wiki):  # noqa: F811
    code, out, _ = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                       str(wiki / "pages"), "--dry-run", "--color", "always")
    assert code == 0 and "\033[32m+" in out


def test_cron_run_json_log_then_quiet(wiki):  # noqa: F811
    args = ("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
            str(wiki / "pages"), "--log-format", "json", "--today", "2026-11-24")
    code, out, _ = run(*args)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert {"time", "message"} <= set(lines[0])
    pages = {r["page"]: r["outcome"] for r in lines if r.get("kind") == "page"}
    assert pages["Hubs"] == "saved"
    code, out, _ = run(*args)
    assert code == 0 and [json.loads(x).get("kind") for x in out.splitlines()][0] == "quiet"


def test_overlapping_run_exits_3_without_editing(wiki):  # noqa: F811
    before = (wiki / "pages" / "Hubs.wikitext").read_text()
    with RunLock(wiki / "run.lock"):
        code, _, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                           str(wiki / "pages"))
    assert code == 3 and "another hubbot run" in err
    assert (wiki / "pages" / "Hubs.wikitext").read_text() == before


def test_shutoff_exits_3(wiki):  # noqa: F811
    (wiki / "pages" / "User%3AHubbot%2FShutoff.wikitext").write_text("stop")
    code, _, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                       str(wiki / "pages"))
    assert code == 3 and "User:Hubbot/Shutoff" in err


def test_check_and_export(wiki):  # noqa: F811
    cfg = ("--config", str(wiki / "hubbot.toml"), "--pages-dir", str(wiki / "pages"))
    code, out, _ = run("check", *cfg)
    assert code == 0 and out.strip().endswith("0 problems in 2 pages")
    code, out, _ = run("export", *cfg, "--format", "json")
    data = json.loads(out)
    assert len(data["events"]) == 3 and {h["key"] for h in data["hubs"]} == {
        "central-and-eastern-europe", "ea-regional-and-thematic-hub-earth"}
    code, out, _ = run("export", *cfg, "--format", "csv", "--table", "hubs")
    assert code == 0 and out.splitlines()[0].startswith("key,name,types,stage")
    assert len(out.splitlines()) == 3


def test_state_of_the_wrong_shape_exits_2_with_one_line_and_one_json_line(wiki):  # noqa: F811
    (wiki / "state.json").write_text('{"version": 1, "pages": {"Hubs": {"revid": 1, '
                                     '"records": {"events": [{"start": "2022-01-01"}]}}}}')
    before = (wiki / "pages" / "Hubs.wikitext").read_text()
    code, out, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                         str(wiki / "pages"), "--log-format", "json")
    assert code == 2 and err.startswith("hubbot: error: ") and err.count("\n") == 1
    assert "Traceback" not in err and "a record is damaged" in err
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert line["kind"] == "error" and line["exit_code"] == 2
    assert (wiki / "pages" / "Hubs.wikitext").read_text() == before


def test_lock_in_an_impossible_place_exits_2(wiki):  # noqa: F811
    (wiki / "blocker").write_text("a file, not a directory")
    cfg = (wiki / "hubbot.toml").read_text().replace('lock_path = "run.lock"',
                                                     'lock_path = "blocker/run.lock"')
    (wiki / "hubbot.toml").write_text(cfg)
    code, _, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                       str(wiki / "pages"))
    assert code == 2 and "lock file cannot be created" in err and "Traceback" not in err


def test_state_that_cannot_be_written_exits_2_before_any_edit(wiki):  # noqa: F811
    (wiki / "blocker").write_text("a file, not a directory")
    cfg = (wiki / "hubbot.toml").read_text().replace('state_path = "state.json"',
                                                     'state_path = "blocker/state.json"')
    (wiki / "hubbot.toml").write_text(cfg)
    before = (wiki / "pages" / "Hubs.wikitext").read_text()
    code, _, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                       str(wiki / "pages"))
    assert code == 2 and "state" in err and "Traceback" not in err
    assert (wiki / "pages" / "Hubs.wikitext").read_text() == before


def test_a_bug_exits_5_with_its_traceback_not_as_a_page_failure(wiki, monkeypatch):  # noqa: F811
    from hubbot.app.plan import Planner

    def bug(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("planted bug")

    monkeypatch.setattr(Planner, "plan_sources", bug)
    code, out, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                         str(wiki / "pages"), "--log-format", "json")
    assert code == 5
    assert err.startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError: planted bug" in err
    assert err.splitlines()[-1].startswith("hubbot: error: a bug in hubbot (ZeroDivisionError)")
    last = json.loads(out.splitlines()[-1])
    assert last["kind"] == "error" and last["exit_code"] == 5


def test_a_page_failure_still_exits_1_without_a_traceback(wiki):  # noqa: F811
    page = wiki / "pages" / "Hubs.wikitext"
    page.write_text(page.read_text().replace("<!-- hubbot:events end -->", ""))
    code, out, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                         str(wiki / "pages"))
    assert code == 1 and "Traceback" not in err
    assert "Hubs: failed: events region: region end marker missing" in out


def test_the_command_starts_with_the_collector_paused_while_it_is_imported(monkeypatch):
    """``hubbot.cli.start.run`` (the console script, ``python -m hubbot``) imports the
    command line with the garbage collector off, freezes what the import made, and runs it
    with the collector on again; the collector is on again even when the import fails."""
    seen: dict[str, object] = {}

    class CommandLine(types.ModuleType):
        def __getattr__(self, name: str):  # ``from hubbot.cli.main import run``
            seen["importing"] = gc.isenabled()
            return lambda: seen.setdefault("running", (gc.isenabled(),
                                                        gc.get_freeze_count() > 0))

    class Broken(types.ModuleType):
        def __getattr__(self, name: str):
            raise ImportError("broken")

    assert gc.isenabled()
    try:
        monkeypatch.setitem(sys.modules, "hubbot.cli.main", CommandLine("hubbot.cli.main"))
        start.run()
        assert seen == {"importing": False, "running": (True, True)}
        assert gc.isenabled()
        monkeypatch.setitem(sys.modules, "hubbot.cli.main", Broken("hubbot.cli.main"))
        with pytest.raises(ImportError):
            start.run()
        assert gc.isenabled()
    finally:
        gc.unfreeze()  # this test process's objects collectable again
