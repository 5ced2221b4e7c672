"""Parsing and sanity checks of publication dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

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


# month names and abbreviations of English, Portuguese, Spanish, French, German, Italian
# and Dutch feeds, by prefix after case and accent folding (longest first: juin/juil)
_MONTH_PREFIXES = (
    ("janv", 1), ("juin", 6), ("juil", 7),
    ("jan", 1), ("ene", 1), ("gen", 1),
    ("fev", 2), ("feb", 2),
    ("mar", 3), ("mrz", 3), ("mrt", 3),
    ("avr", 4), ("abr", 4), ("apr", 4),
    ("mai", 5), ("may", 5), ("mag", 5), ("mei", 5),
    ("jun", 6), ("giu", 6),
    ("jul", 7), ("lug", 7),
    ("aou", 8), ("ago", 8), ("aug", 8),
    ("set", 9), ("sep", 9),
    ("out", 10), ("oct", 10), ("okt", 10), ("ott", 10),
    ("nov", 11),
    ("dez", 12), ("dec", 12), ("dic", 12),
)  # fmt: skip
_RFC822 = re.compile(
    r"^(?:[^\d,]*,\s*)?(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:([+-])(\d{2}):?(\d{2})|(?:GMT|UTC?|Z))?$",
    re.I,
)


def _month(name: str) -> int | None:
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
    )
    return next((n for prefix, n in _MONTH_PREFIXES if folded.startswith(prefix)), None)


def parse_rfc822_localised(value: str | None) -> dt.datetime | None:
    """An RFC 822 feed date whose day and month names are not English
    ("Seg, 24 Set 2018 19:42:40 -0300"); UTC, or None when it is not such a date.
    A time without a zone is read as UTC; an unknown zone name is not a date."""
    if not value:
        return None
    m = _RFC822.match(value.strip())
    if not m:
        return None
    day_, month_name, year, hh, mm, ss, sign, oh, om = m.groups()
    month = _month(month_name)
    if month is None:
        return None
    offset = dt.timedelta(hours=int(oh), minutes=int(om)) if sign else dt.timedelta()
    try:
        local = dt.datetime(
            int(year), month, int(day_), int(hh or 0), int(mm or 0), int(ss or 0),
            tzinfo=dt.timezone(-offset if sign == "-" else offset),
        )  # fmt: skip
    except ValueError:
        return None
    return local.astimezone(dt.UTC)


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
