"""API requests per run against a real local MediaWiki, against the number of configured
pages, for hubbot and for a naive pywikibot loop.

For each size N (configured pages: an events page, a registry of N - 4 hubs, one status
page per hub, the summary, the shutoff page; ``tests/wiki/scenario.py``) a fresh local wiki
is seeded with the pages as hubbot leaves them, then:

- hubbot, first run (cold state: reads every page, edits nothing);
- hubbot, quiet run (nothing changed);
- hubbot, one page changed (a human adds an events row out of order: one edit);
- the naive loop, quiet: ``pywikibot.Page(site, t).text`` for every page, no save;
- the naive loop, one page changed: the same reads, then ``page.save`` of that page.

Requests are HTTP requests to api.php counted by a hook on pywikibot's session
(``WikiBackend.request_count``) from after login and siteinfo; the CSRF token is dropped
before each counted run, so an editing run pays its token request.

    .venv/bin/python bench/requests_count.py [--sizes 10,60,124,250,500] [--json F]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.wiki.harness import available, bring_up  # noqa: E402
from tests.wiki.scenario import HubSite, tidy  # noqa: E402

TODAY = date(2026, 11, 24)


def new_row(text: str, n: int) -> str:
    return text.replace("|}", f"|-\n| {n} January 2020 || A new event {n}\n|}}", 1)


def measure(sizes: list[int]) -> list[dict]:
    ok, why = available()
    if not ok:
        raise RuntimeError(f"no local MediaWiki: {why}")
    wiki = bring_up(Path(tempfile.mkdtemp(prefix="hubbot-bench-")))
    import pywikibot

    from hubbot.app.config import load_config
    from hubbot.app.model import Outcome
    from hubbot.app.sync import Sync
    from hubbot.backends.wiki import WikiBackend
    from hubbot.core.read import parse_page
    from hubbot.core.write import render_page

    def counted(fn) -> tuple[object, int]:
        backend = WikiBackend("testwiki", "testwiki")
        backend.site.tokens.clear()
        start = backend.request_count
        result = fn(backend)
        count = backend.request_count - start
        backend.close()
        return result, count

    def naive(backend, titles: list[str], events: str) -> int:
        """Read every page; save the ones whose text would change (the events page)."""
        saved = 0
        for title in titles:
            page = pywikibot.Page(backend.site, title)
            text = page.text
            new = render_page(parse_page(text, title)) if title == events else text
            if new != text:
                page.text = new
                page.save("naive loop", bot=True, quiet=True)
                saved += 1
        return saved

    results = []
    try:
        for n in sizes:
            site = HubSite("", n - 4)
            wiki.reset()
            wiki.seed(tidy(site, TODAY))
            work = Path(tempfile.mkdtemp(prefix="hubbot-req-"))
            cfg = work / "hubbot.toml"
            cfg.write_text(site.config(str(work / "state.json")), encoding="utf-8")
            config = load_config(cfg)
            titles = config.all_titles()
            assert len(titles) == n

            def run(backend, config=config):
                return Sync(config, backend, today=TODAY).run()

            first, first_n = counted(run)
            quiet, quiet_n = counted(run)
            wiki.edit(site.events, new_row(wiki.text(site.events), 1), as_editor=True)
            changed, changed_n = counted(run)
            edits = sum(1 for p in changed.pages if p.outcome is Outcome.SAVED)
            _, naive_quiet = counted(lambda b, t=titles, e=site.events: naive(b, t, e))
            wiki.edit(site.events, new_row(wiki.text(site.events), 2), as_editor=True)
            naive_saved, naive_changed = counted(
                lambda b, t=titles, e=site.events: naive(b, t, e))
            row = {"pages": n, "first": first_n, "quiet": quiet_n, "quiet_ok": quiet.quiet,
                   "one_changed": changed_n, "one_changed_edits": edits,
                   "naive_quiet": naive_quiet, "naive_one_changed": naive_changed,
                   "naive_edits": naive_saved}
            results.append(row)
            print(table_line(row), flush=True)
    finally:
        wiki.stop()
    return results


HEADER = ("| configured pages | hubbot first run (cold state) | hubbot quiet run | "
          "hubbot one page changed | naive loop, quiet | naive loop, one changed |\n"
          "|---|---|---|---|---|---|")


def table_line(r: dict) -> str:
    return (f"| {r['pages']} | {r['first']} | {r['quiet']} | {r['one_changed']} "
            f"({r['one_changed_edits']} edit) | {r['naive_quiet']} | "
            f"{r['naive_one_changed']} ({r['naive_edits']} edit) |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,60,124,250,500")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    print(HEADER, flush=True)
    results = measure([int(x) for x in args.sizes.split(",")])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
