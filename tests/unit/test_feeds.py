import gzip

import pytest

from tests.conftest import CORPUS, need_corpus
from transforms.feeds import FeedError, parse_feed, parse_sitemap, parse_url_list

FEEDS = CORPUS / "feeds"


@pytest.mark.parametrize(
    ("name", "count", "first"),
    [
        ("guardian-us-2018-01-31.rss", 55, "https://www.theguardian.com/us-news/2018/jan/31/"),
        (
            "tpm-all-news-2017-11-08.atom",
            20,
            "http://talkingpointsmemo.com/livewire/",
        ),  # relative links
        ("heise-developer-2016-02-01.atom", 15, "http://www.heise.de/developer/meldung/"),
        ("jn-ultimas-2018-01-03.rss", 40, "http://feeds.jn.pt/"),  # ISO-8859-1
        (
            "uol-noticias-2018-09-24.rss",
            15,
            "https://noticias.uol.com.br/",
        ),  # Latin-1, no declaration
        ("science-twis-rss1.rdf", 69, "http://science.sciencemag.org/"),
        ("npr-technology.feed.json", 25, "https://www.npr.org/2021/"),  # JSON Feed
        ("washingtonpost-wellness.rss", 29, "http://feeds.washingtonpost.com/click"),
    ],
)
def test_real_feeds(name, count, first):
    need_corpus()
    found = parse_feed((FEEDS / name).read_bytes(), f"http://127.0.0.1/{name}")
    assert len(found.links) == count
    assert found.links[0].url.startswith(first)
    assert found.links[0].hints.title


def test_feed_hints_carry_dates_and_authors():
    need_corpus()
    link = parse_feed((FEEDS / "guardian-us-2018-01-31.rss").read_bytes(), "http://x/").links[0]
    assert link.hints.published.isoformat() == "2018-01-31T07:26:05+00:00"
    assert link.hints.authors == ("David Smith in Washington",)
    assert link.hints.date_source == "feed" and not link.hints.weak_date


def test_sitemaps_gzip_news_and_lastmod():
    need_corpus()
    plain = parse_sitemap(
        (FEEDS / "hebdenbridgetimes-articles-sitemap.xml").read_bytes(), "http://x/"
    )
    zipped = parse_sitemap(
        (FEEDS / "hebdenbridgetimes-articles-sitemap.xml.gz").read_bytes(), "http://x/"
    )
    assert plain.links == zipped.links and len(plain.links) == 74
    assert plain.links[0].hints.weak_date  # lastmod is not a publication date
    news = parse_sitemap((FEEDS / "shinpaideshou-news-sitemap.xml").read_bytes(), "http://x/")
    assert news.links[0].hints.title == "Job Opening: Reischauer Policy Research Fellow"
    assert news.links[0].hints.published.isoformat() == "2017-04-25T10:00:36+00:00"
    assert not news.links[0].hints.weak_date


def test_sitemap_index_and_cap():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>/a.xml</loc></sitemap><sitemap><loc>https://ex.org/b.xml.gz</loc></sitemap></sitemapindex>"""
    found = parse_sitemap(index, "https://ex.org/sitemap.xml")
    assert (
        found.sitemaps == ("https://ex.org/a.xml", "https://ex.org/b.xml.gz") and found.links == ()
    )
    urls = "".join(f"<url><loc>https://ex.org/{i}</loc></url>" for i in range(30))
    capped = parse_sitemap(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
        "https://ex.org/",
        max_urls=10,
    )
    assert len(capped.links) == 10 and capped.truncated == 20


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>moved</body></html>", "not a sitemap"),
        (b"this is not xml at all <", "not XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset>&b;</urlset>',
            "entities; refused",
        ),
    ],
)
def test_bad_sitemaps_are_clear_errors(body, message):
    with pytest.raises(FeedError, match=message):
        parse_sitemap(body, "http://x/")


def test_bad_feeds_are_clear_errors():
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"<html><body>no feed here</body></html>", "http://x/")
    with pytest.raises(FeedError, match="entities; refused"):
        parse_feed(
            b'<!DOCTYPE r [<!ENTITY x "y">]><rss><channel><item><link>&x;</link></item></channel></rss>',
            "http://x/",
        )
    bomb = gzip.compress(b"<rss>" + b" " * (3 * 1024 * 1024) + b"</rss>")
    with pytest.raises(ValueError, match="more than"):
        parse_feed(bomb, "http://x/", max_bytes=1024 * 1024)
    with pytest.raises(FeedError, match="JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1"}', "http://x/")


def test_url_list():
    found = parse_url_list(
        b"# comment\nhttps://ex.org/a\n\n/b\nhttps://ex.org/a\n", "https://ex.org/list.txt"
    )
    assert [x.url for x in found.links] == ["https://ex.org/a", "https://ex.org/b"]


def test_feed_dates_in_other_languages_are_read():
    need_corpus()
    # UOL's pubDate is RFC 822 with Portuguese names ("Seg, 24 Set 2018 ..."), which
    # feedparser does not read
    links = parse_feed((FEEDS / "uol-noticias-2018-09-24.rss").read_bytes(), "http://x/").links
    assert all(link.hints.published is not None for link in links)
    assert links[0].hints.published.date().isoformat() == "2018-09-24"
    assert links[0].hints.published.utcoffset().total_seconds() == 0
