"""The ``hubbot`` command: a thin layer that wires config, backend, sync and output.

Exit codes (who must act): 0 all done (pages that opt out with nobots or protection are
reported, not failed); 1 a page failed (API error, conflict after a retry, broken markers,
guard); 2 usage, configuration, state or lock file error, found before the first edit;
3 stopped on purpose (shutoff page, another run holds the lock); 4 login failed or no
pywikibot user config. Errors users can act on are one line on stderr (and one JSON line
on stdout with --log-format json); bugs print a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from hubbot import __version__
from hubbot.app.config import Config, load_config
from hubbot.app.state import RunLock
from hubbot.app.sync import Mode, Outcome, RunReport, Sync
from hubbot.backends.base import Backend
from hubbot.backends.files import FilesBackend
from hubbot.core.codec import event_to_json, hub_to_json, interview_to_json, problem_to_json
from hubbot.core.parse import parse_page
from hubbot.errors import EXIT_USAGE, ConfigError, HubbotError, UsageError

EPILOG = """exit codes: 0 all done (opted-out pages are reported), 1 a page failed, 2 usage,
config, state or lock error, 3 stopped (shutoff page, or another run holds the lock),
4 login failed or no pywikibot user config"""


class Output:
    """Where and how the CLI talks: plain or JSON log lines, colour only on a terminal."""

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

    def diff(self, text: str) -> str:
        if not self.color:
            return text
        out = []
        for line in text.splitlines(keepends=True):
            if line.startswith(("+++", "---")):
                out.append(f"\033[1m{line.rstrip(chr(10))}\033[0m\n")
            elif line.startswith("+"):
                out.append(f"\033[32m{line.rstrip(chr(10))}\033[0m\n")
            elif line.startswith("-"):
                out.append(f"\033[31m{line.rstrip(chr(10))}\033[0m\n")
            elif line.startswith("@@"):
                out.append(f"\033[36m{line.rstrip(chr(10))}\033[0m\n")
            else:
                out.append(line)
        return "".join(out)


def _today(value: str | None) -> date:
    value = value or os.environ.get("HUBBOT_TODAY")
    if not value:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today {value!r}: expected YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubbot", description="Keep the Wikimedia Hubs pages on Meta-Wiki tidy and in "
        "sync.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"hubbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse one wikitext file and print its records",
                       epilog=EPILOG)
    p.add_argument("file", type=Path, help="a .wikitext file, or - for standard input")
    p.add_argument("--page", help="page title to report (default: from the file name)")
    p.add_argument("--context-year", type=int, metavar="YYYY",
                   help="year for dates written without one (\"February 21\")")
    p.add_argument("--json", action="store_true", help="print JSON (the default is a "
                   "short text summary)")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--config", type=Path, required=True, help="a config/*.toml file")
        sp.add_argument("--pages-dir", type=Path, metavar="DIR", help="read (and write) "
                        "<title>.wikitext files in DIR instead of the wiki")
        sp.add_argument("--log-format", choices=("text", "json"), default="text")
        sp.add_argument("-debug", "--debug", action="store_true", dest="debug",
                        help="show pywikibot's own tracebacks for network faults")

    s = sub.add_parser("sync", help="check, parse and write back the configured pages",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(s)
    how = s.add_mutually_exclusive_group()
    how.add_argument("--dry-run", action="store_true", help="show diffs and the changelog; "
                     "write nothing to the wiki or the state file")
    how.add_argument("--interactive", action="store_true",
                     help="show each diff and ask y(es) / n(o) / a(ll) / q(uit)")
    s.add_argument("--diff-file", type=Path, metavar="PATH",
                   help="also write the review (changelog and diffs) as Markdown")
    s.add_argument("--force", action="store_true",
                   help="parse and plan even if no page changed since the last run")
    s.add_argument("--accept-removals", action="store_true",
                   help="allow writing tables that lost many rows since the last run")
    s.add_argument("--review-page", nargs="?", const="", metavar="TITLE",
                   help="with --dry-run: post the review to this wiki page (default: "
                   "[review] page) for approval by an editor")
    how.add_argument("--apply-approved", action="store_true",
                     help="apply the review on the review page if an allowed user "
                     "approved it and the pages have not changed since")
    s.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    s.add_argument("--today", help=argparse.SUPPRESS)

    c = sub.add_parser("check", help="list problems in the configured pages; write nothing",
                       epilog=EPILOG)
    common(c)

    e = sub.add_parser("export", help="print the current records as JSON or CSV",
                       epilog=EPILOG)
    common(e)
    e.add_argument("--format", choices=("json", "csv"), default="json")
    e.add_argument("--table", choices=("events", "hubs", "interviews"), default=None,
                   help="with csv: which records (default: events)")

    ti = sub.add_parser("templates", help="install the wiki templates hubbot writes or "
                        "expects (from wikitemplates/; a dry run unless --write)",
                        epilog=EPILOG)
    ti.add_argument("action", choices=("install",), help="install: create or update them")
    common(ti)
    ti.add_argument("--write", action="store_true", help="create or update the pages "
                    "(without it: say what would change, with diffs)")
    ti.add_argument("-simulate", "--simulate", action="store_true",
                    help="a dry run even with --write (as pywikibot's -simulate)")
    ti.add_argument("--templates-dir", type=Path, metavar="DIR",
                    help="the template pages (default: the wikitemplates/ folder)")
    return parser


# --- commands ---------------------------------------------------------------------------

def cmd_parse(args: argparse.Namespace, out: Output) -> int:
    try:
        if str(args.file) == "-":
            text = sys.stdin.read()
            title = args.page or "stdin"
        else:
            text = args.file.read_text(encoding="utf-8")
            title = args.page or args.file.stem
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{args.file}: cannot read: {exc}") from None
    parsed = parse_page(text, title, context_year=args.context_year)
    if args.json:
        data = {"page": title, "events": [event_to_json(e) for e in parsed.events],
                "hubs": [hub_to_json(h) for h in parsed.hubs],
                "interviews": [interview_to_json(i) for i in parsed.interviews],
                "problems": [problem_to_json(p) for p in parsed.problems]}
        out.stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.log(f"{title}: {len(parsed.events)} events, {len(parsed.hubs)} hubs, "
                f"{len(parsed.interviews)} interviews, {len(parsed.problems)} problems")
        for problem in parsed.problems:
            out.log(str(problem))
    return 0


def _default_pywikibot_dir(config: Config) -> None:
    """Pywikibot's files (user-config.py, user-password.py) next to the hubbot config
    (the README's ~/.hubbot) are used unless PYWIKIBOT_DIR says otherwise. Must run before
    pywikibot is imported: it reads its directory once, on import."""
    folder = config.path.parent.resolve()
    if "PYWIKIBOT_DIR" not in os.environ and (folder / "user-config.py").is_file():
        os.environ["PYWIKIBOT_DIR"] = str(folder)


def make_backend(config: Config, pages_dir: Path | None, debug: bool = False) -> Backend:
    if pages_dir is not None:
        return FilesBackend(pages_dir)
    if config.family is None or config.code is None:
        raise ConfigError(f"{config.path}: no [site] family/code, and no --pages-dir given")
    _default_pywikibot_dir(config)
    from hubbot.backends.wiki import WikiBackend  # pywikibot is imported only when a wiki is used

    return WikiBackend(config.family, config.code, username=config.username, debug=debug)


@contextlib.contextmanager
def _closing(backend: Backend) -> Iterator[Backend]:
    """Release what a backend holds (the wiki backend's request counter hook)."""
    try:
        yield backend
    finally:
        backend.close()


def _confirm_on_tty(out: Output) -> Any:
    def confirm(title: str, diff: str, summary: str) -> str:
        out.stream.write(out.diff(diff))
        out.stream.write(f"Edit summary: {summary}\n")
        while True:
            out.stream.write(f"Save {title}? [y]es, [n]o, [a]ll, [q]uit: ")
            out.stream.flush()
            answer = sys.stdin.readline()
            if not answer:
                return "q"
            answer = answer.strip().lower()[:1]
            if answer in ("y", "n", "a", "q"):
                return answer
    return confirm


def review_markdown(report: RunReport, config: Config) -> str:
    """The dry-run review as Markdown (for a talk page or a pull request)."""
    lines = [f"# hubbot review ({config.path.name})", ""]
    lines.append("## Changes since the last run")
    lines.append("")
    lines += [f"- {c}" for c in report.changes] or ["- none"]
    lines += [f"- {n}" for n in report.notes]
    lines.append("")
    if report.problems:
        lines += ["## Problems", ""] + [f"- {p}" for p in report.problems] + [""]
    lines += ["## Edits", ""]
    edits = [p for p in report.pages if p.diff]
    if not edits:
        lines += ["No page would change.", ""]
    for page in edits:
        lines += [f"### {page.title}", "", f"Edit summary: `{page.summary}`", "",
                  "```diff", page.diff.rstrip("\n"), "```", ""]
    others = [p for p in report.pages if not p.diff]
    if others:
        lines += ["## Other pages", ""] + [f"- {p.line()}" for p in others] + [""]
    return "\n".join(lines)


def _print_report(report: RunReport, out: Output, mode: Mode) -> None:
    for note in report.notes:
        out.log(note, kind="note")
    for change in report.changes:
        out.log(f"change: {change}", kind="change", page=change.page)
    for problem in report.problems:
        out.log(f"problem: {problem}", kind="problem", page=problem.page,
                row=problem.row)
    for page in report.pages:
        out.log(page.line(), kind="page", page=page.title, outcome=page.outcome.value)
        if mode is Mode.DRY_RUN and page.diff and not out.json:
            out.stream.write(out.diff(page.diff))
    if report.quiet:
        out.log("no page changed since the last run", kind="quiet")


def _apply_approved(args: argparse.Namespace, out: Output, config: Config,
                    today: date) -> int:
    from hubbot.app.onwiki import apply_approved

    with RunLock(config.lock_path):
        backend = make_backend(config, args.pages_dir, args.debug)
        with _closing(backend):
            outcome = apply_approved(config, backend, today=today, log=out.progress)
    if outcome.applied is not None:
        _print_report(outcome.applied, out, Mode.CRON)
    out.log(outcome.message, kind="review", review=outcome.review_id)
    return outcome.applied.exit_code if outcome.applied is not None else 0


def cmd_sync(args: argparse.Namespace, out: Output) -> int:
    config = load_config(args.config)
    today = _today(args.today)
    mode = Mode.DRY_RUN if args.dry_run else (Mode.INTERACTIVE if args.interactive
                                             else Mode.CRON)
    if args.review_page is not None and mode is not Mode.DRY_RUN:
        raise UsageError("--review-page goes with --dry-run")
    if args.apply_approved:
        return _apply_approved(args, out, config, today)
    # The lock is taken before logging in: an overlapping cron run stops at once (exit 3).
    lock: Any = contextlib.nullcontext() if mode is Mode.DRY_RUN else RunLock(config.lock_path)
    with lock:
        backend = make_backend(config, args.pages_dir, args.debug)
        sync = Sync(config, backend, mode=mode, today=today,
                    confirm=_confirm_on_tty(out) if mode is Mode.INTERACTIVE else None,
                    log=out.progress, force=args.force, accept_removals=args.accept_removals)
        with _closing(backend):
            report = sync.run()
            if args.review_page is not None:
                from hubbot.app.onwiki import post_review

                rid = post_review(config, backend, report, today=today,
                                  page_title=args.review_page or None)
                report.notes.append(f"review {rid} posted to "
                                    f"{args.review_page or config.review.page}")
    _print_report(report, out, mode)
    if args.diff_file:
        try:
            args.diff_file.write_text(review_markdown(report, config), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--diff-file {args.diff_file}: {exc.strerror}") from None
    would = sum(1 for p in report.pages if p.outcome is Outcome.WOULD_SAVE)
    saved = sum(1 for p in report.pages if p.outcome is Outcome.SAVED)
    failed = sum(1 for p in report.pages if p.outcome is Outcome.FAILED)
    skipped = sum(1 for p in report.pages if p.outcome is Outcome.SKIPPED)
    verb = f"{would} would be edited" if mode is Mode.DRY_RUN else f"{saved} saved"
    out.log(f"done: {verb}, {failed} failed, {skipped} opted out, "
            f"{len(report.problems)} problems",
            kind="summary", exit_code=report.exit_code)
    return report.exit_code


def _read_all(args: argparse.Namespace) -> tuple[Config, list[Any]]:
    config = load_config(args.config)
    backend = make_backend(config, args.pages_dir, args.debug)
    titles = [p.title for p in config.pages]
    pages = backend.fetch(titles)
    parsed = []
    for pc in config.pages:
        page = pages[pc.title]
        if not page.exists:
            raise UsageError(f"{pc.title}: page does not exist")
        parsed.append(parse_page(page.text, pc.title, context_year=pc.context_year,
                                 markers=config.markers))
    return config, parsed


def cmd_check(args: argparse.Namespace, out: Output) -> int:
    _, parsed = _read_all(args)
    count = 0
    for page in parsed:
        for problem in page.problems:
            out.log(str(problem), kind="problem", page=problem.page, row=problem.row)
            count += 1
    out.log(f"{count} problems in {len(parsed)} pages", kind="summary")
    return 0


def cmd_export(args: argparse.Namespace, out: Output) -> int:
    _, parsed = _read_all(args)
    events = [event_to_json(e) | {"page": p.title} for p in parsed for e in p.events]
    hubs = [hub_to_json(h) | {"page_title": p.title} for p in parsed for h in p.hubs]
    interviews = [interview_to_json(i) | {"page": p.title} for p in parsed
                  for i in p.interviews]
    if args.format == "json":
        data = {"events": events, "hubs": hubs, "interviews": interviews}
        out.stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    rows = {"events": events, "hubs": hubs, "interviews": interviews}[args.table or "events"]
    buf = io.StringIO()
    if rows:
        fields = list(rows[0])
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list)
                                 else v) for k, v in row.items()})
    out.stream.write(buf.getvalue())
    return 0


