"""The run report: a self-contained HTML page per run, an index of runs, the Prefect markdown.

Pure: rows of the lake's own tables (runs, coverage, validations, quarantine, quotes) in,
text out; the flow reads the tables and writes the files. A page loads nothing: its
styles and its one script are inline, it names no remote URL, and its Content-Security-
Policy forbids every fetch, so it looks the same offline, on a laptop, or from an object
store. Its content is in the HTML itself; the script only sorts tables and shows times in
the reader's timezone.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

COLUMNS = (
    "discovered",
    "fetched",
    "failed",
    "skipped",
    "written",
    "skipped_language",
    "quarantined",
)
COVERAGE_COLUMNS = (
    "discovered",
    "fetched",
    "failed",
    "skipped",
    "extracted",
    "written",
    "skipped_language",
    "quarantined",
)
TABLE_ORDER = ("articles", "mentions", "quotes", "raw", "quarantine", "anomalies")
TOP_SPEAKERS = 20
INDEX_PAGE = "index.html"

Row = Mapping[str, Any]


# -- what a page shows ------------------------------------------------------------
@dataclass(frozen=True)
class ExpectationLine:
    """One expectation of one table over all the run's batches."""

    table: str
    expectation: str
    batches: int
    failed_batches: int
    unexpected: int
    elements: int
    observed: str | None  # of the first failing batch, else of the last one

    @property
    def success(self) -> bool:
        """Passed in every batch."""
        return self.failed_batches == 0


@dataclass(frozen=True)
class TableOutcome:
    """A table's validation over the run: its expectations, batches and rows."""

    table: str
    batches: int
    rows: int
    lines: tuple[ExpectationLine, ...]

    @property
    def failed(self) -> tuple[ExpectationLine, ...]:
        """Expectations that failed in at least one batch."""
        return tuple(line for line in self.lines if not line.success)


@dataclass(frozen=True)
class ReasonLine:
    """Quarantined rows that share a reason."""

    table: str  # table the rows were meant for; 'input: <stage>' for unreadable inputs
    reason: str
    count: int
    examples: tuple[str, ...]  # origins of the first few rows


@dataclass(frozen=True)
class SpeakerLine:
    """A speaker of the run's quotes."""

    name: str
    quotes: int
    direct: int
    partial: int
    indirect: int
    articles: int


@dataclass(frozen=True)
class RunReport:
    """Everything one run's page shows, taken from the lake's tables."""

    run: dict[str, Any]
    coverage: tuple[dict[str, Any], ...]
    tables: tuple[TableOutcome, ...]
    reasons: tuple[ReasonLine, ...]
    speakers: tuple[SpeakerLine, ...]
    validation: dict[str, int] = field(default_factory=dict)  # passed / failed outcomes
    quarantine_rows: int = 0  # rows of the quarantine table that carry this run's id


def build_report(
    run: Row,
    coverage: Iterable[Row],
    validations: Iterable[Row],
    quarantine: Iterable[Row],
    quotes: Iterable[Row],
) -> RunReport:
    """The report of one run from its rows: the `runs` row, its `coverage`, `validations`
    and `quarantine` rows, and the `quotes` of the articles it wrote."""
    cov = sorted(
        (
            {
                "source": r["source"],
                "date": r["date"],
                **{c: int(r.get(c) or 0) for c in COVERAGE_COLUMNS},
            }
            for r in coverage
        ),
        key=lambda r: (r["source"], r["date"]),
    )
    vals = list(validations)
    rejected = list(quarantine)
    summary = Counter({"passed": 0, "failed": 0})
    for v in vals:
        summary["passed" if v["success"] else "failed"] += 1
    return RunReport(
        run=dict(run),
        coverage=tuple(cov),
        tables=validation_outcomes(vals),
        reasons=quarantine_reasons(rejected),
        speakers=top_speakers(quotes),
        validation=dict(summary),
        quarantine_rows=len(rejected),
    )


def _batch_order(partition: str) -> tuple[int, str]:
    number = partition.rsplit("-", 1)[-1]
    return (int(number), partition) if number.isdigit() else (0, partition)


