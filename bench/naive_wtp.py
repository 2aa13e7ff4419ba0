"""The naive baseline with wikitextparser: parse, read the table's cells, sort the rows
by date, rebuild the table and print the page.

    python bench/naive_wtp.py PAGE.wikitext > /dev/null
"""

from __future__ import annotations

import sys

import wikitextparser
from naive_mwph import when


def main() -> None:
    text = open(sys.argv[1], encoding="utf-8").read()
    parsed = wikitextparser.parse(text)
    table = parsed.tables[0]
    data = table.data()
    header, body = data[0], data[1:]
    body.sort(key=lambda row: when(wikitextparser.parse(row[0]).plain_text()))
    rebuilt = ("{| class=\"wikitable sortable\"\n! " + " !! ".join(header) + "\n"
               + "".join("|-\n| " + " || ".join(row) + "\n" for row in body) + "|}")
    table.string = rebuilt
    sys.stdout.write(str(parsed))


if __name__ == "__main__":
    main()
