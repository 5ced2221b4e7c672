"""One bad article never sinks its batch: an NLP failure, a row that cannot be built and a
text over the length limit are each quarantined with the reason; the rest is written.

The batch pipeline runs for real (extraction of plain text, the Great Expectations gate,
the journal, the lake); only the NLP results are given, so a failure can be chosen.
"""

from __future__ import annotations

import datetime as dt

import pytest

from expectations.gate import Gate
from flows.adapters.lake import Lake
from flows.engine.pipeline import BatchContext, BatchOptions, load_known, process
from flows.engine.workers import rows_in_process
from transforms.entities import EntityMention
from transforms.records import RawDoc
from transforms.tables import Analysis, RunInfo

NOW = dt.datetime(2026, 11, 29, 6, tzinfo=dt.UTC)
RUN = RunInfo("run-1", dt.date(2026, 11, 29), NOW, "0.1.0")
TEXTS = {
    "good.txt": "Mara Lindqvist opened the new ferry terminal in Tolsby on Monday morning.",
    "crash.txt": "This text makes the NLP step raise, as a parser bug on one odd page would.",
    "badrow.txt": "This text gets a mention whose offsets do not point at its words at all.",
    "long.txt": "word " * 60,  # 299 characters once stripped
}


class GivenNlp:
    """Extraction as in the workers; NLP results chosen per text."""

    def rows(self, docs, run, with_raw):
        return rows_in_process(docs, run, with_raw)

    def analyze(self, items):
        out = []
        for text, _language in items:
            if text.startswith("This text makes"):
                out.append(Analysis((), (), error="ValueError: the parser gave up"))
            elif text.startswith("This text gets"):
                wrong = EntityMention(0, 1, 5, 9, "PERSON", "Nobody", "Nobody", "person/nobody", 0)
                out.append(Analysis((wrong,), ()))
            else:
                name = EntityMention(
                    0, 2, 0, 14, "PERSON", text[:14], text[:14], "person/mara-lindqvist", 0
                )
                out.append(Analysis((name,), ()))
        return out


@pytest.fixture(scope="module")
def gate():
    return Gate()


def test_bad_articles_are_quarantined_and_the_rest_of_the_batch_is_written(tmp_path, gate):
    lake = Lake(str(tmp_path))
    docs = [RawDoc("s", name, text.encode(), "text/plain", NOW) for name, text in TEXTS.items()]
    ctx = BatchContext(lake, GivenNlp(), gate, RUN, load_known(lake), BatchOptions(max_chars=200))
    counts = process(ctx, docs, batch_size=10, now=NOW)

    articles = lake.read_table("articles")
    assert articles["origin"].tolist() == ["good.txt"]
    assert lake.read_table("mentions")["text"].tolist() == ["Mara Lindqvist"]
    # raw keeps every document read, so a reprocess can retry the quarantined ones
    assert sorted(lake.read_table("raw")["origin"]) == sorted(TEXTS)
    reasons = lake.read_table("quarantine").set_index("origin")["reason"]
    assert "NLP failed: ValueError: the parser gave up" in reasons["crash.txt"]
    assert "building its rows failed" in reasons["badrow.txt"]
    assert "does not match its offsets" in reasons["badrow.txt"]
    assert "text of 299 characters exceeds the limit of 200 (nlp_max_chars)" in reasons["long.txt"]
    assert counts.written["articles"] == 1 and counts.quarantined == 3
    assert not counts.batch_failures
