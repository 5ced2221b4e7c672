"""Grammar of attribution on spaCy's dependency parse: the subject of a cue (through
coordination, control, relative clauses and the parser's usual slips), the X of
"according to X" and of a passive "by X", and the shapes of clauses that block or
carry a report."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.cues import PERSON_ROLE_NOUNS, SPEAKER_PRONOUNS
from transforms.quotes.article import Article
from transforms.quotes.lexicon import (
    CAUSATIVE_VERBS,
    CLAUSE_OPENERS,
    CONCESSIVE_MARKS,
    PASSIVE_SPEAKER_CUES,
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    is_cue,
    is_person_or_org_noun,
)


def object_of(preposition: Token) -> Token | None:
    """The object of a preposition."""
    return next((c for c in preposition.children if c.dep_ == "pobj"), None)


def according_to(tok: Token) -> Token | None:
    """The X of 'according to X' among tok's children."""
    for child in tok.children:
        if child.lower_ == "according" and child.dep_ in ("prep", "advcl", "advmod"):
            for gc in child.children:
                if gc.lower_ == "to" and (obj := object_of(gc)) is not None:
                    return obj
    return None


def agent(verb: Token) -> Token | None:
    """The X of a passive "… by X"."""
    for child in verb.children:
        if child.dep_ == "agent" and (obj := object_of(child)) is not None:
            return obj
    return None


def could_speak(a: Article, tok: Token) -> bool:
    """A name, a pronoun or a person or organisation noun: a plausible speaker."""
    return (
        tok.i in a.entity_at
        or tok.lower_ in SPEAKER_PRONOUNS
        or tok.lower_ in RELATIVE_PRONOUNS
        or is_person_or_org_noun(tok)
    )


def as_clause_subject(a: Article, verb: Token) -> Token | None:
    """The X of "as X put it" when the parser hangs X on "as" as its object."""
    for child in verb.children:
        if child.dep_ in ("mark", "prep") and child.lower_ == "as" and child.i < verb.i:
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.i < verb.i and not a.in_quote[obj.i]:
                    return obj
    return None


def subject(a: Article, verb: Token, hops: int = 0) -> Token | None:
    """Who does what verb says: its subject, the agent of a passive, or the subject
    of the verb it is coordinated with or controlled by."""

    # a verb has one subject: of two the parser gave it ("In Dunmere, Vermont,
    # Roe went …"), a named person or organisation, and the one next to the verb
    def rank(c: Token) -> tuple[int, int]:
        if c.dep_ not in SUBJECT_DEPS:
            return (2, 0)
        m = a.entity_at.get(c.i)
        named = m is not None and m.label in ("PERSON", "ORG")
        return (0 if named else 1, abs(verb.i - c.i))

    para = a.para_of(verb.idx)
    for child in sorted(verb.children, key=rank):
        if (
            child.dep_ in SUBJECT_DEPS
            and not a.in_quote[child.i]
            and a.para_of(child.idx) == para  # not across a paragraph break
        ):
            if child.lower_ == "it" and any(c.dep_ == "auxpass" for c in verb.children):
                continue  # "it was said": no speaker
            if (
                child.dep_ == "nsubjpass"
                and child.lower_ in RELATIVE_PRONOUNS
                and verb.lemma_.lower() not in PASSIVE_SPEAKER_CUES
            ):
                # "the figure that was published": what is said, not who says it
                return agent(verb)
            if child.dep_ == "nsubjpass" and verb.lemma_.lower() not in PASSIVE_SPEAKER_CUES:
                # "X was asked by Y whether …": the one asking speaks
                by = agent(verb)
                if by is not None and not a.in_quote[by.i]:
                    return by
            return child
    found = agent(verb) or as_clause_subject(a, verb) or stray_subject(a, verb)
    if found is not None:
        return found
    if hops >= 3 or verb.head.i == verb.i:
        return None
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in CAUSATIVE_VERBS:
        # object control: "the evidence led the institute to conclude …" -> the institute
        for child in verb.head.children:
            if child.dep_ == "dobj" and child.i < verb.i and not a.in_quote[child.i]:
                return child
    if verb.dep_ in ("conj", "xcomp", "advcl"):
        return subject(a, verb.head, hops + 1)
    if verb.dep_ == "pcomp" and verb.head.head.i != verb.head.i:
        # "X rallied supporters by warning that …": the subject of the verb above "by"
        above = verb.head.head
        found = subject(a, above, hops + 1)
        if (
            found is not None
            and above.dep_ == "ccomp"
            and not could_speak(a, found)
            and is_cue(above.head)
        ):
            # "X told them that the news was bad, before noting …": the parser hung the
            # "before" phrase in the report; the reporter X does the noting
            return subject(a, above.head, hops + 2) or found
        return found
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
        return owner(a, verb.head)
    return None


