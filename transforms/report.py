"""The run report: a markdown summary for the Prefect artifact (pure: a dict in, text out)."""

from __future__ import annotations

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


def run_markdown(summary: dict[str, Any], docs_url: str | None = None) -> str:
    """Per-source counts and the top speakers of a run, as a markdown document."""
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
    if docs_url:
        lines += ["", f"Validation results: [Data Docs]({docs_url})"]
    return "\n".join(lines) + "\n"
