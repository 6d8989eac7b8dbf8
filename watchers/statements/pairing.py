"""Pairing pass: each quote with its cue, each cue without a quote with its reported clause.

    quote + cue   → direct (the whole sentence or clause is quoted) or partial (a phrase inside the
                    writer's own clause)
    quote, no cue → lone direct quote (only when the sentence is the quote alone): resolution finds
                    its speaker from context
    cue, no quote → indirect (the reported clause; reported.py)

Which cue a quote takes: one right after it ('"...," Doe said'), else one before it ('Doe said:
"..."'), else the previous quote's cue when nothing but punctuation is between, else a colon intro,
else a participle (', calling it "..."').
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from watchers.model import Kind
from watchers.statements.clauseshape import own_clauses, trim_connectors
from watchers.statements.drafts import Draft, Drafts
from watchers.statements.labels import label_dot
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention
from watchers.statements.participles import participle_clause
from watchers.statements.people import NameIndex
from watchers.statements.phrases import (
    capitalised,
    clause_speaker,
    cue_draft,
    double_style,
    first_word,
    intro_paragraph,
    named_before,
    nickname,
    reported_phrases,
    show_title,
    signed,
    subheading,
    title_like,
    transcript,
)
from watchers.statements.quotemarks import Quote
from watchers.statements.reported import indirect, title_gap
from watchers.statements.segment import Segments
from watchers.statements.sentences import Token, signature_follows
from watchers.statements.speakers import Cue, SentenceSpeakers, Speakers

# How many tokens after a quote its attribution may start ('"...," Foreign Ministry spokeswoman Jane Doe said').
TRAILING_WINDOW = 12
# ... and how far when the verb's subject opens right after the quote: a long apposition between the
# name and the verb ('"...," Jo Bray, who has run the bakery on Quay Street since 1998, said').
APPOSITION_WINDOW = 40
# How many words a quote's sentence may carry on before its trailing attribution ('"..." at the
# convention, he said').
CARRY_ON_WORDS = 8
# How many title words may stand between a quote and the name of its trailing speaker
# ('"...," DoubleLine Capital portfolio manager Bo Baha said').
NAME_LEAD_TOKENS = 6
# How far before a quote a reporting verb still introduces it ('Doe said in a statement on Tuesday: "..."').
LEADING_WINDOW = 30
# How many tokens a second quoted phrase may follow the first one of its clause and share its speaker
# ('called the levy "a lifeline" for the towns and "overdue"').
SAME_CLAUSE_TOKENS = 12


def pair(segments: Segments, speakers: Speakers) -> Drafts:
    """Every sentence's drafts, in reading order within the sentence."""
    text, quotes = segments.text, segments.quotes
    out = [
        _sentence(text, sent.tokens, sent.s, sent.e, sent.quotes, quotes, sp, speakers.full_names)
        for sent, sp in zip(segments.sentences, speakers.sentences, strict=True)
    ]
    for i in range(1, len(out)):
        if out[i] and out[i][0].lone and segments.blocks[segments.sentences[i].block].sentences.start == i:
            intro_paragraph(speakers.sentences[i - 1], segments.sentences[i], out[i][0])
    return Drafts(out)


def _sentence(
    text: str,
    toks: Sequence[Token],
    s: int,
    e: int,
    qidx: list[int],
    quotes: Sequence[Quote],
    sp: SentenceSpeakers,
    names: NameIndex,
) -> list[Draft]:
    if qidx:
        found = _quoted(text, toks, s, e, quotes, qidx, sp, names)
        if not found:
            if toks[qidx[0]].start > toks[s].start and not any(toks[k].start == toks[s].start for k in qidx):
                # only scare quotes or titles in it, or a phrase inside the reported clause
                reported = indirect(text, toks, s, e, sp)
                return reported + reported_phrases(text, toks, s, qidx, quotes, reported)
            return []
        if all(d.kind == "partial" for d in found):
            # 'Doe said the talks would resume, despite what she called "a step backwards"': the main
            # clause is reported speech of its own when its verb is not the partial quote's cue;
            # so is a coordinated that-clause with no quote in it ('... that A but that "B"').
            used = {d.pos for d in found}
            first_q = toks[qidx[0]].start
            last_q = toks[qidx[-1]].end
            for d in indirect(text, toks, s, e, sp):
                if d.start >= first_q:
                    if d.start >= last_q and d.pos >= last_q and not any(x.start == d.start for x in found):
                        found.append(d)  # '... of "Z" and said the rules protected users'
                    continue
                if d.pos not in used:
                    found.append(d)
                    continue
                for part in _that_clauses(toks, d):
                    if not any(part.start <= toks[k].start < part.end for k in qidx):
                        found.append(part)
        else:
            # 'He said he had not seen it, and when asked ..., he said, "I hope not."': a reported
            # clause of its own verb, over before the first quote
            used = {d.pos for d in found}
            spans = (toks[qidx[0]].start, toks[qidx[-1]].end)
            found.extend(own_clauses(toks, s, e, indirect(text, toks, s, e, sp), sp.cues, used, spans))
        return sorted(found, key=lambda d: d.pos)
    return indirect(text, toks, s, e, sp)


