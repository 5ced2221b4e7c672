"""Reported speech and its sources, with the real model, on sentences written for these tests."""

import pytest

from transforms.nlp import QUOTES_COMPONENT, mentions_of, quotes_of
from transforms.quotes import Article
from transforms.quotes.indirect import word_lemma

pytestmark = pytest.mark.slow


def reported(nlp, text):
    """(content, speaker name, speaker kind, statement kind) of each indirect quote."""
    return [
        (text[q.start : q.end], q.speaker_name, q.speaker_kind, q.statement_kind)
        for q in quotes_of(nlp(text))
        if q.quote_type == "indirect"
    ]


def test_the_object_of_a_cue_is_its_content_without_when_and_where(nlp):
    assert reported(nlp, "Tom Hale denied the allegations on Tuesday.") == [
        ("the allegations", "Tom Hale", "person", "speech")
    ]
    assert reported(nlp, "Mayor Anna Berg criticised the ruling in a statement.") == [
        ("the ruling", "Anna Berg", "person", "speech")
    ]


def test_the_object_of_a_cue_and_its_preposition_is_its_content(nlp):
    assert reported(nlp, "Anna Berg warned of higher prices next year.") == [
        ("higher prices", "Anna Berg", "person", "speech")
    ]


def test_a_report_at_the_end_of_its_clause_reports_the_clause(nlp):
    assert reported(nlp, "Prices will rise next year, the minister said.") == [
        ("Prices will rise next year", "the minister", "person", "speech")
    ]


def test_a_report_in_the_middle_of_its_clause_reports_both_parts_as_one_group(nlp):
    text = "The bridge, Tom Hale said, will open in May."
    quotes = [q for q in quotes_of(nlp(text)) if q.quote_type == "indirect"]
    assert [text[q.start : q.end] for q in quotes] == ["The bridge", "will open in May"]
    assert {q.group_start for q in quotes} == {0}
    assert {q.speaker_name for q in quotes} == {"Tom Hale"}


def test_a_named_persons_belief_is_typed_as_a_belief(nlp):
    assert reported(nlp, "Anna Berg believes that prices will rise.") == [
        ("prices will rise", "Anna Berg", "person", "belief")
    ]
    assert reported(nlp, "Anna Berg is convinced that the plan will fail.") == [
        ("the plan will fail", "Anna Berg", "person", "belief")
    ]
    assert reported(nlp, "Tom Hale fears that the bridge will collapse.") == [
        ("the bridge will collapse", "Tom Hale", "person", "belief")
    ]


def test_according_to_gives_its_clause_and_the_words_of_the_cue(nlp):
    text = "According to the city council, the bridge will close for two weeks."
    (q,) = [q for q in quotes_of(nlp(text)) if q.quote_type == "indirect"]
    assert text[q.start : q.end] == "the bridge will close for two weeks"
    assert text[q.cue_start : q.cue_end] == "According to"
    assert (q.speaker_name, q.speaker_kind) == ("the city council", "organisation")


def test_polls_documents_organisations_and_groups_are_sources_of_their_kind(nlp):
    assert reported(nlp, "A new poll found that most voters oppose the bridge.")[0] == (
        "most voters oppose the bridge",
        "A new poll",
        "document",
        "speech",
    )
    assert reported(nlp, "Court filings show that the company lost money.") == [
        ("the company lost money", "Court filings", "document", "speech")
    ]
    assert reported(nlp, "The ministry said on Friday that prices would rise.") == [
        ("prices would rise", "The ministry", "organisation", "speech")
    ]
    assert reported(nlp, "Many economists said that prices would rise.") == [
        ("prices would rise", "Many economists", "group", "speech")
    ]


def test_coordinated_speakers_are_kept_in_one_row(nlp):
    text = "“We will fight the plan,” said Anna Berg and Tom Hale."
    (q,) = quotes_of(nlp(text))
    assert q.speaker_name == "Anna Berg"
    assert [name for name, _ in q.co_speakers] == ["Tom Hale"]
    text = "Anna Berg, Tom Hale and the Acme Corporation said that the bridge would close."
    (q,) = quotes_of(nlp(text))
    assert [name for name, _ in q.co_speakers] == ["Tom Hale", "Acme Corporation"]


def test_a_cue_key_never_carries_a_name(nlp):
    with nlp.select_pipes(disable=[QUOTES_COMPONENT]):
        doc = nlp("Hale Hales the plan. Anna Berg denied it.")
    Article.of(doc, mentions_of(doc))
    words = {t.text: word_lemma(t) for t in doc}
    assert words["denied"] == "deny"
    assert words["Hales"] == "?"  # a capitalised word outside the lexicon may be a name


def test_a_headline_source_and_colon_reports_the_rest_of_the_line(nlp):
    assert reported(nlp, "Poll: Most voters in Dunmere oppose the new bridge")[0] == (
        "Most voters in Dunmere oppose the new bridge",
        "Poll",
        "document",
        "speech",
    )
    # a label is not a source
    assert reported(nlp, "Update: The bridge in Dunmere will reopen on Monday") == []


def test_reported_speech_after_a_colon_runs_to_the_end_of_the_paragraph(nlp):
    text = "Tom Hale said: the bridge will close in May. Repairs will take a year.\nNext line."
    assert reported(nlp, text) == [
        (
            "the bridge will close in May. Repairs will take a year",
            "Tom Hale",
            "person",
            "speech",
        )
    ]


def test_a_noun_of_saying_voiced_by_someone_is_their_statement(nlp):
    assert reported(nlp, "Tom Hale voiced support for the new bridge.") == [
        ("support for the new bridge", "Tom Hale", "person", "speech")
    ]
