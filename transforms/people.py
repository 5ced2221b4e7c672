"""People across articles: one key per person in the lake, and the `people` view.

Within an article, a mention's `entity_key` comes from the fullest name of that person
in the article ("Macron" -> "Emmanuel Macron" -> person/emmanuel-macron). An article
that only ever says "Macron" gives person/macron. Across articles, `link_people` maps
such a one-word name to a full name when the lake shows they are the same person: the
word is the surname (last word) of exactly one full name among the lake's people. Then
its key becomes that name's key, and `entity_key_how` says how: `article` (the key the
article gave, nothing linked), `surname_unique_in_lake` (linked by that rule), or
`surname_ambiguous` (two or more full names share the surname, e.g. two Bakers: the key
stays the article's, apart from both). The links depend on the whole lake, so they are
computed when read, never stored: a new article that makes a surname ambiguous unlinks
it everywhere at once.

`people_rows` folds PERSON mentions and quotes to one row per person: the name, its
variants (as written and as resolved), the roles given when they speak, mention, article
and quote counts (a quote counts for its speaker and each co-speaker), and the first and
last partition dates they appear in.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pyarrow as pa

from transforms.tabular import doc_field as _field
from transforms.tabular import rows_of

PERSON_PREFIX: Final = "person/"
HOW_ARTICLE: Final = "article"
HOW_SURNAME: Final = "surname_unique_in_lake"
HOW_AMBIGUOUS: Final = "surname_ambiguous"
HOWS: Final = (HOW_ARTICLE, HOW_SURNAME, HOW_AMBIGUOUS)

# the columns this view needs
MENTION_COLUMNS: Final = ("article_id", "text", "label", "canonical_name", "entity_key", "date")
QUOTE_COLUMNS: Final = (
    "article_id",
    "speaker_entity_key",
    "speaker_role",
    "co_speaker_keys",
    "date",
)


@dataclass(frozen=True, slots=True)
class Link:
    """The lake-wide key of an article-level person key, and how it was found."""

    entity_key: str
    how: str
    name: str  # the fullest name the key comes from


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def link_people(names: Iterable[tuple[str, str]]) -> dict[str, Link]:
    """For (entity_key, canonical_name) pairs of PERSON mentions across the lake, the link
    of every key: a one-word name whose word is the surname of exactly one full name takes
    that name's key; every other key keeps itself."""
    canonical: dict[str, str] = {}
    for key, name in names:
        canonical.setdefault(key, name)
    full_by_surname: dict[str, set[str]] = defaultdict(set)
    for key, name in canonical.items():
        parts = name.split()
        if len(parts) >= 2:
            full_by_surname[_fold(parts[-1])].add(key)
    links: dict[str, Link] = {}
    for key, name in canonical.items():
        parts = name.split()
        if len(parts) != 1:
            links[key] = Link(key, HOW_ARTICLE, name)
            continue
        full = full_by_surname.get(_fold(parts[0]), set())
        if len(full) == 1:
            target = next(iter(full))
            links[key] = Link(target, HOW_SURNAME, canonical[target])
        elif full:
            links[key] = Link(key, HOW_AMBIGUOUS, name)
        else:
            links[key] = Link(key, HOW_ARTICLE, name)
    return links


PEOPLE_SCHEMA: Final = pa.schema(
    [
        _field("entity_key", pa.string(), "The person's key across the lake."),
        _field("name", pa.string(), "Their fullest name (the one their key comes from)."),
        _field(
            "entity_key_how",
            pa.string(),
            "How mentions were joined to the key: article (each article's own name),"
            " surname_unique_in_lake (some articles name only the surname, which one full"
            " name in the lake has), surname_ambiguous (a surname alone that several full"
            " names share: kept apart).",
        ),
        _field(
            "article_keys",
            pa.list_(pa.string()),
            "The article-level mentions.entity_key values joined here (the key itself first).",
        ),
        _field(
            "name_variants",
            pa.list_(pa.string()),
            "Names as written and as resolved (mentions.text, canonical_name), most frequent"
            " first.",
        ),
        _field(
            "roles",
            pa.list_(pa.string()),
            "Roles given to them when they speak (quotes.speaker_role), most frequent first.",
        ),
        _field("mentions", pa.int32(), "PERSON mentions of them."),
        _field("articles", pa.int32(), "Articles mentioning them or quoting them."),
        _field("quotes", pa.int32(), "Statements they make (as speaker or co-speaker)."),
        _field("first_seen", pa.date32(), "Earliest partition date they appear in."),
        _field("last_seen", pa.date32(), "Latest partition date they appear in."),
    ]
)


