"""Reported speech for languages read by lemma (Russian), in one sentence's words outside quotes:

    По словам X, C.  По его словам, C.  Так, по словам X, C.   indirect C (по мнению, по оценке ...)
    Как отметил X, C.   Как отметил X, «Q».                     indirect C; the quote alone is direct
    Об этом заявил X.   Такое заявление сделал X.              the previous sentence is X's (`previous`)
    X заявил, что C   X считает, что C                         indirect C, cut before a gerund cue
    …, отметив, что C                                          indirect C; the sentence's speaker (`follows`)
    C, заявил X.   C, — заявил X.                              indirect C

A reported clause holding a quoted phrase gives the phrase as a partial, not the clause (a title in
quotes inside it, «Северный курьер», is neither).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from watchers.model import Kind
from watchers.statements.lang.types import Word
from watchers.statements.lemmaclauses import (
    about_clause,
    cut_before,
    infinitive_clause,
    next_break,
    what_do,
)
from watchers.statements.lemmacues import (
    GENT,
    MAX_ANAPHORIC_WORDS,
    MAX_CONNECTIVE_WORDS,
    MAX_THAT_GAP,
    NOMN,
    Cue,
    Found,
    after_cue,
    is_shown,
    is_title,
    subject,
    trim_comma,
    trim_end,
)
from watchers.statements.lemmaspeakers import phrase
from watchers.statements.mentions import Mention
from watchers.statements.quotemarks import Quote


def _comma_after(text: str, words: Sequence[Word], i: int, hi: int) -> tuple[int, int]:
    """(the first word index after word i that follows a comma, the position after that comma); the
    words may end before the comma when the clause after it is a quote ("Как отметил X, «…»")."""
    for k in range(i + 1, len(words)):
        gap_at = text.find(",", words[k - 1].end, words[k].start)
        if gap_at >= 0:
            return k, gap_at + 1
    comma = text.find(",", words[i].end, hi) if i < len(words) else -1
    return len(words), (comma + 1 if comma >= 0 else -1)


# How far before its cue a trailing attribution may start: "…, об этом глава «Росатома» X заявил".
MAX_LEAD_WORDS = 8


def _attribution_lead(g: ModuleType, text: str, words: Sequence[Word], c: Cue) -> int:
    """The first word of a trailing attribution ("C, заявил X"): the cue right after a comma, or
    after a comma and a time adverbial ("C, 7 сентября заявил X") or "об этом" and the speaker
    ("C, об этом X заявил"); -1 when the cue ends no such attribution."""
    for k in range(c.index, max(c.index - MAX_LEAD_WORDS, 0), -1):
        if "," not in text[words[k - 1].end : words[k].start]:
            continue
        between = words[k : c.index]
        about = len(between) > 2 and between[0].low == "об" and between[1].low == "этом"
        timed = all(w.text.isdigit() or w.low in g.TIME_WORDS for w in between)
        return k if about or timed or _told_outlet(g, text, words, k, c.index) else -1
    return -1


def _unnamed_source(g: ModuleType, words: Sequence[Word], c: Cue) -> bool:
    """ "сообщили в министерстве": a plural cue before "в" and a place, someone there unnamed."""
    k = c.index + 1
    return c.gender == "pl" and k + 1 < len(words) and words[k].low in ("в", "во")


def _source_org(g: ModuleType, words: Sequence[Word], c: Cue) -> Mention | None:
    """ "сообщили в Гидрометцентре", "заявили в Кремле": the organisation named where someone unnamed
    spoke is the source, as "В Кремле заявили" makes it; a common noun there ("в министерстве") is not."""
    if not _unnamed_source(g, words, c):
        return None
    w = words[c.index + 2]
    orgs = [r for r in g.parses(w.text) if r.org and r.pos == "NOUN"]
    if not w.cap or not orgs:
        return None
    name = w.text if w.text.isupper() else orgs[0].lemma[:1].upper() + orgs[0].lemma[1:]
    return Mention("org", w.start, w.end, w.text, name=name)


def _past_relative(
    g: ModuleType, text: str, hi: int, words: Sequence[Word], c: Cue, k: int, at: int
) -> tuple[Mention | None, int, int]:
    """The speaker after a subordinate clause between "Как заявил" and them, and where the reported
    clause starts after them; (None, k, at) as given when there is none."""
    if k >= len(words) or g.lemma(words[k].text) not in g.RELATIVE_WORDS:
        return None, k, at
    k2, at2 = _comma_after(text, words, k, hi)  # past the subordinate clause's comma
    if at2 < 0 or k2 >= len(words):
        return None, k, at
    k3, at3 = _comma_after(text, words, k2, hi)
    m = phrase(g, text, words, k2, k3, NOMN, c.gender, False) if at3 >= 0 else None
    if m is None or (m.np_start if m.np_start >= 0 else m.start) != words[k2].start:
        return None, k, at
    return m, k3, at3


def reported(
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
    end = trim_end(text, lo, hi)
    # "По словам X, …", also after a connective and its comma: "Так, по словам X, …", "При этом, по его словам, …"
    for j in range(min(MAX_CONNECTIVE_WORDS + 1, len(words))):
        if lows[j] != "по" or (j and "," not in text[words[j - 1].end : words[j].start]):
            continue
        found = _source_opener(g, text, hi, words, j, end, quotes, done, cs=cs, used=used)
        if found is not None:
            return found
    # "…достиг, по словам X, 1,7 процента": the opener inside the sentence makes all of it X's
    for j in range(MAX_CONNECTIVE_WORDS + 1, len(words) - 2):
        if lows[j] == "по" and "," in text[words[j - 1].end : words[j].start]:
            found = _source_opener(g, text, hi, words, j, end, quotes, done, lo)
            if found is not None:
                return found
    if lows[0] == "как" and cs and cs[0].index <= 2:
        c = cs[0]
        k, at = _comma_after(text, words, c.index, hi)
        if at >= 0:
            m = after_cue(g, text, words, c, k)
            titled = any(words[c.index].end <= q.open and q.close <= at and is_title(text, q) for q in quotes)
            if m is None and not titled:  # "Как заявил в Уфе, где проходило открытие, глава Росспорта X, C"
                m, k, at = _past_relative(g, text, hi, words, c, k, at)
            used.add(c.index)
            # "Как писал ранее РБК, …", "Как сообщала «Северная газета», …": a report, no one's words
            if not ((m is None and titled) or (m is not None and _low(m.text) in g.OUTLETS)):
                return _clause(g, text, at, end, quotes, done, m, c.word, words[c.index].start, c.gender)
    low_text = text[lo:hi].casefold()
    for opener in g.ANAPHORIC_OPENERS:
        # "Об этом, как передает Интерфакс, заявил X": the outlet's "как передает" is an aside
        anaphoric = [c for c in cs if not (c.index and lows[c.index - 1] == "как")] or _anaphoric_verb(g, words)
        if (
            # "Об этом, как передает ТАСС, заявил X" (but "Так, …" is "for instance", no pointer back)
            (low_text.startswith(opener + " ") or (" " in opener and low_text.startswith(opener + ",")))
            and anaphoric
            and anaphoric[0].index <= MAX_ANAPHORIC_WORDS
            and anaphoric[0].pos != "GRND"
        ):
            c = anaphoric[0]
            # "Об этом он заявил журналистам, комментируя вопрос о том, когда министры …": up to the comma
            m = after_cue(g, text, words, c, _comma_after(text, words, c.index, hi)[0]) or phrase(
                g, text, words, 0, c.index, NOMN, c.gender, True
            )
            used.add(c.index)
            m = m or _source_org(g, words, c)  # "Об этом сообщили в Гидрометцентре": the centre
            if m is None and _unnamed_source(g, words, c):  # "Об этом сообщили в министерстве."
                return [
                    Found(lo, lo, "indirect", None, c.word, words[c.index].start, c.gender, previous=True)
                ]
            if m is None or _low(m.text) in g.OUTLETS:  # "Об этом говорят показатели", "… сообщает ТАСС"
                return []  # no one said it, or the writer names the outlet the news came from
            return [Found(lo, lo, "indirect", m, c.word, words[c.index].start, c.gender, previous=True)]
    main: Mention | None = None
    within = (-1, -1)  # the word span of the last "что"-clause taken: a cue in it is part of its words
    for c in cs:
        if c.index in used or c.lemma in g.PARTIAL_ONLY_LEMMAS:
            continue
        if within[0] < c.index < within[1]:
            continue  # "Он считает, что слова X подтверждают тот факт, что …": one statement, his
        that = next(
            (
                k
                for k in range(c.index + 1, min(len(words), c.index + 1 + MAX_THAT_GAP))
                if lows[k] == g.THAT and "," in text[words[k - 1].end : words[k].start]
            ),
            None,
        )
        if that is not None and what_do(g, words, that):
            used.add(c.index)
            continue
        if that is not None and not any(x.index in range(c.index + 1, that) for x in cs):
            # the clause ends before a gerund cue (", добавив, что") or an outlet's (", сообщает Вестник")
            stop = next_break(text, words, cs, that)
            within = (that, stop.index if stop else len(words))
            cut = cut_before(text, words, stop, lo, words[that].end, end)  # ", добавив", ", и добавил"
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
                        whole_kind="partial",
                    )
                )
            else:
                m, hint = subject(g, text, words, cs, c, quotes)
                main = main or m
                out.extend(
                    _clause(
                        g,
                        text,
                        words[that].end,
                        cut,
                        quotes,
                        done,
                        m,
                        c.word,
                        words[c.index].start,
                        hint,
                        whole_kind="partial",
                    )
                )
            used.add(c.index)
            continue
        span = infinitive_clause(g, text, words, cs, c, lo, end) or about_clause(
            g, text, words, cs, c, lo, end
        )
        if span is not None and not any(span[0] <= q.open < span[1] for q in quotes):
            m, hint = subject(g, text, words, cs, c, quotes)
            if m is not None:  # "Он призвал депутатов пройти тест", "X пообещал сохранить налоги"
                main = main or m
                out.extend(
                    _clause(g, text, span[0], span[1], quotes, done, m, c.word, words[c.index].start, hint)
                )
                used.add(c.index)
                continue
        lead = _attribution_lead(g, text, words, c)
        if lead >= 2 and c.pos != "GRND" and not out:
            start = words[0].start
            if any(
                q.close <= words[lead].start
                and q.close >= text.rfind(",", lo, words[lead].start) - 2
                and not is_title(text, q)
                for q in quotes
            ):
                continue  # «Q», — сказал X: a direct quote, done
            m = after_cue(g, text, words, c, len(words))
            told = _told_outlet(g, text, words, lead, c.index)  # "…, ТАСС сообщили в министерстве"
            if m is None and lead < c.index and not told:  # "…, об этом глава «Росатома» X заявил"
                m = phrase(g, text, words, lead, c.index, NOMN, c.gender, True)
            m = m or (None if told else _source_org(g, words, c))  # "…, сообщили в Кремле"
            unnamed = m is None and _unnamed_source(g, words, c)  # "…, сообщили в думе": no one named
            if m is not None or unnamed:
                # "О том, что C, сообщил X": the clause after "что"
                about = lows[:3] == ["о", "том", g.THAT] and lead > 3
                clause_lo = words[2].end if about else start
                cut = trim_comma(text, clause_lo, text.rfind(",", lo, words[lead].start))
                outlet = m is not None and _low(m.text) in g.OUTLETS  # "…, пишет МК": the speaker before's
                said = None if outlet else m
                pos = words[c.index].start
                out.extend(
                    _clause(g, text, clause_lo, cut, quotes, done, said, c.word, pos, c.gender, outlet)
                )
                used.add(c.index)
                main = main or m
    return out


def _told_outlet(g: ModuleType, text: str, words: Sequence[Word], a: int, b: int) -> bool:
    """Whether words[a:b], between an attribution's comma and its cue, are an outlet told the news
    ("…, ТАСС сообщили в министерстве", "…, URA.RU сообщили в думе"): its addressee, not its speaker."""
    return a < b and _low(text[words[a].start : words[b - 1].end]) in g.OUTLETS


def _source_opener(
    g: ModuleType,
    text: str,
    hi: int,
    words: Sequence[Word],
    j: int,
    end: int,
    quotes: Sequence[Quote],
    done: set[int],
    whole: int = -1,
    cs: Sequence[Cue] = (),
    used: set[int] | None = None,
) -> list[Found] | None:
    """ "По словам X, C" / "По его словам, C" from word j: C as indirect (or its quotes), else None;
    with `whole` (the sentence's start) the opener is a parenthesis and the sentence is the clause.
    "По его словам, C, сообщил X" (`cs`, the sentence's cues): the pronoun is X, named after C."""
    lows = [w.low for w in words[j : j + 3]]
    head = " ".join(lows)
    for opener in g.SOURCE_OPENERS:
        parts = opener.split()
        poss = len(lows) > 2 and lows[0] == parts[0] and lows[1] in g.PRONOUNS and lows[2] == parts[1]
        if head.startswith(opener + " ") or poss:
            k, at = _comma_after(text, words, j + 1, hi)
            if at >= 0:
                m = phrase(g, text, words, j + (1 if poss else 2), k, GENT, "", False)
                if whole >= 0 and (m is None or at >= end):
                    return None
                a = at if whole < 0 else whole
                if (poss and m is not None and m.kind == "pronoun") or (m is None and k == j + 2):
                    # "По прогнозу, C, сообщила синоптик X": a bare opener's source is named after C
                    m, end = _cataphora(g, text, words, k, cs, m, end, used)
                return _clause(g, text, a, end, quotes, done, m, opener, words[j].start, "")
    return None


def _cataphora(
    g: ModuleType,
    text: str,
    words: Sequence[Word],
    k: int,
    cs: Sequence[Cue],
    m: Mention | None,
    end: int,
    used: set[int] | None,
) -> tuple[Mention | None, int]:
    """The speaker a possessive opener stands for and where its clause ends: "По его словам, C,
    сообщил вице-мэр X" (or ", — рассказала X"), a trailing attribution of the pronoun's gender after
    C, names him (", заявил он": the clause still ends before it); else (m, end) as given."""
    for c in cs:
        if c.index < k or c.pos == "GRND" or c.gender not in ("", m.gender if m is not None else c.gender):
            continue
        lead = _attribution_lead(g, text, words, c)
        named = after_cue(g, text, words, c, len(words)) if lead > k else None
        if named is not None and named.kind in ("name", "role", "pronoun"):
            if used is not None:
                used.add(c.index)
            return named, trim_comma(text, 0, words[lead - 1].end)
    return m, end


def _low(s: str) -> str:
    return s.casefold().replace("ё", "е")


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
    whole_kind: Kind = "direct",
) -> list[Found]:
    """A reported clause text[a:b] as one indirect record, or its quotes as partials; a quote that is
    the whole clause is `whole_kind` ("Как отметил X, «…»" direct, "X заявил, что «…»" partial)."""
    while a < b and text[a] in " \t,—–―−-":
        a += 1
    inside = [
        (qi, q)
        for qi, q in enumerate(quotes)
        if a <= q.open and q.close <= b + 1 and qi not in done and not is_title(text, q) and not is_shown(text, q)
    ]
    if inside:
        for qi, _q in inside:
            done.add(qi)
        whole = len(inside) == 1 and inside[0][1].open <= a and inside[0][1].close >= b - 1
        kind: Kind = whole_kind if whole else "partial"
        return [Found(q.start, q.end, kind, m, cue, pos, hint, follows=follows) for _, q in inside]
    if b - a < 3:
        return []
    return [Found(a, b, "indirect", m, cue, pos, hint, follows=follows)]