def _content(text: str, q: Quote) -> tuple[int, int]:
    a, b = q.start, q.end
    return a, b


def _quoted(
    text: str,
    toks: Sequence[Token],
    s: int,
    e: int,
    quotes: Sequence[Quote],
    qidx: list[int],
    sp: SentenceSpeakers,
    names: NameIndex,
) -> list[Draft]:
    index = _CueIndex(sp.cues)
    first = first_word(toks, s, e)
    out: list[Draft] = []
    prev_attr: Cue | None = None
    prev_q = -1
    phrase_subj: Mention | None = None  # the speaker of the last quoted phrase no cue attributed
    phrase_q = -1
    for k in qidx:
        q = quotes[toks[k].quote]
        a, b = _content(text, q)
        if not text[a:b].strip() or transcript(text[a:b]):
            continue
        trailing = _trailing(toks, k, e, index) or _trailing_after_words(toks, k, e, index)
        leading = _leading(toks, k, s, index)
        words_before = first < k  # any word before the quote but an opener ("But", "And")
        continued = (
            prev_attr is not None
            and prev_q >= 0
            and all(
                t.kind == "p" or t is toks[prev_attr.index]
                for t in toks[max(prev_attr.subj_last, prev_attr.end, prev_q + 1) : k]
            )
        )
        at_start = not words_before or (prev_q >= 0 and continued)
        cue = trailing or leading or (prev_attr if continued else None)
        if leading is not None and trailing is not None and toks[k - 1].text == "," and leading.end == k - 1:
            cue = leading  # 'When someone shouted, "Resign," Doe joked': the shout, not the joke
        content = text[a:b]
        colon = False
        if cue is None and k - 1 > s and toks[k - 1].text == ":":
            cue = sp.colon_cues.get(k)  # 'Castagné was blunt: "..."'
            colon = cue is not None
        participle = False
        if cue is None:
            cue = sp.participle_cues.get(k)  # 'Marr defended the levy, calling it "a lifeline"'
            participle = cue is not None
        if cue is None and prev_attr is not None and _same_clause(toks, prev_q, k, index):
            cue = prev_attr  # 'Doe called it "cheating" and "a betrayal"': the same speaker's words
        if cue is None and k - 1 > s and toks[k - 1].text == ":" and _to_sentence_end(toks, k, e):
            if _sentence_like(content) and not capitalised(content):
                # 'Jo Bray, pollster: "..."', 'Here is Bray in 2012: "..."': the person named before
                # the colon; 'From the report: "..."': introduced, the speaker from context
                who = named_before(toks, s, k - 1, sp)
                out.append(Draft(a, b, "direct", who, None, who.start if who else a, lone=who is None))
            continue
        if cue is None and not words_before and signature_follows(toks, k + 1, e):
            who = signed(toks, k + 2, e)
            if who is not None:
                out.append(Draft(a, b, "direct", who, None, who.start))  # '"..." ― Jo Bray, 34'
                prev_attr, prev_q = None, k
                continue
        if cue is None:
            only_quote = all(t.kind == "p" for t in toks[k + 1 : e]) if k == first else False
            if not words_before and only_quote and _sentence_like(content):
                if not subheading(text, q.open, q.close, content, double_style(text, quotes)):
                    out.append(Draft(a, b, "direct", None, None, a, lone=True))
                continue
            subj = clause_speaker(toks, s, k, content, sp, names) if words_before else None
            if (
                subj is None
                and phrase_subj is not None
                and _same_clause(toks, phrase_q, k, index)
                and not (capitalised(content) or title_like(content))
            ):
                subj = phrase_subj  # 'calls them "losers" and "sad"': the first phrase's speaker
            if subj is not None:
                # 'Lund dismissed the plan as "a gimmick"', 'Ruiz urged voters to "stay home"': a
                # quoted phrase in a sentence about someone is that someone's words
                out.append(Draft(a, b, "partial", subj, None, subj.start))
                phrase_subj, phrase_q = subj, k
            continue
        if cue.subject is not None and cue.subject.start <= q.open < cue.subject.end:
            continue
        if (
            k > s
            and k + 1 < e
            and toks[k - 1].cap
            and toks[k + 1].cap
            and not at_start
            and nickname(content)
        ):
            continue  # a nickname: Pete "the Professor" Lindsay
        kind: Kind
        if (
            at_start
            or colon
            or (participle and cue is not None and _introduces(toks, cue, k, content))
            or leading is not None
            and cue is leading
            and _introduces(toks, leading, k, content)
        ):
            kind = "direct"
        else:
            kind = "partial"
        if kind == "partial" and title_like(content) or words_before and show_title(toks, k, content):
            continue
        if cue is trailing and kind == "partial" and words_before and not _sentence_like(content):
            kind = "partial"
        out.append(cue_draft(toks, s, k, (a, b), kind, cue))
        prev_attr = cue
        prev_q = k
        if cue is trailing:
            extra = participle_clause(text, toks, _after_cue(toks, cue, e), e, cue.subject, cue)
            if extra is not None:
                out.append(extra)
        else:
            # 'vowed to keep going "as long as it takes," adding that ...': a second statement
            j = k + 1 if k + 1 < e and toks[k + 1].text != "," else k + 2
            comma = toks[k + 1].text == "," if k + 1 < e else False
            if j < e and toks[j].low in lang.PARTICIPLE_CUES and (comma or content.rstrip().endswith(",")):
                extra = participle_clause(text, toks, j, e, cue.subject, cue)
                if extra is not None:
                    out.append(extra)
    return out


