"""How the CLI talks: plain or JSON log lines on stdout, progress on stderr, colour only
on a terminal (``NO_COLOR`` honoured), and the lines that report a run."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from datetime import UTC, datetime
from typing import IO, Any

from hubbot.app.model import Mode, Outcome, RunReport

_COLOURS = (("+++", "1"), ("---", "1"), ("+", "32"), ("-", "31"), ("@@", "36"))


class Output:
    """Where and how the CLI talks."""

    def __init__(self, stream: IO[str], *, log_format: str = "text", color: str = "auto",
                 err: IO[str] | None = None) -> None:
        self.stream = stream
        self.err = err or sys.stderr
        self.json = log_format == "json"
        tty = hasattr(stream, "isatty") and stream.isatty()
        self.color = color == "always" or (color == "auto" and tty
                                           and not os.environ.get("NO_COLOR"))

    def log(self, line: str, **fields: Any) -> None:
        if self.json:
            record = {"time": datetime.now(UTC).isoformat(timespec="seconds"),
                      "message": line, **fields}
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def progress(self, line: str) -> None:
        """Progress goes to stderr so stdout stays a clean log or review."""
        if not self.json:
            self.err.write(line + "\n")
            self.err.flush()

    def error(self, message: str, *, exit_code: int, kind: str) -> None:
        """The one place a failure is told: one line on stderr (and one JSON line)."""
        self.err.write(f"hubbot: error: {message}\n")
        self.err.flush()
        if self.json:
            self.log(f"hubbot: error: {message}", kind="error", error=kind,
                     exit_code=exit_code)

    def diff(self, text: str) -> str:
        if not self.color:
            return text
        out = []
        for line in text.splitlines(keepends=True):
            code = next((c for prefix, c in _COLOURS if line.startswith(prefix)), None)
            out.append(f"\033[{code}m{line.rstrip(chr(10))}\033[0m\n" if code else line)
        return "".join(out)

    def write_json(self, data: object) -> None:
        self.stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def write_csv(self, rows: list[dict[str, Any]]) -> None:
        buf = io.StringIO()
        if rows:
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: (json.dumps(v, ensure_ascii=False)
                                     if isinstance(v, list) else v) for k, v in row.items()})
        self.stream.write(buf.getvalue())


def print_report(report: RunReport, out: Output, mode: Mode) -> None:
    """Notes, changes, problems, one line per page (and diffs in a dry run)."""
    for note in report.notes:
        out.log(note, kind="note")
    if mode is Mode.DRY_RUN:
        for line in report.options:
            out.log(f"options: {line}", kind="options")
    for change in report.changes:
        out.log(f"change: {change}", kind="change", page=change.page)
    for problem in report.problems:
        out.log(f"problem: {problem}", kind="problem", page=problem.page, row=problem.row)
    for notice in report.notices:
        out.log(str(notice), kind="notice", page=notice.page, row=notice.row)
    for page in report.pages:
        out.log(page.line(), kind="page", page=page.title, outcome=page.outcome.value)
        if mode is Mode.DRY_RUN and page.diff and not out.json:
            out.stream.write(out.diff(page.diff))
    if report.quiet:
        out.log("no page changed since the last run", kind="quiet")


def print_summary(report: RunReport, out: Output, mode: Mode) -> None:
    if report.quiet:  # nothing was read: no count would be true
        out.log("done: nothing to do", kind="summary", exit_code=report.exit_code)
        return
    counts = report.counts()
    simulated = sum(1 for p in report.pages if p.simulated)
    verb = (f"{counts[Outcome.WOULD_SAVE]} would be edited" if mode is Mode.DRY_RUN
            else f"{counts[Outcome.SAVED]} saved")
    if simulated:
        verb += f", {simulated} would be saved (simulated)"
    held = f", {counts[Outcome.HELD]} held" if counts[Outcome.HELD] else ""
    out.log(f"done: {verb}, {counts[Outcome.FAILED]} failed, "
            f"{counts[Outcome.SKIPPED]} opted out{held}, {len(report.problems)} problems"
            + (f", {len(report.notices)} notices" if report.notices else ""),
            kind="summary", exit_code=report.exit_code)
