"""Speaker-phrase pass: who speaks for each cue, and who each sentence is about.

For every sentence: each reporting verb's subject (read left, "Doe said", or right, "said Doe"; a
verb nobody speaks for is dropped, "... and said" takes the earlier verb's subject), the source
after "according to", the subject of a colon intro or of a participle before a quote, the
sentence's narrative subject (its opening noun phrase) and the people it names. The noun-phrase
reading itself is nounphrase.py's; this pass decides which phrase is the speaker.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from watchers.statements.according import according_source
from watchers.statements.clauseshape import clause_like, subject_opens
from watchers.statements.cues import Cues, CueWord
from watchers.statements.labels import is_label
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention
from watchers.statements.nounphrase import subject_left, subject_right
from watchers.statements.people import NameIndex, full_names, named_people
from watchers.statements.rolephrase import described_after_quote, description_end, quote_before_description
from watchers.statements.segment import Segments, Sentence
from watchers.statements.sentences import Token
from watchers.statements.subject_shapes import (
    after_and,
    apposition_owner,
    clause_subject_between,
    modifies_plural,
    past_dateline,
    plural_subject,
    verb_after_commas,
    verb_next,
)
from watchers.statements.verbgroup import contracted_subject

# Tokens token_after walks before it bisects.
WALK_TOKENS = 8
# How long a sentence's opening adjunct may be before the subject's comma ("In a speech on Monday, ").
ADJUNCT_TOKENS = 12
# How many adverbs may stand before a clause subject ("And then Doe ...", "Yet another ...").
LEAD_ADVERBS = 3
_LEAD_WORDS = frozenset(("then", "yet", "still", "now", "so", "and", "but", "also", "later", "finally"))
# A colon intro without a reporting verb keeps at most this many words as its cue ("was blunt").
MAX_COLON_CUE_WORDS = 4
# Place names an apposition may end with ("a nurse in Leeds, England,"), one word and comma each.
MAX_APPOSITION_PLACES = 2
# Words of a state or country after a place's comma ("New Hampshire", "North Calder").
MAX_PLACE_WORDS = 3


@dataclass(slots=True)
class Cue:
    """A cue with its speaker: what a quote or a reported clause is attributed to."""

    index: int  # token index of the verb (or of "according")
    end: int  # token index after the cue words
    word: str
    lemma: str
    subject: Mention | None
    subj_first: int  # token index where the subject starts (for clause spans)
    subj_last: int  # token index after the subject
    inverted: bool
    coordinated: bool = False  # "... and said": the subject belongs to an earlier verb


@dataclass
class SentenceSpeakers:
    """One sentence's speaker phrases."""

    sentence: Sentence
    cues: list[Cue]  # reporting verbs and "according to" with their speakers, in order
    colon_cues: Mapping[int, Cue]  # quote token index -> its colon intro's speaker
    participle_cues: Mapping[int, Cue]  # quote token index -> its participle's speaker
    named: list[tuple[int, Mention]]  # people and organisations named, with where

    @cached_property
    def subject(self) -> Mention | None:
        """The narrative subject: who the sentence is about. Read on first use: most sentences
        with a statement of their own never need it."""
        sent = self.sentence
        return narrative_subject(sent.tokens, sent.s, sent.e)

    @cached_property
    def clause_subject(self) -> Mention | None:
        """The subject a quoted phrase of the writer's clause belongs to: the narrative subject,
        also after an opening adjunct ("In a speech on Monday, Doe ..."). Salience never reads it."""
        sent = self.sentence
        return narrative_subject(sent.tokens, sent.s, sent.e, past_adjunct=True)


@dataclass(frozen=True)
class Speakers:
    """The speaker-phrase pass's output, one entry per sentence of Segments.sentences."""

    full_names: NameIndex  # surname -> [(position, full name)]
    other_names: NameIndex  # another word of a full name -> the same
    sentences: list[SentenceSpeakers]


_NONE: Mapping[int, Cue] = MappingProxyType({})


