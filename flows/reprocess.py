"""Reprocess: rebuild the derived rows of a date range from the stored `raw` table (no network).

After a model or rule upgrade, every stored document in the range goes through
extraction and NLP again; article ids and partitions stay, the derived rows are
replaced.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from prefect import flow

from flows.adapters.lake import Lake
from flows.engine.flowrun import (
    batch_context,
    finish,
    new_run,
    open_lake,
    process_items,
    settings_for,
)
from transforms.dates import parse_datetime
from transforms.records import Hints, RawDoc
from transforms.tables import decompress


def raw_documents(lake: Lake, start: str, end: str) -> Iterator[RawDoc]:
    """Stored documents between two dates, partition by partition (bounded memory)."""
    for date in lake.partitions("raw"):
        if not (start <= date <= end):
            continue
        for batch in lake.iter_partition("raw", date):
            yield from _raw_rows(batch.to_pylist())


def _raw_rows(rows: list[dict[str, Any]]) -> Iterator[RawDoc]:
    """RawDocs of stored raw rows."""
    for row in rows:
        hints = json.loads(row["hints"] or "{}")
        yield RawDoc(
            source=row["source"],
            origin=row["origin"],
            body=decompress(row["body"]),
            content_type=row["content_type"],
            fetched_at=row["fetched_at"],
            url=row["url"],
            final_url=row["final_url"],
            declared_encoding=row["encoding"],
            http_status=row["http_status"],
            hints=Hints(
                title=hints.get("title"),
                published=parse_datetime(hints.get("published")),
                authors=tuple(hints.get("authors") or ()),
                language=hints.get("language"),
                publisher=hints.get("publisher"),
                date_source=hints.get("date_source") or "feed",
                weak_date=bool(hints.get("weak_date")),
            ),
            warc_file=row["warc_file"],
            warc_offset=row["warc_offset"],
            article_id=row["article_id"],
        )


@flow(name="reprocess", log_prints=True)
def reprocess(
    start: dt.date,
    end: dt.date,
    config: str | None = None,
    lake: str | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Re-run extraction and NLP from the stored `raw` table (no network) and replace the
    derived rows of every article in the range: after a model or rule upgrade."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    settings = settings_for(config, lake, workers)
    run = new_run(settings, end.isoformat())
    store = open_lake(settings)
    params = {"start": start, "end": end, "lake": settings.lake}
    with batch_context(settings, store, run, force=True) as ctx:
        ctx.keep_raw = True
        counts = process_items(
            ctx, raw_documents(store, start.isoformat(), end.isoformat()), settings
        )
    return finish("reprocess", settings, store, run, counts, params)
