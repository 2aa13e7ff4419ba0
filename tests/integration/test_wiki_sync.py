"""hubbot against a real MediaWiki 1.39 on loopback (brought up by tests/conftest.py).

MediaWiki, not our code, is the judge here: revisions, summaries and bot flags are read
back through its API, edit conflicts are its own, and the tables hubbot writes are
rendered by its parser.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hubbot.app.config import load_config
from hubbot.app.model import Outcome
from hubbot.app.sync import Sync
from tests.support import (
    CEE,
    HUBS,
    LOCAL_CONFIG,
    LOCAL_PAGES,
    TODAY,
    make_sync,
    new_revisions,
    run_cli,
    stored_state,
)

CONFIG = LOCAL_CONFIG

pytestmark = pytest.mark.wiki
REPO = Path(__file__).resolve().parents[2]
PAGES = LOCAL_PAGES


def test_sync_edits_exactly_the_expected_pages_with_bot_flag(site):
    code, out, err = run_cli(site)
    assert code == 0, out + err
    edited = {t for t in PAGES if new_revisions(site, t)}
    assert edited == {"Hubs", "Hubs/Ongoing", "Wikimedia CEE Hub", "Hubs/Summary"}
    for title in edited:
        (rev,) = new_revisions(site, title)
        assert rev["user"] == "Bot" and rev["bot"] is True
        assert rev["comment"].startswith("hubbot: ")
    text = site.text("Hubs")
    assert text.index("27 November 2021") < text.index("12 March 2022")
    assert text == HUBS.replace(  # only the region changed, and only as expected
        HUBS[HUBS.index("|-\n| 12 March"):HUBS.index("|}")],
        "|-\n| 27 November 2021 || Hubs co-creation workshop ([[Special:MyLanguage/Hubs/"
        "Workshop November 27, 2021|event page]])\n"
        "|-\n| 12 March 2022 || Hubs Global Conversations ([[Special:MyLanguage/Hubs/Global "
        "Conversations March 12, 2022|event page]])\n"
        "|-\n| 24–26 June 2022 || Hubs Global Conversations ([[Special:MyLanguage/Hubs/"
        "Global Conversations June 24-26, 2022|event page]])\n").rstrip()


def test_second_run_makes_no_edit_and_fetches_no_content(site):
    sync, backend = make_sync(site)
    assert sync.run().exit_code == 0
    sync2, backend2 = make_sync(site)
    before = backend2.request_count  # after login
    report = sync2.run()
    assert report.quiet and report.exit_code == 0
    assert backend2.request_count - before == 1  # one batched revision check, no content
    assert all(len(new_revisions(site, t)) <= 1 for t in PAGES)


def test_tables_hubbot_writes_render_as_tables_in_mediawiki(site):
    assert run_cli(site)[0] == 0
    html = site.render(site.text("Hubs"))
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.DOTALL) for r in rows]
    plain = [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in cells]
    assert plain[0] == ["Date", "Event"]
    assert [row[0] for row in plain[1:]] == ["27 November 2021", "12 March 2022",
                                             "24–26 June 2022"]
    assert all(len(row) == 2 for row in plain)
    assert plain[1][1] == "Hubs co-creation workshop (event page)"
    ongoing = site.render(site.text("Hubs/Ongoing"))
    assert len(re.findall(r"<tr>", ongoing)) == 3


class HumanInTheWay:
    """Wraps a backend: before the first ``n`` saves of ``title``, a human (Editor, with
    plain requests, more than a second later) edits the same row the bot moves, so that
    MediaWiki cannot merge the two edits: a real edit conflict."""

    def __init__(self, backend, site, title: str, n: int) -> None:
        self.backend, self.site, self.title, self.left = backend, site, title, n

    def revisions(self, titles):
        return self.backend.revisions(titles)

    def fetch(self, titles):
        return self.backend.fetch(titles)

    def save(self, page, text, summary):
        if page.title == self.title and self.left:
            self.left -= 1
            time.sleep(1.1)  # MediaWiki detects conflicts with 1 s resolution
            current = self.site.text(self.title)
            self.site.edit(self.title, current.replace(
                "Hubs co-creation workshop", f"Hubs co-creation workshop (human {self.left})",
                1), as_editor=True)
        return self.backend.save(page, text, summary)

    def __getattr__(self, name):  # the rest of the Backend protocol, unchanged
        return getattr(self.backend, name)


def test_human_edit_between_read_and_save_is_kept(site):
    from hubbot.backends.wiki import WikiBackend

    backend = HumanInTheWay(WikiBackend("testwiki", "testwiki"), site, "Hubs", 1)
    sync, _ = make_sync(site, backend=backend)
    report = sync.run()
    assert {p.title: p.outcome for p in report.pages}["Hubs"] is Outcome.SAVED
    text = site.text("Hubs")
    assert "27 November 2021 || Hubs co-creation workshop (human 0)" in text
    users = [r["user"] for r in site.history("Hubs")]
    assert users[:2] == ["Bot", "Editor"]


def test_conflict_twice_leaves_the_human_text_and_fails_the_page(site):
    from hubbot.backends.wiki import WikiBackend

    backend = HumanInTheWay(WikiBackend("testwiki", "testwiki"), site, "Hubs", 2)
    sync, _ = make_sync(site, backend=backend)
    report = sync.run()
    result = next(p for p in report.pages if p.title == "Hubs")
    assert result.outcome is Outcome.FAILED and "conflict" in result.message
    assert report.exit_code == 1
    assert "workshop (human 0) (human 1)" in site.text("Hubs")
    assert "November 27, 2021" in site.text("Hubs")  # the bot's version never landed
    assert site.history("Hubs")[0]["user"] == "Editor"
    state = stored_state(site.config_path.parent / "state.json")
    assert "Hubs" not in state["pages"]


def test_nobots_and_protected_pages_are_respected_and_reported(site):
    site.edit("Wikimedia CEE Hub", "{{nobots}}\n" + CEE)
    site.protect("Hubs")
    code, out, _ = run_cli(site)
    assert code == 0  # opting out is reported, not a failure
    assert "Wikimedia CEE Hub: skipped: {{nobots}}" in out
    assert "Hubs: skipped: page is protected (edit=sysop)" in out
    assert all(r["user"] != "Bot" for t in ("Hubs", "Wikimedia CEE Hub")
               for r in site.history(t))
    assert [r["user"] for r in new_revisions(site, "Hubs/Summary")] == ["Bot"]


def test_shutoff_page_stops_the_run_before_any_edit(site):
    site.edit("User:Hubbot/Shutoff", "stop: the table format is being discussed")
    code, _, err = run_cli(site)
    assert code == 3 and "User:Hubbot/Shutoff" in err
    assert all(r["user"] != "Bot" for t in PAGES for r in site.history(t))


def test_missing_end_marker_refuses_that_page_and_leaves_it_untouched(site):
    broken = HUBS.replace("<!-- hubbot:events end -->", "")
    site.edit("Hubs", broken)
    code, out, _ = run_cli(site)
    assert code == 1 and "Hubs: failed: events region: region end marker missing" in out
    assert site.text("Hubs") == broken.rstrip()
    assert [r["user"] for r in new_revisions(site, "Wikimedia CEE Hub")] == ["Bot"]


def test_dry_run_makes_no_edit(site):
    code, out, _ = run_cli(site, "--dry-run")
    assert code == 0 and "+| 27 November 2021 ||" in out
    assert all(new_revisions(site, t) == [] for t in PAGES)
    assert not (site.config_path.parent / "state.json").exists()


def test_two_cron_runs_started_together_one_edits_one_exits_3(site):
    env = dict(os.environ, PYTHONPATH=str(REPO), HUBBOT_TODAY="2026-11-24")
    cmd = [sys.executable, "-m", "hubbot", "sync", "--config", str(site.config_path)]
    procs = []
    barrier = threading.Barrier(2)

    def start():
        barrier.wait()
        procs.append(subprocess.run(cmd, env=env, capture_output=True, text=True,
                                    timeout=120))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 3], [p.stderr for p in procs]
    loser = next(p for p in procs if p.returncode == 3)
    assert "another hubbot run" in loser.stderr
    assert len(new_revisions(site, "Hubs")) == 1


def test_failed_login_never_shows_the_password(site, tmp_path):
    bad = tmp_path / "pwb"
    bad.mkdir()
    config = (Path(os.environ["PYWIKIBOT_DIR"]) / "user-config.py").read_text()
    (bad / "user-config.py").write_text(config)
    secret = "f" * 32
    (bad / "user-password.py").write_text(f"('Bot', BotPassword('ci', '{secret}'))\n")
    (bad / "user-password.py").chmod(0o600)
    env = dict(os.environ, PYTHONPATH=str(REPO), PYWIKIBOT_DIR=str(bad))
    proc = subprocess.run([sys.executable, "-m", "hubbot", "sync", "--config",
                           str(site.config_path)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 4  # credentials: the operator must act
    assert "hubbot: error: login to testwiki:testwiki failed" in proc.stderr
    everything = proc.stdout + proc.stderr
    for path in bad.rglob("*"):
        if path.is_file() and path.name != "user-password.py":
            everything += path.read_text(errors="replace")
    assert secret not in everything


def test_changed_run_reads_in_one_batch_and_edits_once_per_changed_page(site):
    titles = [f"Hubs/Copy {i}" for i in range(60)]
    site.seed(dict.fromkeys(titles, HUBS))
    from hubbot.core.read import parse_page
    from hubbot.core.write import render_page

    tidy = render_page(parse_page(HUBS, "Hubs/Copy 0"))
    site.seed({"Hubs/Copy 0": tidy})  # already normalized: must not be edited
    cfg = site.config_path.parent / "many.toml"
    cfg.write_text('[site]\nfamily = "testwiki"\ncode = "testwiki"\n[bot]\n'
                   'state_path = "many-state.json"\n'
                   + "".join(f'[[pages]]\ntitle = "{t}"\ntables = ["events"]\n'
                             for t in titles), encoding="utf-8")
    from hubbot.backends.wiki import WikiBackend

    backend = WikiBackend("testwiki", "testwiki")
    _ = backend.site.tokens["csrf"]  # counted separately: cached per process
    start = backend.request_count
    report = Sync(load_config(cfg), backend, today=TODAY).run()
    saved = [p.title for p in report.pages if p.outcome is Outcome.SAVED]
    assert len(saved) == 59 and "Hubs/Copy 0" not in saved
    # The bot has apihighlimits: 500 titles a query (tests/integration/test_requests.py
    # has the 50-title batches of an account without it).
    assert backend.request_count - start == 1 + 1 + len(saved)
    start = backend.request_count
    assert Sync(load_config(cfg), backend, today=TODAY).run().quiet
    assert backend.request_count - start == 1  # one revision check, nothing else
