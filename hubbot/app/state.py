"""What hubbot remembers between runs, and the lock that keeps runs from overlapping.

``StateStore`` keeps, per page, the last revision id hubbot saw (or saved), the records it
parsed from it, and whether an edit of the page is still *owed* (planned but not made: a
failed save, a declined or interrupted one). A run where no revision changed still
retries what is owed. ``pending_changes`` are record changes already taken into the
source pages' state but not yet shown on every derived page. ``saved`` is hubbot's last
save of a page (watched for a person's revert), ``hold`` a revert found: hubbot does not
edit that page until it is released (both optional: older state files read as without).
The state is written atomically (temporary file, fsync, rename) after every save, whole
or as a delta beside the file (``StateStore``), so a crash or a kill never leaves half a
state behind nor forgets an edit that was made.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

from hubbot.backends.atomic import atomic_write
from hubbot.core.changes import ChangeKind
from hubbot.core.codec import canonical_json, event_from_json, hub_from_json
from hubbot.errors import LockedError, StorageError

STATE_VERSION = 1
# A save writes the delta while the records it carries take at most this share of the
# state file; beyond it the file is rewritten whole (``StateStore``).
DELTA_SHARE = 0.25
Records = dict[str, Sequence[dict[str, Any]]]  # table name -> the records, as JSON-ready dicts


@dataclass(frozen=True)
class LastSave:
    """hubbot's last save of a page: its revision, and the SHA-1 of the text it replaced
    (a later revision by someone else with that text is a revert)."""

    revid: int
    before_sha1: str


@dataclass(frozen=True)
class Hold:
    """A page hubbot does not edit until someone allowed releases it: a person reverted
    hubbot's revision ``reverted`` (in ``revert``, by ``user``, at ``timestamp``)."""

    reverted: int
    revert: int | None
    user: str
    timestamp: str
    how: str

    def describe(self, label: Callable[[int], str] = "r{}".format) -> str:
        """``hubbot's r12 was reverted by Editor (r13, mw-undo, 2026-11-24T10:00:00Z)``"""
        where = ", ".join(x for x in (label(self.revert) if self.revert else "",
                                      self.how, self.timestamp) if x)
        return (f"hubbot's {label(self.reverted)} was reverted by "
                f"{self.user or 'someone'}" + (f" ({where})" if where else ""))


@dataclass
class PageState:
    revid: int | None
    records: Records = field(default_factory=dict)
    owed: bool = False  # an edit of this page was planned and not made yet
    saved: LastSave | None = None  # hubbot's last save, watched for a revert
    hold: Hold | None = None  # reverted by a person: no edit until released


@dataclass
class State:
    pages: dict[str, PageState] = field(default_factory=dict)
    last_run: str | None = None
    triggered_at: str | None = None  # ISO time of the last run asked for on the wiki
    pending_changes: list[dict[str, str]] = field(default_factory=list)
    # when each current problem was first seen (``reportpage.problem_key`` -> ISO date)
    first_seen: dict[str, str] = field(default_factory=dict)
    # translatable pages hubbot saved -> ISO date of its last save there: their
    # translations show it once the page is marked for translation (the report page says)
    translation_edits: dict[str, str] = field(default_factory=dict)

    def revid(self, title: str) -> int | None:
        entry = self.pages.get(title)
        return entry.revid if entry else None

    def owes(self) -> bool:
        return any(p.owed for p in self.pages.values())

    def holds(self) -> dict[str, Hold]:
        """The held pages, by title."""
        return {t: p.hold for t, p in sorted(self.pages.items()) if p.hold is not None}

    def release(self, title: str) -> Hold | None:
        """Let hubbot edit ``title`` again: the hold and the reverted save are forgotten
        and the page is owed, so the next run does its pending work once. Returns the
        hold released (None: the page was not held)."""
        entry = self.pages.get(title)
        if entry is None or entry.hold is None:
            return None
        self.pages[title] = dataclasses.replace(entry, hold=None, saved=None, owed=True)
        return entry.hold


