"""Whole processes, side by side in one run: hubbot's dry, real and no-change runs against
the naive scripts, on two workloads.

- ``project``: the project's own synthetic pages (``pages.py``): an events page of N rows
  and a registry a tenth as large; naive baselines ``naive_mwph.py`` (mwparserfromhell:
  parse, walk the table, sort, rebuild) and ``naive_wtp.py`` (wikitextparser), when
  installed.
- ``reference``: the reference workload in ``../shared/bench`` (``gen_pages.py`` writes
  seeded Meta-style pages and their config; ``naive.py mwph`` is the naive job), measured
  as its README says. Found at ``--reference DIR``, ``$HUBBOT_REFERENCE_BENCH`` or
  ``../shared/bench`` beside the repository; skipped (and said so) when absent.

Per size, interleaved, best of ``--repeat`` each: ``hubbot sync --dry-run`` with a cold
state (start-up included), the naive script, then a real run (fresh pages, cold state:
writes pages and state) and a no-change run right after it. Wall seconds, CPU seconds
(user + system, less sensitive to a loaded machine) and peak RSS (``wait4``) of each
child. Figures, never assertions: machines are shared.

    .venv/bin/python bench/processes.py [--sizes 500,5000,50000] [--repeat 3] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


def run_once(cmd: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MiB, exit code of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status))


def reference_dir(given: Path | None = None) -> Path | None:
    """The reference workload's folder (``gen_pages.py``, ``naive.py``), or None."""
    env = os.environ.get("HUBBOT_REFERENCE_BENCH")
    for cand in (given, Path(env) if env else None, REPO.parent / "shared" / "bench"):
        if cand is not None and (cand / "gen_pages.py").exists() and \
                (cand / "naive.py").exists():
            return cand.resolve()
    return None


