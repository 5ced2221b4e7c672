"""Entities and quotes with the real model, on the seed article and sentences written for these tests."""

import pytest

from tests.conftest import SEED
from transforms.extract import clean_text
from transforms.nlp import mentions_of, quotes_of

pytestmark = pytest.mark.slow


def run(nlp, text):
    doc = nlp(text)
    return doc, mentions_of(doc), quotes_of(doc)


def hand_parsed(nlp, words, spaces, heads, deps, pos, tags, lemmas, ents):
    """A Doc with a parse given by hand (the model parses our short sentences too well to
    show the parser error a rule is for), run through our two components. Token
    attributes may be given as one space-separated string."""
    from spacy.tokens import Doc

    from transforms.nlp import EntityComponent, QuoteComponent

    def split(value):
        return value.split() if isinstance(value, str) else value

    doc = Doc(
        nlp.vocab,
        words=split(words),
        spaces=spaces,
        heads=heads,
        deps=split(deps),
        pos=split(pos),
        tags=split(tags),
        lemmas=split(lemmas),
        ents=ents,
    )
    return QuoteComponent()(EntityComponent()(doc))


def speaker_mentions(doc):
    """The speaker mention of each direct or partial quote of a Doc."""
    return [s for _, s, _ in direct_speakers(doc.text, quotes_of(doc))]


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


def test_a_show_named_near_a_speaker_is_not_a_statement(nlp):
    text = (
        "Senator Jane Roe told NBC’s “Sunday Roundtable” that the bill would pass.\n"
        "“We have the votes,” Roe said on “Morning Report.”\n"
        "In her memoir, “Quiet Waters,” Roe wrote that she was “never afraid of a fight.”"
    )
    _, _, quotes = run(nlp, text)
    assert [text[q.start : q.end] for q in quotes if q.quote_type != "indirect"] == [
        "We have the votes,",
        "never afraid of a fight.",
    ]


def test_a_headline_with_its_byline_is_a_title_not_a_statement(nlp):
    text = (
        "HARBOUR NEWS—“The old pier will close in the spring,” by the Herald’s Tom Lee.\n"
        "The memo was labeled “for staff only” by the city council."
    )
    _, _, quotes = run(nlp, text)
    assert [text[q.start : q.end] for q in quotes if q.quote_type != "indirect"] == [
        "for staff only"
    ]


def test_roles_in_apposition_and_hyphenated_names(nlp):
    text = (
        "“Prices will rise,” said Acme Canada’s senior economist Paul Weber.\n"
        "“We are ready,” said Secretary-General Ana Lopez.\n"
        "“The figures end the debate,” said Northern Farmers Association of Canada’s chief"
        " economist, Marie-Claire Dubois.\n"
        "Bank of Elmira’s managing director for rates and chief strategist, Tom Reyes, said"
        " the surge should end the talk of a slump."
    )
    _, _, quotes = run(nlp, text)
    assert [(q.speaker_name, q.speaker_role) for q in quotes] == [
        ("Paul Weber", "Acme Canada’s senior economist"),
        ("Ana Lopez", "Secretary-General"),
        # the parser makes the association the subject; the economist named in apposition speaks
        ("Marie-Claire Dubois", "Northern Farmers Association of Canada’s chief economist"),
        ("Tom Reyes", "Bank of Elmira’s managing director for rates and chief strategist"),
    ]


def test_a_paragraph_break_ends_a_sentence(nlp):
    text = (
        "Rates held steady over the past year.\n\n"
        "‘Not the time to raise rates’: Acme Research\n\n"
        "Paul Weber of Acme Research said that the economy is barely growing."
    )
    doc, _, quotes = run(nlp, text)
    assert [s.text.strip()[:10] for s in doc.sents] == ["Rates held", "‘Not the t", "Paul Weber"]
    indirect = [q for q in quotes if q.quote_type == "indirect"]
    assert [(text[q.start : q.end], q.speaker_name) for q in indirect] == [
        ("the economy is barely growing", "Paul Weber")
    ]
    # a dateline on its own line; a wrapped line goes on with its sentence
    text = (
        "17:41 JST, October 13, 2024\nPrime Minister Ana Lopez dodged questions, saying she"
        " would discuss them within her party.\nThe mayor said the plan\nwould work."
    )
    doc, _, quotes = run(nlp, text)
    assert [s.text.strip()[:10] for s in doc.sents] == ["17:41 JST,", "Prime Mini", "The mayor "]
    assert [q.speaker_name for q in quotes][:1] == ["Ana Lopez"]


