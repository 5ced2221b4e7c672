"""Entities and quotes with the real model, on the seed article and sentences written for these tests."""

import pytest

from tests.conftest import SEED
from transforms.extract import clean_text
from transforms.nlp import mentions_of, quotes_of

pytestmark = pytest.mark.slow


def run(nlp, text):
    doc = nlp(text)
    return doc, mentions_of(doc), quotes_of(doc)


def speakers(text, quotes, kinds=("direct", "partial")):
    return [
        (text[q.start : q.end], q.quote_type, q.speaker_name, q.attribution)
        for q in quotes
        if q.quote_type in kinds
    ]


def test_seed_article_quotes_and_speakers(nlp):
    text = clean_text(SEED.read_text())
    _, _, quotes = run(nlp, text)
    found = speakers(text, quotes)
    assert found == [
        (
            "As a form of reassurance, 26 countries have committed to deploying troops to Ukraine,"
            " where they will be present on land, on sea, or in the air.",
            "direct",
            "Emmanuel Macron",
            "explicit",
        ),
        ("backstop", "partial", "Emmanuel Macron", "explicit"),
        ("if common sense prevails.", "partial", "Vladimir Putin", "explicit"),
        (
            "Why are we interested in what Russia thinks about troops in Ukraine?",
            "direct",
            "Mark Rutte",
            "pronoun",
        ),
    ]
    rutte = next(q for q in quotes if text[q.start : q.end].startswith("Why are we"))
    assert (
        text[rutte.speaker_start : rutte.speaker_end] == "he"
    )  # the mention that goes with the cue
    assert rutte.speaker_role == "NATO Secretary General"
    indirect = speakers(text, quotes, ("indirect",))
    assert any(
        name == "Donald Trump" and "European leaders to exert" in q for q, _, name, _ in indirect
    )


def test_seed_article_mentions(nlp):
    text = clean_text(SEED.read_text())
    _, mentions, _ = run(nlp, text)
    people = {m.canonical_name for m in mentions if m.label == "PERSON"}
    assert {
        "Emmanuel Macron",
        "Volodymyr Zelenskiy",
        "Donald Trump",
        "Vladimir Putin",
        "Mark Rutte",
    } <= people
    assert any(m.text == "NATO" and m.label == "ORG" for m in mentions)
    # "Trump" alone is the same person everywhere (the stock model tags two of them ORG)
    assert {m.label for m in mentions if m.text == "Trump"} == {"PERSON"}
    assert {m.canonical_name for m in mentions if m.text == "Macron"} == {"Emmanuel Macron"}
    assert all(text[m.start_char : m.end_char] == m.text for m in mentions)


def test_titles_are_trimmed_from_names(nlp):
    text = "President Joe Biden met Prime Minister Keir Starmer in London. Biden thanked Starmer."
    _, mentions, _ = run(nlp, text)
    names = {(m.text, m.canonical_name) for m in mentions if m.label == "PERSON"}
    assert ("Joe Biden", "Joe Biden") in names
    assert ("Biden", "Joe Biden") in names


def test_split_quote_is_one_group_with_one_speaker(nlp):
    text = "“We are ready,” said Anna Berg, the mayor. “The bridge opens in May.”"
    _, _, quotes = run(nlp, text)
    direct = [q for q in quotes if q.quote_type == "direct"]
    assert [text[q.start : q.end] for q in direct] == ["We are ready,", "The bridge opens in May."]
    assert {q.speaker_name for q in direct} == {"Anna Berg"}
    assert direct[1].group_start == direct[0].start


def test_quote_over_two_paragraphs_named_at_the_end(nlp):
    text = "“Line one of the statement is here.\n“Line two of it is here too,” said Tom Hale, the coach.\nThe team left."
    _, _, quotes = run(nlp, text)
    assert [(text[q.start : q.end], q.speaker_name) for q in quotes] == [
        ("Line one of the statement is here.", "Tom Hale"),
        ("Line two of it is here too,", "Tom Hale"),
    ]


def test_pronoun_in_the_next_paragraph_resolves_to_the_person(nlp):
    text = "The minister, Paul Okafor, spoke to reporters on Friday.\n“We will act on this quickly,” he said."
    _, _, quotes = run(nlp, text)
    assert [
        (q.speaker_name, q.attribution, text[q.speaker_start : q.speaker_end]) for q in quotes
    ] == [("Paul Okafor", "pronoun", "he")]


def test_gender_agreement_picks_the_right_person(nlp):
    text = "Maria Lopez met Mr. Daniel Price on Monday. Price left early.\n“I am glad we talked,” she said."
    _, _, quotes = run(nlp, text)
    assert [q.speaker_name for q in quotes] == ["Maria Lopez"]


def test_scare_quotes_and_titles_are_not_statements(nlp):
    text = "The so-called “reform” was dropped. She starred in “The Long Night” last year."
    _, _, quotes = run(nlp, text)
    assert quotes == []


def test_reported_speech_and_according_to(nlp):
    text = "The senator said that the bill would pass this week. According to the mayor, the bridge will reopen in May."
    _, _, quotes = run(nlp, text)
    found = [
        (text[q.start : q.end], q.quote_type, text[q.speaker_start : q.speaker_end]) for q in quotes
    ]
    assert ("the bill would pass this week", "indirect", "The senator") in found
    assert ("the bridge will reopen in May", "indirect", "the mayor") in found


def test_unattributed_statement_is_kept_with_attribution_none(nlp):
    text = "The hall was quiet.\n“Nobody expected this many people to come tonight.”\nThe doors closed."
    _, _, quotes = run(nlp, text)
    assert [(q.quote_type, q.attribution, q.speaker_start) for q in quotes] == [
        ("direct", "none", None)
    ]


def test_components_survive_multiprocess_pipe(nlp):
    texts = [clean_text(SEED.read_text()), "“We are ready,” said Anna Berg, the mayor."] * 2
    single = [len(quotes_of(d)) for d in nlp.pipe(texts)]
    multi = [len(quotes_of(d)) for d in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert single == multi and single[0] >= 4
