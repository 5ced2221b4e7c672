"""People across articles on mentions and quotes built by hand: a surname alone joins the
one full name in the lake that has it; a surname two full names share stays apart."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from transforms.people import (
    HOW_AMBIGUOUS,
    HOW_ARTICLE,
    HOW_SURNAME,
    PEOPLE_SCHEMA,
    Link,
    link_people,
    people,
    people_rows,
)


def mention(aid: str, text: str, canonical: str, day: str, label: str = "PERSON"):
    slug = canonical.lower().replace(" ", "-")
    return {
        "article_id": aid,
        "text": text,
        "label": label,
        "canonical_name": canonical,
        "entity_key": f"{label.lower()}/{slug}",
        "date": day,
    }


def quote(aid: str, key: str | None, day: str, role: str | None = None, co=()):
    return {
        "article_id": aid,
        "speaker_entity_key": key,
        "speaker_role": role,
        "co_speaker_keys": list(co),
        "date": day,
    }


MENTIONS = [
    # a1 names her in full; a2 only by surname
    mention("a1", "Ines Duarte", "Ines Duarte", "2026-03-02"),
    mention("a1", "Duarte", "Ines Duarte", "2026-03-02"),
    mention("a2", "Duarte", "Duarte", "2026-03-05"),
    # two Bakers in the lake: "Baker" alone stays apart from both
    mention("a1", "Tom Baker", "Tom Baker", "2026-03-02"),
    mention("a3", "Anna Baker", "Anna Baker", "2026-03-06"),
    mention("a4", "Baker", "Baker", "2026-03-07"),
    # a one-word name no full name ends with
    mention("a4", "Kosmo", "Kosmo", "2026-03-07"),
    # not a person: never linked
    mention("a2", "Duarte", "Duarte", "2026-03-05", label="ORG"),
]


def test_links_join_a_unique_surname_and_keep_an_ambiguous_one_apart():
    links = link_people((m["entity_key"], m["canonical_name"]) for m in MENTIONS[:7])
    assert links["person/duarte"] == Link("person/ines-duarte", HOW_SURNAME, "Ines Duarte")
    assert links["person/ines-duarte"] == Link("person/ines-duarte", HOW_ARTICLE, "Ines Duarte")
    assert links["person/baker"] == Link("person/baker", HOW_AMBIGUOUS, "Baker")
    assert links["person/kosmo"] == Link("person/kosmo", HOW_ARTICLE, "Kosmo")


def test_surnames_match_whatever_their_case_and_accents():
    links = link_people([("person/jose-nunez", "José Núñez"), ("person/nunez", "NUNEZ")])
    assert links["person/nunez"].entity_key == "person/jose-nunez"


def test_the_view_counts_each_person_once_across_articles():
    quotes = [
        quote("a1", "person/ines-duarte", "2026-03-02", role="Mayor"),
        quote("a2", "person/duarte", "2026-03-05", role="the mayor"),
        quote("a2", "person/duarte", "2026-03-05", role="Mayor"),
        quote("a3", "org/harbour-board", "2026-03-06", co=["person/anna-baker"]),
        quote("a3", None, "2026-03-06"),
    ]
    rows = {r["entity_key"]: r for r in people_rows(MENTIONS, quotes)}
    ines = rows["person/ines-duarte"]
    assert ines["name"] == "Ines Duarte" and ines["entity_key_how"] == HOW_SURNAME
    assert ines["article_keys"] == ["person/ines-duarte", "person/duarte"]
    assert ines["name_variants"] == ["Duarte", "Ines Duarte"]
    assert ines["roles"] == ["Mayor", "the mayor"]
    assert (ines["mentions"], ines["articles"], ines["quotes"]) == (3, 2, 3)
    assert (ines["first_seen"], ines["last_seen"]) == (dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    assert "person/duarte" not in rows
    # the co-speaker's statement counts for her
    assert rows["person/anna-baker"]["quotes"] == 1
    assert rows["person/baker"]["entity_key_how"] == HOW_AMBIGUOUS
    assert rows["person/tom-baker"]["entity_key_how"] == HOW_ARTICLE
    assert not any(k.startswith("org/") for k in rows)
    assert list(rows) == [
        "person/ines-duarte",
        "person/anna-baker",
        "person/baker",
        "person/kosmo",
        "person/tom-baker",
    ]


def test_links_from_the_whole_lake_apply_to_a_window():
    # the window holds only the surname article; the lake's links still join it
    links = link_people((m["entity_key"], m["canonical_name"]) for m in MENTIONS[:3])
    rows = people_rows([MENTIONS[2]], [], links)
    assert [(r["entity_key"], r["name"], r["mentions"]) for r in rows] == [
        ("person/ines-duarte", "Ines Duarte", 1)
    ]


def test_the_table_function_checks_its_columns():
    m = pa.Table.from_pylist(MENTIONS)
    q = pa.Table.from_pylist([quote("a1", "person/ines-duarte", "2026-03-02")])
    view = people(m, q)
    assert view.schema == PEOPLE_SCHEMA and view.num_rows == 5
    with pytest.raises(ValueError, match="mentions table lacks columns"):
        people(m.drop_columns(["canonical_name"]), q)
