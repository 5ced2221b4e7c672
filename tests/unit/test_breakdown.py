"""The per-type / per-method breakdown of bench.quality agrees with the shared scorer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.breakdown import breakdown, load_scorer, markdown

SCORER = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "score_quotes.py"

TEXT = (
    "“We will build it,” the mayor said. Ana Ruiz called the plan “a gift to developers.” "
    "“Not now,” he said."
)


def _span(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def _quote(q: str, speaker: str | None, **extra: str) -> dict[str, object]:
    qs, qe = _span(q)
    ss, se = _span(speaker) if speaker else (None, None)
    return {
        "quote_start": qs,
        "quote_end": qe,
        "quote_text": q,
        "speaker_start": ss,
        "speaker_end": se,
        "speaker_text": speaker,
        **extra,
    }


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval is not beside this checkout")
def test_breakdown_counts_each_group_as_the_scorer_does(tmp_path: Path) -> None:
    gold = [
        _quote("We will build it,", "the mayor"),
        _quote("a gift to developers.", "Ana Ruiz"),
        _quote("Not now,", "he"),
    ]
    pred = [
        _quote("We will build it,", "the mayor", quote_type="direct", attribution="role"),
        # right quote, wrong speaker
        _quote("a gift to developers.", "the mayor", quote_type="partial", attribution="explicit"),
        # found, no speaker
        _quote("Not now,", None, quote_type="direct", attribution="none"),
    ]
    g, p = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    g.write_text(json.dumps({"id": "d", "text": TEXT, "quotes": gold}) + "\n")
    p.write_text(json.dumps({"id": "d", "quotes": pred}) + "\n")
    rows = breakdown(load_scorer(SCORER), g, p)
    assert rows["all"]["pred"] == 3 and rows["all"]["matched"] == 3
    assert rows["all"]["speaker_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert rows["type:direct"]["spk_ok"] == 1 and rows["type:direct"]["spk_n"] == 2
    assert rows["type:partial"]["speaker_accuracy"] == 0.0
    assert rows["method:role"]["speaker_accuracy"] == 1.0
    assert rows["method:none"]["attributed_share"] == 0.0
    assert rows["confidence:0.0-"]["pred"] == 3  # no confidence given: bucket 0
    assert "| method:role | 1 | 1.000 | 1 | 1.000 | 1.000 |" in markdown(rows)
    # the overall row is what the scorer itself reports
    scored = load_scorer(SCORER).evaluate(
        load_scorer(SCORER).load(str(g)), load_scorer(SCORER).load(str(p))
    )
    assert rows["all"]["precision"] == scored["lenient"]["precision"]
