"""Quoted phrases with no cue of their own, and whose they are.

    'Lund pictured the plan as "a gift to developers"'  → the clause subject's words (partial)
    'However, she held her fire, calling him a "decent opponent"'
                                                        → the subject of the nearest finite verb
                                                          before the quote ("she"), else the clause's
    'Ada Finch: "..."', 'Finch campaigns on: "..."'       → the person the colon label names (direct)
    'Pence blamed the media for Trump's claim that Obama "founded ISIS"'
                                                        → the speech noun's possessor (partial)

Titles of works, slogans, names, headlines and a writer's scare quotes ('the "autopsy"') are no
one's words. pairing.py asks; this module only reads the sentence.
Nor are section titles ('"All Bets Are Off."' alone between paragraphs, or a short single-quoted
line in copy that quotes with double marks), titles after their channel or a noun naming the work
('on KTV's "Morning Round."', 'her memoir, "Ten Years."'), words on a slogan, sign or banner, or a
transcript quoted whole ('"HOST: ... GUEST: ..."').
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.model import Kind
from watchers.statements.classify import classify
from watchers.statements.drafts import Draft
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention, is_possessive
from watchers.statements.nounphrase import subject_left, subject_right
from watchers.statements.people import NameIndex
from watchers.statements.quotemarks import Quote
from watchers.statements.segment import Sentence
from watchers.statements.sentences import Token
from watchers.statements.speakers import Cue, SentenceSpeakers

# How many words before a quoted title the noun naming the work may stand ("an interview with").
WORK_NOUN_TOKENS = 2
# How far before a quoted phrase the verb whose subject speaks may stand.
GOVERNING_WINDOW = 15
_SINGLE_MARKS = frozenset((*lang.SINGLE_OPEN, lang.STRAIGHT_SINGLE))
_SPEAKER_KINDS = ("name", "pronoun", "role", "org", "orgref")
# A quoted title of a work: few words, each capitalised, no sentence punctuation.
MAX_TITLE_WORDS = 7
# A quoted section title between paragraphs is a few words.
MAX_SUBHEADING_WORDS = 8
# A transcript block opens with a speaker label in capitals ("HOST:", "SEN. LUND:").
_TRANSCRIPT = re.compile(r"\s*[A-Z][A-Z.'’ -]{1,30}:\s")
_LABEL = re.compile(r"(?:^|[.?!\s])[A-Z][A-Z.'’-]{1,20}(?: [A-Z][A-Z.'’-]+)?:\s")
# Endings of capitalised first words that are seldom a surname said alone ("Questions", "Hastily").
_COMMON_ENDINGS = ("ly", "ing", "ed", "s", "y", "ic")
_POSSESSIVE_ENDS = ("'s", "’s", "s'", "s’")
# How many tokens a reporting verb may stand before a paragraph's closing colon ("Doe said on Monday:").
INTRO_TOKENS = 6
# A nickname between a first name and a surname is a few words.
MAX_NICKNAME_WORDS = 4
# A writer's scare quote on a noun is a word or two ('the "autopsy"').
SCARE_WORDS = 2
# How far before a quote's determiner a naming verb may stand ("called the city's mayor a").
NAMING_OBJECT_TOKENS = 4


# Nouns for what someone said: a quoted phrase inside "X's claim that ..." is X's words, whoever
# the sentence is about ('Pence blamed the media for Trump's claim that Obama "founded" it').
_SPEECH_NOUNS = frozenset(
    (
        "claim", "claims", "assertion", "assertions", "remark", "remarks", "comment", "comments",
        "statement", "statements", "words", "promise", "promises", "pledge", "pledges", "vow",
        "vows", "warning", "warnings", "description", "charge", "charges", "accusation",
        "accusations", "suggestion", "insistence", "contention", "argument", "boast", "boasts",
        "characterization", "tweet", "tweets", "prediction", "complaint", "complaints",
    )
)  # fmt: skip
# What opens the content of a speech noun ("claim that", "promise of", "pledge to").
_COMPLEMENT_WORDS = frozenset(("that", "of", "to"))
# How far before a quoted phrase such a noun may stand ("Trump's claim that President Obama").
SPEECH_NOUN_WINDOW = 12
# Lowercase words between a determiner and a possessive ("the state party's claim").
OWNER_MODIFIERS = 3


def speech_owner(toks: Sequence[Token], s: int, k: int) -> Mention | None:
    """Whose words the quoted phrase at token k is when it stands inside a possessive speech noun's
    phrase ("Trump's claim that Obama "founded ISIS"", "her promise of "free college""), or None.
    Another reporting verb, a quote or a punctuation mark in between ends the phrase."""
    groups = 0  # verb groups between the noun and the quote ("have been" is one)
    for v in range(k - 1, max(s, k - SPEECH_NOUN_WINDOW) - 1, -1):
        t = toks[v]
        if t.kind == "q" or (t.kind == "p" and t.text != "-") or t.low == "as":
            return None  # 'describing Obama's statement that he opposed it as "a fairy tale"': the describer's
        if t.low in lang.FINITE and toks[v + 1].low not in lang.FINITE and toks[v + 1].low not in lang.BE_FORMS:
            groups += 1
        if (
            t.low in _SPEECH_NOUNS
            and v - 1 >= s
            and (is_possessive(toks[v - 1]) or toks[v - 1].low in ("his", "her"))
            and toks[v + 1].low in _COMPLEMENT_WORDS
            and groups <= (1 if toks[v + 1].low == "that" else 0)
        ):
            # the quote is inside what was claimed; 'Ryan called Trump's remarks "racist"' is
            # Ryan's judgment of them, and in 'Rubio's claim that Cruz is soft is "not true"' the
            # quote is the main clause's predicate, not the claim
            return _owner(toks, s, v - 1)
        if t.low in lang.QUOTE_VERBS:
            return None  # 'Trump's claim that Obama said "..."': the verb's subject speaks
    return None


def _owner(toks: Sequence[Token], s: int, p: int) -> Mention | None:
    """The person or body whose possessive (or "his" / "her") ends at token p."""
    t = toks[p]
    if t.low in ("his", "her"):
        return Mention("pronoun", t.start, t.end, t.text, gender="m" if t.low == "his" else "f", np_start=t.start)
    j = p
    if t.cap:
        while j - 1 >= s and toks[j - 1].kind == "w" and toks[j - 1].cap:
            j -= 1
    else:
        while j - 1 >= s and p - j < OWNER_MODIFIERS and toks[j - 1].kind == "w" and toks[j - 1].low != "the":
            j -= 1
        j = j - 1 if j - 1 >= s and toks[j - 1].low == "the" else j
    m = classify(toks, j, p + 1)
    return m if m is not None and m.kind in ("name", "org", "orgref", "role") else None


def clause_speaker(
    toks: Sequence[Token], s: int, k: int, content: str, sp: SentenceSpeakers, names: NameIndex
) -> Mention | None:
    """The sentence's narrative subject, for a quoted phrase no cue attributes. None for a
    headline, a title of a work ('appeared on "Morning Round"'), a nickname, a writer's scare
    quote on a noun ('a pro-Lund "super fund"'), or a subject that is only a capitalised word."""
    if sp.sentence.block == 0 or capitalised(content) or scare_quote(toks, s, k, content):
        return None
    owner = speech_owner(toks, s, k)
    if owner is not None:
        return owner
    if any(toks[x].bare in lang.SLOGAN_NOUNS for x in range(max(s, k - 2), k)):
        return None  # 'chanted the campaign slogan, "A harbour for all."': shown or chanted, not said
    subj = governing_subject(toks, s, k)
    if subj is None:
        subj = sp.clause_subject
        if subj is not None and subj.kind not in _SPEAKER_KINDS:
            subj = None
    if subj is None:
        return None
    if subj.end > toks[k].start or subj.kind == "pronoun" and subj.gender == "org":
        return None  # 'It was too early to "call it"': no one speaks
    if subj.kind == "name" and " " not in (subj.name or subj.text) and subj.start == toks[s].start:
        key = (subj.name or subj.text).casefold()
        if key not in names and (
            key in lang.NOT_NAME_WORDS or key.endswith(_COMMON_ENDINGS) or "'" in key or "’" in key
        ):
            return None  # 'Wary of "chaos."', 'Questions linger on a "stand down" order'
    return subj


def governing_subject(toks: Sequence[Token], s: int, k: int) -> Mention | None:
    """The subject of the nearest finite verb before the quote at token k in its clause, for a
    sentence that does not open with its speaker ('However, he held his fire, calling him a "nice
    guy"', 'such as when Cruz knocked Rubio and called him a "moderate"')."""
    comma = False
    for v in range(k - 1, max(s, k - GOVERNING_WINDOW) - 1, -1):
        t = toks[v]
        if t.kind == "p" and t.text in ".!?;:":
            return None
        comma = comma or t.text == ","
        if t.kind != "w" or t.cap or v == s:
            continue
        if not _finite_like(t.low):
            continue
        before = toks[v - 1]
        if (
            before.low in _DETERMINERS
            or before.text.endswith(_POSSESSIVE_ENDS)
            or t.low in lang.NOUN_LIKE_FORMS
        ):
            continue  # 'Trump's remarks', 'the claims': a noun
        if comma and before.low in ("who", "which"):
            continue  # 'praising Bush, who ended his bid, as "..."': a relative clause closed before the quote
        m = subject_left(toks, v, s)
        if m is not None and not (m.kind == "pronoun" and m.gender == "org"):
            return m if m.kind in _SPEAKER_KINDS else None
    return None


def _finite_like(low: str) -> bool:
    return (
        low.endswith("ed")
        or low in lang.IRREGULAR_PAST
        or low in lang.QUOTE_VERBS
        or low in lang.CLAUSE_VERBS
    )


def capitalised(content: str) -> bool:
    """Every word but small ones capitalised: a title, a name or a slogan, not someone's words."""
    words = [w for w in content.split() if w.strip(",.!?:;'\"’‘“”")]
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "&"}
    return bool(words) and all(w[:1].isupper() or w[:1].isdigit() or w in small for w in words)


