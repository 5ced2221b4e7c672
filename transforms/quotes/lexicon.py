"""Which tokens are cues: the word lists of `transforms.cues` applied to parsed tokens,
and the closed word classes the grammar rules of the quote finder test against."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from spacy.tokens import Token

from transforms.cues import (
    BELIEF_ADJECTIVES,
    BELIEF_VERBS,
    CUE_NOUNS,
    NOUN_CUES,
    OBJECT_CUES,
    ORG_ROLE_NOUNS,
    PERSON_ROLE_NOUNS,
    PHRASAL_CUES,
    PREPOSITION_CUES,
    SPEAKER_PRONOUNS,
    SPEECH_VERBS,
    TITLE_WORDS,
    is_cue_lemma,
    is_indirect_cue_lemma,
)

SUBJECT_DEPS: Final = frozenset({"nsubj", "nsubjpass", "csubj"})
RELATIVE_PRONOUNS: Final = frozenset({"who", "that", "which", "whom"})
# verbs whose object does what their infinitive says: "led the institute to conclude"
CAUSATIVE_VERBS: Final = frozenset(
    "lead cause prompt force drive persuade convince compel spur inspire get move".split()
)
SPEAKER_LABELS: Final = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# passive cues whose subject is still the speaker ("he was quoted as saying")
PASSIVE_SPEAKER_CUES: Final = frozenset({"quote"})
CONCESSIVE_MARKS: Final = frozenset({"though", "although", "whereas"})
# words that open a clause of its own after a closing mark ("…,” until X said …")
CLAUSE_OPENERS: Final = frozenset(
    {"when", "while", "because", "until", "before", "after", "if", "although", "though", "since"}
)
# conjunctions of a clause that sets the time of another: "… after a woman told him “…”"
TIME_MARKS: Final = frozenset({"when", "after", "before", "until", "while", "once", "whenever"})
# the owner of a claim: "his promise to …" is a claim of whoever "he" is
POSSESSIVE_PRONOUNS: Final = {"his": "he", "her": "she", "their": "they", "its": "it"}
NAMING_VERBS: Final = frozenset({"call", "dub", "term", "label", "describe", "characterize"})
# verbs of a source passing on what others said ("…, the Bugle reported.")
REPORT_VERBS: Final = frozenset({"report", "write"})
# cues whose infinitive complement is what is said ("urged them to leave")
XCOMP_CUES: Final = frozenset(
    "urge ask call tell warn encourage advise order implore beg promise vow pledge threaten".split()
)
# of those, the ones whose object is part of what is said ("told voters to stay home")
OBJECT_XCOMP_CUES: Final = frozenset(
    "urge ask tell warn encourage advise order implore beg".split()
)


def is_cue(tok: Token, indirect: bool = False) -> bool:
    """tok is a verb of saying (or, with indirect, of thought) by its lemma, a phrasal
    cue ("point out") or "as X put it"."""
    if tok.pos_ not in ("VERB", "AUX") and not (
        tok.pos_ == "NOUN" and tok.dep_ == "ROOT" and tok.tag_ == "VBZ"
    ):
        return False
    lemma = tok.lemma_.lower()
    if any((lemma, c.lower_) in PHRASAL_CUES for c in tok.children if c.dep_ in ("prt", "advmod")):
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


# verbs of finding out, which report evidence (a study "found", a poll "showed"): speech
EVIDENCE_VERBS: Final = frozenset(
    "find learn determine conclude discover estimate project show reveal".split()
)


def statement_kind(cue: Token | None) -> str:
    """belief for a cue of belief, expectation or stance ("believes", "expects", "is
    convinced", "supports"); speech for everything else, and when there is no cue."""
    if cue is None:
        return "speech"
    lemma = cue.lemma_.lower()
    if cue.lower_ in BELIEF_ADJECTIVES and cue.pos_ in ("ADJ", "VERB"):
        return "belief"  # "convinced", "confident" (as an adjective or a participle)
    if lemma in BELIEF_VERBS and lemma not in SPEECH_VERBS and lemma not in EVIDENCE_VERBS:
        return "belief"
    return "speech"


def is_role_word(tok: Token) -> bool:
    """A noun or title that names a person's role ("minister", "Sen.")."""
    return tok.lemma_.lower() in PERSON_ROLE_NOUNS or tok.lower_.rstrip(".") in TITLE_WORDS


def is_person_or_org_noun(tok: Token) -> bool:
    """A noun that stands for a person or an organisation by its lemma."""
    lemma = tok.lemma_.lower()
    return lemma in PERSON_ROLE_NOUNS or lemma in ORG_ROLE_NOUNS


__all__ = [
    "CAUSATIVE_VERBS",
    "CLAUSE_OPENERS",
    "CONCESSIVE_MARKS",
    "CUE_NOUNS",
    "NAMING_VERBS",
    "OBJECT_XCOMP_CUES",
    "PASSIVE_SPEAKER_CUES",
    "POSSESSIVE_PRONOUNS",
    "RELATIVE_PRONOUNS",
    "REPORT_VERBS",
    "SPEAKER_LABELS",
    "SPEAKER_PRONOUNS",
    "SUBJECT_DEPS",
    "TIME_MARKS",
    "XCOMP_CUES",
    "could_hold_attribution",
    "is_cue",
    "is_person_or_org_noun",
    "is_role_word",
    "statement_kind",
]


# -- sentences worth parsing -----------------------------------------------------------

_IRREGULAR: Final = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "think": ("thought",),
    "feel": ("felt",),
    "know": ("knew", "known"),
    "find": ("found",),
    "see": ("saw", "seen"),
    "speak": ("spoke", "spoken"),
    "hear": ("heard",),
    "read": ("read",),
    "understand": ("understood",),
    "hold": ("held",),
    "give": ("gave", "given"),
    "make": ("made",),
    "take": ("took", "taken"),
    "bring": ("brought",),
    "teach": ("taught",),
    "seek": ("sought",),
    "forecast": ("forecast",),
    "put": ("put",),
    "go": ("went", "gone"),
    "come": ("came",),
    "win": ("won",),
    "lead": ("led",),
    "mean": ("meant",),
    "swear": ("swore", "sworn"),
    "foresee": ("foresaw", "foreseen"),
    "strike": ("struck",),
    "show": ("shown",),
}


