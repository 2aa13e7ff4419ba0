"""hubbot's own requests against pywikibot's equivalents, on a real local MediaWiki:

- batch loading of 120 pages: hubbot's ``WikiBackend.fetch`` (one query per 50 titles:
  text, revision, protection, last editor) against ``site.preloadpages`` (then reading
  the protection and the last editor, which hubbot needs, from the preloaded pages);
- saving one changed page: hubbot's ``action=edit`` against ``Page.save`` (what each
  costs in requests, and whether the parent revision of the saved edit is known).

    .venv/bin/python bench/pywikibot_compare.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.wiki.harness import available, bring_up  # noqa: E402

N = 120


def main() -> int:
    ok, why = available()
    if not ok:
        print(f"no local MediaWiki: {why}")
        return 1
    wiki = bring_up(Path(tempfile.mkdtemp(prefix="hubbot-bench-")))
    try:
        import pywikibot

        from hubbot.backends.wiki import WikiBackend

        titles = [f"Hubs/Bench {i}" for i in range(N)]
        wiki.reset()
        wiki.seed(dict.fromkeys(titles, "{{nobots|Someone}}\nText.\n"))
        backend = WikiBackend("testwiki", "testwiki")
        site = backend.site
        _ = site.tokens["csrf"]

        before = backend.request_count
        pages = backend.fetch(titles)
        hubbot_read = backend.request_count - before
        assert all(p.exists and p.editable for p in pages.values())

        before = backend.request_count
        loaded = list(site.preloadpages([pywikibot.Page(site, t) for t in titles]))
        preload_only = backend.request_count - before
        for page in loaded:  # what hubbot needs besides the text
            _ = page.text, page.latest_revision_id, page.protection()
            _ = page.latest_revision.user
        with_info = backend.request_count - before
        for page in loaded:
            _ = page.botMayEdit()
        pwb_read = backend.request_count - before

        before = backend.request_count
        saved = backend.save(pages[titles[0]], pages[titles[0]].text + "x", "bench")
        hubbot_save = backend.request_count - before
        assert saved is not None and saved.parent == pages[titles[0]].revid

        page = loaded[1]
        base = page.latest_revision_id
        before = backend.request_count
        page.text += "y"
        page.save("bench", bot=True, nocreate=True)
        pwb_save = backend.request_count - before
        after = page.latest_revision_id
        parent_known = hasattr(page, "_parent_revid")

        print(f"read {N} pages: hubbot fetch {hubbot_read} requests (botMayEdit "
              f"included); preloadpages {preload_only}, + protection and last editor "
              f"{with_info}, + botMayEdit {pwb_read} requests")
        print(f"save 1 page: hubbot action=edit {hubbot_save} request(s), parent revision "
              f"of the edit known: yes (oldrevid {saved.parent}); Page.save {pwb_save} "
              f"request(s), new r{after} on r{base}, parent of the edit known: "
              f"{'yes' if parent_known else 'no'}")
        backend.close()
    finally:
        wiki.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
