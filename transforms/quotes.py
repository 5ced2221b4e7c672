"""Who said what: direct, partial and indirect quotes with their speakers.

The mechanism, in order of trust:
1. Quotation-mark spans are found on the text (`quotemarks`).
2. A span's cue is the nearest speech verb above it in the dependency tree;
   failing that, a cue clause right next to it ("…,” he said" / "X said: “…");
   failing that, the speaker of the previous quote or of a cue in the previous
   sentence (a quote paragraph that follows "X said:"); as a last resort, with
   low confidence, a digest headline in capitals before the quote, the subject of
   the clause the quote sits in ("X attacked “…”"), or the speaker of an earlier
   quote in the same paragraph.
3. The cue's subject is the speaker; names resolve to the fullest name in the
   article, pronouns and role nouns ("the minister") to the person or
   organisation they refer to (`Coreference`). A report within a report goes to
   its outermost source ("“…,” X said, according to Y" and "Y wrote that X
   called it “…”" give Y, and so do "Y said, X believes “…”", "As Y reported,
   …" and a relative clause inside Y's report); a statement, ad or sign
   "saying" something speaks for whoever put it out, and a document introduced
   with a colon and no name ("From the report: “…") speaks for itself.
4. Reported speech: a speech or cognition verb outside quotation marks with a
   clausal complement, or "according to X".
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from transforms.cues import (
    CLAIM_NOUNS,
    CUE_NOUNS,
    HONORIFICS_FEMALE,
    HONORIFICS_MALE,
    ORG_ROLE_NOUNS,
    PERSON_ROLE_NOUNS,
    PHRASAL_CUES,
    SPEAKER_PRONOUNS,
    TITLE_INTRODUCERS,
    TITLE_WORDS,
    WORK_NOUNS,
    is_cue_lemma,
    is_indirect_cue_lemma,
)
from transforms.entities import EntityMention
from transforms.names import gender_of_first_name
from transforms.quotemarks import MarkSpan, find_mark_spans, paragraphs

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
# verbs whose object does what their infinitive says: "led the institute to conclude"
CAUSATIVE_VERBS = frozenset(
    "lead cause prompt force drive persuade convince compel spur inspire get move".split()
)
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# passive cues whose subject is still the speaker ("he was quoted as saying")
PASSIVE_SPEAKER_CUES = frozenset({"quote"})
CONCESSIVE_MARKS = frozenset({"though", "although", "whereas"})
# words that open a clause of its own after a closing mark ("…,” until X said …")
CLAUSE_OPENERS = frozenset(
    {"when", "while", "because", "until", "before", "after", "if", "although", "though", "since"}
)
# conjunctions of a clause that sets the time of another: "… after a woman told him “…”"
TIME_MARKS = frozenset({"when", "after", "before", "until", "while", "once", "whenever"})
# the owner of a claim: "his promise to …" is a claim of whoever "he" is
POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "its": "it"}
NAMING_VERBS = frozenset({"call", "dub", "term", "label", "describe", "characterize"})
# verbs of a source passing on what others said ("…, the Bugle reported.")
REPORT_VERBS = frozenset({"report", "write"})
_WORD = re.compile(r"\w+")
# ", by Jane Roe" / " by The Times' Jane Roe" right after a closing mark
_BYLINE = re.compile(r",?\s*by\s+(?:the\s+)?[A-Z]")


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


@dataclass(slots=True)
class Speaker:
    """A speaker mention and what it resolves to."""

    start_tok: int
    end_tok: int
    name: str | None
    key: str | None
    role: str | None
    attribution: str
    confidence: float


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
    being the last speaker, and how often the article names them.
    """

    def __init__(self, doc: Any, mentions: list[EntityMention], sent_of: list[int]) -> None:
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
        for tok in self.doc:
            g = SPEAKER_PRONOUNS.get(tok.lower_)
            if g not in ("m", "f"):
                continue
            s = self.sent_of[tok.i]
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
        freq = Counter(key for _, key in self.timeline)
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


def _is_role_word(tok: Any) -> bool:
    return tok.lemma_.lower() in PERSON_ROLE_NOUNS or tok.lower_.rstrip(".") in TITLE_WORDS


def _phrase_top(tok: Any) -> Any:
    """The head of the noun phrase tok is in, through coordination and 'of'/'for' phrases."""
    while tok.dep_ in ("conj", "pobj", "prep") and tok.head.i < tok.i:
        tok = tok.head
    return tok


def _person_in_apposition(doc: Any, head: Any, entity_at: dict[int, Any]) -> Any | None:
    """The person named in apposition inside head's phrase after a role word: "the bank's
    managing director for rates and chief strategist, Jane Roe" -> Jane Roe."""
    for t in head.subtree:
        m = entity_at.get(t.i)
        if (
            t.i > head.i
            and t.dep_ == "appos"
            and m is not None
            and m.label == "PERSON"
            and any(_is_role_word(x) for x in doc[head.i : m.start])
        ):
            return m
    return None


def role_of(doc: Any, m: EntityMention) -> str | None:
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
        t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in PERSON_ROLE_NOUNS for t in toks
    ):
        return "".join(t.text_with_ws for t in toks).strip()
    root = doc[m.start : m.end].root
    if root.dep_ == "appos" and root.head.i < m.start:
        # "Acme's senior economist, Paul Weber", "Bank of X's director for rates and chief
        # strategist, Jane Roe": the phrase the name is in apposition to, when it has a role
        sub = doc[_phrase_top(root.head).left_edge.i : m.start]
        if len(sub) <= 16 and any(_is_role_word(t) for t in sub):
            return str(sub.text).strip(" ,")
    for child in root.children:
        if child.dep_ == "appos":
            sub = doc[child.left_edge.i : child.right_edge.i + 1]
            if len(sub) <= 12:
                return str(sub.text).strip(" ,")
    return None


