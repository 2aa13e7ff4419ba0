"""Pywikibot's process-wide settings as hubbot needs them: its directory found before it
starts, no prompts, no tracebacks on the terminal (unless -debug), pywikibot's global
options applied from hubbot's command line only. Pywikibot itself is imported only inside the functions,
after its directory is known."""

from __future__ import annotations

import copy
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hubbot.backends.wiki.failures import one_line
from hubbot.errors import ConfigError, LoginError, UsageError


class NoTracebacks(logging.Filter):
    """Pywikibot logs a traceback for every 503 or refused connection it retries; hubbot
    reports those failures as one line itself. Without ``debug`` they stay off the
    terminal (the record's first line is kept, as a plain message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        message = str(record.msg)
        if "Traceback (most recent call last)" in message:
            last = [line for line in message.strip().splitlines() if line.strip()]
            record.msg, record.args = (last[-1].strip() if last else "error"), ()
        return True


def quiet_pywikibot(debug: bool) -> None:
    """No prompts (a scheduled run must never wait for a password on stdin) and, unless
    ``debug``, no tracebacks from pywikibot's retry loop on the terminal."""
    import pywikibot
    from pywikibot import bot

    def no_input(question: str, *args: Any, **kwargs: Any) -> str:
        raise LoginError(f"pywikibot asked for input ({question.strip()[:60]!r}); hubbot "
                         "never prompts: check user-config.py and user-password.py")

    pywikibot.input = no_input  # type: ignore[assignment]
    bot.input = no_input  # type: ignore[assignment]
    if debug:
        return
    bot.init_handlers()
    for name in ("pywiki", ""):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, NoTracebacks) for f in handler.filters):
                handler.addFilter(NoTracebacks())


# What pywikibot.handle_args may change in pywikibot.config.
_OPTIONS = ("simulate", "verbose_output", "put_throttle", "write_maxlag", "read_maxlag",
            "debug_log", "log", "logfilename", "usernames", "cosmetic_changes", "family",
            "mylang")
_USER_CONFIG: dict[str, Any] = {}


def global_options(args: Sequence[str]) -> dict[str, str]:
    """``-name:value`` (or ``-name``) command line options by name."""
    out = {}
    for arg in args:
        name, _, value = arg.partition(":")
        out[name] = value
    return out


def url_family_name(url: str) -> str:
    """The name of the family hubbot generates for the wiki at ``url`` (its host and
    path, as letters, digits and ``_``): usable in user-config.py's ``usernames``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path.removesuffix("/api.php")
    return re.sub(r"\W+", "_", f"{parts.netloc}{path}").strip("_").lower() or "wiki"


def handle_args(pywikibot: Any, args: list[str]) -> None:
    """``pywikibot.handle_args`` on hubbot's global options only (never on the rest
    of ``sys.argv``); what it does not know is a usage error."""
    import warnings

    config = pywikibot.config
    if not _USER_CONFIG:  # as user-config.py set them, before any command line
        _USER_CONFIG.update({k: copy.deepcopy(getattr(config, k)) for k in _OPTIONS})
    else:  # a second backend in this process starts from user-config.py again
        for key in _OPTIONS:
            if key not in ("family", "mylang"):
                setattr(config, key, copy.deepcopy(_USER_CONFIG[key]))
    pywikibot.argvu[1:] = args  # handle_args([]) would read sys.argv
    try:
        with warnings.catch_warnings():
            # another backend of this process made a Site before: not an error here
            warnings.filterwarnings("ignore", "Site objects have been created",
                                    UserWarning)
            rest = pywikibot.handle_args(args, do_help=False)
    except SystemExit:
        raise ConfigError(f"[site] {pywikibot.config.family}:{pywikibot.config.mylang}: "
                          "pywikibot knows no such family or code") from None
    except ValueError as exc:
        raise UsageError(f"pywikibot option: {one_line(exc)}") from None
    if rest:
        raise UsageError(f"unknown pywikibot option {rest[0]!r}")


def use_pywikibot_dir(args: Sequence[str], config_dir: Path) -> None:
    """Pywikibot's files (user-config.py, user-password.py): the folder of ``-dir:`` in
    ``args``, else PYWIKIBOT_DIR, else ``config_dir`` (the hubbot config's folder) when it
    holds a user-config.py (the README's ~/.hubbot). Must run before pywikibot is
    imported: it reads its directory once, on import."""
    given = next((value for name, _, value in (a.partition(":") for a in args)
                  if name == "-dir"), None)
    if given is not None:
        folder = Path(given).expanduser().resolve()
        if not (folder / "user-config.py").is_file():
            raise UsageError(f"-dir:{given}: no user-config.py in {folder}")
        if "pywikibot" in sys.modules:
            from pywikibot import config as pwb_config

            if Path(pwb_config.base_dir).resolve() != folder:
                raise UsageError(f"-dir:{given}: pywikibot already started with "
                                 f"{pwb_config.base_dir}")
        os.environ["PYWIKIBOT_DIR"] = str(folder)
        return
    folder = config_dir.resolve()
    if "PYWIKIBOT_DIR" not in os.environ and (folder / "user-config.py").is_file():
        os.environ["PYWIKIBOT_DIR"] = str(folder)
