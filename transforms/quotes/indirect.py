"""Reported speech: what a cue outside quotation marks reports, with its source.

Each frame is a strategy of its own (`STRATEGIES`) that proposes candidates: a cue
token, its source, the content's character spans and a lexicon key such as
`ccomp:warn` or `dobj:deny`:
- `indirect_complement`: a verb with a complement clause, "X warned that …", "X urged
  voters to …" (the object is part of what is urged);
- `indirect_object`: a verb whose object is the content, "X denied the allegations";
- `indirect_preposition`: a verb and preposition, "X warned of higher prices";
- `indirect_parenthetical`: "…, X said, …" inside or at the end of the clause it reports
  (the content is the clause without the reporting words, in two parts when they
  stand in the middle);
- `indirect_belief`: "X is convinced that …";
- `according_to`: the clause of "according to X".
A candidate is kept when the cue model (`cue_weights`, a logistic model over the key, the
kind of source, the cue's grammar and the content's length) gives it a probability of at
least the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Token

from transforms.cues import (
    BELIEF_ADJECTIVES,
    CUE_NOUNS,
    DOCUMENT_NOUNS,
    GROUP_WORDS,
    NOUN_CUES,
    OBJECT_CUES,
    ORG_ROLE_NOUNS,
    PEOPLE_NOUNS,
    PERSON_ROLE_NOUNS,
    PREPOSITION_CUES,
    is_indirect_cue_lemma,
)
from transforms.quotes.article import Article
from transforms.quotes.grammar import according_to, subject
from transforms.quotes.lexicon import (
    OBJECT_XCOMP_CUES,
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    XCOMP_CUES,
    is_cue,
    statement_kind,
)
from transforms.quotes.marks import depth
from transforms.quotes.model import Quote
from transforms.quotes.speakers import quote_with_speaker, speaker_from
from transforms.quotes.strategies import Settings

Content = tuple[int, int]  # character offsets

# right-hand dependents of a verb that belong to its object's content
_OBJECT_EXTENSION = frozenset({"dobj", "dative", "prep", "oprd", "acomp", "xcomp", "ccomp"})
# nouns of the occasion of a statement ("in a statement", "at a rally", "on Twitter")
_SETTING_NOUNS = CUE_NOUNS | frozenset(
    "rally event conference meeting hearing debate press call show program programme"
    " twitter facebook television radio camera".split()
)
# subjects that stand for no source ("it seems", "there is")
_NO_SOURCE = frozenset({"it", "there", "this", "what", "you"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A reported statement proposed by one frame."""

    frame: str  # the strategy that proposed it
    key: str  # lexicon key whose weight decides: "<frame code>:<lemma>"
    cue: Token
    source: Token | None  # None: nobody named (a passive, a clause without a subject)
    parts: tuple[Content, ...]  # the content, in one part or two around the cue
    cue_chars: Content | None = None  # the cue's words, when more than the cue token

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


def word_lemma(tok: Token) -> str:
    """The lemma of a common word, or "?" for anything that may be a name or a symbol (a
    capitalised word outside the hand-made lexicon): keys never carry a name."""
    lemma = american(tok.lemma_.lower())
    if not lemma.isalpha() or not lemma.isascii():
        return "?"
    if not tok.is_lower and not is_indirect_cue_lemma(lemma) and lemma not in OBJECT_CUES:
        return "?"
    return lemma


def american(lemma: str) -> str:
    """One spelling per cue: "criticise" and "favour" are keyed as "criticize", "favor"
    when the lexicon knows that form (the model learned on American spellings)."""
    for british, us in (("ise", "ize"), ("our", "or")):
        if lemma.endswith(british):
            other = lemma[: -len(british)] + us
            if is_indirect_cue_lemma(other) or other in OBJECT_CUES:
                return other
    return lemma