def stray_subject(a: Article, verb: Token) -> Token | None:
    """The name right before a finite verb the parser left without a subject (it hung
    the name on something earlier): "… (all times EDT): ¶ Jo Roe has delivered …"."""
    doc = a.doc
    if verb.tag_ not in ("VBD", "VBZ", "VBP") and not any(
        c.dep_ == "aux" and c.tag_ in ("VBD", "VBZ", "VBP") for c in verb.children
    ):
        return None
    i = verb.i - 1
    while i >= 0 and (
        doc[i].is_space or (doc[i].head.i == verb.i and doc[i].dep_ in ("aux", "auxpass", "neg"))
    ):
        i -= 1
    m = a.entity_at.get(i) if i >= 0 else None
    if m is None or m.label not in ("PERSON", "ORG") or m.end - 1 != i:
        return None
    root = a.entity_root(m)
    same_paragraph = a.para_of(root.idx) == a.para_of(verb.idx)
    if root.head.i == verb.i or a.in_quote[root.i] or not same_paragraph:
        return None
    return root


def owner(a: Article, noun: Token) -> Token | None:
    """Who speaks through a noun modified by a speech verb: a person speaks for
    themself ("a clip of the coach asking, “…”"), a thing for whoever put it out
    ("she issued a statement saying “…”", "they carried signs reading “…”")."""
    m = a.entity_at.get(noun.i)
    if (m is not None and m.label == "PERSON") or noun.lemma_.lower() in PERSON_ROLE_NOUNS:
        return noun
    main = noun.head
    while main.pos_ not in ("VERB", "AUX") and main.head.i != main.i:
        main = main.head
    if main.pos_ not in ("VERB", "AUX"):
        return None
    for child in main.children:
        if child.dep_ == "nsubj" and not a.in_quote[child.i]:
            return None if child.lower_ in RELATIVE_PRONOUNS else child
    return None


def cue_subject(a: Article, tok: Token) -> Token | None:
    """The subject of tok when tok is a speech cue outside quotes, else None."""
    if a.in_quote[tok.i] or not is_cue(tok):
        return None
    found = subject(a, tok)
    if found is not None and found.lower_ == "you":
        # "… the rule that you can't just say “maybe”": a generic "you" reports nothing
        return None
    return found


def thought_subject(a: Article, tok: Token) -> Token | None:
    """The subject of tok when tok is a verb of thought outside quotes, else None."""
    if a.in_quote[tok.i] or tok.pos_ != "VERB" or tok.dep_ in ("relcl", "xcomp", "ccomp"):
        return None  # "people who think …", "to make him believe …": not the report itself
    return subject(a, tok) if is_cue(tok, indirect=True) else None


def agrees(a: Article, found: Token, pronoun: Token, labels: tuple[str, ...]) -> bool:
    """found is a named entity of one of labels, before the pronoun, whose known
    gender (if any) does not contradict it."""
    m = a.entity_at.get(found.i)
    if m is None or m.label not in labels or found.i >= pronoun.i:
        return False
    gender = SPEAKER_PRONOUNS.get(pronoun.lower_)
    known = a.coref.gender(m.entity_key)
    return not (gender in ("m", "f") and known is not None and known != gender)


def parenthetical(a: Article, verb: Token) -> bool:
    """A reporting clause set off by commas inside the sentence: "…, Mr. X said, …"."""
    doc = a.doc
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


def concessive(verb: Token) -> bool:
    """A clause set against the one above it ("…, though he said", "although she
    wrote"): its report stands on its own and is not the outer report repeated."""
    return bool(verb.dep_ == "advcl") and any(
        c.dep_ == "mark" and c.lower_ in CONCESSIVE_MARKS for c in verb.children
    )


def in_adverbial_clause_of(inner: Token, outer: Token) -> bool:
    """inner is a verb inside an adverbial clause that hangs on outer."""
    node = inner
    while node.head.i != node.i and node.i != outer.i:
        if node.dep_ == "advcl" and node.head.i == outer.i:
            return bool(node.i < outer.i)
        node = node.head
    return False


def joins_a_new_clause(before: list[Token]) -> bool:
    """Words between a closing mark and a cue that open a clause of its own: a coordinating
    ("and", "but") or subordinating conjunction ("when", "until"); "as" still reports."""
    return any(
        t.lower_ != "as"
        and (t.pos_ == "CCONJ" or t.tag_ == "WRB" or t.dep_ == "mark" or t.lower_ in CLAUSE_OPENERS)
        for t in before
    )
