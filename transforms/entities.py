"""Article-level entity reasoning on top of spaCy's NER.

A name tagged PERSON once is that person at every mention ("Macron" after
"Emmanuel Macron"), an entity's label is made consistent across the article,
titles, leading articles, possessives and trailing common nouns are trimmed off,
names the model ran together are split (line breaks, brackets, spaced dashes,
score lines), a side in a match is an organisation ("Ardley beat
Bexham"), a dateline's town and a country are places, an abbreviation defined
in brackets takes its name's label, and every mention gets the fullest name of
its entity and a stable cross-article key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Final

from spacy.attrs import ORTH, POS
from spacy.parts_of_speech import NAMES as POS_NAMES

from transforms.cues import TITLE_WORDS
from transforms.ids import entity_key
from transforms.places import COUNTRIES

NAME_LABELS = frozenset(
    {
        "MISC",  # from models of the four-label scheme (French): no finer label is known
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "EVENT",
        "PRODUCT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
RELABEL_TO_PERSON = frozenset(
    {"ORG", "GPE", "NORP", "PRODUCT", "WORK_OF_ART", "FAC", "LOC", "EVENT"}
)
_POSSESSIVE = ("'s", "\u2019s", "'", "\u2019")
# names whose every word is capitalised (titles of works may end in a lower-case word)
_PROPER_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
_LEGAL_FORMS = frozenset({"plc", "ltd", "inc", "co", "corp", "llc", "llp", "spa", "sa", "ag", "nv"})
_EDGE_PUNCT = set(".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019-\u2014\u2013")


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A named-entity mention after article-level fixes."""

    start: int  # token offsets in the Doc
    end: int
    start_char: int
    end_char: int
    label: str
    text: str
    canonical_name: str
    entity_key: str
    sentence_index: int


def _trim(doc: Any, start: int, end: int, label: str) -> tuple[int, int]:
    """Drop leading 'the', titles (for people), trailing possessives and punctuation."""
    while end - start > 1 and (
        doc[end - 1].text in _POSSESSIVE or doc[end - 1].text in _EDGE_PUNCT
    ):
        end -= 1
    while end - start > 1 and doc[start].text in _EDGE_PUNCT:
        start += 1
    # a name ends at its last capitalised word: "Nordpress news agency", "Valdora province"
    # (a lower-case legal form such as "plc" stays)
    while (
        end - start > 1
        and label in _PROPER_LABELS
        and not doc[start].is_lower  # "commerce ministry" is no name at all
        and doc[end - 1].is_alpha
        and doc[end - 1].is_lower
        and doc[end - 1].lower_.rstrip(".") not in _LEGAL_FORMS
    ):
        end -= 1
    if end - start > 1 and doc[start].lower_ == "the":
        start += 1
    if label == "PERSON":
        while (
            end - start > 1
            and doc[start].lower_.rstrip(".") in {t.rstrip(".") for t in TITLE_WORDS}
            and doc[start + 1].text[:1].isupper()
        ):
            start += 1
    return start, end