def cue_lemma(tok: Token) -> str:
    """The cue's lemma with its particle: "point_out", "brush_aside"."""
    lemma = word_lemma(tok)
    prt = next((c.lower_ for c in tok.children if c.dep_ == "prt" and c.is_alpha), None)
    return f"{lemma}_{prt}" if prt and lemma != "?" else lemma


def _span(a: Article, toks: list[Token]) -> Content | None:
    """Character span of tokens, without a leading "that", edge punctuation and space."""
    while toks and (
        (toks[0].lower_ == "that" and toks[0].dep_ == "mark")
        or toks[0].is_punct
        or toks[0].is_space
    ):
        toks = toks[1:]
    while toks and (toks[-1].is_space or (toks[-1].is_punct and not a.in_quote[toks[-1].i])):
        toks = toks[:-1]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _words(a: Article, content: Content) -> int:
    return len(a.text[content[0] : content[1]].split())


# a candidate's source: the token, None for a report without one, or _REJECT
_REJECT = "reject"


def _source(
    a: Article, tok: Token, content_toks: range, speech: bool = False
) -> Token | str | None:
    """The cue's subject, when it stands outside the content and could be a source
    ("it" only for a verb of saying: "It said …" of an organisation); None when the cue
    has no subject (a passive, a participle); _REJECT when it is inside the content or
    stands for nobody ("there is", "what")."""
    subj = subject(a, tok)
    if subj is None:
        return None
    if subj.i in content_toks:
        return _REJECT
    if subj.lower_ in _NO_SOURCE and not (speech and subj.lower_ in ("it", "you")):
        return _REJECT
    return subj


def complement_content(a: Article, tok: Token) -> Candidate | None:
    """The complement clause of a verb and the verb's subject: "X warned that …",
    "X urged voters to …" (the object is part of what is urged). Of two complement
    clauses the one after the verb is what it reports."""
    if tok.pos_ != "VERB":
        return None
    lemma = tok.lemma_.lower()
    comps = [c for c in a.children(tok) if c.dep_ in ("ccomp", "xcomp")]
    # after the verb first, and a clause before an infinitive unless the verb reports one
    comps.sort(key=lambda c: (c.i < tok.i, (c.dep_ == "xcomp") != (lemma in XCOMP_CUES), c.i))
    if not comps:
        return None
    comp = comps[0]
    left = comp.left_edge.i
    if lemma in OBJECT_XCOMP_CUES and comp.dep_ == "xcomp":
        for child in a.children(tok):
            if child.dep_ in ("dobj", "obj") and child.i < comp.i:
                left = min(left, child.left_edge.i)
    right = comp.right_edge.i
    if comp.i > tok.i:
        left = _misattached_start(a, tok, left)
        right = _continued_end(a, tok, comp, right)
    subj = _source(a, tok, range(left, right + 1), speech=is_cue(tok, indirect=True))
    if isinstance(subj, str):
        return None
    content = _span(a, list(a.doc[left : right + 1]))
    if content is None or len(a.tokens_in(*content)) < 3:
        return None
    return Candidate("indirect_complement", f"{comp.dep_}:{cue_lemma(tok)}", tok, subj, (content,))


def _misattached_start(a: Article, cue: Token, left: int) -> int:
    """ "X stressed that trade is …" with "trade" hung on the cue: the clause starts at
    the "that" after the cue, when only words (no comma) stand between it and the clause."""
    between = a.doc[cue.i + 1 : left]
    mark = next((t for t in between if t.lower_ == "that" and t.dep_ == "mark"), None)
    if mark is None or mark.i + 1 >= left:
        return left
    if any(t.is_punct or a.in_quote[t.i] for t in a.doc[mark.i + 1 : left]):
        return left
    return mark.i


