"""Resolution pass: one canonical speaker per statement, walking the drafts in reading order.

For each block (paragraph), sentence by sentence: the people the sentence names teach the
`Registry` their roles and genders; each attributed draft's speaker phrase resolves (names to the
fullest form, "he"/"she" to the last salient person of that gender, "the minister" to whoever holds
that role, "the company" to the last company) and becomes salient; a sentence with no statement
makes its narrative subject salient. Then:

    lone quote   → the block's nearest attributed statement's speaker, else the person the
                   block's narrative is about
    block opening with a lone quote → the previous block's last speaker (carry-over), unless a
                   narrative sentence since introduced someone new
    interviewer's question between answers → skipped; the next answer is the interviewee's

This pass reads only the speaker-phrase pass's mentions and the drafts: no tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from watchers.model import Kind
from watchers.statements.drafts import Draft, Drafts
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention
from watchers.statements.registry import ANON, Entity, Registry
from watchers.statements.segment import Segments
from watchers.statements.speakers import SentenceSpeakers, Speakers

# A question paragraph in an interview is at most this long ("Calder Weekly: Do you feel vindicated?").
MAX_QUESTION_CHARS = 400
# The interviewer label before a question's colon: "Q", "Calder Weekly", "The Ledger Review".
MAX_INTERVIEWER_WORDS = 4


@dataclass
class Attributed:
    """A draft and the speaker resolution gave it (lone quotes also take the source's mention and
    cue)."""

    start: int
    end: int
    kind: Kind
    mention: Mention | None
    cue: str | None
    pos: int
    lone: bool = False
    entity: Entity | None = None
    resolved: bool = False


@dataclass(frozen=True)
class Resolved:
    """The resolution pass's output: every statement with its entity, in reading order."""

    statements: list[Attributed]


def resolve(segments: Segments, speakers: Speakers, drafts: Drafts) -> Resolved:
    """Every draft with its speaker's entity, block by block in reading order."""
    registry = Registry(speakers.full_names, speakers.other_names)
    out: list[Attributed] = []
    prev_block: list[Attributed] | None = None
    prev_new_subject = False
    prev_topic: Entity | None = None  # the person the previous block's closing narrative is about
    interviewee: Attributed | None = None  # who answered the last interviewer's question
    after_question = False
    for block in segments.blocks:
        sentences = [(speakers.sentences[i], drafts.sentences[i]) for i in block.sentences]
        block_drafts, new_subject, topic = _read_block(registry, sentences)
        if not block_drafts and prev_block and _interview_question(segments.text[block.lo : block.hi]):
            # an interviewer's question between two answers: the next answer continues the
            # interviewee, as if the question were not there
            after_question = True
            continue
        if after_question and interviewee is not None:
            _carry_over(block_drafts, [interviewee], False, None)  # the answer is the interviewee's
        _carry_over(block_drafts, prev_block, prev_new_subject, prev_topic)
        if after_question and block_drafts and block_drafts[0].lone and block_drafts[0].entity is not None:
            interviewee = block_drafts[0]
        after_question = False
        out.extend(block_drafts)
        prev_block = block_drafts
        prev_new_subject = new_subject
        prev_topic = topic
    return Resolved(out)


def _interview_question(para: str) -> bool:
    """An interviewer's question in a Q&A article: "Calder Weekly: Were your warnings ignored?" or a
    bare question paragraph. It holds no statement and does not change who answers."""
    para = para.strip()
    if not para.endswith("?") or len(para) > MAX_QUESTION_CHARS:
        return False
    head, colon, _rest = para.partition(":")
    if colon and 0 < len(head.split()) <= MAX_INTERVIEWER_WORDS and head[:1].isupper():
        return True  # "Q:", "Calder Weekly:", "Interviewer:"
    return para[:1] not in lang.ALL_MARKS


def _read_block(
    reg: Registry, sentences: Sequence[tuple[SentenceSpeakers, list[Draft]]]
) -> tuple[list[Attributed], bool, Entity | None]:
    """The block's statements, resolved in reading order; whether a narrative sentence after the
    last statement introduced a new subject (which stops a lone quote in the next paragraph from
    inheriting the last speaker); and the person the block's closing narrative sentences are about,
    if any (whose words a lone quote opening the next paragraph are)."""
    drafts: list[Attributed] = []
    new_subject = False
    topic: Entity | None = None
    subjects: list[tuple[int, Entity]] = []  # narrative sentences' person subjects, in order
    for sp, sentence_drafts in sentences:
        for pos, m in sp.named:
            if m.kind == "org":
                reg.org(m, pos)  # "a survey by the Nordic Transport Council": "the council" later
            else:
                reg.person(m, pos)
        found = [Attributed(d.start, d.end, d.kind, d.mention, d.cue, d.pos, d.lone) for d in sentence_drafts]
        _subject_first(reg, sp, found)
        for d in found:
            if d.mention is not None and not d.lone:
                d.entity = reg.resolve(d.mention, d.pos)
                d.resolved = True
                reg.mark_salient(d.pos, d.entity, _salience_kind(d.mention, d.entity))
        _clause_subjects(reg, sp, found)
        if found:
            new_subject = False
            topic = None
        else:
            subj = sp.subject
            if subj is not None:
                ent = reg.resolve(subj, subj.start)
                if ent is None and subj.kind == "role" and not subj.definite:
                    kind = _salience_kind(subj, None)
                    if kind.startswith(ANON):
                        # "A harbour board aide dismissed the figures.": a later "the aide said" or
                        # "he said" is that unnamed person, not someone named before
                        reg.mark_salient(subj.start, None, kind)
                if ent is not None:
                    reg.mark_salient(subj.start, ent, subj.kind)
                    topic = ent if ent.kind == "person" else None
                    if ent.kind == "person":
                        subjects.append((subj.start, ent))
                    last = next((d for d in reversed(drafts) if d.entity is not None), None)
                    new_subject = last is None or last.entity is not ent
        drafts.extend(found)
    # lone quotes take the speaker of the block's nearest attributed statement (before, else after)
    for i, d in enumerate(drafts):
        if not d.lone:
            continue
        before = next((x for x in reversed(drafts[:i]) if x.resolved and x.kind != "indirect"), None)
        before = before or next((x for x in reversed(drafts[:i]) if x.resolved), None)
        after = next((x for x in drafts[i + 1 :] if x.resolved and not x.lone and x.kind == "direct"), None)
        src = before or after
        if src is not None:
            d.entity, d.mention, d.cue, d.resolved = src.entity, src.mention, src.cue, True
            continue
        # "Okonjo-Baird laughs when I read her the quote. “That is true.”": the person the
        # paragraph's narrative is about, not the previous paragraph's speaker
        subject = next((ent for p, ent in reversed(subjects) if p < d.start), None)
        if subject is not None:
            d.entity, d.resolved = subject, True
    return drafts, new_subject, topic


