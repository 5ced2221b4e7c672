"""Validation gate: run a table's suite on a batch, split good rows from rejected ones.

Suites are Great Expectations 1.x suites stored as JSON beside this module,
one per table. Each expectation's `meta.scope` says what a failure means:
- `row`: the failing rows are quarantined with the expectation's name; the
  rest of the batch is written;
- `batch`: nothing of the batch is written and the run is marked failed;
- `anomaly`: a source looks wrong this run (volume, silence, quarantine rate): the
  run warns or fails, per `validation.anomaly_action`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from transforms.schemas import ValidationRow
from transforms.tables import validation_row

SUITE_DIR = Path(__file__).resolve().parent
# scopes whose failures are per row: "row" rows are quarantined; "anomaly" rows (one per
# source in the anomalies suite) warn or fail the run, as configured
ROW_SCOPES = frozenset({"row", "anomaly"})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result on one batch."""

    name: str  # type(column), e.g. expect_column_values_to_not_be_null(url)
    scope: str
    success: bool
    unexpected_count: int
    element_count: int
    observed: str | None
    failed_rows: tuple[int, ...] = ()  # positions in the validated frame

    def row(self, run_id: str, table: str, partition: str, at: dt.datetime) -> ValidationRow:
        """This outcome as a `validations` row."""
        return validation_row(
            run_id,
            table,
            partition,
            self.name,
            self.success,
            self.unexpected_count,
            self.element_count,
            self.observed,
            at,
        )


@dataclass
class GateResult:
    """What the gate decided for one table's batch."""

    table: str
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    rejected: dict[int, list[str]] = field(
        default_factory=dict
    )  # row position -> failed expectations
    # the GX result as JSON without its per-row lists: what Data Docs render (merge_summaries)
    summary: dict[str, Any] | None = None

    @property
    def batch_failures(self) -> list[str]:
        """Failed batch-level expectations, as 'table: name (observed ...)'."""
        return [
            f"{self.table}: {o.name} failed (observed {o.observed})"
            for o in self.outcomes
            if not o.success and o.scope == "batch"
        ]


def _name(config: dict[str, Any]) -> str:
    kw = config.get("kwargs", {})
    target = kw.get("column") or (
        kw.get("column_A") and f"{kw.get('column_A')},{kw.get('column_B')}"
    )
    if not target and kw.get("column_list"):
        target = ",".join(kw["column_list"])
    return f"{config['type']}({target})" if target else str(config["type"])


def load_suite_json(table: str) -> dict[str, Any]:
    """The stored suite of a table, as a dict."""
    path = SUITE_DIR / f"{table}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"no expectation suite for table {table!r} at {path}") from exc
    return data


# Great Expectations 1.24 rebuilds an expectation's configuration (a pydantic `.dict()` of
# the whole expectation) every time it reads one of the expectation's arguments: dozens of
# times per expectation in every validation, about 40% of a validation's time whatever the
# rows. Within one validation the expectations do not change, so while `Gate.validate` runs
# each expectation's configuration is built once and served again; outside it (and in any
# thread GX might start) the property builds it as GX does.
_CONFIGURATIONS: contextvars.ContextVar[dict[int, tuple[Any, Any]] | None] = contextvars.ContextVar(
    "newslake_gx_configurations", default=None
)


def _memoise_configurations() -> None:
    """Make `Expectation.configuration` serve a built configuration again inside a
    validation (`_CONFIGURATIONS` set); idempotent."""
    from great_expectations.expectations.expectation import Expectation

    stock = Expectation.__dict__["configuration"]
    if getattr(stock.fget, "newslake_memo", False):
        return
    build = stock.fget

    def configuration(self: Any) -> Any:
        memo = _CONFIGURATIONS.get()
        if memo is None:
            return build(self)
        hit = memo.get(id(self))
        if hit is None:  # the memo holds the expectation too, so its id is not reused
            hit = memo[id(self)] = (self, build(self))
        return hit[1]

    configuration.newslake_memo = True  # type: ignore[attr-defined]
    Expectation.configuration = property(configuration, doc=stock.__doc__)


