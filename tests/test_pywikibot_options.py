"""Pywikibot's conventions, offline: the CLI sorts pywikibot's global options from its
own, ``-simulate`` with ``--pages-dir`` writes nothing, the files backend decides
``{{bots}}``/``{{nobots}}`` as ``Page.botMayEdit`` does, offline commands never import
pywikibot, and errors go out as JSON lines too."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hubbot.app.config import load_config
from hubbot.backends.base import bots_allowed
from hubbot.backends.files import FilesBackend, title_to_filename
from hubbot.cli.args import split_global_options
from hubbot.cli.main import main
from hubbot.core.pages import PageText
from hubbot.errors import ConfigError, SimulatedSaveError, UsageError

REPO = Path(__file__).resolve().parents[1]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# Pywikibot 11's Page.botMayEdit for the bot "Hubbot" (checked against the local wiki by
# tests/integration/test_pywikibot_conventions.py, with the account "Bot"). The first
# four are where hubbot's old regex disagreed with it (issue 14).
BOT_MAY_EDIT = [
    ("<!--{{nobots}}-->", True),
    ("<nowiki>{{nobots}}</nowiki>", True),
    ("{{nobots|deny=Hubbot}}", False),
    ("{{Template:Nobots}}", False),
    ("{{nobots}}", False),
    ("{{bots|deny=Hubbot}}", False),
    ("{{bots|allow=Someone}}", False),
    ("{{bots|allow=Hubbot}}", True),
    ("{{bots|deny=all}}", False),
    ("{{nobots|Someone}}", True),
    ("{{nobots|Hubbot}}", False),
    ("{{template: nobots }}", False),
    ("<pre>{{nobots}}</pre>", True),
    ("{{bots}}", True),
    ("{{Nobots2}}", True),
    ("Just text {{flag|PL}}.", True),
]


@pytest.mark.parametrize(("text", "allowed"), BOT_MAY_EDIT)
def test_files_backend_excludes_as_botmayedit(text, allowed, tmp_path):
    assert bots_allowed(text, "Hubbot") is allowed
    (tmp_path / title_to_filename("P")).write_text(text, encoding="utf-8")
    assert FilesBackend(tmp_path, username="Hubbot").fetch(["P"])["P"].editable is allowed


def test_global_options_are_split_from_hubbot_options():
    own, pwb = split_global_options(["sync", "--config", "c.toml", "-simulate", "-dir:/x",
                                     "-user:Bot", "-family:meta", "-lang:meta", "-v",
                                     "-debug", "-max_retries:3", "-h"])
    assert own == ["sync", "--config", "c.toml", "-h"]
    assert pwb == ["-simulate", "-dir:/x", "-user:Bot", "-family:meta", "-lang:meta", "-v",
                   "-debug", "-max_retries:3"]
    assert split_global_options(["parse", "-"]) == (["parse", "-"], [])
    with pytest.raises(UsageError, match="-frobnicate"):
        split_global_options(["sync", "-frobnicate"])


def test_unknown_single_dash_option_is_a_usage_error():
    code, out, err = run("sync", "--config", "c.toml", "-frobnicate")
    assert code == 2 and out == ""
    assert err.startswith("usage: hubbot") and "unknown option '-frobnicate'" in err


def test_simulate_with_pages_dir_writes_nothing(wiki):  # noqa: F811
    before = {p.name: p.read_bytes() for p in (wiki / "pages").iterdir()}
    code, out, err = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                         str(wiki / "pages"), "--today", "2026-11-24", "-simulate")
    assert code == 0, out + err
    assert "Hubs: would save (simulated)" in out
    assert "would be saved (simulated)" in out.splitlines()[-1]
    assert {p.name: p.read_bytes() for p in (wiki / "pages").iterdir()} == before
    assert not (wiki / "state.json").exists()
    code, out, _ = run("sync", "--config", str(wiki / "hubbot.toml"), "--pages-dir",
                       str(wiki / "pages"), "--today", "2026-11-24")
    assert code == 0 and "Hubs: saved" in out  # the simulated save was not recorded


def test_files_backend_simulate_raises_instead_of_writing(tmp_path):
    (tmp_path / "P.wikitext").write_text("a", encoding="utf-8")
    backend = FilesBackend(tmp_path, simulate=True)
    page = backend.fetch(["P"])["P"]
    with pytest.raises(SimulatedSaveError):
        backend.save(page, "b", "s")
    with pytest.raises(SimulatedSaveError):
        backend.create_page("Q", "q", "s")
    assert (tmp_path / "P.wikitext").read_text() == "a" and not (tmp_path / "Q.wikitext"
                                                                 ).exists()
    assert isinstance(page, PageText)


def test_offline_commands_never_import_pywikibot(wiki):  # noqa: F811
    code = (
        "import io, sys\n"
        "from hubbot.cli.main import main\n"
        f"c1 = main(['sync', '--config', {str(wiki / 'hubbot.toml')!r}, '--pages-dir', "
        f"{str(wiki / 'pages')!r}, '-simulate', '-v', '--today', '2026-11-24'], "
        "stdout=io.StringIO())\n"
        f"c2 = main(['parse', {str(wiki / 'pages' / 'Hubs.wikitext')!r}], "
        "stdout=io.StringIO())\n"
        "print(c1, c2, 'pywikibot' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.stdout.split() == ["0", "0", "False"], result.stderr


def test_config_error_is_one_line_and_one_json_line(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[site]\nurl = "ftp://wiki.example.org/api.php"\n'
                   "[[pages]]\ntitle = 'Hubs'\ntables = ['events']\n")
    code, out, err = run("check", "--config", str(cfg), "--log-format", "json")
    assert code == 2 and err.count("\n") == 1 and "hubbot: error: " in err
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert line["kind"] == "error" and line["exit_code"] == 2
    assert line["error"] == "ConfigError" and "url" in line["message"]


def test_site_url_is_checked_without_a_request(tmp_path):
    cfg = tmp_path / "c.toml"
    body = "[[pages]]\ntitle = 'Hubs'\ntables = ['events']\n"
    cfg.write_text('[site]\nurl = "https://wiki.example.org/w/api.php"\n' + body)
    assert load_config(cfg).url == "https://wiki.example.org/w/api.php"
    for bad in ("https://wiki.example.org/wiki/Main_Page", "wiki.example.org/w/api.php"):
        cfg.write_text(f'[site]\nurl = "{bad}"\n' + body)
        with pytest.raises(ConfigError, match="api.php"):
            load_config(cfg)
    cfg.write_text('[site]\nurl = "https://w.org/api.php"\nfamily = "meta"\ncode = "meta"\n'
                   + body)
    with pytest.raises(ConfigError, match="not both"):
        load_config(cfg)


def test_url_family_names_are_usable_in_user_config():
    from hubbot.backends import wiki as wiki_backend  # imports no pywikibot at import

    assert wiki_backend.url_family_name("https://wiki.example.org/w/api.php") == \
        "wiki_example_org_w"
    assert wiki_backend.url_family_name("http://127.0.0.1:8080/api.php") == "127_0_0_1_8080"
