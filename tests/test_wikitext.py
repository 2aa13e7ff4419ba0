"""Reading cells: the fast path agrees with the parser, and Meta's markup is transparent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hubbot.core.read.cells import OPAQUE, flatten, slow_flatten, strip_translate, visible
from hubbot.core.records import Link

PIECES = st.sampled_from([
    "Hubs event", " ", "(", ")", ", ", "[[Hubs/Dialogue|findings summary]]",
    "[[Special:MyLanguage/Hubs/Event 1|event page]]", "[[Special:MyLanguage/Hubs]]",
    "[[:Category:Hubs]]", "[[Category:Hubs]]", "[[File:Map.png|80px]]", "27 November 2021",
    "\u200e", "\u00a0", "a_b", "[[Hubs|]]", "[[x|y]]z", "]]", "[[", "|", "x\ny",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join))
def test_the_fast_path_reads_as_the_parser_does(cell):
    assert flatten(cell) == slow_flatten(strip_translate(cell))
    # a date's text is compared as it is (``write.dateedits``): normalized already
    assert visible(flatten(cell).text) == flatten(cell).text


def test_translate_and_display_markup_is_transparent():
    flat = flatten("<translate><!--T:4--> Hubs Global Conversations</translate> "
                   "([[<tvar name=1>Special:MyLanguage/Hubs/GC</tvar>|<translate>"
                   "<!--T:5--> event page</translate>]])")
    assert flat.text == "Hubs Global Conversations (event page)"
    assert flat.links == (Link("Special:MyLanguage/Hubs/GC", "event page"),)
    assert flatten("{{nowrap|27 November 2021}}").text == "27 November 2021"
    assert flatten("{{Sort|2022-03-12|12 March 2022}}").text == "12 March 2022"
    assert flatten("{{dts|2022|3|12}}").text == "12 March 2022"
    assert flatten("{{date|2022-03-12}}").text == "12 March 2022"
    assert flatten("&lrm;27&nbsp;November 2021\u200f").text == "27 November 2021"
    assert flatten("{{ll|Hubs/Dialogue|findings}}").links == (
        Link("Special:MyLanguage/Hubs/Dialogue", "findings"),)
    assert flatten("<tvar|when>12 March 2022</>").text == "12 March 2022"


def test_opaque_templates_and_nested_tables():
    flat = flatten("{{flag|PL}} Wikimedia CEE")
    assert flat.text == "Wikimedia CEE" and flat.shown == OPAQUE + " Wikimedia CEE"
    assert flat.opaque
    nested = flatten("Workshop\n{| class=x\n| 13:00 || 16:00\n|}")
    assert nested.text == "Workshop" and nested.shown == "Workshop 13:00 16:00"
    assert flatten("<script>x</script> y").text == "<script>x</script> y"
