"""A run reads only the pages that changed since the state (plus what their plans need),
and ends exactly where a run reading every page ends (offline, over the files backend).

Two copies of one site get the same random human edits, round after round; copy A runs
as usual, copy B with ``force`` (every page read). Their pages and state files must be
byte-identical after every round (the files backend's revision ids are content hashes, so
the state files can be compared as they are).
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from hubbot.app.config import load_config
from hubbot.app.model import Mode, Outcome
from hubbot.app.sync import Sync
from hubbot.backends.files import FilesBackend, title_to_filename
from hubbot.core.codec import canonical_json
from hubbot.errors import PageError
from tests.support import stored_state
from tests.wiki.scenario import HubSite, set_stage, tidy

TODAY = date(2026, 11, 24)
N = 8
SITE = HubSite("", N)
SECOND = "Hubs/Ongoing 2"  # a second registry page: duplicates across pages


class Reads(FilesBackend):
    """The files backend, remembering which titles were read, failing chosen saves."""

    def __init__(self, directory: Path, fail: frozenset[str] = frozenset()) -> None:
        super().__init__(directory)
        self.read: list[str] = []
        self.fail = fail

    def fetch(self, titles):
        self.read += titles
        return super().fetch(titles)

    def save(self, page, text, summary):
        if page.title in self.fail:
            raise PageError(page.title, "save failed (injected)")
        return super().save(page, text, summary)


def make_copy(root: Path, name: str) -> Path:
    work = root / name
    (work / "pages").mkdir(parents=True)
    pages = tidy(SITE, TODAY)
    pages[SECOND] = ("<!-- hubbot:hubs start -->\n{| class=\"wikitable\"\n! Type !! Scope !! "
                     "Rough map !! Status !! Details\n|-\n| Regional || [[Other hub|Other "
                     "hub]] || || Pilot || x\n|}\n<!-- hubbot:hubs end -->\n")
    for title, text in pages.items():
        (work / "pages" / title_to_filename(title)).write_text(text, encoding="utf-8")
    config = SITE.config(str(work / "state.json"), site=False).replace(
        '[[hub_pages]]', f'[[pages]]\ntitle = "{SECOND}"\ntables = ["hubs"]\n'
        '[[hub_pages]]', 1)
    (work / "hubbot.toml").write_text(config, encoding="utf-8")
    return work


def text(work: Path, title: str) -> str:
    return (work / "pages" / title_to_filename(title)).read_text(encoding="utf-8")


def put(work: Path, title: str, value: str) -> None:
    (work / "pages" / title_to_filename(title)).write_text(value, encoding="utf-8")


def row_of(value: str, i: int) -> str:
    return next(line for line in value.splitlines() if f"Hub number {i}]]" in line)


def human_edits(rng: random.Random, work: Path) -> dict[str, str]:
    """One round's edits (computed on copy A, applied to both)."""
    edits: dict[str, str] = {}
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        kind = rng.choice(["event", "event", "stage", "stage", "hubpage", "summary",
                           "break", "repair", "duplicate", "nobots", "template"])

        def get(t: str) -> str:
            return edits.get(t, text(work, t))

        if kind == "event":
            day = rng.randrange(1, 28)
            edits[SITE.events] = get(SITE.events).replace(
                "|}", f"|-\n| {day} May 2024 || Event {rng.randrange(10**6)}\n|}}")
        elif kind == "stage":
            edits[SITE.registry] = set_stage(get(SITE.registry), rng.randrange(N), rng.choice(
                ["Research", "Pilot", "Implementation", "Planning"]))
        elif kind == "hubpage":
            t = SITE.hub(rng.randrange(N))
            edits[t] = get(t).replace("stage=", "stage=x", 1)
        elif kind == "summary":
            edits[SITE.summary] = get(SITE.summary).replace("total=", "total=1", 1)
        elif kind == "break":
            t = rng.choice([SITE.events, SITE.registry, SECOND])
            edits[t] = get(t).replace(" end -->", " x -->")
        elif kind == "repair":
            t = rng.choice([SITE.events, SITE.registry, SECOND])
            edits[t] = get(t).replace(" x -->", " end -->")
        elif kind == "duplicate":
            i = rng.randrange(N)
            edits[SECOND] = get(SECOND).replace(
                "|}", f"|-\n| Regional || [[Hub {i}|Hub number {i}]] || || Pilot || y\n|}}")
        elif kind == "nobots":
            t = SITE.hub(rng.randrange(N))
            value = get(t)
            edits[t] = value.replace("{{nobots}}\n", "") if "{{nobots}}" in value \
                else "{{nobots}}\n" + value
        elif kind == "template":
            t = SITE.hub(rng.randrange(N))
            value = get(t)
            edits[t] = (value.replace("{{Hub gone|", "{{Hub status|")
                        if "{{Hub gone|" in value else
                        value.replace("{{Hub status|", "{{Hub gone|"))
    return edits


