"""Direct and partial quotes: every quotation-mark span of the article, typed, filtered
(titles and names are not statements) and given a speaker by the cue strategies in
order of trust."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Token

from transforms.cues import SPEAKER_PRONOUNS
from transforms.quotemarks import MarkSpan
from transforms.quotes.article import Article
from transforms.quotes.filters import (
    describes_subject,
    headline_with_byline,
    names_a_work,
    title_like,
)
from transforms.quotes.grammar import agrees, in_adverbial_clause_of
from transforms.quotes.model import Quote, Speaker, changed, group_of
from transforms.quotes.outer import Found, outer_source
from transforms.quotes.speakers import inherited, quote_with_speaker, speaker_from
from transforms.quotes.strategies import (
    Settings,
    clause_subject,
    cue_above,
    cue_in_previous_sentence,
    cue_near,
    cue_right_after,
    governing_subject,
    headline_lead,
    linking_complement,
    subject_of_previous_paragraph,
)

_WORD = re.compile(r"\w+")
_SAID = ("said", "says", "say", "added", "wrote", "asked", "told")


@dataclass(slots=True)
class _Progress:
    """What the search has found so far in the article, in text order."""

    done: list[Quote] = field(default_factory=list)
    last_speaker: str | None = None  # entity key of the latest resolved speaker


def quote_type(a: Article, span: MarkSpan, toks: list[Token], n_words: int) -> str:
    """direct: a statement of its own; partial: a fragment inside the reporter's sentence."""
    lo, _ = a.paras[span.paragraph]
    before = a.text[lo : span.open_at].rstrip()
    embedded = bool(before) and (before[-1].isalnum() or before[-1] in ")'\u2019")
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in toks)
    statement = (has_verb and n_words >= 3) or n_words >= 6
    if before and before.split()[-1].lower() in _SAID:
        return "direct" if statement else "partial"
    return "partial" if embedded or not statement else "direct"


def find_direct(a: Article, settings: Settings) -> tuple[list[Quote], str | None]:
    """Every direct or partial quote in text order, and the last speaker's entity key."""
    progress = _Progress()
    quotes: list[Quote] = []
    previous: Quote | None = None
    previous_span: MarkSpan | None = None
    for span in a.marks.spans:
        q = _direct_or_partial(a, settings, progress, span, previous, previous_span)
        if q is None:
            continue
        run_on = (
            previous is not None
            and previous_span is not None
            and previous_span.continues
            and previous_span.paragraph == span.paragraph - 1
        )
        if run_on and previous is not None and q.group_start is None:
            q = changed(q, group_start=group_of(previous))
        quotes.append(q)
        progress.done.append(q)
        previous, previous_span = q, span
        if q.speaker_key:
            progress.last_speaker = q.speaker_key
    if settings.on("group_share"):
        quotes = share_speakers_within_groups(quotes)
    return quotes, progress.last_speaker


def _outer(
    a: Article, settings: Settings, found: Found, span: MarkSpan, paragraph: int | None = None
) -> Found:
    if not settings.on("outer"):
        return found
    return outer_source(a, found[0], found[1], span, paragraph)


