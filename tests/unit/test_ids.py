from transforms.ids import article_id_for, canonical_url, entity_key, slug, span_id


def test_canonical_url_normalises_scheme_host_www_tracking_and_fragment():
    url = "HTTP://WWW.Example.com:80/news/a-story?utm_source=rss&id=7&fbclid=x&WT_mc=y#top"
    assert canonical_url(url) == "https://example.com/news/a-story?id=7"


def test_canonical_url_sorts_parameters_and_keeps_real_ports():
    assert (
        canonical_url("https://example.com:8443/p?b=2&a=1") == "https://example.com:8443/p?a=1&b=2"
    )


def test_canonical_url_rejects_non_http():
    assert canonical_url("ftp://example.com/x") is None
    assert canonical_url("not a url") is None
    assert canonical_url(None) is None


def test_article_id_same_url_same_id_and_text_fallback():
    a = article_id_for(canonical_url("https://www.example.com/x?utm_medium=social"), "text one")
    b = article_id_for(canonical_url("http://example.com/x"), "another text")
    assert a == b and len(a) == 16
    assert article_id_for(None, "text one") != article_id_for(None, "text two")


def test_span_id_depends_on_offsets():
    assert span_id("a", "quote", 1, 5) != span_id("a", "quote", 1, 6)
    assert span_id("a", "quote", 1, 5) == span_id("a", "quote", 1, 5)


def test_slug_and_entity_key():
    assert slug("Emmanuel Macron") == "emmanuel-macron"
    assert slug("Zelenskiy’s") == "zelenskiys"
    assert entity_key("PERSON", "Volodymyr Zelenskiy") == "person/volodymyr-zelenskiy"
    assert slug("习近平").startswith("u")  # other scripts still get a stable key
