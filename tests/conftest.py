"""Test-session wiring.

Under CI (the ``CI`` environment variable set, as ``.ci/run`` does) a skipped test fails
the run: the integration tests against the real local MediaWiki must run there, never
quietly skip.
"""

from __future__ import annotations

import os

import pytest

IN_CI = bool(os.environ.get("CI"))
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
