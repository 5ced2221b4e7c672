"""What every flow run shares: settings in, a run id and day, the batch context, the record out."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.gate import Gate
from flows.adapters.lake import Lake
from flows.adapters.sources import WEB_KINDS, documents
from flows.adapters.web import FetchHistory
from flows.engine import progress, tasks
from flows.engine.ledger import (
    PIPELINE_VERSION,
    RunSummary,
    current_run_id,
    decide_status,
    now_utc,
    record_run,
)
from flows.engine.pipeline import BatchContext, Counts, KnownArticles, process
from flows.engine.report import publish_report
from flows.engine.settings import Settings, SourceConfig, load_settings
from flows.engine.workers import NlpRuntime
from transforms.checks import source_anomalies
from transforms.dates import run_day
from transforms.records import Failure, RawDoc
from transforms.report import run_markdown
from transforms.schemas import to_arrow
from transforms.tables import RunInfo

log = logging.getLogger("newslake")


class RunFailedError(RuntimeError):
    """The run finished but failed validation; the lake holds what passed."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__(summary.message)
        self.summary = summary


def settings_for(
    config: str | None,
    lake: str | None = None,
    workers: int | None = None,
    inputs: list[str] | None = None,
) -> Settings:
    """Settings from the config file and flow parameters; `inputs` replace the sources."""
    settings = load_settings(config, lake=lake, workers=workers)
    if inputs:
        settings = settings.model_copy(update={"sources": [source_for_path(p) for p in inputs]})
    return settings


def source_for_path(path: str) -> SourceConfig:
    """An ad-hoc source for a local folder, JSONL file or WARC archive (path or URL)."""
    name = Path(path.rstrip("/")).name.split(".")[0] or "input"
    if path.lower().endswith(WARC_SUFFIXES) or _holds_warcs(path):
        return SourceConfig(name=name, kind="warc", path=path)
    local = path if "://" in path else str(Path(path).resolve())
    return SourceConfig(name=name, kind="folder", path=local)


WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz")


def _holds_warcs(path: str) -> bool:
    import fsspec

    fs, base = fsspec.core.url_to_fs(path)
    try:
        return bool(fs.isdir(base)) and any(
            f.endswith(WARC_SUFFIXES) for f in fs.ls(base, detail=False)
        )
    except OSError:
        return False


def select_sources(settings: Settings, names: list[str] | None) -> list[SourceConfig]:
    """The enabled sources, or the named ones (ValueError names unknown ones)."""
    if names:
        unknown = set(names) - {s.name for s in settings.sources}
        if unknown:
            raise ValueError(f"unknown source(s): {', '.join(sorted(unknown))}")
    return [s for s in settings.sources if s.enabled and (not names or s.name in names)]


def open_lake(settings: Settings) -> Lake:
    """The lake of the settings (local path or fsspec URL)."""
    return Lake(settings.lake, settings.storage_options)


def new_run(settings: Settings, run_date: str | None) -> RunInfo:
    """The run's id, day and start time (the clock is read here, once)."""
    started = now_utc()
    return RunInfo(
        current_run_id(), run_day(run_date, settings.timezone, started), started, PIPELINE_VERSION
    )


@contextlib.contextmanager
def batch_context(
    settings: Settings, lake: Lake, run: RunInfo, force: bool = False
) -> Iterator[BatchContext]:
    """Workers, the gate and what the lake already holds, for one run."""
    with NlpRuntime(settings.model, settings.process_count(), settings.nlp_batch_size) as runtime:
        yield BatchContext(lake, runtime, Gate(), run, KnownArticles.load(lake), force=force)


def process_items(
    ctx: BatchContext, items: Iterable[RawDoc | Failure], settings: Settings, as_tasks: bool = True
) -> Counts:
    """The batch pipeline over a stream, reporting progress; each batch step a Prefect task run
    (or inline, inside a task that already runs on a worker)."""
    submit = tasks.submit if as_tasks else None
    return process(ctx, progress.counting(items), settings.batch_size, ctx.run.started_at, submit)