class Gate:
    """An ephemeral Great Expectations context with our suites loaded; validates DataFrames.

    The context is built at the first validation, once: importing GX and building it
    takes seconds, and a run with nothing to validate (no new articles) never pays it.
    """

    def __init__(self, tables: list[str] | None = None) -> None:
        self.tables = tables
        self._ctx: Any = None
        self._batch_def: Any = None
        self.suites: dict[str, Any] = {}
        self.meta: dict[str, list[dict[str, Any]]] = {}

    def _ready(self) -> None:
        if self._ctx is not None:
            return
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite
        from great_expectations.data_context.types.base import ProgressBarsConfig

        _memoise_configurations()
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        # this module sets its own logger to INFO, which prints "Created temporary
        # directory ... for ephemeral docs site" at every context
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
        ctx = gx.get_context(mode="ephemeral")
        # GX draws tqdm "Calculating Metrics" bars on stderr at every validation, and
        # TQDM_DISABLE=1 does not stop them; this setting does, once per context
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self._batch_def = (
            ctx.data_sources.add_pandas("newslake")
            .add_dataframe_asset("batch")
            .add_batch_definition_whole_dataframe("whole")
        )
        names = self.tables or sorted(p.stem for p in SUITE_DIR.glob("*.json"))
        for table in names:
            data = load_suite_json(table)
            suite = ExpectationSuite(**{**data, "id": None})
            # GX drops an expectation whose class is not imported when a suite loads, with
            # no error: a suite that lost expectations would pass anything, so count them
            if len(suite.expectations) != len(data["expectations"]):
                loaded, stored = len(suite.expectations), len(data["expectations"])
                raise RuntimeError(f"suite {table}: loaded {loaded} of {stored} expectations")
            self.suites[table] = ctx.suites.add(suite)
            self.meta[table] = data["expectations"]
        self._ctx = ctx

    def validate(self, table: str, frame: pd.DataFrame) -> GateResult:
        """Validate a frame (RangeIndex) against the table's suite."""
        self._ready()
        frame = frame.reset_index(drop=True)
        batch = self._batch_def.get_batch(batch_parameters={"dataframe": frame})
        token = _CONFIGURATIONS.set({})
        try:
            result = batch.validate(self.suites[table], result_format={"result_format": "COMPLETE"})
        finally:
            _CONFIGURATIONS.reset(token)
        gate = GateResult(table)
        configs = {_name(e): e for e in self.meta[table]}
        for r in result.results:
            cfg = r.expectation_config
            config = {"type": cfg.type, "kwargs": dict(cfg.kwargs)}
            name = _name(config)
            meta = configs.get(name, {}).get("meta", {})
            scope = meta.get(
                "scope", "row" if "unexpected_index_list" in (r.result or {}) else "batch"
            )
            res = r.result or {}
            raised = bool((r.exception_info or {}).get("raised_exception"))
            failed_rows = tuple(
                int(i) for i in res.get("unexpected_index_list") or () if isinstance(i, int)
            )
            observed = res.get("observed_value")
            if raised:
                scope = "batch"
                observed = (r.exception_info or {}).get("exception_message")
            outcome = ExpectationOutcome(
                name=name,
                scope=scope,
                success=bool(r.success),
                unexpected_count=int(res.get("unexpected_count") or 0),
                element_count=int(res.get("element_count") or len(frame)),
                observed=json.dumps(observed, default=str) if observed is not None else None,
                failed_rows=failed_rows if scope in ROW_SCOPES else (),
            )
            gate.outcomes.append(outcome)
            if not outcome.success and scope in ROW_SCOPES:
                for i in failed_rows:
                    gate.rejected.setdefault(i, []).append(name)
        gate.summary = summary_of(result)
        return gate


