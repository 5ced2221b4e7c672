"""What every flow run shares: settings in, a run id and day, the batch context, the record out."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.gate import Gate
from flows.adapters.journal import Journal
from flows.adapters.lake import Lake
from flows.adapters.local import list_files
from flows.adapters.sources import WEB_KINDS, documents
from flows.adapters.web import FetchHistory, WebSession
from flows.engine import progress, tasks
from flows.engine.ledger import (
    PIPELINE_VERSION,
    RunSummary,
    current_run_id,
    decide_status,
    note_adapter_skips,
    now_utc,
    record_run,
)
from flows.engine.pipeline import BatchContext, BatchOptions, Counts, load_known, process
from flows.engine.report import publish_report
from flows.engine.settings import Settings, SourceConfig, load_settings
from flows.engine.timings import mark
from flows.engine.validate import REPAIR_STATE, repair
from flows.engine.workers import NlpRuntime
from transforms.checks import source_anomalies
from transforms.dates import run_day
from transforms.integrity import RepairPlan
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
def recorded_run(
    flow_name: str, settings: Settings, lake: Lake, run: RunInfo, parameters: dict[str, Any]
) -> Iterator[Counts]:
    """The run's counts, filled as batches commit. If the run raises (or is stopped), its
    `runs` row is written anyway, with status `failed`, the error and what it had done."""
    counts = Counts()
    try:
        yield counts
    except RunFailedError:
        raise  # `finish` recorded it
    except BaseException as exc:
        signum = getattr(exc, "signal", None)  # Prefect's TerminationSignal on SIGTERM
        if isinstance(signum, int):
            message = f"stopped by signal {signum}"
        else:
            message = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        try:
            record_run(
                lake,
                run,
                flow_name,
                parameters,
                counts,
                "failed",
                message,
                settings.language_models(),
                now_utc(),
            )
        except Exception as record_exc:  # the lake itself may be what failed
            log.error("could not record the failed run %s: %s", run.run_id, record_exc)
        raise


@contextlib.contextmanager
def batch_context(
    settings: Settings,
    lake: Lake,
    run: RunInfo,
    counts: Counts,
    force: bool = False,
    keep_raw: bool = False,
    repair: bool = True,
) -> Iterator[BatchContext]:
    """Workers, the gate and what the lake already holds, for one run.

    Before anything is read, the lake is made whole: batches a crash interrupted are
    finished or dropped (the journal), and what the integrity checks find broken is
    repaired: rebuilt from raw, read again, or removed (`transforms.integrity`).
    """
    mark("flow started")
    models = settings.language_models()
    with NlpRuntime(
        models, settings.process_count(), settings.nlp_batch_size, settings.nlp_matmul
    ) as runtime:
        plan = make_whole(lake, counts) if repair else RepairPlan()
        options = BatchOptions(force, keep_raw, max_chars=settings.nlp_max_chars)
        mark("lake made whole")
        ctx = BatchContext(lake, runtime, Gate(), run, load_known(lake, plan.reread), options)
        mark("gate ready")
        if plan.rebuild:
            rebuild = dataclasses.replace(options, force=True, keep_raw=True)
            docs = lake.raw_documents(article_ids=plan.rebuild)
            process_items(ctx, docs, settings, counts, options=rebuild)
            lake.delete_state(REPAIR_STATE)
        yield ctx


def make_whole(lake: Lake, counts: Counts) -> RepairPlan:
    """Finish or drop interrupted batches, clear dead temporaries, remove orphaned rows;
    the plan says what is left to rebuild from raw or read again."""
    recovery = Journal(lake).recover()
    if recovery:
        counts.notes.append(
            f"journal: {len(recovery.applied)} interrupted batch(es) completed, "
            f"{len(recovery.dropped)} uncommitted batch(es) dropped"
        )
    lake.sweep_temporaries()
    plan = repair(lake)
    if plan:
        log.warning("%s", plan.describe())
        counts.notes.append(plan.describe())
    return plan


def process_items(
    ctx: BatchContext,
    items: Iterable[RawDoc | Failure],
    settings: Settings,
    counts: Counts,
    as_tasks: bool = True,
    options: BatchOptions | None = None,
) -> Counts:
    """The batch pipeline over a stream, reporting progress; each batch step a Prefect task run
    (or inline, inside a task that already runs on a worker). Each committed batch's counts
    go into the run's `counts` at once; the return value is this stream's alone."""
    submit = tasks.submit if as_tasks else None
    return process(
        ctx,
        progress.counting(items),
        settings.batch_size,
        ctx.run.started_at,
        submit,
        options,
        on_batch=counts.merge,
    )


def read_sources(
    settings: Settings, lake: Lake, ctx: BatchContext, sources: list[SourceConfig], counts: Counts
) -> None:
    """Every selected source through the pipeline into the run's counts; adapter counts
    (discovered, skipped, ...) land on the run day, and a source whose feed or sitemap
    failed is named in `counts.source_errors`."""
    run = ctx.run
    web = [s for s in sources if s.kind in WEB_KINDS]
    history = FetchHistory.load(lake) if web else None
    sizes = [document_count(s) for s in sources]
    if sizes and None not in sizes:
        progress.total("documents", sum(n for n in sizes if n is not None))
    with contextlib.ExitStack() as stack:
        session = stack.enter_context(WebSession(settings.http)) if web else None
        for source in sources:
            log.info("source %s (%s)", source.name, source.kind)
            found: Counter[str] = Counter()
            errors: list[str] = []
            items = documents(
                source,
                settings,
                run,
                lake,
                ctx.known.urls,
                history,
                found,
                run.started_at,
                session,
                errors,
            )
            process_items(ctx, items, settings, counts)
            note_adapter_skips(counts, source.kind, found)
            for what, n in found.items():
                counts.bump(source.name, run.run_date.isoformat(), what, n)
            counts.source_errors += [f"source {source.name}: {e}" for e in errors]


def document_count(source: SourceConfig) -> int | None:
    """How many documents a local folder source holds, counted before it is read: its
    .txt and .html files and the lines of its JSONL files (a WARC's records and a feed's
    links are only known once read)."""
    if source.kind != "folder" or source.path is None or "://" in source.path:
        return None
    root = Path(source.path)
    try:
        base = root if root.is_dir() else root.parent
        files = [base / f for f in source.include] if source.include else list_files(root)
        total = 0
        for path in files:
            if path.name.endswith(".jsonl.gz"):
                return None
            if path.name.endswith(".jsonl"):
                with path.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            else:
                total += 1
    except OSError:
        return None
    return total


def finish(
    flow_name: str,
    settings: Settings,
    lake: Lake,
    run: RunInfo,
    counts: Counts,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    """Record the run (runs, coverage), publish the artifact, fail the flow if it failed."""
    # a reprocess reads the lake's own raw rows, not a source: there is no volume to watch
    mark("sources read")
    anomalies = [] if flow_name == "reprocess" else check_anomalies(settings, lake, run, counts)
    status, message = decide_status(counts, settings.validation.max_quarantine_rate)
    if anomalies and status != "failed":
        if settings.validation.anomaly_action == "fail":
            status, message = "failed", "anomalies: " + "; ".join(anomalies)
        else:
            message += "; warnings: " + "; ".join(anomalies)
    summary = record_run(
        lake,
        run,
        flow_name,
        parameters,
        counts,
        status,
        message,
        settings.language_models(),
        now_utc(),
    )
    mark("run recorded")
    docs = publish_report(settings, lake, run, counts, summary)
    mark("report written")
    publish_artifact(summary, docs)
    mark("artifact published")
    if summary.status == "failed":
        raise RunFailedError(summary)
    return summary.as_dict()


def source_history(lake: Lake, run: RunInfo, window: int) -> dict[str, list[int]]:
    """Documents each source offered (discovered: new or already known) in its last
    `window` runs before this one, newest first."""
    since = (run.run_date - dt.timedelta(days=max(90, 7 * window))).isoformat()
    cov = lake.read_arrow(
        "coverage", start=since, columns=["source", "run_id", "discovered"]
    ).to_pylist()
    runs = lake.read_arrow("runs", start=since, columns=["run_id", "started_at"]).to_pylist()
    started = {r["run_id"]: r["started_at"] for r in runs if r["run_id"] != run.run_id}
    per: dict[str, dict[str, int]] = {}
    for row in cov:
        if row["run_id"] in started:
            per.setdefault(row["source"], Counter())[row["run_id"]] += row["discovered"]
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
        src: dict(c)
        for src, c in counts.per_source.items()
        if c.get("discovered") or c.get("fetched") or c.get("failed")
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
                f"{row['source']}: {check} (offered {row['offered']}, median of the last "
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
