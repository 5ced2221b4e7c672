"""The only network code: a polite, bounded, hostile-input-safe async HTTP fetcher.

- a global and a per-host concurrency limit;
- connect, read and total timeouts; a maximum body size (decoded bytes, so a
  gzip bomb stops at the cap);
- robots.txt honoured, fetched once per host and cached for the run;
- redirects followed by hand, up to a limit, each hop checked like the first;
- URLs that resolve to loopback, private, link-local or metadata addresses
  refused, unless the address is in a network of `allow_networks` or the host is
  in `allow_hosts` (an internal mirror; tests allow 127.0.0.1/32). Every redirect
  hop is checked like the first URL, and the connection itself goes to an address
  that was checked, so a name cannot resolve differently between the check and
  the connect (DNS rebinding);
- retries with exponential backoff and jitter only for timeouts, connection
  errors, 429 and 5xx, honouring Retry-After;
- conditional GET (ETag / Last-Modified) for feeds and sitemaps;
- every attempt recorded (`Attempt`), for the fetch_log table.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import ipaddress
import logging
import random
import socket
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from flows.engine.settings import HttpConfig

log = logging.getLogger("newslake.fetcher")

HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request and what came of it."""

    url: str
    kind: str  # page, feed, sitemap, robots
    attempt: int
    status: int | None
    outcome: (
        str  # ok, not_modified, http_error, timeout, refused, too_large, skipped, error, robots
    )
    error: str | None
    bytes: int
    elapsed_ms: int
    fetched_at: dt.datetime
    final_url: str | None = None


@dataclass
class Response:
    """The end result of fetching one URL (after redirects and retries)."""

    url: str
    kind: str
    outcome: str
    status: int | None = None
    final_url: str | None = None
    body: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    fetched_at: dt.datetime | None = None
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """A body arrived (status 2xx)."""
        return self.outcome == "ok"


