"""Compare two lakes by content: what a crash test checks against a clean run's lake.

Columns that differ between any two runs by design (run ids, clocks) are left out;
everything else of the content tables must be equal, row for row.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from flows.adapters.lake import Lake
from transforms.schemas import TABLES

CONTENT_TABLES = ("articles", "mentions", "quotes", "raw")
# set by the clock or the run, never by the input
VOLATILE = frozenset({"run_id", "fetched_at", "quarantined_at", "validated_at"})


def _lake(root: str | Lake) -> Lake:
    return root if isinstance(root, Lake) else Lake(root)


def snapshot(root: str | Lake, tables: tuple[str, ...] = CONTENT_TABLES) -> dict[str, list[str]]:
    """Each table's rows as sorted JSON strings, without the volatile columns."""
    lake = _lake(root)
    out: dict[str, list[str]] = {}
    for table in tables:
        rows = lake.read_arrow(table).to_pylist()
        out[table] = sorted(
            json.dumps({k: _plain(v) for k, v in r.items() if k not in VOLATILE}, sort_keys=True)
            for r in rows
        )
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def keys(root: str | Lake, table: str) -> list[str]:
    """The key values of a table's rows (duplicates kept, so a test can count them)."""
    key = TABLES[table].key
    rows = _lake(root).read_arrow(table, columns=list(key)).to_pylist()
    return ["|".join(str(r[k]) for k in key) for r in rows]


def problems(root: str | Lake, clean: str | Lake) -> list[str]:
    """What differs between a lake and a clean run's lake, in words (empty: equal)."""
    found: list[str] = []
    for table in CONTENT_TABLES:
        dupes = [k for k, n in Counter(keys(root, table)).items() if n > 1]
        if dupes:
            found.append(f"{table}: {len(dupes)} duplicate keys, e.g. {dupes[0]}")
    a, b = snapshot(root), snapshot(clean)
    for table in CONTENT_TABLES:
        if a[table] != b[table]:
            extra = len(set(a[table]) - set(b[table]))
            missing = len(set(b[table]) - set(a[table]))
            found.append(
                f"{table}: {len(a[table])} rows vs {len(b[table])} in the clean lake "
                f"({missing} missing, {extra} extra or different)"
            )
    got, want = set(keys(root, "quarantine")), set(keys(clean, "quarantine"))
    if got != want:
        found.append(
            f"quarantine: {len(want - got)} rejected inputs missing, {len(got - want)} extra"
        )
    lake = _lake(root)
    articles = set(lake.read_arrow("articles", columns=["article_id"]).column(0).to_pylist())
    raws = set(lake.read_arrow("raw", columns=["article_id"]).column(0).to_pylist())
    if articles - raws:
        found.append(f"{len(articles - raws)} articles without their raw row")
    return found
