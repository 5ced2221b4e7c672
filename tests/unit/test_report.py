"""The run report's pure part: rows of the lake's tables in, a page and an index out."""

import datetime as dt
import json
import re
from html.parser import HTMLParser

from transforms.report import (
    build_report,
    index_html,
    page_name,
    quarantine_reasons,
    reason_group,
    report_html,
    run_markdown,
    top_speakers,
    validation_outcomes,
)

T0 = dt.datetime(2026, 11, 29, 6, 0, tzinfo=dt.UTC)


def run_row(run_id="r1", **over):
    row = dict(
        run_id=run_id,
        flow="nightly",
        parameters="{}",
        started_at=T0,
        finished_at=T0 + dt.timedelta(seconds=75),
        status="completed",
        message="3 articles written, 0 unchanged, 2 quarantined",
        inputs=5,
        articles=3,
        mentions=40,
        quotes=6,
        quarantined=2,
        skipped=0,
        validation=json.dumps({"passed": 5, "failed": 1}),
        pipeline_version="0.1.0",
        spacy_version="3.8.18",
        model="m-1",
        date="2026-11-29",
    )
    row.update(over)
    return row


def val(table, partition, expectation, success, unexpected=0, elements=10, observed=None):
    return dict(
        table=table,
        partition=partition,
        expectation=expectation,
        success=success,
        unexpected_count=unexpected,
        element_count=elements,
        observed=observed,
    )


VALIDATIONS = [
    val("articles", "batch-1", "not_null(url)", True, elements=2),
    val("articles", "batch-2", "not_null(url)", True, elements=1),
    val("articles", "batch-1", "lengths(title)", False, 1, 2, '{"unexpected": 1}'),
    val("articles", "batch-2", "lengths(title)", True, 0, 1),
    val("quotes", "batch-1", "in_set(quote_type)", True, elements=6),
    val("anomalies", "run", "volume(source)", True, elements=1),
]

QUARANTINE = [
    dict(
        table="input",
        row=json.dumps({"stage": "extract"}),
        failed_expectations=[],
        reason="a.txt: empty text (0 words)",
        origin="a.txt",
    ),
    dict(
        table="input",
        row=json.dumps({"stage": "extract"}),
        failed_expectations=[],
        reason="b.txt: empty text (2 words)",
        origin="b.txt",
    ),
    dict(
        table="articles",
        row="{}",
        failed_expectations=["lengths(title)", "not_null(url)"],
        reason="articles row x failed: lengths(title), not_null(url)",
        origin="dump.jsonl:4",
    ),
]

QUOTES = [
    dict(article_id="a1", speaker_name="Nora Vell", attribution="explicit", quote_type="direct"),
    dict(article_id="a1", speaker_name="Nora Vell", attribution="pronoun", quote_type="partial"),
    dict(article_id="a2", speaker_name="Nora Vell", attribution="explicit", quote_type="indirect"),
    dict(article_id="a2", speaker_name="Ivo Brandt", attribution="explicit", quote_type="direct"),
    dict(article_id="a2", speaker_name=None, attribution="none", quote_type="direct"),
]

COVERAGE = [
    dict(
        source="feed",
        date="2026-11-29",
        discovered=5,
        fetched=4,
        failed=1,
        skipped=0,
        extracted=2,
        written=2,
        quarantined=1,
    ),
    dict(
        source="feed",
        date="2026-11-28",
        discovered=0,
        fetched=0,
        failed=0,
        skipped=0,
        extracted=1,
        written=1,
        quarantined=1,
    ),
]


class Tables(HTMLParser):
    """The text of every cell of every table, by table id."""

    def __init__(self, page):
        super().__init__()
        self.tables, self._id, self._row, self._cell = {}, None, None, None
        self.assets = []  # every src/href a browser would load or follow
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "srcset", "data", "poster"):
            if attrs.get(name):
                self.assets.append((tag, attrs[name]))
        if tag == "table":
            self._id = attrs.get("id")
            self.tables[self._id] = []
        elif tag == "tr" and self._id:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._id].append(self._row)
            self._row = None
        elif tag == "table":
            self._id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_validation_outcomes_merge_batches_and_put_failures_first():
    (articles, quotes, anomalies) = validation_outcomes(VALIDATIONS)
    assert [t.table for t in (articles, quotes, anomalies)] == ["articles", "quotes", "anomalies"]
    assert (articles.batches, articles.rows) == (2, 3)
    first = articles.lines[0]
    assert first.expectation == "lengths(title)" and not first.success
    assert (first.batches, first.failed_batches, first.unexpected, first.elements) == (2, 1, 1, 3)
    assert first.observed == '{"unexpected": 1}'  # the failing batch's, not the last one's
    assert [line.expectation for line in articles.failed] == ["lengths(title)"]
    assert quotes.failed == ()


