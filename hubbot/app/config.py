"""Load and validate a hubbot TOML configuration (``config/*.toml``).

Every error is a ``ConfigError`` with one line naming the file and the key, raised before
any request reaches a wiki. Relative paths are resolved against the config file's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from hubbot.app.checks import (
    check_distinct,
    check_marker,
    check_not_translation,
    check_title,
    check_url,
    read_toml,
    string,
    table,
)
from hubbot.core.options import OptionError, read_options
from hubbot.core.records import Kind, Stage
from hubbot.core.regions import Markers
from hubbot.core.vocabulary import parse_aliases
from hubbot.errors import ConfigError

TABLE_KINDS = tuple(Kind)


class Translate(StrEnum):
    """``[[pages]] translate``: may a scheduled run change the page's translation units?"""

    # no edit changes the text of a translation unit (a date inside a unit is left as
    # written, a table that is one unit keeps its order)
    KEEP = "keep"
    ALLOW = "allow"  # they may


class StatusMode(StrEnum):
    """``[status] mode``: where the ``{{Hub status}}`` and ``{{Hubs summary}}`` templates
    get their values."""

    PARAMETERS = "parameters"  # hubbot writes their parameters on the derived pages
    # the templates read the data page through Module:Hubs: hubbot edits no derived page
    MODULE = "module"


@dataclass(frozen=True)
class PageConfig:
    """A source page and the tables it holds."""

    title: str
    tables: tuple[Kind, ...]
    context_year: int | None = None
    translate: Translate = Translate.KEEP

    @property
    def allow_unit_changes(self) -> bool:
        return self.translate is Translate.ALLOW


@dataclass(frozen=True)
class HubPageConfig:
    """A hub's own page carrying the status template, and which registry hub it shows."""

    title: str
    hub: str


@dataclass(frozen=True)
class ReviewConfig:
    """On-wiki review, approval and "update now" (all optional)."""

    page: str | None = None
    approvers: tuple[str, ...] = ()
    approver_groups: tuple[str, ...] = ()
    trigger_page: str | None = None
    trigger_interval_minutes: int = 60


@dataclass(frozen=True)
class Config:
    path: Path
    family: str | None
    code: str | None
    pages: tuple[PageConfig, ...]
    # The derived pages, built from the registry: each hub page's {{Hub status}} and the
    # summary page's {{Hubs summary}}.
    hub_pages: tuple[HubPageConfig, ...] = ()
    status_template: str = "Hub status"
    summary_page: str | None = None
    summary_template: str = "Hubs summary"
    summary_prefix: str = "hubbot"
    shutoff_page: str | None = None
    shutoff_run_value: str = "run"
    state_path: Path = field(default_factory=lambda: Path("hubbot-state.json"))
    lock_path: Path = field(default_factory=lambda: Path("hubbot.lock"))
    max_removal_share: float = 0.3
    markers: Markers = field(default_factory=Markers)
    username: str | None = None
    url: str | None = None  # the wiki's api.php, instead of family and code
    review: ReviewConfig = field(default_factory=ReviewConfig)
    # extra status words: normalized text -> stage ([status.aliases] "On pause" = "paused")
    stage_aliases: Mapping[str, Stage] = field(default_factory=dict)
    report_page: str | None = None  # the on-wiki report of the last run ([report_page] title)
    docs_page: str | None = None  # the bot's documentation page, linked from summaries
    operator: str | None = None  # who runs the bot, as the documentation page names them
    # wiki-wide default options per table kind ([options] events = "sort=newest"); the
    # options in a table's start marker win
    table_options: Mapping[Kind, Mapping[str, str]] = field(default_factory=dict)
    data_page: str | None = None  # the JSON page of every record (Module:Hubs/data.json)
    status_mode: StatusMode = StatusMode.PARAMETERS

    @property
    def writes_derived_pages(self) -> bool:
        """hubbot edits the hub pages and the summary (not in ``module`` mode)."""
        return self.status_mode is StatusMode.PARAMETERS

    def all_titles(self) -> list[str]:
        """Every page a run looks at, in a stable order, without duplicates."""
        titles = [p.title for p in self.pages]
        if self.writes_derived_pages:
            titles += [h.title for h in self.hub_pages]
            if self.summary_page:
                titles.append(self.summary_page)
        if self.shutoff_page:
            titles.append(self.shutoff_page)
        if self.review.trigger_page:
            titles.append(self.review.trigger_page)
        if self.report_page:
            titles.append(self.report_page)
        if self.data_page:
            titles.append(self.data_page)
        return list(dict.fromkeys(titles))

    def content_titles(self) -> list[str]:
        """Pages whose revisions decide whether anything changed (not the shutoff or
        trigger page)."""
        return [t for t in self.all_titles()
                if t not in (self.shutoff_page, self.review.trigger_page, self.report_page,
                             self.data_page)]