def setup_project(n: int, work: Path) -> tuple[Path, list[list[str]]]:
    """The project's pages under ``work``; returns the events page and the naive jobs."""
    pages = work / "pages"
    pages.mkdir(parents=True)
    (pages / title_to_filename("Hubs")).write_text(events_page(n), encoding="utf-8")
    (pages / title_to_filename("Hubs/Ongoing")).write_text(hubs_page(max(1, n // 10)),
                                                          encoding="utf-8")
    (pages / title_to_filename("Shutoff")).write_text("run", encoding="utf-8")
    (work / "hubbot.toml").write_text(CONFIG, encoding="utf-8")
    page = str(pages / title_to_filename("Hubs"))
    jobs = [[sys.executable, str(HERE / "naive_mwph.py"), page]]
    try:
        import wikitextparser  # noqa: F401
        jobs.append([sys.executable, str(HERE / "naive_wtp.py"), page])
    except ImportError:
        pass
    return work, jobs


def setup_reference(ref: Path, n: int, work: Path) -> tuple[Path, list[list[str]]]:
    subprocess.run([sys.executable, str(ref / "gen_pages.py"), str(work), str(n)],
                   check=True, stdout=subprocess.DEVNULL)
    page = str(work / "pages" / title_to_filename("Hubs"))
    return work, [[sys.executable, str(ref / "naive.py"), "mwph", page,
                   str(work / "naive-out.wikitext")]]


def measure_size(work: Path, jobs: list[list[str]], repeat: int) -> dict:
    """Interleaved runs over one prepared folder; the best wall and CPU time of each kind
    and its highest peak RSS."""
    hubbot = str(Path(sys.executable).with_name("hubbot"))
    sync = [hubbot, "sync", "--config", "hubbot.toml", "--pages-dir", "pages"]
    pristine = work / "pages.pristine"
    shutil.copytree(work / "pages", pristine)
    runs: dict[str, list[tuple[float, float, float, int]]] = {}

    def fresh() -> None:
        for name in ("state.json", "state.json.delta"):
            (work / name).unlink(missing_ok=True)
        shutil.rmtree(work / "pages")
        shutil.copytree(pristine, work / "pages")

    for _ in range(repeat):
        fresh()
        runs.setdefault("dry", []).append(run_once(sync + ["--dry-run"], work))
        for k, job in enumerate(jobs):
            runs.setdefault(("mwph", "wtp")[k], []).append(run_once(job, work))
        fresh()
        runs.setdefault("real", []).append(run_once(sync, work))
        runs.setdefault("nochange", []).append(run_once(sync, work))
    row: dict = {}
    for kind, got in runs.items():
        row[f"{kind}_s"] = min(r[0] for r in got)
        row[f"{kind}_cpu"] = min(r[1] for r in got)
        row[f"{kind}_mib"] = max(r[2] for r in got)
        row[f"{kind}_exit"] = max(r[3] for r in got)
    row["hubbot_s"], row["hubbot_mib"] = row["dry_s"], row["dry_mib"]  # the plot's keys
    return row


def measure(sizes: list[int], repeat: int, reference: Path | None = None) -> list[dict]:
    results = []
    workloads = [("project", None)] + ([("reference", reference)] if reference else [])
    with tempfile.TemporaryDirectory(prefix="hubbot-bench-") as tmp:
        for n in sizes:
            for name, ref in workloads:
                work = Path(tmp) / f"{name}-{n}"
                work.mkdir()
                setup = (setup_reference(ref, n, work) if ref else setup_project(n, work))
                row = {"workload": name, "rows": n, **measure_size(*setup, repeat)}
                results.append(row)
                print(table_line(row), flush=True)
    return results


HEADER = ("| workload | rows | dry run | real run | no-change run | naive mwparserfromhell | "
          "dry / naive (wall, CPU) | real / dry (wall, CPU) | peak RSS dry, real, "
          "no-change | naive wikitextparser |\n|---|---|---|---|---|---|---|---|---|---|")


def table_line(r: dict) -> str:
    wtp = f"{r['wtp_s']:.2f} s" if "wtp_s" in r else "n/a"
    failed = [k for k in ("dry", "real", "nochange") if r.get(f"{k}_exit")]
    note = f" (exit ≠ 0: {', '.join(failed)})" if failed else ""
    return (f"| {r['workload']} | {r['rows']:,} | {r['dry_s']:.2f} s | {r['real_s']:.2f} s "
            f"| {r['nochange_s']:.2f} s | {r['mwph_s']:.2f} s ({r['mwph_mib']:.0f} MiB) | "
            f"{r['dry_s'] / r['mwph_s']:.2f}×, {r['dry_cpu'] / r['mwph_cpu']:.2f}× | "
            f"{r['real_s'] / r['dry_s']:.2f}×, {r['real_cpu'] / r['dry_cpu']:.2f}× | "
            f"{r['dry_mib']:.0f}, {r['real_mib']:.0f}, {r['nochange_mib']:.0f} MiB{note} | "
            f"{wtp} |")


def targets(rows: list[dict]) -> list[str]:
    """The issue's targets, per workload, as measured in this run (wall time; CPU time
    in brackets)."""
    lines = []
    for name in dict.fromkeys(r["workload"] for r in rows):
        by = {r["rows"]: r for r in rows if r["workload"] == name}
        out = []
        if 50000 in by:
            r = by[50000]
            out.append(f"50,000 rows: dry run {r['dry_s'] / r['mwph_s']:.2f}× the naive "
                       f"script ({r['dry_cpu'] / r['mwph_cpu']:.2f}× in CPU; target ≤ 0.25×); "
                       f"real run {r['real_s'] / r['dry_s']:.2f}× the dry run "
                       f"({r['real_cpu'] / r['dry_cpu']:.2f}×; target ≤ 1.3×)")
        peak = max(max(r["dry_mib"], r["real_mib"], r["nochange_mib"]) for r in by.values())
        out.append(f"peak RSS of every run (dry, real, no-change, all sizes): {peak:.0f} MiB "
                   "(target ≤ 150 MiB)")
        if {500, 5000, 50000} <= set(by):
            def per_k(n: int, key: str, by: dict = by) -> float:  # net of start-up
                return (by[n][key] - by[500][key]) / (n - 500) * 1000
            def growth(key: str) -> str:
                small = per_k(5000, key)
                return (f"{per_k(50000, key) / small:.2f}×" if small > 0 else
                        "n/a (noise: 5,000 rows ran faster than 500)")
            out.append(f"per-1,000-row cost (net of start-up: time over the 500-row run) at "
                       f"50,000 = {growth('dry_s')} that at 5,000 ({growth('dry_cpu')} in "
                       "CPU; target ≤ 1.2×)")
        if 500 in by:
            r = by[500]
            out.append(f"500 rows, start-up included: {r['dry_s'] / r['mwph_s']:.2f}× the "
                       f"naive script ({r['dry_cpu'] / r['mwph_cpu']:.2f}× in CPU; target "
                       "≤ 0.8×)")
        lines += [f"- {name}: {line}" for line in out]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,5000,50000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reference", type=Path, help="the reference workload's folder "
                    "(default: $HUBBOT_REFERENCE_BENCH, or ../shared/bench)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    ref = reference_dir(args.reference)
    if ref is None:
        print("reference workload not found (../shared/bench, $HUBBOT_REFERENCE_BENCH): "
              "measuring the project's pages only", flush=True)
    print(HEADER)
    results = measure([int(s) for s in args.sizes.split(",")], args.repeat, ref)
    print("\n".join(targets(results)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
