"""The README cannot drift from the CLI: every documented command line is checked against
the CLI's own --help, and the runnable examples are run."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest

from hubbot.cli.main import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted({m.group(1).strip() for m in re.finditer(
    r"^\.venv/bin/hubbot ([^#\n]+)", README, re.MULTILINE)})


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(argv, stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_the_readme_documents_commands():
    assert len(COMMANDS) >= 6
    assert README.startswith("# hubbot\n\n```sh\nmake demo")
    assert "make test" in README.split("\n\n")[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_documented_options_exist(command):
    words = shlex.split(command)
    code, out, _ = run([words[0], "--help"])
    assert code == 0 and out.startswith("usage: hubbot " + words[0])
    for word in words[1:]:
        if word.startswith("--"):
            assert word.split("=")[0] in out, f"{word} is not an option of {words[0]}"


def test_top_level_help_lists_every_command():
    code, out, _ = run(["--help"])
    assert code == 0
    for name in ("parse", "sync", "check", "export"):
        assert name in out


def test_documented_parse_example_runs():
    (command,) = [c for c in COMMANDS if c.startswith("parse ")]
    argv = shlex.split(command)
    argv = [str(REPO / a) if a.endswith(".wikitext") else a for a in argv]
    code, out, _ = run(argv)
    data = json.loads(out)
    assert code == 0 and data["events"] and data["problems"]


def test_documented_exit_codes_match_the_code():
    from hubbot import errors

    table = dict(re.findall(r"^\| (\d) \| ([^|]+) \|", README, re.MULTILINE))
    assert set(table) == {"0", "1", "2", "3", "4", "5"}
    assert errors.ConfigError.exit_code == 2 and errors.ShutoffError.exit_code == 3
    assert errors.StorageError.exit_code == 2 and errors.LoginError.exit_code == 4
    assert errors.PageSkippedError.exit_code == 1  # raised, but reported as opted out
    assert "nobots" in table["0"] and "login" in table["4"]
    assert errors.LockedError.exit_code == 3 and errors.PageError.exit_code == 1
    assert "shutoff" in table["3"] and "lock" in table["3"]
    assert errors.EXIT_BUG == 5 and "bug" in table["5"] and "traceback" in table["5"]
    assert "5" in errors.__doc__ and "EXIT_BUG" in errors.__doc__


def test_jobs_yaml_runs_a_documented_command():
    jobs = (REPO / "deploy" / "jobs.yaml").read_text(encoding="utf-8")
    command = re.search(r"command: cd ~/hubbot && \.venv/bin/hubbot (.+)", jobs).group(1)
    words = shlex.split(command)
    code, out, _ = run([words[0], "--help"])
    assert code == 0 and all(w in out for w in words[1:] if w.startswith("--"))
    assert "emails: onfailure" in jobs and "schedule:" in jobs


def test_the_bot_documentation_page_tells_the_exit_codes():
    page = (REPO / "wikitemplates" / "Hubbot documentation.wikitext").read_text(
        encoding="utf-8")
    assert "exit code" in page and "5 a bug in hubbot" in page and "1 a page failed" in page


def test_architecture_names_only_what_exists():
    """Every module, folder and function ARCHITECTURE.md and the README's design section
    point to exists: the map is of this code, not of an earlier layout."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    design = README.split("## Design", 1)[1]
    design = design.split("\n## ", 1)[0]
    package = REPO / "hubbot"
    paths = set(re.findall(r"`((?:core|app|backends|cli)/[\w/]*(?:\.py|/))`", text + design))
    assert len(paths) > 20
    missing = [p for p in sorted(paths) if not (package / p).exists()]
    assert not missing, missing
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    classes = set(re.findall(r"`([A-Z][a-z]\w*)(?:\.\w+)?`", text))
    assert {"DateCell", "Applier", "PageError", "Sync"} <= classes
    classes -= {"Hubs"}  # a page title, not code
    undefined = [c for c in sorted(classes) if not re.search(rf"\bclass {c}\b", source)]
    assert not undefined, undefined
    functions = set(re.findall(r"`(?:\w+\.)?(parse_page|render_page|written_records|attempt)`", text))
    assert functions == {"parse_page", "render_page", "written_records", "attempt"}
    assert all(re.search(rf"\bdef {f}\b", source) for f in functions)
    methods = re.findall(r"`(\w+)\.(\w+)`", text)
    for cls, meth in methods:
        if re.search(rf"\bclass {cls}\b", source):
            assert re.search(rf"\bdef {meth}\b", source), f"{cls}.{meth}"