class QuoteFinder:
    """Finds the quotes of one parsed, entity-resolved Doc."""

    def __init__(self, doc: Any, mentions: list[EntityMention]) -> None:
        self.doc = doc
        self.text: str = doc.text
        self.mentions = mentions
        self.sent_of = [0] * len(doc)
        self.sent_bounds: list[tuple[int, int]] = []
        for n, sent in enumerate(doc.sents):
            self.sent_bounds.append((sent.start, sent.end))
            for i in range(sent.start, sent.end):
                self.sent_of[i] = n
        self.coref = Coreference(doc, mentions, self.sent_of)
        self.entity_at: dict[int, EntityMention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                self.entity_at[i] = m
        self.marks = find_mark_spans(self.text)
        self.in_quote = [False] * len(doc)
        self.quote_of_token: dict[int, int] = {}
        for n, span in enumerate(self.marks):
            for tok in self._tokens_in(span.open_at, span.close_at + 1):
                self.in_quote[tok.i] = True
                self.quote_of_token[tok.i] = n
        self.paras = paragraphs(self.text)
        self._para_starts = [p[0] for p in self.paras]
        self.last_speaker: str | None = None
        self.done: list[Quote] = []  # the quotes found so far, in text order

    # -- helpers ----------------------------------------------------------
    def _tokens_in(self, start: int, end: int) -> list[Any]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    def _para_of(self, char: int) -> int:
        return max(0, bisect_right(self._para_starts, char) - 1)

    def _is_cue(self, tok: Any, indirect: bool = False) -> bool:
        if tok.pos_ not in ("VERB", "AUX") and not (
            tok.pos_ == "NOUN" and tok.dep_ == "ROOT" and tok.tag_ == "VBZ"
        ):
            return False
        lemma = tok.lemma_.lower()
        if any(
            (lemma, c.lower_) in PHRASAL_CUES for c in tok.children if c.dep_ in ("prt", "advmod")
        ):
            return True
        # "as she put it, “…”" (but not "she put it on the table"); with "as" a prepositional
        # phrase is only a setting ("as she put it in a letter, …")
        return (
            (lemma, "it") in PHRASAL_CUES
            and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children)
            and (
                not any(c.dep_ == "prep" for c in tok.children)
                or any(c.dep_ in ("mark", "prep") and c.lower_ == "as" for c in tok.children)
            )
        ) or (is_indirect_cue_lemma(lemma) if indirect else is_cue_lemma(lemma))

    def _as_clause_subject(self, verb: Any) -> Any | None:
        """The X of "as X put it" when the parser hangs X on "as" as its object."""
        for child in verb.children:
            if child.dep_ in ("mark", "prep") and child.lower_ == "as" and child.i < verb.i:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.i < verb.i and not self.in_quote[obj.i]:
                        return obj
        return None

    @staticmethod
    def _object_of(preposition: Any) -> Any | None:
        return next((c for c in preposition.children if c.dep_ == "pobj"), None)

    def _according_to(self, tok: Any) -> Any | None:
        """The X of 'according to X' among tok's children."""
        for child in tok.children:
            if child.lower_ == "according" and child.dep_ in ("prep", "advcl", "advmod"):
                for gc in child.children:
                    if gc.lower_ == "to" and (obj := self._object_of(gc)) is not None:
                        return obj
        return None

    def _agent(self, verb: Any) -> Any | None:
        """The X of a passive "… by X"."""
        for child in verb.children:
            if child.dep_ == "agent" and (obj := self._object_of(child)) is not None:
                return obj
        return None

    def _could_speak(self, tok: Any) -> bool:
        """A name, a pronoun or a person or organisation noun: a plausible speaker."""
        return (
            tok.i in self.entity_at
            or tok.lower_ in SPEAKER_PRONOUNS
            or tok.lower_ in RELATIVE_PRONOUNS
            or tok.lemma_.lower() in PERSON_ROLE_NOUNS
            or tok.lemma_.lower() in ORG_ROLE_NOUNS
        )

    def _subject(self, verb: Any, hops: int = 0) -> Any | None:
        # a verb has one subject: of two the parser gave it ("In Dunmere, Vermont,
        # Roe went …"), a named person or organisation, and the one next to the verb
        def rank(c: Any) -> tuple[int, int]:
            if c.dep_ not in SUBJECT_DEPS:
                return (2, 0)
            m = self.entity_at.get(c.i)
            named = m is not None and m.label in ("PERSON", "ORG")
            return (0 if named else 1, abs(verb.i - c.i))

        para = self._para_of(verb.idx)
        for child in sorted(verb.children, key=rank):
            if (
                child.dep_ in SUBJECT_DEPS
                and not self.in_quote[child.i]
                and self._para_of(child.idx) == para  # not across a paragraph break
            ):
                if child.lower_ == "it" and any(c.dep_ == "auxpass" for c in verb.children):
                    continue  # "it was said": no speaker
                if (
                    child.dep_ == "nsubjpass"
                    and child.lower_ in RELATIVE_PRONOUNS
                    and verb.lemma_.lower() not in PASSIVE_SPEAKER_CUES
                ):
                    # "the figure that was published": what is said, not who says it
                    return self._agent(verb)
                if child.dep_ == "nsubjpass" and verb.lemma_.lower() not in PASSIVE_SPEAKER_CUES:
                    # "X was asked by Y whether …": the one asking speaks
                    agent = self._agent(verb)
                    if agent is not None and not self.in_quote[agent.i]:
                        return agent
                return child
        agent = self._agent(verb) or self._as_clause_subject(verb) or self._stray_subject(verb)
        if agent is not None:
            return agent
        if hops >= 3 or verb.head.i == verb.i:
            return None
        if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in CAUSATIVE_VERBS:
            # object control: "the evidence led the institute to conclude …" -> the institute
            for child in verb.head.children:
                if child.dep_ == "dobj" and child.i < verb.i and not self.in_quote[child.i]:
                    return child
        if verb.dep_ in ("conj", "xcomp", "advcl"):
            return self._subject(verb.head, hops + 1)
        if verb.dep_ == "pcomp" and verb.head.head.i != verb.head.i:
            # "X rallied supporters by warning that …": the subject of the verb above "by"
            above = verb.head.head
            subject = self._subject(above, hops + 1)
            if (
                subject is not None
                and above.dep_ == "ccomp"
                and not self._could_speak(subject)
                and self._is_cue(above.head)
            ):
                # "X told them that the news was bad, before noting …": the parser hung the
                # "before" phrase in the report; the reporter X does the noting
                return self._subject(above.head, hops + 2) or subject
            return subject
        if verb.dep_ == "relcl":
            return verb.head
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
            return self._owner(verb.head)
        return None

    def _stray_subject(self, verb: Any) -> Any | None:
        """The name right before a finite verb the parser left without a subject (it hung
        the name on something earlier): "… (all times EDT): ¶ Jo Roe has delivered …"."""
        if verb.tag_ not in ("VBD", "VBZ", "VBP") and not any(
            c.dep_ == "aux" and c.tag_ in ("VBD", "VBZ", "VBP") for c in verb.children
        ):
            return None
        i = verb.i - 1
        while i >= 0 and (
            self.doc[i].is_space
            or (self.doc[i].head.i == verb.i and self.doc[i].dep_ in ("aux", "auxpass", "neg"))
        ):
            i -= 1
        m = self.entity_at.get(i) if i >= 0 else None
        if m is None or m.label not in ("PERSON", "ORG") or m.end - 1 != i:
            return None
        root = self.doc[m.start : m.end].root
        same_paragraph = self._para_of(root.idx) == self._para_of(verb.idx)
        if root.head.i == verb.i or self.in_quote[root.i] or not same_paragraph:
            return None
        return root

    def _owner(self, noun: Any) -> Any | None:
        """Who speaks through a noun modified by a speech verb: a person speaks for
        themself ("a clip of the coach asking, “…”"), a thing for whoever put it out
        ("she issued a statement saying “…”", "they carried signs reading “…”")."""
        m = self.entity_at.get(noun.i)
        if (m is not None and m.label == "PERSON") or noun.lemma_.lower() in PERSON_ROLE_NOUNS:
            return noun
        main = noun.head
        while main.pos_ not in ("VERB", "AUX") and main.head.i != main.i:
            main = main.head
        if main.pos_ not in ("VERB", "AUX"):
            return None
        for child in main.children:
            if child.dep_ == "nsubj" and not self.in_quote[child.i]:
                return None if child.lower_ in RELATIVE_PRONOUNS else child
        return None

    def speaker_from(self, head: Any) -> Speaker:
        """Speaker mention around a subject token, resolved to a name where possible."""
        doc = self.doc
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            # "Smith, who said …": the mention is the relative pronoun, its antecedent names it
            antecedent = self.speaker_from(head.head.head)
            antecedent.start_tok, antecedent.end_tok = head.i, head.i + 1
            antecedent.attribution = "pronoun"
            return antecedent
        ent = self.entity_at.get(head.i)
        if ent is None:
            for t in head.subtree:
                m = self.entity_at.get(t.i)
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
            ent = _person_in_apposition(doc, head, self.entity_at) or ent
        if ent is not None and ent.label in SPEAKER_LABELS:
            role = role_of(doc, ent)
            s, e = ent.start, ent.end
            np_start = min(head.left_edge.i, s) if head.i in range(ent.start, ent.end) else s
            if 0 < np_start < s and not doc[np_start - 1].whitespace_:
                np_start = s  # not from the middle of a word ("co-author Jane Roe")
            if np_start < s and all(
                doc[i].dep_ in ("compound", "amod", "det", "poss", "case", "nmod", "punct")
                or doc[i].i in self.entity_at
                for i in range(np_start, s)
            ):
                s = np_start
            return Speaker(s, e, ent.canonical_name, ent.entity_key, role, "explicit", 0.95)
        lower = head.lower_
        if head.pos_ == "PRON" or lower in SPEAKER_PRONOUNS or lower in POSSESSIVE_PRONOUNS:
            resolved = self.coref.resolve_pronoun(head.i, self.last_speaker)
            if resolved:
                key, conf = resolved
                c = self.coref.clusters[key]
                return Speaker(head.i, head.i + 1, c.name, key, _first(c.roles), "pronoun", conf)
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
            resolved = self.coref.resolve_role(head.i, self.last_speaker)
            if resolved:
                key, conf = resolved
                c = self.coref.clusters[key]
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

    # -- cues -------------------------------------------------------------
    def _thought_subject(self, tok: Any) -> Any | None:
        """The subject of tok when tok is a verb of thought outside quotes, else None."""
        if self.in_quote[tok.i] or tok.pos_ != "VERB" or tok.dep_ in ("relcl", "xcomp", "ccomp"):
            return None  # "people who think …", "to make him believe …": not the report itself
        return self._subject(tok) if self._is_cue(tok, indirect=True) else None

    def _cue_subject(self, tok: Any) -> Any | None:
        """The subject of tok when tok is a speech cue outside quotes, else None."""
        if self.in_quote[tok.i] or not self._is_cue(tok):
            return None
        subject = self._subject(tok)
        if subject is not None and subject.lower_ == "you":
            # "… the rule that you can't just say “maybe”": a generic "you" reports nothing
            return None
        return subject

    def cue_above(self, toks: list[Any], paragraph: int) -> tuple[Any, Any] | None:
        """(cue, subject) governing the span: the nearest speech verb above it in the tree,
        an "according to X" on the way up, or a parenthetical "he said" attached there.
        Only within the quote's paragraph: the parser's sentences can run across them."""
        inside = {t.i for t in toks}
        lo, hi = self.paras[paragraph]

        def here(tok: Any) -> bool:
            return bool(lo <= tok.idx < hi)

        roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
        # a closing "." or "," inside the marks hangs on whatever the parser chose
        roots = [t for t in roots if not t.is_punct] or roots
        best: tuple[int, Any, Any] | None = None
        for root in roots:
            path = [root, *root.ancestors]
            for depth, node in enumerate(path):
                if depth > 8 or (best is not None and depth >= best[0]) or not here(node):
                    break
                found: tuple[Any, Any] | None = None
                if depth and node.i not in inside:
                    owner = self._claim_owner(node, path[depth - 1])
                    if owner is not None and here(owner):
                        found = (node, owner)
                if found is None and node.i not in inside:
                    subject = self._cue_subject(node)
                    if subject is None and depth and path[depth - 1].dep_ == "ccomp":
                        # a verb of thought whose complement clause holds the quote:
                        # "the survey found that “…”"
                        subject = self._thought_subject(node)
                    if subject is not None and here(subject):
                        found = (node, subject)
                if found is None:
                    obj = self._according_to(node)
                    if obj is not None and not self.in_quote[obj.i] and here(obj):
                        found = (obj.head.head, obj)
                if found is None:
                    # of several such clauses the one nearest the quote: in "Asked by X
                    # whether …, she said, “…”" the report is "she said"
                    first, last = min(inside), max(inside)
                    for child in sorted(node.children, key=lambda c: max(first - c.i, c.i - last)):
                        if (
                            child.dep_ in ("parataxis", "advcl")
                            and child.i not in inside
                            and here(child)
                            and not _joins_a_new_clause(
                                [c for c in child.children if c.i < child.i]
                            )
                        ):
                            subject = self._cue_subject(child)
                            if (
                                subject is not None
                                and here(subject)
                                and (node.i not in inside or subject.head.i == child.i)
                            ):
                                # (a clause on the quote's own verb speaks only with a subject
                                # of its own: in "X said Y had “…” there, calling it …" the
                                # subject of "calling" is Y, inside the report)
                                found = (child, subject)
                                break
                if found is not None:
                    best = (depth, *found)
                    break
        if best is None:
            return None
        cue, subject = best[1], best[2]
        first = min(inside)
        for child in cue.children:
            # "X said as Y yelled: “…”": the clause that ends in the colon introduces the quote
            if (
                child.dep_ == "advcl"
                and cue.i < child.i < first
                and child.right_edge.i + 1 < first
                and self.doc[child.right_edge.i + 1].text == ":"
                and all(t.is_punct for t in self.doc[child.right_edge.i + 1 : first])
            ):
                inner = self._cue_subject(child)
                if inner is not None and here(inner) and inner.i > cue.i:
                    return child, inner
        if subject.lower_ in SPEAKER_PRONOUNS:
            # "Roe says she'd tell him “enough delays”": the named speaker of the
            # outer cue is the source, the pronoun only repeats it
            outer = self._named_outer_cue(cue, subject, here)
            if outer is not None:
                return outer
        return cue, subject

    def _claim_owner(self, noun: Any, below: Any) -> Any | None:
        """Whose claim a quote completes: "his promise to stay “impartial”", "Roe's warning that
        “…”" (the owner of the claim noun, when the quote is its complement)."""
        if (
            noun.pos_ != "NOUN"
            or noun.lemma_.lower() not in CLAIM_NOUNS
            or below.dep_ not in ("acl", "ccomp", "appos")
            or below.i < noun.i
        ):
            return None
        for child in noun.children:
            if child.dep_ != "poss" or self.in_quote[child.i]:
                continue
            if child.lower_ in POSSESSIVE_PRONOUNS:
                # "Roe defended his remarks calling it “…”": the named subject of the clause
                # the claim is in, when the pronoun can stand for it
                verb = next((a for a in noun.ancestors if a.pos_ in ("VERB", "AUX")), None)
                if verb is not None:
                    subject = self._subject(verb)
                    if subject is not None and self._agrees(subject, child, ("PERSON",)):
                        return subject
                return child
            if self._could_speak(child):
                return child
        return None

    def outer_source(
        self, cue: Any, subject: Any, span: MarkSpan, paragraph: int | None = None
    ) -> tuple[Any, Any]:
        """The outermost source of a report within a report: "“…,” X said, according to Y",
        "X said …, Y reported", "Y wrote that X called it “…”" all give Y. The report of
        a report is one attribution, credited to the source that tells it to the reader.
        paragraph: where the cue is, when it is not the quote's own paragraph."""
        lo, hi = self.paras[span.paragraph if paragraph is None else paragraph]

        def usable(tok: Any) -> bool:
            return bool(lo <= tok.idx < hi) and not self.in_quote[tok.i]

        trailing = self._trailing_report(span)
        if trailing is not None and trailing[0].i != cue.i:
            return trailing
        if cue.dep_ == "relcl" and subject.lower_ in ("who", "that", "which"):
            reporter = self._reporter_of_relative(cue, usable)
            if reporter is not None:
                return reporter
        if cue.dep_ == "relcl" and subject.lower_ in ("that", "which"):
            # "X put out a video that asks viewers to “…”", "X held a sign that read “…”":
            # the thing speaks for whoever in the main clause put it out
            main = cue.head
            while main.pos_ not in ("VERB", "AUX") and main.head.i != main.i:
                main = main.head
            owner = self._subject(main) if main.pos_ in ("VERB", "AUX") else None
            if (
                owner is not None
                and owner.dep_ == "nsubj"
                and usable(owner)
                and owner.lower_ not in RELATIVE_PRONOUNS
            ):
                cue, subject = main, owner
        node = cue
        for _ in range(6):
            obj = self._according_to(node)
            if obj is not None and usable(obj):
                return obj.head.head, obj
            outer: tuple[Any, Any] | None = None
            for child in node.children:
                # a trailing reporting clause: "…, Y reported." / "…, reports Y.", or one
                # set off by commas before the report: "Y said, X believes “…”"
                if (
                    child.dep_ == "parataxis"
                    and (child.i > subject.i or self._parenthetical(child))
                    and usable(child)
                    and not any(c.dep_ in ("ccomp", "xcomp") for c in child.children)
                ):
                    outer_subject = self._cue_subject(child)
                    if outer_subject is not None and usable(outer_subject):
                        outer = (child, outer_subject)
                        break
                # a source cited for the whole clause: "As the Bugle reported, X said …"
                if (
                    child.dep_ == "advcl"
                    and child.lemma_.lower() in REPORT_VERBS
                    and usable(child)
                    and any(c.dep_ == "mark" and c.lower_ == "as" for c in child.children)
                ):
                    outer_subject = self._cue_subject(child)
                    if outer_subject is not None and usable(outer_subject):
                        outer = (child, outer_subject)
                        break
            if outer is not None:
                return outer
            parent = node.head
            link = node.dep_
            if parent.i == node.i or link not in ("ccomp", "xcomp", "advcl", "conj"):
                break
            if not usable(parent):
                break
            reporter = self._inverted_reporter(parent) if link == "ccomp" else None
            if reporter is not None and usable(reporter):
                # "“…,” said X, reports the Daily Planet.": the paper tells X's words
                cue, subject, node = parent, reporter, parent
                continue
            if node.i == cue.i and min(cue.idx, subject.idx) >= span.end:
                break  # "X said it was “…,” Y reported": Y's report is the outer one
            if self._concessive(node):
                # "X said that …, though he said “…”", "…, X said, although Y laughed and
                # admitted “…”": a report inside a concessive clause stands on its own
                break
            if link == "advcl" and any(
                c.lower_ in TIME_MARKS and c.dep_ in ("mark", "advmod") and c.i < node.i
                for c in node.children
            ):
                break  # "X says he is tough after a woman told him “…”": a setting, no report
            if link in ("ccomp", "xcomp"):
                # (a clause joined by "and" or "while" is no report of the one before it)
                outer_subject = self._cue_subject(parent)
                if outer_subject is not None and usable(outer_subject):
                    cue, subject = parent, outer_subject
            node = parent
        if subject.lower_ in SPEAKER_PRONOUNS:
            named = self._named_outer_cue(cue, subject, usable) or self._naming_relative_owner(
                cue, subject, usable
            )
            if named is not None and named[1].lower_ not in SPEAKER_PRONOUNS:
                # the named report may itself be told by an outer source ("according to …")
                return self.outer_source(*named, span)
            if named is not None:
                return named
        return cue, subject

    def _reporter_of_relative(self, cue: Any, usable: Any) -> tuple[Any, Any] | None:
        """A relative clause inside what someone else reports is part of their report:
        "Roe recalled that the plan was mocked by critics, who called it “…”" gives Roe."""
        path = [cue, *cue.ancestors]
        for k in range(2, min(len(path), 9)):
            node = path[k]
            if not usable(node):
                return None
            subject = self._cue_subject(node) if node.pos_ in ("VERB", "AUX") else None
            if subject is None:
                continue
            link = path[k - 1]
            complement = link.dep_ in ("ccomp", "xcomp") or (
                link.dep_ == "advcl" and any(c.lower_ == "that" for c in link.children)
            )
            if complement and usable(subject):
                return node, subject
            return None
        return None

    def _trailing_report(self, span: MarkSpan) -> tuple[Any, Any] | None:
        """A named source closing the quote's sentence, whatever the parse made of it:
        "… is “vital” to the plan, reported the Daily Bugle." / "…, the Bugle reports".
        """
        _, hi = self.paras[span.paragraph]
        sentence: list[Any] = []
        for tok in self._tokens_in(min(self._after_close(span), hi), hi):
            if self.in_quote[tok.i]:
                return None  # another quote before the sentence ends
            if tok.text in (".", "!", "?", ";", ":"):
                break
            sentence.append(tok)
        else:
            return None
        tail = sentence  # "…,” reported Y." (the comma inside the marks)
        for n in range(len(sentence) - 1, max(-1, len(sentence) - 9), -1):
            if sentence[n].text == ",":
                tail = sentence[n + 1 :]
                break
        else:
            if len(sentence) > 8 or self.text[span.start : span.end].rstrip()[-1:] != ",":
                return None
        cues = [t for t in tail if t.lemma_.lower() in REPORT_VERBS and t.pos_ == "VERB"]
        if len(cues) != 1 or cues[0] not in (tail[0], tail[-1]):
            return None
        rest = [t for t in tail if t.i != cues[0].i and t.lower_ != "the"]
        ents = {self.entity_at[t.i] for t in rest if t.i in self.entity_at}
        if len(ents) != 1 or len(rest) != sum(1 for t in rest if t.i in self.entity_at):
            return None
        m = next(iter(ents))
        if m.label not in ("ORG", "PERSON"):
            return None
        return cues[0], self.doc[m.start : m.end].root

    def _inverted_reporter(self, verb: Any) -> Any | None:
        """The source named after a reporting verb that closes the sentence, which the parser
        takes for an object: "…, reports the Daily Planet." / "…, reported Jane Roe."."""
        doc = self.doc
        if (
            self.in_quote[verb.i]
            or verb.i == 0
            or doc[verb.i - 1].text != ","
            or not self._is_cue(verb)
            or any(c.dep_ in SUBJECT_DEPS for c in verb.children)
        ):
            return None
        after = [c for c in verb.children if c.i > verb.i and not c.is_punct]
        if len(after) != 1 or after[0].dep_ not in ("dobj", "npadvmod", "attr"):
            return None
        m = self.entity_at.get(after[0].i)
        end = after[0].right_edge.i + 1
        if m is None or m.label not in ("PERSON", "ORG") or end >= len(doc):
            return None
        return after[0] if doc[end].text in (".", "!", "?") else None

    def _naming_relative_owner(self, cue: Any, pronoun: Any, here: Any) -> tuple[Any, Any] | None:
        """ "X complained about what he calls “…”", "X visited the site, which she called “…”":
        a label put on something in a relative clause is the named main subject's word."""
        if cue.lemma_.lower() not in NAMING_VERBS or not any(
            c.lower_ in ("what", "which") and c.dep_ in ("dobj", "nsubj", "oprd")
            for c in cue.children
        ):
            return None
        paragraph = self._para_of(cue.idx)
        for node in cue.ancestors:
            if self._para_of(node.idx) != paragraph:
                return None
            if self.in_quote[node.i] or node.pos_ not in ("VERB", "AUX"):
                continue  # (a scare-quoted word on the way: "accused them of being “duped”")
            subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None or not here(subject):
                continue
            if subject.lower_ == pronoun.lower_:
                continue  # "X said she called Y on what she called “…”": the same person
            return (node, subject) if self._agrees(subject, pronoun, ("PERSON", "ORG")) else None
        return None

    def _parenthetical(self, verb: Any) -> bool:
        """A reporting clause set off by commas inside the sentence: "…, Mr. X said, …"."""
        doc = self.doc
        lo, hi = verb.left_edge.i, verb.right_edge.i
        before = doc[lo] if doc[lo].is_punct else (doc[lo - 1] if lo > 0 else None)
        after = doc[hi] if doc[hi].is_punct else (doc[hi + 1] if hi + 1 < len(doc) else None)
        return (
            before is not None
            and after is not None
            and before.text == ","
            and after.text == ","
            and not any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)
        )

    @staticmethod
    def _concessive(verb: Any) -> bool:
        """A clause set against the one above it ("…, though he said", "although she
        wrote"): its report stands on its own and is not the outer report repeated."""
        return bool(verb.dep_ == "advcl") and any(
            c.dep_ == "mark" and c.lower_ in CONCESSIVE_MARKS for c in verb.children
        )

    def _named_outer_cue(self, cue: Any, pronoun: Any, here: Any) -> tuple[Any, Any] | None:
        if self._concessive(cue):
            return None
        below = cue
        for node in cue.ancestors:
            if not here(node) or self.in_quote[node.i] or below.dep_ == "relcl":
                return None  # "…the protesters, whom she called …": her own clause
            subject = self._cue_subject(node)
            if subject is None:
                below = node
                continue
            return (node, subject) if self._agrees(subject, pronoun, ("PERSON",)) else None
        return None

    def _agrees(self, subject: Any, pronoun: Any, labels: tuple[str, ...]) -> bool:
        """subject is a named entity of one of labels, before the pronoun, whose known
        gender (if any) does not contradict it."""
        m = self.entity_at.get(subject.i)
        if m is None or m.label not in labels or subject.i >= pronoun.i:
            return False
        gender = SPEAKER_PRONOUNS.get(pronoun.lower_)
        known = self.coref.gender(m.entity_key)
        return not (gender in ("m", "f") and known is not None and known != gender)

    def cue_right_after(self, span: MarkSpan) -> tuple[Any, Any] | None:
        """A cue clause hard after the closing mark: "…,” she said" / "…,” said Smith" /
        "…,” Smith said in an email". The most direct attribution a quote can have."""
        _, hi = self.paras[span.paragraph]
        toks = [t for t in self._tokens_in(min(self._after_close(span), hi), hi) if not t.is_space]
        # after a quote that ends its sentence ("…prevails.”") only a bare "he said" counts,
        # not the next sentence ("However, he also asserted …")
        ended = self.text[span.start : span.end].rstrip()[-1:] in (".", "!", "?")
        last = self.text[span.start : span.end].rstrip()[-1:]
        if toks and not (last in ",.!?:;\u2014\u2013-\u2026" or toks[0].is_punct):
            return (
                None  # "called it “a fair deal” before Roe announced …": no comma, no attribution
            )
        window: list[Any] = []
        for tok in toks[:6]:
            if self.in_quote[tok.i] or tok.text in (".", "!", "?", ";", ":"):
                break
            if ended and tok.is_punct:
                break
            window.append(tok)
            if self._is_cue(tok):
                if ended and self._starts_new_report(tok, span):
                    return None
                if _joins_a_new_clause(window[:-1]):
                    return None  # "…,” and he vowed …" / "…,” when X blasted him": no report
                subject = (
                    self._subject(tok)
                    or self._nearby_name(window[:-1], tok)
                    or self._inverted_subject(window[:-1], tok)
                )
                if subject is not None and span.close_at <= subject.idx < hi:
                    return tok, subject
                return None
        return None

    def _starts_new_report(self, cue: Any, span: MarkSpan) -> bool:
        """After a quote that ends its sentence, a cue that takes a complement clause or
        introduces another quote opens a new report ("“….” He added that …" /
        "“….” She went on: “…"), it does not attribute the quote before it."""
        if any(c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > cue.i for c in cue.children):
            return True
        if cue.lemma_.lower() not in ("tell", "ask") and any(
            c.dep_ == "dobj" and c.i > cue.i and not self._could_speak(c) for c in cue.children
        ):
            return True  # "“….” X wrote a letter to …": a report with content of its own
        after = self.text[self._after_close(span) : cue.idx].split()
        if (
            self.text[span.start : span.end].rstrip().endswith(".")
            and after
            and after[0] in ("He", "She", "They", "It", "We", "I")
        ):
            return True  # "“….” He went on …": a new sentence, not "“…,” he said"
        _, hi = self.paras[span.paragraph]
        for tok in self.doc[cue.i + 1 : min(len(self.doc), cue.i + 12)]:
            if tok.idx >= hi or tok.text in (".", "!", "?", ";"):
                return False
            if self.in_quote[tok.i] and self.quote_of_token.get(tok.i) != self.marks.index(span):
                return True
        return False

    def _after_close(self, span: MarkSpan) -> int:
        """Offset just after the closing mark (two characters for a typewriter '')."""
        return span.close_at + (2 if self.text.startswith("''", span.close_at) else 1)

    def _previous_quote_end(self, span: MarkSpan) -> int:
        """Offset after the previous closing mark in the span's paragraph (or its start)."""
        lo, _ = self.paras[span.paragraph]
        end = lo
        for other in self.marks:
            if other.paragraph == span.paragraph and other.close_at < span.open_at:
                end = max(end, self._after_close(other))
        return end

    def cue_near(self, span: MarkSpan) -> tuple[Any, Any] | None:
        """(cue, subject) of a cue clause right after the quote (", he said") or right before it
        ("X said: “", "said X, “"), in the same paragraph and sentence."""
        _, hi = self.paras[span.paragraph]
        ended = self.text[span.start : span.end].rstrip()[-1:] in (".", "!", "?")
        window: list[Any] = []
        joined: tuple[Any, Any] | None = None
        for tok in self._tokens_in(min(self._after_close(span), hi), hi):
            if self.in_quote[tok.i] or (window and tok.is_sent_start and window[-1].text in ".!?"):
                break
            window.append(tok)
            if self._is_cue(tok):
                if ended and self._starts_new_report(tok, span):
                    break
                subject = (
                    self._subject(tok)
                    or self._name_after_quote(window[:-1])
                    or self._nearby_name(window[:-1], tok)
                )
                if subject is None:
                    continue
                words = [t for t in window[:-1] if not t.is_punct]
                if (
                    words
                    and _joins_a_new_clause(words[:1])
                    and any(c.dep_ in SUBJECT_DEPS for c in tok.children)
                ):
                    # "X told them that “…,” and he vowed …": a clause with a subject of its
                    # own comes second to a cue before the quote ("X called it “…” but
                    # described …" shares X and still reports)
                    joined = (tok, subject)
                    break
                return tok, subject
            if len(window) >= (20 if self._name_after_quote(window) is not None else 12):
                break
        return self._cue_before(span) or joined

    def _cue_before(self, span: MarkSpan) -> tuple[Any, Any] | None:
        """(cue, subject) of a cue clause right before the quote: "X said: “", "said X, “",
        "X told them that “"."""
        tail = self._tokens_in(self._previous_quote_end(span), span.open_at)
        tail = [t for t in tail if not t.is_space]
        for n in range(len(tail) - 1, 0, -1):
            if tail[n].is_sent_start and tail[n - 1].text in ".!?":
                tail = tail[n:]
                break
        if not tail:
            return None
        last = tail[-1]
        if (
            last.text in (":", ",", "\u2014", "\u2013", "-")
            or self._is_cue(last)
            or (last.lower_ == "that" and last.dep_ == "mark")
        ):
            for n, tok in enumerate(reversed(tail)):
                if not self.in_quote[tok.i] and self._is_cue(tok):
                    subject = self._subject(tok) or self._nearby_name(
                        tail[: len(tail) - 1 - n], tok
                    )
                    if subject is not None:
                        return tok, subject
        if last.text in (":", ","):
            return self._colon_introduction(tail)
        return None

    def _colon_introduction(self, tail: list[Any]) -> tuple[Any, Any] | None:
        """Who introduces a quote with a colon or comma but no speech verb:
        "Roe continues: “…", "… pollster Tom Bell: “…", "Jane Roe, Acme News: “…",
        "Rep. Ann Berg (D-Vt.): “…"."""
        if len(tail) > 1 and tail[-1].text == ":":
            m = self.entity_at.get(tail[-2].i)
            if m is not None and m.label in ("PERSON", "ORG"):
                root = self.doc[m.start : m.end].root
                # "… puzzles the planner Jo Roe: “…" (not "… a note to Jo Roe: “…")
                if root.dep_ not in ("pobj", "dative"):
                    return tail[-1], root
        for tok in reversed(tail):
            if tok.pos_ in ("VERB", "AUX"):
                subject = self._subject(tok)
                if subject is None:
                    break
                named = self.entity_at.get(subject.i)
                if named is not None and named.label in ("PERSON", "ORG"):
                    return tok, subject
                if subject.lower_ in ("he", "she", "they"):
                    return tok, subject
                if tail[-1].text == ":" and subject.pos_ in ("NOUN", "PROPN"):
                    # "The union answered in writing: “…", "The ruling is short: “…"
                    return tok, subject
                break
        # a nominal cue: "Trump, in a statement, “…" / "the company's statement: “…"
        nominal = next((t for t in reversed(tail[-12:]) if t.lemma_.lower() in CUE_NOUNS), None)
        if tail[-1].text != ":" and nominal is None:
            return None
        # no verb: the name closest before the colon (or the cue noun) introduces the quote
        for tok in reversed(tail[-16:]):
            m = self.entity_at.get(tok.i)
            if m is not None and m.label in ("PERSON", "ORG"):
                return nominal or tail[-1], self.doc[m.start : m.end].root
        if nominal is not None and tail[-1].text == ":":
            # nobody named: the document itself speaks ("From the report: “…", "Transcript:")
            return nominal, nominal
        return None

    def subject_of_previous_paragraph(self, span: MarkSpan) -> Any | None:
        """The person a quote paragraph most likely belongs to: the subject of the last
        sentence of the paragraph before, when that is a named person or he/she."""
        if span.paragraph == 0:
            return None
        lo, hi = self.paras[span.paragraph - 1]
        toks = [t for t in self._tokens_in(lo, hi) if not t.is_space]
        if not toks or any(self.in_quote[t.i] for t in toks[-3:]):
            return None
        s = self.sent_of[toks[-1].i]
        root = next((t for t in toks if self.sent_of[t.i] == s and t.dep_ == "ROOT"), None)
        if root is None:
            return None
        for child in root.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                m = self.entity_at.get(child.i)
                if (m is not None and m.label == "PERSON") or child.lower_ in ("he", "she"):
                    return child
        return None

    def _headline_lead(self, span: MarkSpan) -> Speaker | None:
        """A digest item "HEADLINE IN CAPITALS “excerpt …” [Source.]": the excerpt speaks
        for the story its capitalised headline names."""
        lo, _ = self.paras[span.paragraph]
        lead = self.text[lo : span.open_at]
        words = [w for w in lead.split() if any(ch.isalpha() for ch in w)]
        if len(words) < 3 or lead.upper() != lead or "\n" in lead.strip():
            return None
        if lead.rstrip()[-1:] in ("\u2014", "\u2013", "-", ":", ","):
            return None  # a dateline ("WASHINGTON (AP) —") or a label introducing the quote
        toks = [t for t in self._tokens_in(lo, span.open_at) if not t.is_space]
        if not toks:
            return None
        name = self.text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]
        return Speaker(toks[0].i, toks[-1].i + 1, name, None, None, "inferred", 0.4)

    def governing_subject(self, toks: list[Any], span: MarkSpan) -> tuple[Any, Any] | None:
        """(verb, subject) of the clause a quote without a speech verb sits in: whoever
        "attacked “…”", "called it “…”" or "referred to him as “…”" uses the words."""
        inside = {t.i for t in toks}
        lo, hi = self.paras[span.paragraph]
        roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
        roots = [t for t in roots if not t.is_punct] or roots
        for root in roots:
            for depth, node in enumerate(root.ancestors):
                if depth > 6 or not lo <= node.idx < hi or node.i in inside:
                    break
                if node.pos_ not in ("VERB", "AUX"):
                    continue
                subject = self._subject(node)
                if subject is None:
                    continue
                if (
                    self.in_quote[subject.i]
                    or not lo <= subject.idx < hi
                    or subject.lower_ in ("it", "this", "there", "what")
                    or subject.pos_ not in ("NOUN", "PROPN", "PRON")
                ):
                    return None
                return node, subject
        return None

    def _inverted_subject(self, before: list[Any], cue: Any) -> Any | None:
        """In "“…,” wrote one reader" the parser may take the speaker after the verb for
        its object; right after a quote, that noun phrase is the subject."""
        if any(not t.is_punct for t in before):
            return None
        for child in cue.children:
            if (
                child.i > cue.i
                and child.dep_ in ("dobj", "attr")
                and child.pos_ in ("NOUN", "PROPN")
            ):
                return child
        return None

    def _name_after_quote(self, window: list[Any]) -> Any | None:
        """The name that opens the words after a closing mark, when an apposition follows it:
        "“…,” Jane Roe, the group's director, said" (the parser often loses that subject)."""
        toks = [t for t in window if not t.is_punct]
        # the name may follow a title: "“…,” city planner Jane Roe, who …, said"
        # (a party or nationality word before it is part of the title: "Republican pollster …")
        m = next(
            (
                self.entity_at[t.i]
                for t in toks[:4]
                if t.i in self.entity_at and self.entity_at[t.i].label in ("PERSON", "ORG")
            ),
            None,
        )
        if m is None:
            return None
        after = self.doc[m.end] if m.end < len(self.doc) else None
        if after is None or after.text != ",":
            return None
        return self.doc[m.start : m.end].root

    def _nearby_name(self, before: list[Any], cue: Any) -> Any | None:
        """A cue the parser left without a subject: the name just before it, or right after it
        ("“…,” city police Chief Tom Bell said", "said Bell")."""
        for tok in reversed(before[-8:]):
            m = self.entity_at.get(tok.i)
            if m is not None and m.label in ("PERSON", "ORG"):
                return self.doc[m.start : m.end].root
            if tok.is_punct and tok.text != ",":
                break
        for tok in self.doc[cue.i + 1 : min(len(self.doc), cue.i + 4)]:
            m = self.entity_at.get(tok.i)
            if m is not None and m.label in ("PERSON", "ORG"):
                return self.doc[m.start : m.end].root
        return None

    def cue_in_previous_sentence(self, span: MarkSpan) -> tuple[Any, Any] | None:
        """(cue, subject) of the sentence before a quote that has no cue of its own:
        "X said on Monday." or "X said:" ending the previous sentence or paragraph."""
        start = self.paras[max(0, span.paragraph - 1)][0]
        before = [t for t in self._tokens_in(start, span.open_at) if not t.is_space]
        # the opening mark may have been parsed into the previous sentence
        while (
            before
            and before[-1].i >= 0
            and self.in_quote[before[-1].i]
            and self.quote_of_token.get(before[-1].i) == self.marks.index(span)
        ):
            before.pop()
        if not before:
            return None
        s = self.sent_of[before[-1].i]
        sentence = [t for t in before if self.sent_of[t.i] == s]
        if any(self.in_quote[t.i] for t in sentence):
            return None  # the previous sentence is itself a quote: its speaker is handled elsewhere
        for tok in reversed(sentence):
            subject = self._cue_subject(tok)
            if subject is not None:
                return tok, subject
            obj = self._according_to(tok)
            if obj is not None:
                return obj.head.head, obj
        if sentence[-1].text == ":":
            return self._colon_introduction(sentence)
        return None

    # -- main -------------------------------------------------------------
    def find(self) -> list[Quote]:
        """Every quote of the document, in text order."""
        quotes: list[Quote] = []
        previous: Quote | None = None
        previous_span: MarkSpan | None = None
        for span in self.marks:
            q = self._direct_or_partial(span, previous, previous_span)
            if q is None:
                continue
            run_on = (
                previous is not None
                and previous_span is not None
                and previous_span.continues
                and previous_span.paragraph == span.paragraph - 1
            )
            if run_on and previous is not None and q.group_start is None:
                q = _replace(q, group_start=_group_of(previous))
            quotes.append(q)
            self.done.append(q)
            previous, previous_span = q, span
            if q.speaker_key:
                self.last_speaker = q.speaker_key
        quotes = _share_speakers_within_groups(quotes)
        quotes.extend(self._indirect(quotes))
        quotes.sort(key=lambda q: (q.start, q.end))
        return quotes

    def _quote_type(self, span: MarkSpan, toks: list[Any], n_words: int) -> str:
        """direct: a statement of its own; partial: a fragment inside the reporter's sentence."""
        lo, _ = self.paras[span.paragraph]
        before = self.text[lo : span.open_at].rstrip()
        embedded = bool(before) and (before[-1].isalnum() or before[-1] in ")'\u2019")
        has_verb = any(t.pos_ in ("VERB", "AUX") for t in toks)
        statement = (has_verb and n_words >= 3) or n_words >= 6
        if before and before.split()[-1].lower() in (
            "said",
            "says",
            "say",
            "added",
            "wrote",
            "asked",
            "told",
        ):
            return "direct" if statement else "partial"
        return "partial" if embedded or not statement else "direct"

    def _inherit(
        self, previous: Quote, confidence: float, attribution: str | None = None
    ) -> Speaker | None:
        if previous.speaker_start is None or previous.speaker_end is None:
            return None
        toks = self._tokens_in(previous.speaker_start, previous.speaker_end)
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
        )

    def _direct_or_partial(
        self, span: MarkSpan, previous: Quote | None, previous_span: MarkSpan | None
    ) -> Quote | None:
        toks = self._tokens_in(span.start, span.end)
        if not toks:
            return None
        words = _WORD.findall(self.text[span.start : span.end])
        if self._names_a_work(span, words) or self._headline_with_byline(span):
            return None  # CNN's “New Day”, said on “Meet the Press”: a title, whoever speaks
        quote_type = self._quote_type(span, toks, len(words))
        lo, _ = self.paras[span.paragraph]
        opens_paragraph = self.text[lo : span.open_at].strip() == ""
        same_paragraph = previous_span is not None and previous_span.paragraph == span.paragraph
        speaker: Speaker | None = None
        cue: Any | None = None
        group: int | None = None

        above = self.cue_above(toks, span.paragraph)
        if self.text[span.start : span.end].rstrip()[-1:] in (".", "!", "?"):
            # a quote that ends its sentence belongs to the cue that governs it before any
            # cue after it: "X called it “a disaster.” Y wrote …" opens Y's own sentence
            found = above or self.cue_right_after(span)
        else:
            found = self.cue_right_after(span)
            if found is not None and above is not None:
                if (
                    found[1].lower_ in SPEAKER_PRONOUNS
                    and above[0].i < toks[0].i
                    and self._agrees(above[1], found[1], ("PERSON",))
                ):
                    # "X said “…,” she said": the named report before the quote governs it
                    found = above
                elif self._in_adverbial_clause_of(above[0], found[0]):
                    # "Where he once boasted that “…,” now he says …": the quote's own
                    # report in an adverbial clause of the cue after it is a report of its own
                    found = above
            found = found or above
        if found is not None and self._describes_subject(found, toks):
            found = None
        if (
            found is None
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
                or self._only_marks_between(previous, span)
                or self._same_sentence(previous, toks)
            ):
                # “A,” X said on “Title.” “B” — an earlier quote's cue still stands between
                source = self._split_from(span)
            if (
                source is not None
                and source.cue_start is not None
                and not self._new_cue_between(source.cue_start, span)
            ):
                speaker = self._inherit(source, 0.9)
                cue = self.doc.char_span(source.cue_start, source.cue_end, alignment_mode="expand")
                cue = cue[0] if cue is not None and len(cue) else None
                group = _group_of(source)
        if speaker is None and found is None:
            found = self.cue_near(span)
            if found is not None and self._describes_subject(found, toks):
                found = None
            if found is not None:
                cue, subject = self.outer_source(*found, span)
                speaker = self.speaker_from(subject)
                speaker.confidence = min(speaker.confidence, 0.85)
        elif found is not None:
            cue, subject = self.outer_source(*found, span)
            speaker = self.speaker_from(subject)
        title_like = self._title_like(span, words)
        if (
            speaker is None
            and found is None
            and quote_type == "partial"
            and not title_like
            and same_paragraph
            and previous is not None
            and previous.speaker_start is not None
        ):
            subject = self._clause_subject(toks, span.paragraph)
            if subject is not None:
                speaker = self.speaker_from(subject)
                speaker.confidence = min(speaker.confidence, 0.6)
        if speaker is None and (title_like or (quote_type == "partial" and len(words) <= 4)):
            return None  # a name, a title or a scare quote, not a statement
        if speaker is None and previous is not None and previous_span is not None:
            # a quote that runs on over paragraphs, or a quote paragraph after a quoted paragraph
            run_on = previous_span.continues and previous_span.paragraph == span.paragraph - 1
            quote_paragraph = (
                quote_type == "direct"
                and opens_paragraph
                and previous_span.paragraph == span.paragraph - 1
                and (
                    self._paragraph_is_quote(previous_span.paragraph)
                    or self._ends_paragraph(previous_span)
                )
            )
            if quote_paragraph and not run_on:
                # "…” She went on to say:\n“…": a report after the previous quote takes over
                intro = self.cue_in_previous_sentence(span)
                if intro is not None and min(intro[0].idx, intro[1].idx) > previous.end:
                    quote_paragraph = False
            if run_on or quote_paragraph:
                speaker = self._inherit(previous, 0.75, "inferred")
                if run_on:
                    group = (
                        previous.group_start if previous.group_start is not None else previous.start
                    )
        if speaker is None and quote_type == "direct":
            found = self.cue_in_previous_sentence(span)
            if found is not None:
                cue, subject = self.outer_source(*found, span, self._para_of(found[0].idx))
                speaker = self.speaker_from(subject)
                if speaker.attribution == "explicit":
                    speaker.attribution = "inferred"
                speaker.confidence = min(speaker.confidence, 0.7)
        if speaker is None and quote_type == "direct" and opens_paragraph:
            subject = self.subject_of_previous_paragraph(span)
            if subject is not None:
                speaker = self.speaker_from(subject)
                if speaker.attribution == "explicit":
                    speaker.attribution = "inferred"
                speaker.confidence = min(speaker.confidence, 0.5)
        if speaker is None and quote_type == "partial" and len(words) <= 6:
            return None
        if speaker is None:
            speaker = self._headline_lead(span)
        if speaker is None:
            found = self.governing_subject(toks, span)
            if found is not None:
                cue, subject = self.outer_source(*found, span)
                speaker = self.speaker_from(subject)
                if speaker.attribution == "explicit":
                    speaker.attribution = "inferred"
                speaker.confidence = min(speaker.confidence, 0.5)
        if (
            speaker is None
            and previous is not None
            and same_paragraph
            and previous.speaker_start is not None
            and previous.speaker_start < span.open_at
            and not self._new_cue_between(previous.end, span)
        ):
            # "He concluded, “A.” Indeed, “B.”": a later quote of the paragraph with no
            # report of its own goes on with the speaker of the one before
            speaker = self._inherit(previous, 0.6, "inferred")
        sent_i = self.sent_of[toks[0].i]
        if speaker is None:
            return Quote(span.start, span.end, quote_type, "none", 0.0, sent_i, group_start=group)
        s_span = self.doc[speaker.start_tok : speaker.end_tok]
        return Quote(
            start=span.start,
            end=span.end,
            quote_type=quote_type,
            attribution=speaker.attribution,
            confidence=round(speaker.confidence, 2),
            sentence_index=sent_i,
            speaker_start=s_span.start_char,
            speaker_end=s_span.end_char,
            speaker_name=speaker.name,
            speaker_key=speaker.key,
            speaker_role=speaker.role,
            cue_start=cue.idx if cue is not None else None,
            cue_end=cue.idx + len(cue.text) if cue is not None else None,
            group_start=group,
        )

    def _clause_subject(self, toks: list[Any], paragraph: int) -> Any | None:
        """The person whose clause a quoted fragment sits in, with no speech verb:
        "She rails against its “cheating”" (a named person or he/she as the subject)."""
        lo, hi = self.paras[paragraph]
        inside = {t.i for t in toks}
        root = next((t for t in toks if t.head.i not in inside and not t.is_punct), None)
        if root is None:
            return None
        for node in root.ancestors:
            if not lo <= node.idx < hi or self.in_quote[node.i]:
                return None
            if node.pos_ not in ("VERB", "AUX"):
                continue
            subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
            if subject is None:
                continue
            m = self.entity_at.get(subject.i)
            if (m is not None and m.label == "PERSON") or subject.lower_ in ("he", "she"):
                return subject
            return None
        return None

    @staticmethod
    def _in_adverbial_clause_of(inner: Any, outer: Any) -> bool:
        """inner is a verb inside an adverbial clause that hangs on outer."""
        node = inner
        while node.head.i != node.i and node.i != outer.i:
            if node.dep_ == "advcl" and node.head.i == outer.i:
                return bool(node.i < outer.i)
            node = node.head
        return False

    def _describes_subject(self, found: tuple[Any, Any], toks: list[Any]) -> bool:
        """The quote lies inside the subject's own phrase, away from the cue: "X, author of
        “Title,” said …" names a work of the speaker, it is not what the speaker says."""
        cue, subject = found
        lo, hi = subject.left_edge.i, subject.right_edge.i
        words = [t for t in toks if not t.is_punct] or toks
        return not lo <= cue.i <= hi and lo <= words[0].i and words[-1].i <= hi

    def _new_cue_between(self, after: int, span: MarkSpan) -> bool:
        """Another speaker is introduced between an earlier cue and the quote:
        "“…,” said X. Y disagreed: “…”"."""
        near = self.cue_near(span)
        if near is not None and near[0].idx > after and near[1].idx > after:
            return True
        # "“…,” X said. She added that …. “…”": a report of its own in the sentence before
        before = self.cue_in_previous_sentence(span)
        return before is not None and before[0].idx > after and before[1].idx > after

    def _split_from(self, span: MarkSpan) -> Quote | None:
        """The latest earlier quote of the paragraph whose cue stands between it and span."""
        lo, _ = self.paras[span.paragraph]
        for q in reversed(self.done):
            if q.start < lo:
                return None
            if q.cue_start is not None and q.end <= q.cue_start < span.open_at:
                return q
        return None

    def _same_sentence(self, previous: Quote, toks: list[Any]) -> bool:
        """The quote goes on the sentence of the previous quote ("“A” and “B,” she said")."""
        before = self._tokens_in(previous.start, previous.end)
        return bool(before) and self.sent_of[before[-1].i] == self.sent_of[toks[0].i]

    def _only_marks_between(self, previous: Quote, span: MarkSpan) -> bool:
        """Nothing but quotation marks, space and punctuation between two quotes."""
        gap = self.text[previous.end : span.start]
        return not any(ch.isalnum() for ch in gap)

    def _ends_paragraph(self, span: MarkSpan) -> bool:
        """The quote closes its paragraph: "… she said the plan “will work.”"."""
        _, hi = self.paras[span.paragraph]
        return self.text[min(self._after_close(span), hi) : hi].strip(" .") == ""

    def _paragraph_is_quote(self, paragraph: int) -> bool:
        """Most of the paragraph is inside quotation marks."""
        lo, hi = self.paras[paragraph]
        quoted = sum(m.end - m.start for m in self.marks if m.paragraph == paragraph)
        return quoted >= 0.6 * (hi - lo)

    def _names_a_work(self, span: MarkSpan, words: list[str]) -> bool:
        """A short Title Case phrase owned by someone or appearing 'on' something: a show, a
        book or a programme ("NBC's “Meet the Press,”", "said on “This Week.”"), not a
        statement, even with a speaker near."""
        if not words or len(words) > 6 or not words[0][:1].isupper() or not _title_case(words):
            return False
        before = self.text[max(0, span.open_at - 30) : span.open_at].split()
        prev = before[-1] if before else ""
        return prev.endswith(("’s", "'s")) or prev == "on" or prev.strip(",").lower() in WORK_NOUNS

    def _headline_with_byline(self, span: MarkSpan) -> bool:
        """“Headline of a piece,” by Jane Roe — the title of an article, credited to its
        author, not something the author said."""
        lo, _ = self.paras[span.paragraph]
        before = self.text[lo : span.open_at].rstrip()
        if before and before[-1] not in "—–-:.":
            return False  # not a headline standing on its own: “anointed” by God
        inside = self.text[span.start : span.end].rstrip()
        after = self.text[self._after_close(span) : self._after_close(span) + 40]
        if not inside.endswith(",") and not after.startswith(","):
            return False
        return _BYLINE.match(after) is not None

    def _title_like(self, span: MarkSpan, words: list[str]) -> bool:
        """Short Title Case phrases and names introduced as such ('the film “Dune”')."""
        if len(words) > 8:
            return False
        text = self.text[span.start : span.end]
        if text.rstrip()[-1:] in ".!?,":
            return False
        prev_word = self.text[max(0, span.open_at - 20) : span.open_at].split()[-1:] or [""]
        if prev_word[0].lower().strip(",") in TITLE_INTRODUCERS:
            return True
        capitalised = [w for w in words if w[:1].isupper()]
        return len(words) >= 2 and _title_case(words) and len(capitalised) >= 2

    def _indirect(self, direct: list[Quote]) -> list[Quote]:
        """Reported speech: cue verbs outside quotes with a complement clause; 'according to X'."""
        doc = self.doc
        covered = [(q.start, q.end) for q in direct]
        out: list[Quote] = []
        used_cues = {q.cue_start for q in direct if q.cue_start is not None}
        for tok in doc:
            if self.in_quote[tok.i]:
                continue
            content: tuple[int, int] | None = None
            subject: Any | None = None
            if tok.lower_ == "according" and tok.head.i != tok.i:
                obj = self._according_to(tok.head)
                if obj is None:
                    continue
                clause = tok.head
                while clause.dep_ not in ("ROOT", "ccomp", "conj") and clause.head.i != clause.i:
                    clause = clause.head
                toks = [
                    t for t in clause.subtree if not (tok.left_edge.i <= t.i <= obj.right_edge.i)
                ]
                while toks and toks[0].is_punct:
                    toks = toks[1:]
                while toks and toks[-1].is_punct:
                    toks = toks[:-1]
                if len(toks) < 4:
                    continue
                content = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
                subject = obj
            elif self._is_cue(tok, indirect=True) and tok.pos_ == "VERB":
                comp = None
                for child in tok.children:
                    if child.dep_ == "ccomp" or (
                        child.dep_ == "xcomp"
                        and tok.lemma_.lower()
                        in (
                            "urge",
                            "ask",
                            "call",
                            "tell",
                            "warn",
                            "encourage",
                            "advise",
                            "order",
                            "implore",
                            "beg",
                            "promise",
                            "vow",
                            "pledge",
                            "threaten",
                        )
                    ):
                        comp = child
                        break
                if comp is None:
                    continue
                subject = self._subject(tok)
                if subject is None or (subject.i > comp.i and subject.i <= comp.right_edge.i):
                    continue
                left = comp.left_edge.i
                if (
                    tok.lemma_.lower()
                    in (
                        "urge",
                        "ask",
                        "tell",
                        "warn",
                        "encourage",
                        "advise",
                        "order",
                        "implore",
                        "beg",
                    )
                    and comp.dep_ == "xcomp"
                ):
                    for child in tok.children:
                        if child.dep_ in ("dobj", "obj") and child.i < comp.i:
                            left = min(left, child.left_edge.i)
                right = comp.right_edge.i
                toks = list(doc[left : right + 1])
                while toks and (
                    (toks[0].lower_ == "that" and toks[0].dep_ == "mark") or toks[0].is_punct
                ):
                    toks = toks[1:]
                while toks and toks[-1].is_punct and not self.in_quote[toks[-1].i]:
                    toks = toks[:-1]
                if len(toks) < 3:
                    continue
                content = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
            if content is None or subject is None:
                continue
            if tok.idx in used_cues and any(
                s <= content[0] and content[1] <= e for s, e in covered
            ):
                continue
            inside = sum(max(0, min(e, content[1]) - max(s, content[0])) for s, e in covered)
            if inside > 0.5 * (content[1] - content[0]):
                continue  # a direct quote already covers it
            speaker = self.speaker_from(subject)
            s_span = doc[speaker.start_tok : speaker.end_tok]
            out.append(
                Quote(
                    start=content[0],
                    end=content[1],
                    quote_type="indirect",
                    attribution=speaker.attribution,
                    confidence=round(min(speaker.confidence, 0.85), 2),
                    sentence_index=self.sent_of[tok.i],
                    speaker_start=s_span.start_char,
                    speaker_end=s_span.end_char,
                    speaker_name=speaker.name,
                    speaker_key=speaker.key,
                    speaker_role=speaker.role,
                    cue_start=tok.idx,
                    cue_end=tok.idx + len(tok.text),
                )
            )
        return out


