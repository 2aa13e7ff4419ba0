"""The deployment, as an operator follows the README: deploy/jobs.yaml read by the
Toolforge jobs client's own loader, the README's ``toolforge jobs run`` line giving the
same job, and the job's command, as written, run in a fresh home laid out as the README
says against the local MediaWiki: it logs in and exits 0.

toolforge-jobs-cli is installed apart, into .venv/toolforge-jobs-cli, and used in a
subprocess: since 16.1.31 its wheel also installs a top-level ``tests`` package, which in
the test virtualenv would shadow this repository's ``tests`` (conftest's ``tests.wiki``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hubbot.backends.files import filename_to_title

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
JOBS_YAML = REPO / "deploy" / "jobs.yaml"
JOBS_CLI_SPEC = "toolforge-jobs-cli>=16,<17"  # the client `toolforge jobs` runs
JOBS_CLI_DIR = REPO / ".venv" / "toolforge-jobs-cli"

LOADER = """
import json, sys
from unittest.mock import MagicMock
from jobs_cli.cli import arg_parser, get_api_payload, op_load

api = MagicMock()  # the Jobs API: op_load sends each job to it
op_load(api=api, file=sys.argv[1], job_name=None, tool_name="hubbot")
sent = [c.kwargs["json"] for c in api.post.call_args_list + api.patch.call_args_list]
run = get_api_payload(arg_parser(json.loads(sys.argv[2])))
print(json.dumps({"load": sent, "run": run}))
"""


def jobs_cli_python_path() -> str:
    if not (JOBS_CLI_DIR / "jobs_cli" / "cli.py").is_file():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target",
                        str(JOBS_CLI_DIR), JOBS_CLI_SPEC], check=True, timeout=600)
    return str(JOBS_CLI_DIR)


def readme_jobs_run_argv() -> list[str]:
    """The README's ``toolforge jobs run ...`` line, without ``toolforge jobs``."""
    (line,) = re.findall(r"^ *(toolforge jobs run (?:.*\\\n)*.*)$", README, re.MULTILINE)
    return shlex.split(line.replace("\\\n", " "))[2:]


