"""Cue pass for languages read by lemma (Russian): one sentence's statements and their speaker phrases.

    find(g, text, sentence, words, quotes) -> [Found]

`g` is the language package (`lang.ru`); a cue is a word whose lemma is in its cue table, in any form
(заявил / заявила / заявляют / заявив), found by pymorphy3 through `g.parses`. The shapes, in order:

    «Q», — сказал X.  «Q?» — спросил он.        direct; the speaker after the dash, nominative
                                                 («Q», — цитирует X агентство: accusative)
    «Q1, — отметил X. — Q2»                      two direct records, one speaker
    X сказал: «Q»   X: «Q»                       direct; the speaker before the colon
    «Q» opening a sentence, no attribution       lone: the speaker comes from context
    X назвал расширение «ошибкой»                partial: a quote inside the writer's sentence with a cue
    По словам X, C.  По его словам, C.           indirect C (по мнению, по оценке ...: the opener table)
    Как отметил X, C.                            indirect C
    Об этом заявил X.                            the previous sentence is X's (`previous`)
    X заявил, что C   X считает, что C           indirect C, cut before a gerund cue (", добавив, что")
    …, отметив, что C                            indirect C; the speaker is the sentence's (`follows`)
    C, заявил X.   C, — заявил X.                indirect C

A reported clause holding a quote gives the quote as a partial, not the clause. A quote after a title
noun (газета «Заря», операция «Щит») is a name, and a quote with no cue in its sentence is a scare
quote: neither is a statement. Dashes with no cue after them (НАТО — угроза) attribute nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from watchers.model import Kind
from watchers.statements.lang.types import Word
from watchers.statements.lemmaspeakers import phrase
from watchers.statements.mentions import Mention
from watchers.statements.quotemarks import Quote

NOMN = frozenset({"nomn"})
GENT = frozenset({"gent"})
ACCS = frozenset({"accs"})
CUE_POS = frozenset({"VERB", "GRND", "PRTS", "ADJS"})
# The words after a dash that may hold the cue: "— сказал", "— заявил в понедельник", "— Песков сказал".
CUE_AFTER_DASH = 3
MAX_SUBJECT_WORDS = 12  # how far before a cue its subject may stand
MAX_THAT_GAP = 8
WORDS_OF_GAP = 3  # "приводит (ТАСС) слова X": how far after the cue "слова" may stand
MAX_CONNECTIVE_WORDS = 2  # "При этом, по его словам, …": words before the opener
# "Об этом на заседании исполкома сообщил X": the cue within this many words of the opener.
MAX_ANAPHORIC_WORDS = 10
MAX_TITLE_WORDS = 4  # «Резюме обсуждения ключевой ставки»  # words between a cue and its "что" ("заявил журналистам в понедельник, что")
# "«Q1, — отметил X. — Q2»": the attribution inside a quote, between two dashes.
_SPLIT_RE = re.compile(r"([,.!?…])\s+[—–―-]\s+([^—–―«»\"„“]{3,150}?)([.,:])\s+[—–―-]\s+(?=\S)")
# The dash after a quote: an em or en dash or a horizontal bar, or a hyphen standing for one (" - ").
_DASH_AFTER_RE = re.compile(r"\s*[,.!?…]?\s*(?:[—–―]|(?<=\s)-)\s")
_END_PUNCT = " \t\n.;…"


@dataclass
class Found:
    start: int
    end: int
    kind: Kind
    mention: Mention | None
    cue: str | None
    pos: int
    hint: str = ""  # the gender the cue's verb shows
    lone: bool = False  # no attribution: the speaker from context
    previous: bool = False  # "Об этом заявил X": the statement is the previous sentence
    follows: bool = False  # a gerund's clause: the speaker is this sentence's


@dataclass(frozen=True)
class Cue:
    index: int  # into the sentence's words
    lemma: str
    pos: str
    gender: str
    word: str


def cues(g: ModuleType, words: Sequence[Word]) -> list[Cue]:
    """The reporting verbs among the words (not negated: "не сказал")."""
    out: list[Cue] = []
    for i, w in enumerate(words):
        if w.low[: g.CUE_PREFIX_LEN] not in g.CUE_PREFIXES:
            continue
        rs = [r for r in g.parses(w.text) if r.lemma in g.CUE_LEMMAS and r.pos in CUE_POS and not r.writer]
        if not rs or (i > 0 and words[i - 1].low == "не"):
            continue
        r = rs[0]
        out.append(Cue(i, r.lemma, r.pos, r.gender if r.gender in ("m", "f", "pl") else "", w.text))
    return out


def find(
    g: ModuleType, text: str, lo: int, hi: int, words: Sequence[Word], quotes: Sequence[Quote]
) -> list[Found]:
    """The statements of the sentence text[lo:hi]; `words` are its words outside quotes."""
    cs = cues(g, words)
    out: list[Found] = []
    used: set[int] = set()  # cue indices that attributed something
    done: set[int] = set()  # quote indices handled
    for qi in range(len(quotes)):
        found = _quote(g, text, hi, words, cs, quotes, qi)
        if found:
            out.extend(found)
            done.add(qi)
            used.update(_cue_of(cs, f) for f in found)
    out.extend(_reported(g, text, lo, hi, words, cs, quotes, done, used))
    for qi, q in enumerate(quotes):
        if qi in done:
            continue
        first = not [w for w in words if w.end <= q.open] and not text[lo : q.open].strip(" —–-\t")
        if first:
            out.append(Found(q.start, q.end, "direct", None, None, q.start, lone=True))
            continue
        before = [w for w in words if w.end <= q.open]
        if (before and g.lemma(before[-1].text) in g.TITLE_NOUNS) or is_title(text, q):
            continue  # газета «Заря», «Северный курьер»: a name
        cue = _nearest(cs, words, q.open)
        if cue is not None:
            m, hint = _subject(g, text, words, cs, cue, quotes)
            out.append(Found(q.start, q.end, "partial", m, cue.word, words[cue.index].start, hint))
    return out


def _cue_of(cs: Sequence[Cue], f: Found) -> int:
    for c in cs:
        if c.word == f.cue:
            return c.index
    return -1


def _quote(
    g: ModuleType,
    text: str,
    hi: int,
    words: Sequence[Word],
    cs: Sequence[Cue],
    quotes: Sequence[Quote],
    qi: int,
) -> list[Found]:
    """A quote attributed by a dash after it, inside it (split), or a colon before it."""
    q = quotes[qi]
    nxt = quotes[qi + 1].open if qi + 1 < len(quotes) else hi
    split = _SPLIT_RE.search(text, q.start, q.end)
    if split is not None:
        mid = g.words(text, split.start(2), split.end(2))
        c = next((c for c in cues(g, mid) if c.index < CUE_AFTER_DASH), None)
        if c is not None:
            m = _after_cue(g, text, mid, c, len(mid))
            pos = mid[c.index].start
            return [
                Found(q.start, split.start(1) + 1, "direct", m, c.word, pos, c.gender),
                Found(split.end(), q.end, "direct", m, c.word, pos, c.gender),
            ]
    if _DASH_AFTER_RE.match(text, q.close):
        after = [i for i, w in enumerate(words) if q.close <= w.start < nxt]
        stop = _clause_stop(text, words, after)
        for c in [*cs, *_dash_verb(g, words, after)]:
            if after and after[0] <= c.index < after[0] + CUE_AFTER_DASH and c.index < stop:
                m = _after_cue(g, text, words, c, stop)
                if m is None and c.index > after[0]:
                    m = phrase(g, text, words, after[0], c.index, NOMN, c.gender, True)
                return [Found(q.start, q.end, "direct", m, c.word, words[c.index].start, c.gender)]
    prev_end = quotes[qi - 1].close if qi > 0 else -1
    head = text[max(prev_end, 0) : q.open].rstrip()
    if head.endswith(":"):
        before = [i for i, w in enumerate(words) if prev_end <= w.start and w.end <= q.open]
        if before:
            a, b = before[0], before[-1] + 1
            cue = next((c for c in reversed(cs) if a <= c.index < b), None)
            hint = cue.gender if cue else ""
            m = phrase(g, text, words, max(a, b - MAX_SUBJECT_WORDS), b, NOMN, hint, True)
            if m is not None or cue is not None:
                return [
                    Found(
                        q.start, q.end, "direct", m, cue.word if cue else None, q.open, hint, lone=m is None
                    )
                ]
    return []


def _dash_verb(g: ModuleType, words: Sequence[Word], after: Sequence[int]) -> list[Cue]:
    """«Q», — похвастался мэр: any past or present verb right after the dash attributes the quote."""
    if not after:
        return []
    w = words[after[0]]
    for r in g.parses(w.text):
        if r.pos == "VERB" and not r.writer:
            return [Cue(after[0], r.lemma, r.pos, r.gender if r.gender in ("m", "f", "pl") else "", w.text)]
        break
    return []


def _clause_stop(text: str, words: Sequence[Word], after: Sequence[int]) -> int:
    """The first word index past the attribution after a dash: at a sentence stop or another dash."""
    for k in after[1:]:
        gap = text[words[k - 1].end : words[k].start]
        if "." in gap or "—" in gap or ":" in gap:
            return k
    return after[-1] + 1 if after else 0


def _after_cue(g: ModuleType, text: str, words: Sequence[Word], c: Cue, stop: int) -> Mention | None:
    for k in range(c.index + 1, min(stop, c.index + 1 + WORDS_OF_GAP)):
        if (
            words[k].low in g.WORDS_OF
        ):  # "приводит ТАСС слова господина Улюкаева": the genitive is the speaker
            return phrase(g, text, words, k + 1, min(stop, k + 1 + MAX_SUBJECT_WORDS), GENT, "", False)
    want = ACCS if c.lemma in g.OBJECT_SPEAKER_LEMMAS else NOMN
    return phrase(
        g, text, words, c.index + 1, min(stop, c.index + 1 + MAX_SUBJECT_WORDS), want, c.gender, False
    )


def _nearest(cs: Sequence[Cue], words: Sequence[Word], at: int) -> Cue | None:
    before = [c for c in cs if words[c.index].end <= at]
    if before:
        return before[-1]
    return cs[0] if cs else None


def _subject(
    g: ModuleType, text: str, words: Sequence[Word], cs: Sequence[Cue], c: Cue, quotes: Sequence[Quote]
) -> tuple[Mention | None, str]:
    """The speaker phrase of a cue in the writer's sentence: before it (nearest), else after it."""
    a = c.index
    while a > 0 and c.index - a < MAX_SUBJECT_WORDS:
        gap = text[words[a - 1].end : words[a].start]
        if ":" in gap or any(words[a - 1].end <= q.open < words[a].start for q in quotes):
            break
        a -= 1
    m = phrase(g, text, words, a, c.index, NOMN, c.gender, True)
    if m is None:
        stop = c.index + 1
        while (
            stop < len(words)
            and stop - c.index <= MAX_SUBJECT_WORDS
            and "," not in text[words[stop - 1].end : words[stop].start]
        ):
            stop += 1
        m = _after_cue(g, text, words, c, stop)
    if m is None and a < c.index and words[a].low == "в":
        m = phrase(g, text, words, a + 1, c.index, frozenset({"loct"}), "", False)  # "В Кремле заявили"
        if m is not None and m.kind != "org":
            m = None
    return m, c.gender


