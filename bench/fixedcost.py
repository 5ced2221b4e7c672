"""The fixed cost of one `newslake run`: what a run costs before and after its articles.

    python -m bench.fixedcost            # 3 runs on an empty source, 3 on one article
    python -m bench.fixedcost --reps 5

Each run is the real command in a fresh process (`newslake run --source DIR --lake
TMP`), into a fresh lake, with the project's Prefect home; its wall time is measured
from outside, and its phases from the marks it writes (`flows/engine/timings.py`):
interpreter and CLI start, configuration check, flow imports, waiting for the
temporary Prefect API, the flow's start, making the lake whole, the validation gate,
reading the sources (extraction and NLP), recording the run, the report, the Prefect
artifact, and the exit (Prefect's flush of its logs and events, stopping the API).
The same two runs are then measured against one Prefect API started beforehand
(PREFECT_API_URL set: nothing is started per command). The last line printed is one
JSON object with the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NEWSLAKE = str(Path(sys.executable).parent / "newslake")
ONE_ARTICLE = ROOT / "data" / "samples" / "coalition-troops-ukraine.txt"


def one_run(source: Path, tmp: Path) -> dict[str, float]:
    """Wall time and phase durations (seconds) of one `newslake run` on `source`."""
    marks_file = tmp / "marks.json"
    lake = tmp / "lake"
    shutil.rmtree(lake, ignore_errors=True)
    env = {**os.environ, "NEWSLAKE_TIMINGS": str(marks_file)}
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    cmd = [NEWSLAKE, "run", "--source", str(source), "--lake", str(lake), "--date", "2026-11-29"]
    started = time.time()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.time() - started
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {res.returncode}:\n{res.stderr[-2000:]}")
    phases: dict[str, float] = {"wall": wall}
    previous = started
    for name, at in json.loads(marks_file.read_text()):
        phases[name] = phases.get(name, 0.0) + at - previous
        previous = at
    phases["after exit"] = started + wall - previous  # interpreter teardown
    return phases


def _summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    names = list(dict.fromkeys(k for r in runs for k in r))
    medians = {k: round(statistics.median(r.get(k, 0.0) for r in runs), 2) for k in names}
    return {
        "wall_s": medians.pop("wall"),
        "walls_s": [round(r["wall"], 2) for r in runs],
        "phases_s": medians,
    }


def fixed_cost(reps: int = 3, running_api: bool = True) -> dict[str, dict[str, Any]]:
    """Median wall time and phases of `reps` runs on an empty source and on one article,
    each under its own temporary Prefect API (what `newslake run` does by default); with
    `running_api`, the same against one API started beforehand (PREFECT_API_URL set, as
    on a machine that runs `prefect server start`)."""
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        empty, one = tmp / "empty", tmp / "one"
        empty.mkdir()
        one.mkdir()
        shutil.copy(ONE_ARTICLE, one / ONE_ARTICLE.name)
        one_run(empty, tmp)  # the first run of a Prefect home migrates its database
        for label, source in (("empty", empty), ("one_article", one)):
            out[label] = _summary([one_run(source, tmp) for _ in range(reps)])
        if running_api:
            from flows.engine import apiserver

            os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
            api = apiserver.start()
            try:
                if api is not None:
                    api.wait_ready(120)
                for label, source in (("empty", empty), ("one_article", one)):
                    runs = [one_run(source, tmp) for _ in range(reps)]
                    out[f"{label}_running_api"] = _summary(runs)
            finally:
                if api is not None:
                    api.stop()
                    os.environ.pop("PREFECT_API_URL", None)
    return out


def print_report(result: dict[str, dict[str, Any]]) -> None:
    """The phases, one per line, per kind of run."""
    for label, data in result.items():
        print(f"fixed cost, {label}: {data['wall_s']:.2f} s (runs: {data['walls_s']})")
        for name, secs in data["phases_s"].items():
            print(f"  {name:<20} {secs:6.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--reps", type=int, default=3, help="runs of each kind (median reported)")
    ap.add_argument(
        "--no-running-api", action="store_true", help="skip the runs against a running API"
    )
    args = ap.parse_args()
    result = fixed_cost(args.reps, running_api=not args.no_running_api)
    print_report(result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
