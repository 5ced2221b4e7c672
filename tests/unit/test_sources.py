import datetime as dt
import gzip
import json

import pytest

from transforms.records import Failure, RawDoc
from transforms.sources import doc_from_file, doc_from_jsonl_line, gunzip_capped, kind_of

NOW = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def test_kind_of():
    assert kind_of("a.txt") == "text/plain"
    assert kind_of("A.HTML") == "text/html"
    assert kind_of("page.html.gz") == "text/html"
    assert kind_of("dump.jsonl") == "jsonl"
    assert kind_of("README.md") is None


def test_jsonl_line_with_text_and_published():
    line = json.dumps(
        {
            "url": "https://ex.com/a",
            "title": "T",
            "text": "Body here.",
            "published": "2024-09-03T10:00:00+02:00",
            "source": "wire",
        }
    )
    doc = doc_from_jsonl_line("samples", "w.jsonl:1", line.encode(), NOW)
    assert isinstance(doc, RawDoc)
    assert doc.source == "samples" and doc.hints.publisher == "wire"
    assert doc.content_type == "text/plain" and doc.body == b"Body here."
    assert doc.hints.published == dt.datetime(2024, 9, 3, 8, tzinfo=dt.UTC)
    assert doc.hints.date_source == "archive"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "a JSON object was expected"),
        (b'{"url": "https://x"}', "neither 'text' nor 'html'"),
        (b'{"text": 5}', "field 'text' must be a string"),
        (b'{"text": "x", "published": "last week"}', "not an ISO 8601 date"),
        (b'{"text": "x", "authors": "Ann"}', "'authors' must be a list"),
        (b'{"text": "\xff\xfe"}', "invalid UTF-8"),
    ],
)
def test_bad_jsonl_lines_become_failures_naming_the_line(line, reason):
    result = doc_from_jsonl_line("samples", "dump.jsonl:7", line, NOW)
    assert isinstance(result, Failure)
    assert result.origin == "dump.jsonl:7"
    assert "dump.jsonl:7" in result.reason and reason in result.reason
    assert result.payload is not None  # the line is kept for the quarantine row


def test_doc_from_gzipped_file_and_corrupt_gzip():
    ok = doc_from_file("s", "a.html.gz", gzip.compress(b"<html></html>"), NOW)
    assert isinstance(ok, RawDoc) and ok.body == b"<html></html>"
    bad = doc_from_file("s", "b.txt.gz", b"not gzip at all", NOW)
    assert isinstance(bad, Failure) and "b.txt.gz" in bad.reason and "gzip" in bad.reason


def test_gzip_bomb_is_refused():
    bomb = gzip.compress(b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ValueError, match="more than"):
        gunzip_capped(bomb, limit=1024 * 1024)
