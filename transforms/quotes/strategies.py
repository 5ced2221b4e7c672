"""Cue strategies for quoted text: each finds, on its own, the (cue, subject) or the
speaker of one quotation-mark span, or nothing. `direct.py` tries them in order of
trust; `STRATEGIES` names every one, so a test can run one alone and a benchmark can
switch one off (`Settings.disabled`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from spacy.tokens import Token

from transforms.cues import CLAIM_NOUNS, CUE_NOUNS, SPEAKER_PRONOUNS
from transforms.quotemarks import MarkSpan
from transforms.quotes.article import Article
from transforms.quotes.grammar import (
    according_to,
    agrees,
    could_speak,
    cue_subject,
    joins_a_new_clause,
    subject,
    thought_subject,
)
from transforms.quotes.lexicon import POSSESSIVE_PRONOUNS, SUBJECT_DEPS, is_cue
from transforms.quotes.model import Speaker
from transforms.quotes.outer import Found, named_outer_cue

# name -> what the strategy does; the names are the values of Settings.disabled
STRATEGIES: Final[dict[str, str]] = {
    "tree": "the nearest speech verb above the quote in the parse, or 'according to X' there",
    "after": "a cue clause hard after the closing mark (“…,” she said)",
    "split": "a split quote or a quote right after another takes the earlier quote's cue",
    "near": "a cue clause near the quote: after it, or before it (X said: “…)",
    "outer": "a report within a report goes to its outermost source",
    "clause_subject": "a quoted fragment goes to the named subject of its clause",
    "run_on": "a quote running over paragraphs, or a quote paragraph, keeps its speaker",
    "previous_sentence": "the cue of the sentence before a quote that has none",
    "previous_paragraph": "the named subject of the paragraph before a quote paragraph",
    "headline": "a headline in capitals speaks for the excerpt after it",
    "governing_subject": "the subject of the clause a quote without a speech verb is in",
    "paragraph_speaker": "a later quote of the paragraph with no cue keeps the speaker",
    "group_share": "parts of one quote left without a speaker take the speaker of another",
    "titles": "titles of works and headlines with a byline are not statements",
    "indirect_complement": "reported speech: a cue verb with a clausal complement",
    "indirect_object": "reported speech: a cue verb whose object is the content",
    "indirect_colon": "reported speech: what follows 'X said:' to the end of the paragraph",
    "indirect_preposition": "reported speech: a cue verb and preposition (warned of …)",
    "indirect_parenthetical": "reported speech: the clause around '…, X said, …'",
    "indirect_belief": "reported speech: an adjective of belief (X is convinced that …)",
    "indirect_noun": "reported speech: a noun of saying or stance (his claim that …)",
    "indirect_headline": "reported speech: a headline 'Source: what they said'",
    "according_to": "reported speech: the clause of 'according to X'",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Which strategies run (all by default), and how reported speech is weighed:
    a candidate is kept when the cue model gives it at least `threshold`; `cue_model`
    (bias, feature weights) replaces the shipped model (for cross-validation)."""

    disabled: frozenset[str] = field(default_factory=frozenset)
    threshold: float = 0.5
    cue_model: tuple[float, Mapping[str, float]] | None = None

    def __post_init__(self) -> None:
        unknown = sorted(self.disabled - STRATEGIES.keys())
        if unknown:
            raise ValueError(f"unknown quote strategies {unknown}; known: {sorted(STRATEGIES)}")

    def on(self, name: str) -> bool:
        """The strategy runs."""
        return name not in self.disabled


