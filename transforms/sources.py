"""Local inputs: which files we read, and how a file or JSONL line becomes a RawDoc.

Bytes in, records out; the flow does the reading from disk.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib

from transforms.dates import parse_datetime
from transforms.records import Failure, Hints, RawDoc

SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".jsonl": "jsonl"}
MAX_DECOMPRESSED = 64 * 1024 * 1024


def kind_of(name: str) -> str | None:
    """Content kind of a file by its name (a trailing .gz is allowed), or None if unsupported."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix, kind in SUFFIXES.items():
        if lower.endswith(suffix):
            return kind
    return None


def gunzip_capped(data: bytes, limit: int = MAX_DECOMPRESSED) -> bytes:
    """Decompress gzip bytes, refusing output over `limit` (a gzip bomb is an error, not a hang)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, limit + 1)
    if len(out) > limit or d.unconsumed_tail:
        raise ValueError(f"decompresses to more than {limit} bytes")
    return out


def maybe_gunzip(name: str, data: bytes) -> bytes:
    """The file's bytes, decompressed when the name ends in .gz."""
    if name.lower().endswith(".gz"):
        try:
            return gunzip_capped(data)
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise ValueError(f"not valid gzip: {exc}") from exc
    return data


def doc_from_file(
    source: str, origin: str, data: bytes, fetched_at: dt.datetime
) -> RawDoc | Failure:
    """A RawDoc from a .txt or .html file's bytes, or a Failure naming the file."""
    kind = kind_of(origin)
    if kind is None or kind == "jsonl":
        return Failure(source, origin, "read", f"{origin}: unsupported file type")
    try:
        data = maybe_gunzip(origin, data)
    except ValueError as exc:
        return Failure(source, origin, "read", f"{origin}: {exc}")
    return RawDoc(source=source, origin=origin, body=data, content_type=kind, fetched_at=fetched_at)


def _str_field(obj: dict[str, object], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"field {key!r} must be a string, not {type(value).__name__}")
    return value


def doc_from_jsonl_line(
    source: str, origin: str, line: bytes, fetched_at: dt.datetime
) -> RawDoc | Failure:
    """A RawDoc from one JSONL line {url, title, text | html, published, source, authors}."""
    payload = line.decode("utf-8", errors="replace")
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Failure(
            source,
            origin,
            "decode",
            f"{origin}: invalid UTF-8 at byte {exc.start}",
            payload=payload,
        )
    except json.JSONDecodeError as exc:
        return Failure(
            source,
            origin,
            "parse",
            f"{origin}: not JSON ({exc.msg} at column {exc.colno})",
            payload=payload,
        )
    if not isinstance(obj, dict):
        return Failure(
            source,
            origin,
            "parse",
            f"{origin}: a JSON object was expected, got {type(obj).__name__}",
            payload=payload,
        )
    try:
        text, html = _str_field(obj, "text"), _str_field(obj, "html")
        url, title = _str_field(obj, "url"), _str_field(obj, "title")
        published_raw = _str_field(obj, "published")
        line_source = _str_field(obj, "source")
        language = _str_field(obj, "language")
        authors_raw = obj.get("authors") or []
        if not isinstance(authors_raw, list) or not all(isinstance(a, str) for a in authors_raw):
            raise ValueError("field 'authors' must be a list of strings")
    except ValueError as exc:
        return Failure(
            source,
            origin,
            "parse",
            f"{origin}: {exc}",
            url=obj.get("url") if isinstance(obj.get("url"), str) else None,
            payload=payload,
        )
    if text is None and html is None:
        return Failure(
            source,
            origin,
            "parse",
            f"{origin}: neither 'text' nor 'html' is given",
            url=url,
            payload=payload,
        )
    published = parse_datetime(published_raw) if published_raw else None
    if published_raw and published is None:
        return Failure(
            source,
            origin,
            "parse",
            f"{origin}: 'published' is not an ISO 8601 date: {published_raw!r}",
            url=url,
            payload=payload,
        )
    hints = Hints(
        title=title,
        published=published,
        authors=tuple(authors_raw),
        language=language,
        publisher=line_source,
        date_source="archive",
    )
    body = (html if html is not None else text or "").encode("utf-8")
    return RawDoc(
        source=source,
        origin=origin,
        body=body,
        content_type="text/html" if html is not None else "text/plain",
        fetched_at=fetched_at,
        url=url,
        declared_encoding="utf-8",
        hints=hints,
    )