# per-row lists of a result: positions are relative to one batch, and they grow with it
_ROW_LISTS = (
    "unexpected_list",
    "unexpected_index_list",
    "partial_unexpected_index_list",
    "unexpected_index_query",
    "unexpected_rows",
)
_COUNTS = ("element_count", "missing_count", "unexpected_count")
PARTIAL_LIMIT = 20  # examples kept per expectation, as GX's SUMMARY format keeps


def summary_of(result: Any) -> dict[str, Any]:
    """A GX suite validation result as JSON, without the per-row lists."""
    data: dict[str, Any] = result.to_json_dict()
    for r in data.get("results", []):
        res = r.get("result") or {}
        for key in _ROW_LISTS:
            res.pop(key, None)
    data.setdefault("meta", {})["batches"] = 1
    return data


def merge_summaries(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two batches' results of one suite as one result over both batches.

    Success needs both; row counts add up and percentages are recomputed; up to 20
    unexpected examples are kept; a batch-level observed value (a row count, a column
    set) is that of the first batch that failed the expectation, else of the later batch.
    """
    if a.get("suite_name") != b.get("suite_name") or len(a["results"]) != len(b["results"]):
        raise ValueError(f"cannot merge results of {a.get('suite_name')} and {b.get('suite_name')}")
    results = [_merge_one(x, y) for x, y in zip(a["results"], b["results"], strict=True)]
    passed = sum(bool(r["success"]) for r in results)
    return {
        **b,
        "success": bool(a["success"]) and bool(b["success"]),
        "results": results,
        "statistics": {
            "evaluated_expectations": len(results),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": 100.0 * passed / len(results) if results else None,
        },
        "meta": {**b.get("meta", {}), "batches": a["meta"]["batches"] + b["meta"]["batches"]},
    }


def _merge_one(x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
    cx, cy = x["expectation_config"], y["expectation_config"]
    if (cx["type"], cx.get("kwargs")) != (cy["type"], cy.get("kwargs")):
        raise ValueError(f"cannot merge {cx['type']} with {cy['type']}: suites differ")
    rx, ry = x.get("result") or {}, y.get("result") or {}
    res = dict(rx if not x["success"] else ry)
    if all(k in r for k in ("element_count", "unexpected_count") for r in (rx, ry)):
        for key in _COUNTS:
            if key in rx or key in ry:
                res[key] = int(rx.get(key) or 0) + int(ry.get(key) or 0)
        total, missing = res["element_count"], int(res.get("missing_count") or 0)
        present = total - missing
        unexpected = res["unexpected_count"]
        res["unexpected_percent"] = 100.0 * unexpected / present if present else None
        if "unexpected_percent_total" in res:
            res["unexpected_percent_total"] = 100.0 * unexpected / total if total else None
        if "unexpected_percent_nonmissing" in res:
            res["unexpected_percent_nonmissing"] = res["unexpected_percent"]
        if "missing_percent" in res:
            res["missing_percent"] = 100.0 * missing / total if total else None
        examples = (rx.get("partial_unexpected_list") or []) + (
            ry.get("partial_unexpected_list") or []
        )
        res["partial_unexpected_list"] = examples[:PARTIAL_LIMIT]
        counted: dict[str, list[Any]] = {}
        for entry in (rx.get("partial_unexpected_counts") or []) + (
            ry.get("partial_unexpected_counts") or []
        ):
            key = json.dumps(entry.get("value"), sort_keys=True, default=str)
            counted.setdefault(key, [entry.get("value"), 0])[1] += int(entry.get("count") or 0)
        ranked = sorted(counted.values(), key=lambda vc: -vc[1])[:PARTIAL_LIMIT]
        res["partial_unexpected_counts"] = [{"value": v, "count": c} for v, c in ranked]
    raised = [
        r["exception_info"]
        for r in (x, y)
        if (r.get("exception_info") or {}).get("raised_exception")
    ]
    return {
        **x,
        "success": bool(x["success"]) and bool(y["success"]),
        "result": res,
        "exception_info": raised[0] if raised else x.get("exception_info"),
    }
