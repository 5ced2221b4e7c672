"""The interpreter the venv is made with, bench (a) under another interpreter, and the
bench's memory sampler."""

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.speed import PeakRss, spacy_profile_hooks

ROOT = Path(__file__).resolve().parents[2]
FIND = ROOT / "scripts" / "find_python.sh"


def test_spacy_wheels_below_python_3_12_carry_the_profiling_hooks() -> None:
    # the reason make prefers Python 3.12: spaCy's setup.py compiles with Cython's
    # `profile` on below 3.12, and its compiled functions then report to sys.setprofile
    assert spacy_profile_hooks() is (sys.version_info < (3, 12))


def _fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _find(folder: Path) -> str:
    env = {**os.environ, "PATH": f"{folder}:/usr/bin:/bin"}  # no pyenv on this PATH
    out = subprocess.run(["bash", str(FIND)], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_find_python_prefers_a_working_3_12(tmp_path: Path) -> None:
    _fake(tmp_path, "python3.12", f'exec {sys.executable} "$@"')
    _fake(tmp_path, "python3", f'exec {sys.executable} "$@"')
    assert _find(tmp_path) == "python3.12"


def test_find_python_skips_a_3_12_that_does_not_run(tmp_path: Path) -> None:
    # e.g. a pyenv shim for a version that is installed but not selected
    _fake(tmp_path, "python3.12", "echo 'pyenv: python3.12: command not found' >&2; exit 127")
    _fake(tmp_path, "python3", f'exec {sys.executable} "$@"')
    assert _find(tmp_path) == "python3"


@pytest.mark.slow
def test_bare_spacy_runs_from_a_texts_file(tmp_path: Path) -> None:
    texts = tmp_path / "texts.json"
    texts.write_text(json.dumps(["The mayor said the bridge would open in May.", "Rain fell."]))
    cmd = [sys.executable, "-m", "bench.speed", "--one", "a", "--n", "3", "--texts", str(texts)]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert (out["what"], out["n"], out["words"]) == ("a", 3, 9 + 2 + 9)
    assert out["python"] == sys.version.split()[0]
    assert out["spacy_profile_hooks"] is (sys.version_info < (3, 12))


def test_peak_rss_walks_the_process_tree_as_a_full_scan_does():
    hold = "import sys, time; x = bytearray(40_000_000); sys.stdout.write('up\\n'); sys.stdout.flush(); time.sleep(60)"
    kids = [
        subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        for kid in kids:
            assert kid.stdout.readline() == "up\n"
        time.sleep(0.2)
        walked = PeakRss._tree_rss(os.getpid())
        scanned = PeakRss._tree_rss_by_scan(os.getpid())
        assert walked > 2 * 40_000_000  # both children counted, with their buffers
        assert abs(walked - scanned) <= 0.02 * scanned
    finally:
        for kid in kids:
            kid.kill()
            kid.wait()
