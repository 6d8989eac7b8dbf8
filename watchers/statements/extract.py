"""Statement extraction: direct, partial and indirect quotes, attributed to the right speaker.

    text ─► paragraphs (noise lines and the headline set aside)
         ─► quotes (quotemarks: paired marks, multi-paragraph quotes joined)
         ─► blocks (paragraphs a quote runs across are one block) ─► tokens ─► sentences
         ─► per sentence: reporting cues + speaker noun phrases (attribution)
              quote + cue   → direct (whole sentence/clause quoted) or partial (phrase in the writer's clause)
              cue, no quote → indirect (the reported clause)
              lone quote    → direct, speaker carried over from the paragraph / previous paragraph
         ─► Registry resolves names, pronouns, role nouns to one canonical name per person
         ─► Statement records sorted by start

`extract_statements` is pure: text in, statements out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from watchers.model import Kind, Span, Statement
from watchers.statements.boilerplate import is_headline, is_noise
from watchers.statements.classify import classify
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention, other_name_keys, surname_key
from watchers.statements.nounphrase import subject_left, subject_right
from watchers.statements.quotemarks import Quote, find_quotes
from watchers.statements.registry import ANON, Entity, Registry
from watchers.statements.sentences import Token, paragraphs, quote_is_terminal, split_sentences, tokenize
from watchers.statements.titles import long_title_start

if TYPE_CHECKING:
    from rules.match import Matcher

# How many tokens after a quote its attribution may start ('"...," Foreign Ministry spokeswoman Jane Doe said').
TRAILING_WINDOW = 12
# How far before a quote a reporting verb still introduces it ('Doe said in a statement on Tuesday: "..."').
LEADING_WINDOW = 30
# A reported clause shorter than this many words is not a statement ("Doe said so").
MIN_CLAUSE_WORDS = 3
# A colon intro without a reporting verb keeps at most this many words as its cue ("was blunt").
MAX_COLON_CUE_WORDS = 4
# How many words the object of "told"/"reminded" may run to before "that" ("the packed hall").
MAX_TELL_OBJECT_WORDS = 4
# Lowercase words describing a document's issuer before its name ("aviation consultancy X").
MAX_ISSUER_DESCRIPTION = 3
# Place names an apposition may end with ("a nurse in Leeds, England,"), one word and comma each.
MAX_APPOSITION_PLACES = 2
# How far before a partial quote a participle ("calling it") may stand.
PARTICIPLE_WINDOW = 8
# A quoted nickname between a first name and a surname is this short (Pete "the Professor" Lindsay).
MAX_NICKNAME_WORDS = 4
# A quoted title of a work: few words, each capitalised, no sentence punctuation.
MAX_TITLE_WORDS = 7
# A question paragraph in an interview is at most this long ("Calder Weekly: Do you feel vindicated?").
MAX_QUESTION_CHARS = 400
# The interviewer label before a question's colon: "Q", "Calder Weekly", "The Ledger Review".
MAX_INTERVIEWER_WORDS = 4
_CLAUSE_PUNCT_END = ".!?…;:"


@dataclass
class _Draft:
    start: int
    end: int
    kind: Kind
    mention: Mention | None
    cue: str | None
    pos: int  # where the attribution is (for salience), or the quote's start
    lone: bool = False  # a quote with no attribution of its own: speaker from context
    entity: Entity | None = None
    resolved: bool = False


def extract_statements(text: str, matcher: Matcher | None = None) -> list[Statement]:
    """Every statement in an article's text, sorted by start."""
    paras = paragraphs(text)
    kept: list[tuple[int, int]] = []
    for _k, (a, b) in enumerate(paras):
        line = text[a:b]
        if is_noise(line):
            continue
        if is_headline(line, not kept):
            continue  # the headline, a subhead or a link to another story
        kept.append((a, b))
    quotes = find_quotes(text, kept)
    blocks = _blocks(kept, quotes)
    tokenized: list[list[Token]] = []
    qi = 0
    for lo, hi in blocks:
        inside: list[tuple[int, Quote]] = []
        while qi < len(quotes) and quotes[qi].open < hi:
            if quotes[qi].open >= lo:
                inside.append((qi, quotes[qi]))
            qi += 1
        tokenized.append(_drop_nicknames(text, tokenize(text, lo, hi, inside), quotes))
    registry = Registry(*_full_names(tokenized))
    drafts: list[_Draft] = []
    prev_block: list[_Draft] | None = None
    prev_new_subject = False
    interviewee: _Draft | None = None  # who answered the last interviewer's question
    after_question = False
    for (lo, hi), toks in zip(blocks, tokenized, strict=True):
        block_drafts, new_subject = _read_block(text, toks, quotes, registry)
        if not block_drafts and prev_block and _interview_question(text[lo:hi]):
            # an interviewer's question between two answers: the next answer continues the
            # interviewee, as if the question were not there
            after_question = True
            continue
        if after_question and interviewee is not None:
            _carry_over(block_drafts, [interviewee], False)  # the answer is the interviewee's
        _carry_over(block_drafts, prev_block, prev_new_subject)
        if after_question and block_drafts and block_drafts[0].lone and block_drafts[0].entity is not None:
            interviewee = block_drafts[0]
        after_question = False
        drafts.extend(block_drafts)
        prev_block = block_drafts
        prev_new_subject = new_subject
    return sorted((_finish(text, d, matcher) for d in drafts), key=lambda s: (s.start, s.end))


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


