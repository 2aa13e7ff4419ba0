"""Parse a Hubs page's wikitext into records, problems and the map ``render`` edits.

``parse_page`` is the one entry point. It never raises on bad wikitext: whatever it cannot
understand becomes a ``Problem`` naming the page, table and row, and the row is kept (the
renderer writes it back verbatim). Tables are found by their header cells wherever they
sit; cell contents are read with mwparserfromhell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)

from hubbot.core.dates import DateParseError, parse_date
from hubbot.core.records import (
    DateSpan,
    Event,
    Hub,
    HubType,
    Interview,
    Link,
    Problem,
    Stage,
    slugify,
)
from hubbot.core.tables import Cell, Mask, Row, Table, find_tables

EVENTS = "events"
HUBS = "hubs"
INTERVIEWS = "interviews"
REGION_KINDS = (EVENTS, HUBS)

DEFAULT_START_MARKER = "<!-- hubbot:{name} start -->"
DEFAULT_END_MARKER = "<!-- hubbot:{name} end -->"


@dataclass(frozen=True)
class Markers:
    """Templates of the comments that delimit a bot-owned region; ``{name}`` is the
    region's name (``events`` or ``hubs``)."""

    start: str = DEFAULT_START_MARKER
    end: str = DEFAULT_END_MARKER

    def pair(self, name: str) -> tuple[str, str]:
        return self.start.format(name=name), self.end.format(name=name)


@dataclass(frozen=True)
class Region:
    """A bot-owned region: ``inner_start``..``inner_end`` lies between the markers."""

    name: str
    start: int
    inner_start: int
    inner_end: int
    end: int


@dataclass
class ParsedRow:
    """One data row of a recognised table, with what it became."""

    row: Row
    number: int  # 1-based among the table's data rows
    record: Event | Hub | Interview | None
    problems: list[Problem] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)  # logical cells, rowspans resolved
    block: int = 0  # rows joined by a rowspan share a block number
    date_cell: Cell | None = None
    date_span: DateSpan | None = None


@dataclass
class ParsedTable:
    kind: str
    table: Table
    columns: dict[str, int]
    rows: list[ParsedRow]
    region: Region | None = None


@dataclass
class ParsedPage:
    """Everything ``parse_page`` learnt about one page."""

    title: str
    text: str
    tables: list[ParsedTable]
    problems: list[Problem]
    regions: dict[str, Region]
    region_errors: dict[str, str]

    def _records(self, kind: str) -> list:
        return [r.record for t in self.tables if t.kind == kind
                for r in t.rows if r.record is not None]

    @property
    def events(self) -> list[Event]:
        return self._records(EVENTS)

    @property
    def hubs(self) -> list[Hub]:
        return self._records(HUBS)

    @property
    def interviews(self) -> list[Interview]:
        return self._records(INTERVIEWS)


# --- plain text and links ---------------------------------------------------------------

_OLD_TVAR = re.compile(r"<tvar\|[^>]*>|</>")
_SKIP_LINK_NS = re.compile(r"^\s*(?:file|image|category|media)\s*:", re.IGNORECASE)
_MYLANG = re.compile(r"^\s*:?\s*special\s*:\s*mylanguage\s*/", re.IGNORECASE)
_DROP_TAGS = {"ref", "references", "languages", "gallery"}


@dataclass
class _Flat:
    text: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def _walk(nodes: Iterable[object], out: _Flat, in_link: bool = False) -> None:
    for node in nodes:
        if isinstance(node, Text):
            out.text.append(node.value)
        elif isinstance(node, (Comment, Template, Argument)):
            continue
        elif isinstance(node, Wikilink):
            target = str(node.title).strip()
            if _SKIP_LINK_NS.match(target):
                continue
            shown = _Flat()
            if node.text is not None:
                _walk(node.text.nodes, shown, in_link=True)
                label = "".join(shown.text)
            else:
                label = _MYLANG.sub("", target).lstrip(":")
            out.text.append(label)
            out.links.append(Link(target, " ".join(label.split())))
        elif isinstance(node, ExternalLink):
            url = str(node.url).strip()
            if node.title is not None:
                shown = _Flat()
                _walk(node.title.nodes, shown, in_link=True)
                label = "".join(shown.text)
            else:
                label = url
            out.text.append(label)
            out.links.append(Link(url, " ".join(label.split())))
        elif isinstance(node, Tag):
            name = str(node.tag).strip().lower()
            if name in _DROP_TAGS:
                continue
            if name == "br":
                out.text.append(" ")
            elif node.contents is not None:
                _walk(node.contents.nodes, out, in_link)
        elif isinstance(node, HTMLEntity):
            out.text.append(node.normalize())
        elif isinstance(node, Heading):
            _walk(node.title.nodes, out, in_link)
        else:
            out.text.append(str(node))


