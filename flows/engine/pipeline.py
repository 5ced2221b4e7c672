"""The batch pipeline every flow shares: documents in, validated rows in the lake out.

    documents ─▶ extract (workers) ─▶ article rows, skip unchanged ─▶ NLP (workers)
              ─▶ mention/quote rows ─▶ validation gate ─▶ journal commit

Batches are bounded (settings.batch_size), so memory does not grow with the
input; NLP of batch k+1 overlaps the validation and writing of batch k. This
module only sequences steps and effects: what to skip, keep or quarantine is
decided in `transforms.batch` and `transforms.tables`, and a batch reaches the
lake through the journal (`flows.adapters.journal`), articles last.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from expectations.gate import Gate, merge_summaries
from flows.adapters.journal import BatchWrite, Journal
from flows.adapters.lake import Lake
from flows.engine import progress
from flows.engine.workers import NlpRuntime
from transforms.batch import KnownArticles, Verdict, decide
from transforms.checks import article_checks, mention_checks, quote_checks
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
    # what was read and not written, by why (`SKIP_REASONS` in flows.engine.ledger)
    skipped_why: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # what the run repaired or recovered
    source_errors: list[str] = field(default_factory=list)  # feeds/sitemaps that failed

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
        self.notes += other.notes
        self.source_errors += other.source_errors
        for key, c in other.per_day.items():
            self.per_day[key].update(c)
        self.validation.update(other.validation)
        self.speakers.update(other.speakers)
        self.skipped_why.update(other.skipped_why)
        for table, summary in other.validated.items():
            self.add_validated(table, summary)


def load_known(lake: Lake, stale: Iterable[str] = ()) -> KnownArticles:
    """What the lake's committed articles say (ids, hashes, URLs, dates, SimHashes)."""
    columns = ["article_id", "text_sha256", "canonical_url", "date", "simhash"]
    table = lake.read_arrow("articles", columns=[*columns, "fetched_at", "source", "also_sources"])
    table = table.sort_by([("fetched_at", "ascending"), ("article_id", "ascending")])
    return KnownArticles.from_columns(
        *(table.column(c).to_pylist() for c in columns),
        stale=stale,
        sources=table.column("source").to_pylist(),
        also_sources=table.column("also_sources").to_pylist(),
    )


@dataclass
class Prepared:
    """A batch after extraction, before NLP."""

    batch_id: str  # the journal's name for the batch: the same across retries of its write
    articles: list[ArticleRow]
    raws: list[RawRow]
    failures: list[Failure]
    counts: Counts
    # articles not sent to NLP (text over the limit), with the reason
    rejected: list[tuple[ArticleRow, str]] = field(default_factory=list)


@dataclass(frozen=True)
class BatchOptions:
    """How a run treats what it reads (fixed for the run, or for one backfill unit)."""

    force: bool = False  # reprocess: rewrite articles even when their text is unchanged
    keep_raw: bool = False  # reprocess: the raw rows are the input, leave them as they are
    date_range: tuple[str, str] | None = None  # backfill: articles dated outside are skipped
    max_chars: int = 300_000  # longer texts are quarantined, not analysed


