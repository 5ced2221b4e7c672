from transforms.quotemarks import find_mark_spans


def spans(text):
    return [text[s.start : s.end] for s in find_mark_spans(text)]


def test_curly_straight_guillemets_german_and_typewriter_marks():
    assert spans("He said, “We will win.” Then left.") == ["We will win."]
    assert spans('She said "it works" and "so does this."') == ["it works", "so does this."]
    assert spans("Il a dit « oui » hier.") == ["oui"]
    assert spans("Er sagte „Das ist gut“ gestern.") == ["Das ist gut"]
    assert spans("The paper said ''we are done,'' he added.") == ["we are done,"]
    assert spans("It is ″rare″ here.") == ["rare"]


def test_single_marks_only_when_no_double_marks_and_apostrophes_ignored():
    assert spans("The minister said ‘we will not bow’ to pressure, and didn’t.") == [
        "we will not bow"
    ]
    assert spans("He said “yes” and ‘maybe’.") == ["yes"]


def test_quote_left_open_at_paragraph_end_is_closed_there_and_linked():
    text = "“First paragraph of a long quote.\n“Second paragraph,” she said.\nNext."
    found = find_mark_spans(text)
    assert [text[s.start : s.end] for s in found] == [
        "First paragraph of a long quote.",
        "Second paragraph,",
    ]
    assert found[0].closed is False and found[0].continues is True
    assert found[1].closed is True


def test_nested_single_quotes_stay_inside_the_double_quote():
    assert spans("He said, “They called it ‘a farce’ today.”") == [
        "They called it ‘a farce’ today."
    ]


def test_stray_closing_mark_is_ignored():
    assert spans("odd” start and “real quote” here") == ["real quote"]


def test_depth_counts_the_spans_over_each_character():
    from transforms.quotes.marks import depth

    spans = [(2, 6), (4, 9), (4, 5), (11, 11)]  # overlapping, nested, empty
    naive = [sum(s <= c < e for s, e in spans) for c in range(12)]
    assert depth(12, spans).tolist() == naive == [0, 0, 1, 1, 3, 2, 1, 1, 1, 0, 0, 0]
    assert depth(5, []).tolist() == [0] * 5
    assert depth(3, [(0, 3)]).tolist() == [1, 1, 1]  # a span to the end of the text
