"""Deterministic ids and URL canonicalisation: the same input always yields the same ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the visitor; they never change the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ocid",
        "cmpid",
        "cmp",
        "s_cid",
        "smid",
        "smtyp",
        "ito",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "_ga",
        "_gl",
        "mbid",
        "sr_share",
        "taid",
        "xtor",
        "feature",
        "share",
        "rss",
        "ref_src",
        "partner",
    }
)
TRACKING_PREFIXES = ("utm_", "wt_", "pk_", "hsa_", "at_", "itm_")


def sha_hex(*parts: str, length: int = 16) -> str:
    """First `length` hex digits of sha256 over the parts joined by a unit separator."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def text_sha256(text: str) -> str:
    """Full hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """Normalise a URL so the same article found twice gets the same key.

    https, lower-case host without `www.` and default port, no fragment, no
    tracking parameters, remaining parameters sorted. Returns None for a
    missing or non-http(s) URL.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit(("https", netloc, path, urlencode(sorted(query)), ""))


def article_id_for(canonical: str | None, text: str) -> str:
    """Article id: from the canonical URL, or the text for sources without URLs."""
    if canonical:
        return sha_hex("url", canonical)
    return sha_hex("text", text)


def span_id(article_id: str, kind: str, start: int, end: int) -> str:
    """Id of a span (mention, quote) from its article and offsets."""
    return sha_hex(article_id, kind, str(start), str(end))


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """Lower-case ASCII slug: 'Emmanuel Macron' -> 'emmanuel-macron'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    s = _SLUG_DROP.sub("-", ascii_name.lower()).strip("-")
    if s:
        return s
    # names in other scripts keep a stable key too
    return "u" + sha_hex(name.casefold(), length=12)


def entity_key(label: str, canonical_name: str) -> str:
    """Stable cross-article key of an entity: 'person/emmanuel-macron'."""
    return f"{label.lower()}/{slug(canonical_name)}"