def _continued_end(a: Article, cue: Token, comp: Token, right: int) -> int:
    """The report goes on in a clause the parser hung on the cue rather than on the
    complement: "X said A, but that B", "X said A and would then B"."""
    for c in sorted(
        (c for c in a.children(cue) if c.dep_ == "conj" and c.i > comp.i), key=lambda c: c.i
    ):
        own_subject = any(g.dep_ in SUBJECT_DEPS for g in a.children(c))
        that = any(g.dep_ == "mark" and g.lower_ == "that" for g in a.children(c))
        modal = any(g.dep_ == "aux" and g.tag_ == "MD" for g in a.children(c))
        if that or (modal and not own_subject):
            right = max(right, c.right_edge.i)
        else:
            break
    return right


def _setting(tok: Token) -> bool:
    """A phrase that says when or where something was said, not what: "on Tuesday",
    "in a statement", "at a rally"."""
    if tok.dep_ != "prep":
        return False
    obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if obj is None:
        return False
    return obj.ent_type_ in ("DATE", "TIME") or obj.lemma_.lower() in _SETTING_NOUNS


def object_content(a: Article, tok: Token) -> Candidate | None:
    """The object of a verb with what follows it in the verb's phrase: "X denied the
    allegations", "X criticised him for his votes"."""
    if tok.pos_ != "VERB" or any(c.dep_ in ("ccomp", "xcomp") for c in a.children(tok)):
        return None
    right = sorted((c for c in a.children(tok) if c.i > tok.i), key=lambda c: c.i)
    start = next((n for n, c in enumerate(right) if c.dep_ == "dobj"), None)
    if start is None:
        return None
    end = start
    while (
        end + 1 < len(right)
        and right[end + 1].dep_ in _OBJECT_EXTENSION
        and not _setting(right[end + 1])
    ):
        end += 1
    lo, hi = right[start].left_edge.i, right[end].right_edge.i
    subj = _source(a, tok, range(lo, hi + 1))
    if isinstance(subj, str):
        return None
    content = _span(a, list(a.doc[lo : hi + 1]))
    if content is None:
        return None
    return Candidate("indirect_object", f"dobj:{cue_lemma(tok)}", tok, subj, (content,))


def preposition_content(a: Article, tok: Token) -> Candidate | None:
    """The object of a verb's preposition: "X warned of higher prices", "X called for a
    ban" (a verb with an object of its own is `object_content`'s)."""
    if tok.pos_ != "VERB" or any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in a.children(tok)):
        return None
    prep = next((c for c in a.children(tok) if c.dep_ == "prep" and c.i > tok.i), None)
    if prep is None:
        return None
    obj = next((c for c in a.children(prep) if c.dep_ in ("pobj", "pcomp")), None)
    if obj is None:
        return None
    lo, hi = obj.left_edge.i, obj.right_edge.i
    subj = _source(a, tok, range(lo, hi + 1))
    if isinstance(subj, str):
        return None
    content = _span(a, list(a.doc[lo : hi + 1]))
    if content is None:
        return None
    key = f"prep:{word_lemma(tok)}_{word_lemma(prep)}"
    return Candidate("indirect_preposition", key, tok, subj, (content,))


def parenthetical_content(a: Article, tok: Token) -> Candidate | None:
    """ "Prices, she said, will rise." / "Prices will rise, she said.": a reporting clause
    hung on the clause it reports; the content is that clause without it."""
    head = tok.head
    if tok.dep_ != "parataxis" or head.i == tok.i or a.in_quote[head.i]:
        return None
    if any(c.dep_ in ("ccomp", "xcomp") for c in a.children(tok)):
        return None  # a report of its own
    subj = next((c for c in a.children(tok) if c.dep_ in SUBJECT_DEPS), None)
    if subj is None or subj.lower_ in _NO_SOURCE or a.in_quote[subj.i]:
        return None
    lo, hi = tok.left_edge.i, tok.right_edge.i
    clause = [t for t in head.subtree if not lo <= t.i <= hi]
    before = _span(a, [t for t in clause if t.i < lo])
    after = _span(a, [t for t in clause if t.i > hi])
    parts = tuple(p for p in (before, after) if p is not None)
    if not parts or sum(_words(a, p) for p in parts) < 3:
        return None
    return Candidate("indirect_parenthetical", f"paren:{cue_lemma(tok)}", tok, subj, parts)