class FetchRefusedError(Exception):
    """The URL may not be fetched (address, scheme, robots); not retried."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


class TooLargeError(Exception):
    """The body exceeded the configured maximum."""


def _special_address(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_reserved
        or addr.is_multicast
        or addr.is_unspecified
    )


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be fetched: every public one; a private, loopback, link-local
    or reserved one only inside an allowed network, or for an allowed host name."""

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, config: HttpConfig) -> AddressPolicy:
        """The policy of an HttpConfig's allow-lists."""
        return cls(
            tuple(ipaddress.ip_network(n, strict=False) for n in config.allow_networks),
            frozenset(h.lower().rstrip(".") for h in config.allow_hosts),
        )

    def refuses(self, host: str, ip: str) -> bool:
        """True when `host`, resolved to `ip`, may not be fetched."""
        if host.lower().rstrip(".") in self.hosts or not _special_address(ip):
            return False
        addr = ipaddress.ip_address(ip)
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        return not any(addr.version == n.version and addr in n for n in self.networks)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _content_type(headers: httpx.Headers) -> tuple[str | None, str | None]:
    raw = headers.get("content-type")
    if not raw:
        return None, None
    parts = [p.strip() for p in raw.split(";")]
    charset = None
    for p in parts[1:]:
        if p.lower().startswith("charset="):
            charset = p.split("=", 1)[1].strip().strip("\"'") or None
    return parts[0].lower() or None, charset


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving names itself and connecting only to
    addresses it has checked: nothing is sent to a private, loopback or link-local
    address outside the allow-lists, whatever a resolver answered before."""

    def __init__(
        self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await asyncio.wait_for(
                asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM),
                timeout,
            )
        except (socket.gaierror, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        blocked = [a for a in addresses if self._policy.refuses(host, a)]
        if blocked:
            raise FetchRefusedError(
                "refused",
                f"{host} resolves to {blocked[0]}, a private, loopback or link-local address "
                "outside allow_networks",
            )
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise FetchRefusedError("refused", f"unix sockets are not fetched: {path}")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class Fetcher:
    """Fetches URLs with the limits of an HttpConfig. Use as an async context manager."""

    def __init__(
        self, config: HttpConfig, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self.policy = AddressPolicy.of(config)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(config.max_connections)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(config.max_per_host)
        )
        self._robots: dict[str, Protego | None] = {}
        self._robots_down: dict[str, str] = {}  # origin -> why its robots.txt could not be read
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._resolved: dict[str, bool] = {}
        self.robots_attempts: list[Attempt] = []

    async def __aenter__(self) -> Fetcher:
        c = self.config
        timeout = httpx.Timeout(
            connect=c.connect_timeout, read=c.read_timeout, write=c.read_timeout, pool=None
        )
        transport = self._transport
        if transport is None:
            limits = httpx.Limits(
                max_connections=c.max_connections, max_keepalive_connections=c.max_connections
            )
            http = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
            # httpx takes no network backend; its pool is httpcore's, which does
            pool = http._pool
            pool._network_backend = CheckedBackend(self.policy, pool._network_backend)  # type: ignore[union-attr]
            transport = http
        self._client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": c.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(
                max_connections=c.max_connections, max_keepalive_connections=c.max_connections
            ),
            transport=transport,
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    # -- checks -------------------------------------------------------------
    async def _check_address(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefusedError("refused", f"not an http(s) URL: {url}")
        host = parts.hostname
        blocked = self._resolved.get(host)
        if blocked is None:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, parts.port or 443, type=socket.SOCK_STREAM
                )
            except socket.gaierror as exc:
                raise FetchRefusedError("error", f"cannot resolve {host}: {exc}") from exc
            blocked = any(self.policy.refuses(host, str(info[4][0])) for info in infos)
            self._resolved[host] = blocked
        if blocked:
            raise FetchRefusedError(
                "refused",
                f"{host} resolves to a private, loopback or link-local address "
                "outside allow_networks",
            )

    async def _robots_for(self, url: str) -> Protego | None:
        origin = _origin(url)
        async with self._robots_locks[origin]:
            if origin in self._robots:
                return self._robots[origin]
            robots_url = f"{origin}/robots.txt"
            # outside the connection limits: a page waiting on its redirect's robots.txt holds
            # slots of its own, and one request per host and run costs no politeness
            resp = await self._fetch_once_with_retries(robots_url, "robots", None, limited=False)
            self.robots_attempts.extend(resp.attempts)
            parser: Protego | None
            if resp.ok:
                parser = Protego.parse(resp.body.decode("utf-8", errors="replace"))
            elif resp.status is not None and 400 <= resp.status < 500:
                parser = None  # no robots.txt: everything is allowed
            else:
                # robots.txt unreachable or failing: crawl nothing there this run (RFC 9309)
                parser = Protego.parse("User-agent: *\nDisallow: /")
                self._robots_down[origin] = resp.error or resp.outcome
            self._robots[origin] = parser
            return parser

    # -- fetching -------------------------------------------------------------
    async def fetch(
        self, url: str, kind: str = "page", conditional: tuple[str | None, str | None] | None = None
    ) -> Response:
        """Fetch one URL: robots, address checks, redirects, retries, size cap."""
        try:
            await self._check_address(url)
        except FetchRefusedError as exc:
            return self._refused(url, kind, exc)
        if self.config.respect_robots and kind != "robots":
            robots = await self._robots_for(url)
            if robots is not None and not robots.can_fetch(url, self.config.user_agent):
                down = self._robots_down.get(_origin(url))
                why = (
                    f"{_origin(url)}/robots.txt could not be read ({down}), so nothing is "
                    "fetched from the host this run"
                    if down
                    else f"disallowed by robots.txt: {url}"
                )
                return self._refused(url, kind, FetchRefusedError("robots", why))
        return await self._fetch_once_with_retries(url, kind, conditional)

    def _refused(self, url: str, kind: str, exc: FetchRefusedError) -> Response:
        now = dt.datetime.now(dt.UTC)
        attempt = Attempt(url, kind, 1, None, exc.outcome, str(exc), 0, 0, now)
        return Response(url, kind, exc.outcome, error=str(exc), fetched_at=now, attempts=[attempt])

    async def _fetch_once_with_retries(
        self,
        url: str,
        kind: str,
        conditional: tuple[str | None, str | None] | None,
        limited: bool = True,
    ) -> Response:
        c = self.config
        attempts: list[Attempt] = []
        host = urlsplit(url).hostname or ""
        for n in range(1, c.retries + 2):
            started = time.monotonic()
            fetched_at = dt.datetime.now(dt.UTC)
            wait: float | None = None
            try:
                # the host slot first: a request waiting for its host holds no global slot
                slots = (
                    (self._hosts[host], self._global) if limited else (contextlib.nullcontext(),)
                )
                async with contextlib.AsyncExitStack() as stack:
                    for slot in slots:
                        await stack.enter_async_context(slot)  # type: ignore[arg-type]
                    resp = await asyncio.wait_for(
                        self._get_following(url, conditional, kind),
                        timeout=c.connect_timeout + 2 * c.read_timeout,
                    )
            except FetchRefusedError as exc:
                attempts.append(
                    Attempt(url, kind, n, None, exc.outcome, str(exc), 0, _ms(started), fetched_at)
                )
                return Response(
                    url, kind, exc.outcome, error=str(exc), fetched_at=fetched_at, attempts=attempts
                )
            except TooLargeError as exc:
                attempts.append(
                    Attempt(
                        url,
                        kind,
                        n,
                        200,
                        "too_large",
                        str(exc),
                        c.max_bytes,
                        _ms(started),
                        fetched_at,
                    )
                )
                return Response(
                    url,
                    kind,
                    "too_large",
                    status=200,
                    error=str(exc),
                    fetched_at=fetched_at,
                    attempts=attempts,
                )
            except (httpx.TimeoutException, TimeoutError) as exc:
                error = f"timeout after {time.monotonic() - started:.1f} s ({type(exc).__name__})"
                attempts.append(
                    Attempt(url, kind, n, None, "timeout", error, 0, _ms(started), fetched_at)
                )
                outcome, status = "timeout", None
            except httpx.TransportError as exc:
                error = f"{type(exc).__name__}: {exc}"
                attempts.append(
                    Attempt(url, kind, n, None, "error", error, 0, _ms(started), fetched_at)
                )
                outcome, status = "error", None
            else:
                final_url, r, body = resp
                status = r.status_code
                if status == 304:
                    attempts.append(
                        Attempt(
                            url,
                            kind,
                            n,
                            304,
                            "not_modified",
                            None,
                            0,
                            _ms(started),
                            fetched_at,
                            final_url,
                        )
                    )
                    return Response(
                        url,
                        kind,
                        "not_modified",
                        304,
                        final_url,
                        fetched_at=fetched_at,
                        attempts=attempts,
                    )
                if 200 <= status < 300:
                    ctype, charset = _content_type(r.headers)
                    result = Response(
                        url,
                        kind,
                        "ok",
                        status,
                        final_url,
                        body,
                        ctype,
                        charset,
                        r.headers.get("etag"),
                        r.headers.get("last-modified"),
                        None,
                        fetched_at,
                        attempts,
                    )
                    skip = self._skip_reason(kind, ctype, body)
                    if skip:
                        result.outcome, result.error = "skipped", skip
                    attempts.append(
                        Attempt(
                            url,
                            kind,
                            n,
                            status,
                            result.outcome,
                            skip,
                            len(body),
                            _ms(started),
                            fetched_at,
                            final_url,
                        )
                    )
                    return result
                error = f"HTTP {status}"
                attempts.append(
                    Attempt(
                        url,
                        kind,
                        n,
                        status,
                        "http_error",
                        error,
                        len(body),
                        _ms(started),
                        fetched_at,
                        final_url,
                    )
                )
                outcome = "http_error"
                give_up: str | None = error  # 4xx other than 429: asking again will not help
                if status in RETRY_STATUS:
                    wait = parse_retry_after(r.headers.get("retry-after"), time.time())
                    too_long = wait is not None and wait > c.max_retry_after
                    give_up = (
                        f"{error}, Retry-After {wait:.0f} s exceeds {c.max_retry_after:.0f} s"
                        if too_long
                        else None
                    )
                if give_up is not None:
                    return Response(
                        url,
                        kind,
                        outcome,
                        status,
                        final_url,
                        error=give_up,
                        fetched_at=fetched_at,
                        attempts=attempts,
                    )
            if n > c.retries:
                break
            delay = (
                wait
                if wait is not None
                else c.backoff * (2 ** (n - 1)) + random.uniform(0, c.backoff)
            )
            await asyncio.sleep(delay)
        last = attempts[-1]
        return Response(
            url,
            kind,
            last.outcome,
            last.status,
            last.final_url,
            error=last.error,
            fetched_at=last.fetched_at,
            attempts=attempts,
        )

    def _skip_reason(self, kind: str, ctype: str | None, body: bytes) -> str | None:
        if kind != "page":
            return None
        if ctype in HTML_TYPES:
            return None
        if ctype in (None, "application/octet-stream", "text/plain") and _looks_like_html(body):
            return None
        return f"content type {ctype or 'unknown'} is not HTML"

    async def _get_following(
        self, url: str, conditional: tuple[str | None, str | None] | None, kind: str = "page"
    ) -> tuple[str, httpx.Response, bytes]:
        assert self._client is not None
        headers = {}
        if conditional:
            etag, modified = conditional
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        current = url
        seen = {url}
        origins = {_origin(url)}
        for _ in range(self.config.max_redirects + 1):
            await self._check_address(current)
            if _origin(current) not in origins:
                origins.add(_origin(current))
                # a redirect to another host obeys that host's robots.txt
                if self.config.respect_robots and kind != "robots":
                    robots = await self._robots_for(current)
                    if robots is not None and not robots.can_fetch(current, self.config.user_agent):
                        raise FetchRefusedError(
                            "robots", f"redirect to {current} disallowed by its robots.txt"
                        )
            async with self._client.stream("GET", current, headers=headers) as r:
                if r.status_code in (301, 302, 303, 307, 308) and "location" in r.headers:
                    nxt = urljoin(current, r.headers["location"])
                    if nxt in seen:
                        raise FetchRefusedError("error", f"redirect loop at {nxt}")
                    seen.add(nxt)
                    current = nxt
                    continue
                body = bytearray()
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.config.max_bytes:
                    raise TooLargeError(
                        f"Content-Length {declared} exceeds {self.config.max_bytes} bytes"
                    )
                async for chunk in r.aiter_bytes():
                    body += chunk
                    if len(body) > self.config.max_bytes:
                        raise TooLargeError(f"body exceeds {self.config.max_bytes} bytes")
                return current, r, bytes(body)
        raise FetchRefusedError(
            "error", f"more than {self.config.max_redirects} redirects from {url}"
        )

    async def fetch_many(self, urls: Iterable[str], kind: str = "page") -> list[Response]:
        """Fetch URLs concurrently within the limits; results in input order."""
        return list(await asyncio.gather(*(self.fetch(u, kind) for u in urls)))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