@dataclass(slots=True)
class _Person:
    key: str
    name: str = ""  # the linked key's name, from the whole lake
    how: str = HOW_ARTICLE
    names: Counter[str] = field(default_factory=Counter)
    canonical: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    article_keys: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    dates: set[dt.date] = field(default_factory=set)
    mentions: int = 0
    quotes: int = 0


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def people_rows(
    mentions: Iterable[Mapping[str, Any]],
    quotes: Iterable[Mapping[str, Any]],
    links: Mapping[str, Link] | None = None,
) -> list[dict[str, Any]]:
    """Rows of the view, most mentioned first. `links` (from `link_people` over the whole
    lake) default to links over these mentions."""
    persons = [m for m in mentions if m["label"] == "PERSON"]
    if links is None:
        links = link_people((m["entity_key"], m["canonical_name"]) for m in persons)
    people: dict[str, _Person] = {}

    def person(article_key: str) -> _Person:
        link = links.get(article_key) or Link(article_key, HOW_ARTICLE, "")
        p = people.get(link.entity_key)
        if p is None:
            p = people[link.entity_key] = _Person(link.entity_key, name=link.name)
        p.article_keys.add(article_key)
        if link.how != HOW_ARTICLE:
            p.how = link.how
        return p

    for m in persons:
        p = person(m["entity_key"])
        p.mentions += 1
        p.names[m["text"]] += 1
        p.canonical[m["canonical_name"]] += 1
        p.articles.add(m["article_id"])
        p.dates.add(_as_date(m["date"]))
    for q in quotes:
        keys = [q.get("speaker_entity_key"), *(q.get("co_speaker_keys") or [])]
        for i, k in enumerate(keys):
            if not k or not k.startswith(PERSON_PREFIX):
                continue
            p = person(k)
            p.quotes += 1
            p.articles.add(q["article_id"])
            p.dates.add(_as_date(q["date"]))
            if i == 0 and q.get("speaker_role"):
                p.roles[q["speaker_role"]] += 1
    rows: list[dict[str, Any]] = []
    for p in people.values():
        # the name the key comes from (the lake's), else the longest resolved name here
        longest = max(p.canonical, key=lambda n: (len(n.split()), p.canonical[n], n), default="")
        name = p.name or longest
        variants = p.canonical + p.names
        rows.append(
            {
                "entity_key": p.key,
                "name": name or p.key.removeprefix(PERSON_PREFIX),
                "entity_key_how": p.how,
                "article_keys": [p.key, *sorted(p.article_keys - {p.key})],
                "name_variants": [
                    n for n, _ in sorted(variants.items(), key=lambda x: (-x[1], x[0]))
                ],
                "roles": [r for r, _ in sorted(p.roles.items(), key=lambda x: (-x[1], x[0]))],
                "mentions": p.mentions,
                "articles": len(p.articles),
                "quotes": p.quotes,
                "first_seen": min(p.dates),
                "last_seen": max(p.dates),
            }
        )
    rows.sort(key=lambda r: (-int(r["mentions"]), -int(r["quotes"]), str(r["entity_key"])))
    return rows


def people(
    mentions: pa.Table, quotes: pa.Table, links: Mapping[str, Link] | None = None
) -> pa.Table:
    """The view over `mentions` and `quotes` tables (other columns are ignored)."""
    rows = people_rows(
        rows_of("people", "mentions", mentions, MENTION_COLUMNS),
        rows_of("people", "quotes", quotes, QUOTE_COLUMNS),
        links,
    )
    return pa.Table.from_pylist(rows, schema=PEOPLE_SCHEMA)
