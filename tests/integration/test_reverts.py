"""No edit war (issue 18), against the real local MediaWiki 1.39: a person reverts one of
hubbot's edits (undo, rollback, a manual revert, an undo on a hub page's ``{{Hub
status}}``, a revert followed by an unrelated edit, an undo merged over a later edit);
hubbot must then make no edit to that page over several runs, say so (log line, status
page), and after a release (``hubbot release`` or ``release=`` on the trigger page by an
approver) do the pending work exactly once. MediaWiki decides what a revert is (its tags,
``mw-reverted`` set by the job queue, which the harness runs only where a test says so).
"""

from __future__ import annotations

import io
import re

import pytest

from hubbot.cli.main import main
from tests.support import LOCAL_CONFIG, LOCAL_PAGES, TODAY, make_sync

pytestmark = pytest.mark.wiki

MORE = """
[review]
page = "Hubs/Review"
approvers = ["Editor"]
trigger_page = "Hubs/Update now"
trigger_interval_minutes = 0
[report_page]
title = "User:Hubbot/Status"
docs_page = "User:Hubbot"
"""
STATUS = "Reports.\n<!-- hubbot:status start -->\n<!-- hubbot:status end -->"
FIGURES = {"reverts tried": 0, "reverts respected": 0, "hubbot edits while held": 0,
           "runs while held": 0, "pending edits done once after release": 0}


@pytest.fixture
def revert_site(local_wiki, tmp_path):
    local_wiki.reset()
    local_wiki.seed({**LOCAL_PAGES, "Hubs/Review": "Reviews appear here.",
                     "Hubs/Update now": "Ask for a run.\n{{Hubbot update|status=|run=|"
                                        "result=}}",
                     "User:Hubbot/Status": STATUS})
    (tmp_path / "hubbot.toml").write_text(LOCAL_CONFIG + MORE, encoding="utf-8")
    local_wiki.config_path = tmp_path / "hubbot.toml"
    return local_wiki


def cli(site, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*args, "--config", str(site.config_path)], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def sync(site, *args: str) -> tuple[int, str, str]:
    return cli(site, "sync", "--today", TODAY.isoformat(), *args)


def revs(site, title: str) -> list[dict]:
    page = site.api(action="query", prop="revisions", titles=title, rvlimit=50,
                    rvprop="ids|user|tags|sha1|comment")["query"]["pages"][0]
    return page["revisions"]  # newest first


def bot_edits_after(site, title: str, revid: int) -> int:
    return sum(1 for r in revs(site, title) if r["user"] == "Bot" and r["revid"] > revid)


def post(site, session, **data) -> dict:
    data.setdefault("format", "json")
    r = session.post(site.api_url, data=data, timeout=30).json()
    assert "error" not in r, r
    return r


def undo(site, title: str, revid: int, user: str = "Editor") -> int:
    s = site.admin() if user == "Admin" else site.session(user)
    r = post(site, s, action="edit", title=title, undo=revid, token=site._csrf(s))
    return r["edit"]["newrevid"]


def rollback(site, title: str) -> int:
    s = site.admin()  # sysop: has the rollback right
    token = s.get(site.api_url, params={"action": "query", "meta": "tokens",
                                        "type": "rollback", "format": "json"},
                  timeout=10).json()["query"]["tokens"]["rollbacktoken"]
    r = post(site, s, action="rollback", title=title, user="Bot", token=token)
    return r["rollback"]["revid"]


def manual_revert(site, title: str, revid: int) -> int:
    old = site.api(action="query", prop="revisions", revids=revid, rvprop="content",
                   rvslots="main")["query"]["pages"][0]["revisions"][0]["slots"]["main"]
    return site.edit(title, old["content"], "put the table back as it was",
                     as_editor=True)["newrevid"]


def unrelated(site, title: str) -> int:
    return site.edit(title, site.text(title).replace(
        "Text after the table stays.", "Text after the table changed."),
        "an unrelated change", as_user="Visitor")["newrevid"]


def revert_undo(site, title, ours, parent):
    return undo(site, title, ours)


def revert_rollback(site, title, ours, parent):
    return rollback(site, title)


