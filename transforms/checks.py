"""Derived check columns: cross-column and cross-table facts the suites assert on.

Great Expectations checks one table at a time; whether a quote's offsets
point at its text needs the article. These functions compute such facts as
boolean columns (named with a leading underscore) that the suites in
`expectations/` require to be true. They are never stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from transforms.dates import day

DERIVED: dict[str, tuple[str, ...]] = {
    "articles": ("_text_sha256_ok", "_date_ok"),
    "mentions": ("_span_ok", "_analysed_ok"),
    "quotes": (
        "_quote_span_ok",
        "_speaker_span_ok",
        "_cue_span_ok",
        "_attribution_ok",
        "_co_speakers_ok",
        "_analysed_ok",
    ),
}


def _span_ok(text: str | None, start: Any, end: Any, expected: Any) -> bool:
    if start is None and end is None:
        return expected is None
    if text is None or start is None or end is None or expected is None:
        return False
    return 0 <= int(start) < int(end) <= len(text) and text[int(start) : int(end)] == expected


def article_checks(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[bool]]:
    """_text_sha256_ok and _date_ok for article rows."""
    sha_ok, date_ok = [], []
    for r in rows:
        text = r.get("text")
        sha_ok.append(
            text is not None
            and hashlib.sha256(text.encode("utf-8")).hexdigest() == r.get("text_sha256")
        )
        published = r.get("published_at")
        if r.get("date_source") == "first_seen":
            date_ok.append(True)  # the run date; nothing to compare against here
        else:
            date_ok.append(published is not None and day(published) == r.get("date"))
    return {"_text_sha256_ok": sha_ok, "_date_ok": date_ok}


def mention_checks(
    rows: Sequence[Mapping[str, Any]], texts: Mapping[str, str], analysed: Collection[str]
) -> dict[str, list[bool]]:
    """_span_ok: the mention's offsets point at its text in its article; _analysed_ok: the
    article was analysed by a model for its language (`analysed` ids)."""
    return {
        "_span_ok": [
            _span_ok(texts.get(r["article_id"]), r["start_char"], r["end_char"], r["text"])
            for r in rows
        ],
        "_analysed_ok": [r["article_id"] in analysed for r in rows],
    }


def quote_checks(
    rows: Sequence[Mapping[str, Any]], texts: Mapping[str, str], analysed: Collection[str]
) -> dict[str, list[bool]]:
    """Span checks for quote, speaker and cue, attribution/speaker agreement, and that the
    article was analysed by a model for its language (`analysed` ids)."""
    out: dict[str, list[bool]] = {name: [] for name in DERIVED["quotes"]}
    for r in rows:
        text = texts.get(r["article_id"])
        out["_quote_span_ok"].append(
            _span_ok(text, r["start_char"], r["end_char"], r["quote_text"])
        )
        out["_speaker_span_ok"].append(
            _span_ok(text, r["speaker_start"], r["speaker_end"], r["speaker_text"])
        )
        out["_cue_span_ok"].append(_span_ok(text, r["cue_start"], r["cue_end"], r["cue"]))
        out["_attribution_ok"].append((r["attribution"] == "none") == (r["speaker_start"] is None))
        names, keys = r.get("co_speaker_names") or [], r.get("co_speaker_keys") or []
        out["_co_speakers_ok"].append(
            len(names) == len(keys) and (not names or r["speaker_start"] is not None)
        )
        out["_analysed_ok"].append(r["article_id"] in analysed)
    return out


def source_anomalies(
    current: Mapping[str, Mapping[str, int]],
    history: Mapping[str, Sequence[int]],
    volume_drop: float,
    max_quarantine_rate: float,
    min_history: int = 3,
) -> list[dict[str, Any]]:
    """One row per source with the batch-level checks of the `anomalies` suite.

    current: this run's counts per source (discovered, fetched, quarantined, failed);
    history: documents the source offered (discovered) per earlier run, newest first.
    Volume is what the source offers, new or already known, so a rerun that finds
    nothing new is not a drop.
    """
    rows = []
    for source, counts in sorted(current.items()):
        seen = int(counts.get("discovered", counts.get("fetched", 0)))
        # a feed that answered "not modified" lists nothing new: there is no volume to judge
        unchanged = bool(counts.get("not_modified")) and not seen
        inputs = int(counts.get("fetched", 0)) + int(counts.get("failed", 0))
        before = [int(n) for n in history.get(source, [])]
        median = sorted(before)[len(before) // 2] if before else 0
        rate = counts.get("quarantined", 0) / inputs if inputs else 0.0
        rows.append(
            {
                "source": source,
                "offered": seen,
                "previous_runs": len(before),
                "previous_median": median,
                "quarantine_rate": round(rate, 4),
                "_nonzero_ok": seen > 0 or unchanged or not any(before),
                "_volume_ok": unchanged
                or len(before) < min_history
                or median == 0
                or seen >= volume_drop * median,
                "_quarantine_ok": inputs < 10 or rate <= max_quarantine_rate,
            }
        )
    return rows
