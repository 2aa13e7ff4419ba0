"""API requests per run, counted against the real local MediaWiki (issue 15).

Counts are of HTTP requests to api.php made after login and siteinfo (``request_count`` of
``WikiBackend``, read after the backend is created); the CSRF token is dropped before each
counted run, so a run that edits pays its token request in the count. A Hubs site of
``n`` hubs has ``n + 4`` configured pages (``tests/wiki/scenario.py``).
"""

from __future__ import annotations

from datetime import date

import pytest

from hubbot.app.config import load_config
from hubbot.app.model import Outcome
from hubbot.app.sync import Sync
from tests.support import stored_state
from tests.wiki.scenario import HubSite, set_stage, tidy

pytestmark = pytest.mark.wiki
TODAY = date(2026, 11, 24)


def backend_after_login():
    from hubbot.backends.wiki import WikiBackend

    backend = WikiBackend("testwiki", "testwiki")
    backend.site.tokens.clear()  # the token request of an editing run is counted
    return backend


def counted_run(config_path, **kwargs):
    """One run in a fresh backend; returns (report, API requests after login)."""
    backend = backend_after_login()
    start = backend.request_count
    report = Sync(load_config(config_path), backend, today=TODAY, **kwargs).run()
    count = backend.request_count - start
    backend.close()
    return report, count


def seeded(wiki, tmp_path, site: HubSite, name: str = "hubbot.toml"):
    wiki.seed(tidy(site, TODAY))
    cfg = tmp_path / name
    cfg.write_text(site.config(str(tmp_path / (name + ".state.json"))), encoding="utf-8")
    return cfg


@pytest.fixture
def wiki(local_wiki):
    local_wiki.reset()
    return local_wiki


def test_the_bot_account_has_apihighlimits_and_asks_500_titles_per_query(wiki):
    backend = backend_after_login()
    assert backend.site.has_right("apihighlimits")
    assert backend.batch == 500


@pytest.mark.parametrize("hubs", [116, 496])  # 120 and 500 configured pages
def test_quiet_run_is_one_request_for_up_to_500_configured_pages(wiki, tmp_path, hubs):
    site = HubSite("", hubs)
    cfg = seeded(wiki, tmp_path, site)
    assert len(load_config(cfg).all_titles()) == hubs + 4
    first, count = counted_run(cfg)  # cold state: reads everything, edits nothing
    assert first.exit_code == 0 and not any(p.outcome is Outcome.SAVED
                                            for p in first.pages)
    assert count == 2  # one revision check, one read of every page: 500 titles a query
    report, count = counted_run(cfg)
    assert report.quiet and count == 1


def test_without_apihighlimits_queries_ask_50_titles_each(wiki, tmp_path):
    site = HubSite("", 116)
    cfg = seeded(wiki, tmp_path, site)
    backend = backend_after_login()
    backend.batch = 50  # as for an account without apihighlimits
    start = backend.request_count
    assert Sync(load_config(cfg), backend, today=TODAY).run().exit_code == 0
    assert backend.request_count - start == 3 + 3  # ceil(120/50) checks, ceil(120/50) reads
    start = backend.request_count
    assert Sync(load_config(cfg), backend, today=TODAY).run().quiet
    assert backend.request_count - start == 3


@pytest.fixture
def hubs120(wiki, tmp_path):
    site = HubSite("", 116)
    cfg = seeded(wiki, tmp_path, site)
    report, _ = counted_run(cfg)
    assert report.exit_code == 0
    return site, cfg


def test_one_changed_events_page_among_120_costs_4_requests(wiki, hubs120):
    site, cfg = hubs120
    text = wiki.text(site.events)
    wiki.edit(site.events, text.replace(  # a new row, out of order: hubbot sorts it
        "|}", "|-\n| 1 January 2020 || A new event\n|}"), as_editor=True)
    report, count = counted_run(cfg)
    saved = [p.title for p in report.pages if p.outcome is Outcome.SAVED]
    assert saved == [site.events] and report.exit_code == 0
    # revision check, read of the changed page (+ the shutoff page), CSRF token, edit
    assert count == 4
    assert [p.title for p in report.pages] == [site.events]
    assert len(report.not_read) == 116 + 2
    assert wiki.text(site.events).index("1 January 2020") < \
        wiki.text(site.events).index("27 November 2021")
    assert counted_run(cfg)[0].quiet


def test_one_changed_hub_page_among_120_costs_4_requests(wiki, hubs120):
    site, cfg = hubs120
    title = site.hub(7)
    shown = wiki.text(title)
    stage = next(s for s in ("research", "planning", "pilot", "implementation")
                 if f"stage={s}" in shown)
    wiki.edit(title, shown.replace(f"stage={stage}", "stage=somewhere"), as_editor=True)
    report, count = counted_run(cfg)
    assert {p.title: p.outcome for p in report.pages}[title] is Outcome.SAVED
    assert count == 4  # revision check, read (page, registry, shutoff), token, edit
    assert f"stage={stage}" in wiki.text(title)  # the registry's stage, back
    assert counted_run(cfg)[0].quiet


def test_a_hub_stage_changed_in_the_registry_reads_only_that_hub_page_and_summary(
        wiki, hubs120):
    site, cfg = hubs120
    text = wiki.text(site.registry)
    row = next(line for line in text.splitlines() if "Hub number 3]]" in line)
    new_stage = next(s for s in ("Research", "Implementation") if s not in row)
    old_stage = next(s for s in ("Research", "Planning / Discussion", "Pilot",
                                 "Implementation") if s in row)
    wiki.edit(site.registry, text.replace(row, row.replace(old_stage, new_stage)),
              as_editor=True)
    fetched: list[tuple[str, ...]] = []
    backend = backend_after_login()
    real_fetch = backend.fetch
    backend.fetch = lambda titles: fetched.append(tuple(titles)) or real_fetch(titles)
    start = backend.request_count
    report = Sync(load_config(cfg), backend, today=TODAY).run()
    count = backend.request_count - start
    saved = {p.title for p in report.pages if p.outcome is Outcome.SAVED}
    assert saved == {site.hub(3), site.summary}
    assert fetched == [(site.registry, site.shutoff), (site.hub(3), site.summary)]
    assert count == 1 + 2 + 1 + 2  # revision check, two reads, token, two edits
    assert f"stage={new_stage.split(' ')[0].lower()}" in wiki.text(site.hub(3))


