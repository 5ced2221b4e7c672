"""Cue lexicon: the verbs, phrases and nouns that introduce speech or thought in news."""

from __future__ import annotations

from typing import Final

# Verbs of saying. Lemmas, as spaCy's lemmatizer gives them.
SPEECH_VERBS: Final = frozenset(
    """
        say tell add continue chant state claim argue note warn announce explain insist report
        write reply respond answer ask remark declare assert admit acknowledge
        concede confirm deny suggest recall predict promise vow pledge urge demand
        emphasize emphasise stress mention comment observe conclude contend maintain
        allege complain boast joke quip shout yell scream whisper mutter testify
        tweet post tout praise criticize criticise blast slam accuse charge counter
        retort reiterate repeat caution advise recommend propose disclose reveal
        indicate signal hint estimate forecast agree disagree recount describe
        elaborate wonder muse lament plead beg exclaim sigh laugh gush rave scoff
        snap thunder proclaim affirm opine speculate reckon inform assure threaten
        dismiss question challenge protest object concur offer add clarify underline
        underscore highlight specify detail summarize summarise order instruct
        direct command request appeal implore text email message call describe
        characterize characterise label brand dub condemn denounce applaud welcome
        hail commend thank apologize apologise congratulate lambaste rebuke rip
        decry lash blame cheer interject interrupt cite inquire blog remember
        caution read mock exhort imply
    """.split()
)

# Verbs of thought and belief that PolNeAR-style attribution also counts (indirect only).
COGNITION_VERBS: Final = frozenset(
    """
        believe think feel hope expect fear worry know understand consider reckon
        suspect doubt assume presume figure guess imagine realize realise recognize
        recognise acknowledge learn find decide conclude determine judge
        anticipate project
    """.split()
)

# Phrasal cues: verb lemma + particle.
PHRASAL_CUES: Final = frozenset(
    {
        ("point", "out"),
        ("go", "on"),
        ("spell", "out"),
        ("lay", "out"),
        ("sum", "up"),
        ("speak", "out"),
        ("speak", "up"),
        ("fire", "back"),
        ("hit", "back"),
        ("shoot", "back"),
        ("push", "back"),
        ("weigh", "in"),
        ("chime", "in"),
        ("cry", "out"),
        ("call", "out"),
        ("write", "back"),
        ("open", "up"),
        ("put", "it"),
    }
)

# Nouns that carry the speech act ("in a statement", "told reporters in an interview").
CUE_NOUNS: Final = frozenset(
    """
        statement interview remarks remark speech tweet post letter release email
        message comment comments testimony op-ed essay memo announcement briefing
        address declaration transcript report excerpt
    """.split()
)

# Nouns of a claim whose owner is its source: "his promise to stay “impartial”",
# "the senator's warning that “…”".
CLAIM_NOUNS: Final = CUE_NOUNS | frozenset(
    """
        claim promise pledge vow warning suggestion assertion argument insistence
        accusation charge complaint boast admission prediction threat description
        characterization words quip question answer reply response call plea slogan
        mantra catchphrase assessment observation contention
    """.split()
)

# Role nouns that stand for a person ("the minister said").
PERSON_ROLE_NOUNS: Final = frozenset(
    """
        president minister secretary senator governor mayor chancellor spokesman
        spokeswoman spokesperson official officer chief director leader chairman
        chairwoman chair ceo founder lawyer attorney prosecutor judge justice
        candidate nominee congressman congresswoman representative lawmaker
        legislator ambassador diplomat general commander adviser advisor aide
        analyst economist expert researcher scientist professor doctor author writer
        spokesman coach manager owner executive head premier king queen prince
        princess pope bishop priest pastor rabbi imam chief sheriff detective
        inspector superintendent commissioner councillor councilor councilman
        councilwoman activist organizer organiser resident witness victim father
        mother son daughter wife husband brother sister friend neighbor neighbour
        teacher student official strategist pollster operative host anchor reporter
        columnist editor economist chairperson treasurer governor-elect president-
        elect woman man girl boy
    """.split()
)

# Nouns that stand for an organisation ("the company said").
ORG_ROLE_NOUNS: Final = frozenset(
    """
        company firm group agency ministry department government administration
        police court campaign committee council party union organization
        organisation board bank office university school hospital team club league
        commission authority army military newspaper network station paper magazine
        website site institute foundation coalition alliance association federation
        charity spokesperson regulator embassy parliament congress senate house
        cabinet white kremlin pentagon
    """.split()
)

SPEAKER_PRONOUNS: Final = {
    "he": "m",
    "him": "m",
    "she": "f",
    "her": "f",
    "they": "p",
    "them": "p",
    "we": "p",
    "i": "s",
    "it": "n",
}

# Words that make a short quoted phrase a name or a title, not a statement.
TITLE_INTRODUCERS: Final = frozenset(
    """
        called dubbed titled entitled named nicknamed so-called known term word
        phrase film movie book song album show series program programme column
        article headline hashtag slogan motto label brand podcast documentary novel
        play episode magazine newspaper
    """.split()
)

# nouns for works, whose name follows in quotes: the book “…”, his memoir, “…”
WORK_NOUNS: Final = frozenset(
    """
        book books film films movie movies song songs album albums show shows series program
        programme podcast documentary novel play episode magazine newspaper memoir
        autobiography anthem column
    """.split()
)

HONORIFICS_MALE: Final = frozenset(
    {"mr", "mr.", "sir", "lord", "king", "prince", "sheikh", "father", "brother"}
)
HONORIFICS_FEMALE: Final = frozenset(
    {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess", "sister", "madam"}
)

# Title words stripped from the front of a PERSON name ("President Joe Biden" -> "Joe Biden").
TITLE_WORDS: Final = frozenset(
    """
        mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady president
        vice prime minister secretary general chancellor senator sen sen. rep rep.
        gov gov. governor mayor judge justice king queen prince princess pope sheikh
        rev rev. reverend father sister brother captain capt capt. col col. colonel
        gen gen. lt lt. lieutenant sgt sgt. sergeant officer detective chief
        commissioner ambassador cardinal bishop rabbi imam coach former late dame
        president-elect speaker leader chairman chairwoman director ceo founder
        attorney deputy assistant acting representative congressman congresswoman
    """.split()
)


def is_cue_lemma(lemma: str) -> bool:
    """A verb lemma that can introduce a direct or partial quote."""
    return lemma.lower() in SPEECH_VERBS


def is_indirect_cue_lemma(lemma: str) -> bool:
    """A verb lemma that can introduce reported speech or thought."""
    low = lemma.lower()
    return low in SPEECH_VERBS or low in COGNITION_VERBS
