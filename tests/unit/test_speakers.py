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
    view = article_speakers(pa.Table.from_pylist(rows))
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
