"""Who a pronoun or a role noun stands for, and the roles people are given.

`Coreference` resolves "he", "they" or "the minister" to an entity cluster of the
article: agreement (gender, number, person vs organisation) filters the candidates,
salience ranks them. `role_of` reads a person's role from a title compound ("NATO
Secretary General Mark Rutte") or an apposition ("Paul Weber, Acme's senior economist").
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from transforms.cues import (
    HONORIFICS_FEMALE,
    HONORIFICS_MALE,
    ORG_ROLE_NOUNS,
    PERSON_ROLE_NOUNS,
    SPEAKER_PRONOUNS,
    TITLE_WORDS,
)
from transforms.entities import EntityMention
from transforms.names import gender_of_first_name
from transforms.quotes.lexicon import (
    POSSESSIVE_PRONOUNS,
    SPEAKER_LABELS,
    SUBJECT_DEPS,
    is_role_word,
)

# "Ms." or "Mr." before a name is courtesy, not a role
_COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "sir", "dame", "madam", "lady", "lord"})


@dataclass(slots=True)
class _Cluster:
    key: str
    name: str
    label: str
    mentions: list[int] = field(default_factory=list)  # token index of each mention's head
    subject_mentions: set[int] = field(default_factory=set)
    gender_votes: Counter[str] = field(default_factory=Counter)
    roles: list[str] = field(default_factory=list)


class Coreference:
    """Resolves pronouns and role nouns to entity clusters of one article.

    Agreement (gender, number, person vs organisation) filters the candidates;
    salience ranks them: recency in sentences, being a grammatical subject,
    being the last speaker, and how often the article names them. Built once per
    article and not changed afterwards.
    """

    def __init__(self, doc: Doc, mentions: list[EntityMention], sent_of: list[int]) -> None:
        self.doc = doc
        self.sent_of = sent_of
        self.clusters: dict[str, _Cluster] = {}
        self.mention_at: dict[int, str] = {}  # token index -> cluster key
        self.timeline: list[tuple[int, str]] = []  # (token index of head, key), in text order
        for m in mentions:
            if m.label not in SPEAKER_LABELS:
                continue
            c = self.clusters.setdefault(
                m.entity_key, _Cluster(m.entity_key, m.canonical_name, m.label)
            )
            head = m.end - 1
            c.mentions.append(head)
            for i in range(m.start, m.end):
                self.mention_at[i] = m.entity_key
            self.timeline.append((head, m.entity_key))
            root = doc[m.start : m.end].root
            if root.dep_ in SUBJECT_DEPS:
                c.subject_mentions.add(head)
            if m.label == "PERSON":
                self._collect_person_evidence(c, m)
        self.timeline.sort()
        self._timeline_heads = [t for t, _ in self.timeline]
        self._freq = Counter(key for _, key in self.timeline)
        self._vote_pronoun_genders()

    def _collect_person_evidence(self, c: _Cluster, m: EntityMention) -> None:
        doc = self.doc
        first = c.name.split()[0]
        prior = gender_of_first_name(first) if len(c.name.split()) > 1 else None
        if prior and not c.gender_votes:
            c.gender_votes[prior] += 1
        if m.start > 0:
            prev = doc[m.start - 1].lower_
            if prev in HONORIFICS_MALE:
                c.gender_votes["m"] += 3
            elif prev in HONORIFICS_FEMALE:
                c.gender_votes["f"] += 3
        role = role_of(doc, m)
        if role:
            c.roles.append(role)

    def _vote_pronoun_genders(self) -> None:
        """A he/she right after a sentence naming exactly one person is evidence of gender."""
        by_sentence: dict[int, set[str]] = defaultdict(set)
        for head, key in self.timeline:
            if self.clusters[key].label == "PERSON":
                by_sentence[self.sent_of[head]].add(key)
        strings = self.doc.vocab.strings
        gendered = {strings[w]: g for w, g in SPEAKER_PRONOUNS.items() if g in ("m", "f")}
        lower = self.doc.to_array("LOWER").tolist() if len(self.doc) else []
        for i, word in enumerate(lower):
            g = gendered.get(word)
            if g is None:
                continue
            s = self.sent_of[i]
            near = by_sentence.get(s, set()) | by_sentence.get(s - 1, set())
            if len(near) == 1:
                self.clusters[next(iter(near))].gender_votes[g] += 1

    def gender(self, key: str) -> str | None:
        """'m', 'f' or None when the evidence is absent or split."""
        votes = self.clusters[key].gender_votes
        if not votes:
            return None
        (g, n), *rest = [*votes.most_common(2), ("", 0)]
        return g if n > rest[0][1] else None

    def _candidates_before(self, tok_i: int, max_sentences: int) -> list[tuple[int, str]]:
        hi = bisect_right(self._timeline_heads, tok_i - 1)
        s = self.sent_of[tok_i]
        out = []
        for head, key in reversed(self.timeline[:hi]):
            if s - self.sent_of[head] > max_sentences:
                break
            out.append((head, key))
        return out

    def resolve_pronoun(self, tok_i: int, last_speaker: str | None) -> tuple[str, float] | None:
        """Cluster key and confidence for the pronoun at token tok_i."""
        lower = self.doc[tok_i].lower_
        kind = SPEAKER_PRONOUNS.get(POSSESSIVE_PRONOUNS.get(lower, lower))
        if kind is None or kind == "s":
            return None
        want = {
            "m": {"PERSON"},
            "f": {"PERSON"},
            "p": {"ORG", "GPE", "NORP", "PERSON"},
            "n": {"ORG", "GPE"},
        }[kind]
        scores: dict[str, float] = {}
        s = self.sent_of[tok_i]
        freq = self._freq
        for head, key in self._candidates_before(tok_i, 6):
            c = self.clusters[key]
            if c.label not in want:
                continue
            if kind in ("m", "f"):
                g = self.gender(key)
                if g is not None and g != kind:
                    continue
            if kind == "p" and c.label == "PERSON":
                continue  # "they" for one named person is rare in news; prefer organisations
            dist = s - self.sent_of[head]
            score = 3.0 - dist * 0.9
            if head in c.subject_mentions:
                score += 1.2
            if key == last_speaker:
                score += 1.0
            score += 0.25 * math.log1p(freq[key])
            scores[key] = max(scores.get(key, -99.0), score)
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        best_key, best = ranked[0]
        margin = best - ranked[1][1] if len(ranked) > 1 else 3.0
        confidence = max(0.4, min(0.9, 0.55 + margin * 0.12))
        return best_key, confidence

    def resolve_role(self, head_i: int, last_speaker: str | None) -> tuple[str, float] | None:
        """Cluster for a definite role noun ('the minister', 'the company')."""
        head = self.doc[head_i]
        lemma = head.lemma_.lower()
        phrase = " ".join(t.lower_ for t in head.subtree if not t.is_punct)
        if lemma in ORG_ROLE_NOUNS and lemma not in PERSON_ROLE_NOUNS:
            for _head, key in self._candidates_before(head_i, 12):
                if self.clusters[key].label == "ORG":
                    return key, 0.6
            return None
        best: tuple[str, float] | None = None
        for _head, key in self._candidates_before(head_i, 30):
            c = self.clusters[key]
            if c.label != "PERSON":
                continue
            roles = " ".join(c.roles).lower()
            if lemma in roles.split() or (roles and phrase.replace("the ", "") in roles):
                return key, 0.75
            if best is None and key == last_speaker and lemma in PERSON_ROLE_NOUNS:
                best = (key, 0.5)
        return best


def phrase_top(tok: Token) -> Token:
    """The head of the noun phrase tok is in, through coordination and 'of'/'for' phrases."""
    while tok.dep_ in ("conj", "pobj", "prep") and tok.head.i < tok.i:
        tok = tok.head
    return tok


def person_in_apposition(
    doc: Doc, head: Token, entity_at: dict[int, EntityMention]
) -> EntityMention | None:
    """The person named in apposition inside head's phrase after a role word: "the bank's
    managing director for rates and chief strategist, Jane Roe" -> Jane Roe."""
    for t in head.subtree:
        m = entity_at.get(t.i)
        if (
            t.i > head.i
            and t.dep_ == "appos"
            and m is not None
            and m.label == "PERSON"
            and any(is_role_word(x) for x in doc[head.i : m.start])
        ):
            return m
    return None