def validation_outcomes(validations: Iterable[Row]) -> tuple[TableOutcome, ...]:
    """Per table, each expectation over the run's batches: batches failed, rows unexpected."""
    by_table: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for v in validations:
        by_table[v["table"]][v["expectation"]].append(v)
    out = []
    rank = {t: i for i, t in enumerate(TABLE_ORDER)}
    for table in sorted(by_table, key=lambda t: (rank.get(t, len(rank)), t)):
        lines = []
        rows_per_batch: dict[str, int] = {}
        for name, results in sorted(by_table[table].items()):
            results = sorted(results, key=lambda v: _batch_order(v["partition"]))
            failing = [v for v in results if not v["success"]]
            for v in results:
                part = v["partition"]
                rows_per_batch[part] = max(rows_per_batch.get(part, 0), int(v["element_count"]))
            lines.append(
                ExpectationLine(
                    table=table,
                    expectation=name,
                    batches=len(results),
                    failed_batches=len(failing),
                    unexpected=sum(int(v["unexpected_count"]) for v in results),
                    elements=sum(int(v["element_count"]) for v in results),
                    observed=(failing[0] if failing else results[-1])["observed"],
                )
            )
        lines.sort(key=lambda line: (line.success, line.expectation))
        out.append(
            TableOutcome(table, len(rows_per_batch), sum(rows_per_batch.values()), tuple(lines))
        )
    return tuple(out)


_PAREN_TAIL = re.compile(r"\s*\([^()]*\)\s*$")
_NUMBER = re.compile(r"(?<![\w-])\d+(?![\w-])")  # "byte 6" but not "UTF-8"


def reason_group(reason: str, origin: str) -> str:
    """What a quarantine reason says without the input it names: the origin before it, a
    detail after ': ' or in closing brackets, and numbers go ('x.txt: empty text (0 words)'
    and 'y.txt: empty text (3 words)' are both 'empty text')."""
    text = reason
    for prefix in (f"{origin}: ", f"{origin} "):
        if origin and text.startswith(prefix):
            text = text[len(prefix) :]
            break
    text = text.split(": ", 1)[0]
    text = _PAREN_TAIL.sub("", text)
    return _NUMBER.sub("N", text).strip() or reason


def quarantine_reasons(quarantine: Iterable[Row], examples: int = 3) -> tuple[ReasonLine, ...]:
    """Quarantined rows grouped by reason, most frequent first: a rejected table row counts
    once under each expectation it failed; an unreadable input under its stage and reason."""
    counts: Counter[tuple[str, str]] = Counter()
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in quarantine:
        origin = str(q.get("origin") or "")
        if q["table"] == "input":
            keys = [(f"input: {_stage(q.get('row'))}", reason_group(str(q["reason"]), origin))]
        else:
            failed = list(q.get("failed_expectations") or []) or [str(q["reason"])]
            keys = [(str(q["table"]), str(name)) for name in failed]
        for key in keys:
            counts[key] += 1
            if len(seen[key]) < examples and origin not in seen[key]:
                seen[key].append(origin)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(ReasonLine(t, r, n, tuple(seen[(t, r)])) for (t, r), n in ordered)


def _stage(row_json: Any) -> str:
    try:
        data = json.loads(row_json) if isinstance(row_json, str) else {}
    except ValueError:
        return "unknown"
    stage = data.get("stage") if isinstance(data, dict) else None
    return str(stage) if stage else "unknown"


def top_speakers(quotes: Iterable[Row], n: int = TOP_SPEAKERS) -> tuple[SpeakerLine, ...]:
    """Speakers with the most attributed quotes (the same count as the run summary's)."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    articles: dict[str, set[str]] = defaultdict(set)
    for q in quotes:
        name = q.get("speaker_name")
        if not name or q.get("attribution") == "none":
            continue
        per[name]["quotes"] += 1
        per[name][str(q.get("quote_type"))] += 1
        articles[name].add(str(q.get("article_id")))
    ranked = sorted(per.items(), key=lambda kv: (-kv[1]["quotes"], kv[0]))[:n]
    return tuple(
        SpeakerLine(
            name, c["quotes"], c["direct"], c["partial"], c["indirect"], len(articles[name])
        )
        for name, c in ranked
    )


# -- file names ---------------------------------------------------------------------
def page_name(run_id: str, run_date: str) -> str:
    """The file name of a run's page: its day first, so a listing sorts by day."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", run_id)
    return f"run-{run_date}-{safe}.html"


# -- HTML -----------------------------------------------------------------------------
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

