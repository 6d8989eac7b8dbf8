"""The headline of an article read by lemma (Russian): the people it names, and its statement.

    para = headline_para(text)                 the headline's line, found once per article
    learn_headline(g, text, para, people)      the people the headline names ("Набиуллина раскрыла …")
    learn_above(g, text, upto, people)         the people the other lines above the body name
    headline_statement(g, text, para, people)  "Имя: слова", "слова - Имя" as the speaker's statement

The headline is the first line of the first paragraph, past a page's menu line, a timestamp or a
breadcrumb line above it ("Показать ещё Все новости", "16:00 23.07.2007 | Все новости раздела …").
"""

from __future__ import annotations

import re
from types import ModuleType

from watchers.statements.boilerplate import is_headline
from watchers.statements.lemmacues import NOMN
from watchers.statements.lemmanamed import names_in
from watchers.statements.lemmaspeakers import People, phrase
from watchers.statements.resolve import Attributed
from watchers.statements.sentences import paragraphs

_HEADLINE_RE = re.compile(r"^([^:«»\"]{2,60}?):\s+(\S.*?)[\s.!?…]*$")
# "Первый брифинг … будет посвящен коронавирусу - Зеленский": the words, a dash, the speaker.
_TAIL_HEADLINE_RE = re.compile(r"^(\S.*?\S)\s+[-–—]\s+([^-–—:«»\"\d]{2,40}?)[\s.!?…]*$")
_MIN_TAIL_WORDS = 4
# A headline's speaker before what the words are about: "Поздняков о работе в ОКР: «…»".
# Agencies write a dash before "о" too: "Поздняков - о работе в ОКР: …".
_ABOUT_RE = re.compile(r"(\S.{0,40}?)(?:\s+[-–—])?\s+(?:о|об|про)\s")


def learn_headline(g: ModuleType, text: str, para: tuple[int, int] | None, people: People) -> None:
    """The people the headline `para` names ("Набиуллина раскрыла ..."): the body may name them by
    role only."""
    if para is not None and is_headline(text[para[0] : para[1]], True):
        for m, _ in names_in(g, text, g.words(text, *para)):
            people.headline.append(
                people.person(m, 0)
            )  # as salient as the first word: a pronoun may stand for them


def learn_above(g: ModuleType, text: str, upto: int, people: People) -> None:
    """The people named in the headline-like lines above the body (a subhead, a lead with no final
    stop: "Президент Владимир Путин заявил, что …" over "…, - сказал Путин"), as the headline's are:
    the body may name them by surname only. They are no statements, and not the headline's people."""
    for lo, hi in paragraphs(text[:upto]):
        if is_headline(text[lo:hi], False):
            for m, _ in names_in(g, text, g.words(text, lo, hi)):
                people.person(m, 0)


# A page's menu line above the headline ("Войти в почту", "Показать ещё Все новости"): at most this many words.
_MENU_WORDS = 4


# A line above the headline in the same paragraph: a time or date, a breadcrumb with "|", or a
# rubric with the date and time after it ("Россия и мир 23 мая 2023 г. 13:08").
_PRELUDE_RE = re.compile(r"\s*(?:\d{1,2}:\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})\b|.*\s\|\s|.*\s\d{1,2}:\d{2}\s*$")


def headline_para(text: str) -> tuple[int, int] | None:
    """The headline's paragraph: the first, or the second when the first is a short menu line."""
    paras = paragraphs(text)
    while len(paras) > 1 and _prelude(text, *paras[0]):
        paras = paras[1:]  # "16:00 23.07.2007 | Все новости раздела …" above the headline
    if len(paras) > 1 and ":" not in text[paras[0][0] : paras[0][1]]:
        first = text[paras[0][0] : paras[0][1]].split()
        if len(first) <= _MENU_WORDS and not first[-1].endswith((".", "!", "?", "»", '"')):
            paras = paras[1:]  # the menu line; then perhaps a timestamp ("Интерфакс-Украина" over "11:47 …")
            while len(paras) > 1 and _prelude(text, *paras[0]):
                paras = paras[1:]
    return _first_line(text, paras[0]) if paras else None


