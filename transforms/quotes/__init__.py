"""Who said what: direct, partial and indirect quotes with their speakers.

The mechanism, in order of trust (one module per stage):
1. Quotation-mark spans are found on the text and tied to tokens (`marks`).
2. A span's cue is the nearest speech verb above it in the dependency tree;
   failing that, a cue clause right next to it ("…,” he said" / "X said: “…");
   failing that, the speaker of the previous quote or of a cue in the previous
   sentence (a quote paragraph that follows "X said:"); as a last resort, with
   low confidence, a digest headline in capitals before the quote, the subject of
   the clause the quote sits in ("X attacked “…”"), or the speaker of an earlier
   quote in the same paragraph (`strategies`, tried in order by `direct`; titles
   and names are left out by `filters`).
3. The cue's subject is the speaker (`grammar`); names resolve to the fullest name in
   the article, pronouns and role nouns ("the minister") to the person or
   organisation they refer to (`speakers`, `coreference`). A report within a report
   goes to its outermost source ("“…,” X said, according to Y" and "Y wrote that X
   called it “…”" give Y, and so do "Y said, X believes “…”", "As Y reported, …" and
   a relative clause inside Y's report); a statement, ad or sign "saying" something
   speaks for whoever put it out, and a document introduced with a colon and no name
   ("From the report: “…") speaks for itself (`outer`).
4. Reported speech: a speech or cognition verb outside quotation marks with a
   clausal complement, or "according to X" (`indirect`).

Every strategy has a name (`STRATEGIES`); `Settings(disabled=…)` switches some off.
"""

from __future__ import annotations

from spacy.tokens import Doc

from transforms.entities import EntityMention
from transforms.quotes.article import Article
from transforms.quotes.cue_weights import BIAS, WEIGHTS
from transforms.quotes.direct import find_direct
from transforms.quotes.indirect import CueModel, find_indirect
from transforms.quotes.model import Quote, Speaker
from transforms.quotes.strategies import STRATEGIES, Settings

DEFAULT_SETTINGS = Settings()


def find_quotes(
    doc: Doc, mentions: list[EntityMention], settings: Settings = DEFAULT_SETTINGS
) -> list[Quote]:
    """All quotes of a parsed Doc whose entities were resolved by `resolve_entities`,
    in text order."""
    a = Article.of(doc, mentions)
    quotes, last_speaker = find_direct(a, settings)
    bias, weights = (BIAS, WEIGHTS) if settings.cue_model is None else settings.cue_model
    model = CueModel(bias, weights)
    quotes.extend(find_indirect(a, settings, quotes, last_speaker, model))
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


__all__ = ["STRATEGIES", "Article", "Quote", "Settings", "Speaker", "find_quotes"]