def _drop_nicknames(text: str, toks: list[Token], quotes: Sequence[Quote]) -> list[Token]:
    """Gustav "the Bulldozer" Nyman: a short quote between a first name and a surname is a nickname,
    not a statement; dropping it lets the name read as one ("Gustav Nyman")."""
    drop: set[int] = set()
    for i in range(1, len(toks) - 1):
        t = toks[i]
        if t.kind != "q" or not (toks[i - 1].cap and toks[i + 1].cap):
            continue
        if toks[i - 1].low in lang.QUOTE_VERBS or toks[i + 1].low in lang.QUOTE_VERBS:
            continue
        q = quotes[t.quote]
        content = text[q.start : q.end].strip()
        if 0 < len(content.split()) <= MAX_NICKNAME_WORDS and content[-1:] not in ".,!?;:…":
            drop.add(i)
    return [t for i, t in enumerate(toks) if i not in drop] if drop else toks


def _blocks(paras: Sequence[tuple[int, int]], quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """Paragraphs, with those a quote runs across merged into one block."""
    out: list[tuple[int, int]] = []
    reach = -1
    qi = 0
    for a, b in paras:
        if out and a < reach:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
        while qi < len(quotes) and quotes[qi].open < b:
            reach = max(reach, quotes[qi].close)
            qi += 1
    return out


def _full_names(
    blocks: Sequence[Sequence[Token]],
) -> tuple[dict[str, list[tuple[int, str]]], dict[str, list[tuple[int, str]]]]:
    """surname -> [(position, full name)] for every multi-word person name outside quotes; and the
    same keyed by the names' other words (surname-first names, given names)."""
    out: dict[str, list[tuple[int, str]]] = {}
    others: dict[str, list[tuple[int, str]]] = {}
    seen: dict[tuple[str, ...], str | None] = {}
    for toks in blocks:
        n = len(toks)
        for i, tok in enumerate(toks):
            if not tok.cap or (i + 1 < n and (toks[i + 1].cap or toks[i + 1].low in lang.NAME_PARTICLES)):
                continue
            a = i
            while a - 1 >= 0 and (
                toks[a - 1].cap or (toks[a - 1].low in lang.NAME_PARTICLES and a - 2 >= 0 and toks[a - 2].cap)
            ):
                a -= 1
            while a < i and toks[a].low in lang.NOT_NAME_WORDS:
                a += 1  # "In Hanoi", "The Kremlin": a sentence's first word
            a = long_title_start(toks, a, 0)  # "Minister of Transport and Communications Petra Lind"
            if a - 2 >= 0 and toks[a - 1].low == "of" and toks[a - 2].cap:
                a -= 2  # "Minister of Fisheries Tomasz Wielgo": classify sees where the title ends
                while a - 1 >= 0 and toks[a - 1].cap:
                    a -= 1
            if a == i and not (a - 1 >= 0 and toks[a - 1].text.endswith(".")):
                continue
            key = tuple(t.text for t in toks[a : i + 1])
            if key in seen:
                name = seen[key]  # the same words classify the same way: names recur in an article
            else:
                m = classify(toks, a, i + 1)
                name = m.name if m is not None and m.kind == "name" else None
                seen[key] = name
            if name is None or " " not in name:
                continue
            out.setdefault(surname_key(name), []).append((tok.start, name))
            for word in other_name_keys(name):
                others.setdefault(word, []).append((tok.start, name))
    return out, others


# --- one block (a paragraph, or several joined by a quote) -----------------------------------------


def _read_block(
    text: str, toks: list[Token], quotes: Sequence[Quote], reg: Registry
) -> tuple[list[_Draft], bool]:
    """The block's statements, resolved in reading order; and whether a narrative sentence after the
    last statement introduced a new subject (which stops a lone quote in the next paragraph from
    inheriting the last speaker)."""
    drafts: list[_Draft] = []
    new_subject = False
    subjects: list[tuple[int, Entity]] = []  # narrative sentences' person subjects, in order
    for s, e in split_sentences(text, toks, quotes):
        _learn_names(toks, s, e, reg)
        found = _sentence(text, toks, s, e, quotes)
        for d in found:
            if d.mention is not None and not d.lone:
                d.entity = reg.resolve(d.mention, d.pos)
                d.resolved = True
                reg.mark_salient(d.pos, d.entity, _salience_kind(d.mention, d.entity))
        if found:
            new_subject = False
        else:
            subj = _narrative_subject(toks, s, e)
            if subj is not None:
                ent = reg.resolve(subj, subj.start)
                if ent is not None:
                    reg.mark_salient(subj.start, ent, subj.kind)
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
    return drafts, new_subject


def _salience_kind(m: Mention, ent: Entity | None) -> str:
    """The mention's kind, or ANON (+ gender) for one unnamed person ("a nurse", "the spokeswoman"
    nobody was named as), whom a following "she said" continues."""
    if ent is not None or m.kind not in ("group", "role") or not m.head:
        return m.kind
    head = m.head.split()[-1]
    if head in lang.UNNAMED_GROUPS or head.endswith("s"):
        return m.kind
    return ANON + m.gender if m.gender in ("m", "f") else ANON


def _carry_over(block: list[_Draft], prev: list[_Draft] | None, prev_new_subject: bool) -> None:
    """A paragraph that opens with a lone quote continues the previous paragraph's last speaker."""
    if not block or not block[0].lone or block[0].resolved or not prev or prev_new_subject:
        return
    last = prev[-1]
    if last.entity is None:
        return
    for d in block:
        if not d.lone or d.resolved:
            break
        d.entity, d.mention, d.cue, d.resolved = last.entity, last.mention, last.cue, True


def _learn_names(toks: Sequence[Token], s: int, e: int, reg: Registry) -> None:
    """Every named person in the sentence teaches the registry its roles and gender ("Foreign
    Minister Jane Doe", "Doe, the ministry's spokeswoman,"), whether or not they speak here."""
    for i in range(s, e):
        tok = toks[i]
        if not tok.cap or (i + 1 < e and (toks[i + 1].cap or toks[i + 1].low in lang.NAME_PARTICLES)):
            continue
        if i == s and tok.low in lang.NOT_NAME_WORDS:
            continue
        a = i
        while a - 1 >= s and (toks[a - 1].cap or toks[a - 1].low in lang.NAME_PARTICLES):
            a -= 1
        before = toks[a - 1] if a - 1 >= s else None
        if tok.bare in lang.ORG_HEADS or tok.bare in lang.SINGLETON_ORGS:
            org = classify(toks, a, i + 1)
            if org is not None and org.kind == "org":
                reg.org(org, tok.start)  # "a survey by the Nordic Transport Council": "the council" later
            continue
        apposed = i + 1 < e and toks[i + 1].text == ","
        titled = any(
            toks[x].low.rstrip(".") in lang.TITLE_WORDS or toks[x].low.rstrip(".") in lang.HONORIFICS
            for x in range(a, i)
        )
        if not (
            apposed
            or titled
            or (before is not None and before.kind == "w" and before.bare in lang.ROLE_NOUNS)
            or i > a
        ):
            continue  # a lone capitalised word with no title or apposition teaches nothing new
        m = subject_left(toks, i + 1, s) if i + 1 < e and toks[i + 1].text == "," else None
        if m is None:
            m = subject_right(toks, _chain_start(toks, i, s), e)
        if m is not None and m.kind == "name" and (m.roles or m.gender or " " in (m.name or "")):
            reg.person(m, tok.start)


def _chain_start(toks: Sequence[Token], i: int, s: int) -> int:
    a = i
    while a - 1 >= s and (
        toks[a - 1].cap
        or toks[a - 1].low in lang.NAME_PARTICLES
        or (toks[a - 1].kind == "w" and toks[a - 1].low in lang.ROLE_NOUNS)
        or (toks[a - 1].kind == "w" and toks[a - 1].low in ("former", "foreign", "deputy", "senior", "the"))
    ):
        a -= 1
        if toks[a].low == "the":
            break
    return a


def _narrative_subject(toks: Sequence[Token], s: int, e: int) -> Mention | None:
    """The person or organisation a narrative sentence is about: its opening noun phrase, when a
    lowercase verb-like word follows it (objects never count)."""
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
    if m is None or m.kind not in ("name", "org", "pronoun", "role", "orgref"):
        return None
    j = i
    while j < e and toks[j].end <= m.end:
        j += 1
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
        return m
    return None


def _verb_like(tok: Token) -> bool:
    return tok.kind == "w" and not tok.cap and tok.low not in ("who", "whose", "which", "a", "an", "the")


# --- one sentence ----------------------------------------------------------------------------------


@dataclass
class _Cue:
    index: int  # token index of the verb (or of "according")
    end: int  # token index after the cue words
    word: str
    lemma: str
    subject: Mention | None
    subj_first: int  # token index where the subject starts (for clause spans)
    subj_last: int  # token index after the subject
    inverted: bool
    coordinated: bool = False  # "... and said": the subject belongs to an earlier verb


def _cues(toks: Sequence[Token], s: int, e: int) -> list[_Cue]:
    """Reporting verbs of the sentence with their subjects, in order."""
    out: list[_Cue] = []
    for i in range(s, e):
        t = toks[i]
        low = t.low
        if low not in _CUE_WORDS or t.kind != "w" or t.cap and i != s:
            continue  # a set lookup first: most tokens are no reporting verb
        if low == "according" and i + 1 < e and toks[i + 1].low == "to":
            subj = _according_source(toks, i + 2, e)
            out.append(
                _Cue(i, i + 2, "according to", "according", subj, i + 2, _after(toks, subj, i + 2, e), True)
            )
            continue
        lemma = lang.QUOTE_VERBS.get(low)
        phrasal = None
        if i + 1 < e and (low + " " + toks[i + 1].low) in _PHRASAL:
            phrasal = _PHRASAL[low + " " + toks[i + 1].low]
        if lemma is None and phrasal is None:
            continue
        if phrasal == "be clear" and (i == s or toks[i - 1].low == "it"):
            continue  # "It was clear that ...": nobody speaks
        if low in lang.PARTICIPLE_CUES and i > s and toks[i - 1].text == ",":
            continue  # handled as a participle clause
        subj = subject_left(toks, i, s)
        inverted = False
        bare = phrasal is None and lemma == low
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
            subj = subject_right(toks, i + 1, e)
            inverted = subj is not None
        if subj is None and not bare and i - 1 >= s and toks[i - 1].low in ("and", "but") and out:
            # "Castel ... and said ...": the subject of the sentence's earlier reporting verb
            prev = out[-1]
            subj = prev.subject
            if subj is not None:
                out.append(_Cue(i, i + 1, t.text, lemma or low, subj, i, i, False))
                out[-1].coordinated = True
            continue
        if subj is None:
            continue
        first = _token_at(toks, subj.np_start if subj.np_start >= 0 else subj.start, s, e)
        last = _after(toks, subj, first, e)
        word = t.text if phrasal is None else t.text + " " + toks[i + 1].text
        out.append(
            _Cue(i, i + (2 if phrasal else 1), word, phrasal or lemma or low, subj, first, last, inverted)
        )
    return out


_PHRASAL: dict[str, str] = {
    "pointed out": "point out",
    "points out": "point out",
    "point out": "point out",
    "made clear": "make clear",
    "makes clear": "make clear",
    "called for": "call for",
    "calls for": "call for",
    "called on": "call on",
    "calls on": "call on",
    "shot back": "shoot back",
    "shoots back": "shoot back",
    "was clear": "be clear",
    "is clear": "be clear",
    "were clear": "be clear",
    "are clear": "be clear",
}


# Every word that may start a cue: reporting verbs, the first word of phrasal cues, "according".
_CUE_WORDS = frozenset(lang.QUOTE_VERBS) | {p.split()[0] for p in _PHRASAL} | {"according"}


def _according_source(toks: Sequence[Token], i: int, e: int) -> Mention | None:
    """Who speaks after "according to": a person or body ("according to Doe"), the issuer of a
    document ("according to figures compiled by X", "a statement from X"), null for a document
    nobody is named as issuing ("according to the report"); "according to him" is "he"."""
    t = toks[i] if i < e else None
    if t is not None and t.low in lang.OBJECT_PRONOUNS and (i + 1 >= e or toks[i + 1].kind == "p"):
        return Mention(
            "pronoun", t.start, t.end, t.text, gender=lang.OBJECT_PRONOUNS[t.low], np_start=t.start
        )
    j = i
    while (
        j < e
        and j - i < 4
        and toks[j].kind == "w"
        and not toks[j].cap
        and toks[j].low not in lang.DOCUMENT_NOUNS
    ):
        j += 1  # "a joint statement", "new official figures"
    if j >= e or toks[j].low not in lang.DOCUMENT_NOUNS or toks[j].cap:
        return subject_right(toks, i, e)
    k = j + 1
    if k < e and toks[k].low in lang.ISSUER_PARTICIPLES:
        k += 1
    if k + 1 < e and toks[k].low in ("from", "by"):
        issuer = subject_right(toks, k + 1, e)
        if issuer is None:
            # "compiled by aviation consultancy Altimeter Insight": a description before the name
            x = k + 1
            while x < e and x - k <= MAX_ISSUER_DESCRIPTION and toks[x].kind == "w" and not toks[x].cap:
                x += 1
            if x > k + 1 and x < e and toks[x].cap:
                issuer = subject_right(toks, x, e)
        if issuer is not None and issuer.kind in ("name", "org", "orgref"):
            return issuer
    return None


def _token_at(toks: Sequence[Token], pos: int, s: int, e: int) -> int:
    for i in range(s, e):
        if toks[i].end > pos:
            return i
    return e


def _after(toks: Sequence[Token], m: Mention | None, first: int, e: int) -> int:
    if m is None:
        return first
    i = first
    while i < e and toks[i].start < m.end:
        i += 1
    return i


def _sentence(text: str, toks: Sequence[Token], s: int, e: int, quotes: Sequence[Quote]) -> list[_Draft]:
    cues = _cues(toks, s, e)
    qidx = [k for k in range(s, e) if toks[k].kind == "q"]
    if qidx:
        found = _quoted(text, toks, s, e, quotes, qidx, cues)
        if not found:
            if toks[qidx[0]].start > toks[s].start and not any(toks[k].start == toks[s].start for k in qidx):
                return _indirect(text, toks, s, e, cues)  # only scare quotes or titles in it
            return []
        if all(d.kind == "partial" for d in found):
            # 'Doe said the talks would resume, despite what she called "a step backwards"': the main
            # clause is reported speech of its own when its verb is not the partial quote's cue;
            # so is a coordinated that-clause with no quote in it ('... that A but that "B"').
            used = {d.pos for d in found}
            first_q = toks[qidx[0]].start
            last_q = toks[qidx[-1]].end
            for d in _indirect(text, toks, s, e, cues):
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
        return sorted(found, key=lambda d: d.pos)
    return _indirect(text, toks, s, e, cues)


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
    cues: list[_Cue],
) -> list[_Draft]:
    out: list[_Draft] = []
    prev_attr: _Cue | None = None
    prev_q = -1
    for k in qidx:
        q = quotes[toks[k].quote]
        a, b = _content(text, q)
        if not text[a:b].strip():
            continue
        trailing = _trailing(toks, k, e, cues)
        leading = _leading(toks, k, s, cues)
        words_before = [t for t in toks[s:k] if t.kind != "p" and t.low not in lang.OPENERS]
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
        content = text[a:b]
        colon = False
        if cue is None and k - 1 > s and toks[k - 1].text == ":":
            cue = _colon_cue(toks, s, k - 1)  # 'Castagné was blunt: "..."'
            colon = cue is not None
        if cue is None:
            cue = _participle_cue(toks, s, k, e, cues)  # 'Marr defended the levy, calling it "a lifeline"'
        if cue is None:
            only_quote = all(t.kind == "p" for t in toks[s:e] if t is not toks[k])
            if not words_before and only_quote and _sentence_like(content):
                out.append(_Draft(a, b, "direct", None, None, a, lone=True))
            continue
        if cue.subject is not None and cue.subject.start <= q.open < cue.subject.end:
            continue
        if k > s and k + 1 < e and toks[k - 1].cap and toks[k + 1].cap and not at_start:
            continue  # a nickname: Pete "the Professor" Lindsay
        kind: Kind
        if (
            at_start
            or colon
            or leading is not None
            and cue is leading
            and _introduces(toks, leading, k, content)
        ):
            kind = "direct"
        else:
            kind = "partial"
        if kind == "partial" and _title_like(content):
            continue
        if cue is trailing and kind == "partial" and words_before and not _sentence_like(content):
            kind = "partial"
        out.append(_Draft(a, b, kind, cue.subject, cue.word, toks[cue.index].start))
        prev_attr = cue
        prev_q = k
        if cue is trailing:
            extra = _participle(text, toks, _after_cue(toks, cue, e), e, cue.subject, cue)
            if extra is not None:
                out.append(extra)
        else:
            # 'vowed to keep going "as long as it takes," adding that ...': a second statement
            j = k + 1 if k + 1 < e and toks[k + 1].text != "," else k + 2
            comma = toks[k + 1].text == "," if k + 1 < e else False
            if j < e and toks[j].low in lang.PARTICIPLE_CUES and (comma or content.rstrip().endswith(",")):
                extra = _participle(text, toks, j, e, cue.subject, cue)
                if extra is not None:
                    out.append(extra)
    return out


