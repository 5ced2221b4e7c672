"""Backfill and reprocess: replay archives over a date range, rebuild derived rows from `raw`.

A backfill is split into units (one per archive file, one per other source),
each streamed through the batch pipeline. A unit that finished leaves a marker
in the lake (`_state/backfill/`) with a fingerprint of its input; a later
backfill over the same range skips it while the input is unchanged, so an
interrupted backfill, run again, redoes only what did not finish. Re-running a
finished unit with `force=True` rewrites the same rows (merges are on keys).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fsspec
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.adapters.lake import Lake
from flows.adapters.local import list_files
from flows.adapters.sources import documents
from flows.adapters.warc import read_warc
from flows.adapters.web import FetchHistory
from flows.engine import progress
from flows.engine.flowrun import (
    batch_context,
    document_count,
    finish,
    new_run,
    open_lake,
    process_items,
    recorded_run,
    select_sources,
    settings_for,
)
from flows.engine.ledger import note_adapter_skips
from flows.engine.pipeline import BatchContext, Counts
from flows.engine.settings import Settings, SourceConfig
from transforms.records import Failure, RawDoc
from transforms.tables import RunInfo

log = logging.getLogger("newslake.backfill")
FILES_PER_UNIT = 50


@dataclass(frozen=True)
class Unit:
    """A piece of a backfill that is done or not done as a whole."""

    key: str
    source: SourceConfig
    fingerprint: str | None  # None: cannot tell if the input changed (web sources): always run


def _warc_files(path: str) -> list[str]:
    fs, base = fsspec.core.url_to_fs(path)
    if fs.isdir(base):
        found = sorted(f for f in fs.find(base) if f.endswith((".warc", ".warc.gz", ".arc.gz")))
        protocol = path.split("://", 1)[0] + "://" if "://" in path else ""
        return [protocol + f if protocol and not f.startswith(protocol) else f for f in found]
    return [path]


def _fingerprint(parts: list[Any]) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:16]


def plan_units(
    sources: list[SourceConfig], start: dt.date, end: dt.date, pipeline: str
) -> list[Unit]:
    """The units of a backfill, each with a fingerprint of its input and the range."""
    units = []
    for s in sources:
        if s.kind == "warc":
            assert s.path is not None
            for path in _warc_files(s.path):
                fs, p = fsspec.core.url_to_fs(path)
                info = fs.info(p)
                stamp = info.get("ETag") or info.get("mtime") or info.get("LastModified")
                fp = _fingerprint([path, info.get("size"), stamp, start, end, pipeline])
                one = s.model_copy(update={"path": path})
                units.append(Unit(f"warc:{path}:{start}:{end}", one, fp))
        elif s.kind in ("folder", "jsonl"):
            assert s.path is not None
            root = Path(s.path)
            base = root if root.is_dir() else root.parent
            files = list_files(root)
            # files in groups, so units can run side by side (on Dask workers)
            for n in range(0, len(files), FILES_PER_UNIT):
                group = files[n : n + FILES_PER_UNIT]
                listing = [
                    (str(f.relative_to(base)), f.stat().st_size, f.stat().st_mtime) for f in group
                ]
                one = s.model_copy(update={"include": [name for name, _, _ in listing]})
                key = f"{s.kind}:{s.name}:{listing[0][0]}:{start}:{end}"
                units.append(Unit(key, one, _fingerprint([listing, start, end, pipeline])))
        else:
            units.append(Unit(f"{s.kind}:{s.name}:{start}:{end}", s, None))
    return units


def _marker(unit: Unit) -> str:
    return f"backfill/{hashlib.sha256(unit.key.encode()).hexdigest()[:24]}.json"


def is_done(lake: Lake, unit: Unit) -> bool:
    """A marker with the same fingerprint says the unit finished on unchanged input."""
    if unit.fingerprint is None:
        return False
    data = lake.read_state(_marker(unit))
    if data is None:
        return False
    try:
        marker = json.loads(data)
    except ValueError:
        return False
    return bool(marker.get("fingerprint") == unit.fingerprint)


def mark_done(lake: Lake, unit: Unit, run: RunInfo, counts: Counts) -> None:
    """Leave the marker of a finished unit."""
    marker = {
        "key": unit.key,
        "fingerprint": unit.fingerprint,
        "run_id": run.run_id,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "written": dict(counts.written),
    }
    lake.write_state(_marker(unit), json.dumps(marker).encode())


def unit_documents(
    unit: Unit,
    settings: Settings,
    lake: Lake,
    ctx: BatchContext,
    start: dt.date,
    end: dt.date,
    found: Counter[str],
) -> Iterator[RawDoc | Failure]:
    """The documents of a unit; WARC records outside the range are not even read."""
    if unit.source.kind == "warc":
        assert unit.source.path is not None
        yield from read_warc(unit.source.name, unit.source.path, found, start, end)
        return
    history = FetchHistory.load(lake) if unit.source.kind in ("rss", "sitemap", "urls") else None
    yield from documents(
        unit.source, settings, ctx.run, lake, ctx.known.urls, history, found, ctx.run.started_at
    )


def run_unit(
    unit: Unit,
    settings: Settings,
    lake: Lake,
    ctx: BatchContext,
    start: dt.date,
    end: dt.date,
    run_counts: Counts,
    as_tasks: bool = True,
) -> Counts:
    """One unit through the pipeline into the run's counts; its marker is left only if
    nothing failed validation. Returns the unit's own counts."""
    found: Counter[str] = Counter()
    items = unit_documents(unit, settings, lake, ctx, start, end, found)
    # WARC records are filtered by capture date as they are read; other inputs by article date
    in_range = None if unit.source.kind == "warc" else (start.isoformat(), end.isoformat())
    options = dataclasses.replace(ctx.options, date_range=in_range)
    counts = process_items(ctx, items, settings, run_counts, as_tasks, options)
    day = ctx.run.run_date.isoformat()
    note_adapter_skips(counts, unit.source.kind, found)
    note_adapter_skips(run_counts, unit.source.kind, found)
    for what, n in found.items():
        counts.bump(unit.source.name, day, what, n)
        run_counts.bump(unit.source.name, day, what, n)
    if not counts.batch_failures:
        mark_done(lake, unit, ctx.run, counts)
    progress.advance("units")
    return counts


