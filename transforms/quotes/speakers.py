"""From a subject token to a speaker: the mention (name, pronoun or noun phrase) and
what it resolves to (the fullest name in the article, through coreference)."""

from __future__ import annotations

from typing import Final

from spacy.tokens import Token

from transforms.cues import (
    CUE_NOUNS,
    DOCUMENT_NOUNS,
    GROUP_WORDS,
    ORG_ROLE_NOUNS,
    PEOPLE_NOUNS,
    PERSON_ROLE_NOUNS,
    SPEAKER_PRONOUNS,
)
from transforms.quotes.article import Article
from transforms.quotes.coreference import person_in_apposition, role_of
from transforms.quotes.lexicon import (
    POSSESSIVE_PRONOUNS,
    RELATIVE_PRONOUNS,
    SPEAKER_LABELS,
    statement_kind,
)
from transforms.quotes.model import Quote, Speaker


def _first(items: list[str]) -> str | None:
    return items[0] if items else None


def speaker_from(a: Article, head: Token, last_speaker: str | None) -> Speaker:
    """Speaker mention around a subject token, resolved to a name where possible.
    last_speaker: entity key of the latest speaker found, which a pronoun favours."""
    doc = a.doc
    if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
        # "Smith, who said …": the mention is the relative pronoun, its antecedent names it
        antecedent = speaker_from(a, head.head.head, last_speaker)
        antecedent.start_tok, antecedent.end_tok = head.i, head.i + 1
        antecedent.attribution = "pronoun"
        return antecedent
    ent = a.entity_at.get(head.i)
    if ent is None:
        for t in head.subtree:
            m = a.entity_at.get(t.i)
            # "the mayor's spokesman Tom Bell", "President Roe"
            attached = (
                t.head.i == head.i or t.dep_ in ("compound", "appos") or head.dep_ == "compound"
            )
            if m is not None and m.label == "PERSON" and t.i < head.i + 8 and attached:
                ent = m
                break
    if ent is None or ent.label != "PERSON":
        # "said Acme of Canada's chief economist, Jane Roe" (parsed with the company as
        # the subject), "X's director for rates and strategist, Jane Roe, said": the
        # person in apposition after a role word in the subject's phrase speaks
        ent = person_in_apposition(doc, head, a.entity_at) or ent
    if ent is not None and ent.label in SPEAKER_LABELS:
        role = role_of(doc, ent)
        s, e = ent.start, ent.end
        np_start = min(head.left_edge.i, s) if head.i in range(ent.start, ent.end) else s
        if 0 < np_start < s and not doc[np_start - 1].whitespace_:
            np_start = s  # not from the middle of a word ("co-author Jane Roe")
        if np_start < s and all(
            doc[i].dep_ in ("compound", "amod", "det", "poss", "case", "nmod", "punct")
            or doc[i].i in a.entity_at
            for i in range(np_start, s)
        ):
            s = np_start
        others = coordinated_speakers(a, a.entity_root(ent), ent.entity_key)
        return Speaker(s, e, ent.canonical_name, ent.entity_key, role, "explicit", 0.95, others)
    lower = head.lower_
    if head.pos_ == "PRON" or lower in SPEAKER_PRONOUNS or lower in POSSESSIVE_PRONOUNS:
        resolved = a.coref.resolve_pronoun(head.i, last_speaker)
        if resolved:
            key, conf = resolved
            c = a.coref.clusters[key]
            return Speaker(head.i, head.i + 1, c.name, key, _first(c.roles), "pronoun", conf)
        lone = lone_name_before(a, head) if lower in ("he", "she") else None
        if lone is not None:
            m = a.entity_at.get(lone.i)
            name = m.canonical_name if m is not None else lone.text
            lone_key = m.entity_key if m is not None else None
            return Speaker(head.i, head.i + 1, name, lone_key, None, "pronoun", 0.6)
        return Speaker(head.i, head.i + 1, None, None, None, "pronoun", 0.3)
    # a noun phrase: "the minister", "a spokesman for the company", "officials"
    start = head.left_edge.i
    end = head.i + 1
    for child in head.children:
        if (
            child.dep_ == "prep"
            and child.i > head.i
            and child.lower_ in ("for", "of", "at", "with", "from")
        ):
            end = max(end, child.right_edge.i + 1)
    np = doc[start:end]
    determiner = doc[start].lower_
    if determiner in ("the", "this", "that") and head.pos_ == "NOUN":
        resolved = a.coref.resolve_role(head.i, last_speaker)
        if resolved:
            key, conf = resolved
            c = a.coref.clusters[key]
            return Speaker(start, end, c.name, key, np.text, "role", conf)
    name = np.text.strip()
    return Speaker(
        start,
        end,
        name or None,
        None,
        name if head.lemma_.lower() in PERSON_ROLE_NOUNS else None,
        "explicit",
        0.7,
    )


def lone_name_before(a: Article, pronoun: Token, sentences: int = 2) -> Token | None:
    """The one name a he or she can stand for when no person is named nearby: the subject
    of a clause in this or the two sentences before that is a proper noun the tagger did
    not call a person ("Burton explained. “…,” he said." with Burton tagged an
    organisation or nothing). None when there are several such names, or none."""
    s = a.sent_of[pronoun.i]
    found: dict[str, Token] = {}
    for tok in a.doc[: pronoun.i]:
        if s - a.sent_of[tok.i] > sentences or tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        if tok.pos_ != "PROPN" or not tok.is_title or a.in_quote[tok.i]:
            continue
        m = a.entity_at.get(tok.i)
        if m is not None and m.label not in ("ORG", "PERSON"):
            continue  # a place or a nationality is no he
        found.setdefault(m.entity_key if m is not None else tok.lower_, tok)
    return next(iter(found.values())) if len(found) == 1 else None