def cue_above(a: Article, toks: list[Token], paragraph: int) -> Found | None:
    """(cue, subject) governing the span: the nearest speech verb above it in the tree,
    an "according to X" on the way up, or a parenthetical "he said" attached there.
    Only within the quote's paragraph: the parser's sentences can run across them."""
    inside = {t.i for t in toks}
    here = a.in_paragraph(paragraph)
    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    # a closing "." or "," inside the marks hangs on whatever the parser chose
    roots = [t for t in roots if not t.is_punct] or roots
    best: tuple[int, Token, Token] | None = None
    for root in roots:
        path = [root, *root.ancestors]
        for depth, node in enumerate(path):
            if depth > 8 or (best is not None and depth >= best[0]) or not here(node):
                break
            found: Found | None = None
            if depth and node.i not in inside:
                owner = claim_owner(a, node, path[depth - 1])
                if owner is not None and here(owner):
                    found = (node, owner)
            if found is None and node.i not in inside:
                subj = cue_subject(a, node)
                if subj is None and depth and path[depth - 1].dep_ == "ccomp":
                    # a verb of thought whose complement clause holds the quote:
                    # "the survey found that “…”"
                    subj = thought_subject(a, node)
                if subj is not None and here(subj):
                    found = (node, subj)
            if found is None:
                obj = according_to(node)
                if obj is not None and not a.in_quote[obj.i] and here(obj):
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
                        and not joins_a_new_clause([c for c in child.children if c.i < child.i])
                    ):
                        subj = cue_subject(a, child)
                        if (
                            subj is not None
                            and here(subj)
                            and (node.i not in inside or subj.head.i == child.i)
                        ):
                            # (a clause on the quote's own verb speaks only with a subject
                            # of its own: in "X said Y had “…” there, calling it …" the
                            # subject of "calling" is Y, inside the report)
                            found = (child, subj)
                            break
            if found is not None:
                best = (depth, *found)
                break
    if best is None:
        return None
    cue, subj = best[1], best[2]
    first = min(inside)
    for child in cue.children:
        # "X said as Y yelled: “…”": the clause that ends in the colon introduces the quote
        if (
            child.dep_ == "advcl"
            and cue.i < child.i < first
            and child.right_edge.i + 1 < first
            and a.doc[child.right_edge.i + 1].text == ":"
            and all(t.is_punct for t in a.doc[child.right_edge.i + 1 : first])
        ):
            inner = cue_subject(a, child)
            if inner is not None and here(inner) and inner.i > cue.i:
                return child, inner
    if subj.lower_ in SPEAKER_PRONOUNS:
        # "Roe says she'd tell him “enough delays”": the named speaker of the
        # outer cue is the source, the pronoun only repeats it
        outer = named_outer_cue(a, cue, subj, here)
        if outer is not None:
            return outer
    return cue, subj


def claim_owner(a: Article, noun: Token, below: Token) -> Token | None:
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
        if child.dep_ != "poss" or a.in_quote[child.i]:
            continue
        if child.lower_ in POSSESSIVE_PRONOUNS:
            # "Roe defended his remarks calling it “…”": the named subject of the clause
            # the claim is in, when the pronoun can stand for it
            verb = next((x for x in noun.ancestors if x.pos_ in ("VERB", "AUX")), None)
            if verb is not None:
                subj = subject(a, verb)
                if subj is not None and agrees(a, subj, child, ("PERSON",)):
                    return subj
            return child
        if could_speak(a, child):
            return child
    return None


def cue_right_after(a: Article, span: MarkSpan) -> Found | None:
    """A cue clause hard after the closing mark: "…,” she said" / "…,” said Smith" /
    "…,” Smith said in an email". The most direct attribution a quote can have."""
    _, hi = a.paras[span.paragraph]
    toks = [t for t in a.tokens_in(min(a.marks.after_close(span), hi), hi) if not t.is_space]
    # after a quote that ends its sentence ("…prevails.”") only a bare "he said" counts,
    # not the next sentence ("However, he also asserted …")
    ended = a.marks.ends_sentence(span)
    last = a.text[span.start : span.end].rstrip()[-1:]
    if toks and not (last in ",.!?:;\u2014\u2013-\u2026" or toks[0].is_punct):
        return None  # "called it “a fair deal” before Roe announced …": no comma, no attribution
    window: list[Token] = []
    for tok in toks[:6]:
        if a.in_quote[tok.i] or tok.text in (".", "!", "?", ";", ":"):
            break
        if ended and tok.is_punct:
            break
        window.append(tok)
        if is_cue(tok):
            if ended and starts_new_report(a, tok, span):
                return None
            if joins_a_new_clause(window[:-1]):
                return None  # "…,” and he vowed …" / "…,” when X blasted him": no report
            subj = (
                subject(a, tok)
                or nearby_name(a, window[:-1], tok)
                or _inverted_subject(window[:-1], tok)
            )
            if subj is not None and span.close_at <= subj.idx < hi:
                return tok, subj
            return None
    return None


