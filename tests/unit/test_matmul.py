"""The models' matrix products on numpy's OpenBLAS (the default) or thinc's BLIS: same
analysis either way, every layer on the chosen ops, one BLAS thread, clear errors."""

from __future__ import annotations

import pytest

from tests.conftest import MODEL, SEED
from transforms.extract import clean_text
from transforms.nlp import mentions_of, quotes_of

pytestmark = pytest.mark.slow

SENTENCES = [
    '"We will publish the plan next week," the transport minister, Ana Lopez, said.',
    "The company said on Tuesday that profits had fallen by a third in Ohio.",
    "Officials in Nairobi and Geneva declined to comment, according to Reuters.",
]


@pytest.fixture(scope="module")
def blis_nlp():
    from transforms.nlp import build_nlp

    return build_nlp(MODEL, matmul="blis")


def analysis(nlp, text):
    doc = nlp(text)
    tokens = [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.is_sent_start) for t in doc]
    ents = [(e.start, e.end, e.label_) for e in doc.ents]
    return tokens, ents, mentions_of(doc), quotes_of(doc)


def ops_of(nlp):
    """(pipe, class, BLIS on) for the ops of every layer of the pipeline's models."""
    from thinc.api import Model

    out = set()
    for name, pipe in nlp.pipeline:
        layer = getattr(pipe, "model", None)
        if isinstance(layer, Model):
            for node in layer.walk():
                out.add((name, type(node.ops).__name__, getattr(node.ops, "use_blis", None)))
    return out


def test_openblas_and_blis_give_the_same_analysis(nlp, blis_nlp):
    seed = clean_text(SEED.read_text(encoding="utf-8"))
    for text in [seed, *SENTENCES]:
        ours, theirs = analysis(nlp, text), analysis(blis_nlp, text)
        assert ours == theirs, text[:60]
    # and the seed article's analysis is not empty: the comparison compared something
    tokens, ents, _, quotes = analysis(nlp, seed)
    assert len(tokens) > 500 and len(ents) > 20 and len(quotes) >= 5


def test_every_layer_multiplies_with_the_chosen_library(nlp, blis_nlp):
    ours, theirs = ops_of(nlp), ops_of(blis_nlp)
    assert {name for name, _, _ in ours} >= {"tok2vec", "tagger", "parser", "ner"}
    assert {(cls, blis) for _, cls, blis in ours} == {("NumpyOps", False)}
    # stock: spaCy builds the parser's output layer on thinc's default ops, with BLIS
    assert ("parser", "NumpyOps", True) in theirs


def test_openblas_runs_one_thread_in_the_process(nlp):
    from threadpoolctl import threadpool_info

    openblas = [i for i in threadpool_info() if i["internal_api"] == "openblas"]
    assert openblas and all(i["num_threads"] == 1 for i in openblas), openblas


def test_an_unknown_library_is_refused_by_name():
    from flows.engine.settings import ConfigError, load_settings
    from transforms.nlp import load_model

    with pytest.raises(ValueError, match="matmul must be 'openblas' or 'blis', not 'mkl'"):
        load_model(MODEL, "mkl")  # type: ignore[arg-type]
    assert load_settings(nlp_matmul="blis").nlp_matmul == "blis"
    assert load_settings().nlp_matmul == "openblas"
    with pytest.raises(ConfigError, match="nlp_matmul: Input should be 'openblas' or 'blis'"):
        load_settings(nlp_matmul="mkl")
