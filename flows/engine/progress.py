"""Progress reporting for long runs: the CLI installs a reporter, flows call `advance`.

Outside the CLI (deployments, tests) there is no reporter and nothing happens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Reporter(Protocol):
    """What the CLI's progress display offers.

    What flows report: `documents` read from the sources (their total, when a source
    knows it); `articles` through NLP, and `passed`: documents that go no further
    than extraction (unchanged, repeated, out of range, failed), so the articles still
    to come are the documents minus those; backfill `units` done (and their total).
    """

    def advance(self, what: str, n: int = 1) -> None:
        """n more of something done (documents, articles, passed, units)."""

    def total(self, what: str, n: int) -> None:
        """How many of something there will be, when known."""


_reporter: list[Reporter] = []


def install(reporter: Reporter | None) -> None:
    """Use this reporter for the rest of the process (None removes it)."""
    _reporter.clear()
    if reporter is not None:
        _reporter.append(reporter)


def advance(what: str, n: int = 1) -> None:
    """Report progress, if anyone listens."""
    for r in _reporter:
        r.advance(what, n)


def total(what: str, n: int) -> None:
    """Report a total, if anyone listens."""
    for r in _reporter:
        r.total(what, n)


def counting(items: Iterable[T], what: str = "documents") -> Iterator[T]:
    """Pass items through, reporting each one."""
    for item in items:
        advance(what)
        yield item