def snapshot(work: Path) -> dict[str, str]:
    out = {p.name: p.read_text(encoding="utf-8") for p in (work / "pages").iterdir()}
    out["state"] = canonical_json(stored_state(work / "state.json"))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_reading_only_changed_pages_ends_where_a_full_read_ends(tmp_path, seed):
    rng = random.Random(seed)
    a, b = make_copy(tmp_path, "a"), make_copy(tmp_path, "b")
    config_a, config_b = load_config(a / "hubbot.toml"), load_config(b / "hubbot.toml")
    Sync(config_a, FilesBackend(a / "pages"), today=TODAY).run()
    Sync(config_b, FilesBackend(b / "pages"), today=TODAY).run()
    assert snapshot(a) == snapshot(b)
    partial = 0
    for number in range(20):
        for title, value in human_edits(rng, a).items():
            put(a, title, value)
            put(b, title, value)
        fail = frozenset(rng.sample(sorted(config_a.all_titles()), 1)) \
            if rng.random() < 0.2 else frozenset()
        declined = frozenset(rng.sample(sorted(config_a.all_titles()), 2))
        interactive = rng.random() < 0.2

        def confirm(title, diff, summary, declined=declined, **_shown):
            return "n" if title in declined else "y"

        kwargs = {"mode": Mode.INTERACTIVE, "confirm": confirm} if interactive else {}
        reads = Reads(a / "pages", fail)
        report_a = Sync(config_a, reads, today=TODAY, **kwargs).run()
        report_b = Sync(config_b, Reads(b / "pages", fail), today=TODAY, force=True,
                        **kwargs).run()
        assert snapshot(a) == snapshot(b), (seed, number)
        assert report_a.exit_code == report_b.exit_code, (seed, number)
        saved_a = sorted(p.title for p in report_a.pages if p.outcome is Outcome.SAVED)
        assert saved_a == sorted(p.title for p in report_b.pages
                                 if p.outcome is Outcome.SAVED), (seed, number)
        if report_a.not_read:
            partial += 1
            assert not set(report_a.not_read) & set(reads.read)
    print(f"seed {seed}: {partial} of 30 rounds read part of the site")
    assert partial >= 3  # rounds did read only part of the site


def test_one_changed_events_page_is_the_only_content_page_read(tmp_path):
    work = make_copy(tmp_path, "one")
    config = load_config(work / "hubbot.toml")
    assert Sync(config, FilesBackend(work / "pages"), today=TODAY).run().exit_code == 0
    put(work, SITE.events, text(work, SITE.events).replace(
        "|}", "|-\n| 1 January 2020 || New\n|}"))
    reads = Reads(work / "pages")
    report = Sync(config, reads, today=TODAY).run()
    assert reads.read == [SITE.events, SITE.shutoff]
    assert [(p.title, p.outcome) for p in report.pages] == [(SITE.events, Outcome.SAVED)]
    assert len(report.not_read) == len(config.content_titles()) - 1


def test_a_changed_derived_page_is_read_with_the_registry(tmp_path):
    work = make_copy(tmp_path, "hub")
    config = load_config(work / "hubbot.toml")
    Sync(config, FilesBackend(work / "pages"), today=TODAY).run()
    put(work, SITE.hub(2), text(work, SITE.hub(2)).replace("stage=", "stage=x"))
    reads = Reads(work / "pages")
    report = Sync(config, reads, today=TODAY).run()
    assert reads.read == [SITE.hub(2), SITE.registry, SECOND, SITE.shutoff]
    assert {p.title: p.outcome for p in report.pages}[SITE.hub(2)] is Outcome.SAVED


def test_pending_changes_and_owed_registry_read_every_derived_page(tmp_path):
    work = make_copy(tmp_path, "owed")
    config = load_config(work / "hubbot.toml")
    Sync(config, FilesBackend(work / "pages"), today=TODAY).run()
    registry = text(work, SITE.registry)
    stage = "Research" if "Research" not in row_of(registry, 1) else "Pilot"
    put(work, SITE.registry, set_stage(registry, 1, stage))
    # The hub page's save fails: the change stays pending, the page owed.
    report = Sync(config, Reads(work / "pages", frozenset({SITE.hub(1)})),
                  today=TODAY).run()
    assert {p.title: p.outcome for p in report.pages}[SITE.hub(1)] is Outcome.FAILED
    reads = Reads(work / "pages")
    report = Sync(config, reads, today=TODAY).run()
    assert set(reads.read) >= {SITE.hub(i) for i in range(N)} | {SITE.summary}
    assert {p.title: p.outcome for p in report.pages}[SITE.hub(1)] is Outcome.SAVED