def flatten(wikitext: str) -> tuple[str, list[Link]]:
    """Plain text of a cell (whitespace collapsed) and its links, in order."""
    if not any(ch in wikitext for ch in "<{[&'"):
        return " ".join(wikitext.split()), []
    out = _Flat()
    _walk(mwparserfromhell.parse(_OLD_TVAR.sub("", wikitext)).nodes, out)
    text = " ".join("".join(out.text).replace("\u00a0", " ").split())
    return text, out.links


def plain_text(wikitext: str) -> str:
    """What a reader sees of ``wikitext``, roughly: markup, refs and templates removed."""
    return flatten(wikitext)[0]


# --- regions ----------------------------------------------------------------------------

class RegionProblem(ValueError):
    """The region's markers are unusable; the message is the problem's reason."""


def find_region(text: str, name: str, markers: Markers | None = None) -> Region | None:
    """The region ``name`` in ``text``, None if the page has neither marker.

    Raises ``RegionProblem`` when one marker is missing, a marker appears twice, or the
    end comes before the start: a page like that must not be written (ListeriaBot refuses
    for the same reason: writing could duplicate or swallow content).
    """
    start_m, end_m = (markers or Markers()).pair(name)
    starts = _find_all(text, start_m)
    ends = _find_all(text, end_m)
    if not starts and not ends:
        return None
    if len(starts) > 1 or len(ends) > 1:
        raise RegionProblem("region markers appear twice")
    if not ends:
        raise RegionProblem("region end marker missing")
    if not starts:
        raise RegionProblem("region start marker missing")
    if ends[0] < starts[0]:
        raise RegionProblem("region end marker before start marker")
    return Region(name, starts[0], starts[0] + len(start_m), ends[0], ends[0] + len(end_m))


def _find_all(text: str, needle: str) -> list[int]:
    found = []
    pos = text.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = text.find(needle, pos + len(needle))
    return found


# --- table recognition ------------------------------------------------------------------

_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    EVENTS: {"date": ("date",), "event": ("event",)},
    HUBS: {"type": ("type",), "scope": ("scope",), "status": ("status",),
           "details": ("details",)},
    INTERVIEWS: {"name": ("name of the potential",), "persons": ("interviewed persons",),
                 "date": ("interview date",)},
}


def _classify(text: str, table: Table) -> tuple[str, dict[str, int], int] | None:
    """(kind, column index by field, header cell count) from the table's header row."""
    header = next((r for r in table.rows if r.is_header), None)
    if header is None:
        return None
    names = [plain_text(text[c.start:c.end]).casefold() for c in header.cells]
    for kind, wanted in _HEADERS.items():
        columns: dict[str, int] = {}
        for field_name, prefixes in wanted.items():
            for i, name in enumerate(names):
                if any(name == p or name.startswith(p) for p in prefixes):
                    columns[field_name] = i
                    break
        if len(columns) == len(wanted):
            return kind, columns, len(names)
    return None


# --- rows -------------------------------------------------------------------------------

_TRAILING_LINKS = re.compile(
    r"\(\s*(?:\[\[[^\[\]]*\]\]|\[[^\[\]]*\])(?:\s*[,;/·]?\s*(?:\[\[[^\[\]]*\]\]|\[[^\[\]]*\]))*"
    r"\s*\)\s*$"
)
_WRAPPERS = re.compile(
    r"<!--.*?-->|</?translate\s*>|<tvar\|[^>]*>|</>|<tvar\b[^>]*>|</tvar\s*>",
    re.DOTALL | re.IGNORECASE,
)
_REFS = re.compile(r"<ref\b[^>]*/>|<ref\b[^>]*>.*?</ref\s*>", re.DOTALL | re.IGNORECASE)


def _event_title(cell_wikitext: str) -> tuple[str, list[Link]]:
    """Title without a trailing "(link, link)" group, and every link of the cell."""
    _, links = flatten(cell_wikitext)
    core = _REFS.sub("", _WRAPPERS.sub("", cell_wikitext)).rstrip()
    core = _TRAILING_LINKS.sub("", core)
    title, _ = flatten(core)
    return title, links


