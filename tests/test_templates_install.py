"""The shipped wiki templates and ``hubbot templates install``, offline (``--pages-dir``).

The rendering on a real MediaWiki is checked in tests/integration/test_templates.py.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import mwparserfromhell
import pytest

from hubbot.app.config import load_config
from hubbot.app.templates_install import DEFAULT_DIR, load_templates
from hubbot.backends.files import FilesBackend, title_to_filename
from hubbot.cli.main import main
from hubbot.core.records import HubType, Stage
from hubbot.core.review import REVIEW_TEMPLATE, TRIGGER_TEMPLATE
from hubbot.errors import EditConflictError

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "config" / "demo.toml"
TEMPLATES = ("Template:Hub status", "Template:Hubs summary", f"Template:{REVIEW_TEMPLATE}",
             f"Template:{TRIGGER_TEMPLATE}")
MODULES = ("Module:Hubs",)
DATA_PAGE = "Module:Hubs/data.json"  # config/demo.toml's [data_page]: created empty
# The parameters hubbot writes into each template (hubbot/core/hubtemplates.py, review.py), and
# the one that makes the status templates read Module:Hubs instead ("module" mode).
PARAMS = {
    "Template:Hub status": {"stage", "type", "updated", "hub"},
    "Template:Hubs summary": ({"total", "last_change", "updated", "module"}
                              | {s.value for s in Stage}
                              | {t.value for t in HubType} | {"paused", "closed"}),
    f"Template:{REVIEW_TEMPLATE}": {"id", "status", "revisions", "created"},
    f"Template:{TRIGGER_TEMPLATE}": {"status", "run", "result", "release"},
}


# What `templates install` puts on a wiki with config/demo.toml: the templates, the module, their
# docs, and the bot's documentation page under the configured docs_page.
INSTALLED = sorted(set(TEMPLATES + MODULES) | {f"{t}/doc" for t in TEMPLATES + MODULES}
                   | {"User:Hubbot"}) + [DATA_PAGE]


def install(pages: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["templates", "install", "--config", str(CONFIG), "--pages-dir", str(pages),
                 *args], stdout=out, stderr=err)
    return code, out.getvalue()


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_every_template_and_its_doc_is_shipped():
    titles = {p.title for p in load_templates()}
    assert titles == {f"{t}{doc}" for t in TEMPLATES + MODULES for doc in ("", "/doc")}
    assert DEFAULT_DIR == REPO / "wikitemplates"


@pytest.mark.parametrize("title", TEMPLATES)
def test_template_transcludes_its_doc_only_outside_includeonly(title):
    text = {p.title: p.text for p in load_templates()}[title]
    noinclude = re.findall(r"<noinclude>(.*?)</noinclude>", text, re.DOTALL)
    assert [n.strip() for n in noinclude] == [f"{{{{{title}/doc}}}}"]
    body = re.fullmatch(r"<includeonly>(.*)</includeonly><noinclude>.*", text, re.DOTALL)
    assert body is not None and "<templatedata" not in body.group(1)
    assert "<templatestyles" not in text
    # Lua only where the call asks for the module (hub=, module=): a wiki without
    # Scribunto shows the parameters hubbot writes, and never expands an #invoke.
    assert_invoke_only_in_module_branches(mwparserfromhell.parse(text), guarded=False)
    used = {str(p.name).strip() for p in
            mwparserfromhell.parse(body.group(1)).filter_arguments(recursive=True)}
    assert used == PARAMS[title]  # every parameter hubbot writes is shown, nothing else


def assert_invoke_only_in_module_branches(code, *, guarded: bool) -> None:
    for template in code.filter_templates(recursive=False):
        name = str(template.name).strip()
        if name.startswith("#invoke:"):
            assert guarded, f"{{{{{name}}}}} outside an #if on hub or module"
            continue
        if name.replace(" ", "") in ("#if:{{{hub|}}}", "#if:{{{module|}}}"):
            if template.params:
                assert_invoke_only_in_module_branches(template.params[0].value, guarded=True)
            for param in template.params[1:]:
                assert_invoke_only_in_module_branches(param.value, guarded=guarded)
            continue
        assert_invoke_only_in_module_branches(template.name, guarded=guarded)
        for param in template.params:
            assert_invoke_only_in_module_branches(param.value, guarded=guarded)


def test_the_invoke_check_catches_an_unguarded_call():
    with pytest.raises(AssertionError):
        assert_invoke_only_in_module_branches(mwparserfromhell.parse(
            "{{#if:{{{stage|}}}|{{#invoke:Hubs|count}}}}"), guarded=False)
    assert_invoke_only_in_module_branches(mwparserfromhell.parse(
        "{{#if:{{{hub|}}}|{{#invoke:Hubs|stage|{{{hub}}}}}|{{{stage|}}}}}"), guarded=False)


@pytest.mark.parametrize("title", TEMPLATES)
def test_doc_has_templatedata_for_every_parameter(title):
    doc = {p.title: p.text for p in load_templates()}[f"{title}/doc"]
    (raw,) = re.findall(r"<templatedata>(.*?)</templatedata>", doc, re.DOTALL)
    data = json.loads(raw)
    assert data["description"] and set(data["params"]) == PARAMS[title]
    assert set(data["paramOrder"]) == PARAMS[title]
    assert "{{" not in raw  # the tag is plain text where TemplateData is missing
    assert f"{{{{{title.removeprefix('Template:')}|" in doc  # a usage example


def test_status_template_names_every_stage():
    text = {p.title: p.text for p in load_templates()}["Template:Hub status"]
    for stage in list(Stage) + ["paused", "closed"]:
        label = str(stage).capitalize()
        assert re.search(rf"^ \| {re.escape(str(stage))} (\| )?= {label}$", text,
                         re.MULTILINE), stage


def test_dry_run_on_an_empty_folder_would_create_every_page_and_writes_nothing(tmp_path):
    code, out = install(tmp_path)
    assert code == 0
    lines = out.splitlines()
    assert lines[:-1] == [f"{t}: would create" for t in INSTALLED]
    assert lines[-1] == (f"dry run (use --write to save): would create {len(INSTALLED)}, update 0; "
                         "0 up to date; 0 failed")
    assert list(tmp_path.iterdir()) == []


def test_dry_run_shows_a_diff_for_a_changed_page_and_keeps_it(tmp_path):
    assert install(tmp_path, "--write")[0] == 0
    changed = tmp_path / title_to_filename("Template:Hub status")
    changed.write_text(changed.read_text().replace("Pre-pilot", "Prepilot"))
    (tmp_path / title_to_filename("Template:Hubbot update/doc")).unlink()
    before = snapshot(tmp_path)
    code, out = install(tmp_path)
    assert code == 0 and snapshot(tmp_path) == before
    assert "Template:Hub status: would update\n--- Template:Hub status (on the wiki)\n" in out
    assert "\n- | pre-pilot = Prepilot\n+ | pre-pilot = Pre-pilot\n" in out
    assert "Template:Hubbot update/doc: would create\n" in out
    assert "Template:Hubs summary: up to date\n" in out
    assert out.endswith(f"would create 1, update 1; {len(INSTALLED) - 2} up to date; 0 failed\n")


def test_write_creates_and_updates_then_everything_is_up_to_date(tmp_path):
    (tmp_path / title_to_filename("Template:Hub status")).write_text("old text")
    code, out = install(tmp_path, "--write")
    assert code == 0 and "Template:Hub status: updated" in out
    assert out.splitlines()[-1] == f"create {len(INSTALLED) - 1}, update 1; 0 up to date; 0 failed"
    for page in load_templates(config=load_config(CONFIG)):
        assert (tmp_path / title_to_filename(page.title)).read_text() == page.text
    # The data page is created empty (valid, no records), then left to hubbot sync.
    data = tmp_path / title_to_filename(DATA_PAGE)
    assert json.loads(data.read_text())["hubs"] == []
    data.write_text('{"version": 1, "hubs": ["written by sync"]}')
    code, out = install(tmp_path, "--write")
    assert code == 0 and out.splitlines()[-1] == \
        f"create 0, update 0; {len(INSTALLED)} up to date; 0 failed"
    assert "written by sync" in data.read_text()


def test_simulate_makes_write_a_dry_run(tmp_path):
    code, out = install(tmp_path, "--write", "-simulate")
    assert code == 0 and f"would create {len(INSTALLED)}" in out and list(tmp_path.iterdir()) == []


def test_a_page_that_cannot_be_written_fails_and_the_others_are_done(tmp_path):
    (tmp_path / title_to_filename("Template:Hubs summary")).write_text("{{nobots}}")
    code, out = install(tmp_path, "--write")
    assert code == 1
    assert "Template:Hubs summary: failed: {{nobots}} on the page" in out
    assert out.splitlines()[-1].endswith("; 1 failed")
    assert (tmp_path / title_to_filename("Template:Hub status")).is_file()


def test_json_log_lines(tmp_path):
    code, out = install(tmp_path, "--log-format", "json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and records[0]["kind"] == "template"
    assert records[0]["action"] == "create" and records[0]["written"] is False
    assert records[-1]["kind"] == "summary" and records[-1]["exit_code"] == 0


def test_files_backend_create_page_never_overwrites(tmp_path):
    backend = FilesBackend(tmp_path)
    assert backend.create_page("Template:X/doc", "new", "s") is not None
    assert (tmp_path / "Template%3AX%2Fdoc.wikitext").read_text() == "new"
    with pytest.raises(EditConflictError):
        backend.create_page("Template:X/doc", "other", "s")
    assert (tmp_path / "Template%3AX%2Fdoc.wikitext").read_text() == "new"


def test_missing_templates_folder_is_a_usage_error(tmp_path):
    code, _ = install(tmp_path, "--templates-dir", str(tmp_path / "nope"))
    assert code == 2


def test_the_documentation_page_is_installed_under_docs_page_filled_in():
    from hubbot.app.templates_install import DOCS_FILE

    assert (DEFAULT_DIR / DOCS_FILE).is_file()
    config = load_config(CONFIG)
    pages = {p.title: p.text for p in load_templates(config=config)}
    doc = pages[config.docs_page]
    assert "@@" not in doc
    for needed in (f"[[{config.shutoff_page}]]", f"[[{config.report_page}]]",
                   "hubbot release PAGE", "<nowiki>{{nobots}}</nowiki>", "== Bot flag ==",
                   "! Edit rate", "! Operator", "Undo, roll back or revert by hand"):
        assert needed in doc, needed
    assert all(f"[[{t}]]" in doc for t in config.content_titles())
    assert "User:Hubbot" not in {p.title for p in load_templates()}  # no config: no page


def test_a_placeholder_the_config_cannot_fill_is_a_usage_error(tmp_path):
    from hubbot.app.templates_install import DOCS_FILE
    from hubbot.errors import UsageError

    (tmp_path / DOCS_FILE).write_text("Run by @@NOBODY@@.")
    with pytest.raises(UsageError, match="@@NOBODY@@"):
        load_templates(tmp_path, config=load_config(CONFIG))
