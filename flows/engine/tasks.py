"""Thin Prefect task wrappers around the batch steps (one task run per batch, never per article)."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.engine import pipeline

# Arguments include a process pool and a GX context, which cannot be hashed into a
# cache key (Prefect then logs an ERROR with a traceback at every task run): these tasks
# are never cached.
prepare_batch = task(pipeline.prepare_batch, name="extract-batch", cache_policy=NO_CACHE)
analyze_batch = task(pipeline.analyze_texts, name="nlp-batch", cache_policy=NO_CACHE)
finish_batch = task(
    pipeline.finish_batch,
    name="validate-and-write-batch",
    cache_policy=NO_CACHE,
    # a write can fail on a transient storage error; merge and replace make a retry safe
    retries=2,
    retry_delay_seconds=2,
)

TASKS: dict[Any, Any] = {
    pipeline.prepare_batch: prepare_batch,
    pipeline.analyze_texts: analyze_batch,
    pipeline.finish_batch: finish_batch,
}


def submit(fn: Any, *args: Any) -> Any:
    """Submit a pipeline step as its Prefect task; returns the task future.

    Arguments are quoted: Prefect otherwise walks every nested value of a task's
    parameters (twice: to record inputs and to resolve futures), which for a
    batch of analysed articles is hundreds of thousands of visits, about half of
    the main process's CPU (profile in BENCHMARKS.md). No argument here is a
    future: each step's result is taken before the next is submitted.
    """
    return TASKS[fn].submit(*(quote(arg) for arg in args))
