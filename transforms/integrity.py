"""Integrity across tables, and how a run repairs what is broken.

The rules: every article has its raw row; every mention and quote belongs to an
article of the same partition, with its spans inside that article's text. The
journal keeps them for every batch this version writes; these checks find what
broke otherwise (a lake written by an older version, files removed by hand) and
plan the repair: an article is rebuilt from its raw row where there is one,
otherwise it is read again from its source as if new (keeping its partition),
and rows with no article go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DERIVED_TABLES = ("mentions", "quotes")


@dataclass(frozen=True)
class Integrity:
    """What is broken across the tables (empty: nothing)."""

    articles_without_raw: frozenset[str] = frozenset()
    # table -> partition -> article ids with rows there but no article in that partition
    orphans: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    # table -> article ids with a span outside its article's text (or not matching it)
    bad_spans: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing is broken."""
        return not (self.articles_without_raw or self.orphan_count or self.bad_span_count)

    @property
    def orphan_count(self) -> int:
        """Articles with orphaned rows, over all tables and partitions."""
        return sum(len(ids) for parts in self.orphans.values() for ids in parts.values())

    @property
    def bad_span_count(self) -> int:
        """Articles with a bad span, over all tables."""
        return sum(len(ids) for ids in self.bad_spans.values())

    def problems(self, limit: int = 5) -> list[str]:
        """What is broken, in words, with a few ids each."""
        out = []
        if self.articles_without_raw:
            out.append(
                f"{len(self.articles_without_raw)} article(s) without their raw row: "
                + _some(self.articles_without_raw, limit)
            )
        for table, parts in sorted(self.orphans.items()):
            for date, ids in sorted(parts.items()):
                out.append(
                    f"{table} {date}: rows of {len(ids)} article(s) not in articles {date}: "
                    + _some(ids, limit)
                )
        for table, ids in sorted(self.bad_spans.items()):
            if ids:
                out.append(
                    f"{table}: {len(ids)} article(s) with a span outside or unlike their text: "
                    + _some(ids, limit)
                )
        return out


def _some(ids: Iterable[str], limit: int) -> str:
    ordered = sorted(ids)
    more = f" and {len(ordered) - limit} more" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more


def check_ids(
    article_dates: Mapping[str, str],
    raw_ids: Iterable[str],
    derived: Mapping[str, Mapping[str, Iterable[str]]],
    bad_spans: Mapping[str, Iterable[str]] | None = None,
) -> Integrity:
    """Integrity from the tables' id columns: articles (id -> partition), raw ids, and per
    derived table and partition the article ids its rows name."""
    raws = set(raw_ids)
    orphans: dict[str, dict[str, frozenset[str]]] = {}
    for table, parts in derived.items():
        for date, ids in parts.items():
            lost = frozenset(a for a in ids if article_dates.get(a) != date)
            if lost:
                orphans.setdefault(table, {})[date] = lost
    return Integrity(
        articles_without_raw=frozenset(a for a in article_dates if a not in raws),
        orphans=orphans,
        bad_spans={t: frozenset(ids) for t, ids in (bad_spans or {}).items() if ids},
    )


@dataclass(frozen=True)
class RepairPlan:
    """What a run does before it reads its sources, so the lake is whole again."""

    rebuild: frozenset[str] = frozenset()  # rebuilt from their raw rows
    reread: frozenset[str] = frozenset()  # no raw row: written again when their source has them
    drop: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rebuild or self.reread or self.drop)

    def describe(self) -> str:
        """One line for the log and the run's message."""
        dropped = sum(len(ids) for parts in self.drop.values() for ids in parts.values())
        return (
            f"repair: {len(self.rebuild)} article(s) rebuilt from raw, {len(self.reread)} "
            f"to be read again from their source, orphaned rows of {dropped} article(s) removed"
        )


def plan_repair(integrity: Integrity, raw_ids: Iterable[str]) -> RepairPlan:
    """Rebuild from raw what can be, read again what cannot, drop rows with no article."""
    raws = set(raw_ids)
    flagged = set().union(*integrity.bad_spans.values()) if integrity.bad_spans else set()
    return RepairPlan(
        rebuild=frozenset(a for a in flagged if a in raws),
        reread=frozenset(integrity.articles_without_raw | {a for a in flagged if a not in raws}),
        drop=integrity.orphans,
    )
