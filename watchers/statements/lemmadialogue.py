"""Dash speech in Russian copy, for the lemma passes (lemmaextract): a paragraph opening with a dash is
direct speech without marks, up to its attribution or the paragraph's end; one that ends with its
dashed attribution and speaks in the first or second person is too; an interview's turns.

    dialogue(g, text, paras, quotes) -> [Quote]      turn(text, lo, hi, before) -> str
"""

from __future__ import annotations

import re
from types import ModuleType

from watchers.statements.lemmacues import cues, is_title
from watchers.statements.quotemarks import Quote

DIALOGUE_RE = re.compile(r"[—–―−-] (?=\S)")
# A dash paragraph that opens in lower case attributes the speech above it: "- сказал Осипов."
TRAILER_RE = re.compile(r"[—–―−-] [а-яё]")
_DIALOGUE_END_RE = re.compile(r"[,.!?…]\s+(?:[—–―−]|-)\s+(?=[а-яё])")
# The speech going on after the attribution: "– …, – сказал X. – Не будем …"
_DIALOGUE_ON_RE = re.compile(r"[.:]\s+(?:[—–―−]|-)\s(?=\S)")


def dialogue(g: ModuleType, text: str, paras: list[tuple[int, int]], quotes: list[Quote]) -> list[Quote]:
    """A paragraph opening with a dash is direct speech without marks (interviews, sports copy):
    "— Решение еще не принято, — заявил Морозов." is a quote up to the attribution's dash, or to the
    paragraph's end. A question with no attribution is the interviewer's and left out."""
    out: list[Quote] = []
    opened = {q.open: q for q in quotes}
    for k, (lo, hi) in enumerate(paras):
        nxt = paras[k + 1][0] if k + 1 < len(paras) else -1
        if text[hi - 1] == "," and nxt >= 0 and TRAILER_RE.match(text, nxt) and not any(lo <= q.open < hi for q in quotes):
            out.append(Quote(lo, lo, hi - 1, hi - 1))  # "…, готовность уже 75%," over "— рассказал мэр."
            continue
        if out and lo < out[-1].close:
            continue  # the dash speech above goes on in it
        if (end := _speech_before_attribution(g, text, lo, hi, quotes)) > lo:
            out.append(Quote(lo, lo, end, end))  # "Очень отвлекает, — сказал Лавров.": no dash opens it
            continue
        if not DIALOGUE_RE.match(text, lo) or TRAILER_RE.match(text, lo):
            continue
        q0 = opened.get(lo + 2)  # "— «…», — сказал X": a quote after the dash, not dash speech
        if q0 is not None and not (is_title(text, q0) and text[q0.close : q0.close + 2].strip()[:1].isalpha()):
            continue  # but "— «Витязь» с победой, — …" is dash speech opening with a club's name
        on = _goes_on(text, paras[k + 1], quotes) if k + 1 < len(paras) else -1
        if on >= 0 and not _DIALOGUE_END_RE.search(text, lo + 2, hi) and text[trim_end(text, lo, hi) - 1] != "?":
            out.append(Quote(lo, lo + 2, on, on, 2))  # "– …\n\n…, – рассказал Поздняков."
            continue
        m = _DIALOGUE_END_RE.search(text, lo + 2, hi)
        if m is not None:
            end = m.start() + (1 if text[m.start()] in "?!…" else 0)
            out.append(Quote(lo, lo + 2, end, end))
            more = _DIALOGUE_ON_RE.search(text, m.end(), hi)  # "– …, – сказал X. – Не будем …"
            if more is not None and not any(more.end() <= q.open <= more.end() + 1 for q in quotes):
                out.append(Quote(more.end() - 2, more.end(), trim_end(text, more.end(), hi), hi))
            continue
        end = trim_end(text, lo + 2, hi)
        if text[end : end + 1] != "?" and text[end - 1 : end] != "?":
            out.append(Quote(lo, lo + 2, end, hi))
    return out


# The attribution ending a paragraph that goes on with the dash speech above it: "…, – рассказал X."
_ATTRIBUTION_WORDS = 5


def _speech_before_attribution(g: ModuleType, text: str, lo: int, hi: int, quotes: list[Quote]) -> int:
    """Where the speech of a paragraph with no marks and no opening dash ends, when the paragraph ends
    with its attribution after a dash, a cue first ("Можете не махать рукой? Очень отвлекает, —
    сказал Лавров.": direct speech as some sites print it); else lo."""
    if not text[lo].isupper() or DIALOGUE_RE.match(text, lo) or any(lo <= q.open < hi for q in quotes):
        return lo
    m = None
    for m in _DIALOGUE_END_RE.finditer(text, lo, hi):  # noqa: B007 - the last one
        continue
    if m is None or len(text[m.end() : hi].split()) > _ATTRIBUTION_WORDS:
        return lo
    if not any(c.index == 0 and c.pos != "GRND" for c in cues(g, g.words(text, m.end(), hi))):
        return lo
    end = m.start() + (1 if text[m.start()] in "?!…" else 0)
    said = g.words(text, lo, end)
    # the speaker's own voice, and no report or dash speech of the writer's before it ("X ушёл на
    # больничный. Сам министр чувствует себя хорошо, — сказал …" is not one person's speech)
    if not any(w.low in g.SPEAKERS_VOICE for w in said) or cues(g, said) or _SPEECH_INSIDE_RE.search(text, lo, end):
        return lo
    return end


_SPEECH_INSIDE_RE = re.compile(r"\s[—–―−-]\s+[А-ЯЁ]")


def _goes_on(text: str, para: tuple[int, int], quotes: list[Quote]) -> int:
    """Where the dash speech of the paragraph above ends in this one, when this one opens with no dash
    or mark and ends with the attribution ("Занимались …, – рассказал Поздняков."); else -1."""
    lo, hi = para
    if DIALOGUE_RE.match(text, lo) or any(lo <= q.open < hi for q in quotes):
        return -1
    m = None
    for m in _DIALOGUE_END_RE.finditer(text, lo, hi):  # noqa: B007 - the last one
        continue
    if m is None or len(text[m.end() : hi].split()) > _ATTRIBUTION_WORDS or not text[lo].isupper():
        return -1
    return m.start() + (1 if text[m.start()] in "?!…" else 0)


# An interviewer's remark between answers is short ("- Пожалуйста."); a longer dash paragraph after an
# answer goes on with it.
_MAX_REMARK_WORDS = 12


def turn(text: str, lo: int, hi: int, before: str) -> str:
    """An interview's turns: a dash paragraph ending in "?" is a question; the dash paragraph after a
    question is the answer, the one after an answer the interviewer's remark ("- Пожалуйста.")."""
    if not DIALOGUE_RE.match(text, lo):
        return ""
    if text[lo:hi].rstrip().endswith("?"):
        return "question"
    if before == "answer" and len(text[lo:hi].split()) <= _MAX_REMARK_WORDS:
        return "remark"
    return "answer" if before in ("question", "remark", "answer") else ""


def trim_end(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1] in " \t\n.!…":
        hi -= 1
    return hi