def revert_manual(site, title, ours, parent):
    return manual_revert(site, title, parent)


def revert_then_unrelated(site, title, ours, parent):
    rid = undo(site, title, ours)
    unrelated(site, title)
    return rid


def undo_merged_over_a_later_edit(site, title, ours, parent):
    unrelated(site, title)
    # A three-way merge: not the text before hubbot's edit. MediaWiki tags the reverted
    # edit mw-reverted (a deferred job) only once the revert is patrolled: at once for an
    # autopatrolled user such as a sysop, after a patroller's look for others.
    rid = undo(site, title, ours, user="Admin")
    site._php("runJobs.php")
    assert "mw-reverted" in next(r for r in revs(site, title) if r["revid"] == ours)["tags"]
    return rid


FORMS = {  # form: (page, revert, expected tag, release by)
    "undo": ("Hubs", revert_undo, "mw-undo", "cli"),
    "rollback": ("Hubs", revert_rollback, "mw-rollback", "wiki"),
    "manual revert": ("Hubs", revert_manual, "mw-manual-revert", "cli"),
    "undo on a hub page": ("Wikimedia CEE Hub", revert_undo, "mw-undo", "wiki"),
    "revert, then an unrelated edit": ("Hubs", revert_then_unrelated, "mw-undo", "cli"),
    "undo merged over a later edit": ("Hubs", undo_merged_over_a_later_edit, "mw-undo",
                                      "wiki"),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_a_revert_holds_the_page_until_released(revert_site, form):
    site = revert_site
    title, revert, tag, release_by = FORMS[form]
    FIGURES["reverts tried"] += 1
    code, out, err = sync(site)
    assert code == 0, out + err
    history = revs(site, title)
    assert history[0]["user"] == "Bot", history
    ours, parent = history[0]["revid"], history[1]["revid"]
    reverted_in = revert(site, title, ours, parent)
    assert tag in next(r for r in revs(site, title) if r["revid"] == reverted_in)["tags"]
    after_revert = revs(site, title)[0]["revid"]
    reverted_text = site.text(title)

    # the first run after the revert: held, said in the log line and on the report page
    code, out, err = sync(site)
    assert code == 0, out + err
    user = "Admin" if form in ("rollback", "undo merged over a later edit") else "Editor"
    line = next(x for x in out.splitlines() if x.startswith(f"{title}: held"))
    assert re.search(rf"hubbot's r{ours} was reverted by {user} \(r{reverted_in}, {tag}, "
                     r"\d{4}-\d\d-\d\dT", line), line
    assert "hubbot release PAGE" in line
    status = site.text("User:Hubbot/Status")
    assert status.index("== Held pages") < status.index("== Pages that need attention")
    assert f"[[:{title}]] || r{ours} || [[User:{user}|{user}]]" in status
    shown = site.render(status)
    assert "<code>{{Hubbot update|release=PAGE}}</code>" in shown
    assert 'title="Hubs/Update now"' in shown and "hubbot release PAGE" in shown
    # ... and the runs after it, in every mode: no edit of that page
    assert sync(site)[0] == 0
    code, out, _ = sync(site, "--dry-run", "--force")
    assert code == 0 and f"{title}: held" in out
    s, backend = make_sync(site)
    start = backend.request_count
    report = s.run()
    assert report.quiet and backend.request_count - start == 1  # one revision check
    backend.close()
    held_edits = bot_edits_after(site, title, after_revert)
    FIGURES["runs while held"] += 4
    FIGURES["hubbot edits while held"] += held_edits
    assert held_edits == 0 and site.text(title) == reverted_text

    # released: the pending work is done once
    if release_by == "cli":
        code, out, err = cli(site, "release", title)
        assert code == 0 and f"{title}: released" in out, out + err
    else:
        site.edit("Hubs/Update now", site.text("Hubs/Update now").replace(
            "|result=", f"|release={title}|result="), "release", as_editor=True)
    for _ in range(3):
        code, out, err = sync(site)
        assert code == 0, out + err
    done = bot_edits_after(site, title, after_revert)
    assert done == 1 and site.text(title) != reverted_text
    if release_by == "wiki":
        answer = site.text("Hubs/Update now")
        assert f"released: {title}" in answer and "|release=|" in answer
    assert "== Held pages" not in site.text("User:Hubbot/Status")
    FIGURES["pending edits done once after release"] += done
    FIGURES["reverts respected"] += 1


def test_a_release_by_someone_who_may_not_approve_is_ignored(revert_site):
    site = revert_site
    sync(site)
    ours = revs(site, "Hubs")[0]["revid"]
    after = undo(site, "Hubs", ours)
    sync(site)
    site.edit("Hubs/Update now", site.text("Hubs/Update now").replace(
        "|result=", "|release=Hubs|result="), "release", as_user="Visitor")
    for _ in range(2):
        assert sync(site)[0] == 0
    assert bot_edits_after(site, "Hubs", after) == 0


def test_the_revision_sha1_is_the_sha1_of_the_text_read(revert_site):
    """The fallback compares MediaWiki's sha1 with the SHA-1 of the text hubbot read."""
    from hubbot.core.reverts import text_sha1

    site = revert_site
    site.edit("Hubs", "CRLF\r\nand trailing space   \r\n\r\n", as_editor=True)
    assert revs(site, "Hubs")[0]["sha1"] == text_sha1(site.text("Hubs"))


def test_print_figures(capsys):
    with capsys.disabled():
        print("\nissue 18 figures: " + ", ".join(f"{k}: {v}" for k, v in FIGURES.items()))


def test_the_documentation_page_is_installed_and_renders(revert_site):
    """``templates install`` puts the bot's own page under ``docs_page``; MediaWiki renders
    it with every name filled in and the pages it names linked (blue)."""
    from tests.integration.test_templates import parse, visible

    site = revert_site
    code, out, err = cli(site, "templates", "install", "--write")
    assert code == 0 and "User:Hubbot: created" in out, out + err
    parsed = parse(site, "User:Hubbot")
    text = visible(parsed["text"])
    assert "@@" not in text and "{{#if" not in text and "{{{" not in text
    for said in ("Edit User:Hubbot/Shutoff and replace the word run",
                 "holds that page and makes no further edit to it",
                 "{{Hubbot update|release=Hubs}}", "hubbot release PAGE",
                 "Put {{nobots}}", "Edit rate one scheduled run an hour",
                 "User:Hubbot/Status : the last run: held pages first"):
        assert said in text, said
    links = {link["title"]: link.get("exists", False) for link in parsed["links"]}
    for title in ("Hubs", "Hubs/Ongoing", "Wikimedia CEE Hub", "Hubs/Summary",
                  "User:Hubbot/Shutoff", "User:Hubbot/Status", "Hubs/Update now",
                  "Hubs/Review"):
        assert links.get(title), (title, links)
    assert not [t for t in parsed["templates"] if not t.get("exists")]


def test_an_approved_review_does_not_edit_a_held_page(revert_site):
    """``--apply-approved`` applies the reviewed change to the other pages only; the
    review lists the held page first and leaves it out of the change."""
    from hubbot.core.review import read_review

    site = revert_site
    sync(site)
    ours = revs(site, "Hubs")[0]["revid"]
    after = undo(site, "Hubs", ours)
    assert sync(site)[0] == 0
    site.edit("Hubs/Ongoing", site.text("Hubs/Ongoing").replace(
        "|| Implementation ||", "|| Pilot ||"), "stage", as_editor=True)
    code, out, err = sync(site, "--dry-run", "--review-page")
    assert code == 0, out + err
    review = site.text("Hubs/Review")
    assert review.index("== Held pages ==") < review.index("== Changes since")
    assert "== Hubs ==" not in review and "== Wikimedia CEE Hub ==" in review
    site.edit("Hubs/Review", review.replace("status=pending", "status=approved"),
              "approve", as_editor=True)
    code, out, err = sync(site, "--apply-approved")
    assert code == 0 and read_review(site.text("Hubs/Review")).status == "applied", out + err
    assert "stage=pilot" in site.text("Wikimedia CEE Hub")
    assert bot_edits_after(site, "Hubs", after) == 0
