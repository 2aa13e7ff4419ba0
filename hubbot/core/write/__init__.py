"""The core's writing stage: the tables of a page's bot-owned regions written back, in
place.

The pipeline, from what the reading stage (``hubbot.core.read``) planned:

1. order (``order``): the row order a table gets, sorted within its sections, rowspan
   blocks moved as one, a section holding a row hubbot cannot read or move left as it is;
2. date cell edits (``dateedits``): a date cell whose visible text is not in the table's
   style gets a ``DateEdit`` replacing only the bytes of the date, decided from the row's
   ``DateCell``;
3. render (``_render``): ``render_page`` splices the rows, in their new order and with
   their date edits, into the page's own bytes (everything else byte-identical);
   ``written_records`` tells the records a re-read of that text would give.

``parse_page`` plans steps 1 and 2 as it reads (every command reports what a write would
do), so ``order`` and ``dateedits`` are public modules the reading stage imports.
"""

from hubbot.core.write._render import (
    render_page,
    written_records,
)
from hubbot.core.write.dateedits import DateEdit, plan_date_edits
from hubbot.core.write.order import SORT_KEYS, plan_order

__all__ = [
    "SORT_KEYS",
    "DateEdit",
    "plan_date_edits",
    "plan_order",
    "render_page",
    "written_records",
]

