"""Cues for languages read by lemma (Russian): the records and helpers the sentence passes share.

    cues(g, words) -> [Cue]        the reporting verbs of a sentence
    after_cue / subject            a cue's speaker phrase (after it; before it, else after it)
    Found                          one statement of a sentence and its speaker phrase

`g` is the language package (`lang.ru`); a cue is a word whose lemma is in its cue table, in any form
(заявил / заявила / заявляют / заявив), found by pymorphy3 through `g.parses`. The shapes that use
them are in `lemmaquotes` (quotes and their attribution) and `lemmareported` (reported speech).
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
MAX_THAT_GAP = 8  # words between a cue and its "что" ("заявил журналистам в понедельник, что")
WORDS_OF_GAP = 3  # "приводит (ТАСС) слова X": how far after the cue "слова" may stand
MAX_CONNECTIVE_WORDS = 2  # "При этом, по его словам, …": words before the opener
# "Об этом на заседании исполкома сообщил X": the cue within this many words of the opener.
MAX_ANAPHORIC_WORDS = 10
MAX_DOCUMENT_LEAD = 5  # "В опубликованном вчера сообщении Минфина говорится": "в" this far before the cue
MAX_TITLE_WORDS = 4  # «Резюме обсуждения ключевой ставки»
# "X назвала … «…» и заявила": how far before the "и" the first verb may stand.
COORDINATED_VERB_WORDS = 14
_END_PUNCT = " \t\n.;…"
# A second verb of the same subject: "…, а также сказал", "… и добавил".
_COORDINATED_RE = re.compile(r",\s+а(?:\s+также|\s+затем)?\s|\s+и\s+(?:также\s+)?$")


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
        prefix = w.low[: g.CUE_PREFIX_LEN]
        if prefix in g.CUE_PREFIXES:
            rs = [
                r
                for r in g.parses(w.text)
                if (
                    r.lemma in g.CUE_LEMMAS
                    or (r.lemma in g.DOCUMENT_CUE_LEMMAS and document_at(g, words, i) >= 0)
                )
                and r.pos in CUE_POS
                and not r.writer
            ]
        elif prefix in g.RELAY_PREFIXES and _words_of_at(g, words, i) >= 0:
            rs = [
                r for r in g.parses(w.text) if r.lemma in g.RELAY_LEMMAS and r.pos in CUE_POS and not r.writer
            ]
        elif prefix in g.OBJECT_CUE_PREFIXES and any(
            x.low in g.OBJECT_CUE_WORDS for x in words[i + 1 : i + 3]
        ):
            objects = {x.low for x in words[i + 1 : i + 3]}
            rs = [
                r
                for r in g.parses(w.text)
                if objects & g.OBJECT_CUES.get(r.lemma, frozenset()) and r.pos in CUE_POS and not r.writer
            ]
        else:
            continue
        if not rs:
            continue
        r = rs[0]
        if i > 0 and words[i - 1].low == "не" and r.lemma not in getattr(g, "NEGATABLE_CUE_LEMMAS", ()):
            continue  # "не уточнил": nothing reported; "не исключил, что": a view
        out.append(Cue(i, r.lemma, r.pos, r.gender if r.gender in ("m", "f", "pl") else "", w.text))
    return out


def _words_of_at(g: ModuleType, words: Sequence[Word], i: int) -> int:
    """The index of "слова / высказывания …" within WORDS_OF_GAP words after word i, else -1."""
    return next(
        (k for k in range(i + 1, min(len(words), i + 1 + WORDS_OF_GAP)) if words[k].low in g.WORDS_OF), -1
    )


def _document_noun(g: ModuleType, words: Sequence[Word], k: int) -> int:
    """ "в сообщении", "в официальном заявлении": with "в" at k, the index of the document noun one or
    two words on; else -1."""
    if k < 0 or k >= len(words) or words[k].low not in ("в", "во"):
        return -1
    if k + 1 < len(words) and words[k + 1].low in ("котором", "которой", "которых") and k > 0:
        # "публикации, в которых говорилось, что …": the document the relative pronoun stands for
        return k - 1 if g.lemma(words[k - 1].text) in g.DOCUMENT_NOUNS else -1
    return next(
        (j for j in range(k + 1, min(len(words), k + 3)) if g.lemma(words[j].text) in g.DOCUMENT_NOUNS), -1
    )


def _is_document(g: ModuleType, words: Sequence[Word], k: int) -> bool:
    return _document_noun(g, words, k) >= 0


def document_at(g: ModuleType, words: Sequence[Word], i: int) -> int:
    """Where "в <document>" stands for the impersonal cue at word i: right after it ("говорится в
    сообщении"), or opening the words before it ("В сообщении Минфина говорится"); -1 if nowhere."""
    if _is_document(g, words, i + 1):
        return i + 1
    return next((k for k in range(max(0, i - MAX_DOCUMENT_LEAD), i - 1) if _is_document(g, words, k)), -1)


def _document_speaker(g: ModuleType, text: str, words: Sequence[Word], c: Cue, stop: int) -> Mention | None:
    """Whose the document of an impersonal cue is: the genitive after it ("в сообщении Минфина", "в
    сообщении на сайте ведомства"); None when the document is no one's ("в официальном сообщении")."""
    k = document_at(g, words, c.index)
    if k < 0:
        return None
    n = _document_noun(g, words, k) + 1
    if (
        n + 1 < len(words)
        and words[n].low in ("на", "в", "во")
        and g.lemma(words[n + 1].text) in g.DOCUMENT_PLACES
    ):
        n += 2
    hi = c.index if k < c.index else min(stop, n + MAX_SUBJECT_WORDS)
    return phrase(g, text, words, n, hi, GENT, "", False) if n < hi else None


def after_cue(g: ModuleType, text: str, words: Sequence[Word], c: Cue, stop: int) -> Mention | None:
    if c.lemma in g.DOCUMENT_CUE_LEMMAS:
        return _document_speaker(g, text, words, c, stop)
    for k in range(c.index + 1, min(stop, c.index + 1 + WORDS_OF_GAP)):
        if (
            words[k].low in g.WORDS_OF
        ):  # "приводит ТАСС слова господина Улюкаева": the genitive is the speaker
            own = words[k - 1].low if k - 1 > c.index else ""
            if own in g.PRONOUNS and g.PRONOUNS[own][1] == "gent":  # "приводит ТАСС его слова"
                return Mention(
                    "pronoun",
                    words[k - 1].start,
                    words[k - 1].end,
                    words[k - 1].text,
                    gender=g.PRONOUNS[own][0],
                )
            m = phrase(g, text, words, k + 1, min(stop, k + 1 + MAX_SUBJECT_WORDS), GENT, "", False)
            return None if m is not None and m.text.casefold() in g.OUTLETS else m  # "сообщение РИА Новости"
    want = ACCS if c.lemma in g.OBJECT_SPEAKER_LEMMAS else NOMN
    m = phrase(g, text, words, c.index + 1, min(stop, c.index + 1 + MAX_SUBJECT_WORDS), want, c.gender, False)
    if want is ACCS and (m is None or m.text.casefold() in g.OUTLETS):
        # "цитирует Новака РИА «Новости»" (a surname the dictionary does not know, read as animate),
        # "цитирует официальный сайт клуба Разина" (the one quoted after the site that quotes him)
        for k in range(c.index + 1, min(stop, c.index + 1 + MAX_SUBJECT_WORDS)):
            w = words[k]
            rs = g.parses(w.text)
            surname = [r for r in rs if r.anim and "accs" in r.cases and (not r.known or r.name == "Surn")]
            if w.cap and surname and w.low not in g.OUTLETS and (k == c.index + 1 or rs[0].name == "Surn"):
                gender = surname[0].gender if surname[0].gender in ("m", "f") else ""
                return Mention(
                    "name", w.start, w.end, w.text, name=surname[0].lemma.capitalize(), gender=gender
                )
    return m


def nearest(cs: Sequence[Cue], words: Sequence[Word], at: int) -> Cue | None:
    before = [c for c in cs if words[c.index].end <= at]
    if before:
        return before[-1]
    return cs[0] if cs else None


def subject(
    g: ModuleType, text: str, words: Sequence[Word], cs: Sequence[Cue], c: Cue, quotes: Sequence[Quote]
) -> tuple[Mention | None, str]:
    """The speaker phrase of a cue in the writer's sentence: before it (nearest), else after it."""
    a = c.index
    while a > 0 and c.index - a < MAX_SUBJECT_WORDS:
        gap = text[words[a - 1].end : words[a].start]
        if ":" in gap or any(
            words[a - 1].end <= q.open < words[a].start and not is_title(text, q) for q in quotes
        ):
            break
        a -= 1
    m = phrase(g, text, words, a, c.index, NOMN, c.gender, True)
    if m is not None and m.kind == "org" and _COORDINATED_RE.search(text, m.end, words[c.index].start):
        # "Он выразил благодарность миссии МАГАТЭ, а также сказал, что …": the first verb's subject
        first = phrase(g, text, words, 0, min(2, c.index), NOMN, c.gender, False)
        m = first if first is not None and first.kind in ("pronoun", "name") else m
    if m is None:
        m = _coordinated_subject(g, text, words, c, quotes)
    if m is None:
        stop = c.index + 1
        while (
            stop < len(words)
            and stop - c.index <= MAX_SUBJECT_WORDS
            and "," not in text[words[stop - 1].end : words[stop].start]
        ):
            stop += 1
        m = after_cue(g, text, words, c, stop)
    if m is None and a < c.index:
        m = _in_org(g, text, words, a, c.index)
    if (
        m is None
        and a > 0
        # "Первый вице-премьер X", "Главный тренер X", "Жозе Коусейру": a role or a name opens it
        and any(w.low[:4] in g.ROLE_PREFIXES or any(r.name for r in g.parses(w.text)) for w in words[:3])
    ):
        m = _opening_subject(g, text, words, c)
    return m, c.gender


def _coordinated_subject(
    g: ModuleType, text: str, words: Sequence[Word], c: Cue, quotes: Sequence[Quote]
) -> Mention | None:
    """The subject of the verb a cue is coordinated with: "Чиновник назвал её «испытанием» и
    рассказал, что …", "Захарова назвала … «список Магнитского» и заявила, что …" (the search back
    from the cue stopped at the quote; the speaker is the first verb's, of the cue's gender)."""
    k = c.index - 1
    while k > 0 and words[k].low in ("также", "затем", "потом"):
        k -= 1
    if k <= 0 or words[k].low not in ("и", "а"):
        return None
    for v in range(k - 1, max(-1, k - 1 - COORDINATED_VERB_WORDS), -1):
        rs = g.parses(words[v].text)
        if not rs or rs[0].pos != "VERB":
            continue
        if c.gender and rs[0].gender not in ("", c.gender):
            return None  # another person's verb ("… сказал он, и заявила …")
        a = v
        while a > 0 and v - a < MAX_SUBJECT_WORDS:
            gap = text[words[a - 1].end : words[a].start]
            if ":" in gap or any(
                words[a - 1].end <= q.open < words[a].start and not is_title(text, q) for q in quotes
            ):
                break
            a -= 1
        return phrase(g, text, words, a, v, NOMN, c.gender, True) if a < v else None
    return None


_DATELINE_END_RE = re.compile(r"\s[-—–]\s+$")  # the dash after an agency's dateline


def _in_org(g: ModuleType, text: str, words: Sequence[Word], a: int, cue: int) -> Mention | None:
    """ "В Кремле заявили", also after a time word ("Ранее в Кремле заявили"); an abbreviation the
    dictionary does not know right before the cue is an organisation too ("в ФХЛ не исключили")."""
    while (
        a < cue
        and words[a].low not in ("в", "во")
        and (words[a].low in g.TIME_WORDS or words[a].low == "ранее")
    ):
        a += 1
    if a < cue and words[a].low not in ("в", "во"):  # "Москва. 17 мая. INTERFAX.RU - В министерстве …"
        a = next(
            (
                k
                for k in range(a + 1, cue)
                if words[k].low in ("в", "во")
                and _DATELINE_END_RE.search(text, words[k - 1].end, words[k].start)
            ),
            a,
        )
    if a >= cue - 1 or words[a].low not in ("в", "во"):
        return None
    m = phrase(g, text, words, a + 1, cue, frozenset({"loct"}), "", False)
    if m is not None and m.kind == "org":
        return m
    w = words[a + 1]
    rest = [x.low for x in words[a + 2 : cue]]
    if len(w.text) >= 2 and w.text.isupper() and w.text.isalpha() and rest in ([], ["не"]):
        return Mention("org", w.start, w.end, w.text, name=w.text)
    return None


MAX_OPENING_NAME_WORDS = 8  # "Главный тренер московского «Локомотива» Жозе Коусейру"


def _opening_subject(g: ModuleType, text: str, words: Sequence[Word], c: Cue) -> Mention | None:
    """A person named at the sentence's start, far before the cue with no other verb between: "Главный
    тренер «Локомотива» X на пресс-конференции, посвящённой …, заявил, что …"."""
    m = phrase(g, text, words, 0, min(c.index, MAX_OPENING_NAME_WORDS), NOMN, c.gender, False)
    # "Мэр, претендующий на третий срок …, сказал, что": a role set off by a comma is the subject too
    role = m is not None and m.kind == "role" and text[m.end : m.end + 1] == ","
    if m is None or (m.kind != "name" and not role) or (m.np_start if m.np_start >= 0 else m.start) != words[0].start:
        return None
    between = [w for w in words[: c.index] if w.start >= m.end]
    # another verb of the subject's (its gender) between: the cue is someone else's; a relative
    # clause's verb of another gender ("которое оппозиция подвергла бойкоту") is no such verb
    verbs = [r for w in between for r in g.parses(w.text)[:1] if r.pos == "VERB"]
    return None if any(r.gender in ("", c.gender) or not c.gender for r in verbs) else m


def is_title(text: str, q: Quote) -> bool:
    """A short quote that opens with a capital inside the writer's sentence names something (a channel,
    an outlet, an operation: «Северный курьер», "Федорищев. Официально"); a quoted phrase of someone's
    words runs on in lower case («сознательно обостряют ситуацию»)."""
    content = text[q.start : q.end].strip()
    if not content or len(content.split()) > MAX_TITLE_WORDS:
        return False
    # "в ходе «горячей линии»", "в рамках «прямой линии»": an event's name, in lower case too
    return content[0].isupper() or _EVENT_RE.search(text, max(0, q.open - 12), q.open) is not None


_EVENT_RE = re.compile(r"(?:^|\s)(?:в ходе|во время|в рамках)\s*$", re.IGNORECASE)


# Before a quoted phrase that is shown, not said: "такие как", "так называемый", a noun naming the
# phrase itself (понятие, термин, формулировка, лозунг …), also for the next quotes of a list after it.
_SHOWN_RE = re.compile(
    r"(?:\bтак\w*,?\s+как|\bтак\s+называем\w*|\b(?:понят|термин|формулировк|выражени|лозунг|слоган|хэштег)\w*)"
    r"\s*(?:«[^«»]{1,80}»\s*,\s*(?:и\s+)?)*\Z",
    re.IGNORECASE,
)
_SHOWN_WINDOW = 300


def is_shown(text: str, q: Quote) -> bool:
    """A quoted phrase the writer shows as a phrase ("формулировки, такие как «депутаты предложили»,
    «в Госдуме намерены»", понятие «ежедневный брифинг»): nobody's words in this sentence."""
    return _SHOWN_RE.search(text, max(0, q.open - _SHOWN_WINDOW), q.open) is not None


def trim_end(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1] in _END_PUNCT:
        hi -= 1
    return hi


def trim_comma(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1] in _END_PUNCT + ",—–―−-":
        hi -= 1
    return hi
