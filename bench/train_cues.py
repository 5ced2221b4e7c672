"""Learn the cue model of reported speech from the PolNeAR dev set, and measure it out
of fold.

    python -m bench.train_cues            # rebuild transforms/quotes/cue_weights.py
    python -m bench.train_cues --check    # fail if the shipped file differs from a rebuild
    python -m bench.train_cues --kfold 5  # document-level k-fold: out-of-fold scores

Every frame of `transforms.quotes.indirect` proposes candidates (a cue, a source, a
content). On the dev documents each candidate that the finder would weigh is labelled a
hit when, on its own, it finds a gold attribution the way `score_attributions.py` counts
one (assigned to the gold content it overlaps most, covering at least half of it). An
L2-regularised logistic model is fitted to the candidates' features (`features`: frame
codes, cue lemmas, source and content classes, grammar tags, length buckets). The shipped
file holds the bias and the feature weights: feature names and numbers, no text of any
document (a lemma that may be a name is "?").

Features seen fewer than MIN_SEEN times are left out. The dev texts are read from
../shared/eval at run time and never written anywhere but bench/out (git-ignored).
Out-of-fold figures: documents are split into K folds by a hash of their id; each fold
is predicted with a model fitted on the other folds only, and the union is scored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.devset import parsed_docs, predictions, score

TARGET = Path(__file__).resolve().parents[1] / "transforms" / "quotes" / "cue_weights.py"
MIN_SEEN = 2
L2 = 1.0
QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb\u201f`"


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in QUOTE_CHARS):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in QUOTE_CHARS):
        e -= 1
    return s, e


def _gold_contents(text: str, row: dict[str, Any]) -> list[set[int]]:
    out = []
    for att in row["attributions"]:
        frags = att.get("content_fragments") or [[att["content_start"], att["content_end"]]]
        chars: set[int] = set()
        for s, e in frags:
            s, e = _trim(text, s, e)
            chars.update(range(s, e))
        out.append(chars)
    return out


def finds_alone(pred: set[int], golds: list[set[int]]) -> bool:
    """The prediction, alone, finds the gold content it is assigned to."""
    best: tuple[int, float, int] | None = None
    for i, g in enumerate(golds):
        ov = len(pred & g)
        if ov > 0 and (best is None or (ov, ov / len(g), -i) > best):
            best = (ov, ov / len(g), -i)
    if best is None:
        return False
    ov, share, _ = best
    return share >= 0.5


def labelled_candidates(doc: Any, gold_row: dict[str, Any]) -> Iterable[tuple[list[str], bool]]:
    """(features, hit) of every candidate the finder weighs in one document."""
    from transforms.nlp import mentions_of
    from transforms.quotes import Article, Settings
    from transforms.quotes.direct import find_direct
    from transforms.quotes.indirect import CandidateIndex, DirectCover, candidates, features, kept

    settings = Settings()
    a = Article.of(doc, mentions_of(doc))
    direct, _ = find_direct(a, settings)
    cover = DirectCover(len(doc.text), direct)
    golds = _gold_contents(doc.text, gold_row)
    seen: set[tuple[tuple[int, int], ...]] = set()
    found = candidates(a, settings)
    index = CandidateIndex(len(doc.text), found)
    for c in found:
        if c.parts in seen or not kept(c, cover):
            continue
        seen.add(c.parts)
        chars: set[int] = set()
        for s, e in c.parts:
            s, e = _trim(doc.text, s, e)
            chars.update(range(s, e))
        yield features(a, c, index), finds_alone(chars, golds)


Labelled = list[tuple[list[str], bool]]


def fit(data: Labelled) -> tuple[float, dict[str, float]]:
    """An L2-regularised logistic model over the candidates' features (those seen at least
    MIN_SEEN times): (bias, weights rounded to 3 decimals, zeros left out)."""
    import numpy as np
    from scipy.optimize import minimize

    seen = Counter(f for feats, _ in data for f in set(feats))
    vocab = sorted(f for f, n in seen.items() if n >= MIN_SEEN)
    index = {f: n for n, f in enumerate(vocab)}
    rows = [sorted({index[f] for f in feats if f in index}) for feats, _ in data]
    y = np.array([float(hit) for _, hit in data])
    row_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    col_of = np.array([c for r in rows for c in r], dtype=np.int64)

    def loss(theta: Any) -> tuple[float, Any]:
        b, w = theta[0], theta[1:]
        z = b + np.bincount(row_of, weights=w[col_of], minlength=len(rows))
        p = 1.0 / (1.0 + np.exp(-z))
        nll = float(np.sum(np.logaddexp(0.0, z) - y * z)) + L2 * float(w @ w)
        err = p - y
        grad_w = np.bincount(col_of, weights=err[row_of], minlength=len(vocab)) + 2 * L2 * w
        return nll, np.concatenate([[err.sum()], grad_w])

    res = minimize(loss, np.zeros(len(vocab) + 1), jac=True, method="L-BFGS-B")
    theta = [round(float(v), 3) for v in res.x]
    weights = {f: w for f, w in zip(vocab, theta[1:], strict=True) if w != 0.0}
    return theta[0], weights


def render(model: tuple[float, dict[str, float]], n_docs: int) -> str:
    """The Python module that ships the model (deterministic: sorted features)."""
    bias, weights = model
    lines = [
        '"""Learned cue model of reported speech: a logistic model over candidate features.',
        "",
        "Generated by `python -m bench.train_cues` from the PolNeAR dev set",
        f"({n_docs} documents; features seen at least {MIN_SEEN} times, L2 {L2}).",
        "Do not edit: rebuild. Features are frame codes, cue lemmas, source classes and",
        "grammar tags; no text of any document is kept here.",
        '"""',
        "",
        "from typing import Final",
        "",
        f"BIAS: Final = {bias!r}",
        "WEIGHTS: Final[dict[str, float]] = {",
    ]
    lines += [f"    {json.dumps(k)}: {w!r}," for k, w in weights.items()]
    lines += ["}", ""]
    return "\n".join(lines)