def _colon_cue(toks: Sequence[Token], s: int, colon: int) -> _Cue | None:
    """A colon intro with no reporting verb ('X was blunt:', 'Its president, X, put it simply:'):
    the sentence's subject speaks."""
    subj = _narrative_subject(toks, s, colon)
    if subj is None or subj.kind not in ("name", "pronoun", "role", "org", "orgref"):
        return None
    first = _token_at(toks, subj.np_start if subj.np_start >= 0 else subj.start, s, colon)
    last = _after(toks, subj, first, colon)
    word = " ".join(t.text for t in toks[last:colon][:MAX_COLON_CUE_WORDS])
    return _Cue(colon, colon + 1, word or ":", "say", subj, first, last, False)


def _participle_cue(toks: Sequence[Token], s: int, k: int, e: int, cues: list[_Cue]) -> _Cue | None:
    """', calling it "a lifeline"' / ', describing the plan as "reckless"': a partial quote in a
    participle clause speaks for the sentence's subject."""
    for i in range(k - 1, max(s, k - PARTICIPLE_WINDOW) - 1, -1):
        t = toks[i]
        if t.kind == "q" or (t.kind == "p" and t.text in ".!?;:"):
            return None
        if t.low in lang.PARTIAL_PARTICIPLES and i - 1 >= s and toks[i - 1].text == ",":
            before = [c for c in cues if c.index < i and c.subject is not None]
            if before:
                c = before[-1]
                return _Cue(i, i + 1, t.text, c.lemma, c.subject, c.subj_first, c.subj_last, c.inverted)
            subj = _narrative_subject(toks, s, i - 1)
            if subj is None:
                return None
            first = _token_at(toks, subj.np_start if subj.np_start >= 0 else subj.start, s, e)
            return _Cue(i, i + 1, t.text, "call", subj, first, _after(toks, subj, first, e), False)
    return None


