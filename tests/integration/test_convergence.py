"""Nothing lost under faults and races (issue 12), against the real local MediaWiki.

Fault matrix: every fault at every save position; the run with the fault exits non-zero,
then clean runs must end with exactly the pages and state of a fault-free run. Faults are
injected into the real traffic with ``responses`` (every other request passes through).
Human edits: a second account edits between hubbot's read and its save, 0 s and 1.1 s
later: on the first source page each kind of change, which must be in the final page and
state; on every other page hubbot saves an added line, after which the runs must end with
the fault-free pages and state plus that line.
The positions are the first, middle and last source page, a hub page, the summary, the
data page, the report page and the review page.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import date

import pytest
import requests
import responses

from hubbot.app.config import load_config
from hubbot.app.datapage import initial_text
from hubbot.app.model import Mode, Outcome
from hubbot.app.onwiki import post_review
from hubbot.app.sync import Sync
from tests.support import CEE, EARTH, HUBS, ONGOING, SUMMARY, edit_of, stored_state, when

pytestmark = pytest.mark.wiki
TODAY = date(2026, 11, 24)
MORE = HUBS.replace("12 March 2022 || Hubs Global", "5 May 2023 || Hubs Regional")
DATA = "Module:Hubs/data.json"
PAGES = {"Hubs": HUBS, "Hubs/More": MORE, "Hubs/Ongoing": ONGOING,
         "Wikimedia CEE Hub": CEE, "EARTHub": EARTH, "Hubs/Summary": SUMMARY,
         DATA: initial_text(),
         "User:Hubbot/Shutoff": "run", "Hubs/Review": "Reviews appear here.",
         "User:Hubbot/Status": "Reports.\n<!-- hubbot:status start -->\n"
                               "<!-- hubbot:status end -->"}
CONFIG = """[site]
family = "testwiki"
code = "testwiki"
[bot]
shutoff_page = "User:Hubbot/Shutoff"
state_path = "state.json"
lock_path = "run.lock"
[status]
summary_page = "Hubs/Summary"
[review]
page = "Hubs/Review"
approvers = ["Editor"]
[report_page]
title = "User:Hubbot/Status"
[data_page]
title = "Module:Hubs/data.json"
[[pages]]
title = "Hubs"
tables = ["events"]
[[pages]]
title = "Hubs/More"
tables = ["events"]
[[pages]]
title = "Hubs/Ongoing"
tables = ["hubs"]
[[hub_pages]]
title = "Wikimedia CEE Hub"
hub = "central-and-eastern-europe"
[[hub_pages]]
title = "EARTHub"
hub = "ea-regional-and-thematic-hub-earth"
"""
POSITIONS = ["Hubs", "Hubs/More", "Hubs/Ongoing", "EARTHub", "Hubs/Summary", DATA,
             "User:Hubbot/Status", "Hubs/Review"]
ROW = "|-\n| 2022-01-29 || Spanish community workshop\n"
HUB_ROW = "|-\n| Regional || Aaland Hub || || Research || new\n"
FIGURES = {"faults tried": 0, "faults survived": 0, "human edits tried": 0,
           "human edits kept": 0, "human edits found only after the save": 0,
           "edits owed": 0, "edits made": 0}


class Killed(BaseException):
    """Stands in for kill -9: nothing after it runs (not even ``except Exception``)."""


def _kill(request):
    raise Killed()


FAULTS: dict[str, Callable] = {
    "503": lambda r, url, m: r.add(responses.POST, url, status=503, body="down", match=m),
    "503+Retry-After": lambda r, url, m: r.add(responses.POST, url, status=503, body="down",
                                               headers={"Retry-After": "1"}, match=m),
    "timeout": lambda r, url, m: r.add(responses.POST, url, match=m,
                                       body=requests.exceptions.ReadTimeout("timed out")),
    "connection refused": lambda r, url, m: r.add(
        responses.POST, url, match=m, body=requests.exceptions.ConnectionError("refused")),
    "API error": lambda r, url, m: r.add(
        responses.POST, url, match=m,
        json={"error": {"code": "hookaborted", "info": "aborted by an extension"}}),
    "bad token": lambda r, url, m: r.add(
        responses.POST, url, match=m,
        json={"error": {"code": "badtoken", "info": "Invalid CSRF token."}}),
    "kill -9": lambda r, url, m: r.add_callback(responses.POST, url, callback=_kill,
                                                match=m),
}


@pytest.fixture(scope="module")
def backend(local_wiki):
    from hubbot.backends.wiki import WikiBackend

    b = WikiBackend("testwiki", "testwiki", max_retries=1, retry_wait=0.1)
    yield b
    b.close()


def fresh_site(wiki, tmp_path):
    wiki.reset()
    wiki.seed(PAGES)
    (tmp_path / "hubbot.toml").write_text(CONFIG, encoding="utf-8")
    return load_config(tmp_path / "hubbot.toml")


def human_changes(wiki) -> None:
    """What editors did since the last run: every source page (one row hubbot cannot
    read, for the report page to report) and EARTH's stage."""
    wiki.edit("Hubs", wiki.text("Hubs").replace("|}\n<!-- hubbot:events end",
                                                ROW + "|}\n<!-- hubbot:events end"),
              as_editor=True)
    wiki.edit("Hubs/More", wiki.text("Hubs/More").replace("5 May 2023", "May 6, 2023")
              .replace("|}\n<!-- hubbot:events end", "|-\n| sometime in spring || Hubs "
                       "regional meetup\n|}\n<!-- hubbot:events end"), as_editor=True)
    wiki.edit("Hubs/Ongoing", wiki.text("Hubs/Ongoing").replace(
        "|| Planning ||", "|| Pilot ||").replace(
        "|}\n<!-- hubbot:hubs end", HUB_ROW + "|}\n<!-- hubbot:hubs end"), as_editor=True)


