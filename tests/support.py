"""Shared by the tests (not a test module): the small page set and the helpers that read
and write it. The pages themselves are data, in ``tests/pagesets/``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

from hubbot.app.state import StateStore
from hubbot.backends.files import FilesBackend, filename_to_title, title_to_filename
from hubbot.core.pages import PageText

PAGESETS = Path(__file__).parent / "pagesets"
TODAY = date(2026, 11, 24)


def pageset(name: str = "small") -> dict[str, str]:
    """Title -> text of every page of ``tests/pagesets/<name>/``."""
    return {filename_to_title(p.name): p.read_text(encoding="utf-8")
            for p in sorted((PAGESETS / name).glob("*.wikitext"))}


def pageset_config(name: str = "small") -> str:
    """The offline configuration that goes with a page set."""
    return (PAGESETS / name / "hubbot.toml").read_text(encoding="utf-8")


PAGES = pageset()
HUBS, ONGOING = PAGES["Hubs"], PAGES["Hubs/Ongoing"]
CEE, EARTH, SUMMARY = PAGES["Wikimedia CEE Hub"], PAGES["EARTHub"], PAGES["Hubs/Summary"]
CONFIG = pageset_config()


class Recorder(FilesBackend):
    """The files backend, recording calls (and able to simulate a human edit)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.calls: list[tuple[str, tuple[str, ...]]] = []
        self.saves: list[tuple[str, str]] = []
        self.before_save: dict[str, list[str]] = {}  # title -> texts a "human" saves first

    def revisions(self, titles):
        self.calls.append(("revisions", tuple(titles)))
        return super().revisions(titles)

    def fetch(self, titles):
        self.calls.append(("fetch", tuple(titles)))
        return super().fetch(titles)

    def save(self, page: PageText, text: str, summary: str):
        queue = self.before_save.get(page.title)
        if queue:
            self._path(page.title).write_text(queue.pop(0), encoding="utf-8")
        revid = super().save(page, text, summary)
        self.saves.append((page.title, summary))
        return revid


def read(wiki: Path, title: str) -> str:
    return (wiki / "pages" / title_to_filename(title)).read_text(encoding="utf-8")


def write(wiki: Path, title: str, text: str) -> None:
    (wiki / "pages" / title_to_filename(title)).write_text(text, encoding="utf-8")


# --- for responses-based fault injection over real traffic ------------------------------

def stored_state(path: Path) -> dict:
    """The state hubbot keeps at ``path`` as one JSON document (the state file with its
    delta applied: ``StateStore.document``); ``{}`` when there is none."""
    return StateStore(path).document() or {}


def request_params(request) -> dict[str, str]:
    """The API parameters of a request (form body, then query string)."""
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    params = {k: v[0] for k, v in parse_qs(body).items()}
    params.update({k: v[0] for k, v in parse_qs(request.url.partition("?")[2]).items()})
    return params


def when(pred: Callable[[dict[str, str]], bool], times: int | None = None):
    """A responses matcher: matches requests whose parameters satisfy ``pred``, at most
    ``times`` times (then the request passes through to the real wiki)."""
    left = [times]

    def match(request):
        if left[0] == 0 or not pred(request_params(request)):
            return False, "not targeted"
        if left[0] is not None:
            left[0] -= 1
        return True, ""
    return match


def edit_of(title: str):
    return lambda p: p.get("action") == "edit" and p.get("title") == title


# --- against the local MediaWiki (tests/integration) ------------------------------------

# The small page set's configuration, pointed at the local wiki.
LOCAL_CONFIG = '[site]\nfamily = "testwiki"\ncode = "testwiki"\n' + CONFIG
LOCAL_PAGES = {title: text.rstrip("\n") if title == "User:Hubbot/Shutoff" else text
               for title, text in PAGES.items()}


def run_cli(site, *args: str) -> tuple[int, str, str]:
    """``hubbot sync`` in-process against the local wiki: (exit code, stdout, stderr)."""
    import io

    from hubbot.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["sync", "--config", str(site.config_path), "--today", "2026-11-24", *args],
                stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def new_revisions(site, title: str) -> list[dict]:
    return [r for r in site.history(title) if r["comment"] != "seed"]


def make_sync(site, mode=None, backend=None):
    from hubbot.app.config import load_config
    from hubbot.app.model import Mode
    from hubbot.app.sync import Sync
    from hubbot.backends.wiki import WikiBackend

    backend = backend or WikiBackend("testwiki", "testwiki")
    return Sync(load_config(site.config_path), backend, mode=mode or Mode.CRON,
                today=TODAY), backend
