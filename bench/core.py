"""Benchmark of the pure core: parse + change detection + render of synthetic Hubs pages.

Prints, for 500 / 5,000 / 50,000 event rows (plus a tenth as many hub rows), hubbot's time
and peak memory, beside two baselines measured in the same run on the same events table:
a whole-page mwparserfromhell parse with row extraction, and wikitextparser's
``tables[0].data()`` (when installed: ``pip install wikitextparser``). Figures, not
assertions: this machine is shared and noisy.

    .venv/bin/python bench/core.py [--sizes 500,5000,50000] [--no-baselines]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import mwparserfromhell  # noqa: E402
from pages import events_page, hubs_page  # noqa: E402

from hubbot.core.changes import diff_events, diff_hubs  # noqa: E402
from hubbot.core.read import parse_page  # noqa: E402
from hubbot.core.write import render_page  # noqa: E402


def measure(fn, *args) -> tuple[float, float, object]:
    """Best of three wall times (no tracer running), then the peak traced memory of one
    more run (tracemalloc slows allocation, so it never overlaps the timing)."""
    times = []
    for _ in range(3 if len(args[0]) < 2_000_000 else 1):
        gc.collect()
        t0 = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - t0)
    gc.collect()
    tracemalloc.start()
    fn(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20, result


def timed(fn, *args) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def hubbot_core(events_text: str, hubs_text: str) -> int:
    ev = parse_page(events_text, "Hubs")
    hb = parse_page(hubs_text, "Hubs/Ongoing")
    diff_events("Hubs", ev.events[1:], ev.events)  # one "added" against a previous run
    diff_hubs("Hubs/Ongoing", hb.hubs, hb.hubs)
    out_e = render_page(ev)
    out_h = render_page(hb)
    return len(out_e) + len(out_h)


def mwph_baseline(text: str) -> int:
    code = mwparserfromhell.parse(text)
    rows = 0
    for tag in code.ifilter_tags(matches=lambda n: n.tag == "table"):
        rows += sum(1 for _ in tag.contents.ifilter_tags(
            matches=lambda n: n.tag == "tr", recursive=False))
    return rows


def wtp_baseline(text: str) -> int:
    import wikitextparser

    return len(wikitextparser.parse(text).tables[0].data())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,5000,50000")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--baseline-max", type=int, default=50000,
                    help="skip baselines above this many rows (they are superlinear)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    try:
        import wikitextparser  # noqa: F401
        have_wtp = True
    except ImportError:
        have_wtp = False
    print(f"mwparserfromhell {mwparserfromhell.__version__}, C tokenizer in use: "
          f"{mwparserfromhell.parser.use_c}")
    print(f"{'rows':>7} {'hubbot s':>9} {'MiB':>7} {'s/1k rows':>9} {'mwph s':>8} "
          f"{'x':>6} {'wtp s':>8} {'x':>6}")
    for n in sizes:
        ev, hb = events_page(n), hubs_page(max(1, n // 10))
        t, mem, _ = measure(hubbot_core, ev, hb)
        cols = [f"{n:>7}", f"{t:>9.3f}", f"{mem:>7.1f}", f"{t / n * 1000:>9.4f}"]
        row: dict = {"rows": n, "hubbot_s": t, "hubbot_peak_mib": mem}
        if not args.no_baselines and n <= args.baseline_max:
            tb = timed(mwph_baseline, ev)
            cols += [f"{tb:>8.3f}", f"{tb / t:>6.1f}"]
            row["mwph_s"] = tb
            if have_wtp:
                tw = timed(wtp_baseline, ev)
                cols += [f"{tw:>8.3f}", f"{tw / t:>6.1f}"]
                row["wtp_s"] = tw
            else:
                cols += [f"{'n/a':>8}", f"{'':>6}"]
        results.append(row)
        print(" ".join(cols), flush=True)
    print("hubbot = parse + change detection + render of the events page and a hubs page "
          "with a tenth as many rows; baselines parse the events page only (x = baseline "
          "time / hubbot time). Memory is tracemalloc's peak for hubbot.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