def belief_content(a: Article, tok: Token) -> Candidate | None:
    """ "X is convinced that …", "X is confident the plan works": an adjective of belief
    with a complement clause; the source is the subject of the copula."""
    if tok.pos_ not in ("ADJ", "VERB") or tok.lower_ not in BELIEF_ADJECTIVES:
        return None
    comp = next((c for c in a.children(tok) if c.dep_ == "ccomp" and c.i > tok.i), None)
    if comp is None or tok.dep_ not in ("acomp", "ROOT", "ccomp", "conj"):
        return None
    verb = tok.head if tok.dep_ == "acomp" else tok
    subj = _source(a, verb, range(comp.left_edge.i, comp.right_edge.i + 1))
    if subj is None or isinstance(subj, str):
        return None
    content = _span(a, list(a.doc[comp.left_edge.i : comp.right_edge.i + 1]))
    if content is None or _words(a, content) < 3:
        return None
    return Candidate("indirect_belief", f"adj:{word_lemma(tok)}", tok, subj, (content,))


def according_to_content(a: Article, tok: Token) -> Candidate | None:
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
    content = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
    to = obj.head
    cue_chars = (tok.idx, to.idx + len(to.text))
    return Candidate("according_to", "according", tok, obj, (content,), cue_chars)


# verbs that only carry a noun of saying: "voiced support", "made the claim"
_LIGHT_VERBS = frozenset(
    "voice express make issue offer give lodge file raise deliver repeat reiterate renew"
    " announce signal state declare".split()
)
_NOUN_PREPOSITIONS = frozenset("of for on about against to toward towards over with".split())


def noun_content(a: Article, tok: Token) -> Candidate | None:
    """The complement of a noun of saying, stance or plan: "her decision to run", "his
    claim that …", "support for the plan", "attacks on him"; the source is the noun's
    owner ("Roe's", "his"), or nobody named."""
    if tok.pos_ != "NOUN" or word_lemma(tok) not in NOUN_CUES:
        return None
    comp = next((c for c in a.children(tok) if c.dep_ in ("acl", "ccomp") and c.i > tok.i), None)
    if comp is not None:
        lo, hi, how = comp.left_edge.i, comp.right_edge.i, "clause"
    else:
        prep = next(
            (c for c in a.children(tok) if c.dep_ == "prep" and c.lower_ in _NOUN_PREPOSITIONS),
            None,
        )
        obj = (
            next((c for c in a.children(prep) if c.dep_ in ("pobj", "pcomp")), None)
            if prep
            else None
        )
        if prep is None or obj is None or prep.i < tok.i:
            return None
        lo, hi, how = obj.left_edge.i, obj.right_edge.i, prep.lower_
    owner = next((c for c in a.children(tok) if c.dep_ == "poss" and not a.in_quote[c.i]), None)
    if owner is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in _LIGHT_VERBS:
        # "X voiced support for …", "X made the claim that …": the one who voices it
        found = subject(a, tok.head)
        owner = found if found is not None and not a.in_quote[found.i] else None
    content = _span(a, list(a.doc[lo : hi + 1]))
    if content is None:
        return None
    return Candidate("indirect_noun", f"noun:{word_lemma(tok)}_{how}", tok, owner, (content,))


# labels that open a line without being anyone's words ("Update: …", "Photo: …")
_LINE_LABELS = frozenset(
    "update updated note correction photo photos video watch read related editor breaking"
    " live transcript source sources".split()
)