def test_an_object_controlled_cue_belongs_to_the_object(nlp):
    text = (
        "The speed of the bursts, coupled with the analysis, led the institute to conclude that"
        " the shots came from the same place. The mayor wants to say that the plan works."
    )
    _, _, quotes = run(nlp, text)
    assert [(text[q.start : q.end], text[q.speaker_start : q.speaker_end]) for q in quotes] == [
        ("the shots came from the same place", "the institute"),
        ("the plan works", "The mayor"),
    ]


def test_a_month_alone_is_not_a_person_but_a_surname_stays_one(nlp):
    text = (
        "Acme Bank assistant chief economist Paul Weber said May’s larger-than-expected"
        " increase in jobs was welcome.\n\n"
        "Still, the jump in employment in May was just the second increase in five months,"
        " he said."
    )
    _, mentions, quotes = run(nlp, text)
    assert [m.text for m in mentions if m.label == "PERSON"] == ["Paul Weber"]
    assert [q.speaker_name for q in quotes] == ["Paul Weber", "Paul Weber"]
    text = (
        "British Prime Minister Theresa May met the president on Monday."
        " “We will leave the union,” May said."
    )
    _, mentions, quotes = run(nlp, text)
    assert [m.text for m in mentions if m.label == "PERSON"] == ["Theresa May", "May"]
    assert [q.speaker_name for q in quotes] == ["Theresa May"]


def test_an_inverted_subject_with_a_hyphenated_role_names_the_person(nlp):
    text = (
        "Rain falls everywhere on the moon, but the equator is drier than the poles, said"
        " study co-author Anna Berg, a research fellow."
    )
    _, _, quotes = run(nlp, text)
    assert [
        (text[q.speaker_start : q.speaker_end], q.speaker_name, q.speaker_role) for q in quotes
    ] == [("Anna Berg", "Anna Berg", "co-author")]


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