_STAGE_WORDS: list[tuple[Stage, re.Pattern[str]]] = [
    (Stage.RESEARCH, re.compile(r"\bresearch", re.I)),
    (Stage.DISCUSSION, re.compile(r"\bdiscussion", re.I)),
    (Stage.PLANNING, re.compile(r"\bplanning", re.I)),
    (Stage.PRE_PILOT, re.compile(r"\bpre[- ]?pilot", re.I)),
    (Stage.PILOT, re.compile(r"(?<![-\w])(?<!pre )pilot", re.I)),
    (Stage.IMPLEMENTATION, re.compile(r"\bimplementation", re.I)),
    (Stage.OPERATION, re.compile(r"\boperati(?:on|ng|onal)", re.I)),
]
_STAGE_ORDER = list(Stage)


def normalize_stage(status: str) -> Stage:
    """The most advanced stage named in a status text; ``Stage.UNKNOWN`` if none."""
    found = [stage for stage, pattern in _STAGE_WORDS if pattern.search(status)]
    if not found:
        return Stage.UNKNOWN
    return max(found, key=_STAGE_ORDER.index)


_TYPE_WORDS = {"regional": HubType.REGIONAL, "thematic": HubType.THEMATIC,
               "linguistic": HubType.LINGUISTIC, "language": HubType.LINGUISTIC}


def normalize_types(type_text: str) -> frozenset[HubType]:
    parts = re.split(r"\s*(?:&|,|/|\band\b|\+)\s*", type_text.casefold())
    return frozenset(_TYPE_WORDS[p.strip()] for p in parts if p.strip() in _TYPE_WORDS)


_NAME = r"([^.;,()\n]+?)"
_FISCAL = [re.compile(_NAME + r"\s+is\s+the\s+fiscal\s+sponsor", re.I),
           re.compile(r"fiscal\s+sponsor(?:\s+is|:)\s*" + _NAME + r"\s*(?:[.;,()]|$)", re.I)]
_LEGAL = [re.compile(r"legally\s+registered\s+as\s+" + _NAME + r"\s*(?:[.;,()]|$)", re.I),
          re.compile(r"legal\s+entity:\s*" + _NAME + r"\s*(?:[.;,()]|$)", re.I)]


def _first_match(patterns: list[re.Pattern[str]], text: str) -> str | None:
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return m.group(1).strip()
    return None


class _RowReader:
    """Turns one table's data rows into records and problems."""

    def __init__(self, page: str, text: str, kind: str, columns: dict[str, int],
                 width: int, context_year: int | None) -> None:
        self.page, self.text, self.kind = page, text, kind
        self.columns, self.width, self.context_year = columns, width, context_year

    def cell_text(self, cell: Cell) -> str:
        return self.text[cell.start:cell.end]

    def problem(self, number: int, row: Row, reason: str) -> Problem:
        start = row.cells[0].start if row.cells else row.start
        raw = self.text[start:row.end].strip()  # from the first cell: no "|-" or comments
        return Problem(self.page, self.kind, number, raw, reason)

    def date(self, pr: ParsedRow, column: str) -> DateSpan | None:
        cell = pr.cells[self.columns[column]]
        pr.date_cell = cell
        shown = plain_text(self.cell_text(cell))
        try:
            pr.date_span = parse_date(shown, self.context_year)
        except DateParseError as exc:
            pr.problems.append(self.problem(pr.number, pr.row, f"bad date ({exc})"))
            return None
        return pr.date_span

    def read(self, pr: ParsedRow) -> None:
        if len(pr.cells) != self.width:
            pr.problems.append(self.problem(
                pr.number, pr.row,
                f"wrong number of cells: expected {self.width}, got {len(pr.cells)}"))
            return
        getattr(self, "_read_" + self.kind)(pr)

    def _read_events(self, pr: ParsedRow) -> None:
        when = self.date(pr, "date")
        raw_title = self.cell_text(pr.cells[self.columns["event"]])
        title, links = _event_title(raw_title)
        if not title:
            if links:
                title = links[0].label
            else:
                pr.problems.append(self.problem(pr.number, pr.row, "empty event title"))
                return
        if when is None:
            return
        date_text = plain_text(self.cell_text(pr.date_cell)) if pr.date_cell else ""
        pr.record = Event(when, title, tuple(links), date_text, raw_title.strip())

    def _read_hubs(self, pr: ParsedRow) -> None:
        scope_raw = self.cell_text(pr.cells[self.columns["scope"]])
        name, links = flatten(scope_raw)
        if not name:
            pr.problems.append(self.problem(pr.number, pr.row, "empty scope"))
            return
        type_text = plain_text(self.cell_text(pr.cells[self.columns["type"]]))
        types = normalize_types(type_text)
        if not types:
            pr.problems.append(self.problem(pr.number, pr.row,
                                            f"unrecognised type {type_text!r}"))
        status = plain_text(self.cell_text(pr.cells[self.columns["status"]]))
        stage = normalize_stage(status)
        if stage is Stage.UNKNOWN:
            pr.problems.append(self.problem(pr.number, pr.row,
                                            f"unrecognised status {status!r}"))
        details_raw = self.cell_text(pr.cells[self.columns["details"]])
        details = plain_text(details_raw)
        page = next((_MYLANG.sub("", link.target).lstrip(":").strip() for link in links
                     if not link.target.startswith(("http:", "https:", "//"))), None)
        pr.record = Hub(
            key=slugify(name), name=name, types=types, stage=stage, stage_raw=status,
            scope_wikitext=scope_raw.strip(), details=details_raw.strip(), page=page,
            fiscal_sponsor=_first_match(_FISCAL, details),
            legal_entity=_first_match(_LEGAL, details),
        )

    def _read_interviews(self, pr: ParsedRow) -> None:
        when = self.date(pr, "date")
        group = plain_text(self.cell_text(pr.cells[self.columns["name"]]))
        persons = plain_text(self.cell_text(pr.cells[self.columns["persons"]]))
        if when is None:
            return
        date_text = plain_text(self.cell_text(pr.date_cell)) if pr.date_cell else ""
        pr.record = Interview(group, persons, when, date_text)