def _same_clause(toks: Sequence[Token], prev: int, k: int, index: _CueIndex) -> bool:
    """Is the quote at token k in the clause of the attributed quote at token prev: near it, with no
    sentence punctuation, no other quote and no reporting verb between?"""
    if prev < 0 or k - prev > SAME_CLAUSE_TOKENS:
        return False
    between = toks[prev + 1 : k]
    if any(t.kind == "q" or (t.kind == "p" and t.text in ".!?;:") for t in between):
        return False
    x = bisect_left(index.at, prev + 1)
    return x >= len(index.at) or index.at[x] >= k


def _that_clauses(toks: Sequence[Token], d: Draft) -> list[Draft]:
    """A clause 'A but that B' / 'A and that B' as its parts."""
    idx = [i for i, t in enumerate(toks) if d.start <= t.start and t.end <= d.end]
    parts: list[Draft] = []
    a = idx[0] if idx else 0
    for i in idx:
        if toks[i].low == "that" and i - 1 >= a and toks[i - 1].low in ("and", "but"):
            b = trim_connectors(toks, a, i - 1)
            if b > a:
                parts.append(Draft(toks[a].start, toks[b - 1].end, "indirect", d.mention, d.cue, d.pos))
            a = i + 1
    if parts and idx and a <= idx[-1]:
        parts.append(Draft(toks[a].start, toks[idx[-1]].end, "indirect", d.mention, d.cue, d.pos))
    return parts


def _after_cue(toks: Sequence[Token], cue: Cue, e: int) -> int:
    return max(cue.end, cue.subj_last)


class _CueIndex:
    """A sentence's cues by token index (they are in order), so that each quote looks only at the
    cues inside its window: scanning every cue for every quote was quadratic in a sentence without a
    full stop."""

    __slots__ = ("according", "according_at", "at", "cues")

    def __init__(self, cues: list[Cue]) -> None:
        self.cues = cues
        self.at = [c.index for c in cues]
        self.according = [c for c in cues if c.lemma == "according"]
        self.according_at = [c.index for c in self.according]


def _trailing(toks: Sequence[Token], k: int, e: int, index: _CueIndex) -> Cue | None:
    """'"...," Doe said' / '"...," said Doe' / '"..." — the minister told reporters'."""
    j = k + 1
    while j < e and toks[j].kind == "p" and toks[j].text in (",", "—", "–", "-", "’", "'"):
        j += 1
    if j >= e:
        return None
    limit = min(e, j + TRAILING_WINDOW)
    far = min(e, j + APPOSITION_WINDOW)
    cues = index.cues
    first = bisect_left(index.at, j)
    for x in range(first, len(cues)):
        c = cues[x]
        if c.index >= far or (c.index >= limit and c.subj_first != j):
            break
        if c.lemma == "according" or c.coordinated or _restrictive(toks, c):
            continue  # '"..." and welcomed the verdict': a coordinated verb never attributes backwards
        if any(
            t.kind == "q" or (t.kind == "p" and t.text in ".!?;:" and not label_dot(toks, x))
            for x, t in enumerate(toks[j : c.index], j)
        ):
            return None
        if c.inverted and c.index != j:
            continue
        if (
            not c.inverted
            and c.subj_first != j
            and not (title_gap(toks, j, c.subj_first) or _name_lead(toks, j, c.subj_first))
        ):
            continue
        return c
    if first < len(cues) and cues[first].index == j and cues[first].lemma == "according":
        return cues[first]  # "..., according to the ministry."
    return None


