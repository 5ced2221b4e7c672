"""Fetch throughput against local servers with simulated latency (default politeness limits).

    python -m bench.fetch [--latency 0.1] [--pages 400] [--hosts 1 8]

Starts one test server per host address (127.0.0.1, 127.0.0.2, ...) serving the
pages of ../shared/corpus, each answering after `latency` seconds, and fetches
`pages` URLs spread over the hosts with the default HttpConfig (16 connections,
2 per host, robots.txt honoured).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from pathlib import Path

from flows.adapters.fetcher import Fetcher
from flows.engine.settings import HttpConfig
from tests.localserver import Handler, Server, State


def run(latency: float, pages: int, hosts: int, corpus: Path) -> dict[str, float]:
    """pages/s for one configuration."""
    state = State(corpus)
    state.latency = latency
    servers = []
    for i in range(hosts):
        srv = Server((f"127.0.0.{i + 1}", 0), Handler)
        srv.state = state
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
    ids = list(state.pages)
    urls = []
    for n in range(pages):
        host, port = f"127.0.0.{n % hosts + 1}", servers[n % hosts].server_address[1]
        urls.append(f"http://{host}:{port}/html/{ids[n % len(ids)]}.html?n={n}")

    async def go() -> list:
        async with Fetcher(HttpConfig(allow_networks=["127.0.0.0/24"])) as f:
            return await f.fetch_many(urls)

    started = time.perf_counter()
    results = asyncio.run(go())
    secs = time.perf_counter() - started
    for srv in servers:
        srv.shutdown()
    ok = sum(r.ok for r in results)
    mb = sum(len(r.body) for r in results) / 1e6
    return {
        "hosts": hosts,
        "latency_s": latency,
        "pages": pages,
        "ok": ok,
        "seconds": round(secs, 2),
        "pages_per_s": round(pages / secs, 1),
        "mb_per_s": round(mb / secs, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--hosts", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--corpus", default="../shared/corpus")
    args = ap.parse_args()
    for hosts in args.hosts:
        print(json.dumps(run(args.latency, args.pages, hosts, Path(args.corpus))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