def _direct_or_partial(
    a: Article,
    settings: Settings,
    progress: _Progress,
    span: MarkSpan,
    previous: Quote | None,
    previous_span: MarkSpan | None,
) -> Quote | None:
    on = settings.on
    toks = a.tokens_in(span.start, span.end)
    if not toks:
        return None
    words = _WORD.findall(a.text[span.start : span.end])
    if on("titles") and (names_a_work(a, span, words) or headline_with_byline(a, span)):
        return None  # CNN's “New Day”, said on “Meet the Press”: a title, whoever speaks
    qtype = quote_type(a, span, toks, len(words))
    lo, _ = a.paras[span.paragraph]
    opens_paragraph = a.text[lo : span.open_at].strip() == ""
    same_paragraph = previous_span is not None and previous_span.paragraph == span.paragraph
    speaker: Speaker | None = None
    cue: Token | None = None
    group: int | None = None
    last = progress.last_speaker

    above = cue_above(a, toks, span.paragraph) if on("tree") else None
    found: Found | None
    if a.marks.ends_sentence(span):
        # a quote that ends its sentence belongs to the cue that governs it before any
        # cue after it: "X called it “a disaster.” Y wrote …" opens Y's own sentence
        found = above or (cue_right_after(a, span) if on("after") else None)
    else:
        found = cue_right_after(a, span) if on("after") else None
        if found is not None and above is not None:
            if (
                found[1].lower_ in SPEAKER_PRONOUNS
                and above[0].i < toks[0].i
                and agrees(a, above[1], found[1], ("PERSON",))
            ):
                # "X said “…,” she said": the named report before the quote governs it
                found = above
            elif in_adverbial_clause_of(above[0], found[0]):
                # "Where he once boasted that “…,” now he says …": the quote's own
                # report in an adverbial clause of the cue after it is a report of its own
                found = above
        found = found or above
    if found is not None and describes_subject(found, toks):
        found = None
    if (
        on("split")
        and found is None
        and previous is not None
        and same_paragraph
        and previous.cue_start is not None
    ):
        # split quote: “A,” X said. “B” — the cue between the parts speaks for both;
        # "X said: “A.” “B.”" — a quote right after another goes on with its speaker
        between = previous.end <= previous.cue_start < span.open_at
        source: Quote | None = previous
        if not (
            between
            or a.marks.only_marks_between(previous.end, span)
            or _same_sentence(a, previous, toks)
        ):
            # “A,” X said on “Title.” “B” — an earlier quote's cue still stands between
            source = _split_from(progress, a, span)
        if (
            source is not None
            and source.cue_start is not None
            and source.cue_end is not None
            and not _new_cue_between(a, source.cue_start, span)
        ):
            speaker = inherited(a, source, 0.9)
            cue_span = a.doc.char_span(source.cue_start, source.cue_end, alignment_mode="expand")
            cue = cue_span[0] if cue_span is not None and len(cue_span) else None
            group = group_of(source)
    if speaker is None and found is None:
        found = cue_near(a, span) if on("near") else None
        if found is not None and describes_subject(found, toks):
            found = None
        if found is not None:
            cue, subj = _outer(a, settings, found, span)
            speaker = speaker_from(a, subj, last)
            speaker.confidence = min(speaker.confidence, 0.85)
    elif found is not None:
        cue, subj = _outer(a, settings, found, span)
        speaker = speaker_from(a, subj, last)
    is_title = title_like(a, span, words)
    if (
        on("clause_subject")
        and speaker is None
        and found is None
        and qtype == "partial"
        and not is_title
        and same_paragraph
        and previous is not None
        and previous.speaker_start is not None
    ):
        fragment_subject = clause_subject(a, toks, span.paragraph)
        if fragment_subject is not None:
            speaker = speaker_from(a, fragment_subject, last)
            speaker.confidence = min(speaker.confidence, 0.6)
    if speaker is None and (is_title or (qtype == "partial" and len(words) <= 4)):
        return None  # a name, a title or a scare quote, not a statement
    if on("run_on") and speaker is None and previous is not None and previous_span is not None:
        # a quote that runs on over paragraphs, or a quote paragraph after a quoted paragraph
        run_on = previous_span.continues and previous_span.paragraph == span.paragraph - 1
        quote_paragraph = (
            qtype == "direct"
            and opens_paragraph
            and previous_span.paragraph == span.paragraph - 1
            and (
                a.marks.paragraph_is_quote(previous_span.paragraph)
                or a.marks.ends_paragraph(previous_span)
            )
        )
        if quote_paragraph and not run_on:
            # "…” She went on to say:\n“…": a report after the previous quote takes over
            intro = cue_in_previous_sentence(a, span)
            if intro is not None and min(intro[0].idx, intro[1].idx) > previous.end:
                quote_paragraph = False
        if run_on or quote_paragraph:
            speaker = inherited(a, previous, 0.75, "inferred")
            if run_on:
                group = previous.group_start if previous.group_start is not None else previous.start
    if on("previous_sentence") and speaker is None and qtype == "direct":
        found = cue_in_previous_sentence(a, span)
        if found is not None:
            cue, subj = _outer(a, settings, found, span, a.para_of(found[0].idx))
            speaker = speaker_from(a, subj, last)
            if speaker.attribution == "explicit":
                speaker.attribution = "inferred"
            speaker.confidence = min(speaker.confidence, 0.7)
    if on("previous_paragraph") and speaker is None and qtype == "direct" and opens_paragraph:
        subj_tok = subject_of_previous_paragraph(a, span)
        if subj_tok is not None:
            speaker = speaker_from(a, subj_tok, last)
            if speaker.attribution == "explicit":
                speaker.attribution = "inferred"
            speaker.confidence = min(speaker.confidence, 0.5)
    if speaker is None and qtype == "partial" and len(words) <= 6:
        return None
    if speaker is None and on("headline"):
        speaker = headline_lead(a, span)
    if speaker is None and on("governing_subject"):
        found = governing_subject(a, toks, span)
        if found is not None:
            cue, subj = _outer(a, settings, found, span)
            speaker = speaker_from(a, subj, last)
            if speaker.attribution == "explicit":
                speaker.attribution = "inferred"
            speaker.confidence = min(speaker.confidence, 0.5)
    if (
        on("paragraph_speaker")
        and speaker is None
        and previous is not None
        and same_paragraph
        and previous.speaker_start is not None
        and previous.speaker_start < span.open_at
        and not _new_cue_between(a, previous.end, span)
    ):
        # "He concluded, “A.” Indeed, “B.”": a later quote of the paragraph with no
        # report of its own goes on with the speaker of the one before
        speaker = inherited(a, previous, 0.6, "inferred")
    sent_i = a.sent_of[toks[0].i]
    if speaker is None and qtype == "partial" and on("titles") and linking_complement(a, toks):
        return None  # "her cats are “the best”": a title or a scare quote, nobody's words
    if speaker is None:
        return Quote(span.start, span.end, qtype, "none", 0.0, sent_i, group_start=group)
    return quote_with_speaker(span.start, span.end, qtype, sent_i, a, speaker, cue, group)


