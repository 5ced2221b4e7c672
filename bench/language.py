"""Language identification on the shared corpus pages, whose languages are known.

    python -m bench.language [--corpus ../shared/corpus]

Each page's ground-truth body goes through `transforms.language.article_language`
(the text alone, and with the page's declared `<html lang>`), and the verdict is
compared with the declared language. Where the two disagree the page is listed
with the start of its text, so a reader can see which one is right: declarations
are wrong on some pages (a template that says English on a Zulu paper).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from transforms.language import article_language


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="../shared/corpus")
    args = ap.parse_args()
    rows = [json.loads(x) for x in (Path(args.corpus) / "manifest.jsonl").read_text().splitlines()]
    declared = [r for r in rows if r.get("lang")]
    alone = with_declared = 0
    print("| page | declared | from the text | with the declaration | text starts |")
    print("|---|---|---|---|---|")
    for r in declared:
        text = r["body"] or ""
        got, used = article_language(text), article_language(text, r["lang"])
        alone += got == r["lang"]
        with_declared += used == r["lang"]
        if got != r["lang"] or used != r["lang"]:
            start = text[:60].replace("\n", " ").replace("|", "/")
            print(f"| {r['id']} | {r['lang']} | {got} | {used} | {start} |")
    undeclared = Counter(article_language(r["body"] or "") for r in rows if not r.get("lang"))
    n = len(declared)
    print(
        f"\npages that declare a language: {n}, in {len({r['lang'] for r in declared})} languages"
    )
    print(f"agree with the declaration: from the text {alone} ({alone / n:.3f}), ")
    print(f"  with the declaration as fallback {with_declared} ({with_declared / n:.3f})")
    print(f"pages that declare none: {dict(undeclared)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
