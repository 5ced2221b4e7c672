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


# Verbs whose object is what is said or thought about ("denied the allegations",
# "criticised the ruling", "announced a freeze on hiring"): reported speech with a noun
# phrase for content. Lemmas; the prior of the learned cue weights (`transforms.quotes`).
OBJECT_CUES: Final = frozenset(
    """
        deny announce criticize criticise praise reject defend attack condemn denounce
        blast slam hail applaud welcome dismiss question challenge dispute oppose support
        endorse back tout highlight stress emphasize emphasise underscore mention cite
        discuss describe explain reveal disclose acknowledge admit confirm propose urge
        demand promise pledge vow predict warn express voice accuse blame thank
        congratulate mock decry lament recommend suggest allege claim report tweet post
        repeat reiterate recall rebut refute contest concede unveil outline detail
        insist counter echo signal favor favour prefer want seek request
    """.split()
)

# Verb and preposition whose object is the content ("warned of higher prices",
# "called for a ban", "talked about the plan").
PREPOSITION_CUES: Final = frozenset(
    {
        ("warn", "of"),
        ("warn", "about"),
        ("warn", "against"),
        ("call", "for"),
        ("talk", "about"),
        ("speak", "about"),
        ("speak", "of"),
        ("complain", "about"),
        ("argue", "for"),
        ("argue", "against"),
        ("push", "for"),
        ("ask", "for"),
        ("refer", "to"),
        ("point", "to"),
        ("comment", "on"),
        ("focus", "on"),
        ("insist", "on"),
        ("apologize", "for"),
        ("apologise", "for"),
        ("boast", "about"),
        ("brag", "about"),
        ("joke", "about"),
        ("testify", "about"),
        ("write", "about"),
        ("speak", "out"),
        ("advocate", "for"),
        ("campaign", "for"),
        ("campaign", "against"),
        ("rail", "against"),
        ("lash", "out"),
        ("vote", "for"),
        ("vote", "against"),
    }
)

# Verbs of belief, expectation and stance: what someone thinks or favours, not what they
# said. Their statements are typed `belief` (`quotes.statement_kind`).
BELIEF_VERBS: Final = COGNITION_VERBS | frozenset(
    """
        want wish prefer favor favour support oppose endorse back like dislike love hate
        trust distrust doubt plan intend seek hope aim
    """.split()
)

# Adjectives of belief with a clause: "X is convinced that …", "X is confident that …".
BELIEF_ADJECTIVES: Final = frozenset(
    """
        convinced confident sure certain optimistic pessimistic hopeful worried concerned
        afraid skeptical sceptical doubtful adamant aware persuaded determined
    """.split()
)

# Nouns for documents, data and publications that "say" something ("the report says",
# "a poll found", "court filings show"): a statement's source of kind `document`.
DOCUMENT_NOUNS: Final = frozenset(
    """
        poll polls survey surveys report reports study studies analysis analyses research
        data statement statements letter letters memo memos filing filings document
        documents ruling rulings decision opinion order lawsuit suit complaint indictment
        record records email emails tweet tweets post posts article articles editorial
        story stories book memoir ad ads advertisement video videos transcript testimony
        review audit census figures numbers estimate estimates projection projections
        forecast model paper papers brief petition resolution bill law platform manifesto
        release announcement website page message note notes count tally results exit
        investigation probe inquiry findings evidence chart graph map calculation
        assessment budget plan proposal agreement treaty constitution act
    """.split()
)

# Words for a share or a number of people ("60 percent said", "most believe"): a group.
GROUP_WORDS: Final = frozenset(
    """
        percent % majority minority half third quarter most many some others all both few
        several dozens hundreds thousands millions people public crowd audience electorate
        everyone everybody nobody none
    """.split()
)

# Nouns for people that, in the plural, are a group of speakers ("voters said",
# "critics argue"), besides the role nouns.
PEOPLE_NOUNS: Final = frozenset(
    """
        voter resident critic supporter opponent expert respondent member american democrat
        republican conservative liberal worker parent protester observer insider source
        aide ally donor delegate citizen participant investor consumer customer employee
        staffer volunteer fan viewer reader user patient immigrant veteran farmer
    """.split()
)

# Nouns of a statement, a stance or a plan whose complement is the content: "his claim
# that …", "her decision to …", "support for the plan", "attacks on him".
NOUN_CUES: Final = CLAIM_NOUNS | frozenset(
    """
        support opposition criticism attack allegation accusation decision plan proposal
        demand request concern fear hope view stance position praise endorsement call
        suggestion advice agreement disagreement objection denial announcement insistence
        expectation belief doubt worry question questions push appeal pledge commitment
        vow warning threat offer refusal intention desire bid effort
    """.split()
)