def _acronym(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


_DASHES = frozenset({"-", "\u2013", "\u2014", "--"})
_BRACKETS = frozenset("()[]")
_SCORE_PUNCT = frozenset({"-", "\u2013", ":", "/"})
_VERSUS: Final = frozenset({"v", "v.", "vs", "vs.", "versus"})


def _scored(doc: Any, i: int) -> bool:
    """Another number in digits follows the name after token i: "Corwick 2 Dunmere 0", not
    "AirPods 2 Wireless Earphones"."""
    return any(doc[k].text.isdigit() for k in range(i + 2, min(i + 6, len(doc))))


def _breaks_a_name(doc: Any, i: int) -> bool:
    """Token i separates two names: a comma, a line break, a bracket, a word or dash set off
    by spaces ("Ardley v Bexham", "ARDLEY AT BEXHAM", "Romania - Ion Popa";
    "Marie-Claire" and "V-Motion" have no spaces), or the first number of a score line
    ("Ardley 2 Bexham 0"; a product keeps its number, "Galaxy Note 10 Plus")."""
    tok = doc[i]
    if tok.text in (",", ";", "|") or tok.text in _BRACKETS or "\n" in tok.text:
        return True
    spaced = bool(tok.whitespace_) and i > 0 and bool(doc[i - 1].whitespace_)
    if tok.lower_ in _VERSUS or tok.text == "AT" or tok.text in _DASHES:
        return spaced
    if tok.text.isdigit() and 0 < i < len(doc) - 1 and _scored(doc, i):
        before, after = doc[i - 1], doc[i + 1]
        return before.text[:1].isupper() and not before.is_stop and after.text[:1].isupper()
    return False


def _split(doc: Any, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """Parts of a name span: split where one name ends and another begins ("Kelsey Road,
    Ardley"; a line break; "Ion Popa (Moldova)"), without trailing
    numbers ("Bexham 83") or blanks."""
    if label not in NAME_LABELS:
        return [(start, end)]
    parts, lo = [], start
    for i in range(start, end):
        if _breaks_a_name(doc, i):
            parts.append((lo, i))
            lo = i + 1
    parts.append((lo, end))
    out = []
    for s, e in parts:
        while e > s and (
            doc[e - 1].like_num or doc[e - 1].is_space or doc[e - 1].text in _SCORE_PUNCT
        ):
            e -= 1  # "Bexham 83", "Peru 3-1"
        while e > s and doc[s].is_space:
            s += 1
        if e > s:
            out.append((s, e))
    return out


CALENDAR_WORDS: Final = frozenset(
    """
        january february march april may june july august september october november
        december monday tuesday wednesday thursday friday saturday sunday
    """.split()
)


# sports by their common names ("SOCCER - ARDLEY WIN"); leagues and unions are names
SPORTS: Final = frozenset(
    """
        soccer football cricket baseball basketball tennis golf athletics boxing cycling
        hockey swimming volleyball handball skiing rowing sailing badminton squash
        snooker darts wrestling judo gymnastics triathlon
    """.split()
) | {"motor racing", "ice hockey", "horse racing"}


# a side's result: "Ardley beat Bexham", "lost to Corwick", "drew with Dunmere"
MATCH_VERBS: Final = frozenset(
    """
        beat defeat edge thrash rout crush trounce overcome outclass outplay upset down
        draw tie lose hammer whip blank overpower eliminate oust sweep
    """.split()
)
_MATCH_PREPS: Final = {
    "to": {"lose"},
    "with": {"draw", "tie"},
    "over": {"win", "victory", "winner"},
    "against": {"match", "game", "win", "victory", "defeat", "draw", "final"},
}
_TEAM_LABELS: Final = frozenset({"GPE", "LOC", "ORG", "NORP", "FAC"})


def _is_score(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and all(ch.isdigit() or ch in ".,-/" for ch in text)


def _team_keys(
    doc: Any, texts: list[str], folded: list[str], spans: list[tuple[int, int, str]]
) -> set[tuple[str, ...]]:
    """Names the article uses for sides in a match: a result line ("Ardley 4 Bexham 2"), a
    table row (a name and three or more figures), a fixture ("v Corwick"), or the
    subject or object of a match verb. Countries are left out: a national side stays a
    place, as news annotation has it."""
    teams: set[tuple[str, ...]] = set()
    n = len(texts)

    def name_end(i: int) -> int:
        """The end of the run of capitalised words starting at i (i itself if none)."""
        j = i
        while j < n and texts[j][:1].isupper() and texts[j].isalpha():
            j += 1
        return j

    for i in range(1, n):
        if folded[i - 1] in _VERSUS and (end := name_end(i)) > i:
            teams.add(tuple(folded[i:end]))

    # lines that start with a name and a figure: "Ardley 4 Bexham 2", "Ardley 4 3 1 0 9"
    breaks = [k for k, w in enumerate(texts) if "\n" in w]
    for lo, hi in zip([0, *(k + 1 for k in breaks)], [*breaks, n], strict=True):
        first = name_end(lo)
        if first == lo or first >= hi or not _is_score(texts[first]):
            continue
        kinds, names = "N", [(lo, first)]
        k = first
        while k < hi:
            end = name_end(k)
            if end > k:
                kinds += "N"
                names.append((k, min(end, hi)))
                k = end
                continue
            word = texts[k]
            if not word.isspace():
                kinds += "#" if _is_score(word) else "-" if word in _DASHES else "o"
            k += 1
        if kinds.startswith("N#N#"):
            teams.update(tuple(folded[s:e]) for s, e in names[:2])
        elif kinds.startswith("N###") and set(kinds[1:]) <= {"#", "-"}:
            teams.add(tuple(folded[lo:first]))

    for s, e, label in spans:
        if label not in _TEAM_LABELS:
            continue
        root = doc[s:e].root
        head = root.head
        played = root.dep_ in ("nsubj", "dobj") and head.lemma_ in MATCH_VERBS
        opposed = root.dep_ == "pobj" and head.head.lemma_ in _MATCH_PREPS.get(head.lower_, ())
        if played or opposed:
            teams.add(tuple(folded[s:e]))
    return {key for key in teams if join_name(key) not in COUNTRIES}


def _caps_word(text: str) -> bool:
    core = text.rstrip(".")
    return core.isalpha() and core.isupper()


def _datelines(texts: list[str]) -> list[tuple[int, int]]:
    """The place of a wire dateline at the start of a line (tokens `texts`): words in
    capitals, perhaps with a region after a comma, followed by a date ("OSLO 2024-05-03",
    "OSLO, May 3", "DUNMERE, Vermont 2024-05-03") or an agency in brackets ("LIMA (Acme
    News)"). Both the town and the region are places. The model misses most names in capitals."""
    out = []
    n = len(texts)
    for i in [0, *(k + 1 for k, w in enumerate(texts) if "\n" in w)]:
        j = i
        while j < n and j - i < 4 and _caps_word(texts[j]):
            j += 1
        if j == i or j >= n or any(texts[k].casefold() in CALENDAR_WORDS for k in range(i, j)):
            continue
        # "OSLO, Norway 2024-05-03": the region after a comma is a place too
        region = j
        if texts[j] == ",":
            region = j + 1
            while region < n and region - j <= 3 and texts[region][:1].isupper():
                region += 1
            if region == j + 1 or region >= n or _date_word(texts[region - 1]):
                region = j  # no region ("OSLO, May 3" is a date)
        nxt = texts[region]
        if nxt == "," and region + 1 < n and _is_score(texts[region + 1]):
            nxt = texts[region + 1]  # "OSLO, 2024-05-03"
        dated = _is_score(nxt) and len(nxt) >= 4  # "2024-05-03", not "RAV4"
        agency = nxt == "(" and ")" in texts[region + 2 : region + 5]
        month = nxt == "," and region + 1 < n and _date_word(texts[region + 1])
        if dated or agency or month:
            out.append((i, j))
            if region > j:
                out.append((j + 1, region))
    return out


_DATE_WORD_STARTS: Final = frozenset(w[:3] for w in CALENDAR_WORDS)


def _date_word(text: str) -> bool:
    """A month or weekday, in full or abbreviated: "May", "Aug.", "Mon"."""
    return text.casefold().rstrip(".")[:3] in _DATE_WORD_STARTS


Span = tuple[int, int, str]


@dataclass
class _Article:
    """One article's token text and the people it names, read once: a Doc lookup per
    access is the slow part on long articles."""

    doc: Any
    texts: list[str]
    folded: list[str]
    pos: list[str]
    full_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # surname -> name
    given_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first word -> name
    alone_as_person: set[str] = field(default_factory=set)  # one word tagged PERSON

    @classmethod
    def of(cls, doc: Any) -> _Article:
        # read from arrays: a Token object per token and attribute costs more than the rules
        strings = doc.vocab.strings
        texts = [strings[o] for o in doc.to_array(ORTH).tolist()] if len(doc) else []
        pos = [POS_NAMES[p] for p in doc.to_array(POS).tolist()] if len(doc) else []
        return cls(doc, texts, [w.casefold() for w in texts], pos)

    def words(self, start: int, end: int) -> tuple[str, ...]:
        return tuple(self.texts[start:end])

    def key(self, start: int, end: int) -> tuple[str, ...]:
        return tuple(self.folded[start:end])

    def learn_people(self, spans: list[Span]) -> None:
        """Full names tagged PERSON, by surname and by first word."""
        for s, e, label in spans:
            words = self.words(s, e)
            if (
                label == "PERSON"
                and len(words) >= 2
                and words[-1][:1].isupper()
                and join_name(self.key(s, e)) not in COUNTRIES  # a country tagged PERSON
            ):
                self.full_names.setdefault(words[-1].lower(), words)
                self.given_names.setdefault(words[0].lower(), words)

    def person_name(self, words: tuple[str, ...]) -> tuple[str, ...] | None:
        """The full name of the person these words name, if the article has one."""
        if len(words) >= 2:
            known = self.full_names.get(words[-1].lower())
            if known and known[-len(words) :] == words:
                return known
            return None
        if not words:
            return None
        word = words[0].lower()
        # a surname, or a family name written first ("Lin" after "Lin Qiaoyu") when the
        # model also tags it alone as a person somewhere ("Vantoni" after "Vantoni SpA"
        # tagged PERSON once is a company)
        if word in self.full_names:
            return self.full_names[word]
        return self.given_names.get(word) if word in self.alone_as_person else None

    def is_country(self, s: int, e: int) -> bool:
        """Tokens s:e name a country, and no person in the article bears that name."""
        word = self.folded[s]
        return (
            self.texts[s][:1].isupper()
            and join_name(self.key(s, e)) in COUNTRIES
            and not (e - s == 1 and (word in self.full_names or word in self.given_names))
            and not self.person_name(self.words(s, e))
        )


def _model_spans(a: _Article) -> list[Span]:
    """The model's entities, split where two names run together and trimmed."""
    doc, spans = a.doc, []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS and ent.label_ not in NUMERIC_LABELS:
            continue
        for s0, e0 in _split(doc, ent.start, ent.end, ent.label_):
            # a sport is not a name, though headlines in capitals make the model think so
            if ent.label_ in NAME_LABELS and " ".join(a.folded[s0:e0]) in SPORTS:
                continue
            s, e = _trim(doc, s0, e0, ent.label_)
            if not any(ch.isalnum() for ch in doc[s:e].text):
                continue
            # one lower-case word is not a name ("the", "ministry", "fuel"), unless the
            # tagger calls it a proper noun ("iPhone")
            if (
                ent.label_ in NAME_LABELS
                and e - s == 1
                and a.texts[s].islower()
                and a.pos[s] != "PROPN"
            ):
                continue
            spans.append((s, e, ent.label_))
    return spans


def _people_and_organisations(a: _Article, spans: list[Span]) -> list[Span]:
    """A month or weekday alone is a date; a name known as a person is a person
    everywhere; a word tagged PERSON alone that starts an organisation's name is that
    organisation."""
    # "in May", "on Friday", unless someone is named with it ("Theresa May ... May said")
    spans = [
        (s, e, label)
        for s, e, label in spans
        if not (
            e - s == 1
            and label in NAME_LABELS
            and a.folded[s] in CALENDAR_WORDS
            and a.folded[s] not in a.full_names
        )
    ]
    a.alone_as_person = {a.folded[s] for s, e, label in spans if e - s == 1 and label == "PERSON"}
    spans = [
        (
            s,
            e,
            "PERSON"
            if label in RELABEL_TO_PERSON and e - s <= 3 and a.person_name(a.words(s, e))
            else label,
        )
        for s, e, label in spans
    ]
    # "Corvane" after "Corvane International", unless a person has that name
    org_starts = {a.folded[s] for s, e, label in spans if label == "ORG" and e - s >= 2}
    return [
        (
            s,
            e,
            "ORG"
            if label == "PERSON"
            and e - s == 1
            and a.folded[s] in org_starts
            and a.folded[s] not in a.full_names
            and a.folded[s] not in a.given_names
            else label,
        )
        for s, e, label in spans
    ]


def _countries(a: _Article, spans: list[Span]) -> list[Span]:
    """A country is a place (the model tags some countries ORG or
    PERSON), also where the model missed it, unless a person bears the name."""
    spans = [
        (s, e, "GPE" if label in NAME_LABELS and a.is_country(s, e) else label)
        for s, e, label in spans
    ]
    covered = [False] * len(a.texts)
    for s, e, _ in spans:
        for k in range(s, e):
            covered[k] = True
    capitalised = [k for k, w in enumerate(a.texts) if w[:1].isupper()]
    for n in (3, 2, 1):
        for s in capitalised:
            if s + n > len(a.texts):
                continue
            shouted = s > 0 and a.texts[s - 1].isupper() and a.texts[s - 1].isalpha()
            if shouted and a.folded[s] == "us":
                continue  # "LET US" in a headline in capitals
            if not any(covered[s : s + n]) and a.is_country(s, s + n):
                spans.append((s, s + n, "GPE"))
                for k in range(s, s + n):
                    covered[k] = True
    return sorted(spans)


def _sides(a: _Article, spans: list[Span]) -> tuple[list[Span], set[tuple[str, ...]]]:
    """A side in a match is an organisation at every mention ("Ardley", "Port Bexham"),
    unless it is a person known by a full name. Also returns the sides' names."""
    people = {tuple(w.casefold() for w in name) for name in a.full_names.values()}
    teams = {
        key
        for key in _team_keys(a.doc, a.texts, a.folded, spans)
        if key not in people and not (len(key) == 1 and key[0] in a.full_names)
    }
    spans = [
        (s, e, "ORG" if label in NAME_LABELS and a.key(s, e) in teams else label)
        for s, e, label in spans
    ]
    return spans, teams


def _place_datelines(
    a: _Article, spans: list[Span]
) -> tuple[list[Span], dict[tuple[int, int], str]]:
    """The town of each dateline as a place (GPE unless the model gave a place label),
    split from a date the model tagged with it. Also returns the datelines' labels."""
    datelines: dict[tuple[int, int], str] = {}
    for lo, hi in _datelines(a.texts):
        over = [n for n, (s, e, _) in enumerate(spans) if s < hi and lo < e]
        if not over:
            spans.append((lo, hi, "GPE"))
            datelines[(lo, hi)] = "GPE"
            continue
        s, e, label = spans[over[0]]
        if len(over) > 1 or s != lo or e < hi:
            continue
        place = label if label in ("GPE", "LOC", "FAC") and e == hi else "GPE"
        spans[over[0]] = (lo, hi, place)  # "OSLO 2024-05-03" tagged as one date
        datelines[(lo, hi)] = place
        if e > hi and label in NUMERIC_LABELS:
            spans.append((hi, e, label))
    return sorted(spans), datelines


def _abbreviations(a: _Article, spans: list[Span]) -> list[Span]:
    """An abbreviation defined in brackets after a name takes that name's label: "the
    Coastal Workers Party ( CWP )"."""
    texts = a.texts
    tagged_at = {s for s, _, _ in spans}
    for s, e, label in list(spans):
        if (
            label in ("ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW")
            and e + 2 < len(texts)
            and texts[e] == "("
            and texts[e + 2] == ")"
            and texts[e + 1].isupper()
            and texts[e + 1].isalpha()
            and len(texts[e + 1]) >= 2
            and texts[e + 1][0] == texts[s][0]
            and e + 1 not in tagged_at
        ):
            spans.append((e + 1, e + 2, label))
    return sorted(spans)


def _missed_mentions(a: _Article, spans: list[Span], teams: set[tuple[str, ...]]) -> list[Span]:
    """Mentions the model missed: a name tagged elsewhere in the article (any case:
    headlines are often in capitals), a known person's surname, or a side's name."""
    texts, n_tokens = a.texts, len(a.texts)
    taken = [False] * n_tokens
    for s, e, _ in spans:
        for i in range(s, e):
            taken[i] = True
    known: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s, e, label in spans:
        if label in NAME_LABELS and e - s <= 4:
            known[a.key(s, e)][label] += 1
    for surname in a.full_names:
        known[(surname,)]["PERSON"] += 1
    for team in teams:
        known[team]["ORG"] += 1
    added: list[Span] = []
    i = 0
    while i < n_tokens:
        if not texts[i][:1].isupper() or taken[i]:
            i += 1
            continue
        match = None
        for n in (4, 3, 2, 1):
            j = i + n
            if j > n_tokens or any(taken[k] for k in range(i, j)):
                continue
            first, last = texts[i], texts[j - 1]
            if not first[:1].isupper() or not last[:1].isupper():
                continue
            if n == 1 and (len(first) < 2 or (a.pos[i] != "PROPN" and not first.isupper())):
                continue
            votes = known.get(a.key(i, j))
            if votes:
                match = (i, j, votes.most_common(1)[0][0])
                break
        if match:
            added.append(match)
            for k in range(match[0], match[1]):
                taken[k] = True
            i = match[1]
        else:
            i += 1
    return sorted(spans + added)


def _consistent_labels(
    a: _Article,
    spans: list[Span],
    teams: set[tuple[str, ...]],
    datelines: dict[tuple[int, int], str],
) -> list[Span]:
    """One label per name across the article (the majority; people keep PERSON), except
    a dateline, and a side's town after "in" or "at", which are places."""
    votes_by_name: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s, e, label in spans:
        if label in NAME_LABELS:
            votes_by_name[a.key(s, e)][label] += 1
    consistent: list[Span] = []
    for s, e, label in spans:
        if label in NAME_LABELS and label != "PERSON":
            tally = votes_by_name[a.key(s, e)]
            best, count = tally.most_common(1)[0]
            if count > tally[label]:
                label = best
        if (s, e) in datelines:
            label = datelines[(s, e)]
        elif label == "ORG" and a.key(s, e) in teams and s > 0 and a.folded[s - 1] in ("in", "at"):
            label = "GPE"  # the town itself: "in Dunmere", "Ardley at Bexham"
        consistent.append((s, e, label))
    return consistent


def _mentions(a: _Article, spans: list[Span]) -> list[EntityMention]:
    """Mentions with the fullest name of their entity (a person's full name, the long
    form of an acronym) and a cross-article key; of overlapping spans the first wins."""
    doc = a.doc
    org_names = [
        a.words(s, e)
        for s, e, label in spans
        if label in {"ORG", "GPE", "LOC", "NORP", "FAC"} and e - s >= 2
    ]
    sentence_of = _sentence_index(doc)
    out: list[EntityMention] = []
    last_end = -1
    for s, e, label in spans:
        if s < last_end:
            continue  # overlapping spans: keep the first
        last_end = e
        words = a.words(s, e)
        text = doc[s:e].text
        canonical = text
        if label == "PERSON":
            full = a.person_name(words)
            if full is None and len(words) == 1:
                full = a.given_names.get(words[0].lower())
            if full:
                canonical = join_name(full)
        elif (
            label in {"ORG", "GPE", "LOC", "NORP", "FAC"}
            and len(words) == 1
            and words[0].isupper()
            and len(words[0]) >= 2
        ):
            for long_name in org_names:
                if _acronym(long_name) == words[0] and len(long_name) >= len(words[0]) - 1:
                    canonical = join_name(long_name)
                    break
        span = doc[s:e]
        out.append(
            EntityMention(
                start=s,
                end=e,
                start_char=span.start_char,
                end_char=span.end_char,
                label=label,
                text=text,
                canonical_name=canonical,
                entity_key=entity_key(label, canonical),
                sentence_index=sentence_of[s],
            )
        )
    return out


# the labels of models trained on the four-label scheme (PER, ORG, LOC, MISC), as ours
FOUR_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
# a title or article at the start of a name the model tagged, by language
LEADING_WORDS = {
    "fr": frozenset({"m.", "mme", "mlle", "me", "dr", "pr", "le", "la", "les", "l'", "l’"}),
}


def _other_language_spans(a: _Article, language: str) -> list[Span]:
    """The model's entities in a language other than English: labels mapped to ours, a
    leading title or article trimmed; none of the English rules below."""
    doc, spans = a.doc, []
    leading = LEADING_WORDS.get(language, frozenset())
    for ent in doc.ents:
        label = FOUR_LABELS.get(ent.label_, ent.label_)
        if label not in NAME_LABELS and label not in NUMERIC_LABELS:
            continue
        s, e = ent.start, ent.end
        while e - s > 1 and a.folded[s] in leading:
            s += 1
        if any(ch.isalnum() for ch in doc[s:e].text):
            spans.append((s, e, label))
    return spans


def resolve_entities(doc: Any, language: str = "en") -> list[EntityMention]:
    """Article-consistent entity mentions of a parsed Doc, with canonical names and keys:
    the model's entities, then one pass per article-level rule.

    The rules (datelines, sides in a match, countries, English titles and month names)
    are English: on another language only the model's entities are kept, with their
    labels mapped to ours, full names and keys."""
    a = _Article.of(doc)
    if language != "en":
        spans = _other_language_spans(a, language)
        a.learn_people(spans)
        return _mentions(a, spans)
    spans = _model_spans(a)
    a.learn_people(spans)
    spans = _people_and_organisations(a, spans)
    spans = _countries(a, spans)
    spans, teams = _sides(a, spans)
    spans, datelines = _place_datelines(a, spans)
    spans = _abbreviations(a, spans)
    spans = _missed_mentions(a, spans, teams)
    return _mentions(a, _consistent_labels(a, spans, teams, datelines))


def join_name(words: tuple[str, ...]) -> str:
    """Name tokens as written: spaces between words, none around a hyphen the tokenizer
    split off ("Marie", "-", "Claire", "Dubois" -> "Marie-Claire Dubois")."""
    out = ""
    for n, w in enumerate(words):
        glued = n == 0 or w in ("-", "‐", "‑") or words[n - 1] in ("-", "‐", "‑")
        out += w if glued else " " + w
    return out


def _sentence_index(doc: Any) -> list[int]:
    index = [0] * len(doc)
    if not doc.has_annotation("SENT_START"):
        return index
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index