def coordinated_speakers(a: Article, root: Token, key: str) -> tuple[tuple[str, str], ...]:
    """The other named speakers coordinated with a speaker's name: "said Jane Roe and Tom
    Bell", "Roe, Bell and Acme said" give (name, entity key) of Bell (and Acme)."""
    out: list[tuple[str, str]] = []
    seen = {key}
    todo = [c for c in root.children if c.dep_ == "conj"]
    while todo:
        tok = todo.pop(0)
        m = a.entity_at.get(tok.i)
        if m is not None and m.label in ("PERSON", "ORG") and m.entity_key not in seen:
            seen.add(m.entity_key)
            out.append((m.canonical_name, m.entity_key))
            todo.extend(c for c in a.entity_root(m).children if c.dep_ == "conj")
    return tuple(out)


def inherited(
    a: Article, previous: Quote, confidence: float, attribution: str | None = None
) -> Speaker | None:
    """The speaker of an earlier quote, for a quote that goes on with it."""
    if previous.speaker_start is None or previous.speaker_end is None:
        return None
    toks = a.tokens_in(previous.speaker_start, previous.speaker_end)
    if not toks:
        return None
    return Speaker(
        toks[0].i,
        toks[-1].i + 1,
        previous.speaker_name,
        previous.speaker_key,
        previous.speaker_role,
        attribution or previous.attribution,
        min(previous.confidence, confidence),
        previous.co_speakers,
    )


def quote_with_speaker(
    start: int,
    end: int,
    quote_type: str,
    sentence_index: int,
    a: Article,
    speaker: Speaker | None,
    cue: Token | None,
    group: int | None = None,
    max_confidence: float = 1.0,
    cue_chars: tuple[int, int] | None = None,
) -> Quote:
    """A quote row for a span and its speaker, if any (cue_chars: the cue's words, when
    more than the cue token)."""
    if cue_chars is None and cue is not None:
        cue_chars = (cue.idx, cue.idx + len(cue.text))
    if speaker is None:
        return Quote(
            start=start,
            end=end,
            quote_type=quote_type,
            attribution="none",
            confidence=0.0,
            sentence_index=sentence_index,
            cue_start=cue_chars[0] if cue_chars is not None else None,
            cue_end=cue_chars[1] if cue_chars is not None else None,
            group_start=group,
            statement_kind=statement_kind(cue),
        )
    s_span = a.doc[speaker.start_tok : speaker.end_tok]
    return Quote(
        start=start,
        end=end,
        quote_type=quote_type,
        attribution=speaker.attribution,
        confidence=round(min(speaker.confidence, max_confidence), 2),
        sentence_index=sentence_index,
        speaker_start=s_span.start_char,
        speaker_end=s_span.end_char,
        speaker_name=speaker.name,
        speaker_key=speaker.key,
        speaker_role=speaker.role,
        cue_start=cue_chars[0] if cue_chars is not None else None,
        cue_end=cue_chars[1] if cue_chars is not None else None,
        group_start=group,
        speaker_kind=speaker_kind(a, speaker),
        statement_kind=statement_kind(cue),
        co_speakers=speaker.co_speakers,
    )


SPEAKER_KINDS: Final = ("person", "organisation", "group", "document", "unknown")
_LABEL_KINDS: Final = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "organisation",
    "NORP": "group",
}
_PRONOUN_KINDS: Final = {"he": "person", "she": "person", "i": "person", "we": "group"}
_PLURAL_TAGS: Final = frozenset({"NNS", "NNPS"})


def speaker_kind(a: Article, speaker: Speaker | None) -> str:
    """What kind of source speaks: a person, an organisation (a company, a campaign, an
    agency, a government), a group of people ("voters", "60 percent"), a document (a
    poll, a report, a ruling, a statement) or unknown."""
    if speaker is None:
        return "unknown"
    if speaker.end_tok <= speaker.start_tok:
        return "unknown"
    head = a.doc[speaker.start_tok : speaker.end_tok].root
    if head.lower_ in ("he", "she", "i"):
        return "person"
    if speaker.key is not None and speaker.key in a.coref.clusters:
        return _LABEL_KINDS.get(a.coref.clusters[speaker.key].label, "unknown")
    if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
        head = head.head.head  # "officials, who said …": the antecedent speaks
    m = a.entity_at.get(head.i)
    if m is not None:
        return _LABEL_KINDS.get(m.label, "unknown")
    lower, lemma = head.lower_, head.lemma_.lower()
    if lower in _PRONOUN_KINDS:
        return _PRONOUN_KINDS[lower]
    if lower in ("they", "them"):
        return "group"
    if speaker.attribution == "inferred" and a.doc[speaker.start_tok].is_upper:
        return "document"  # a headline in capitals speaks for its story
    if lemma in DOCUMENT_NOUNS or lemma in CUE_NOUNS:
        return "document"
    if lemma in ORG_ROLE_NOUNS and lemma not in PERSON_ROLE_NOUNS:
        return "organisation"
    if lower in GROUP_WORDS or lemma in GROUP_WORDS:
        return "group"
    if lemma in PERSON_ROLE_NOUNS or lemma in PEOPLE_NOUNS:
        return "group" if head.tag_ in _PLURAL_TAGS else "person"
    return "unknown"
