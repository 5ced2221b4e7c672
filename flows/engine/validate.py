"""Re-validate partitions of the lake with the suites, record the results, build Data Docs.

`newslake validate [--date D]` runs every table's suite over existing partitions
(with the same derived checks as at write time), appends the outcomes to the
`validations` table, and builds Great Expectations Data Docs HTML under the
lake's `_docs/` (local lakes; for object stores they are built locally and
uploaded). With `validation.data_docs` on, a flow's run builds its Data Docs from the
gate's results instead (`docs_for_run`): nothing is validated twice. Their HTML loads
Bootstrap, jQuery, vega and a logo from CDNs; a run's own report, readable offline, is
`flows/engine/report.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from expectations.gate import SUITE_DIR, Gate, load_suite_json
from flows.adapters.journal import Journal
from flows.adapters.lake import Lake
from flows.engine.ledger import now_utc
from transforms.checks import article_checks, mention_checks, quote_checks
from transforms.integrity import DERIVED_TABLES, Integrity, RepairPlan, check_ids, plan_repair
from transforms.schemas import TABLES, ValidationRow, to_arrow

log = logging.getLogger("newslake.validate")
DOCS_DIR = "_docs"
TEXT_COLUMNS = ["article_id", "text", "nlp_status"]
DOCS_TABLES = ("articles", "mentions", "quotes", "raw", "quarantine")


@dataclass
class ValidateReport:
    """What a validation pass found."""

    run_id: str
    checked: list[tuple[str, str, int]] = field(default_factory=list)  # table, partition, rows
    failures: list[str] = field(default_factory=list)
    docs: str | None = None
    integrity: Integrity | None = None

    @property
    def ok(self) -> bool:
        """No expectation failed."""
        return not self.failures


def frame_for(lake: Lake, table: str, date: str) -> pd.DataFrame:
    """A partition as the gate validates it: stored columns, partition column, derived checks."""
    texts: dict[str, str] = {}
    analysed: set[str] = set()
    if table in ("mentions", "quotes"):
        articles = lake.read_arrow("articles", start=date, end=date, columns=TEXT_COLUMNS)
        texts = texts_of(articles)
        status = zip(
            articles.column("article_id").to_pylist(),
            articles.column("nlp_status").to_pylist(),
            strict=True,
        )
        analysed = {aid for aid, s in status if s == "done"}
    return checked_frame(table, lake.read_arrow(table, start=date, end=date), texts, analysed)


def texts_of(articles: pa.Table) -> dict[str, str]:
    """article_id -> text of an articles table."""
    return dict(
        zip(
            articles.column("article_id").to_pylist(),
            articles.column("text").to_pylist(),
            strict=True,
        )
    )


def checked_frame(
    table: str, arrow: pa.Table, texts: dict[str, str], analysed: set[str] | None = None
) -> pd.DataFrame:
    """Rows as a frame with the table's derived `_..._ok` columns (texts for span checks,
    the ids of articles analysed by a model for their language)."""
    analysed = set(texts) if analysed is None else analysed
    df = arrow.to_pandas()
    rows = arrow.to_pylist()
    if table == "articles":
        checks = article_checks(rows)
    elif table == "mentions":
        checks = mention_checks(rows, texts, analysed)
    elif table == "quotes":
        checks = quote_checks(rows, texts, analysed)
    else:
        checks = {}
    for name, values in checks.items():
        df[name] = values
    return df


def validate_lake(
    lake: Lake,
    tables: list[str] | None = None,
    dates: list[str] | None = None,
    docs: bool = True,
    run_id: str | None = None,
) -> ValidateReport:
    """Validate partitions (all, or those dates) of the tables and the lake's integrity
    across tables; record; build Data Docs. Articles with bad spans are noted under
    `_state/` for the next run to rebuild."""
    report = ValidateReport(run_id or f"validate-{uuid.uuid4()}")
    gate = Gate()
    builder = DocsBuilder() if docs else None
    now = now_utc()
    records: list[ValidationRow] = []
    wanted = set(dates or ())
    bad_spans: dict[str, set[str]] = {}
    for table in tables or list(TABLES):
        parts = lake.partitions(table)
        for date in parts if dates is None else [d for d in parts if d in wanted]:
            frame = frame_for(lake, table, date)
            result = gate.validate(table, frame)
            report.checked.append((table, date, len(frame)))
            for o in result.outcomes:
                if not o.success:
                    report.failures.append(
                        f"{table} {date}: {o.name}: {o.unexpected_count} of {o.element_count} rows"
                    )
                records.append(o.row(report.run_id, table, date, now))
            if builder is not None and result.summary is not None:
                builder.add(table, date, result.summary)
            checks = [c for c in SPAN_CHECKS if c in frame.columns]
            if checks and len(frame):
                bad = ~frame[checks].all(axis=1)
                bad_spans.setdefault(table, set()).update(frame.loc[bad, "article_id"].tolist())
    if records:
        lake.write("validations", to_arrow("validations", records))
    pending = Journal(lake).pending()
    if pending:
        report.failures.append(
            f"journal: {len(pending)} batch(es) interrupted mid-write ({', '.join(pending[:3])}"
            f"{' ...' if len(pending) > 3 else ''}); the next run completes or drops them"
        )
    # a bad span of a row whose article is gone is an orphan, which integrity names anyway
    known = set(lake.read_arrow("articles", columns=["article_id"]).column(0).to_pylist())
    flagged = {t: sorted(ids & known) for t, ids in bad_spans.items() if ids & known}
    integrity, _ = lake_integrity(lake, flagged)
    report.integrity = integrity
    report.failures += [f"integrity: {p}" for p in integrity.problems()]
    if flagged:
        lake.write_state(REPAIR_STATE, json.dumps(flagged, sort_keys=True).encode())
    if builder is not None and report.checked:
        report.docs = builder.publish(lake)
    return report


REPAIR_STATE = "repair.json"  # articles `validate` found with bad spans, for the next run
SPAN_CHECKS = ("_span_ok", "_quote_span_ok", "_speaker_span_ok", "_cue_span_ok")


def lake_integrity(
    lake: Lake, bad_spans: dict[str, list[str]] | None = None
) -> tuple[Integrity, set[str]]:
    """Integrity across tables from their id columns (read file by file), and the raw ids."""
    articles = lake.read_arrow("articles", columns=["article_id", "date"])
    dates = dict(
        zip(
            articles.column("article_id").to_pylist(),
            articles.column("date").to_pylist(),
            strict=True,
        )
    )
    raw_ids = set(lake.read_arrow("raw", columns=["article_id"]).column(0).to_pylist())
    derived = {t: lake.distinct(t, "article_id") for t in DERIVED_TABLES}
    return check_ids(dates, raw_ids, derived, bad_spans), raw_ids


def repair(lake: Lake) -> RepairPlan:
    """Plan the repair of what is broken and remove orphaned rows; the caller rebuilds or
    reads again the rest (a run, before it reads its sources)."""
    flagged = json.loads(lake.read_state(REPAIR_STATE) or b"{}")
    integrity, raw_ids = lake_integrity(lake, flagged)
    plan = plan_repair(integrity, raw_ids)
    for table, parts in plan.drop.items():
        for date, ids in parts.items():
            lake.delete_rows(table, date, "article_id", sorted(ids))
    if not plan.rebuild:
        lake.delete_state(REPAIR_STATE)
    return plan


class DocsBuilder:
    """Great Expectations Data Docs for validated partitions, published under `_docs/`."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._tmp = Path(tempfile.mkdtemp(prefix="newslake-docs-"))
        self.site = self._tmp / "site"
        self.ctx = gx.get_context(mode="file", project_root_dir=str(self._tmp))
        self.ctx.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        self.ctx.variables.save()
        self.ctx.add_data_docs_site(
            site_name="lake",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(self.site),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        self._suites: dict[str, Any] = {}
        for path in sorted(SUITE_DIR.glob("*.json")):
            data = load_suite_json(path.stem)
            self._suites[path.stem] = self.ctx.suites.add(ExpectationSuite(**{**data, "id": None}))
        self.added = 0  # validation results stored for the site

    def add(self, table: str, name: str, summary: dict[str, Any]) -> None:
        """Store a validation result (the gate's, as JSON) for the site; nothing is re-run."""
        from great_expectations.core.expectation_validation_result import (
            expectationSuiteValidationResultSchema,
        )
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        suite = self._suites[table].name
        result = expectationSuiteValidationResultSchema.load(
            {**summary, "suite_name": suite, "id": None}
        )
        at = dt.datetime.now(dt.UTC)
        run = RunIdentifier(run_name=name, run_time=at)
        result.meta.update(run_id=run, validation_time=at)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite),
            run_id=run,
            batch_identifier=name,
        )
        self.ctx.validation_results_store.set(key, result)
        self.added += 1

    def publish(self, lake: Lake) -> str:
        """Render the site once and copy it into the lake's _docs/; the index's path or URL."""
        self.ctx.build_data_docs(site_names=["lake"])
        target = f"{lake.base}/{DOCS_DIR}"
        if lake.local:
            dest = Path(target)
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(self.site, dest)
        else:
            lake.fs.put(str(self.site), target, recursive=True)
        shutil.rmtree(self._tmp, ignore_errors=True)
        return f"{lake.root}/{DOCS_DIR}/index.html"


def docs_for_run(lake: Lake, run_id: str, validated: dict[str, dict[str, Any]]) -> str | None:
    """Data Docs of one run from the gate's own results (each table's batches merged,
    rows later quarantined included); the index path. Nothing is validated again."""
    builder = DocsBuilder()
    for table in DOCS_TABLES:
        if table in validated:
            builder.add(table, f"run-{run_id[:8]}", validated[table])
    return builder.publish(lake) if builder.added else None
