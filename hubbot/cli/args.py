"""The command line's grammar: hubbot's subcommands and options (argparse), and
pywikibot's single-dash global options, split off before argparse sees them."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

from hubbot import __version__
from hubbot.errors import UsageError

EPILOG = """pywikibot's global options work as in every pywikibot script, e.g. -simulate
(save nothing), -dir:PATH, -user:NAME, -family:NAME, -lang:CODE, -v, -debug.

exit codes: 0 all done (opted-out and held pages are reported), 1 a page failed, 2 usage,
config, state or lock error, 3 stopped (shutoff page, or another run holds the lock),
4 login failed or no pywikibot user config"""


def _common(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--config", type=Path, required=True, help="a config/*.toml file")
    sp.add_argument("--pages-dir", type=Path, metavar="DIR", help="read (and write) "
                    "<title>.wikitext files in DIR instead of the wiki")
    sp.add_argument("--log-format", choices=("text", "json"), default="text")
    sp.add_argument("--debug", action="store_true", dest="debug",
                    help="show pywikibot's own tracebacks for network faults (also "
                    "pywikibot's -debug)")


def _sync_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sync", help="check, parse and write back the configured pages",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(s)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubbot", description="Keep the Wikimedia Hubs pages on Meta-Wiki tidy and in "
        "sync.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"hubbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse one wikitext file and print its records",
                       epilog=EPILOG)
    p.add_argument("file", type=Path, help="a .wikitext file, or - for standard input")
    p.add_argument("--page", help="page title to report (default: from the file name, "
                   "as --pages-dir names files: Hubs%%2FOngoing.wikitext is Hubs/Ongoing)")
    p.add_argument("--context-year", type=int, metavar="YYYY",
                   help="year for dates written without one (\"February 21\")")
    p.add_argument("--json", action="store_true", help="print JSON (the default is a "
                   "short text summary)")
    _sync_parser(sub)

    c = sub.add_parser("check", help="list problems in the configured pages; write nothing",
                       epilog=EPILOG)
    _common(c)
    e = sub.add_parser("export", help="print the current records as JSON or CSV",
                       epilog=EPILOG)
    _common(e)
    e.add_argument("--format", choices=("json", "csv"), default="json")
    e.add_argument("--table", choices=("events", "hubs", "interviews"), default=None,
                   help="with csv: which records (default: events)")

    r = sub.add_parser("release", help="let hubbot edit pages again that it holds since a "
                       "person reverted it there (without PAGE: list the held pages)",
                       epilog=EPILOG)
    r.add_argument("titles", nargs="*", metavar="PAGE", help="a held page's title")
    _common(r)

    ti = sub.add_parser("templates", help="install the wiki templates hubbot writes or "
                        "expects (from wikitemplates/; a dry run unless --write)",
                        epilog=EPILOG)
    ti.add_argument("action", choices=("install",), help="install: create or update them")
    _common(ti)
    ti.add_argument("--write", action="store_true", help="create or update the pages "
                    "(without it: say what would change, with diffs)")
    ti.add_argument("--simulate", action="store_true",
                    help="a dry run even with --write (as pywikibot's -simulate)")
    ti.add_argument("--templates-dir", type=Path, metavar="DIR",
                    help="the template pages (default: the wikitemplates/ folder)")
    _history_parser(sub)
    return parser


def _history_parser(sub: argparse._SubParsersAction) -> None:
    h = sub.add_parser("history", help="the record-level history of a page: who changed "
                       "which record when (from the wiki, or offline from an export file)",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = h.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", type=Path, help="a config/*.toml file: read the "
                        "page's revisions from its wiki")
    source.add_argument("--dump", type=Path, metavar="FILE", help="read a Special:Export "
                        "XML file instead (no config, no wiki)")
    h.add_argument("--page", help="the page (needed with --config; with --dump: default "
                   "every page of the export)")
    h.add_argument("--since", metavar="YYYY-MM-DD", help="only changes made from this "
                   "day on (compared with the revision before it)")
    h.add_argument("--context-year", type=int, metavar="YYYY",
                   help="year for dates written without one")
    h.add_argument("--format", choices=("text", "csv", "json"), default="text")
    h.add_argument("--plot", type=Path, metavar="PNG", help="also draw a timeline of hub "
                   "stages (needs the plot extra: matplotlib)")
    h.add_argument("--log-format", choices=("text", "json"), default="text")
    h.add_argument("--debug", action="store_true", dest="debug",
                   help="show pywikibot's own tracebacks for network faults")
    h.set_defaults(pages_dir=None)


# Pywikibot's global options (pywikibot.bot.handle_args) hubbot hands on. -help and
# -daemonize are pywikibot's script machinery, -cc (cosmetic changes) does not apply to
# hubbot's edits; numeric config settings (-max_retries:3, -step:10) are also passed on.
PYWIKIBOT_OPTIONS = frozenset({
    "-dir", "-config", "-site", "-family", "-code", "-lang", "-user", "-putthrottle",
    "-pt", "-log", "-nolog", "-simulate", "-debug", "-verbose", "-v", "-maxlag"})
_NUMERIC_OPTION = re.compile(r"-[a-z_]+:\d+")


def split_global_options(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """hubbot's own arguments, and pywikibot's single-dash global options (``-simulate``,
    ``-dir:PATH``, ...). Raises ``UsageError`` for a single-dash option that is neither."""
    own: list[str] = []
    pywikibot: list[str] = []
    for arg in argv:
        if not re.match(r"-[a-zA-Z]", arg) or arg == "-h":
            own.append(arg)
        elif arg.partition(":")[0] in PYWIKIBOT_OPTIONS or _NUMERIC_OPTION.fullmatch(arg):
            pywikibot.append(arg)
        else:
            raise UsageError(f"unknown option {arg!r} (pywikibot's global options: "
                             "-simulate, -dir:, -user:, -family:, -lang:, -v, -debug, ...)")
    return own, pywikibot
