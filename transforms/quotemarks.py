"""Quotation-mark spans in plain text: every common mark style, paragraph-aware.

A quote left open at the end of a paragraph is closed there; when the next
paragraph opens with a quotation mark again (the newswire convention for a
quote that runs over several paragraphs) the two parts are linked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# opening mark -> marks that close it
DOUBLE_OPENERS: Final = {
    "\u201c": '\u201d\u201c\u201f"',  # “ … ” (German „ … “ handled below)
    "\u201e": '\u201c\u201d"',  # „ … “ or „ … ”
    "\u201f": '\u201d"',  # ‟ … ”
    "\u00ab": "\u00bb",  # « … »
    "``": "''\u201d\"",  # `` … '' (Penn Treebank)
}
DOUBLE_CLOSERS: Final = frozenset({"\u201d", "\u00bb"})
AMBIGUOUS: Final = frozenset({'"', "\u2033", "''"})  # straight quote, double prime, typewriter ''
SINGLE_OPEN: Final = "\u2018"
SINGLE_AMBIGUOUS: Final = frozenset({"'", "\u2019"})
_MARK = re.compile(r"``|''|[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]")
_SINGLE_MARK = re.compile(r"[\u2018\u2019']")
_OPEN_CONTEXT = "([{\u2014\u2013-/:;,\u00a0"
QUOTE_CHARS: Final = "\"'\u201c\u201d\u2018\u2019\u201e\u201f\u00ab\u00bb\u2033`"


@dataclass(frozen=True, slots=True)
class MarkSpan:
    """Text between an opening mark and its closing mark (marks excluded, whitespace trimmed)."""

    start: int
    end: int
    open_at: int  # offset of the opening mark
    close_at: int  # offset of the closing mark, or the paragraph end when left open
    closed: bool
    paragraph: int
    continues: bool = False  # the next paragraph re-opens this quote
    single: bool = False  # made of single marks


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line: a line is a paragraph in our texts."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _looks_open(text: str, at: int, width: int, lo: int, hi: int) -> bool:
    before = text[at - 1] if at > lo else " "
    after = text[at + width] if at + width < hi else " "
    if after.isspace():
        return False
    return before.isspace() or before in _OPEN_CONTEXT or before in QUOTE_CHARS


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _scan_paragraph(text: str, lo: int, hi: int, index: int) -> list[MarkSpan]:
    spans: list[MarkSpan] = []
    open_at = -1
    open_mark = ""
    for m in _MARK.finditer(text, lo, hi):
        mark, at = m.group(), m.start()
        if open_at < 0:
            if mark in DOUBLE_OPENERS or (
                mark in AMBIGUOUS and _looks_open(text, at, len(mark), lo, hi)
            ):
                open_at, open_mark = at, mark
            # a closing mark with nothing open is stray: ignore it
            continue
        closes = (
            mark in AMBIGUOUS or mark in DOUBLE_CLOSERS or mark in DOUBLE_OPENERS.get(open_mark, "")
        )
        if open_mark in AMBIGUOUS:
            closes = mark in AMBIGUOUS or mark in DOUBLE_CLOSERS
        if mark in DOUBLE_OPENERS and mark != "\u201c" and not closes:
            # a new opening mark while one is open: the first was never closed
            s, e = _trim(text, open_at + len(open_mark), at)
            if e > s:
                spans.append(MarkSpan(s, e, open_at, at, False, index))
            open_at, open_mark = at, mark
            continue
        if closes:
            s, e = _trim(text, open_at + len(open_mark), at)
            if e > s:
                spans.append(MarkSpan(s, e, open_at, at, True, index))
            open_at, open_mark = -1, ""
    if open_at >= 0:
        s, e = _trim(text, open_at + len(open_mark), hi)
        if e > s:
            spans.append(MarkSpan(s, e, open_at, hi, False, index))
    return spans


def _scan_single(text: str, lo: int, hi: int, index: int) -> list[MarkSpan]:
    """Single-mark quotes (‘…’), for texts that use no double marks at all."""
    spans: list[MarkSpan] = []
    open_at = -1
    for m in _SINGLE_MARK.finditer(text, lo, hi):
        at = m.start()
        before = text[at - 1] if at > lo else " "
        after = text[at + 1] if at + 1 < hi else " "
        if before.isalnum() and after.isalnum():
            continue  # apostrophe inside a word
        if open_at < 0:
            if m.group() == SINGLE_OPEN or _looks_open(text, at, 1, lo, hi):
                open_at = at
            continue
        if after.isalnum() or before.isspace():
            continue
        s, e = _trim(text, open_at + 1, at)
        if e > s:
            spans.append(MarkSpan(s, e, open_at, at, True, index, single=True))
        open_at = -1
    return spans


def find_mark_spans(text: str) -> list[MarkSpan]:
    """Every quotation-mark span in the text, in order, with multi-paragraph quotes linked."""
    paras = paragraphs(text)
    use_single = _MARK.search(text) is None
    found: list[list[MarkSpan]] = []
    for index, (lo, hi) in enumerate(paras):
        if use_single:
            found.append(_scan_single(text, lo, hi, index))
        else:
            found.append(_scan_paragraph(text, lo, hi, index))
    out: list[MarkSpan] = []
    for index, spans in enumerate(found):
        for n, span in enumerate(spans):
            last = n == len(spans) - 1
            if not span.closed and last and index + 1 < len(paras):
                nxt_lo, nxt_hi = paras[index + 1]
                head = text[nxt_lo:nxt_hi].lstrip()[:2]
                reopened = bool(head) and (head[0] in QUOTE_CHARS or head == "``")
                if reopened:
                    span = MarkSpan(
                        span.start,
                        span.end,
                        span.open_at,
                        span.close_at,
                        False,
                        index,
                        True,
                        span.single,
                    )
            out.append(span)
    return out
