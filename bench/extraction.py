"""Extraction quality on ../shared/corpus: newslake vs plain trafilatura, same pages, same scorer.

    python -m bench.extraction [--corpus ../shared/corpus] [--out bench/out]

Writes predictions for both systems and prints the scorer's figures side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import trafilatura

from transforms.extract import extract
from transforms.records import Extracted, RawDoc

# the fetch time we pretend for the corpus: dates after it would be "in the future"
FETCHED = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def manifest(corpus: Path) -> list[dict]:
    """The corpus manifest rows."""
    return [json.loads(line) for line in (corpus / "manifest.jsonl").open(encoding="utf-8")]


def page(corpus: Path, row: dict) -> bytes:
    """The page bytes of one manifest row."""
    return gzip.decompress((corpus / row["file"]).read_bytes())


def ours(corpus: Path, row: dict) -> dict:
    """newslake's prediction for one page."""
    doc = RawDoc("corpus", row["id"], page(corpus, row), "text/html", FETCHED, url=row["url"])
    result = extract(doc)
    if not isinstance(result, Extracted):
        return {"id": row["id"], "body": "", "title": None, "published": None}
    published = result.published_at.isoformat() if result.published_at else None
    return {"id": row["id"], "body": result.text, "title": result.title, "published": published}


def plain(corpus: Path, row: dict) -> dict:
    """Plain trafilatura, as the corpus README's baseline runs it."""
    html = page(corpus, row)
    body = trafilatura.extract(html, url=row["url"]) or ""
    meta = trafilatura.extract_metadata(html, default_url=row["url"])
    return {
        "id": row["id"],
        "body": body,
        "title": meta.title if meta else None,
        "published": meta.date if meta else None,
    }


def score(corpus: Path, preds: Path) -> dict:
    """The shared scorer's JSON result."""
    out = preds.with_suffix(".score.json")
    cmd = [
        sys.executable,
        str(corpus / "score_extraction.py"),
        "--manifest",
        str(corpus / "manifest.jsonl"),
    ]
    subprocess.run(
        [*cmd, "--predictions", str(preds), "--json", str(out)], check=True, capture_output=True
    )
    result: dict = json.loads(out.read_text())
    return result


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--out", default="bench/out")
    args = ap.parse_args()
    corpus, out = Path(args.corpus), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = manifest(corpus)
    for name, fn in (("trafilatura", plain), ("newslake", ours)):
        t = time.perf_counter()
        preds = [fn(corpus, r) for r in rows]
        secs = time.perf_counter() - t
        path = out / f"extraction_{name}.jsonl"
        path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds))
        print(name, f"{len(rows) / secs:.1f} pages/s", json.dumps(score(corpus, path))[:900])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
