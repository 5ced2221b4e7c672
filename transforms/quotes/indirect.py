"""Reported speech: what a cue outside quotation marks reports ("X warned that …",
"according to X, …"), with its source."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.quotes.article import Article
from transforms.quotes.grammar import according_to, subject
from transforms.quotes.lexicon import OBJECT_XCOMP_CUES, XCOMP_CUES, is_cue
from transforms.quotes.model import Quote
from transforms.quotes.speakers import quote_with_speaker, speaker_from
from transforms.quotes.strategies import Settings

Content = tuple[int, int]  # character offsets


def according_to_content(a: Article, tok: Token) -> tuple[Content, Token] | None:
    """The clause of "according to X" without that phrase, and X (tok is "according")."""
    if tok.lower_ != "according" or tok.head.i == tok.i:
        return None
    obj = according_to(tok.head)
    if obj is None:
        return None
    clause = tok.head
    while clause.dep_ not in ("ROOT", "ccomp", "conj") and clause.head.i != clause.i:
        clause = clause.head
    toks = [t for t in clause.subtree if not (tok.left_edge.i <= t.i <= obj.right_edge.i)]
    while toks and toks[0].is_punct:
        toks = toks[1:]
    while toks and toks[-1].is_punct:
        toks = toks[:-1]
    if len(toks) < 4:
        return None
    return (toks[0].idx, toks[-1].idx + len(toks[-1].text)), obj


def complement_content(a: Article, tok: Token) -> tuple[Content, Token] | None:
    """The complement clause of a cue verb and the cue's subject: "X warned that …",
    "X urged voters to …" (the object is part of what is urged)."""
    if not (is_cue(tok, indirect=True) and tok.pos_ == "VERB"):
        return None
    lemma = tok.lemma_.lower()
    comp = None
    for child in tok.children:
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and lemma in XCOMP_CUES):
            comp = child
            break
    if comp is None:
        return None
    subj = subject(a, tok)
    if subj is None or (subj.i > comp.i and subj.i <= comp.right_edge.i):
        return None
    left = comp.left_edge.i
    if lemma in OBJECT_XCOMP_CUES and comp.dep_ == "xcomp":
        for child in tok.children:
            if child.dep_ in ("dobj", "obj") and child.i < comp.i:
                left = min(left, child.left_edge.i)
    right = comp.right_edge.i
    toks = list(a.doc[left : right + 1])
    while toks and ((toks[0].lower_ == "that" and toks[0].dep_ == "mark") or toks[0].is_punct):
        toks = toks[1:]
    while toks and toks[-1].is_punct and not a.in_quote[toks[-1].i]:
        toks = toks[:-1]
    if len(toks) < 3:
        return None
    return (toks[0].idx, toks[-1].idx + len(toks[-1].text)), subj


def find_indirect(
    a: Article, settings: Settings, direct: list[Quote], last_speaker: str | None
) -> list[Quote]:
    """Reported speech outside the direct quotes already found."""
    covered = [(q.start, q.end) for q in direct]
    out: list[Quote] = []
    used_cues = {q.cue_start for q in direct if q.cue_start is not None}
    for tok in a.doc:
        if a.in_quote[tok.i]:
            continue
        found: tuple[Content, Token] | None = None
        if tok.lower_ == "according" and tok.head.i != tok.i:
            if settings.on("according_to"):
                found = according_to_content(a, tok)
        elif settings.on("indirect_complement"):
            found = complement_content(a, tok)
        if found is None:
            continue
        content, subj = found
        if tok.idx in used_cues and any(s <= content[0] and content[1] <= e for s, e in covered):
            continue
        inside = sum(max(0, min(e, content[1]) - max(s, content[0])) for s, e in covered)
        if inside > 0.5 * (content[1] - content[0]):
            continue  # a direct quote already covers it
        speaker = speaker_from(a, subj, last_speaker)
        out.append(
            quote_with_speaker(
                content[0],
                content[1],
                "indirect",
                a.sent_of[tok.i],
                a,
                speaker,
                tok,
                max_confidence=0.85,
            )
        )
    return out
