"""The garbage collector's thresholds while a run's objects are alive (``Sync.run``, and
a page's review diff made after the run)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["RUN_GC_THRESHOLD", "fewer_collections"]

# CPython's collector thresholds while a run's objects are alive (default: 700, 10, 10).
RUN_GC_THRESHOLD = (100_000, 1_000, 1_000)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Rarer garbage collections for a while, then the thresholds as they were. A run
    allocates millions of small, acyclic objects (cells, records, a diff's lines) that
    live until its end: with the default thresholds the collector scans them again and
    again (about 15% of a large run). A long-lived process is left as it was."""
    before = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
