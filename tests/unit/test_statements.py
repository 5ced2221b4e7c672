"""The statements view on quotes and articles built by hand: the same statement carried by
several outlets, with small edits, shares one key; other statements stay apart."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from transforms.statements import (
    ARTICLE_COLUMNS,
    QUOTE_COLUMNS,
    STATEMENTS_SCHEMA,
    outlet,
    statement_key,
    statements,
    statements_rows,
    words,
)

WIRE = "We will reopen the north bridge to every driver before the winter floods arrive."
# the same words, other case, quotation marks and punctuation
RETYPED = "we will reopen the North Bridge to every driver — before the winter floods arrive"
# a re-quote with a word swapped and one dropped
EDITED = "We will reopen the north bridge to all drivers before the winter floods arrive."
OTHER = "The harbour board has no money left for dredging the southern channel this year."


def article(aid: str, url: str | None, day: str, publisher: str | None = None, hour: int = 9):
    return {
        "article_id": aid,
        "canonical_url": url,
        "publisher": publisher,
        "source": "feeds",
        "published_at": dt.datetime(2026, 3, int(day[-2:]), hour, tzinfo=dt.UTC),
        "fetched_at": dt.datetime(2026, 3, 20, tzinfo=dt.UTC),
        "date": day,
    }


def quote(qid: str, aid: str, text: str, day: str, speaker: str | None = "Ines Duarte"):
    return {
        "quote_id": qid,
        "article_id": aid,
        "quote_text": text,
        "quote_type": "direct",
        "start_char": 10,
        "speaker_name": speaker,
        "speaker_entity_key": f"person/{speaker.lower().replace(' ', '-')}" if speaker else None,
        "date": day,
    }


ARTICLES = [
    article("a1", "https://www.rivertimes.example/news/bridge", "2026-03-02", hour=7),
    article("a2", "https://valleypost.example/bridge-reopens", "2026-03-02", hour=11),
    article("a3", "https://valleypost.example/bridge-again", "2026-03-04"),
    article("a4", None, "2026-03-05", publisher="Hill Radio"),
]


def test_words_and_key_ignore_case_punctuation_and_quotation_marks():
    assert words("“It’s over,” she said.") == ("its", "over", "she", "said")
    assert statement_key(WIRE) == statement_key(RETYPED)
    assert statement_key(WIRE) != statement_key(EDITED)
    assert statement_key(WIRE).startswith("st-") and len(statement_key(WIRE)) == 19


def test_outlet_is_the_host_else_the_publisher_else_the_source():
    assert outlet("https://www.rivertimes.example/a", "River Times", "s") == "rivertimes.example"
    assert outlet(None, "Hill Radio", "s") == "Hill Radio"
    assert outlet(None, None, "feeds") == "feeds"


def test_copies_and_near_copies_are_one_statement_first_seen_first():
    quotes = [
        quote("q3", "a3", EDITED, "2026-03-04", speaker=None),
        quote("q2", "a2", RETYPED, "2026-03-02"),
        quote("q1", "a1", WIRE, "2026-03-02"),
        quote("q4", "a4", OTHER, "2026-03-05", speaker="Tom Reyes"),
    ]
    rows = statements_rows(quotes, ARTICLES)
    assert len(rows) == 2
    top = rows[0]
    assert top["statement_key"] == statement_key(WIRE)
    assert top["text"] == WIRE  # a1 was published first that day
    assert (top["first_article_id"], top["first_outlet"]) == ("a1", "rivertimes.example")
    assert (top["first_date"], top["last_date"]) == (dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    assert (top["outlets"], top["articles"], top["quotes"], top["variants"]) == (2, 3, 3, 2)
    assert top["outlet_names"] == ["rivertimes.example", "valleypost.example"]
    assert top["quote_ids"] == ["q1", "q2", "q3"]
    assert top["speaker_name"] == "Ines Duarte"  # the quote with no speaker does not count
    assert top["speaker_entity_key"] == "person/ines-duarte"
    other = rows[1]
    assert (other["text"], other["outlets"], other["first_outlet"]) == (OTHER, 1, "Hill Radio")


def test_a_speaker_named_by_surname_counts_as_the_linked_full_name():
    quotes = [
        quote("q1", "a1", WIRE, "2026-03-02", speaker="Duarte"),
        quote("q2", "a2", WIRE, "2026-03-02", speaker="Duarte"),
        quote("q3", "a3", WIRE, "2026-03-04", speaker="Ines Duarte"),
    ]
    (row,) = statements_rows(quotes, ARTICLES)
    assert row["speaker_name"] == "Duarte"  # unlinked: the most frequent name as written
    links = {"person/duarte": ("person/ines-duarte", "Ines Duarte")}
    (row,) = statements_rows(quotes, ARTICLES, links)
    assert (row["speaker_name"], row["speaker_entity_key"]) == ("Ines Duarte", "person/ines-duarte")


def test_short_fragments_join_only_when_their_words_are_the_same():
    quotes = [
        quote("q1", "a1", "a vital backstop", "2026-03-02"),
        quote("q2", "a2", "A vital “backstop”", "2026-03-02"),
        quote("q3", "a3", "a vital safeguard", "2026-03-04"),
    ]
    rows = statements_rows(quotes, ARTICLES)
    assert sorted(r["quotes"] for r in rows) == [1, 2]


def test_unrelated_statements_that_share_some_words_stay_apart():
    a = "The council will vote on the new budget for the city schools next week."
    b = "The council will vote on the parking rules for the city centre in April."
    rows = statements_rows(
        [quote("q1", "a1", a, "2026-03-02"), quote("q2", "a2", b, "2026-03-02")], ARTICLES
    )
    assert len(rows) == 2


def test_near_copies_are_found_among_many_statements():
    import random

    rng = random.Random(5)
    vocab = [f"word{i}" for i in range(3000)]
    texts = [" ".join(rng.choices(vocab, k=rng.randint(12, 40))) for _ in range(2000)]
    quotes = [quote(f"q{i}", "a1", t, "2026-03-02") for i, t in enumerate(texts)]
    copies = []
    # 20 re-quotes, one word swapped in each: with 12 words or more their Jaccard is >= .69
    for n in range(0, 2000, 100):
        ws = texts[n].split()
        ws[len(ws) // 2] = "changed"
        copies.append(quote(f"c{n}", "a2", " ".join(ws), "2026-03-02"))
    rows = statements_rows(quotes + copies, ARTICLES)
    joined = [r for r in rows if r["quotes"] > 1]
    assert len(rows) == 2000 and len(joined) == 20
    assert all(r["outlets"] == 2 and r["quote_ids"][0].startswith("q") for r in joined)


def test_the_table_function_checks_its_columns_and_keeps_the_schema():
    quotes = pa.Table.from_pylist([quote("q1", "a1", WIRE, "2026-03-02")])
    arts = pa.Table.from_pylist(ARTICLES)
    view = statements(quotes, arts)
    assert view.schema == STATEMENTS_SCHEMA and view.num_rows == 1
    assert set(QUOTE_COLUMNS) <= set(quotes.column_names)
    assert set(ARTICLE_COLUMNS) == set(arts.column_names)
    with pytest.raises(ValueError, match=r"quotes table lacks columns \['quote_text'\]"):
        statements(quotes.drop_columns(["quote_text"]), arts)
    # a quote whose article is not in the articles given is left out
    assert statements(quotes, arts.slice(1)).num_rows == 0
