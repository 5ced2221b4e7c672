"""Localised feed dates: our RFC 822 reader against dateparser, on the corpus feeds and on
hand-written cases.

    python -m bench.feed_dates [--corpus ../shared/corpus]

For every item date string of the corpus's RSS, Atom and RDF feeds: what feedparser reads
(the pipeline's first choice), and what each fallback reads. For the hand-written cases
(one per language and trap): how many each gets right. Prints one JSON line per part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import unicodedata
import warnings
from pathlib import Path

import feedparser

from transforms.dates import parse_localised_date

FEED_SUFFIXES = (".rss", ".atom", ".rdf")

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
    """The reader newslake used before dateparser: an RFC 822 feed date whose day and month
    names are not English ("Seg, 24 Set 2018 19:42:40 -0300"); UTC, or None. A time
    without a zone is read as UTC; an unknown zone name is not a date."""
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


# (string, the instant it names in UTC, or None when it names none): written by hand
CASES: list[tuple[str, str | None]] = [
    ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40+00:00"),  # Portuguese
    ("Qua, 03 Jan 2018 10:40:00 +0000", "2018-01-03T10:40:00+00:00"),  # Portuguese
    ("mié, 7 feb 2018 10:00:00 +0100", "2018-02-07T09:00:00+00:00"),  # Spanish
    ("mer., 3 janv. 2018 10:00:00 +0100", "2018-01-03T09:00:00+00:00"),  # French
    ("ven., 6 juil. 2018 10:00 +02:00", "2018-07-06T08:00:00+00:00"),  # French, juil
    ("3 juin 2018 10:00:00 GMT", "2018-06-03T10:00:00+00:00"),  # French, juin
    ("Di, 13 Mär 2018 08:00:00 +0100", "2018-03-13T07:00:00+00:00"),  # German
    ("gio, 4 ott 2018 12:00:00 +0200", "2018-10-04T10:00:00+00:00"),  # Italian
    ("4 mei 2018", "2018-05-04T00:00:00+00:00"),  # Dutch, date only
    ("tis, 13 mars 2018 08:00:00 +0100", "2018-03-13T07:00:00+00:00"),  # Swedish
    ("Вт, 13 мар 2018 08:00:00 +0300", "2018-03-13T05:00:00+00:00"),  # Russian
    ("út, 13 bře 2018 08:00:00 +0100", "2018-03-13T07:00:00+00:00"),  # Czech
    ("pią, 16 lis 2018 09:30:00 +0100", "2018-11-16T08:30:00+00:00"),  # Polish
    ("Cum, 16 Kas 2018 09:30:00 +0300", "2018-11-16T06:30:00+00:00"),  # Turkish
    ("Lun, 05 Mar 2018 10:00:00 CET", "2018-03-05T09:00:00+00:00"),  # a zone name
    ("Wed, 31 Jan 2018 07:26:05 EST", "2018-01-31T12:26:05+00:00"),  # RFC 822 zone name
    ("31 Foo 2018 10:00:00 +0000", None),  # no such month
    ("30 Fev 2018 10:00:00 +0000", None),  # no such day
    ("Set 2018", None),  # no day: not a publication date
    ("ontem", None),  # "yesterday": relative, depends on the clock
    ("há 3 horas", None),  # "3 hours ago": likewise
    ("", None),
]


def item_dates(corpus: Path) -> list[tuple[str, str, dt.datetime | None]]:
    """(feed, raw date string, feedparser's reading) for every item of every feed."""
    out = []
    for path in sorted((corpus / "feeds").iterdir()):
        if not path.name.endswith(FEED_SUFFIXES):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = feedparser.parse(path.read_bytes())
            for entry in parsed.entries:
                raw = entry.get("published") or entry.get("updated")
                if not raw:
                    continue
                st = entry.get("published_parsed") or entry.get("updated_parsed")
                got = dt.datetime(*st[:6], tzinfo=dt.UTC) if st else None
                out.append((path.name, raw, got))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    args = ap.parse_args()
    readers = {"ours": parse_rfc822_localised, "dateparser": parse_localised_date}

    rows = item_dates(args.corpus)
    fallback = [r for r in rows if r[2] is None]
    corpus: dict[str, object] = {
        "items": len(rows),
        "feedparser_read": len(rows) - len(fallback),
        "left_to_the_fallback": len(fallback),
        "fallback_feeds": sorted({r[0] for r in fallback}),
    }
    for name, read in readers.items():
        got = [read(raw) for _, raw, _ in fallback]
        corpus[f"{name}_read"] = sum(g is not None for g in got)
        # where feedparser reads a date too: how many the fallback reads, and reads the same
        both = [(read(raw), fp) for _, raw, fp in rows if fp is not None]
        read_ = [(g, fp) for g, fp in both if g is not None]
        corpus[f"{name}_reads_of_feedparsers"] = f"{len(read_)}/{len(both)}"
        corpus[f"{name}_same_instant_when_read"] = f"{sum(g == fp for g, fp in read_)}"
    a = [parse_rfc822_localised(raw) for _, raw, _ in fallback]
    b = [parse_localised_date(raw) for _, raw, _ in fallback]
    corpus["fallbacks_agree"] = f"{sum(x == y for x, y in zip(a, b, strict=True))}/{len(a)}"
    corpus["disagreements"] = [
        (raw, str(x), str(y)) for (_, raw, _), x, y in zip(fallback, a, b, strict=True) if x != y
    ][:10]
    print(json.dumps({"part": "corpus feeds", **corpus}, ensure_ascii=False))

    cases: dict[str, object] = {"cases": len(CASES)}
    for name, read in readers.items():
        wrong = []
        for value, want in CASES:
            got = read(value)
            if (got.isoformat() if got else None) != want:
                wrong.append(value)
        cases[f"{name}_right"] = len(CASES) - len(wrong)
        cases[f"{name}_wrong"] = wrong
    print(json.dumps({"part": "hand-written cases", **cases}, ensure_ascii=False))


if __name__ == "__main__":
    main()
