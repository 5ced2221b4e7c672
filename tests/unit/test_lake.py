import datetime as dt
import multiprocessing
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from flows.adapters.lake import PART_FILE, Lake
from transforms.schemas import CoverageRow, QuarantineRow, to_arrow

NOW = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def cov(source, run, written, date="2024-01-01"):
    return CoverageRow(source, run, written, written, 0, 0, written, 0, written, 0, date)


def test_merge_replaces_rows_on_key_and_never_duplicates(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write("coverage", to_arrow("coverage", [cov("a", "r1", 1), cov("b", "r1", 2)]))
    lake.write(
        "coverage", to_arrow("coverage", [cov("a", "r1", 5), cov("a", "r2", 3, "2024-01-02")])
    )
    df = lake.read_table("coverage").sort_values(["date", "source"])
    assert df[["date", "source", "run_id", "written"]].values.tolist() == [
        ["2024-01-01", "a", "r1", 5],
        ["2024-01-01", "b", "r1", 2],
        ["2024-01-02", "a", "r2", 3],
    ]
    assert lake.partitions("coverage") == ["2024-01-01", "2024-01-02"]


def test_quarantine_keeps_the_first_report(tmp_path):
    lake = Lake(str(tmp_path))
    row = QuarantineRow("q1", "input", "{}", [], "first", "s", "o", "run1", NOW, "2024-01-01")
    lake.write("quarantine", to_arrow("quarantine", [row]))
    later = QuarantineRow("q1", "input", "{}", [], "second", "s", "o", "run2", NOW, "2024-01-01")
    lake.write("quarantine", to_arrow("quarantine", [later]))
    df = lake.read_table("quarantine")
    assert df["run_id"].tolist() == ["run1"]


def test_read_with_partition_pruning_and_columns(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write(
        "coverage", to_arrow("coverage", [cov("a", "r", 1, f"2024-01-0{d}") for d in range(1, 6)])
    )
    df = lake.read_table(
        "coverage", start="2024-01-02", end="2024-01-04", columns=["source", "date"]
    )
    assert list(df.columns) == ["source", "date"]
    assert sorted(df["date"]) == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert df["date"].dtype != "category"


def test_crash_during_write_leaves_previous_state_intact(tmp_path, monkeypatch):
    lake = Lake(str(tmp_path))
    lake.write("coverage", to_arrow("coverage", [cov("a", "r1", 1)]))
    before = lake.read_table("coverage")

    def crash(self, target):
        raise OSError("disk vanished mid-write")

    monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(OSError, match="mid-write"):
        lake.write("coverage", to_arrow("coverage", [cov("a", "r1", 9), cov("c", "r1", 2)]))
    monkeypatch.undo()
    after = lake.read_table("coverage")
    pd.testing.assert_frame_equal(before, after)
    # the half-written temporary file is hidden from readers (leading dot) and does not count
    folder = tmp_path / "coverage" / "date=2024-01-01"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [PART_FILE]
    query = f"select count(*) from read_parquet('{tmp_path}/coverage/*/*.parquet')"
    assert duckdb.execute(query).fetchall() == [(1,)]


def _writer(root, source, n):
    lake = Lake(root)
    for i in range(n):
        lake.write("coverage", to_arrow("coverage", [cov(source, f"r{i}", i)]))


def test_concurrent_writers_of_one_partition_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), s, 15)) for s in ("x", "y")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    df = Lake(str(tmp_path)).read_table("coverage")
    assert len(df) == 30 and not df.duplicated(["source", "run_id"]).any()