def one_run(config, backend):
    report = Sync(config, backend, mode=Mode.CRON, today=TODAY).run()
    dry = Sync(config, backend, mode=Mode.DRY_RUN, today=TODAY, force=True).run()
    post_review(config, backend, dry, today=TODAY)
    return report


def snapshot(wiki, config) -> tuple[dict, dict]:
    texts = {t: wiki.text(t) for t in PAGES}
    # The review names the revisions it was made from: their ids differ between runs.
    texts["Hubs/Review"] = re.sub(r"revisions=[^|]*", "revisions=...", texts["Hubs/Review"])
    # The report page names the time of its last change.
    texts["User:Hubbot/Status"] = re.sub(r"report: [^\n]*", "report: ...",
                                         texts["User:Hubbot/Status"])
    texts[DATA] = _data_without_revisions(wiki, texts[DATA])
    state = stored_state(config.state_path)
    revids = {t: wiki.api(action="query", prop="revisions", titles=t)["query"]["pages"][0]
              ["revisions"][0]["revid"] for t in state["pages"]}
    for title, entry in state["pages"].items():
        assert entry["revid"] == revids[title], f"{title}: state does not match the wiki"
        entry.pop("revid")
        if "saved" in entry:  # hubbot's last save (watched for reverts): its id differs too
            entry["saved"]["revid"] = entry["saved"]["revid"] == revids[title]
    state.pop("last_run")
    return texts, state


def _data_without_revisions(wiki, text: str) -> str:
    """The data page's document with each revision it names (a source page's, whose ids
    differ between runs) checked to be one of that page's and then left out."""
    doc = json.loads(text)
    history: dict[str, set[int]] = {}

    def check(page: str, revid: int) -> None:
        if page not in history:
            found = wiki.api(action="query", prop="revisions", titles=page, rvlimit="max",
                             rvprop="ids")["query"]["pages"][0]["revisions"]
            history[page] = {r["revid"] for r in found}
        assert revid in history[page], f"{DATA}: {page} has no revision {revid}"

    for page, revid in doc["pages"].items():
        check(page, revid)
    doc["pages"] = sorted(doc["pages"])
    for kind in ("events", "hubs", "interviews"):
        for record in doc[kind]:
            check(record["source"], record.pop("revision"))
    return json.dumps(doc, sort_keys=True, indent=1)


