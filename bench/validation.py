"""Time the validation gate adds per 10,000 rows, per table (synthetic rows, real suites).

python -m bench.validation [--rows 10000]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

import pandas as pd

from expectations.gate import Gate, load_suite_json
from tests.expectations_helpers import TEXT, article, mention, quote
from transforms.checks import article_checks, mention_checks, quote_checks
from transforms.ids import sha_hex
from transforms.schemas import rows_to_columns


def rows(table: str, n: int) -> list:
    make = {"articles": article, "mentions": mention, "quotes": quote}[table]
    key = {"articles": "article_id", "mentions": "mention_id", "quotes": "quote_id"}[table]
    return [make(**{key: sha_hex(str(i))}) for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    gate = Gate(["articles", "mentions", "quotes"])
    for table in ("articles", "mentions", "quotes"):
        batch = rows(table, args.rows)
        t0 = time.perf_counter()
        df = pd.DataFrame(rows_to_columns(table, batch))
        maps = [dataclasses.asdict(r) for r in batch]
        texts = {r.article_id: TEXT for r in batch}
        if table == "articles":
            checks = article_checks(maps)
        elif table == "mentions":
            checks = mention_checks(maps, texts, set(texts))
        else:
            checks = quote_checks(maps, texts, set(texts))
        for name, values in checks.items():
            df[name] = values
        t1 = time.perf_counter()
        result = gate.validate(table, df)
        t2 = time.perf_counter()
        n_rules = len(load_suite_json(table)["expectations"])
        print(
            json.dumps(
                {
                    "table": table,
                    "rows": args.rows,
                    "rules": n_rules,
                    "frame_and_checks_s": round(t1 - t0, 2),
                    "gx_validate_s": round(t2 - t1, 2),
                    "failed": [o.name for o in result.outcomes if not o.success],
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
