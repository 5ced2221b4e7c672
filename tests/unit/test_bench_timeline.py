"""bench.timeline: the workers' waits are read off the measured run's steps."""

import contextlib

from bench.timeline import Timeline, summary


def _event(step: str, start: float, end: float, cpu: float = 0.5) -> dict:
    return {"step": step, "start": start, "end": end, "cpu_s": cpu}


def test_summary_drops_the_warm_up_run_and_measures_the_waits() -> None:
    events = [
        # the warm-up run: one article, in process
        _event("prepare", 0.0, 0.2),
        _event("nlp", 0.2, 1.2),
        _event("finish", 1.2, 7.3),
        # the measured run: two batches; NLP of batch 2 overlaps the finish of batch 1
        _event("prepare", 8.3, 12.9, cpu=2.9),
        _event("nlp", 12.9, 77.2, cpu=0.0),
        _event("prepare", 13.0, 17.6, cpu=2.9),
        _event("nlp", 17.6, 140.2, cpu=0.0),
        _event("finish", 77.3, 84.5, cpu=4.9),
        _event("finish", 140.3, 147.7, cpu=5.3),
    ]
    out = summary(events, 139.4)
    assert [s["step"] for s in out["steps"]][:3] == ["prepare", "nlp", "prepare"]
    assert out["steps"][0]["start"] == 0.0
    assert out["workers_wait_first_batch_s"] == 4.6
    assert out["workers_wait_last_finish_s"] == 7.5
    assert out["main_cpu_by_step_s"] == {"prepare": 5.8, "nlp": 0.0, "finish": 10.2}


def test_timeline_records_a_step_that_raises() -> None:
    timeline = Timeline()

    def boom() -> None:
        raise ValueError("bad batch")

    wrapped = timeline.wrap(boom, "finish")
    with contextlib.suppress(ValueError):
        wrapped()
    assert [e["step"] for e in timeline.events] == ["finish"]
    assert timeline.events[0]["end"] >= timeline.events[0]["start"]
