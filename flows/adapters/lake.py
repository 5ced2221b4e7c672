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
import time
import uuid
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from transforms import speakers as speaker_view
from transforms.schemas import PARTITION_COLUMN, TABLES, arrow_schema

PART_PREFIX = "part-"
PART_FILE = "part-00000.parquet"  # the first file of a partition
FILE_TARGET_BYTES = 32 * 1024 * 1024  # a file grows to about this, then a new one starts
ROW_GROUP_SIZE = 64 * 1024
TEXT_ROW_GROUP = 2048
# files up to this size are rewritten in memory and fully sorted; larger ones stream
STREAM_ABOVE_BYTES = 8 * 1024 * 1024
LOCK_TIMEOUT_S = 300.0


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
            return pq.read_table(fh, columns=list(columns) if columns else None)

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
        return dataset.to_table(columns=list(columns) if columns else None, filter=expr)

    def read_table(
        self,
        table: str,
        start: str | None = None,
        end: str | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Rows of a table as pandas, with `date` as a plain string column."""
        return self.read_arrow(table, start, end, columns).to_pandas()

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

    # -- writing ------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, table: str, date: str) -> Iterator[None]:
        """Exclusive lock on one partition, across processes (local) or writers (object store)."""
        if self.local:
            lock_dir = Path(self.base) / "_locks"
            lock_dir.mkdir(parents=True, exist_ok=True)
            with open(lock_dir / f"{table}.{date}.lock", "a+") as fh:
                deadline = time.monotonic() + LOCK_TIMEOUT_S
                while True:
                    try:
                        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise LakeError(
                                f"{table}/{date}: lock not acquired in {LOCK_TIMEOUT_S:.0f} s"
                            ) from None
                        time.sleep(0.05)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        else:
            with _object_lock(self.fs, f"{self.base}/_locks/{table}.{date}.lock"):
                yield

    def _write_file(self, path: str, data: bytes) -> None:
        if self.local:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(target)  # atomic rename on POSIX
        else:
            # one PUT: object stores replace an object whole or not at all
            self.fs.pipe_file(path, data)

    def merge_partition(self, table: str, date: str, new: pa.Table) -> int:
        """Merge rows (without partition column) into a partition; returns rows written."""
        spec = TABLES[table]
        schema = arrow_schema(table)
        new = new.select(schema.names).cast(schema)
        if spec.sort_by:
            new = new.sort_by([(c, "ascending") for c in spec.sort_by])
        folder = self.partition_path(table, date)
        with self.lock(table, date):
            files = self.files(table, date)
            new_keys = _key_column(new, spec.key)
            fresh = pa.array([True] * new.num_rows, pa.bool_())
            written = 0
            for path in files:
                held = _key_column(self._read_file(path, spec.key), spec.key)
                here = pc.is_in(new_keys, value_set=held)
                if not pc.any(here).as_py():
                    continue
                fresh = pc.and_(fresh, pc.invert(here))
                if not spec.keep_existing:
                    # the new rows replace the old ones in the file that holds their keys
                    self._rewrite(table, path, new.filter(here), drop=new_keys.filter(here))
                    written += pc.sum(here.cast(pa.int64())).as_py()
            rest = new.filter(fresh)
            if rest.num_rows:
                last = files[-1] if files else None
                if last is not None and self.fs.size(last) < FILE_TARGET_BYTES:
                    self._rewrite(table, last, rest, drop=None)
                else:
                    self._write_file(
                        f"{folder}/{PART_PREFIX}{len(files):05d}.parquet",
                        _to_parquet(rest, spec.sort_by, _row_group(table)),
                    )
                written += rest.num_rows
            return written

    def _rewrite(self, table: str, path: str, add: pa.Table, drop: pa.Array | None) -> None:
        """Replace one file by its rows minus the `drop` keys plus `add`, in one step."""
        spec = TABLES[table]
        schema = arrow_schema(table)
        if self.fs.size(path) <= STREAM_ABOVE_BYTES:
            old = self._read_file(path).select(schema.names).cast(schema)
            if drop is not None:
                old = old.filter(pc.invert(pc.is_in(_key_column(old, spec.key), value_set=drop)))
            merged = pa.concat_tables([old, add])
            if spec.sort_by:
                merged = merged.sort_by([(c, "ascending") for c in spec.sort_by])
            self._write_file(path, _to_parquet(merged, spec.sort_by, _row_group(table)))
            return
        # a large file streams: row group by row group, the new rows as the last groups
        sink = pa.BufferOutputStream()
        with self.fs.open(path, "rb") as fh:
            source = pq.ParquetFile(fh)
            writer = pq.ParquetWriter(
                sink, schema, compression="zstd", compression_level=6, write_statistics=True
            )
            for i in range(source.num_row_groups):
                group = source.read_row_group(i).select(schema.names).cast(schema)
                if drop is not None:
                    group = group.filter(
                        pc.invert(pc.is_in(_key_column(group, spec.key), value_set=drop))
                    )
                writer.write_table(group, row_group_size=_row_group(table))
            writer.write_table(add, row_group_size=_row_group(table))
            writer.close()
        self._write_file(path, bytes(sink.getvalue()))

    def write(self, table: str, rows: pa.Table) -> dict[str, int]:
        """Merge rows (partition column included) into the lake, partition by partition."""
        if rows.num_rows == 0:
            return {}
        out = {}
        dates = pc.unique(rows.column(PARTITION_COLUMN)).to_pylist()
        for date in sorted(dates):
            part = rows.filter(pc.equal(rows.column(PARTITION_COLUMN), date)).drop_columns(
                [PARTITION_COLUMN]
            )
            out[date] = self.merge_partition(table, date, part)
        return out

    def write_state(self, name: str, data: bytes) -> None:
        """A small state file under `_state/` (backfill markers), written in one step."""
        path = f"{self.base}/_state/{name}"
        if self.local:
            self._write_file(path, data)
        else:
            self.fs.pipe_file(path, data)

    def read_state(self, name: str) -> bytes | None:
        """A state file's bytes, or None when absent."""
        path = f"{self.base}/_state/{name}"
        try:
            data: bytes = self.fs.cat_file(path)
        except FileNotFoundError:
            return None
        return data

    def delete_rows(self, table: str, date: str, column: str, values: Sequence[str]) -> int:
        """Remove rows whose column is in values from one partition (for reprocessing)."""
        spec = TABLES[table]
        gone = pa.array(list(values), pa.string())
        removed = 0
        with self.lock(table, date):
            for path in self.files(table, date):
                old = self._read_file(path)
                mask = pc.invert(pc.is_in(old.column(column), value_set=gone))
                kept = old.filter(mask)
                if kept.num_rows == old.num_rows:
                    continue
                removed += old.num_rows - kept.num_rows
                if kept.num_rows:
                    self._write_file(path, _to_parquet(kept, spec.sort_by, _row_group(table)))
                else:
                    self.fs.rm_file(path)
        return removed


def _key_column(table: pa.Table, key: Sequence[str]) -> pa.Array:
    if len(key) == 1:
        return table.column(key[0]).combine_chunks()
    parts = [pc.cast(table.column(k), pa.string()) for k in key]
    return pc.binary_join_element_wise(*parts, "\x1f").combine_chunks()


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
    fs: Any, path: str, timeout: float = LOCK_TIMEOUT_S, stale_after: float = 600.0
) -> Iterator[None]:
    """A lock object on a store without file locks: create-if-absent, then check we own it."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + timeout
    while True:
        try:
            if not fs.exists(path):
                fs.pipe_file(path, token.encode())
                time.sleep(0.05)
                if fs.cat_file(path).decode() == token:
                    break
            else:
                info = fs.info(path)
                modified = info.get("LastModified") or info.get("mtime")
                if (
                    isinstance(modified, dt.datetime)
                    and (dt.datetime.now(dt.UTC) - modified).total_seconds() > stale_after
                ):
                    fs.rm_file(path)
                    continue
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            raise LakeError(f"{path}: lock not acquired in {timeout:.0f} s")
        time.sleep(0.1)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            fs.rm_file(path)
