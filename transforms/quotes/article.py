"""One parsed article as the quote finder reads it: tokens, sentences, entities,
quotation marks and coreference, built once and not changed afterwards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from transforms.entities import EntityMention
from transforms.quotemarks import MarkSpan
from transforms.quotes.coreference import Coreference
from transforms.quotes.marks import Marks, tokens_in

# a test on tokens: "in this paragraph and outside quotes", for instance
TokenTest = Callable[[Token], bool]


@dataclass(frozen=True, slots=True)
class Article:
    """The facts every stage of the quote finder looks up."""

    doc: Doc
    text: str
    mentions: list[EntityMention]
    sent_of: list[int]  # token index -> sentence index
    entity_at: dict[int, EntityMention]  # token index -> the mention it is in
    marks: Marks
    coref: Coreference
    sent_quoted: list[bool]  # sentence index -> some token of it is inside quotation marks
    _children: dict[int, list[Token]] = field(default_factory=dict)  # a cache of tok.children

    @classmethod
    def of(cls, doc: Doc, mentions: list[EntityMention]) -> Article:
        sent_of = [0] * len(doc)
        n = 0
        starts = doc.to_array("SENT_START").tolist() if len(doc) else []
        for i, start in enumerate(starts):
            if start == 1 and i > 0:
                n += 1
            sent_of[i] = n
        entity_at: dict[int, EntityMention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                entity_at[i] = m
        coref = Coreference(doc, mentions, sent_of)
        text = doc.text
        marks = Marks.of(doc, text)
        sent_quoted = [False] * (n + 1)
        for i, quoted in enumerate(marks.in_quote):
            if quoted:
                sent_quoted[sent_of[i]] = True
        return cls(doc, text, mentions, sent_of, entity_at, marks, coref, sent_quoted)

    # shortcuts to the mark index, read everywhere
    @property
    def in_quote(self) -> list[bool]:
        return self.marks.in_quote

    @property
    def paras(self) -> list[tuple[int, int]]:
        return self.marks.paras

    def children(self, tok: Token) -> list[Token]:
        """tok.children, read once per token (spaCy builds new Token objects each time)."""
        kids = self._children.get(tok.i)
        if kids is None:
            kids = self._children[tok.i] = list(tok.children)
        return kids

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """The tokens that overlap the characters start..end."""
        return tokens_in(self.doc, start, end)

    def para_of(self, char: int) -> int:
        """Index of the paragraph the character offset is in."""
        return self.marks.para_of(char)

    def in_paragraph(self, paragraph: int) -> TokenTest:
        """A test: the token starts inside the given paragraph."""
        lo, hi = self.paras[paragraph]

        def here(tok: Token) -> bool:
            return bool(lo <= tok.idx < hi)

        return here

    def entity_root(self, m: EntityMention) -> Token:
        """The syntactic head of a mention."""
        return self.doc[m.start : m.end].root

    def span_index(self, span: MarkSpan) -> int:
        """Position of a mark span among the article's spans."""
        return self.marks.spans.index(span)
