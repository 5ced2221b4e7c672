"""Article-level entity reasoning on top of spaCy's NER.

A name tagged PERSON once is that person at every mention ("Macron" after
"Emmanuel Macron"), an entity's label is made consistent across the article,
titles, leading articles and possessives are trimmed off, and every mention
gets the fullest name of its entity and a stable cross-article key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Final

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


def _acronym(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


def _split(doc: Any, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """Parts of a name span: split at commas ("Grace Road, Leicestershire"), without
    trailing numbers ("Somerset 83")."""
    if label not in NAME_LABELS:
        return [(start, end)]
    parts, lo = [], start
    for i in range(start, end):
        if doc[i].text in (",", ";", "|"):
            parts.append((lo, i))
            lo = i + 1
    parts.append((lo, end))
    out = []
    for s, e in parts:
        while e > s and (doc[e - 1].like_num or doc[e - 1].is_digit):
            e -= 1
        if e > s:
            out.append((s, e))
    return out


CALENDAR_WORDS: Final = frozenset(
    """
        january february march april may june july august september october november
        december monday tuesday wednesday thursday friday saturday sunday
    """.split()
)


def resolve_entities(doc: Any) -> list[EntityMention]:
    """Article-consistent entity mentions of a parsed Doc, with canonical names and keys."""
    # token attributes read once: a Doc lookup per access is the slow part on long articles
    texts = [t.text for t in doc]
    folded = [w.casefold() for w in texts]
    pos = [t.pos_ for t in doc]

    def _words(_doc: Any, start: int, end: int) -> tuple[str, ...]:
        return tuple(texts[start:end])

    def _key(_doc: Any, start: int, end: int) -> tuple[str, ...]:
        return tuple(folded[start:end])

    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS and ent.label_ not in NUMERIC_LABELS:
            continue
        for s0, e0 in _split(doc, ent.start, ent.end, ent.label_):
            s, e = _trim(doc, s0, e0, ent.label_)
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

    # a month or weekday alone ("in May", "on Friday") is a date, not a name, unless the
    # article names someone with it as a surname ("Theresa May ... May said")
    spans = [
        (s, e, label)
        for s, e, label in spans
        if not (
            e - s == 1
            and label in NAME_LABELS
            and folded[s] in CALENDAR_WORDS
            and folded[s] not in full_names
        )
    ]

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
    spans = [
        (
            s,
            e,
            "PERSON"
            if label in RELABEL_TO_PERSON and e - s <= 3 and person_name(_words(doc, s, e))
            else label,
        )
        for s, e, label in spans
    ]

    # mentions NER missed: a name tagged elsewhere in the article (any case: headlines are
    # often in capitals), or a known person's surname
    taken = [False] * len(doc)
    for s, e, _ in spans:
        for i in range(s, e):
            taken[i] = True
    known: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s, e, label in spans:
        if label in NAME_LABELS and e - s <= 4:
            known[_key(doc, s, e)][label] += 1
    for surname in full_names:
        known[(surname,)]["PERSON"] += 1
    added: list[tuple[int, int, str]] = []
    i = 0
    while i < len(doc):
        match = None
        for n in (4, 3, 2, 1):
            j = i + n
            if j > len(doc) or any(taken[k] for k in range(i, j)):
                continue
            first, last = texts[i], texts[j - 1]
            if not first[:1].isupper() or not last[:1].isupper():
                continue
            if n == 1 and (len(first) < 2 or (pos[i] != "PROPN" and not first.isupper())):
                continue
            votes = known.get(_key(doc, i, j))
            if votes:
                match = (i, j, votes.most_common(1)[0][0])
                break
        if match:
            added.append(match)
            for k in range(match[0], match[1]):
                taken[k] = True
            i = match[1]
        else:
            i += 1
    spans = sorted(spans + added)

    # one label per name across the article (majority; people keep PERSON)
    votes_by_name: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s, e, label in spans:
        if label in NAME_LABELS:
            votes_by_name[_key(doc, s, e)][label] += 1
    consistent: list[tuple[int, int, str]] = []
    for s, e, label in spans:
        if label in NAME_LABELS and label != "PERSON":
            tally = votes_by_name[_key(doc, s, e)]
            best, count = tally.most_common(1)[0]
            if count > tally[label]:
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
                canonical = join_name(full)
        elif (
            label in {"ORG", "GPE", "LOC", "NORP", "FAC"}
            and len(words) == 1
            and words[0].isupper()
            and len(words[0]) >= 2
        ):
            for long_name in org_names:
                if _acronym(long_name) == words[0] and len(long_name) >= len(words[0]) - 1:
                    canonical = join_name(long_name)
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


def join_name(words: tuple[str, ...]) -> str:
    """Name tokens as written: spaces between words, none around a hyphen the tokenizer
    split off ("Marie", "-", "Claire", "Dubois" -> "Marie-Claire Dubois")."""
    out = ""
    for n, w in enumerate(words):
        glued = n == 0 or w in ("-", "‐", "‑") or words[n - 1] in ("-", "‐", "‑")
        out += w if glued else " " + w
    return out


def _sentence_index(doc: Any) -> list[int]:
    index = [0] * len(doc)
    if not doc.has_annotation("SENT_START"):
        return index
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index
