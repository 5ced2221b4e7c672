"""A report within a report goes to its outermost source: "“…,” X said, according to
Y", "X said …, Y reported" and "Y wrote that X called it “…”" all give Y. The report
of a report is one attribution, credited to the source that tells it to the reader."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.cues import SPEAKER_PRONOUNS
from transforms.quotemarks import MarkSpan
from transforms.quotes.article import Article, TokenTest
from transforms.quotes.grammar import (
    according_to,
    agrees,
    concessive,
    cue_subject,
    parenthetical,
    subject,
)
from transforms.quotes.lexicon import (
    NAMING_VERBS,
    RELATIVE_PRONOUNS,
    REPORT_VERBS,
    SUBJECT_DEPS,
    TIME_MARKS,
    is_cue,
)

Found = tuple[Token, Token]  # (cue, subject)


def outer_source(
    a: Article, cue: Token, subj: Token, span: MarkSpan, paragraph: int | None = None
) -> Found:
    """The outermost source of the report (cue, subj) that holds span.
    paragraph: where the cue is, when it is not the quote's own paragraph."""
    lo, hi = a.paras[span.paragraph if paragraph is None else paragraph]

    def usable(tok: Token) -> bool:
        return bool(lo <= tok.idx < hi) and not a.in_quote[tok.i]

    trailing = trailing_report(a, span)
    if trailing is not None and trailing[0].i != cue.i:
        return trailing
    if cue.dep_ == "relcl" and subj.lower_ in ("who", "that", "which"):
        reporter = _reporter_of_relative(a, cue, usable)
        if reporter is not None:
            return reporter
    if cue.dep_ == "relcl" and subj.lower_ in ("that", "which"):
        # "X put out a video that asks viewers to “…”", "X held a sign that read “…”":
        # the thing speaks for whoever in the main clause put it out
        main = cue.head
        while main.pos_ not in ("VERB", "AUX") and main.head.i != main.i:
            main = main.head
        owner = subject(a, main) if main.pos_ in ("VERB", "AUX") else None
        if (
            owner is not None
            and owner.dep_ == "nsubj"
            and usable(owner)
            and owner.lower_ not in RELATIVE_PRONOUNS
        ):
            cue, subj = main, owner
    node = cue
    for _ in range(6):
        obj = according_to(node)
        if obj is not None and usable(obj):
            return obj.head.head, obj
        outer: Found | None = None
        for child in node.children:
            # a trailing reporting clause: "…, Y reported." / "…, reports Y.", or one
            # set off by commas before the report: "Y said, X believes “…”"
            if (
                child.dep_ == "parataxis"
                and (child.i > subj.i or parenthetical(a, child))
                and usable(child)
                and not any(c.dep_ in ("ccomp", "xcomp") for c in child.children)
            ):
                outer_subject = cue_subject(a, child)
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
                outer_subject = cue_subject(a, child)
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
        inverted = inverted_reporter(a, parent) if link == "ccomp" else None
        if inverted is not None and usable(inverted):
            # "“…,” said X, reports the Daily Planet.": the paper tells X's words
            cue, subj, node = parent, inverted, parent
            continue
        if node.i == cue.i and min(cue.idx, subj.idx) >= span.end:
            break  # "X said it was “…,” Y reported": Y's report is the outer one
        if concessive(node):
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
            outer_subject = cue_subject(a, parent)
            if outer_subject is not None and usable(outer_subject):
                cue, subj = parent, outer_subject
        node = parent
    if subj.lower_ in SPEAKER_PRONOUNS:
        named = named_outer_cue(a, cue, subj, usable) or _naming_relative_owner(
            a, cue, subj, usable
        )
        if named is not None and named[1].lower_ not in SPEAKER_PRONOUNS:
            # the named report may itself be told by an outer source ("according to …")
            return outer_source(a, *named, span)
        if named is not None:
            return named
    return cue, subj


