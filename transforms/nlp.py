"""The spaCy pipeline: the stock model plus our registered, versioned components.

`build_nlp(model)` loads the model once, swaps its attribute ruler and rule lemmatizer
for exact memoised ones (`transforms.fastpipes`), puts `newslake_paragraphs_v1` before
the parser (a paragraph break ends a sentence) and appends:
- `newslake_entities_v1`: article-level entity fixes, canonical names, keys;
- `newslake_quotes_v1`: quotes and speakers.
Both store plain data on the Doc (`doc._.newslake_mentions`,
`doc._.newslake_quotes`), so `nlp.pipe(..., n_process=N)` carries them back
from worker processes.

The models' layers multiply their matrices with numpy's OpenBLAS (`matmul="openblas"`,
the default) rather than thinc's default, the BLIS bundled in the `blis` package. BLIS
chooses its kernels by CPU model and runs its generic reference code on a CPU it does
not know: on AMD Zen 3 (an EPYC, family 25) it does, and tok2vec and NER took twice as
long. OpenBLAS chooses by instruction set. The two add a product's terms in different
orders, so a score can differ in its last bits; on the PolNeAR and CoNLL dev sets every
tag, parse, entity and quote came out the same. The parser's state layer multiplies
through a function pointer spaCy's compiled code takes from BLIS, and stays on BLIS.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

import spacy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from transforms.entities import EntityMention, resolve_entities
from transforms.fastpipes import speed_up
from transforms.quotes import Quote, find_quotes
from transforms.quotes.french import find_quotes_fr

ENTITIES_COMPONENT = "newslake_entities_v1"
QUOTES_COMPONENT = "newslake_quotes_v1"
# the parser's sentence splits are used; the model's senter is disabled
STOCK_DISABLE: tuple[str, ...] = ()

Matmul = Literal["openblas", "blis"]


def _register_extensions() -> None:
    for name in ("newslake_mentions", "newslake_quotes"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def _fields(obj: Any) -> tuple[Any, ...]:
    """A dataclass's field values in order (`dataclasses.astuple` without its deep copy:
    the values are plain and immutable)."""
    return tuple(getattr(obj, name) for name in _FIELD_NAMES[type(obj)])


_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in (EntityMention, Quote)
}


class EntityComponent:
    """Pipeline component: resolve entities and store them as plain tuples (the article-level
    rules on English; the model's entities, mapped, on other languages)."""

    def __init__(self, language: str = "en") -> None:
        _register_extensions()
        self.language = language

    def __call__(self, doc: Doc) -> Doc:
        mentions = resolve_entities(doc, self.language)
        doc._.newslake_mentions = [_fields(m) for m in mentions]
        return doc


# the quote engines by language: the English one, and a French one with its own cue
# lexicon; on any other language no quotes are looked for
QUOTE_ENGINES: dict[str, Callable[[Doc, list[EntityMention]], list[Quote]]] = {
    "en": find_quotes,
    "fr": find_quotes_fr,
}


class QuoteComponent:
    """Pipeline component: find quotes and speakers, store them as plain tuples."""

    def __init__(self, language: str = "en") -> None:
        _register_extensions()
        self.engine = QUOTE_ENGINES.get(language)

    def __call__(self, doc: Doc) -> Doc:
        quotes = self.engine(doc, mentions_of(doc)) if self.engine else []
        doc._.newslake_quotes = [_fields(q) for q in quotes]
        return doc


@Language.factory(ENTITIES_COMPONENT)
def make_entities(nlp: Language, name: str) -> EntityComponent:
    """Factory for the entity component (for the pipeline's language)."""
    return EntityComponent(nlp.lang or "en")


@Language.factory(QUOTES_COMPONENT)
def make_quotes(nlp: Language, name: str) -> QuoteComponent:
    """Factory for the quote component (for the pipeline's language)."""
    return QuoteComponent(nlp.lang or "en")


# A curly or straight double quotation mark glued to a word ("said,“We", "year,”Anna") is a
# token of its own, and so is a comma or stop right before it.
QUOTE_MARK_INFIXES: tuple[str, ...] = (r"[“”\"]", r"[,.!?;:](?=[“”\"])")


def _split_glued_quote_marks(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes or []) + list(QUOTE_MARK_INFIXES)
    tokenizer: Any = nlp.tokenizer
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer


PARAGRAPHS_COMPONENT = "newslake_paragraphs_v1"


@Language.component(PARAGRAPHS_COMPONENT)
def paragraph_starts(doc: Doc) -> Doc:
    """A paragraph break ends a sentence: the token after a line break starts one, so a
    heading, a dateline or a caption is never parsed into the next paragraph's first
    sentence. A single line break before a lower-case word is a wrapped line, not a
    paragraph. The parser keeps boundaries set before it runs."""
    n = len(doc)
    if n < 2:
        return doc
    # the space tokens but the last token (what follows a space starts a sentence)
    for i in doc.to_array(IS_SPACE)[:-1].nonzero()[0].tolist():
        text = doc[i].text
        if "\n" not in text:
            continue
        nxt = doc[i + 1]
        if text.count("\n") >= 2 or not nxt.text[:1].islower():
            nxt.is_sent_start = True
            if i + 2 < n and not doc[i + 2].is_space:
                # left free, the parser may cut after the first word ("Paul | Weber said")
                doc[i + 2].is_sent_start = False
    return doc


def load_model(model: str, matmul: Matmul = "openblas") -> Language:
    """`spacy.load(model)`, every layer multiplying its matrices with `matmul` (module
    docstring). With OpenBLAS, this process's BLAS runs one thread: the parallelism is
    one worker process per core, and more threads would compete for the same cores."""
    if matmul == "blis":
        return spacy.load(model)
    if matmul != "openblas":
        raise ValueError(f"matmul must be 'openblas' or 'blis', not {matmul!r}")
    from thinc.api import Model, NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    nlp = spacy.load(model)
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        layer = getattr(pipe, "model", None)
        if isinstance(layer, Model):
            for node in layer.walk():
                if isinstance(node.ops, NumpyOps):
                    node.ops = ops
    return nlp


def build_nlp(
    model: str, with_components: bool = True, fast: bool = True, matmul: Matmul = "openblas"
) -> Language:
    """The model with our components appended (or the bare model for benchmarks);
    `fast=False` keeps the stock attribute ruler and lemmatizer (to compare outputs);
    `matmul` chooses the matrix products' library (`load_model`)."""
    _register_extensions()
    nlp = load_model(model, matmul)
    _split_glued_quote_marks(nlp)
    if with_components and "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS_COMPONENT, before="parser")
    if with_components and fast:
        speed_up(nlp)
        nlp.add_pipe(ENTITIES_COMPONENT, last=True)
        nlp.add_pipe(QUOTES_COMPONENT, last=True)
    return nlp


def mentions_of(doc: Doc) -> list[EntityMention]:
    """The resolved mentions stored on a Doc by the entity component."""
    stored: list[Any] = doc._.newslake_mentions or []
    return [EntityMention(*row) for row in stored]


def quotes_of(doc: Doc) -> list[Quote]:
    """The quotes stored on a Doc by the quote component."""
    stored: list[Any] = doc._.newslake_quotes or []
    return [Quote(*row) for row in stored]


def model_version(nlp: Language) -> str:
    """'name-version' of the loaded model, for the runs table."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"
