"""No translation outdated for style (issue 18), on the real local MediaWiki: translatable
pages are synced and the translation units of the text MediaWiki saved are counted
against the text before the sync. The local wiki has no Translate extension (its stand-in
hook only renders the markup); the units are cut by ``hubbot.core.units`` as Translate
cuts them. MediaWiki saves CR LF as LF, so the CR LF case is the golden fixture
``translate_units_crlf`` (files backend) only.

Figures printed: units changed by a scheduled sync per case (target 0), by an edit a
person made (only that unit), and by an approved review that allows unit changes (once).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hubbot.core.review import read_review
from hubbot.core.units import changed_units, marker_counts
from tests.support import new_revisions, run_cli

pytestmark = pytest.mark.wiki

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = ["events_meta_translate_full", "translate_dates_in_units",
         "translate_whole_table_unit", "translate_new_unmarked_rows"]
CONFIG = """[site]
family = "testwiki"
code = "testwiki"
[bot]
state_path = "state.json"
lock_path = "run.lock"
[review]
page = "Hubs/Review"
approver_groups = ["sysop"]
[report_page]
title = "User:Hubbot/Status"
[[pages]]
title = "Hubs"
tables = ["events"]
"""
FIGURES: dict[str, str] = {}


def page_of(case: str) -> str:
    return (FIXTURES / case / "page.wikitext").read_text(encoding="utf-8")


@pytest.fixture
def translatable_site(local_wiki, tmp_path):
    def seed(case: str, config: str = CONFIG):
        local_wiki.reset()
        local_wiki.seed({"Hubs": page_of(case), "Hubs/Review": "Reviews appear here.",
                         "User:Hubbot/Status": "Reports.\n<!-- hubbot:status start -->\n"
                                               "<!-- hubbot:status end -->"})
        (tmp_path / "hubbot.toml").write_text(config, encoding="utf-8")
        local_wiki.config_path = tmp_path / "hubbot.toml"
        return local_wiki
    return seed


def bot_saves(site, title="Hubs") -> int:
    return sum(1 for r in new_revisions(site, title) if r["user"] == "Bot")


@pytest.mark.parametrize("case", CASES)
def test_a_scheduled_sync_changes_no_unit(translatable_site, case):
    site = translatable_site(case)
    before = site.text("Hubs")
    code, out, err = run_cli(site)
    assert code == 0, out + err
    after = site.text("Hubs")
    changed = changed_units(before, after)
    FIGURES[f"scheduled sync, {case}"] = f"{len(changed)} units changed"
    assert changed == [] and marker_counts(after) == marker_counts(before)
    status = site.text("User:Hubbot/Status")
    if after != before:
        assert bot_saves(site) == 1
        assert "[[Special:PageTranslation/Hubs|mark Hubs for translation]]" in status
        assert "Special:PageTranslation" in site.render(status)  # a link MediaWiki makes
    else:
        assert bot_saves(site) == 0 and "PageTranslation" not in status
    if case != "events_meta_translate_full":
        assert re.search(r"^Hubs: events table( row \d+)?: notice: ", out, re.MULTILINE)  # log ...
        assert "== Notices ==" in status and "translation unit T:" in status  # ... and here
        assert "0 pages need attention, 0 problems" in status
    code, out, err = run_cli(site)  # converged: the next run makes no edit
    assert code == 0 and site.text("Hubs") == after


def test_a_unit_changes_only_where_a_person_changed_its_record(translatable_site):
    site = translatable_site("translate_dates_in_units")
    run_cli(site)
    base = site.text("Hubs")
    site.edit("Hubs", base.replace("<!--T:49--> March 12, 2022", "<!--T:49--> March 13, 2022"),
              as_editor=True)
    code, out, err = run_cli(site)
    assert code == 0, out + err
    changed = changed_units(base, site.text("Hubs"))
    FIGURES["a person's edit of one date, then a sync"] = f"{len(changed)} unit changed"
    assert changed == ["49"]


def test_an_approved_review_applies_unit_changes_once(translatable_site):
    site = translatable_site("translate_dates_in_units")
    run_cli(site)  # the scheduled run: rows sorted, no unit changed
    before = site.text("Hubs")
    code, out, err = run_cli(site, "--dry-run", "--review-page")
    assert code == 0, out + err
    review = site.text("Hubs/Review")
    assert read_review(review).units_allowed
    assert "[[:Hubs]]: T:40, T:43, T:49 would change" in review
    assert site.text("Hubs") == before  # a dry run
    site.edit("Hubs/Review", review.replace("status=pending", "status=approved"), "approve")
    code, out, err = run_cli(site, "--apply-approved")
    assert code == 0, out + err
    after = site.text("Hubs")
    changed = changed_units(before, after)
    FIGURES["approved review with translate=allow"] = f"{len(changed)} units changed, once"
    assert changed == ["40", "43", "49"] and "24–26 June 2022" in after
    assert marker_counts(after) == marker_counts(before)
    saves = bot_saves(site)
    code, out, err = run_cli(site)  # scheduled again: nothing to undo, nothing to do
    assert code == 0 and site.text("Hubs") == after and bot_saves(site) == saves


def test_a_page_configured_to_allow_unit_changes(translatable_site):
    site = translatable_site("translate_whole_table_unit",
                             CONFIG + 'translate = "allow"\n')
    before = site.text("Hubs")
    code, out, err = run_cli(site)
    assert code == 0, out + err
    changed = changed_units(before, site.text("Hubs"))
    FIGURES["whole-table unit, translate = allow"] = f"{len(changed)} unit changed"
    assert changed == ["7"]
    assert "this edit changes translation units T:7 (allowed)" in out


def test_a_translation_page_in_the_config_is_refused(translatable_site):
    site = translatable_site("translate_dates_in_units", CONFIG + '[[pages]]\ntitle = '
                             '"Hubs/fr"\ntables = ["events"]\n')
    code, out, err = run_cli(site)
    assert code == 2 and "'Hubs/fr' is the 'fr' translation page of 'Hubs'" in err
    assert len(err.strip().splitlines()) == 1 and bot_saves(site) == 0


def test_print_issue_18_figures(capsys):
    with capsys.disabled():
        print("\nissue 18 figures (translation units, local MediaWiki):")
        for name, value in FIGURES.items():
            print(f"  {name}: {value}")
