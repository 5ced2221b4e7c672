"""Stopping `newslake run` (SIGTERM) or killing it (SIGKILL) leaves no process behind:
not its temporary Prefect API, not its NLP workers, not multiprocessing's resource
tracker. A stopped run still records itself as failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.adapters.lake import Lake
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

EXE = str(Path(sys.executable).parent / "newslake")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> set[int]:
    tree, out, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(tmp_path: Path) -> subprocess.Popen[str]:
    config = tmp_path / "newslake.yaml"
    config.write_text(
        f"lake: {tmp_path / 'lake'}\nworkers: 2\nbatch_size: 5\n"
        f"sources:\n  - {{name: samples, kind: folder, path: {SAMPLES}}}\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")  # its own temporary API, as a user gets
    return subprocess.Popen(
        [EXE, "run", "--config", str(config), "--date", "2026-11-29"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_workers(proc: subprocess.Popen[str], timeout: float = 120) -> set[int]:
    """The CLI's process tree once the API server and both NLP workers are up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tree = descendants(proc.pid)
        spawned = [
            p
            for p in tree
            if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
        ]
        if len(spawned) >= 2 and len(tree) >= 4:  # API, two workers, resource tracker
            return tree
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        time.sleep(0.2)
    pytest.fail("the run never had its workers up")


def _gone(pids: set[int], timeout: float = 20) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    return {p for p in pids if alive(p)}


def test_a_killed_run_leaves_no_process_behind(tmp_path):
    proc = _start(tmp_path)
    tree = _wait_for_workers(proc)
    proc.kill()  # SIGKILL: nothing in the CLI runs any more
    proc.wait(10)
    assert _gone(tree) == set(), "processes outlived the killed CLI"


def test_a_stopped_run_records_itself_and_leaves_no_process_behind(tmp_path):
    proc = _start(tmp_path)
    tree = _wait_for_workers(proc)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert _gone(tree) == set(), "processes outlived the stopped CLI"
    runs = Lake(str(tmp_path / "lake")).read_table("runs")
    assert runs["status"].tolist() == ["failed"], out[-2000:]
    assert "stopped by signal 15" in runs["message"].iloc[0]
