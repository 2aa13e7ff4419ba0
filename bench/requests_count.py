"""API requests per run against a real local MediaWiki, for N = 1, 10, 120 pages.

For each N: N copies of an untidy Hubs page are loaded into a fresh local wiki (see
``tests/wiki/harness.py``); then a changed run (every page needs normalizing) and a quiet
re-run are made, counting the HTTP requests to api.php after login. Targets: quiet run =
ceil(N/50) requests (one batched revision check, no content); changed run = ceil(N/50)
revision checks + ceil(N/50) content reads + one edit per changed page, plus one CSRF
token request the first time a process edits (pywikibot caches it).

    .venv/bin/python bench/requests_count.py [--sizes 1,10,120]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.wiki.harness import available, bring_up  # noqa: E402

PAGE = """<!-- hubbot:events start -->
{| class="wikitable"
! Date !! Event
|-
| 12 March 2022 || Hubs Global Conversations
|-
| November 27, 2021 || Hubs co-creation workshop
|}
<!-- hubbot:events end -->
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10,120")
    args = ap.parse_args()
    ok, why = available()
    if not ok:
        print(f"no local MediaWiki: {why}")
        return 1
    wiki = bring_up(Path(tempfile.mkdtemp(prefix="hubbot-bench-")))
    from hubbot.app.config import load_config
    from hubbot.app.sync import Sync
    from hubbot.backends.wiki import WikiBackend

    print(f"{'pages':>6} {'changed run':>12} {'expected':>9} {'edits':>6} {'quiet run':>10} "
          f"{'expected':>9} {'changed s':>10}")
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            wiki.reset()
            titles = [f"Hubs/Bench {i}" for i in range(n)]
            wiki.seed(dict.fromkeys(titles, PAGE))
            work = Path(tempfile.mkdtemp())
            cfg = work / "bench.toml"
            cfg.write_text('[site]\nfamily = "testwiki"\ncode = "testwiki"\n'
                           '[bot]\nstate_path = "state.json"\n'
                           + "".join(f'[[pages]]\ntitle = "{t}"\ntables = ["events"]\n'
                                     for t in titles), encoding="utf-8")
            config = load_config(cfg)
            backend = WikiBackend("testwiki", "testwiki")
            start = backend.request_count
            t0 = time.perf_counter()
            report = Sync(config, backend, today=date(2026, 11, 24)).run()
            elapsed = time.perf_counter() - t0
            changed = backend.request_count - start
            edits = sum(1 for p in report.pages if p.outcome.value == "saved")
            start = backend.request_count
            Sync(config, backend, today=date(2026, 11, 24)).run()
            quiet = backend.request_count - start
            batches = math.ceil(n / 50)
            print(f"{n:>6} {changed:>12} {2 * batches + edits:>9} {edits:>6} {quiet:>10} "
                  f"{batches:>9} {elapsed:>10.2f}", flush=True)
            backend.close()
    finally:
        wiki.stop()
    print("expected changed = 2 x ceil(N/50) batched reads + 1 edit per changed page; the first "
          "row also pays one CSRF token request (cached after that)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