# --- convergence: reading only changed pages ends where a full read does -------------------


def snapshot(wiki, site: HubSite, state_path) -> tuple[dict, dict]:
    """The site's texts and the state, with titles unprefixed and each revision id (also
    of hubbot's last save) replaced by whether it is the page's current one (the state
    must match the wiki)."""
    titles = list(site.pages())
    current = {}
    for start in range(0, len(titles), 50):
        data = wiki.api(action="query", prop="revisions", titles="|".join(
            titles[start:start + 50]), rvprop="ids|content", rvslots="main")
        for page in data["query"]["pages"]:
            rev = page["revisions"][0]
            current[page["title"]] = (rev["revid"], rev["slots"]["main"]["content"])
    texts = {t.removeprefix(site.prefix): current[t][1] for t in titles}
    state = stored_state(state_path)
    pages = {t.removeprefix(site.prefix): {
        **e, "revid": e["revid"] == current[t][0],
        **({"saved": {**e["saved"], "revid": e["saved"]["revid"] == current[t][0]}}
           if "saved" in e else {})}
        for t, e in state["pages"].items()}
    return texts, {"pages": pages, "pending": state["pending_changes"]}


def test_reading_only_changed_pages_converges_to_what_a_full_read_gives(wiki, tmp_path):
    """Two copies of one site; every round the same human edits land on both; copy A
    runs as usual (reads what changed), copy B reads every page (``force``). Pages and
    state must be the same after every round."""
    a, b = HubSite("A/", 12), HubSite("B/", 12)
    cfg_a, cfg_b = seeded(wiki, tmp_path, a, "a.toml"), seeded(wiki, tmp_path, b, "b.toml")
    state_a, state_b = tmp_path / "a.toml.state.json", tmp_path / "b.toml.state.json"

    def now(site, title, old="", new=""):
        return wiki.text(site.t(title)).replace(old, new) if old else wiki.text(site.t(title))

    rounds = [
        # one events page edit
        lambda s: {s.events: now(s, "Hubs", "|}", "|-\n| 2 February 2023 || Another "
                                 "event\n|}")},
        # a human overwrites a derived page (a hub page)
        lambda s: {s.hub(5): now(s, "Hub 5", "type=", "type=nonsense, ")},
        # a hub moves to another stage in the registry
        lambda s: {s.registry: set_stage(now(s, "Hubs/Ongoing"), 2, "Pilot")},
        # the summary is vandalized and a hub moves, in one round
        lambda s: {s.summary: now(s, "Hubs/Summary", "total=", "total=99"),
                   s.registry: set_stage(now(s, "Hubs/Ongoing"), 9, "Research")},
        # the registry loses its end marker: every derived page fails (owed) ...
        lambda s: {s.registry: now(s, "Hubs/Ongoing", "hubbot:hubs end", "hubbot:hubs x")},
        # ... and is repaired, with a stage moved meanwhile
        lambda s: {s.registry: set_stage(now(s, "Hubs/Ongoing", "hubbot:hubs x",
                                             "hubbot:hubs end"), 4, "Implementation")},
        # nothing at all
        lambda s: {},
        # the events page loses its end marker (failed, owed), then is repaired
        lambda s: {s.events: now(s, "Hubs", "hubbot:events end", "hubbot:events x")},
        lambda s: {s.events: now(s, "Hubs", "hubbot:events x", "hubbot:events end")},
        # a derived page and an events row at once
        lambda s: {s.hub(0): now(s, "Hub 0", "stage=", "stage=x"),
                   s.events: now(s, "Hubs", "Another event", "Another event, renamed")},
    ]
    assert counted_run(cfg_a)[0].exit_code == 0 and counted_run(cfg_b)[0].exit_code == 0
    partial_rounds = 0
    for number, edits in enumerate(rounds):
        for site in (a, b):
            for title, text in edits(site).items():
                wiki.edit(title, text, f"round {number}", as_editor=True)
        report_a, _ = counted_run(cfg_a)
        report_b, _ = counted_run(cfg_b, force=True)
        partial_rounds += bool(report_a.not_read)
        assert report_a.exit_code == report_b.exit_code, number
        assert snapshot(wiki, a, state_a) == snapshot(wiki, b, state_b), number
    assert partial_rounds >= 5  # the rounds did exercise reading only what changed


def test_a_read_larger_than_the_api_result_limit_is_continued(wiki):
    """MediaWiki returns at most $wgAPIMaxResultSize (8 MiB) a request: more text comes
    in continuations, which ``fetch`` follows (a page is never taken for missing)."""
    from hubbot.backends.wiki import WikiBackend

    texts = {f"Big {i}": (f"page {i} " + "x" * 99 + "\n") * 19_000 for i in range(6)}
    wiki.seed(texts)  # 6 x 1.9 MB: more than one response holds
    backend = WikiBackend("testwiki", "testwiki")
    start = backend.request_count
    pages = backend.fetch(list(texts))
    assert backend.request_count - start >= 2  # continued
    assert {t: p.text for t, p in pages.items()} == {t: v.rstrip() for t, v in texts.items()}
    assert all(p.exists and p.revid for p in pages.values())
