"""When each batch step of a run starts and ends: where the NLP workers wait for this process.

    python -m bench.timeline [--n 1000] [--kind text|html]

Runs (b) of `bench.speed` (the nightly flow from text, or (c) from HTML, the Prefect API
already up) over n articles and prints one line per batch step, in seconds from the
start of the measured run: `prepare` (reading, extraction, language, article rows) and
`finish` (mention and quote rows, the validation gate, the journal commit) run in this
process; `nlp` is the time from sending a batch to the workers to its last result. The
workers wait while the first batch is prepared (they load their models meanwhile) and
while the last batch is finished: the summary line gives both, and this process's CPU
seconds in each kind of step. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from collections.abc import Callable
from typing import Any

import flows.engine.pipeline as pipeline
import flows.engine.workers as workers

STEPS = {"prepare_batch": "prepare", "finish_batch": "finish"}


class Timeline:
    """Start, end and thread CPU seconds of each wrapped step, from the first step."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def wrap(self, fn: Callable[..., Any], step: str) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.events.append(
                    {
                        "step": step,
                        "start": start,
                        "end": time.perf_counter(),
                        "cpu_s": time.thread_time() - cpu,
                    }
                )

        return timed


def install(timeline: Timeline) -> None:
    """Wrap the pipeline's steps; before `flows.engine.tasks` is imported, which makes its
    Prefect tasks of whatever the pipeline module holds then."""
    for name, step in STEPS.items():
        setattr(pipeline, name, timeline.wrap(getattr(pipeline, name), step))
    workers.NlpRuntime.analyze = timeline.wrap(workers.NlpRuntime.analyze, "nlp")  # type: ignore[method-assign]


def summary(events: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """The measured run's steps (the warm-up run's are dropped) and its workers' waits."""
    events = sorted(events, key=lambda e: e["start"])
    # the warm-up run (one article) has one step of each kind; the measured run starts
    # at the second `prepare`
    firsts = [i for i, e in enumerate(events) if e["step"] == "prepare"]
    events = events[firsts[1] :] if len(firsts) > 1 else events
    t0 = events[0]["start"]
    nlp = [e for e in events if e["step"] == "nlp"]
    finishes = [e for e in events if e["step"] == "finish"]
    head = nlp[0]["start"] - t0 if nlp else 0.0
    tail = finishes[-1]["end"] - max(e["end"] for e in nlp) if nlp and finishes else 0.0
    cpu: dict[str, float] = {}
    for e in events:
        cpu[e["step"]] = cpu.get(e["step"], 0.0) + e["cpu_s"]
    return {
        "seconds": round(seconds, 1),
        "steps": [
            {
                "step": e["step"],
                "start": round(e["start"] - t0, 1),
                "end": round(e["end"] - t0, 1),
                "cpu_s": round(e["cpu_s"], 1),
            }
            for e in events
        ],
        "workers_wait_first_batch_s": round(head, 1),
        "workers_wait_last_finish_s": round(tail, 1),
        "main_cpu_by_step_s": {step: round(v, 1) for step, v in cpu.items()},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    ap.add_argument("--kind", choices=("text", "html"), default="text")
    args = ap.parse_args()
    timeline = Timeline()
    install(timeline)
    from bench.speed import run_newslake

    result = run_newslake(args.n, args.kind)
    out = summary(timeline.events, result["seconds"])
    for step in out["steps"]:
        when = f"{step['start']:7.1f} → {step['end']:7.1f} s"
        print(f"{step['step']:8s} {when}  cpu {step['cpu_s']:5.1f} s")
    print(json.dumps({**out, "steps": len(out["steps"]), "n": args.n, "kind": args.kind}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
