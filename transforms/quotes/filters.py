"""Quoted text that is not a statement: titles of works, names, headlines with their
bylines, and a speaker's own descriptive phrase."""

from __future__ import annotations

import re

from spacy.tokens import Token

from transforms.cues import TITLE_INTRODUCERS, WORK_NOUNS
from transforms.quotemarks import MarkSpan
from transforms.quotes.article import Article

# ", by Jane Roe" / " by The Times' Jane Roe" right after a closing mark
_BYLINE = re.compile(r",?\s*by\s+(?:the\s+)?[A-Z]")
_TITLE_SMALL_WORDS = frozenset("a an the of and in on for to at with or from by is".split())


def title_case(words: list[str]) -> bool:
    """Every word capitalised but the small ones ("Meet the Press")."""
    return all(w[:1].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)


def names_a_work(a: Article, span: MarkSpan, words: list[str]) -> bool:
    """A short Title Case phrase owned by someone or appearing 'on' something: a show, a
    book or a programme ("NBC's “Meet the Press,”", "said on “This Week.”"), not a
    statement, even with a speaker near."""
    if not words or len(words) > 6 or not words[0][:1].isupper() or not title_case(words):
        return False
    before = a.text[max(0, span.open_at - 30) : span.open_at].split()
    prev = before[-1] if before else ""
    return prev.endswith(("’s", "'s")) or prev == "on" or prev.strip(",").lower() in WORK_NOUNS


def headline_with_byline(a: Article, span: MarkSpan) -> bool:
    """“Headline of a piece,” by Jane Roe — the title of an article, credited to its
    author, not something the author said."""
    lo, _ = a.paras[span.paragraph]
    before = a.text[lo : span.open_at].rstrip()
    if before and before[-1] not in "—–-:.":
        return False  # not a headline standing on its own: “anointed” by God
    inside = a.text[span.start : span.end].rstrip()
    after_close = a.marks.after_close(span)
    after = a.text[after_close : after_close + 40]
    if not inside.endswith(",") and not after.startswith(","):
        return False
    return _BYLINE.match(after) is not None


def title_like(a: Article, span: MarkSpan, words: list[str]) -> bool:
    """Short Title Case phrases and names introduced as such ('the film “Dune”')."""
    if len(words) > 8:
        return False
    text = a.text[span.start : span.end]
    if text.rstrip()[-1:] in ".!?,":
        return False
    prev_word = a.text[max(0, span.open_at - 20) : span.open_at].split()[-1:] or [""]
    if prev_word[0].lower().strip(",") in TITLE_INTRODUCERS:
        return True
    capitalised = [w for w in words if w[:1].isupper()]
    return len(words) >= 2 and title_case(words) and len(capitalised) >= 2


def describes_subject(found: tuple[Token, Token], toks: list[Token]) -> bool:
    """The quote lies inside the subject's own phrase, away from the cue: "X, author of
    “Title,” said …" names a work of the speaker, it is not what the speaker says."""
    cue, subject = found
    lo, hi = subject.left_edge.i, subject.right_edge.i
    words = [t for t in toks if not t.is_punct] or toks
    return not lo <= cue.i <= hi and lo <= words[0].i and words[-1].i <= hi
