"""Configuration errors, the state file, and the run lock."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hubbot.app.config import load_config
from hubbot.app.state import PageState, RunLock, State, StateStore
from hubbot.errors import ConfigError, LockedError

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
