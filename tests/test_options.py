"""Editors' options in a table's start marker (issue 20): how they are read, what they do
to the order and the dates, the config's wiki-wide defaults, and where a run shows them
(dry-run output, Markdown and on-wiki reviews, the report page, edit summaries)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from hubbot.app.config import load_config
from hubbot.app.model import Mode, Outcome
from hubbot.app.onwiki import post_review
from hubbot.app.sync import Sync
from hubbot.cli.main import main
from hubbot.cli.report import review_markdown
from hubbot.core.dates import format_date, parse_date
from hubbot.core.options import (
    DateStyle,
    OptionError,
    Sort,
    TableOptions,
    read_options,
    resolve,
)
from hubbot.core.read import parse_page
from hubbot.core.records import DateSpan, Kind, Precision
from hubbot.core.write import render_page
from hubbot.errors import ConfigError
from tests.support import HUBS, TODAY, Recorder, read, write


def test_options_are_read_as_tolerantly_as_markers():
    assert read_options("", Kind.EVENTS) == {}
    assert read_options(" Sort = Newest ; DATES=MDY, ", Kind.EVENTS) == {
        "sort": "newest", "dates": "mdy"}
    assert read_options("sort=none", Kind.HUBS) == {"sort": "none"}


@pytest.mark.parametrize(("words", "kind", "message"), [
    ("sort=newst", Kind.EVENTS, "`sort=newst`: not one of oldest, newest, none"),
    ("dates=us", Kind.EVENTS, "`dates=us`: not one of dmy, mdy, iso, keep"),
    ("order=newest", Kind.EVENTS, "`order=newest`: not an option of the events table"),
    ("newest", Kind.EVENTS, "`newest`: not an option (write name=value"),
    ("sort= ", Kind.EVENTS, "`sort=`: not an option"),
    ("sort=newest sort=oldest", Kind.EVENTS, "`sort=oldest`: sort is given twice"),
    ("sort=newest", Kind.HUBS, "`sort=newest`: not one of type, none"),
    ("dates=mdy", Kind.HUBS, "`dates=mdy`: not an option of the hubs table"),
])
def test_a_bad_word_is_named_never_guessed(words, kind, message):
    with pytest.raises(OptionError) as caught:
        read_options(words, kind)
    assert message in str(caught.value)


def test_every_bad_word_is_named_at_once():
    with pytest.raises(OptionError) as caught:
        read_options("sort=newst dates=us", Kind.EVENTS)
    assert "`sort=newst`" in str(caught.value) and "`dates=us`" in str(caught.value)


def test_the_marker_wins_over_the_config_which_wins_over_the_default():
    assert resolve(Kind.EVENTS, {}) == TableOptions(Sort.OLDEST, DateStyle.DMY)
    assert resolve(Kind.HUBS, {}).sort is Sort.TYPE
    assert resolve(Kind.EVENTS, {}, {"sort": "newest", "dates": "iso"}) == \
        TableOptions(Sort.NEWEST, DateStyle.ISO)
    assert resolve(Kind.EVENTS, {"sort": "none"}, {"sort": "newest", "dates": "iso"}) == \
        TableOptions(Sort.NONE, DateStyle.ISO)


def _span(a: str, b: str | None = None, **kw) -> DateSpan:
    return DateSpan(date.fromisoformat(a), date.fromisoformat(b) if b else None, **kw)


@pytest.mark.parametrize(("span", "dmy", "mdy", "iso"), [
    (_span("2021-11-27"), "27 November 2021", "November 27, 2021", "2021-11-27"),
    (_span("2022-06-24", "2022-06-26"), "24–26 June 2022", "June 24–26, 2022",
     "2022-06-24 – 2022-06-26"),
    (_span("2022-06-30", "2022-07-02"), "30 June – 2 July 2022", "June 30 – July 2, 2022",
     "2022-06-30 – 2022-07-02"),
    (_span("2021-12-30", "2022-01-02"), "30 December 2021 – 2 January 2022",
     "December 30, 2021 – January 2, 2022", "2021-12-30 – 2022-01-02"),
    (_span("2010-06-01", precision=Precision.MONTH), "June 2010", "June 2010", "2010-06"),
    (_span("2018-01-01", precision=Precision.YEAR, uncertain=True), "2018?", "2018?",
     "2018?"),
    (_span("2021-11-27", uncertain=True), "27 November 2021?", "November 27, 2021?",
     "2021-11-27?"),
    (DateSpan(None, None, Precision.UNKNOWN), "TBD", "TBD", "TBD"),
])
def test_each_style_writes_a_date_that_reads_back_the_same(span, dmy, mdy, iso):
    for style, text in ((DateStyle.DMY, dmy), (DateStyle.MDY, mdy), (DateStyle.ISO, iso)):
        assert format_date(span, style=style) == text
        assert parse_date(text) == span, (style, text)


def test_without_the_year_under_a_year_section():
    span = _span("2023-03-12", year_inferred=True)
    assert format_date(span, with_year=False) == "12 March"
    assert format_date(span, with_year=False, style=DateStyle.MDY) == "March 12"
    assert parse_date("March 12", 2023) == span
    rng = _span("2023-02-21", "2023-03-04", year_inferred=True)
    assert format_date(rng, with_year=False, style=DateStyle.MDY) == "February 21 – March 4"
    assert format_date(_span("2023-06-24", "2023-06-26"), with_year=False,
                       style=DateStyle.MDY) == "June 24–26"
    with pytest.raises(ValueError):  # ISO has no readable form without the year
        format_date(span, with_year=False, style=DateStyle.ISO)
    with pytest.raises(ValueError):
        format_date(span, style=DateStyle.KEEP)


PAGE = """<!-- hubbot:events start {options} -->
{{| class="wikitable"
! Date !! Event
|-
| 2022-01-29 || Spanish community workshop
|-
| TBD || Next Hubs Global Conversation
|-
| 12 March 2022 || Hubs Global Conversations
|-
| 12 March 2022 || Hubs Dialogue
|-
| November 27, 2021 || Hubs co-creation workshop
|}}
<!-- hubbot:events end -->
"""


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_newest_first_puts_the_undecided_future_on_top_and_keeps_title_order():
    out = render_page(parse_page(PAGE.format(options="sort=newest"), "Hubs"))
    assert _rows(out) == ["| TBD || Next Hubs Global Conversation",
                          "| 12 March 2022 || Hubs Dialogue",
                          "| 12 March 2022 || Hubs Global Conversations",
                          "| 29 January 2022 || Spanish community workshop",
                          "| 27 November 2021 || Hubs co-creation workshop"]
    oldest = render_page(parse_page(PAGE.format(options=""), "Hubs"))
    assert _rows(oldest)[0].startswith("| 27 November 2021") and \
        _rows(oldest)[-1].startswith("| TBD")


def test_the_config_default_applies_unless_the_marker_says_otherwise():
    defaults = {Kind.EVENTS: {"sort": "newest", "dates": "iso"}}
    out = render_page(parse_page(PAGE.format(options=""), "Hubs",
                                 default_options=defaults))
    assert _rows(out)[1] == "| 2022-03-12 || Hubs Dialogue"
    out = render_page(parse_page(PAGE.format(options="sort=oldest"), "Hubs",
                                 default_options=defaults))
    assert _rows(out)[0] == "| 2021-11-27 || Hubs co-creation workshop"


def test_config_options_are_checked_with_the_same_words(tmp_path):
    base = "[[pages]]\ntitle = 'Hubs'\ntables = ['events']\n"
    cfg = tmp_path / "c.toml"
    cfg.write_text(base + "[options]\nevents = 'sort=newest dates=mdy'\nhubs = 'sort=none'\n")
    config = load_config(cfg)
    assert config.table_options == {Kind.EVENTS: {"sort": "newest", "dates": "mdy"},
                                    Kind.HUBS: {"sort": "none"}}
    for bad, message in (("events = 'sort=newst'", "[options] events: `sort=newst`: not one"),
                         ("interviews = 'sort=newest'", "[options] has unknown key"),
                         ("events = 3", "[options] events must be a string")):
        cfg.write_text(base + "[options]\n" + bad + "\n")
        with pytest.raises(ConfigError) as caught:
            load_config(cfg)
        assert message in str(caught.value)


# --- a run: an editor's change of options is acted on, and shown ---------------------------

def _sync(wiki, mode=Mode.CRON, **kw):
    backend = Recorder(wiki / "pages")
    return Sync(load_config(wiki / "hubbot.toml"), backend, mode=mode, today=TODAY,
                **kw), backend


def _with_options(text: str, options: str) -> str:
    return text.replace("<!-- hubbot:events start -->",
                        f"<!-- hubbot:events start {options} -->")


def test_an_editor_changing_the_options_is_acted_on_in_the_next_run(wiki):
    s, _ = _sync(wiki)
    assert s.run().exit_code == 0
    assert _sync(wiki)[0].run().quiet
    write(wiki, "Hubs", _with_options(read(wiki, "Hubs"), "sort=newest dates=mdy"))
    s, backend = _sync(wiki)
    report = s.run()
    assert not report.quiet and report.exit_code == 0
    hubs = read(wiki, "Hubs")
    assert "<!-- hubbot:events start sort=newest dates=mdy -->" in hubs  # marker kept
    assert hubs.index("June 24–26, 2022") < hubs.index("March 12, 2022") < \
        hubs.index("November 27, 2021")
    assert dict(backend.saves)["Hubs"] == ("hubbot: normalize events table; sorted newest "
                                           "first; dates as November 27, 2021")
    assert report.changes == []  # the same records: an option is no record change
    assert _sync(wiki)[0].run().quiet  # and then nothing is left to do
    # Back to the defaults: acted on again, never held or reverted.
    write(wiki, "Hubs", read(wiki, "Hubs").replace(" sort=newest dates=mdy", ""))
    s, backend = _sync(wiki)
    assert s.run().exit_code == 0
    assert read(wiki, "Hubs").index("27 November 2021") < \
        read(wiki, "Hubs").index("12 March 2022")
    assert dict(backend.saves)["Hubs"] == "hubbot: normalize events table"


def test_an_option_that_changed_nothing_is_not_in_the_summary(wiki):
    s, _ = _sync(wiki)
    s.run()
    write(wiki, "Hubs", _with_options(read(wiki, "Hubs"), "dates=keep").replace(
        "|}\n<!-- hubbot:events end -->",
        "|-\n| 2021-11-28 || Hubs follow-up call\n|}\n<!-- hubbot:events end -->"))
    s, backend = _sync(wiki)
    s.run()
    assert dict(backend.saves)["Hubs"] == "hubbot: +1 event (Hubs follow-up call, " \
                                          "28 November 2021)"
    assert "| 2021-11-28 || Hubs follow-up call" in read(wiki, "Hubs")  # kept as written


def test_bad_options_leave_that_table_alone_and_the_rest_goes_on(wiki):
    write(wiki, "Hubs", _with_options(HUBS, "sort=newst"))
    s, backend = _sync(wiki)
    report = s.run()
    assert read(wiki, "Hubs") == _with_options(HUBS, "sort=newst")
    assert "Hubs" not in dict(backend.saves)
    assert "Wikimedia CEE Hub" in dict(backend.saves)  # the other pages were done
    (problem,) = [p for p in report.problems if "sort=newst" in p.reason]
    assert str(problem).startswith("Hubs: events table: `sort=newst`: not one of oldest, "
                                   "newest, none; the events table is left exactly as it")
    assert "<!-- hubbot:events start sort=newst -->" in str(problem)
    assert report.exit_code == 0
    assert "Hubs: events table: its marker's options are not understood" in \
        " ".join(report.options)


def test_the_dry_run_output_and_markdown_review_show_the_options(wiki):
    write(wiki, "Hubs", _with_options(HUBS, "sort=newest"))
    review = wiki / "review.md"
    out, err = io.StringIO(), io.StringIO()
    code = main(["sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                 str(wiki / "pages"), "--dry-run", "--diff-file", str(review),
                 "--today", "2026-11-24"], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert "options: Hubs: events table: sort=newest dates=dmy" in out.getvalue()
    assert "options: Hubs/Ongoing: hubs table: sort=type" in out.getvalue()
    md = review.read_text()
    assert "## Options in effect\n\n- Hubs: events table: sort=newest dates=dmy\n" in md
    assert "Edit summary: `hubbot: normalize events table; sorted newest first`" in md


def test_the_on_wiki_review_and_the_report_page_show_the_options(wiki):
    config = (wiki / "hubbot.toml").read_text()
    (wiki / "hubbot.toml").write_text(
        config + '\n[review]\npage = "User:Hubbot/Review"\napprovers = ["Ann"]\n'
        '\n[report_page]\ntitle = "User:Hubbot/Status"\n')
    write(wiki, "User:Hubbot/Review", "reviews\n")
    write(wiki, "User:Hubbot/Status", "<!-- hubbot:status start -->\n"
                                      "<!-- hubbot:status end -->\n")
    write(wiki, "Hubs", _with_options(HUBS, "dates=iso"))
    s, backend = _sync(wiki, Mode.DRY_RUN)
    report = s.run()
    post_review(load_config(wiki / "hubbot.toml"), backend, report, today=TODAY)
    text = read(wiki, "User:Hubbot/Review")
    assert "== Options in effect ==\n* Hubs: events table: sort=oldest dates=iso\n" in text
    assert "* Hubs/Ongoing: hubs table: sort=type\n" in text
    assert "Edit summary: <code>hubbot: normalize events table; dates as 2021-11-27" in text
    s, _ = _sync(wiki)
    s.run()
    status = read(wiki, "User:Hubbot/Status")
    assert "== Options in effect ==\n* Hubs/Ongoing: hubs table: sort=type\n" \
           "* Hubs: events table: sort=oldest dates=iso\n" in status


def test_review_markdown_without_tables_has_no_options_section():
    from hubbot.app.model import RunReport
    assert "Options in effect" not in review_markdown(RunReport(), "x")
    report = RunReport(options=["Hubs: events table: sort=none dates=keep"])
    assert "- Hubs: events table: sort=none dates=keep" in review_markdown(report, "x")


def test_the_outcome_of_a_page_with_options_is_an_ordinary_save(wiki):
    write(wiki, "Hubs", _with_options(HUBS, "sort=none dates=mdy"))
    s, _ = _sync(wiki)
    report = s.run()
    assert next(p for p in report.pages if p.title == "Hubs").outcome is Outcome.SAVED
    rows = _rows(read(wiki, "Hubs"))
    assert [r.split(" || ")[0] for r in rows] == ["| March 12, 2022", "| November 27, 2021",
                                                  "| June 24–26, 2022"]
