"""Quotes and speakers in French text: quotation marks (« », “ ”) and a French cue lexicon.

A much smaller engine than the English one (the rest of this package), whose rules
(its lexicon and learned cue model, the grammar of English reporting clauses, titles
and scare quotes) are English and are not run on French. What it finds:

- a quotation in « » (or “ ”, or straight double quotes) is direct when it stands as
  a statement (after a colon, at the start of a sentence or paragraph, or followed
  by a reporting clause: « … », a déclaré X), else partial (a fragment inside the
  reporter's sentence);
- the speaker is the subject of a cue verb (dire, déclarer, affirmer, estimer, …) in
  the quote's sentence or the reporting clause next to it, or the name after an
  inverted cue (« … », a déclaré Claire Fontaine; « … », estime-t-elle); a pronoun
  speaks for the last person named before it, or the only one;
- "Selon X, …" and "D'après X, …" attribute the rest of the sentence to X as
  reported speech (indirect).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from transforms.entities import EntityMention
from transforms.quotes.model import Quote

# lemmas of verbs that report speech or a stance (the model's lemmatizer gives these)
CUES = frozenset(
    """
    dire déclarer affirmer estimer expliquer ajouter souligner indiquer préciser assurer
    annoncer confier répondre rappeler insister noter observer reconnaître admettre
    avertir prévenir lancer déplorer regretter dénoncer juger considérer penser croire
    raconter témoigner affirmer martèler marteler poursuivre conclure commenter
    confirmer démentir nier promettre réclamer demander interroger s'exclamer exclamer
    """.split()
)
# the stems of the -er cues, for forms the lemmatizer leaves as they are ("estime")
CUE_STEMS = tuple(sorted({c[:-2] for c in CUES if c.endswith("er") and len(c) > 5}))
ACCORDING_TO = ("selon", "d'après", "d’après")
PRONOUNS = frozenset(
    {"il", "elle", "ils", "elles", "-il", "-elle", "-ils", "-elles", "t-il", "t-elle"}
)


@dataclass(frozen=True, slots=True)
class _Marks:
    """A quotation: the characters inside the marks."""

    start: int
    end: int


def quotation_spans(text: str) -> list[_Marks]:
    """The outermost quotations of a text, by character offsets inside their marks.

    Guillemets nest (« … “ … ” … »); curly and straight double quotes are one family,
    so a quotation opened with one and closed with the other ("intenable”), as real
    pages do, still pairs. A quotation does not run over a line break: an unclosed
    mark is dropped at the end of its paragraph."""
    spans: list[_Marks] = []
    opened: int | None = None  # where the outermost open quotation starts
    guillemets = 0
    double_open = False
    for i, ch in enumerate(text):
        if ch == "\n":
            opened, guillemets, double_open = None, 0, False
            continue
        if ch == "«":
            if opened is None:
                opened = i
            guillemets += 1
        elif ch == "»" and guillemets:
            guillemets -= 1
            if not guillemets and not double_open and opened is not None:
                spans.append(_Marks(opened + 1, i))
                opened = None
        elif ch in '“"' and not double_open and (ch == "“" or opened is None or guillemets):
            double_open = True
            if opened is None:
                opened = i
        elif ch in '”"' and double_open:
            double_open = False
            if not guillemets and opened is not None:
                spans.append(_Marks(opened + 1, i))
                opened = None
    return [t for t in (_trimmed(text, m) for m in spans) if t is not None]


def _trimmed(text: str, marks: _Marks) -> _Marks | None:
    start, end = marks.start, marks.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return _Marks(start, end) if end > start else None


def _sentence(doc: Doc, char: int) -> Span:
    for sent in doc.sents:
        if sent.start_char <= char < sent.end_char:
            return sent
    return doc[:]


def _person_at(mentions: Sequence[EntityMention], tok: Token) -> EntityMention | None:
    for m in mentions:
        if m.label == "PERSON" and m.start <= tok.i < m.end:
            return m
    return None


def _last_person_before(mentions: Sequence[EntityMention], char: int) -> EntityMention | None:
    people = [m for m in mentions if m.label == "PERSON" and m.end_char <= char]
    return people[-1] if people else None


@dataclass(frozen=True, slots=True)
class _Found:
    speaker: EntityMention | None
    speaker_tok: Token | None
    cue: Token
    attribution: str
    confidence: float


def _speaker_of(
    doc: Doc, mentions: Sequence[EntityMention], cue: Token, before: int
) -> _Found | None:
    """Who the cue's clause names: its subject, the name after an inverted cue, or a
    pronoun resolved to the last person named before the quote."""
    for child in cue.children:
        if child.dep_.startswith("nsubj") or child.dep_ in ("obj", "expl:subj"):
            person = _person_at(mentions, child)
            if person is not None:
                return _Found(person, child, cue, "explicit", 0.9)
            if child.lower_ in PRONOUNS:
                person = _last_person_before(mentions, before)
                return _Found(person, child, cue, "pronoun", 0.7 if person else 0.4)
    # an inverted subject the parser hung elsewhere: the person right after the cue
    for tok in doc[cue.i + 1 : min(len(doc), cue.i + 6)]:
        if tok.is_punct and tok.text not in ("-", "’", "'"):
            break
        person = _person_at(mentions, tok)
        if person is not None:
            return _Found(person, tok, cue, "explicit", 0.85)
        if tok.lower_ in PRONOUNS:
            person = _last_person_before(mentions, before)
            return _Found(person, tok, cue, "pronoun", 0.7 if person else 0.4)
    return None


def _cues_near(doc: Doc, sent: Span, marks: _Marks) -> list[Token]:
    """Cue verbs outside the quotation in its sentence, nearest first."""
    outside = [t for t in sent if _is_cue(t) and not (marks.start <= t.idx < marks.end)]
    return sorted(outside, key=lambda t: min(abs(t.idx - marks.start), abs(t.idx - marks.end)))


def _is_cue(tok: Token) -> bool:
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    if tok.lemma_.lower() in CUES:
        return True
    word = tok.lower_
    return any(word.startswith(stem) and len(word) <= len(stem) + 4 for stem in CUE_STEMS)


def _quote_type(text: str, marks: _Marks, cue_after: bool) -> str:
    before = text[: marks.start - 1].rstrip()
    stands_alone = not before or before[-1] in ":.!?\n»”" or before.endswith("—")
    return "direct" if stands_alone or cue_after else "partial"


def find_quotes_fr(doc: Doc, mentions: Sequence[EntityMention]) -> list[Quote]:
    """The quotations and "selon X" reports of a parsed French Doc, with speakers."""
    text = doc.text
    out: list[Quote] = []
    sentence_of = {sent.start: n for n, sent in enumerate(doc.sents)}
    for marks in quotation_spans(text):
        sent = _sentence(doc, marks.start)
        # a reporting clause right after the quotation may be parsed as the next sentence
        nxt = _sentence(doc, min(len(text) - 1, sent.end_char)) if sent.end < len(doc) else None
        found: _Found | None = None
        for cue in _cues_near(doc, sent, marks):
            found = _speaker_of(doc, mentions, cue, marks.start)
            if found:
                break
        if (
            found is None
            and nxt is not None
            and text[marks.end : nxt.start_char].strip(' »”"') in ("", ",")
        ):
            for cue in _cues_near(doc, nxt, marks):
                found = _speaker_of(doc, mentions, cue, marks.start)
                if found:
                    break
        cue_after = found is not None and found.cue.idx > marks.end
        out.append(
            _quote(
                marks, _quote_type(text, marks, cue_after), found, sentence_of.get(sent.start, 0)
            )
        )
    out += _according_to(doc, mentions, sentence_of, [(q.start, q.end) for q in out])
    return sorted(out, key=lambda q: q.start)


def _according_to(
    doc: Doc,
    mentions: Sequence[EntityMention],
    sentence_of: dict[int, int],
    quoted: list[tuple[int, int]],
) -> list[Quote]:
    """ "Selon X, <content>." : the content is X's reported speech."""
    out = []
    for sent in doc.sents:
        words = [t.lower_ for t in sent[:2]]
        opener = words[0] if words else ""
        if opener == "d'" and len(words) > 1:
            opener = "d'" + words[1]
        if opener not in ACCORDING_TO:
            continue
        comma = next((t for t in sent if t.text == ","), None)
        if comma is None:
            continue
        source = [m for m in mentions if sent.start <= m.start and m.end <= comma.i]
        content = doc[comma.i + 1 : sent.end]
        while len(content) and (content[-1].is_punct or content[-1].is_space):
            content = content[:-1]
        skip = 2 if opener.startswith("d") and sent[0].lower_ == "d'" else 1
        named = doc[sent.start + skip : comma.i]  # "la préfecture", "le ministère de l'Intérieur"
        if not len(content) or not 0 < len(named) <= 8:
            continue
        start, end = content.start_char, content.end_char
        if any(s < end and start < e for s, e in quoted):
            continue  # a quotation inside: that quote carries it
        who = source[0] if source else None
        speaker_start, speaker_end = (
            (who.start_char, who.end_char) if who else (named.start_char, named.end_char)
        )
        out.append(
            Quote(
                start=start,
                end=end,
                quote_type="indirect",
                attribution="explicit",
                confidence=0.8 if who else 0.6,
                sentence_index=sentence_of.get(sent.start, 0),
                speaker_start=speaker_start,
                speaker_end=speaker_end,
                speaker_name=(who.canonical_name if who.label == "PERSON" else who.text)
                if who
                else named.text,
                speaker_key=who.entity_key if who else None,
                cue_start=sent[0].idx,
                cue_end=sent[0].idx + len(sent[0].text),
                speaker_kind=_kind(who),
            )
        )
    return out


def _kind(mention: EntityMention | None) -> str:
    if mention is None:
        return "unknown"
    return {"PERSON": "person", "ORG": "organisation", "NORP": "group"}.get(
        mention.label, "unknown"
    )


def _quote(marks: _Marks, quote_type: str, found: _Found | None, sentence: int) -> Quote:
    if found is None or found.speaker_tok is None:
        return Quote(
            start=marks.start,
            end=marks.end,
            quote_type=quote_type,
            attribution="none",
            confidence=0.0,
            sentence_index=sentence,
        )
    tok, person = found.speaker_tok, found.speaker
    start, end = (
        (person.start_char, person.end_char)
        if person and found.attribution == "explicit"
        else (tok.idx, tok.idx + len(tok.text))
    )
    return Quote(
        start=marks.start,
        end=marks.end,
        quote_type=quote_type,
        attribution=found.attribution,
        confidence=found.confidence,
        sentence_index=sentence,
        speaker_start=start,
        speaker_end=end,
        speaker_name=person.canonical_name if person else None,
        speaker_key=person.entity_key if person else None,
        cue_start=found.cue.idx,
        cue_end=found.cue.idx + len(found.cue.text),
        speaker_kind=_kind(person),
    )