def role_of(doc: Doc, m: EntityMention) -> str | None:
    """Role words next to a person's name: 'NATO Secretary General' Mark Rutte, or an apposition."""
    i = m.start
    while i > 0:
        t = doc[i - 1]
        if t.dep_ in ("compound", "amod", "nmod", "poss", "case") and i <= t.head.i < m.end:
            i -= 1
        elif t.text in ("-", "\u2010", "\u2011") and i >= 2 and not doc[i - 2].whitespace_:
            i -= 1  # the hyphen of "Secretary-General"
        else:
            break
    if i < m.start and doc[i].text in ("-", "\u2010", "\u2011") and i > 0:
        i -= 1  # the whole hyphenated word: "co-author", not "-author"
    toks = [t for t in doc[i : m.start] if t.text not in ("'s", "\u2019s")]
    if toks and any(
        (t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in PERSON_ROLE_NOUNS)
        and t.lower_.rstrip(".") not in _COURTESY_TITLES
        for t in toks
    ):
        return "".join(t.text_with_ws for t in toks).strip()
    root = doc[m.start : m.end].root
    if root.dep_ == "appos" and root.head.i < m.start:
        # "Acme's senior economist, Paul Weber", "Bank of X's director for rates and chief
        # strategist, Jane Roe": the phrase the name is in apposition to, when it has a role
        role = _role_phrase(doc, phrase_top(root.head).left_edge.i, m.start, 16)
        if role is not None:
            return role
    for child in root.children:
        if child.dep_ == "appos":
            role = _role_phrase(doc, child.left_edge.i, child.right_edge.i + 1, 12)
            if role is not None:
                return role
    return None


def _role_phrase(doc: Doc, start: int, end: int, longest: int) -> str | None:
    """The noun phrase start..end as a role, without a relative or participle clause that
    follows its noun ("a lawyer who represents …" -> "a lawyer"), when it names a role and
    is no clause itself ("the pathway to a majority for …" names no role)."""
    for t in doc[start:end]:
        if t.dep_ in ("relcl", "acl", "advcl") and t.left_edge.i > start:
            end = min(end, t.left_edge.i)
    toks = list(doc[start:end])
    while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
        toks.pop()
    if not toks or len(toks) > longest or not any(is_role_word(t) for t in toks):
        return None
    if any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound") for t in toks):
        return None
    return str(doc[toks[0].i : toks[-1].i + 1].text).strip(" ,")