def _that_clauses(toks: Sequence[Token], d: _Draft) -> list[_Draft]:
    """A clause 'A but that B' / 'A and that B' as its parts."""
    idx = [i for i, t in enumerate(toks) if d.start <= t.start and t.end <= d.end]
    parts: list[_Draft] = []
    a = idx[0] if idx else 0
    for i in idx:
        if toks[i].low == "that" and i - 1 >= a and toks[i - 1].low in ("and", "but"):
            b = _trim_connectors(toks, a, i - 1)
            if b > a:
                parts.append(_Draft(toks[a].start, toks[b - 1].end, "indirect", d.mention, d.cue, d.pos))
            a = i + 1
    if parts and idx and a <= idx[-1]:
        parts.append(_Draft(toks[a].start, toks[idx[-1]].end, "indirect", d.mention, d.cue, d.pos))
    return parts


def _after_cue(toks: Sequence[Token], cue: _Cue, e: int) -> int:
    return max(cue.end, cue.subj_last)


def _trailing(toks: Sequence[Token], k: int, e: int, cues: list[_Cue]) -> _Cue | None:
    """'"...," Doe said' / '"...," said Doe' / '"..." — the minister told reporters'."""
    j = k + 1
    while j < e and toks[j].kind == "p" and toks[j].text in (",", "—", "–", "-", "’", "'"):
        j += 1
    if j >= e:
        return None
    limit = min(e, j + TRAILING_WINDOW)
    for c in cues:
        if c.index < j or c.index >= limit or c.lemma == "according" or c.coordinated:
            continue  # '"..." and welcomed the verdict': a coordinated verb never attributes backwards
        if any(t.kind == "q" or (t.kind == "p" and t.text in ".!?;:") for t in toks[j : c.index]):
            return None
        if c.inverted and c.index != j:
            continue
        if not c.inverted and c.subj_first != j and not _title_gap(toks, j, c.subj_first):
            continue
        return c
    for c in cues:  # "..., according to the ministry."
        if c.lemma == "according" and c.index == j:
            return c
    return None