STYLE = """
:root { --fg: #1d232b; --muted: #5b6672; --bg: #ffffff; --panel: #f4f6f8; --line: #d8dee4;
  --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --accent: #0b5cad; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9aa7b4; --bg: #0f1419; --panel: #182029; --line: #2d3843;
    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --accent: #58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 18px; }
nav a, a { color: var(--accent); }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.message { color: var(--muted); margin: 4px 0 12px; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 12px; font-size: 13px;
  font-weight: 600; color: #fff; vertical-align: middle; }
.badge.completed, .badge.passed { background: var(--ok); }
.badge.failed { background: var(--bad); }
.badge.partial, .badge.warning { background: var(--warn); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; padding: 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 14px; min-width: 120px; list-style: none; }
.card b { display: block; font-size: 20px; }
.card span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 14px; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
th.sortable { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 10px; }
th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 10px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
td.bad, .bad { color: var(--bad); font-weight: 600; }
td.ok, .ok { color: var(--ok); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 13px; word-break: break-all; }
.muted { color: var(--muted); }
details { margin: 6px 0 12px; }
summary { cursor: pointer; color: var(--accent); }
footer { color: var(--muted); font-size: 13px; margin-top: 28px; padding-bottom: 24px; }
svg.bars rect { fill: var(--ok); } svg.bars rect.failed { fill: var(--bad); }
svg.bars rect.partial { fill: var(--warn); } svg.bars line { stroke: var(--line); }
figure { margin: 12px 0; }
td.nowrap { white-space: nowrap; }
"""

# Sorts a table by a clicked header (numbers by data-v) and adds the reader's local time to
# each <time>; marks <html data-report="ready"> once done, so a test can see that it ran.
SCRIPT = """
(function () {
  function key(cell) {
    var v = cell.getAttribute('data-v');
    return v === null ? cell.textContent.trim().toLowerCase() : parseFloat(v);
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.classList.add('sortable');
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.querySelectorAll('time[datetime]').forEach(function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d)) { t.title = d.toLocaleString(); }
  });
  document.documentElement.setAttribute('data-report', 'ready');
})();
"""


def esc(value: Any) -> str:
    """Text for HTML, quotes included."""
    return html.escape("" if value is None else str(value), quote=True)


def _num(n: Any, cls: str = "n") -> str:
    value = int(n or 0)
    return f'<td class="{cls}" data-v="{value}">{value:,}</td>'


