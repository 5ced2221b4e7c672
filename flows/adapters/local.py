"""Adapter for local inputs: folders of .txt, .html and .jsonl files (disk reads only)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from transforms.records import Failure, RawDoc
from transforms.sources import doc_from_file, doc_from_jsonl_line, kind_of

log = logging.getLogger(__name__)


def list_files(root: Path) -> list[Path]:
    """Supported input files under root, in a stable order (hidden files skipped)."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"input folder {root} does not exist")
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if kind_of(path.name) is None:
            log.info("skipping %s: not a .txt, .html or .jsonl file", rel)
            continue
        files.append(path)
    return files


def read_jsonl(
    source: str, path: Path, origin: str, fetched_at: dt.datetime
) -> Iterator[RawDoc | Failure]:
    """One RawDoc or Failure per line of a JSONL file, streamed."""
    opener = __import__("gzip").open if path.name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield doc_from_jsonl_line(
                    source, f"{origin}:{number}", line.rstrip(b"\r\n"), fetched_at
                )


def read_folder(
    source: str,
    root: Path,
    fetched_at: dt.datetime,
    counts: Counter[str] | None = None,
    include: list[str] | None = None,
) -> Iterator[RawDoc | Failure]:
    """Every document of a folder (or a single file, or the `include`d files), streamed."""
    counts = counts if counts is not None else Counter()
    base = root if root.is_dir() else root.parent
    files = [base / f for f in include] if include else list_files(root)
    for path in files:
        origin = str(path.relative_to(base))
        if kind_of(path.name) == "jsonl":
            for item in read_jsonl(source, path, origin, fetched_at):
                counts["discovered"] += 1
                yield item
            continue
        counts["discovered"] += 1
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Failure(source, origin, "read", f"{origin}: cannot read ({exc.strerror or exc})")
            continue
        yield doc_from_file(source, origin, data, fetched_at)
