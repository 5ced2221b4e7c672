import datetime as dt
import gzip
import json

import pytest

from tests.conftest import CORPUS, SEED, need_corpus
from transforms.extract import (
    choose_title,
    clean_text,
    decode_html,
    drop_boilerplate_lines,
    extract,
    strip_site_name,
)
from transforms.records import Extracted, Failure, Hints, RawDoc

NOW = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def html_doc(body: bytes, url: str | None = None, declared: str | None = None) -> RawDoc:
    return RawDoc("test", "page.html", body, "text/html", NOW, url=url, declared_encoding=declared)


def text_doc(body: bytes, **hints) -> RawDoc:
    return RawDoc("test", "a.txt", body, "text/plain", NOW, hints=Hints(**hints))


def test_seed_text_is_cleaned_and_kept_whole():
    result = extract(text_doc(SEED.read_bytes()))
    assert isinstance(result, Extracted)
    assert result.text.startswith("UPDATE: In a pivotal announcement")
    assert result.text.endswith("in the weeks to come.")
    assert result.language == "en" and result.date_source is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty text"),
        (b"   \n\n  ", "empty text"),
        (b"caf\xe9 au lait is nice", "invalid UTF-8 at byte 3"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    ],
)
def test_bad_text_inputs_fail_with_a_reason(body, reason):
    result = extract(text_doc(body))
    assert isinstance(result, Failure) and reason in result.reason and "a.txt" in result.reason


def test_html_with_no_article_body_fails():
    page = (
        b"<html><head><title>Nav</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    result = extract(html_doc(page))
    assert isinstance(result, Failure) and "no article body" in result.reason


def test_malformed_html_still_extracts():
    body = " ".join(["The council met on Tuesday and agreed a new budget for the town."] * 8)
    page = (
        f"<html><body><div><p>{body}<p>Second paragraph without closing tags<div></body>".encode()
    )
    result = extract(html_doc(page, url="https://news.example.org/2024/05/06/council"))
    assert isinstance(result, Extracted)
    assert "council met on Tuesday" in result.text
    assert (
        result.published_at == dt.datetime(2024, 5, 6, tzinfo=dt.UTC)
        and result.date_source == "url"
    )


def test_jsonld_date_wins_and_future_dates_are_rejected():
    ld = {
        "@type": "NewsArticle",
        "headline": "Budget agreed",
        "datePublished": "2024-05-06T09:00:00+02:00",
        "author": {"@type": "Person", "name": "Ann Lee"},
    }
    future = {
        "@type": "NewsArticle",
        "headline": "Budget agreed",
        "datePublished": "2031-01-01T00:00:00Z",
    }
    body = "<p>" + " ".join(["The council met on Tuesday and agreed a new budget."] * 10) + "</p>"
    for data, expected, source in (
        (ld, dt.datetime(2024, 5, 6, 7, tzinfo=dt.UTC), "jsonld"),
        (future, None, None),
    ):
        page = f'<html><head><script type="application/ld+json">{json.dumps(data)}</script><meta property="og:title" content="OG title"></head><body><article>{body}</article></body></html>'
        result = extract(html_doc(page.encode()))
        assert isinstance(result, Extracted)
        assert result.published_at == expected and result.date_source == source
        assert result.title == "Budget agreed"
    assert result.authors == ()


def test_decode_html_declared_meta_and_wrong_declarations():
    latin = "<html><head><meta charset='iso-8859-1'></head><body>Jornal de Notícias</body></html>".encode(
        "latin-1"
    )
    text, enc = decode_html(latin)
    assert "Notícias" in text and enc == "cp1252"
    # a page that declares UTF-8 but is Latin-1 still decodes (the declaration is ignored)
    text, enc = decode_html("<p>Notícias</p>".encode("latin-1"), declared="utf-8")
    assert "Not" in text and enc != "utf-8"
    text, enc = decode_html("<p>Ação</p>".encode(), declared="no-such-charset")
    assert "Ação" in text and enc == "utf-8"
    with pytest.raises(ValueError, match="binary"):
        decode_html(b"%PDF-1.7 \x00\x01")


def test_strip_site_name_and_clean_text():
    assert strip_site_name("Budget agreed | The Town Times", ["The Town Times"]) == "Budget agreed"
    assert (
        strip_site_name("A long headline about the budget - BBC News", [])
        == "A long headline about the budget"
    )
    assert clean_text("a\r\n\r\n\r\n\r\nb  c\u00ad") == "a\n\nb c"


def test_page_controls_are_dropped_but_a_sentence_about_them_stays():
    text = (
        "The council met on Monday.\n\nAdvertisement\n\nThe vote was close.\n\n"
        "Thanks for signing up!\nSign up for our free weekly newsletter\n"
        "Comments\n\nSign up for the bus pass with the same email as your library card."
    )
    assert drop_boilerplate_lines(text) == (
        "The council met on Monday.\n\nThe vote was close.\n\n"
        "Sign up for the bus pass with the same email as your library card."
    )


def test_a_real_corpus_page_with_jsonld():
    need_corpus()
    row = next(
        json.loads(line)
        for line in (CORPUS / "manifest.jsonl").open()
        if '"fundus-us-apnews-2024_09_03"' in line
    )
    page = gzip.decompress((CORPUS / row["file"]).read_bytes())
    result = extract(html_doc(page, url=row["url"]))
    assert isinstance(result, Extracted)
    # the visible <h1> ("… brace for an intense sprint …"), which fundus recorded shorter
    assert result.title == "The presidential campaigns brace for an intense sprint to Election Day"
    assert result.published_at.date().isoformat() == row["published"][:10]
    assert result.date_source == "jsonld"
    assert "STEVE PEOPLES" not in result.authors and "Steve Peoples" in result.authors
    assert result.canonical_url.startswith("https://apnews.com/article/")


def test_choose_title_prefers_what_two_sources_agree_on():
    h1 = "Council votes to close the old harbour bridge"
    seo = "Harbour bridge closure: council vote ends decades of debate in Portside"
    # the visible headline stands alone; JSON-LD and <title> agree on another wording
    assert choose_title(h1, [seo, "Council closes bridge", seo + " "]) == seo
    # a tie goes to the visible headline
    assert choose_title(h1, [seo, h1, seo]) == h1
    # no agreement: the <h1> when it is about the same story as the first declared title
    assert choose_title(h1, ["Old harbour bridge to close after council vote", None]) == h1
    # an <h1> about something else (a section banner) loses to the declared title
    assert choose_title("Local news and weather", [seo, None]) == seo
    assert choose_title(None, [None, "Only the og:title"]) == "Only the og:title"
    assert choose_title(None, [None, None]) is None


def test_html_title_from_the_sources_that_agree():
    page = b"""<html><head><title>Ferry strike ends after nine days | Portside Post</title>
    <meta property="og:site_name" content="Portside Post">
    <meta property="og:title" content="Strike over: ferries sail again">
    <script type="application/ld+json">{"@type": "NewsArticle",
      "headline": "Ferry strike ends after nine days"}</script></head>
    <body><article><h1>Ferries are back</h1>
    <p>The ferry crews returned to work on Monday after nine days on strike, the union said.
    Passengers queued from early morning at the terminal to catch the first crossing.</p>
    <p>The operator said timetables would be normal again by the weekend, and that
    tickets bought for cancelled crossings would be refunded in full.</p></article></body></html>"""
    doc = RawDoc("t", "ferry.html", page, "text/html", dt.datetime(2026, 11, 29, tzinfo=dt.UTC))
    result = extract(doc)
    assert isinstance(result, Extracted)
    assert result.title == "Ferry strike ends after nine days"