def fold_of(doc_id: str, k: int) -> int:
    """The fold of a document: a hash of its id, so folds never split a document."""
    return int(hashlib.sha256(doc_id.encode()).hexdigest()[:8], 16) % k


Model = tuple[float, dict[str, float]]


def labelled_dev(
    ev: Path, out: Path, workers: int = 2
) -> tuple[list[str], list[Any], list[Labelled]]:
    """(ids, parsed docs, labelled candidates per doc) of the dev set."""
    ids, docs = parsed_docs(ev / "polnear_dev.jsonl", out, workers)
    with open(ev / "polnear_attributions_dev.jsonl", encoding="utf-8") as fh:
        gold = {r["id"]: r for r in map(json.loads, fh)}
    labelled = [list(labelled_candidates(d, gold[i])) for i, d in zip(ids, docs, strict=True)]
    return ids, docs, labelled


def fold_models(ids: list[str], labelled: list[Labelled], k: int) -> list[Model]:
    """For each fold, the model fitted on the documents of the other folds."""
    return [
        fit([x for n, i in enumerate(ids) if fold_of(i, k) != f for x in labelled[n]])
        for f in range(k)
    ]


def oof_records(
    ids: list[str], docs: list[Any], models: list[Model], **settings: Any
) -> list[dict[str, Any]]:
    """Extract records of every document, each predicted with its own fold's model
    (settings: further `Settings` fields, e.g. disabled strategies)."""
    from transforms.quotes import Settings

    k = len(models)
    by_id: dict[str, dict[str, Any]] = {}
    for f, model in enumerate(models):
        test = [n for n, i in enumerate(ids) if fold_of(i, k) == f]
        config = Settings(cue_model=model, **settings)
        for rec in predictions([ids[n] for n in test], [docs[n] for n in test], config):
            by_id[str(rec["id"])] = rec
    return [by_id[i] for i in ids]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--eval", default="../shared/eval")
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--check", action="store_true", help="compare with the shipped file")
    ap.add_argument("--kfold", type=int, default=0, help="report out-of-fold scores")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threshold", type=float, default=None, help="(with --kfold) keep at")
    args = ap.parse_args(argv)
    ev, out = Path(args.eval), Path(args.out)
    ids, docs, labelled = labelled_dev(ev, out, args.workers)
    if args.kfold:
        extra = {} if args.threshold is None else {"threshold": args.threshold}
        records = oof_records(ids, docs, fold_models(ids, labelled, args.kfold), **extra)
        with open(out / f"kfold{args.kfold}_pred.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        result = score(ev, records)
        print(json.dumps({"folds": args.kfold, **{k: round(v, 4) for k, v in result.items()}}))
        return 0
    text = render(fit([x for doc in labelled for x in doc]), len(ids))
    if args.check:
        same = TARGET.read_text(encoding="utf-8") == text
        print(f"{TARGET}: {'identical to a rebuild' if same else 'DIFFERS from a rebuild'}")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
