"""The crash matrix: kill a real `newslake run` at each write point, rerun, count what was lost.

    python -m bench.faults [--out bench/out/faults.md]

For every crash point of `flows/adapters/faults.py` the same eight inputs (seven
sample articles and an empty file, in batches of three) are run into a fresh lake
with `NEWSLAKE_FAULT` set, so the process SIGKILLs itself there; then run again
without it. The table gives the exit of the killed run, what the rerun's message
says it did, and the rows of the clean run's lake that are missing, extra or
duplicated afterwards (the goal is 0). The same scenarios are tests
(`tests/flows/test_crash.py`); this prints the evidence.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from tests.lakediff import CONTENT_TABLES, keys, snapshot

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
EXE = str(Path(sys.executable).parent / "newslake")
INPUTS = [
    "aeb-0d46122928b6f468.txt",
    "aeb-14cc2a0ca59c62a8.txt",
    "aeb-291a8bf33ee49074.txt",
    "aeb-359fee228518d55b.html",
    "aeb-51d066b0602c9421.txt",
    "aeb-7a457a4f71735c17.txt",
    "aeb-7dfc3e359d7c0ca4.txt",
]
POINTS = [
    ("journal:staged:mentions#2", "batch 2 staged in part, no commit record"),
    ("journal:committed#2", "batch 2 committed, no table applied"),
    ("journal:applied:raw#2", "between raw and mentions"),
    ("journal:applied:mentions#2", "between mentions and quotes"),
    ("journal:applied:quotes#2", "between quotes and quarantine"),
    ("journal:applied:quarantine#1", "between quarantine and validations"),
    ("journal:applied:validations#2", "between validations and articles"),
    ("journal:cleaned#2", "commit record removed, staged rows left"),
    ("lake:replace#7", "inside a file replace (written, not renamed)"),
    ("lake:locked#9", "a partition lock held"),
    ("state:replace#3", "inside a journal file's replace"),
]


def _run(config: Path, fault: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSLAKE_FAULT": fault}
    cmd = [EXE, "run", "--config", str(config), "--date", "2026-11-29"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)


def _lake(folder: Path, inputs: Path) -> Path:
    folder.mkdir(parents=True)
    config = folder / "newslake.yaml"
    config.write_text(
        f"lake: {folder / 'lake'}\nworkers: 1\nbatch_size: 3\n"
        f"sources:\n  - {{name: crash, kind: folder, path: {inputs}}}\n"
        "validation: {data_docs: false}\n"
    )
    return config


def _lost(lake: str, clean: str) -> tuple[int, int, int]:
    got, want = snapshot(lake), snapshot(clean)
    missing = sum(len(set(want[t]) - set(got[t])) for t in CONTENT_TABLES)
    extra = sum(len(set(got[t]) - set(want[t])) for t in CONTENT_TABLES)
    missing += len(set(keys(clean, "quarantine")) - set(keys(lake, "quarantine")))
    dupes = sum(n - 1 for t in CONTENT_TABLES for n in Counter(keys(lake, t)).values() if n > 1)
    return missing, extra, dupes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="bench/out/faults.md")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newslake-faults-"))
    os.environ.setdefault("PREFECT_HOME", str(work / "prefect"))
    inputs = work / "inputs"
    inputs.mkdir()
    for name in INPUTS:
        shutil.copy(SAMPLES / name, inputs / name)
    (inputs / "aeb-6-empty.txt").write_bytes(b"")
    clean = _lake(work / "clean", inputs)
    assert _run(clean).returncode == 0
    clean_root = str(work / "clean" / "lake")
    lines = [
        "| crash point | where | killed run | what the next run did | rows lost | extra | dup |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for point, where in POINTS:
        folder = work / re.sub(r"\W", "_", point)
        config = _lake(folder, inputs)
        killed = _run(config, point).returncode
        again = _run(config)
        note = re.search(r"(journal: [^;\n]+)", again.stdout)
        did = note.group(1) if note else "nothing to recover"
        missing, extra, dupes = _lost(str(folder / "lake"), clean_root)
        status = "SIGKILL" if killed == -9 else f"exit {killed}"
        lines.append(
            f"| `{point}` | {where} | {status} | {did} (exit {again.returncode}) "
            f"| {missing} | {extra} | {dupes} |"
        )
        print(lines[-1], flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