def _prelude(text: str, lo: int, hi: int) -> bool:
    """A paragraph above the headline: a timestamp or breadcrumb line, with at most a short line of
    the agency's or rubric's name beside it ("Интерфакс-Украина" over "11:47 04.03.2024")."""
    lines = [line for line in text[lo:hi].split("\n") if line.strip()]
    dated = [line for line in lines if _PRELUDE_RE.match(line)]
    return bool(dated) and all(line in dated or len(line.split()) <= _MENU_WORDS for line in lines)


def _first_line(text: str, para: tuple[int, int]) -> tuple[int, int]:
    """A paragraph's first line: the headline, not the "Комментарии" link under it, nor a timestamp
    or breadcrumb line above it ("16:00 23.07.2007 | Все новости раздела …")."""
    lo, hi = para
    nl = text.find("\n", lo, hi)
    while nl > 0 and _PRELUDE_RE.match(text, lo, nl):
        lo = nl + 1
        nl = text.find("\n", lo, hi)
    return (lo, nl) if nl > 0 else (lo, hi)


def headline_statement(
    g: ModuleType, text: str, para: tuple[int, int] | None, people: People
) -> Attributed | None:
    """ "Веснин: Кремль рад итогам встречи" as the headline `para`: the part after the colon is the
    speaker's."""
    if para is None:
        return None
    found = _headline_words(g, text, para, people)
    sub = _subhead(text, para) if found is None else None
    return found if sub is None else _headline_words(g, text, sub, people)


def _subhead(text: str, para: tuple[int, int]) -> tuple[int, int] | None:
    """The line under the headline when it is a headline too, of the "Имя: слова" kind ("В Госдуму
    внесли законопроект" over "Володин: В ГД внесен проект закона …"); None otherwise."""
    nxt = next((p for p in paragraphs(text) if p[0] > para[1]), None)
    if nxt is None:
        return None
    lo, hi = _first_line(text, nxt)  # over the byline ("Володин: …" over "Алан Босиков")
    return (lo, hi) if ":" in text[lo:hi] and is_headline(text[lo:hi], True) else None


def _headline_words(
    g: ModuleType, text: str, para: tuple[int, int], people: People
) -> Attributed | None:
    lo, hi = para
    line = text[lo:hi]
    m = _HEADLINE_RE.match(line)
    tail = None if m is not None else _TAIL_HEADLINE_RE.match(line)  # "Брифинг будет посвящен … - Зеленский"
    if (m is None and tail is None) or not is_headline(line, True):
        return None
    if m is not None:
        about = _ABOUT_RE.match(line, 0, m.end(1))  # "Поздняков о работе в ОКР: «…»"
        who_lo, who_end, a, b = lo, lo + (about.end(1) if about else m.end(1)), lo + m.start(2), lo + m.end(2)
    elif tail is not None and len(tail.group(1).split()) >= _MIN_TAIL_WORDS:
        who_lo, who_end, a, b = lo + tail.start(2), lo + tail.end(2), lo, lo + tail.end(1)
    else:
        return None
    ws = g.words(text, who_lo, who_end)
    who = phrase(g, text, ws, 0, len(ws), NOMN, "", True)
    if (
        who is None
        or (who.np_start if who.np_start >= 0 else who.start) != who_lo
        or who.end != who_end
        or who.kind not in ("name", "role", "org")
    ):
        return None
    kind = "indirect"
    if (text[a] in g.QUOTE_PAIRS and text[b - 1] == g.QUOTE_PAIRS[text[a]]) or (
        text[a] == text[b - 1] == g.STRAIGHT_DOUBLE and b - a > 2
    ):
        a, b, kind = a + 1, b - 1, "direct"
    ent = people.resolve(who, lo)
    if ent is None:
        return None
    return Attributed(a, b, kind, who, None, lo, False, ent, True)  # type: ignore[arg-type]
