"""Reprocess: rebuild the derived rows of a date range from the stored `raw` table (no network).

After a model or rule upgrade, every stored document in the range goes through
extraction and NLP again; article ids and partitions stay, the derived rows are
replaced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow

from flows.engine.flowrun import (
    batch_context,
    finish,
    new_run,
    open_lake,
    process_items,
    recorded_run,
    settings_for,
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
    with recorded_run("reprocess", settings, store, run, params) as counts:
        with batch_context(settings, store, run, counts, force=True, keep_raw=True) as ctx:
            docs = store.raw_documents(start.isoformat(), end.isoformat())
            process_items(ctx, docs, settings, counts)
        return finish("reprocess", settings, store, run, counts, params)
