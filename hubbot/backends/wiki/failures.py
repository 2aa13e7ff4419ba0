"""A failed request told in one line: pywikibot's error without its newlines, the last
cause pywikibot's retries hid (``Causes``), and no credential in any message."""

from __future__ import annotations

import logging
import re


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


class Causes(logging.Handler):
    """What went wrong on the way to a failed request: pywikibot retries a 503, a dropped
    connection or some API errors quietly and then says only "Maximum retries attempted
    without success"; this keeps the last cause it logged (and the response hook adds
    HTTP error statuses) so the page's failure can name it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a log record we cannot format is no cause
            return
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
        if lines and not lines[-1].startswith(("http://", "https://")):
            self.last = redact(" ".join(lines[-1].split()))[:200]


_SECRETISH = re.compile(r"(password|secret|token)(\W+)\S+", re.IGNORECASE)


def redact(text: str) -> str:
    """Belt and braces: whatever a library put in an error, no credential survives."""
    return _SECRETISH.sub(r"\1\2[redacted]", text)