def headline_content(a: Article, tok: Token) -> Candidate | None:
    """A headline "Source: what they said" ("Poll: most voters …", "Jane Roe: the plan
    will work"): a line that opens with a name or a document and a colon (tok is the
    colon)."""
    if tok.text != ":" or tok.i == 0:
        return None
    lo, hi = a.paras[a.para_of(tok.idx)]
    head = a.tokens_in(lo, tok.idx)
    words = [t for t in head if not t.is_space]
    if not 1 <= len(words) <= 5 or any(w.is_punct for w in words):
        return None
    if any(w.lower_ in _LINE_LABELS for w in words) or not all(
        w.is_title or w.is_upper for w in words
    ):
        return None
    named = [a.entity_at[w.i] for w in words if w.i in a.entity_at]
    documentary = any(w.lemma_.lower() in DOCUMENT_NOUNS for w in words)
    if not documentary and not any(m.label in ("PERSON", "ORG", "NORP", "GPE") for m in named):
        return None
    rest = [t for t in a.tokens_in(tok.idx + 1, hi) if not t.is_space]
    content = _span(a, rest)
    if content is None or _words(a, content) < 3:
        return None
    source = next((a.entity_root(m) for m in named), None) or words[-1]
    return Candidate("indirect_headline", "headline", tok, source, (content,))


def colon_content(a: Article, tok: Token) -> Candidate | None:
    """ "X said: the plan will work. It costs little." with no quotation marks: what
    follows the colon, to the end of the paragraph, over as many sentences as it has."""
    if tok.pos_ != "VERB" or not is_cue(tok, indirect=True) or tok.i + 1 >= len(a.doc):
        return None
    colon = a.doc[tok.i + 1]
    if colon.text != ":":
        return None
    _, hi = a.paras[a.para_of(tok.idx)]
    rest = [t for t in a.tokens_in(colon.idx + 1, hi) if not t.is_space]
    content = _span(a, rest)
    if content is None or _words(a, content) < 3:
        return None
    subj = _source(a, tok, range(rest[0].i, rest[-1].i + 1), speech=True)
    if isinstance(subj, str):
        return None
    return Candidate("indirect_colon", f"colon:{cue_lemma(tok)}", tok, subj, (content,))


FRAMES = (
    ("indirect_complement", complement_content),
    ("indirect_colon", colon_content),
    ("indirect_object", object_content),
    ("indirect_preposition", preposition_content),
    ("indirect_parenthetical", parenthetical_content),
    ("indirect_belief", belief_content),
    ("indirect_noun", noun_content),
    ("indirect_headline", headline_content),
)


# the frames that can start at a token, by its part of speech
_FRAMES_BY_POS: dict[str, tuple[str, ...]] = {
    "VERB": (
        "indirect_complement",
        "indirect_colon",
        "indirect_object",
        "indirect_preposition",
        "indirect_parenthetical",
        "indirect_belief",
    ),
    "ADJ": ("indirect_belief",),
    "NOUN": ("indirect_noun",),
    "PUNCT": ("indirect_headline",),
}


def candidates(a: Article, settings: Settings) -> list[Candidate]:
    """Every candidate the frames switched on propose, before weighting, in text order."""
    frames = dict(FRAMES)
    out: list[Candidate] = []
    doc = a.doc
    strings = doc.vocab.strings
    wanted = {strings[p] for p in _FRAMES_BY_POS}
    according = strings["according"]
    rows = doc.to_array(["POS", "LOWER"]).tolist() if len(doc) else []
    for i, (pos, lower) in enumerate(rows):
        if a.in_quote[i] or (pos not in wanted and lower != according):
            continue
        tok = doc[i]
        if tok.lower_ == "according" and tok.head.i != tok.i:
            if settings.on("according_to"):
                found = according_to_content(a, tok)
                if found is not None:
                    out.append(found)
            continue
        for name in _FRAMES_BY_POS.get(tok.pos_, ()):
            if settings.on(name):
                found = frames[name](a, tok)
                if found is not None:
                    out.append(found)
    return out


