"""Rebuild data/samples/ from ../shared/corpus (run from the repository root).

The pages are MIT-licensed test data of public repositories (see
data/samples/README.md); this script records which ones we bundle and in which
format, so the selection can be reproduced and audited.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

CORPUS = Path("../shared/corpus")
OUT = Path("data/samples")

HTML = [  # kept as the original page bytes
    "fundus-us-apnews-2023_04_28",
    "fundus-us-voiceofamerica-2024_04_28",
    "fundus-us-washingtontimes-2023_04_28",
    "fundus-jp-thejapannews-2024_10_13",
    "fundus-my-malaymail-2024_11_22",
    "fundus-na-thenamibian-2024_02_20",
    "fundus-ls-lesothotimes-2025_11_24",
    "fundus-uk-theindependent-2024_11_22",
    "aeb-776a1c046798b474",
    "aeb-359fee228518d55b",
]
TEXT = [  # the ground-truth body as plain text
    "aeb-7dfc3e359d7c0ca4",
    "aeb-291a8bf33ee49074",
    "aeb-7a457a4f71735c17",
    "aeb-51d066b0602c9421",
    "aeb-14cc2a0ca59c62a8",
    "aeb-833caf3bdba53dcf",
    "aeb-0d46122928b6f468",
]
JSONL_TEXT = [  # url, title, text, published, source
    "fundus-us-reuters-2024_03_07",
    "fundus-us-apnews-2024_09_03",
    "fundus-ca-cbcnews-2024_08_08",
    "fundus-be-politicoeu-2025_10_23",
    "fundus-mx-mexiconewsdaily-2025_04_16",
    "fundus-au-westaustralian-2024_11_26",
    "fundus-au-ninenews-2026_07_04",
    "fundus-ca-financialpost-2026_06_06",
]
JSONL_HTML = ["aeb-264dc3ae31249cb1"]  # url + html, extracted like an .html file


def main() -> None:
    manifest = {
        row["id"]: row
        for row in map(json.loads, (CORPUS / "manifest.jsonl").read_text().splitlines())
    }
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copy(
        CORPUS / "seed" / "coalition-troops-ukraine.txt", OUT / "coalition-troops-ukraine.txt"
    )
    for pid in HTML:
        (OUT / f"{pid}.html").write_bytes(
            gzip.decompress((CORPUS / manifest[pid]["file"]).read_bytes())
        )
    for pid in TEXT:
        (OUT / f"{pid}.txt").write_text(manifest[pid]["body"] + "\n", encoding="utf-8")
    with open(OUT / "wire.jsonl", "w", encoding="utf-8") as out:
        for pid in JSONL_TEXT:
            row = manifest[pid]
            line = {
                "url": row["url"],
                "title": row["title"],
                "text": row["body"],
                "published": row["published"],
                "source": row["publisher"],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        for pid in JSONL_HTML:
            row = manifest[pid]
            html = gzip.decompress((CORPUS / row["file"]).read_bytes()).decode("utf-8")
            line = {"url": row["url"], "html": html, "source": row["publisher"]}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    credits = []
    for pid in HTML + TEXT + JSONL_TEXT + JSONL_HTML:
        row = manifest[pid]
        fmt = "html" if pid in HTML else "txt" if pid in TEXT else "jsonl"
        credits.append(
            (pid, fmt, row["url"], row["source_repo"], row["source_path"], row["license"])
        )
    print(json.dumps(credits, indent=1))


if __name__ == "__main__":
    main()