def starts_new_report(a: Article, cue: Token, span: MarkSpan) -> bool:
    """After a quote that ends its sentence, a cue that takes a complement clause or
    introduces another quote opens a new report ("“….” He added that …" /
    "“….” She went on: “…"), it does not attribute the quote before it."""
    if any(c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > cue.i for c in cue.children):
        return True
    if cue.lemma_.lower() not in ("tell", "ask") and any(
        c.dep_ == "dobj" and c.i > cue.i and not could_speak(a, c) for c in cue.children
    ):
        return True  # "“….” X wrote a letter to …": a report with content of its own
    after = a.text[a.marks.after_close(span) : cue.idx].split()
    if (
        a.text[span.start : span.end].rstrip().endswith(".")
        and after
        and after[0] in ("He", "She", "They", "It", "We", "I")
    ):
        return True  # "“….” He went on …": a new sentence, not "“…,” he said"
    _, hi = a.paras[span.paragraph]
    own = a.span_index(span)
    for tok in a.doc[cue.i + 1 : min(len(a.doc), cue.i + 12)]:
        if tok.idx >= hi or tok.text in (".", "!", "?", ";"):
            return False
        if a.in_quote[tok.i] and a.marks.quote_of_token.get(tok.i) != own:
            return True
    return False


def _inverted_subject(before: list[Token], cue: Token) -> Token | None:
    """In "“…,” wrote one reader" the parser may take the speaker after the verb for
    its object; right after a quote, that noun phrase is the subject."""
    if any(not t.is_punct for t in before):
        return None
    for child in cue.children:
        if child.i > cue.i and child.dep_ in ("dobj", "attr") and child.pos_ in ("NOUN", "PROPN"):
            return child
    return None


def name_after_quote(a: Article, window: list[Token]) -> Token | None:
    """The name that opens the words after a closing mark, when an apposition follows it:
    "“…,” Jane Roe, the group's director, said" (the parser often loses that subject)."""
    toks = [t for t in window if not t.is_punct]
    # the name may follow a title: "“…,” city planner Jane Roe, who …, said"
    # (a party or nationality word before it is part of the title: "Republican pollster …")
    m = next(
        (
            a.entity_at[t.i]
            for t in toks[:4]
            if t.i in a.entity_at and a.entity_at[t.i].label in ("PERSON", "ORG")
        ),
        None,
    )
    if m is None:
        return None
    after = a.doc[m.end] if m.end < len(a.doc) else None
    if after is None or after.text != ",":
        return None
    return a.entity_root(m)


def nearby_name(a: Article, before: list[Token], cue: Token) -> Token | None:
    """A cue the parser left without a subject: the name just before it, or right after it
    ("“…,” city police Chief Tom Bell said", "said Bell")."""
    for tok in reversed(before[-8:]):
        m = a.entity_at.get(tok.i)
        if m is not None and m.label in ("PERSON", "ORG"):
            return a.entity_root(m)
        if tok.is_punct and tok.text != ",":
            break
    for tok in a.doc[cue.i + 1 : min(len(a.doc), cue.i + 4)]:
        m = a.entity_at.get(tok.i)
        if m is not None and m.label in ("PERSON", "ORG"):
            return a.entity_root(m)
    return None


def cue_near(a: Article, span: MarkSpan) -> Found | None:
    """(cue, subject) of a cue clause right after the quote (", he said") or right before it
    ("X said: “", "said X, “"), in the same paragraph and sentence."""
    _, hi = a.paras[span.paragraph]
    ended = a.marks.ends_sentence(span)
    window: list[Token] = []
    joined: Found | None = None
    for tok in a.tokens_in(min(a.marks.after_close(span), hi), hi):
        if a.in_quote[tok.i] or (window and tok.is_sent_start and window[-1].text in ".!?"):
            break
        window.append(tok)
        if is_cue(tok):
            if ended and starts_new_report(a, tok, span):
                break
            subj = (
                subject(a, tok)
                or name_after_quote(a, window[:-1])
                or nearby_name(a, window[:-1], tok)
            )
            if subj is None:
                continue
            words = [t for t in window[:-1] if not t.is_punct]
            if (
                words
                and joins_a_new_clause(words[:1])
                and any(c.dep_ in SUBJECT_DEPS for c in tok.children)
            ):
                # "X told them that “…,” and he vowed …": a clause with a subject of its
                # own comes second to a cue before the quote ("X called it “…” but
                # described …" shares X and still reports)
                joined = (tok, subj)
                break
            return tok, subj
        if len(window) >= (20 if name_after_quote(a, window) is not None else 12):
            break
    return cue_before(a, span) or joined


