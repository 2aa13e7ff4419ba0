"""How the config file is read and checked: the TOML itself, its sections and values,
page titles (as MediaWiki would allow them), marker patterns and wiki addresses. Each
check raises ``ConfigError`` with one line naming the file and the key; nothing here
knows the ``Config`` it will make."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from hubbot.app.languages import LANGUAGE_CODES
from hubbot.errors import ConfigError

_KNOWN = {
    "site": {"family", "code", "url", "username"},
    "bot": {"summary_prefix", "shutoff_page", "shutoff_run_value", "state_path",
            "lock_path", "max_removal_share"},
    "markers": {"start", "end"},
    "status": {"template", "summary_page", "summary_template", "aliases", "mode"},
    "review": {"page", "approvers", "approver_groups", "trigger_page",
               "trigger_interval_minutes"},
    "report_page": {"title", "docs_page", "operator"},
    "status_page": {"title", "docs_page", "operator"},  # the old name of [report_page]
    "options": {"events", "hubs"},
    "data_page": {"title"},
}


# Characters MediaWiki never allows in a title (and control characters).
_ILLEGAL_TITLE = re.compile(r"[#<>\[\]{}|\x00-\x1f\x7f\ufffd]")
_TITLE_BYTES = 255


def check_title(title: str, where: str) -> str:
    """``title`` if MediaWiki could have a page of that name; else ``ConfigError``."""
    bad = _ILLEGAL_TITLE.search(title)
    if bad:
        raise ConfigError(f"{where}: title {title!r}: {bad.group()!r} is not allowed in a "
                          "page title")
    name = title.replace("_", " ").strip()
    prefix, colon, rest = name.partition(":")
    if not name or name.startswith(":") or (colon and prefix.strip() and not rest.strip()):
        raise ConfigError(f"{where}: title {title!r} is not a page title")
    if len(name.encode("utf-8")) > _TITLE_BYTES:
        raise ConfigError(f"{where}: title {title[:40]!r}... is longer than "
                          f"{_TITLE_BYTES} bytes")
    if "~~~" in name or name in (".", "..") or "/./" in name or "/../" in name:
        raise ConfigError(f"{where}: title {title!r} is not a page title")
    return title


def title_key(title: str) -> str:
    """How MediaWiki tells titles apart (first letter case-insensitive, ``_`` = space):
    ``Hubs`` and ``hubs`` are one page."""
    name = " ".join(title.replace("_", " ").split())
    prefix, colon, rest = name.partition(":")
    if colon and rest:
        return prefix.strip().casefold() + ":" + rest[:1].upper() + rest[1:]
    return name[:1].upper() + name[1:]


def check_marker(value: str, key: str, where: str) -> str:
    try:
        a, b = value.format(name="events"), value.format(name="hubs")
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{where}: [markers] {key}: only {{name}} may be in braces "
                          f"({type(exc).__name__}: {exc})") from None
    if a == b:
        raise ConfigError(f"{where}: [markers] {key} must contain {{name}} (the region)")
    if not a.startswith("<!--") or not a.endswith("-->"):
        raise ConfigError(f"{where}: [markers] {key} must be an HTML comment <!-- ... -->")
    return value


def table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    unknown = set(value) - _KNOWN[key]
    if unknown:
        raise ConfigError(f"{where}: [{key}] has unknown key {sorted(unknown)[0]!r}")
    return value


def string(section: dict[str, Any], key: str, where: str, default: str | None = None
         ) -> str | None:
    value = section.get(key, default)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{where}: {key} must be a non-empty string")
    return value


def read_toml(path: Path) -> dict[str, Any]:
    where = str(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{where}: config file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: not valid TOML (UTF-8): {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror}") from None
    unknown = set(data) - set(_KNOWN) - {"pages", "hub_pages"}
    if unknown:
        raise ConfigError(f"{where}: unknown section {sorted(unknown)[0]!r}")
    return data


def check_url(url: str, where: str) -> None:
    """A wiki's API address, checked without asking it (pywikibot generates the family
    from it when the backend starts)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or \
            not parts.path.endswith("/api.php") or parts.query or parts.fragment:
        raise ConfigError(f"{where}: [site] url {url!r}: expected the wiki's api.php, "
                          "e.g. https://wiki.example.org/w/api.php")


def check_distinct(titles: list[str], where: str) -> None:
    keys = [title_key(t) for t in titles]
    if len(set(keys)) != len(keys):
        twice = next(t for t, k in zip(titles, keys, strict=True) if keys.count(k) > 1)
        raise ConfigError(f"{where}: a page is configured twice ({twice!r}; MediaWiki "
                          "ignores the case of the first letter and treats _ as a space)")


def check_not_translation(titles: list[str], where: str) -> None:
    """No configured page is a translation page (``Hubs/fr``: a language code MediaWiki
    names, after another configured page). The Translate extension writes those pages
    from the source page's units; an edit there would be overwritten or conflict."""
    keys = {title_key(t): t for t in titles}
    for title in titles:
        base, slash, code = title_key(title).rpartition("/")
        if slash and code in LANGUAGE_CODES and base in keys:
            raise ConfigError(f"{where}: {title!r} is the {code!r} translation page of "
                              f"{keys[base]!r}: Translate writes it from the source page, "
                              "so configure only the source page")
