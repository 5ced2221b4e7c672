"""Speakers of quotes: pronouns, roles, and quoted words nobody says (real model, our sentences)."""

import pytest

from transforms.nlp import quotes_of

pytestmark = pytest.mark.slow


def found(nlp, text):
    """(quote, speaker mention, resolved name, role) of the direct and partial quotes."""
    return [
        (
            text[q.start : q.end],
            text[q.speaker_start : q.speaker_end] if q.speaker_start is not None else None,
            q.speaker_name,
            q.speaker_role,
        )
        for q in quotes_of(nlp(text))
        if q.quote_type != "indirect"
    ]


def test_he_resolves_to_the_one_name_before_it_without_gender_evidence(nlp):
    # the tagger calls the lone surname an organisation here; it is the only name around
    text = "Burton explained. “We will win the vote,” he said."
    assert found(nlp, text) == [("We will win the vote,", "he", "Burton", None)]


def test_a_role_comes_from_an_apposition_or_a_title_and_never_from_a_clause(nlp):
    assert found(nlp, "“It is over,” said Tom Hale, the mayor of Dunmere.") == [
        ("It is over,", "Tom Hale", "Tom Hale", "the mayor of Dunmere")
    ]
    assert found(nlp, "“It is over,” said Senator Anna Berg.")[0][3] == "Senator"
    text = "Tom Hale, the pathway to victory for the party in the north, said “it is over.”"
    assert found(nlp, text)[0][3] is None
    text = "Tom Hale, a lawyer who represents the union in the case, said “it is over.”"
    assert found(nlp, text)[0][3] == "a lawyer"
    # a courtesy title is no role
    text = "Ms. Okafor addressed the council. Her answer was “we will not raise taxes this year.”"
    assert found(nlp, text) == [("we will not raise taxes this year.", "Her", "Okafor", None)]


def test_titles_and_scare_quotes_after_a_linking_verb_are_nobodys_words(nlp):
    text = (
        "Tom Hale said the budget was fine. His favourite book is"
        " “A Long Walk to the Sea and Back Home Again.”"
    )
    assert found(nlp, text) == []
    text = "Anna Berg runs the shelter. Her cats are “the most perfect animals in the world.”"
    assert found(nlp, text) == []
