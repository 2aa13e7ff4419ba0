"""The shipped templates on the real local MediaWiki: ``hubbot templates install`` puts
them there, hubbot then writes a hub page, the summary page, a review page and the
"update now" page as it always does, and MediaWiki renders each (``action=parse``): the
visible text shows stages, types and counts, and no template link is red."""

from __future__ import annotations

import html as htmllib
import io
import re

import pytest

from hubbot.app.templates_install import load_templates
from hubbot.cli.main import main
from tests.support import LOCAL_CONFIG as CONFIG
from tests.support import LOCAL_PAGES as PAGES

pytestmark = pytest.mark.wiki

REVIEW = """
[review]
page = "Hubs/Review"
approvers = ["Editor"]
trigger_page = "Hubs/Update now"
trigger_interval_minutes = 0
"""
TRIGGER = "Edit this page (any change) to ask hubbot for a run now.\n" \
          "{{Hubbot update|status=|run=|result=}}\n"


def cli(site, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([args[0], *args[1:], "--config", str(site.config_path)], stdout=out,
                stderr=err)
    return code, out.getvalue(), err.getvalue()


def parse(site, title: str) -> dict:
    """MediaWiki's rendering of the saved page ``title``: HTML and transcluded pages.

    The page is purged first: the local wiki runs no jobs ($wgJobRunRate = 0), so pages
    rendered before a template existed are not refreshed as Meta-Wiki's job queue would."""
    r = site.admin().post(site.api_url, data={"action": "purge", "titles": title,
                                              "forcelinkupdate": 1, "format": "json"},
                          timeout=30).json()
    assert "purge" in r, r
    return site.api(action="parse", page=title, prop="text|templates|links")["parse"]


def visible(html: str) -> str:
    text = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(htmllib.unescape(text).split())


def red_links(parsed: dict) -> list[str]:
    """Every sign of a red link: a missing transcluded page, a missing linked page, an
    ``<a class="new">`` or a ``redlink=1`` URL in the HTML."""
    html = parsed["text"]
    return ([t["title"] for t in parsed["templates"] if not t.get("exists")]
            + [link["title"] for link in parsed["links"] if not link.get("exists")]
            + re.findall(r'<a [^>]*class="new"[^>]*>', html)
            + re.findall(r"redlink=1", html))


@pytest.fixture
def site(local_wiki, tmp_path):
    local_wiki.reset()
    pages = dict(PAGES)
    # A hub in pilot, so the hub page shows "Pilot".
    pages["Hubs/Ongoing"] = pages["Hubs/Ongoing"].replace("|| Implementation ||",
                                                          "|| Pilot ||")
    pages["Hubs/Review"] = "Reviews of hubbot's changes appear here."
    pages["Hubs/Update now"] = TRIGGER
    local_wiki.seed(pages)
    (tmp_path / "hubbot.toml").write_text(CONFIG + REVIEW, encoding="utf-8")
    local_wiki.config_path = tmp_path / "hubbot.toml"
    return local_wiki


def test_templates_install_then_every_page_hubbot_writes_renders(site):
    before = parse(site, "Wikimedia CEE Hub")  # a fresh wiki: the template is red
    assert "Template:Hub status" in red_links(before)

    code, out, err = cli(site, "templates", "install")  # dry run
    assert code == 0, out + err
    assert "Template:Hub status: would create" in out
    assert site.text("Template:Hub status") is None

    code, out, err = cli(site, "templates", "install", "--write")
    assert code == 0, out + err
    shipped = len(load_templates())  # templates, module, docs (no docs_page here)
    assert out.splitlines()[-1] == f"create {shipped}, update 0; 0 up to date; 0 failed"
    for page in load_templates():
        assert site.text(page.title) == page.text.rstrip()
        assert site.history(page.title)[0]["user"] == "Bot"
    code, out, _ = cli(site, "templates", "install", "--write")
    assert code == 0 and \
        out.splitlines()[-1] == f"create 0, update 0; {shipped} up to date; 0 failed"

    # hubbot writes the pages as it always does: a review, then a run asked for on the
    # trigger page by an approver.
    code, out, err = cli(site, "sync", "--dry-run", "--review-page")
    assert code == 0, out + err
    site.edit("Hubs/Update now", TRIGGER + "Please run.\n", "run please", as_editor=True)
    code, out, err = cli(site, "sync")
    assert code == 0, out + err
    assert "stage=pilot" in site.text("Wikimedia CEE Hub")

    cee = parse(site, "Wikimedia CEE Hub")
    text = visible(cee["text"])
    assert "Hub stage: Pilot · Type: regional · updated" in text
    assert "The CEE hub." in text and "More." in text and "{{" not in text

    earth = visible(parse(site, "EARTHub")["text"])
    assert "Hub stage: Planning · Type: regional, thematic · updated 2025-02-02" in earth

    summary = parse(site, "Hubs/Summary")
    text = visible(summary["text"])
    assert "Wikimedia hubs: 2" in text
    for label, count in (("Pilot", 1), ("Planning", 1), ("Implementation", 0),
                         ("Regional", 2), ("Thematic", 1), ("Linguistic", 0),
                         ("Total", 2)):
        assert f" {label} {count} " in f" {text} ", label
    assert "Counted by hubbot on" in text

    review = parse(site, "Hubs/Review")
    text = visible(review["text"])
    assert re.search(r"hubbot review R[0-9a-f]{12} ?: Pending: waiting for an approver "
                     r"· created \d{4}-\d\d-\d\d Pages and the revisions reviewed: .*Hubs@\d+",
                     text), text[:300]

    trigger = parse(site, "Hubs/Update now")
    text = visible(trigger["text"])
    assert re.search(r'hubbot "update now": Done · run \S+ requested by Editor; saved: ',
                     text), text

    for parsed in (cee, summary, review, trigger):
        assert not red_links(parsed), (parsed["title"], red_links(parsed))
        assert "Template:" not in visible(parsed["text"])
    for page in load_templates():  # the template pages with their documentation too
        parsed = parse(site, page.title)
        assert not red_links(parsed), (page.title, red_links(parsed))


def test_an_empty_trigger_template_and_unknown_values_render_as_written(site):
    assert cli(site, "templates", "install", "--write")[0] == 0
    text = visible(parse(site, "Hubs/Update now")["text"])
    assert 'hubbot "update now": No run requested yet: edit this page to ask for one' in text
    rendered = visible(site.render("{{Hub status|stage=Hibernating|type=linguistic}}"
                                   "{{Hub status|stage=|type=}}"
                                   "{{Hub status|stage=pre-pilot}}"))
    assert "Hub stage: Hibernating · Type: linguistic" in rendered
    assert "Hub stage: Unknown" in rendered and "Hub stage: Pre-pilot" in rendered
    summary = visible(site.render("{{Hubs summary|total=1|paused=1|last_change=hub stage "
                                  "changed: X pilot → paused}}"))
    assert "Wikimedia hubs: 1" in summary and " Paused 1 " in summary
    assert "Pilot 0" in summary and "Last change: hub stage changed: X pilot → paused" in summary
    assert "Counted by" not in summary


ESCAPED = ["&#0", "&#0;", "&#65", "&#x41;", "&amp", "&amp;", "&eacute;", "&nosuch;", "&lt",
           "&#xD800;", "&#1114112;", "a|b}}c", "[[Category:X]]", "~~~~", "'''b'''",
           "<b>x</b>", "__NOTOC__", "http://example.org x", "Zürich — „CEE“ & Q&A"]


def test_an_escaped_value_shows_what_unescape_says_and_the_value_itself(local_wiki):
    """MediaWiki is the judge of ``escape_param`` and ``unescape``: each value, escaped as
    a parameter, renders as the value itself, and ``unescape`` reads the escaped text, and
    the raw value, as MediaWiki shows them (a reference without its semicolon, "&#65", or
    of a character MediaWiki does not show, "&#0;", stays as written)."""
    from hubbot.core.escape import escape_param, unescape

    marks = "".join(f"<p>@@{i}@@ {escape_param(v)} @@end@@</p>\n"
                    f"<p>@@raw{i}@@ <nowiki/>{v if '|' not in v else ''} @@end@@</p>\n"
                    for i, v in enumerate(ESCAPED))
    shown = visible(local_wiki.render(marks))
    for i, value in enumerate(ESCAPED):
        got = re.search(rf"@@{i}@@ (.*?) ?@@end@@", shown).group(1)
        assert got == " ".join(value.split()) == unescape(escape_param(value)), value
        if "|" not in value and not value.startswith(("[", "~", "'", "<", "_", "http")):
            raw = re.search(rf"@@raw{i}@@ (.*?) ?@@end@@", shown).group(1)
            assert raw == unescape(value), value
