"""Quotation-mark spans on a parsed Doc: which tokens are quoted, where a span ends,
and how spans sit in their paragraphs.

The spans themselves are found on the plain text by `transforms.quotemarks`; this
module ties them to tokens.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc, Token

from transforms.quotemarks import MarkSpan, find_mark_spans, paragraphs


def tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that overlap the characters start..end."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def depth(text_length: int, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """How many of the (start, end) character spans cover each character of a text."""
    delta = np.zeros(text_length + 1, dtype=np.int64)
    if spans:
        starts, ends = zip(*spans, strict=True)
        np.add.at(delta, list(starts), 1)
        np.add.at(delta, list(ends), -1)
    return np.cumsum(delta[:-1])


@dataclass(frozen=True, slots=True)
class Marks:
    """The mark spans of one Doc and the token and paragraph indexes over them."""

    text: str
    spans: list[MarkSpan]
    in_quote: list[bool]  # per token: inside a span (marks included)
    quote_of_token: dict[int, int]  # token index -> index of its span
    paras: list[tuple[int, int]]  # (start, end) of every paragraph
    para_starts: list[int]
    quoted_prefix: np.ndarray  # quoted_prefix[c]: characters before c inside marks

    @classmethod
    def of(cls, doc: Doc, text: str | None = None) -> Marks:
        """The marks of a Doc (text: doc.text, when the caller has it already)."""
        text = doc.text if text is None else text
        spans = find_mark_spans(text)
        in_quote = [False] * len(doc)
        quote_of_token: dict[int, int] = {}
        for n, span in enumerate(spans):
            for tok in tokens_in(doc, span.open_at, span.close_at + 1):
                in_quote[tok.i] = True
                quote_of_token[tok.i] = n
        paras = paragraphs(text)
        inside = depth(len(text), [(s.open_at, min(len(text), s.close_at + 1)) for s in spans])
        prefix = np.concatenate(([0], np.cumsum(inside > 0)))
        starts = [p[0] for p in paras]
        return cls(text, spans, in_quote, quote_of_token, paras, starts, prefix)

    def quoted_between(self, start: int, end: int) -> bool:
        """Some character from start to end lies inside quotation marks."""
        return bool(self.quoted_prefix[end] - self.quoted_prefix[start] > 0)

    def para_of(self, char: int) -> int:
        """Index of the paragraph the character offset is in."""
        return max(0, bisect_right(self.para_starts, char) - 1)

    def after_close(self, span: MarkSpan) -> int:
        """Offset just after the closing mark (two characters for a typewriter '')."""
        return span.close_at + (2 if self.text.startswith("''", span.close_at) else 1)

    def previous_quote_end(self, span: MarkSpan) -> int:
        """Offset after the previous closing mark in the span's paragraph (or its start)."""
        lo, _ = self.paras[span.paragraph]
        end = lo
        for other in self.spans:
            if other.paragraph == span.paragraph and other.close_at < span.open_at:
                end = max(end, self.after_close(other))
        return end

    def ends_sentence(self, span: MarkSpan) -> bool:
        """The quoted text ends with a full stop, '!' or '?'."""
        return self.text[span.start : span.end].rstrip()[-1:] in (".", "!", "?")

    def ends_paragraph(self, span: MarkSpan) -> bool:
        """The quote closes its paragraph: "… she said the plan “will work.”"."""
        _, hi = self.paras[span.paragraph]
        return self.text[min(self.after_close(span), hi) : hi].strip(" .") == ""

    def paragraph_is_quote(self, paragraph: int) -> bool:
        """Most of the paragraph is inside quotation marks."""
        lo, hi = self.paras[paragraph]
        quoted = sum(m.end - m.start for m in self.spans if m.paragraph == paragraph)
        return quoted >= 0.6 * (hi - lo)

    def only_marks_between(self, end: int, span: MarkSpan) -> bool:
        """Nothing but quotation marks, space and punctuation from end to the span."""
        return not any(ch.isalnum() for ch in self.text[end : span.start])
