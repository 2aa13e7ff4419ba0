"""The ``hubbot`` command: parse arguments, call ``hubbot.app``, print.

Exit codes (who must act): 0 all done (pages that opt out with nobots or protection, and
pages held since a person reverted hubbot there, are reported, not failed); 1 a page failed (API error, conflict after a retry, broken markers,
guard); 2 usage, configuration, state or lock file error, found before the first edit;
3 stopped on purpose (shutoff page, another run holds the lock); 4 login failed or no
pywikibot user config; 5 a bug in hubbot (any exception not a ``HubbotError``: its
traceback is printed, report it). Every failure is told in one place (``Output.error``):
one line on stderr, and one JSON line on stdout with --log-format json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import IO

from hubbot.app.commands import (
    SyncOptions,
    held_pages,
    run_apply_approved,
    run_release,
    run_sync,
)
from hubbot.app.config import load_config
from hubbot.app.model import Mode
from hubbot.app.session import (
    Where,
    export_records,
    page_json,
    parse_file,
    read_configured,
    session,
)
from hubbot.cli.args import build_parser, split_global_options
from hubbot.cli.output import Output, print_report, print_summary
from hubbot.errors import EXIT_BUG, EXIT_USAGE, HubbotError, UsageError


def _today(value: str | None) -> date:
    value = value or os.environ.get("HUBBOT_TODAY")
    if not value:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today {value!r}: expected YYYY-MM-DD") from None


def _where(args: argparse.Namespace) -> Where:
    globals_ = tuple(args.pywikibot_args)
    debug = args.debug or any(a.partition(":")[0] == "-debug" for a in globals_)
    return Where(args.pages_dir, debug, globals_)


# --- commands ---------------------------------------------------------------------------

def cmd_parse(args: argparse.Namespace, out: Output) -> int:
    try:
        if str(args.file) == "-":
            text, name = sys.stdin.read(), None
        else:
            text, name = args.file.read_text(encoding="utf-8"), args.file.name
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{args.file}: cannot read: {exc}") from None
    parsed = parse_file(text, title=args.page, filename=name,
                        context_year=args.context_year)
    if args.json:
        out.write_json(page_json(parsed))
        return 0
    out.log(f"{parsed.title}: {len(parsed.events)} events, {len(parsed.hubs)} hubs, "
            f"{len(parsed.interviews)} interviews, {len(parsed.problems)} problems"
            + (f", {len(parsed.notices)} notices" if parsed.notices else ""))
    for line in parsed.option_lines():
        out.log(f"options: {line}")
    for problem in [*parsed.problems, *parsed.notices]:
        out.log(str(problem))
    return 0


def _confirm_on_tty(out: Output):  # noqa: ANN202 - a Confirm callable
    def confirm(title: str, diff: str, summary: str, **_texts: str) -> str:
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


def cmd_sync(args: argparse.Namespace, out: Output) -> int:
    config = load_config(args.config)
    where = _where(args)
    if args.apply_approved:
        outcome = run_apply_approved(config, where, today=_today(args.today),
                                     log=out.progress)
        if outcome.applied is not None:
            print_report(outcome.applied, out, Mode.CRON)
        out.log(outcome.message, kind="review", review=outcome.review_id)
        return outcome.applied.exit_code if outcome.applied is not None else 0
    mode = Mode.DRY_RUN if args.dry_run else (Mode.INTERACTIVE if args.interactive
                                             else Mode.CRON)
    options = SyncOptions(mode, _today(args.today), where, args.force, args.accept_removals,
                          args.review_page)
    report = run_sync(config, options, log=out.progress,
                      confirm=_confirm_on_tty(out) if mode is Mode.INTERACTIVE else None)
    print_report(report, out, mode)
    if args.diff_file:
        from hubbot.cli.report import review_markdown  # only for --diff-file (start-up)

        try:
            args.diff_file.write_text(review_markdown(report, config.path.name),
                                      encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--diff-file {args.diff_file}: {exc.strerror}") from None
    print_summary(report, out, mode)
    return report.exit_code


def cmd_check(args: argparse.Namespace, out: Output) -> int:
    parsed = read_configured(load_config(args.config), _where(args))
    problems = [p for page in parsed for p in page.problems]
    for problem in problems:
        out.log(str(problem), kind="problem", page=problem.page, row=problem.row)
    notices = [n for page in parsed for n in page.notices]
    for notice in notices:
        out.log(str(notice), kind="notice", page=notice.page, row=notice.row)
    out.log(f"{len(problems)} problems in {len(parsed)} pages"
            + (f", {len(notices)} notices" if notices else ""), kind="summary")
    return 0


def cmd_export(args: argparse.Namespace, out: Output) -> int:
    parsed = read_configured(load_config(args.config), _where(args))
    records = export_records(parsed)
    if args.format == "json":
        out.write_json(records)
    else:
        out.write_csv(records[args.table or "events"])
    return 0


def cmd_templates(args: argparse.Namespace, out: Output) -> int:
    from hubbot.app.templates_install import Action, run_install

    config = load_config(args.config)
    where = _where(args)
    write = args.write and not (args.simulate or where.simulate)
    with session(config, where, lock=False) as backend:
        results = run_install(backend, write=write, log=out.progress,
                              directory=args.templates_dir,
                              summary_prefix=config.summary_prefix, config=config)
    for result in results:
        out.log(result.line(write), kind="template", page=result.title,
                action=result.action.value, written=result.written)
        if result.diff and not out.json:
            out.stream.write(out.diff(result.diff))
    counts = {a: sum(1 for r in results if r.action is a) for a in Action}
    failed = sum(1 for r in results if r.error is not None)
    prefix = "" if write else "dry run (use --write to save): would "
    out.log(f"{prefix}create {counts[Action.CREATE]}, update {counts[Action.UPDATE]}; "
            f"{counts[Action.UP_TO_DATE]} up to date; {failed} failed", kind="summary",
            exit_code=1 if failed else 0)
    return 1 if failed else 0


def cmd_release(args: argparse.Namespace, out: Output) -> int:
    config = load_config(args.config)
    if not args.titles:
        holds = held_pages(config)
        for title, hold in holds.items():
            out.log(f"{title}: held: {hold.describe()}", kind="held", page=title)
        out.log(f"{len(holds)} pages held", kind="summary", exit_code=0)
        return 0
    for title, hold in run_release(config, args.titles):
        out.log(f"{title}: released (was held: {hold.describe()}); the next run does its "
                "pending work", kind="released", page=title)
    return 0


def cmd_history(args: argparse.Namespace, out: Output) -> int:
    from hubbot.app.history import (
        HistoryQuery,
        history_from_dump,
        history_from_wiki,
        history_rows,
        history_summary,
        plot_stages,
    )

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        raise UsageError(f"--since {args.since!r}: expected YYYY-MM-DD") from None
    query = HistoryQuery(args.page, since, args.context_year)
    if args.dump is not None:
        walks = history_from_dump(args.dump, query)
        requests = None
    else:
        config = load_config(args.config)
        with session(config, _where(args), lock=False) as backend:
            walks = [history_from_wiki(backend, config, query)]
            requests = backend.request_count
    rows = history_rows(walks)
    if args.format == "json":
        out.write_json(rows)
    elif args.format == "csv":
        out.write_csv(rows)
    else:
        for walk in walks:
            for line in walk.lines:
                out.log(str(line), kind="history", page=line.page, revision=line.revid)
    if args.plot is not None:
        shown = plot_stages(walks, args.plot)
        out.progress(f"timeline of {shown} hubs written to {args.plot}")
    out.progress(history_summary(walks) + (f"; {requests} API requests (login included)"
                                           if requests is not None else ""))
    return 0


COMMANDS = {"parse": cmd_parse, "sync": cmd_sync, "check": cmd_check, "export": cmd_export,
            "templates": cmd_templates, "release": cmd_release, "history": cmd_history}


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None,
         stderr: IO[str] | None = None) -> int:
    """Run the CLI; returns the exit code (``hubbot`` exits with it)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                own, pywikibot_args = split_global_options(
                    sys.argv[1:] if argv is None else argv)
            except UsageError as exc:
                parser.error(str(exc))
            args = parser.parse_args(own)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    args.pywikibot_args = pywikibot_args
    out = Output(stdout, log_format=getattr(args, "log_format", "text"),
                 color=getattr(args, "color", "auto"), err=stderr)
    try:
        return COMMANDS[args.command](args, out)
    except HubbotError as exc:
        out.error(str(exc), exit_code=exc.exit_code, kind=type(exc).__name__)
        return exc.exit_code
    except KeyboardInterrupt:
        out.error("interrupted", exit_code=130, kind="KeyboardInterrupt")
        return 130
    except Exception as exc:  # a bug: its traceback, and a code no failure has
        import traceback  # only for a bug

        traceback.print_exc(file=stderr)
        out.error(f"a bug in hubbot ({type(exc).__name__}): please report it with the "
                  "traceback above", exit_code=EXIT_BUG, kind=type(exc).__name__)
        return EXIT_BUG


def run() -> None:
    sys.exit(main())
