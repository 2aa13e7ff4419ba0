"""Every benchmark in one go (``make bench``): figures and plots into ``bench/out/``.

1. the core (parse + changes + render) beside whole-page mwparserfromhell and
   wikitextparser parses, in process (``core.py``);
2. whole processes: hubbot's dry, real and no-change runs beside the naive scripts, on the
   project's pages and the reference workload in ../shared/bench (``processes.py``);
3. API requests per run against the local MediaWiki, hubbot and a naive pywikibot loop,
   against the number of configured pages (``requests_count.py``; skipped without PHP);
4. memory over consecutive in-process runs (``memory.py``);
5. where a 500-row dry run's time goes: the interpreter, mwparserfromhell, hubbot's import
   (its dataclasses, its regular expressions) and its run (``startup.py``).

Writes ``bench/out/results.md`` (a small table per part, with the issue's targets as
ratios measured in this same run) and ``seconds_per_1000_rows.png``, ``requests.png``,
``memory_runs.png``. Figures, never assertions: machines are shared and noisy.

    .venv/bin/python bench/run_all.py [--quick] [--only processes,memory] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(REPO))


def step(name: str, args: list[str], json_path: Path) -> list[dict] | None:
    print(f"== {name} ==", flush=True)
    proc = subprocess.run([sys.executable, *args, "--json", str(json_path)], cwd=REPO)
    if proc.returncode != 0 or not json_path.exists():
        print(f"({name} failed: exit {proc.returncode})", flush=True)
        return None
    return json.loads(json_path.read_text(encoding="utf-8"))


def core_table(rows: list[dict]) -> list[str]:
    out = ["| event rows (+ 1/10 hub rows) | hubbot core | peak traced | s per 1,000 rows | "
           "mwparserfromhell page parse | ratio | wikitextparser `tables[0].data()` | "
           "ratio |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        mw = (f"{r['mwph_s']:.3f} s | {r['hubbot_s'] / r['mwph_s']:.2f}×" if "mwph_s" in r
              else "n/a | ")
        wtp = (f"{r['wtp_s']:.3f} s | {r['hubbot_s'] / r['wtp_s']:.2f}×" if "wtp_s" in r
               else "n/a | ")
        out.append(f"| {r['rows']:,} | {r['hubbot_s']:.3f} s | {r['hubbot_peak_mib']:.1f} MiB "
                   f"| {r['hubbot_s'] / r['rows'] * 1000:.4f} | {mw} | {wtp} |")
    return out


def request_targets(rows: list[dict]) -> list[str]:
    quiet = [r for r in rows if r["pages"] <= 500]
    lines = []
    if quiet:
        worst = max(r["quiet"] for r in quiet)
        lines.append(f"- quiet run, up to {max(r['pages'] for r in quiet)} configured pages: "
                     f"at most {worst} request(s) after login (target 1)")
        worst = max(r["one_changed"] for r in quiet)
        lines.append(f"- one page changed: at most {worst} requests after login (target "
                     "≤ 4: revision check, text read, token, edit)")
    return lines


def _plot(path: Path, series: list[tuple[list, list, str, str]], *, x: str, y: str,
          title: str, log_x: bool = False, log_y: bool = True) -> None:
    """One line chart: ``series`` of (xs, ys, style, label), written to ``path``."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4))
    for xs, ys, style, label in series:
        ax.plot(xs, ys, style, label=label)
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title)
    ax.grid(True, which="both" if log_y else "major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_seconds(rows: list[dict], path: Path) -> None:
    series = []
    for name, style in (("project", "-"), ("reference", ":")):
        mine = [r for r in rows if r["workload"] == name]
        if not mine:
            continue
        n = [r["rows"] for r in mine]
        for key, mark, label in (("dry_s", "o", "hubbot dry run"),
                                 ("real_s", "D", "hubbot real run"),
                                 ("mwph_s", "s", "naive mwparserfromhell"),
                                 ("wtp_s", "^", "naive wikitextparser")):
            if all(key in r for r in mine):
                series.append((n, [r[key] / r["rows"] * 1000 for r in mine], mark + style,
                               f"{label} ({name} pages)"))
    _plot(path, series, x="event rows", y="seconds per 1,000 rows", log_x=True,
          title="Whole processes, best of 3 (lower is better)")


def commit() -> str:
    """The commit measured, and whether the tree differed from it (bench/out aside)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.strip()

    head = git("rev-parse", "HEAD") or "unknown (not a git checkout)"
    dirty = git("status", "--porcelain", "--", ".", ":(exclude)bench/out")
    return f"`{head}`" + (" with uncommitted changes" if dirty else " (clean tree)")


def plot_requests(rows: list[dict], path: Path) -> None:
    n = [r["pages"] for r in rows]
    _plot(path, [(n, [r[key] for r in rows], style, label) for key, style, label in (
        ("quiet", "o-", "hubbot, quiet run"),
        ("one_changed", "s-", "hubbot, one page changed"),
        ("naive_quiet", "o--", "naive pywikibot loop, quiet"),
        ("naive_one_changed", "s--", "naive pywikibot loop, one changed"))],
          x="configured pages", y="API requests after login",
          title="Requests per run against MediaWiki 1.39 (lower is better)")


def plot_memory(rows: list[dict], path: Path) -> None:
    runs = [r["run"] for r in rows]
    _plot(path, [(runs, [r["rss_mib"] for r in rows], "o-", "RSS"),
                 (runs, [r["traced_mib"] for r in rows], "s-", "traced (tracemalloc)")],
          x="run in the same process", y="MiB after the run", log_y=False,
          title="Memory over consecutive runs (5,000 rows, offline)")


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    ap.add_argument("--only", default="core,processes,requests,history,memory,startup",
                    help="the parts to run, comma-separated (default: all)")
    ap.add_argument("--repeat", type=int, help="best of N whole processes (default 3)")
    ap.add_argument("--reference", type=Path, help="the reference workload's folder "
                    "(default: $HUBBOT_REFERENCE_BENCH, or ../shared/bench)")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    sizes = "500,5000" if args.quick else "500,5000,50000"
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    measured = commit()
    # Bytecode as an installed package has it (PYTHONDONTWRITEBYTECODE would otherwise
    # make every hubbot process compile its modules again: start-up, not hubbot's work).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "hubbot")],
                   check=False, stdout=subprocess.DEVNULL)
    from processes import reference_dir

    reference = reference_dir(args.reference)
    if reference is None:
        print("reference workload not found (../shared/bench beside the repository, or "
              "$HUBBOT_REFERENCE_BENCH): measuring the project's pages only", flush=True)
    only = set(args.only.split(","))
    core = (step("core", ["bench/core.py", "--sizes", sizes], OUT / "core.json")
            if "core" in only else None)
    repeat = args.repeat or (1 if args.quick else 3)
    procs = step("whole processes", ["bench/processes.py", "--sizes", sizes, "--repeat",
                                     str(repeat),
                                     *(["--reference", str(reference)] if reference else [])],
                 OUT / "processes.json") if "processes" in only else None
    from tests.wiki.harness import available

    have_wiki, why = available()
    if "requests" not in only:
        have_wiki, why = False, "not asked for (--only)"
    reqs = (step("requests", ["bench/requests_count.py", "--sizes",
                              "10,124" if args.quick else "10,60,124,250,500"],
                 OUT / "requests.json") if have_wiki else None)
    hist = (step("history requests", ["bench/history_requests.py", "--revisions",
                                      "60" if args.quick else "120,600"],
                 OUT / "history_requests.json") if have_wiki and "history" in only else None)
    memory = (step("memory over runs", ["bench/memory.py", "--runs",
                                        "5" if args.quick else "20"], OUT / "memory.json")
              if "memory" in only else None)

    startup = (step("start-up", ["bench/startup.py", "--repeat", "3" if args.quick else "15",
                                 *(["--reference", str(reference)] if reference else [])],
                    OUT / "startup.json") if "startup" in only else None)

    md = [f"# hubbot benchmarks ({started})", "",
          f"Measured on commit {measured}, in one `make bench` run on this machine "
          f"({platform.machine()}, {__import__('os').cpu_count()} CPUs, Python "
          f"{platform.python_version()}, load average "
          f"{', '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} at the end). "
          "Figures, never test assertions.", ""]
    if core:
        md += ["## Core: parse + changes + render, in process", ""] + core_table(core) + [
            "", "Ratios are hubbot time / baseline time (below 1: hubbot faster).", ""]
    if procs:
        from processes import HEADER, table_line, targets

        where = (f"the reference workload ({reference})" if reference else
                 "no reference workload (../shared/bench not found)")
        md += [f"## Whole processes: hubbot's runs vs the naive scripts (best of {repeat})", "",
               f"Workloads: the project's own pages (`bench/pages.py`) and {where}. Dry run: "
               "cold state; real run: fresh pages and cold state (writes pages and state); "
               "no-change run: right after the real run. Ratios: wall time, then CPU time "
               "(user + system: less sensitive to a loaded machine).", "",
               HEADER, *map(table_line, procs), "", "Targets, as measured here:", "",
               *targets(procs), "",
               "![seconds per 1,000 rows](seconds_per_1000_rows.png)", ""]
        plot_seconds(procs, OUT / "seconds_per_1000_rows.png")
    if reqs:
        from requests_count import HEADER as RHEADER
        from requests_count import table_line as rline

        md += ["## API requests per run (local MediaWiki 1.39, after login and siteinfo)", "",
               RHEADER, *map(rline, reqs), "", "Targets, as measured here:", "",
               *request_targets(reqs), "", "![requests per run](requests.png)", ""]
        plot_requests(reqs, OUT / "requests.png")
    elif not have_wiki:
        md += ["## API requests per run", "", f"Not measured: {why}.", ""]
    if hist:
        from history_requests import HEADER as HHEADER
        from history_requests import table_line as hline

        md += ["## API requests of `hubbot history` (local MediaWiki 1.39, after login)", "",
               HHEADER, *map(hline, hist), "", "The bound is one request per batch of "
               "revisions the API allows with their text.", ""]
    if memory:
        first, last = memory[0], memory[-1]
        md += ["## Memory over consecutive runs (one process, offline, 5,000 rows)", "",
               "| run | traced (tracemalloc) | RSS |", "|---|---|---|",
               *(f"| {r['run']} | {r['traced_mib']:.2f} MiB | {r['rss_mib']:.1f} MiB |"
                 for r in memory if r["run"] in (1, 2, 5, 10, len(memory))), "",
               f"Traced memory after run {last['run']} is {last['traced_mib']:.2f} MiB, after "
               f"run 1 {first['traced_mib']:.2f} MiB: it does not grow with the runs.", "",
               "![memory over runs](memory_runs.png)", ""]
        plot_memory(memory, OUT / "memory_runs.png")
    if startup:
        from startup import lines as startup_lines

        md += [f"## Start-up: where a {startup['rows']}-row dry run's time goes (best of "
               f"{3 if args.quick else 15})", "", *startup_lines(startup), ""]
    (OUT / "results.md").write_text("\n".join(md), encoding="utf-8")
    print(f"written: {OUT / 'results.md'}")
    asked = {"core": core, "processes": procs, "memory": memory, "startup": startup}
    return 0 if all(v is not None for k, v in asked.items() if k in only) and (
        reqs is not None or not have_wiki) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
