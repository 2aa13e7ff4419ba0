"""A realistic history of ``Hubs/Ongoing`` made on the local wiki by three accounts, for
``hubbot history`` (the integration test, and ``examples/history/`` via
``python -m tests.wiki.history_scenario``): North America goes planning → pilot, a hub
is added, a protection adds a revision with the same text, a vandal blanks the table and
is reverted, CEE becomes operational and the MENA hub pauses. For the example export the
revisions are then dated over two years (``EXAMPLE_TIMES``) in the wiki's database.

    .venv/bin/python -m tests.wiki.history_scenario examples/history/Hubs-Ongoing.xml
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.wiki.harness import REPO, LocalWiki, bring_up

TITLE = "Hubs/Ongoing"
BASE = (REPO / "examples" / "pages" / "Hubs%2FOngoing.wikitext").read_text(encoding="utf-8")
NA_PILOT = "|| Pilot || Legally registered"
NA_PLANNING = "|| Planning || Legally registered"
LATAM = ("|-\n| Regional || Latin America and the Caribbean || || Research || "
         "A study of the region's affiliates.\n|}")

# (who: None = Admin, else the account; summary; how the text changes)
STEPS = [
    (None, "Registry of hub projects", lambda t: BASE.replace(NA_PILOT, NA_PLANNING)),
    ("Editor", "North America: the pilot started", lambda t: t.replace(NA_PLANNING, NA_PILOT)),
    ("Editor", "+ Latin America and the Caribbean", lambda t: t.replace("|}", LATAM, 1)),
    ("protect", "", None),
    ("Visitor", "", lambda t: t.split("<!-- hubbot:hubs start -->")[0] + "hubs are bad"),
    (None, "Undo vandalism", None),  # back to the text before the vandal's
    ("Editor", "CEE is operational; MENA paused",
     lambda t: t.replace("|| Implementation ||", "|| Operation ||")
     .replace("|| Discussion || Scope under discussion.", "|| Paused || Scope under discussion.")),
]

# What hubbot history must find, in order (kind, key).
EXPECTED = [
    *[("hub added", k) for k in ("ea-regional-and-thematic-hub-earth", "north-america",
                                  "central-and-eastern-europe", "language-diversity",
                                  "east-southeast-asia-and-the-pacific",
                                  "middle-east-and-north-africa")],
    ("hub stage", "north-america"),
    ("hub added", "latin-america-and-the-caribbean"),
    ("unreadable", ""),
    ("hub stage", "central-and-eastern-europe"),
    ("hub stage", "middle-east-and-north-africa"),
]


def make_history(wiki: LocalWiki) -> list[int]:
    """Make the edits; returns the revision ids, oldest first."""
    text, before_vandal = "", ""
    for who, summary, change in STEPS:
        if who == "protect":
            wiki.protect(TITLE, "autoconfirmed")  # a revision with the same text
            continue
        if change is None:
            new = before_vandal
        else:
            if who == "Visitor":
                before_vandal = text
            new = change(text)
        user = None if who is None else who
        wiki.edit(TITLE, new, summary or "test edit",
                  as_editor=user == "Editor", as_user=user if user == "Visitor" else None)
        text = new
    return sorted(r["revid"] for r in wiki.history(TITLE))


# The example export's revisions are dated over two years (the edits themselves are made
# within seconds): rev_timestamp is set in the wiki's database before the export.
EXAMPLE_TIMES = ["20220314091500", "20230402104200", "20230918151000", "20231001080000",
                 "20240109221300", "20240109222000", "20240620120500"]


def redate(wiki: LocalWiki, revids: list[int], times: list[str]) -> None:
    import sqlite3

    with sqlite3.connect(wiki.workdir / "data" / "testwiki.sqlite") as db:
        for revid, ts in zip(revids, times, strict=True):
            db.execute("UPDATE revision SET rev_timestamp = ? WHERE rev_id = ?", (ts, revid))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else
               REPO / "examples" / "history" / "Hubs-Ongoing.xml")
    out.parent.mkdir(parents=True, exist_ok=True)
    wiki = bring_up(Path(tempfile.mkdtemp(prefix="hubbot-history-")) / "wiki")
    try:
        redate(wiki, make_history(wiki), EXAMPLE_TIMES)
        wiki.dump(out, [TITLE])
    finally:
        wiki.stop()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
