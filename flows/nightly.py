"""The nightly flow: pull the configured sources for one day, append what is new to the lake."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.engine.flowrun import (
    RunFailedError,
    batch_context,
    finish,
    new_run,
    open_lake,
    read_sources,
    recorded_run,
    select_sources,
    settings_for,
)

__all__ = ["RunFailedError", "nightly"]


@flow(name="nightly", log_prints=True)
def nightly(
    run_date: str | None = None,
    sources: list[str] | None = None,
    config: str | None = None,
    lake: str | None = None,
    workers: int | None = None,
    inputs: list[str] | None = None,
) -> dict[str, Any]:
    """Pull the configured sources for one day and append what is new to the lake.

    The day is resolved once, here (default: today in the configured timezone).
    `inputs` replaces the configured sources by local folders, files or WARC archives.
    """
    settings = settings_for(config, lake, workers, inputs)
    selected = select_sources(settings, sources)
    run = new_run(settings, run_date)
    store = open_lake(settings)
    params = {
        "run_date": run_date,
        "sources": sources,
        "config": config,
        "lake": settings.lake,
        "inputs": inputs,
    }
    with recorded_run("nightly", settings, store, run, params) as counts:
        with batch_context(settings, store, run, counts) as ctx:
            read_sources(settings, store, ctx, selected, counts)
        return finish("nightly", settings, store, run, counts, params)
