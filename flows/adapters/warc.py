"""Adapter for WARC archives (CC-NEWS and the like), local paths or fsspec URLs.

Each HTML `response` record becomes a RawDoc that keeps its provenance: the
WARC file name, the record offset and the capture time. The capture time is
only a weak date hint: the article's date comes from the page when it has one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterator

import fsspec
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from transforms.dates import parse_datetime
from transforms.records import Failure, Hints, RawDoc

log = logging.getLogger("newslake.warc")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _content_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    parts = [p.strip() for p in value.split(";")]
    charset = next(
        (p.split("=", 1)[1].strip("\"' ") for p in parts[1:] if p.lower().startswith("charset=")),
        None,
    )
    return parts[0].lower(), charset


def read_warc(
    source: str,
    path: str,
    counts: Counter[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Iterator[RawDoc | Failure]:
    """HTML response records of one WARC file, streamed; records outside [start, end] skipped."""
    counts = counts if counts is not None else Counter()
    name = path.rstrip("/").rsplit("/", 1)[-1]
    try:
        with fsspec.open(path, "rb") as fh:
            it = ArchiveIterator(fh)
            for record in it:
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                captured = parse_datetime(record.rec_headers.get_header("WARC-Date"))
                if captured is not None and (
                    (start is not None and captured.date() < start)
                    or (end is not None and captured.date() > end)
                ):
                    continue
                counts["discovered"] += 1
                status = (
                    int(record.http_headers.get_statuscode() or 0) if record.http_headers else 0
                )
                header = (
                    record.http_headers.get_header("Content-Type") if record.http_headers else None
                )
                ctype, charset = _content_type(header)
                try:
                    # read the payload first: asking for the offset moves past the record
                    body = record.content_stream().read()
                    error = None
                except Exception as exc:  # a damaged record must not end the archive
                    body, error = b"", exc
                offset = it.get_record_offset()
                origin = f"{name}@{offset}"
                if error is not None:
                    yield Failure(
                        source, origin, "read", f"{origin}: record unreadable ({error})", url=url
                    )
                    continue
                if status != 200 or (ctype and ctype not in HTML_TYPES):
                    counts["skipped"] += 1
                    log.info(
                        "%s: skipping %s (HTTP %s, %s)",
                        origin,
                        url,
                        status,
                        ctype or "no content type",
                    )
                    continue
                yield RawDoc(
                    source=source,
                    origin=origin,
                    body=body,
                    content_type="text/html",
                    fetched_at=captured or dt.datetime.now(dt.UTC),
                    url=url,
                    final_url=url,
                    declared_encoding=charset,
                    http_status=status,
                    hints=Hints(published=captured, date_source="archive", weak_date=True),
                    warc_file=name,
                    warc_offset=offset,
                )
    except (ArchiveLoadFailed, OSError, EOFError) as exc:
        yield Failure(source, name, "read", f"{path}: not a readable WARC file ({exc})")
