"""The article_speakers view: quotes folded to one row per article and speaker."""

import pyarrow as pa
import pytest

from transforms.speakers import ARTICLE_SPEAKERS_SCHEMA, article_speakers


def quote(article, start, qtype, name=None, key=None, role=None, attribution="explicit", conf=0.9):
    return {
        "article_id": article,
        "date": "2026-11-29",
        "start_char": start,
        "quote_type": qtype,
        "speaker_name": name,
        "speaker_entity_key": key,
        "speaker_role": role,
        "attribution": attribution,
        "confidence": conf,
        "quote_text": "ignored",
    }


def test_one_row_per_article_and_speaker_with_counts_and_role():
    rows = [
        quote("a1", 300, "direct", "Jane Roe", "person/jane-roe", None, "pronoun", 0.7),
        quote("a1", 100, "partial", "Jane Roe", "person/jane-roe", "Mayor"),
        quote("a1", 500, "indirect", "Jane Roe", "person/jane-roe", "Mayor"),
        quote("a1", 50, "direct", "Tom Bell", "person/tom-bell", "Senator"),
        quote("a1", 700, "direct", attribution="none", conf=0.0),
        quote("a2", 10, "direct", "Acme", "org/acme"),
    ]
    view = article_speakers(pa.Table.from_pylist(rows), kinds=None)
    assert view.schema == ARTICLE_SPEAKERS_SCHEMA
    out = view.to_pylist()
    assert [(r["article_id"], r["speaker_name"], r["quotes"]) for r in out] == [
        ("a1", "Jane Roe", 3),  # most quotes first
        ("a1", "Tom Bell", 1),
        ("a1", None, 1),  # no speaker found: kept, last
        ("a2", "Acme", 1),
    ]
    roe = out[0]
    assert (roe["direct"], roe["partial"], roe["indirect"]) == (1, 1, 1)
    assert roe["role"] == "Mayor" and roe["first_char"] == 100
    assert roe["mean_confidence"] == pytest.approx((0.7 + 0.9 + 0.9) / 3, abs=1e-3)
    assert roe["attributions"] == ["explicit", "pronoun"]
    # every quote of an article is counted once
    assert sum(r["quotes"] for r in out if r["article_id"] == "a1") == 5


def test_a_name_without_an_entity_key_is_its_own_speaker():
    rows = [
        quote("a1", 0, "direct", "the company"),
        quote("a1", 40, "direct", "the company"),
        quote("a1", 80, "direct", "Jane Roe", "person/jane-roe"),
    ]
    out = article_speakers(pa.Table.from_pylist(rows)).to_pylist()
    assert [(r["speaker_name"], r["speaker_entity_key"], r["quotes"]) for r in out] == [
        ("the company", None, 2),
        ("Jane Roe", "person/jane-roe", 1),
    ]


def test_an_empty_quotes_table_gives_an_empty_view_and_missing_columns_are_named():
    empty = pa.Table.from_pylist([quote("a", 0, "direct")]).slice(0, 0)
    assert article_speakers(empty).num_rows == 0
    with pytest.raises(ValueError, match="speaker_role"):
        article_speakers(pa.Table.from_pylist([quote("a", 0, "direct")]).drop(["speaker_role"]))


def kinded(article, start, qtype, name, key, kind, co=()):
    row = quote(article, start, qtype, name, key)
    row.update(
        speaker_kind=kind,
        co_speaker_names=[n for n, _ in co],
        co_speaker_keys=[k for _, k in co],
    )
    return row


def test_people_are_listed_by_default_and_other_kinds_on_request():
    rows = [
        kinded("a1", 0, "direct", "Jane Roe", "person/jane-roe", "person"),
        kinded("a1", 40, "indirect", "Acme", "org/acme", "organisation"),
        kinded("a1", 80, "indirect", "A new poll", None, "document"),
        kinded("a1", 120, "direct", None, None, "unknown"),
    ]
    table = pa.Table.from_pylist(rows)
    people = article_speakers(table).to_pylist()
    assert [(r["speaker_name"], r["speaker_kind"]) for r in people] == [("Jane Roe", "person")]
    some = article_speakers(table, kinds=("organisation", "document")).to_pylist()
    assert [r["speaker_name"] for r in some] == ["Acme", "A new poll"]
    every = article_speakers(table, kinds=None).to_pylist()
    assert sum(r["quotes"] for r in every) == 4 and every[-1]["speaker_name"] is None
    with pytest.raises(ValueError, match="robot"):
        article_speakers(table, kinds=("robot",))


def test_a_statement_of_coordinated_speakers_counts_for_each_of_them():
    rows = [
        kinded(
            "a1",
            0,
            "direct",
            "Jane Roe",
            "person/jane-roe",
            "person",
            co=[("Tom Bell", "person/tom-bell"), ("Acme", "org/acme")],
        ),
        kinded("a1", 90, "direct", "Tom Bell", "person/tom-bell", "person"),
    ]
    out = article_speakers(pa.Table.from_pylist(rows)).to_pylist()
    assert [(r["speaker_name"], r["quotes"]) for r in out] == [("Tom Bell", 2), ("Jane Roe", 1)]
    every = article_speakers(pa.Table.from_pylist(rows), kinds=None).to_pylist()
    assert ("Acme", "organisation") in {(r["speaker_name"], r["speaker_kind"]) for r in every}