def find_speakers(segments: Segments, cues: Cues) -> Speakers:
    """The speaker phrases of every sentence, and the article's full names."""
    full, others = full_names([b.tokens for b in segments.blocks])
    out: list[SentenceSpeakers] = []
    for sent, found in zip(segments.sentences, cues.sentences, strict=True):
        toks, s, e = sent.tokens, sent.s, sent.e
        verbs = _verb_speakers(toks, s, e, found.verbs, full)
        colon_cues: Mapping[int, Cue] = _NONE
        if found.colons:
            colon_cues = {k: c for k, colon in found.colons.items() if (c := _colon_cue(toks, s, colon))}
        participle_cues: Mapping[int, Cue] = _NONE
        if found.participles:
            participle_cues = {
                k: c for k, i in found.participles.items() if (c := _participle_cue(toks, s, e, i, verbs))
            }
        out.append(SentenceSpeakers(sent, verbs, colon_cues, participle_cues, named_people(toks, s, e)))
    return Speakers(full, others, out)


def _verb_speakers(
    toks: Sequence[Token], s: int, e: int, words: Sequence[CueWord], full: NameIndex
) -> list[Cue]:
    """The sentence's reporting verbs with their subjects, in order; a verb with none is dropped."""
    out: list[Cue] = []
    for w in words:
        i = w.index
        t = toks[i]
        low = t.low
        if w.according:
            subj = according_source(toks, i + 2, e)
            out.append(Cue(i, w.end, w.word, w.lemma, subj, i + 2, token_after(toks, subj, i + 2, e), True))
            continue
        if i - 1 >= s and toks[i - 1].kind == "w" and toks[i - 1].text.endswith(_POSSESSIVE):
            continue  # "Obama's remarks", "the voters' claims": a noun, whoever's it is
        reported = _quoted_as(toks, i, s)
        if reported is not None:
            # "The Ledger quoted Ana Ruiz as saying": the person quoted speaks
            first = token_at(toks, reported.np_start if reported.np_start >= 0 else reported.start, s, e)
            out.append(
                Cue(i, w.end, w.word, w.lemma, reported, first, token_after(toks, reported, first, e), False)
            )
            continue
        bare = w.bare
        v = _went_on_to(toks, i, s) if bare else i
        if v != i:
            bare = False  # "The email went on to say": the speaker is went's subject
        subj = subject_left(toks, v, s)
        if i - 1 >= s and toks[i - 1].low in lang.BE_FORMS and i + 2 < e and toks[i + 1].low == "by":
            if w.lemma != "ask":
                continue  # "was warned by X that ...": a passive's subject is not its speaker
            agent = subject_right(toks, i + 2, e, inverted=True)  # "Doe was asked by host Jo Bray, "...""
            if agent is None or agent.kind not in ("name", "role", "org", "orgref"):
                continue  # an asker no phrase names: still not the one asked
            subj = agent
        if subj is None and v - 1 >= s:
            subj = _known_surname(toks[v - 1], full)  # '"...," White said' after "Tom White"
        inverted = False
        if subj is None and (o := quote_before_description(toks, s, v)) >= 0:
            subj = described_after_quote(toks, o, v)  # '"...," the committee chairmen wrote'
        subj = plural_subject(toks, s, v, subj, bare)  # "Democrats say", "Experts on X said"
        if subj is not None and bare and not (subj.kind == "group" or subj.gender == "pl"):
            subj = None  # "would respond", "Russian state flights": a base form needs a plural subject
        if subj is not None and subj.kind == "group" and low in lang.NOUN_LIKE_FORMS and not bare:
            subj = None
        if (
            subj is None
            and low not in lang.NOUN_LIKE_FORMS
            and not low.endswith("ing")
            and (i == s or toks[i - 1].text in (",", "—", "–", "-") or toks[i - 1].kind == "q")
        ):
            subj = subject_right(toks, i + 1, e, inverted=True)
            if subj is None and i - 1 >= s and toks[i - 1].kind == "q":
                subj = described_after_quote(toks, i + 1, description_end(toks, i + 1, e))
            inverted = subj is not None
        if subj is None and not bare and after_and(toks, s, i):
            # "Castel ... and said ...": the subject of the sentence's earlier reporting verb, else
            # the sentence's own ("The affidavit cited interviews and said that ...")
            subj = out[-1].subject if out else _coordinated_subject(toks, s, e, i)
            if out:
                subj = clause_subject_between(toks, out[-1].end, i) or subj
            if subj is not None:
                out.append(Cue(i, i + 1, t.text, w.verb_lemma, subj, i, i, False, coordinated=True))
            continue
        if subj is None:
            continue
        if not inverted and low in lang.NOUN_LIKE_FORMS and _modifier_in_phrase(toks, s, subj):
            continue  # "32% of Republican claims", "what lawmakers called": a noun, not a verb
        if not inverted and v - 1 > s and toks[v - 1].text == "," and subj.start > toks[s].start:
            subj = apposition_owner(toks, s, e, subj) or subj
        first = token_at(toks, subj.np_start if subj.np_start >= 0 else subj.start, s, e)
        iv = first - 2 if first - 2 > s and toks[first - 1].low == "out" else first - 1  # "put out"
        if not inverted and subj.head in lang.DOCUMENT_NOUNS and iv > s and toks[iv].low in _ISSUING:
            issuer = subject_left(toks, iv, s)  # "The council issued a statement calling it ..."
            if issuer is not None and issuer.kind in ("name", "org", "orgref", "role", "group", "pronoun"):
                subj = issuer
                first = token_at(toks, subj.np_start if subj.np_start >= 0 else subj.start, s, e)
        last = token_after(toks, subj, first, e)
        out.append(Cue(i, w.end, w.word, w.lemma, subj, first, last, inverted))
    return out