def _title_gap(toks: Sequence[Token], a: int, b: int) -> bool:
    """'"...," festival director Maggie Doyle said': a few lowercase title words before the subject."""
    return 0 < b - a <= 3 and all(
        t.kind == "w" and not t.cap and t.low not in lang.QUOTE_VERBS and t.low not in lang.OPENERS
        for t in toks[a:b]
    )


def _leading(toks: Sequence[Token], k: int, s: int, cues: list[_Cue]) -> _Cue | None:
    """'Doe said: "..."', 'Doe told reporters on Tuesday, "..."', and the cue of a partial quote
    ('Doe said the offer was "a step backwards"')."""
    best: _Cue | None = None
    for c in cues:
        if c.index >= k or k - c.index > LEADING_WINDOW or c.inverted or c.lemma == "according":
            continue
        if any(t.kind == "q" for t in toks[c.index : k]):
            continue
        if any(t.kind == "p" and t.text in ".!?;" for t in toks[c.index : k]):
            continue
        best = c
    if best is None:
        for c in cues:
            if c.lemma == "according" and c.index < k and c.subj_last < k:
                best = c
    return best


def _introduces(toks: Sequence[Token], cue: _Cue, k: int, content: str) -> bool:
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


def _title_like(content: str) -> bool:
    words = content.split()
    if not words or len(words) > MAX_TITLE_WORDS or content.rstrip()[-1:] in ".!?,…":
        return False
    caps = [w for w in words if w[:1].isupper()]
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with"}
    return len(words) >= 2 and all(w[:1].isupper() or w in small for w in words) and len(caps) >= 2