def _restrictive(toks: Sequence[Token], c: Cue) -> bool:
    """'"...," echoing commentators who have suggested that ...': the verb of a restrictive relative
    clause speaks for its group, never for a quote before it."""
    return c.subj_last < c.index and toks[c.subj_last].low.startswith("who")


def _name_lead(toks: Sequence[Token], a: int, b: int) -> bool:
    """'"...," Daily News opinion editor Jo Bray told': the words between a quote and its speaker's
    name are a title phrase (capitalised or not) with no verb, clause word or punctuation."""
    return 0 < b - a <= NAME_LEAD_TOKENS and all(
        t.kind == "w"
        and t.low not in lang.QUOTE_VERBS
        and t.low not in lang.OPENERS
        and t.low not in lang.SUBORDINATORS
        and t.low not in lang.FINITE
        and t.low not in lang.SUBJECT_PRONOUNS
        for t in toks[a:b]
    )


def _trailing_after_words(toks: Sequence[Token], k: int, e: int, index: _CueIndex) -> Cue | None:
    """'"We are happy" with the ruling, said Doe.' / '"..." at the convention, he said.': the
    quote's sentence carries on a few words, then a comma and the attribution ends it."""
    if k + 1 >= e or toks[k + 1].kind != "w" or toks[k + 1].cap:
        return None
    first = bisect_left(index.at, k + 1)
    for x in range(first, len(index.cues)):
        c = index.cues[x]
        if c.index - k > TRAILING_WINDOW + CARRY_ON_WORDS:
            return None
        if c.lemma == "according" or c.coordinated:
            continue
        if any(t.kind == "q" or (t.kind == "p" and t.text in ".!?;:") for t in toks[k + 1 : c.index]):
            return None
        opener = c.subj_first if not c.inverted else c.index
        if opener - 1 <= k + 1 or toks[opener - 1].text != ",":
            continue
        if not _to_sentence_end(toks, max(c.end, c.subj_last) - 1, e, slack=CARRY_ON_WORDS):
            return None
        return c
    return None


def _to_sentence_end(toks: Sequence[Token], k: int, e: int, slack: int = 0) -> bool:
    """Only punctuation (or at most `slack` words) after token k to the sentence's end."""
    return sum(1 for t in toks[k + 1 : e] if t.kind != "p") <= slack


def _leading(toks: Sequence[Token], k: int, s: int, index: _CueIndex) -> Cue | None:
    """'Doe said: "..."', 'Doe told reporters on Tuesday, "..."', and the cue of a partial quote
    ('Doe said the offer was "a step backwards"')."""
    best: Cue | None = None
    cues = index.cues
    for x in range(bisect_left(index.at, k - LEADING_WINDOW), bisect_left(index.at, k)):
        c = cues[x]
        if c.inverted and c.lemma != "according" and _intro_after(toks, c, k):
            best = c  # 'Continued Pell: "..."', 'explained moderator Nancy Corde: "..."'
            continue
        if c.inverted or c.lemma == "according":
            continue
        if any(t.kind == "q" for t in toks[c.index : k]):
            continue
        if any(t.kind == "p" and t.text in ".!?;" for t in toks[c.index : k]):
            continue
        if (
            best is not None
            and best.lemma in _OUTER_LEMMAS
            and not best.inverted
            and not c.coordinated
            and c.subj_first >= best.end
        ):
            continue  # 'Doe said Lund called on members to be "..."': Doe reports it, Doe is the source
        best = c
    if best is None:
        for x in range(bisect_left(index.according_at, k) - 1, -1, -1):
            c = index.according[x]
            if c.subj_last < k:
                return c
    return best


_OUTER_LEMMAS = frozenset(("say", "tell"))


def _intro_after(toks: Sequence[Token], cue: Cue, k: int) -> bool:
    """Does the inverted cue's subject end right before the quote at k, with a colon between?"""
    return cue.subj_last > cue.index and cue.subj_last + 1 == k and toks[cue.subj_last].text == ":"


def _introduces(toks: Sequence[Token], cue: Cue, k: int, content: str) -> bool:
    """Is the quote the verb's whole complement ('said: "..."', 'told reporters, "..."')?"""
    between = toks[max(cue.end, cue.subj_last if cue.inverted else cue.end) : k]
    if between and between[-1].text in (":", ",", "—", "–"):
        return "that" not in [t.low for t in between]
    if not between:
        return content[:1].isupper()
    return False


def _sentence_like(content: str) -> bool:
    words = content.split()
    return len(words) >= 2 or content.rstrip()[-1:] in ".!?…"