def scare_quote(toks: Sequence[Token], s: int, k: int, content: str) -> bool:
    """A short lowercase noun in marks after a determiner ('the "autopsy"', 'a studio "fixer"'):
    the writer's distance, not a quotation; 'dismissed it as a "gimmick"' still quotes."""
    if len(content.split()) > SCARE_WORDS or content.rstrip()[-1:] in "!?…":
        return False
    for i in range(k - 1, max(s - 1, k - 4), -1):
        low = toks[i].low
        if low in ("as", "like") or toks[i].kind == "p":
            return False
        if low in _NOT_IN_NOUN_PHRASE or low in lang.BE_FORMS:
            return False  # 'his promise of "free college"', 'his claims were "sarcasm"': no determiner of the quote
        if low in _DETERMINERS:
            if i - 1 >= s and toks[i - 1].low in ("as", "like", "of"):
                return False
            # 'calling him a "nice guy"', 'called the mayor a "liar"': a naming verb's complement
            return not any(t.low in lang.NAMING_VERBS for t in toks[max(s, i - NAMING_OBJECT_TOKENS) : i])
    return False


# Words that end the noun phrase a determiner opens: a preposition or a clause word before the quote.
_NOT_IN_NOUN_PHRASE = frozenset(
    ("of", "for", "to", "that", "about", "with", "on", "in", "by", "from", "and", "or")
)
_DETERMINERS = frozenset(("a", "an", "the", "his", "her", "its", "their", "our", "this", "that", "these"))


