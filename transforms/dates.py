"""Parsing and sanity checks of publication dates."""

from __future__ import annotations

import datetime as dt
import re

EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?:/|[-_.]|$)"
)


def parse_datetime(value: object) -> dt.datetime | None:
    """An aware UTC datetime from an ISO 8601 string (naive means UTC), else None."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        if _DATE_ONLY.match(s):
            s += "T00:00:00"
        s = s.replace("Z", "+00:00").replace("z", "+00:00")
        # "+0000" offsets without a colon
        s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)
        try:
            parsed = dt.datetime.fromisoformat(s)
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


# Feed dates feedparser cannot read (day and month names not in English) go to dateparser.
# It replaced our own RFC 822 reader of seven languages' month names: on the corpus feeds
# both read the same 15 Portuguese item dates identically, but of 22 hand-written cases
# (bench/feed_dates.py) ours read 16 and dateparser 22: ours knew no Russian, Czech,
# Polish or Turkish months and no zone names (CET, EST), and both refuse impossible days,
# unknown months, dates without a day and relative dates.
# dateparser, pinned so that a result depends on the string alone: absolute dates only (no
# "yesterday" read against the clock), day, month and year all required (no part filled
# in from today), a string without a zone read as UTC (not the machine's zone)
_DATEPARSER_SETTINGS = {
    "PARSERS": ["absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "RELATIVE_BASE": dt.datetime(2000, 1, 1),
}


def parse_localised_date(value: str | None) -> dt.datetime | None:
    """A feed date in any of dateparser's languages ("Вт, 13 мар 2018 08:00:00 +0300");
    UTC, or None when the string names no full date."""
    if not value or not value.strip():
        return None
    import dateparser

    got = dateparser.parse(value.strip(), settings=_DATEPARSER_SETTINGS)
    return got.astimezone(dt.UTC) if isinstance(got, dt.datetime) else None


def plausible(published: dt.datetime | None, fetched_at: dt.datetime) -> bool:
    """A publication date counts only if it is after 1990 and not after the fetch.

    No slack for clock skew: the articles suite asserts published_at <= fetched_at,
    and a date a few minutes ahead falls back to the next signal, which is safe.
    """
    if published is None:
        return False
    return EARLIEST <= published <= fetched_at


def date_from_url(url: str | None) -> dt.datetime | None:
    """A date written in a URL path (/2024/09/03/...), at midnight UTC."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    try:
        return dt.datetime(int(m["y"]), int(m["m"]), int(m["d"]), tzinfo=dt.UTC)
    except ValueError:
        return None


def day(value: dt.datetime) -> str:
    """YYYY-MM-DD of a UTC datetime (the partition value)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d")


def run_day(value: str | dt.date | None, timezone: str, now: dt.datetime) -> dt.date:
    """The day a run covers: the given YYYY-MM-DD, or today in the configured timezone."""
    if isinstance(value, dt.date):
        return value
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"run date {value!r} is not YYYY-MM-DD") from exc
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(timezone)).date()
