"""Quality benchmark: run `newslake extract` on the shared dev sets and score it.

    python -m bench.quality [--eval ../shared/eval] [--out bench/out] [--only quotes|ner|...]
    python -m bench.quality --ablate     # each quote strategy's contribution (bench.ablate)

Reads the dev sets from ../shared/eval at run time (they must never be copied
into this repository), writes predictions under bench/out/, runs the shared
scorers and prints one table with the baselines of the eval README beside ours.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.breakdown import breakdown, load_scorer, markdown

BASELINES = {
    "quotes": "textacy: P .969 R .710 F1 .820, speaker .920/.923, attributed F1 .756",
    "attributions": "spaCy dependency rule: P .758 R .263 F1 .391, attributed F1 .366",
    "ner": "stock en_core_web_sm: P .712 R .595 F1 .648",
}


def _inputs(gold: Path, dest: Path) -> int:
    n = 0
    with open(gold, encoding="utf-8") as src, open(dest, "w", encoding="utf-8") as out:
        for line in src:
            row = json.loads(line)
            out.write(json.dumps({"id": row["id"], "text": row["text"]}, ensure_ascii=False) + "\n")
            n += 1
    return n


def _extract(inp: Path, out: Path, kinds: str, workers: int) -> float:
    exe = Path(sys.executable).parent / "newslake"
    t = time.perf_counter()
    cmd = [str(exe), "extract", "--input", str(inp), "--output", str(out), "--kinds", kinds]
    subprocess.run([*cmd, "--workers", str(workers)], check=True)
    return time.perf_counter() - t


def _score(script: Path, gold: Path, pred: Path, extra: list[str] | None = None) -> dict:
    cmd = [sys.executable, str(script), str(gold), str(pred), "--json", *(extra or [])]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(res.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--eval", default="../shared/eval")
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--only", choices=["quotes", "attributions", "ner"])
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument(
        "--ablate",
        action="store_true",
        help="switch each quote strategy off in turn and print what it contributes on dev",
    )
    args = ap.parse_args()
    if args.ablate:
        from bench.ablate import main as ablate

        return ablate(["--eval", args.eval, "--out", args.out, "--workers", str(args.workers or 2)])
    ev, out = Path(args.eval), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}

    if args.only in (None, "quotes", "attributions"):
        gold_q = ev / "polnear_dev.jsonl"
        n = _inputs(gold_q, out / "polnear_in.jsonl")
        if args.only in (None, "quotes"):
            secs = _extract(
                out / "polnear_in.jsonl",
                out / "polnear_quotes.jsonl",
                "direct,partial",
                args.workers,
            )
            r = _score(ev / "score_quotes.py", gold_q, out / "polnear_quotes.jsonl")["lenient"]
            results["quotes"] = {"docs": n, "seconds": round(secs, 1), **r}
            print(
                f"quotes (PolNeAR dev, direct+partial): P {r['precision']:.3f} R {r['recall']:.3f} "
                f"F1 {r['f1']:.3f} speaker {r['speaker_accuracy_overlap']:.3f}/"
                f"{r['speaker_accuracy_overlap_or_name']:.3f} "
                f"attributed F1 {r['attributed']['f1']:.3f}"
                f"  [{BASELINES['quotes']}]"
            )
            rows = breakdown(
                load_scorer(ev / "score_quotes.py"), gold_q, out / "polnear_quotes.jsonl"
            )
            results["quotes"]["breakdown"] = rows
            print("quotes by predicted type and by attribution method:")
            print(markdown(rows))
        if args.only in (None, "attributions"):
            secs = _extract(
                out / "polnear_in.jsonl", out / "polnear_all.jsonl", "all", args.workers
            )
            r = _score(
                ev / "score_attributions.py",
                ev / "polnear_attributions_dev.jsonl",
                out / "polnear_all.jsonl",
            )
            results["attributions_in_sample"] = {"seconds": round(secs, 1), **r}
            o = r["overall"]
            print(
                "attributions, newslake extract --kinds all (IN SAMPLE: the shipped cue model was"
                f" fitted on these documents): F1 {o['lenient']['f1']:.3f}"
            )
            from bench.devset import by_speaker_kind, score
            from bench.train_cues import fold_models, labelled_dev, oof_records

            ids, docs, labelled = labelled_dev(ev, out)
            records = oof_records(ids, docs, fold_models(ids, labelled, 5))
            with open(out / "polnear_all_oof.jsonl", "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            oof = score(ev, records)
            kinds = by_speaker_kind(ev, records)
            results["attributions"] = {"out_of_fold": 5, **oof, "by_speaker_kind": kinds}
            print(
                f"attributions (all kinds, out of fold, 5 folds): P {oof['P']:.3f}"
                f" R {oof['R']:.3f} F1 {oof['F1']:.3f} indirect R {oof['R_ind']:.3f}"
                f" P {oof['P_ind']:.3f} ov F1 {oof['ovF1']:.3f}"
                f" all-pairs ov F1 {oof['ov_all_pairs']:.3f} source {oof['src']:.3f}"
                f" attributed F1 {oof['attF1']:.3f}  [{BASELINES['attributions']}]"
            )
            print("by speaker_kind (each group scored alone): " + json.dumps(kinds))
    if args.only in (None, "ner"):
        gold_n = ev / "conll2003_testa_dev.jsonl"
        n = _inputs(gold_n, out / "conll_in.jsonl")
        secs = _extract(
            out / "conll_in.jsonl", out / "conll_pred.jsonl", "direct,partial", args.workers
        )
        r = _score(ev / "score_ner.py", gold_n, out / "conll_pred.jsonl")
        results["ner"] = {"docs": n, "seconds": round(secs, 1), **r}
        o = r.get("overall", r)
        print(f"NER (CoNLL-2003 testa): {json.dumps(o)[:300]}  [{BASELINES['ner']}]")
    (out / "quality.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
