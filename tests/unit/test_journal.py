"""The lake's per-article replacement and the batch commit journal, on a temp folder."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from flows.adapters.journal import BatchWrite, Journal, JournalError
from flows.adapters.lake import Lake
from transforms.schemas import MentionRow, to_arrow

DAY = "2024-01-05"


def mention(aid: str, start: int, text: str = "Ann") -> MentionRow:
    return MentionRow(
        mention_id=f"{aid}-{start}",
        article_id=aid,
        text=text,
        label="PERSON",
        start_char=start,
        end_char=start + len(text),
        sentence_index=0,
        canonical_name=text,
        entity_key=f"person:{text.lower()}",
        date=DAY,
    )


def ids(lake: Lake, table: str = "mentions") -> list[str]:
    return sorted(lake.read_arrow(table, columns=["mention_id"]).column(0).to_pylist())


def test_an_articles_rows_are_replaced_as_a_whole(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write(
        "mentions", to_arrow("mentions", [mention("a", 0), mention("a", 9), mention("b", 3)])
    )
    # reprocessed: other spans, so other keys; the old ones must go, b's stay
    lake.write("mentions", to_arrow("mentions", [mention("a", 4)]), {DAY: ["a"]})
    assert ids(lake) == ["a-4", "b-3"]
    assert len(lake.files("mentions", DAY)) == 1  # in the file that held the old rows
    # an article that now has no mentions loses its old ones
    empty = to_arrow("mentions", [])
    lake.write("mentions", empty, {DAY: ["a"]})
    assert ids(lake) == ["b-3"]


def _batch(n: int) -> BatchWrite:
    rows = [mention(f"a{n}", 0), mention(f"a{n}", 5)]
    return BatchWrite(
        f"run-{n}", {"mentions": to_arrow("mentions", rows)}, {"mentions": {DAY: [f"a{n}"]}}
    )


def test_a_commit_writes_every_table_then_leaves_no_state(tmp_path, monkeypatch):
    lake = Lake(str(tmp_path))
    order: list[str] = []
    write = lake.write
    monkeypatch.setattr(
        lake, "write", lambda t, rows, replace=None: order.append(t) or write(t, rows, replace)
    )
    from tests.unit.test_batch import TEXT, article
    from transforms.schemas import to_arrow as arrow

    batch = _batch(1)
    batch.tables["articles"] = arrow("articles", [article("a1", TEXT, date=DAY)])
    assert Journal(lake).commit(batch) == {"mentions": 2, "articles": 1}
    assert order == ["mentions", "articles"]  # articles last: the commit marker
    assert lake.list_state("journal") == [] and ids(lake) == ["a1-0", "a1-5"]
    assert not (tmp_path / "_locks" / "_batch.run-1.lock").exists()


def _stage(lake: Lake, batch: BatchWrite, committed: bool) -> None:
    """What a writer killed before applying leaves: staged rows, and maybe the record."""
    for table, rows in batch.tables.items():
        sink = pa.BufferOutputStream()
        import pyarrow.parquet as pq

        pq.write_table(rows, sink)
        lake.write_state(f"journal/{batch.batch_id}/{table}.parquet", bytes(sink.getvalue()))
    if committed:
        record = {
            "batch_id": batch.batch_id,
            "tables": list(batch.tables),
            "rows": {t: r.num_rows for t, r in batch.tables.items()},
            "replace": batch.replace,
            "committed_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        lake.write_state(f"journal/{batch.batch_id}.json", json.dumps(record).encode())


def test_recovery_applies_committed_batches_and_drops_the_rest(tmp_path):
    lake = Lake(str(tmp_path))
    _stage(lake, _batch(1), committed=True)
    _stage(lake, _batch(2), committed=False)
    found = Journal(lake).recover()
    assert (found.applied, found.dropped) == (["run-1"], ["run-2"])
    assert ids(lake) == ["a1-0", "a1-5"]
    assert lake.list_state("journal") == []
    assert not Journal(lake).recover()  # nothing left to do


def test_applying_a_batch_twice_gives_it_once(tmp_path):
    lake = Lake(str(tmp_path))
    Journal(lake).commit(_batch(1))
    _stage(lake, _batch(1), committed=True)  # as if the writer died before cleaning
    Journal(lake).recover()
    assert ids(lake) == ["a1-0", "a1-5"]


def test_a_batch_still_being_written_is_left_alone(tmp_path):
    lake = Lake(str(tmp_path))
    _stage(lake, _batch(1), committed=False)
    with lake.named_lock("_batch.run-1"):  # its writer is alive
        found = Journal(lake).recover()
    assert found.busy == ["run-1"] and lake.list_state("journal") != []


def test_a_committed_batch_without_its_rows_is_refused_not_applied(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write("mentions", to_arrow("mentions", [mention("a1", 0)]))
    _stage(lake, _batch(1), committed=True)
    lake.delete_state("journal/run-1/mentions.parquet")
    with pytest.raises(JournalError, match="staged mentions rows are missing"):
        Journal(lake).recover()
    assert ids(lake) == ["a1-0"]  # the old rows were not deleted by a replace with nothing