def _forms(lemma: str) -> set[str]:
    """The inflected forms of a regular English verb or noun lemma (and the irregular ones)."""
    out = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("y") and len(lemma) > 2:
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith("e"):
        out.add(lemma[:-1] + "ing")
    if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou":
        out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}  # "admitted"
    out.update(_IRREGULAR.get(lemma, ()))
    return out


def _learned_cues() -> frozenset[str]:
    """Cue lemmas the learned cue model leans towards (a positive weight of their own)."""
    from transforms.quotes.cue_weights import WEIGHTS

    out = set()
    for name, weight in WEIGHTS.items():
        if weight <= 0 or "|" in name:
            continue
        if name.startswith("lemma="):
            out.add(name.partition("=")[2])
        elif name.startswith("key=") and ":" in name:
            out.add(name.partition(":")[2].split("_")[0])
    # auxiliaries stand in nearly every sentence: a filter that keeps them keeps everything
    return frozenset(out) - {"?", "be", "have", "do", "get", "go", "make", "take"}


CUE_LEMMAS: Final = (
    SPEECH_VERBS
    | BELIEF_VERBS
    | OBJECT_CUES
    | BELIEF_ADJECTIVES
    | NOUN_CUES
    | CUE_NOUNS
    | frozenset(verb for verb, _ in PREPOSITION_CUES)
    | frozenset(verb for verb, _ in PHRASAL_CUES)
    | _learned_cues()
    | {"according"}
)
CUE_FORMS: Final = frozenset(form for lemma in CUE_LEMMAS for form in _forms(lemma))
# quotation marks of every style, and the colon of a headline "Source: …"
_MARK_CHARS: Final = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033:') | {"``", "''"}


def could_hold_attribution(words: Iterable[str], lemmas: Iterable[str] = ()) -> bool:
    """Whether a sentence could hold an attribution, without a parse: a quotation mark or
    a colon, or a word (lower-cased token) or lemma of the cue lexicon (hand-made and the
    lemmas the learned cue model favours). A sentence for which this is False yields no
    quote; the quote finder also reads the sentence before a flagged one (see the report
    of issue 15 on the context a partial parse needs)."""
    for w in words:
        if w in _MARK_CHARS or w.lower() in CUE_FORMS:
            return True
    return any(lemma.lower() in CUE_LEMMAS for lemma in lemmas)
