"""Fetching against a real HTTP server on 127.0.0.1 serving ../shared/corpus."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from flows.adapters.fetcher import Fetcher
from flows.adapters.lake import Lake
from flows.engine.settings import HttpConfig, Settings, SourceConfig
from tests import localserver
from tests.conftest import CORPUS, need_corpus, write_config
from transforms.feeds import parse_feed, parse_sitemap

pytestmark = pytest.mark.slow
FEEDS = CORPUS / "feeds"
CAP = 8


@pytest.fixture(scope="module")
def server():
    need_corpus()
    srv, _ = localserver.start(CORPUS)
    yield srv
    srv.shutdown()


@pytest.fixture(scope="module")
def internal():
    """A second loopback address: a stand-in for an internal service nobody allowed."""
    need_corpus()
    srv, _ = localserver.start(CORPUS, host="127.0.0.2")
    yield srv
    srv.shutdown()


def base(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def cfg(**changes) -> HttpConfig:
    defaults = dict(
        allow_networks=["127.0.0.1/32"],  # the test server; 127.0.0.2 stays refused
        read_timeout=1.0,
        connect_timeout=1.0,
        retries=2,
        backoff=0.05,
        max_retry_after=5,
    )
    return HttpConfig(**{**defaults, **changes})


def fetch_all(config: HttpConfig, urls: list[str]):
    async def go():
        async with Fetcher(config) as f:
            return await f.fetch_many(urls)

    return asyncio.run(go())


def test_failures_end_as_the_right_outcome(server):
    b = base(server)
    pid = "fundus-us-apnews-2023_04_28"
    urls = {
        "ok": f"{b}/html/{pid}.html",
        "404": f"{b}/status/404",
        "410": f"{b}/status/410",
        "flaky": f"{b}/flaky/{pid}",
        "429": f"{b}/ratelimit/{pid}",
        "hang": f"{b}/hang",
        "loop": f"{b}/loop/a",
        "big": f"{b}/big",
        "pdf": f"{b}/pdf",
        "robots": f"{b}/private/{pid}.html",
        "charset": f"{b}/badcharset/{pid}",
    }
    started = time.monotonic()
    got = dict(zip(urls, fetch_all(cfg(), list(urls.values())), strict=True))
    assert got["ok"].outcome == "ok" and b"<html" in got["ok"].body[:2000].lower()
    assert got["ok"].content_type == "text/html" and got["ok"].charset == "utf-8"
    assert (got["404"].outcome, got["404"].status, len(got["404"].attempts)) == (
        "http_error",
        404,
        1,
    )
    assert (got["410"].outcome, got["410"].status, len(got["410"].attempts)) == (
        "http_error",
        410,
        1,
    )
    assert [a.status for a in got["flaky"].attempts] == [500, 200] and got["flaky"].ok
    assert [a.status for a in got["429"].attempts] == [429, 200] and got["429"].ok
    gap = (got["429"].attempts[1].fetched_at - got["429"].attempts[0].fetched_at).total_seconds()
    assert gap >= 0.95  # Retry-After: 1 was honoured
    assert got["hang"].outcome == "timeout" and len(got["hang"].attempts) == 3
    assert got["loop"].outcome == "error" and "redirect loop" in got["loop"].error
    assert got["big"].outcome == "too_large"
    assert got["pdf"].outcome == "skipped" and "application/pdf is not HTML" in got["pdf"].error
    assert got["robots"].outcome == "robots"
    assert got["charset"].ok and got["charset"].charset == "x-no-such-charset"
    assert time.monotonic() - started < 30


def test_private_addresses_are_refused_by_default(server):
    resp = fetch_all(HttpConfig(), [f"{base(server)}/html/x.html"])[0]
    assert resp.outcome == "refused" and "private, loopback or link-local" in resp.error
    meta = fetch_all(HttpConfig(), ["http://169.254.169.254/latest/meta-data/"])[0]
    assert meta.outcome == "refused"


def test_a_redirect_out_of_the_allow_list_is_refused(server, internal):
    target = f"http://127.0.0.2:{internal.server_address[1]}/html/x.html"
    resp = fetch_all(cfg(), [f"{base(server)}/redirect?to={target}"])[0]
    assert resp.outcome == "refused" and "outside allow_networks" in resp.error
    assert [a.outcome for a in resp.attempts] == ["refused"]  # one attempt, logged, no retry
    assert internal.state.hits["/html/x.html"] == 0  # nothing reached it
    # allowing the second address (a mirror) lets the same redirect through
    allowed = cfg(allow_networks=["127.0.0.1/32", "127.0.0.2/32"], respect_robots=False)
    resp = fetch_all(allowed, [f"{base(server)}/redirect?to={target}"])[0]
    assert resp.status == 404 and internal.state.hits["/html/x.html"] == 1


def test_allow_lists_are_checked_when_the_config_is_read():
    with pytest.raises(ValueError, match=r"allow_networks: '10\.0\.0\.300/8' is not a network"):
        HttpConfig(allow_networks=["10.0.0.300/8"])
    with pytest.raises(ValueError, match="allow_private is gone"):
        HttpConfig(allow_private=True)


def test_a_name_that_resolves_differently_on_connect_is_refused(server):
    """DNS rebinding: the check saw a public address, the connection went to loopback."""
    port = server.server_address[1]

    async def go():
        async with Fetcher(HttpConfig(respect_robots=False)) as f:
            f._resolved["localhost"] = False  # what a rebinding resolver answered at check time
            return await f.fetch(f"http://localhost:{port}/html/x.html")

    resp = asyncio.run(go())
    assert resp.outcome == "refused", resp
    assert "localhost resolves to" in resp.error and "loopback" in resp.error
    assert server.state.hits["/html/x.html"] == 0  # nothing was sent


def test_concurrency_limits_hold_per_host_and_overall(server):
    st = server.state
    deadline = time.monotonic() + 15
    while sum(st.active.values()) and time.monotonic() < deadline:
        time.sleep(0.1)  # let requests of earlier tests (the hanging one) finish server-side
    st.latency = 0.2
    st.max_active.clear()
    st.max_total = 0
    port = server.server_address[1]
    pid = "fundus-us-apnews-2023_04_28"
    urls = [f"http://127.0.0.1:{port}/html/{pid}.html?n={i}" for i in range(10)]
    urls += [f"http://localhost:{port}/html/{pid}.html?n={i}" for i in range(10)]
    try:
        results = fetch_all(cfg(max_per_host=2, max_connections=3, respect_robots=False), urls)
    finally:
        st.latency = 0.0
    assert all(r.ok for r in results)
    assert st.max_active["127.0.0.1"] <= 2 and st.max_active["localhost"] <= 2
    assert st.max_total <= 3
    assert max(st.max_active.values()) == 2  # the limit is used, not just respected


# -- the nightly flow over feeds and sitemaps -----------------------------------------


def _pages() -> list[str]:
    rows = [json.loads(x) for x in (CORPUS / "manifest.jsonl").read_text().splitlines()]
    return [r["id"] for r in rows if r["source"] == "fundus"]


def _rewrite(
    raw: bytes, links: list[str], local: list[str], extra: dict[str, str] | None = None
) -> bytes:
    for original, new in zip(links, local, strict=False):
        for form in {original, original.replace("&", "&amp;"), original.replace("/", "\\/")}:
            raw = raw.replace(form.encode(), new.encode())
    for a, b in (extra or {}).items():
        raw = raw.replace(a.encode(), b.encode())
    return raw


@pytest.fixture(scope="module")
def feeds(server, internal):
    """Feeds and sitemaps of the corpus with their first links pointing at local corpus pages."""
    b = base(server)
    pages = iter(_pages())
    docs = server.state.documents
    expected: list[str] = []

    def local_links(n: int) -> list[str]:
        ids = [next(pages) for _ in range(n)]
        expected.extend(ids)
        return [f"{b}/html/{i}.html" for i in ids]

    guardian = (FEEDS / "guardian-us-2018-01-31.rss").read_bytes()
    links = [x.url for x in parse_feed(guardian, "http://x/").links][:CAP]
    docs["/feeds/guardian.rss"] = (
        _rewrite(guardian, links, local_links(CAP)),
        "application/rss+xml",
    )

    tpm = (FEEDS / "tpm-all-news-2017-11-08.atom").read_bytes()
    rel = [urlsplit(x.url).path for x in parse_feed(tpm, "http://x/").links][:CAP]
    paths = [urlsplit(u).path for u in local_links(CAP)]
    # relative entry links resolve against the feed's alternate link: point that here
    tpm = _rewrite(
        tpm,
        [f'href="{p}"' for p in rel],
        [f'href="{p}"' for p in paths],
        {"http://talkingpointsmemo.com": b},
    )
    docs["/feeds/tpm.atom"] = (tpm, "application/atom+xml")

    npr = (FEEDS / "npr-technology.feed.json").read_bytes()
    links = [x.url for x in parse_feed(npr, "http://x/").links][:CAP]
    docs["/feeds/npr.json"] = (_rewrite(npr, links, local_links(CAP)), "application/feed+json")

    news = (FEEDS / "shinpaideshou-news-sitemap.xml").read_bytes()
    links = [x.url for x in parse_sitemap(news, "http://x/").links]
    docs["/sitemaps/news.xml"] = (_rewrite(news, links, local_links(len(links))), "application/xml")

    hebden = gzip.decompress((FEEDS / "hebdenbridgetimes-articles-sitemap.xml.gz").read_bytes())
    links = [x.url for x in parse_sitemap(hebden, "http://x/").links][:CAP]
    docs["/sitemaps/hebden.xml.gz"] = (
        gzip.compress(_rewrite(hebden, links, local_links(CAP))),
        "application/x-gzip",
    )
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{b}/sitemaps/hebden.xml.gz</loc></sitemap>
  <sitemap><loc>{b}/sitemaps/missing.xml</loc></sitemap>
</sitemapindex>"""
    docs["/sitemaps/index.xml"] = (index.encode(), "application/xml")
    docs["/feeds/broken.rss"] = (
        b"<html><body><p>Our feed has moved.</p></body></html>",
        "application/rss+xml",
    )
    docs["/sitemaps/notxml.xml"] = (b"<html><body>Sitemap moved</body></html>", "text/html")
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><rss><channel><item><link>&lol2;</link></item></channel></rss>'
    docs["/feeds/bomb.rss"] = (bomb, "application/rss+xml")
    pid, other = "aeb-7a457a4f71735c17", "aeb-776a1c046798b474"
    copy = f"{b}/html/{expected[0]}.html?edition=2"  # the same page under another URL
    urls = [f"{b}/status/404", f"{b}/status/410", f"{b}/flaky/{pid}", f"{b}/pdf", f"{b}/big"]
    urls += [f"{b}/loop/a", f"{b}/badcharset/{other}", copy]
    hidden = f"http://127.0.0.2:{internal.server_address[1]}/html/{expected[1]}.html"
    docs["/lists/failing.txt"] = ("\n".join(urls).encode(), "text/plain")
    return {
        "expected": expected,
        "flaky_page": pid,
        "charset_page": other,
        "copy": copy,
        "redirect": f"{b}/redirect?to={hidden}",  # a page redirecting into the internal network
        "twice": f"{b}/html/{expected[0]}.html",  # in the guardian feed and a URL list
    }


