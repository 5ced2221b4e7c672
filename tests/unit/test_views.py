"""flows.views on a small lake written by hand: the types an analyst reads, and a clear
error for an unknown table, column or date."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from flows.adapters.lake import Lake
from flows.views import read_table
from tests.expectations_helpers import article, quote
from transforms.schemas import to_arrow


@pytest.fixture
def lake(tmp_path):
    store = Lake(str(tmp_path))
    store.write("articles", to_arrow("articles", [article()]))
    said = quote()
    unattributed = dataclasses.replace(
        said,
        quote_id="q-none",
        speaker_text=None,
        speaker_start=None,
        speaker_end=None,
        speaker_name=None,
        speaker_entity_key=None,
        attribution="none",
    )
    store.write("quotes", to_arrow("quotes", [said, unattributed]))
    store.ensure_tables()
    return str(tmp_path)


def test_date_is_a_date_and_integers_stay_integers(lake):
    quotes = read_table("quotes", root=lake).sort_values("quote_id")
    assert quotes["date"].dtype == pd.ArrowDtype(pa.date32())
    assert quotes["date"].tolist() == [dt.date(2024, 5, 6)] * 2
    assert quotes["speaker_start"].dtype == pd.Int32Dtype()
    starts = quotes.set_index("quote_id")["speaker_start"]
    assert pd.isna(starts["q-none"]) and int(starts[quote().quote_id]) == quote().speaker_start
    arts = read_table("articles", root=lake)
    assert arts["word_count"].dtype == pd.Int32Dtype() and arts["simhash"].dtype == pd.Int64Dtype()
    assert str(arts["published_at"].dtype) == "datetime64[us, UTC]"
    # dates filter as strings or dates, inclusive
    assert len(read_table("quotes", start=dt.date(2024, 5, 6), end="2024-05-06", root=lake)) == 2
    assert len(read_table("quotes", start="2024-05-07", root=lake)) == 0


def test_an_empty_table_reads_with_its_columns_and_types(lake):
    empty = read_table("quarantine", root=lake)
    assert empty.empty and "reason" in empty.columns
    assert empty["date"].dtype == pd.ArrowDtype(pa.date32())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(table="quote"), r"unknown table 'quote'; tables: articles, mentions, quotes, "),
        (dict(table="quotes", start="2024-5-6"), r"start '2024-5-6' is not a date: give YYYY"),
        (dict(table="quotes", end="2024-02-30"), r"end '2024-02-30' is not a date"),
        (dict(table="quotes", start="2024-06-01", end="2024-05-01"), r"start 2024-06-01 is after"),
        (
            dict(table="quotes", columns=["speaker"]),
            r"quotes has no column 'speaker'; columns: quo",
        ),
    ],
)
def test_bad_arguments_are_clear_value_errors(lake, kwargs, message):
    with pytest.raises(ValueError, match=message):
        read_table(root=lake, **kwargs)


def test_a_missing_lake_is_named_and_not_created(tmp_path):
    missing = tmp_path / "no-lake"
    with pytest.raises(FileNotFoundError, match="no lake at"):
        read_table("quotes", root=str(missing))
    assert not missing.exists()
