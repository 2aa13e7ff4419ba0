"""Configuration errors, the state file, and the run lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.app.config import load_config
from hubbot.app.plan import records_of
from hubbot.app.state import (
    Encoding,
    PageState,
    RecordDicts,
    RunLock,
    State,
    StateStore,
    canonical_records,
    dumps_records,
)
from hubbot.core.codec import canonical_json, event_json, event_to_json
from hubbot.core.read import parse_page
from hubbot.core.records import Kind
from hubbot.errors import ConfigError, LockedError, StorageError

GOOD = """
[site]
family = "meta"
code = "meta"
[[pages]]
title = "Hubs"
tables = ["events"]
"""


@pytest.mark.parametrize("text, message", [
    ("[[pages]]\ntitle = 'Hubs'\ntables = ['nope']\n", "tables must be"),
    ("[site]\nfamily = 'meta'\n[[pages]]\ntitle='Hubs'\ntables=['events']\n",
     "needs both family and code"),
    ("[bot]\nmax_removal_share = 2\n[[pages]]\ntitle='Hubs'\ntables=['events']\n",
     "max_removal_share"),
    ("[bot]\ntypo = 1\n[[pages]]\ntitle='Hubs'\ntables=['events']\n", "unknown key 'typo'"),
    ("pages = 3\n", "at least one [[pages]]"),
    ("[[pages]\n", "not valid TOML"),
    ("[[pages]]\ntitle='Hubs'\ntables=['events']\n[[pages]]\ntitle='Hubs'\n"
     "tables=['hubs']\n", "configured twice"),
])
def test_bad_config_is_one_clear_line(tmp_path, text, message):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert message in str(exc.value) and str(path) in str(exc.value)
    assert "\n" not in str(exc.value) and exc.value.exit_code == 2


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_good_config_resolves_paths_against_its_folder(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    cfg = load_config(path)
    assert cfg.family == "meta" and cfg.pages[0].tables == ("events",)
    assert cfg.state_path == tmp_path / "hubbot-state.json"


REPORT = '\n[{section}]\ntitle = "User:Hubbot/Status"\ndocs_page = "User:Hubbot"\n' \
         'operator = "User:Someone"\n'


@pytest.mark.parametrize("section", ["report_page", "status_page"])
def test_the_report_page_section_is_read_under_its_name_and_its_old_one(tmp_path, section):
    path = tmp_path / "c.toml"
    path.write_text(GOOD + REPORT.format(section=section))
    cfg = load_config(path)
    assert (cfg.report_page, cfg.docs_page, cfg.operator) == \
        ("User:Hubbot/Status", "User:Hubbot", "User:Someone")
    assert cfg.report_page in cfg.all_titles()
    assert cfg.report_page not in cfg.content_titles()


def test_the_report_page_section_given_under_both_names_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(GOOD + REPORT.format(section="report_page")
                    + REPORT.format(section="status_page"))
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    message = str(exc.value)
    assert "[report_page]" in message and "[status_page]" in message
    assert str(path) in message and "\n" not in message and exc.value.exit_code == 2


@pytest.mark.parametrize("section", ["report_page", "status_page"])
def test_a_report_page_that_is_a_content_page_names_the_section_as_written(tmp_path,
                                                                           section):
    path = tmp_path / "c.toml"
    path.write_text(GOOD + f'\n[{section}]\ntitle = "Hubs"\n')
    with pytest.raises(ConfigError, match=rf"\[{section}\] title must not be a content"):
        load_config(path)


def test_closed_sets_in_the_config_are_read_as_their_enums(tmp_path):
    from hubbot.app.config import StatusMode, Translate
    from hubbot.core.records import Kind

    path = tmp_path / "c.toml"
    path.write_text(GOOD.replace('tables = ["events"]', 'tables = ["events", "hubs"]\n'
                                 'translate = "allow"')
                    + '[status]\nmode = "module"\n[data_page]\ntitle = "Module:Hubs/data.json"\n')
    cfg = load_config(path)
    (page,) = cfg.pages
    assert page.tables == (Kind.EVENTS, Kind.HUBS)
    assert all(type(k) is Kind for k in page.tables)
    assert page.translate is Translate.ALLOW and page.allow_unit_changes
    assert cfg.status_mode is StatusMode.MODULE and not cfg.writes_derived_pages
    default = tmp_path / "d.toml"
    default.write_text(GOOD)
    cfg = load_config(default)
    assert cfg.pages[0].translate is Translate.KEEP and not cfg.pages[0].allow_unit_changes
    assert cfg.status_mode is StatusMode.PARAMETERS and cfg.writes_derived_pages


def test_shipped_configs_load():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "config").glob("*.toml")):
        cfg = load_config(path)
        assert cfg.pages, path


def test_state_round_trip_is_atomic(tmp_path):
    store = StateStore(tmp_path / "s" / "state.json")
    assert store.load().pages == {}
    store.save(State({"Hubs": PageState(12, {"events": [{"title": "x"}]})}, "2026-11-24"))
    loaded = store.load()
    assert loaded.revid("Hubs") == 12 and loaded.last_run == "2026-11-24"
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["state.json"]  # no temp left


def test_state_file_is_the_state_as_json_one_line_per_page(tmp_path):
    path = tmp_path / "state.json"
    store = StateStore(path)
    events = {"events": [{"title": "Café \"1\"", "links": [], "start": "2021-11-27"}]}
    state = State({"Hubs": PageState(12, events, owed=True), "Hubs/Ongoing": PageState(
        None, {"hubs": [{"key": "cee", "name": "CEE"}]})}, "2026-11-24", None,
        [{"kind": "event added", "page": "Hubs", "title": "x"}], {"problem": "2026-11-20"})
    store.save(state)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == {
        "version": 1, "last_run": "2026-11-24", "triggered_at": None,
        "pending_changes": [{"kind": "event added", "page": "Hubs", "title": "x"}],
        "first_seen": {"problem": "2026-11-20"},
        "pages": {"Hubs": {"revid": 12, "records": events, "owed": True},
                  "Hubs/Ongoing": {"revid": None, "records": {"hubs": [
                      {"key": "cee", "name": "CEE"}]}}}}
    assert '"Hubs": {"owed": true, "records": {"events": [{' in text and "Café" in text
    loaded = store.load()
    assert loaded.pages == state.pages and loaded.first_seen == state.first_seen
    # a new page state (new records) is written; the same state again is not rewritten,
    # unless the file was changed or removed meanwhile
    state.pages["Hubs"] = PageState(13, {"events": []})
    store.save(state)
    assert store.load().pages["Hubs"] == PageState(13, {"events": []})
    inode = path.stat().st_ino
    store.save(state)
    assert path.stat().st_ino == inode
    path.unlink()
    store.save(state)
    assert store.load().pages["Hubs"].revid == 13
    StateStore(path).save(State())
    assert json.loads(path.read_text())["pages"] == {}


# --- the delta: a save that changes no page's records, or few, writes the state beside
# the file, with only the records that changed ---

EVENTS = {"events": [{"title": "Meetup", "links": [], "start": "2021-11-27"}]}
MANY = {"events": [{"title": f"Meetup {n}", "links": [], "start": "2021-11-27"}
                   for n in range(40)]}
REGISTRY = {"hubs": [{"key": "cee", "name": "Wikimedia CEE Hub", "stage": "pilot"}]}


def states() -> list[State]:
    """A run's saves: the source page's records (whole), then a derived page's first
    save and a later one (no records change), then new records (more than a quarter of
    the state file: written whole)."""
    hubs = PageState(12, EVENTS)
    first = State({"Hubs": hubs}, "2026-11-24", None,
                  [{"kind": "event added", "page": "Hubs", "title": "x"}])
    derived = State({"Hubs": hubs, "EARTHub": PageState(40)}, "2026-11-24", None,
                    [{"kind": "event added", "page": "Hubs", "title": "x"}])
    later = State({"Hubs": hubs, "EARTHub": PageState(41, owed=True)}, "2026-11-24",
                  None, [], {"problem": "2026-11-20"})
    records = State({"Hubs": PageState(13, MANY), "EARTHub": PageState(41)}, "2026-11-24")
    return [first, derived, later, records]


def whole(tmp_path: Path, state: State) -> dict:
    """The state as a store that writes it whole in one save writes it."""
    other = tmp_path / "whole" / "state.json"
    StateStore(other).save(state)
    return json.loads(other.read_text(encoding="utf-8"))


def test_a_save_that_changes_no_records_writes_only_the_delta(tmp_path):
    path = tmp_path / "state.json"
    store = StateStore(path)
    first, derived, later, _ = states()
    store.save(first)
    text, inode = path.read_bytes(), path.stat().st_ino
    for state in (derived, later):
        store.save(state)
        assert path.read_bytes() == text and path.stat().st_ino == inode
        assert store.delta_path.exists()
        assert StateStore(path).document() == whole(tmp_path, state)
        loaded = StateStore(path).load()
        assert (loaded.pages, loaded.pending_changes, loaded.first_seen) == \
            (state.pages, state.pending_changes, state.first_seen)
    # the delta holds no records: only the state file does
    assert "Meetup" not in store.delta_path.read_text() and "Meetup" in path.read_text()
    # the same state again writes nothing; a store that loaded the files goes on
    delta_inode = store.delta_path.stat().st_ino
    store.save(later)
    assert store.delta_path.stat().st_ino == delta_inode
    again = StateStore(path)
    again.save(again.load())
    assert path.read_bytes() == text


def test_new_records_larger_than_a_quarter_of_the_file_rewrite_it_and_drop_the_delta(
        tmp_path):
    path = tmp_path / "state.json"
    store = StateStore(path)
    first, derived, _, records = states()
    store.save(first)
    store.save(derived)
    size = path.stat().st_size
    store.save(records)
    assert not store.delta_path.exists() and path.stat().st_size > size
    store.save(records)  # the state file holds it: no delta for nothing
    assert not store.delta_path.exists()
    again = StateStore(path)
    again.save(again.load())
    assert not store.delta_path.exists()
    assert json.loads(path.read_text()) == whole(tmp_path, records)
    assert StateStore(path).load().pages == records.pages


def test_small_record_changes_go_in_the_delta(tmp_path):
    """The registry's records saved after the events page's (a quarter of the file at
    most): the delta carries them and the state file stays as it is. A store that loads
    the files goes on from the state file's records, not the delta's: the records the
    delta carried are carried again, also when they were emptied."""
    path = tmp_path / "state.json"
    store = StateStore(path)
    events = PageState(12, MANY)
    store.save(State({"Hubs": events, "Hubs/Ongoing": PageState(20, REGISTRY)}, "2026-11-24"))
    text = path.read_bytes()
    small = State({"Hubs": events, "Hubs/Ongoing": PageState(21, {"hubs": []})},
                  "2026-11-24")
    store.save(small)
    delta = store.delta_path.read_text()
    assert path.read_bytes() == text and '"hubs": []' in delta and "Meetup" not in delta
    assert StateStore(path).document() == whole(tmp_path, small)
    assert StateStore(path).load().pages == small.pages
    again = StateStore(path)
    state = again.load()
    state.pages["EARTHub"] = PageState(40)
    again.save(state)
    assert path.read_bytes() == text and "Meetup" not in store.delta_path.read_text()
    assert StateStore(path).load().pages == state.pages
    assert StateStore(path).load().pages["Hubs/Ongoing"].records == {"hubs": []}
    # back to the state file's records: the delta carries none
    state.pages["Hubs/Ongoing"] = PageState(22, REGISTRY)
    again.save(state)
    assert "cee" not in store.delta_path.read_text()
    assert StateStore(path).document() == whole(tmp_path, state)


def test_a_stale_delta_is_not_read(tmp_path):
    """Killed after the state file was written whole but before the delta was removed:
    the delta names the file before it, and is not read."""
    path = tmp_path / "state.json"
    store = StateStore(path)
    first, derived, _, records = states()
    store.save(first)
    store.save(derived)
    stale = store.delta_path.read_bytes()
    store.save(records)
    store.delta_path.write_bytes(stale)
    assert StateStore(path).load().pages == records.pages
    assert StateStore(path).document() == whole(tmp_path, records)


def test_no_delta_is_written_against_a_state_file_changed_since(tmp_path):
    path = tmp_path / "state.json"
    store = StateStore(path)
    first, derived, later, _ = states()
    store.save(first)
    path.unlink()  # removed (or replaced) by someone else
    store.save(derived)
    assert not store.delta_path.exists()
    assert StateStore(path).load().pages == derived.pages
    StateStore(path).save(first)  # another store writes it whole: this one's base is gone
    store.save(later)
    assert StateStore(path).load().pages == later.pages


@pytest.mark.parametrize("delta, message", [
    (b"{not json", "unreadable state delta"),
    (None, "the delta's pages are not the state file's"),
])
def test_a_damaged_delta_is_refused(tmp_path, delta, message):
    path = tmp_path / "state.json"
    store = StateStore(path)
    first, derived, _, _ = states()
    store.save(first)
    store.save(derived)
    if delta is None:  # a page of the state file missing from the delta
        doc = json.loads(store.delta_path.read_text())
        del doc["pages"]["Hubs"]
        delta = json.dumps(doc).encode()
    store.delta_path.write_bytes(delta)
    with pytest.raises(StorageError, match=message) as exc:
        StateStore(path).load()
    assert exc.value.exit_code == 2


def test_foreign_state_file_is_refused(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"something": "else"}))
    with pytest.raises(ConfigError, match="not a hubbot state file"):
        StateStore(path).load()


def test_lock_excludes_a_second_process(tmp_path):
    lock = tmp_path / "run.lock"
    with RunLock(lock):
        with pytest.raises(LockedError) as exc:
            with RunLock(lock):
                pass
        assert exc.value.exit_code == 3
        code = ("import sys; from hubbot.app.state import RunLock\n"
                "from hubbot.errors import LockedError\n"
                f"try:\n    RunLock({str(lock)!r}).__enter__()\n"
                "except LockedError: sys.exit(3)\n")
        assert subprocess.run([sys.executable, "-c", code]).returncode == 3
    with RunLock(lock):  # released: can be taken again
        pass


# --- issue 12: config, state and lock errors are one line, exit 2, never a traceback --

PAGE = "[[pages]]\ntitle = {t}\ntables = ['events']\n"


@pytest.mark.parametrize("title", ["'Bad{{title}}|<x>'", "'Hubs#S'", "'Talk:'",
                                   "'" + "x" * 300 + "'", "':Hubs'", '"A\\tB"'])
def test_illegal_titles_are_config_errors(tmp_path, title):
    path = tmp_path / "c.toml"
    path.write_text(PAGE.format(t=title))
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert "\n" not in str(exc.value) and exc.value.exit_code == 2


def test_titles_differing_only_in_first_letter_case_are_one_page(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(PAGE.format(t="'Hubs'") + PAGE.format(t="'hubs'"))
    with pytest.raises(ConfigError, match="configured twice"):
        load_config(path)
    path.write_text(PAGE.format(t="'Hubs/A b'") + PAGE.format(t="'Hubs/A_b'"))
    with pytest.raises(ConfigError, match="configured twice"):
        load_config(path)
    path.write_text(PAGE.format(t="'Hubs/a'") + PAGE.format(t="'Hubs/A'"))
    assert len(load_config(path).pages) == 2  # only the first letter is case-free


@pytest.mark.parametrize("marker", ["<!-- {x} -->", "<!-- {name -->", "<!-- {} -->",
                                    "<!-- {name} {0} -->", "<!-- fixed -->", "{name}"])
def test_bad_marker_patterns_are_config_errors(tmp_path, marker):
    path = tmp_path / "c.toml"
    path.write_text(f"[markers]\nstart = {json.dumps(marker)}\n" + PAGE.format(t="'Hubs'"))
    with pytest.raises(ConfigError, match=r"\[markers\] start"):
        load_config(path)


def test_non_utf8_config_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes(b"[[pages]]\ntitle = '\xff\xfe'\ntables = ['events']\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


@pytest.mark.parametrize("data, message", [
    ([1, 2], "not a hubbot state file"),
    ({"version": 1, "pages": []}, "pages must be an object"),
    ({"version": 1, "pages": {"Hubs": 3}}, "not a page entry"),
    ({"version": 1, "pages": {"Hubs": {"revid": "12"}}}, "revid must be a number"),
    ({"version": 1, "pages": {"Hubs": {"revid": 1, "records": {"events": [3]}}}},
     "records must map"),
    ({"version": 1, "pages": {"Hubs": {"revid": 1, "records": {"events": [{"x": 1}]}}}},
     "a record is damaged"),
    ({"version": 1, "pages": {"Hubs": {"revid": 1, "records": {"hubs": [{"name": "A"}]}}}},
     "a record is damaged"),
    ({"version": 1, "pages": {}, "pending_changes": "x"}, "pending_changes"),
])
def test_state_of_the_wrong_shape_is_a_clear_error(tmp_path, data, message):
    from hubbot.errors import StorageError

    path = tmp_path / "state.json"
    path.write_text(json.dumps(data))
    with pytest.raises(StorageError, match=message) as exc:
        StateStore(path).load()
    assert exc.value.exit_code == 2 and "\n" not in str(exc.value)


def test_owed_and_pending_changes_survive_a_round_trip(tmp_path):
    store = StateStore(tmp_path / "s.json")
    store.save(State({"A": PageState(3, {}, owed=True), "B": PageState(4)},
                     pending_changes=[{"kind": "hub stage", "page": "P", "key": "k",
                                       "text": "K: planning → pilot"}]))
    state = store.load()
    assert state.pages["A"].owed and not state.pages["B"].owed and state.owes()
    assert state.pending_changes[0]["text"] == "K: planning → pilot"


def test_unwritable_state_directory_is_found_before_any_edit():
    from hubbot.errors import StorageError

    # /proc/self is a directory no one (root included) can create files in.
    with pytest.raises(StorageError, match="cannot be written"):
        StateStore("/proc/self/hubbot-state.json").check_writable()


def test_state_in_a_path_that_cannot_be_a_directory_is_a_clear_error(tmp_path):
    from hubbot.errors import StorageError

    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError, match="cannot be written"):
        StateStore(tmp_path / "file" / "state.json").check_writable()
    with pytest.raises(StorageError, match="writing the state file failed"):
        StateStore(tmp_path / "file" / "state.json").save(State())


def test_lock_that_cannot_be_created_is_a_clear_error(tmp_path):
    from hubbot.errors import StorageError

    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError, match="lock file cannot be created") as exc:
        with RunLock(tmp_path / "file" / "run.lock"):
            pass
    assert exc.value.exit_code == 2


@pytest.mark.parametrize("aliases, message", [
    ('aliases = { "Starting" = "warp" }', "unknown stage 'warp'"),
    ("aliases = 3", "must map words to stages"),
])
def test_bad_status_aliases_are_one_clear_line(tmp_path, aliases, message):
    path = tmp_path / "c.toml"
    path.write_text(GOOD + f"[status]\n{aliases}\n")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert message in str(exc.value)


def test_a_pending_change_of_an_unknown_kind_is_a_storage_error(tmp_path):
    from hubbot.errors import StorageError

    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 1, "pages": {}, "pending_changes": [
        {"kind": "hub exploded", "page": "Hubs/Ongoing", "key": "x", "text": "x"}]}))
    with pytest.raises(StorageError) as exc:
        StateStore(path).load()
    assert "unknown kind" in str(exc.value)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["events", "hubs", "interviews", "x"]),
                       st.lists(st.dictionaries(st.text(max_size=6), _JSON, max_size=3),
                                max_size=3), max_size=4))
def test_records_are_encoded_as_the_whole_state_encoder_would(records):
    """The state encodes a page's records one record at a time (the encoder would hold
    every token of a large table at once): the bytes are those of encoding them whole."""
    whole = json.dumps(records, ensure_ascii=False, sort_keys=True).encode()
    assert dumps_records(records) == whole


def test_real_records_are_encoded_as_the_whole_state_encoder_would():
    for path in sorted((Path(__file__).parent / "fixtures").glob("*/page.wikitext")):
        records = records_of(parse_page(path.read_text(encoding="utf-8"), "Hubs"))
        as_dicts = {kind: list(rs) for kind, rs in records.items()}  # made when read
        assert dumps_records(records) == \
            json.dumps(as_dicts, ensure_ascii=False, sort_keys=True).encode()


def test_recorded_events_become_dicts_only_when_read():
    """The state keeps events as ``RecordDicts``: their dicts are made when first read,
    once, in the canonical order, and equal the dicts made at once, as a list of them is."""
    text = Path(__file__).parent / "fixtures" / "dates_variety" / "page.wikitext"
    events = parse_page(text.read_text(encoding="utf-8"), "Hubs").records(Kind.EVENTS)
    made: list[object] = []

    def to_json(ev):
        made.append(ev)
        return event_to_json(ev)

    records = canonical_records({"events": events}, {"events": Encoding(to_json, event_json)})
    kept = records["events"]
    assert isinstance(kept, RecordDicts) and len(kept) == len(events) > 5 and made == []
    eager = sorted((event_to_json(ev) for ev in events), key=canonical_json)
    assert kept == eager and eager == kept and kept[0] == eager[0] and list(kept) == eager
    assert kept != eager[1:] and kept != tuple(eager) and records == {"events": eager}
    list(kept)
    assert len(made) == len(events)  # made once
