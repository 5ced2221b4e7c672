"""Each suite passes a good batch and names the rule a broken batch breaks."""

import datetime as dt
import json

import pandas as pd
import pytest

from expectations.gate import SUITE_DIR, Gate, merge_summaries
from tests.expectations_helpers import TEXT, article, mention, quote
from transforms.checks import DERIVED, article_checks, mention_checks, quote_checks
from transforms.schemas import TABLES, rows_to_columns


@pytest.fixture(scope="module")
def gate():
    return Gate(["articles", "mentions", "quotes"])


def frame(table, rows):
    df = pd.DataFrame(rows_to_columns(table, rows))
    maps = [{n: getattr(r, n) for n in r.__dataclass_fields__} for r in rows]
    texts = {r.article_id: TEXT for r in rows}
    checks = {
        "articles": lambda: article_checks(maps),
        "mentions": lambda: mention_checks(maps, texts, set(texts)),
        "quotes": lambda: quote_checks(maps, texts, set(texts)),
    }[table]()
    for name, values in checks.items():
        df[name] = values
    return df


GOOD = {"articles": article, "mentions": mention, "quotes": quote}


@pytest.mark.parametrize("table", sorted(GOOD))
def test_good_batch_passes(gate, table):
    result = gate.validate(table, frame(table, [GOOD[table]()]))
    failed = [o.name for o in result.outcomes if not o.success]
    assert failed == [] and result.rejected == {}


BROKEN = [
    ("articles", dict(url="ftp:/nope"), "expect_column_values_to_match_regex(url)"),
    ("articles", dict(article_id="XYZ"), "expect_column_values_to_match_regex(article_id)"),
    ("articles", dict(date_source="guess"), "expect_column_values_to_be_in_set(date_source)"),
    ("articles", dict(language="english"), "expect_column_values_to_match_regex(language)"),
    ("articles", dict(word_count=1), "expect_column_values_to_be_between(word_count)"),
    ("articles", dict(title=""), "expect_column_value_lengths_to_be_between(title)"),
    (
        "articles",
        dict(published_at=dt.datetime(1985, 1, 1, tzinfo=dt.UTC), date="1985-01-01"),
        "expect_column_values_to_be_between(published_at)",
    ),
    (
        "articles",
        dict(published_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC), date="2027-01-01"),
        "expect_column_pair_values_a_to_be_greater_than_b(fetched_at,published_at)",
    ),
    ("articles", dict(text_sha256="0" * 64), "expect_column_values_to_be_in_set(_text_sha256_ok)"),
    ("articles", dict(date="2020-01-01"), "expect_column_values_to_be_in_set(_date_ok)"),
    ("articles", dict(run_id=None), "expect_column_values_to_not_be_null(run_id)"),
    ("mentions", dict(label="PERSONA"), "expect_column_values_to_be_in_set(label)"),
    ("mentions", dict(start_char=-1), "expect_column_values_to_be_between(start_char)"),
    (
        "mentions",
        dict(end_char=6, start_char=6),
        "expect_column_pair_values_a_to_be_greater_than_b(end_char,start_char)",
    ),
    ("mentions", dict(text="Ann Lea"), "expect_column_values_to_be_in_set(_span_ok)"),
    ("mentions", dict(entity_key="Ann Lee"), "expect_column_values_to_match_regex(entity_key)"),
    ("mentions", dict(sentence_index=-2), "expect_column_values_to_be_between(sentence_index)"),
    ("quotes", dict(quote_type="rumour"), "expect_column_values_to_be_in_set(quote_type)"),
    ("quotes", dict(attribution="guess"), "expect_column_values_to_be_in_set(attribution)"),
    ("quotes", dict(confidence=1.5), "expect_column_values_to_be_between(confidence)"),
    (
        "quotes",
        dict(quote_text="We will close the bridge"),
        "expect_column_values_to_be_in_set(_quote_span_ok)",
    ),
    ("quotes", dict(speaker_end=10_000), "expect_column_values_to_be_in_set(_speaker_span_ok)"),
    ("quotes", dict(cue="says"), "expect_column_values_to_be_in_set(_cue_span_ok)"),
    ("quotes", dict(attribution="none"), "expect_column_values_to_be_in_set(_attribution_ok)"),
    ("quotes", dict(speaker_kind="robot"), "expect_column_values_to_be_in_set(speaker_kind)"),
    ("quotes", dict(statement_kind="rumour"), "expect_column_values_to_be_in_set(statement_kind)"),
    (
        "quotes",
        dict(co_speaker_names=["Tom Bell"], co_speaker_keys=[]),
        "expect_column_values_to_be_in_set(_co_speakers_ok)",
    ),
    ("quotes", dict(quote_id=None), "expect_column_values_to_not_be_null(quote_id)"),
]


@pytest.mark.parametrize(("table", "change", "expected"), BROKEN, ids=[b[2] for b in BROKEN])
def test_broken_row_is_rejected_by_the_right_rule(gate, table, change, expected):
    other_id = {TABLES[table].key[0]: "fedcba9876543210"}
    rows = [GOOD[table](**other_id), GOOD[table](**change)]
    result = gate.validate(table, frame(table, rows))
    assert list(result.rejected) == [1]  # only the broken row
    assert expected in result.rejected[1]  # named by the rule it breaks (a span rule may join)
    assert result.batch_failures == []


