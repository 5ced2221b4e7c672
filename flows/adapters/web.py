"""Adapters for web sources (RSS/Atom/JSON feeds, sitemaps, URL lists): discover, fetch, log.

A web source yields RawDoc for every page fetched and a Failure (stage
"fetch") for every page that could not be; every HTTP attempt becomes a
fetch_log row, written as the run goes. URLs already in the lake are not
fetched again; a URL that failed in `max_failures_per_url` earlier runs is
given up on.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pyarrow.compute as pc

from flows.adapters.fetcher import Attempt, Fetcher, Response
from flows.adapters.lake import Lake
from flows.engine.settings import HttpConfig, SourceConfig
from transforms.feeds import Discovery, FeedError, Link, parse_feed, parse_sitemap, parse_url_list
from transforms.ids import canonical_url
from transforms.records import Failure, RawDoc
from transforms.schemas import FetchLogRow
from transforms.tables import RunInfo, fetch_row

log = logging.getLogger("newslake.web")
T = TypeVar("T")
FAILED_OUTCOMES = ("http_error", "timeout", "error", "too_large")
MAX_SITEMAP_DEPTH = 3


class LoopThread:
    """An event loop on its own thread, so sync flow code can await the fetcher
    whatever loop the caller's thread may be running."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="newslake-http", daemon=True
        )
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


class WebSession:
    """What the web sources of one run share: one event loop, one fetcher (so robots.txt
    is fetched once per host per run, whatever the number of sources), and the pages
    already tried in this run (a URL two sources list is fetched once)."""

    def __init__(self, http: HttpConfig) -> None:
        self.loop = LoopThread()
        self.fetcher = Fetcher(http)
        self.tried: set[str] = set()  # canonical URLs fetched (or refused) in this run
        self.loop.run(self.fetcher.__aenter__())

    def close(self) -> None:
        """Close the fetcher and stop the loop."""
        try:
            self.loop.run(self.fetcher.__aexit__(None, None, None))
        finally:
            self.loop.close()

    def __enter__(self) -> WebSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class FetchHistory:
    """What earlier runs learned: validators of feeds, how often a page failed."""

    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    non_html: set[str] = field(default_factory=set)  # pages answered with a PDF or the like

    @classmethod
    def load(cls, lake: Lake, since: str | None = None) -> FetchHistory:
        """Read the fetch_log (from `since` on) for conditional GET and failure counts."""
        table = lake.read_arrow(
            "fetch_log",
            start=since,
            columns=["url", "kind", "outcome", "etag", "last_modified", "fetched_at", "run_id"],
        )
        history = cls()
        if table.num_rows == 0:
            return history
        table = table.sort_by([("fetched_at", "ascending")])
        for url, kind, outcome, etag, modified in zip(
            *(
                table.column(c).to_pylist()
                for c in ("url", "kind", "outcome", "etag", "last_modified")
            ),
            strict=True,
        ):
            if kind in ("feed", "sitemap") and outcome == "ok" and (etag or modified):
                history.validators[url] = (etag, modified)
        pages = table.filter(pc.equal(table.column("kind"), "page"))
        failed = pages.filter(pc.is_in(pages.column("outcome"), value_set=_arr(FAILED_OUTCOMES)))
        runs_per_url: dict[str, set[str]] = {}
        for url, run in zip(
            failed.column("url").to_pylist(), failed.column("run_id").to_pylist(), strict=True
        ):
            runs_per_url.setdefault(canonical_url(url) or url, set()).add(run)
        history.failures.update({u: len(r) for u, r in runs_per_url.items()})
        skipped = pages.filter(pc.equal(pages.column("outcome"), "skipped"))
        history.non_html.update(canonical_url(u) or u for u in skipped.column("url").to_pylist())
        return history


def _arr(values: tuple[str, ...]) -> Any:
    import pyarrow as pa

    return pa.array(list(values), pa.string())