def _page_from_json(path: Path, title: Any, entry: Any) -> PageState:
    """One page's entry, checked: a wrong shape is a ``StorageError``, never a guess."""
    where = f"{path}: page {title!r}"
    if not isinstance(title, str) or not isinstance(entry, dict):
        raise StorageError(f"{where}: not a page entry")
    revid, records = entry.get("revid"), entry.get("records", {})
    if revid is not None and (not isinstance(revid, int) or isinstance(revid, bool)):
        raise StorageError(f"{where}: revid must be a number")
    if not isinstance(records, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(r, dict) for r in v)
            for k, v in records.items()):
        raise StorageError(f"{where}: records must map table names to lists of records")
    try:
        for record in records.get("events", []):
            event_from_json(record)
        for record in records.get("hubs", []):
            hub_from_json(record)
    except (KeyError, TypeError, ValueError) as exc:
        raise StorageError(f"{where}: a record is damaged ({type(exc).__name__}: "
                           f"{exc})") from None
    return PageState(revid, records, bool(entry.get("owed", False)),
                     _saved_from_json(where, entry.get("saved")),
                     _hold_from_json(where, entry.get("hold")))


def _saved_from_json(where: str, raw: Any) -> LastSave | None:
    if raw is None:
        return None
    if not (isinstance(raw, dict) and isinstance(raw.get("revid"), int)
            and isinstance(raw.get("before_sha1"), str)):
        raise StorageError(f"{where}: saved must hold a revid and a before_sha1")
    return LastSave(raw["revid"], raw["before_sha1"])


def _hold_from_json(where: str, raw: Any) -> Hold | None:
    if raw is None:
        return None
    texts = ("user", "timestamp", "how")
    if not (isinstance(raw, dict) and isinstance(raw.get("reverted"), int)
            and (raw.get("revert") is None or isinstance(raw.get("revert"), int))
            and all(isinstance(raw.get(k, ""), str) for k in texts)):
        raise StorageError(f"{where}: hold must name the reverted revision and the revert")
    return Hold(raw["reverted"], raw.get("revert"), *(raw.get(k, "") for k in texts))


Stat = tuple[int, int, int]  # a file's (inode, size, mtime in ns)


class _Base(NamedTuple):
    """The state file as a store last read or wrote it."""

    digest: str  # its SHA-1
    records: dict[str, Records]  # each page's records there (a page without any: none)
    stat: Stat | None
    summary: str | None  # the state it holds without records (``_summary``); None: unknown


