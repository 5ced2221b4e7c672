"""The only storage code: partition paths, merge on key, atomic replace, locks, reading.

Layout: `<root>/<table>/date=YYYY-MM-DD/part-0.parquet`, one file per
partition. A write reads the partition, merges the new rows on the table's
key, and replaces the file in one step (a rename on local disks, a single PUT
on object stores), so a reader sees the old file or the new one, never half a
write, and a crash leaves the previous state intact. Writers of the same
partition take a lock, so two backfills of one day cannot lose each other's rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from transforms.schemas import PARTITION_COLUMN, TABLES, arrow_schema

PART_FILE = "part-0.parquet"
ROW_GROUP_SIZE = 64 * 1024
TEXT_ROW_GROUP = 2048
# partitions up to this size are merged in memory and fully sorted; larger ones stream
STREAM_ABOVE_BYTES = 32 * 1024 * 1024
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
            if name.startswith(prefix) and self.fs.exists(f"{entry.rstrip('/')}/{PART_FILE}"):
                out.append(name[len(prefix) :])
        return sorted(out)

    # -- reading ------------------------------------------------------------
    def read_partition(
        self, table: str, date: str, columns: Sequence[str] | None = None
    ) -> pa.Table | None:
        """One partition as Arrow (without the partition column), or None if absent."""
        path = f"{self.partition_path(table, date)}/{PART_FILE}"
        if not self.fs.exists(path):
            return None
        with self.fs.open(path, "rb") as fh:
            return pq.read_table(fh, columns=list(columns) if columns else None, schema=None)

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
            tmp = target.parent / f".{PART_FILE}.{uuid.uuid4().hex}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(target)  # atomic rename on POSIX
        else:
            # one PUT: object stores replace an object whole or not at all
            self.fs.pipe_file(path, data)

    def merge_partition(self, table: str, date: str, new: pa.Table) -> int:
        """Merge rows (without partition column) into a partition; returns rows in it after.

        A small partition is read, merged, sorted and rewritten; a large one is streamed
        row group by row group (rows whose key is replaced are dropped) with the new,
        sorted rows appended as further row groups, so memory stays bounded by a row
        group however large a day grows.
        """
        spec = TABLES[table]
        schema = arrow_schema(table)
        new = new.select(schema.names).cast(schema)
        if spec.sort_by:
            new = new.sort_by([(c, "ascending") for c in spec.sort_by])
        path = f"{self.partition_path(table, date)}/{PART_FILE}"
        with self.lock(table, date):
            size = self.fs.size(path) if self.fs.exists(path) else 0
            if size <= STREAM_ABOVE_BYTES:
                old = self.read_partition(table, date)
                merged = (
                    _merge(old, new, spec.key, spec.keep_existing, schema)
                    if old is not None
                    else new
                )
                if spec.sort_by:
                    merged = merged.sort_by([(c, "ascending") for c in spec.sort_by])
                self._write_file(path, _to_parquet(merged, spec.sort_by, _row_group(table)))
                return merged.num_rows
            return self._stream_merge(table, path, new)

    def _stream_merge(self, table: str, path: str, new: pa.Table) -> int:
        spec = TABLES[table]
        schema = arrow_schema(table)
        sink = pa.BufferOutputStream()
        rows = 0
        with self.fs.open(path, "rb") as fh:
            source = pq.ParquetFile(fh)
            old_keys = _key_column(source.read(columns=list(spec.key)), spec.key)
            new_keys = _key_column(new, spec.key)
            if spec.keep_existing:
                new = new.filter(pc.invert(pc.is_in(new_keys, value_set=old_keys)))
            writer = pq.ParquetWriter(
                sink, schema, compression="zstd", compression_level=6, write_statistics=True
            )
            for i in range(source.num_row_groups):
                group = source.read_row_group(i).select(schema.names).cast(schema)
                if not spec.keep_existing:
                    keep = pc.invert(pc.is_in(_key_column(group, spec.key), value_set=new_keys))
                    group = group.filter(keep)
                writer.write_table(group, row_group_size=_row_group(table))
                rows += group.num_rows
            writer.write_table(new, row_group_size=_row_group(table))
            writer.close()
        self._write_file(path, bytes(sink.getvalue()))
        return rows + new.num_rows

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
        with self.lock(table, date):
            old = self.read_partition(table, date)
            if old is None:
                return 0
            mask = pc.invert(
                pc.is_in(old.column(column), value_set=pa.array(list(values), pa.string()))
            )
            kept = old.filter(mask)
            removed = old.num_rows - kept.num_rows
            if removed:
                self._write_file(
                    f"{self.partition_path(table, date)}/{PART_FILE}",
                    _to_parquet(kept, spec.sort_by),
                )
            return removed


def _merge(
    old: pa.Table, new: pa.Table, key: Sequence[str], keep_existing: bool, schema: pa.Schema
) -> pa.Table:
    old = old.select(schema.names).cast(schema)
    new_keys = _key_column(new, key)
    old_keys = _key_column(old, key)
    if keep_existing:
        fresh = new.filter(pc.invert(pc.is_in(new_keys, value_set=old_keys)))
        return pa.concat_tables([old, fresh])
    kept = old.filter(pc.invert(pc.is_in(old_keys, value_set=new_keys)))
    return pa.concat_tables([kept, new])


def _key_column(table: pa.Table, key: Sequence[str]) -> pa.Array:
    if len(key) == 1:
        return table.column(key[0]).combine_chunks()
    parts = [pc.cast(table.column(k), pa.string()) for k in key]
    return pc.binary_join_element_wise(*parts, "\x1f").combine_chunks()


def _row_group(table: str) -> int:
    # text-heavy tables get smaller row groups, so reading one stays cheap
    return TEXT_ROW_GROUP if table in ("articles", "raw") else ROW_GROUP_SIZE


def _to_parquet(table: pa.Table, sort_by: Sequence[str], row_group_size: int = 64 * 1024) -> bytes:
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


def read_table(
    table: str,
    start: str | None = None,
    end: str | None = None,
    columns: Sequence[str] | None = None,
    root: str = "data/lake",
) -> pd.DataFrame:
    """Analyst helper: `read_table("quotes", start="2025-09-01", end="2025-09-30")` -> pandas."""
    return Lake(root).read_table(table, start, end, columns)