class WebSource:
    """One configured web source for one run."""

    def __init__(
        self,
        source: SourceConfig,
        http: HttpConfig,
        run: RunInfo,
        known_urls: set[str],
        history: FetchHistory,
        log_sink: Callable[[list[FetchLogRow]], None],
        chunk_size: int = 200,
        session: WebSession | None = None,
    ) -> None:
        self.source = source
        self.http = http
        self.run = run
        self.known_urls = known_urls
        self.history = history
        self.log_sink = log_sink
        self.chunk_size = chunk_size
        self.session = session
        self.counts: Counter[str] = Counter()
        self.errors: list[str] = []  # a feed or sitemap that failed: the source is incomplete

    def _log(self, responses: list[Response]) -> None:
        rows: list[FetchLogRow] = []
        for r in responses:
            for a in r.attempts:
                last = a is r.attempts[-1]
                rows.append(
                    self._row(a, r.etag if last else None, r.last_modified if last else None)
                )
        if rows:
            self.log_sink(rows)

    def _row(self, a: Attempt, etag: str | None = None, modified: str | None = None) -> FetchLogRow:
        return fetch_row(
            self.source.name,
            a.url,
            a.kind,
            a.attempt,
            a.status,
            a.outcome,
            a.error,
            a.bytes,
            a.elapsed_ms,
            a.fetched_at,
            self.run,
            a.final_url,
            etag,
            modified,
        )

    async def _discover(self, fetcher: Fetcher) -> tuple[list[Link], list[Failure]]:
        """Links of the source (feeds, sitemaps, indexes, URL lists)."""
        s = self.source
        if s.kind == "urls":
            return [Link(u) for u in s.urls], []
        assert s.url is not None
        failures: list[Failure] = []
        links: list[Link] = []
        queue = [(s.url, 0)]
        seen: set[str] = set()
        while queue:
            url, depth = queue.pop(0)
            if url in seen or depth > MAX_SITEMAP_DEPTH:
                continue
            seen.add(url)
            kind = "sitemap" if s.kind == "sitemap" else "feed"
            resp = await fetcher.fetch(url, kind, self.history.validators.get(url))
            self._log([resp])
            if resp.outcome == "not_modified":
                log.info("%s: %s not modified since the last run", s.name, url)
                self.counts["not_modified"] += 1
                continue
            if not resp.ok:
                reason = f"{url}: {kind} fetch failed: {resp.error}"
                failures.append(Failure(s.name, url, "fetch", reason, url=url))
                self.errors.append(reason)
                continue
            try:
                found = self._parse(resp, kind)
            except FeedError as exc:
                failures.append(Failure(s.name, url, "parse", f"{url}: {exc}", url=url))
                self.errors.append(f"{url}: {kind} unreadable: {exc}")
                continue
            if found.truncated:
                log.warning(
                    "%s: %s lists %d more URLs than the cap of %d",
                    s.name,
                    url,
                    found.truncated,
                    self.http.max_urls_per_feed,
                )
                self.counts["truncated"] += found.truncated
            links.extend(found.links)
            queue.extend((child, depth + 1) for child in found.sitemaps)
        return links, failures

    def _parse(self, resp: Response, kind: str) -> Discovery:
        base = resp.final_url or resp.url
        cap = self.http.max_urls_per_feed
        if kind == "sitemap":
            return parse_sitemap(resp.body, base, max_urls=cap, max_bytes=self.http.max_bytes * 5)
        if resp.content_type == "text/plain":
            return parse_url_list(resp.body, base, max_urls=cap)
        return parse_feed(resp.body, base, max_urls=cap, max_bytes=self.http.max_bytes * 5)

    def _select(self, links: list[Link], tried: set[str]) -> list[Link]:
        """New links only: not in the lake, not tried in this run by another source, not
        given up on, not known to be something other than HTML; each once."""
        todo: list[Link] = []
        seen: set[str] = set()
        for link in links:
            key = canonical_url(link.url) or link.url
            if key in seen:
                continue
            seen.add(key)
            self.counts["discovered"] += 1
            if key in self.known_urls or key in tried:
                self.counts["skipped"] += 1
                continue
            if key in self.history.non_html:
                self.counts["skipped"] += 1
                self.counts["not_html"] += 1
                continue
            if self.history.failures.get(key, 0) >= self.http.max_failures_per_url:
                self.counts["given_up"] += 1
                continue
            tried.add(key)
            todo.append(link)
        return todo

    def _to_doc(self, link: Link, resp: Response) -> RawDoc | Failure:
        if not resp.ok:
            reason = f"{link.url}: {resp.outcome}: {resp.error}"
            return Failure(self.source.name, link.url, "fetch", reason, url=link.url)
        assert resp.fetched_at is not None
        return RawDoc(
            source=self.source.name,
            origin=link.url,
            body=resp.body,
            content_type="text/html",
            fetched_at=resp.fetched_at,
            url=link.url,
            final_url=resp.final_url,
            declared_encoding=resp.charset,
            http_status=resp.status,
            hints=link.hints,
        )

    def documents(self) -> Iterator[RawDoc | Failure]:
        """Discover, then fetch new pages chunk by chunk (memory bounded by the chunk)."""
        if self.session is not None:
            yield from self._documents(self.session)
            return
        with WebSession(self.http) as session:
            yield from self._documents(session)

    def _documents(self, session: WebSession) -> Iterator[RawDoc | Failure]:
        loop, fetcher = session.loop, session.fetcher
        links, failures = loop.run(self._discover(fetcher))
        yield from failures
        todo = self._select(links, session.tried)
        log.info("%s: %d links, %d new", self.source.name, len(links), len(todo))
        for start in range(0, len(todo), self.chunk_size):
            chunk = todo[start : start + self.chunk_size]
            responses = loop.run(fetcher.fetch_many([link.url for link in chunk]))
            robots = fetcher.robots_attempts[:]
            fetcher.robots_attempts.clear()
            if robots:
                self.log_sink([self._row(a) for a in robots])
            self._log(responses)
            for link, resp in zip(chunk, responses, strict=True):
                yield self._to_doc(link, resp)