def _coordinated_subject(toks: Sequence[Token], s: int, e: int, i: int) -> Mention | None:
    """ "X did something and said that ..." / "... and said they would stay": X, when a reported
    clause follows the verb ("that", or a subject and its verb)."""
    if i + 1 >= e:
        return None
    nxt = toks[i + 1]
    if nxt.low != "that" and not (subject_opens(nxt) and clause_like(toks, i + 1, e)):
        return None
    first = past_dateline(toks, s, i)
    m = _opening_subject(toks, first, i, groups=True)  # "The dockers walked ..."
    if m is None and first + 1 < i:
        m = contracted_subject(toks[first], toks[first + 1])  # "He's comparing ... and says ..."
    return m if m is not None and m.kind in ("name", "org", "orgref", "role", "pronoun", "group") else None


def _modifier_in_phrase(toks: Sequence[Token], s: int, subj: Mention) -> bool:
    """A one-word "subject" right after a preposition ("of Republican claims", "about European
    remarks", "for many state workers") modifies the noun after it, and a group after "what" names
    a term ("what some call the loophole"): nobody speaks."""
    if subj.kind not in ("name", "org", "group") or " " in subj.text:
        return False
    k = token_at(toks, subj.start, s, len(toks))
    prev = toks[k - 1] if k - 1 >= s else None
    return (
        prev is not None
        and prev.kind == "w"
        and (
            prev.low in lang.ADJUNCT_PREPS
            or prev.low in _OBJECT_PREPS
            or (subj.kind == "group" and prev.low == "what")
        )
    )


_OBJECT_PREPS = frozenset(("for", "about", "among", "against"))




def _known_surname(tok: Token, full: NameIndex) -> Mention | None:
    """A capitalised word that is the surname of a full name in the article, even when it is also a
    common or title word ("White", "Young", "Will")."""
    if tok.kind != "w" or not tok.cap or tok.low not in full:
        return None
    return Mention("name", tok.start, tok.end, tok.text, name=tok.text, np_start=tok.start)


def _quoted_as(toks: Sequence[Token], i: int, s: int) -> Mention | None:
    """The person in "X quoted Y as saying" / "citing Y as saying" when the cue at i is that
    "saying"; else None."""
    if i - 2 < s or toks[i - 1].low != "as" or not toks[i].low.endswith("ing"):
        return None
    for q in range(i - 2, max(s, i - QUOTED_AS_TOKENS) - 1, -1):
        if toks[q].low in _QUOTING:
            m = subject_right(toks, q + 1, i - 1)
            return m if m is not None and m.kind in ("name", "role", "org", "orgref", "pronoun") else None
        if toks[q].kind != "w":
            return None
    return None


def _went_on_to(toks: Sequence[Token], i: int, s: int) -> int:
    """The index of "went" in "X went on to say" (also "goes on to write"), else i."""
    if i - 3 >= s and toks[i - 1].low == "to" and toks[i - 2].low == "on" and toks[i - 3].low in _GO_FORMS:
        return i - 3
    return i


QUOTED_AS_TOKENS = 10
_QUOTING = frozenset(("quoted", "quotes", "quoting", "cited", "cites", "citing"))
_POSSESSIVE = ("'s", "’s", "s'", "s’")
# Verbs whose subject issues the document that speaks after them ("X released a statement saying").
_ISSUING = frozenset(("issued", "issues", "released", "releases", "sent", "posted", "published", "put"))
_GO_FORMS = frozenset(("went", "goes", "go", "going", "gone"))


