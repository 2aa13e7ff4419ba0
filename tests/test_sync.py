"""Sync logic end to end over the offline files backend (no wiki, no network)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hubbot.app.config import load_config
from hubbot.app.model import Mode, Outcome
from hubbot.app.sync import Sync
from hubbot.backends.files import FilesBackend
from hubbot.core.pages import PageText
from hubbot.errors import EditConflictError, ShutoffError, WikiError
from tests.support import (
    CEE,
    EARTH,
    HUBS,
    ONGOING,
    TODAY,
    Recorder,
    read,
    stored_state,
    write,
)


def sync(wiki, mode=Mode.CRON, **kw):
    backend = Recorder(wiki / "pages")
    config = load_config(wiki / "hubbot.toml")
    return Sync(config, backend, mode=mode, today=TODAY, **kw), backend


def outcomes(report):
    return {p.title: p.outcome for p in report.pages}


def test_dry_run_shows_diffs_and_writes_nothing(wiki):
    before = {t: read(wiki, t) for t in ("Hubs", "Hubs/Ongoing", "Wikimedia CEE Hub")}
    s, backend = sync(wiki, Mode.DRY_RUN)
    report = s.run()
    assert outcomes(report)["Hubs"] is Outcome.WOULD_SAVE
    assert outcomes(report)["Wikimedia CEE Hub"] is Outcome.WOULD_SAVE
    hubs_diff = next(p.diff for p in report.pages if p.title == "Hubs")
    assert "-| November 27, 2021 ||" in hubs_diff and "+| 27 November 2021 ||" in hubs_diff
    assert backend.saves == []
    assert {t: read(wiki, t) for t in before} == before
    assert not (wiki / "state.json").exists()
    assert report.exit_code == 0


def test_cron_run_normalizes_then_second_run_is_quiet(wiki):
    s, backend = sync(wiki)
    report = s.run()
    assert report.exit_code == 0, [p.line() for p in report.pages]
    hubs = read(wiki, "Hubs")
    assert hubs.index("27 November 2021") < hubs.index("12 March 2022") < hubs.index(
        "24–26 June 2022")
    assert hubs.startswith(HUBS[:HUBS.index("{|")])  # bytes before the table untouched
    assert hubs.endswith("<!-- hubbot:events end -->\nText after the table stays.\n")
    cee = read(wiki, "Wikimedia CEE Hub")
    assert "stage=implementation" in cee and "updated=2026-11-24" in cee
    assert read(wiki, "EARTHub") == EARTH  # already right: no edit at all
    assert "EARTHub" not in [t for t, _ in backend.saves]
    summary = read(wiki, "Hubs/Summary")
    assert "total=2" in summary and "regional=2" in summary and "thematic=1" in summary
    assert all(s.startswith("hubbot: ") for _, s in backend.saves)
    state = stored_state(wiki / "state.json")
    assert len(state["pages"]["Hubs"]["records"]["events"]) == 3

    s2, backend2 = sync(wiki)
    report2 = s2.run()
    assert report2.quiet and report2.exit_code == 0
    assert [c[0] for c in backend2.calls] == ["revisions"]  # no content fetched
    assert backend2.saves == []


def test_record_changes_drive_the_edit_summary(wiki):
    sync(wiki)[0].run()
    hubs = read(wiki, "Hubs").replace(
        "|}\n<!-- hubbot:events end -->",
        "|-\n| 2021-11-28 || Hubs follow-up call\n|}\n<!-- hubbot:events end -->")
    write(wiki, "Hubs", hubs)
    write(wiki, "Hubs/Ongoing", read(wiki, "Hubs/Ongoing").replace("|| Planning ||",
                                                                   "|| Pilot ||"))
    s, backend = sync(wiki)
    report = s.run()
    kinds = sorted(c.kind for c in report.changes)
    assert kinds == ["event added", "hub stage"]
    summaries = dict(backend.saves)
    assert summaries["Hubs"] == "hubbot: +1 event (Hubs follow-up call, 28 November 2021)"
    assert summaries["EARTHub"] == ("hubbot: EA Regional and Thematic Hub (EARTH): "
                                    "planning → pilot")
    assert "stage=pilot" in read(wiki, "EARTHub")
    assert "pilot=1" in read(wiki, "Hubs/Summary")


def test_shutoff_page_stops_before_any_edit(wiki):
    write(wiki, "User:Hubbot/Shutoff", "stop please")
    before = read(wiki, "Hubs")
    s, backend = sync(wiki)
    with pytest.raises(ShutoffError) as exc:
        s.run()
    assert exc.value.exit_code == 3 and "User:Hubbot/Shutoff" in str(exc.value)
    assert backend.saves == [] and read(wiki, "Hubs") == before
    assert not (wiki / "state.json").exists()


def test_missing_end_marker_refuses_that_page_only(wiki):
    broken = HUBS.replace("<!-- hubbot:events end -->", "")
    write(wiki, "Hubs", broken)
    s, backend = sync(wiki)
    report = s.run()
    result = next(p for p in report.pages if p.title == "Hubs")
    assert result.outcome is Outcome.FAILED and "end marker missing" in result.message
    assert read(wiki, "Hubs") == broken
    assert "Wikimedia CEE Hub" in [t for t, _ in backend.saves]  # others still done
    assert report.exit_code == 1
    state = stored_state(wiki / "state.json")
    assert "Hubs" not in state["pages"]  # looked at again next run


def test_guard_refuses_a_table_that_lost_most_rows(wiki):
    sync(wiki)[0].run()
    text = read(wiki, "Hubs")
    start = text.index("|-\n| 12 March 2022")
    end = text.index("|}")
    # Two of three rows gone, and what is left is untidy, so the bot would write.
    write(wiki, "Hubs", text[:start] + "|-\n| 2021-11-27 || Hubs co-creation workshop\n"
          + text[end:])
    write(wiki, "Hubs", read(wiki, "Hubs").replace(
        "|-\n| 27 November 2021 || Hubs co-creation workshop ([[Special:MyLanguage/Hubs/"
        "Workshop November 27, 2021|event page]])\n", ""))
    s, backend = sync(wiki)
    report = s.run()
    result = next(p for p in report.pages if p.title == "Hubs")
    assert result.outcome is Outcome.FAILED and "refusing to write" in result.message
    assert report.exit_code == 1 and "Hubs" not in [t for t, _ in backend.saves]
    s2, backend2 = sync(wiki, accept_removals=True)
    assert s2.run().exit_code == 0 and "Hubs" in [t for t, _ in backend2.saves]


def test_human_edit_between_read_and_save_is_kept(wiki):
    s, backend = sync(wiki)
    human = HUBS.replace("Text after the table stays.", "A human added this line.")
    backend.before_save["Hubs"] = [human]
    report = s.run()
    assert outcomes(report)["Hubs"] is Outcome.SAVED
    text = read(wiki, "Hubs")
    assert "A human added this line." in text and "27 November 2021" in text


def test_conflict_twice_gives_up_and_keeps_human_text(wiki):
    s, backend = sync(wiki)
    first = HUBS.replace("Text after", "Human one. Text after")
    second = HUBS.replace("Text after", "Human two. Text after")
    backend.before_save["Hubs"] = [first, second]
    report = s.run()
    result = next(p for p in report.pages if p.title == "Hubs")
    assert result.outcome is Outcome.FAILED
    assert "still conflicting after a retry" in result.message, result.message
    assert read(wiki, "Hubs") == second
    assert report.exit_code == 1


def test_nobots_page_is_skipped_and_reported(wiki):
    write(wiki, "Wikimedia CEE Hub", "{{nobots}}\n" + CEE)
    s, backend = sync(wiki)
    report = s.run()
    result = next(p for p in report.pages if p.title == "Wikimedia CEE Hub")
    assert result.outcome is Outcome.SKIPPED and "nobots" in result.message
    assert read(wiki, "Wikimedia CEE Hub") == "{{nobots}}\n" + CEE
    assert report.exit_code == 0  # opting out is not a failure


def test_interactive_asks_per_page(wiki):
    asked = []

    def confirm(title, diff, summary, *, old, new):
        assert old != new and diff.startswith(f"--- {title} (version ")
        asked.append(title)
        return "n" if title == "Hubs" else "y"

    s, backend = sync(wiki, Mode.INTERACTIVE, confirm=confirm)
    report = s.run()
    assert asked[0] == "Hubs" and outcomes(report)["Hubs"] is Outcome.DECLINED
    assert "Hubs" not in [t for t, _ in backend.saves]
    assert "Wikimedia CEE Hub" in [t for t, _ in backend.saves]
    assert report.exit_code == 0


def test_interactive_quit_stops_asking(wiki):
    asked = []
    s, backend = sync(wiki, Mode.INTERACTIVE,
                      confirm=lambda t, d, s, **texts: asked.append(t) or "q")
    report = s.run()
    assert len(asked) == 1 and backend.saves == []
    assert all(p.outcome in (Outcome.DECLINED, Outcome.UNCHANGED) for p in report.pages)


def test_hub_missing_from_registry_is_reported_not_written(wiki):
    write(wiki, "Hubs/Ongoing", ONGOING.replace("Central and Eastern Europe", "CEE"))
    s, backend = sync(wiki)
    report = s.run()
    result = next(p for p in report.pages if p.title == "Wikimedia CEE Hub")
    assert result.outcome is Outcome.FAILED and "not in the registry" in result.message
    assert read(wiki, "Wikimedia CEE Hub") == CEE


def test_network_failure_on_fetch_writes_nothing(wiki):
    s, backend = sync(wiki)

    def boom(titles):
        raise WikiError("wiki unreachable: HTTP 503 after 2 retries")

    backend.fetch = boom
    with pytest.raises(WikiError):
        s.run()
    assert read(wiki, "Hubs") == HUBS and not (wiki / "state.json").exists()


def test_save_failure_on_one_page_does_not_stop_others(wiki):
    s, backend = sync(wiki)
    original = backend.save

    def flaky(page, text, summary):
        if page.title == "Hubs":
            raise WikiError("Hubs: API error internal_api_error")
        return original(page, text, summary)

    backend.save = flaky
    report = s.run()
    assert outcomes(report)["Hubs"] is Outcome.FAILED
    assert outcomes(report)["Wikimedia CEE Hub"] is Outcome.SAVED
    assert report.exit_code == 1
    assert read(wiki, "Hubs") == HUBS


def test_files_backend_conflict_detection(tmp_path):
    (tmp_path / "P.wikitext").write_text("a", encoding="utf-8")
    b = FilesBackend(tmp_path)
    page = b.fetch(["P"])["P"]
    (tmp_path / "P.wikitext").write_text("human", encoding="utf-8")
    with pytest.raises(EditConflictError):
        b.save(page, "bot", "s")
    assert (tmp_path / "P.wikitext").read_text() == "human"


def test_after_a_conflict_the_state_holds_what_the_human_added(wiki):
    s, backend = sync(wiki)
    human = HUBS.replace("|}\n<!-- hubbot:events end -->",
                         "|-\n| 2022-01-29 || Spanish community workshop\n|}\n"
                         "<!-- hubbot:events end -->")
    backend.before_save["Hubs"] = [human]
    report = s.run()
    assert outcomes(report)["Hubs"] is Outcome.SAVED
    assert "29 January 2022 || Spanish community workshop" in read(wiki, "Hubs")
    state = stored_state(wiki / "state.json")
    titles = [e["title"] for e in state["pages"]["Hubs"]["records"]["events"]]
    assert "Spanish community workshop" in titles and len(titles) == 4


# --- issue 12: nothing owed is forgotten, duplicates are problems, plain summaries ------

def test_a_failed_summary_save_is_owed_and_retried_by_a_quiet_run(wiki):
    s, backend = sync(wiki)
    assert s.run().exit_code == 0
    write(wiki, "Hubs/Ongoing", read(wiki, "Hubs/Ongoing").replace("|| Planning ||",
                                                                   "|| Pilot ||"))
    s, backend = sync(wiki)
    original = backend.save

    def down(page, text, summary):
        if page.title == "Hubs/Summary":
            raise WikiError("HTTP 503 after 2 retries")
        return original(page, text, summary)

    backend.save = down
    report = s.run()
    assert outcomes(report)["Hubs/Summary"] is Outcome.FAILED and report.exit_code == 1
    state = stored_state(wiki / "state.json")
    assert state["pages"]["Hubs/Summary"]["owed"] is True
    assert any(c["kind"] == "hub stage" for c in state["pending_changes"])
    s, backend = sync(wiki)  # no page changed since: still not quiet, the edit is owed
    report = s.run()
    assert not report.quiet and outcomes(report)["Hubs/Summary"] is Outcome.SAVED
    assert "last_change=EA Regional and Thematic Hub (EARTH): planning → pilot" in read(
        wiki, "Hubs/Summary")
    state = stored_state(wiki / "state.json")
    assert not any(e.get("owed") for e in state["pages"].values())
    assert state["pending_changes"] == []
    assert sync(wiki)[0].run().quiet


def test_state_is_written_after_each_save_so_a_kill_loses_nothing(wiki):
    class Killed(BaseException):
        pass

    def killed_at_summary(page, text, summary):
        if page.title == "Hubs/Summary":
            raise Killed()
        return FilesBackend.save(backend, page, text, summary)

    s, backend = sync(wiki)

    assert s.run().exit_code == 0
    write(wiki, "Hubs/Ongoing", read(wiki, "Hubs/Ongoing").replace("|| Planning ||",
                                                                   "|| Pilot ||"))
    s, backend = sync(wiki)
    backend.save = killed_at_summary
    with pytest.raises(Killed):
        s.run()
    state = stored_state(wiki / "state.json")
    assert "pilot" in json.dumps(state["pages"]["Hubs/Ongoing"]["records"])  # saved
    assert state["pages"]["Hubs/Summary"]["owed"] is True
    s, backend = sync(wiki)
    assert outcomes(s.run())["Hubs/Summary"] is Outcome.SAVED


def test_unwritable_state_stops_the_run_before_any_edit(wiki):
    from hubbot.errors import StorageError

    (wiki / "state.json").mkdir()  # a directory where the file should be: cannot write
    (wiki / "state.json" / "x").write_text("")
    s, backend = sync(wiki)
    s.store.path = wiki / "state.json" / "x" / "state.json"
    with pytest.raises(StorageError):
        s.run()
    assert backend.saves == [] and read(wiki, "Hubs") == HUBS


def test_duplicate_hub_keys_are_problems_never_merged(wiki):
    dup = ONGOING.replace("|}\n<!-- hubbot:hubs end", "|-\n| Regional || Central-and-Eastern "
                          "Europe || || Pilot || twin\n|}\n<!-- hubbot:hubs end")
    write(wiki, "Hubs/Ongoing", dup)
    s, backend = sync(wiki)
    report = s.run()
    assert any("duplicate hub key" in p.reason and p.row == 4 for p in report.problems)
    result = next(p for p in report.pages if p.title == "Wikimedia CEE Hub")
    assert result.outcome is Outcome.FAILED and "2 times" in result.message
    assert read(wiki, "Wikimedia CEE Hub") == CEE
    assert "total=3" in read(wiki, "Hubs/Summary")  # both rows counted


def test_edit_summaries_are_plain_text(wiki):
    write(wiki, "Hubs", HUBS.replace(
        "|}\n<!-- hubbot:events end", "|-\n| 2022-01-29 || [[Category:Evil]] {{Boom}} "
        "\u202eevil\n|}\n<!-- hubbot:events end"))
    s, backend = sync(wiki)
    s.run()
    write(wiki, "Hubs", read(wiki, "Hubs").replace("{{Boom}}", "{{Boom}} x"))
    s, backend = sync(wiki)
    s.run()
    for _, summary in backend.saves:
        assert "[[" not in summary and "{{" not in summary and "\u202e" not in summary
        assert len(summary) <= 480


def test_removing_one_of_two_identical_event_rows_is_a_change():
    from hubbot.core.changes import diff_events
    from hubbot.core.read import parse_page

    twice = HUBS.replace("|}\n<!-- hubbot:events end", "|-\n| 12 March 2022 || Hubs Global "
                         "Conversations ([[Special:MyLanguage/Hubs/Global Conversations "
                         "March 12, 2022|event page]])\n|}\n<!-- hubbot:events end")
    old, new = parse_page(twice, "Hubs").events, parse_page(HUBS, "Hubs").events
    assert len(old) == 4 and len(new) == 3
    (change,) = diff_events("Hubs", old, new)
    assert change.kind == "event removed" and "12 March 2022" in change.text
    assert diff_events("Hubs", new, old)[0].kind == "event added"
    assert diff_events("Hubs", old, old) == []


def test_hub_changes_are_attributed_to_their_own_row_and_page():
    from hubbot.core.changes import diff_hubs
    from hubbot.core.read import parse_page

    two = ONGOING.replace("|}\n<!-- hubbot:hubs end", "|-\n| Regional || North America || || "
                          "Planning || a\n|-\n| Regional || North-America || || Pilot || "
                          "b\n|}\n<!-- hubbot:hubs end")
    old = parse_page(two, "O").hubs
    new = parse_page(two.replace("|| Pilot || b", "|| Implementation || b"), "O").hubs
    changes = diff_hubs("O", old, new)
    assert [c.text for c in changes] == ["North-America: pilot → implementation"]


def test_plain_summary_neutralises_links_templates_and_bidi():
    from hubbot.core.changes import plain_summary

    text = plain_summary("hubbot: +1 hub ([[Category:X]] {{T}} [[[a]]] [{{[b]}}] \u202ex\u2066"
                         "\nnext) " + "y" * 600)
    assert "[[" not in text and "{{" not in text and "]]" not in text
    assert "\u202e" not in text and "\u2066" not in text and "\n" not in text
    assert "Category:X" in text and len(text) == 480


def test_an_annotation_saved_over_a_human_edit_is_redone_on_their_revision():
    """The trigger answer and review status saves: a human edit found only after our
    save (MediaWiki's oldrevid is not the revision read) is kept."""
    from hubbot.app.apply import save_on_latest
    from hubbot.backends.base import Saved

    texts = {1: "A {{x}}", 2: "A {{x}} human"}
    saves = []

    class Wiki:
        def save(self, page, text, summary):
            saves.append((page.revid, text))
            parent = 2 if page.revid == 1 else page.revid  # the human's r2 came first
            texts[len(texts) + 1] = text
            return Saved(len(texts), parent)

        def fetch_revision(self, title, revid):
            return PageText(title, texts[revid], revid)

    done = save_on_latest(Wiki(), PageText("T", texts[1], 1),
                          lambda t: t.replace("{{x}}", "{{x|done}}"), "s")
    assert saves == [(1, "A {{x|done}}"), (3, "A {{x|done}} human")]
    assert texts[done.revid] == "A {{x|done}} human"


def test_an_unreadable_status_keeps_the_stage_a_human_set(wiki):
    write(wiki, "Hubs/Ongoing", ONGOING.replace("|| Implementation ||",
                                                "|| {{Partial|Pilot}} ||"))
    s, _ = sync(wiki)
    report = s.run()
    problem = next(p for p in report.problems if "unrecognised status" in p.reason)
    assert problem.page == "Hubs/Ongoing" and "Central and Eastern Europe" in problem.reason
    assert "stage=planning" in read(wiki, "Wikimedia CEE Hub")  # kept, not "unknown"
    assert "unknown" not in read(wiki, "Hubs/Summary")


def test_summary_counts_are_kept_while_a_registry_row_is_unreadable(wiki):
    write(wiki, "Hubs/Ongoing", ONGOING.replace(
        "|}\n<!-- hubbot:hubs end", "|-\n| Regional || || || Pilot || no scope\n|}\n"
        "<!-- hubbot:hubs end"))
    s, _ = sync(wiki)
    s.run()
    assert "total=1|" in read(wiki, "Hubs/Summary")  # not 2, not a guess
    write(wiki, "Hubs/Ongoing", ONGOING)
    s, _ = sync(wiki)
    s.run()
    assert "total=2|" in read(wiki, "Hubs/Summary")


def test_status_aliases_from_the_config_are_read(wiki):
    config = (wiki / "hubbot.toml").read_text()
    (wiki / "hubbot.toml").write_text(config.replace(
        '[status]\n', '[status]\naliases = { "Starting up" = "pre-pilot" }\n'))
    write(wiki, "Hubs/Ongoing", ONGOING.replace("|| Implementation ||", "|| Starting up ||"))
    s, _ = sync(wiki)
    s.run()
    assert "stage=pre-pilot" in read(wiki, "Wikimedia CEE Hub")


STATUS = ("Reports of hubbot's runs (written by the bot between the markers).\n"
          "<!-- hubbot:status start -->\n<!-- hubbot:status end -->\nTalk below.\n")


def with_report_page(wiki):
    config = (wiki / "hubbot.toml").read_text()
    (wiki / "hubbot.toml").write_text(config + '\n[report_page]\ntitle = "User:Hubbot/Status"'
                                      '\ndocs_page = "User:Hubbot"\n')
    write(wiki, "User:Hubbot/Status", STATUS)


def test_the_report_page_reports_pages_and_problems_and_keeps_first_sightings(wiki):
    with_report_page(wiki)
    write(wiki, "Hubs", HUBS.replace("| 12 March 2022 ||", "| after the summit ||"))
    s, _ = sync(wiki)
    report = s.run()
    status = read(wiki, "User:Hubbot/Status")
    assert status.startswith("Reports of hubbot's runs") and status.endswith("Talk below.\n")
    assert "after the summit" in status and "[[:Hubs]]" in status
    assert "bad date" in status and TODAY.isoformat() in status
    assert next(p for p in report.pages if p.title == "User:Hubbot/Status").outcome \
        is Outcome.SAVED
    # Later runs: a quiet one makes no edit; a changed one keeps the first sighting.
    s, backend = sync(wiki)
    assert s.run().quiet and backend.saves == []
    write(wiki, "Hubs/Ongoing", ONGOING.replace("|| Planning ||", "|| Planning? ||"))
    s = Sync(load_config(wiki / "hubbot.toml"), Recorder(wiki / "pages"), today=date(2026, 12, 1))
    s.run()
    rows = read(wiki, "User:Hubbot/Status").splitlines()
    assert next(r for r in rows if "after the summit" in r).endswith(TODAY.isoformat())
    assert next(r for r in rows if "Planning?" in r).endswith("2026-12-01")


def test_only_the_time_changed_means_no_report_edit(wiki):
    with_report_page(wiki)
    sync(wiki)[0].run()
    s, backend = sync(wiki, force=True)
    s.run()
    assert "User:Hubbot/Status" not in [title for title, _ in backend.saves]


def test_a_report_page_without_markers_fails_and_edits_nothing(wiki):
    with_report_page(wiki)
    write(wiki, "User:Hubbot/Status", "Someone's notes.\n")
    report = sync(wiki)[0].run()
    result = next(p for p in report.pages if p.title == "User:Hubbot/Status")
    assert result.outcome is Outcome.FAILED and "hubbot:status start" in result.message
    assert read(wiki, "User:Hubbot/Status") == "Someone's notes.\n"
    assert report.exit_code == 1


def test_edit_summaries_link_to_the_documentation_page(wiki):
    with_report_page(wiki)
    s, backend = sync(wiki)
    s.run()
    assert backend.saves
    for _, summary in backend.saves:
        assert summary.startswith("[[User:Hubbot|hubbot]]: "), summary
        assert summary.count("[[") == 1


def test_problems_of_pages_that_did_not_change_stay_on_the_report_page(wiki):
    with_report_page(wiki)
    write(wiki, "Hubs", HUBS.replace("| 12 March 2022 ||", "| after the summit ||"))
    sync(wiki)[0].run()
    write(wiki, "Hubs/Ongoing", ONGOING.replace("|| Planning ||", "|| Planning? ||"))
    s, backend = sync(wiki)
    s.run()
    status = read(wiki, "User:Hubbot/Status")
    assert "after the summit" in status and "Planning?" in status
    (fetched,) = [titles for call, titles in backend.calls if call == "fetch"][:1]
    assert "Hubs" in fetched  # read in the same batch as the changed page


def test_the_header_rows_missing_separator_is_repaired_in_the_diff_and_listed(wiki):
    from hubbot.cli.report import review_markdown

    write(wiki, "Hubs", HUBS.replace("! Date !! Event\n|-\n", "! Date !! Event\n", 1))
    s, _ = sync(wiki, Mode.DRY_RUN)
    report = s.run()
    hubs_diff = next(p.diff for p in report.pages if p.title == "Hubs")
    assert "+|-" in hubs_diff
    assert not [p for p in report.problems if p.page == "Hubs"]
    (notice,) = [n for n in report.notices if n.page == "Hubs"]
    assert notice.row == 1 and notice.reason.startswith("repair: '|-' inserted")
    review = review_markdown(report, "hubbot.toml")
    assert "## Notices" in review and "repair: '|-' inserted" in review
