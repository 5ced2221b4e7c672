"""The quote finder's strategies are named units: each runs alone, each can be switched off."""

import pytest

from transforms.nlp import QUOTES_COMPONENT, mentions_of
from transforms.quotes import STRATEGIES, Article, Settings, find_quotes
from transforms.quotes.strategies import cue_before, cue_right_after


def test_an_unknown_strategy_name_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="no_such_rule"):
        Settings(disabled=frozenset({"no_such_rule"}))
    assert Settings(disabled=frozenset(STRATEGIES)).on("tree") is False


def _parsed(nlp, text):
    with nlp.select_pipes(disable=[QUOTES_COMPONENT]):
        doc = nlp(text)
    return doc, mentions_of(doc)


@pytest.mark.slow
def test_a_strategy_runs_alone_on_one_span(nlp):
    doc, mentions = _parsed(
        nlp, "“The bridge opens in May,” said Tom Hale. Anna Berg said: “Not so.”"
    )
    a = Article.of(doc, mentions)
    first, second = a.marks.spans
    cue, speaker = cue_right_after(a, first)
    assert (cue.text, speaker.text) == ("said", "Hale")
    assert cue_right_after(a, second) is None
    cue, speaker = cue_before(a, second)
    assert (cue.text, speaker.text) == ("said", "Berg")


@pytest.mark.slow
def test_switching_a_strategy_off_changes_only_what_it_finds(nlp):
    text = "Anna Berg warned that the bridge would close in May. “It is unsafe,” said Tom Hale."
    doc, mentions = _parsed(nlp, text)
    every = find_quotes(doc, mentions)
    assert sorted(q.quote_type for q in every) == ["direct", "indirect"]
    no_indirect = find_quotes(doc, mentions, Settings(disabled=frozenset({"indirect_complement"})))
    assert [q.quote_type for q in no_indirect] == ["direct"]
    # with every cue strategy for marks off, the quote stays but nobody speaks it
    off = frozenset({"tree", "after", "near", "previous_sentence", "governing_subject"})
    bare = find_quotes(doc, mentions, Settings(disabled=off))
    direct = next(q for q in bare if q.quote_type == "direct")
    assert (direct.speaker_name, direct.attribution) == (None, "none")


@pytest.mark.slow
def test_each_reported_speech_frame_runs_alone_on_one_token(nlp):
    from transforms.quotes.indirect import noun_content, object_content, parenthetical_content

    text = "Anna Berg defended her decision to close the bridge. The plan, Tom Hale said, is bad."
    doc, mentions = _parsed(nlp, text)
    a = Article.of(doc, mentions)
    tok = {t.text: t for t in doc}
    c = noun_content(a, tok["decision"])
    assert (text[c.start : c.end], c.source.text, c.key) == (
        "to close the bridge",
        "her",
        "noun:decision_clause",
    )
    c = object_content(a, tok["defended"])
    assert (text[c.start : c.end], c.key) == ("her decision to close the bridge", "dobj:defend")
    c = parenthetical_content(a, tok["said"])
    assert [text[s:e] for s, e in c.parts] == ["The plan", "is bad"]
    assert object_content(a, tok["bridge"]) is None


def test_a_sentence_without_marks_or_cue_words_cannot_hold_an_attribution():
    from transforms.quotes.lexicon import could_hold_attribution

    assert not could_hold_attribution("The weather was mild in the valley .".split())
    assert could_hold_attribution("Anna Berg said the plan would work .".split())
    assert could_hold_attribution(["It", "is", "“", "fine", "”"])
    assert could_hold_attribution("Tom Hale criticised the ruling .".split())
    assert could_hold_attribution(["Poll", ":", "most", "voters", "agree"])
    # lemmas, when the tagger has run, catch forms the word list does not
    assert could_hold_attribution(["They", "foretold", "it"], ["they", "forecast", "it"])


def test_the_shipped_cue_model_names_lemmas_and_tags_only():
    import re

    from transforms.quotes.cue_weights import WEIGHTS

    odd = [f for f in WEIGHTS if not re.fullmatch(r"[a-z0-9_=|:.?+%\-]+", f, re.IGNORECASE)]
    assert odd == []
    # a word in a key is a lower-case lemma (a name would be capitalised, and is "?")
    words = {part for f in WEIGHTS if f.startswith("key=") for part in re.split(r"[=:_|]", f)}
    assert all(w == w.lower() for w in words if w not in ("VB", "NN"))
