"""Test-session wiring.

Under CI (the ``CI`` environment variable set, as ``.ci/run`` does) a skipped test fails
the run: the integration tests against the real local MediaWiki must run there, never
quietly skip.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path as _Path

sys.path.insert(0, str(_Path(__file__).resolve().parent.parent))  # "tests.wiki"

import pytest
from hypothesis import settings

IN_CI = bool(os.environ.get("CI"))
# Under CI, property tests run a fixed set of examples: a red CI always reproduces.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if IN_CI:
    settings.load_profile("ci")
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus: int, config) -> None:
    if IN_CI and _skipped:
        terminalreporter.write_line(
            f"CI: {len(_skipped)} test(s) skipped, which fails the run under CI: "
            + ", ".join(_skipped[:5]), red=True)


# --- the real local MediaWiki ----------------------------------------------------------

_wiki = None
_wiki_error: str | None = None


@pytest.hookimpl(trylast=True)  # after "-m" and "-k" have deselected what they will
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Bring the wiki up once, and only when a selected test needs it (a unit run,
    ``pytest -m "not wiki"``, needs no PHP). No test module imports pywikibot at import
    time, so ``PYWIKIBOT_DIR`` is still ours to set here."""
    global _wiki, _wiki_error
    if not any(item.get_closest_marker("wiki") for item in items):
        _wiki_error = "no selected test needs it"
        return
    if os.environ.get("HUBBOT_NO_WIKI"):
        _wiki_error = "HUBBOT_NO_WIKI is set"
        return
    import tempfile
    from pathlib import Path

    from tests.wiki.harness import available, bring_up

    ok, why = available()
    if not ok:
        _wiki_error = why
        return
    try:
        _wiki = bring_up(Path(tempfile.mkdtemp(prefix="hubbot-wiki-")))
    except Exception as exc:  # noqa: BLE001 - reported by every test that needs it
        _wiki_error = f"bringing up the local MediaWiki failed: {exc}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _wiki is not None:
        _wiki.stop()


@pytest.fixture(scope="session")
def local_wiki():
    """The running LocalWiki. Skips outside CI when PHP/MediaWiki are missing; under CI
    that is an error."""
    if _wiki is None:
        if IN_CI:
            pytest.fail(f"CI: the local MediaWiki is required: {_wiki_error}")
        pytest.skip(f"no local MediaWiki: {_wiki_error}")
    return _wiki


@pytest.fixture
def wiki(tmp_path):
    """A folder of the small page set (``tests/pagesets/small``) and its config, for the
    offline files backend: ``wiki / "pages"``, ``wiki / "hubbot.toml"``."""
    import shutil

    from tests.support import PAGESETS

    pages = tmp_path / "pages"
    shutil.copytree(PAGESETS / "small", pages)
    (pages / "hubbot.toml").rename(tmp_path / "hubbot.toml")
    return tmp_path