def _comma_after(text: str, words: Sequence[Word], i: int, hi: int) -> tuple[int, int]:
    """(the first word index after word i that follows a comma, the position after that comma); the
    words may end before the comma when the clause after it is a quote ("Как отметил X, «…»")."""
    for k in range(i + 1, len(words)):
        gap_at = text.find(",", words[k - 1].end, words[k].start)
        if gap_at >= 0:
            return k, gap_at + 1
    comma = text.find(",", words[i].end, hi) if i < len(words) else -1
    return len(words), (comma + 1 if comma >= 0 else -1)


def _reported(
    g: ModuleType,
    text: str,
    lo: int,
    hi: int,
    words: Sequence[Word],
    cs: Sequence[Cue],
    quotes: Sequence[Quote],
    done: set[int],
    used: set[int],
) -> list[Found]:
    """Reported speech: openers, "что"-clauses, trailing and anaphoric attributions."""
    if not words:
        return []
    out: list[Found] = []
    lows = [w.low for w in words]
    end = _trim_end(text, lo, hi)
    # "По словам X, …", also after a connective and its comma: "Так, по словам X, …", "При этом, по его словам, …"
    for j in range(min(MAX_CONNECTIVE_WORDS + 1, len(words))):
        if j and "," not in text[words[j - 1].end : words[j].start]:
            continue
        found = _source_opener(g, text, hi, words, j, end, quotes, done)
        if found is not None:
            return found
    if lows[0] == "как" and cs and cs[0].index <= 2:
        c = cs[0]
        k, at = _comma_after(text, words, c.index, hi)
        if at >= 0:
            m = _after_cue(g, text, words, c, k)
            used.add(c.index)
            return _clause(g, text, at, end, quotes, done, m, c.word, words[c.index].start, c.gender)
    low_text = text[lo:hi].casefold()
    for opener in g.ANAPHORIC_OPENERS:
        anaphoric = cs or _anaphoric_verb(g, words)
        if (
            low_text.startswith(opener + " ")
            and anaphoric
            and anaphoric[0].index <= MAX_ANAPHORIC_WORDS
            and anaphoric[0].pos != "GRND"
        ):
            c = anaphoric[0]
            m = _after_cue(g, text, words, c, len(words)) or phrase(
                g, text, words, 0, c.index, NOMN, c.gender, True
            )
            used.add(c.index)
            return [Found(lo, lo, "indirect", m, c.word, words[c.index].start, c.gender, previous=True)]
    main: Mention | None = None
    for c in cs:
        if c.index in used or c.lemma in g.PARTIAL_ONLY_LEMMAS:
            continue
        that = next(
            (
                k
                for k in range(c.index + 1, min(len(words), c.index + 1 + MAX_THAT_GAP))
                if lows[k] == g.THAT and "," in text[words[k - 1].end : words[k].start]
            ),
            None,
        )
        if that is not None and not any(x.index in range(c.index + 1, that) for x in cs):
            stop = next((x for x in cs if x.index > that and x.pos == "GRND"), None)
            cut = _trim_end(text, lo, words[stop.index].start) if stop else end
            cut = cut if stop is None else _trim_comma(text, words[that].end, cut)
            if c.pos == "GRND":
                out.extend(
                    _clause(
                        g,
                        text,
                        words[that].end,
                        cut,
                        quotes,
                        done,
                        main,
                        c.word,
                        words[c.index].start,
                        c.gender,
                        follows=main is None,
                    )
                )
            else:
                m, hint = _subject(g, text, words, cs, c, quotes)
                main = main or m
                out.extend(
                    _clause(
                        g, text, words[that].end, cut, quotes, done, m, c.word, words[c.index].start, hint
                    )
                )
            used.add(c.index)
            continue
        gap = text[words[c.index - 1].end : words[c.index].start] if c.index > 0 else ""
        if c.index >= 2 and "," in gap and c.pos != "GRND" and not out:
            start = words[0].start
            if any(
                q.close <= words[c.index].start and q.close >= text.rfind(",", lo, words[c.index].start) - 2
                for q in quotes
            ):
                continue  # «Q», — сказал X: a direct quote, done
            m = _after_cue(g, text, words, c, len(words))
            if m is not None:
                clause_lo = start if text[lo] not in "—–-" else start
                cut = _trim_comma(text, clause_lo, text.rfind(",", lo, words[c.index].start))
                out.extend(
                    _clause(g, text, clause_lo, cut, quotes, done, m, c.word, words[c.index].start, c.gender)
                )
                used.add(c.index)
                main = main or m
    return out


