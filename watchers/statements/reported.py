"""Reported speech without quote marks, for the pairing pass: the clause a cue reports.

"Doe said the talks would resume" → "the talks would resume"; "The incident, Varga said, was the
third" → the whole sentence; "CLAUSE, according to X." → CLAUSE; ", adding that B" after an
attribution → B, a second statement of the same speaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from watchers.statements.clauseshape import (
    MIN_CLAUSE_WORDS,
    naming_clause,
    participle_comma,
    relative_end,
    trim_connectors,
)
from watchers.statements.clauseshape import clause_like as _clause_like
from watchers.statements.clauseshape import subject_opens as _subject_opens
from watchers.statements.drafts import Draft
from watchers.statements.lang import en as lang
from watchers.statements.participles import MAX_TELL_OBJECT_WORDS, PARTICIPLE_LINKS, participle_clause
from watchers.statements.questions import asked_clause
from watchers.statements.sentences import Token, at_least_words, has_quote
from watchers.statements.speakers import Cue, SentenceSpeakers

# Verbs whose reported content may be an infinitive ("vowed to block the refugees") or, for the
# "call" forms, a noun phrase ("called for a voice vote"): no clause needed.
_INFINITIVE_LEMMAS = frozenset(("promise", "vow", "pledge", "threaten", "agree"))
_NP_LEMMAS = frozenset(("call for", "call on"))
_CLAUSE_PUNCT_END = ".!?…;:"
# Punctuation that closes an apposition before the verb ("Doe, 63, a teacher, said").
_APPOSITION_ENDS = frozenset((",", "—", "–"))
_SPEAKER_KINDS = frozenset(("name", "org", "orgref", "role", "group"))
# How many adjunct tokens may follow "As X reported" before its comma ("As The Post first reported on Monday,").
MAX_AS_ADJUNCT_TOKENS = 8
# Time words that stand bare between a reporting verb and its clause ("said Tuesday night he ...").
_TIMES_OF_DAY = frozenset(("morning", "afternoon", "evening", "night"))
_BARE_TIME_WORDS = frozenset(("yesterday", "today", "tonight"))


def indirect(text: str, toks: Sequence[Token], s: int, e: int, sp: SentenceSpeakers) -> list[Draft]:
    """Reported speech without quote marks; one record per reporting verb with its own clause
    ("X denied A after the board announced B" gives A and B)."""
    cues = sp.cues
    end = e
    while end > s and toks[end - 1].kind == "p" and toks[end - 1].text in _CLAUSE_PUNCT_END + ')"”’':
        end -= 1
    if end - s < MIN_CLAUSE_WORDS or toks[e - 1].text.startswith("?"):
        return []
    found: list[tuple[Cue, int, int]] = []  # cue, clause start, clause end (token indices)
    according = [c for c in cues if c.lemma == "according"]
    if according:
        cues = according  # "X has promised A, according to Y": Y is the source
    elif any(c.inverted for c in cues):
        cues = [_uninverted(toks, end, c, sp) if c.inverted else c for c in cues]
    for c in cues:
        if found and c.index < found[-1][2]:
            # a verb inside an earlier clause: its own statement only with its own subject there
            if not c.inverted and c.subj_first >= found[-1][1] or c.coordinated:
                cut = c.subj_first if not c.coordinated else c.index
                span = _clause(toks, s, end, c)
                if span is not None and span[0] > c.index:
                    prev = found[-1]
                    found[-1] = (prev[0], prev[1], trim_connectors(toks, prev[1], cut))
                    found.append((c, span[0], span[1]))
            continue
        span = _clause(toks, s, end, c)
        if span is not None:
            found.append((c, span[0], span[1]))
            if span[0] == s:
                break
    found = [(c, a, relative_end(toks, c, a, b)) for c, a, b in found]
    out = [d for c, a, b in found if (d := _draft(toks, a, b, c, toks[c.index].start)) is not None]
    if out:
        # "..., saying the plane had stayed over neutral waters": the participle is a second statement
        c0, a0, b0 = found[-1]
        for i in range(a0 + 1, b0):
            comma = participle_comma(toks, a0, i) if toks[i].low in lang.PARTICIPLE_CUES else -1
            if comma > a0:
                extra = participle_clause(text, toks, i, end, c0.subject, c0)
                if extra is not None:
                    last = out[-1]
                    out[-1] = Draft(
                        last.start, toks[comma - 1].end, last.kind, last.mention, last.cue, last.pos
                    )
                    out.append(extra)
                break
        return [d for d in out if d.end > d.start]
    # "Doe rejected the plan, saying it was flawed.": the sentence's narrative subject speaks, or
    # the subject of a verb before the participle ("In a column, two writers implored her ...,
    # arguing that ...")
    for i in range(s + 1, end):
        if toks[i].low in lang.PARTICIPLE_CUES and (
            participle_comma(toks, s, i) > s or (i - 1 > s and toks[i - 1].low in PARTICIPLE_LINKS)
        ):
            before = [c.subject for c in sp.cues if c.index < i and c.subject is not None and not c.inverted]
            subject = before[-1] if before else sp.subject
            if subject is None:
                return []
            d = participle_clause(text, toks, i, end, subject, None)
            return [d] if d else []
    return []


def _uninverted(toks: Sequence[Token], end: int, c: Cue, sp: SentenceSpeakers) -> Cue:
    """ "Roxana Leon, 63, an independent voter, said she wanted change": the cue pass read "she" as a
    speaker after the verb, but a clause follows the verb (its subject, then its own verb) and the
    sentence opens with the speaker. The cue as a plain "X said CLAUSE"; c itself otherwise."""
    k = c.index - 1
    if k <= sp.sentence.s or toks[k].text not in _APPOSITION_ENDS or c.subject is None:
        return c
    if c.subj_last >= end or toks[c.subj_last].kind != "w" or toks[c.subj_last].cap:
        return c  # '..., said Doe, who heads ...', '..., said Doe.': a real trailing speaker
    subject = sp.clause_subject
    if subject is None or subject.start >= toks[k].start or subject.kind not in _SPEAKER_KINDS:
        return c
    plain = replace(c, subject=subject, inverted=False, subj_first=c.index, subj_last=c.index)
    start = _clause_start(toks, plain, end)
    if start is None or not _clause_like(toks, start, end) or has_quote(toks, start, end):
        return c  # a quoted phrase in it: the quote pass has the sentence
    return plain


def title_gap(toks: Sequence[Token], a: int, b: int) -> bool:
    """'"...," festival director Maggie Doyle said': a few lowercase title words before the subject."""
    return (
        0 < b - a <= 3
        and all(
            t.kind == "w"
            and not t.cap
            and t.low not in lang.QUOTE_VERBS
            and t.low not in lang.OPENERS
            and t.low not in lang.SUBORDINATORS  # '"...," while 73 percent said': another speaker
            for t in toks[a:b]
        )
    )


def _clause(toks: Sequence[Token], s: int, end: int, c: Cue) -> tuple[int, int] | None:
    """The reported clause of cue c as token indices, or None."""
    if c.lemma == "according":
        return _according(toks, s, end, c)
    if c.lemma == "ask":
        return asked_clause(toks, end, c)
    if c.lemma == "call" and c.end < end and toks[c.end].low in ("for", "on"):
        c = replace(c, lemma="call " + toks[c.end].low, end=c.end + 1)  # "... but called for an audit"
    elif c.lemma in ("call", "describe") and not c.inverted:
        return naming_clause(toks, end, c)
    if c.lemma not in _CLAUSE_LEMMAS and c.lemma != "put it":
        return None
    if not c.inverted and not c.coordinated:
        span = _as_reported(toks, s, end, c)
        if span is not None:
            return span
    if c.lemma not in _CLAUSE_LEMMAS:
        return None
    if not c.inverted:
        after = max(c.end, c.subj_last)
        if (
            (
                c.subj_first > s
                and toks[c.subj_first - 1].text == ","
                and after < end
                and toks[after].text == ","
            )
            and (_words(toks, s, c.subj_first, 2) or (c.subj_first - s == 2 and toks[s].cap))
            and not c.coordinated
        ):
            # "The incident, Varga said, was the third", "Democrats, Frank notes, applaud ...": the
            # whole sentence
            return s, end
        start = _clause_start(toks, c, end)
        if start is not None and toks[start - 1].text == "," and toks[start].low in lang.SUBORDINATORS:
            start = None  # "CLAUSE, groups said on Friday, as a heatwave ...": a lede's attribution
        if (
            start is not None
            and (c.lemma in lang.THAT_ONLY_LEMMAS or c.lemma in _THAT_ONLY_EXTRA)
            and toks[start - 1].low != "that"
            and not (
                c.lemma in _CLAUSE_OR_THAT and _subject_opens(toks[start]) and _clause_like(toks, start, end)
            )
        ):
            start = None
        if (
            start is not None
            and c.lemma not in lang.OBJECT_LEMMAS
            and c.lemma not in _NP_LEMMAS
            and toks[start - 1].low != "that"
            and not (c.lemma in _INFINITIVE_LEMMAS and toks[start].low == "to")
            and not _clause_like(toks, start, end)
        ):
            start = None  # "argued against the cap", "confirmed the contents of the memo"
        if start is not None and c.lemma == "call on" and not _has_infinitive(toks, start, end):
            start = None  # "called on the families of the crew" is a visit; "called on X to Y" a demand
        if start is not None and _words(toks, start, end, _min_words(c.lemma)):
            if (
                c.subj_first > s
                and toks[c.subj_first - 1].text == ","
                and toks[start - 1].text == ","
                and _words(toks, s, c.subj_first, 2)
                and not c.coordinated
            ):
                return s, end  # "The talks, Doe said on Monday, will resume": the whole sentence
            return start, end
    # trailing: CLAUSE, SUBJ VERB (adjuncts). / CLAUSE, VERB SUBJ.
    first = c.index if c.inverted else c.subj_first
    if not c.inverted:
        k = first
        while (
            k - 1 > s and first - k < 3 and title_gap(toks, k - 1, k) and toks[k - 1].low not in lang.FINITE
        ):
            k -= 1  # "..., industry groups said": modifiers the noun phrase left out
        if toks[k - 1].text != "," and k - 1 > s and toks[k - 1].text.endswith(("'s", "’s")):
            k = next((x for x in range(k - 1, max(s, k - 4), -1) if toks[x - 1].text == ","), k)
        if toks[k - 1].text == ",":  # also "..., Donald Trump's longtime confidant Roger Stone stated"
            first = k
    rest = max(c.end, c.subj_last)
    # the next comma, looked for only as far as adjuncts may run (a walk to the end of a long
    # sentence for every cue was quadratic)
    stop = next((i for i in range(rest, min(end, rest + MAX_ADJUNCT_TOKENS + 1)) if toks[i].text == ","), end)
    trailing = first > s and toks[first - 1].text == "," and _only_adjuncts(toks, rest, stop)
    if trailing and _words(toks, s, first - 1, MIN_CLAUSE_WORDS):
        return s, first - 1
    return None


# Reporting verbs that take a clause only with "that" ("Trump charges that ...", "He joked that ..."):
# without it their object is a noun ("charged two developers", "responded to the letter").
_THAT_ONLY_EXTRA = frozenset(
    ("respond", "reply", "answer", "counter", "retort", "charge", "joke", "quip", "boast", "brag",
     "conclude", "confess", "lament", "protest", "proclaim", "reason", "opine", "posit", "muse",
     "recount", "exclaim")
)  # fmt: skip
# Of those, the ones whose clause may also come without "that" when it reads as one ("The Times
# reported the email came hours after ...", "He joked he would ..."); never a figure ("reported 212
# confirmed cases"), nor a preposition ("responded by pointing a finger").
_CLAUSE_OR_THAT = frozenset(
    ("report", "joke", "quip", "boast", "brag", "reply", "respond", "counter", "retort")
)
_CLAUSE_LEMMAS = (
    frozenset(lang.CLAUSE_VERBS.values())
    | {
        "point out",
        "make clear",
        "call for",
        "call on",
        "shoot back",
        "be clear",
    }
    | _THAT_ONLY_EXTRA
)


def _as_reported(toks: Sequence[Token], s: int, end: int, c: Cue) -> tuple[int, int] | None:
    """ "As The Post reported on Monday, CLAUSE." → CLAUSE; "CLAUSE, as Doe noted." → CLAUSE."""
    a = c.subj_first - 1
    if a < s or toks[a].low != "as":
        return None
    k = max(c.end, c.subj_last)
    while k < end and k - c.end <= MAX_AS_ADJUNCT_TOKENS and toks[k].text != ",":
        t = toks[k]
        if t.kind == "q" or (
            t.kind == "w"
            and not t.cap
            and t.low not in lang.ADJUNCT_WORDS
            and t.low not in lang.ADJUNCT_OPENERS
        ):
            return None  # "as Doe said he would": no parenthetical
        k += 1
    if a == s or all(t.kind == "p" or t.low in lang.OPENERS for t in toks[s:a]):
        if k >= end or toks[k].text != ",":
            return None
        return (k + 1, end) if _words(toks, k + 1, end, MIN_CLAUSE_WORDS) else None
    if toks[a - 1].text == "," and k >= end:
        return (s, a - 1) if _words(toks, s, a - 1, MIN_CLAUSE_WORDS) else None
    return None


def _according(toks: Sequence[Token], s: int, end: int, c: Cue) -> tuple[int, int] | None:
    after = c.subj_last
    while after < end and toks[after].text != ",":
        after += 1
    if c.index == s or (
        c.index > s and all(t.kind == "p" or t.low in lang.OPENERS for t in toks[s : c.index])
    ):
        start = after + 1  # According to X, CLAUSE.
        return (start, end) if _words(toks, start, end, MIN_CLAUSE_WORDS) else None
    if c.index > s and toks[c.index - 1].text == ",":
        if after >= end:  # CLAUSE, according to X.
            return (s, c.index - 1) if _words(toks, s, c.index - 1, MIN_CLAUSE_WORDS) else None
        return s, end  # parenthetical
    return None


def _draft(toks: Sequence[Token], a: int, b: int, c: Cue, pos: int) -> Draft | None:
    while b > a and toks[b - 1].kind == "p" and toks[b - 1].text in ",;:—–-":
        b -= 1
    while a < b and toks[a].kind == "p" and toks[a].text in ",;:—–-":
        a += 1
    if b <= a:
        return None
    return Draft(toks[a].start, toks[b - 1].end, "indirect", c.subject, c.word, pos)


def _after_time_words(toks: Sequence[Token], i: int, end: int) -> int:
    """The index after a bare time phrase at tokens[i] ("Wednesday", "Friday night", "yesterday"), or i."""
    low = toks[i].low
    if low in lang.WEEKDAYS:
        if i + 1 < end and toks[i + 1].low in _TIMES_OF_DAY:
            return i + 2
        return i + 1
    return i + 1 if low in _BARE_TIME_WORDS else i


def _infinitive_at(toks: Sequence[Token], i: int, end: int) -> bool:
    """Is tokens[i] the "to" of an infinitive ("to press", "to call"), not a preposition ("to the press")?"""
    if toks[i].low != "to" or i + 1 >= end:
        return False
    nxt = toks[i + 1]
    return nxt.kind == "w" and not nxt.cap and nxt.low not in lang.DETERMINERS


def _has_infinitive(toks: Sequence[Token], a: int, b: int) -> bool:
    """An infinitive anywhere in tokens[a:b] ("the council to hold back", "leaders not to feed")?"""
    return any(_infinitive_at(toks, i, b) for i in range(a, b))


def _min_words(lemma: str) -> int:
    return 2 if lemma in lang.OBJECT_LEMMAS else MIN_CLAUSE_WORDS


def _words(toks: Sequence[Token], a: int, b: int, k: int) -> bool:
    """At least k words and numbers in tokens[a:b]?"""
    return at_least_words(toks, a, b, k)


# The longest run of adjuncts after a trailing "X said" (", Doe said on Monday in a statement").
MAX_ADJUNCT_TOKENS = 12


def _only_adjuncts(toks: Sequence[Token], a: int, b: int) -> bool:
    return b - a <= MAX_ADJUNCT_TOKENS and all(
        t.kind == "p" or t.low in lang.ADJUNCT_WORDS or t.cap or t.kind == "n" or t.low in lang.UNNAMED_GROUPS
        for t in toks[a:b]
    )


def _clause_start(toks: Sequence[Token], c: Cue, end: int) -> int | None:
    """Token index where the reported clause begins after the verb, or None when nothing follows."""
    i = c.end
    if c.lemma in ("call for", "call on", "point out", "make clear", "shoot back", "be clear"):
        pass
    elif c.lemma in lang.TELL_LEMMAS:
        # object of "told": reporters / Reuters / the parliament / a news conference
        if i < end and toks[i].low in lang.DETERMINERS and toks[i].low not in ("that",):
            i += 1
        while (
            i < end
            and toks[i].kind == "w"
            and toks[i].low not in ("that",)
            and (toks[i].cap or toks[i].low in lang.ADJUNCT_WORDS or toks[i].low in lang.UNNAMED_GROUPS)
            and toks[i].low not in lang.DETERMINERS
        ):
            i += 1
    if c.lemma in lang.TELL_LEMMAS:
        # "reminded the public that", "told the packed hall that": a short object before "that"
        for j in range(i, min(end, i + MAX_TELL_OBJECT_WORDS + 1)):
            t = toks[j]
            if t.kind != "w" or t.low in lang.FINITE or t.low in lang.QUOTE_VERBS:
                break
            if t.low == "that" and j > i:
                return j + 1
    # a "that" within the next few tokens starts the clause
    for j in range(i, min(end, i + 14)):
        t = toks[j]
        if t.low == "that" and t.kind == "w":
            if all(x.low in lang.ADJUNCT_WORDS or x.cap or x.kind in ("p", "n") for x in toks[i:j]):
                return j + 1
            break
        if t.kind == "q":
            break
    # skip adjunct phrases: "on Tuesday", "in a statement", "at a news conference in Capitol"
    while i < end and toks[i].kind == "w":
        k = _after_time_words(toks, i, end)
        if k > i:
            i = k  # "said Wednesday he agrees", "said Friday night the talks had failed"
            continue
        if toks[i].low not in lang.ADJUNCT_OPENERS:
            break
        if c.lemma in _INFINITIVE_LEMMAS and _infinitive_at(toks, i, end):
            break  # "promised to press the authority": not "to the press"
        j = i + 1
        while (
            j < end
            and (toks[j].low in lang.ADJUNCT_WORDS or toks[j].cap or toks[j].kind == "n")
            and toks[j].low not in ("the", "a", "an")
            or (j < end and j == i + 1 and toks[j].low in ("the", "a", "an"))
        ):
            j += 1
            if j - i > 8:
                break
        if j == i + 1:
            break
        i = j
    while i < end and toks[i].text == ",":
        i += 1
    if i >= end:
        return None
    if toks[i].low in ("to",) and c.lemma not in lang.OBJECT_LEMMAS and c.lemma not in _INFINITIVE_LEMMAS:
        return None  # "said to be", "told to leave"
    return i
