"""Translate-safe runs in the app (issue 18): the ``translate`` key, translation pages
refused by the config check, notices on the report page and in reviews, and the last
check before a translatable page is written."""

from __future__ import annotations

from datetime import date

import pytest

from hubbot.app.config import load_config
from hubbot.app.languages import LANGUAGE_CODES
from hubbot.app.plan import Planner
from hubbot.core.pages import PageText
from hubbot.core.read import _page as parse_module
from hubbot.core.records import Hub, HubType, Stage
from hubbot.core.records import notice as make_notice
from hubbot.core.reportpage import render_report_page
from hubbot.core.review import read_review, render_review
from hubbot.core.units import changed_units
from hubbot.errors import ConfigError, TableError

PAGES = "[[pages]]\ntitle = 'Hubs'\ntables = ['events']\n"


def config_of(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_config(path)


def test_translate_defaults_to_keep_and_takes_allow(tmp_path):
    assert config_of(tmp_path, PAGES).pages[0].translate == "keep"
    cfg = config_of(tmp_path, PAGES + "translate = 'allow'\n")
    assert cfg.pages[0].allow_unit_changes


@pytest.mark.parametrize("text, message", [
    (PAGES + "translate = 'sometimes'\n", 'translate must be "keep" or "allow"'),
    (PAGES + "[[pages]]\ntitle = 'Hubs/fr'\ntables = ['events']\n",
     "'Hubs/fr' is the 'fr' translation page of 'Hubs'"),
    (PAGES + "[[hub_pages]]\ntitle = 'hubs/zh-hant'\nhub = 'x'\n",
     "'zh-hant' translation page of 'Hubs'"),
])
def test_bad_translate_config_is_one_clear_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as exc:
        config_of(tmp_path, text)
    assert message in str(exc.value) and "\n" not in str(exc.value)
    assert exc.value.exit_code == 2


def test_subpages_that_are_not_translations_are_fine(tmp_path):
    cfg = config_of(tmp_path, PAGES + "[[pages]]\ntitle = 'Hubs/Ongoing'\ntables = ['hubs']"
                    "\n[[pages]]\ntitle = 'Other/fr'\ntables = ['hubs']\n")
    assert [p.title for p in cfg.pages] == ["Hubs", "Hubs/Ongoing", "Other/fr"]
    assert {"fr", "pl", "zh-hant", "sr-el"} <= LANGUAGE_CODES and "ongoing" not in \
        LANGUAGE_CODES


def test_report_page_lists_notices_and_pages_to_mark_without_counting_them_as_attention():
    notice = make_notice("Hubs", "events", 2, "24 June 2022 - 26 June 2022",
                    "date left as written: it is in translation unit T:40")
    text = render_report_page(outcome="all pages done", run_time="t", pages=[],
                              problems=[], first_seen={}, notices=[notice],
                              translations={"Hubs": "2026-12-01"})
    assert "0 pages need attention, 0 problems, 1 notices." in text
    assert "== Notices ==" in text and "translation unit T:40" in text
    assert "[[Special:PageTranslation/Hubs|mark Hubs for translation]]" in text
    assert "hubbot last edited this translatable page on 2026-12-01" in text
    plain = render_report_page(outcome="all pages done", run_time="t", pages=[],
                               problems=[], first_seen={})
    assert "Notices" not in plain and "Translations" not in plain


def test_a_review_planned_with_unit_changes_says_so_and_lists_them():
    text = render_review(rid="R1", edits=[], revisions={"Hubs": 3}, changes=[],
                         problems=[], today=date(2026, 12, 1), units_allowed=True,
                         units_changed={"Hubs": ["40", "43"]},
                         notices=["Hubs: page: this edit changes translation units"])
    state = read_review(text)
    assert state is not None and state.units_allowed
    assert "[[:Hubs]]: T:40, T:43 would change" in text and "== Notices ==" in text
    plain = render_review(rid="R1", edits=[], revisions={"Hubs": 3}, changes=[],
                          problems=[], today=date(2026, 12, 1))
    assert not read_review(plain).units_allowed


DATE_IN_UNIT = """<translate>
== Events == <!--T:1-->
</translate>
<!-- hubbot:events start -->
{| class="wikitable"
! Date !! Event
|-
| <translate><!--T:2--> March 12, 2022</translate> || Hubs Global Conversations
|}
<!-- hubbot:events end -->
"""


def test_the_last_check_refuses_a_write_that_would_change_a_unit(tmp_path, monkeypatch):
    cfg = config_of(tmp_path, PAGES)
    planner = Planner(cfg, today=date(2026, 12, 1))
    page = PageText("Hubs", DATE_IN_UNIT, 1)
    plan = planner.plan_source(cfg.pages[0], page, None, [], planner.parse(cfg.pages[0], page))
    assert not plan.changes_page  # kept: the date is in T:2
    monkeypatch.setattr(parse_module, "keep_units", lambda *a, **k: [])  # as if the rule slipped
    with pytest.raises(TableError, match=r"would change translation units T:2"):
        planner.plan_source(cfg.pages[0], page, None, [], planner.parse(cfg.pages[0], page))
    allowed = Planner(cfg, today=date(2026, 12, 1), allow_unit_changes=True)
    plan = allowed.plan_source(cfg.pages[0], page, None, [], allowed.parse(cfg.pages[0], page))
    assert plan.units_changed == ("2",) and "12 March 2022" in plan.new_text


HUB_PAGE = """<languages/>
<translate><!--T:1--> About the hub.

<!--T:2--> Status: {{Hub status|stage=In preparation|type=Regional|updated=2025-01-01}}
</translate>
"""


def test_a_hub_page_unit_keeps_a_stage_the_configs_aliases_read(tmp_path):
    cfg = config_of(tmp_path, PAGES + "[[hub_pages]]\ntitle = 'CEE Hub'\nhub = 'cee'\n"
                    "[status.aliases]\n'In preparation' = 'pre-pilot'\n")
    planner = Planner(cfg, today=date(2026, 12, 1))
    page = PageText("CEE Hub", HUB_PAGE, 7)

    def plan(stage):
        hub = Hub("cee", "CEE Hub", frozenset({HubType.REGIONAL}), stage, stage.value)
        return planner.plan_hub_page(cfg.hub_pages[0], page, [hub], [])

    assert not plan(Stage.PRE_PILOT).changes_page  # the unit's words already say it
    moved = plan(Stage.PILOT)
    assert moved.changes_page and changed_units(HUB_PAGE, moved.new_text) == ["2"]
