"""Document bytes -> article text and metadata (Extracted) or a Failure saying why not.

Structured data wins when a page has it (JSON-LD, Open Graph and article meta
tags); trafilatura finds the body and fills what the page does not state.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import html as html_lib
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import charset_normalizer
import lxml.etree
import lxml.html
import trafilatura

from transforms.dates import date_from_url, parse_datetime, plausible
from transforms.ids import canonical_url
from transforms.language import article_language, normalise_language
from transforms.records import Extracted, Failure, RawDoc

TRAFILATURA_VERSION = trafilatura.__version__
MIN_WORDS = 3
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "report",
        "scholarlyarticle",
    }
)
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "article.published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "cxenseparse:recs:publishtime",
)
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_BLANK_RUN = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2009\u200a\u202f]+")
_TAG = re.compile(r"<[^>]+>")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page states about itself in JSON-LD and meta tags."""

    ld_headline: str | None = None
    ld_published: str | None = None
    ld_authors: tuple[str, ...] = ()
    ld_body: str | None = None
    ld_url: str | None = None
    ld_language: str | None = None
    og_title: str | None = None
    og_url: str | None = None
    og_site_name: str | None = None
    canonical_link: str | None = None
    meta_published: tuple[str, ...] = ()
    meta_authors: tuple[str, ...] = ()
    html_lang: str | None = None
    headline: str | None = None  # the visible <h1>
    page_title: str | None = None  # the <title> element, site name and all
    meta: dict[str, str] = field(default_factory=dict)


