"""The command line: help on every command, exit codes, stats."""

import subprocess
import sys
from pathlib import Path

import pytest

NEWSLAKE = str(Path(sys.executable).parent / "newslake")


@pytest.mark.parametrize(
    "command",
    ["run", "backfill", "reprocess", "serve", "validate", "stats", "extract", "speakers"],
)
def test_every_command_has_help(command):
    res = subprocess.run([NEWSLAKE, command, "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "Usage" in res.stdout


def test_bad_dates_and_configs_exit_2(tmp_path):
    res = subprocess.run(
        [NEWSLAKE, "backfill", "--start", "2024-13-01", "--end", "2024-12-31"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and "not a date" in res.stderr
    res = subprocess.run(
        [NEWSLAKE, "stats", "--config", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and "configuration file not found" in res.stderr


@pytest.mark.slow
def test_stats_on_the_sample_lake(sample_run):
    _, root = sample_run
    res = subprocess.run([NEWSLAKE, "stats", "--lake", root], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "articles" in res.stdout and "27" in res.stdout and "latest runs" in res.stdout


@pytest.mark.slow
def test_speakers_per_article_add_up_to_the_quotes(sample_run, tmp_path):
    import duckdb
    import pandas as pd

    from flows.views import article_speakers

    _, root = sample_run
    view = article_speakers(root=root, kinds=None)
    quotes = pd.read_parquet(Path(root) / "quotes")
    # a statement of coordinated speakers counts once for each of them
    quotes["speakers"] = 1 + quotes["co_speaker_names"].map(len)
    per_article = quotes.groupby("article_id")["speakers"].sum().to_dict()
    assert view.groupby("article_id")["quotes"].sum().to_dict() == per_article
    people = article_speakers(root=root)
    assert set(people.speaker_kind) == {"person"} and len(people) < len(view)
    named = view.dropna(subset=["speaker_name"])
    top = named.sort_values("quotes", ascending=False).iloc[0]
    # the same count straight from the quotes table, in SQL
    n = duckdb.sql(
        f"select count(*) from read_parquet('{root}/quotes/*/*.parquet', hive_partitioning=true)"
        f" where article_id = '{top.article_id}' and speaker_entity_key = '{top.speaker_entity_key}'"
    ).fetchall()[0][0]
    assert n == top.quotes and top.direct + top.partial + top.indirect == top.quotes
    # the seed article: Rutte speaks once, directly, as NATO Secretary General
    rutte = view[view.speaker_name == "Mark Rutte"]
    assert len(rutte) >= 1 and "NATO Secretary General" in set(rutte.role)
    out = tmp_path / "speakers.csv"
    res = subprocess.run(
        [NEWSLAKE, "speakers", "--lake", root, "--output", str(out)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert len(pd.read_csv(out)) == len(people)
    res = subprocess.run(
        [NEWSLAKE, "speakers", "--lake", root, "--kinds", "all", "--output", str(out)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0 and len(pd.read_csv(out)) == len(view)
    res = subprocess.run(
        [NEWSLAKE, "speakers", "--lake", root, "--article", top.article_id],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0 and top.speaker_name.split()[-1] in res.stdout
    res = subprocess.run(
        [NEWSLAKE, "speakers", "--lake", root, "--output", str(tmp_path / "x.txt")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and "must end in .csv or .parquet" in res.stderr
    res = subprocess.run(
        [NEWSLAKE, "speakers", "--lake", root, "--kinds", "robots"], capture_output=True, text=True
    )
    assert res.returncode == 2 and "unknown speaker kinds" in res.stderr


@pytest.mark.slow
def test_validate_reports_and_builds_data_docs(sample_run):
    _, root = sample_run
    res = subprocess.run(
        [
            NEWSLAKE,
            "validate",
            "--lake",
            root,
            "--table",
            "quotes",
            "--table",
            "articles",
            "--date",
            "2026-11-29",
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 expectations failed" in res.stdout
    assert (Path(root) / "_docs" / "index.html").exists()
    res = subprocess.run(
        [NEWSLAKE, "validate", "--lake", root, "--table", "nope"], capture_output=True, text=True
    )
    assert res.returncode == 2


@pytest.mark.slow
def test_validate_finds_a_broken_partition(sample_run, tmp_path):
    import shutil

    import pyarrow.parquet as pq

    _, root = sample_run
    copy = tmp_path / "lake"
    shutil.copytree(root, copy)
    # the partition's first file (a partition may hold several part-NNNNN files)
    part = sorted((copy / "quotes" / "date=2026-11-29").glob("part-*.parquet"))[0]
    table = pq.read_table(part)
    texts = table.column("quote_text").to_pylist()
    texts[0] = texts[0] + " (edited)"
    import pyarrow as pa

    pq.write_table(
        table.set_column(
            table.schema.get_field_index("quote_text"), "quote_text", pa.array(texts, pa.string())
        ),
        part,
    )
    res = subprocess.run(
        [NEWSLAKE, "validate", "--lake", str(copy), "--table", "quotes", "--no-docs"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 1
    assert (
        "quotes 2026-11-29: expect_column_values_to_be_in_set(_quote_span_ok): 1 of" in res.stdout
    )
    # the next run rebuilds the article from its raw row, and the lake is whole again
    res = subprocess.run(
        [NEWSLAKE, "run", "--lake", str(copy), "--date", "2026-11-29"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "repair: 1 article(s) rebuilt from raw" in res.stdout
    from tests.lakediff import problems

    assert problems(str(copy), root) == []


@pytest.mark.slow
def test_validate_checks_integrity_across_tables_and_a_run_repairs_it(sample_run, tmp_path):
    import shutil

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from flows.adapters.lake import Lake
    from tests.lakediff import problems

    _, root = sample_run
    copy = tmp_path / "lake"
    shutil.copytree(root, copy)
    lake = Lake(str(copy))
    # what an older version's crash left: an article without its raw row and mentions,
    # and the mentions of an article that never made it into `articles`
    seed = lake.read_table("articles").query("origin == 'coalition-troops-ukraine.txt'").iloc[0]
    aid, day = seed["article_id"], seed["date"]
    lake.delete_rows("raw", day, "article_id", [aid])
    lake.delete_rows("mentions", day, "article_id", [aid])
    part = sorted((copy / "quotes" / f"date={day}").glob("part-*.parquet"))[0]
    quotes = pq.read_table(part)
    ghost = quotes.filter(pc.equal(quotes.column("article_id"), aid)).slice(0, 1)
    schema = quotes.schema
    ghost = ghost.set_column(1, schema.field("article_id"), pa_array(["0000000000000000"]))
    ghost = ghost.set_column(0, schema.field("quote_id"), pa_array(["ghost-quote"]))
    pq.write_table(pa_concat([quotes, ghost]), part)

    res = subprocess.run(
        [NEWSLAKE, "validate", "--lake", str(copy), "--no-docs"], capture_output=True, text=True
    )
    assert res.returncode == 1
    assert f"integrity: 1 article(s) without their raw row: {aid}" in res.stdout
    assert (
        f"quotes {day}: rows of 1 article(s) not in articles {day}: 0000000000000000" in res.stdout
    )

    res = subprocess.run(
        [NEWSLAKE, "run", "--lake", str(copy), "--date", "2026-11-29"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 to be read again from their source" in res.stdout
    assert problems(str(copy), root) == []  # raw and mentions back, the orphan gone
    res = subprocess.run(
        [NEWSLAKE, "validate", "--lake", str(copy), "--no-docs"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout


def pa_array(values):
    import pyarrow as pa

    return pa.array(values, pa.string())


def pa_concat(tables):
    import pyarrow as pa

    return pa.concat_tables(tables)


def test_source_urls_that_cannot_be_fetched_are_a_configuration_error(tmp_path):
    for url in ("file:///etc/passwd", "ftp://example.org/feed.xml", "ht!tp//:x"):
        config = tmp_path / "bad.yaml"
        config.write_text(f'sources:\n  - {{name: odd, kind: rss, url: "{url}"}}\n')
        res = subprocess.run(
            [NEWSLAKE, "run", "--config", str(config)], capture_output=True, text=True, timeout=60
        )
        assert res.returncode == 2, res.stderr
        assert f"source 'odd': '{url}'" in res.stderr
        assert "Traceback" not in res.stderr and len(res.stderr.splitlines()) == 1


@pytest.mark.slow
def test_a_source_whose_feed_failed_makes_the_run_partial_with_exit_3(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    config = tmp_path / "newslake.yaml"
    config.write_text(
        f"lake: {tmp_path / 'lake'}\n"
        f"sources:\n  - {{name: gone, kind: rss, url: 'http://127.0.0.1:{port}/feed.xml'}}\n"
        "http: {allow_networks: ['127.0.0.1/32'], retries: 0, connect_timeout: 2}\n"
    )
    res = subprocess.run(
        [NEWSLAKE, "run", "--config", str(config), "--date", "2026-11-29"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 3, res.stdout + res.stderr
    assert "newslake nightly partial" in res.stdout
    assert f"source gone: http://127.0.0.1:{port}/feed.xml: feed fetch failed" in res.stdout
