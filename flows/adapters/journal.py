"""The batch commit journal: a batch's rows in every table become durable before any of
its articles is visible.

A batch writes six tables, and no folder of Parquet files or object store can
replace six files in one step. The journal makes the batch behave as one step:

1. stage: each table's rows go to `_state/journal/<batch>/<table>.parquet`;
2. commit: `_state/journal/<batch>.json` is written, in one replace (or one PUT).
   From here on the batch is applied, whatever happens;
3. apply: the tables are merged into the lake, `articles` last, so an article is
   visible (and known to later runs, which skip it) only once its raw row,
   mentions and quotes are in;
4. clean: the commit record goes, then the staged files.

`recover()` runs before a run writes anything. A batch with a commit record whose
writer is gone is applied again from its staged rows: every merge is idempotent
(rows replace rows with their key, and an article's rows replace its rows), so
applying a batch twice gives the lake once. Staged files without a commit record
belong to a batch that never committed: they go, and since none of its articles
reached `articles`, the next run reads them again. A writer holds its batch's lock
from staging to cleaning, so recovery never touches a batch still being written;
on a local disk the kernel drops the lock of a killed process at once, on an
object store a live holder refreshes its lock object and recovery waits until the
lock is released or has not been refreshed for a minute (its writer is dead).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq

from flows.adapters.faults import crash_point
from flows.adapters.lake import STALE_LOCK_S, Lake
from transforms.schemas import arrow_schema

log = logging.getLogger("newslake.journal")

FOLDER = "journal"
# raw first, so an article never lacks its document; articles last: the commit marker
APPLY_ORDER = ("raw", "mentions", "quotes", "quarantine", "validations", "articles")


class JournalError(RuntimeError):
    """A committed batch cannot be applied; the message names it and what is missing."""


@dataclass
class BatchWrite:
    """Everything one batch writes: rows per table, and the articles whose rows it replaces."""

    batch_id: str
    tables: dict[str, pa.Table] = field(default_factory=dict)  # partition column included
    # table -> partition -> article ids whose stored rows the new ones replace as a whole
    replace: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def rows(self, table: str) -> int:
        """Rows of one table in the batch."""
        t = self.tables.get(table)
        return t.num_rows if t is not None else 0


@dataclass
class Recovery:
    """What `recover` found and did."""

    applied: list[str] = field(default_factory=list)  # committed batches applied again
    dropped: list[str] = field(default_factory=list)  # uncommitted batches removed
    busy: list[str] = field(default_factory=list)  # batches another writer still holds

    def __bool__(self) -> bool:
        return bool(self.applied or self.dropped)


class Journal:
    """Commits batches to a lake through the journal under its `_state/`."""

    def __init__(self, lake: Lake) -> None:
        self.lake = lake

    def commit(self, batch: BatchWrite) -> dict[str, int]:
        """Stage, commit, apply and clean one batch; rows written per table."""
        with self.lake.named_lock(_lock_name(batch.batch_id)):
            tables = [t for t in APPLY_ORDER if batch.rows(t) or batch.replace.get(t)]
            for table in tables:
                if batch.rows(table):
                    self.lake.write_state(_staged(batch.batch_id, table), _parquet(batch, table))
                crash_point(f"journal:staged:{table}")
            record = {
                "batch_id": batch.batch_id,
                "tables": tables,
                "rows": {t: batch.rows(t) for t in tables},
                "replace": batch.replace,
                "committed_at": dt.datetime.now(dt.UTC).isoformat(),
            }
            self.lake.write_state(_record(batch.batch_id), json.dumps(record).encode())
            crash_point("journal:committed")
            written = self._apply(batch.tables, batch.replace, tables)
            self._clean(batch.batch_id)
        self.lake.drop_lock(_lock_name(batch.batch_id))
        return written

    def _apply(
        self,
        tables: Mapping[str, pa.Table],
        replace: Mapping[str, Mapping[str, Sequence[str]]],
        order: Sequence[str],
    ) -> dict[str, int]:
        written: dict[str, int] = {}
        for table in order:
            rows = tables.get(table)
            if rows is None:
                rows = arrow_schema(table, with_partition=True).empty_table()
            counts = self.lake.write(table, rows, replace.get(table))
            written[table] = sum(counts.values())
            crash_point(f"journal:applied:{table}")
        return written

    def _clean(self, batch_id: str) -> None:
        self.lake.delete_state(_record(batch_id))
        crash_point("journal:cleaned")
        self.lake.delete_state(f"{FOLDER}/{batch_id}")

    def pending(self) -> list[str]:
        """Batches with a commit record or staged rows: interrupted (or still writing)."""
        names = self.lake.list_state(FOLDER)
        return sorted({n.removesuffix(".json") for n in names})

    def recover(self) -> Recovery:
        """Finish every committed batch whose writer is gone; drop uncommitted ones."""
        found = Recovery()
        # a held lock on a local disk is a live writer (the kernel frees a dead one's); on
        # an object store it may be a dead writer's, which goes stale: wait for either
        wait = not self.lake.local
        for batch_id in self.pending():
            lock = self.lake.named_lock(_lock_name(batch_id), wait, timeout=2 * STALE_LOCK_S)
            with lock as free:
                if not free:
                    found.busy.append(batch_id)
                    continue
                if self._recover_one(batch_id):
                    found.applied.append(batch_id)
                    log.warning(
                        "journal: batch %s was interrupted after its commit; applied", batch_id
                    )
                else:
                    found.dropped.append(batch_id)
                    log.warning("journal: batch %s never committed; its rows are dropped", batch_id)
            self.lake.drop_lock(_lock_name(batch_id))
        return found

    def _recover_one(self, batch_id: str) -> bool:
        """Apply a committed batch again (True), or remove an uncommitted one (False)."""
        data = self.lake.read_state(_record(batch_id))
        if data is None:
            self.lake.delete_state(f"{FOLDER}/{batch_id}")
            return False
        record = json.loads(data)
        tables = {}
        for table in record["tables"]:
            staged = self.lake.read_state(_staged(batch_id, table))
            if staged is not None:
                tables[table] = pq.read_table(io.BytesIO(staged))
            elif record["rows"].get(table):
                # without its rows, applying would delete what they replace
                raise JournalError(
                    f"journal batch {batch_id}: the staged {table} rows are missing "
                    f"from {self.lake.state_path(_staged(batch_id, table))}; "
                    "the batch cannot be applied and was left as it is"
                )
        self._apply(tables, record["replace"], record["tables"])
        self._clean(batch_id)
        return True


def _lock_name(batch_id: str) -> str:
    return f"_batch.{batch_id}"


def _record(batch_id: str) -> str:
    return f"{FOLDER}/{batch_id}.json"


def _staged(batch_id: str, table: str) -> str:
    return f"{FOLDER}/{batch_id}/{table}.parquet"


def _parquet(batch: BatchWrite, table: str) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(batch.tables[table], sink, compression="zstd")
    return bytes(sink.getvalue())
