"""Crash points for tests: a writer kills its own process at a named point.

Set `NEWSLAKE_FAULT=<point>` (or `<point>#<n>` for the n-th time the point is
reached) and the process sends itself SIGKILL there: no cleanup, no flush, as
in a power cut. Points are named where they are called (`crash_point("...")`):

    journal:staged:<table>     a batch's rows of one table staged, the commit record not yet
    journal:committed          the commit record written, no table applied yet
    journal:applied:<table>    one table applied to the lake, the next not yet
    journal:cleaned            the commit record removed, its staged files not yet
    lake:replace               inside a file replace: new bytes written, not yet renamed
    lake:locked                a partition lock held, nothing written under it yet

Unset (every normal run), a crash point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "NEWSLAKE_FAULT"
_hits: Counter[str] = Counter()


def crash_point(name: str) -> None:
    """Die here if the fault hook names this point (and this is the asked-for time)."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