def _reporter_of_relative(a: Article, cue: Token, usable: TokenTest) -> Found | None:
    """A relative clause inside what someone else reports is part of their report:
    "Roe recalled that the plan was mocked by critics, who called it “…”" gives Roe."""
    path = [cue, *cue.ancestors]
    for k in range(2, min(len(path), 9)):
        node = path[k]
        if not usable(node):
            return None
        found = cue_subject(a, node) if node.pos_ in ("VERB", "AUX") else None
        if found is None:
            continue
        link = path[k - 1]
        complement = link.dep_ in ("ccomp", "xcomp") or (
            link.dep_ == "advcl" and any(c.lower_ == "that" for c in link.children)
        )
        if complement and usable(found):
            return node, found
        return None
    return None


def trailing_report(a: Article, span: MarkSpan) -> Found | None:
    """A named source closing the quote's sentence, whatever the parse made of it:
    "… is “vital” to the plan, reported the Daily Bugle." / "…, the Bugle reports"."""
    _, hi = a.paras[span.paragraph]
    sentence: list[Token] = []
    for tok in a.tokens_in(min(a.marks.after_close(span), hi), hi):
        if a.in_quote[tok.i]:
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
        if len(sentence) > 8 or a.text[span.start : span.end].rstrip()[-1:] != ",":
            return None
    cues = [t for t in tail if t.lemma_.lower() in REPORT_VERBS and t.pos_ == "VERB"]
    if len(cues) != 1 or cues[0] not in (tail[0], tail[-1]):
        return None
    rest = [t for t in tail if t.i != cues[0].i and t.lower_ != "the"]
    ents = {a.entity_at[t.i] for t in rest if t.i in a.entity_at}
    if len(ents) != 1 or len(rest) != sum(1 for t in rest if t.i in a.entity_at):
        return None
    m = next(iter(ents))
    if m.label not in ("ORG", "PERSON"):
        return None
    return cues[0], a.entity_root(m)


def inverted_reporter(a: Article, verb: Token) -> Token | None:
    """The source named after a reporting verb that closes the sentence, which the parser
    takes for an object: "…, reports the Daily Planet." / "…, reported Jane Roe."."""
    doc = a.doc
    if (
        a.in_quote[verb.i]
        or verb.i == 0
        or doc[verb.i - 1].text != ","
        or not is_cue(verb)
        or any(c.dep_ in SUBJECT_DEPS for c in verb.children)
    ):
        return None
    after = [c for c in verb.children if c.i > verb.i and not c.is_punct]
    if len(after) != 1 or after[0].dep_ not in ("dobj", "npadvmod", "attr"):
        return None
    m = a.entity_at.get(after[0].i)
    end = after[0].right_edge.i + 1
    if m is None or m.label not in ("PERSON", "ORG") or end >= len(doc):
        return None
    return after[0] if doc[end].text in (".", "!", "?") else None


def _naming_relative_owner(a: Article, cue: Token, pronoun: Token, here: TokenTest) -> Found | None:
    """ "X complained about what he calls “…”", "X visited the site, which she called “…”":
    a label put on something in a relative clause is the named main subject's word."""
    if cue.lemma_.lower() not in NAMING_VERBS or not any(
        c.lower_ in ("what", "which") and c.dep_ in ("dobj", "nsubj", "oprd") for c in cue.children
    ):
        return None
    paragraph = a.para_of(cue.idx)
    for node in cue.ancestors:
        if a.para_of(node.idx) != paragraph:
            return None
        if a.in_quote[node.i] or node.pos_ not in ("VERB", "AUX"):
            continue  # (a scare-quoted word on the way: "accused them of being “duped”")
        found = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if found is None or not here(found):
            continue
        if found.lower_ == pronoun.lower_:
            continue  # "X said she called Y on what she called “…”": the same person
        return (node, found) if agrees(a, found, pronoun, ("PERSON", "ORG")) else None
    return None


def named_outer_cue(a: Article, cue: Token, pronoun: Token, here: TokenTest) -> Found | None:
    """The named speaker of a report above a pronoun's report: in "Roe says she'd tell
    him “…”" Roe is the source, the pronoun only repeats her."""
    if concessive(cue):
        return None
    below = cue
    for node in cue.ancestors:
        if not here(node) or a.in_quote[node.i] or below.dep_ == "relcl":
            return None  # "…the protesters, whom she called …": her own clause
        found = cue_subject(a, node)
        if found is None:
            below = node
            continue
        return (node, found) if agrees(a, found, pronoun, ("PERSON",)) else None
    return None
