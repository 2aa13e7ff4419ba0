"""Where a small run's time goes: the start-up of a 500-row dry run, part by part.

Whole processes, interleaved, best of ``--repeat`` (CPU time, user + system; wall beside):
the interpreter alone (``python -c pass``: site, the venv), the interpreter importing
mwparserfromhell (which the naive script and hubbot both import), the same with every
standard-library module hubbot's command line imports beyond it (asked of a child that
imports hubbot: argparse, dataclasses, json, ...; none of hubbot's own), hubbot's command
started with nothing to do (``hubbot --version``: its import, as the command imports it,
mwparserfromhell included, and its argument parser), hubbot's dry run on the reference
workload's 500-row pages (the project's own pages without it), and the naive script on the
same page. Then, in one process, what hubbot's own import spends building its dataclasses
and compiling regular expressions (the standard library's and mwparserfromhell's compiled
while hubbot is imported included).

The issue's target for 500 rows is a dry run at most 0.8× the naive script: the figures say
how much of that the interpreter, mwparserfromhell and the standard library hubbot uses
already take, and how much is left for hubbot's own modules and its run. Figures, never
assertions: machines are shared.

    .venv/bin/python bench/startup.py [--rows 500] [--repeat 15] [--json F]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from processes import reference_dir, run_once, setup_project, setup_reference  # noqa: E402

# Run in a child: hubbot's import, with the time spent building dataclasses and compiling
# regular expressions summed (both wrapped before anything of hubbot is imported).
_INSIDE = """
import dataclasses, json, re._compiler as compiler, time
spent = {"dataclasses": 0.0, "classes": 0, "regex": 0.0, "patterns": 0}
def timed(fn, key, count):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - t
            spent[count] += 1
    return wrapper
dataclasses._process_class = timed(dataclasses._process_class, "dataclasses", "classes")
compiler.compile = timed(compiler.compile, "regex", "patterns")
t = time.perf_counter()
import mwparserfromhell
spent["mwparserfromhell"] = time.perf_counter() - t
t = time.perf_counter()
import hubbot.cli.main
spent["hubbot"] = time.perf_counter() - t
print(json.dumps(spent))
"""

# Run in a child: the standard-library modules that importing hubbot's command line adds
# to mwparserfromhell's (top-level names; hubbot's own and private ones left out).
_STDLIB = """
import sys
import mwparserfromhell
before = set(sys.modules)
import hubbot.cli.main
print(" ".join(sorted({m.split(".")[0] for m in set(sys.modules) - before
                       if not m.startswith("hubbot") and not m.startswith("_")})))
"""

PARTS = (("python", "the interpreter alone"),
         ("mwph", "+ import mwparserfromhell"),
         ("stdlib", "+ the standard library hubbot's CLI imports"),
         ("import", "hubbot --version (its import)"),
         ("dry", "hubbot's dry run"),
         ("naive", "the naive script"))


def measure(rows: int, repeat: int, reference: Path | None) -> dict:
    py = sys.executable
    hubbot = str(Path(py).with_name("hubbot"))
    with tempfile.TemporaryDirectory(prefix="hubbot-startup-") as tmp:
        work = Path(tmp)
        if reference is not None:
            work, jobs = setup_reference(reference, rows, work / "reference")
        else:
            work, jobs = setup_project(rows, work / "project")
        stdlib = subprocess.run([py, "-c", _STDLIB], cwd=REPO, capture_output=True,
                                text=True, check=True).stdout.split()
        cmds = {"python": [py, "-c", "pass"],
                "mwph": [py, "-c", "import mwparserfromhell"],
                "stdlib": [py, "-c", "import " + ", ".join(["mwparserfromhell", *stdlib])],
                "import": [hubbot, "--version"],
                "dry": [hubbot, "sync", "--config", "hubbot.toml", "--pages-dir", "pages",
                        "--dry-run"],
                "naive": jobs[0]}
        got: dict[str, list[tuple[float, float, float, int]]] = {k: [] for k in cmds}
        for _ in range(repeat):
            for key, cmd in cmds.items():
                got[key].append(run_once(cmd, work))
        inside = [json.loads(subprocess.run(
            [py, "-c", _INSIDE], cwd=REPO, capture_output=True, text=True,
            check=True).stdout) for _ in range(min(repeat, 5))]
    out: dict = {"rows": rows, "workload": "reference" if reference else "project",
                 "stdlib": stdlib}
    for key, runs in got.items():
        out[f"{key}_s"] = min(r[0] for r in runs)
        out[f"{key}_cpu"] = min(r[1] for r in runs)
        out[f"{key}_exit"] = max(r[3] for r in runs)
    for key in ("mwparserfromhell", "hubbot", "dataclasses", "regex"):
        out[f"in_{key}_s"] = min(r[key] for r in inside)
    out["classes"], out["patterns"] = inside[0]["classes"], inside[0]["patterns"]
    return out


def lines(r: dict) -> list[str]:
    """The table and what it leaves for hubbot under the 0.8× target."""
    out = ["| part | CPU | wall |", "|---|---|---|"]
    out += [f"| {label} | {r[f'{k}_cpu'] * 1000:.0f} ms | {r[f'{k}_s'] * 1000:.0f} ms |"
            for k, label in PARTS]
    target = 0.8 * r["naive_cpu"]
    shared = r["mwph_cpu"]
    out += ["", f"{r['rows']} rows ({r['workload']} workload): the dry run is "
            f"{r['dry_cpu'] / r['naive_cpu']:.2f}× the naive script in CPU time. The target "
            f"(0.8×) is {target * 1000:.0f} ms; the interpreter with mwparserfromhell "
            f"already takes {shared * 1000:.0f} ms of it, which leaves "
            f"{(target - shared) * 1000:.0f} ms for hubbot's own import and its run; they "
            f"take {(r['dry_cpu'] - shared) * 1000:.0f} ms (import "
            f"{(r['import_cpu'] - shared) * 1000:.0f} ms, the run "
            f"{(r['dry_cpu'] - r['import_cpu']) * 1000:.0f} ms).",
            "", f"The standard-library modules hubbot's command line imports beyond "
            f"mwparserfromhell ({', '.join(r['stdlib'])}) take "
            f"{(r['stdlib_cpu'] - shared) * 1000:.0f} ms more: that leaves "
            f"{(target - r['stdlib_cpu']) * 1000:.0f} ms for hubbot's own modules "
            f"({(r['import_cpu'] - r['stdlib_cpu']) * 1000:.0f} ms) and its run "
            f"({(r['dry_cpu'] - r['import_cpu']) * 1000:.0f} ms). With its own modules "
            f"imported for nothing, the run alone would make the dry run "
            f"{(r['stdlib_cpu'] + r['dry_cpu'] - r['import_cpu']) / r['naive_cpu']:.2f}× "
            "the naive script.",
            "", f"Inside hubbot's import (one process, wall, best of 5): "
            f"{r['in_hubbot_s'] * 1000:.0f} ms after mwparserfromhell's "
            f"{r['in_mwparserfromhell_s'] * 1000:.0f} ms; building {r['classes']} dataclasses "
            f"{r['in_dataclasses_s'] * 1000:.0f} ms, compiling {r['patterns']} regular "
            f"expressions {r['in_regex_s'] * 1000:.0f} ms (the standard library's among "
            "them)."]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--reference", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = measure(args.rows, args.repeat, reference_dir(args.reference))
    print("\n".join(lines(result)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
