"""The nightly flow: read every configured source, write what is new to the lake."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from prefect import flow

from expectations.gate import Gate
from flows import tasks
from flows.lake import Lake
from flows.pipeline import BatchContext, Counts, KnownArticles, process
from flows.runs import (
    PIPELINE_VERSION,
    RunSummary,
    current_run_id,
    decide_status,
    now_utc,
    record_run,
)
from flows.settings import Settings, SourceConfig, load_settings
from flows.sources import WEB_KINDS, documents
from flows.web import FetchHistory
from flows.workers import NlpRuntime
from transforms.dates import run_day
from transforms.tables import RunInfo

log = logging.getLogger("newslake")


class RunFailedError(RuntimeError):
    """The run finished but failed validation; the lake holds what passed."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__(summary.message)
        self.summary = summary


def run_pipeline(
    flow_name: str,
    settings: Settings,
    run_date: str | None,
    source_names: list[str] | None,
    parameters: dict[str, Any],
) -> RunSummary:
    """Shared body of the flows that read sources: process, record, decide."""
    started = now_utc()
    day = run_day(run_date, settings.timezone, started)
    run = RunInfo(current_run_id(), day, started, PIPELINE_VERSION)
    lake = Lake(settings.lake)
    selected = [
        s for s in settings.sources if s.enabled and (not source_names or s.name in source_names)
    ]
    if source_names:
        unknown = set(source_names) - {s.name for s in settings.sources}
        if unknown:
            raise ValueError(f"unknown source(s): {', '.join(sorted(unknown))}")
    counts = Counts()
    history = FetchHistory.load(lake) if any(s.kind in WEB_KINDS for s in selected) else None
    with NlpRuntime(settings.model, settings.process_count(), settings.nlp_batch_size) as runtime:
        ctx = BatchContext(lake, runtime, Gate(), run, KnownArticles.load(lake))
        for source in selected:
            log.info("source %s (%s)", source.name, source.kind)
            found: Counter[str] = Counter()
            items = documents(source, settings, run, lake, ctx.known.urls, history, found, started)
            counts.merge(process(ctx, items, settings.batch_size, started, tasks.submit))
            counts.per_source[source.name].update(found)
    status, message = decide_status(counts, settings.validation.max_quarantine_rate)
    summary = record_run(
        lake, run, flow_name, parameters, counts, status, message, settings.model, now_utc()
    )
    return summary


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

    `inputs` replaces the configured sources by local folders or files.
    """
    settings = load_settings(config, lake=lake, workers=workers)
    if inputs:
        settings = settings.model_copy(
            update={
                "sources": [
                    SourceConfig(name=Path(p).stem, kind="folder", path=str(Path(p).resolve()))
                    for p in inputs
                ]
            }
        )
    params = {
        "run_date": run_date,
        "sources": sources,
        "config": config,
        "lake": settings.lake,
        "inputs": inputs,
    }
    summary = run_pipeline("nightly", settings, run_date, sources, params)
    if summary.status == "failed":
        raise RunFailedError(summary)
    return summary.as_dict()