def _time(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        return esc(value)
    utc = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    iso = utc.isoformat(timespec="seconds").replace("+00:00", "Z")
    return f'<time datetime="{iso}">{utc:%Y-%m-%d %H:%M:%S} UTC</time>'


def _duration(run: Row) -> str:
    start, end = run.get("started_at"), run.get("finished_at")
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
        return ""
    seconds = max(0.0, (end - start).total_seconds())
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{seconds:.1f} s"


def _validation_counts(run: Row) -> dict[str, int]:
    try:
        data = json.loads(run.get("validation") or "{}")
    except ValueError:
        return {}
    return {k: int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def _table(
    table_id: str, heads: Sequence[tuple[str, bool]], rows: Sequence[str], foot: str = ""
) -> str:
    """A sortable table; heads are (label, numeric)."""
    head = "".join(
        f'<th class="n">{esc(h)}</th>' if numeric else f"<th>{esc(h)}</th>" for h, numeric in heads
    )
    tfoot = f"<tfoot>{foot}</tfoot>" if foot else ""
    return (
        f'<table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody>{tfoot}</table>"
    )


def report_html(report: RunReport, older: str | None = None) -> str:
    """The page of one run; `older` is the file name of the previous run's page."""
    run = report.run
    status = str(run.get("status", ""))
    flow = str(run.get("flow", ""))
    date = str(run.get("date", ""))
    nav = [f'<a href="{INDEX_PAGE}">All runs</a>']
    if older:
        nav.append(f'<a href="{esc(older)}" rel="prev">Previous run</a>')
    cards = [
        ("inputs", run.get("inputs")),
        ("articles written", run.get("articles")),
        ("mentions", run.get("mentions")),
        ("quotes", run.get("quotes")),
        ("unchanged", run.get("skipped")),
        ("quarantined", run.get("quarantined")),
        ("expectations passed", report.validation.get("passed", 0)),
        ("expectations failed", report.validation.get("failed", 0)),
    ]
    alarming = {"quarantined", "expectations failed"}
    card_html = "".join(
        f'<li class="card" id="card-{esc(label.replace(" ", "-"))}">'
        f"<b{' class=bad' if label in alarming and v else ''}>{int(v or 0):,}</b>"
        f"<span>{esc(label)}</span></li>"
        for label, v in cards
    )
    parts = [
        f"<header><nav>{' · '.join(nav)}</nav>",
        f"<h1>newslake {esc(flow)} {esc(date)} "
        f'<span class="badge {esc(status)}" id="status">{esc(status)}</span></h1>',
        f'<p class="message" id="message">{esc(run.get("message"))}</p>',
        f'<p class="muted">Run <code id="run-id">{esc(run.get("run_id"))}</code>, started '
        f"{_time(run.get('started_at'))}, took {esc(_duration(run))}.</p></header>",
        "<main>",
        f'<ul class="cards" id="cards">{card_html}</ul>',
        _coverage_section(report),
        _validation_section(report),
        _quarantine_section(report),
        _speakers_section(report),
        "</main>",
        _footer(run),
    ]
    return _page(f"newslake {flow} {date}: {status}", "\n".join(parts))


def _coverage_section(report: RunReport) -> str:
    heads = [("source", False), ("day", False)] + [(c, True) for c in COVERAGE_COLUMNS]
    rows = []
    totals: Counter[str] = Counter()
    for c in report.coverage:
        totals.update({k: c[k] for k in COVERAGE_COLUMNS})
        cells = "".join(
            _num(c[k], "n bad" if k in ("failed", "quarantined") and c[k] else "n")
            for k in COVERAGE_COLUMNS
        )
        rows.append(f"<tr><td>{esc(c['source'])}</td><td>{esc(c['date'])}</td>{cells}</tr>")
    intro = (
        '<p class="muted">Per source and day: inputs count on the run day, articles on their '
        "publication day (so a gap in an archive shows as a day with nothing written).</p>"
    )
    if not rows:
        return f'<section id="coverage"><h2>Coverage</h2>{intro}<p>No inputs.</p></section>'
    foot = (
        '<tr class="total"><td>total</td><td></td>'
        + "".join(_num(totals[k]) for k in COVERAGE_COLUMNS)
        + "</tr>"
    )
    return (
        f'<section id="coverage"><h2>Coverage</h2>{intro}'
        f"{_table('coverage-table', heads, rows, foot)}</section>"
    )


def _validation_section(report: RunReport) -> str:
    heads = [
        ("table", False),
        ("batches", True),
        ("rows checked", True),
        ("expectations", True),
        ("passed", True),
        ("failed", True),
        ("unexpected rows", True),
    ]
    rows = []
    failing: list[ExpectationLine] = []
    for t in report.tables:
        failed = t.failed
        badge = (
            '<span class="badge failed">failed</span>'
            if failed
            else '<span class="badge passed">passed</span>'
        )
        rows.append(
            f'<tr data-table="{esc(t.table)}"><td>{esc(t.table)} {badge}</td>'
            + _num(t.batches)
            + _num(t.rows)
            + _num(len(t.lines))
            + _num(len(t.lines) - len(failed))
            + _num(len(failed), "n bad" if failed else "n")
            + _num(sum(line.unexpected for line in failed), "n bad" if failed else "n")
            + "</tr>"
        )
        failing.extend(failed)
    parts = [
        '<section id="validation"><h2>Validation</h2>',
        '<p class="muted">Every batch of every table is checked by its Great Expectations '
        "suite before it is written; rows that fail a row-level expectation are quarantined, "
        "a batch-level failure keeps the whole batch out.</p>",
    ]
    if not rows:
        parts.append("<p>Nothing was validated.</p></section>")
        return "".join(parts)
    parts.append(_table("validation-table", heads, rows))
    parts.append("<h3>Failing expectations</h3>")
    if failing:
        frows = [
            f"<tr><td>{esc(line.table)}</td><td><code>{esc(line.expectation)}</code></td>"
            + _num(line.failed_batches, "n bad")
            + _num(line.batches)
            + _num(line.unexpected, "n bad")
            + _num(line.elements)
            + f'<td class="mono">{esc(_short(line.observed))}</td></tr>'
            for line in failing
        ]
        fheads = [
            ("table", False),
            ("expectation", False),
            ("failed batches", True),
            ("batches", True),
            ("unexpected rows", True),
            ("rows checked", True),
            ("observed (first failing batch)", False),
        ]
        parts.append(_table("failing-table", fheads, frows))
    else:
        parts.append('<p class="ok" id="no-failures">None: every expectation passed.</p>')
    for t in report.tables:
        arows = [
            f"<tr><td><code>{esc(line.expectation)}</code></td>"
            + (
                '<td class="ok">passed</td>'
                if line.success
                else f'<td class="bad">failed in {line.failed_batches}</td>'
            )
            + _num(line.unexpected)
            + _num(line.elements)
            + f'<td class="mono">{esc(_short(line.observed))}</td></tr>'
            for line in t.lines
        ]
        aheads = [
            ("expectation", False),
            ("result", False),
            ("unexpected rows", True),
            ("rows checked", True),
            ("observed", False),
        ]
        parts.append(
            f"<details><summary>{esc(t.table)}: all {len(t.lines)} expectations</summary>"
            f"{_table(f'expectations-{t.table}', aheads, arows)}</details>"
        )
    parts.append("</section>")
    return "".join(parts)


def _short(observed: str | None, limit: int = 160) -> str:
    if observed is None:
        return "—"
    return observed if len(observed) <= limit else observed[: limit - 1] + "…"


def _quarantine_section(report: RunReport) -> str:
    intro = (
        '<p class="muted">Rows of the <code>quarantine</code> table written by this run, '
        "by reason (a row that failed several expectations counts under each).</p>"
    )
    earlier = int(report.run.get("quarantined") or 0) - report.quarantine_rows
    if earlier > 0:
        # a quarantine row is kept from the first run that rejected it
        intro += (
            f'<p id="quarantine-earlier">This run rejected {earlier:,} more input(s) or row(s) '
            "that an earlier run had already quarantined; their rows keep that run's id and "
            "are listed on its page.</p>"
        )
    if not report.reasons:
        return (
            f'<section id="quarantine"><h2>Quarantine</h2>{intro}'
            '<p class="ok" id="no-quarantine">No new quarantine rows.</p></section>'
        )
    rows = [
        f"<tr><td>{esc(r.table)}</td><td>{esc(r.reason)}</td>"
        + _num(r.count, "n bad")
        + f'<td class="mono">{esc(", ".join(r.examples))}</td></tr>'
        for r in report.reasons
    ]
    heads = [("table or stage", False), ("reason", False), ("rows", True), ("for example", False)]
    return (
        f'<section id="quarantine"><h2>Quarantine</h2>{intro}'
        f"{_table('quarantine-table', heads, rows)}</section>"
    )


def _speakers_section(report: RunReport) -> str:
    intro = (
        '<p class="muted">People with the most attributed quotes in the articles this run '
        "wrote.</p>"
    )
    if not report.speakers:
        return (
            f'<section id="speakers"><h2>Top speakers</h2>{intro}'
            "<p>No attributed quotes.</p></section>"
        )
    rows = [
        f"<tr><td>{esc(s.name)}</td>"
        + _num(s.quotes)
        + _num(s.direct)
        + _num(s.partial)
        + _num(s.indirect)
        + _num(s.articles)
        + "</tr>"
        for s in report.speakers
    ]
    heads = [
        ("speaker", False),
        ("quotes", True),
        ("direct", True),
        ("partial", True),
        ("indirect", True),
        ("articles", True),
    ]
    return (
        f'<section id="speakers"><h2>Top speakers</h2>{intro}'
        f"{_table('speakers-table', heads, rows)}</section>"
    )


def _footer(run: Row) -> str:
    versions = ", ".join(
        f"{label} {esc(run.get(key))}"
        for label, key in (
            ("newslake", "pipeline_version"),
            ("spaCy", "spacy_version"),
            ("model", "model"),
        )
        if run.get(key)
    )
    params = esc(run.get("parameters") or "{}")
    return (
        f"<footer><p>{versions}. Parameters: <code>{params}</code></p>"
        "<p>Written from the lake's <code>runs</code>, <code>coverage</code>, "
        "<code>validations</code>, <code>quarantine</code> and <code>quotes</code> tables "
        "at the end of the run; nothing on this page is fetched from the network.</p></footer>"
    )


def index_html(runs: Sequence[Row], pages: Mapping[str, str], lake: str = "") -> str:
    """The index of runs, newest first; `pages` maps run_id to its page's file name (runs
    without one are listed, unlinked)."""
    ordered = sorted(runs, key=lambda r: (_sort_time(r.get("started_at")), str(r["run_id"])))
    ordered.reverse()
    heads = [
        ("started", False),
        ("flow", False),
        ("day", False),
        ("status", False),
        ("took", False),
        ("inputs", True),
        ("articles", True),
        ("quotes", True),
        ("unchanged", True),
        ("quarantined", True),
        ("failed expectations", True),
        ("report", False),
    ]
    rows = []
    for r in ordered:
        page = pages.get(str(r["run_id"]))
        link = f'<a href="{esc(page)}">open</a>' if page else '<span class="muted">none</span>'
        failed = _validation_counts(r).get("failed", 0)
        status = str(r.get("status", ""))
        started = r.get("started_at")
        rows.append(
            f'<tr data-run="{esc(r["run_id"])}">'
            f'<td class="nowrap" data-v="{_sort_time(started)}">{_time(started)}</td>'
            f'<td>{esc(r.get("flow"))}</td><td class="nowrap">{esc(r.get("date"))}</td>'
            f'<td><span class="badge {esc(status)}">{esc(status)}</span></td>'
            f'<td class="nowrap">{esc(_duration(r))}</td>'
            + _num(r.get("inputs"))
            + _num(r.get("articles"))
            + _num(r.get("quotes"))
            + _num(r.get("skipped"))
            + _num(r.get("quarantined"), "n bad" if r.get("quarantined") else "n")
            + _num(failed, "n bad" if failed else "n")
            + f"<td>{link}</td></tr>"
        )
    where = f" of <code>{esc(lake)}</code>" if lake else ""
    body = [
        f'<header><h1>newslake runs</h1><p class="message">{len(ordered)} run(s){where}, '
        "newest first. Each run's page shows its coverage, validation, quarantine and "
        "speakers.</p></header>",
        "<main>",
        _bars(ordered[::-1]),
        _table("runs-table", heads, rows) if rows else "<p>No runs yet.</p>",
        "</main>",
        "<footer><p>Written from the lake's <code>runs</code> table after each run; nothing "
        "on this page is fetched from the network.</p></footer>",
    ]
    return _page("newslake runs", "\n".join(body))


def _sort_time(value: Any) -> float:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.timestamp()
    return 0.0


def _bars(runs: Sequence[Row], last: int = 60, height: int = 80) -> str:
    """An inline SVG of articles written per run (oldest left), coloured by status."""
    shown = list(runs)[-last:]
    if len(shown) < 2:
        return ""
    top = max(int(r.get("articles") or 0) for r in shown) or 1
    width = 16
    total = len(shown) * width
    bars = [f'<line x1="0" y1="{height}" x2="{total}" y2="{height}"/>']
    for i, r in enumerate(shown):
        n = int(r.get("articles") or 0)
        h = max(1, round((height - 1) * n / top))
        label = f"{r.get('date')} {r.get('flow')}: {n} articles, {r.get('status')}"
        bars.append(
            f'<rect class="{esc(r.get("status"))}" x="{i * width + 1}" y="{height - h}" '
            f'width="{width - 3}" height="{h}"><title>{esc(label)}</title></rect>'
        )
    return (
        '<figure><svg class="bars" role="img" aria-label="articles written per run" '
        f'width="{total}" height="{height + 1}" viewBox="0 0 {total} {height + 1}">'
        f"{''.join(bars)}</svg>"
        f'<figcaption class="muted">Articles written per run, the last {len(shown)} runs '
        f"(most {top:,}).</figcaption></figure>"
    )


# -- the Prefect artifact --------------------------------------------------------------
def run_markdown(summary: dict[str, Any], report_url: str | None = None) -> str:
    """Per-source counts and the top speakers of a run, as a markdown document, with links
    to the run's report page and the index of runs beside it."""
    lines = [
        f"# newslake {summary['flow']} {summary['run_date']}: {summary['status']}",
        "",
        summary["message"],
        "",
        "| source | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for source, counts in sorted(summary.get("per_source", {}).items()):
        lines.append(f"| {source} | " + " | ".join(str(counts.get(c, 0)) for c in COLUMNS) + " |")
    written = summary.get("written", {})
    lines += ["", "Rows written: " + ", ".join(f"{t} {n}" for t, n in written.items()) + "."]
    speakers = summary.get("top_speakers") or []
    if speakers:
        lines += ["", "## Top speakers", "", "| speaker | quotes |", "|---|---:|"]
        lines += [f"| {name} | {n} |" for name, n in speakers]
    failures = summary.get("batch_failures") or []
    if failures:
        lines += ["", "## Validation failures", ""] + [f"- {f}" for f in failures[:20]]
    if report_url:
        index = report_url.rsplit("/", 1)[0] + "/" + INDEX_PAGE
        lines += [
            "",
            "Quality report (coverage, validation, quarantine, top speakers; opens offline): "
            f"[this run]({report_url}) · [all runs]({index})",
        ]
    return "\n".join(lines) + "\n"
