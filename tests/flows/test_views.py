"""The analyst's views and types on a lake the real nightly flow wrote: the bundled samples
plus three short articles written for this test (one statement carried by two outlets, a
mayor named in full in one article and by surname in another, two Bakers), read again
from a second source that gives one of them with a changed text."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.engine.settings import Settings, SourceConfig
from flows.views import read_mentions, read_people, read_statements, read_table
from tests.conftest import ROOT, SAMPLES, write_config

pytestmark = pytest.mark.slow
NEWSLAKE = str(Path(sys.executable).parent / "newslake")
DATE = pd.ArrowDtype(pa.date32())

SEA_WALL = (
    "We will finish the sea wall before the winter storms arrive, and every family on the"
    " waterfront will be safer for it,"
)
HERALD = (
    "The city council voted on Tuesday to fund a new sea wall along the eastern harbour. "
    "Mayor Helen Okafor said the vote settled a question that had divided the city for years."
    f"\n\n“{SEA_WALL}” Okafor said after the vote.\n\n"
    "Councillor Tom Baker voted against the plan. “The cost has doubled since spring,” Baker said."
)
# the same statement, re-quoted with small edits, by another outlet that names her by surname
POST = (
    "Councillors approved money for a sea wall on the eastern harbour on Tuesday, after Mayor"
    " Okafor spoke for an hour.\n\n“We will finish the sea wall before the winter storms arrive"
    " and every family on the waterfront will be safer,” Okafor told reporters outside the"
    " chamber.\n\nAnna Baker, who runs a ferry company, welcomed the decision."
)
RADIO = (
    "The ferry company said on Thursday that its boats would keep running while the harbour"
    " works go on.\n\n“Nobody will be left on the quay,” Baker said in a statement."
)
RADIO_URL = "https://coastradio.example/ferry-keeps-running"


def _lines(radio: str) -> str:
    items = [
        ("https://harbourherald.example/news/sea-wall-vote", HERALD, "2026-03-03T08:00:00Z"),
        ("https://www.valleypost.example/2026/03/03/sea-wall", POST, "2026-03-03T15:30:00Z"),
        (RADIO_URL, radio, "2026-03-05T10:00:00Z"),
    ]
    names = ("Harbour Herald", "Valley Post", "Coast Radio")
    return "".join(
        json.dumps({"url": u, "title": n, "text": t, "published": p, "source": n}) + "\n"
        for (u, t, p), n in zip(items, names, strict=True)
    )


@pytest.fixture(scope="module")
def views_lake(prefect_api, tmp_path_factory):
    """The samples and the archive copy in one run, then the feed copy in a second run."""
    from flows.nightly import nightly

    base = tmp_path_factory.mktemp("views")
    (base / "archive").mkdir()
    (base / "archive" / "harbour.jsonl").write_text(_lines(RADIO), encoding="utf-8")
    (base / "feed").mkdir()
    changed = RADIO + " The company added a second boat for the morning crossing."
    (base / "feed" / "harbour.jsonl").write_text(_lines(changed), encoding="utf-8")
    settings = Settings(
        lake=str(base / "lake"),
        workers=1,
        sources=[
            SourceConfig(name="samples", kind="folder", path=str(SAMPLES)),
            SourceConfig(name="harbour-archive", kind="folder", path=str(base / "archive")),
            SourceConfig(name="harbour-feed", kind="folder", path=str(base / "feed")),
        ],
    )
    config = write_config(base, settings)
    first = nightly(run_date="2026-11-29", config=config, sources=["samples", "harbour-archive"])
    second = nightly(run_date="2026-11-30", config=config, sources=["harbour-feed"])
    return first, second, str(base / "lake")


def test_types_an_analyst_can_trust(views_lake):
    _, _, root = views_lake
    quotes = read_table("quotes", root=root)
    assert quotes["date"].dtype == DATE
    assert dt.date(2026, 3, 3) in set(quotes["date"]) and dt.date(2024, 9, 3) in set(quotes["date"])
    for col in ("speaker_start", "speaker_end", "cue_start", "start_char"):
        assert quotes[col].dtype == pd.Int32Dtype(), col
    unattributed = quotes[quotes["speaker_text"].isna()]
    assert len(unattributed) > 0 and unattributed["speaker_start"].isna().all()
    assert (quotes["speaker_start"].dropna() >= 0).all()
    runs = read_table("runs", root=root)
    assert runs["articles"].dtype == pd.Int64Dtype() and sorted(runs["articles"]) == [3, 30]
    assert read_table("validations", root=root)["success"].dtype == pd.BooleanDtype()
    with pytest.raises(ValueError, match=r"unknown table 'quote'; tables: articles, mentions"):
        read_table("quote", root=root)
    with pytest.raises(ValueError, match=r"start '2026-3-3' is not a date"):
        read_table("quotes", start="2026-3-3", root=root)


def test_every_table_exists_after_the_first_run(views_lake):
    _, _, root = views_lake
    # no bad input and no web source: quarantine and fetch_log have no rows, but a schema
    for table in ("quarantine", "fetch_log"):
        df = pd.read_parquet(Path(root) / table)
        assert df.empty and "date" in df.columns and "run_id" in df.columns, table
        assert read_table(table, root=root)["date"].dtype == DATE
    assert sorted(p.name for p in (Path(root) / "quarantine").iterdir()) == ["empty.parquet"]
    assert not (Path(root) / "quotes" / "empty.parquet").exists()


def _snippet(path: Path, after: str) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index(after)
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)


def test_the_readme_snippet_runs_as_printed_and_gives_dates(views_lake, monkeypatch, capsys):
    import polars as pl

    _, _, root = views_lake
    code = _snippet(ROOT / "README.md", "Reading it")
    assert "data/lake" in code
    monkeypatch.chdir(Path(root).parent)  # the snippet reads data/lake/: the test's lake
    (Path(root).parent / "data").mkdir(exist_ok=True)
    link = Path(root).parent / "data" / "lake"
    if not link.exists():
        link.symlink_to(root)
    ns: dict = {}
    exec(compile(code, "README.md", "exec"), ns)
    assert ns["quotes"]["date"].dtype == DATE and len(ns["quotes"]) > 0
    assert ns["quotes"]["date"].min() >= dt.date(2024, 1, 1)
    assert [str(t) for t in ns["top"].types] == ["VARCHAR", "BIGINT", "DATE"]
    top = ns["top"].fetchall()
    assert top[0][1] >= top[-1][1] and all(isinstance(r[2], dt.date) for r in top)
    assert ns["titles"].schema["date"] == pl.Date and ns["titles"].height == 30
    assert "speaker_name" in capsys.readouterr().out
    # the data dictionary's snippet too
    ns = {}
    exec(compile(_snippet(ROOT / "docs" / "DATA.md", "Reading:"), "DATA.md", "exec"), ns)
    assert [str(t) for t in ns["per_day"].types] == ["DATE", "BIGINT"]
    assert ns["mentions"].schema["date"] == pl.Date
    assert ns["quotes"]["speaker_start"].dtype == pd.Int32Dtype()


def test_a_url_from_two_sources_keeps_its_first_source(views_lake):
    _, second, root = views_lake
    # all three rewritten in place: one text changed, and each records its second source
    assert second["written"]["articles"] == 3 and second["skipped"] == 0
    arts = read_table("articles", root=root)
    harbour = arts[arts["source"] == "harbour-archive"].set_index("canonical_url")
    assert len(harbour) == 3
    assert harbour["also_sources"].map(list).tolist() == [["harbour-feed"]] * 3
    radio = harbour.loc[RADIO_URL]
    assert radio["text"].endswith("morning crossing.") and radio["date"] == dt.date(2026, 3, 5)
    assert set(arts["source"]) == {"samples", "harbour-archive"}
    samples = arts[arts["source"] == "samples"]
    assert len(samples) == 27 and samples["also_sources"].map(len).eq(0).all()


def test_statements_across_outlets(views_lake, tmp_path):
    _, _, root = views_lake
    view = read_statements(root=root)
    quotes = read_table("quotes", root=root, columns=["quote_id"])
    # every quote is in exactly one statement
    ids = [q for ids in view["quote_ids"] for q in ids]
    assert sorted(ids) == sorted(quotes["quote_id"]) and len(set(ids)) == len(ids)
    top = view.iloc[0]
    assert top["text"] == SEA_WALL
    assert (top["outlets"], top["articles"], top["variants"]) == (2, 2, 2)
    assert list(top["outlet_names"]) == ["harbourherald.example", "valleypost.example"]
    assert (top["first_outlet"], top["first_date"]) == (
        "harbourherald.example",
        dt.date(2026, 3, 3),
    )
    assert (top["speaker_name"], top["speaker_entity_key"]) == (
        "Helen Okafor",
        "person/helen-okafor",
    )
    assert view["outlets"].iloc[1:].eq(1).all()  # the samples share no statement
    out = tmp_path / "statements.csv"
    res = subprocess.run(
        [NEWSLAKE, "statements", "--lake", root, "--min-outlets", "2", "--output", str(out)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"1 rows written to {out}"
    rows = pd.read_csv(out)
    assert rows["outlet_names"].tolist() == ["harbourherald.example;valleypost.example"]
    res = subprocess.run(
        [NEWSLAKE, "statements", "--lake", root, "--start", "2026-03-03", "--end", "2026-03-03"],
        capture_output=True,
        text=True,
    )
    day = read_statements(start="2026-03-03", end="2026-03-03", root=root)
    assert len(day) == 5 and day["first_date"].eq(dt.date(2026, 3, 3)).all()
    assert res.returncode == 0, res.stderr
    assert "statements across articles (5 rows; 5 shown)" in res.stdout
    bad = subprocess.run(
        [NEWSLAKE, "statements", "--lake", root, "--start", "2026-03-40"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--start '2026-03-40' is not a date" in bad.stderr


def test_people_across_articles(views_lake, tmp_path):
    _, _, root = views_lake
    people = read_people(root=root).set_index("entity_key")
    okafor = people.loc["person/helen-okafor"]
    assert okafor["name"] == "Helen Okafor" and okafor["entity_key_how"] == "surname_unique_in_lake"
    assert list(okafor["article_keys"]) == ["person/helen-okafor", "person/okafor"]
    assert {"Helen Okafor", "Okafor"} <= set(okafor["name_variants"])
    assert okafor["articles"] == 2 and okafor["quotes"] >= 3
    assert "person/okafor" not in people.index
    # two Bakers in the lake: "Baker" alone, on the radio, stays apart from both
    assert people.loc["person/baker", "entity_key_how"] == "surname_ambiguous"
    assert people.loc["person/tom-baker", "entity_key_how"] == "article"
    assert people.loc["person/anna-baker", "articles"] == 1
    trump = people.loc["person/donald-trump"]
    assert trump["mentions"] > 20 and trump["first_seen"] < trump["last_seen"]
    assert people["first_seen"].dtype == DATE and people["mentions"].dtype == pd.Int32Dtype()
    mentions = read_mentions(root=root)
    linked = mentions[mentions["article_entity_key"] == "person/okafor"]
    assert len(linked) >= 1 and set(linked["entity_key"]) == {"person/helen-okafor"}
    assert set(linked["entity_key_how"]) == {"surname_unique_in_lake"}
    out = tmp_path / "people.parquet"
    res = subprocess.run(
        [NEWSLAKE, "people", "--lake", root, "--output", str(out)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    stored = pq.read_table(out).to_pandas().set_index("entity_key")
    assert stored.loc["person/helen-okafor", "mentions"] == okafor["mentions"]
