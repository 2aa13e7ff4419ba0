"""Synthetic Hubs pages for the benchmarks: events tables with mixed date styles,
Translate markup and links (as Meta writes them), and a hub registry."""

from __future__ import annotations

import random
from datetime import date, timedelta

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
STYLES = ["{d} {m} {y}", "{m} {d}, {y}", "{iso}", "{{{{nowrap|{d} {m} {y}}}}}"]


def events_page(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        day = date(2010, 1, 1) + timedelta(days=rng.randrange(6000))
        text = rng.choice(STYLES).format(d=day.day, m=MONTHS[day.month - 1], y=day.year,
                                         iso=day.isoformat())
        if i % 3 == 0:
            event = (f"<translate><!--T:{i + 10}--> Hubs event {i}</translate> "
                     f"([[<tvar name=1>Special:MyLanguage/Hubs/Event {i}</tvar>|"
                     f"<translate><!--T:{i + 11}--> event page</translate>]])")
        else:
            event = f"Hubs event {i} ([[Special:MyLanguage/Hubs/Event {i}|event page]])"
        rows.append(f"|-\n| {text} || {event}\n")
    return ("<languages/>\n<translate>\n== List of events == <!--T:1-->\n</translate>\n"
            "<!-- hubbot:events start -->\n{| class=\"wikitable sortable\"\n! Date !! Event\n"
            + "".join(rows) + "|}\n<!-- hubbot:events end -->\n")


def hubs_page(n: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    stages = ["Research", "Planning / Discussion", "Pilot", "Implementation"]
    rows = [f"|-\n| {rng.choice(['Regional', 'Thematic', 'Regional & Thematic'])} || "
            f"[[Hub {i}|Hub number {i}]] || [[File:Map{i}.png|80px]] || "
            f"{rng.choice(stages)} || Details of hub {i}.\n" for i in range(n)]
    return ("<!-- hubbot:hubs start -->\n{| class=\"wikitable\"\n! Type !! Scope !! Rough map"
            " !! Status !! Details\n" + "".join(rows) + "|}\n<!-- hubbot:hubs end -->\n")