def _source_opener(
    g: ModuleType,
    text: str,
    hi: int,
    words: Sequence[Word],
    j: int,
    end: int,
    quotes: Sequence[Quote],
    done: set[int],
) -> list[Found] | None:
    """ "По словам X, C" / "По его словам, C" from word j: C as indirect (or its quotes), else None."""
    lows = [w.low for w in words[j : j + 3]]
    head = " ".join(lows)
    for opener in g.SOURCE_OPENERS:
        parts = opener.split()
        poss = len(lows) > 2 and lows[0] == parts[0] and lows[1] in g.PRONOUNS and lows[2] == parts[1]
        if head.startswith(opener + " ") or poss:
            k, at = _comma_after(text, words, j + 1, hi)
            if at >= 0:
                m = phrase(g, text, words, j + (1 if poss else 2), k, GENT, "", False)
                return _clause(g, text, at, end, quotes, done, m, opener, words[j].start, "")
    return None


def _anaphoric_verb(g: ModuleType, words: Sequence[Word]) -> list[Cue]:
    """ "Такое заявление сделал X": a verb that reports only after an anaphoric opener."""
    for i, w in enumerate(words[: MAX_ANAPHORIC_WORDS + 1]):
        for r in g.parses(w.text):
            if r.lemma in g.ANAPHORIC_VERBS and r.pos == "VERB" and not r.writer:
                return [Cue(i, r.lemma, r.pos, r.gender if r.gender in ("m", "f", "pl") else "", w.text)]
    return []


