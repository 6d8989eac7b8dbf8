"""One sentence's statements for languages read by lemma (Russian), quotes first, then reported speech.

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
from types import ModuleType

from watchers.statements.lang.types import Word
from watchers.statements.lemmacues import (
    CUE_AFTER_DASH,
    MAX_SUBJECT_WORDS,
    NOMN,
    Cue,
    Found,
    after_cue,
    cues,
    is_shown,
    is_title,
    nearest,
    subject,
)
from watchers.statements.lemmareported import reported
from watchers.statements.lemmaspeakers import phrase
from watchers.statements.quotemarks import Quote

# "«Q1, — отметил X. — Q2»": the attribution inside a quote, between two dashes.
# "«A, — сказал X. — B»", also without the stop before the second dash ("– сказал X – B»")
_SPLIT_RE = re.compile(r"([,.!?…])\s+[—–―−-]\s+([^—–―−«»\"„“]{3,150}?)([.,:]?)\s+[—–―−-]\s+(?=\S)")
# Dash pairs tried inside one quote before it is taken as having no attribution inside it.
MAX_SPLIT_TRIES = 4
# The dash after a quote: an em or en dash or a horizontal bar, or a hyphen standing for one (" - ").
_DASH_AFTER_RE = re.compile(r"\s*[,.!?…]?\s*(?:[—–―−]|(?<=\s)-)\s")


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
    out.extend(reported(g, text, lo, hi, words, cs, quotes, done, used))
    for qi, q in enumerate(quotes):
        if qi in done:
            continue
        first = not [w for w in words if w.end <= q.open] and not text[lo : q.open].strip(" —–―−-\t")
        if first:
            if not _names_something(text, q, hi):
                out.append(Found(q.start, q.end, "direct", None, None, q.start, lone=True))
            continue
        before = [w for w in words if w.end <= q.open]
        named = before and g.lemma(before[-1].text) in g.TITLE_NOUNS | g.ROLE_NOUNS
        if (named and not text[q.start : q.start + 1].islower()) or is_title(text, q):
            continue  # газета «Заря», «Северный курьер», председатель «Справедливой России – …»: a name
        # (a name opens with a capital: "на счетах фонда «не осталось средств»" quotes someone's words)
        if len(before) > 1 and before[-2].low == "так" and before[-1].low.startswith("называем"):
            continue  # так называемое «панамское досье»: the writer's distance, nobody's words
        if is_shown(text, q):
            continue  # "формулировки, такие как «депутаты предложили»", понятие «…»: shown, not said
        cue = nearest(cs, words, q.open)
        if cue is not None:
            m, hint = subject(g, text, words, cs, cue, quotes)
            if m is not None:  # "Об этом говорят «рекордно низкие» показатели": nobody's words
                out.append(Found(q.start, q.end, "partial", m, cue.word, words[cue.index].start, hint))
    return out


def _names_something(text: str, q: Quote, hi: int) -> bool:
    """A sentence-opening quote that is a name: one word (a credit line "Газета.ру"), or a title its
    sentence goes on from in lower case («Аэрофлот» надеется, что …)."""
    content = text[q.start : q.end].strip()
    if content and " " not in content and content[0].isupper():
        return True
    rest = text[q.close : hi].lstrip()
    return is_title(text, q) and rest[:1].islower()


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
    # the attribution runs to the next quote that is not a name in it ("— приводит агентство «Вестник» слова X")
    nxt = next((n.open for n in quotes[qi + 1 :] if not is_title(text, n)), hi)
    split = _SPLIT_RE.search(text, q.start, q.end)
    for _ in range(MAX_SPLIT_TRIES):
        if split is None:
            break
        mid = g.words(text, split.start(2), split.end(2))
        c = next((c for c in [*cues(g, mid), *_dash_verb(g, mid, [0])] if c.index < CUE_AFTER_DASH), None)
        if c is not None:
            m = after_cue(g, text, mid, c, len(mid))
            pos = mid[c.index].start
            return [
                Found(q.start, split.start(1) + 1, "direct", m, c.word, pos, c.gender),
                Found(split.end(), q.end, "direct", m, c.word, pos, c.gender),
            ]
        # "«A - и это не только моё мнение, - что B, - подчеркнул X. - C»": a dash of the speaker's own
        # aside opened the first pair; the attribution's dashes may come after it
        split = _SPLIT_RE.search(text, split.start(2), q.end)
    if _DASH_AFTER_RE.match(text, q.close):
        after = [i for i, w in enumerate(words) if q.close <= w.start < nxt]
        stop = _clause_stop(text, words, after)
        for c in [*cs, *_dash_verb(g, words, after)]:
            if after and after[0] <= c.index < after[0] + CUE_AFTER_DASH and c.index < stop:
                m = after_cue(g, text, words, c, stop)
                if m is None and c.index > after[0]:
                    m = phrase(g, text, words, after[0], c.index, NOMN, c.gender, True)
                # "«…», – сказал" with no one after it (a cut page): the speaker from context
                bare = m is None and c.gender in ("m", "f", "pl") and c.index + 1 >= stop
                return [Found(q.start, q.end, "direct", m, c.word, words[c.index].start, c.gender, lone=bare)]
    # "Олег Сажин, главный тренер «Зари»: «…»": a name in guillemets before the colon is the intro's
    said_before = [p for p in quotes[:qi] if not is_title(text, p)]
    prev_end = said_before[-1].close if said_before else -1
    head = text[max(prev_end, 0) : q.open].rstrip()
    if head.endswith(":"):
        before = [i for i, w in enumerate(words) if prev_end <= w.start and w.end <= q.open]
        if not before and qi > 0:  # 'назвал "великолепным" и "отличным": "…"': the sentence's speaker
            cue = nearest(cs, words, q.open)
            if cue is not None:
                m, hint = subject(g, text, words, cs, cue, quotes)
                return [Found(q.start, q.end, "direct", m, cue.word, q.open, hint, lone=m is None)]
        if before:
            a, b = before[0], before[-1] + 1
            cue = next((c for c in reversed(cs) if a <= c.index < b), None)
            hint = cue.gender if cue else ""
            m = phrase(g, text, words, max(a, b - MAX_SUBJECT_WORDS), b, NOMN, hint, True)
            named = phrase(g, text, words, max(a, b - MAX_SUBJECT_WORDS), b, NOMN, hint, False)
            apposed = named is not None and m is not None and text[named.end : m.start].strip() == ","
            if apposed and m is not None and m.kind == "role" and named is not None and named.kind == "name":
                m = named  # "Игорь Громов, главный тренер «Волны»: «…»": the name the role describes
            if m is not None or cue is not None:
                # "…, где пояснили: «…»": a plural cue with no one named is an unnamed source, not lone
                lone = m is None and not (cue is not None and cue.gender == "pl")
                return [
                    Found(q.start, q.end, "direct", m, cue.word if cue else None, q.open, hint, lone=lone)
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
