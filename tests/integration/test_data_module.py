"""The data page and Module:Hubs on the real local MediaWiki 1.39 (Scribunto, LuaStandalone
with Debian's lua5.1): ``templates install`` puts the module and an empty data page
there, ``sync`` fills the data page through the one save path, and every figure the
module renders (``action=parse`` of ``{{#invoke:Hubs|...}}``) equals hubbot's own records.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from hubbot.app.config import load_config
from hubbot.app.session import Where, export_records, read_configured
from hubbot.cli.main import main
from hubbot.core.data import document_text, read_document
from tests.support import LOCAL_CONFIG, LOCAL_PAGES

pytestmark = pytest.mark.wiki

DATA = "Module:Hubs/data.json"
SCHEMA = json.loads((Path(__file__).parents[2] / "hubbot" / "schema" /
                     "hubs-data.schema.json").read_text(encoding="utf-8"))
STAGES = ("research", "planning", "pre-pilot", "pilot", "implementation", "operation",
          "paused", "closed", "unknown")
TYPES = ("regional", "thematic", "linguistic")


def cli(site, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*args, "--config", str(site.config_path)], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def visible(html: str) -> str:
    text = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(htmllib.unescape(text).split())


def render(site, wikitext: str) -> str:
    """What MediaWiki renders for ``wikitext``; a Lua error fails the test."""
    html = site.render(wikitext)
    assert "scribunto-error" not in html and "Script error" not in html, html[:500]
    return visible(html)


def invoke(site, calls: list[str]) -> list[str]:
    """Render many ``{{#invoke:Hubs|...}}`` calls in one parse, one answer each."""
    text = "".join(f"<p>@@{i}@@ {{{{#invoke:Hubs|{c}}}}} @@end@@</p>"
                   for i, c in enumerate(calls))
    shown = render(site, text)
    return [re.search(rf"@@{i}@@ (.*?) ?@@end@@", shown).group(1).strip()
            for i in range(len(calls))]


@pytest.fixture
def site(local_wiki, tmp_path):
    local_wiki.reset()
    pages = dict(LOCAL_PAGES)
    # Characters MediaWiki's JSON encoder writes its own way (<, >, &, non-ASCII).
    pages["Hubs"] = pages["Hubs"].replace("|}", "|-\n| 3 May 2023 || Hubs café & Q&A "
                                          "<small>Zürich</small> — „CEE“ → pilot\n|}", 1)
    local_wiki.seed(pages)
    config = tmp_path / "hubbot.toml"
    config.write_text(LOCAL_CONFIG + f'\n[data_page]\ntitle = "{DATA}"\n', encoding="utf-8")
    local_wiki.config_path = config
    return local_wiki


def records(site) -> dict:
    return export_records(read_configured(load_config(site.config_path), Where()))


def check_module_against_records(site) -> dict:
    """Every figure the module renders equals what hubbot reads from the pages."""
    doc = json.loads(site.text(DATA))
    jsonschema.validate(doc, SCHEMA)
    mine = records(site)
    hubs = mine["hubs"]
    assert sorted(h["key"] for h in doc["hubs"]) == sorted(h["key"] for h in hubs)
    calls = ["count", *[f"count|stage={s}" for s in STAGES],
             *[f"count|type={t}" for t in TYPES]]
    years = sorted({e["start"][:4] for e in mine["events"] if e["start"]})
    calls += ["count|events", *[f"count|events|year={y}" for y in years]]
    for hub in hubs:
        calls += [f"stage|{hub['key']}", f"types|{hub['key']}", f"name|{hub['key']}"]
    answers = iter(invoke(site, calls))
    stages = Counter(h["stage"] for h in hubs)
    assert next(answers) == str(len(hubs))
    for stage in STAGES:
        assert next(answers) == str(stages[stage]), stage
    for kind in TYPES:
        assert next(answers) == str(sum(kind in h["types"] for h in hubs)), kind
    assert next(answers) == str(len(mine["events"]))
    for year in years:
        assert next(answers) == str(sum(1 for e in mine["events"]
                                        if (e["start"] or "").startswith(year))), year
    for hub in hubs:
        assert next(answers) == hub["stage"]
        assert next(answers) == ", ".join(hub["types"])
        assert next(answers) == hub["name"]
    # The events of a year, as the module lists them.
    for year in years:
        listed = render(site, f"{{{{#invoke:Hubs|events|year={year}}}}}")
        for ev in mine["events"]:
            if (ev["start"] or "").startswith(year):
                assert ev["title"] in listed
    return doc


def test_install_sync_and_every_module_figure_equals_hubbots_records(site):
    code, out, err = cli(site, "templates", "install", "--write")
    assert code == 0, out + err
    assert f"{DATA}: created" in out and "Module:Hubs: created" in out
    info = site.api(action="query", prop="info", titles=DATA)["query"]["pages"][0]
    assert info["contentmodel"] == "json"
    module = site.api(action="query", prop="info", titles="Module:Hubs")["query"]["pages"][0]
    assert module["contentmodel"] == "Scribunto"

    code, out, err = cli(site, "sync")
    assert code == 0, out + err
    assert f"{DATA}: saved" in out
    saved = site.text(DATA)
    # MediaWiki stores the JSON as hubbot wrote it: no churn from a re-formatting.
    assert saved == document_text(read_document(saved))
    assert [r["user"] for r in site.history(DATA)] == ["Bot", "Bot"]
    doc = check_module_against_records(site)
    assert doc["updated"] == date.today().isoformat()

    # Nothing changed: no edit of the data page (a forced run plans it again).
    code, out, err = cli(site, "sync", "--force")
    assert code == 0, out + err
    assert f"{DATA}: unchanged" in out and len(site.history(DATA)) == 2

    # A person changes a stage: the data page follows, dated, and the module shows it.
    ongoing = site.text("Hubs/Ongoing")
    site.edit("Hubs/Ongoing", ongoing.replace("|| Implementation ||", "|| Operation ||"),
              "CEE is operational", as_editor=True)
    code, out, err = cli(site, "sync")
    assert code == 0, out + err
    doc = check_module_against_records(site)
    cee = next(h for h in doc["hubs"] if h["key"] == "central-and-eastern-europe")
    assert cee["stage"] == "operation" and cee["stage_since"] == date.today().isoformat()
    assert invoke(site, ["since|central-and-eastern-europe", "label|central-and-eastern-europe",
                         "stage|no-such-hub", "updated"]) == [
        date.today().isoformat(), "Operation", "", doc["updated"]]
    assert "hub stage" in site.history(DATA)[0]["comment"] or \
        "operation" in site.history(DATA)[0]["comment"]

    # The table of hubs, and the status templates in module mode.
    table = render(site, "{{#invoke:Hubs|table}}")
    for hub in doc["hubs"]:
        assert hub["name"] in table
    status = render(site, "{{Hub status|hub=central-and-eastern-europe}}")
    assert f"Hub stage: Operation · Type: regional · since {date.today().isoformat()}" \
        in status
    summary = render(site, "{{Hubs summary|module=yes}}")
    assert f"Wikimedia hubs: {len(doc['hubs'])}" in summary
    assert " Operation 1 " in f" {summary} " and " Implementation 0 " in f" {summary} "


def test_parameter_mode_never_calls_the_module(site):
    """Without hub= / module= the templates show the parameters and expand no #invoke
    (a wiki without Scribunto renders them as before)."""
    assert cli(site, "templates", "install", "--write")[0] == 0
    parsed = site.api(action="parse", text="{{Hub status|stage=pilot|type=regional}}"
                      "{{Hubs summary|total=3|pilot=3}}", contentmodel="wikitext",
                      prop="text|templates")["parse"]
    used = {t["title"] for t in parsed["templates"]}
    assert "Module:Hubs" not in used and "Template:Hub status" in used
    assert "Hub stage: Pilot · Type: regional" in visible(parsed["text"])


def test_the_data_page_is_part_of_a_reviewed_change(site):
    """With [review]: the dry run's review shows the data page's diff, and an approval
    applies exactly that (the data page included, with the review named)."""
    from hubbot.core.review import read_review

    config = site.config_path
    config.write_text(config.read_text(encoding="utf-8") + '\n[review]\npage = "Hubs/Review"'
                      '\napprovers = ["Editor"]\n', encoding="utf-8")
    site.seed({"Hubs/Review": "Reviews of hubbot's changes appear here."})
    assert cli(site, "templates", "install", "--write")[0] == 0
    code, out, err = cli(site, "sync", "--dry-run", "--review-page")
    assert code == 0, out + err
    review = site.text("Hubs/Review")
    assert f"== {DATA} ==" in review and read_document(site.text(DATA))["hubs"] == []
    rid = read_review(review).rid
    site.edit("Hubs/Review", review.replace("status=pending", "status=approved"),
              "approve", as_editor=True)
    code, out, err = cli(site, "sync", "--apply-approved")
    assert code == 0, out + err
    assert f"{DATA}: saved" in out
    assert f"(review {rid} approved by Editor)" in site.history(DATA)[0]["comment"]
    check_module_against_records(site)