# spaCy's n_process pipe forks; on Python 3.12 a fork from a process that has threads
# (earlier tests leave some) warns, which does not concern the model's child processes
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_components_survive_multiprocess_pipe(nlp):
    texts = [clean_text(SEED.read_text()), "“We are ready,” said Anna Berg, the mayor."] * 2
    single = [len(quotes_of(d)) for d in nlp.pipe(texts)]
    multi = [len(quotes_of(d)) for d in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert single == multi and single[0] >= 4


def direct_speakers(text, quotes):
    """(quote, speaker mention, resolved name) of the direct and partial quotes."""
    return [
        (
            text[q.start : q.end],
            text[q.speaker_start : q.speaker_end] if q.speaker_start is not None else None,
            q.speaker_name,
        )
        for q in quotes
        if q.quote_type in ("direct", "partial")
    ]


def test_cue_opening_the_next_sentence_does_not_take_the_quote(nlp):
    text = (
        "Tom Hale said the plan was ready: “We will win the final.” "
        "Maria Ortiz added that the team was tired.\n"
        "Anna Berg praised the plan as “a very good start for us.” He went on to criticise the budget."
    )
    _, _, quotes = run(nlp, text)
    assert [(s, n) for _, s, n in direct_speakers(text, quotes)] == [
        ("Tom Hale", "Tom Hale"),
        ("Anna Berg", "Anna Berg"),
    ]


def test_report_of_a_report_goes_to_the_outer_source(nlp):
    text = (
        "“The budget is balanced and the schools are open,” Tom Hale said, according to the Daily Ledger.\n"
        "Tom Hale said the plan was “ready to go,” the Daily Ledger reported.\n"
        "Tom Hale wrote that the mayor had called the plan “a waste of money.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "the Daily Ledger",
        "the Daily Ledger",
        "Tom Hale",
    ]


def test_relative_pronoun_is_the_mention_and_its_antecedent_the_name(nlp):
    text = "The plan was backed by Tom Hale, who said it was “a good start for the city.”"
    _, _, quotes = run(nlp, text)
    assert direct_speakers(text, quotes) == [("a good start for the city.", "who", "Tom Hale")]
    assert quotes[0].attribution == "pronoun"


def test_cue_after_typewriter_quotes_and_inverted_speaker(nlp):
    text = (
        "''Nobody told us about the fee!'' Tom Hale wrote on Monday.\n"
        "“The trains are late again and nobody cares. #Leeds,” tweeted a commuter from York.\n"
        "“The budget is a disgrace to the city,” the note reads."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "Tom Hale",
        "a commuter from York",
        "the note",
    ]


def test_no_cue_after_a_quote_without_closing_punctuation(nlp):
    text = "Tom Hale said the town would be “far better off” had Maria Ortiz agreed to the deal."
    _, _, quotes = run(nlp, text)
    assert direct_speakers(text, quotes) == [("far better off", "Tom Hale", "Tom Hale")]


def test_name_with_a_long_apposition_after_the_quote(nlp):
    text = (
        "Staff at city hall described the talks as difficult.\n"
        "“The roof needs work before winter,” Tom Hale, Governor Ortiz's former budget director,"
        " said on Monday."
    )
    _, _, quotes = run(nlp, text)
    assert [n for _, _, n in direct_speakers(text, quotes)] == ["Tom Hale"]


def test_following_quotes_keep_the_speaker(nlp):
    text = (
        "Anna Berg said: “The roads are ready.” “The bridge will open in May.”\n"
        "“This was a fine result for the club,” said Tom Hale. “It was” a team effort and"
        " “a lot of hard work.”\n"
        "Maria Ortiz told reporters the plan was “ready to go.”\n"
        "“We will start building in May and finish by the end of the year.”"
    )
    _, _, quotes = run(nlp, text)
    assert [n for _, _, n in direct_speakers(text, quotes)] == [
        "Anna Berg",
        "Anna Berg",
        "Tom Hale",
        "Tom Hale",
        "Tom Hale",
        "Maria Ortiz",
        "Maria Ortiz",
    ]


def test_verb_of_thought_with_a_quoted_complement(nlp):
    text = "The survey found that “most voters want lower taxes and better roads.”"
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["The survey"]


def test_as_x_put_it_is_a_cue(nlp):
    text = (
        "As the mayor put it, “nobody wants a new airport.”\n"
        "The change was long overdue. As one teacher put it, “nobody reads those reports anyway.”\n"
        "She put it on the table and left."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["the mayor", "one teacher"]


def test_speech_verb_in_an_infinitive_is_not_the_report(nlp):
    text = "Anna Berg said she would ask Tom Hale to continue the “war on potholes.”"
    _, _, quotes = run(nlp, text)
    assert direct_speakers(text, quotes) == [("war on potholes.", "Anna Berg", "Anna Berg")]


def test_cue_between_split_parts_survives_a_title_in_between(nlp):
    text = "“We will open the bridge in May,” Anna Berg said on “The Morning Show.” “The roads are ready too.”"
    _, _, quotes = run(nlp, text)
    assert direct_speakers(text, quotes)[-1] == (
        "The roads are ready too.",
        "Anna Berg",
        "Anna Berg",
    )


def test_thing_that_says_it_speaks_for_the_subject_of_the_main_clause(nlp):
    text = (
        "Tom Hale is running a radio spot that asks listeners to “call the council today.”\n"
        "Anna Berg held up a sign that read “No new taxes for this town.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Tom Hale", "Anna Berg"]


def test_statement_saying_speaks_for_whoever_issued_it(nlp):
    text = (
        "The club put out a short statement criticising the referee for “a string of poor calls.”\n"
        "The video shows Tom Hale asking, “Why is nobody listening to us?”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["The club", "Tom Hale"]


def test_according_to_anywhere_above_the_cue_is_the_source(nlp):
    text = (
        "According to the Daily Ledger, Tom Hale praised the new library, which he called"
        " “a gift to every child.”\n"
        "Tom Hale backed the plan, saying it was “long overdue,” the Daily Ledger reported."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "the Daily Ledger",
        "the Daily Ledger",
    ]


def test_a_new_speaker_introduced_before_the_next_quote_stops_the_split(nlp):
    text = (
        "“We will not close the school this year,” said Tom Hale, the mayor."
        " Anna Berg pushed back: “It has to close before winter.”"
    )
    _, _, quotes = run(nlp, text)
    assert [n for _, _, n in direct_speakers(text, quotes)] == ["Tom Hale", "Anna Berg"]


def test_colon_introduced_by_a_noun_subject_or_a_name(nlp):
    text = (
        "The union was blunt in its letter: “Our members will not accept these cuts.”\n"
        "The numbers puzzle the economist Maria Ortiz: “Prices are rising faster than wages.”\n"
        "Tom Hale sent a short note to Anna Berg: “The budget talks are over for this year.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "The union",
        "Maria Ortiz",
        "Tom Hale",
    ]


def test_quote_marks_glued_to_words_are_split_off(nlp):
    text = (
        "Tom Hale said,“We will not close the school this year.”\n"
        "“It is too late to close it,”Anna Berg said."
    )
    _, _, quotes = run(nlp, text)
    assert [(s, n) for _, s, n in direct_speakers(text, quotes)] == [
        ("Tom Hale", "Tom Hale"),
        ("Anna Berg", "Anna Berg"),
    ]


def test_as_x_put_it_with_an_apposition_or_a_setting(nlp):
    text = (
        "As Anna Berg, professor of law at the state university, put it, “The school has to"
        " stay open.”\n"
        "As Tom Hale put it in a letter to the board, “The budget cannot carry the cost.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg", "Tom Hale"]


def test_the_report_nearest_the_quote_and_its_own_pronoun_subject(nlp):
    text = (
        "Asked by Tom Hale whether she would run again, she said, “I have not decided yet.”\n"
        "Hale said last week that he would stay, though he said, “I may change my mind.”\n"
        "Anna Berg said she would run again, although she wrote that she"
        " “will decide by June.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["she", "he", "she"]


def test_a_quote_inside_the_speakers_own_phrase_is_not_what_they_say(nlp):
    text = (
        "Anna Berg, the author of “The Long Road,” said the school"
        " “has to stay open for another year.”"
    )
    _, _, quotes = run(nlp, text)
    assert [(q, s) for q, s, _ in direct_speakers(text, quotes)] == [
        ("has to stay open for another year.", "Anna Berg")
    ]


def test_a_label_in_a_relative_clause_is_the_named_main_subjects(nlp):
    text = (
        "Anna Berg has railed against what she calls the “cartel of insiders.”\n"
        "Tom Hale toured the new plant, which he called “a model for the region.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg", "Tom Hale"]


def test_a_clause_of_its_own_after_the_quote_does_not_attribute_it(nlp):
    text = (
        "The clip shows Tom Hale saying, “That was a fair deal,” when Anna Berg criticised"
        " him for the vote."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Tom Hale"]


def test_passive_cue_with_an_agent_speaks_for_the_agent(nlp):
    text = (
        "Tom Hale was asked by the host Anna Berg whether the plan would mean"
        " “higher taxes for every family in town.”"
    )
    _, _, quotes = run(nlp, text)
    assert [n for _, _, n in direct_speakers(text, quotes)] == ["Anna Berg"]


def test_a_pronoun_in_a_relative_clause_is_its_own_speaker(nlp):
    text = "Tom Hale said the report came from a source whom he described as “very reliable.”"
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["he"]


def test_a_pronoun_cue_after_the_quote_defers_to_the_named_report_before_it(nlp):
    text = (
        "Although Tom Hale admitted to the paper that he and the mayor had “been friends for"
        " many years,” he claimed they never met."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Tom Hale"]


def test_a_label_goes_past_scare_quotes_and_the_same_pronoun_to_the_name(nlp):
    text = (
        "Anna Berg said that she rang Tom Hale on Monday to praise him for what she"
        " called “a fine campaign.”\n"
        "Tom Hale went on the radio to accuse the council of being “lazy” and urge voters to"
        " read what he called the “secret report.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg", "Tom Hale", "Tom Hale"]


def test_a_report_after_the_previous_quote_takes_over_its_speaker(nlp):
    text = (
        "“The roads are ready,” Anna Berg said. She added that the bridge would open soon."
        " “It will be a fine summer for the town.”\n"
        "“The roads are ready and the bridge is finished and the trains will run on time all"
        " summer long,” Anna Berg said. Tom Hale disagreed:\n"
        "“It will be a terrible summer for the town and for everyone who lives here.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "Anna Berg",
        "She",
        "Anna Berg",
        "Tom Hale",
    ]


def test_a_parenthetical_report_before_the_subject_is_the_source(nlp):
    text = (
        "During his long years in office, Tom Hale said, most voters have come to believe"
        " “that the roads matter more than anything else.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Tom Hale"]


def test_of_two_subjects_on_one_verb_the_nearest_speaks(nlp):
    # a parse as the parser gives it for a place name set off before the subject

    words = "In Leeds , England , Ortiz attacked the plan , calling it “ a farce . ”".split()
    spaces = [True, False, True, False, True, True, True, True, False, True, True, True]
    spaces += [False, True, False, False, False]
    heads = [6, 0, 6, 6, 3, 6, 6, 8, 6, 6, 6, 10, 14, 14, 10, 6, 6]
    deps = "prep pobj punct nsubj punct nsubj ROOT det dobj punct advcl dobj punct det oprd"
    deps += " punct punct"
    pos = "ADP PROPN PUNCT PROPN PUNCT PROPN VERB DET NOUN PUNCT VERB PRON PUNCT DET NOUN"
    pos += " PUNCT PUNCT"
    tags = "IN NNP , NNP , NNP VBD DT NN , VBG PRP `` DT NN . ''".split()
    lemmas = "in Leeds , England , Ortiz attack the plan , call it “ a farce . ”".split()
    ents = ["O", "B-GPE", "O", "B-GPE", "O", "B-PERSON"] + ["O"] * 11
    doc = hand_parsed(nlp, words, spaces, heads, deps, pos, tags, lemmas, ents)
    assert speaker_mentions(doc) == ["Ortiz"]


def test_a_report_in_a_clause_of_time_stays_its_own(nlp):
    text = (
        "Tom Hale says he can win after a woman in Leeds told him she fears he is “far too polite.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["a woman"]


def test_a_cue_with_an_object_of_its_own_after_a_full_stop_is_a_new_report(nlp):
    text = (
        "Anna Berg called the plan “a total mess.” Tom Hale wrote a long letter to the council"
        " about the roads."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg"]


def test_a_quote_without_a_speech_verb_goes_to_the_subject_of_its_clause(nlp):
    text = (
        "Tom Hale attacked the “reckless spending plan that will ruin the city budget for years.”\n"
        "Anna Berg referred to the mayor as “the most stubborn man I have ever met in my life”"
        " in a post.\n"
        "The union filed a request with the city for “all records that show how the money"
        " was spent last year.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "Tom Hale",
        "Anna Berg",
        "The union",
    ]
    assert {q.attribution for q in quotes} == {"inferred"}


def test_a_party_word_before_the_name_after_the_quote_is_part_of_the_title(nlp):
    from transforms.quotes import Article
    from transforms.quotes.strategies import name_after_quote

    text = (
        "“The plan will work,” Democratic strategist Anna Berg, a veteran of three campaigns"
        " in the state, told the paper."
    )
    doc, mentions, _ = run(nlp, text)
    after = [t for t in doc if t.idx > text.index("”")]
    assert name_after_quote(Article.of(doc, mentions), after).text == "Berg"


def test_a_capitalised_headline_speaks_for_the_excerpt_after_it(nlp):
    text = (
        "CITY HALL CLOSES EARLY “The building will shut at noon on Friday because of the"
        " coming storm.” [Daily News.]"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["CITY HALL CLOSES EARLY"]
    dateline = "SALEM, Ohio (AP) \u2014 \u201cThe building will shut at noon on Friday.\u201d"
    _, _, quotes = run(nlp, dateline)
    assert [s for _, s, _ in direct_speakers(dateline, quotes)] == [None]


def test_a_document_introduced_by_a_colon_speaks_when_nobody_is_named(nlp):
    text = (
        "Transcript as follows:\n\n"
        "“We will build the new bridge and we will finish it by May.”\n\n"
        "“Nobody will pay a toll to cross it.”\n\n"
        "From the report: “Most schools in the region lack enough teachers to keep classes small.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "Transcript",
        "Transcript",
        "the report",
    ]


def test_a_later_quote_of_the_paragraph_goes_on_with_the_speaker_before(nlp):
    text = (
        "Tom Hale concluded, “The plan is dead.” Indeed, “nobody on the council will vote"
        " for it again this year.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Tom Hale", "Tom Hale"]


def test_a_report_set_off_by_commas_before_another_is_the_outer_source(nlp):
    text = (
        "During the meeting, Anna Berg said, most residents have come to believe"
        " “that the old bridge is too weak to repair.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg"]


def test_a_quote_ending_its_sentence_keeps_the_cue_before_it(nlp):
    text = "Tom Hale called the plan “a complete waste of money.” Anna Berg wrote a letter to the council."
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Tom Hale"]


def test_a_named_source_closing_the_sentence_is_found_whatever_the_parse(nlp):
    from transforms.quotes import Article
    from transforms.quotes.outer import trailing_report

    text = (
        "Critics of the plan – including Tom Hale – say it is “a gift to developers and"
        " nothing more,” reported the Associated Press."
    )
    doc, mentions, quotes = run(nlp, text)
    article = Article.of(doc, mentions)
    cue, source = trailing_report(article, article.marks.spans[0])
    assert (cue.text, source.text) == ("reported", "Press")
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["the Associated Press"]


def test_a_relative_clause_inside_a_report_belongs_to_the_reporter(nlp):
    text = (
        "Anna Berg recalled that the plan was ignored by local critics, who wondered if"
        " “the council had lost its mind entirely.”\n"
        "The residents are asking the mayor to reject the support of a developer who suggested"
        " that the city should “sell the park to the highest bidder.”\n"
        "Tom Hale criticized the mayor, who said the park was “too expensive to keep open all year.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg", "The residents", "who"]


def test_the_cue_of_the_sentence_before_a_quote_gives_its_outer_source(nlp):
    text = (
        "The New York Times reported that Tom Hale testified before the council.\n\n"
        "“The hearing was closed to the public and to the press for the whole day.”\n\n"
        "As The New York Times reported, the mayor was refusing to call the flood a disaster:\n\n"
        "“The city has everything it needs to clean up the streets.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == [
        "The New York Times",
        "The New York Times",
    ]


def test_of_two_subjects_the_parser_gives_a_verb_the_named_one_next_to_it(nlp):
    """A parse seen on real text: a place name before the subject taken as a second subject."""
    from spacy.tokens import Doc

    from transforms.entities import resolve_entities
    from transforms.quotes import Article
    from transforms.quotes.grammar import subject

    words = "In Salem , Ohio , Tom Hale went after Anna Berg .".split()
    deps = "prep pobj punct nsubj punct compound nsubj ROOT prep compound pobj punct".split()
    pos = "ADP PROPN PUNCT PROPN PUNCT PROPN PROPN VERB ADP PROPN PROPN PUNCT".split()
    ents = "O B-GPE O B-GPE O B-PERSON I-PERSON O O B-PERSON I-PERSON O".split()
    spaces = [w not in ("Salem", "Ohio", "Berg", ".") for w in words]
    heads = [7, 0, 7, 7, 7, 6, 7, 7, 7, 10, 8, 7]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, ents=ents)
    assert subject(Article.of(doc, resolve_entities(doc)), doc[7]).text == "Hale"


def test_a_subject_across_a_paragraph_break_gives_way_to_the_name_before_the_verb(nlp):
    """A parse seen on real text: the subject hung on a heading, the name on nothing."""
    from spacy.tokens import Doc

    from transforms.entities import resolve_entities
    from transforms.quotes import Article
    from transforms.quotes.grammar import subject

    words = ["Briefing", ".", "\n\n", "Tom", "Hale", "has", "spoken", "."]
    spaces = [False, False, False, True, True, True, False, False]
    deps = "nsubj punct dep compound appos aux ROOT punct".split()
    pos = "NOUN PUNCT SPACE PROPN PROPN AUX VERB PUNCT".split()
    tags = "NN . _SP NNP NNP VBZ VBN .".split()
    ents = "O O O B-PERSON I-PERSON O O O".split()
    heads = [6, 0, 1, 4, 0, 6, 6, 6]
    doc = Doc(
        nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, tags=tags, ents=ents
    )
    assert subject(Article.of(doc, resolve_entities(doc)), doc[6]).text == "Hale"


def test_a_cue_before_that_outranks_a_new_clause_after_the_quote(nlp):
    # a parse as the parser gives it when it takes the cue for a modifier of its object:
    # "X told voters that “…,” and he vowed …" is X's report, not the later clause's

    words = "Ending the day , Hale told voters that “ taxes will fall , ” and he vowed to win ."
    words = words.split()
    spaces = [True, True, False, True, True, True, True, True, False, True, True, False, False]
    spaces += [True, True, True, True, True, False, False]
    heads = [0, 2, 0, 0, 5, 6, 0, 11, 11, 11, 11, 0, 0, 0, 0, 16, 0, 18, 16, 0]
    deps = "ROOT det dobj punct nsubj amod dobj mark punct nsubj aux ccomp punct punct cc"
    deps += " nsubj conj aux xcomp punct"
    pos = "VERB DET NOUN PUNCT PROPN VERB NOUN SCONJ PUNCT NOUN AUX VERB PUNCT PUNCT CCONJ"
    pos += " PRON VERB PART VERB PUNCT"
    tags = "VBG DT NN , NNP VBN NNS IN `` NNS MD VB , '' CC PRP VBD TO VB .".split()
    lemmas = "end the day , Hale tell voter that “ tax will fall , ” and he vow to win .".split()
    ents = ["O"] * 4 + ["B-PERSON"] + ["O"] * 15
    doc = hand_parsed(nlp, words, spaces, heads, deps, pos, tags, lemmas, ents)
    assert speaker_mentions(doc) == ["Hale"]


def test_the_owner_of_a_claim_speaks_the_quote_that_completes_it(nlp):
    text = (
        "Critics have attacked the budget, including her promise to be “fair to every town”"
        " in the talks. The council rejected the mayor's claim that the bridge was"
        " “perfectly safe” last year."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["her", "the mayor"]


def test_a_source_named_after_a_closing_reporting_verb_tells_the_quote(nlp):
    # "“…,” said X, reports Y." as the parser gives it: Y taken for a modifier of the verb

    words = "“ Taxes will rise , ” said Hale , reports Reuters .".split()
    spaces = [False, True, True, False, False, True, True, False, True, True, False, False]
    heads = [3, 3, 3, 6, 6, 6, 9, 6, 9, 9, 9, 9]
    deps = "punct nsubj aux ccomp punct punct ccomp nsubj punct ROOT npadvmod punct".split()
    pos = "PUNCT NOUN AUX VERB PUNCT PUNCT VERB PROPN PUNCT VERB PROPN PUNCT".split()
    tags = "`` NNS MD VB , '' VBD NNP , VBZ NNP .".split()
    lemmas = "“ tax will rise , ” say Hale , report Reuters .".split()
    ents = ["O"] * 7 + ["B-PERSON", "O", "O", "B-ORG", "O"]
    doc = hand_parsed(nlp, words, spaces, heads, deps, pos, tags, lemmas, ents)
    assert speaker_mentions(doc) == ["Reuters"]


def test_an_as_reported_clause_names_the_source_of_the_quote_paragraph(nlp):
    text = (
        "As the Daily Planet reported on Monday, the council was refusing to describe the flood"
        " as a crisis:\n\n“The damage is limited and the roads are open again. Nobody has been"
        " hurt.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["the Daily Planet"]


def test_a_report_in_an_adverbial_clause_keeps_its_own_speaker(nlp):
    text = (
        "Where Anna Berg once boasted that the town had “the best roads in the county,” on"
        " Monday the mayor said they were falling apart."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg"]


def test_a_fragment_without_a_cue_after_a_quote_goes_to_its_clause_subject(nlp):
    text = (
        "Tom Hale said the plan was “a total mess.” Later he sat with the mayor, a “true friend,”"
        " at dinner."
    )
    _, _, quotes = run(nlp, text)
    assert direct_speakers(text, quotes)[1] == ("true friend,", "he", "Tom Hale")


def test_the_clause_that_ends_in_the_colon_introduces_the_quote(nlp):
    # "X said as Y yelled: “…”" as the parser gives it, with the quote hung on "said"

    words = "Hale said as the crowd yelled : “ Go home ! ”".split()
    spaces = [True, True, True, True, True, False, True, False, True, False, False, False]
    heads = [1, 1, 5, 4, 5, 1, 1, 1, 1, 8, 1, 1]
    deps = "nsubj ROOT mark det nsubj advcl punct punct ccomp advmod punct punct".split()
    pos = "PROPN VERB SCONJ DET NOUN VERB PUNCT PUNCT VERB ADV PUNCT PUNCT".split()
    tags = "NNP VBD IN DT NN VBD : `` VB RB . ''".split()
    lemmas = "Hale say as the crowd yell : “ go home ! ”".split()
    ents = ["B-PERSON"] + ["O"] * 11
    doc = hand_parsed(nlp, words, spaces, heads, deps, pos, tags, lemmas, ents)
    assert speaker_mentions(doc) == ["the crowd"]


def test_a_clause_on_the_quoted_verb_without_its_own_subject_is_no_report(nlp):
    text = (
        "The council released a statement saying that Tom Hale had “broken every promise he"
        " made” during the meeting, calling it a disgrace. Anna Berg said any candidate who"
        " wants the job “owes it to the voters” to answer questions."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["The council", "Anna Berg"]


def test_a_before_phrase_hung_in_the_report_belongs_to_the_reporter(nlp):
    # "X told them that the report was “…,” before noting that …" as the parser gives it,
    # with "before noting" on the reported clause

    words = "Berg told them that the report was “ bad , ” before noting that Hale is “ kind . ”"
    words = words.split()
    spaces = [True] * 7 + [False, False, False, True] + [True] * 5 + [False, False, False, False]
    heads = [1, 1, 1, 6, 5, 6, 1, 6, 6, 6, 6, 6, 11, 15, 15, 12, 15, 15, 15, 1]
    deps = "nsubj ROOT dobj mark det nsubj ccomp punct acomp punct punct prep pcomp mark"
    deps += " nsubj ccomp punct acomp punct punct"
    pos = "PROPN VERB PRON SCONJ DET NOUN AUX PUNCT ADJ PUNCT PUNCT ADP VERB SCONJ PROPN AUX"
    pos += " PUNCT ADJ PUNCT PUNCT"
    tags = "NNP VBD PRP IN DT NN VBD `` JJ , '' IN VBG IN NNP VBZ `` JJ . ''".split()
    lemmas = "Berg tell they that the report be “ bad , ” before note that Hale be “ kind . ”"
    ents = ["B-PERSON"] + ["O"] * 13 + ["B-PERSON"] + ["O"] * 5
    doc = hand_parsed(nlp, words, spaces, heads, deps, pos, tags, lemmas, ents)
    assert speaker_mentions(doc) == ["Berg", "Berg"]


def test_a_report_inside_a_concessive_clause_is_not_the_outer_report(nlp):
    text = (
        "Over the years, Anna Berg said, the roads have improved, although at the mention of"
        " taxes the mayor laughed and admitted “they are far too high.”"
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["the mayor"]


def test_a_generic_you_is_no_speaker(nlp):
    text = (
        "Anna Berg notes that free speech has the limit that you can't shout “fire” in a"
        " crowded hall."
    )
    _, _, quotes = run(nlp, text)
    assert [s for _, s, _ in direct_speakers(text, quotes)] == ["Anna Berg"]