# --- indirect speech -------------------------------------------------------------------------------


def _indirect(text: str, toks: Sequence[Token], s: int, e: int, cues: list[_Cue]) -> list[_Draft]:
    """Reported speech without quote marks; one record per reporting verb with its own clause
    ("X denied A after the board announced B" gives A and B)."""
    end = e
    while end > s and toks[end - 1].kind == "p" and toks[end - 1].text in _CLAUSE_PUNCT_END + ')"”’':
        end -= 1
    if end - s < MIN_CLAUSE_WORDS or toks[e - 1].text.startswith("?"):
        return []
    found: list[tuple[_Cue, int, int]] = []  # cue, clause start, clause end (token indices)
    according = [c for c in cues if c.lemma == "according"]
    if according:
        cues = according  # "X has promised A, according to Y": Y is the source
    for c in cues:
        if found and c.index < found[-1][2]:
            # a verb inside an earlier clause: its own statement only with its own subject there
            if not c.inverted and c.subj_first >= found[-1][1] or c.coordinated:
                cut = c.subj_first if not c.coordinated else c.index
                span = _clause(toks, s, end, c)
                if span is not None and span[0] > c.index:
                    prev = found[-1]
                    found[-1] = (prev[0], prev[1], _trim_connectors(toks, prev[1], cut))
                    found.append((c, span[0], span[1]))
            continue
        span = _clause(toks, s, end, c)
        if span is not None:
            found.append((c, span[0], span[1]))
            if span[0] == s:
                break
    out = [d for c, a, b in found if (d := _draft(toks, a, b, c, toks[c.index].start)) is not None]
    if out:
        # "..., saying the plane had stayed over neutral waters": the participle is a second statement
        c0, a0, b0 = found[-1]
        for i in range(a0 + 1, b0):
            if toks[i].low in lang.PARTICIPLE_CUES and toks[i - 1].text == ",":
                extra = _participle(text, toks, i, end, c0.subject, c0)
                if extra is not None:
                    last = out[-1]
                    out[-1] = _Draft(last.start, toks[i - 2].end, last.kind, last.mention, last.cue, last.pos)
                    out.append(extra)
                break
        return [d for d in out if d.end > d.start]
    # "Doe rejected the plan, saying it was flawed."
    for i in range(s + 1, end):
        if toks[i].low in lang.PARTICIPLE_CUES and toks[i - 1].text == ",":
            subj = _narrative_subject(toks, s, e)
            if subj is not None:
                d = _participle(text, toks, i, end, subj, None)
                return [d] if d else []
    return []


