"""The run report on disk: each run's page and the index of runs under the lake's `_report/`.

The pages are rendered by `transforms.report` from what the lake's tables say about the
run (its `runs` row, `coverage`, `validations` and `quarantine` rows, and the `quotes` of
the articles it wrote), so they show what an analyst would find, not the flow's own
counters. Each run writes its own page and rewrites the index; earlier pages stay.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import pyarrow.compute as pc

from flows.adapters.lake import Lake
from transforms.report import (
    INDEX_PAGE,
    build_report,
    index_html,
    page_name,
    report_html,
)

if TYPE_CHECKING:
    from flows.engine.ledger import RunSummary
    from flows.engine.pipeline import Counts
    from flows.engine.settings import Settings
    from transforms.tables import RunInfo

log = logging.getLogger("newslake")
REPORT_DIR = "_report"
RUN_COLUMNS = [
    "run_id",
    "flow",
    "parameters",
    "started_at",
    "finished_at",
    "status",
    "message",
    "inputs",
    "articles",
    "mentions",
    "quotes",
    "quarantined",
    "skipped",
    "validation",
    "pipeline_version",
    "spacy_version",
    "model",
    "date",
]
QUOTE_COLUMNS = ["article_id", "speaker_name", "attribution", "quote_type"]
QUARANTINE_COLUMNS = ["table", "row", "failed_expectations", "reason", "origin", "run_id"]


def publish_report(
    settings: Settings, lake: Lake, run: RunInfo, counts: Counts, summary: RunSummary
) -> str | None:
    """The run's report page and the index (and Great Expectations Data Docs when
    `validation.data_docs` is on); sets `summary.report`; the page's URL. Never raises:
    the report is a view of rows already stored."""
    try:
        summary.report = write_run_report(lake, run.run_id)
    except Exception as exc:
        log.warning("could not write the run report: %s", exc)
    if settings.validation.data_docs and counts.written.get("articles"):
        from flows.engine.validate import docs_for_run

        try:
            docs_for_run(lake, run.run_id, counts.validated)
        except Exception as exc:
            log.warning("could not build Data Docs: %s", exc)
    return summary.report


def run_tables(lake: Lake, run_id: str) -> dict[str, Any]:
    """The rows the report of one run is made of, read from the lake."""
    is_run = pc.field("run_id") == run_id
    runs = lake.read_arrow("runs", columns=RUN_COLUMNS, filter=is_run).to_pylist()
    if not runs:
        raise LookupError(f"run {run_id} is not in the runs table of {lake.root}")
    run = runs[0]
    coverage = lake.read_arrow("coverage", filter=is_run).to_pylist()
    # validations are partitioned by the day they were checked, within the run's span
    start, end = (_day(run["started_at"]), _day(run["finished_at"]))
    validations = lake.read_arrow("validations", start, end, filter=is_run).to_pylist()
    quarantine = lake.read_arrow("quarantine", columns=QUARANTINE_COLUMNS, filter=is_run)
    # the run's articles live on the days coverage counted them written
    days = sorted({c["date"] for c in coverage if c["written"]})
    quotes: list[dict[str, Any]] = []
    if days:
        day_filter = pc.field("date").isin(days)
        ids = lake.read_arrow(
            "articles", days[0], days[-1], ["article_id"], filter=is_run & day_filter
        ).column("article_id")
        if len(ids):
            quotes = lake.read_arrow(
                "quotes",
                days[0],
                days[-1],
                QUOTE_COLUMNS,
                filter=day_filter & pc.field("article_id").isin(ids),
            ).to_pylist()
    return {
        "run": run,
        "coverage": coverage,
        "validations": validations,
        "quarantine": quarantine.to_pylist(),
        "quotes": quotes,
    }


def _day(value: Any) -> str | None:
    return value.astimezone(dt.UTC).date().isoformat() if isinstance(value, dt.datetime) else None


def write_run_report(lake: Lake, run_id: str) -> str:
    """Write the page of one run and rewrite the index of runs; the page's URL."""
    rows = run_tables(lake, run_id)
    report = build_report(
        rows["run"], rows["coverage"], rows["validations"], rows["quarantine"], rows["quotes"]
    )
    runs = lake.read_arrow("runs", columns=RUN_COLUMNS).to_pylist()
    name = page_name(run_id, rows["run"]["date"])
    pages = existing_pages(lake, runs)
    pages[run_id] = name
    older = _previous(runs, pages, rows["run"])
    lake.write_file(f"{REPORT_DIR}/{name}", report_html(report, older=older).encode("utf-8"))
    write_index(lake, runs, pages)
    return lake.url(f"{REPORT_DIR}/{name}")


def existing_pages(lake: Lake, runs: list[dict[str, Any]]) -> dict[str, str]:
    """run_id -> file name, for the runs whose page is in `_report/`."""
    present = set(lake.list_files(REPORT_DIR))
    out = {}
    for r in runs:
        name = page_name(r["run_id"], r["date"])
        if name in present:
            out[r["run_id"]] = name
    return out


def _previous(runs: list[dict[str, Any]], pages: dict[str, str], run: dict[str, Any]) -> str | None:
    """The page of the run that started last before this one, if it has one."""
    earlier = [
        r
        for r in runs
        if r["run_id"] in pages
        and r["run_id"] != run["run_id"]
        and r["started_at"] <= run["started_at"]
    ]
    pick = max(earlier, key=lambda r: r["started_at"], default=None)
    return pages[pick["run_id"]] if pick else None


def write_index(
    lake: Lake, runs: list[dict[str, Any]] | None = None, pages: dict[str, str] | None = None
) -> str:
    """Rewrite `_report/index.html` from the runs table; its URL."""
    if runs is None:
        runs = lake.read_arrow("runs", columns=RUN_COLUMNS).to_pylist()
    if pages is None:
        pages = existing_pages(lake, runs)
    lake.write_file(
        f"{REPORT_DIR}/{INDEX_PAGE}", index_html(runs, pages, lake.root).encode("utf-8")
    )
    return lake.url(f"{REPORT_DIR}/{INDEX_PAGE}")