def _clause(
    g: ModuleType,
    text: str,
    a: int,
    b: int,
    quotes: Sequence[Quote],
    done: set[int],
    m: Mention | None,
    cue: str | None,
    pos: int,
    hint: str,
    follows: bool = False,
) -> list[Found]:
    """A reported clause text[a:b] as one indirect record, or its quotes as partials."""
    while a < b and text[a] in " \t—–-":
        a += 1
    inside = [
        (qi, q)
        for qi, q in enumerate(quotes)
        if a <= q.open and q.close <= b + 1 and qi not in done and not is_title(text, q)
    ]
    if inside:
        for qi, _q in inside:
            done.add(qi)
        whole = len(inside) == 1 and inside[0][1].open <= a and inside[0][1].close >= b - 1
        kind: Kind = "direct" if whole else "partial"  # "Как отметил X, «…»": the clause is the quote
        return [Found(q.start, q.end, kind, m, cue, pos, hint, follows=follows) for _, q in inside]
    if b - a < 3:
        return []
    return [Found(a, b, "indirect", m, cue, pos, hint, follows=follows)]


def is_title(text: str, q: Quote) -> bool:
    """A short quote that opens with a capital inside the writer's sentence names something (a channel,
    an outlet, an operation: «Северный курьер», "Федорищев. Официально"); a quoted phrase of someone's
    words runs on in lower case («сознательно обостряют ситуацию»)."""
    content = text[q.start : q.end].strip()
    return bool(content) and content[0].isupper() and len(content.split()) <= MAX_TITLE_WORDS


def _trim_end(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1] in _END_PUNCT:
        hi -= 1
    return hi


def _trim_comma(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1] in _END_PUNCT + ",—–-":
        hi -= 1
    return hi