def _clause_like(toks: Sequence[Token], a: int, b: int) -> bool:
    """Does tokens[a:b] read as a clause (a subject and a finite verb), not just an object?"""
    if a < b and toks[a].low in lang.CLAUSE_SUBJECTS:
        return True
    for t in toks[a : min(b, a + 10)]:
        if t.kind == "w" and (
            t.low in lang.FINITE
            or (t.low.endswith("ed") and not t.cap)
            or t.low.endswith("n't")
            or (t.low in lang.IRREGULAR_PAST and t is not toks[a])
        ):
            return True
        if (
            t.kind == "w"
            and not t.cap
            and t.low.endswith("s")
            and t is not toks[a]
            and toks[a].low in lang.DETERMINERS
            and t.low not in lang.UNNAMED_GROUPS
        ):
            return True  # "the economy grows"
    return False


def _trim_connectors(toks: Sequence[Token], a: int, b: int) -> int:
    """End of a clause cut before the next speaker: drop 'after', 'and', 'but', commas."""
    while b > a and (
        toks[b - 1].kind == "p"
        or toks[b - 1].low
        in (
            "after",
            "and",
            "but",
            "while",
            "as",
            "when",
            "before",
            "because",
            "since",
            "although",
            "though",
            "whereas",
        )
    ):
        b -= 1
    return b


def _clause(toks: Sequence[Token], s: int, end: int, c: _Cue) -> tuple[int, int] | None:
    """The reported clause of cue c as token indices, or None."""
    if c.lemma == "according":
        return _according(toks, s, end, c)
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
            and _words(toks, s, c.subj_first) >= 2
            and not c.coordinated
        ):
            return s, end  # "The incident, Varga said, was the third": the whole sentence
        start = _clause_start(toks, c, end)
        if start is not None and toks[start - 1].text == "," and toks[start].low in lang.SUBORDINATORS:
            start = None  # "CLAUSE, groups said on Friday, as a heatwave ...": a lede's attribution
        if start is not None and c.lemma in lang.THAT_ONLY_LEMMAS and toks[start - 1].low != "that":
            start = None
        if (
            start is not None
            and c.lemma not in lang.OBJECT_LEMMAS
            and toks[start - 1].low != "that"
            and not _clause_like(toks, start, end)
        ):
            start = None  # "argued against the cap", "confirmed the contents of the memo"
        if start is not None and _words(toks, start, end) >= _min_words(c.lemma):
            if (
                c.subj_first > s
                and toks[c.subj_first - 1].text == ","
                and toks[start - 1].text == ","
                and _words(toks, s, c.subj_first) >= 2
                and not c.coordinated
            ):
                return s, end  # "The talks, Doe said on Monday, will resume": the whole sentence
            return start, end
    # trailing: CLAUSE, SUBJ VERB (adjuncts). / CLAUSE, VERB SUBJ.
    first = c.index if c.inverted else c.subj_first
    if not c.inverted:
        k = first
        while (
            k - 1 > s and first - k < 3 and _title_gap(toks, k - 1, k) and toks[k - 1].low not in lang.FINITE
        ):
            k -= 1  # "..., industry groups said": modifiers the noun phrase left out
        if toks[k - 1].text == ",":
            first = k
    rest = max(c.end, c.subj_last)
    stop = next((i for i in range(rest, end) if toks[i].text == ","), end)
    trailing = first > s and toks[first - 1].text == "," and _only_adjuncts(toks, rest, stop)
    if trailing and _words(toks, s, first - 1) >= MIN_CLAUSE_WORDS:
        return s, first - 1
    return None