_SPAN = re.compile(r"\browspan\s*=\s*[\"']?\s*(\d+)", re.IGNORECASE)


def _logical_rows(table: Table, width: int) -> list[ParsedRow]:
    """Data rows with cells spanned from rows above (``rowspan``) filled in."""
    out: list[ParsedRow] = []
    carried: dict[int, tuple[Cell, int, int]] = {}  # column -> (cell, rows left, block)
    block = 0
    for number, row in enumerate(table.data_rows, start=1):
        cells: list[Cell] = []
        physical = list(row.cells)
        row_block: int | None = None
        col = 0
        while physical or col in carried:
            if col in carried:
                cell, left, owner = carried[col]
                cells.append(cell)
                row_block = owner if row_block is None else row_block
                if left <= 1:
                    del carried[col]
                else:
                    carried[col] = (cell, left - 1, owner)
            else:
                cells.append(physical.pop(0))
            col += 1
            if col > width + len(row.cells) + 64:  # malformed: never loop forever
                break
        if row_block is None:
            block += 1
            row_block = block
        for i, cell in enumerate(cells):
            m = _SPAN.search(cell.attrs or "")
            if m and cell in row.cells and int(m.group(1)) > 1:
                carried[i] = (cell, min(int(m.group(1)), 1000) - 1, row_block)
        out.append(ParsedRow(row=row, number=number, record=None, cells=cells,
                             block=row_block))
    return out


def parse_page(text: str, title: str, *, context_year: int | None = None,
               markers: Markers | None = None) -> ParsedPage:
    """Parse ``text`` (the wikitext of page ``title``). Never raises on bad wikitext."""
    mask = Mask(text)
    problems: list[Problem] = []
    regions: dict[str, Region] = {}
    region_errors: dict[str, str] = {}
    for name in REGION_KINDS:
        try:
            region = find_region(text, name, markers)
        except RegionProblem as exc:
            region_errors[name] = str(exc)
            problems.append(Problem(title, name, None, "", str(exc)))
            continue
        if region is not None:
            regions[name] = region

    parsed_tables: list[ParsedTable] = []
    for table in find_tables(text, mask):
        found = _classify(text, table)
        if found is None:
            continue
        kind, columns, width = found
        reader = _RowReader(title, text, kind, columns, width, context_year)
        rows = _logical_rows(table, width)
        for pr in rows:
            reader.read(pr)
        region = regions.get(kind)
        inside = region if region and region.inner_start <= table.start \
            and table.end <= region.inner_end else None
        parsed_tables.append(ParsedTable(kind, table, columns, rows, inside))
        for pr in rows:
            problems.extend(pr.problems)

    for name, region in regions.items():
        if not any(t.region is region for t in parsed_tables):
            problems.append(Problem(title, name, None, text[region.inner_start:
                                    region.inner_end].strip()[:200],
                                    f"no {name} table in the region"))
    return ParsedPage(title, text, parsed_tables, problems, regions, region_errors)
