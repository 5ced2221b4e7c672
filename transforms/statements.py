"""Statements across articles: the same quote carried by several outlets, as one row.

An analyst's view, computed from `quotes` rows joined to their articles (never stored,
so it cannot go stale). Wire copy and re-quotes repeat a statement with small edits: a
changed case, other quotation marks or punctuation, a word dropped or swapped. Each quote
gets a `statement_key` from its normalised words (case folded, punctuation and quotation
marks dropped, whitespace collapsed), so such copies share it exactly; then quotes whose
word pairs overlap enough (Jaccard similarity of their word bigrams at least 0.6, for
statements of six words or more: a shorter fragment joins only on the same words; the
pairs compared are those sharing one of each statement's 8 lowest-hashed bigrams) join
the same statement, which keeps the key of its first-seen quote. A statement's first-seen quote
is the one in the earliest article (by publication time, else partition date, then fetch
time). An outlet is the host of the article's canonical URL, else its publisher, else
its source, so two feeds of one site count as one outlet. Given the lake's person links
(`transforms.people`), a speaker named by surname in one article and in full in another
counts as one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

import pyarrow as pa

from transforms.ids import sha_hex
from transforms.tabular import doc_field as _field
from transforms.tabular import rows_of

NEAR_JACCARD: Final = 0.6
NEAR_MIN_WORDS: Final = 6
# a word bigram found in more statements than this says nothing about which ones match
COMMON_SHINGLE: Final = 200
SKETCH: Final = 8  # bigrams per statement that find its candidates

# the columns of `quotes` and of `articles` this view needs
QUOTE_COLUMNS: Final = (
    "quote_id",
    "article_id",
    "quote_text",
    "quote_type",
    "start_char",
    "speaker_name",
    "speaker_entity_key",
    "date",
)
ARTICLE_COLUMNS: Final = (
    "article_id",
    "canonical_url",
    "publisher",
    "source",
    "published_at",
    "fetched_at",
    "date",
)

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def words(text: str) -> tuple[str, ...]:
    """The statement's words, case folded, without punctuation or quotation marks."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return tuple(w.replace("’", "'").replace("'", "") for w in _WORD.findall(folded))


def statement_key(text: str) -> str:
    """The key of a statement's text: equal for texts with the same words in order."""
    return "st-" + sha_hex("statement", " ".join(words(text)))


def outlet(canonical_url: str | None, publisher: str | None, source: str) -> str:
    """Who carries an article: its URL's host, else its publisher, else its source."""
    if canonical_url:
        host = urlsplit(canonical_url).hostname
        if host:
            return host.removeprefix("www.")
    return publisher or source


STATEMENTS_SCHEMA: Final = pa.schema(
    [
        _field(
            "statement_key",
            pa.string(),
            "Key of the statement: statement_key of its first-seen quote's words.",
        ),
        _field("text", pa.string(), "The first-seen quote's text."),
        _field(
            "speaker_name",
            pa.string(),
            "The speaker most of its quotes name (the first-seen one's on a tie; a surname"
            " linked across the lake counts as the full name); null when none names one.",
            nullable=True,
        ),
        _field(
            "speaker_entity_key",
            pa.string(),
            "entity_key of that speaker, when it is a named entity.",
            nullable=True,
        ),
        _field("quote_type", pa.string(), "quote_type of the first-seen quote."),
        _field("first_article_id", pa.string(), "Article the statement was first seen in."),
        _field("first_date", pa.date32(), "That article's partition date."),
        _field("first_outlet", pa.string(), "That article's outlet."),
        _field("last_date", pa.date32(), "Partition date of the latest article carrying it."),
        _field("outlets", pa.int32(), "Distinct outlets carrying it."),
        _field("articles", pa.int32(), "Distinct articles carrying it."),
        _field("quotes", pa.int32(), "Quote rows of it (an article may quote it twice)."),
        _field("variants", pa.int32(), "Distinct wordings (statement keys) among its quotes."),
        _field("outlet_names", pa.list_(pa.string()), "The outlets, first-seen first."),
        _field("article_ids", pa.list_(pa.string()), "The articles, first-seen first."),
        _field("quote_ids", pa.list_(pa.string()), "The quotes, first-seen first (join key)."),
    ]
)


@dataclass(slots=True)
class _Quote:
    quote_id: str
    article_id: str
    text: str
    quote_type: str
    speaker_name: str | None
    speaker_key: str | None
    date: dt.date
    outlet: str
    order: tuple[Any, ...]
    key: str = ""
    words: tuple[str, ...] = ()


@dataclass(slots=True)
class _Group:
    members: list[_Quote] = field(default_factory=list)


def _order(quote: Mapping[str, Any], article: Mapping[str, Any]) -> tuple[Any, ...]:
    published = article.get("published_at")
    fetched = article.get("fetched_at")
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    return (
        str(article.get("date") or quote["date"]),
        published is None,
        published or floor,
        fetched or floor,
        quote["article_id"],
        int(quote["start_char"]),
    )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _shingles(ws: tuple[str, ...]) -> set[str]:
    return {f"{a} {b}" for a, b in itertools.pairwise(ws)}