def prior(c: Candidate) -> float:
    """What the hand-made lexicon says of a key before any counts."""
    code = c.key.partition(":")[0]
    tok = c.cue
    lemma = tok.lemma_.lower()
    if code == "ccomp":
        return 1.0 if is_cue(tok, indirect=True) else 0.0
    if code == "xcomp":
        return 1.0 if is_cue(tok, indirect=True) and lemma in XCOMP_CUES else 0.0
    if code == "dobj":
        return 0.6 if lemma in OBJECT_CUES else 0.0
    if code == "prep":
        prep = c.key.rpartition("_")[2]
        return 0.6 if (lemma, prep) in PREPOSITION_CUES else 0.0
    if code == "paren":
        return 1.0 if is_cue(tok) else 0.0
    if code == "adj":
        return 0.8
    if code == "noun":
        return 0.0
    if code == "colon":
        return 0.8
    if code == "headline":
        return 0.8
    return 1.0  # according to


def source_class(a: Article, tok: Token) -> str:
    """A coarse class of a source token, for the cue model's features."""
    m = a.entity_at.get(tok.i)
    if m is not None:
        return f"named_{m.label.lower()}"
    lower, lemma = tok.lower_, tok.lemma_.lower()
    if lower in ("he", "she", "i"):
        return "pron_person"
    if lower in ("we", "they"):
        return "pron_group"
    if lower in RELATIVE_PRONOUNS:
        return "relative"
    if lower == "it":
        return "it"
    if lemma in DOCUMENT_NOUNS:
        return "document"
    if lemma in ORG_ROLE_NOUNS and lemma not in PERSON_ROLE_NOUNS:
        return "organisation"
    if lemma in GROUP_WORDS or lower in GROUP_WORDS:
        return "group"
    if lemma in PERSON_ROLE_NOUNS or lemma in PEOPLE_NOUNS:
        return "people" if tok.tag_ in ("NNS", "NNPS") else "role"
    return "propn" if tok.pos_ == "PROPN" else "other"


def _length_bucket(n: int) -> str:
    return "1" if n <= 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16+"


class CandidateIndex:
    """What features need to know about all the candidates of an article at once: which
    characters some candidate's content covers (a cue there is a report in a report)."""

    def __init__(self, text_length: int, found: Sequence[Candidate]) -> None:
        parts = [p for c in found for p in c.parts]
        self.covered = depth(text_length, parts) > 0

    def inside_a_content(self, char: int) -> bool:
        return 0 <= char < len(self.covered) and bool(self.covered[char])


def features(a: Article, c: Candidate, index: CandidateIndex | None = None) -> list[str]:
    """The cue model's features of a candidate: its key, frame and the hand-made prior,
    the kind of source and of content, the cue's grammar, the content's length, and
    whether the cue stands inside another candidate's content (a report in a report).
    index: over every candidate of the article."""
    code = c.key.partition(":")[0]
    cue = c.cue
    src = source_class(a, c.source) if c.source is not None else "none"
    n = sum(_words(a, p) for p in c.parts)
    length = _length_bucket(n)
    out = [
        f"key={c.key}",
        f"frame={code}",
        f"prior={prior(c):.1f}",
        f"src={src}",
        f"{code}|src={src}",
        f"{c.key}|src={src}",
        f"dep={cue.dep_}",
        f"{code}|dep={cue.dep_}",
        f"tag={cue.tag_}",
        f"len={length}",
        f"{code}|len={length}",
    ]
    out.append(f"lemma={c.key.partition(':')[2].split('_')[0]}")
    content_head = _content_head(a, c)
    if content_head is not None:
        obj = _object_class(a, content_head)
        out += [f"obj={obj}", f"{code}|obj={obj}"]
    deps = {(ch.dep_, ch.tag_) for ch in a.children(cue)}
    if any(d == "auxpass" for d, _ in deps):
        out.append("passive")
    if any(d == "neg" for d, _ in deps):
        out.append("negated")
    if ("aux", "MD") in deps:
        out.append("modal")
    if a.marks.quoted_between(c.start, c.end):
        out.append("quoted")
    if index is not None and index.inside_a_content(cue.idx):
        out.append("nested")
        out.append(f"{code}|nested")
    if a.sent_quoted[a.sent_of[cue.i]]:
        out.append("sentence_quoted")
    return out


