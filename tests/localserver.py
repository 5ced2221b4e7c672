"""A real HTTP server on 127.0.0.1 serving the pages of ../shared/corpus, for fetch tests.

Besides the corpus it serves routes that misbehave on purpose (404, 410, flaky
500, 429 with Retry-After, a hanging response, a redirect loop, a 50 MB body, a
PDF, wrong charset declarations, a redirect to anywhere), honours If-None-Match, and records the most
simultaneous requests it saw per Host header.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class State:
    """What the server serves and what it saw."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self.pages = {
            r["id"]: r
            for r in map(json.loads, (corpus / "manifest.jsonl").read_text().splitlines())
        }
        self.documents: dict[str, tuple[bytes, str]] = {}  # path -> (body, content type)
        self.latency = 0.0
        self.lock = threading.Lock()
        self.active: Counter[str] = Counter()
        self.max_active: Counter[str] = Counter()
        self.max_total = 0
        self.hits: Counter[str] = Counter()
        self.flaky: dict[str, int] = defaultdict(int)

    def page_bytes(self, pid: str) -> bytes:
        return gzip.decompress((self.corpus / self.pages[pid]["file"]).read_bytes())


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        gz: bool = False,
    ) -> None:
        if gz and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            headers = {**(headers or {}), "Content-Encoding": "gzip"}
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        st = self.server.state
        host = self.headers.get("Host", "?").split(":")[0]
        with st.lock:
            st.active[host] += 1
            st.max_active[host] = max(st.max_active[host], st.active[host])
            st.max_total = max(st.max_total, sum(st.active.values()))
            st.hits[self.path] += 1
        try:
            if st.latency:
                time.sleep(st.latency)
            self._route(st, urlsplit(self.path).path, urlsplit(self.path).query)
        finally:
            with st.lock:
                st.active[host] -= 1

    def _route(self, st: State, path: str, query: str = "") -> None:
        if path == "/redirect":  # /redirect?to=URL: a 302 to anywhere, as a hostile page does
            self.send_response(302)
            self.send_header("Location", parse_qs(query).get("to", ["/"])[0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == "/robots.txt":
            return self._send(200, ROBOTS, "text/plain")
        if path.startswith(("/html/", "/private/")):
            pid = path.rsplit("/", 1)[-1].removesuffix(".html")
            if pid not in st.pages:
                return self._send(404, b"not here")
            return self._send(200, st.page_bytes(pid), gz=True)
        if path in st.documents:
            body, ctype = st.documents[path]
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._send(200, body, ctype, {"ETag": etag})
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[-1])
            return self._send(code, f"status {code}".encode())
        if path.startswith("/flaky/"):
            with st.lock:
                st.flaky[path] += 1
                n = st.flaky[path]
            if n == 1:
                return self._send(500, b"try again")
            return self._send(200, st.page_bytes(path.rsplit("/", 1)[-1]))
        if path.startswith("/ratelimit/"):
            with st.lock:
                st.flaky[path] += 1
                n = st.flaky[path]
            if n == 1:
                return self._send(429, b"slow down", headers={"Retry-After": "1"})
            return self._send(200, st.page_bytes(path.rsplit("/", 1)[-1]))
        if path == "/hang":
            time.sleep(8)
            return self._send(200, b"<html>too late</html>")
        if path.startswith("/loop/"):
            nxt = "/loop/b" if path == "/loop/a" else "/loop/a"
            self.send_response(302)
            self.send_header("Location", nxt)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == "/big":
            size = 50 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65533
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/pdf":
            return self._send(
                200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf"
            )
        if path.startswith("/badcharset/"):
            # declares a charset that does not exist; the bytes are UTF-8
            body = st.page_bytes(path.rsplit("/", 1)[-1])
            return self._send(200, body, "text/html; charset=x-no-such-charset")
        return self._send(404, b"no route")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    state: State


def start(corpus: Path, host: str = "127.0.0.1") -> tuple[Server, threading.Thread]:
    """Start on a free port of 127.0.0.1 (or another loopback address)."""
    server = Server((host, 0), Handler)
    server.state = State(corpus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