def _colon_cue(toks: Sequence[Token], s: int, colon: int) -> Cue | None:
    """A colon intro with no reporting verb ('X was blunt:', 'Its president, X, put it simply:'):
    the sentence's subject speaks."""
    subj = narrative_subject(toks, s, colon)
    if subj is None or subj.kind not in ("name", "pronoun", "role", "org", "orgref"):
        return None
    first = token_at(toks, subj.np_start if subj.np_start >= 0 else subj.start, s, colon)
    last = token_after(toks, subj, first, colon)
    word = " ".join(t.text for t in toks[last : min(colon, last + MAX_COLON_CUE_WORDS)])
    return Cue(colon, colon + 1, word or ":", "say", subj, first, last, False)


def _participle_cue(toks: Sequence[Token], s: int, e: int, i: int, cues: Sequence[Cue]) -> Cue | None:
    """The participle at token i before a partial quote speaks for the sentence's last reporting
    verb's subject, else for the sentence's subject."""
    t = toks[i]
    x = bisect_left(cues, i, key=_index) - 1  # cues are in order: the last one before i with a speaker
    while x >= 0 and cues[x].subject is None:
        x -= 1
    if x >= 0:
        c = cues[x]
        return Cue(i, i + 1, t.text, c.lemma, c.subject, c.subj_first, c.subj_last, c.inverted)
    subj = narrative_subject(toks, s, i - 1, past_adjunct=True)
    if subj is None or _stray_first_word(toks, s, subj):
        return None
    first = token_at(toks, subj.np_start if subj.np_start >= 0 else subj.start, s, e)
    return Cue(i, i + 1, t.text, "call", subj, first, token_after(toks, subj, first, e), False)


def _stray_first_word(toks: Sequence[Token], s: int, m: Mention) -> bool:
    """A one-word "name" that is only the sentence's capitalised first word ("Amid ...", "I'm ..."):
    nobody to attribute a participle's quote to."""
    t = toks[s]
    if m.kind != "name" or m.start != t.start or m.end != t.end:
        return False
    low = t.low
    return (
        low in lang.SUBORDINATORS
        or low in lang.NOT_NAME_WORDS
        or "'" in low
        or "’" in low
        or (low.endswith("ing") and len(low) > 5 and not verb_next(toks, s + 1))
    )




def narrative_subject(toks: Sequence[Token], s: int, e: int, past_adjunct: bool = False) -> Mention | None:
    """The person or organisation a narrative sentence is about: its opening noun phrase, when a
    lowercase verb-like word follows it (objects never count); with `past_adjunct`, also the noun
    phrase after an opening adjunct ("In city after city, Perez lobbies ...")."""
    s = past_dateline(toks, s, e)
    m = _opening_subject(toks, s, e)
    if m is not None and s < e and _stray_first_word(toks, s, m):
        m = None  # "Facing mounting criticism from ..., Doe released": not a person named Facing
        past_adjunct = past_adjunct or toks[s].low.endswith("ing")
    if m is not None or s >= e or not past_adjunct:
        return m
    first = toks[s]
    if (
        first.low in lang.ADJUNCT_PREPS
        or first.low.endswith("ly")
        or first.low.endswith("ing")
        or first.low in _TIME_SPANS  # "Days after the arrest, Nega volunteered"
    ):
        comma = next((k for k in range(s + 1, min(e, s + ADJUNCT_TOKENS)) if toks[k].text == ","), -1)
        comma = _past_place(toks, comma, e) if comma > 0 else comma
        if comma > 0 and comma + 1 < e and not any(t.kind == "q" for t in toks[s:comma]):
            return _opening_subject(toks, comma + 1, e, long_apposition=False)
    # "And then Doe went on the attack", "Yet another said": a few adverbs before the subject
    for x in range(s + 1, min(e, s + LEAD_ADVERBS + 1)):
        t = toks[x]
        if t.kind != "w" or t.cap or t.low in lang.SUBJECT_PRONOUNS or t.low in lang.ONE_PERSON_DETS:
            if t.kind == "w":
                return _opening_subject(toks, x, e)
            return None
        if t.low not in lang.AUX_ADVERBS and t.low not in lang.OPENERS and t.low not in _LEAD_WORDS:
            return None
    return None


