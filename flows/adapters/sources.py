"""Which adapter reads a configured source (local files, web, WARC)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from flows.adapters.lake import Lake
from flows.adapters.local import read_folder
from flows.adapters.warc import read_warc
from flows.adapters.web import FetchHistory, WebSession, WebSource
from flows.engine.settings import Settings, SourceConfig
from transforms.records import Failure, RawDoc
from transforms.schemas import FetchLogRow, to_arrow
from transforms.tables import RunInfo

WEB_KINDS = frozenset({"rss", "sitemap", "urls"})


def fetch_log_sink(lake: Lake) -> Callable[[list[FetchLogRow]], None]:
    """Writes fetch_log rows as they come (every attempt is kept, even if the run dies later)."""

    def sink(rows: list[FetchLogRow]) -> None:
        lake.write("fetch_log", to_arrow("fetch_log", rows))

    return sink


def documents(
    source: SourceConfig,
    settings: Settings,
    run: RunInfo,
    lake: Lake,
    known_urls: set[str],
    history: FetchHistory | None,
    counts: Counter[str],
    now: dt.datetime,
    session: WebSession | None = None,
    errors: list[str] | None = None,
) -> Iterator[RawDoc | Failure]:
    """The documents of one source, streamed; adapter counts (discovered, ...) go to `counts`,
    and a feed or sitemap that failed to `errors` (the source gave less than it has)."""
    if source.kind in ("folder", "jsonl"):
        assert source.path is not None
        yield from read_folder(source.name, Path(source.path), now, counts, source.include or None)
    elif source.kind == "warc":
        assert source.path is not None
        yield from read_warc(source.name, source.path, counts)
    elif source.kind in WEB_KINDS:
        web = WebSource(
            source,
            settings.http,
            run,
            known_urls,
            history or FetchHistory(),
            fetch_log_sink(lake),
            chunk_size=settings.batch_size,
            session=session,
        )
        yield from web.documents()
        counts.update(web.counts)
        if errors is not None:
            errors.extend(web.errors)
    else:
        raise ValueError(f"source {source.name!r}: unknown kind {source.kind!r}")