def scenario(wiki, tmp_path, backend, fault: str | None, position: str | None):
    config = fresh_site(wiki, tmp_path)
    assert Sync(config, backend, today=TODAY).run().exit_code == 0
    human_changes(wiki)
    failed_code = 0
    if fault is not None:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            rsps.add_passthru("http://127.0.0.1")
            FAULTS[fault](rsps, wiki.api_url, [when(edit_of(position))])
            try:
                failed_code = one_run(config, backend).exit_code
            except Killed:
                failed_code = 137
            except Exception as exc:  # noqa: BLE001 - the review page save raises
                failed_code = getattr(exc, "exit_code", 1)
        state = stored_state(config.state_path)
        FIGURES["edits owed"] += sum(1 for e in state["pages"].values() if e.get("owed"))
    for _ in range(3):
        report = one_run(config, backend)
        FIGURES["edits made"] += sum(1 for p in report.pages if p.outcome is Outcome.SAVED)
        if report.quiet:
            break
    assert report.exit_code == 0
    return failed_code, snapshot(wiki, config)


@pytest.fixture(scope="module")
def reference(local_wiki, tmp_path_factory, backend):
    return scenario(local_wiki, tmp_path_factory.mktemp("ref"), backend, None, None)[1]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_fault_at_every_save_position_converges(local_wiki, tmp_path, backend,
                                                      reference, fault, position):
    FIGURES["faults tried"] += 1
    code, (texts, state) = scenario(local_wiki, tmp_path, backend, fault, position)
    assert code != 0
    assert texts == reference[0]
    if state != reference[1]:
        import difflib
        pytest.fail("state differs:\n" + "\n".join(difflib.unified_diff(
            json.dumps(reference[1], indent=1, sort_keys=True).splitlines(),
            json.dumps(state, indent=1, sort_keys=True).splitlines(), lineterm="")))
    FIGURES["faults survived"] += 1


HUMAN = {
    "added row": lambda t: t.replace("|}\n<!-- hubbot:events end",
                                     ROW + "|}\n<!-- hubbot:events end"),
    "rename": lambda t: t.replace("Hubs co-creation workshop", "Hubs co-design workshop"),
    "date change": lambda t: t.replace("24 June 2022 - 26 June 2022", "25 June 2022"),
    "deleted row": lambda t: t.replace(
        "|-\n| 12 March 2022 || Hubs Global Conversations ([[Special:MyLanguage/Hubs/"
        "Global Conversations March 12, 2022|event page]])\n", ""),
    "outside the region": lambda t: t.replace("Text after the table stays.",
                                              "Text after the table stays. Human note."),
}
EXPECT = {"added row": "29 January 2022 || Spanish community workshop",
          "rename": "Hubs co-design workshop", "date change": "| 25 June 2022 ||",
          "deleted row": None, "outside the region": "stays. Human note."}


class HumanBetween:
    """Wraps a backend: before hubbot's first save of ``title`` a human edits it."""

    def __init__(self, backend, wiki, title: str, change, gap: float) -> None:
        self.backend, self.wiki, self.title = backend, wiki, title
        self.change, self.gap, self.done = change, gap, False

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def save(self, page, text, summary):
        if page.title == self.title and not self.done:
            self.done = True
            time.sleep(self.gap)
            self.wiki.edit(self.title, self.change(self.wiki.text(self.title)),
                           as_editor=True)
        return self.backend.save(page, text, summary)


@pytest.mark.parametrize("gap", [0.0, 1.1])
@pytest.mark.parametrize("kind", list(HUMAN))
def test_a_human_edit_between_read_and_save_is_never_lost(local_wiki, tmp_path, backend,
                                                          kind, gap):
    FIGURES["human edits tried"] += 1
    config = fresh_site(local_wiki, tmp_path)
    run = Sync(config, HumanBetween(backend, local_wiki, "Hubs", HUMAN[kind], gap),
               today=TODAY).run()
    assert run.exit_code == 0, [p.line() for p in run.pages]
    FIGURES["human edits found only after the save"] += run.human_edits_kept
    text = local_wiki.text("Hubs")
    titles = [e["title"] for e in stored_state(config.state_path)
              ["pages"]["Hubs"]["records"]["events"]]
    if EXPECT[kind] is None:
        assert "12 March 2022" not in text and len(titles) == 2
    else:
        assert EXPECT[kind] in text
    if kind == "added row":
        assert "Spanish community workshop" in titles
    if kind == "rename":
        assert "Hubs co-design workshop" in titles
    assert text.index("November 2021") < text.index("June 2022")  # still normalised
    again = Sync(config, backend, today=TODAY).run()
    assert again.quiet  # the state holds what is on the wiki
    FIGURES["human edits kept"] += 1


