"""The naive baseline: what a bot author writes first with mwparserfromhell. Parse the
whole page, walk the events table, read each date, sort the rows, rebuild the table and
print the page. No regions, no problems, no safety: only the work.

    python bench/naive_mwph.py PAGE.wikitext > /dev/null
"""

from __future__ import annotations

import sys
from datetime import datetime

import mwparserfromhell

FORMATS = ["%d %B %Y", "%B %d, %Y", "%Y-%m-%d"]


def when(text: str) -> datetime:
    text = text.replace("{{nowrap|", "").replace("}}", "").strip()
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    return datetime.max


def main() -> None:
    code = mwparserfromhell.parse(open(sys.argv[1], encoding="utf-8").read())
    table = next(iter(code.ifilter_tags(matches=lambda n: n.tag == "table")))
    rows = [tr for tr in table.contents.ifilter_tags(matches=lambda n: n.tag == "tr",
                                                      recursive=False)]
    keyed = []
    for tr in rows:
        cells = list(tr.contents.ifilter_tags(matches=lambda n: n.tag in ("td", "th"),
                                              recursive=False))
        if cells and cells[0].tag == "td":
            keyed.append((when(cells[0].contents.strip_code()), str(tr)))
    keyed.sort(key=lambda item: item[0])
    for tr in rows:
        table.contents.remove(tr)
    table.contents.append("".join(text for _, text in keyed))
    sys.stdout.write(str(code))


if __name__ == "__main__":
    main()
