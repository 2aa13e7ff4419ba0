"""Memory of a long-lived process over consecutive runs (state loaded and dropped each run).

``--runs`` cron runs in one process over the offline backend: each run first gets a human
edit on the events page (a new row), so every run loads the state, reads, plans, saves
and writes the state. After each run (and a ``gc.collect()``) the traced memory still
allocated (tracemalloc) and the process's RSS are recorded. A run that leaks shows as a
traced figure growing with the run number; the RSS settles after the first runs (the
allocator keeps freed arenas).

    .venv/bin/python bench/memory.py [--rows 5000] [--runs 20] [--json F]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import tracemalloc
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from pages import events_page, hubs_page  # noqa: E402
from processes import CONFIG  # noqa: E402

from hubbot.app.config import load_config  # noqa: E402
from hubbot.app.sync import Sync  # noqa: E402
from hubbot.backends.files import FilesBackend, title_to_filename  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(rows: int, runs: int) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory(prefix="hubbot-mem-") as tmp:
        work = Path(tmp)
        pages = work / "pages"
        pages.mkdir()
        events = pages / title_to_filename("Hubs")
        events.write_text(events_page(rows), encoding="utf-8")
        (pages / title_to_filename("Hubs/Ongoing")).write_text(hubs_page(max(1, rows // 10)),
                                                              encoding="utf-8")
        (pages / title_to_filename("Shutoff")).write_text("run", encoding="utf-8")
        (work / "hubbot.toml").write_text(CONFIG.replace('"state.json"', repr(
            str(work / "state.json")).replace("'", '"')), encoding="utf-8")
        config = load_config(work / "hubbot.toml")
        tracemalloc.start()
        for run in range(1, runs + 1):
            text = events.read_text(encoding="utf-8")
            events.write_text(text.replace("|}", f"|-\n| 1 May 2011 || Run {run}\n|}}", 1),
                              encoding="utf-8")
            report = Sync(config, FilesBackend(pages), today=date(2026, 11, 24)).run()
            del report
            gc.collect()
            current, _ = tracemalloc.get_traced_memory()
            out.append({"run": run, "traced_mib": current / 2**20, "rss_mib": rss_mib()})
            print(f"run {run:>3}: traced {current / 2**20:7.2f} MiB, RSS {rss_mib():7.1f} MiB",
                  flush=True)
        tracemalloc.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results = measure(args.rows, args.runs)
    first, last = results[0], results[-1]
    print(f"traced after run 1: {first['traced_mib']:.2f} MiB, after run {last['run']}: "
          f"{last['traced_mib']:.2f} MiB; RSS {first['rss_mib']:.0f} -> "
          f"{last['rss_mib']:.0f} MiB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