def web_settings(server, lake: Path, feeds: dict) -> Settings:
    b = base(server)
    sources = [
        SourceConfig(name="guardian", kind="rss", url=f"{b}/feeds/guardian.rss"),
        SourceConfig(name="tpm", kind="rss", url=f"{b}/feeds/tpm.atom"),
        SourceConfig(name="npr", kind="rss", url=f"{b}/feeds/npr.json"),
        SourceConfig(name="news", kind="sitemap", url=f"{b}/sitemaps/news.xml"),
        SourceConfig(name="hebden", kind="sitemap", url=f"{b}/sitemaps/index.xml"),
        SourceConfig(name="failing", kind="rss", url=f"{b}/lists/failing.txt"),
        SourceConfig(name="broken", kind="rss", url=f"{b}/feeds/broken.rss"),
        SourceConfig(name="notxml", kind="sitemap", url=f"{b}/sitemaps/notxml.xml"),
        SourceConfig(name="bomb", kind="rss", url=f"{b}/feeds/bomb.rss"),
        SourceConfig(
            name="direct", kind="urls", urls=[feeds["twice"], f"{b}/pdf", feeds["redirect"]]
        ),
    ]
    http = cfg(max_urls_per_feed=CAP, max_bytes=5 * 1024 * 1024)
    return Settings(lake=str(lake), sources=sources, http=http, workers=1, batch_size=50)


