"""Backfill (resumable, idempotent, on Dask, concurrent) and reprocess, with the real flows."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from flows.adapters.lake import Lake
from flows.engine.settings import Settings
from tests.conftest import CORPUS, need_corpus, write_config

pytestmark = pytest.mark.slow
WARC = CORPUS / "warc" / "newslake-corpus-shared.warc.gz"
START, END = dt.date(2023, 1, 1), dt.date(2026, 12, 31)
CONTENT = {
    "articles": "article_id",
    "mentions": "mention_id",
    "quotes": "quote_id",
    "raw": "article_id",
}
PER_RUN = ["run_id"]  # columns that name the run that wrote a row


def content(root: str) -> dict[str, pd.DataFrame]:
    lake = Lake(root)
    out = {}
    for table, key in CONTENT.items():
        df = lake.read_table(table)
        df = df.drop(columns=[c for c in PER_RUN if c in df.columns])
        out[table] = df.sort_values(key).reset_index(drop=True)
    return out


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    """Two WARC files: the shared one, and the first half of its records in a second file."""
    need_corpus()
    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    folder = tmp_path_factory.mktemp("warcs")
    shutil.copy(WARC, folder / "a.warc.gz")
    with open(WARC, "rb") as src, open(folder / "b.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        n = 0
        for record in ArchiveIterator(src):
            if record.rec_type == "response" and n < 6:
                writer.write_record(record)
                n += 1
    return folder


@pytest.fixture(scope="module")
def default_lake(prefect_api, tmp_path_factory):
    from flows.backfill import backfill

    folder = tmp_path_factory.mktemp("default")
    config = write_config(folder, Settings(lake=str(folder / "lake"), workers=2))
    summary = backfill(start=START, end=END, archives=[str(WARC)], config=config)
    return folder, config, summary


def test_backfill_is_resumable_and_idempotent(default_lake, prefect_api):
    from flows.backfill import backfill

    folder, config, first = default_lake
    assert first["written"]["articles"] == 40
    before = content(str(folder / "lake"))
    again = backfill(start=START, end=END, archives=[str(WARC)], config=config)
    assert again["written"]["articles"] == 0 and again["inputs"] == 0  # the unit was skipped
    forced = backfill(start=START, end=END, archives=[str(WARC)], config=config, force=True)
    assert forced["written"]["articles"] == 40  # rewritten ...
    after = content(str(folder / "lake"))
    for table in CONTENT:  # ... as the same rows, never duplicated
        pd.testing.assert_frame_equal(before[table], after[table], check_like=True)


def test_an_interrupted_backfill_redoes_only_what_did_not_finish(
    archives, prefect_api, tmp_path, monkeypatch
):
    from flows import backfill as module

    config = write_config(tmp_path, Settings(lake=str(tmp_path / "lake"), workers=1))
    real = module.run_unit
    done: list[str] = []

    def crash_on_second(unit, *args, **kwargs):
        if done:
            raise KeyboardInterrupt("machine went down")
        done.append(unit.key)
        return real(unit, *args, **kwargs)

    monkeypatch.setattr(module, "run_unit", crash_on_second)
    with pytest.raises(BaseException, match="machine went down"):
        module.backfill(start=START, end=END, archives=[str(archives)], config=config)
    monkeypatch.setattr(module, "run_unit", real)
    resumed = module.backfill(start=START, end=END, archives=[str(archives)], config=config)
    units_skipped = sum(c.get("units_skipped", 0) for c in resumed["per_source"].values())
    assert units_skipped == 1
    lake = Lake(str(tmp_path / "lake"))
    arts = lake.read_table("articles")
    assert len(arts) == 40 and arts["article_id"].is_unique  # b.warc.gz repeats 6 of a's pages


def test_reprocess_rebuilds_from_raw_without_the_network(default_lake, prefect_api, monkeypatch):
    from flows.adapters import fetcher as http
    from flows.reprocess import reprocess

    folder, config, _ = default_lake
    before = content(str(folder / "lake"))

    def no_network(*args, **kwargs):
        raise AssertionError("reprocess must not fetch")

    monkeypatch.setattr(http.Fetcher, "fetch", no_network)
    summary = reprocess(start=dt.date(1990, 1, 1), end=END, config=config)  # every partition
    assert summary["written"]["articles"] == 40 and summary["written"]["raw"] == 0
    after = content(str(folder / "lake"))
    for table in CONTENT:
        pd.testing.assert_frame_equal(before[table], after[table], check_like=True)


def test_backfill_on_dask_writes_the_same_lake(default_lake, prefect_api, tmp_path):
    from flows.backfill import backfill

    folder, _, _ = default_lake
    config = write_config(
        tmp_path, Settings(lake=str(tmp_path / "lake"), task_runner="dask", dask_workers=2)
    )
    summary = backfill(start=START, end=END, archives=[str(WARC)], config=config)
    assert summary["written"]["articles"] == 40
    ours, theirs = content(str(tmp_path / "lake")), content(str(folder / "lake"))
    for table in CONTENT:
        pd.testing.assert_frame_equal(ours[table], theirs[table], check_like=True)


def test_two_backfills_of_the_same_days_at_once(tmp_path):
    need_corpus()
    lake = tmp_path / "lake"
    config = write_config(tmp_path, Settings(lake=str(lake), workers=1, batch_size=10))
    exe = str(Path(sys.executable).parent / "newslake")
    cmd = [
        exe,
        "backfill",
        "--start",
        str(START),
        "--end",
        str(END),
        "--archive",
        str(WARC),
        "--config",
        config,
        "--force",
    ]
    env = {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PATH": "/usr/bin:/bin",
    }
    procs = [
        subprocess.Popen(
            cmd,
            env={**env, "PREFECT_HOME": str(tmp_path / f"prefect{i}")},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for i in range(2)
    ]
    outputs = [p.communicate(timeout=600)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    store = Lake(str(lake))
    for table, key in CONTENT.items():
        df = store.read_table(table)
        assert df[key].is_unique, table
    assert len(store.read_table("articles")) == 40
    assert len(store.read_table("runs")) == 2