def test_duplicate_ids_and_missing_columns(gate):
    result = gate.validate("mentions", frame("mentions", [mention(), mention()]))
    assert result.rejected == {
        0: ["expect_column_values_to_be_unique(mention_id)"],
        1: ["expect_column_values_to_be_unique(mention_id)"],
    }
    broken = frame("quotes", [quote()]).drop(columns=["cue"])
    result = gate.validate("quotes", broken)
    assert any("expect_table_columns_to_match_set" in f for f in result.batch_failures)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_suite_covers_its_schema_and_loads(table):
    data = json.loads((SUITE_DIR / f"{table}.json").read_text())
    columns = next(
        e for e in data["expectations"] if e["type"] == "expect_table_columns_to_match_set"
    )
    fields = list(TABLES[table].row_type.__dataclass_fields__) + list(DERIVED.get(table, ()))
    assert columns["kwargs"]["column_set"] == fields
    assert all(
        e["meta"].get("scope") in ("row", "batch") and e["meta"].get("why")
        for e in data["expectations"]
    )


def _result(summary, name):
    return next(
        r
        for r in summary["results"]
        if r["expectation_config"]["type"] == name.split("(")[0]
        and r["expectation_config"]["kwargs"].get("column") == name.split("(")[1].rstrip(")")
    )


def test_batches_merge_into_one_result_for_data_docs(gate):
    good = gate.validate("articles", frame("articles", [article()])).summary
    rows = [article(article_id="fedcba9876543210"), article(url="ftp:/nope")]
    bad = gate.validate("articles", frame("articles", rows)).summary
    # no per-row lists survive: their positions only mean something inside one batch
    assert (
        "unexpected_index_list"
        not in _result(bad, "expect_column_values_to_match_regex(url)")["result"]
    )
    merged = merge_summaries(good, bad)
    assert merged["success"] is False and merged["meta"]["batches"] == 2
    url = _result(merged, "expect_column_values_to_match_regex(url)")
    assert url["success"] is False
    assert (url["result"]["element_count"], url["result"]["unexpected_count"]) == (3, 1)
    assert url["result"]["unexpected_percent"] == pytest.approx(100 / 3)
    assert url["result"]["partial_unexpected_list"] == ["ftp:/nope"]
    ids = _result(merged, "expect_column_values_to_be_unique(article_id)")
    assert ids["success"] is True and ids["result"]["element_count"] == 3
    stats = merged["statistics"]
    assert stats["unsuccessful_expectations"] == 1
    assert stats["evaluated_expectations"] == len(merged["results"])
    # merging is associative over batches and keeps a failure once it is seen
    again = merge_summaries(merged, good)
    assert again["success"] is False and again["meta"]["batches"] == 3
    assert (
        _result(again, "expect_column_values_to_match_regex(url)")["result"]["unexpected_count"]
        == 1
    )
    with pytest.raises(ValueError, match="cannot merge"):
        merge_summaries(good, gate.validate("quotes", frame("quotes", [quote()])).summary)


class _NoMemo:
    """Stands in for the gate's context variable: no validation ever has a memo."""

    def set(self, value):
        return None

    def reset(self, token):
        pass

    def get(self):
        return None


def _decision(result):
    outcomes = [
        (o.name, o.scope, o.success, o.unexpected_count, o.failed_rows, o.observed)
        for o in result.outcomes
    ]
    return (
        outcomes,
        result.rejected,
        json.dumps(result.summary["results"], sort_keys=True, default=str),
    )


def test_memoised_configurations_decide_exactly_as_stock_gx(gate, monkeypatch):
    from great_expectations.expectations.expectation import Expectation

    import expectations.gate as gate_module

    batches = [
        ("articles", [article(), article(article_id="fedcba9876543210", url="ftp:/nope")]),
        ("mentions", [mention(), mention()]),  # duplicate ids: both rows rejected
        ("quotes", [quote(), quote(quote_id="fedcba9876543210", speaker_name="")]),
        ("quotes", [quote(quote_id=None)]),
    ]
    frames = [(table, frame(table, rows)) for table, rows in batches]
    frames.append(("quotes", frame("quotes", [quote()]).drop(columns=["cue"])))  # batch failure
    memoised = [_decision(gate.validate(table, df)) for table, df in frames]
    assert Expectation.__dict__["configuration"].fget.newslake_memo
    with monkeypatch.context() as m:
        m.setattr(gate_module, "_CONFIGURATIONS", _NoMemo())
        stock = [_decision(gate.validate(table, df)) for table, df in frames]
    assert memoised == stock
    assert any(rejected for _, rejected, _ in memoised)  # the batches did fail somewhere
    # outside a validation nothing is served from a memo: each read builds a new one
    expectation = gate.suites["quotes"].expectations[0]
    assert expectation.configuration is not expectation.configuration
    assert expectation.configuration == expectation.configuration