NOTE = "\nA person's note, written while hubbot was saving."


@pytest.mark.parametrize("gap", [0.0, 1.1])
@pytest.mark.parametrize("title", ["Hubs/More", "Hubs/Ongoing", "EARTHub", "Hubs/Summary",
                                   "User:Hubbot/Status"])
def test_a_human_edit_of_any_page_between_read_and_save_is_kept(local_wiki, tmp_path, backend,
                                                                reference, title, gap):
    """Every page hubbot edits besides ``Hubs`` (above): a person adds a line between
    hubbot's read and its save. The run and the clean runs after it end with the
    fault-free result plus that line."""
    FIGURES["human edits tried"] += 1
    config = fresh_site(local_wiki, tmp_path)
    assert Sync(config, backend, today=TODAY).run().exit_code == 0
    human_changes(local_wiki)
    between = HumanBetween(backend, local_wiki, title, lambda t: t + NOTE, gap)
    report = Sync(config, between, mode=Mode.CRON, today=TODAY).run()
    assert between.done, f"hubbot did not save {title}"
    assert report.exit_code == 0, [p.line() for p in report.pages]
    FIGURES["human edits found only after the save"] += report.human_edits_kept
    dry = Sync(config, backend, mode=Mode.DRY_RUN, today=TODAY, force=True).run()
    post_review(config, backend, dry, today=TODAY)
    for _ in range(3):
        if one_run(config, backend).quiet:
            break
    texts, state = snapshot(local_wiki, config)
    assert texts[title].endswith(NOTE.strip())
    assert texts == dict(reference[0], **{title: reference[0][title] + NOTE})
    # The text hubbot's save replaced (kept to tell a revert) had the person's line in it.
    want = json.loads(json.dumps(reference[1]))
    for entry in (state, want):
        entry["pages"][title].get("saved", {}).pop("before_sha1", None)
    assert state == want
    FIGURES["human edits kept"] += 1


def test_print_figures(capsys):
    with capsys.disabled():
        print("\nissue 12 figures: " + ", ".join(f"{k}: {v}" for k, v in FIGURES.items()))
    assert FIGURES["faults survived"] == FIGURES["faults tried"]
    assert FIGURES["human edits kept"] == FIGURES["human edits tried"]


@pytest.mark.parametrize("fault", ["503", "connection refused", "timeout"])
def test_network_faults_print_no_traceback(local_wiki, tmp_path, backend, capsys, fault):
    config = fresh_site(local_wiki, tmp_path)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_passthru("http://127.0.0.1")
        FAULTS[fault](rsps, local_wiki.api_url, [when(edit_of("Hubs"))])
        report = Sync(config, backend, today=TODAY).run()
    assert report.exit_code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and 'File "' not in err


def test_a_scheduled_run_never_prompts_for_a_password(local_wiki, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = fresh_site(local_wiki, tmp_path)
    pwb = tmp_path / "pwb"
    pwb.mkdir()
    user_config = (Path(os.environ["PYWIKIBOT_DIR"]) / "user-config.py").read_text()
    (pwb / "user-config.py").write_text(user_config.replace(
        "password_file = 'user-password.py'", ""))
    env = dict(os.environ, PYWIKIBOT_DIR=str(pwb), HUBBOT_TODAY="2026-11-24",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen([sys.executable, "-m", "hubbot", "sync", "--config",
                             str(config.path)], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:  # stdin stays an open pipe: a prompt would hang here
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 4, err
    assert "hubbot: error:" in err and "Traceback" not in err
    assert "never prompts" in err  # pywikibot did ask: the question was refused


def test_an_unknown_family_is_a_configuration_error(local_wiki, tmp_path):
    import io

    from hubbot.cli.main import main

    (tmp_path / "c.toml").write_text(CONFIG.replace('family = "testwiki"',
                                                    'family = "nosuchfamily"'))
    out, err = io.StringIO(), io.StringIO()
    code = main(["sync", "--config", str(tmp_path / "c.toml")], stdout=out, stderr=err)
    assert code == 2 and err.getvalue().startswith("hubbot: error: [site] nosuchfamily")
    assert "Traceback" not in err.getvalue()