class StateStore:
    """Reads and atomically writes a ``State`` as JSON at ``path``, with its *delta*
    beside it (``path`` + ``.delta``).

    The state file holds everything; most saves of a run change no page's records (a
    derived page's save changes its revision, a hub page's holds none) or a small
    page's only, and rewriting the whole file for them (12 MiB at 50,000 rows, with
    ``fsync``) was a fifth of a large real run's extra time. Such a save writes only the
    delta: the state with the records of only the pages whose records differ from the
    state file's (a page without records there has none), naming the SHA-1 of the
    state file it completes. A save whose changed records would make the delta larger
    than a quarter of the state file (``DELTA_SHARE``) rewrites the state file whole and
    removes the delta. A delta whose SHA-1 is not the state file's (the file was written
    whole after it) is stale and not read: every order of crash leaves the state of the
    last completed write (both files are written atomically).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.delta_path = self.path.with_name(self.path.name + ".delta")
        # title -> (records, their JSON in chunks)
        self._encoded: dict[str, tuple[Records, list[bytes]]] = {}
        # the state file as this store last read or wrote it (``_Base``): a delta may be
        # written against it while no records changed and the file is still that file
        self._base: _Base | None = None
        # the delta this store last wrote (the state without records, the records it
        # carries) and the delta file's (inode, size, mtime) after it
        self._written: tuple[str, dict[str, Records], Stat | None] | None = None

    def document(self) -> dict[str, Any] | None:
        """The state as one JSON document: the state file with its delta applied (None:
        no state file yet). Not checked beyond the delta's own shape (``load`` checks).
        Raises ``StorageError`` if a file cannot be read or parsed."""
        read = self._read()
        return read[0] if read is not None else None

    def _read(self) -> tuple[Any, str, dict[str, Records] | None] | None:
        """The state file's JSON with the delta applied, the file's SHA-1, and, when a
        delta was applied, each page's records as the state file has them (None: no
        delta, the JSON is the file's)."""
        try:
            data = self.path.read_bytes()
            raw = json.loads(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StorageError(f"{self.path}: unreadable state file: {exc}") from None
        digest = hashlib.sha1(data).hexdigest()
        del data
        try:
            delta = json.loads(self.delta_path.read_bytes())
        except FileNotFoundError:
            return raw, digest, None
        except (OSError, ValueError) as exc:
            raise StorageError(f"{self.delta_path}: unreadable state delta: {exc}") from None
        if not isinstance(delta, dict) or delta.get("base") != digest:
            return raw, digest, None  # stale: the state file was written whole after it
        pages, full = delta.get("pages"), raw.get("pages") if isinstance(raw, dict) else None
        if not isinstance(pages, dict) or not isinstance(full, dict) \
                or not set(full) <= set(pages) \
                or not all(isinstance(e, dict) and isinstance(full.get(t, {}), dict)
                           for t, e in pages.items()):
            raise StorageError(f"{self.delta_path}: the delta's pages are not the state "
                               "file's")
        merged = {k: v for k, v in delta.items() if k != "base"}
        merged["pages"] = {t: e if "records" in e else
                           {**e, "records": full.get(t, {}).get("records", {})}
                           for t, e in pages.items()}
        filed = {t: e["records"] for t, e in full.items() if "records" in e}
        return merged, digest, filed

    def load(self) -> State:
        """The stored state; an empty one if the file does not exist yet.

        Raises ``StorageError`` if the file exists but is not a hubbot state file of the
        right shape: hubbot will not guess (a wrong guess would make every record new).
        """
        read = self._read()
        if read is None:
            return State()
        raw, digest, filed = read
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            raise StorageError(f"{self.path}: not a hubbot state file (version "
                               f"{STATE_VERSION} expected)")
        pages_raw, pending = raw.get("pages", {}), raw.get("pending_changes", [])
        if not isinstance(pages_raw, dict):
            raise StorageError(f"{self.path}: pages must be an object")
        if not isinstance(pending, list) or not all(
                isinstance(c, dict) and all(isinstance(v, str) for v in c.values())
                for c in pending):
            raise StorageError(f"{self.path}: pending_changes must be a list of changes")
        kinds = {k.value for k in ChangeKind}
        if any(c.get("kind") not in kinds for c in pending):
            raise StorageError(f"{self.path}: pending_changes holds a change of an unknown "
                               "kind")
        for key in ("last_run", "triggered_at"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                raise StorageError(f"{self.path}: {key} must be a string")
        first_seen = raw.get("first_seen", {})
        if not isinstance(first_seen, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in first_seen.items()):
            raise StorageError(f"{self.path}: first_seen must map problems to dates")
        translation_edits = raw.get("translation_edits", {})
        if not isinstance(translation_edits, dict) or not all(
                isinstance(k, str) and isinstance(v, str)
                for k, v in translation_edits.items()):
            raise StorageError(f"{self.path}: translation_edits must map pages to dates")
        pages = {t: _page_from_json(self.path, t, e) for t, e in pages_raw.items()}
        state = State(pages, raw.get("last_run"), raw.get("triggered_at"), pending,
                      first_seen, translation_edits)
        # a delta is written against the state file's records, not the delta's
        records = filed if filed is not None else {t: ps.records for t, ps in pages.items()}
        self._base = _Base(digest, records, self._stat(self.path),
                           None if filed is not None else _summary(state))
        return state

    def check_writable(self) -> None:
        """Raise ``StorageError`` unless a state file can be written next to ``path``:
        checked before the first edit, so no edit is made that could not be recorded."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-",
                                       suffix=".tmp")
            try:
                os.write(fd, b"{}" * 2048)  # a little room: a full disk fails here
                os.fsync(fd)
            finally:
                os.close(fd)
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"{self.path}: the state file cannot be written "
                               f"({exc.strerror or exc}); not editing") from None

    def save(self, state: State) -> None:
        """Write ``state`` atomically (unless the files already hold exactly it): the
        delta when the records changed since the state file are few (``_delta``), else
        the state file whole. Raises ``StorageError`` (one line) on failure."""
        try:
            delta = self._delta(state)
            if delta is not None:
                self._save_delta(state, *delta)
            else:
                self._save_whole(state)
        except OSError as exc:
            raise StorageError(f"{self.path}: writing the state file failed "
                               f"({exc.strerror or exc})") from None

    def _delta(self, state: State) -> tuple[_Base, dict[str, Records]] | None:
        """The state file this store last read or wrote, and the records a delta
        against it would carry; None when ``state`` is written whole: no such file (or
        one changed since), a page of it gone from ``state``, or the changed records
        more than ``DELTA_SHARE`` of its size."""
        base, stat = self._base, self._stat(self.path)
        if base is None or stat is None or base.stat != stat:
            return None
        changed = _changed_records(state, base.records)
        if changed is None or self._carried_size(changed) > stat[1] * DELTA_SHARE:
            return None
        return base, changed

    def _save_whole(self, state: State) -> None:
        chunks = self._encode(state)
        self._write(chunks)
        digest = hashlib.sha1()
        for chunk in chunks:
            digest.update(chunk)
        self._base = _Base(digest.hexdigest(), {t: ps.records for t, ps in state.pages.items()},
                           self._stat(self.path), _summary(state))
        self._written = None
        self.delta_path.unlink(missing_ok=True)  # stale now: its SHA-1 is the old file's

    def _save_delta(self, state: State, base: _Base, changed: dict[str, Records]) -> None:
        summary = _summary(state)
        delta = self._stat(self.delta_path)
        written = self._written
        if (summary == base.summary and not changed and delta is None) or (
                delta is not None and written is not None and written[0] == summary
                and written[2] == delta and written[1].keys() == changed.keys()
                and all(written[1][t] is r for t, r in changed.items())):
            return  # the files hold it already
        atomic_write(self.delta_path, self._encode(state, base=base.digest, only=changed))
        self._written = summary, changed, self._stat(self.delta_path)

    def _encoded_records(self, title: str, records: Records) -> list[bytes]:
        """A page's records as JSON chunks, encoded once per records (never changed in
        place: a new ``PageState`` holds new records)."""
        cached = self._encoded.get(title)
        if cached is None or cached[0] is not records:
            cached = self._encoded[title] = records, records_chunks(records)
        return cached[1]

    def _carried_size(self, changed: dict[str, Records]) -> int:
        """The bytes of the records a delta would carry."""
        return sum(len(c) for t, records in changed.items()
                   for c in self._encoded_records(t, records))

    @staticmethod
    def _stat(path: Path) -> Stat | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def _encode(self, state: State, *, base: str | None = None,
                only: Mapping[str, Records] | None = None) -> list[bytes]:
        """The state as UTF-8 JSON chunks, keys sorted, one line per page. A page's
        records are encoded once per run (``_encoded_records``), not again at each write after a
        save. ``base``: the delta naming that state file, with the records of the pages
        ``only`` names (the other pages' entries have none)."""
        fields = _head(state)
        if base is not None:
            fields["base"] = base
        dump = canonical_json
        head = [f" {dump(key)}: {dump(value)},\n" for key, value in fields.items()
                if key < "pages"]
        tail = [f",\n {dump(key)}: {dump(value)}" for key, value in fields.items()
                if key > "pages"]
        chunks = [("{\n" + "".join(sorted(head)) + ' "pages": {').encode()]
        if only is None:  # the whole file: forget the records of pages it no longer has
            self._encoded = {t: c for t, c in self._encoded.items() if t in state.pages}
        for n, (title, ps) in enumerate(sorted(state.pages.items())):
            comma = "," if n else ""
            if only is not None and title not in only:
                chunks.append(f"{comma}\n  {dump(title)}: {dump(_entry(ps))}".encode())
                continue
            # the page's entry with its records (written in chunks) where they sort
            before, after = dump(_entry(ps, records=True)).split('"records": 0', 1)
            chunks += [f"{comma}\n  {dump(title)}: {before}\"records\": ".encode(),
                       *self._encoded_records(title, ps.records), after.encode()]
        chunks.append(("\n }" if state.pages else "}").encode())
        chunks.append(("".join(sorted(tail)) + "\n}\n").encode())
        return chunks

    def _write(self, chunks: list[bytes]) -> None:
        atomic_write(self.path, chunks)


def _head(state: State) -> dict[str, Any]:
    """The state's fields beside its pages, as the files write them."""
    fields = {"last_run": state.last_run, "pending_changes": state.pending_changes,
              "triggered_at": state.triggered_at, "version": STATE_VERSION}
    if state.first_seen:
        fields["first_seen"] = state.first_seen
    if state.translation_edits:
        fields["translation_edits"] = state.translation_edits
    return fields


def _entry(ps: PageState, *, records: bool = False) -> dict[str, Any]:
    """A page's entry as the files write it; its records as a placeholder ``0`` (the
    state file writes them in its own chunks), or left out (the delta)."""
    out: dict[str, Any] = {"revid": ps.revid}
    if records:
        out["records"] = 0
    if ps.hold:
        out["hold"] = dataclasses.asdict(ps.hold)
    if ps.owed:
        out["owed"] = True
    if ps.saved:
        out["saved"] = dataclasses.asdict(ps.saved)
    return out


def _without_records(state: State) -> dict[str, Any]:
    """The state without any page's records (what a delta says, beside its ``base``)."""
    return {**_head(state), "pages": {t: _entry(ps) for t, ps in state.pages.items()}}


def _summary(state: State) -> str:
    """``_without_records`` as text: what a store compares to know the files hold it."""
    return canonical_json(_without_records(state))


def _changed_records(state: State, base: dict[str, Records]) -> dict[str, Records] | None:
    """The records of the pages of ``state`` whose records differ from ``base``'s (a page
    ``base`` does not have has none: a page's first save where it is not a source);
    None when ``state`` lacks a page ``base`` has (only the state file can say so)."""
    pages = state.pages
    if not pages.keys() >= base.keys():
        return None
    return {title: records for title, ps in pages.items()
            if (records := ps.records) is not base.get(title)
            and records != base.get(title, {})}


class RecordDicts(Sequence[dict[str, Any]]):
    """One kind's records as the state keeps them (JSON-ready dicts), in their canonical
    order, made from the record objects when first read: a run that records a page
    writes the records' JSON directly (``canonical_records``) and seldom reads them back
    as dicts (a data page does; so does comparing them with the state file's records).
    Making them for 50,000 events was 3 % of a large real run. Equal to a list of the
    same dicts, as a list of them is."""

    __slots__ = ("_objects", "_to_json", "_dicts")

    def __init__(self, objects: Sequence[Any],
                 to_json: Callable[[Any], dict[str, Any]]) -> None:
        self._objects = objects
        self._to_json = to_json
        self._dicts: list[dict[str, Any]] | None = None

    def _made(self) -> list[dict[str, Any]]:
        if self._dicts is None:
            self._dicts = [self._to_json(r) for r in self._objects]
        return self._dicts

    def __len__(self) -> int:
        return len(self._objects)

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordDicts):
            other = other._made()
        return self._made() == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which have none

    def __repr__(self) -> str:
        return f"RecordDicts({self._made()!r})"


class Encoding(NamedTuple):
    """How the state keeps one kind of record: ``to_json`` makes its JSON-ready dict;
    ``text`` writes its ``canonical_json`` directly (None: the JSON of its dict, which is
    then kept)."""

    to_json: Callable[[Any], dict[str, Any]]
    text: Callable[[Any], str] | None = None


class CanonicalRecords(dict[str, Sequence[dict[str, Any]]]):
    """Records in their canonical order (``canonical_records``) with the chunks
    ``records_chunks`` writes for them, made once: never changed in place (a new
    ``PageState`` holds new records)."""

    chunks: list[bytes]


def canonical_records(records: Mapping[str, Sequence[Any]],
                      encodings: Mapping[str, Encoding]) -> CanonicalRecords:
    """Each kind's records (record objects, encoded as ``encodings`` says) sorted by
    their canonical JSON, so the state does not depend on the order of the rows: each
    record encoded once, for the order and for the state file (sorted as UTF-8, which
    orders as the text does). A kind written directly keeps its dicts unmade
    (``RecordDicts``); each text is dropped once encoded, never all of them at once."""
    out = CanonicalRecords()
    encoded: dict[str, list[bytes]] = {}
    for kind, objects in records.items():
        how = encodings[kind]
        # the items kept, and their canonical JSON: the dicts, or the objects written directly
        items, text = (map(how.to_json, objects), canonical_json) if how.text is None \
            else (objects, how.text)
        pairs = sorted(((text(item).encode(), item) for item in items), key=itemgetter(0))
        kept = [item for _, item in pairs]
        out[kind] = kept if how.text is None else RecordDicts(kept, how.to_json)
        encoded[kind] = [e for e, _ in pairs]
    out.chunks = _chunks(encoded)
    return out


def dumps_records(records: Records) -> bytes:
    """``canonical_json(records).encode()``, byte for byte (see ``records_chunks``)."""
    return b"".join(records_chunks(records))


def records_chunks(records: Records) -> list[bytes]:
    """``canonical_json(records).encode()`` in chunks, encoded one record at a time and never
    joined (they are written one after the other): encoding a large table whole held
    every token of it at once, and joining it a second copy (most of a 50,000-row real
    run's memory peak)."""
    if isinstance(records, CanonicalRecords):
        return records.chunks
    if not isinstance(records, dict) or not all(
            isinstance(k, str) and isinstance(v, list) for k, v in records.items()):
        return [canonical_json(records).encode()]
    return _chunks({kind: [canonical_json(r).encode() for r in rs]
                    for kind, rs in records.items()})


_COMMA = b", "


def _chunks(encoded: dict[str, list[bytes]]) -> list[bytes]:
    """The chunks of ``{kind: [record, ...]}`` from each record's encoding, kinds sorted
    (a separator is a chunk of its own: no record is copied)."""
    out = [b"{"]
    for n, kind in enumerate(sorted(encoded)):
        out.append((", " if n else "").encode() + canonical_json(kind).encode() + b": [")
        for i, record in enumerate(encoded[kind]):
            if i:
                out.append(_COMMA)
            out.append(record)
        out.append(b"]")
    out.append(b"}")
    return out


class SimulatedStateStore(StateStore):
    """The state of a ``-simulate`` run: read as usual, never written (a simulated save
    is not made, so nothing may be recorded as made)."""

    def check_writable(self) -> None:
        return None

    def save(self, state: State) -> None:
        return None


class RunLock:
    """An exclusive, non-blocking ``flock`` on ``path``; released when the process ends,
    so a crashed run never leaves a stale lock behind."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._fh: IO[str] | None = None

    def __enter__(self) -> RunLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise StorageError(f"{self.path}: the lock file cannot be created "
                               f"({exc.strerror or exc})") from None
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise LockedError(f"another hubbot run holds {self.path} (pid {holder}); "
                              "not editing") from None
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
        except OSError as exc:
            fh.close()
            raise StorageError(f"{self.path}: the lock file cannot be written "
                               f"({exc.strerror or exc})") from None
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
