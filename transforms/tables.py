"""Records -> table rows, with deterministic ids and offsets checked against the text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import zstandard

from transforms.dates import day, parse_datetime
from transforms.dedup import simhash
from transforms.entities import EntityMention
from transforms.ids import article_id_for, sha_hex, span_id, text_sha256
from transforms.quotes import Quote
from transforms.records import Extracted, Failure, Hints, RawDoc
from transforms.schemas import (
    TABLES,
    ArticleRow,
    CoverageRow,
    FetchLogRow,
    MentionRow,
    QuarantineRow,
    QuoteRow,
    RawRow,
    ValidationRow,
)

ZSTD_LEVEL = 9


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the NLP components found in one article text (plain and picklable)."""

    mentions: tuple[EntityMention, ...]
    quotes: tuple[Quote, ...]
    error: str | None = None  # NLP failed on this text: the article is quarantined with it
    status: str = "done"  # or skipped_language: no model for the text's language


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What every row written by one run shares."""

    run_id: str
    run_date: dt.date
    started_at: dt.datetime
    pipeline_version: str


def article_row(doc: RawDoc, ex: Extracted, run: RunInfo) -> ArticleRow:
    """The articles row of an extracted document; date from publication, else first seen."""
    aid = doc.article_id or article_id_for(ex.canonical_url, ex.text)
    if ex.published_at is not None and ex.date_source is not None:
        date, date_source = day(ex.published_at), ex.date_source
    else:
        date, date_source = run.run_date.isoformat(), "first_seen"
    return ArticleRow(
        article_id=aid,
        url=ex.url or doc.url,
        canonical_url=ex.canonical_url,
        source=doc.source,
        also_sources=[],
        publisher=ex.publisher,
        origin=doc.origin,
        title=ex.title,
        authors=list(ex.authors),
        published_at=ex.published_at,
        date_source=date_source,
        fetched_at=doc.fetched_at,
        language=ex.language,
        nlp_status="done",  # until NLP says otherwise
        text=ex.text,
        text_sha256=text_sha256(ex.text),
        word_count=len(ex.text.split()),
        duplicate_of=None,
        simhash=simhash(ex.text),
        extractor=ex.extractor,
        pipeline_version=run.pipeline_version,
        run_id=run.run_id,
        date=date,
    )


def mention_rows(article: ArticleRow, mentions: Sequence[EntityMention]) -> list[MentionRow]:
    """Mentions rows of one article (offsets checked against its text)."""
    rows = []
    for m in mentions:
        span_text = article.text[m.start_char : m.end_char]
        if span_text != m.text:
            raise ValueError(
                f"article {article.article_id}: mention {m.text!r} does not match its offsets"
            )
        rows.append(
            MentionRow(
                mention_id=span_id(article.article_id, "mention", m.start_char, m.end_char),
                article_id=article.article_id,
                text=m.text,
                label=m.label,
                start_char=m.start_char,
                end_char=m.end_char,
                sentence_index=m.sentence_index,
                canonical_name=m.canonical_name,
                entity_key=m.entity_key,
                date=article.date,
            )
        )
    return rows


def quote_rows(article: ArticleRow, quotes: Sequence[Quote]) -> list[QuoteRow]:
    """Quotes rows of one article; split and multi-paragraph quotes share a group_id."""
    text = article.text
    rows = []
    for q in quotes:
        qid = span_id(article.article_id, "quote", q.start, q.end)
        group = (
            span_id(article.article_id, "quote", q.group_start, _end_of(quotes, q.group_start))
            if q.group_start is not None
            else qid
        )
        rows.append(
            QuoteRow(
                quote_id=qid,
                article_id=article.article_id,
                quote_text=text[q.start : q.end],
                start_char=q.start,
                end_char=q.end,
                quote_type=q.quote_type,
                speaker_text=text[q.speaker_start : q.speaker_end]
                if q.speaker_start is not None and q.speaker_end is not None
                else None,
                speaker_start=q.speaker_start,
                speaker_end=q.speaker_end,
                speaker_name=q.speaker_name,
                speaker_entity_key=q.speaker_key,
                speaker_role=q.speaker_role,
                speaker_kind=q.speaker_kind,
                co_speaker_names=[name for name, _ in q.co_speakers],
                co_speaker_keys=[key for _, key in q.co_speakers],
                cue=text[q.cue_start : q.cue_end]
                if q.cue_start is not None and q.cue_end is not None
                else None,
                cue_start=q.cue_start,
                cue_end=q.cue_end,
                attribution=q.attribution,
                statement_kind=q.statement_kind,
                sentence_index=q.sentence_index,
                confidence=q.confidence,
                group_id=group,
                date=article.date,
            )
        )
    return rows


def _end_of(quotes: Sequence[Quote], start: int | None) -> int:
    for q in quotes:
        if q.start == start:
            return q.end
    return -1


def compress(body: bytes) -> bytes:
    """zstd-compressed bytes, for the raw table."""
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(body)


def decompress(body: bytes) -> bytes:
    """The original bytes of a raw.body value."""
    return zstandard.ZstdDecompressor().decompress(body)


def raw_row(doc: RawDoc, article_id: str, date: str, encoding: str | None) -> RawRow:
    """The raw row that lets a later reprocess rebuild this article without the network."""
    return RawRow(
        article_id=article_id,
        url=doc.url,
        final_url=doc.final_url,
        source=doc.source,
        origin=doc.origin,
        fetched_at=doc.fetched_at,
        http_status=doc.http_status,
        content_type=doc.content_type,
        encoding=encoding,
        body=compress(doc.body),
        hints=json.dumps(doc.hints.as_json(), sort_keys=True),
        warc_file=doc.warc_file,
        warc_offset=doc.warc_offset,
        date=date,
    )


def raw_doc(row: Mapping[str, Any]) -> RawDoc:
    """The document a stored raw row holds (the inverse of `raw_row`), for reprocessing."""
    hints = json.loads(row["hints"] or "{}")
    return RawDoc(
        source=row["source"],
        origin=row["origin"],
        body=decompress(row["body"]),
        content_type=row["content_type"],
        fetched_at=row["fetched_at"],
        url=row["url"],
        final_url=row["final_url"],
        declared_encoding=row["encoding"],
        http_status=row["http_status"],
        hints=Hints(
            title=hints.get("title"),
            published=parse_datetime(hints.get("published")),
            authors=tuple(hints.get("authors") or ()),
            language=hints.get("language"),
            publisher=hints.get("publisher"),
            date_source=hints.get("date_source") or "feed",
            weak_date=bool(hints.get("weak_date")),
        ),
        warc_file=row["warc_file"],
        warc_offset=row["warc_offset"],
        article_id=row["article_id"],
    )


def failure_row(failure: Failure, run: RunInfo, now: dt.datetime) -> QuarantineRow:
    """A quarantine row for an input that could not become an article."""
    row = {
        "stage": failure.stage,
        "url": failure.url,
        "origin": failure.origin,
        "input": failure.payload,
    }
    return QuarantineRow(
        quarantine_id=sha_hex("input", failure.source, failure.origin, failure.stage),
        table="input",
        row=json.dumps(row, ensure_ascii=False, sort_keys=True),
        failed_expectations=[],
        reason=failure.reason,
        source=failure.source,
        origin=failure.origin,
        run_id=run.run_id,
        quarantined_at=now,
        date=run.run_date.isoformat(),
    )


def row_json(row: object) -> str:
    """A table row as the JSON kept in a quarantine row (raw bytes stay in the raw table)."""
    data = dataclasses.asdict(row)  # type: ignore[call-overload]
    data.pop("body", None)
    return json.dumps(data, default=str, ensure_ascii=False, sort_keys=True)


def rejected_row(
    table: str,
    row: object,
    failed: Sequence[str],
    run: RunInfo,
    now: dt.datetime,
    reason: str | None = None,
) -> QuarantineRow:
    """A quarantine row for a table row that failed row-level expectations (`failed`), or
    that could not be built or analysed (`reason` says why)."""
    key = "|".join(str(getattr(row, k)) for k in TABLES[table].key)
    article = getattr(row, "article_id", None)
    return QuarantineRow(
        quarantine_id=sha_hex(table, key),
        table=table,
        row=row_json(row),
        failed_expectations=sorted(failed),
        reason=reason or f"{table} row {key} failed: {', '.join(sorted(failed))}",
        source=getattr(row, "source", "") or "",
        origin=getattr(row, "origin", None) or article or "",
        run_id=run.run_id,
        quarantined_at=now,
        date=getattr(row, "date"),  # noqa: B009 (every table row has its partition)
    )


def coverage_row(source: str, date: str, run: RunInfo, counts: dict[str, int]) -> CoverageRow:
    """The coverage row of one source and day in one run."""
    return CoverageRow(
        source=source,
        run_id=run.run_id,
        discovered=counts.get("discovered", 0),
        fetched=counts.get("fetched", 0),
        failed=counts.get("failed", 0),
        skipped=counts.get("skipped", 0),
        extracted=counts.get("extracted", 0),
        quarantined=counts.get("quarantined", 0),
        written=counts.get("written", 0),
        skipped_language=counts.get("skipped_language", 0),
        date=date,
    )


EVAL_LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "MISC": "MISC",
}


def eval_record(
    doc_id: str, text: str, analysis: Analysis, kinds: frozenset[str]
) -> dict[str, object]:
    """One line of `newslake extract` output, in the span schema of the eval scorers."""
    quotes = []
    for q in analysis.quotes:
        if q.quote_type not in kinds:
            continue
        has_speaker = q.speaker_start is not None and q.speaker_end is not None
        quotes.append(
            {
                "quote_start": q.start,
                "quote_end": q.end,
                "quote_text": text[q.start : q.end],
                "quote_type": q.quote_type,
                "speaker_start": q.speaker_start,
                "speaker_end": q.speaker_end,
                "speaker_text": text[q.speaker_start : q.speaker_end] if has_speaker else None,
                "speaker_name": q.speaker_name,
                "speaker_kind": q.speaker_kind,
                "co_speakers": [name for name, _ in q.co_speakers],
                "statement_kind": q.statement_kind,
                "attribution": q.attribution,
                "confidence": q.confidence,
            }
        )
    entities = [
        {"start": m.start_char, "end": m.end_char, "label": EVAL_LABELS[m.label], "text": m.text}
        for m in analysis.mentions
        if m.label in EVAL_LABELS
    ]
    return {"id": doc_id, "quotes": quotes, "entities": entities}


def fetch_row(
    source: str,
    url: str,
    kind: str,
    attempt: int,
    status: int | None,
    outcome: str,
    error: str | None,
    size: int,
    elapsed_ms: int,
    fetched_at: dt.datetime,
    run: RunInfo,
    final_url: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchLogRow:
    """A fetch_log row for one attempt."""
    return FetchLogRow(
        fetch_id=sha_hex(run.run_id, source, url, kind, str(attempt)),
        url=url,
        final_url=final_url,
        source=source,
        kind=kind,
        attempt=attempt,
        status=status,
        outcome=outcome,
        error=error,
        bytes=size,
        elapsed_ms=elapsed_ms,
        etag=etag,
        last_modified=last_modified,
        fetched_at=fetched_at,
        run_id=run.run_id,
        date=run.run_date.isoformat(),
    )


def validation_row(
    run_id: str,
    table: str,
    partition: str,
    expectation: str,
    success: bool,
    unexpected_count: int,
    element_count: int,
    observed: str | None,
    at: dt.datetime,
) -> ValidationRow:
    """A validations row for one expectation outcome (partitioned by the day it was checked)."""
    return ValidationRow(
        validation_id=sha_hex(run_id, table, partition, expectation),
        run_id=run_id,
        table=table,
        partition=partition,
        expectation=expectation,
        success=success,
        unexpected_count=unexpected_count,
        element_count=element_count,
        observed=observed,
        validated_at=at,
        date=at.date().isoformat(),
    )