def test_nightly_over_feeds_and_sitemaps(server, feeds, prefect_api, tmp_path):
    from flows.nightly import nightly

    config = write_config(tmp_path, web_settings(server, tmp_path / "lake", feeds))
    summary = nightly(run_date="2026-11-29", config=config)
    lake = Lake(str(tmp_path / "lake"))
    articles = lake.read_table("articles")
    expected = set(feeds["expected"]) | {feeds["flaky_page"], feeds["charset_page"]}
    got = {urlsplit(u).path.rsplit("/", 1)[-1].removesuffix(".html") for u in articles["url"]}
    if got != expected:
        print(lake.read_table("fetch_log")[["url", "outcome", "error"]].to_string())
    assert got == expected
    assert summary["written"]["articles"] == len(expected) + 1  # and the copy, marked as one
    first = articles[articles["url"].str.endswith(f"/{feeds['expected'][0]}.html")][
        "article_id"
    ].iloc[0]
    assert articles[articles["url"] == feeds["copy"]]["duplicate_of"].tolist() == [first]

    log = lake.read_table("fetch_log")
    by_url = dict(list(log.groupby("url")))
    b = base(server)
    assert by_url[f"{b}/status/404"]["outcome"].tolist() == ["http_error"]
    assert by_url[f"{b}/flaky/{feeds['flaky_page']}"].sort_values("attempt")["status"].tolist() == [
        500,
        200,
    ]
    assert by_url[f"{b}/pdf"]["outcome"].tolist() == ["skipped"]
    assert by_url[f"{b}/big"]["outcome"].tolist() == ["too_large"]
    assert by_url[f"{b}/sitemaps/missing.xml"]["status"].tolist() == [404]
    # robots.txt once per host and run, whatever the number of sources on the host
    assert log[log["kind"] == "robots"]["url"].tolist() == [f"{b}/robots.txt"]
    # a URL listed by two sources is fetched once
    assert server.state.hits[urlsplit(feeds["twice"]).path] == 1
    # a redirect into an address nobody allowed is refused, logged, and nothing reaches it
    hop = by_url[feeds["redirect"]]
    assert (
        hop["outcome"].tolist() == ["refused"] and "outside allow_networks" in hop["error"].iloc[0]
    )
    # a sitemap that failed makes the run partial, and the summary names it
    assert summary["status"] == "partial"
    assert f"source hebden: {b}/sitemaps/missing.xml: sitemap fetch failed" in summary["message"]
    cov = (
        lake.read_table("coverage")
        .groupby("source")[["discovered", "fetched", "failed", "written"]]
        .sum()
    )
    assert cov.loc["guardian", ["discovered", "fetched", "written"]].tolist() == [CAP, CAP, CAP]
    assert cov.loc["failing", "failed"] == 5 and cov.loc["failing", "written"] == 3
    quarantine = lake.read_table("quarantine").set_index("origin")
    assert "not a feed" in quarantine.loc[f"{b}/feeds/broken.rss", "reason"]
    assert "not a sitemap" in quarantine.loc[f"{b}/sitemaps/notxml.xml", "reason"]
    assert "entities; refused" in quarantine.loc[f"{b}/feeds/bomb.rss", "reason"]
    raw = lake.read_table("raw")
    assert raw["http_status"].eq(200).all() and raw["final_url"].notna().all()

    # the second run fetches nothing new: feeds answer 304, known pages are skipped
    hits_before = dict(server.state.hits)
    again = nightly(run_date="2026-11-30", config=config)
    assert again["written"]["articles"] == 0
    page_hits = {
        p: n
        for p, n in server.state.hits.items()
        if p.startswith("/html/") and n > hits_before.get(p, 0)
    }
    assert page_hits == {}
    assert server.state.hits["/pdf"] == hits_before["/pdf"]  # known not to be HTML
    assert "volume" not in again["message"]  # nothing new is not a drop
    log2 = lake.read_table("fetch_log", start="2026-11-30")
    assert set(log2[log2["kind"] == "feed"]["outcome"]) <= {"not_modified", "ok"}
    assert "not_modified" in set(log2["outcome"])


