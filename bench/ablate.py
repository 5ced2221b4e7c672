"""Each quote strategy's contribution on dev, out of fold: re-run the quote finder with one
strategy switched off at a time and score every run with the shared scorers.

    python -m bench.ablate [--eval ../shared/eval] [--out bench/out] [--only NAME,...]
    python -m bench.quality --ablate          # the same, from the quality benchmark

The dev texts are parsed once (`bench.devset`). The cue model of reported speech is
learned from dev, so every row is out of fold: each document is predicted with the
model fitted on the other folds (`bench.train_cues`, 5 folds by a hash of the id). The
first row ("all") has every strategy on; the others show what switching one off changes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.devset import score
from bench.train_cues import fold_models, labelled_dev, oof_records

FOLDS = 5
COLUMNS = ("F1", "P", "R", "R_ind", "ov_all_pairs", "attF1", "q_F1", "q_spk", "q_attF1")


def table(rows: list[tuple[str, dict[str, float]]]) -> str:
    """Markdown: the full system, then each strategy off, as the change it makes."""
    base = rows[0][1]
    head = "| strategy off | pred | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|---|" + "---:|" * (len(COLUMNS) + 1)]
    for name, r in rows:
        if name == "all":
            cells = [f"{r[c]:.3f}" for c in COLUMNS]
            lines.append(f"| (none: all on) | {int(r['pred'])} | " + " | ".join(cells) + " |")
            continue
        cells = [f"{r[c] - base[c]:+.3f}" for c in COLUMNS]
        lines.append(
            f"| {name} | {int(r['pred']) - int(base['pred']):+d} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from transforms.quotes import STRATEGIES

    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--eval", default="../shared/eval")
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--only", default="", help="comma list of strategies (default: all)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    ev, out = Path(args.eval), Path(args.out)
    ids, docs, labelled = labelled_dev(ev, out, args.workers)
    models = fold_models(ids, labelled, FOLDS)
    names = [n for n in args.only.split(",") if n] or list(STRATEGIES)
    rows: list[tuple[str, dict[str, float]]] = []
    for name in ["all", *names]:
        off = frozenset() if name == "all" else frozenset({name})
        recs = oof_records(ids, docs, models, disabled=off)
        if name == "all":
            with open(out / "ablate_all.jsonl", "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
        rows.append((name, score(ev, recs)))
        print(name, json.dumps({k: round(v, 4) for k, v in rows[-1][1].items()}), flush=True)
    md = table(rows)
    print(md)
    (out / "ablation.md").write_text(md + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
