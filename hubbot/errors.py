"""The one exception hierarchy of hubbot, and the exit code each kind maps to.

Users see one line per error (``str(exc)``); bugs (anything not a ``HubbotError``) get a
traceback. Page-level errors never stop the other pages of a run; they make it exit 1.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PAGE_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3


class HubbotError(Exception):
    """Base of every error hubbot reports to a user as one line."""

    exit_code: int = EXIT_PAGE_FAILED


class UsageError(HubbotError):
    """Bad command line or unreadable input file."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The configuration file is missing, malformed or inconsistent."""


class StoppedError(HubbotError):
    """The run was stopped on purpose: shutoff page, or another run holds the lock."""

    exit_code = EXIT_STOPPED


class ShutoffError(StoppedError):
    """The emergency shutoff page does not hold the agreed run value."""


class LockedError(StoppedError):
    """Another hubbot run holds the lock file."""


class PageError(HubbotError):
    """Something wrong with one page; the run goes on with the others and exits 1."""

    def __init__(self, page: str, message: str) -> None:
        self.page = page
        self.message = message
        super().__init__(f"{page}: {message}")


class RegionError(PageError):
    """A bot-owned region's markers are missing, unbalanced or duplicated."""


class GuardError(PageError):
    """A write would remove too many rows (or empty a table) and was refused."""


class EditConflictError(PageError):
    """Someone else edited the page between our read and our save."""


class PageSkippedError(PageError):
    """The page may not be edited by the bot: {{nobots}}, protection, missing page."""


class WikiError(HubbotError):
    """The wiki could not be reached or answered with an error (after retries)."""


class LoginError(WikiError):
    """Logging in to the wiki failed. Never carries credentials."""
