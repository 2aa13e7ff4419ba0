"""``make demo``, part 4: the bundled example pages on a real local MediaWiki 1.39.

Brings up a private wiki (see ``harness.py``), loads ``examples/pages`` into it, then runs
``hubbot sync`` three times as a bot operator would: a dry run, the real run, and a quiet
re-run. Prints what MediaWiki recorded (revisions, users, bot flags, summaries).

    .venv/bin/python -m tests.wiki.demo
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from hubbot.app.config import load_config
from hubbot.app.state import StateStore
from hubbot.backends.files import filename_to_title
from tests.wiki.harness import REPO, bring_up


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="hubbot-demo-wiki-"))
    wiki = bring_up(work / "wiki")
    try:
        pages = {filename_to_title(p.name): p.read_text(encoding="utf-8")
                 for p in sorted((REPO / "examples" / "pages").glob("*.wikitext"))}
        wiki.seed(pages)
        print(f"local MediaWiki at {wiki.api_url}: loaded {len(pages)} example pages")
        config = REPO / "config" / "local.toml"
        state = load_config(config).state_path
        for path in (state, StateStore(state).delta_path):  # a fresh wiki: no state
            path.unlink(missing_ok=True)
        hubbot = [sys.executable, "-m", "hubbot", "sync", "--config", str(config)]
        env = {"PYWIKIBOT_DIR": str(wiki.pywikibot_dir), "PATH": "/usr/bin:/bin",
               "PYTHONPATH": str(REPO)}
        codes = []
        for label, extra in (("dry run", ["--dry-run"]), ("real run", []),
                             ("second run", [])):
            print(f"-- {label}: hubbot sync {' '.join(extra)}", flush=True)
            codes.append(subprocess.run(hubbot + extra, env=env).returncode)
        print("-- what MediaWiki recorded:")
        for title in pages:
            for rev in wiki.history(title):
                if rev["comment"] != "seed":
                    flag = " [bot]" if rev["bot"] else ""
                    print(f"{title}: r{rev['revid']} by {rev['user']}{flag}: {rev['comment']}")
        return max(codes)
    finally:
        wiki.stop()


if __name__ == "__main__":
    sys.exit(main())
