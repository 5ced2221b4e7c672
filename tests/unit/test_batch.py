"""Batch decisions (new, replaced, unchanged, repeated, out of range) and the integrity
checks and repair plan, on rows built by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

from transforms.batch import KnownArticles, Verdict, decide
from transforms.dedup import simhash
from transforms.ids import text_sha256
from transforms.integrity import check_ids, plan_repair
from transforms.schemas import ArticleRow

NOW = dt.datetime(2026, 11, 29, 6, tzinfo=dt.UTC)


def article(aid: str, text: str, date: str = "2026-11-29", url: str | None = None) -> ArticleRow:
    return ArticleRow(
        article_id=aid,
        url=url,
        canonical_url=url,
        source="s",
        also_sources=[],
        publisher=None,
        origin=f"{aid}.txt",
        title=None,
        authors=[],
        published_at=None,
        date_source="first_seen",
        fetched_at=NOW,
        language="en",
        nlp_status="done",
        text=text,
        text_sha256=text_sha256(text),
        word_count=len(text.split()),
        duplicate_of=None,
        simhash=simhash(text),
        extractor="text",
        pipeline_version="0.1.0",
        run_id="r",
        date=date,
    )


TEXT = "The harbour board met on Tuesday and agreed to dredge the northern channel again."


def known_with(*rows: ArticleRow, stale: tuple[str, ...] = ()) -> KnownArticles:
    return KnownArticles.from_columns(
        [r.article_id for r in rows],
        [r.text_sha256 for r in rows],
        [r.canonical_url for r in rows],
        [r.date for r in rows],
        [r.simhash for r in rows],
        stale=stale,
        sources=[r.source for r in rows],
        also_sources=[r.also_sources for r in rows],
    )


def test_a_new_article_is_written_and_remembered():
    known = KnownArticles()
    d = decide(article("a1", TEXT, url="https://x.org/a1"), None, known, set())
    assert d.verdict is Verdict.NEW and d.written
    assert known.dates["a1"][0] == "2026-11-29" and "https://x.org/a1" in known.urls


def test_the_same_text_again_is_unchanged_and_counted_on_its_own_day():
    old = article("a1", TEXT, date="2024-01-05")
    d = decide(article("a1", TEXT), None, known_with(old), set())
    assert d.verdict is Verdict.UNCHANGED and not d.written and d.day == "2024-01-05"


def test_a_changed_text_replaces_the_article_in_its_old_partition():
    old = article("a1", TEXT, date="2024-01-05")
    d = decide(article("a1", TEXT + " It will cost more."), None, known_with(old), set())
    assert d.verdict is Verdict.REPLACED
    assert d.row.date == d.old_date == "2024-01-05"


def test_force_and_stale_rewrite_an_unchanged_article():
    old = article("a1", TEXT, date="2024-01-05")
    assert decide(article("a1", TEXT), None, known_with(old), set(), force=True).written
    stale = known_with(old, stale=("a1",))
    d = decide(article("a1", TEXT), None, stale, set())
    assert d.verdict is Verdict.REPLACED and d.row.date == "2024-01-05"
    assert "a1" not in stale.stale  # written once, it is whole again


def test_an_article_keeps_its_first_source_and_records_the_others():
    warc = dataclasses.replace(article("a1", TEXT, date="2024-01-05"), source="ccnews-warc")
    known = known_with(warc)
    # the nightly feed gives the same URL with a longer text: rewritten, source kept
    feed = dataclasses.replace(article("a1", TEXT + " It will cost more."), source="feed")
    d = decide(feed, None, known, set())
    assert d.verdict is Verdict.REPLACED
    assert (d.row.source, d.row.also_sources, d.row.date) == ("ccnews-warc", ["feed"], "2024-01-05")
    # the next run reads both again: nothing flips, nothing is added twice
    again = decide(feed, None, known, set())
    assert again.verdict is Verdict.UNCHANGED
    back = decide(dataclasses.replace(warc, text=TEXT + " Again."), None, known, set())
    assert (back.row.source, back.row.also_sources) == ("ccnews-warc", ["feed"])


def test_the_same_text_from_a_new_source_is_written_to_record_it():
    old = article("a1", TEXT, date="2024-01-05")
    d = decide(
        dataclasses.replace(article("a1", TEXT), source="other"), None, known_with(old), set()
    )
    assert d.verdict is Verdict.REPLACED
    assert (d.row.source, d.row.also_sources) == ("s", ["other"])
    assert decide(article("a1", TEXT), None, known_with(old), set()).verdict is Verdict.UNCHANGED


def test_a_stale_article_is_fetched_again():
    old = article("a1", TEXT, url="https://x.org/a1")
    assert "https://x.org/a1" not in known_with(old, stale=("a1",)).urls
    assert "https://x.org/a1" in known_with(old).urls


def test_a_second_copy_in_one_run_and_an_out_of_range_article_are_skipped():
    known, seen = KnownArticles(), set()
    assert decide(article("a1", TEXT), None, known, seen).verdict is Verdict.NEW
    assert decide(article("a1", TEXT), None, known, seen).verdict is Verdict.REPEATED
    late = decide(
        article("a2", "Other words entirely here."),
        None,
        known,
        seen,
        False,
        ("2024-01-01", "2024-12-31"),
    )
    assert late.verdict is Verdict.OUT_OF_RANGE


def test_a_copy_points_at_the_first_article_with_its_text():
    known = KnownArticles()
    decide(article("a1", TEXT), None, known, set())
    d = decide(article("a2", TEXT), None, known, set())
    assert d.row.duplicate_of == "a1"
    long = " ".join(f"{TEXT} Item {n} on the agenda was the budget." for n in range(12))
    decide(article("a4", long), None, known, set())
    wire = decide(article("a5", long.replace("Item 7", "Point 7")), None, known, set())
    assert wire.row.duplicate_of == "a4"  # a near-copy (SimHash within 3 bits)


def test_integrity_names_missing_raw_rows_and_orphans():
    integrity = check_ids(
        {"a1": "2024-01-05", "a2": "2024-01-05"},
        raw_ids=["a1"],
        derived={
            "mentions": {"2024-01-05": {"a1", "gone"}, "2024-01-06": {"a2"}},
            "quotes": {"2024-01-05": {"a1"}},
        },
    )
    assert not integrity.ok
    assert integrity.articles_without_raw == {"a2"}
    assert integrity.orphans == {"mentions": {"2024-01-05": {"gone"}, "2024-01-06": {"a2"}}}
    problems = integrity.problems()
    assert problems[0] == "1 article(s) without their raw row: a2"
    assert (
        problems[1] == "mentions 2024-01-05: rows of 1 article(s) not in articles 2024-01-05: gone"
    )


def test_a_whole_lake_is_ok():
    integrity = check_ids({"a1": "d"}, ["a1"], {"mentions": {"d": {"a1"}}, "quotes": {}})
    assert integrity.ok and integrity.problems() == []
    assert not plan_repair(integrity, ["a1"])


def test_repair_rebuilds_from_raw_rereads_the_rest_and_drops_orphans():
    integrity = check_ids(
        {"a1": "d", "a2": "d", "a3": "d"},
        raw_ids=["a1", "a2"],
        derived={"mentions": {"d": {"a1", "x"}}},
        bad_spans={"quotes": ["a1"], "mentions": ["a3"]},
    )
    plan = plan_repair(integrity, ["a1", "a2"])
    assert plan.rebuild == {"a1"}  # bad spans, raw at hand
    assert plan.reread == {"a3"}  # no raw row: read again from its source
    assert plan.drop == {"mentions": {"d": {"x"}}}
    assert "1 article(s) rebuilt from raw" in plan.describe()


def test_rows_are_replaced_not_mutated():
    row = article("a1", TEXT)
    before = dataclasses.asdict(row)
    decide(
        row, None, known_with(article("a1", "Old text of the article.", date="2023-01-01")), set()
    )
    assert dataclasses.asdict(row) == before