def named_before(toks: Sequence[Token], s: int, colon: int, sp: SentenceSpeakers) -> Mention | None:
    """The speaker a colon label names: the noun phrase right before it ('Lund:'), else the
    sentence's last named person before it."""
    m = subject_left(toks, colon, s)
    if m is not None and m.kind in ("name", "org", "orgref"):
        return m
    m = sp.clause_subject
    if m is not None and m.kind in ("name", "org", "orgref", "role") and m.end <= toks[colon].start:
        return m  # 'Perez lobbies for a higher wage: "..."'
    at = toks[colon].start
    named = [m for pos, m in sp.named if m.end <= at and m.kind in ("name", "org")]
    return named[-1] if named else None


def subheading(text: str, open_mark: int, close: int, content: str, double_style: bool = False) -> bool:
    """A quote that is a paragraph of its own, a few capitalised words: a section title. In copy
    that quotes with double marks, a short paragraph in single marks is one too, in headline style
    ("'A fight from start to finish.'" between two paragraphs)."""
    words = content.split()
    headline_marks = double_style and text[open_mark] in _SINGLE_MARKS
    if not (
        1 <= len(words) <= MAX_SUBHEADING_WORDS
        and (headline_marks or (len(words) >= 2 and capitalised(content)))
    ):
        return False
    before = text[max(0, open_mark - 2) : open_mark].strip(" \t")
    after = text[close : close + 3].lstrip(" \t.")
    return (open_mark == 0 or before.endswith("\n")) and (not after or after.startswith("\n"))