def _content_head(a: Article, c: Candidate) -> Token | None:
    span = a.doc.char_span(c.parts[0][0], c.parts[0][1], alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _object_class(a: Article, tok: Token) -> str:
    """What the content is headed by: a pronoun, a named entity, a clause, a noun."""
    m = a.entity_at.get(tok.i)
    if m is not None:
        return "named_person" if m.label == "PERSON" else "named"
    if tok.pos_ == "PRON":
        return "pronoun"
    if tok.pos_ in ("VERB", "AUX"):
        return "clause"
    return "number" if tok.like_num or tok.pos_ == "NUM" else "noun"


@dataclass(frozen=True, slots=True)
class CueModel:
    """A logistic model over candidate features: P(reported speech) = sigmoid(bias + sum)."""

    bias: float
    weights: Mapping[str, float]

    def probability(self, feats: list[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def named_belief(a: Article, c: Candidate) -> bool:
    """A belief whose holder is named (or he/she), with a clause for content: "Jane Roe
    believes that …", "She is convinced that …". Kept whatever the cue model says: what a
    named person thinks is what analysts ask for beside what they said."""
    if c.frame not in ("indirect_complement", "indirect_belief") or c.key.startswith("xcomp"):
        return False
    if statement_kind(c.cue) != "belief" or c.cue.lemma_.lower() in ("want", "plan", "seek"):
        return False
    if c.source is None:
        return False
    return source_class(a, c.source) in ("named_person", "named_org", "pron_person")


class DirectCover:
    """Where the direct and partial quotes of an article are, and which cues they used."""

    def __init__(self, text_length: int, direct: list[Quote]) -> None:
        self.spans = [(q.start, q.end) for q in direct]
        self.used_cues = {q.cue_start for q in direct if q.cue_start is not None}
        # prefix[c]: sum over quotes of their characters before c
        self.prefix = np.concatenate(([0], np.cumsum(depth(text_length, self.spans))))

    def overlap(self, start: int, end: int) -> int:
        return int(self.prefix[end] - self.prefix[start])


def kept(c: Candidate, cover: DirectCover) -> bool:
    """The candidate is not a direct quote's content already."""
    if c.cue.idx in cover.used_cues and any(s <= c.start and c.end <= e for s, e in cover.spans):
        return False
    length = sum(e - s for s, e in c.parts)
    inside = sum(cover.overlap(ps, pe) for ps, pe in c.parts)
    return inside <= 0.5 * length  # else a direct quote already covers it


def find_indirect(
    a: Article,
    settings: Settings,
    direct: list[Quote],
    last_speaker: str | None,
    model: CueModel,
) -> list[Quote]:
    """Reported speech outside the direct quotes already found."""
    cover = DirectCover(len(a.text), direct)
    out: list[Quote] = []
    seen: set[tuple[Content, ...]] = set()
    found = candidates(a, settings)
    index = CandidateIndex(len(a.text), found)
    accepted: list[Candidate] = []
    for c in found:
        if c.parts in seen:
            continue
        if model.probability(features(a, c, index)) < settings.threshold and not named_belief(a, c):
            continue
        if not kept(c, cover):
            continue
        seen.add(c.parts)
        accepted.append(c)
    for c in accepted:
        if any(
            o.cue.i == c.cue.i and o is not c and o.start <= c.start and c.end <= o.end
            for o in accepted
        ):
            continue  # one report, two readings: the fuller one ("X said: A. B." over "A")
        speaker = speaker_from(a, c.source, last_speaker) if c.source is not None else None
        group = c.start if len(c.parts) > 1 else None
        for s, e in c.parts:
            out.append(
                quote_with_speaker(
                    s,
                    e,
                    "indirect",
                    a.sent_of[c.cue.i],
                    a,
                    speaker,
                    c.cue,
                    group,
                    max_confidence=0.85,
                    cue_chars=c.cue_chars,
                )
            )
    return out
