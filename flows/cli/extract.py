"""`newslake extract`: stream JSONL lines through extraction and NLP, in the eval span schema."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from typing import IO, Any

from flows.engine.pipeline import batched
from flows.engine.workers import NlpRuntime
from transforms.records import Failure, RawDoc
from transforms.tables import eval_record

ALL_KINDS = frozenset({"direct", "partial", "indirect"})
log = logging.getLogger("newslake")


def _lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    for n, line in enumerate(stream, start=1):
        if line.strip():
            yield n, line


def _parse(
    n: int, line: str, name: str, now: dt.datetime
) -> tuple[dict[str, Any], str | None, RawDoc | None]:
    """(output record, text to analyse, HTML document to extract first)."""
    try:
        obj = json.loads(line)
        if not isinstance(obj, dict) or "id" not in obj:
            raise ValueError("a JSON object with an 'id' is expected")
    except ValueError as exc:
        log.warning("%s:%d: %s", name, n, exc)
        return {"id": None, "line": n, "error": f"{name}:{n}: {exc}"}, None, None
    rec: dict[str, Any] = {"id": obj["id"]}
    if isinstance(obj.get("text"), str):
        if isinstance(obj.get("language"), str):
            rec["language"] = obj["language"]  # NLP is routed by it (default: English)
        return rec, obj["text"], None
    if isinstance(obj.get("html"), str):
        url = obj.get("url") if isinstance(obj.get("url"), str) else None
        doc = RawDoc(
            source="extract",
            origin=f"{name}:{n}",
            body=obj["html"].encode("utf-8"),
            content_type="text/html",
            fetched_at=now,
            url=url,
            declared_encoding="utf-8",
        )
        return rec, None, doc
    rec["error"] = f"{name}:{n}: neither 'text' nor 'html' is a string"
    return rec, None, None


def extract_batch(
    runtime: NlpRuntime,
    chunk: Iterable[tuple[int, str]],
    name: str,
    kinds: frozenset[str],
    now: dt.datetime,
) -> tuple[list[dict[str, Any]], int]:
    """Output records of one batch of lines, and how many lines were unreadable."""
    records: list[dict[str, Any]] = []
    texts: list[str | None] = []
    pages: list[tuple[int, RawDoc]] = []
    for n, line in chunk:
        rec, text, doc = _parse(n, line, name, now)
        records.append(rec)
        texts.append(text)
        if doc is not None:
            pages.append((len(records) - 1, doc))
    for (i, _), result in zip(pages, runtime.extract([d for _, d in pages]), strict=True):
        if isinstance(result, Failure):
            records[i].update(error=result.reason, body="", title=None, published=None)
            records[i].update(authors=[], language=None, date_source=None)
            continue
        texts[i] = result.text
        records[i].update(
            body=result.text,
            title=result.title,
            published=result.published_at.isoformat() if result.published_at else None,
            authors=list(result.authors),
            language=result.language,
            date_source=result.date_source,
        )
    todo = [(i, t) for i, t in enumerate(texts) if t]
    # a text line is in the line's "language" (English unless it says otherwise); a page is
    # in the language its extraction identified
    items = [(t, records[i].get("language") or "en") for i, t in todo]
    for (i, text), analysis in zip(todo, runtime.analyze(items), strict=True):
        found = eval_record(records[i]["id"], text, analysis, kinds)
        records[i].update(quotes=found["quotes"], entities=found["entities"])
    for rec in records:
        rec.setdefault("quotes", [])
        rec.setdefault("entities", [])
    return records, sum(1 for r in records if "error" in r)


def extract_lines(
    src: IO[str],
    out: IO[str],
    name: str,
    kinds: frozenset[str],
    model: str,
    processes: int,
    batch: int,
    models: dict[str, str] | None = None,
) -> int:
    """Process a JSONL stream batch by batch (bounded memory); returns unreadable lines."""
    now = dt.datetime.now(dt.UTC)
    bad = 0
    with NlpRuntime({"en": model, **(models or {})}, processes) as runtime:
        for chunk in batched(_lines(src), batch):
            records, n_bad = extract_batch(runtime, chunk, name, kinds, now)
            bad += n_bad
            for rec in records:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
    return bad
