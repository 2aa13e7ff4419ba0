"""Respecting reverts (issue 18): the detection logic, and holds end to end over the
offline files backend (no tags there: a revert is the text hubbot replaced, back)."""

from __future__ import annotations

import io
import json

import pytest

from hubbot.app.config import load_config
from hubbot.app.model import Mode, Outcome
from hubbot.app.state import Hold, LastSave, PageState, State, StateStore
from hubbot.app.sync import Sync
from hubbot.cli.main import main
from hubbot.cli.report import review_markdown
from hubbot.core.pages import Revision
from hubbot.core.reportpage import HeldLine, render_report_page
from hubbot.core.reverts import find_revert, needs_history, text_sha1
from hubbot.core.review import read_release, render_review, render_trigger_answer
from tests.support import CEE, HUBS, TODAY, Recorder, read, write

BEFORE = text_sha1("before")


def rev(revid, parent, *, user="Editor", tags=(), text="other"):
    return Revision("Hubs", revid, f"2026-11-24T10:00:{revid:02d}Z", user, parent,
                    tuple(tags), text_sha1(text))


# --- the detection, pure -------------------------------------------------------------


@pytest.mark.parametrize("tags", [(), ("mw-undo",), ("mw-rollback",), ("mw-manual-revert",)])
def test_the_text_before_hubbots_edit_back_is_a_revert_tagged_or_not(tags):
    latest = rev(11, 10, tags=tags, text="before")
    revert = find_revert(10, BEFORE, latest, bot_user="Bot")
    assert revert is not None and (revert.reverted, revert.revid, revert.user) == \
        (10, 11, "Editor")
    assert revert.how == (tags[0] if tags else "text restored")


def test_a_revert_tag_right_after_hubbots_edit_is_a_revert_even_with_other_text():
    # an undo the person changed before saving: not the old text, still an undo of ours
    assert find_revert(10, BEFORE, rev(11, 10, tags=("mw-undo",)), bot_user="Bot")


def test_an_ordinary_edit_after_hubbots_is_no_revert():
    assert find_revert(10, BEFORE, rev(11, 10), bot_user="Bot") is None


def test_hubbots_own_revisions_are_never_a_persons_revert():
    assert find_revert(10, BEFORE, rev(11, 10, user="Bot", text="before",
                                       tags=("mw-manual-revert",)), bot_user="Bot") is None


def test_no_revision_since_hubbots_save_is_no_revert():
    assert find_revert(10, BEFORE, rev(10, 9, user="Bot"), bot_user="Bot") is None


def test_history_is_needed_only_after_two_edits_and_only_where_parents_are_known():
    assert not needs_history(10, rev(11, 10))
    assert not needs_history(10, rev(10, 9))
    assert needs_history(10, rev(12, 11))
    assert not needs_history(10, Revision("Hubs", 12, sha1="x"))  # files: no parents


def test_a_revert_followed_by_an_unrelated_edit_is_found_in_the_history():
    since = [rev(12, 11, user="Visitor"), rev(11, 10, tags=("mw-undo",), text="before"),
             rev(10, 9, user="Bot", tags=("mw-reverted",))]
    revert = find_revert(10, BEFORE, since[0], since, bot_user="Bot")
    assert revert is not None and (revert.revid, revert.user, revert.how) == \
        (11, "Editor", "mw-undo")


def test_an_undo_merged_over_later_edits_is_known_by_mediawikis_mw_reverted_tag():
    # undo of r10 after r11: a 3-way merge, neither the old text nor right after ours
    since = [rev(12, 11, tags=("mw-undo",)), rev(11, 10, user="Visitor"),
             rev(10, 9, user="Bot", tags=("mw-reverted",))]
    revert = find_revert(10, BEFORE, since[0], since, bot_user="Bot")
    assert revert is not None and (revert.revid, revert.how) == (12, "mw-undo")
    untagged = [since[0], since[1], rev(10, 9, user="Bot")]  # the job has not run yet
    assert find_revert(10, BEFORE, since[0], untagged, bot_user="Bot") is None


def test_two_ordinary_edits_after_hubbots_are_no_revert():
    since = [rev(12, 11, user="Visitor"), rev(11, 10), rev(10, 9, user="Bot")]
    assert find_revert(10, BEFORE, since[0], since, bot_user="Bot") is None


# --- the state -------------------------------------------------------------------------


def test_holds_round_trip_and_old_state_files_still_read(tmp_path):
    store = StateStore(tmp_path / "state.json")
    (tmp_path / "state.json").write_text(json.dumps(
        {"version": 1, "pages": {"Hubs": {"revid": 3, "records": {}}}}))
    assert store.load().pages["Hubs"] == PageState(3, {})
    hold = Hold(10, 11, "Editor", "2026-11-24T10:00:00Z", "mw-undo")
    state = State({"Hubs": PageState(11, {}, saved=LastSave(10, BEFORE), hold=hold)})
    store.save(state)
    assert store.load().pages["Hubs"] == state.pages["Hubs"]
    assert store.load().holds() == {"Hubs": hold}
    released = store.load()
    assert released.release("Hubs") == hold and released.pages["Hubs"].owed
    assert released.pages["Hubs"].saved is None and released.release("Hubs") is None


