"""Whole processes, side by side in one run: hubbot's dry run against the naive scripts.

For each size, a synthetic events page (mixed date styles, Translate markup, links; see
``pages.py``) and a registry a tenth as large are written to a pages folder; then, best of
``--repeat`` runs each, with cold state:

- ``hubbot sync --dry-run`` over the folder (offline backend; start-up included),
- ``naive_mwph.py`` (mwparserfromhell: parse, walk the table, sort, rebuild),
- ``naive_wtp.py`` (wikitextparser, the same work), when installed.

Peak RSS is each child's own (``wait4``). Figures, never assertions: machines are shared.

    .venv/bin/python bench/processes.py [--sizes 500,5000,50000] [--repeat 3] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from pages import events_page, hubs_page  # noqa: E402

from hubbot.backends.files import title_to_filename  # noqa: E402

CONFIG = """[bot]
summary_prefix = "hubbot"
shutoff_page = "Shutoff"
state_path = "state.json"
lock_path = "hubbot.lock"

[[pages]]
title = "Hubs"
tables = ["events"]

[[pages]]
title = "Hubs/Ongoing"
tables = ["hubs"]
"""


def run_once(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB, exit code of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def best(cmd: list[str], cwd: Path, repeat: int, before=None) -> tuple[float, float, int]:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run_once(cmd, cwd))
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def setup(n: int, root: Path) -> Path:
    work = root / str(n)
    pages = work / "pages"
    pages.mkdir(parents=True)
    (pages / title_to_filename("Hubs")).write_text(events_page(n), encoding="utf-8")
    (pages / title_to_filename("Hubs/Ongoing")).write_text(hubs_page(max(1, n // 10)),
                                                          encoding="utf-8")
    (pages / title_to_filename("Shutoff")).write_text("run", encoding="utf-8")
    (work / "hubbot.toml").write_text(CONFIG, encoding="utf-8")
    return work


def measure(sizes: list[int], repeat: int) -> list[dict]:
    python = sys.executable
    hubbot = str(Path(python).with_name("hubbot"))
    try:
        import wikitextparser  # noqa: F401
        have_wtp = True
    except ImportError:
        have_wtp = False
    results = []
    with tempfile.TemporaryDirectory(prefix="hubbot-bench-") as tmp:
        for n in sizes:
            work = setup(n, Path(tmp))
            page = str(work / "pages" / title_to_filename("Hubs"))

            def cold(work: Path = work) -> None:
                (work / "state.json").unlink(missing_ok=True)

            h = best([hubbot, "sync", "--config", "hubbot.toml", "--pages-dir", "pages",
                      "--dry-run"], work, repeat, cold)
            m = best([python, str(HERE / "naive_mwph.py"), page], work, repeat)
            row = {"rows": n, "hubbot_s": h[0], "hubbot_mib": h[1], "hubbot_exit": h[2],
                   "mwph_s": m[0], "mwph_mib": m[1]}
            if have_wtp:
                w = best([python, str(HERE / "naive_wtp.py"), page], work, repeat)
                row.update({"wtp_s": w[0], "wtp_mib": w[1]})
            results.append(row)
            print(table_line(row), flush=True)
    return results


HEADER = ("| rows | hubbot dry run | peak RSS | s per 1,000 rows | naive mwparserfromhell | "
          "ratio | naive wikitextparser | ratio |\n|---|---|---|---|---|---|---|---|")


def table_line(r: dict) -> str:
    wtp = (f"{r['wtp_s']:.2f} s | {r['hubbot_s'] / r['wtp_s']:.2f}×" if "wtp_s" in r
           else "n/a | ")
    return (f"| {r['rows']:,} | {r['hubbot_s']:.2f} s | {r['hubbot_mib']:.0f} MiB | "
            f"{r['hubbot_s'] / r['rows'] * 1000:.4f} | {r['mwph_s']:.2f} s | "
            f"{r['hubbot_s'] / r['mwph_s']:.2f}× | {wtp} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,5000,50000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    print(HEADER)
    results = measure([int(s) for s in args.sizes.split(",")], args.repeat)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
