"""The command line fails fast on bad input, says why in one line, and speaks plainly after a run.

Every bad input below is checked before Prefect or Great Expectations is imported:
the command exits 2 with one line on stderr that names the input (a traceback only
with --debug). The slow test runs the real command twice and checks what its summary
says: the snippet it prints runs, the second run says what it skipped and why.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEWSLAKE = str(Path(sys.executable).parent / "newslake")
SEED = ROOT / "data" / "samples" / "coalition-troops-ukraine.txt"


def newslake(*args: str, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        [NEWSLAKE, *args], capture_output=True, text=True, timeout=120, cwd=cwd or ROOT, env=env
    )


def one_line_exit_2(res, *expected: str) -> str:
    assert res.returncode == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_bad_dates_and_ranges(tmp_path):
    one_line_exit_2(newslake("run", "--date", "2024-13-01"), "--date '2024-13-01'", "YYYY-MM-DD")
    one_line_exit_2(
        newslake("backfill", "--start", "2024-02-01", "--end", "2024-01-01"),
        "newslake backfill: --start 2024-02-01 is after --end 2024-01-01",
    )
    one_line_exit_2(
        newslake("reprocess", "--start", "2024-01-31", "--end", "2024-01-01"),
        "--start 2024-01-31 is after --end 2024-01-01",
    )
    one_line_exit_2(
        newslake("backfill", "--start", "yesterday", "--end", "2024-01-01"), "--start 'yesterday'"
    )


def test_missing_broken_and_unknown_configuration(tmp_path):
    missing = str(tmp_path / "missing.yaml")
    one_line_exit_2(newslake("run", "--config", missing), missing, "not found")
    broken = write(tmp_path / "broken.yaml", "lake: data/lake\nsources: [\n")
    one_line_exit_2(newslake("run", "--config", broken), broken, "not valid YAML (line 3")
    one_line_exit_2(newslake("run", "--config", str(tmp_path)), "cannot read")
    # an unknown key at every level of the configuration
    for text, key in (
        ("lakes: x\n", "'lakes'"),
        ("http:\n  retriez: 3\n", "'http.retriez'"),
        ("validation:\n  max_quarantine: 0.2\n", "'validation.max_quarantine'"),
        (
            "sources:\n  - {name: a, kind: folder, path: ., recursive: true}\n",
            "'sources.0.recursive'",
        ),
    ):
        config = write(tmp_path / "unknown.yaml", text)
        one_line_exit_2(newslake("run", "--config", config), config, f"unknown key {key}")
    for text, problem in (
        ("workers: -1\n", "workers: Input should be greater than or equal to 0"),
        ("timezone: Mars/Olympus\n", "timezone: 'Mars/Olympus' is not a timezone"),
        ("model: no_such_model_xx\n", "model: spaCy model 'no_such_model_xx' is not installed"),
        ("sources:\n  - {name: web, kind: rss, url: 'ftp://x.org/f'}\n", "is not an http(s) URL"),
    ):
        config = write(tmp_path / "bad.yaml", text)
        one_line_exit_2(newslake("run", "--config", config), problem)


def test_paths_and_urls_that_cannot_be_read(tmp_path):
    config = write(
        tmp_path / "newslake.yaml",
        f"lake: {tmp_path / 'lake'}\nsources:\n  - {{name: gone, kind: folder, path: nowhere}}\n",
    )
    one_line_exit_2(
        newslake("run", "--config", config), "source 'gone': path", "nowhere does not exist"
    )
    one_line_exit_2(
        newslake("run", "--source", str(tmp_path / "inbox")), "--source", "inbox does not exist"
    )
    one_line_exit_2(
        newslake("backfill", "--start", "2024-01-01", "--end", "2024-01-02", "--archive", "x.warc"),
        "--archive x.warc does not exist",
    )
    one_line_exit_2(
        newslake("backfill", "--start", "2024-01-01", "--end", "2024-01-02", "--source", "nope"),
        "unknown source(s) nope (configured: samples)",
    )
    one_line_exit_2(newslake("run", "--lake", "nosuch://bucket/lake"), "unknown storage protocol")
    blocker = tmp_path / "afile"
    blocker.write_text("")
    one_line_exit_2(newslake("run", "--lake", str(blocker / "lake")), "is a file, not a folder")
    one_line_exit_2(newslake("serve", "--timezone", "Nowhere/Town"), "--timezone 'Nowhere/Town'")


def test_debug_shows_the_traceback():
    res = newslake("--debug", "run", "--date", "2024-1-1")
    assert res.returncode == 2
    assert "Traceback" in res.stderr and "BadInputError" in res.stderr
    assert res.stderr.strip().splitlines()[-1] == (
        "newslake run: --date '2024-1-1' is not a date (YYYY-MM-DD)"
    )


def test_reading_commands_on_a_lake_that_does_not_exist(tmp_path):
    nowhere = str(tmp_path / "nolake")
    for command in ("stats", "validate", "speakers", "statements", "people"):
        one_line_exit_2(newslake(command, "--lake", nowhere), f"newslake {command}: no lake at")
    one_line_exit_2(
        newslake("reprocess", "--start", "2024-01-01", "--end", "2024-01-02", "--lake", nowhere),
        "no lake at",
    )
    assert not Path(nowhere).exists()  # and nothing was created there


def test_a_date_with_no_partition(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from transforms.schemas import arrow_schema

    lake = tmp_path / "lake"
    part = lake / "articles" / "date=2026-11-29"
    part.mkdir(parents=True)
    pq.write_table(
        pa.Table.from_pylist([], schema=arrow_schema("articles")), part / "part-00000.parquet"
    )
    expected = "no partition dated 2026-11-30 in articles (dates in the lake: 2026-11-29 .. 2026-11-29, 1 day)"
    one_line_exit_2(
        newslake("validate", "--lake", str(lake), "--table", "articles", "--date", "2026-11-30"),
        f"newslake validate: --date: {expected}",
    )
    one_line_exit_2(
        newslake("speakers", "--lake", str(lake), "--date", "2026-11-30"),
        "newslake speakers: --date: no partition dated 2026-11-30 in quotes, articles",
    )
    res = newslake("validate", "--lake", str(lake), "--table", "articles", "--date", "2026-11-29")
    assert res.returncode == 0, res.stdout + res.stderr  # the partition that is there is checked
    assert "1 partitions checked, 0 expectations failed" in res.stdout


# What each bad input's check imports, run the way the console script runs it: Prefect
# and Great Expectations are not among them (a check that started either would cost
# seconds and print their logs).
CHECK = """
import json, sys
from flows.cli import app
sys.argv = ["newslake", *json.loads(sys.argv[1])]
try:
    app()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("prefect", "great_expectations", "spacy") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--date", "2024-13-01"],
        ["backfill", "--start", "2024-02-01", "--end", "2024-01-01"],
        ["run", "--config", "/nonexistent/newslake.yaml"],
        ["run", "--config", "BROKEN"],
        ["run", "--config", "UNKNOWN"],
        ["run", "--source", "/nonexistent/inbox"],
        ["stats", "--lake", "NOLAKE"],
        ["validate", "--lake", "NOLAKE"],
    ],
)
def test_checks_import_neither_prefect_nor_great_expectations(args, tmp_path):
    names = {
        "BROKEN": write(tmp_path / "broken.yaml", "sources: [\n"),
        "UNKNOWN": write(tmp_path / "unknown.yaml", "http: {retriez: 3}\n"),
        "NOLAKE": str(tmp_path / "nolake"),
    }
    argv = [names.get(a, a) for a in args]
    res = subprocess.run(
        [sys.executable, "-c", CHECK, json.dumps(argv)], capture_output=True, text=True, cwd=ROOT
    )
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out == {"code": 2, "heavy": []}, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_prefect_home_is_the_projects_whatever_the_working_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "NEWSLAKE_HOME")}
    code = "from flows.cli.preflight import set_prefect_home as s; import sys; print(s(sys.argv[1] or None))"
    elsewhere = tmp_path / "notebooks"
    elsewhere.mkdir()
    res = subprocess.run(
        [sys.executable, "-c", code, ""], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert res.stdout.strip() == str(ROOT / ".prefect"), res.stderr
    config = write(tmp_path / "newslake.yaml", "lake: lake\n")
    res = subprocess.run(
        [sys.executable, "-c", code, config], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert res.stdout.strip() == str(tmp_path / ".prefect")
    env["PREFECT_HOME"] = str(tmp_path / "mine")
    res = subprocess.run(
        [sys.executable, "-c", code, config], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert res.stdout.strip() == str(tmp_path / "mine")


def test_serve_and_prefect_yaml_schedule_in_the_configured_timezone():
    import yaml

    from flows.cli import serve
    from flows.engine.settings import Settings, load_settings

    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    nightly = deployments["definitions"]["schedules"]["nightly"]
    configured = load_settings(str(ROOT / "newslake.yaml")).timezone
    assert nightly["timezone"] == configured == Settings().timezone == "UTC"
    # serve's --timezone defaults to the configured one
    timezone = next(p for p in inspect.signature(serve).parameters.values() if p.name == "timezone")
    assert timezone.default is None


def test_readme_server_commands_turn_telemetry_off():
    readme = (ROOT / "README.md").read_text()
    block = readme[
        readme.index("prefect server start") - 400 : readme.index("prefect server start")
    ]
    assert "PREFECT_SERVER_ANALYTICS_ENABLED=false" in block and "DO_NOT_TRACK=1" in block


@pytest.mark.slow
def test_a_run_twice_summary_snippet_and_skips(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / SEED.name)
    (inbox / "second.txt").write_text(
        "Ministers met on Tuesday.\n\n"
        '"We will publish the plan next week," the transport minister, Ana Lopez, said.\n'
    )
    project = tmp_path / "project"
    project.mkdir()
    config = write(
        project / "newslake.yaml",
        f"lake: lake\nsources:\n  - {{name: inbox, kind: folder, path: {inbox}}}\n",
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_HOME"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = newslake("run", "--config", config, "--date", "2026-11-29", cwd=elsewhere, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    # Prefect's home is the project's (the config's folder), not the working folder's
    assert (project / ".prefect").is_dir() and not (elsewhere / ".prefect").exists()
    assert "2 articles written" in first.stdout and "skipped" not in first.stdout
    snippet = first.stdout.strip().splitlines()[-1].removeprefix("Open it: ")
    assert snippet.startswith(sys.executable)  # this venv's Python, not whatever `python` is
    opened = subprocess.run(snippet, shell=True, capture_output=True, text=True, cwd=elsewhere)
    assert opened.returncode == 0, opened.stderr
    # the head of the quotes table: its first column, five rows
    assert opened.stdout.split()[0] == "quote_id" and "[5 rows x" in opened.stdout

    again = newslake("run", "--config", config, "--date", "2026-11-29", cwd=elsewhere, env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 articles written, 2 unchanged" in again.stdout
    assert "skipped          2 articles already in the lake with the same text" in again.stdout


@pytest.mark.slow
def test_backfill_summary_shows_its_range_and_skipped_units(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / SEED.name)
    args = ["backfill", "--start", "2025-01-01", "--end", "2030-12-31", "--archive", str(inbox)]
    args += ["--lake", str(tmp_path / "lake")]
    first = newslake(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "for 2025-01-01 .. 2030-12-31, lake at" in first.stdout
    again = newslake(*args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "skipped          1 backfill units whose input is unchanged" in again.stdout


def test_progress_counts_articles_through_nlp_against_what_is_left_to_analyse():
    from flows.cli import _Progress
    from flows.engine import progress

    bars = _Progress()
    bars.started = time.monotonic() - 10  # the run began 10 s ago: rates are over the run
    progress.install(bars)
    try:
        progress.total("documents", 10)
        for _ in range(10):
            progress.advance("documents")
        progress.advance("passed", 3)  # unchanged or failed: they never reach NLP
        progress.advance("articles", 4)
    finally:
        progress.install(None)
    tasks = {t.description: t for t in bars.bar.tasks}
    assert (tasks["read"].completed, tasks["read"].total) == (10, 10)
    assert (tasks["NLP"].completed, tasks["NLP"].total) == (4, 7)
    assert tasks["NLP"].fields["rate"] == "0.4 articles/s"
