"""Editors without a shell, on the real local wiki: review pages, approvals read from the
page history, stale reviews, hostile diffs, and the "update now" trigger page."""

from __future__ import annotations

import io
import re

import pytest

from hubbot.cli.main import main
from hubbot.core.review import read_review
from tests.support import LOCAL_CONFIG as CONFIG
from tests.support import LOCAL_PAGES as PAGES
from tests.support import new_revisions

pytestmark = pytest.mark.wiki

REVIEW = """
[review]
page = "Hubs/Review"
approvers = ["Editor"]
approver_groups = ["sysop"]
trigger_page = "Hubs/Update now"
trigger_interval_minutes = 0
"""
HOSTILE_ROW = ("|-\n| 2021-12-01 || Hostile </pre><script>alert(1)</script> {{Hostile}} "
               "[[Category:Hijacked]] ~~~~\n")
CONTENT = ("Hubs", "Hubs/Ongoing", "Wikimedia CEE Hub", "EARTHub", "Hubs/Summary")


@pytest.fixture
def review_site(local_wiki, tmp_path):
    local_wiki.reset()
    pages = dict(PAGES)
    pages["Hubs"] = pages["Hubs"].replace("|}\n<!-- hubbot:events end -->",
                                          HOSTILE_ROW + "|}\n<!-- hubbot:events end -->")
    pages["Hubs/Review"] = "Reviews of hubbot's changes appear here."
    pages["Hubs/Update now"] = "Edit this page to ask hubbot for a run."
    pages["Template:Hostile"] = "TEMPLATE-RAN"
    local_wiki.seed(pages)
    (tmp_path / "hubbot.toml").write_text(CONFIG + REVIEW, encoding="utf-8")
    local_wiki.config_path = tmp_path / "hubbot.toml"
    return local_wiki


