"""Quote scores broken down by predicted quote type, attribution method and confidence.

    python -m bench.breakdown GOLD PRED [--scorer ../shared/eval/score_quotes.py]

Uses the shared scorer's own matching (`match`, `speaker_ok`), loaded from the eval
directory at run time, so the overall row equals `score_quotes.py` and the rows add up
to it. Per group of predicted quotes:
- `pred`: how many quotes of that group were written;
- `P`: the share of them that match a gold quote (lenient, half the gold span);
- `spk n` / `spk acc`: matched quotes whose gold quote has a speaker, and the share of
  those whose speaker is right (`overlap_or_name`, as the scorer counts it);
- `attributed`: matched with the right speaker, as a share of `pred`.
`confidence:0.7-` groups the quotes whose `confidence` is in [0.7, 0.8): how often a
speaker given with that confidence is right.
"""

from __future__ import annotations

import argparse
import importlib.util
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

DEFAULT_SCORER = Path("../shared/eval/score_quotes.py")


def load_scorer(path: Path) -> ModuleType:
    """The shared scorer as a module (it is a standalone script, not a package)."""
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot load the quote scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def breakdown(scorer: ModuleType, gold_path: Path, pred_path: Path) -> dict[str, dict[str, Any]]:
    """Counts per `type:<quote_type>`, `method:<attribution>`, `confidence:<bucket>-`, `all`."""
    gold = scorer.load(str(gold_path))
    pred = scorer.load(str(pred_path))
    groups: dict[str, dict[str, int]] = defaultdict(
        lambda: {"pred": 0, "matched": 0, "spk_n": 0, "spk_ok": 0}
    )
    for doc_id, g in gold.items():
        gq = g.get("quotes", [])
        pq = pred.get(doc_id, {}).get("quotes", [])
        pairs = {j: i for i, j in scorer.match(g["text"], gq, pq, 0.5, False)}
        for j, q in enumerate(pq):
            conf = float(q.get("confidence") or 0.0)
            keys = (
                "all",
                f"type:{q.get('quote_type') or 'untyped'}",
                f"method:{q.get('attribution') or 'none'}",
                f"confidence:{min(int(conf * 10), 9) / 10:.1f}-",
            )
            i = pairs.get(j)
            ok = None
            if i is not None and gq[i].get("speaker_start") is not None:
                ok = scorer.speaker_ok(gq[i], q)[1]
            for key in keys:
                c = groups[key]
                c["pred"] += 1
                c["matched"] += i is not None
                if ok is not None:
                    c["spk_n"] += 1
                    c["spk_ok"] += ok
    out: dict[str, dict[str, Any]] = {}
    for key, c in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        out[key] = {
            **c,
            "precision": round(c["matched"] / c["pred"], 3) if c["pred"] else None,
            "speaker_accuracy": round(c["spk_ok"] / c["spk_n"], 3) if c["spk_n"] else None,
            "attributed_share": round(c["spk_ok"] / c["pred"], 3) if c["pred"] else None,
        }
    return out


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def markdown(rows: dict[str, dict[str, Any]]) -> str:
    """The breakdown as a Markdown table."""
    lines = [
        "| group | pred | P | spk n | spk acc | attributed / pred |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, r in rows.items():
        lines.append(
            f"| {key} | {r['pred']:,} | {_f(r['precision'])} | {r['spk_n']:,} | "
            f"{_f(r['speaker_accuracy'])} | {_f(r['attributed_share'])} |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("gold", type=Path)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    args = ap.parse_args()
    print(markdown(breakdown(load_scorer(args.scorer), args.gold, args.pred)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
