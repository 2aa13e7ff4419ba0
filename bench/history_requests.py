"""API requests of ``hubbot history`` against a real local MediaWiki: a page with N
revisions (a registry whose hubs move stage by stage), read whole as the bot (500
revisions with content per request: ``apihighlimits``) and as an account without it (50),
and with ``--since`` (one request more: the revision before that day). Counted by
``WikiBackend.request_count`` from after login.

    .venv/bin/python bench/history_requests.py [--revisions 120,600] [--json F]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.wiki.harness import available, bring_up  # noqa: E402
from tests.wiki.history_scenario import BASE, TITLE  # noqa: E402

STAGES = ("Research", "Planning", "Pilot", "Implementation", "Operation")


def seed(wiki, n: int) -> None:
    """``n`` revisions of the registry: each moves the Language Diversity hub on."""
    session = wiki.admin()
    token = wiki._csrf(session)
    for i in range(n):
        text = BASE.replace("|| Research || Proposed.",
                            f"|| {STAGES[i % len(STAGES)]} || Proposed ({i}).")
        r = session.post(wiki.api_url, data={"action": "edit", "title": TITLE, "text": text,
                                             "summary": f"step {i}", "token": token,
                                             "format": "json"}, timeout=30).json()
        assert r.get("edit", {}).get("result") == "Success", r


def measure(sizes: list[int]) -> list[dict]:
    ok, why = available()
    if not ok:
        raise RuntimeError(f"no local MediaWiki: {why}")
    wiki = bring_up(Path(tempfile.mkdtemp(prefix="hubbot-bench-history-")))
    from hubbot.app.history import HistoryQuery
    from hubbot.backends.wiki import WikiBackend
    from hubbot.core.history import walk_history
    from hubbot.core.read import parse_page

    rows = []
    done = 0
    try:
        for n in sizes:
            seed(wiki, n - done)
            done = n
            row: dict = {"revisions": n}
            for label, batch, since in (("bot", None, None), ("user", 50, None),
                                        ("bot_since", None, date(2000, 1, 1))):
                backend = WikiBackend("testwiki", "testwiki")
                if batch:
                    backend.batch = batch
                start = backend.request_count
                query = HistoryQuery(TITLE, since)
                base, entries = backend.history_since(
                    TITLE, since=f"{since.isoformat()}T00:00:00Z" if since else None)
                walk = walk_history(TITLE, entries, lambda t: parse_page(t, TITLE),
                                    baseline=base)
                row[label] = backend.request_count - start
                row[f"{label}_batch"] = backend.batch
                row["changes"] = sum(1 for x in walk.lines if x.change is not None)
                assert walk.revisions == n, (walk.revisions, n, query)
            row["bound_bot"] = math.ceil(n / row["bot_batch"])
            row["bound_user"] = math.ceil(n / 50)
            rows.append(row)
            print(table_line(row), flush=True)
    finally:
        wiki.stop()
    return rows


HEADER = ("| revisions | record changes found | requests as the bot (500 a batch) | "
          "requests without apihighlimits (50 a batch) | with --since |\n|---|---|---|---|---|")


def table_line(r: dict) -> str:
    return (f"| {r['revisions']} | {r['changes']} | {r['bot']} (bound {r['bound_bot']}) | "
            f"{r['user']} (bound {r['bound_user']}) | {r['bot_since']} |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--revisions", default="120,600")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    print(HEADER, flush=True)
    rows = measure([int(x) for x in args.revisions.split(",")])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