def sync(site, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["sync", "--config", str(site.config_path), "--today", "2026-11-24", *args],
                stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def bot_edits(site, titles=CONTENT):
    return {t: [r for r in new_revisions(site, t) if r["user"] == "Bot"] for t in titles}


def approve(site, user: str) -> None:
    text = site.text("Hubs/Review")
    site.edit("Hubs/Review", text.replace("status=pending", "status=approved"),
              "approve", as_user=user if user != "Admin" else None)


def test_review_is_posted_and_its_hostile_diff_renders_inert(review_site):
    site = review_site
    code, out, err = sync(site, "--dry-run", "--review-page")
    assert code == 0, out + err
    assert not any(bot_edits(site).values())
    text = site.text("Hubs/Review")
    state = read_review(text)
    assert state.status == "pending" and re.fullmatch(r"R[0-9a-f]{12}", state.rid)
    assert set(state.revisions) == set(CONTENT)
    html = site.render(text)
    assert "<script" not in html and "TEMPLATE-RAN" not in html
    assert "Hijacked" not in site.api(action="parse", text=text, prop="categories",
                                      contentmodel="wikitext")["parse"].get("categories", [])
    assert html.count("<pre>") == html.count("</pre>") == 4  # one per page that changes
    assert "&lt;/pre&gt;&lt;script&gt;" in html  # shown, not run
    history = site.history("Hubs/Review")
    assert history[0]["user"] == "Bot" and history[0]["comment"].startswith("hubbot: review R")


def test_approval_by_an_allowed_user_applies_exactly_the_review(review_site):
    site = review_site
    sync(site, "--dry-run", "--review-page")
    rid = read_review(site.text("Hubs/Review")).rid
    approve(site, "Admin")  # allowed through the sysop group, read from the wiki
    code, out, err = sync(site, "--apply-approved")
    assert code == 0, out + err
    edits = bot_edits(site)
    assert {t for t, revs in edits.items() if revs} == {"Hubs", "Hubs/Ongoing",
                                                        "Wikimedia CEE Hub", "Hubs/Summary"}
    assert all(f"(review {rid} approved by Admin)" in revs[0]["comment"]
               for revs in edits.values() if revs)
    assert read_review(site.text("Hubs/Review")).status == "applied"


def test_approval_by_name_in_the_allowlist_applies(review_site):
    site = review_site
    sync(site, "--dry-run", "--review-page")
    approve(site, "Editor")
    assert sync(site, "--apply-approved")[0] == 0
    assert bot_edits(site)["Hubs"]


def test_approval_by_anyone_else_is_ignored_and_reported(review_site):
    site = review_site
    sync(site, "--dry-run", "--review-page")
    rid = read_review(site.text("Hubs/Review")).rid
    approve(site, "Visitor")
    code, out, _ = sync(site, "--apply-approved")
    assert code == 0 and "ignored" in out
    assert not any(bot_edits(site).values())
    text = site.text("Hubs/Review")
    assert read_review(text).status == "pending"
    assert f"the approval of {rid} by Visitor was ignored" in text


def test_an_approval_written_into_the_text_by_the_bot_is_not_enough(review_site):
    """Only the history decides: a page whose text says approved, with no approving edit
    by an allowed user in its history, is not applied."""
    site = review_site
    sync(site, "--dry-run", "--review-page")
    text = site.text("Hubs/Review").replace("status=pending", "status=approved")
    site.edit("Hubs/Review", text, "sneaky", as_user="Visitor")
    site.edit("Hubs/Review", text + "\nA comment by an approver.", "comment",
              as_user="Editor")  # an allowed user edits, but does not approve
    assert sync(site, "--apply-approved")[0] == 0
    assert not any(bot_edits(site).values())


def test_stale_review_is_not_applied_and_a_fresh_one_is_posted(review_site):
    site = review_site
    sync(site, "--dry-run", "--review-page")
    old = read_review(site.text("Hubs/Review")).rid
    site.edit("Hubs", site.text("Hubs").replace("Text after the table stays.",
                                                "Text after the table changed."),
              as_editor=True)
    approve(site, "Admin")
    code, out, _ = sync(site, "--apply-approved")
    assert code == 0 and "stale" in out
    assert not any(bot_edits(site).values())
    fresh = read_review(site.text("Hubs/Review"))
    assert fresh.status == "pending" and fresh.rid != old
    assert f"Review {old} was approved by Admin, but Hubs changed" in site.text("Hubs/Review")


def test_update_now_trigger_runs_once_and_answers(review_site):
    site = review_site
    assert sync(site)[0] == 0  # the scheduled run: state recorded
    code, out, _ = sync(site)
    assert code == 0 and "no page changed since the last run" in out
    site.edit("Hubs/Update now", "Please update now. ~~~~", as_user="Editor")
    code, out, _ = sync(site)
    assert code == 0 and "Hubs/Update now: run requested by Editor: done" in out
    answer = site.text("Hubs/Update now")
    assert "{{Hubbot update|status=done|" in answer and "requested by Editor" in answer
    assert site.history("Hubs/Update now")[0]["user"] == "Bot"
    code, out, _ = sync(site)  # answered: the request is used up
    assert "no page changed since the last run" in out


def test_update_now_by_a_user_who_may_not_trigger_is_ignored(review_site):
    site = review_site
    assert sync(site)[0] == 0
    site.edit("Hubs/Update now", "Run please", as_user="Visitor")
    code, out, err = sync(site)
    assert code == 0 and "no page changed since the last run" in out
    assert "who may not trigger runs" in err
    assert site.history("Hubs/Update now")[0]["user"] == "Visitor"
    code, out, err = sync(site)  # remembered: not looked at again
    assert code == 0 and "who may not trigger runs" not in err


def test_approval_cannot_be_spoofed_through_a_long_history(review_site):
    """Issue 12: a non-approver approves, an approver comments, 19 filler edits follow:
    the approving edit is still found (the whole history of the review is read)."""
    site = review_site
    sync(site, "--dry-run", "--review-page")
    rid = read_review(site.text("Hubs/Review")).rid
    approve(site, "Visitor")
    site.edit("Hubs/Review", site.text("Hubs/Review") + "\nLooks good. --Editor",
              "comment", as_editor=True)
    for i in range(19):
        site.edit("Hubs/Review", site.text("Hubs/Review") + f"\nfiller {i}", "filler",
                  as_user="Visitor")
    code, out, _ = sync(site, "--apply-approved")
    assert code == 0 and "ignored" in out, out
    assert not any(bot_edits(site).values())
    assert f"the approval of {rid} by Visitor was ignored" in site.text("Hubs/Review")