# A capitalised quote right after these is whom the speaker told, a show or a paper.
_TELL_FORMS = frozenset(("told", "tells", "telling", "tell"))


def show_title(toks: Sequence[Token], k: int, content: str) -> bool:
    """'on KTV's "Morning Round."', 'said on "Meet the Town."', 'her memoir, "Tough Choices."': a
    capitalised phrase after a channel's possessive, right after "on" or "told", after a noun
    naming a work, or after a thing "called" so ('a website called "Harbour Watch"') is that work's
    or thing's title, whatever punctuation it ends with."""
    if k == 0 or not capitalised(content) or len(content.split()) > MAX_SUBHEADING_WORDS:
        return False
    prev = toks[k - 1]
    if (prev.cap and prev.text.endswith(_POSSESSIVE_ENDS)) or prev.low == "on":
        return True
    if prev.low in _TELL_FORMS:
        return True  # 'Doe told "Morning Round"': the show told is the addressee, not the words
    if prev.low in ("called", "named") and k >= 2 and _names_a_thing(toks[k - 2]):
        return True  # 'a news site called "The Ledger"'; 'what he called "Crooked Ada"' still quotes
    # 'his memoir, "Tough Choices."', 'an interview with "Morning Round."', 'a film titled "Ash"'
    j = k - 2 if prev.text == "," and k >= 2 else k - 1
    return any(toks[x].bare in lang.WORK_NOUNS for x in range(j, max(-1, j - WORK_NOUN_TOKENS), -1))


def _names_a_thing(t: Token) -> bool:
    """Is t a common noun a participle "called" names (not its subject: "he", "Doe", "what")?"""
    return (
        t.kind == "w"
        and not t.cap
        and t.low not in lang.SUBJECT_PRONOUNS
        and t.low not in lang.FINITE
        and t.low not in lang.BE_FORMS
        and t.low not in ("what", "which", "who", "whom", "that", "also", "once", "repeatedly")
        and not t.low.endswith("ly")
    )


def transcript(content: str) -> bool:
    """A transcript quoted whole: it opens with a speaker label in capitals and another follows."""
    return _TRANSCRIPT.match(content) is not None and _LABEL.search(content, 3) is not None


def intro_paragraph(prev: SentenceSpeakers, sent: Sentence, draft: Draft) -> None:
    """'Caddell continued:' ending a paragraph, a lone quote opening the next (`sent` is that
    paragraph's first sentence): the quote is the introducer's. Gives `draft` that speaker in place."""
    ps = prev.sentence
    toks = ps.tokens
    if sent.block != ps.block + 1 or ps.e <= ps.s or toks[ps.e - 1].text != ":":
        return
    colon = ps.e - 1
    who: Mention | None = None
    word: str | None = None
    for cue in reversed(prev.cues):
        if cue.subject is not None and colon - max(cue.end, cue.subj_last) <= INTRO_TOKENS:
            who, word = cue.subject, cue.word
            break
    if who is None:
        m = prev.clause_subject
        if m is not None and m.kind in ("name", "pronoun", "role", "org", "orgref"):
            who, word = m, ":"
    if who is not None:
        draft.mention, draft.cue, draft.pos, draft.lone = who, word, who.start, False