def statements_rows(
    quotes: Iterable[Mapping[str, Any]],
    articles: Iterable[Mapping[str, Any]],
    speakers: Mapping[str, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Rows of the view: one per statement, most outlets first, then most articles, then the
    earliest first seen. A quote whose article is missing is left out. `speakers` maps an
    article-level speaker key to its lake-wide (key, name)."""
    by_id = {a["article_id"]: a for a in articles}
    speakers = speakers or {}
    items: list[_Quote] = []
    for q in quotes:
        art = by_id.get(q["article_id"])
        if art is None or not q["quote_text"]:
            continue
        ws = words(q["quote_text"])
        if not ws:
            continue
        name, key = q.get("speaker_name"), q.get("speaker_entity_key")
        if key is not None and key in speakers:
            key, name = speakers[key]
        items.append(
            _Quote(
                quote_id=q["quote_id"],
                article_id=q["article_id"],
                text=q["quote_text"],
                quote_type=q["quote_type"],
                speaker_name=name,
                speaker_key=key,
                date=_as_date(art.get("date") or q["date"]),
                outlet=outlet(art.get("canonical_url"), art.get("publisher"), art["source"]),
                order=_order(q, art),
                key="st-" + sha_hex("statement", " ".join(ws)),
                words=ws,
            )
        )
    items.sort(key=lambda x: x.order)
    # exact wordings first: one group per key
    parent: dict[str, str] = {}
    first_of: dict[str, _Quote] = {}
    for it in items:
        if it.key not in first_of:
            first_of[it.key] = it
            parent[it.key] = it.key

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        # the group keeps the key of its first-seen wording
        if first_of[rb].order < first_of[ra].order:
            ra, rb = rb, ra
        parent[rb] = ra

    # near copies: candidates share one of their SKETCH lowest-hashed word bigrams (two
    # wordings with Jaccard .6 or more share one almost always); their full sets decide
    keys = [k for k, q in first_of.items() if len(q.words) >= NEAR_MIN_WORDS]
    sets = [_shingles(first_of[k].words) for k in keys]
    index: dict[int, list[int]] = defaultdict(list)
    for i, sh in enumerate(sets):
        for h in sorted(zlib.crc32(s.encode()) for s in sh)[:SKETCH]:
            index[h].append(i)
    pairs: set[tuple[int, int]] = set()
    for holders in index.values():
        if 1 < len(holders) <= COMMON_SHINGLE:
            pairs.update(itertools.combinations(holders, 2))
    for i, j in sorted(pairs):
        shared = len(sets[i] & sets[j])
        if shared / (len(sets[i]) + len(sets[j]) - shared) >= NEAR_JACCARD:
            union(keys[i], keys[j])
    groups: dict[str, _Group] = defaultdict(_Group)
    for it in items:
        groups[find(it.key)].members.append(it)
    rows = [_row(key, g.members) for key, g in groups.items()]
    rows.sort(key=lambda r: (-r["outlets"], -r["articles"], r["first_date"], r["statement_key"]))
    return rows


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _row(key: str, members: list[_Quote]) -> dict[str, Any]:
    first = members[0]
    named = Counter(m.speaker_name for m in members if m.speaker_name)
    speaker = None
    if named:
        top = max(named.values())
        # the most frequent name, the first-seen quote's on a tie
        speaker = next(
            m.speaker_name for m in members if m.speaker_name and named[m.speaker_name] == top
        )
    speaker_key = next(
        (m.speaker_key for m in members if m.speaker_name == speaker and m.speaker_key), None
    )
    outlets = _distinct(m.outlet for m in members)
    article_ids = _distinct(m.article_id for m in members)
    return {
        "statement_key": key,
        "text": first.text,
        "speaker_name": speaker,
        "speaker_entity_key": speaker_key,
        "quote_type": first.quote_type,
        "first_article_id": first.article_id,
        "first_date": first.date,
        "first_outlet": first.outlet,
        "last_date": max(m.date for m in members),
        "outlets": len(outlets),
        "articles": len(article_ids),
        "quotes": len(members),
        "variants": len({m.key for m in members}),
        "outlet_names": outlets,
        "article_ids": article_ids,
        "quote_ids": [m.quote_id for m in members],
    }


def statements(
    quotes: pa.Table,
    articles: pa.Table,
    speakers: Mapping[str, tuple[str, str]] | None = None,
) -> pa.Table:
    """The view over a `quotes` table and the `articles` table (their columns beyond
    QUOTE_COLUMNS and ARTICLE_COLUMNS are ignored); `speakers` as in `statements_rows`."""
    rows = statements_rows(
        rows_of("statements", "quotes", quotes, QUOTE_COLUMNS),
        rows_of("statements", "articles", articles, ARTICLE_COLUMNS),
        speakers,
    )
    return pa.Table.from_pylist(rows, schema=STATEMENTS_SCHEMA)
