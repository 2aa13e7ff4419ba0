"""The one way hubbot writes a file: whole, or not at all (a temporary file beside it,
flushed to disk, then renamed over it), so a crash or a kill never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

_BLOCK = 1 << 20  # characters encoded, bytes buffered at a time


def atomic_write(path: Path, text: str | Iterable[bytes]) -> None:
    """Write ``text`` (UTF-8, newlines as given; or UTF-8 chunks, written one after the
    other) to ``path`` atomically. Raises ``OSError`` (the file is then as it was)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # A large buffer: a state file of many small chunks is written in a few calls.
        with os.fdopen(fd, "wb", buffering=_BLOCK) as fh:
            if isinstance(text, str):  # encoded a block at a time (a large page)
                for start in range(0, len(text), _BLOCK):
                    fh.write(text[start:start + _BLOCK].encode("utf-8"))
            else:
                fh.writelines(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