def signed(toks: Sequence[Token], i: int, e: int) -> Mention | None:
    """Who signs a quote after its dash ('― Jo Bray, 34, a nurse'): a person, a body or a role."""
    m = subject_right(toks, i, e)
    if m is not None and m.kind in ("name", "org", "orgref", "role"):
        return m
    return None


def reported_phrases(
    text: str, toks: Sequence[Token], s: int, qidx: list[int], quotes: Sequence[Quote], reported: list[Draft]
) -> list[Draft]:
    """'Any "cleareyed" reading of it, said Lund, ...': a quoted phrase inside a reported clause is a
    partial quote of that clause's speaker; a title or a name in marks is not."""
    out: list[Draft] = []
    for k in qidx:
        q = quotes[toks[k].quote]
        d = next((d for d in reported if d.start <= q.open and q.close <= d.end + 1), None)
        content = text[q.start : q.end]
        if d is None or d.mention is None or capitalised(content) or title_like(content):
            continue
        if scare_quote(toks, s, k, content):
            continue
        out.append(Draft(q.start, q.end, "partial", d.mention, d.cue, d.pos))
    return out


def double_style(text: str, quotes: Sequence[Quote]) -> bool:
    """Does the article quote with double marks (its first quote opens with one)?"""
    return bool(quotes) and text[quotes[0].open] not in _SINGLE_QUOTE_MARKS


_SINGLE_QUOTE_MARKS = frozenset((*lang.SINGLE_OPEN, lang.STRAIGHT_SINGLE))


def first_word(toks: Sequence[Token], s: int, e: int) -> int:
    """The sentence's first token that is a word of its own: not punctuation, an opener ("But",
    "And") or a sentence adverb with its comma ("Instead, ", "Then, ")."""
    i = s
    while i < e:
        t = toks[i]
        if t.kind == "p" or t.low in lang.OPENERS:
            i += 1
        elif t.low in lang.LEAD_ADVERBS and i + 1 < e and toks[i + 1].text == ",":
            i += 2
        else:
            return i
    return e


def title_like(content: str) -> bool:
    # US style puts the comma after a title inside the marks: 'his book "Make Your Kid a Millionaire,"'
    content = content.rstrip().removesuffix(",")
    words = content.split()
    if not words or len(words) > MAX_TITLE_WORDS or content[-1:] in ".!?,…":
        return False
    caps = [w for w in words if w[:1].isupper()]
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with"}
    return len(words) >= 2 and all(w[:1].isupper() or w in small for w in words) and len(caps) >= 2


def cue_draft(toks: Sequence[Token], s: int, k: int, span: tuple[int, int], kind: Kind, cue: Cue) -> Draft:
    """The draft of the quote at token k that `cue` attributes; a partial quote inside a possessive
    speech noun's phrase ("Pence blamed the media for Trump's claim that Obama "founded ISIS"") is
    the possessor's words instead."""
    owner = speech_owner(toks, s, k) if kind == "partial" else None
    if owner is not None:
        return Draft(span[0], span[1], kind, owner, None, owner.start)
    return Draft(span[0], span[1], kind, cue.subject, cue.word, toks[cue.index].start)


def nickname(content: str) -> bool:
    """Pete "the Professor" Lindsay (or a show between names: on Fox's "Hannity," Jo Bray said); not
    Rubio "apologized numerous times," Hannity said."""
    words = content.split()
    if len(words) > MAX_NICKNAME_WORDS:
        return False
    return content.rstrip()[-1:] not in ",.!?…" or all(w[:1].isupper() for w in words)