def read_sources(
    settings: Settings, lake: Lake, ctx: BatchContext, sources: list[SourceConfig]
) -> Counts:
    """Every selected source through the pipeline; adapter counts land on the run day."""
    counts = Counts()
    run = ctx.run
    history = FetchHistory.load(lake) if any(s.kind in WEB_KINDS for s in sources) else None
    for source in sources:
        log.info("source %s (%s)", source.name, source.kind)
        found: Counter[str] = Counter()
        items = documents(
            source, settings, run, lake, ctx.known.urls, history, found, run.started_at
        )
        counts.merge(process_items(ctx, items, settings))
        for what, n in found.items():
            counts.bump(source.name, run.run_date.isoformat(), what, n)
    return counts


def finish(
    flow_name: str,
    settings: Settings,
    lake: Lake,
    run: RunInfo,
    counts: Counts,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    """Record the run (runs, coverage), publish the artifact, fail the flow if it failed."""
    anomalies = check_anomalies(settings, lake, run, counts)
    status, message = decide_status(counts, settings.validation.max_quarantine_rate)
    if anomalies and status == "completed":
        if settings.validation.anomaly_action == "fail":
            status, message = "failed", "anomalies: " + "; ".join(anomalies)
        else:
            message += "; warnings: " + "; ".join(anomalies)
    summary = record_run(
        lake, run, flow_name, parameters, counts, status, message, settings.model, now_utc()
    )
    docs = publish_report(settings, lake, run, counts, summary)
    publish_artifact(summary, docs)
    if summary.status == "failed":
        raise RunFailedError(summary)
    return summary.as_dict()


def source_history(lake: Lake, run: RunInfo, window: int) -> dict[str, list[int]]:
    """Documents fetched per source in its last `window` runs before this one, newest first."""
    since = (run.run_date - dt.timedelta(days=max(90, 7 * window))).isoformat()
    cov = lake.read_arrow(
        "coverage", start=since, columns=["source", "run_id", "fetched"]
    ).to_pylist()
    runs = lake.read_arrow("runs", start=since, columns=["run_id", "started_at"]).to_pylist()
    started = {r["run_id"]: r["started_at"] for r in runs if r["run_id"] != run.run_id}
    per: dict[str, dict[str, int]] = {}
    for row in cov:
        if row["run_id"] in started:
            per.setdefault(row["source"], Counter())[row["run_id"]] += row["fetched"]
    return {
        src: [n for rid, n in sorted(by_run.items(), key=lambda kv: started[kv[0]], reverse=True)][
            :window
        ]
        for src, by_run in per.items()
    }


def check_anomalies(settings: Settings, lake: Lake, run: RunInfo, counts: Counts) -> list[str]:
    """Volume, empty-source and quarantine-rate checks per source (the `anomalies` suite);
    results go to the validations table; returns what failed, in words."""
    current = {
        src: dict(c) for src, c in counts.per_source.items() if c.get("fetched") or c.get("failed")
    }
    if not current:
        return []
    v = settings.validation
    rows = source_anomalies(
        current, source_history(lake, run, v.anomaly_window), v.volume_drop, v.max_quarantine_rate
    )
    result = Gate(["anomalies"]).validate("anomalies", pd.DataFrame(rows))
    now = now_utc()
    records = [o.row(run.run_id, "anomalies", "run", now) for o in result.outcomes]
    lake.write("validations", to_arrow("validations", records))
    problems = []
    for i, failed in sorted(result.rejected.items()):
        row = rows[i]
        for name in failed:
            check = name.split("(")[-1].rstrip(")").strip("_").removesuffix("_ok")
            problems.append(
                f"{row['source']}: {check} (fetched {row['fetched']}, median of the last "
                f"{row['previous_runs']} runs {row['previous_median']}, "
                f"quarantined {row['quarantine_rate']:.0%})"
            )
    return problems


def publish_artifact(summary: RunSummary, docs: str | None = None) -> None:
    """A markdown artifact on the flow run (skipped outside a Prefect run)."""
    try:
        from prefect.artifacts import create_markdown_artifact
        from prefect.context import FlowRunContext

        if FlowRunContext.get() is None:
            return
        create_markdown_artifact(
            markdown=run_markdown(summary.as_dict(), docs),
            key=f"newslake-{summary.flow}",
            description=f"newslake {summary.flow} {summary.run_date}",
        )
    except Exception as exc:  # the report is a courtesy; never fail a written run over it
        log.warning("could not publish the run artifact: %s", exc)
