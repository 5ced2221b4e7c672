"""Article-level entity reasoning on top of spaCy's NER.

A name tagged PERSON once is that person at every mention ("Macron" after
"Emmanuel Macron"), an entity's label is made consistent across the article,
titles, leading articles and possessives are trimmed off, and every mention
gets the fullest name of its entity and a stable cross-article key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from transforms.cues import TITLE_WORDS
from transforms.ids import entity_key

NAME_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "EVENT",
        "PRODUCT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
RELABEL_TO_PERSON = frozenset(
    {"ORG", "GPE", "NORP", "PRODUCT", "WORK_OF_ART", "FAC", "LOC", "EVENT"}
)
_POSSESSIVE = ("'s", "\u2019s", "'", "\u2019")
_EDGE_PUNCT = set(".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019-\u2014\u2013")


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A named-entity mention after article-level fixes."""

    start: int  # token offsets in the Doc
    end: int
    start_char: int
    end_char: int
    label: str
    text: str
    canonical_name: str
    entity_key: str
    sentence_index: int


def _trim(doc: Any, start: int, end: int, label: str) -> tuple[int, int]:
    """Drop leading 'the', titles (for people), trailing possessives and punctuation."""
    while end - start > 1 and (
        doc[end - 1].text in _POSSESSIVE or doc[end - 1].text in _EDGE_PUNCT
    ):
        end -= 1
    while end - start > 1 and doc[start].text in _EDGE_PUNCT:
        start += 1
    if end - start > 1 and doc[start].lower_ == "the":
        start += 1
    if label == "PERSON":
        while (
            end - start > 1
            and doc[start].lower_.rstrip(".") in {t.rstrip(".") for t in TITLE_WORDS}
            and doc[start + 1].text[:1].isupper()
        ):
            start += 1
    return start, end


def _words(doc: Any, start: int, end: int) -> tuple[str, ...]:
    return tuple(t.text for t in doc[start:end])


def _acronym(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def resolve_entities(doc: Any) -> list[EntityMention]:
    """Article-consistent entity mentions of a parsed Doc, with canonical names and keys."""
    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS and ent.label_ not in {
            "DATE",
            "TIME",
            "PERCENT",
            "MONEY",
            "QUANTITY",
            "ORDINAL",
            "CARDINAL",
        }:
            continue
        s, e = _trim(doc, ent.start, ent.end, ent.label_)
        if any(ch.isalnum() for ch in doc[s:e].text):
            spans.append((s, e, ent.label_))

    # people: full names and their surnames
    full_names: dict[str, tuple[str, ...]] = {}  # surname -> first full name seen
    given_names: dict[str, tuple[str, ...]] = {}
    for s, e, label in spans:
        words = _words(doc, s, e)
        if label == "PERSON" and len(words) >= 2 and words[-1][:1].isupper():
            full_names.setdefault(words[-1].lower(), words)
            given_names.setdefault(words[0].lower(), words)

    def person_name(words: tuple[str, ...]) -> tuple[str, ...] | None:
        if len(words) >= 2:
            known = full_names.get(words[-1].lower())
            if known and known[-len(words) :] == words:
                return known
            return None
        if not words:
            return None
        return full_names.get(words[0].lower())

    # a name known as a person is a person everywhere in the article
    relabelled: list[tuple[int, int, str]] = []
    for s, e, label in spans:
        if label in RELABEL_TO_PERSON and e - s <= 3 and person_name(_words(doc, s, e)):
            label = "PERSON"
        relabelled.append((s, e, label))
    spans = relabelled

    # mentions NER missed: a known person's surname, or a name tagged elsewhere in the article
    taken = [False] * len(doc)
    for s, e, _ in spans:
        for i in range(s, e):
            taken[i] = True
    known_texts: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s, e, label in spans:
        if label in NAME_LABELS:
            known_texts[_words(doc, s, e)][label] += 1
    added: list[tuple[int, int, str]] = []
    for tok in doc:
        if taken[tok.i] or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        words = (tok.text,)
        if tok.text.lower() in full_names and not tok.text.isupper():
            added.append((tok.i, tok.i + 1, "PERSON"))
            taken[tok.i] = True
        elif words in known_texts and len(tok.text) > 1:
            added.append((tok.i, tok.i + 1, known_texts[words].most_common(1)[0][0]))
            taken[tok.i] = True
    spans = sorted(spans + added)

    # one label per name across the article (majority; people keep PERSON)
    votes: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s, e, label in spans:
        if label in NAME_LABELS:
            votes[_words(doc, s, e)][label] += 1
    consistent: list[tuple[int, int, str]] = []
    for s, e, label in spans:
        words = _words(doc, s, e)
        if label in NAME_LABELS and label != "PERSON":
            best, count = votes[words].most_common(1)[0]
            if count > votes[words][label]:
                label = best
        consistent.append((s, e, label))

    # canonical names
    org_names = [
        _words(doc, s, e)
        for s, e, label in consistent
        if label in {"ORG", "GPE", "LOC", "NORP", "FAC"} and e - s >= 2
    ]
    sentence_of = _sentence_index(doc)
    out: list[EntityMention] = []
    last_end = -1
    for s, e, label in consistent:
        if s < last_end:
            continue  # overlapping spans: keep the first
        last_end = e
        words = _words(doc, s, e)
        text = doc[s:e].text
        canonical = text
        if label == "PERSON":
            full = person_name(words)
            if full is None and len(words) == 1:
                full = given_names.get(words[0].lower())
            if full:
                canonical = " ".join(full)
        elif (
            label in {"ORG", "GPE", "LOC", "NORP", "FAC"}
            and len(words) == 1
            and words[0].isupper()
            and len(words[0]) >= 2
        ):
            for long_name in org_names:
                if _acronym(long_name) == words[0] and len(long_name) >= len(words[0]) - 1:
                    canonical = " ".join(long_name)
                    break
        span = doc[s:e]
        out.append(
            EntityMention(
                start=s,
                end=e,
                start_char=span.start_char,
                end_char=span.end_char,
                label=label,
                text=text,
                canonical_name=canonical,
                entity_key=entity_key(label, canonical),
                sentence_index=sentence_of[s],
            )
        )
    return out


def _sentence_index(doc: Any) -> list[int]:
    index = [0] * len(doc)
    if not doc.has_annotation("SENT_START"):
        return index
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index
