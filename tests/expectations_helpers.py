"""Good rows for every table, built by hand, for the gate tests."""

from __future__ import annotations

import datetime as dt

from transforms.ids import span_id, text_sha256
from transforms.schemas import ArticleRow, MentionRow, QuoteRow

NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
TEXT = "Mayor Ann Lee said on Monday: “We will open the bridge in May.” The council agreed."


def article(**changes) -> ArticleRow:
    base = dict(
        article_id="0123456789abcdef",
        url="https://news.example.org/2024/05/06/bridge",
        canonical_url="https://news.example.org/2024/05/06/bridge",
        source="test",
        also_sources=[],
        publisher="Town Times",
        origin="bridge.html",
        title="Bridge to open in May",
        authors=["Jo Reporter"],
        published_at=dt.datetime(2024, 5, 6, 9, tzinfo=dt.UTC),
        date_source="jsonld",
        fetched_at=NOW,
        language="en",
        nlp_status="done",
        text=TEXT,
        text_sha256=text_sha256(TEXT),
        word_count=len(TEXT.split()),
        duplicate_of=None,
        simhash=12345,
        extractor="trafilatura",
        pipeline_version="0.1.0",
        run_id="run-1",
        date="2024-05-06",
    )
    base.update(changes)
    return ArticleRow(**base)


def mention(**changes) -> MentionRow:
    start = TEXT.index("Ann Lee")
    base = dict(
        mention_id=span_id("0123456789abcdef", "mention", start, start + 7),
        article_id="0123456789abcdef",
        text="Ann Lee",
        label="PERSON",
        start_char=start,
        end_char=start + 7,
        sentence_index=0,
        canonical_name="Ann Lee",
        entity_key="person/ann-lee",
        date="2024-05-06",
    )
    base.update(changes)
    return MentionRow(**base)


def quote(**changes) -> QuoteRow:
    q = "We will open the bridge in May."
    start = TEXT.index(q)
    s = TEXT.index("Ann Lee")
    c = TEXT.index("said")
    base = dict(
        quote_id=span_id("0123456789abcdef", "quote", start, start + len(q)),
        article_id="0123456789abcdef",
        quote_text=q,
        start_char=start,
        end_char=start + len(q),
        quote_type="direct",
        speaker_text="Ann Lee",
        speaker_start=s,
        speaker_end=s + 7,
        speaker_name="Ann Lee",
        speaker_entity_key="person/ann-lee",
        speaker_role="Mayor",
        speaker_kind="person",
        co_speaker_names=[],
        co_speaker_keys=[],
        cue="said",
        cue_start=c,
        cue_end=c + 4,
        attribution="explicit",
        statement_kind="speech",
        sentence_index=0,
        confidence=0.95,
        group_id=span_id("0123456789abcdef", "quote", start, start + len(q)),
        date="2024-05-06",
    )
    base.update(changes)
    return QuoteRow(**base)
