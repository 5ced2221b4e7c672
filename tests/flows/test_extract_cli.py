"""`newslake extract`: the scoring interface, run as a user runs it."""

import difflib
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SEED, need_corpus

pytestmark = pytest.mark.slow
NEWSLAKE = str(Path(sys.executable).parent / "newslake")


def test_extract_text_html_and_bad_lines_in_order(tmp_path):
    need_corpus()
    row = next(
        json.loads(line)
        for line in (CORPUS / "manifest.jsonl").open()
        if '"fundus-us-apnews-2024_09_03"' in line
    )
    html = gzip.decompress((CORPUS / row["file"]).read_bytes()).decode()
    seed = SEED.read_text()
    lines = [
        json.dumps({"id": "seed", "text": seed}),
        "this is not json",
        json.dumps({"id": "page", "url": row["url"], "html": html}),
    ]
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("\n".join(lines) + "\n")
    res = subprocess.run(
        [NEWSLAKE, "extract", "--input", str(inp), "--output", str(out), "--workers", "1"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    assert "1 line(s) unreadable" in res.stderr
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in recs] == ["seed", None, "page"]
    assert "in.jsonl:2" in recs[1]["error"]
    quotes = recs[0]["quotes"]
    assert {q["quote_type"] for q in quotes} <= {"direct", "partial"}
    by_text = {q["quote_text"]: q for q in quotes}
    rutte = by_text["Why are we interested in what Russia thinks about troops in Ukraine?"]
    assert rutte["speaker_text"] == "he" and rutte["speaker_name"] == "Mark Rutte"
    for q in quotes:  # offsets index the input text exactly as given
        assert seed[q["quote_start"] : q["quote_end"]] == q["quote_text"]
        assert seed[q["speaker_start"] : q["speaker_end"]] == q["speaker_text"]
    assert {e["label"] for e in recs[0]["entities"]} <= {"PER", "ORG", "LOC", "MISC"}
    assert any(e["text"] == "Mark Rutte" and e["label"] == "PER" for e in recs[0]["entities"])
    page = recs[2]
    # the visible headline; the page's <h1> has two more words than fundus recorded
    assert difflib.SequenceMatcher(None, page["title"], row["title"]).ratio() > 0.9
    assert page["published"][:10] == row["published"][:10]
    assert page["date_source"] == "jsonld" and page["language"] == "en"
    assert (
        page["body"][page["quotes"][0]["quote_start"] : page["quotes"][0]["quote_end"]]
        == page["quotes"][0]["quote_text"]
    )


def test_extract_all_kinds_includes_reported_speech(tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(
        json.dumps({"id": "x", "text": "The senator said that the bill would pass this week."})
        + "\n"
    )
    subprocess.run(
        [NEWSLAKE, "extract", "-i", str(inp), "-o", str(out), "--kinds", "all", "--workers", "1"],
        check=True,
    )
    rec = json.loads(out.read_text())
    assert [(q["quote_text"], q["quote_type"]) for q in rec["quotes"]] == [
        ("the bill would pass this week", "indirect")
    ]
    res = subprocess.run(
        [NEWSLAKE, "extract", "-i", str(inp), "-o", str(out), "--kinds", "rumour"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and "unknown quote kinds" in res.stderr
