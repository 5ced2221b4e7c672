"""Who speaks in each article: the `quotes` table folded to one row per article and speaker.

An analyst's view, computed from `quotes` rows (never stored, so it cannot go stale):
`article_speakers(quotes)` gives, per article, each resolved speaker with how many
statements they have by type, their role in that article, where they first speak and
how their speaker was found. By default it lists people (`speaker_kind` person); pass
`kinds` to choose other kinds of source (organisation, group, document, unknown) or
`kinds=None` for all. A statement with coordinated speakers ("said Jane Roe and Tom
Bell") counts for each of them. With all kinds, quotes with no speaker found, or only a
pronoun that was not resolved to a name, are kept as one row per article whose
`speaker_name` is null (kind unknown), so the counts of an article add up to its quotes
(one for each speaker). Rows written before `speaker_kind` existed (null) are listed
whatever the kinds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pyarrow as pa

from transforms.schemas import SPEAKER_KINDS
from transforms.tabular import doc_field as _field

# the columns of `quotes` this view needs
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
# and those it reads when present (null in rows written before they existed)
OPTIONAL_COLUMNS: Final = ("speaker_kind", "co_speaker_names", "co_speaker_keys")
PEOPLE: Final = frozenset({"person"})
# a co-speaker's kind, from the label its entity key starts with
_KEY_KINDS: Final = {"person": "person", "org": "organisation", "gpe": "organisation"}


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
            "speaker_kind",
            pa.string(),
            "quotes.speaker_kind: person, organisation, group, document or unknown.",
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
    kind: str | None
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
            "speaker_kind": self.kind,
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


def _speakers_of(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The speaker of a quote row and its coordinated co-speakers, as small rows."""
    first = {
        "name": row.get("speaker_name"),
        "key": row.get("speaker_entity_key"),
        "kind": row.get("speaker_kind"),
        "role": row.get("speaker_role"),
    }
    names = row.get("co_speaker_names") or []
    keys = row.get("co_speaker_keys") or []
    others = [
        {"name": n, "key": k, "kind": _KEY_KINDS.get(k.split("/")[0], "unknown"), "role": None}
        for n, k in zip(names, keys, strict=False)
    ]
    return [first, *others]


def article_speakers_rows(
    quotes: Iterable[Mapping[str, Any]], kinds: Collection[str] | None = PEOPLE
) -> list[dict[str, Any]]:
    """Rows of the view, ordered by article, then by quotes (most first), then first words.
    kinds: the speaker kinds to list (None: all, with the quotes nobody speaks)."""
    groups: dict[tuple[str, str | None], _Speaker] = {}
    for row in quotes:
        for sp_row in _speakers_of(row):
            kind = sp_row["kind"]
            if kinds is not None and kind is not None and kind not in kinds:
                continue
            ident = _speaker_id(
                {"speaker_entity_key": sp_row["key"], "speaker_name": sp_row["name"]}
            )
            if ident is None and kinds is not None:
                continue  # nobody named: counted in the view of all kinds only
            k = (row["article_id"], ident)
            sp = groups.get(k)
            if sp is None:
                sp = groups[k] = _Speaker(
                    article_id=row["article_id"],
                    date=row["date"],
                    name=sp_row["name"] if ident else None,
                    key=sp_row["key"] if ident else None,
                    kind=kind if ident else "unknown",
                    first_char=int(row["start_char"]),
                )
            elif sp.name is None and ident is not None:
                sp.name = sp_row["name"]
            sp.add({**row, "speaker_role": sp_row["role"]})
    out = [sp.as_row() for sp in groups.values()]
    out.sort(
        key=lambda r: (r["article_id"], r["speaker_name"] is None, -r["quotes"], r["first_char"])
    )
    return out


def article_speakers(quotes: pa.Table, kinds: Collection[str] | None = PEOPLE) -> pa.Table:
    """The view over a `quotes` table (columns beyond QUOTE_COLUMNS and OPTIONAL_COLUMNS are
    ignored). kinds: the speaker kinds to list, people by default; None: all."""
    missing = [c for c in QUOTE_COLUMNS if c not in quotes.column_names]
    if missing:
        raise ValueError(f"article_speakers: the quotes table lacks columns {missing}")
    unknown = sorted(set(kinds or ()) - set(SPEAKER_KINDS))
    if unknown:
        raise ValueError(f"article_speakers: unknown speaker kinds {unknown}")
    present = [c for c in OPTIONAL_COLUMNS if c in quotes.column_names]
    rows = article_speakers_rows(quotes.select([*QUOTE_COLUMNS, *present]).to_pylist(), kinds)
    return pa.Table.from_pylist(rows, schema=ARTICLE_SPEAKERS_SCHEMA)