@dataclass
class BatchContext:
    """Everything the batch steps share within a run."""

    lake: Lake
    runtime: NlpRuntime
    gate: Gate
    run: RunInfo
    known: KnownArticles
    options: BatchOptions = field(default_factory=BatchOptions)
    journal: Journal = field(init=False)

    def __post_init__(self) -> None:
        self.journal = Journal(self.lake)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most `size` items, lazily."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def prepare_batch(
    ctx: BatchContext, items: list[RawDoc | Failure], options: BatchOptions | None = None
) -> Prepared:
    """Extract a batch and build its article and raw rows; unchanged known articles are skipped."""
    opts = options or ctx.options
    counts = Counts(inputs=len(items))
    docs = [d for d in items if isinstance(d, RawDoc)]
    failures = [d for d in items if isinstance(d, Failure)]
    # "discovered" is counted by the source adapters, which see what never gets this far
    run_day = ctx.run.run_date.isoformat()
    for f in failures:
        counts.bump(f.source, run_day, "failed")
    for d in docs:
        counts.bump(d.source, run_day, "fetched")
    prep = Prepared(f"{ctx.run.run_id}-{uuid.uuid4().hex[:12]}", [], [], failures, counts)
    seen: set[str] = set()
    for doc, result in zip(docs, ctx.runtime.rows(docs, ctx.run, not opts.keep_raw), strict=True):
        if isinstance(result, Failure):
            failures.append(result)
            counts.bump(doc.source, run_day, "failed")
            continue
        row, raw = result
        counts.bump(doc.source, row.date, "extracted")
        d = decide(row, raw, ctx.known, seen, opts.force, opts.date_range)
        if d.verdict is Verdict.OUT_OF_RANGE:
            counts.bump(doc.source, d.day, "out_of_range")
            counts.skipped_why[d.verdict.value] += 1
            continue
        if not d.written:
            counts.skipped_why[d.verdict.value] += 1
            counts.skipped += 1
            counts.bump(doc.source, d.day, "skipped")
            continue
        if len(d.row.text) > opts.max_chars:
            reason = (
                f"article {d.row.article_id} ({d.row.origin}): text of {len(d.row.text):,} "
                f"characters exceeds the limit of {opts.max_chars:,} (nlp_max_chars); not analysed"
            )
            prep.rejected.append((d.row, reason))
        else:
            prep.articles.append(d.row)
        if d.raw is not None:
            prep.raws.append(d.raw)
    return prep