def clean_text(text: str) -> str:
    """NFC, unix newlines, single spaces, at most one blank line between paragraphs, trimmed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00ad", "").replace("\ufeff", "").replace("\u200b", "")
    text = _INLINE_SPACE.sub(" ", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


# whole lines that are a page's controls, not its article: newsletter prompts, comment
# and share widgets, reprint notices, form errors (matched on the whole line, any case)
_BOILERPLATE_LINE = re.compile(
    r"(?:advertisement|comments?|read more:?|share this (?:article|story)|print article"
    r"|order reprints|sorry!?|thank you!?|thanks for signing up!?|subscribe now!?"
    r"|join our commenting forum"
    r"|(?:sign up|subscribe)\b.{0,80}\bour\b.{0,40}\b(?:newsletters?|e-?mails?)\b.{0,80}"
    r"|.{0,80}\bsigning up to our\b.{0,40}\bnewsletter"
    r"|.{0,40}\berror (?:has occurred|processing your subscription)\b.{0,60}"
    r"|this copy is for your personal, non-commercial use only\..*)",
    re.IGNORECASE,
)


def drop_boilerplate_lines(text: str) -> str:
    """The text without lines that are page controls ("Comments", "Thanks for signing
    up!", "Sign up for our emails"); a line that says more stays."""
    kept = [line for line in text.split("\n") if not _BOILERPLATE_LINE.fullmatch(line.strip())]
    return _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip()


def decode_text(body: bytes) -> str:
    """Strict UTF-8 text of a plain-text input; ValueError says where it is broken."""
    if b"\x00" in body[:8192]:
        raise ValueError("binary content (NUL bytes), not text")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"invalid UTF-8 at byte {exc.start}") from exc


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Text and encoding of an HTML page: BOM, declared charset, meta charset, UTF-8, detection.

    A declared charset that does not decode the bytes is ignored (pages lie);
    ValueError when the bytes look binary.
    """
    if body.count(b"\x00") > 16 or body[:5] == b"%PDF-":
        raise ValueError("binary content, not HTML")
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(enc, errors="replace"), enc.replace("-sig", "")
    candidates: list[str] = []
    for name in (
        declared,
        *(m.decode("ascii", "ignore") for m in _META_CHARSET.findall(body[:4096])),
    ):
        codec = _known_codec(name)
        if codec and codec not in candidates:
            candidates.append(codec)
    candidates.append("utf-8")
    for codec in candidates:
        # pages declaring latin-1 mean windows-1252 (the HTML standard says so)
        codec = "cp1252" if codec in ("latin_1", "iso8859-1", "ascii") else codec
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("cp1252", errors="replace"), "cp1252"


def _walk_ld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_ld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node:
                yield from _walk_ld(node[key])


def _ld_types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def _first_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value:
        return _first_str(value[0])
    if isinstance(value, dict):
        return _first_str(value.get("@id") or value.get("url") or value.get("name"))
    return None


def _load_json_lenient(raw: str) -> Any:
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        # control characters inside strings are common in hand-made JSON-LD
        try:
            return json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
        except json.JSONDecodeError:
            return None


def page_meta(tree: lxml.html.HtmlElement) -> PageMeta:
    """JSON-LD article data, Open Graph, article meta tags and <html lang> of a parsed page."""
    article: dict[str, Any] | None = None
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        data = _load_json_lenient(script.text_content() or "")
        for obj in _walk_ld(data):
            if _ld_types(obj) & ARTICLE_TYPES and (article is None or "headline" not in article):
                article = obj
    meta: dict[str, str] = {}
    for el in tree.xpath("//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = el.get("content", "").strip()
    # microdata on visible elements: <time itemprop="datePublished" datetime="…">
    for el in tree.xpath('//*[@itemprop="datePublished" or @pubdate][@datetime or @content]'):
        meta.setdefault("datepublished", (el.get("datetime") or el.get("content") or "").strip())
    canonical = tree.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    html_lang = tree.xpath("/html/@lang")
    headline = None
    for path in ("//article//h1", "//main//h1", "//h1"):
        for el in tree.xpath(path):
            text = " ".join(el.text_content().split())
            if 10 <= len(text) <= 300:
                headline = text
                break
        if headline:
            break
    titles = tree.xpath("//head/title") or tree.xpath("//title")
    page_title = " ".join(titles[0].text_content().split()) if titles else None
    ld = article or {}
    body = ld.get("articleBody")
    ld_body = None
    if isinstance(body, str) and body.strip():
        ld_body = html_lib.unescape(_TAG.sub(" ", body))
    return PageMeta(
        ld_headline=_first_str(ld.get("headline")) or _first_str(ld.get("name")),
        ld_published=_first_str(ld.get("datePublished")) or _first_str(ld.get("dateCreated")),
        ld_authors=tuple(dict.fromkeys(n.strip() for n in _names(ld.get("author")) if n.strip())),
        ld_body=ld_body,
        ld_url=_first_str(ld.get("url")),
        ld_language=_first_str(ld.get("inLanguage")),
        og_title=meta.get("og:title") or meta.get("twitter:title"),
        og_url=meta.get("og:url"),
        og_site_name=meta.get("og:site_name") or meta.get("application-name"),
        canonical_link=canonical[0].strip() if canonical else None,
        meta_published=tuple(meta[k] for k in DATE_META if meta.get(k)),
        meta_authors=tuple(
            meta[k] for k in AUTHOR_META if meta.get(k) and not meta[k].startswith("http")
        ),
        html_lang=html_lang[0] if html_lang else None,
        headline=headline,
        page_title=page_title or None,
        meta=meta,
    )


def strip_site_name(title: str, site_names: list[str]) -> str:
    """Drop a trailing or leading ' | Site Name' from a <title>."""
    names = {n.casefold().strip() for n in site_names if n}
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if tail.casefold().strip() in names or (len(tail) < 30 and len(head) > 2 * len(tail)):
            return head.strip()
        first, _, rest = title.partition(sep)
        if first.casefold().strip() in names:
            return rest.strip()
    return title.strip()


_TITLE_WORD = re.compile(r"\w+")


def _same_title(a: str, b: str) -> bool:
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.9


def choose_title(visible: str | None, declared: Sequence[str | None]) -> str | None:
    """The page's title from its visible <h1> and its declared titles (JSON-LD, Open
    Graph, <title>, the feed's), most trusted first.

    A title that at least two of them state (near enough) wins, the <h1> on a tie.
    Otherwise the <h1> when it is about the same story as the first declared title
    (declared titles are often SEO variants), else that declared title."""
    candidates = [t for t in (visible, *declared) if t]
    best, votes = None, 1
    for title in candidates:
        n = sum(_same_title(title, other) for other in candidates)
        if n > votes:
            best, votes = title, n
    if best is not None:
        return best
    first = next((d for d in declared if d), None)
    if not visible or not first:
        return visible or first
    seen = {w.casefold() for w in _TITLE_WORD.findall(visible)}
    said = {w.casefold() for w in _TITLE_WORD.findall(first)}
    if not seen or not said:
        return first
    shared = len(seen & said) / min(len(seen), len(said))
    return visible if shared >= 0.4 else first


def choose_date(
    candidates: list[tuple[str, dt.datetime | None]], fetched_at: dt.datetime
) -> tuple[dt.datetime | None, str | None]:
    """The first plausible (after 1990, not after the fetch) date among ordered candidates."""
    for source, value in candidates:
        if plausible(value, fetched_at):
            return value, source
    return None, None


def _authors_from_string(value: str) -> list[str]:
    parts = re.split(r"\s*(?:;|\band\b|&|\|)\s*|,\s+(?=[A-Z])", value)
    return [p.strip() for p in parts if p.strip() and len(p.strip()) < 80]


def _tidy_author(name: str) -> str:
    name = re.sub(r"^(?:by|von|par|por)\s+", "", name.strip(), flags=re.I)
    if name.isupper():
        name = name.title()
    return name


def extract_text_doc(doc: RawDoc) -> Extracted | Failure:
    """A plain-text input: decode strictly, clean, take hints for title and date."""
    try:
        raw = decode_text(doc.body)
    except ValueError as exc:
        return Failure(doc.source, doc.origin, "decode", f"{doc.origin}: {exc}", url=doc.url)
    text = clean_text(raw)
    if len(text.split()) < MIN_WORDS:
        return Failure(
            doc.source,
            doc.origin,
            "extract",
            f"{doc.origin}: empty text ({len(text.split())} words)",
            url=doc.url,
            payload=raw,
        )
    published, date_source = choose_date(
        [(doc.hints.date_source, doc.hints.published), ("url", date_from_url(doc.url))],
        doc.fetched_at,
    )
    return Extracted(
        text=text,
        title=doc.hints.title,
        authors=doc.hints.authors,
        published_at=published,
        date_source=date_source,
        language=article_language(text, doc.hints.language),
        extractor="text",
        canonical_url=canonical_url(doc.url),
        encoding="utf-8",
        url=doc.url,
        publisher=doc.hints.publisher,
    )


def extract_html_doc(doc: RawDoc) -> Extracted | Failure:
    """An HTML page: structured data first, trafilatura for the body and the rest."""
    try:
        markup, encoding = decode_html(doc.body, doc.declared_encoding)
    except ValueError as exc:
        return Failure(doc.source, doc.origin, "decode", f"{doc.origin}: {exc}", url=doc.url)
    try:
        tree = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError) as exc:
        return Failure(
            doc.source,
            doc.origin,
            "parse",
            f"{doc.origin}: HTML does not parse ({exc})",
            url=doc.url,
        )
    meta = page_meta(tree)
    url = doc.final_url or doc.url
    # trafilatura parses the markup itself: its parser settings find more of the body
    # than handing it our tree (aeb-702d…: recall .59 with our tree, .999 with its own)
    found = trafilatura.bare_extraction(
        markup, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    traf: dict[str, Any] = {}
    if isinstance(found, dict):
        traf = found
    elif found is not None:
        traf = found.as_dict()
    traf_title = traf.get("title") or None
    traf_text = drop_boilerplate_lines(clean_text(traf.get("text") or ""))
    if traf_title and traf_text.startswith(traf_title):
        # trafilatura sometimes repeats the headline as the first line
        traf_text = traf_text[len(traf_title) :].lstrip()
    ld_text = clean_text(meta.ld_body) if meta.ld_body else ""
    text, extractor = traf_text, "trafilatura"
    # JSON-LD articleBody only when trafilatura found much less (pages built by scripts):
    # on the 175 test pages of BENCHMARKS.md, preferring it whenever it is as long lowers
    # body F1 (.963 -> .962)
    if len(ld_text.split()) >= max(MIN_WORDS, 1.5 * len(traf_text.split())):
        text, extractor = ld_text, "jsonld"
    if len(text.split()) < MIN_WORDS:
        return Failure(
            doc.source,
            doc.origin,
            "extract",
            f"{doc.origin}: no article body found in the HTML",
            url=doc.url,
        )

    site_names = [meta.og_site_name or "", traf.get("sitename") or "", traf.get("hostname") or ""]
    # independent statements only: trafilatura's own title repeats og:title or <title>
    stated = [meta.ld_headline, meta.og_title, meta.page_title, doc.hints.title]
    declared = [
        strip_site_name(html_lib.unescape(t), site_names) if t else None
        for t in (stated if any(stated) else [traf_title])
    ]
    title = choose_title(meta.headline, declared)

    page_url = _article_url(meta.canonical_link, meta.og_url, meta.ld_url)
    canonical = canonical_url(doc.url) or canonical_url(page_url)
    candidates: list[tuple[str, dt.datetime | None]] = [
        ("jsonld", parse_datetime(meta.ld_published))
    ]
    candidates += [("meta", parse_datetime(v)) for v in meta.meta_published]
    hint = (doc.hints.date_source, doc.hints.published)
    candidates += [
        ("url", date_from_url(url) or date_from_url(page_url)),
        *([] if doc.hints.weak_date else [hint]),
        ("meta", parse_datetime(traf.get("date"))),
        *([hint] if doc.hints.weak_date else []),
    ]
    published, date_source = choose_date(candidates, doc.fetched_at)

    authors = list(meta.ld_authors)
    if not authors:
        for value in (*meta.meta_authors, traf.get("author") or ""):
            authors += _authors_from_string(value)
    if not authors:
        authors = list(doc.hints.authors)
    declared_language = (
        normalise_language(meta.html_lang)
        or normalise_language(meta.ld_language)
        or normalise_language(meta.meta.get("og:locale"))
        or normalise_language(doc.hints.language)
    )
    language = article_language(text, declared_language)
    return Extracted(
        text=text,
        title=title or None,
        authors=tuple(dict.fromkeys(_tidy_author(a) for a in authors if a.strip())),
        published_at=published,
        date_source=date_source,
        language=language,
        extractor=extractor,
        canonical_url=canonical,
        encoding=encoding,
        url=doc.url or page_url,
        publisher=doc.hints.publisher or meta.og_site_name or traf.get("sitename") or None,
    )


def _article_url(*candidates: str | None) -> str | None:
    """The page's own URL from its metadata; a link to a site's home page does not count."""
    for value in candidates:
        canonical = canonical_url(value)
        if canonical and urlsplit(canonical).path.strip("/"):
            return value
    return None


def extract(doc: RawDoc) -> Extracted | Failure:
    """Text and metadata of one document, or a Failure that names it."""
    if doc.content_type == "text/plain":
        return extract_text_doc(doc)
    if doc.content_type == "text/html":
        return extract_html_doc(doc)
    return Failure(
        doc.source,
        doc.origin,
        "extract",
        f"{doc.origin}: unsupported content type {doc.content_type!r}",
        url=doc.url,
    )