def cue_before(a: Article, span: MarkSpan) -> Found | None:
    """(cue, subject) of a cue clause right before the quote: "X said: “", "said X, “",
    "X told them that “"."""
    tail = a.tokens_in(a.marks.previous_quote_end(span), span.open_at)
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
        or is_cue(last)
        or (last.lower_ == "that" and last.dep_ == "mark")
    ):
        for n, tok in enumerate(reversed(tail)):
            if not a.in_quote[tok.i] and is_cue(tok):
                subj = subject(a, tok) or nearby_name(a, tail[: len(tail) - 1 - n], tok)
                if subj is not None:
                    return tok, subj
    if last.text in (":", ","):
        return colon_introduction(a, tail)
    return None


def colon_introduction(a: Article, tail: list[Token]) -> Found | None:
    """Who introduces a quote with a colon or comma but no speech verb:
    "Roe continues: “…", "… pollster Tom Bell: “…", "Jane Roe, Acme News: “…",
    "Rep. Ann Berg (D-Vt.): “…"."""
    if len(tail) > 1 and tail[-1].text == ":":
        m = a.entity_at.get(tail[-2].i)
        if m is not None and m.label in ("PERSON", "ORG"):
            root = a.entity_root(m)
            # "… puzzles the planner Jo Roe: “…" (not "… a note to Jo Roe: “…")
            if root.dep_ not in ("pobj", "dative"):
                return tail[-1], root
    for tok in reversed(tail):
        if tok.pos_ in ("VERB", "AUX"):
            subj = subject(a, tok)
            if subj is None:
                break
            named = a.entity_at.get(subj.i)
            if named is not None and named.label in ("PERSON", "ORG"):
                return tok, subj
            if subj.lower_ in ("he", "she", "they"):
                return tok, subj
            if tail[-1].text == ":" and subj.pos_ in ("NOUN", "PROPN"):
                # "The union answered in writing: “…", "The ruling is short: “…"
                return tok, subj
            break
    # a nominal cue: "Trump, in a statement, “…" / "the company's statement: “…"
    nominal = next((t for t in reversed(tail[-12:]) if t.lemma_.lower() in CUE_NOUNS), None)
    if tail[-1].text != ":" and nominal is None:
        return None
    # no verb: the name closest before the colon (or the cue noun) introduces the quote
    for tok in reversed(tail[-16:]):
        m = a.entity_at.get(tok.i)
        if m is not None and m.label in ("PERSON", "ORG"):
            return nominal or tail[-1], a.entity_root(m)
    if nominal is not None and tail[-1].text == ":":
        # nobody named: the document itself speaks ("From the report: “…", "Transcript:")
        return nominal, nominal
    return None


def cue_in_previous_sentence(a: Article, span: MarkSpan) -> Found | None:
    """(cue, subject) of the sentence before a quote that has no cue of its own:
    "X said on Monday." or "X said:" ending the previous sentence or paragraph."""
    start = a.paras[max(0, span.paragraph - 1)][0]
    before = [t for t in a.tokens_in(start, span.open_at) if not t.is_space]
    # the opening mark may have been parsed into the previous sentence
    own = a.span_index(span)
    while (
        before
        and before[-1].i >= 0
        and a.in_quote[before[-1].i]
        and a.marks.quote_of_token.get(before[-1].i) == own
    ):
        before.pop()
    if not before:
        return None
    s = a.sent_of[before[-1].i]
    sentence = [t for t in before if a.sent_of[t.i] == s]
    if any(a.in_quote[t.i] for t in sentence):
        return None  # the previous sentence is itself a quote: its speaker is handled elsewhere
    for tok in reversed(sentence):
        subj = cue_subject(a, tok)
        if subj is not None:
            return tok, subj
        obj = according_to(tok)
        if obj is not None:
            return obj.head.head, obj
    if sentence[-1].text == ":":
        return colon_introduction(a, sentence)
    return None


def subject_of_previous_paragraph(a: Article, span: MarkSpan) -> Token | None:
    """The person a quote paragraph most likely belongs to: the subject of the last
    sentence of the paragraph before, when that is a named person or he/she."""
    if span.paragraph == 0:
        return None
    lo, hi = a.paras[span.paragraph - 1]
    toks = [t for t in a.tokens_in(lo, hi) if not t.is_space]
    if not toks or any(a.in_quote[t.i] for t in toks[-3:]):
        return None
    s = a.sent_of[toks[-1].i]
    root = next((t for t in toks if a.sent_of[t.i] == s and t.dep_ == "ROOT"), None)
    if root is None:
        return None
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            m = a.entity_at.get(child.i)
            if (m is not None and m.label == "PERSON") or child.lower_ in ("he", "she"):
                return child
    return None