def _past_place(toks: Sequence[Token], comma: int, e: int) -> int:
    """The comma that ends an adjunct whose last place is followed by its state or country ("In
    Salem, New Hampshire, Doe ..."): past those, else `comma` as it was."""
    for _ in range(MAX_APPOSITION_PLACES):
        if not toks[comma - 1].cap:
            break
        k = comma + 1
        while k < e and k - comma <= MAX_PLACE_WORDS and toks[k].kind == "w" and toks[k].cap:
            k += 1
        if k == comma + 1 or k >= e or toks[k].text != "," or k + 1 >= e or not toks[k + 1].cap:
            break
        comma = k
    return comma


def _opening_subject(
    toks: Sequence[Token], s: int, e: int, long_apposition: bool = True, groups: bool = False
) -> Mention | None:
    i = s
    while i < e and toks[i].kind == "w" and toks[i].low in lang.OPENERS:
        i += 1
    m = subject_right(toks, i, e)
    if m is None and i < e and toks[i].low in lang.POSSESSIVE_DETS:
        # "His neighbour, Abena Owusu, 31, spent ...": a relation word the tables lack, then the name
        comma = next((k for k in range(i + 1, min(e, i + 4)) if toks[k].text == ","), -1)
        if comma > 0 and comma + 1 < e and toks[comma + 1].cap:
            m = subject_right(toks, comma + 1, e)
            if m is None or m.kind != "name":
                return None
            i = comma + 1
    if m is None or m.kind not in _NARRATIVE_KINDS and not (groups and m.kind == "group"):
        return None
    j = i
    while j < e and toks[j].end <= m.end:
        j += 1
    if m.kind in ("name", "org") and m.text.endswith(_POSSESSIVE) and j < e and toks[j].kind == "w":
        return None  # "The Pentagon's recent top adviser on the campaign went further": not the Pentagon
    if j + 2 < e and toks[j].text == "(" and is_label(toks[j + 1]) and toks[j + 2].text in (")", "."):
        j += 3 if toks[j + 2].text == ")" else 4  # "Sen. Jo Bray (D-Ohio) ..."
    if j < e and toks[j].text == "," and m.np_start < m.start and j + 1 < e and _verb_like(toks[j + 1]):
        return m  # "Its chief executive, Bradley Okafor, went further": the comma closes the apposition
    if j < e and toks[j].text == ",":  # apposition
        k = j + 1
        while k < e and toks[k].text != "," and k - j < 20:
            k += 1
        j = k + 1
        for _ in range(MAX_APPOSITION_PLACES):
            # "..., a nurse in Manchester, England, had": a place after the apposition's own comma
            if not (j + 1 < e and toks[j].cap and toks[j + 1].text == ","):
                break
            j += 2
    if j < e and toks[j].kind == "w" and not toks[j].cap:
        return None if modifies_plural(toks, j, e, m) else m
    return m if long_apposition and m.kind == "name" and verb_after_commas(toks, i, e, m) else None






# Words for a span of time that open an adjunct before the subject ("Hours later, ...").
_TIME_SPANS = frozenset(("moments", "minutes", "hours", "days", "weeks", "months", "years", "decades"))
_NARRATIVE_KINDS = frozenset(("name", "org", "pronoun", "role", "orgref"))


def _verb_like(tok: Token) -> bool:
    return tok.kind == "w" and not tok.cap and tok.low not in ("who", "whose", "which", "a", "an", "the")


def token_at(toks: Sequence[Token], pos: int, s: int, e: int) -> int:
    """The first token of tokens[s:e] that ends after `pos` (e when none): a bisect, since a walk
    from the sentence's start for every cue was quadratic in a sentence without a full stop."""
    if e <= s:
        return e
    return bisect_right(toks, pos, s, e, key=_end)


def token_after(toks: Sequence[Token], m: Mention | None, first: int, e: int) -> int:
    if m is None:
        return first
    i = first
    while i < e and i - first < WALK_TOKENS and toks[i].start < m.end:
        i += 1  # a mention is a few tokens: walked, and bisected only when it runs long
    if i >= e or toks[i].start >= m.end:
        return i
    return bisect_left(toks, m.end, i, e, key=_start)


def _index(c: Cue) -> int:
    return c.index


def _end(t: Token) -> int:
    return t.end


def _start(t: Token) -> int:
    return t.start