def test_a_damaged_hold_is_a_state_error(tmp_path):
    from hubbot.errors import StorageError

    (tmp_path / "state.json").write_text(json.dumps(
        {"version": 1, "pages": {"Hubs": {"revid": 3, "hold": {"reverted": "x"}}}}))
    with pytest.raises(StorageError, match="hold"):
        StateStore(tmp_path / "state.json").load()


# --- end to end over files ---------------------------------------------------------------


def run(wiki, mode=Mode.CRON, **kw):
    backend = Recorder(wiki / "pages")
    report = Sync(load_config(wiki / "hubbot.toml"), backend, mode=mode, today=TODAY,
                  **kw).run()
    return report, backend


def outcomes(report):
    return {p.title: p.outcome for p in report.pages}


def test_a_manual_revert_holds_the_page_until_the_operator_releases_it(wiki):
    first, _ = run(wiki)
    assert outcomes(first)["Hubs"] is Outcome.SAVED
    write(wiki, "Hubs", HUBS)  # a person puts the text before hubbot's edit back
    edits = []
    for _ in range(3):
        report, backend = run(wiki)
        edits += [t for t, _ in backend.saves]
        assert report.exit_code == 0
    assert edits == [] and read(wiki, "Hubs") == HUBS
    state = StateStore(wiki / "state.json").load()
    assert list(state.holds()) == ["Hubs"] and not state.owes()

    # the first run after the revert said so; the later ones are quiet (no read at all)
    assert report.quiet and [c[0] for c in backend.calls] == ["revisions"]
    assert any("Hubs: held: hubbot's version" in n and "text restored" in n
               for n in report.notes)

    out = io.StringIO()
    assert main(["release", "Hubs", "--config", str(wiki / "hubbot.toml")],
                stdout=out) == 0
    assert "Hubs: released" in out.getvalue()
    after, backend = run(wiki)
    assert [t for t, _ in backend.saves] == ["Hubs"]  # the pending work, once
    again, backend = run(wiki)
    assert again.quiet and backend.saves == []


def test_a_held_page_holds_nothing_else(wiki):
    run(wiki)
    write(wiki, "Hubs", HUBS)
    ongoing = read(wiki, "Hubs/Ongoing")
    write(wiki, "Hubs/Ongoing", ongoing.replace("Implementation", "Operation", 1))
    report, backend = run(wiki)
    got = outcomes(report)
    assert got["Hubs"] is Outcome.HELD and report.exit_code == 0
    assert "Hubs" in report.reverts
    assert "Wikimedia CEE Hub" in [t for t, _ in backend.saves]  # the others go on
    assert "stage=operation" in read(wiki, "Wikimedia CEE Hub")
    line = next(p.line() for p in report.pages if p.title == "Hubs")
    assert line.startswith("Hubs: held: hubbot's version") and "hubbot release" in line


def test_a_reverted_hub_status_edit_holds_that_hub_page(wiki):
    run(wiki)
    assert read(wiki, "Wikimedia CEE Hub") != CEE
    write(wiki, "Wikimedia CEE Hub", CEE)
    report, backend = run(wiki)
    assert outcomes(report)["Wikimedia CEE Hub"] is Outcome.HELD
    assert read(wiki, "Wikimedia CEE Hub") == CEE and backend.saves == []


@pytest.mark.parametrize("title", ["Hubs/Summary", "Hubs/Ongoing"])
def test_a_reverted_summary_or_registry_edit_holds_that_page(wiki, title):
    before = read(wiki, title)
    first, _ = run(wiki)
    assert outcomes(first)[title] is Outcome.SAVED
    write(wiki, title, before)  # a person puts the page back as it was
    for _ in range(2):
        report, backend = run(wiki)
        assert outcomes(report).get(title, Outcome.HELD) is Outcome.HELD
        assert read(wiki, title) == before and title not in [t for t, _ in backend.saves]
    assert list(StateStore(wiki / "state.json").load().holds()) == [title]


