"""``hubbot history`` on the real local MediaWiki 1.39: a history made by three accounts
(``tests/wiki/history_scenario.py``) read through the API in batches with continuation,
counted; and the same history exported by ``maintenance/dumpBackup.php`` in the test,
read offline with ``--dump``: both give the same lines."""

from __future__ import annotations

import io
import json
import math
from datetime import date

import pytest

from hubbot.app.config import load_config
from hubbot.app.history import HistoryQuery, history_from_wiki, history_rows
from hubbot.app.session import Where, session
from hubbot.cli.main import main
from tests.support import LOCAL_CONFIG, LOCAL_PAGES
from tests.wiki.history_scenario import EXAMPLE_TIMES, EXPECTED, TITLE, make_history, redate

pytestmark = pytest.mark.wiki


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["history", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def history(local_wiki, tmp_path):
    """The wiki with the scenario's history of Hubs/Ongoing (and no other revision of it)."""
    local_wiki.reset()
    local_wiki.seed({t: x for t, x in LOCAL_PAGES.items() if t != TITLE})
    (tmp_path / "hubbot.toml").write_text(LOCAL_CONFIG, encoding="utf-8")
    local_wiki.config_path = tmp_path / "hubbot.toml"
    return local_wiki, make_history(local_wiki)


def walk(site, batch: int | None = None, **query):
    config = load_config(site.config_path)
    with session(config, Where(), lock=False) as backend:
        if batch is not None:
            backend.batch = batch
        before = backend.request_count
        result = history_from_wiki(backend, config, HistoryQuery(TITLE, **query))
        return result, backend.request_count - before, backend


def test_history_from_the_wiki_one_request_per_batch(history):
    site, revids = history
    result, requests, backend = walk(site)
    rows = history_rows([result])
    assert [(r["kind"], r["key"]) for r in rows] == EXPECTED
    assert result.revisions == len(revids) == 7 and result.same_text == 1
    # Every revision fits in one batch (the bot may ask for 500 with content).
    assert backend.batch == 500 and requests == 1
    users = {r["key"]: r["user"] for r in rows if r["kind"] == "hub stage"}
    assert users["north-america"] == "Editor"
    unreadable = next(r for r in rows if r["kind"] == "unreadable")
    assert unreadable["user"] == "Visitor" and unreadable["text"] == "no hubs table"


def test_continuation_reads_every_batch(history):
    site, revids = history
    result, requests, _ = walk(site, batch=3)
    assert [(r["kind"], r["key"]) for r in history_rows([result])] == EXPECTED
    assert requests == math.ceil(len(revids) / 3)


def test_the_cli_and_a_real_dumpbackup_export_give_the_same_history(history, tmp_path):
    site, _ = history
    code, out, err = cli("--config", str(site.config_path), "--page", TITLE,
                         "--format", "json")
    assert code == 0, err
    from_wiki = json.loads(out)
    assert "API requests" in err
    export = site.dump(tmp_path / "export.xml")  # every page of the wiki, all revisions
    code, out, err = cli("--dump", str(export), "--page", TITLE, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == from_wiki


def test_since_compares_with_the_revision_before(history):
    site, revids = history
    redate(site, revids, EXAMPLE_TIMES)  # 2022-03-14 ... 2024-06-20
    result, requests, _ = walk(site, since=date(2023, 9, 1))
    assert requests == 2  # the revision before 2023-09-01, then one batch
    rows = history_rows([result])
    # Compared with r(2023-04-02), not reported from nothing: no "added" for old hubs.
    assert [(r["kind"], r["key"]) for r in rows] == EXPECTED[7:]
    assert rows[0]["date"] == "2023-09-18"
