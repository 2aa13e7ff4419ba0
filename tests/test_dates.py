"""Dates as written on the Hubs pages: every form parsed, one canonical form written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.core.dates import DateParseError, format_date, parse_date
from hubbot.core.records import DateSpan, Precision

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
        return DateSpan(D(start.year, start.month, 1), None, precision)
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
