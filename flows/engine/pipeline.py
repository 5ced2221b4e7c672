"""The batch pipeline every flow shares: documents in, validated rows in the lake out.

    documents ─▶ extract (workers) ─▶ article rows, skip unchanged ─▶ NLP (workers)
              ─▶ mention/quote/raw rows ─▶ validation gate ─▶ lake merge

Batches are bounded (settings.batch_size), so memory does not grow with the
input; NLP of batch k+1 overlaps the validation and writing of batch k.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from expectations.gate import Gate, merge_summaries
from flows.adapters.lake import Lake
from flows.engine.workers import NlpRuntime
from transforms.checks import article_checks, mention_checks, quote_checks
from transforms.dedup import NearDuplicateIndex
from transforms.records import Failure, RawDoc
from transforms.schemas import (
    ArticleRow,
    MentionRow,
    QuarantineRow,
    QuoteRow,
    RawRow,
    ValidationRow,
    rows_to_columns,
    to_arrow,
)
from transforms.tables import (
    Analysis,
    RunInfo,
    failure_row,
    mention_rows,
    quote_rows,
    rejected_row,
)

log = logging.getLogger("newslake")

CONTENT_TABLES = ("articles", "mentions", "quotes", "raw")


@dataclass
class Counts:
    """What a run did, per source and in total."""

    inputs: int = 0
    written: Counter[str] = field(default_factory=Counter)  # table -> rows
    quarantined: int = 0
    skipped: int = 0
    failed: int = 0
    batch_failures: list[str] = field(default_factory=list)
    # (source, day) -> counts: inputs count on the run day, articles on their own date
    per_day: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    validation: Counter[str] = field(default_factory=Counter)  # passed / failed expectations
    speakers: Counter[str] = field(default_factory=Counter)  # speaker_name -> quotes written
    # table -> the gate's results over every batch of the run, merged (for Data Docs)
    validated: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_validated(self, table: str, summary: dict[str, Any] | None) -> None:
        """Fold one batch's validation result into the run's result for the table."""
        if summary is None:
            return
        prev = self.validated.get(table)
        self.validated[table] = summary if prev is None else merge_summaries(prev, summary)

    def bump(self, source: str, day: str, what: str, n: int = 1) -> None:
        """Count n of something for a source and day."""
        self.per_day[(source, day)][what] += n

    @property
    def per_source(self) -> dict[str, Counter[str]]:
        """Counts per source, all days together."""
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for (src, _), c in self.per_day.items():
            out[src].update(c)
        return out

    def merge(self, other: Counts) -> None:
        """Add another Counts into this one."""
        self.inputs += other.inputs
        self.written.update(other.written)
        self.quarantined += other.quarantined
        self.skipped += other.skipped
        self.failed += other.failed
        self.batch_failures += other.batch_failures
        for key, c in other.per_day.items():
            self.per_day[key].update(c)
        self.validation.update(other.validation)
        self.speakers.update(other.speakers)
        for table, summary in other.validated.items():
            self.add_validated(table, summary)


@dataclass
class KnownArticles:
    """Articles already in the lake, for skipping, partition keeping and duplicates."""

    dates: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (date, text hash)
    by_hash: dict[str, str] = field(default_factory=dict)  # text hash -> first article id
    urls: set[str] = field(default_factory=set)  # canonical URLs: known pages are not fetched
    near: NearDuplicateIndex = field(default_factory=NearDuplicateIndex)

    @classmethod
    def load(cls, lake: Lake) -> KnownArticles:
        """Read the id, hash, URL, date and SimHash columns of the articles table."""
        columns = ["article_id", "text_sha256", "canonical_url", "date", "simhash", "fetched_at"]
        table = lake.read_arrow("articles", columns=columns)
        table = table.sort_by([("fetched_at", "ascending"), ("article_id", "ascending")])
        known = cls()
        values = zip(*(table.column(c).to_pylist() for c in columns[:5]), strict=True)
        for aid, sha, url, date, sim in values:
            known.dates[aid] = (date, sha)
            known.by_hash.setdefault(sha, aid)
            known.near.add(sim, aid)
            if url:
                known.urls.add(url)
        return known


@dataclass
class Prepared:
    """A batch after extraction, before NLP."""

    number: int
    articles: list[ArticleRow]
    raws: list[RawRow]
    replaced: dict[str, str]  # article_id -> partition whose old derived rows must go
    failures: list[Failure]
    counts: Counts


@dataclass
class BatchContext:
    """Everything the batch steps share within a run."""

    lake: Lake
    runtime: NlpRuntime
    gate: Gate
    run: RunInfo
    known: KnownArticles
    force: bool = False  # reprocess: rewrite articles even when their text is unchanged
    keep_raw: bool = False  # reprocess: the raw rows are the input, leave them as they are
    date_range: tuple[str, str] | None = None  # backfill: articles dated outside are skipped
    batch_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most `size` items, lazily."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def prepare_batch(ctx: BatchContext, items: list[RawDoc | Failure]) -> Prepared:
    """Extract a batch and build its article and raw rows; unchanged known articles are skipped."""
    counts = Counts(inputs=len(items))
    docs = [d for d in items if isinstance(d, RawDoc)]
    failures = [d for d in items if isinstance(d, Failure)]
    # "discovered" is counted by the source adapters, which see what never gets this far
    run_day = ctx.run.run_date.isoformat()
    for f in failures:
        counts.bump(f.source, run_day, "failed")
    for d in docs:
        counts.bump(d.source, run_day, "fetched")
    articles: list[ArticleRow] = []
    raws: list[RawRow] = []
    replaced: dict[str, str] = {}
    seen: set[str] = set()
    for doc, result in zip(docs, ctx.runtime.rows(docs, ctx.run, not ctx.keep_raw), strict=True):
        if isinstance(result, Failure):
            failures.append(result)
            counts.bump(doc.source, run_day, "failed")
            continue
        row, raw = result
        counts.bump(doc.source, row.date, "extracted")
        if ctx.date_range and not (ctx.date_range[0] <= row.date <= ctx.date_range[1]):
            counts.bump(doc.source, row.date, "out_of_range")
            continue
        if row.article_id in seen:
            counts.skipped += 1
            counts.bump(doc.source, row.date, "skipped")
            continue
        seen.add(row.article_id)
        old = ctx.known.dates.get(row.article_id)
        if old is not None:
            old_date, old_sha = old
            if old_sha == row.text_sha256 and not ctx.force:
                counts.skipped += 1
                counts.bump(doc.source, old_date, "skipped")
                continue
            # an article keeps its partition for good
            row = _with(row, date=old_date)
            raw = raw and _with(raw, date=old_date)
            replaced[row.article_id] = old_date
        first = ctx.known.by_hash.get(row.text_sha256)
        if first is None or first == row.article_id:
            first = ctx.known.near.find(row.simhash, exclude=row.article_id)
        if first is not None:
            row = _with(row, duplicate_of=first)
        ctx.known.by_hash.setdefault(row.text_sha256, row.article_id)
        ctx.known.near.add(row.simhash, row.article_id)
        ctx.known.dates[row.article_id] = (row.date, row.text_sha256)
        if row.canonical_url:
            ctx.known.urls.add(row.canonical_url)
        articles.append(row)
        if raw is not None:
            raws.append(raw)
    return Prepared(next(ctx.batch_numbers), articles, raws, replaced, failures, counts)


T = TypeVar("T")


def _with(row: T, **changes: Any) -> T:
    from dataclasses import replace

    return replace(row, **changes)  # type: ignore[type-var]


def _frame(table: str, rows: list[Any]) -> pd.DataFrame:
    frame = pd.DataFrame(rows_to_columns(table, rows))
    return frame


def _json_row(row: Any) -> str:
    from dataclasses import asdict

    data = asdict(row)
    data.pop("body", None)  # raw bytes stay in the raw table
    return json.dumps(data, default=str, ensure_ascii=False, sort_keys=True)


def finish_batch(
    ctx: BatchContext, prep: Prepared, analyses: list[Analysis], now: dt.datetime
) -> Counts:
    """Build derived rows, validate every table of the batch, write what passed."""
    counts = prep.counts
    run = ctx.run
    # a page that could not be fetched is in fetch_log already; everything else is quarantined
    quarantine: list[QuarantineRow] = [
        failure_row(f, run, now) for f in prep.failures if f.stage != "fetch"
    ]
    articles = prep.articles
    mentions: list[MentionRow] = []
    quotes: list[QuoteRow] = []
    for art, analysis in zip(articles, analyses, strict=True):
        mentions += mention_rows(art, analysis.mentions)
        quotes += quote_rows(art, analysis.quotes)

    validations: list[ValidationRow] = []
    partition = f"batch-{prep.number}"

    def gate(table: str, rows: list[Any], checks: dict[str, list[bool]] | None = None) -> list[Any]:
        if not rows:
            return rows
        frame = _frame(table, rows)
        for name, values in (checks or {}).items():
            frame[name] = values
        result = ctx.gate.validate(table, frame)
        counts.add_validated(table, result.summary)
        for o in result.outcomes:
            counts.validation["passed" if o.success else "failed"] += 1
            validations.append(o.row(run.run_id, table, partition, now))
        counts.batch_failures += result.batch_failures
        if not result.rejected:
            return rows
        keep = []
        for i, row in enumerate(rows):
            failed = result.rejected.get(i)
            if failed is None:
                keep.append(row)
                continue
            key = "|".join(str(getattr(row, k)) for k in _key_of(table))
            art = getattr(row, "article_id", None)
            quarantine.append(
                rejected_row(
                    table,
                    key,
                    _json_row(row),
                    failed,
                    getattr(row, "source", "") or "",
                    getattr(row, "origin", art or "") or "",
                    row.date,
                    run,
                    now,
                )
            )
        return keep

    texts = {a.article_id: a.text for a in articles}
    good_articles = gate("articles", articles, article_checks([_asmap(a) for a in articles]))
    good_ids = {a.article_id for a in good_articles}
    # rows of a quarantined article go with it: no orphans in the lake
    mentions = [m for m in mentions if m.article_id in good_ids]
    quotes = [q for q in quotes if q.article_id in good_ids]
    mentions = gate("mentions", mentions, mention_checks([_asmap(m) for m in mentions], texts))
    quotes = gate("quotes", quotes, quote_checks([_asmap(q) for q in quotes], texts))
    raws = gate("raw", prep.raws)
    quarantine = gate("quarantine", quarantine)

    if counts.batch_failures:
        # a batch-level failure writes nothing of the batch but its quarantine and results
        log.error("batch %s not written: %s", prep.number, "; ".join(counts.batch_failures))
        quarantine += [
            rejected_row(
                "articles",
                a.article_id,
                _json_row(a),
                ["batch failed"],
                a.source,
                a.origin,
                a.date,
                run,
                now,
            )
            for a in articles
        ]
        good_articles, mentions, quotes, raws = [], [], [], []

    for aid, date in prep.replaced.items():
        if aid in good_ids and not counts.batch_failures:
            for table in ("mentions", "quotes"):
                ctx.lake.delete_rows(table, date, "article_id", [aid])
    for table, rows in (
        ("articles", good_articles),
        ("mentions", mentions),
        ("quotes", quotes),
        ("raw", raws),
    ):
        if rows:
            ctx.lake.write(table, to_arrow(table, rows))
            counts.written[table] += len(rows)
    if quarantine:
        ctx.lake.write("quarantine", to_arrow("quarantine", quarantine))
    if validations:
        ctx.lake.write("validations", to_arrow("validations", validations))
    counts.quarantined += len(quarantine)
    counts.failed += len(prep.failures)
    by_article_source = {a.article_id: a.source for a in articles}
    for a in good_articles:
        counts.bump(a.source, a.date, "written")
    counts.speakers.update(
        q.speaker_name for q in quotes if q.speaker_name and q.attribution != "none"
    )
    for q in quarantine:
        src = by_article_source.get(q.origin, q.source)
        counts.bump(src, q.date, "quarantined")
    return counts


def _key_of(table: str) -> tuple[str, ...]:
    from transforms.schemas import TABLES

    return TABLES[table].key


def _asmap(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__dataclass_fields__}


class _Done:
    """The result of a step run inline, shaped like a task future."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _run_now(fn: Any, *args: Any) -> _Done:
    return _Done(fn(*args))


def process(
    ctx: BatchContext,
    items: Iterable[RawDoc | Failure],
    batch_size: int,
    now: dt.datetime,
    submit: Any = None,
) -> Counts:
    """Run the whole pipeline over a stream of documents, batch by batch.

    `submit(fn, *args)` runs a step and returns an object with `.result()`; the
    flows pass Prefect task submission, so each batch step is a task run.
    """
    total = Counts()
    submit = submit or _run_now
    pending: tuple[Prepared, Any] | None = None
    for chunk in batched(items, batch_size):
        prep = submit(prepare_batch, ctx, chunk).result()
        future = submit(analyze_texts, ctx, [a.text for a in prep.articles])
        if pending is not None:
            total.merge(submit(finish_batch, ctx, pending[0], pending[1].result(), now).result())
        pending = (prep, future)
    if pending is not None:
        total.merge(submit(finish_batch, ctx, pending[0], pending[1].result(), now).result())
    return total


def analyze_texts(ctx: BatchContext, texts: list[str]) -> list[Analysis]:
    """NLP of a batch's texts on the run's workers."""
    return ctx.runtime.analyze(texts)
