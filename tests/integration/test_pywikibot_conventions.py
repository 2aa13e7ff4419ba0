"""Pywikibot's conventions against the local MediaWiki 1.39: global options through
``pywikibot.handle_args`` (``-simulate``, ``-dir:``, ``-user:``, ``-v``), exclusion
decided by ``Page.botMayEdit`` at no extra request, ``input_choice`` in interactive runs,
a wiki named by its API URL, and failures that name their cause."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import responses

from hubbot.backends.base import bots_allowed
from tests.support import CONFIG as OFFLINE_CONFIG
from tests.support import LOCAL_PAGES as PAGES
from tests.support import edit_of, new_revisions, run_cli, when

pytestmark = pytest.mark.wiki
REPO = Path(__file__).resolve().parents[2]
HUBBOT = str(Path(sys.executable).parent / "hubbot")

# The cases of issue 14: pywikibot's answer for the bot named in user-config ("Bot").
EXCLUSION = {
    "Ex/nobots": ("{{nobots}}", False),
    "Ex/comment": ("<!--{{nobots}}-->", True),
    "Ex/nowiki": ("<nowiki>{{nobots}}</nowiki>", True),
    "Ex/nobots deny": ("{{nobots|deny=Bot}}", False),
    "Ex/Template prefix": ("{{Template:Nobots}}", False),
    "Ex/bots deny": ("{{bots|deny=Bot}}", False),
    "Ex/bots allow other": ("{{bots|allow=Someone}}", False),
    "Ex/bots allow us": ("{{bots|allow=Bot}}", True),
    "Ex/plain": ("Just text.", True),
}


def state_file(site) -> Path:  # noqa: F811
    return site.config_path.parent / "state.json"


def test_simulate_runs_up_to_the_save_and_writes_nothing(site):  # noqa: F811
    code, out, err = run_cli(site, "-simulate")
    assert code == 0, out + err
    assert "Hubs: would save (simulated)" in out
    assert "Wikimedia CEE Hub: would save (simulated)" in out
    assert all(new_revisions(site, t) == [] for t in PAGES)
    assert not state_file(site).exists()  # nothing recorded as made
    code, out, _ = run_cli(site)  # the real run afterwards still has everything to do
    assert code == 0 and "Hubs: saved" in out


def test_simulate_in_user_config_is_honoured(site, monkeypatch):  # noqa: F811
    from pywikibot import config as pwb_config

    from hubbot.backends.wiki import process as wiki

    # as if user-config.py said simulate = True (a backend made earlier in this process
    # keeps what user-config.py set in process._USER_CONFIG)
    if wiki._USER_CONFIG:
        monkeypatch.setitem(wiki._USER_CONFIG, "simulate", True)
    else:
        monkeypatch.setattr(pwb_config, "simulate", True)
    code, out, err = run_cli(site, "--log-format", "json")
    assert code == 0, out + err
    pages = [json.loads(line) for line in out.splitlines()]
    assert {p.get("page") for p in pages if "(simulated)" in p["message"]} >= {"Hubs"}
    assert all(new_revisions(site, t) == [] for t in PAGES)


def test_exclusion_is_botmayedit_and_costs_no_request(site):  # noqa: F811
    import pywikibot

    from hubbot.backends.wiki import WikiBackend

    site.seed({title: text for title, (text, _) in EXCLUSION.items()})
    backend = WikiBackend("testwiki", "testwiki")
    before = backend.request_count
    pages = backend.fetch(list(EXCLUSION))
    assert backend.request_count - before == 1  # the one batched read, nothing per page
    for title, (text, expected) in EXCLUSION.items():
        oracle = pywikibot.Page(backend.site, title).botMayEdit()  # asks the wiki
        assert oracle is expected, title
        assert pages[title].editable is expected, title
        assert bots_allowed(text, backend.username) is expected, title  # files backend
    backend.close()


def test_a_config_naming_the_wiki_by_url_syncs(site):  # noqa: F811
    config = site.config_path.parent / "by-url.toml"
    config.write_text(f'[site]\nurl = "{site.api_url}"\nusername = "{site.bot_user}"\n'
                      + OFFLINE_CONFIG, encoding="utf-8")
    site.config_path = config
    code, out, err = run_cli(site)
    assert code == 0, out + err
    assert "Hubs: saved" in out
    assert [r["user"] for r in site.history("Hubs")][0] == site.bot_user


def test_a_failed_save_names_its_cause(site):  # noqa: F811
    from hubbot.app.model import Outcome
    from hubbot.backends.wiki import WikiBackend
    from tests.integration.test_wiki_sync import make_sync

    backend = WikiBackend("testwiki", "testwiki", max_retries=1, retry_wait=0.1)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_passthru("http://127.0.0.1")
        rsps.add(responses.POST, site.api_url, status=503, body="Service Unavailable",
                 match=[when(edit_of("Hubs"))])
        report = make_sync(site, backend=backend)[0].run()
    hubs = {p.title: p for p in report.pages}["Hubs"]
    assert hubs.outcome is Outcome.FAILED
    assert hubs.message.startswith("not saved: ")
    assert "503 Server Error: Service Unavailable" in hubs.message, hubs.message
    backend.close()


def _env(site, **extra: str) -> dict[str, str]:  # noqa: F811
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYWIKIBOT")}
    return {**env, "HOME": str(site.config_path.parent), **extra}


def test_global_options_on_the_command_line(site):  # noqa: F811
    """-dir: (read before pywikibot starts), -simulate and -v, in a fresh process."""
    result = subprocess.run(
        [HUBBOT, "sync", "--config", str(site.config_path), "-dir:" + str(site.pywikibot_dir),
         "-simulate", "-v"], env=_env(site), capture_output=True, text=True, timeout=300,
        cwd=site.config_path.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Hubs: would save (simulated)" in result.stdout
    assert f"Python {sys.version.split()[0]}" in result.stderr  # -v: handle_args says so
    assert all(new_revisions(site, t) == [] for t in PAGES)


def test_user_option_chooses_the_account(site):  # noqa: F811
    """-user: names an account user-password.py has no password for: pywikibot would
    ask for one, hubbot refuses (exit 4) and says so as a JSON line too."""
    code, out, err = run_cli(site, "-user:Nobody", "--log-format", "json")
    assert code == 4, out + err
    (error,) = [json.loads(line) for line in out.splitlines()
                if json.loads(line).get("kind") == "error"]
    assert error["exit_code"] == 4 and "Nobody" in error["message"]
    assert "hubbot: error: " in err


def test_interactive_asks_with_pywikibot_input_choice(site):  # noqa: F811
    """n for the first page, then a(ll): pywikibot's own question and diff."""
    result = subprocess.run(
        [HUBBOT, "sync", "--config", str(site.config_path), "--interactive",
         "--today", "2026-11-24"], input="n\na\n",
        env=_env(site, PYWIKIBOT_DIR=str(site.pywikibot_dir)), capture_output=True,
        text=True, timeout=300, cwd=site.config_path.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    both = result.stdout + result.stderr
    assert "Save Hubs? ([y]es, [N]o, [a]ll, [q]uit)" in both, both
    assert "Hubs: declined" in result.stdout
    assert "Wikimedia CEE Hub: saved" in result.stdout
    assert new_revisions(site, "Hubs") == [] and new_revisions(site, "Wikimedia CEE Hub")
