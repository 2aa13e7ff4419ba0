"""What hubbot remembers between runs, and the lock that keeps runs from overlapping.

``StateStore`` keeps, per page, the last revision id hubbot saw (or saved) and the records
it parsed from it. It is written atomically (temporary file, then rename) so a crash never
leaves half a state file behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from hubbot.errors import ConfigError, LockedError

STATE_VERSION = 1


@dataclass
class PageState:
    revid: int | None
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class State:
    pages: dict[str, PageState] = field(default_factory=dict)
    last_run: str | None = None
    triggered_at: str | None = None  # ISO time of the last run asked for on the wiki

    def revid(self, title: str) -> int | None:
        entry = self.pages.get(title)
        return entry.revid if entry else None


class StateStore:
    """Reads and atomically writes a ``State`` as JSON at ``path``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def load(self) -> State:
        """The stored state; an empty one if the file does not exist yet.

        Raises ``ConfigError`` if the file exists but is not a hubbot state file: hubbot
        will not guess (a wrong guess would make every record look new).
        """
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return State()
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{self.path}: unreadable state file: {exc}") from None
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            raise ConfigError(f"{self.path}: not a hubbot state file (version "
                              f"{STATE_VERSION} expected)")
        pages = {title: PageState(entry.get("revid"), entry.get("records", {}))
                 for title, entry in raw.get("pages", {}).items()}
        return State(pages, raw.get("last_run"), raw.get("triggered_at"))

    def save(self, state: State) -> None:
        data = {
            "version": STATE_VERSION,
            "last_run": state.last_run,
            "triggered_at": state.triggered_at,
            "pages": {title: {"revid": ps.revid, "records": ps.records}
                      for title, ps in sorted(state.pages.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class RunLock:
    """An exclusive, non-blocking ``flock`` on ``path``; released when the process ends,
    so a crashed run never leaves a stale lock behind."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._fh: IO[str] | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise LockedError(f"another hubbot run holds {self.path} (pid {holder}); "
                              "not editing") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
