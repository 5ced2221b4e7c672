"""The lake on an S3-compatible server (moto) on 127.0.0.1: writes, merges, atomic replace, locks, a flow."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.adapters.lake import PART_FILE, Lake
from flows.engine.settings import Settings
from tests.conftest import write_config
from transforms.schemas import CoverageRow, to_arrow

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3():
    port = _free_port()
    exe = str(Path(sys.executable).parent / "moto_server")
    proc = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    options = {
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"endpoint_url": endpoint, "region_name": "us-east-1"},
    }
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket="newslake-test")
    yield options
    proc.terminate()
    proc.wait(10)


def cov(source, run, written, date="2024-01-01"):
    return CoverageRow(source, run, written, written, 0, 0, written, 0, written, 0, date)


def test_merge_and_read_on_s3(s3):
    lake = Lake("s3://newslake-test/lake1", s3)
    lake.write("coverage", to_arrow("coverage", [cov("a", "r1", 1), cov("b", "r1", 2)]))
    lake.write(
        "coverage", to_arrow("coverage", [cov("a", "r1", 5), cov("c", "r2", 1, "2024-01-02")])
    )
    df = lake.read_table("coverage").sort_values(["date", "source"])
    assert df[["date", "source", "written"]].values.tolist() == [
        ["2024-01-01", "a", 5],
        ["2024-01-01", "b", 2],
        ["2024-01-02", "c", 1],
    ]
    assert lake.partitions("coverage") == ["2024-01-01", "2024-01-02"]
    # one object per partition, replaced whole; the lock object is gone after the write
    files = lake.fs.find("newslake-test/lake1/coverage")
    assert sorted(f.rsplit("/", 1)[-1] for f in files) == [PART_FILE, PART_FILE]
    assert not lake.fs.exists("newslake-test/lake1/_locks/coverage.2024-01-01.lock")


def test_failed_replace_keeps_the_previous_object(s3, monkeypatch):
    lake = Lake("s3://newslake-test/lake2", s3)
    lake.write("coverage", to_arrow("coverage", [cov("a", "r1", 1)]))

    def broken(path, data, **kwargs):
        raise OSError("connection reset during upload")

    monkeypatch.setattr(lake.fs, "pipe_file", broken)
    with pytest.raises(OSError, match="connection reset"):
        lake.merge_partition(
            "coverage",
            "2024-01-01",
            to_arrow("coverage", [cov("z", "r9", 9)]).drop_columns(["date"]),
        )
    monkeypatch.undo()
    assert lake.read_table("coverage")["source"].tolist() == ["a"]


def test_lock_objects_serialise_writers(s3):
    import threading

    lake = Lake("s3://newslake-test/lake3", s3)
    errors: list[BaseException] = []

    def writer(source: str) -> None:
        try:
            other = Lake("s3://newslake-test/lake3", s3)
            for i in range(6):
                other.write("coverage", to_arrow("coverage", [cov(source, f"r{i}", i)]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(s,)) for s in ("x", "y", "z")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    df = lake.read_table("coverage")
    assert len(df) == 18 and not df.duplicated(["source", "run_id"]).any()


def test_nightly_writes_to_s3(s3, prefect_api, tmp_path):
    from flows.nightly import nightly

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(
        "The council met on Tuesday. “We will open the bridge in May,” said Mayor Ann Lee."
    )
    (inbox / "b.txt").write_text(
        "Fans queued all night. “It was worth the wait,” said Tom Hale, who came from Leeds."
    )
    settings = Settings(lake="s3://newslake-test/lake4", storage_options=s3, workers=1)
    summary = nightly(
        run_date="2026-11-29", config=write_config(tmp_path, settings), inputs=[str(inbox)]
    )
    assert summary["written"]["articles"] == 2
    lake = Lake("s3://newslake-test/lake4", s3)
    quotes = lake.read_table("quotes")
    assert set(quotes["speaker_name"]) == {"Ann Lee", "Tom Hale"}
    assert lake.read_table("runs")["status"].tolist() == ["completed"]
    assert dt.date.fromisoformat(lake.partitions("articles")[0]) == dt.date(2026, 11, 29)
    # the run report is written to the store too, and its URL is the store's
    assert summary["report"].startswith("s3://newslake-test/lake4/_report/run-2026-11-29-")
    name = summary["report"].rsplit("/", 1)[-1]
    assert set(lake.list_files("_report")) == {"index.html", name}
    page = lake.fs.cat_file(f"{lake.base}/_report/{name}").decode()
    assert "Ann Lee" in page and "Tom Hale" in page


def test_the_lock_is_a_conditional_create(s3):
    from flows.adapters.lake import _create_exclusive

    lake = Lake("s3://newslake-test/lake5", s3)
    path = "newslake-test/lake5/_locks/x.lock"
    assert _create_exclusive(lake.fs, path, b"first")
    # the store refuses a second create (If-None-Match: *): no create-then-check race
    assert not _create_exclusive(lake.fs, path, b"second")
    assert lake.fs.cat_file(path) == b"first"


def test_a_kill_mid_commit_on_s3_is_completed_by_the_next_run(s3, prefect_api, tmp_path):
    import os
    import signal

    from prefect.settings import PREFECT_API_URL

    from tests.lakediff import problems

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n, town in enumerate(["Arlen", "Brisk", "Corran", "Dunmere"]):
        (inbox / f"{n}.txt").write_text(
            f"The council of {town} met on Tuesday. "
            f"“We will open the bridge in May,” said Mayor Ann Lee of {town}."
        )
    exe = str(Path(sys.executable).parent / "newslake")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}

    def run(root: str, fault: str = "") -> int:
        settings = Settings(lake=root, storage_options=s3, workers=1, batch_size=2)
        folder = tmp_path / root.rsplit("/", 1)[-1]
        folder.mkdir(exist_ok=True)
        cmd = [exe, "run", "--config", write_config(folder, settings), "--date", "2026-11-29"]
        cmd += ["--source", str(inbox)]
        return subprocess.run(
            cmd, env={**env, "NEWSLAKE_FAULT": fault}, capture_output=True, timeout=600
        ).returncode

    assert run("s3://newslake-test/clean") == 0
    assert run("s3://newslake-test/crashed", "journal:applied:mentions#2") == -signal.SIGKILL
    assert run("s3://newslake-test/crashed") == 0
    crashed = Lake("s3://newslake-test/crashed", s3)
    assert problems(crashed, Lake("s3://newslake-test/clean", s3)) == []
    assert crashed.list_state("journal") == []