def _pages(data: dict[str, Any], where: str) -> list[PageConfig]:
    pages: list[PageConfig] = []
    raw_pages = data.get("pages", [])
    if not isinstance(raw_pages, list) or not raw_pages:
        raise ConfigError(f"{where}: at least one [[pages]] entry is needed")
    for i, entry in enumerate(raw_pages, start=1):
        here = f"{where}: [[pages]] #{i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{here}: must be a table")
        title = string(entry, "title", here)
        if title is None:
            raise ConfigError(f"{here}: title is missing")
        tables = entry.get("tables", [])
        if (not isinstance(tables, list) or not tables
                or any(t not in TABLE_KINDS for t in tables)):
            raise ConfigError(f"{here} ({title}): tables must be a non-empty list of "
                              f"{', '.join(TABLE_KINDS)}")
        year = entry.get("context_year")
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2200):
            raise ConfigError(f"{here} ({title}): context_year must be a year")
        translate = entry.get("translate", Translate.KEEP)
        if translate not in tuple(Translate):
            raise ConfigError(f"{here} ({title}): translate must be \"keep\" or \"allow\"")
        extra = set(entry) - {"title", "tables", "context_year", "translate"}
        if extra:
            raise ConfigError(f"{here} ({title}): unknown key {sorted(extra)[0]!r}")
        pages.append(PageConfig(check_title(title, here), tuple(Kind(t) for t in tables), year,
                                Translate(translate)))
    return pages


def _hub_pages(data: dict[str, Any], where: str) -> list[HubPageConfig]:
    hub_pages: list[HubPageConfig] = []
    for i, entry in enumerate(data.get("hub_pages", []), start=1):
        here = f"{where}: [[hub_pages]] #{i}"
        if not isinstance(entry, dict) or set(entry) != {"title", "hub"}:
            raise ConfigError(f"{here}: needs exactly title and hub")
        hub_pages.append(HubPageConfig(check_title(string(entry, "title", here) or "", here),
                                       string(entry, "hub", here) or ""))
    return hub_pages


def _review(review: dict[str, Any], where: str) -> ReviewConfig:
    lists = {}
    for key in ("approvers", "approver_groups"):
        value = review.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{where}: [review] {key} must be a list of names")
        lists[key] = tuple(value)
    interval = review.get("trigger_interval_minutes", 60)
    if not isinstance(interval, int) or interval < 0:
        raise ConfigError(f"{where}: [review] trigger_interval_minutes must be minutes")
    for key in ("page", "trigger_page"):
        if review.get(key) is not None:
            check_title(string(review, key, where) or "", f"{where}: [review] {key}")
    review_cfg = ReviewConfig(
        page=string(review, "page", where), approvers=lists["approvers"],
        approver_groups=lists["approver_groups"],
        trigger_page=string(review, "trigger_page", where),
        trigger_interval_minutes=interval)
    if (review_cfg.page or review_cfg.trigger_page) and not (
            review_cfg.approvers or review_cfg.approver_groups):
        raise ConfigError(f"{where}: [review] needs approvers or approver_groups")
    return review_cfg


def _site(site: dict[str, Any], where: str) -> tuple[str | None, str | None, str | None]:
    """(family, code, url): the wiki, named by family and code or by its API address."""
    family, code = string(site, "family", where), string(site, "code", where)
    if (family is None) != (code is None):
        raise ConfigError(f"{where}: [site] needs both family and code")
    url = string(site, "url", where)
    if url is not None:
        check_url(url, where)
        if family is not None:
            raise ConfigError(f"{where}: [site] names the wiki by url or by family and "
                              "code, not both")
    return family, code, url


def _markers(marks: dict[str, Any], where: str) -> Markers:
    start = string(marks, "start", where, Markers().start) or ""
    end = string(marks, "end", where, Markers().end) or ""
    if start == end:
        raise ConfigError(f"{where}: [markers] start and end must differ")
    check_marker(start, "start", where)
    check_marker(end, "end", where)
    return Markers(start, end)


