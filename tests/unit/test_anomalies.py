"""The anomalies suite: volume drops, empty sources and quarantine rates, per source."""

import pandas as pd
import pytest

from expectations.gate import Gate
from transforms.checks import source_anomalies


@pytest.fixture(scope="module")
def gate():
    return Gate(["anomalies"])


def failures(gate, current, history, action_drop=0.5, rate=0.3):
    rows = source_anomalies(current, history, action_drop, rate)
    result = gate.validate("anomalies", pd.DataFrame(rows))
    return {rows[i]["source"]: sorted(names) for i, names in result.rejected.items()}


def test_steady_sources_pass(gate):
    assert failures(gate, {"wire": {"fetched": 95}}, {"wire": [100, 90, 110, 100]}) == {}


def test_a_drop_of_more_than_half_is_flagged(gate):
    got = failures(
        gate,
        {"wire": {"fetched": 40}, "blog": {"fetched": 12}},
        {"wire": [100, 90, 110], "blog": [10, 12, 11]},
    )
    assert got == {"wire": ["expect_column_values_to_be_in_set(_volume_ok)"]}


def test_a_source_that_went_silent_is_flagged(gate):
    got = failures(gate, {"wire": {"fetched": 0, "failed": 3}}, {"wire": [5, 6, 7]})
    assert got == {
        "wire": [
            "expect_column_values_to_be_in_set(_nonzero_ok)",
            "expect_column_values_to_be_in_set(_volume_ok)",
        ]
    }


def test_too_much_quarantine_is_flagged_and_short_histories_are_not_judged(gate):
    got = failures(
        gate, {"wire": {"fetched": 20, "quarantined": 9}, "new": {"fetched": 1}}, {"new": [50]}
    )
    assert got == {"wire": ["expect_column_values_to_be_in_set(_quarantine_ok)"]}


def test_a_rerun_that_finds_nothing_new_is_not_a_drop(gate):
    # the feed still lists its 50 items; all are in the lake already, so none is fetched
    current = {"wire": {"discovered": 50, "fetched": 0, "skipped": 50}}
    assert failures(gate, current, {"wire": [50, 48, 52]}) == {}


def test_a_feed_that_was_not_modified_is_not_silent(gate):
    current = {"wire": {"discovered": 0, "not_modified": 1}}
    assert failures(gate, current, {"wire": [50, 48, 52]}) == {}
