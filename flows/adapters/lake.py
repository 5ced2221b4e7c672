"""The only storage code: partition paths, merge on key, atomic replace, locks, reading.

Layout: `<root>/<table>/date=YYYY-MM-DD/part-NNNNN.parquet`. A partition holds a
few files, each up to `FILE_TARGET_BYTES`; every key lives in exactly one file.
A write takes the partition's lock, rewrites the files that hold keys it
replaces (the new rows go into the same file), and puts brand-new keys into the
last file while it is small, else into a new file. Every file is replaced in
one step (a rename on local disks, a single PUT on object stores), so a reader
sees each row once, old or new, never half a write; a crash leaves the previous
files intact. The work per write is bounded by the file size, not the day's size.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import threading
import time
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from flows.adapters.faults import crash_point
from transforms import people as people_view
from transforms import speakers as speaker_view
from transforms import statements as statements_view
from transforms.records import RawDoc
from transforms.schemas import PARTITION_COLUMN, TABLES, added_columns, arrow_schema, conform
from transforms.tables import raw_doc

PART_PREFIX = "part-"
PART_FILE = "part-00000.parquet"  # the first file of a partition
# a table with no rows yet holds only this file, at its root: zero rows in the table's schema
# (partition column included, as a date), so pandas, DuckDB and Polars read an empty table with its
# columns instead of failing on a missing folder; it goes when the first partition is written
# (beside partitions, a file without `date=` in its path makes DuckDB and Polars refuse)
EMPTY_FILE = "empty.parquet"
FILE_TARGET_BYTES = 32 * 1024 * 1024  # a file grows to about this, then a new one starts
ROW_GROUP_SIZE = 64 * 1024
TEXT_ROW_GROUP = 2048
# files up to this size are rewritten in memory and fully sorted; larger ones stream
STREAM_ABOVE_BYTES = 8 * 1024 * 1024
LOCK_TIMEOUT_S = 300.0
# an object-store lock not refreshed for this long belongs to a writer that died (a live
# holder refreshes it every quarter of this)
STALE_LOCK_S = 60.0


class LakeError(RuntimeError):
    """A lake operation failed; the message names the table and partition."""


class Lake:
    """A lake root (local path or fsspec URL) and its tables."""

    def __init__(self, root: str, storage_options: dict[str, Any] | None = None) -> None:
        self.root = root.rstrip("/")
        self.fs, self.base = fsspec.core.url_to_fs(self.root, **(storage_options or {}))
        self.local = "file" in (
            self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        )
        if self.local:
            Path(self.base).mkdir(parents=True, exist_ok=True)

    # -- paths --------------------------------------------------------------
    def table_path(self, table: str) -> str:
        """Folder of a table."""
        return f"{self.base}/{table}"

    def partition_path(self, table: str, date: str) -> str:
        """Folder of one partition."""
        return f"{self.base}/{table}/{PARTITION_COLUMN}={date}"

    def partitions(self, table: str) -> list[str]:
        """Dates of a table's partitions, sorted."""
        try:
            entries = self.fs.ls(self.table_path(table), detail=False)
        except FileNotFoundError:
            return []
        prefix = f"{PARTITION_COLUMN}="
        out = []
        for entry in entries:
            name = entry.rstrip("/").rsplit("/", 1)[-1]
            if name.startswith(prefix) and self._files(entry.rstrip("/")):
                out.append(name[len(prefix) :])
        return sorted(out)

    # -- reading ------------------------------------------------------------
    def _files(self, folder: str) -> list[str]:
        try:
            names = self.fs.ls(folder, detail=False)
        except FileNotFoundError:
            return []
        files = [
            n.rstrip("/") for n in names if n.rstrip("/").rsplit("/", 1)[-1].startswith(PART_PREFIX)
        ]
        return sorted(f for f in files if f.endswith(".parquet"))

    def files(self, table: str, date: str) -> list[str]:
        """The Parquet files of one partition, in order."""
        return self._files(self.partition_path(table, date))

    def read_partition(
        self, table: str, date: str, columns: Sequence[str] | None = None
    ) -> pa.Table | None:
        """One partition as Arrow (without the partition column), or None if absent."""
        parts = [self._read_file(f, columns) for f in self.files(table, date)]
        return pa.concat_tables(parts) if parts else None

    def _read_file(self, path: str, columns: Sequence[str] | None = None) -> pa.Table:
        with self.fs.open(path, "rb") as fh:
            # one file, read directly: `pq.read_table` builds a dataset around it, about
            # three times the CPU for the small files a merge reads (the same table)
            return pq.ParquetFile(fh).read(columns=list(columns) if columns else None)

    def iter_partition(self, table: str, date: str) -> Iterator[pa.RecordBatch]:
        """A partition row group by row group (bounded memory)."""
        for path in self.files(table, date):
            with self.fs.open(path, "rb") as fh:
                source = pq.ParquetFile(fh)
                for i in range(source.num_row_groups):
                    yield from source.read_row_group(i).to_batches()

    def dataset(self, table: str) -> ds.Dataset | None:
        """A pyarrow dataset over the table with the partition column as a string."""
        if not self.partitions(table):
            return None
        schema = arrow_schema(table, with_partition=True)
        return ds.dataset(
            self.table_path(table),
            filesystem=self.fs,
            format="parquet",
            schema=schema,
            partitioning=ds.partitioning(
                pa.schema([(PARTITION_COLUMN, pa.string())]), flavor="hive"
            ),
        )

    def read_arrow(
        self,
        table: str,
        start: str | None = None,
        end: str | None = None,
        columns: Sequence[str] | None = None,
        filter: ds.Expression | None = None,
    ) -> pa.Table:
        """Rows of a table between two dates (inclusive), pruning partitions."""
        dataset = self.dataset(table)
        schema = arrow_schema(table, with_partition=True)
        if dataset is None:
            empty = schema.empty_table()
            return empty.select(list(columns)) if columns else empty
        expr = filter
        for op, value in ((">=", start), ("<=", end)):
            if value is None:
                continue
            cond = (
                pc.field(PARTITION_COLUMN) >= value
                if op == ">="
                else pc.field(PARTITION_COLUMN) <= value
            )
            expr = cond if expr is None else expr & cond
        rows = dataset.to_table(columns=list(columns) if columns else None, filter=expr)
        # files written before a column existed read it as null: give their rows its value
        for name, value in added_columns(table).items():
            if name in rows.column_names and rows.column(name).null_count:
                filled = pc.fill_null(rows.column(name), value)
                rows = rows.set_column(rows.column_names.index(name), rows.field(name), filled)
        return rows

    def read_table(
        self,
        table: str,
        start: str | None = None,
        end: str | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Rows of a table as pandas, with `date` as a plain string column."""
        return self.read_arrow(table, start, end, columns).to_pandas()

    def raw_documents(
        self,
        start: str | None = None,
        end: str | None = None,
        article_ids: Iterable[str] | None = None,
    ) -> Iterator[RawDoc]:
        """Stored documents (all, between two dates, or of these articles), partition by
        partition and row group by row group: memory stays bounded."""
        wanted = set(article_ids) if article_ids is not None else None
        for date in self.partitions("raw"):
            if (start and date < start) or (end and date > end):
                continue
            for batch in self.iter_partition("raw", date):
                for row in batch.to_pylist():
                    if wanted is None or row["article_id"] in wanted:
                        yield raw_doc(row)

    def distinct(self, table: str, column: str) -> dict[str, set[str]]:
        """Per partition, the distinct values of one column (read file by file)."""
        out: dict[str, set[str]] = {}
        for date in self.partitions(table):
            values: set[str] = set()
            for path in self.files(table, date):
                values.update(pc.unique(self._read_file(path, [column]).column(0)).to_pylist())
            out[date] = values
        return out

    def article_speakers(
        self,
        start: str | None = None,
        end: str | None = None,
        article_id: str | None = None,
        kinds: Collection[str] | None = speaker_view.PEOPLE,
    ) -> pa.Table:
        """The `article_speakers` view over the quotes between two dates (inclusive):
        speakers of the given kinds (people by default; None: all)."""
        filter = pc.field("article_id") == article_id if article_id else None
        columns = (*speaker_view.QUOTE_COLUMNS, *speaker_view.OPTIONAL_COLUMNS)
        quotes = self.read_arrow("quotes", start, end, columns, filter=filter)
        return speaker_view.article_speakers(quotes, kinds)

    def statements(self, start: str | None = None, end: str | None = None) -> pa.Table:
        """The `statements` view over the quotes between two dates (inclusive)."""
        quotes = self.read_arrow("quotes", start, end, statements_view.QUOTE_COLUMNS)
        # an article's quotes live in its own partition: the same dates hold their articles
        articles = self.read_arrow("articles", start, end, statements_view.ARTICLE_COLUMNS)
        links = {k: (link.entity_key, link.name) for k, link in self.person_links().items()}
        return statements_view.statements(quotes, articles, links)

    def person_links(self) -> dict[str, people_view.Link]:
        """Every person key of the lake (all dates: PERSON mentions and the speakers of
        quotes, which may be named where the tagger saw no entity) and its lake-wide key."""
        names = self.read_arrow(
            "mentions",
            columns=["entity_key", "canonical_name"],
            filter=pc.field("label") == "PERSON",
        )
        speakers = self.read_arrow(
            "quotes",
            columns=["speaker_entity_key", "speaker_name"],
            filter=pc.starts_with(pc.field("speaker_entity_key"), people_view.PERSON_PREFIX),
        )
        pairs = [
            *zip(
                names.column("entity_key").to_pylist(),
                names.column("canonical_name").to_pylist(),
                strict=True,
            ),
            *zip(
                speakers.column("speaker_entity_key").to_pylist(),
                speakers.column("speaker_name").to_pylist(),
                strict=True,
            ),
        ]
        return people_view.link_people((k, n) for k, n in pairs if k and n)

    def people(self, start: str | None = None, end: str | None = None) -> pa.Table:
        """The `people` view over the mentions and quotes between two dates (inclusive), with
        keys linked across the whole lake."""
        mentions = self.read_arrow(
            "mentions", start, end, people_view.MENTION_COLUMNS, pc.field("label") == "PERSON"
        )
        quotes = self.read_arrow("quotes", start, end, people_view.QUOTE_COLUMNS)
        return people_view.people(mentions, quotes, self.person_links())

    # -- writing ------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, table: str, date: str) -> Iterator[None]:
        """Exclusive lock on one partition, across processes (local) or writers (object store)."""
        with self.named_lock(f"{table}.{date}") as held:
            assert held
            yield

    @contextlib.contextmanager
    def named_lock(
        self, name: str, wait: bool = True, timeout: float = LOCK_TIMEOUT_S
    ) -> Iterator[bool]:
        """An exclusive lock by name; yields whether it is held (always, when waiting).

        Local lakes use `flock`, which the kernel releases when its holder dies, so a
        crashed writer never leaves a lock behind; object stores use a lock object that
        its holder refreshes and that counts as abandoned once it is `STALE_LOCK_S` old.
        """
        if not self.local:
            path = f"{self.base}/_locks/{name}.lock"
            with _object_lock(self.fs, path, timeout, wait=wait) as held:
                yield held
            return
        lock_dir = Path(self.base) / "_locks"
        lock_dir.mkdir(parents=True, exist_ok=True)
        with open(lock_dir / f"{name}.lock", "a+") as fh:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        yield False
                        return
                    if time.monotonic() > deadline:
                        raise LakeError(f"{name}: lock not acquired in {timeout:.0f} s") from None
                    time.sleep(0.05)
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def drop_lock(self, name: str) -> None:
        """Remove a named lock's file once nobody needs it (one-off locks such as a batch's)."""
        if self.local:
            with contextlib.suppress(FileNotFoundError):
                (Path(self.base) / "_locks" / f"{name}.lock").unlink()

    def _write_file(self, path: str, data: bytes, point: str = "lake:replace") -> None:
        if self.local:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            crash_point(point)
            tmp.replace(target)  # atomic rename on POSIX
            _fsync_dir(target.parent)
        else:
            # one PUT: object stores replace an object whole or not at all
            self.fs.pipe_file(path, data)

    def merge_partition(
        self, table: str, date: str, new: pa.Table, replace: Sequence[str] = ()
    ) -> int:
        """Merge rows (without partition column) into a partition; returns rows written.

        Rows replace the stored rows with their key. For a table whose rows belong to
        an article (`TableSpec.group`), `replace` names articles whose stored rows all
        go, whatever their keys: their new rows are written into the file that holds
        the old ones, in the same single replace, so a reader sees the old rows or the
        new, never both and never neither.
        """
        spec = TABLES[table]
        schema = arrow_schema(table)
        new = new.select(schema.names).cast(schema)
        if spec.sort_by:
            new = new.sort_by([(c, "ascending") for c in spec.sort_by])
        group = spec.group if replace else None
        gone = pa.array(sorted(set(replace)), pa.string()) if group else None
        folder = self.partition_path(table, date)
        with self.lock(table, date):
            crash_point("lake:locked")
            files = self.files(table, date)
            if not files and new.num_rows:
                self._drop_empty_marker(table)
            new_keys = _key_column(new, spec.key)
            placed = pa.array([False] * new.num_rows, pa.bool_())
            written = 0
            for path in files:
                columns = [*spec.key, group] if group else list(spec.key)
                held = self._read_file(path, columns)
                here = pc.is_in(new_keys, value_set=_key_column(held, spec.key))
                drop_groups = None
                if group and gone is not None:
                    present = pc.unique(held.column(group))
                    drop_groups = pc.filter(gone, pc.is_in(gone, value_set=present))
                    if len(drop_groups):
                        here = pc.or_(here, pc.is_in(new.column(group), value_set=drop_groups))
                    else:
                        drop_groups = None
                here = pc.and_(here, pc.invert(placed))
                if not pc.any(here).as_py() and drop_groups is None:
                    continue
                placed = pc.or_(placed, here)
                if spec.keep_existing and drop_groups is None:
                    continue  # the stored row wins
                # the new rows replace the old ones in the file that holds them
                add = new.filter(here)
                self._rewrite(table, path, add, new_keys.filter(here), group, drop_groups)
                written += add.num_rows
            rest = new.filter(pc.invert(placed))
            if rest.num_rows:
                last = files[-1] if files else None
                if last is not None and self.fs.size(last) < FILE_TARGET_BYTES:
                    self._rewrite(table, last, rest, None)
                else:
                    self._write_file(
                        f"{folder}/{PART_PREFIX}{len(files):05d}.parquet",
                        _to_parquet(rest, spec.sort_by, _row_group(table)),
                    )
                written += rest.num_rows
            return written

    def _rewrite(
        self,
        table: str,
        path: str,
        add: pa.Table,
        drop: pa.Array | None,
        group: str | None = None,
        drop_groups: pa.Array | None = None,
    ) -> None:
        """Replace one file by its rows minus the `drop` keys (and the rows of the
        `drop_groups` articles) plus `add`, in one step."""
        spec = TABLES[table]
        schema = arrow_schema(table)

        def kept(rows: pa.Table) -> pa.Table:
            mask = None
            if drop is not None:
                mask = pc.invert(pc.is_in(_key_column(rows, spec.key), value_set=drop))
            if group and drop_groups is not None:
                other = pc.invert(pc.is_in(rows.column(group), value_set=drop_groups))
                mask = other if mask is None else pc.and_(mask, other)
            return rows if mask is None else rows.filter(mask)

        if self.fs.size(path) <= STREAM_ABOVE_BYTES:
            old = kept(conform(table, self._read_file(path)))
            merged = pa.concat_tables([old, add])
            if spec.sort_by:
                merged = merged.sort_by([(c, "ascending") for c in spec.sort_by])
            self._replace_file(path, merged, table)
            return
        # a large file streams: row group by row group, the new rows as the last groups
        sink = pa.BufferOutputStream()
        with self.fs.open(path, "rb") as fh:
            source = pq.ParquetFile(fh)
            writer = pq.ParquetWriter(
                sink, schema, compression="zstd", compression_level=6, write_statistics=True
            )
            for i in range(source.num_row_groups):
                group_rows = kept(conform(table, source.read_row_group(i)))
                writer.write_table(group_rows, row_group_size=_row_group(table))
            writer.write_table(add, row_group_size=_row_group(table))
            writer.close()
        self._write_file(path, bytes(sink.getvalue()))

    def _replace_file(self, path: str, rows: pa.Table, table: str) -> None:
        """A file's new content, or its removal when no row is left."""
        if rows.num_rows:
            spec = TABLES[table]
            self._write_file(path, _to_parquet(rows, spec.sort_by, _row_group(table)))
        else:
            self.fs.rm_file(path)

    def write(
        self, table: str, rows: pa.Table, replace: Mapping[str, Sequence[str]] | None = None
    ) -> dict[str, int]:
        """Merge rows (partition column included) into the lake, partition by partition.

        `replace` maps a partition to the articles whose rows there are replaced as a
        whole (tables whose rows belong to an article), new rows or none.
        """
        replace = replace or {}
        dates = (
            set(pc.unique(rows.column(PARTITION_COLUMN)).to_pylist()) if rows.num_rows else set()
        )
        out = {}
        for date in sorted(dates | {d for d, ids in replace.items() if ids}):
            part = rows.filter(pc.equal(rows.column(PARTITION_COLUMN), date)).drop_columns(
                [PARTITION_COLUMN]
            )
            out[date] = self.merge_partition(table, date, part, replace.get(date, ()))
        return out

    def ensure_tables(self, tables: Iterable[str] = TABLES) -> list[str]:
        """Give every table without partitions its empty file (`EMPTY_FILE`); returns the
        tables that got one."""
        made = []
        for table in tables:
            if self.partitions(table):
                continue
            path = f"{self.table_path(table)}/{EMPTY_FILE}"
            if not self.fs.exists(path):
                schema = arrow_schema(table, with_partition=True)
                # `date` as a date: the type DuckDB and Polars infer from `date=YYYY-MM-DD`
                at = schema.get_field_index(PARTITION_COLUMN)
                empty = schema.set(at, schema.field(at).with_type(pa.date32())).empty_table()
                self._write_file(path, _to_parquet(empty, ()), "lake:empty")
                made.append(table)
            if self.partitions(table):  # a writer of another run got there first
                self._drop_empty_marker(table)
        return made

    def _drop_empty_marker(self, table: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(f"{self.table_path(table)}/{EMPTY_FILE}")

    def state_path(self, name: str) -> str:
        """Where a state file (`_state/<name>`) lives."""
        return f"{self.base}/_state/{name}"

    def write_state(self, name: str, data: bytes) -> None:
        """A state file under `_state/` (backfill markers, the journal), written in one step."""
        path = self.state_path(name)
        if self.local:
            self._write_file(path, data, "state:replace")
        else:
            self.fs.pipe_file(path, data)

    def write_file(self, name: str, data: bytes) -> None:
        """A file under the lake root outside the tables (the run report), written in one
        step: readers see the old file or the new one, never half of it."""
        self._write_file(f"{self.base}/{name}", data)

    def list_files(self, folder: str) -> list[str]:
        """Names of the files in a folder under the lake root (none when it is missing)."""
        try:
            entries = self.fs.ls(f"{self.base}/{folder}", detail=False)
        except FileNotFoundError:
            return []
        return sorted(e.rstrip("/").rsplit("/", 1)[-1] for e in entries)

    def url(self, name: str) -> str:
        """Where a file under the lake root opens: a file:// URI locally, else the store URL."""
        if self.local:
            return Path(self.base, name).resolve().as_uri()
        return f"{self.root}/{name}"

    def read_state(self, name: str) -> bytes | None:
        """A state file's bytes, or None when absent."""
        try:
            data: bytes = self.fs.cat_file(self.state_path(name))
        except FileNotFoundError:
            return None
        return data

    def list_state(self, folder: str) -> list[str]:
        """Names (relative to `_state/<folder>/`) of the entries of a state folder, sorted."""
        try:
            entries = self.fs.ls(self.state_path(folder), detail=False)
        except FileNotFoundError:
            return []
        return sorted(e.rstrip("/").rsplit("/", 1)[-1] for e in entries)

    def delete_state(self, name: str) -> None:
        """Remove a state file or folder (absent is fine)."""
        path = self.state_path(name)
        with contextlib.suppress(FileNotFoundError):
            if self.fs.isdir(path):
                self.fs.rm(path, recursive=True)
            else:
                self.fs.rm_file(path)

    def sweep_temporaries(self, older_than_s: float = 3600.0) -> int:
        """Remove the temporary files of replaces a crash interrupted (local lakes); never
        younger ones, which may be another writer's replace in progress."""
        if not self.local:
            return 0  # an object store's replace is one PUT: nothing is left half-written
        cutoff = time.time() - older_than_s
        removed = 0
        for tmp in Path(self.base).glob("**/.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
        return removed

    def delete_rows(self, table: str, date: str, column: str, values: Sequence[str]) -> int:
        """Remove rows whose column is in values from one partition (orphans of a lost article)."""
        gone = pa.array(sorted(set(values)), pa.string())
        removed = 0
        with self.lock(table, date):
            for path in self.files(table, date):
                old = conform(table, self._read_file(path))
                kept = old.filter(pc.invert(pc.is_in(old.column(column), value_set=gone)))
                if kept.num_rows == old.num_rows:
                    continue
                removed += old.num_rows - kept.num_rows
                self._replace_file(path, kept, table)
        return removed


def _key_column(table: pa.Table, key: Sequence[str]) -> pa.Array:
    if len(key) == 1:
        return table.column(key[0]).combine_chunks()
    parts = [pc.cast(table.column(k), pa.string()) for k in key]
    return pc.binary_join_element_wise(*parts, "\x1f").combine_chunks()


def _fsync_dir(folder: Path) -> None:
    # a rename is durable only once its folder's entry is on disk
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _row_group(table: str) -> int:
    # text-heavy tables get smaller row groups, so reading one stays cheap
    return TEXT_ROW_GROUP if table in ("articles", "raw") else ROW_GROUP_SIZE


def _to_parquet(
    table: pa.Table, sort_by: Sequence[str], row_group_size: int = ROW_GROUP_SIZE
) -> bytes:
    sink = pa.BufferOutputStream()
    sorting = [
        pq.SortingColumn(table.schema.get_field_index(c))
        for c in sort_by
        if c in table.schema.names
    ]
    pq.write_table(
        table,
        sink,
        compression="zstd",
        compression_level=6,
        row_group_size=row_group_size,
        write_statistics=True,
        sorting_columns=sorting or None,
    )
    return bytes(sink.getvalue())


@contextlib.contextmanager
def _object_lock(
    fs: Any,
    path: str,
    timeout: float = LOCK_TIMEOUT_S,
    stale_after: float = STALE_LOCK_S,
    wait: bool = True,
) -> Iterator[bool]:
    """A lock object on a store without file locks; yields whether it was acquired.

    On S3 the object is created with a conditional PUT (`If-None-Match: *`), which
    the store refuses when the object exists, so two writers can never both hold
    it; elsewhere it is created if absent. Either way the token is read back, so
    a store that ignores the condition is caught too. A lock older than
    `stale_after` belongs to a dead writer and is removed; the holder refreshes its lock
    every quarter of that, so a long write never looks abandoned.
    """
    token = uuid.uuid4().hex
    deadline = time.monotonic() + timeout
    held = False
    while True:
        try:
            if _create_exclusive(fs, path, token.encode()):
                held = fs.cat_file(path).decode() == token
                if held:
                    break
            else:
                info = fs.info(path)
                modified = info.get("LastModified") or info.get("mtime")
                if isinstance(modified, (int, float)):
                    modified = dt.datetime.fromtimestamp(modified, dt.UTC)
                if (
                    isinstance(modified, dt.datetime)
                    and (dt.datetime.now(dt.UTC) - modified).total_seconds() > stale_after
                ):
                    fs.rm_file(path)
                    continue
        except FileNotFoundError:
            pass
        if not wait:
            break
        if time.monotonic() > deadline:
            raise LakeError(f"{path}: lock not acquired in {timeout:.0f} s")
        time.sleep(0.1)
    stop = threading.Event()

    def refresh() -> None:
        while not stop.wait(stale_after / 4):
            with contextlib.suppress(OSError):
                if fs.cat_file(path).decode() == token:
                    fs.pipe_file(path, token.encode())

    beat = threading.Thread(target=refresh, name="newslake-lock-refresh", daemon=True)
    if held:
        beat.start()
    try:
        yield held
    finally:
        stop.set()
        if held:
            beat.join()
            with contextlib.suppress(FileNotFoundError):
                if fs.cat_file(path).decode() == token:  # never remove another writer's lock
                    fs.rm_file(path)


def _create_exclusive(fs: Any, path: str, data: bytes) -> bool:
    """Create an object only if it does not exist; False when it does."""
    protocols = fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)
    if {"s3", "s3a"} & set(protocols):
        try:
            fs.pipe_file(path, data, mode="create")  # a conditional PUT: If-None-Match: *
        except FileExistsError:
            return False
        return True
    if fs.exists(path):
        return False
    fs.pipe_file(path, data)
    time.sleep(0.05)  # a racing writer's PUT lands now or never; the read-back decides
    return True
