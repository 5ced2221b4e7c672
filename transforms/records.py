"""Records passed between stages: an input document, what extraction made of it, a failure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Hints:
    """What the source says about a document before we read it (feed item, JSONL fields)."""

    title: str | None = None
    published: dt.datetime | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    publisher: str | None = None
    # which DATE_SOURCES value `published` counts as: feed, archive
    date_source: str = "feed"
    # a weak date (sitemap lastmod, WARC capture time) loses to any date the page states
    weak_date: bool = False

    def as_json(self) -> dict[str, object]:
        """JSON-ready form, for the raw table."""
        return {
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "authors": list(self.authors),
            "language": self.language,
            "publisher": self.publisher,
            "date_source": self.date_source,
            "weak_date": self.weak_date,
        }


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One input document exactly as read or fetched, with its provenance."""

    source: str
    origin: str
    body: bytes
    content_type: str  # text/html, text/plain
    fetched_at: dt.datetime
    url: str | None = None
    final_url: str | None = None
    declared_encoding: str | None = None
    http_status: int | None = None
    hints: Hints = field(default_factory=Hints)
    warc_file: str | None = None
    warc_offset: int | None = None
    # reprocessing keeps the article id the document had, whatever extraction now finds
    article_id: str | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article's text and metadata, as extraction found them."""

    text: str
    title: str | None
    authors: tuple[str, ...]
    published_at: dt.datetime | None
    date_source: str | None  # None: no date found, the flow uses first_seen
    language: str | None
    extractor: str
    canonical_url: str | None
    encoding: str | None
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not become an article, and why (never raised, always recorded)."""

    source: str
    origin: str
    stage: str  # read, decode, parse, extract, fetch
    reason: str
    url: str | None = None
    payload: str | None = None  # the input, or as much of it as can be kept, for the quarantine row
