"""One error family from the core up: what the core raises is a ``HubbotError``, and a
page's error is a ``PageError`` (with the title where the core knows it)."""

from __future__ import annotations

from datetime import date

import pytest

from hubbot import errors
from hubbot.core.dates import DateParseError, parse_date
from hubbot.core.hubtemplates import render_hub_status
from hubbot.core.options import OptionError, read_options
from hubbot.core.read import parse_page
from hubbot.core.records import Hub, HubType, Kind, Stage
from hubbot.core.regions import RegionProblem, find_region
from hubbot.core.reportpage import splice_report
from hubbot.core.templates import TemplateAmbiguous, TemplateMissing
from hubbot.core.write import render_page
from tests.support import HUBS


def test_broken_markers_are_a_region_error_naming_the_page():
    text = HUBS.replace("<!-- hubbot:events end -->", "")
    with pytest.raises(errors.RegionError) as caught:
        render_page(parse_page(text, "Hubs"))
    assert caught.value.page == "Hubs" and caught.value.exit_code == errors.EXIT_PAGE_FAILED
    assert str(caught.value) == "Hubs: " + caught.value.message
    assert caught.value.message == ("events region: region end marker missing; refusing "
                                    "to write the page")


def test_errors_below_a_page_are_page_errors_without_a_title():
    with pytest.raises(RegionProblem) as region:
        find_region("<!-- hubbot:events start -->", "events")
    with pytest.raises(errors.RegionError):
        splice_report("no markers", "x")
    hub = Hub("earthub", "EARTHub", frozenset({HubType.THEMATIC}), Stage.PAUSED, "Paused")
    with pytest.raises(TemplateMissing) as missing:
        render_hub_status("no template", hub, today=date(2026, 11, 24))
    with pytest.raises(TemplateAmbiguous) as twice:
        render_hub_status("{{Hub status}}{{Hub status}}", hub, today=date(2026, 11, 24))
    for exc in (region.value, missing.value, twice.value):
        assert isinstance(exc, errors.PageError) and exc.page == ""
        assert str(exc) == exc.message  # no ": " before it
    assert isinstance(missing.value, errors.TemplateError)
    assert missing.value.message == "no {{Hub status}} on the page; not editing"


def test_the_cores_internal_signals_are_hubbot_errors_not_value_errors():
    with pytest.raises(DateParseError) as bad_date:
        parse_date("sometime in spring")
    with pytest.raises(OptionError) as bad_option:
        read_options("sort=newst", Kind.EVENTS)
    for exc in (bad_date.value, bad_option.value):
        assert isinstance(exc, errors.HubbotError) and not isinstance(exc, ValueError)


def test_the_backends_own_question_comes_first_and_the_callers_only_without_one(wiki):  # noqa: F811
    """``Backend.confirm`` (on a wiki: pywikibot's diff and choice) answers before the
    caller's ``Confirm``; the files backend has none (None), so the caller asks."""
    from hubbot.app.config import load_config
    from hubbot.app.model import Mode, Outcome
    from hubbot.app.sync import Sync
    from tests.support import TODAY, Recorder

    class Asking(Recorder):
        def confirm(self, title, diff, summary, *, old="", new=""):
            asked_backend.append(title)
            return "n"

    asked_backend: list[str] = []
    asked_caller: list[str] = []
    config = load_config(wiki / "hubbot.toml")
    backend = Asking(wiki / "pages")
    report = Sync(config, backend, mode=Mode.INTERACTIVE, today=TODAY,
                  confirm=lambda t, *a, **k: asked_caller.append(t) or "y").run()
    assert asked_backend and not asked_caller and backend.saves == []
    assert all(p.outcome in (Outcome.DECLINED, Outcome.UNCHANGED) for p in report.pages)
    assert Recorder(wiki / "pages").confirm("Hubs", "", "") is None
