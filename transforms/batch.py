"""Batch decisions: which articles are new, unchanged or replaced, and what a batch writes.

Pure: the flows read the lake and pass its columns in; nothing here touches storage.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from transforms.dedup import NearDuplicateIndex
from transforms.schemas import ArticleRow, RawRow


class Verdict(enum.StrEnum):
    """What becomes of an extracted article."""

    NEW = "new"  # not in the lake: written
    REPLACED = "replaced"  # in the lake with another text (or reprocessed): rewritten in place
    UNCHANGED = "unchanged"  # in the lake with the same text: skipped
    REPEATED = "repeated"  # a second copy within this run: skipped
    OUT_OF_RANGE = "out_of_range"  # dated outside the backfill's range: skipped


@dataclass
class KnownArticles:
    """What the lake already holds, for skipping, partition keeping and duplicates.

    Built once per run from the committed articles; `admit` adds each article the
    run writes, so later batches and sources of the same run see it too.
    """

    dates: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (date, text hash)
    by_hash: dict[str, str] = field(default_factory=dict)  # text hash -> first article id
    urls: set[str] = field(default_factory=set)  # canonical URLs: known pages are not fetched
    near: NearDuplicateIndex = field(default_factory=NearDuplicateIndex)
    # in the lake but with rows lost: written again when read, into their own partition
    stale: set[str] = field(default_factory=set)
    # id -> (the source that first gave it, the other sources that gave it since)
    sources: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def from_columns(
        cls,
        article_ids: Sequence[str],
        hashes: Sequence[str],
        urls: Sequence[str | None],
        dates: Sequence[str],
        simhashes: Sequence[int],
        stale: Iterable[str] = (),
        sources: Sequence[str] | None = None,
        also_sources: Sequence[Sequence[str] | None] | None = None,
    ) -> KnownArticles:
        """From the articles table's columns, oldest first. `stale` articles lost rows: read
        again (their pages are fetched again), they are rewritten even with the same text.
        `sources` / `also_sources`: each article's first source and the others since."""
        known = cls(stale=set(stale))
        columns = zip(article_ids, hashes, urls, dates, simhashes, strict=True)
        if sources is not None:
            others = also_sources or [()] * len(sources)
            for aid, src, also in zip(article_ids, sources, others, strict=True):
                known.sources[aid] = (src, tuple(also or ()))
        for aid, sha, url, date, sim in columns:
            known.dates[aid] = (date, sha)
            known.by_hash.setdefault(sha, aid)
            known.near.add(sim, aid)
            if url and aid not in known.stale:
                known.urls.add(url)
        return known

    def admit(self, row: ArticleRow) -> None:
        """Remember an article this run writes."""
        self.by_hash.setdefault(row.text_sha256, row.article_id)
        self.near.add(row.simhash, row.article_id)
        self.dates[row.article_id] = (row.date, row.text_sha256)
        self.sources[row.article_id] = (row.source, tuple(row.also_sources))
        self.stale.discard(row.article_id)
        if row.canonical_url:
            self.urls.add(row.canonical_url)


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one extracted article, the row to write and the day its counts go to."""

    verdict: Verdict
    row: ArticleRow
    raw: RawRow | None
    day: str  # the partition the article is counted (and, if written, stored) in
    old_date: str | None = None  # REPLACED: the partition whose rows are replaced

    @property
    def written(self) -> bool:
        """The article goes into the lake."""
        return self.verdict in (Verdict.NEW, Verdict.REPLACED)


def decide(
    row: ArticleRow,
    raw: RawRow | None,
    known: KnownArticles,
    seen: set[str],
    force: bool = False,
    date_range: tuple[str, str] | None = None,
) -> Decision:
    """New, replaced, unchanged, repeated or out of range; a written article is admitted to
    `known` and `seen`, keeps its old partition and its first source for good (another
    source that gives it joins `also_sources`), and points at an earlier copy."""
    if date_range and not (date_range[0] <= row.date <= date_range[1]):
        return Decision(Verdict.OUT_OF_RANGE, row, raw, row.date)
    if row.article_id in seen:
        return Decision(Verdict.REPEATED, row, raw, row.date)
    seen.add(row.article_id)
    old = known.dates.get(row.article_id)
    old_date: str | None = None
    verdict = Verdict.NEW
    if old is not None:
        old_date, old_sha = old
        first_source, also = known.sources.get(row.article_id, (row.source, ()))
        new_source = row.source != first_source and row.source not in also
        if (
            old_sha == row.text_sha256
            and not force
            and row.article_id not in known.stale
            and not new_source
        ):
            return Decision(Verdict.UNCHANGED, row, raw, old_date)
        # the first source stays, so a URL two sources give does not flip between them
        others = [*also, row.source] if new_source else list(also)
        row = dataclasses.replace(row, date=old_date, source=first_source, also_sources=others)
        raw = raw and dataclasses.replace(raw, date=old_date)
        verdict = Verdict.REPLACED
    first = known.by_hash.get(row.text_sha256)
    if first is None or first == row.article_id:
        first = known.near.find(row.simhash, exclude=row.article_id)
    if first is not None:
        row = dataclasses.replace(row, duplicate_of=first)
    known.admit(row)
    return Decision(verdict, row, raw, row.date, old_date)