@task(name="backfill-unit", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def unit_task(
    unit: dict[str, Any],
    settings: dict[str, Any],
    run: dict[str, Any],
    start: dt.date,
    end: dt.date,
) -> Counts:
    """A unit on a (Dask) worker, inline: the worker process loads the model once and keeps it."""
    s = Settings.model_validate(settings).model_copy(update={"workers": 1})
    u = Unit(unit["key"], SourceConfig.model_validate(unit["source"]), unit["fingerprint"])
    info = RunInfo(
        run["run_id"],
        dt.date.fromisoformat(run["run_date"]),
        dt.datetime.fromisoformat(run["started_at"]),
        run["pipeline_version"],
    )
    lake = open_lake(s)
    counts = Counts()
    with batch_context(s, lake, info, counts, repair=False) as ctx:  # the flow repaired
        run_unit(u, s, lake, ctx, start, end, counts, as_tasks=False)
    return counts


@flow(name="backfill-units")
def backfill_units(
    units: list[dict[str, Any]],
    settings: dict[str, Any],
    run: dict[str, Any],
    start: dt.date,
    end: dt.date,
) -> Counts:
    """Units as tasks of this flow's task runner (Dask when configured); plain JSON parameters."""
    futures = [unit_task.submit(u, settings, run, start, end) for u in units]
    total = Counts()
    for f in futures:
        total.merge(f.result())
    return total


def dask_runner(settings: Settings) -> Any:
    """A Dask task runner: a running scheduler, or a local cluster of `dask_workers` processes."""
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": settings.dask_workers,
            "threads_per_worker": 1,
            "processes": True,
        }
    )


@flow(name="backfill", log_prints=True)
def backfill(
    start: dt.date,
    end: dt.date,
    sources: list[str] | None = None,
    archives: list[str] | None = None,
    config: str | None = None,
    lake: str | None = None,
    workers: int | None = None,
    force: bool = False,
    task_runner: str | None = None,
) -> dict[str, Any]:
    """Replay sources or archives (WARC files, folders) between two dates, resumably.

    Units that finished on unchanged input are skipped unless `force`; memory is
    bounded by the batch size, whatever the range.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    settings = settings_for(config, lake, workers, archives)
    if task_runner:
        settings = settings.model_copy(update={"task_runner": task_runner})
    run = new_run(settings, end.isoformat())
    store = open_lake(settings)
    units = plan_units(
        select_sources(settings, sources if not archives else None),
        start,
        end,
        run.pipeline_version,
    )
    todo = [u for u in units if force or not is_done(store, u)]
    log.info("backfill %s..%s: %d units, %d to do", start, end, len(units), len(todo))
    progress.total("units", len(todo))
    sizes = [document_count(u.source) for u in todo]
    if sizes and None not in sizes:
        progress.total("documents", sum(n for n in sizes if n is not None))
    params = {
        "start": start,
        "end": end,
        "sources": sources,
        "archives": archives,
        "lake": settings.lake,
        "force": force,
    }
    with recorded_run("backfill", settings, store, run, params) as counts:
        skipped = len(units) - len(todo)
        counts.bump("backfill", run.run_date.isoformat(), "units_skipped", skipped)
        counts.skipped_why["units_unchanged"] += skipped
        if settings.task_runner == "dask" and todo:
            # the lake is made whole here, once; the units on the cluster only write
            with batch_context(settings.model_copy(update={"workers": 1}), store, run, counts):
                pass
            units_json = [
                {"key": u.key, "source": u.source.model_dump(), "fingerprint": u.fingerprint}
                for u in todo
            ]
            run_json = {
                "run_id": run.run_id,
                "run_date": run.run_date.isoformat(),
                "started_at": run.started_at.isoformat(),
                "pipeline_version": run.pipeline_version,
            }
            on_dask = backfill_units.with_options(task_runner=dask_runner(settings))
            counts.merge(on_dask(units_json, settings.model_dump(), run_json, start, end))
        else:
            with batch_context(settings, store, run, counts, force=force) as ctx:
                for unit in todo:
                    run_unit(unit, settings, store, ctx, start, end, counts)
        return finish("backfill", settings, store, run, counts, params)