def cmd_templates(args: argparse.Namespace, out: Output) -> int:
    from hubbot.app.templates_install import run_install

    config = load_config(args.config)
    with _closing(make_backend(config, args.pages_dir)) as backend:
        return run_install(backend, write=args.write and not args.simulate,  # type: ignore[arg-type]
                           out=out, directory=args.templates_dir,
                           summary_prefix=config.summary_prefix)


COMMANDS = {"parse": cmd_parse, "sync": cmd_sync, "check": cmd_check, "export": cmd_export,
            "templates": cmd_templates}


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None,
         stderr: IO[str] | None = None) -> int:
    """Run the CLI; returns the exit code (``hubbot`` exits with it)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    out = Output(stdout, log_format=getattr(args, "log_format", "text"),
                 color=getattr(args, "color", "auto"), err=stderr)
    try:
        return COMMANDS[args.command](args, out)
    except HubbotError as exc:
        stderr.write(f"hubbot: error: {exc}\n")
        if out.json:
            out.log(f"hubbot: error: {exc}", kind="error", error=type(exc).__name__,
                    exit_code=exc.exit_code)
        return exc.exit_code
    except KeyboardInterrupt:
        stderr.write("hubbot: interrupted\n")
        return 130


def run() -> None:
    sys.exit(main())