def test_delete_rows(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write("coverage", to_arrow("coverage", [cov("a", "r1", 1), cov("b", "r1", 1)]))
    assert lake.delete_rows("coverage", "2024-01-01", "source", ["a"]) == 1
    assert lake.read_table("coverage")["source"].tolist() == ["b"]


def test_empty_table_reads_with_schema(tmp_path):
    df = Lake(str(tmp_path)).read_table("quotes")
    assert len(df) == 0 and "quote_id" in df.columns and "date" in df.columns
    assert isinstance(Lake(str(tmp_path)).read_arrow("quotes"), pa.Table)


def test_large_files_are_rewritten_as_a_stream(tmp_path, monkeypatch):
    from flows.adapters import lake as lake_module

    monkeypatch.setattr(lake_module, "STREAM_ABOVE_BYTES", 0)  # every rewrite streams
    lake = Lake(str(tmp_path))
    lake.write("coverage", to_arrow("coverage", [cov("a", f"r{i}", i) for i in range(5)]))
    lake.write("coverage", to_arrow("coverage", [cov("a", "r2", 20), cov("b", "r1", 1)]))
    lake.write("coverage", to_arrow("coverage", [cov("c", "r1", 1)]))
    df = lake.read_table("coverage")
    assert len(df) == 7 and not df.duplicated(["source", "run_id"]).any()
    assert df.set_index(["source", "run_id"]).loc[("a", "r2"), "written"] == 20
    row = QuarantineRow("q1", "input", "{}", [], "first", "s", "o", "run1", NOW, "2024-01-01")
    lake.write("quarantine", to_arrow("quarantine", [row]))
    lake.write(
        "quarantine",
        to_arrow(
            "quarantine",
            [QuarantineRow("q1", "input", "{}", [], "again", "s", "o", "run2", NOW, "2024-01-01")],
        ),
    )
    assert lake.read_table("quarantine")["reason"].tolist() == ["first"]


def test_a_growing_day_spreads_over_bounded_files_with_each_key_once(tmp_path, monkeypatch):
    from flows.adapters import lake as lake_module

    monkeypatch.setattr(
        lake_module, "FILE_TARGET_BYTES", 1
    )  # every write after the first starts a file
    lake = Lake(str(tmp_path))
    for n in range(4):
        lake.write("coverage", to_arrow("coverage", [cov("s", f"r{n}-{i}", i) for i in range(3)]))
    assert len(lake.files("coverage", "2024-01-01")) == 4
    # replacing keys that live in the first and the third file rewrites those files only
    lake.write(
        "coverage",
        to_arrow("coverage", [cov("s", "r0-1", 99), cov("s", "r2-2", 98), cov("s", "new", 1)]),
    )
    df = lake.read_table("coverage")
    assert len(df) == 13 and not df.duplicated(["source", "run_id"]).any()
    assert df.set_index("run_id").loc[["r0-1", "r2-2"], "written"].tolist() == [99, 98]
    assert len(lake.files("coverage", "2024-01-01")) == 5
    assert lake.delete_rows("coverage", "2024-01-01", "run_id", ["r1-0", "r1-1", "r1-2"]) == 3
    assert len(lake.files("coverage", "2024-01-01")) == 4  # an emptied file is removed
    assert sum(b.num_rows for b in lake.iter_partition("coverage", "2024-01-01")) == 10


def test_files_of_an_older_schema_read_and_merge_with_the_columns_added_since(tmp_path):
    import pyarrow.parquet as pq

    from transforms.schemas import arrow_schema

    lake = Lake(str(tmp_path))
    # a coverage file written before `skipped_language` existed (schema version 1)
    old = to_arrow("coverage", [cov("a", "r1", 3)]).drop_columns(["skipped_language", "date"])
    folder = tmp_path / "coverage" / "date=2024-01-01"
    folder.mkdir(parents=True)
    pq.write_table(old, folder / PART_FILE)
    df = lake.read_table("coverage")
    assert df["skipped_language"].tolist() == [0] and df["written"].tolist() == [3]
    lake.write("coverage", to_arrow("coverage", [cov("b", "r1", 1)]))  # rewrites the old file
    stored = pq.read_table(folder / PART_FILE)
    assert stored.schema.equals(arrow_schema("coverage"), check_metadata=False)
    assert sorted(stored.column("skipped_language").to_pylist()) == [0, 0]


def test_quotes_of_an_older_schema_read_with_the_columns_added_since(tmp_path):
    import pyarrow.parquet as pq

    from tests.expectations_helpers import quote
    from transforms.schemas import added_columns

    lake = Lake(str(tmp_path))
    added = list(added_columns("quotes"))
    assert {"speaker_kind", "statement_kind", "co_speaker_names"} <= set(added)
    old = to_arrow("quotes", [quote()]).drop_columns([*added, "date"])
    folder = tmp_path / "quotes" / f"date={quote().date}"
    folder.mkdir(parents=True)
    pq.write_table(old, folder / PART_FILE)
    row = lake.read_table("quotes").iloc[0]
    assert (row["speaker_kind"], row["statement_kind"]) == ("unknown", "speech")
    assert list(row["co_speaker_names"]) == []
    lake.write("quotes", to_arrow("quotes", [quote(quote_id="q-new", start_char=0)]))
    assert len(lake.read_table("quotes")) == 2


def test_articles_of_schema_2_read_and_merge_with_also_sources(tmp_path):
    import pyarrow.parquet as pq

    from tests.expectations_helpers import article

    lake = Lake(str(tmp_path))
    old = to_arrow("articles", [article()]).drop_columns(["also_sources", "date"])
    folder = tmp_path / "articles" / f"date={article().date}"
    folder.mkdir(parents=True)
    pq.write_table(old, folder / PART_FILE)
    assert lake.read_table("articles")["also_sources"].map(list).tolist() == [[]]
    newer = article(article_id="fedcba9876543210", also_sources=["feed"])
    lake.write("articles", to_arrow("articles", [newer]))
    got = lake.read_table("articles").sort_values("article_id")
    assert got["also_sources"].map(list).tolist() == [[], ["feed"]]


def test_a_table_without_rows_reads_with_its_schema_in_every_reader(tmp_path):
    import polars as pl

    from transforms.schemas import TABLES, arrow_schema

    lake = Lake(str(tmp_path))
    lake.write("coverage", to_arrow("coverage", [cov("a", "r1", 1)]))
    assert lake.ensure_tables() == [t for t in TABLES if t != "coverage"]
    assert lake.ensure_tables() == []  # once
    names = arrow_schema("quarantine", with_partition=True).names
    df = pd.read_parquet(tmp_path / "quarantine")
    assert df.empty and list(df.columns) == names
    glob = f"{tmp_path}/quarantine/**/*.parquet"
    rel = duckdb.sql(f"select * from read_parquet('{glob}', hive_partitioning=true)")
    assert rel.columns == names and str(rel.types[-1]) == "DATE" and rel.fetchall() == []
    frame = pl.scan_parquet(glob, hive_partitioning=True).collect()
    assert frame.columns == names and frame.schema["date"] == pl.Date and frame.height == 0
    assert lake.partitions("quarantine") == [] and len(lake.read_table("quarantine")) == 0
    # the first rows replace the empty file: no reader sees a file outside the partitions
    row = QuarantineRow("q1", "input", "{}", [], "why", "s", "o", "run1", NOW, "2024-01-01")
    lake.write("quarantine", to_arrow("quarantine", [row]))
    assert not (tmp_path / "quarantine" / "empty.parquet").exists()
    rel = duckdb.sql(f"select date, reason from read_parquet('{glob}', hive_partitioning=true)")
    assert rel.fetchall() == [(dt.date(2024, 1, 1), "why")]
    assert pl.scan_parquet(glob, hive_partitioning=True).collect()["date"].to_list() == [
        dt.date(2024, 1, 1)
    ]
