"""Dates as written on the Hubs pages: every form parsed, one canonical form written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.core.dates import MONTHS, DateParseError, format_date, parse_date
from hubbot.core.records import VAGUE, DateSpan, Precision

D = date


@pytest.mark.parametrize("text, year, start, end, precision, uncertain", [
    ("27 November 2021", None, D(2021, 11, 27), None, "day", False),
    ("November 27, 2021", None, D(2021, 11, 27), None, "day", False),
    ("November 27 2021", None, D(2021, 11, 27), None, "day", False),
    ("27 Nov 2021", None, D(2021, 11, 27), None, "day", False),
    ("2021-11-27", None, D(2021, 11, 27), None, "day", False),
    ("11-12-2007", None, D(2007, 12, 11), None, "day", False),
    ("11.12.2007", None, D(2007, 12, 11), None, "day", False),
    ("21 February 2022 - 4 March 2022", None, D(2022, 2, 21), D(2022, 3, 4), "day", False),
    ("24 June 2022 - 26 June 2022", None, D(2022, 6, 24), D(2022, 6, 26), "day", False),
    ("24–26 June 2022", None, D(2022, 6, 24), D(2022, 6, 26), "day", False),
    ("24-26 June 2022", None, D(2022, 6, 24), D(2022, 6, 26), "day", False),
    ("June 24-26, 2022", None, D(2022, 6, 24), D(2022, 6, 26), "day", False),
    ("30 June – 2 July 2022", None, D(2022, 6, 30), D(2022, 7, 2), "day", False),
    ("June 30 – July 2, 2022", None, D(2022, 6, 30), D(2022, 7, 2), "day", False),
    ("2021-11-27 – 2021-11-28", None, D(2021, 11, 27), D(2021, 11, 28), "day", False),
    ("12 March 2022 to 12 March 2022", None, D(2022, 3, 12), None, "day", False),
    ("February 21", 2022, D(2022, 2, 21), None, "day", False),
    ("21 February", 2022, D(2022, 2, 21), None, "day", False),
    ("February 21 - March 4", 2022, D(2022, 2, 21), D(2022, 3, 4), "day", False),
    ("June 2010", None, D(2010, 6, 1), None, "month", False),
    ("2021-11", None, D(2021, 11, 1), None, "month", False),
    ("2011", None, D(2011, 1, 1), None, "year", False),
    ("2018?", None, D(2018, 1, 1), None, "year", True),
    ("(2017)", None, D(2017, 1, 1), None, "year", False),
    ("c. 2018", None, D(2018, 1, 1), None, "year", True),
    ("TBD", None, None, None, "unknown", False),
    ("to be announced", None, None, None, "unknown", False),
    ("  27&nbsp;November\u00a02021. ", None, D(2021, 11, 27), None, "day", False),
])
def test_forms(text, year, start, end, precision, uncertain):
    span = parse_date(text, year)
    assert (span.start, span.end, span.precision.value, span.uncertain) == (
        start, end, precision, uncertain)


def test_year_from_context_is_marked():
    assert parse_date("February 21", 2022).year_inferred
    assert not parse_date("21 February 2022", 2023).year_inferred


@pytest.mark.parametrize("text, reason", [
    ("Feb 30 2022", "no such day"),
    ("32 March 2022", "no such day"),
    ("2022-13-01", "no such day"),
    ("sometime soon", "unrecognised date"),
    ("", "empty date"),
    ("26 June 2022 - 24 June 2022", "end before start"),
    ("February 21", "year needed: no context year"),
])
def test_rejects_with_a_reason(text, reason):
    with pytest.raises(DateParseError, match=reason):
        parse_date(text)


@pytest.mark.parametrize("span, text", [
    (DateSpan(D(2021, 11, 27)), "27 November 2021"),
    (DateSpan(D(2022, 6, 24), D(2022, 6, 26)), "24–26 June 2022"),
    (DateSpan(D(2022, 6, 30), D(2022, 7, 2)), "30 June – 2 July 2022"),
    (DateSpan(D(2021, 12, 30), D(2022, 1, 2)), "30 December 2021 – 2 January 2022"),
    (DateSpan(D(2010, 6, 1), precision=Precision.MONTH), "June 2010"),
    (DateSpan(D(2018, 1, 1), precision=Precision.YEAR, uncertain=True), "2018?"),
    (DateSpan(None, precision=Precision.UNKNOWN), "TBD"),
    (DateSpan(D(2022, 2, 21), year_inferred=True), "21 February 2022"),
])
def test_canonical_format(span, text):
    assert format_date(span) == text


@pytest.mark.parametrize("text, year, start, end, precision, tentative", [
    ("Spring 2026", None, D(2026, 3, 1), D(2026, 5, 31), "season", False),
    ("summer 2025", None, D(2025, 6, 1), D(2025, 8, 31), "season", False),
    ("Autumn 2024", None, D(2024, 9, 1), D(2024, 11, 30), "season", False),
    ("Fall 2024", None, D(2024, 9, 1), D(2024, 11, 30), "season", False),
    ("Winter 2026", None, D(2025, 12, 1), D(2026, 2, 28), "season", False),
    ("Winter 2025–26", None, D(2025, 12, 1), D(2026, 2, 28), "season", False),
    ("Spring", 2023, D(2023, 3, 1), D(2023, 5, 31), "season", False),
    ("Q3 2025", None, D(2025, 7, 1), D(2025, 9, 30), "quarter", False),
    ("2025 Q1", None, D(2025, 1, 1), D(2025, 3, 31), "quarter", False),
    ("fourth quarter of 2025", None, D(2025, 10, 1), D(2025, 12, 31), "quarter", False),
    ("early 2026", None, D(2026, 1, 1), D(2026, 4, 30), "part", False),
    ("Mid-2026", None, D(2026, 5, 1), D(2026, 8, 31), "part", False),
    ("late 2026", None, D(2026, 9, 1), D(2026, 12, 31), "part", False),
    ("June–July 2023", None, D(2023, 6, 1), D(2023, 7, 31), "month", False),
    ("June - July 2023", None, D(2023, 6, 1), D(2023, 7, 31), "month", False),
    ("December 2023 – January 2024", None, D(2023, 12, 1), D(2024, 1, 31), "month", False),
    ("November–December", 2022, D(2022, 11, 1), D(2022, 12, 31), "month", False),
    ("2026 (TBC)", None, D(2026, 1, 1), None, "year", True),
    ("2026 TBC", None, D(2026, 1, 1), None, "year", True),
    ("TBA 2026", None, D(2026, 1, 1), None, "year", True),
    ("June 2026 (tentative)", None, D(2026, 6, 1), None, "month", True),
    ("12 May 2026 (to be confirmed)", None, D(2026, 5, 12), None, "day", True),
    ("Spring 2026 (TBC)", None, D(2026, 3, 1), D(2026, 5, 31), "season", True),
])
def test_vague_dates_are_uncertain_spans_kept_as_written(text, year, start, end, precision,
                                                         tentative):
    span = parse_date(text, year)
    assert (span.start, span.end, span.precision.value, span.tentative) == \
        (start, end, precision, tentative)
    assert span.uncertain and span.vague


@pytest.mark.parametrize("text", ["(TBC)", "TBA", "to be confirmed"])
def test_a_marker_alone_is_no_date_yet(text):
    assert parse_date(text).precision is Precision.UNKNOWN


def test_vague_dates_sort_after_the_exact_dates_of_their_span():
    texts = ["1 June 2026", "Q2 2026", "30 May 2026", "Spring 2026", "31 May 2026",
             "May 2026", "2026 (TBC)", "early 2026", "30 June 2026", "TBD", "1 January 2027",
             "June 2026", "31 December 2026", "late 2026", "April–May 2026"]
    ordered = sorted(texts, key=lambda t: parse_date(t).sort_key())
    assert ordered == ["early 2026", "30 May 2026", "31 May 2026", "May 2026",
                       "April–May 2026", "Spring 2026", "1 June 2026", "30 June 2026",
                       "June 2026", "Q2 2026", "31 December 2026", "late 2026",
                       "2026 (TBC)", "1 January 2027", "TBD"]


@st.composite
def spans(draw):
    precision = draw(st.sampled_from(list(Precision)))
    if precision is Precision.UNKNOWN:
        return DateSpan(None, None, precision)
    start = draw(st.dates(D(1990, 1, 1), D(2100, 12, 31)))
    uncertain = draw(st.booleans())
    if precision is Precision.YEAR:
        return DateSpan(D(start.year, 1, 1), None, precision, uncertain)
    if precision is Precision.MONTH:
        if draw(st.booleans()):  # a month range, "June–July 2023"
            months = draw(st.integers(1, 14))  # how many months after the first
            last = D(start.year + (start.month - 1 + months) // 12,
                     (start.month - 1 + months) % 12 + 1, 1)
            return parse_date(f"{MONTHS[start.month - 1]} {start.year} – "
                              f"{MONTHS[last.month - 1]} {last.year}")
        return DateSpan(D(start.year, start.month, 1), None, precision)
    if precision in VAGUE:
        word = draw(st.sampled_from({Precision.SEASON: ["Spring", "Summer", "Autumn",
                                                        "Winter"],
                                     Precision.QUARTER: ["Q1", "Q2", "Q3", "Q4"],
                                     Precision.PART: ["early", "mid", "late"]}[precision]))
        return parse_date(f"{word} {start.year}")
    length = draw(st.integers(0, 400))
    end = start + timedelta(days=length) if length else None
    return DateSpan(start, end, precision)


@settings(max_examples=400, deadline=None)
@given(spans())
def test_parse_inverts_format(span):
    assert parse_date(format_date(span)) == span
    assert format_date(parse_date(format_date(span))) == format_date(span)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.one_of(st.none(), st.integers(1990, 2100)))
def test_any_text_is_a_date_or_a_clean_error(text, year):
    try:
        span = parse_date(text, year)
    except DateParseError as exc:
        assert str(exc) and "\n" not in str(exc)  # a short reason for the problem line
        return
    # Whatever was read is a consistent span, and its canonical text reads back the same.
    assert (span.start is None) == (span.precision is Precision.UNKNOWN)
    assert span.end is None or (span.start is not None and span.end > span.start)
    again = parse_date(format_date(span), span.start.year if span.start else None)
    assert (again.start, again.end, again.precision, again.uncertain) == \
        (span.start, span.end, span.precision, span.uncertain)


# Letters that match a month's letters under the pattern's IGNORECASE but are not
# lowercase ASCII ("ſ" is a long s, "K" the Kelvin sign, "ı" and "İ" dotless and dotted
# i): the month must still be found.
_FOLDS = {"s": ["s", "S", "\u017f"], "k": ["k", "K", "\u212a"],
          "i": ["i", "I", "\u0131", "\u0130"]}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["September", "Sept.", "August", "March", "December", "April",
                        "Spring", "Summer", "first quarter", "second quarter",
                        "third quarter", "early", "mid"]),
       st.data())
def test_a_word_in_any_case_is_read_or_cleanly_refused(word, data):
    """Month, season, quarter and part-of-year words, matched case-insensitively."""
    spelled = "".join(data.draw(st.sampled_from(_FOLDS.get(c.lower(), [c.lower(), c.upper()])))
                      for c in word)
    for text in (f"{spelled} 2021", f"1 {spelled} 2021", f"{spelled} 1, 2021"):
        try:
            span = parse_date(text)
        except DateParseError:
            continue
        assert span.start is not None and span.start.year == 2021


def test_a_long_s_in_a_month_reads_as_s():
    """Was a KeyError (hubbot's exit 5) on a date cell such as "ſeptember 2021"."""
    assert parse_date("\u017feptember 2021") == DateSpan(date(2021, 9, 1), None,
                                                          Precision.MONTH)
    assert parse_date("1 \u017fept 2021").start == date(2021, 9, 1)
    assert parse_date("\u017fpring 2026").start == date(2026, 3, 1)
    assert parse_date("fir\u017ft quarter 2025").start == date(2025, 1, 1)
    assert parse_date("Apr\u0131l 2021").start == date(2021, 4, 1)  # dotless i
    assert parse_date("Apr\u0130l 2021").start == date(2021, 4, 1)  # dotted capital I


_DAYS = st.sampled_from(["1", "12", "123", "05", "\u0663"])
_YEARS = st.sampled_from(["2021", "20211", "99"])
_MONTHS = st.sampled_from(["June", "sept", "Sept.", "\u017feptember", "FEB", "Juni", "5", "12"])


@st.composite
def _date_like(draw) -> str:
    """A date of one of the four forms, or two joined as a range, with wrong parts too."""
    def one() -> str:
        d, m, y = draw(_DAYS), draw(_MONTHS), draw(_YEARS)
        return draw(st.sampled_from([
            f"{y}-{m}-{d}", f"{d}{draw(st.sampled_from('-./'))}{m}-{y}", f"{d}.{m}.{y}",
            f"{d}{draw(st.sampled_from(['', 'st', 'th']))} {m} {y}", f"{d} {m}",
            f"{m} {d}, {y}", f"{m} {d}", f"{m} {y}", f"{y}-{m}", y, m]))
    text = one()
    if draw(st.booleans()):
        text += draw(st.sampled_from(["-", " \u2013 ", " to ", "\u2014"])) + one()
    return text


@settings(max_examples=300, deadline=None)
@given(_date_like())
def test_only_the_form_a_date_starts_with_can_match(text):
    """``parse_date`` tries only the patterns of the form the text's leading digits name
    (``_first_form``): no pattern of another form may match, or a date would be lost."""
    from hubbot.core import dates

    form = dates._first_form(text)
    for name in dates._FORM_NAMES:
        if name != form:
            assert dates._SINGLE[name].match(text) is None, name
            assert all(p.match(text) is None for p in dates._RANGES[name]), name
    if form != "month":
        assert dates._DAY_RANGE_MONTH.match(text) is None
    if form not in ("numeric", "day"):
        assert dates._DAY_RANGE_DAY.match(text) is None
