"""Feeds and sitemaps: bytes in, article URLs (with hints) out.

RSS 2.0, RSS 1.0/RDF and Atom go through feedparser; JSON Feed is read as
JSON; sitemaps, news sitemaps and sitemap indexes are parsed without entity
expansion. Hostile input is an error with a reason, never a hang: entity
declarations are refused, decompressed size is capped, and a single feed or
sitemap adds at most `max_urls` URLs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import warnings
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException

from transforms.dates import parse_datetime, parse_localised_date
from transforms.records import Hints
from transforms.sources import gunzip_capped

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class FeedError(ValueError):
    """A feed or sitemap that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class Link:
    """An article URL found in a feed or sitemap, with what the feed says about it."""

    url: str
    hints: Hints = field(default_factory=Hints)


@dataclass(frozen=True, slots=True)
class Discovery:
    """What one feed or sitemap yielded."""

    links: tuple[Link, ...]
    sitemaps: tuple[str, ...] = ()  # child sitemaps of a sitemap index
    truncated: int = 0  # links dropped by the cap


def _prepare(body: bytes, max_bytes: int) -> bytes:
    if body[:2] == b"\x1f\x8b":
        body = gunzip_capped(body, max_bytes)
    if len(body) > max_bytes:
        raise FeedError(f"larger than {max_bytes} bytes")
    if _ENTITY_DECL.search(body[:65536]):
        raise FeedError("declares XML entities; refused (entity expansion)")
    return body


def _struct_time(value: time.struct_time | None) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime(*value[:6], tzinfo=dt.UTC)


def _cap(links: list[Link], max_urls: int) -> tuple[tuple[Link, ...], int]:
    unique = list({link.url: link for link in links}.values())
    return tuple(unique[:max_urls]), max(0, len(unique) - max_urls)


def parse_json_feed(body: bytes, base_url: str, publisher: str | None, max_urls: int) -> Discovery:
    """A JSON Feed (jsonfeed.org) document."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"not a JSON feed ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError("JSON without an 'items' list is not a JSON Feed")
    publisher = publisher or (data.get("title") if isinstance(data.get("title"), str) else None)
    links = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        url = item.get("url") or item.get("external_url")
        if not isinstance(url, str):
            continue
        authors = item.get("authors") or (
            [item["author"]] if isinstance(item.get("author"), dict) else []
        )
        names = tuple(
            a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)
        )
        hints = Hints(
            title=item.get("title") if isinstance(item.get("title"), str) else None,
            published=parse_datetime(item.get("date_published")),
            authors=names,
            publisher=publisher,
            date_source="feed",
        )
        links.append(Link(urljoin(base_url, url), hints))
    capped, dropped = _cap(links, max_urls)
    return Discovery(capped, truncated=dropped)


def parse_feed(
    body: bytes, base_url: str, max_urls: int = 5000, max_bytes: int = 20 * 1024 * 1024
) -> Discovery:
    """Item links of an RSS, Atom, RDF or JSON feed; FeedError when it is not one."""
    body = _prepare(body, max_bytes)
    if body.lstrip()[:1] == b"{":
        return parse_json_feed(body, base_url, None, max_urls)
    # relative item links resolve against the feed's own site link, not the feed URL
    with warnings.catch_warnings():
        # feedparser warns about its updated/published fallback on every access
        warnings.simplefilter("ignore", DeprecationWarning)
        parsed = feedparser.parse(body, resolve_relative_uris=False, sanitize_html=False)
        return _feed_links(parsed, base_url, max_urls)


def _feed_links(parsed: Any, base_url: str, max_urls: int) -> Discovery:
    if not parsed.entries:
        reason = str(parsed.get("bozo_exception") or "no items")
        raise FeedError(f"not a feed: {reason}")
    feed_link = urljoin(base_url, parsed.feed.get("link") or base_url)
    publisher = parsed.feed.get("title")
    language = parsed.feed.get("language")
    links = []
    for entry in parsed.entries:
        url = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("rel") == "alternate"), None
        )
        if not url:
            continue
        authors = tuple(
            a["name"] for a in entry.get("authors", []) if isinstance(a, dict) and a.get("name")
        ) or ((entry["author"],) if entry.get("author") else ())
        published = _struct_time(
            entry.get("published_parsed") or entry.get("updated_parsed")
        ) or parse_localised_date(entry.get("published") or entry.get("updated"))
        hints = Hints(
            title=entry.get("title"),
            published=published,
            authors=authors,
            language=language,
            publisher=publisher,
            date_source="feed",
        )
        links.append(Link(urljoin(feed_link, url.strip()), hints))
    capped, dropped = _cap(links, max_urls)
    return Discovery(capped, truncated=dropped)


def parse_sitemap(
    body: bytes, base_url: str, max_urls: int = 50000, max_bytes: int = 50 * 1024 * 1024
) -> Discovery:
    """URLs of a sitemap (with news:publication_date or lastmod) or child sitemaps of an index."""
    body = _prepare(body, max_bytes)
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedError(f"refused: {type(exc).__name__}") from exc
    except SafeET.ParseError as exc:
        raise FeedError(f"not XML: {exc}") from exc
    tag = root.tag.rsplit("}", 1)[-1]
    if tag == "sitemapindex":
        locs = [el.text.strip() for el in root.iter(f"{SITEMAP_NS}loc") if el.text]
        return Discovery(
            (), tuple(urljoin(base_url, u) for u in locs[:max_urls]), max(0, len(locs) - max_urls)
        )
    if tag != "urlset":
        raise FeedError(f"not a sitemap (root element <{tag}>)")
    links = []
    for url_el in root.iter(f"{SITEMAP_NS}url"):
        loc = url_el.find(f"{SITEMAP_NS}loc")
        if loc is None or not loc.text:
            continue
        news = url_el.find(f"{NEWS_NS}news")
        published = None
        title = None
        language = None
        publisher = None
        weak = False
        if news is not None:
            published = parse_datetime(news.findtext(f"{NEWS_NS}publication_date"))
            title = news.findtext(f"{NEWS_NS}title")
            language = news.findtext(f"{NEWS_NS}publication/{NEWS_NS}language")
            publisher = news.findtext(f"{NEWS_NS}publication/{NEWS_NS}name")
        if published is None:
            # lastmod is when the page changed, not when it was published: a weak hint
            published = parse_datetime(url_el.findtext(f"{SITEMAP_NS}lastmod"))
            weak = True
        hints = Hints(
            title=title,
            published=published,
            language=language,
            publisher=publisher,
            date_source="feed",
            weak_date=weak,
        )
        links.append(Link(urljoin(base_url, loc.text.strip()), hints))
    capped, dropped = _cap(links, max_urls)
    return Discovery(capped, truncated=dropped)


def parse_url_list(body: bytes, base_url: str, max_urls: int = 50000) -> Discovery:
    """A plain-text list of URLs, one per line (# comments allowed)."""
    lines = body.decode("utf-8", errors="replace").splitlines()
    urls = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    links = [Link(urljoin(base_url, u)) for u in urls]
    capped, dropped = _cap(links, max_urls)
    return Discovery(capped, truncated=dropped)