def _new_cue_between(a: Article, after: int, span: MarkSpan) -> bool:
    """Another speaker is introduced between an earlier cue and the quote:
    "“…,” said X. Y disagreed: “…”"."""
    near = cue_near(a, span)
    if near is not None and near[0].idx > after and near[1].idx > after:
        return True
    # "“…,” X said. She added that …. “…”": a report of its own in the sentence before
    before = cue_in_previous_sentence(a, span)
    return before is not None and before[0].idx > after and before[1].idx > after


def _split_from(progress: _Progress, a: Article, span: MarkSpan) -> Quote | None:
    """The latest earlier quote of the paragraph whose cue stands between it and span."""
    lo, _ = a.paras[span.paragraph]
    for q in reversed(progress.done):
        if q.start < lo:
            return None
        if q.cue_start is not None and q.end <= q.cue_start < span.open_at:
            return q
    return None


def _same_sentence(a: Article, previous: Quote, toks: list[Token]) -> bool:
    """The quote goes on the sentence of the previous quote ("“A” and “B,” she said")."""
    before = a.tokens_in(previous.start, previous.end)
    return bool(before) and a.sent_of[before[-1].i] == a.sent_of[toks[0].i]


def share_speakers_within_groups(quotes: list[Quote]) -> list[Quote]:
    """Parts of one quote (split or over paragraphs) left without a speaker take the
    speaker found for another part ("“…\n“…,” she said." names her only at the end)."""
    by_group: dict[int, Quote] = {}
    for q in quotes:
        if q.speaker_start is not None and group_of(q) not in by_group:
            by_group[group_of(q)] = q
    out = []
    for q in quotes:
        source = by_group.get(group_of(q))
        if q.speaker_start is None and source is not None:
            q = changed(
                q,
                attribution="inferred",
                confidence=min(source.confidence, 0.8),
                speaker_start=source.speaker_start,
                speaker_end=source.speaker_end,
                speaker_name=source.speaker_name,
                speaker_key=source.speaker_key,
                speaker_role=source.speaker_role,
                cue_start=source.cue_start,
                cue_end=source.cue_end,
                speaker_kind=source.speaker_kind,
                statement_kind=source.statement_kind,
                co_speakers=source.co_speakers,
            )
        out.append(q)
    return out