def finish_batch(
    ctx: BatchContext, prep: Prepared, analyses: list[Analysis], now: dt.datetime
) -> Counts:
    """Build derived rows, validate every table of the batch, commit what passed."""
    counts = prep.counts
    run = ctx.run
    # a page that could not be fetched is in fetch_log already; everything else is quarantined
    quarantine: list[QuarantineRow] = [
        failure_row(f, run, now) for f in prep.failures if f.stage != "fetch"
    ]
    quarantine += [rejected_row("articles", a, [], run, now, why) for a, why in prep.rejected]
    articles: list[ArticleRow] = []
    mentions: list[MentionRow] = []
    quotes: list[QuoteRow] = []
    for art, analysis in zip(prep.articles, analyses, strict=True):
        if analysis.status != art.nlp_status:
            art = dataclasses.replace(art, nlp_status=analysis.status)
        if analysis.error is not None:
            why = f"article {art.article_id} ({art.origin}): NLP failed: {analysis.error}"
            quarantine.append(rejected_row("articles", art, [], run, now, why))
            continue
        try:
            m, q = mention_rows(art, analysis.mentions), quote_rows(art, analysis.quotes)
        except Exception as exc:  # one article's rows must not stop the batch
            why = f"article {art.article_id} ({art.origin}): building its rows failed: {exc}"
            quarantine.append(rejected_row("articles", art, [], run, now, why))
            continue
        articles.append(art)
        mentions += m
        quotes += q

    validations: list[ValidationRow] = []
    partition = f"batch-{prep.batch_id}"

    def gate(table: str, rows: list[Any], checks: dict[str, list[bool]] | None = None) -> list[Any]:
        if not rows:
            return rows
        frame = pd.DataFrame(rows_to_columns(table, rows))
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
        for i, failed in sorted(result.rejected.items()):
            quarantine.append(rejected_row(table, rows[i], failed, run, now))
        return [row for i, row in enumerate(rows) if i not in result.rejected]

    texts = {a.article_id: a.text for a in articles}
    analysed = {a.article_id for a in articles if a.nlp_status == "done"}
    good_articles = gate("articles", articles, article_checks([_asmap(a) for a in articles]))
    good_ids = {a.article_id for a in good_articles}
    # rows of a quarantined article go with it: no orphans in the lake
    mentions = [m for m in mentions if m.article_id in good_ids]
    quotes = [q for q in quotes if q.article_id in good_ids]
    m_checks = mention_checks([_asmap(m) for m in mentions], texts, analysed)
    mentions = gate("mentions", mentions, m_checks)
    quotes = gate("quotes", quotes, quote_checks([_asmap(q) for q in quotes], texts, analysed))
    raws = gate("raw", prep.raws)
    quarantine = gate("quarantine", quarantine)

    if counts.batch_failures:
        # a batch-level failure writes nothing of the batch but its quarantine and results
        log.error("batch %s not written: %s", prep.batch_id, "; ".join(counts.batch_failures))
        quarantine += [
            rejected_row("articles", a, ["batch failed"], run, now) for a in good_articles
        ]
        good_articles, mentions, quotes, raws = [], [], [], []

    # every written article's stored mentions and quotes are replaced by its new ones
    replace: dict[str, list[str]] = defaultdict(list)
    for a in good_articles:
        replace[a.date].append(a.article_id)
    batch = BatchWrite(
        prep.batch_id,
        replace={"mentions": dict(replace), "quotes": dict(replace)} if replace else {},
    )
    for table, rows in (
        ("articles", good_articles),
        ("mentions", mentions),
        ("quotes", quotes),
        ("raw", raws),
        ("quarantine", quarantine),
        ("validations", validations),
    ):
        if rows:
            batch.tables[table] = to_arrow(table, rows)
    ctx.journal.commit(batch)
    for table in CONTENT_TABLES:
        counts.written[table] += batch.rows(table)
    counts.quarantined += len(quarantine)
    counts.failed += len(prep.failures)
    by_article_source = {a.article_id: a.source for a in prep.articles}
    by_article_source.update({a.article_id: a.source for a, _ in prep.rejected})
    # counted for the source that read it now (an article keeps its first source)
    by_article_source.update({r.article_id: r.source for r in prep.raws})
    for a in good_articles:
        reader = by_article_source.get(a.article_id, a.source)
        counts.bump(reader, a.date, "written")
        if a.nlp_status == "skipped_language":
            counts.bump(reader, a.date, "skipped_language")
    counts.speakers.update(
        q.speaker_name for q in quotes if q.speaker_name and q.attribution != "none"
    )
    for q in quarantine:
        src = by_article_source.get(q.origin, q.source)
        counts.bump(src, q.date, "quarantined")
    return counts


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
    options: BatchOptions | None = None,
    on_batch: Callable[[Counts], None] | None = None,
) -> Counts:
    """Run the whole pipeline over a stream of documents, batch by batch; their counts.

    `submit(fn, *args)` runs a step and returns an object with `.result()`; the
    flows pass Prefect task submission, so each batch step is a task run.
    `on_batch` gets each batch's counts as soon as the batch is committed, so a run
    that fails later still records what it wrote.
    """
    total = Counts()
    submit = submit or _run_now

    def done(prep: Prepared, future: Any) -> None:
        analyses = future.result()
        progress.advance("articles", len(analyses))
        counts = submit(finish_batch, ctx, prep, analyses, now).result()
        total.merge(counts)
        if on_batch is not None:
            on_batch(counts)

    pending: tuple[Prepared, Any] | None = None
    for chunk in batched(items, batch_size):
        prep = submit(prepare_batch, ctx, chunk, options).result()
        progress.advance("passed", len(chunk) - len(prep.articles))
        future = submit(analyze_texts, ctx, [(a.text, a.language) for a in prep.articles])
        if pending is not None:
            done(*pending)
        pending = (prep, future)
    if pending is not None:
        done(*pending)
    return total


def analyze_texts(ctx: BatchContext, items: list[tuple[str, str | None]]) -> list[Analysis]:
    """NLP of a batch's (text, language) pairs on the run's workers."""
    return ctx.runtime.analyze(items)
