import datetime as dt

import pytest

from transforms.dates import (
    date_from_url,
    day,
    parse_datetime,
    parse_localised_date,
    plausible,
    run_day,
)

NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-09-03T08:15:00-04:00", dt.datetime(2024, 9, 3, 12, 15, tzinfo=dt.UTC)),
        ("2024-09-03T08:15:00Z", dt.datetime(2024, 9, 3, 8, 15, tzinfo=dt.UTC)),
        ("2024-09-03T08:15:00+0200", dt.datetime(2024, 9, 3, 6, 15, tzinfo=dt.UTC)),
        ("2024-09-03", dt.datetime(2024, 9, 3, tzinfo=dt.UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


def test_plausible_rejects_future_and_before_1990():
    assert plausible(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), NOW)
    assert not plausible(dt.datetime(1989, 12, 31, tzinfo=dt.UTC), NOW)
    assert not plausible(NOW + dt.timedelta(minutes=1), NOW)
    assert not plausible(None, NOW)


def test_date_from_url():
    assert date_from_url("https://x.com/2019/11/19/story") == dt.datetime(
        2019, 11, 19, tzinfo=dt.UTC
    )
    assert date_from_url("https://x.com/news/2023/apr/28/x") is None
    assert date_from_url("https://x.com/2019/13/40/x") is None


def test_run_day_uses_the_configured_timezone():
    late = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)
    assert run_day(None, "UTC", late) == dt.date(2026, 11, 29)
    assert run_day(None, "Asia/Tokyo", late) == dt.date(2026, 11, 30)
    assert run_day("2025-01-02", "UTC", late) == dt.date(2025, 1, 2)
    with pytest.raises(ValueError, match="not YYYY-MM-DD"):
        run_day("02/01/2025", "UTC", late)
    assert day(late) == "2026-11-29"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40+00:00"),  # Portuguese
        ("mié, 7 feb 2018 10:00:00 +0100", "2018-02-07T09:00:00+00:00"),  # Spanish
        ("mer., 3 janv. 2018 10:00:00 +0100", "2018-01-03T09:00:00+00:00"),  # French
        ("ven., 6 juil. 2018 10:00 +02:00", "2018-07-06T08:00:00+00:00"),  # juil is July
        ("3 juin 2018 10:00:00 GMT", "2018-06-03T10:00:00+00:00"),  # juin is June
        ("Di, 13 Mär 2018 08:00:00 +0100", "2018-03-13T07:00:00+00:00"),  # German
        ("gio, 4 ott 2018 12:00:00 +0200", "2018-10-04T10:00:00+00:00"),  # Italian
        ("4 mei 2018", "2018-05-04T00:00:00+00:00"),  # Dutch, date only: midnight UTC
        ("Вт, 13 мар 2018 08:00:00 +0300", "2018-03-13T05:00:00+00:00"),  # Russian
        ("pią, 16 lis 2018 09:30:00 +0100", "2018-11-16T08:30:00+00:00"),  # Polish
        ("Wed, 31 Jan 2018 07:26:05 EST", "2018-01-31T12:26:05+00:00"),  # RFC 822 zone name
        ("31 Foo 2018 10:00:00 +0000", None),
        ("30 Fev 2018 10:00:00 +0000", None),  # no such day
        ("Set 2018", None),  # no day: not filled in from today
        ("ontem", None),  # "yesterday": nothing is read against the clock
        ("", None),
    ],
)
def test_localised_feed_dates(value, expected):
    got = parse_localised_date(value)
    assert (got.isoformat() if got else None) == expected
