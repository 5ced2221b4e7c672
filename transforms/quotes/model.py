"""What the quote finder produces: quotes with their speakers, and speaker mentions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote with its speaker, as character offsets into the Doc text."""

    start: int
    end: int
    quote_type: str  # direct, partial, indirect
    attribution: str  # explicit, pronoun, role, inferred, none
    confidence: float
    sentence_index: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_name: str | None = None
    speaker_key: str | None = None
    speaker_role: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    group_start: int | None = None  # start of the first part of a split or multi-paragraph quote
    speaker_kind: str = "unknown"  # person, organisation, group, document, unknown
    statement_kind: str = "speech"  # speech, or belief (what the source thinks or favours)
    co_speakers: tuple[tuple[str, str], ...] = ()  # (name, entity key) of coordinated speakers


@dataclass(slots=True)
class Speaker:
    """A speaker mention (token offsets) and what it resolves to."""

    start_tok: int
    end_tok: int
    name: str | None
    key: str | None
    role: str | None
    attribution: str
    confidence: float
    co_speakers: tuple[tuple[str, str], ...] = ()


def changed(q: Quote, **changes: Any) -> Quote:
    """A copy of q with some fields changed."""
    return replace(q, **changes)


def group_of(q: Quote) -> int:
    """Start of the first part of the quote q belongs to (its own start when alone)."""
    return q.group_start if q.group_start is not None else q.start
