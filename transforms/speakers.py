"""Who speaks in each article: the `quotes` table folded to one row per article and speaker.

An analyst's view, computed from `quotes` rows (never stored, so it cannot go stale):
`article_speakers(quotes)` gives, per article, each resolved speaker with how many
statements they have by type, their role in that article, where they first speak and
how their speaker was found. Quotes with no speaker found, or only a pronoun that was not
resolved to a name, are kept as one row per article whose `speaker_name` is null, so the
counts of an article add up to its quotes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pyarrow as pa

# the columns of `quotes` this view reads
QUOTE_COLUMNS: Final = (
    "article_id",
    "date",
    "start_char",
    "quote_type",
    "speaker_name",
    "speaker_entity_key",
    "speaker_role",
    "attribution",
    "confidence",
)


def _field(name: str, type_: pa.DataType, doc: str, nullable: bool = False) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


ARTICLE_SPEAKERS_SCHEMA: Final = pa.schema(
    [
        _field("article_id", pa.string(), "Article the quotes are in."),
        _field("date", pa.string(), "The article's partition date."),
        _field(
            "speaker_name",
            pa.string(),
            "Resolved speaker (fullest name in the article); null: the quotes with no speaker"
            " found or an unresolved pronoun.",
            nullable=True,
        ),
        _field(
            "speaker_entity_key",
            pa.string(),
            "mentions.entity_key of the speaker; null when not a named entity.",
            nullable=True,
        ),
        _field(
            "role",
            pa.string(),
            "The role given to the speaker most often in this article.",
            nullable=True,
        ),
        _field("quotes", pa.int32(), "Statements of this speaker in this article."),
        _field("direct", pa.int32(), "Of them, direct quotes."),
        _field("partial", pa.int32(), "Of them, partial quotes."),
        _field("indirect", pa.int32(), "Of them, reported speech."),
        _field("first_char", pa.int32(), "Offset in articles.text where they first speak."),
        _field("mean_confidence", pa.float32(), "Mean confidence of the attributions."),
        _field(
            "attributions",
            pa.list_(pa.string()),
            "How the speaker was found (quotes.attribution), most frequent first.",
        ),
    ]
)


@dataclass(slots=True)
class _Speaker:
    article_id: str
    date: str
    name: str | None
    key: str | None
    first_char: int
    types: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    attributions: Counter[str] = field(default_factory=Counter)
    confidence: float = 0.0

    def add(self, row: Mapping[str, Any]) -> None:
        self.types[row["quote_type"]] += 1
        if row.get("speaker_role"):
            self.roles[row["speaker_role"]] += 1
        self.attributions[row["attribution"]] += 1
        self.confidence += float(row["confidence"] or 0.0)
        self.first_char = min(self.first_char, int(row["start_char"]))

    def as_row(self) -> dict[str, Any]:
        n = sum(self.types.values())
        return {
            "article_id": self.article_id,
            "date": self.date,
            "speaker_name": self.name,
            "speaker_entity_key": self.key,
            # the role stated most often in this article, the earliest on a tie
            "role": self.roles.most_common(1)[0][0] if self.roles else None,
            "quotes": n,
            "direct": self.types["direct"],
            "partial": self.types["partial"],
            "indirect": self.types["indirect"],
            "first_char": self.first_char,
            "mean_confidence": round(self.confidence / n, 3) if n else 0.0,
            "attributions": [a for a, _ in self.attributions.most_common()],
        }


def _speaker_id(row: Mapping[str, Any]) -> str | None:
    """One speaker per entity key; a name without a key stands for itself."""
    if row.get("speaker_entity_key"):
        return f"key:{row['speaker_entity_key']}"
    if row.get("speaker_name"):
        return f"name:{row['speaker_name']}"
    return None


def article_speakers_rows(quotes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the view, ordered by article, then by quotes (most first), then first words."""
    groups: dict[tuple[str, str | None], _Speaker] = {}
    for row in quotes:
        ident = _speaker_id(row)
        k = (row["article_id"], ident)
        sp = groups.get(k)
        if sp is None:
            sp = groups[k] = _Speaker(
                article_id=row["article_id"],
                date=row["date"],
                name=row.get("speaker_name") if ident else None,
                key=row.get("speaker_entity_key") if ident else None,
                first_char=int(row["start_char"]),
            )
        elif sp.name is None and ident is not None:
            sp.name = row.get("speaker_name")
        sp.add(row)
    out = [sp.as_row() for sp in groups.values()]
    out.sort(
        key=lambda r: (r["article_id"], r["speaker_name"] is None, -r["quotes"], r["first_char"])
    )
    return out


def article_speakers(quotes: pa.Table) -> pa.Table:
    """The view over a `quotes` table (any of its columns beyond QUOTE_COLUMNS are ignored)."""
    missing = [c for c in QUOTE_COLUMNS if c not in quotes.column_names]
    if missing:
        raise ValueError(f"article_speakers: the quotes table lacks columns {missing}")
    rows = article_speakers_rows(quotes.select(list(QUOTE_COLUMNS)).to_pylist())
    return pa.Table.from_pylist(rows, schema=ARTICLE_SPEAKERS_SCHEMA)