def _clause_subjects(reg: Registry, sp: SentenceSpeakers, found: Sequence[Attributed]) -> None:
    """ "The council rated the claims, and its chair, Halvard Brekke-Aune, went further.": a person
    named later in a narrative sentence, right before a verb (or an apposition's closing comma and a
    verb), is a clause's subject, whom a following "he said" may be."""
    if not sp.named:
        return
    toks, e = sp.sentence.tokens, sp.sentence.e
    k = sp.sentence.s
    last = max((d.mention.end for d in found if d.mention is not None), default=-1)
    for pos, m in sp.named:
        if m.kind != "name" or m.start == toks[sp.sentence.s].start or m.start < last:
            continue  # the sentence's own subject and its speakers are marked apart
        first = k  # the walk goes on from the last mention's tokens: linear in the sentence
        while first < e and toks[first].end <= m.start:
            first += 1
        k = first
        if first == sp.sentence.s or toks[first - 1].low not in _CLAUSE_OPENERS:
            continue  # "Bracewell of Stourbridge Capital called", "firm Tollgate Ventures, warned"
        while k < e and toks[k].end <= m.end:
            k += 1
        j = k + 1 if k < e and toks[k].text == "," else k
        if j < e and toks[j].kind == "w" and not toks[j].cap and _past_or_present(toks[j].low):
            ent = reg.resolve(m, pos)
            if ent is not None:
                reg.mark_salient(pos, ent, m.kind)


# What may stand right before a later clause's subject: "..., and its chair, X, went further".
_CLAUSE_OPENERS = frozenset({",", "and", "but", "while", "as", "when", "after"})


def _past_or_present(low: str) -> bool:
    return low in lang.FINITE or low in lang.IRREGULAR_PAST or (low.endswith("ed") and len(low) > 3)


def _subject_first(reg: Registry, sp: SentenceSpeakers, found: Sequence[Attributed]) -> None:
    """ "Kim Ode stretched the truth, when she claimed that ...": a pronoun speaker inside the
    sentence is, first of all, the named person the sentence is about, who stands before it."""
    first = next((d for d in found if d.mention is not None and not d.lone), None)
    if first is None or first.mention is None or first.mention.kind != "pronoun":
        return
    subj = sp.subject
    if subj is None or subj.kind != "name" or subj.end > first.mention.start:
        return
    ent = reg.resolve(subj, subj.start)
    if ent is not None:
        reg.mark_salient(subj.start, ent, subj.kind)


def _salience_kind(m: Mention, ent: Entity | None) -> str:
    """The mention's kind, or ANON (+ gender) for one unnamed person ("a nurse", "the spokeswoman"
    nobody was named as), whom a following "she said" continues."""
    if ent is not None or m.kind not in ("group", "role") or not m.head:
        return m.kind
    head = m.head.split()[-1]
    if head in lang.UNNAMED_GROUPS or head.endswith("s") or head in lang.DOCUMENT_NOUNS:
        return m.kind  # "according to the report": a document is no unnamed person a "she" could be
    return ANON + m.gender if m.gender in ("m", "f") else ANON


def _carry_over(
    block: list[Attributed], prev: list[Attributed] | None, prev_new_subject: bool, prev_topic: Entity | None
) -> None:
    """A paragraph that opens with a lone quote continues the previous paragraph's last speaker;
    after a paragraph whose narrative closes on a person with nothing quoted since ("Valastro praised
    the governor's leadership." then "“We need someone ...”"), it is that person's."""
    if not block or not block[0].lone or block[0].resolved:
        return
    if not prev or prev_new_subject:
        if prev_topic is not None:
            for d in block:
                if not d.lone or d.resolved:
                    break
                d.entity, d.resolved = prev_topic, True
        return
    last = prev[-1]
    if last.entity is None:
        return
    for d in block:
        if not d.lone or d.resolved:
            break
        d.entity, d.mention, d.cue, d.resolved = last.entity, last.mention, last.cue, True