def toolforge_payloads() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", LOADER, str(JOBS_YAML), json.dumps(readme_jobs_run_argv())],
        env={**os.environ, "PYTHONPATH": jobs_cli_python_path()}, capture_output=True,
        text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_setup_installs_no_test_dependencies():
    setup = subprocess.run(["make", "-n", "-B", "setup"], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout
    assert "pip install --quiet -e .\n" in setup and "[test" not in setup
    for target in ("test", "lint", "bench"):
        dry = subprocess.run(["make", "-n", "-B", target], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout
        assert "-e '.[test,plot]'" in dry, target


@pytest.mark.wiki
def test_jobs_yaml_and_the_readme_give_toolforge_the_same_job():
    payloads = toolforge_payloads()
    (job,) = payloads["load"]
    assert job["name"] == "hubbot-sync" and job["job_type"] == "scheduled"
    assert job["schedule"] == "17 * * * *" and job["imagename"] == "python3.11"
    assert job["emails"] == "onfailure" and job["filelog"] is True
    assert job["cmd"].startswith("cd ~/hubbot && .venv/bin/hubbot sync --config "
                                 "~/.hubbot/hubbot.toml ")
    assert payloads["run"] == job
    assert "toolforge jobs load ~/hubbot/deploy/jobs.yaml" in README


@pytest.fixture
def operator_home(local_wiki, tmp_path):
    """A fresh tool home laid out as the README says, for the local wiki."""
    local_wiki.reset()
    pages = {filename_to_title(p.name): p.read_text(encoding="utf-8")
             for p in sorted((REPO / "examples" / "pages").glob("*.wikitext"))}
    local_wiki.seed(pages)
    home = tmp_path / "home"
    home.mkdir()
    (home / "hubbot").symlink_to(REPO)  # the checkout, with its .venv
    pwb = home / ".hubbot"
    pwb.mkdir(mode=0o700)
    example = (REPO / "user-config.py.example").read_text(encoding="utf-8")
    local = example
    for old, new in (
            ("family = 'meta'", f"family_files['testwiki'] = {local_wiki.api_url!r}\n"
                                "family = 'testwiki'"),
            ("mylang = 'meta'", "mylang = 'testwiki'"),
            ("usernames['meta']['meta'] = 'Hubbot'",
             f"usernames['testwiki']['testwiki'] = {local_wiki.bot_user!r}"),
            ("put_throttle = 10", "put_throttle = 0")):
        assert old in local, old
        local = local.replace(old, new)
    (pwb / "user-config.py").write_text(local, encoding="utf-8")
    password = pwb / "user-password.py"
    password.write_text(f"({local_wiki.bot_user!r}, BotPassword({local_wiki.bot_appid!r}, "
                        f"{local_wiki.bot_secret!r}))\n", encoding="utf-8")
    password.chmod(0o600)
    config = (REPO / "config" / "meta.toml").read_text(encoding="utf-8")
    assert 'family = "meta"\ncode = "meta"' in config
    (pwb / "hubbot.toml").write_text(
        config.replace('family = "meta"\ncode = "meta"',
                       'family = "testwiki"\ncode = "testwiki"'), encoding="utf-8")
    return home


def run_job(home: Path, command: str) -> int:
    """The command as Toolforge runs it: a shell, the tool's home, output to the file
    logs (filelog: true), and nothing of this test session's environment."""
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    with open(home / "hubbot-sync.out", "ab") as out, \
            open(home / "hubbot-sync.err", "ab") as err:
        return subprocess.run(["bash", "-c", command], env=env, cwd=home, stdout=out,
                              stderr=err, timeout=300).returncode


@pytest.mark.wiki
def test_the_job_command_as_written_logs_in_and_exits_0(operator_home, local_wiki):
    (job,) = toolforge_payloads()["load"]
    home = operator_home
    code = run_job(home, job["cmd"])
    out = (home / "hubbot-sync.out").read_text(encoding="utf-8")
    err = (home / "hubbot-sync.err").read_text(encoding="utf-8")
    assert code == 0, out + err
    records = [json.loads(line) for line in out.splitlines()]
    assert records[-1]["kind"] == "summary" and records[-1]["exit_code"] == 0
    assert any(r.get("outcome") == "saved" for r in records)
    # It logged in as the bot of ~/.hubbot/user-config.py, and edited as the bot.
    assert f"Logging in to testwiki:testwiki as {local_wiki.bot_user}" in err
    assert [r["user"] for r in local_wiki.history("Hubs")][0] == local_wiki.bot_user
    assert not re.search(r"warning|deprecat|traceback", err, re.IGNORECASE), err
    assert (home / "state" / "meta.json").is_file()  # ../state from ~/.hubbot/hubbot.toml
    assert not (home / ".pywikibot").exists()  # pywikibot found ~/.hubbot, no fallback

    assert run_job(home, job["cmd"]) == 0  # the next hour: nothing changed, exit 0
    last = (home / "hubbot-sync.out").read_text(encoding="utf-8").splitlines()
    assert json.loads(last[-2])["kind"] == "quiet"


@pytest.mark.wiki
def test_the_job_without_credentials_fails_loudly(operator_home):
    (job,) = toolforge_payloads()["load"]
    (operator_home / ".hubbot" / "user-password.py").write_text(
        "('Bot', BotPassword('ci', '0123456789abcdef0123456789abcdef'))\n")
    code = run_job(operator_home, job["cmd"])
    err = (operator_home / "hubbot-sync.err").read_text(encoding="utf-8")
    assert code != 0 and "hubbot: error: login to testwiki:testwiki failed" in err
    assert "0123456789abcdef" not in err


def test_the_user_config_example_loads_without_warnings(tmp_path):
    shutil.copy(REPO / "user-config.py.example", tmp_path / "user-config.py")
    password = tmp_path / "user-password.py"
    password.write_text("('Hubbot', BotPassword('hubbot', 'x' * 32))\n")
    password.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYWIKIBOT")}
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c",
         "from pywikibot import config; print(config.family, config.write_maxlag, "
         "config.usernames['meta']['meta'])"],
        env={**env, "PYWIKIBOT_DIR": str(tmp_path), "HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["meta", "5", "Hubbot"]
    assert result.stderr == ""
