"""Where the CPU work runs: text extraction and spaCy, in worker processes.

Each worker process loads the spaCy model once (in its initializer) and keeps
it for the whole run; batches are split across the workers. With one worker
everything runs in this process. Dask workers use the same per-process model
holder through `analyze_in_process`.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from transforms.records import Extracted, Failure, RawDoc
from transforms.schemas import ArticleRow, RawRow
from transforms.tables import Analysis, RunInfo, article_row, raw_row

log = logging.getLogger("newslake.workers")
T = TypeVar("T")
R = TypeVar("R")

CHUNK = 16  # texts per task sent to a worker

# The one per-process cache: the models of this worker process, by name and matrix
# library (each loaded once, never per call).
_MODELS: dict[tuple[str, str], Any] = {}


def _nlp(model: str, matmul: str = "openblas") -> Any:
    nlp = _MODELS.get((model, matmul))
    if nlp is None:
        from transforms.nlp import build_nlp

        nlp = _MODELS[(model, matmul)] = build_nlp(model, matmul=matmul)  # type: ignore[arg-type]
    return nlp


def _init_worker(models: Mapping[str, str], parent: int, matmul: str = "openblas") -> None:
    os.environ.setdefault("TQDM_DISABLE", "1")
    _exit_with_parent(parent)
    for model in dict.fromkeys(models.values()):
        _nlp(model, matmul)


def _exit_with_parent(parent: int, interval_s: float = 0.5) -> None:
    """A worker never outlives the process that started it (killed, even by SIGKILL):
    a daemon thread watches the parent's pid and ends this process when it changes.
    The pid comes from the parent itself: one that died while this worker was still
    starting is noticed too."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, name="newslake-parent-watch", daemon=True).start()


def analyze_in_process(
    items: Sequence[tuple[str, str | None]],
    models: Mapping[str, str],
    batch_size: int = 32,
    matmul: str = "openblas",
) -> list[Analysis]:
    """Entities and quotes of each (text, language), in order, with this process's model for
    the language; a text in a language without a model gets none (`skipped_language`).

    A batch of mixed languages is split by language here, each part piped through its
    model. A text that makes spaCy or one of our components raise gets an Analysis with
    its error, and the others are analysed as usual: one bad document never costs its
    batch.
    """
    out: list[Analysis | None] = [None] * len(items)
    by_language: dict[str, list[int]] = {}
    for i, (_, language) in enumerate(items):
        if language in models:
            by_language.setdefault(language, []).append(i)
        else:
            out[i] = Analysis((), (), status="skipped_language")
    for language, where in by_language.items():
        texts = [items[i][0] for i in where]
        nlp = _nlp(models[language], matmul)
        for i, result in zip(where, _pipe(nlp, texts, batch_size), strict=True):
            out[i] = result
    return [a for a in out if a is not None]


