"""The run report in a real browser: two real runs, their pages and the index opened in
headless Chromium with JavaScript on and every host unresolvable; the figures on the
rendered page are the lake's own, and the page asks the network for nothing."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pandas as pd
import pytest

from flows.adapters.lake import Lake
from tests.unit.test_report import Tables

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--hide-scrollbars",
    # no name resolves: whatever a page asks for fails here, and nothing leaves the machine
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
LONG_TITLE = "expect_column_value_lengths_to_be_between(title)"


def chromium() -> str:
    """Debian's chromium; CI installs it (.ci/run), elsewhere the test skips without it."""
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")


def browse(url: str, tmp: Path, name: str, screenshot: bool = False) -> tuple[str, list[str]]:
    """The DOM after the page's scripts ran, and the http(s) URLs the page asked for
    (read from Chromium's network log: requests made on behalf of a file:// page)."""
    exe = chromium()
    netlog = tmp / f"{name}.netlog.json"
    flags = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp / ('chrome-' + name)}"]
    dom = subprocess.run(
        [*flags, f"--log-net-log={netlog}", "--virtual-time-budget=3000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    if screenshot:
        shot = tmp / f"{name}.png"
        subprocess.run(
            [*flags, "--window-size=1280,2200", f"--screenshot={shot}", url],
            capture_output=True,
            timeout=120,
            check=True,
        )
        assert shot.stat().st_size > 20_000, "the screenshot is (nearly) blank"
    return dom, page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and str(params.get("network_isolation_key", "")).startswith(
            "file://"
        ):
            urls.append(params["url"])
    return urls


def page_of(summary: dict) -> str:
    """The file name of a run's page, from its report URL."""
    return summary["report"].rsplit("/", 1)[-1]


def fmt(n) -> str:
    """A count as the page prints it."""
    return f"{int(n):,}"


def cells(dom: str, table: str) -> list[list[str]]:
    """Body rows of a table of the rendered page (header row dropped; none if it is absent)."""
    return Tables(dom).tables.get(table, [])[1:]


def _write_inputs(folder: Path) -> None:
    folder.mkdir()
    (folder / "pier.txt").write_text(
        "Harbour council votes to rebuild the old pier\n\n"
        "The harbour council of Westmere voted on Monday to rebuild the old pier, ending a "
        "debate that had lasted three years.\n\n"
        "“We have waited long enough for this,” said council chair Orla Brennick. "
        "“The pier is the heart of the town.”\n\n"
        "Local fisherman Tamsin Oduya said the vote was “a relief for every family on the "
        "quay.”\n\nBrennick said work would begin in the spring.\n"
    )
    (folder / "empty.txt").write_text("")
    (folder / "latin1.txt").write_bytes("Café au lait at the town hall.\n".encode("latin-1"))
    lines = [
        {
            "url": "https://news.example.org/ferry",
            "title": "Ferry timetable changes",
            "text": "The island ferry will run twice a day from June, operator Dario Fenn said "
            "on Friday. “Passengers asked for it,” Fenn said.",
        },
        {
            "url": "https://news.example.org/lights",
            "title": "Harbour " * 140,  # longer than the suite's 1,000 characters: quarantined
            "text": "The harbour master said on Monday that the new lights go on next week.",
        },
    ]
    (folder / "dump.jsonl").write_text(
        "\n".join([json.dumps(line) for line in lines] + ["{oops"]) + "\n"
    )


@pytest.fixture(scope="module")
def two_runs(prefect_api, tmp_path_factory):
    """Three nightly runs into one lake: the second reads the same inputs plus one article,
    the third the same as the second, on the same day."""
    from flows.nightly import nightly

    tmp = tmp_path_factory.mktemp("report")
    inputs = tmp / "in"
    _write_inputs(inputs)
    lake = str(tmp / "lake")
    first = nightly(run_date="2026-11-29", lake=lake, workers=1, inputs=[str(inputs)])
    (inputs / "school.txt").write_text(
        "School roof repaired before winter\n\nThe roof of the Westmere primary school was "
        "repaired last week. “The children are warm again,” head teacher Mira Castell said.\n"
    )
    second = nightly(run_date="2026-11-30", lake=lake, workers=1, inputs=[str(inputs)])
    # the same day again: every article unchanged, the same inputs rejected again
    third = nightly(run_date="2026-11-30", lake=lake, workers=1, inputs=[str(inputs)])
    return first, second, third, lake


def run_rows(lake: Lake, table: str, run_id: str) -> pd.DataFrame:
    df = lake.read_table(table)
    return df[df["run_id"] == run_id]


def expected_speakers(lake: Lake, run_id: str) -> list[list[str]]:
    articles = run_rows(lake, "articles", run_id)
    quotes = lake.read_table("quotes")
    mine = quotes[quotes["article_id"].isin(articles["article_id"])]
    mine = mine[mine["speaker_name"].notna() & (mine["attribution"] != "none")]
    counts = mine["speaker_name"].value_counts()
    return sorted([name, fmt(n)] for name, n in counts.items())


def check_page(dom: str, lake: Lake, summary: dict) -> None:
    """The rendered run page against the lake's tables for that run."""
    run_id = summary["run_id"]
    assert 'data-report="ready"' in dom  # the page's script ran to its end
    assert '<th class="n sortable">' in dom  # ... and changed the DOM
    run = run_rows(lake, "runs", run_id).iloc[0]
    assert f">{run['status']}</span>" in dom and run_id in dom
    cards = dict(re.findall(r'<li class="card" id="card-([\w-]+)"><b[^>]*>([\d,]+)</b>', dom))
    for card, column in (
        ("inputs", "inputs"),
        ("articles-written", "articles"),
        ("quotes", "quotes"),
        ("unchanged", "skipped"),
        ("quarantined", "quarantined"),
    ):
        assert cards[card] == fmt(run[column]), card
    # coverage: source x day, as stored
    cov = run_rows(lake, "coverage", run_id).sort_values(["source", "date"])
    columns = (
        "discovered",
        "fetched",
        "failed",
        "skipped",
        "extracted",
        "written",
        "skipped_language",
        "quarantined",
    )
    want = [[r.source, r.date, *(fmt(getattr(r, c)) for c in columns)] for r in cov.itertuples()]
    got = cells(dom, "coverage-table")
    assert want and got[:-1] == want and got[-1][0] == "total"
    assert got[-1][7] == fmt(cov["written"].sum()) == fmt(run["articles"])
    # validation per table: expectations that failed in some batch, with their rows
    val = run_rows(lake, "validations", run_id)
    for row in cells(dom, "validation-table"):
        table = row[0].split()[0]
        mine = val[val["table"] == table]
        failed = mine[~mine["success"]]
        assert row[3] == fmt(mine["expectation"].nunique())
        assert row[5] == fmt(failed["expectation"].nunique())
        unexpected = mine[mine["expectation"].isin(failed["expectation"])]["unexpected_count"]
        assert row[6] == fmt(unexpected.sum())
    assert {r[0].split()[0] for r in cells(dom, "validation-table")} == set(val["table"])
    failing = sorted(r[1] for r in cells(dom, "failing-table")) if not val["success"].all() else []
    assert failing == sorted(set(val[~val["success"]]["expectation"]))
    # top speakers: the quotes of the articles this run wrote
    got_speakers = sorted(r[:2] for r in cells(dom, "speakers-table"))
    assert got_speakers == expected_speakers(lake, run_id)


def test_reports_render_offline_in_chromium_with_the_lakes_figures(two_runs, tmp_path):
    first, second, third, root = two_runs
    lake = Lake(root)
    assert first["status"] == second["status"] == third["status"] == "completed"
    report = Path(root) / "_report"
    pages = {p.name for p in report.glob("run-*.html")}
    assert len(pages) == 3 and second["report"] == (report / page_of(second)).resolve().as_uri()
    assert not (Path(root) / "_docs").exists()  # Data Docs only when validation.data_docs is on

    # the second run, rendered
    dom, requested = browse(second["report"], tmp_path, "second-run", screenshot=True)
    assert requested == []
    check_page(dom, lake, second)
    assert LONG_TITLE in [r[1] for r in cells(dom, "failing-table")]
    assert ["Mira Castell", "1"] in [r[:2] for r in cells(dom, "speakers-table")]
    assert "quarantine-earlier" not in dom

    # the third: its rejects are the second's rows (a quarantine row keeps its first run)
    dom, requested = browse(third["report"], tmp_path, "third-run")
    assert requested == []
    check_page(dom, lake, third)
    assert len(run_rows(lake, "quarantine", third["run_id"])) == 0
    assert f"rejected {third['quarantined']} more input(s)" in dom
    assert third["quarantined"] == 4 and "speakers-table" not in dom

    # the Prefect artifact of each run links its page and the index
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["newslake-nightly"]))
        )
    texts = [str(a.data) for a in artifacts]
    index_uri = (report / "index.html").resolve().as_uri()
    for summary in (first, second, third):
        assert any(
            f"[this run]({summary['report']})" in t and f"[all runs]({index_uri})" in t
            for t in texts
        ), summary["run_id"]

    # the first run's page stays, reachable from the index, with its quarantine reasons
    index, requested = browse((report / "index.html").as_uri(), tmp_path, "index", screenshot=True)
    assert requested == [] and 'data-report="ready"' in index
    rows = cells(index, "runs-table")
    assert [r[2] for r in rows] == ["2026-11-30", "2026-11-30", "2026-11-29"]  # newest first
    hrefs = [href for tag, href in Tables(index).assets if tag == "a"]
    assert hrefs == [page_of(third), page_of(second), page_of(first)]
    assert [r[6] for r in rows] == [fmt(s["written"]["articles"]) for s in (third, second, first)]
    first_url = urljoin((report / "index.html").as_uri(), hrefs[2])
    assert first_url == first["report"]
    dom, requested = browse(first_url, tmp_path, "first-run", screenshot=True)
    assert requested == []
    check_page(dom, lake, first)
    quarantine = run_rows(lake, "quarantine", first["run_id"])
    reasons = {(r[0], r[1]): (r[2], r[3]) for r in cells(dom, "quarantine-table")}
    assert reasons == {
        ("input: extract", "empty text"): ("1", "empty.txt"),
        ("input: decode", "invalid UTF-8 at byte N"): ("1", "latin1.txt"),
        ("input: parse", "not JSON"): ("1", "dump.jsonl:3"),
        ("articles", LONG_TITLE): ("1", "dump.jsonl:2"),
    }
    assert sum(int(n) for n, _ in reasons.values()) == len(quarantine) == first["quarantined"]

    # no page of the report refers to a remote asset
    for page in report.glob("*.html"):
        text = page.read_text()
        refs = [url for _, url in Tables(text).assets]
        refs += re.findall(r"url\(\s*['\"]?([^)'\"]+)", text) + re.findall(r"@import\s+(\S+)", text)
        assert not [u for u in refs if re.match(r"(?i)\s*(https?:)?//", u)], (page, refs)


def test_the_network_check_sees_a_page_that_loads_a_remote_asset(tmp_path):
    """The control: a page with a remote stylesheet and script is caught by page_requests."""
    page = tmp_path / "remote.html"
    page.write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="https://cdn.example.invalid/'
        'x.css"><script src="https://cdn.example.invalid/x.js"></script></head><body>x</body>'
        "</html>"
    )
    _, requested = browse(page.as_uri(), tmp_path, "control")
    assert sorted(requested) == [
        "https://cdn.example.invalid/x.css",
        "https://cdn.example.invalid/x.js",
    ]
