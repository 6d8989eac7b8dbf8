"""Agency-style long titles in front of a name ("Minister of Transport and Communications Petra
Lind", "Official Representative of the Ministry of Foreign Affairs ..."): where they start and end,
and where the name that follows them begins.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.lang import en as lang
from watchers.statements.mentions import strip_possessive
from watchers.statements.sentences import Token

# A long title runs to at most this many tokens before the name (the longest cabinet titles do).
MAX_LONG_TITLE_TOKENS = 30


def title_word(tok: Token) -> bool:
    low = tok.low.rstrip(".")
    return (
        tok.kind == "w"
        and tok.cap
        and (low in lang.TITLE_WORDS or low in lang.ROLE_NOUNS)
        and low not in lang.ORG_HEADS  # "Ministry of Defence" is an organisation's name
    )


def _title_part(tokens: Sequence[Token], k: int) -> bool:
    """Can token k sit inside a long title (a capitalised word, a link word, a comma between two
    capitalised words: "Committee on International Affairs, Defence and Security")?"""
    t = tokens[k]
    if t.kind == "w":
        return t.cap or t.low in lang.TITLE_LINKS
    return t.text == "," and 0 < k < len(tokens) - 1 and tokens[k - 1].cap and tokens[k + 1].cap


def long_title_start(tokens: Sequence[Token], a: int, lo: int) -> int:
    """Where an agency-style title in front of the noun phrase starting at token a begins, or a
    itself. "...of the Russian Federation Gennady Voronkov": the phrase only counts as a title when
    it opens, at a sentence start or after a lowercase word, with a title or role word followed by
    "of"/"for" ("Official Representative of", "Deputy Minister of") or an organisation ("The
    Ministry of Defence of ...")."""
    if a - 1 < lo or tokens[a - 1].kind != "w" or tokens[a - 1].low not in lang.TITLE_LINKS:
        return a
    k = a
    while k - 1 >= lo and a - k < MAX_LONG_TITLE_TOKENS and _title_part(tokens, k - 1):
        k -= 1
    # the title's opening: the first title/organisation word whose next link word is of/for
    for x in range(k, a):
        t = tokens[x]
        if t.kind != "w" or not t.cap or t.low in lang.TITLE_LINKS:
            if t.low == "the" and t.cap:
                continue  # "The Ministry of Defence of ..."
            return a
        if title_word(t) or strip_possessive(t.low) in lang.ORG_HEADS:
            nxt = x + 1
            while nxt < a and tokens[nxt].cap and title_word(tokens[nxt]):
                nxt += 1  # "Official Representative", "Deputy Chairman"
            if nxt < a and tokens[nxt].low in ("of", "for"):
                return k
            return a
    return a


def long_title_end(tokens: Sequence[Token], i: int, hi: int) -> int:
    """The end of a noun phrase that opens at token i with an agency-style title ("Minister of
    Transport and Communications Petra Lindqvist-Marović"), or i when it does not."""
    k = i
    while k < hi and k - i < 2 and tokens[k].cap and not title_word(tokens[k]):
        k += 1  # "Malaysian Deputy Minister of ..."
    t0 = k
    while k < hi and title_word(tokens[k]):
        k += 1
    if k == t0 or k >= hi or tokens[k].low not in ("of", "for"):
        return i
    while (
        k < hi
        and k - i < MAX_LONG_TITLE_TOKENS
        and (_title_part(tokens, k) or tokens[k].text in ("-", "’", "'"))
    ):
        k += 1
    while k > i and tokens[k - 1].kind == "w" and tokens[k - 1].low in lang.TITLE_LINKS:
        k -= 1
    return k


def split_long_title(name_toks: list[Token]) -> list[Token]:
    """ "Kazakhstan Aidos Serikbayev", "Industry Azlan bin Hamid": the last words of a long title run
    into the name with no comma. The name starts at a known given name, else at the word before a
    name particle ("bin", "van"), else it is the last two words (given name and surname)."""
    # word units: "Lindqvist-Marović" is one
    words = [
        k
        for k, t in enumerate(name_toks)
        if t.kind == "w" and not (k >= 1 and name_toks[k - 1].text == "-" and name_toks[k - 1].end == t.start)
    ]
    if len(words) < 3:
        return name_toks
    for k in words[:-1]:
        if name_toks[k].low in lang.MALE_NAMES or name_toks[k].low in lang.FEMALE_NAMES:
            return name_toks[k:]
    for n, k in enumerate(words[1:-1], start=1):
        if name_toks[k].low in lang.NAME_PARTICLES and not name_toks[k].cap:
            return name_toks[words[n - 1] :]
    return name_toks[words[-2] :]