def test_warc_backfill_keeps_provenance(prefect_api, tmp_path):
    need_corpus()
    from flows.backfill import backfill

    warc = CORPUS / "warc" / "newslake-corpus-shared.warc.gz"
    settings = Settings(
        lake=str(tmp_path / "lake"),
        sources=[SourceConfig(name="ccnews", kind="warc", path=str(warc))],
        workers=2,
    )
    config = write_config(tmp_path, settings)
    summary = backfill(start=dt.date(2023, 1, 1), end=dt.date(2026, 12, 31), config=config)
    index = [json.loads(x) for x in (CORPUS / "warc" / "index.jsonl").read_text().splitlines()]
    truth = {
        json.loads(x)["url"]: json.loads(x)
        for x in (CORPUS / "manifest.jsonl").read_text().splitlines()
    }
    lake = Lake(str(tmp_path / "lake"))
    raw = lake.read_table("raw").set_index("url")
    arts = lake.read_table("articles").set_index("url")
    assert summary["written"]["articles"] == len(index) == 40
    for rec in index:
        assert raw.loc[rec["url"], "warc_file"] == warc.name
        assert raw.loc[rec["url"], "warc_offset"] == rec["offset"]
    # the date comes from the page, not from the capture time, when the page states one
    from_page = arts[arts["date_source"] != "archive"]
    assert len(from_page) >= 36
    agree = sum(arts.loc[u, "date"] == truth[u]["published"][:10] for u in from_page.index)
    assert agree >= len(from_page) - 2