_CLAUSE_LEMMAS = frozenset(lang.CLAUSE_VERBS.values()) | {
    "point out",
    "make clear",
    "call for",
    "call on",
    "shoot back",
    "be clear",
}


def _participle(
    text: str, toks: Sequence[Token], i: int, e: int, subj: Mention | None, cue: _Cue | None
) -> _Draft | None:
    """', adding that the talks would resume' after an attribution: an indirect statement."""
    while i < e and toks[i].text == ",":
        i += 1
    if i >= e or toks[i].low not in lang.PARTICIPLE_CUES:
        return None
    j = i + 1
    while j < e and toks[j].low in ("that",):
        j += 1
    end = e
    while end > j and toks[end - 1].kind == "p":
        end -= 1
    if subj is None or _words(toks, j, end) < MIN_CLAUSE_WORDS or any(t.kind == "q" for t in toks[j:end]):
        return None
    return _Draft(toks[j].start, toks[end - 1].end, "indirect", subj, toks[i].text, toks[i].start)


def _according(toks: Sequence[Token], s: int, end: int, c: _Cue) -> tuple[int, int] | None:
    after = c.subj_last
    while after < end and toks[after].text != ",":
        after += 1
    if c.index == s or (
        c.index > s and all(t.kind == "p" or t.low in lang.OPENERS for t in toks[s : c.index])
    ):
        start = after + 1  # According to X, CLAUSE.
        return (start, end) if _words(toks, start, end) >= MIN_CLAUSE_WORDS else None
    if c.index > s and toks[c.index - 1].text == ",":
        if after >= end:  # CLAUSE, according to X.
            return (s, c.index - 1) if _words(toks, s, c.index - 1) >= MIN_CLAUSE_WORDS else None
        return s, end  # parenthetical
    return None


def _draft(toks: Sequence[Token], a: int, b: int, c: _Cue, pos: int) -> _Draft | None:
    while b > a and toks[b - 1].kind == "p" and toks[b - 1].text in ",;:—–-":
        b -= 1
    while a < b and toks[a].kind == "p" and toks[a].text in ",;:—–-":
        a += 1
    if b <= a:
        return None
    return _Draft(toks[a].start, toks[b - 1].end, "indirect", c.subject, c.word, pos)


def _min_words(lemma: str) -> int:
    return 2 if lemma in lang.OBJECT_LEMMAS else MIN_CLAUSE_WORDS


def _words(toks: Sequence[Token], a: int, b: int) -> int:
    return sum(1 for t in toks[a:b] if t.kind in ("w", "n"))


def _only_adjuncts(toks: Sequence[Token], a: int, b: int) -> bool:
    return all(
        t.kind == "p" or t.low in lang.ADJUNCT_WORDS or t.cap or t.kind == "n" or t.low in lang.UNNAMED_GROUPS
        for t in toks[a:b]
    ) and (b - a <= 12)


def _clause_start(toks: Sequence[Token], c: _Cue, end: int) -> int | None:
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
    while i < end and toks[i].kind == "w" and toks[i].low in lang.ADJUNCT_OPENERS:
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
    if (
        toks[i].low in ("to",)
        and c.lemma not in lang.OBJECT_LEMMAS
        and c.lemma not in ("promise", "vow", "pledge", "threaten", "agree")
    ):
        return None  # "said to be", "told to leave"
    return i


# --- records ---------------------------------------------------------------------------------------


def _finish(text: str, d: _Draft, matcher: Matcher | None) -> Statement:
    ent = d.entity
    speaker = ent.name if ent is not None else None
    speaker_id = None
    if matcher is not None and ent is not None:
        for name in [ent.name, *sorted(ent.names, key=len, reverse=True)]:
            speaker_id = matcher.speaker_for_name(name)
            if speaker_id:
                break
    mention = None
    if d.mention is not None:
        m = d.mention
        mention = Span(text[m.start : m.end], m.start, m.end)
    return Statement(text[d.start : d.end], d.start, d.end, d.kind, speaker, speaker_id, mention, d.cue)


__all__ = ["extract_statements", "quote_is_terminal"]
