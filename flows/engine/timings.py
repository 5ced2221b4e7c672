"""Wall-clock marks of one command's phases, for `bench.fixedcost`.

With `NEWSLAKE_TIMINGS=FILE` set, each `mark(name)` records the time since the epoch
and the marks are written to FILE as JSON when the process exits; unset, a mark costs
one dictionary lookup.
"""

from __future__ import annotations

import atexit
import json
import os
import time

_MARKS: list[tuple[str, float]] = []


def mark(name: str) -> None:
    """Note that the phase `name` ended now (nothing happens unless NEWSLAKE_TIMINGS is set)."""
    path = os.environ.get("NEWSLAKE_TIMINGS")
    if not path:
        return
    if not _MARKS:
        atexit.register(_write, path)
    _MARKS.append((name, time.time()))


def _write(path: str) -> None:
    _MARKS.append(("exit", time.time()))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(_MARKS, fh)