def load_config(path: Path | str) -> Config:
    """Read ``path``. Raises ``ConfigError`` (one line, exit 2) on any problem."""
    path = Path(path)
    where = str(path)
    data = read_toml(path)
    site = table(data, "site", where)
    bot = table(data, "bot", where)
    marks = table(data, "markers", where)
    status = table(data, "status", where)
    base = path.parent
    pages, hub_pages = _pages(data, where), _hub_pages(data, where)
    review_cfg = _review(table(data, "review", where), where)
    family, code, url = _site(site, where)
    share = bot.get("max_removal_share", 0.3)
    if not isinstance(share, (int, float)) or not 0 <= share < 1:
        raise ConfigError(f"{where}: max_removal_share must be a number in [0, 1)")
    markers = _markers(marks, where)
    summary_page = string(status, "summary_page", where)
    titles = [p.title for p in pages] + [h.title for h in hub_pages]
    for key in ("summary_page",):
        if status.get(key) is not None:
            check_title(status[key], f"{where}: [status] {key}")
    if bot.get("shutoff_page") is not None:
        check_title(string(bot, "shutoff_page", where) or "", f"{where}: [bot] shutoff_page")
    check_distinct(titles, where)
    check_not_translation(titles, where)
    if review_cfg.page in titles or review_cfg.trigger_page in titles:
        raise ConfigError(f"{where}: [review] pages must not be content pages")
    return Config(
        path=path, family=family, code=code, pages=tuple(pages),
        hub_pages=tuple(hub_pages),
        status_template=string(status, "template", where, "Hub status") or "Hub status",
        summary_page=summary_page,
        summary_template=string(status, "summary_template", where, "Hubs summary") or "",
        summary_prefix=string(bot, "summary_prefix", where, "hubbot") or "hubbot",
        shutoff_page=string(bot, "shutoff_page", where),
        shutoff_run_value=string(bot, "shutoff_run_value", where, "run") or "run",
        state_path=base / (string(bot, "state_path", where, "hubbot-state.json") or ""),
        lock_path=base / (string(bot, "lock_path", where, "hubbot.lock") or ""),
        max_removal_share=float(share),
        markers=markers,
        username=string(site, "username", where),
        url=url,
        review=review_cfg,
        stage_aliases=_aliases(status.get("aliases", {}), where),
        **_report_page(data, titles, where),
        table_options=_table_options(table(data, "options", where), where),
        **_data_page(table(data, "data_page", where), status, titles, where),
    )


def _table_options(section: dict[str, Any], where: str) -> dict[Kind, dict[str, str]]:
    """``[options]``: per table kind, the options every table of that kind gets unless
    its start marker says otherwise, written as in the marker (``events = "sort=newest
    dates=mdy"``)."""
    out: dict[Kind, dict[str, str]] = {}
    for key, value in section.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where}: [options] {key} must be a string of options "
                              '("sort=newest dates=mdy")')
        try:
            out[Kind(key)] = read_options(value, Kind(key))
        except OptionError as exc:
            raise ConfigError(f"{where}: [options] {key}: {exc}") from None
    return out


def _data_page(table: dict[str, Any], status: dict[str, Any], titles: list[str],
               where: str) -> dict[str, Any]:
    title = string(table, "title", where)
    if title is not None:
        check_title(title, f"{where}: [data_page] title")
        if title in titles:
            raise ConfigError(f"{where}: [data_page] title must not be a content page")
    mode = string(status, "mode", where, StatusMode.PARAMETERS) or StatusMode.PARAMETERS
    if mode not in tuple(StatusMode):
        raise ConfigError(f"{where}: [status] mode must be one of {', '.join(StatusMode)}")
    if mode == StatusMode.MODULE and title is None:
        raise ConfigError(f"{where}: [status] mode = \"module\" needs a [data_page] title "
                          "(the templates read the data page)")
    return {"data_page": title, "status_mode": StatusMode(mode)}


def _report_page(data: dict[str, Any], titles: list[str], where: str) -> dict[str, Any]:
    """``[report_page]``: hubbot's own report page and documentation page. The section's
    old name ``[status_page]`` is still read; a file with both is a ``ConfigError``."""
    if "report_page" in data and "status_page" in data:
        raise ConfigError(f"{where}: [report_page] and [status_page] both given: "
                          "[status_page] is the old name of [report_page]; keep one")
    key = "status_page" if "status_page" in data else "report_page"
    section = table(data, key, where)
    out = {"report_page": string(section, "title", where),
           "docs_page": string(section, "docs_page", where)}
    for name, title in out.items():
        if title is not None:
            check_title(title, f"{where}: [{key}] {'title' if name == 'report_page' else name}")
    if out["report_page"] in titles:
        raise ConfigError(f"{where}: [{key}] title must not be a content page")
    return out | {"operator": string(section, "operator", where)}


def _aliases(raw: object, where: str) -> dict[str, Stage]:
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                            for k, v in raw.items()):
        raise ConfigError(f"{where}: [status.aliases] must map words to stages "
                          '("On pause" = "paused")')
    try:
        return parse_aliases(raw)
    except ValueError as exc:
        raise ConfigError(f"{where}: [status.aliases]: {exc}") from None