def test_quarantine_reasons_group_without_the_input_they_name():
    assert reason_group("a.txt: empty text (0 words)", "a.txt") == "empty text"
    assert reason_group("x.jsonl:3: not JSON (Expecting value at column 1)", "x.jsonl:3") == (
        "not JSON"
    )
    assert reason_group("c.txt: invalid UTF-8 at byte 6", "c.txt") == "invalid UTF-8 at byte N"
    got = [(r.table, r.reason, r.count, r.examples) for r in quarantine_reasons(QUARANTINE)]
    assert got == [
        ("input: extract", "empty text", 2, ("a.txt", "b.txt")),
        ("articles", "lengths(title)", 1, ("dump.jsonl:4",)),
        ("articles", "not_null(url)", 1, ("dump.jsonl:4",)),
    ]


def test_top_speakers_count_attributed_quotes_by_type_and_article():
    (nora, ivo) = top_speakers(QUOTES)
    assert (nora.name, nora.quotes, nora.direct, nora.partial, nora.indirect, nora.articles) == (
        "Nora Vell",
        3,
        1,
        1,
        1,
        2,
    )
    assert (ivo.name, ivo.quotes) == ("Ivo Brandt", 1)


def test_run_page_shows_the_tables_figures():
    report = build_report(run_row(), COVERAGE, VALIDATIONS, QUARANTINE, QUOTES)
    page = report_html(report, older="run-2026-11-28-r0.html")
    tables = Tables(page).tables
    assert tables["coverage-table"][1:] == [
        ["feed", "2026-11-28", "0", "0", "0", "0", "1", "1", "0", "1"],
        ["feed", "2026-11-29", "5", "4", "1", "0", "2", "2", "0", "1"],
        ["total", "", "5", "4", "1", "0", "3", "3", "0", "2"],
    ]
    assert tables["validation-table"][1] == ["articles failed", "2", "3", "2", "1", "1", "1"]
    assert tables["failing-table"][1][:5] == ["articles", "lengths(title)", "1", "2", "1"]
    assert tables["quarantine-table"][1] == ["input: extract", "empty text", "2", "a.txt, b.txt"]
    assert tables["speakers-table"][1] == ["Nora Vell", "3", "1", "1", "1", "2"]
    assert 'href="index.html"' in page and 'href="run-2026-11-28-r0.html"' in page
    assert "quarantine-earlier" not in page  # the run's 2 quarantined are its 3 rows' inputs


def test_run_page_says_when_quarantine_rows_belong_to_an_earlier_run():
    report = build_report(run_row(quarantined=5), COVERAGE, VALIDATIONS, QUARANTINE, QUOTES)
    assert "rejected 2 more input(s)" in report_html(report)


def test_pages_escape_lake_text_and_load_nothing():
    evil = "<script>alert(1)</script>"
    quotes = [dict(article_id="a", speaker_name=evil, attribution="explicit", quote_type="direct")]
    bad = [dict(QUARANTINE[0], reason='a.txt: <img src="https://x.example/p.png">')]
    report = build_report(run_row(message=evil), [], [], bad, quotes)
    page = report_html(report)
    index = index_html([run_row(), run_row("r2", started_at=T0 + dt.timedelta(days=1))], {})
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for html in (page, index):
        assets = Tables(html).assets
        assert all(not re.match(r"(?i)\s*(https?:)?//", url) for _, url in assets)
        assert "default-src 'none'" in html  # the browser refuses every fetch
    assert ("a", "index.html") in Tables(page).assets
    assert '<img src="https://' not in page


def test_index_lists_runs_newest_first_and_links_their_pages():
    runs = [
        run_row("r1"),
        run_row("r2", started_at=T0 + dt.timedelta(days=1), date="2026-11-30", status="failed"),
    ]
    pages = {"r2": page_name("r2", "2026-11-30")}
    rows = Tables(index_html(runs, pages)).tables["runs-table"][1:]
    assert [r[2:4] for r in rows] == [["2026-11-30", "failed"], ["2026-11-29", "completed"]]
    assert rows[0][-1] == "open" and rows[1][-1] == "none"
    assert rows[1][5:11] == ["5", "3", "6", "0", "2", "1"]
    assert page_name("a/b c", "2026-11-30") == "run-2026-11-30-a_b_c.html"


def test_artifact_links_the_run_page_and_the_index():
    summary = dict(
        flow="nightly",
        run_date="2026-11-29",
        status="completed",
        message="ok",
        per_source={"feed": {"discovered": 5, "written": 3}},
        written={"articles": 3},
        top_speakers=[("Nora Vell", 3)],
    )
    md = run_markdown(summary, "file:///lake/_report/run-2026-11-29-r1.html")
    assert "[this run](file:///lake/_report/run-2026-11-29-r1.html)" in md
    assert "[all runs](file:///lake/_report/index.html)" in md
    assert "| feed | 5 | 0 | 0 | 0 | 3 | 0 |" in md and "| Nora Vell | 3 |" in md
    assert "Quality report" not in run_markdown(summary)
