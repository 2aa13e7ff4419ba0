"""The core's reading stage: a page's wikitext into records, problems and the map the
writing stage edits. Pure (no I/O), never raises on bad wikitext.

The pipeline, one module per step, each working on byte offsets into the page's text:

1. masking (``_mask``): the spans where table syntax does not count (comments,
   ``<nowiki>``-like tags, template calls);
2. scanning tables (``_scan``): tables, rows and cells in one linear pass, the way
   MediaWiki's ``doTableStuff`` reads them line by line;
3. a cell's visible text (``cells``, with the display templates in ``_display``): what
   MediaWiki shows of a cell, its links, and how a problem quotes it;
4. rows and sections (``rows``): each rendered row a header, section, record or problem
   row; rowspans resolved; a year section's year given to the dates below it; a row's
   date cell read once (``DateCell``);
5. fields of each kind (``_fields``): one reader per kind of table (events, hubs,
   interviews) turning a data row's cells into a record;
6. the page (``_page``): ``parse_page`` finds the bot-owned regions and their options,
   classifies each table by its header, reads it, and plans the write the writing stage
   (``hubbot.core.write``) would make: the row order and the date cell edits.

``rows`` and ``cells`` are public modules: the writing stage and the shared core modules
import the parsed-row model and the cell readings from them. Everything else is used
through the names below.
"""

from hubbot.core.read._mask import Mask
from hubbot.core.read._page import ParsedPage, parse_page
from hubbot.core.read._scan import Cell, Row, Table, find_tables
from hubbot.core.read.cells import OPAQUE, Flat, flatten, quote, visible
from hubbot.core.read.rows import (
    DATA_KINDS,
    DateCell,
    ParsedRow,
    ParsedTable,
    RowAccount,
    RowKind,
)

__all__ = [
    "DATA_KINDS",
    "OPAQUE",
    "Cell",
    "DateCell",
    "Flat",
    "Mask",
    "ParsedPage",
    "ParsedRow",
    "ParsedTable",
    "Row",
    "RowAccount",
    "RowKind",
    "Table",
    "find_tables",
    "flatten",
    "parse_page",
    "quote",
    "visible",
]