def headline_lead(a: Article, span: MarkSpan) -> Speaker | None:
    """A digest item "HEADLINE IN CAPITALS “excerpt …” [Source.]": the excerpt speaks
    for the story its capitalised headline names."""
    lo, _ = a.paras[span.paragraph]
    lead = a.text[lo : span.open_at]
    words = [w for w in lead.split() if any(ch.isalpha() for ch in w)]
    if len(words) < 3 or lead.upper() != lead or "\n" in lead.strip():
        return None
    if lead.rstrip()[-1:] in ("\u2014", "\u2013", "-", ":", ","):
        return None  # a dateline ("WASHINGTON (AP) —") or a label introducing the quote
    toks = [t for t in a.tokens_in(lo, span.open_at) if not t.is_space]
    if not toks:
        return None
    name = a.text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]
    return Speaker(toks[0].i, toks[-1].i + 1, name, None, None, "inferred", 0.4)


# more nouns for words someone uses ("his catch phrase was “…”")
_CLAIM_WORDS: Final = frozenset("phrase line motto view position theme refrain message".split())
# verbs that link a subject to what it is, not to words it uses
LINKING_VERBS: Final = frozenset(
    "be become remain seem appear look sound feel stay prove have get".split()
)


def uses_words(verb: Token, subj: Token) -> bool:
    """The clause's subject could be using the quoted words through this verb: any verb
    but one that only says what the subject is or has, unless the subject is a claim
    ("his answer was “…”", "her slogan is “…”")."""
    if verb.lemma_.lower() not in LINKING_VERBS:
        return True
    return subj.lemma_.lower() in CLAIM_NOUNS or subj.lemma_.lower() in _CLAIM_WORDS


def linking_complement(a: Article, toks: list[Token]) -> bool:
    """The quoted words complete a linking verb whose subject is no claim: "his favourite
    book is “…”", "cats are “cuties”" (a title or a scare quote, nobody's statement)."""
    inside = {t.i for t in toks}
    root = next((t for t in toks if t.head.i not in inside and not t.is_punct), None)
    if root is None or root.dep_ not in ("attr", "acomp", "oprd", "xcomp", "dobj"):
        return False
    verb = root.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj is not None and not uses_words(verb, subj) and not a.in_quote[subj.i]


def governing_subject(a: Article, toks: list[Token], span: MarkSpan) -> Found | None:
    """(verb, subject) of the clause a quote without a speech verb sits in: whoever
    "attacked “…”", "called it “…”" or "referred to him as “…”" uses the words."""
    inside = {t.i for t in toks}
    lo, hi = a.paras[span.paragraph]
    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    roots = [t for t in roots if not t.is_punct] or roots
    for root in roots:
        for depth, node in enumerate(root.ancestors):
            if depth > 6 or not lo <= node.idx < hi or node.i in inside:
                break
            if node.pos_ not in ("VERB", "AUX"):
                continue
            subj = subject(a, node)
            if subj is None:
                continue
            if not uses_words(node, subj):
                continue  # "his favourite book is “…”", "cats are “…”": no one's words
            owner = next((c for c in subj.children if c.dep_ == "poss"), None)
            if node.lemma_.lower() in LINKING_VERBS and owner is not None and could_speak(a, owner):
                return node, owner  # "her answer was “…”": she answered
            if (
                a.in_quote[subj.i]
                or not lo <= subj.idx < hi
                or subj.lower_ in ("it", "this", "there", "what")
                or subj.pos_ not in ("NOUN", "PROPN", "PRON")
            ):
                return None
            return node, subj
    return None


def clause_subject(a: Article, toks: list[Token], paragraph: int) -> Token | None:
    """The person whose clause a quoted fragment sits in, with no speech verb:
    "She rails against its “cheating”" (a named person or he/she as the subject)."""
    lo, hi = a.paras[paragraph]
    inside = {t.i for t in toks}
    root = next((t for t in toks if t.head.i not in inside and not t.is_punct), None)
    if root is None:
        return None
    for node in root.ancestors:
        if not lo <= node.idx < hi or a.in_quote[node.i]:
            return None
        if node.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in node.children if c.dep_ == "nsubj"), None)
        if subj is None:
            continue
        m = a.entity_at.get(subj.i)
        if (m is not None and m.label == "PERSON") or subj.lower_ in ("he", "she"):
            return subj
        return None
    return None