def _pipe(nlp: Any, texts: Sequence[str], batch_size: int) -> list[Analysis]:
    try:
        return [_analysis(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
    except Exception:
        log.warning("a text failed in nlp.pipe; analysing the %d texts one by one", len(texts))
    out = []
    for text in texts:
        try:
            out.append(_analysis(nlp(text)))
        except Exception as exc:
            out.append(Analysis((), (), error=f"{type(exc).__name__}: {exc}"[:500]))
    return out


def _analysis(doc: Any) -> Analysis:
    from transforms.nlp import mentions_of, quotes_of

    return Analysis(tuple(mentions_of(doc)), tuple(quotes_of(doc)))


def extract_in_process(docs: Sequence[RawDoc]) -> list[Extracted | Failure]:
    """Text and metadata of each document (never raises for one bad document)."""
    from transforms.extract import extract

    out: list[Extracted | Failure] = []
    for doc in docs:
        try:
            out.append(extract(doc))
        except Exception as exc:  # a parser bug on one page must not stop the batch
            out.append(
                Failure(
                    doc.source,
                    doc.origin,
                    "extract",
                    f"{doc.origin}: extraction crashed: {exc!r}",
                    url=doc.url,
                )
            )
    return out


Rows = tuple[ArticleRow, RawRow | None]


def rows_in_process(docs: Sequence[RawDoc], run: RunInfo, with_raw: bool) -> list[Rows | Failure]:
    """Extraction and the article (and raw) row of each document.

    The rows are built where the extraction ran: their SimHash and the zstd of the
    page are per-article CPU work that would otherwise leave the workers idle
    while this process catches up.
    """
    out: list[Rows | Failure] = []
    for doc, result in zip(docs, extract_in_process(docs), strict=True):
        if isinstance(result, Failure):
            out.append(result)
            continue
        try:
            row = article_row(doc, result, run)
            raw = raw_row(doc, row.article_id, row.date, result.encoding) if with_raw else None
        except Exception as exc:  # one document's row must not stop the batch
            reason = f"{doc.origin}: building its article row failed: {exc!r}"
            out.append(Failure(doc.source, doc.origin, "extract", reason, url=doc.url))
            continue
        out.append((row, raw))
    return out


def _chunks(items: Sequence[T], n: int) -> list[Sequence[T]]:
    size = max(1, -(-len(items) // n))
    return [items[i : i + size] for i in range(0, len(items), size)]


class NlpRuntime:
    """Extraction and NLP for batches, on `processes` worker processes (1 = in this process)."""

    def __init__(
        self,
        models: Mapping[str, str],
        processes: int,
        nlp_batch_size: int = 32,
        matmul: str = "openblas",
    ) -> None:
        self.models = dict(models)  # language -> spaCy model
        self.processes = max(1, processes)
        self.nlp_batch_size = nlp_batch_size
        self.matmul = matmul  # the models' matrix products: "openblas" or "blis"
        self._pool: cf.ProcessPoolExecutor | None = None
        self._pool_used = False  # a worker process has been given work (and so started)

    def __enter__(self) -> NlpRuntime:
        if self.processes > 1:
            # spawn, not fork: Prefect and GX run threads here, and a fork copies their locks
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.models, os.getpid(), self.matmul),
            )
        return self

    def _start_workers(self, items: int) -> None:
        """The pool starts a worker only when a task comes. A batch with work for every
        worker starts them all at once, with a no-op each, before this process prepares
        the batch's plain texts: their models load meanwhile, not after."""
        if self._pool is None or self._pool_used or items < self.processes:
            return
        self._pool_used = True
        for _ in range(self.processes):
            self._pool.submit(os.getpid)

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._pool is None:
            return
        if exc_type is not None:
            # leaving on an error or a stop signal: the workers' current texts are not needed
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
        else:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def _map(self, fn: Callable[..., list[R]], items: Sequence[T], *args: Any) -> list[R]:
        if not items:
            return []
        # fewer items than workers gain nothing from the pool, whose processes would
        # each start Python and load the model first (seconds): until the pool has
        # started, they run here (a one-article run loads one model, not two)
        if self._pool is None or (not self._pool_used and len(items) < self.processes):
            return fn(items, *args)
        self._pool_used = True
        # small chunks keep every worker busy to the end of the batch (texts differ in length)
        parts = max(self.processes, -(-len(items) // CHUNK))
        futures = [self._pool.submit(fn, chunk, *args) for chunk in _chunks(items, parts)]
        out: list[R] = []
        for f in futures:
            out.extend(f.result())
        return out

    def _split(self, fn: Callable[..., list[R]], docs: Sequence[RawDoc], *args: Any) -> list[R]:
        """fn over docs in input order: pages on the workers; plain text, which is cheap,
        in this process (where it overlaps the workers' NLP of the previous batch)."""
        docs = list(docs)
        self._start_workers(len(docs))
        html = [i for i, d in enumerate(docs) if d.content_type != "text/plain"]
        out: list[R | None] = [None] * len(docs)
        for i, result in zip(html, self._map(fn, [docs[i] for i in html], *args), strict=True):
            out[i] = result
        rest = [i for i, r in enumerate(out) if r is None]
        for i, result in zip(rest, fn([docs[i] for i in rest], *args), strict=True):
            out[i] = result
        return [r for r in out if r is not None]

    def extract(self, docs: Sequence[RawDoc]) -> list[Extracted | Failure]:
        """Extraction results, in input order."""
        return self._split(extract_in_process, docs)

    def rows(self, docs: Sequence[RawDoc], run: RunInfo, with_raw: bool) -> list[Rows | Failure]:
        """Article (and raw) rows or failures, in input order."""
        return self._split(rows_in_process, docs, run, with_raw)

    def analyze(self, items: Sequence[tuple[str, str | None]]) -> list[Analysis]:
        """NLP results of (text, language) pairs, in input order."""
        return self._map(
            analyze_in_process, list(items), self.models, self.nlp_batch_size, self.matmul
        )
