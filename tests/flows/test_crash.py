"""Kill a real `newslake run` (SIGKILL) at each dangerous point; the next run completes
the lake by itself, and it equals a clean run's lake.

The writer stops itself at a named point when `NEWSLAKE_FAULT` says so
(`flows/adapters/faults.py`): between every two tables of a batch's commit,
inside a file replace, while a partition lock is held, around the commit record.
Eight inputs in batches of three: the second batch (where most kills land) has
a page, a text and an empty file, which is quarantined.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flows.adapters.lake import Lake
from tests.conftest import SAMPLES
from tests.lakediff import problems

pytestmark = pytest.mark.slow

EXE = str(Path(sys.executable).parent / "newslake")
RUN_DATE = "2026-11-29"
INPUTS = [
    "aeb-0d46122928b6f468.txt",
    "aeb-14cc2a0ca59c62a8.txt",
    "aeb-291a8bf33ee49074.txt",
    "aeb-359fee228518d55b.html",
    "aeb-51d066b0602c9421.txt",
    "aeb-7a457a4f71735c17.txt",
    "aeb-7dfc3e359d7c0ca4.txt",
]
EMPTY = "aeb-6-empty.txt"  # sorts into the second batch


@pytest.fixture(scope="module")
def api_url(prefect_api):
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    for name in INPUTS:
        shutil.copy(SAMPLES / name, folder / name)
    (folder / EMPTY).write_bytes(b"")
    return folder


def _config(folder: Path, inputs: Path) -> str:
    path = folder / "newslake.yaml"
    path.write_text(
        f"lake: {folder / 'lake'}\nworkers: 1\nbatch_size: 3\n"
        f"sources:\n  - {{name: crash, kind: folder, path: {inputs}}}\n"
        "validation: {data_docs: false}\n"
    )
    return str(path)


def run_cli(config: str, api_url: str, fault: str | None = None, *args: str):
    env = {**os.environ, "PREFECT_API_URL": api_url, "NEWSLAKE_FAULT": fault or ""}
    return subprocess.run(
        [EXE, *(args or ("run", "--date", RUN_DATE)), "--config", config],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def clean_lake(tmp_path_factory, inputs, api_url):
    folder = tmp_path_factory.mktemp("clean")
    res = run_cli(_config(folder, inputs), api_url)
    assert res.returncode == 0, res.stderr[-2000:]
    return str(folder / "lake")


def _crash_then_rerun(tmp_path, inputs, api_url, *faults: str) -> str:
    config = _config(tmp_path, inputs)
    for fault in faults:
        res = run_cli(config, api_url, fault)
        assert res.returncode == -signal.SIGKILL, (
            f"{fault}: the fault did not fire (exit {res.returncode}): {res.stderr[-1500:]}"
        )
    res = run_cli(config, api_url)
    assert res.returncode == 0, res.stderr[-2000:]
    return str(tmp_path / "lake")


@pytest.mark.parametrize(
    "fault",
    [
        "journal:staged:mentions#2",  # staging, before the commit record
        "journal:committed#2",  # committed, nothing applied
        "journal:applied:raw#2",  # between raw and mentions
        "journal:applied:mentions#2",  # between mentions and quotes
        "journal:applied:quotes#2",  # between quotes and quarantine
        "journal:applied:quarantine#1",  # between quarantine and validations
        "journal:applied:validations#2",  # between validations and articles
        "journal:cleaned#2",  # record gone, staged files left
        "lake:replace#7",  # inside a file replace: new bytes written, not renamed
        "lake:locked#9",  # a partition lock held
    ],
)
def test_a_kill_at_any_write_point_loses_nothing(tmp_path, inputs, api_url, clean_lake, fault):
    lake = _crash_then_rerun(tmp_path, inputs, api_url, fault)
    assert problems(lake, clean_lake) == []
    assert Lake(lake).list_state("journal") == []  # nothing left half-done


def test_a_kill_during_recovery_is_recovered_too(tmp_path, inputs, api_url, clean_lake):
    # killed after the commit of batch 2, then killed again while recovery applies it
    lake = _crash_then_rerun(
        tmp_path, inputs, api_url, "journal:committed#2", "journal:applied:mentions#1"
    )
    assert problems(lake, clean_lake) == []


def test_validate_names_an_interrupted_batch_and_the_next_run_completes_it(
    tmp_path, inputs, api_url, clean_lake
):
    config = _config(tmp_path, inputs)
    res = run_cli(config, api_url, "journal:applied:mentions#2")
    assert res.returncode == -signal.SIGKILL
    check = run_cli(config, api_url, None, "validate", "--no-docs")
    assert check.returncode == 1, check.stdout
    assert "journal: 1 batch(es) interrupted mid-write" in check.stdout
    res = run_cli(config, api_url)
    assert res.returncode == 0
    assert "journal: 1 interrupted batch(es) completed" in res.stdout
    assert problems(str(tmp_path / "lake"), clean_lake) == []
    check = run_cli(config, api_url, None, "validate", "--no-docs")
    assert check.returncode == 0, check.stdout
