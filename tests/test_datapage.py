"""The data page (``[data_page]``): every record as JSON, valid against the shipped
schema, written through the one save path, only when a record changed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest

from hubbot.app.config import load_config
from hubbot.app.datapage import initial_text
from hubbot.app.model import Mode, Outcome
from hubbot.app.sync import Sync
from hubbot.core.data import SourceRecords, build_document, document_text, read_document
from hubbot.core.records import DateSpan, Event
from hubbot.errors import ConfigError, ShutoffError
from tests.support import ONGOING, TODAY, Recorder, read, stored_state, write

SCHEMA = json.loads((Path(__file__).parents[1] / "hubbot" / "schema" /
                     "hubs-data.schema.json").read_text(encoding="utf-8"))
DATA = "Module:Hubs/data.json"


def validate(doc: dict) -> None:
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def site(wiki):
    config = wiki / "hubbot.toml"
    config.write_text(config.read_text(encoding="utf-8") +
                      f'\n[data_page]\ntitle = "{DATA}"\n', encoding="utf-8")
    write(wiki, DATA, initial_text())
    return wiki


def run(wiki, mode=Mode.CRON, today=TODAY):
    backend = Recorder(wiki / "pages")
    report = Sync(load_config(wiki / "hubbot.toml"), backend, mode=mode,
                  today=today).run()
    return report, backend


def data(wiki) -> dict:
    return json.loads(read(wiki, DATA))


def outcome(report, title=DATA):
    return next(p.outcome for p in report.pages if p.title == title)


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_empty_page_templates_install_creates_is_valid():
    validate(json.loads(initial_text()))


def test_a_sync_writes_every_record_with_its_page_and_revision(site):
    report, backend = run(site)
    assert outcome(report) is Outcome.SAVED
    doc = data(site)
    validate(doc)
    state = stored_state(site / "state.json")
    # Every record, from the page and the revision hubbot read it at.
    for kind in ("events", "hubs"):
        want = sorted(r.get("title") or r.get("key")
                      for t in ("Hubs", "Hubs/Ongoing")
                      for r in state["pages"][t]["records"].get(kind, []))
        got = sorted(r.get("title") or r.get("key") for r in doc[kind])
        assert got == want and got
    hubs = {h["key"]: h for h in doc["hubs"]}
    assert hubs["central-and-eastern-europe"]["stage"] == "implementation"
    assert hubs["central-and-eastern-europe"]["source"] == "Hubs/Ongoing"
    assert set(doc["pages"]) == {"Hubs", "Hubs/Ongoing"}
    assert all(isinstance(r, int) for r in doc["pages"].values())
    # The first document knows no stage dates; the run date is its date.
    assert {h["stage_since"] for h in doc["hubs"]} == {None}
    assert doc["updated"] == TODAY.isoformat()
    # Saved through the one save path: the summary says what changed.
    assert any(t == DATA and s.startswith("hubbot:") for t, s in backend.saves)


def test_no_record_changed_no_edit_even_on_a_later_day(site):
    run(site)
    before = read(site, DATA)
    # An edit outside the tables moves a revision, not the data.
    write(site, "Hubs/Ongoing", ONGOING.replace("{|", "Intro words.\n{|", 1)
          if "{|" in ONGOING else ONGOING + "\nMore words.\n")
    report, backend = run(site, today=TODAY + timedelta(days=3))
    assert outcome(report) is Outcome.UNCHANGED
    assert read(site, DATA) == before
    assert DATA not in [t for t, _ in backend.saves]


def test_a_stage_change_is_dated_the_day_it_is_seen(site):
    run(site)
    later = TODAY + timedelta(days=5)
    write(site, "Hubs/Ongoing", read(site, "Hubs/Ongoing").replace(
        "|| Implementation ||", "|| Operation ||"))
    report, backend = run(site, today=later)
    assert outcome(report) is Outcome.SAVED
    doc = data(site)
    validate(doc)
    hubs = {h["key"]: h for h in doc["hubs"]}
    assert hubs["central-and-eastern-europe"]["stage"] == "operation"
    assert hubs["central-and-eastern-europe"]["stage_since"] == later.isoformat()
    assert hubs["ea-regional-and-thematic-hub-earth"]["stage_since"] is None
    assert doc["updated"] == later.isoformat()
    summary = dict(backend.saves)[DATA]
    assert "implementation → operation" in summary


def test_dry_run_shows_the_data_page_diff_and_writes_nothing(site):
    before = read(site, DATA)
    report, backend = run(site, mode=Mode.DRY_RUN)
    result = next(p for p in report.pages if p.title == DATA)
    assert result.outcome is Outcome.WOULD_SAVE
    assert '"central-and-eastern-europe"' in result.diff
    assert read(site, DATA) == before and not backend.saves


def test_the_shutoff_page_stops_a_data_only_edit(site):
    run(site)
    # The data page was damaged by hand: only it would change.
    write(site, DATA, initial_text())
    write(site, "User:Hubbot/Shutoff", "stop")
    with pytest.raises(ShutoffError):
        Sync(load_config(site / "hubbot.toml"), Recorder(site / "pages"), today=TODAY,
             force=True).run()
    assert read(site, DATA) == initial_text()


def test_a_missing_data_page_fails_and_is_never_created(wiki):
    config = wiki / "hubbot.toml"
    config.write_text(config.read_text(encoding="utf-8") +
                      f'\n[data_page]\ntitle = "{DATA}"\n', encoding="utf-8")
    report, _ = run(wiki)
    assert outcome(report) is Outcome.FAILED
    assert report.exit_code == 1
    assert not (wiki / "pages" / "Module%3AHubs%2Fdata.json.wikitext").exists()


def test_module_mode_edits_no_derived_page(site):
    config = site / "hubbot.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[status]", '[status]\nmode = "module"'), encoding="utf-8")
    report, backend = run(site)
    saved = {t for t, _ in backend.saves}
    assert DATA in saved
    assert not saved & {"Wikimedia CEE Hub", "EARTHub", "Hubs/Summary"}
    assert run(site)[0].quiet


@pytest.mark.parametrize("extra, message", [
    ('[status]\nmode = "lua"\n', "mode must be one of"),
    ('[status]\nmode = "module"\n', "needs a [data_page]"),
    ('[data_page]\ntitle = "Hubs"\n', "must not be a content page"),
    ('[data_page]\ntitle = "X"\npage = "Y"\n', "unknown key"),
])
def test_bad_data_page_config_is_one_line(tmp_path, extra, message):
    path = tmp_path / "c.toml"
    path.write_text('[[pages]]\ntitle = "Hubs"\ntables = ["events"]\n' + extra,
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_config(path)


def test_document_text_is_deterministic_and_reads_back():
    doc = build_document([], today=date(2026, 1, 2), previous=None)
    text = document_text(doc)
    assert read_document(text) == doc
    assert document_text(read_document(text)) == text
    assert read_document("not json") is None and read_document("[]") is None


def test_the_same_event_on_two_pages_keeps_its_place_whatever_their_revisions():
    """Two pages holding one event (same date and title): the document's order is the
    records' own, and new revisions of both pages are no data change (once the order
    followed the revision ids: a later edit of the first page swapped the two records
    and hubbot rewrote the data page with no record changed)."""
    event = Event(DateSpan(date(2021, 11, 27)), "Hubs co-creation workshop")

    def sources(first: int, second: int) -> list[SourceRecords]:
        return [SourceRecords("Hubs", first, (event,)),
                SourceRecords("Hubs/More", second, (event,))]

    before = build_document(sources(26, 27), today=TODAY, previous=None)
    assert [e["source"] for e in before["events"]] == ["Hubs", "Hubs/More"]
    fresh = build_document(sources(36, 29), today=TODAY, previous=None)
    assert [e["source"] for e in fresh["events"]] == ["Hubs", "Hubs/More"]
    kept = build_document(sources(36, 29), today=TODAY + timedelta(days=1),
                          previous=read_document(document_text(before)))
    assert document_text(kept) == document_text(before)
    # A document written in another order holds the same data: it is not rewritten.
    swapped = dict(before, events=before["events"][::-1])
    again = build_document(sources(40, 41), today=TODAY + timedelta(days=2),
                           previous=read_document(document_text(swapped)))
    assert document_text(again) == document_text(swapped)


def test_a_partial_run_reads_the_data_page_in_its_one_batch(site):
    run(site)
    write(site, "Hubs/Ongoing", read(site, "Hubs/Ongoing").replace(
        "|| Implementation ||", "|| Pilot ||"))
    report, backend = run(site)
    fetches = [titles for call, titles in backend.calls if call == "fetch"]
    assert DATA in fetches[0] and not any(DATA in t for t in fetches[1:])
    assert "Hubs" in report.not_read  # a partial run: Hubs did not change
    # The records of the page not read come from the state: all events are still there.
    assert len(data(site)["events"]) == len(
        stored_state(site / "state.json")["pages"]["Hubs"]["records"]["events"]) > 0
    hubs = {h["key"]: h for h in data(site)["hubs"]}
    assert hubs["central-and-eastern-europe"]["stage"] == "pilot"


def test_a_data_page_edited_by_hand_is_written_back_and_keeps_its_dates(site):
    run(site)
    later = TODAY + timedelta(days=2)
    write(site, "Hubs/Ongoing", read(site, "Hubs/Ongoing").replace(
        "|| Implementation ||", "|| Pilot ||"))
    run(site, today=later)
    doc = data(site)
    # Someone reformats the page and changes a record: hubbot owns it and writes it back.
    doc["hubs"][0]["name"] = "Vandal"
    write(site, DATA, json.dumps(doc))
    report, _ = run(site, today=later + timedelta(days=1))
    assert report.quiet  # no content page moved: the data page waits for the next change
    Sync(load_config(site / "hubbot.toml"), Recorder(site / "pages"),
         today=later + timedelta(days=1), force=True).run()
    back = data(site)
    assert "Vandal" not in read(site, DATA)
    cee = next(h for h in back["hubs"] if h["key"] == "central-and-eastern-europe")
    assert cee["stage_since"] == later.isoformat()  # the date it held is kept
    validate(back)


def test_the_files_backend_has_no_history(tmp_path):
    from hubbot.backends.files import FilesBackend
    from hubbot.errors import UsageError

    with pytest.raises(UsageError, match="keeps no page history"):
        FilesBackend(tmp_path).history_since("Hubs/Ongoing")


def test_the_readme_example_is_valid():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For wiki editors", 1)[1]
    example = section.split("```json\n", 1)[1].split("\n```", 1)[0]
    validate(json.loads(example))


def test_a_newly_configured_data_page_is_written_by_the_next_run(wiki):
    run(wiki)
    assert run(wiki)[0].quiet
    config = wiki / "hubbot.toml"
    config.write_text(config.read_text(encoding="utf-8") +
                      f'\n[data_page]\ntitle = "{DATA}"\n', encoding="utf-8")
    write(wiki, DATA, initial_text())
    report, backend = run(wiki)
    assert not report.quiet and outcome(report) is Outcome.SAVED
    assert {t for t, _ in backend.saves} == {DATA}  # the records come from the state
    assert len(data(wiki)["hubs"]) == 2
    assert run(wiki)[0].quiet


def test_a_failed_data_page_save_is_retried_by_the_next_run(site):
    backend = Recorder(site / "pages")

    def down(page, text, summary):
        from hubbot.errors import WikiError
        if page.title == DATA:
            raise WikiError("503 Service Unavailable")
        return Recorder.save(backend, page, text, summary)

    backend.save = down
    report = Sync(load_config(site / "hubbot.toml"), backend, today=TODAY).run()
    assert outcome(report) is Outcome.FAILED and report.exit_code == 1
    report, _ = run(site)  # no content page moved, but the data page is owed
    assert not report.quiet and outcome(report) is Outcome.SAVED
    assert run(site)[0].quiet