def test_a_reverted_data_page_edit_holds_the_data_page_and_nothing_else(wiki):
    from hubbot.app.datapage import initial_text

    data = "Module:Hubs/data.json"
    config = wiki / "hubbot.toml"
    config.write_text(config.read_text() + f'\n[data_page]\ntitle = "{data}"\n')
    write(wiki, data, initial_text())
    run(wiki)
    before = read(wiki, data)
    write(wiki, "Hubs/Ongoing", read(wiki, "Hubs/Ongoing").replace("Implementation",
                                                                 "Operation", 1))
    report, backend = run(wiki)
    assert data in [t for t, _ in backend.saves] and read(wiki, data) != before
    write(wiki, data, before)  # a person puts the data page back as it was
    report, backend = run(wiki)  # no content page moved: a quiet run, but it holds
    assert report.quiet and report.reverts == [data] and backend.saves == []
    assert list(StateStore(wiki / "state.json").load().holds()) == [data]
    # a later record change is written everywhere but on the held data page
    write(wiki, "Hubs/Ongoing", read(wiki, "Hubs/Ongoing").replace("| Planning",
                                                                 "| Pilot", 1))
    report, backend = run(wiki)
    assert outcomes(report)[data] is Outcome.HELD and report.exit_code == 0
    assert data not in [t for t, _ in backend.saves] and read(wiki, data) == before
    assert "EARTHub" in [t for t, _ in backend.saves]
    assert main(["release", data, "--config", str(config)], stdout=io.StringIO()) == 0
    report, backend = run(wiki)
    assert [t for t, _ in backend.saves] == [data]  # the pending work, once
    assert run(wiki)[1].saves == []


def test_an_unrelated_edit_after_hubbots_is_no_revert(wiki):
    run(wiki)
    write(wiki, "Hubs", read(wiki, "Hubs") + "A new paragraph.\n")
    report, _ = run(wiki)
    assert Outcome.HELD not in outcomes(report).values() and not report.reverts
    assert StateStore(wiki / "state.json").load().holds() == {}


def test_a_dry_run_and_its_review_show_the_held_page_and_edit_nothing(wiki):
    run(wiki)
    write(wiki, "Hubs", HUBS)
    report, backend = run(wiki, Mode.DRY_RUN)
    assert outcomes(report)["Hubs"] is Outcome.HELD and backend.saves == []
    held = next(p for p in report.pages if p.title == "Hubs")
    assert not held.new_text and not held.diff  # never part of a review's change
    md = review_markdown(report, "hubbot.toml")
    assert md.index("## Held pages") < md.index("## Changes since the last run")
    assert "Hubs: held: hubbot's version" in md
    text = render_review(rid="R1", edits=[], revisions={}, changes=[], problems=[],
                         today=TODAY, held=[held.line()])
    assert "== Held pages ==" in text and "Hubs: held" in text


def test_interactive_mode_does_not_ask_about_a_held_page(wiki):
    run(wiki)
    write(wiki, "Hubs", HUBS)
    asked = []
    report, backend = run(wiki, Mode.INTERACTIVE,
                          confirm=lambda title, *a, **k: asked.append(title) or "y")
    assert "Hubs" not in asked and outcomes(report)["Hubs"] is Outcome.HELD
    assert "Hubs" not in [t for t, _ in backend.saves]


def test_release_of_a_page_that_is_not_held_is_a_usage_error(wiki):
    run(wiki)
    err = io.StringIO()
    assert main(["release", "Hubs", "--config", str(wiki / "hubbot.toml")],
                stdout=io.StringIO(), stderr=err) == 2
    assert "Hubs: not held (held: none)" in err.getvalue()
    out = io.StringIO()
    assert main(["release", "--config", str(wiki / "hubbot.toml")], stdout=out) == 0
    assert "0 pages held" in out.getvalue()


# --- where it is said ----------------------------------------------------------------


def test_the_report_page_lists_held_pages_first_with_how_to_release_them():
    text = render_report_page(
        outcome="all pages done", run_time="2026-11-24 10:00 UTC", pages=[], problems=[],
        first_seen={}, held=[HeldLine("Hubs", "r10", "Editor", "2026-11-24T10:00:00Z",
                                      "mw-undo")],
        release_how="To release one, the operator runs hubbot release PAGE.")
    assert text.index("== Held pages") < text.index("== Pages that need attention")
    assert "| [[:Hubs]] || r10 || [[User:Editor|Editor]] || 2026-11-24T10:00:00Z || " \
        "mw-undo" in text
    assert "hubbot release PAGE" in text and "1 pages held" in text
    assert "Held pages" not in render_report_page(
        outcome="x", run_time="t", pages=[], problems=[], first_seen={})


def test_the_trigger_page_names_pages_to_release_and_hubbot_empties_the_request():
    page = "Ask.\n{{Hubbot update|status=|run=|result=|release=Hubs; wikimedia_CEE Hub}}\n"
    assert read_release(page) == ["Hubs", "wikimedia_CEE Hub"]
    assert read_release("{{Hubbot update|status=}}") == [] == read_release("text")
    answered = render_trigger_answer(page, status="done", when="now", result="ok")
    assert "|release=}}" in answered and read_release(answered) == []