_TITLE_SMALL_WORDS = frozenset("a an the of and in on for to at with or from by is".split())


def _title_case(words: list[str]) -> bool:
    """Every word capitalised but the small ones ("Meet the Press")."""
    return all(w[:1].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)


def _first(items: list[str]) -> str | None:
    return items[0] if items else None


def _replace(q: Quote, **changes: Any) -> Quote:
    from dataclasses import replace

    return replace(q, **changes)


def find_quotes(doc: Any, mentions: list[EntityMention]) -> list[Quote]:
    """All quotes of a parsed Doc whose entities were resolved by `resolve_entities`."""
    return QuoteFinder(doc, mentions).find()


def _group_of(q: Quote) -> int:
    return q.group_start if q.group_start is not None else q.start


def _share_speakers_within_groups(quotes: list[Quote]) -> list[Quote]:
    """Parts of one quote (split or over paragraphs) left without a speaker take the
    speaker found for another part ("“…\n“…,” she said." names her only at the end)."""
    by_group: dict[int, Quote] = {}
    for q in quotes:
        if q.speaker_start is not None and _group_of(q) not in by_group:
            by_group[_group_of(q)] = q
    out = []
    for q in quotes:
        source = by_group.get(_group_of(q))
        if q.speaker_start is None and source is not None:
            q = _replace(
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
            )
        out.append(q)
    return out


def _joins_a_new_clause(before: list[Any]) -> bool:
    """Words between a closing mark and a cue that open a clause of its own: a coordinating
    ("and", "but") or subordinating conjunction ("when", "until"); "as" still reports."""
    return any(
        t.lower_ != "as"
        and (t.pos_ == "CCONJ" or t.tag_ == "WRB" or t.dep_ == "mark" or t.lower_ in CLAUSE_OPENERS)
        for t in before
    )
