"""The one exception hierarchy of hubbot, and the exit code each kind maps to.

The exit code says who must act:

- 0 ``EXIT_OK``: the run did its job (pages that opt out with ``{{nobots}}`` or a
  protection the bot may not edit are reported, but are not a failure);
- 1 ``EXIT_PAGE_FAILED``: a page failed (API error, conflict after a retry, broken
  markers, guard refusal); the next run tries again, or an editor must fix the page;
- 2 ``EXIT_USAGE``: usage or configuration error, including state, lock and config files
  that cannot be read or written, found before the first edit: the operator must act;
- 3 ``EXIT_STOPPED``: stopped on purpose (shutoff page, another run holds the lock);
- 4 ``EXIT_CREDENTIALS``: login failed or the pywikibot user config is missing;
- 5 ``EXIT_BUG``: a bug in hubbot (an exception that is not a ``HubbotError``): the
  traceback is printed; report it. Never the code of a page failure.

Users see one line per error (``str(exc)``); bugs get a traceback and exit 5. Page-level
errors never stop the other pages of a run; they make it exit 1.

The family reaches down into the core: it raises ``RegionError``, ``TableError`` and
``TemplateError`` (page errors) itself, and its internal signals (``DateParseError``,
``OptionError``, ``RegionProblem``) derive from ``HubbotError``, so no layer translates
another's errors. A page's error becomes its result in one place per phase
(``hubbot.app.plan.attempt`` while planning, ``Applier._one`` while saving); every other
error reaches ``hubbot.cli.main``, which tells it and exits with its code.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PAGE_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
EXIT_CREDENTIALS = 4
EXIT_BUG = 5


class HubbotError(Exception):
    """Base of every error hubbot reports to a user as one line."""

    exit_code: int = EXIT_PAGE_FAILED


class UsageError(HubbotError):
    """Bad command line or unreadable input file."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The configuration file is missing, malformed or inconsistent."""


class StorageError(ConfigError):
    """The state or lock file cannot be read, written or has the wrong shape."""


class ReviewMismatchError(HubbotError):
    """The change planned now differs from the reviewed one: it must be reviewed again."""

    def __init__(self, message: str, current_id: str) -> None:
        super().__init__(message)
        self.current_id = current_id


class StoppedError(HubbotError):
    """The run was stopped on purpose: shutoff page, or another run holds the lock."""

    exit_code = EXIT_STOPPED


class ShutoffError(StoppedError):
    """The emergency shutoff page does not hold the agreed run value."""


class LockedError(StoppedError):
    """Another hubbot run holds the lock file."""


class PageError(HubbotError):
    """Something wrong with one page; the run goes on with the others and exits 1.

    Raised from the core up: ``page`` is the title where the raiser knows it, "" where it
    does not (the core below a page: a region, a template); the page's result is named by
    the save decision that handles it (``hubbot.app.apply``), which uses ``message``."""

    def __init__(self, page: str, message: str) -> None:
        self.page = page
        self.message = message
        super().__init__(f"{page}: {message}" if page else message)


class RegionError(PageError):
    """A bot-owned region's markers are missing, unbalanced or duplicated (raised by the
    core's ``render_page``, ``find_region`` and ``splice_report``)."""


class TableError(PageError):
    """A table in a bot-owned region cannot be written safely (not closed; rows that
    would be lost; translation units that would change): raised by the core's render and
    the planner's last check."""


class TemplateError(PageError):
    """The page has no call of the template hubbot writes there (``{{Hub status}}``, the
    summary's), or more than one: hubbot will not guess (raised by the core)."""


class GuardError(PageError):
    """A write would remove too many rows (or empty a table) and was refused."""


class EditConflictError(PageError):
    """Someone else edited the page between our read and our save."""


class PageSkippedError(PageError):
    """The page opts out of bot edits ({{nobots}}, a protection the bot may not edit) or
    is missing. Reported, not a failure."""


class SimulatedSaveError(PageError):
    """The save was not made because pywikibot's ``-simulate`` (or ``simulate`` in
    user-config.py) is on: everything up to the save ran. Reported as "would save"; the
    state never records it as made."""


class WikiError(HubbotError):
    """The wiki could not be reached or answered with an error (after retries)."""


class LoginError(WikiError):
    """Logging in to the wiki failed, or there are no credentials. Never carries them."""

    exit_code = EXIT_CREDENTIALS
