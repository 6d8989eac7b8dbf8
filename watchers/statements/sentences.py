"""Paragraphs, tokens and sentences, all as character offsets into the article text.

A regex splitter rather than pysbd: pysbd measured ~0.13 MB/s here, a tenth of the budget for the
whole extraction (>= 1 MB/s). Quotes are single tokens, so a sentence never breaks inside one; a quote
ending in . ? ! ends its sentence unless an attribution follows ("Why?" Doe asked).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.statements.lang import en as lang
from watchers.statements.quotemarks import Quote

# A line this long that ends mid-sentence was wrapped by the writer's tool: join it with the next.
WRAPPED_LINE_CHARS = 65
# Tokens a word count walks before it counts by the block's prefix numbers (count_prefixes).
WALK_TOKENS = 32
# How far after a quote to look for its attribution before deciding the quote ended a sentence.
ATTRIBUTION_LOOKAHEAD = 7

# A quote's signature after a dash is a name and a short apposition ("― Jo Bray, 34, a nurse in Leeds.").
SIGNATURE_TOKENS = 14
SIGNATURE_DASHES = ("—", "–", "―", "-", "--")

_TOKEN_RE = re.compile(
    r"(?P<abbr>(?:[A-Za-z]\.){2,})"  # U.S. a.m.
    r"|(?P<num>\d[\d.,:]*\d%?|\d%?)"
    r"|(?P<word>[^\W\d_][\w\-]*(?:['’]\w+)*)(?P<dot>\.)?"
    r"|(?P<punct>\.\.\.|…|[.!?]+|[,;:()\[\]—–]|-+|\S)"
)
# Token kind by the index of _TOKEN_RE's last matched group ("." a word followed by a period: split
# apart or not; groups: 1 abbr, 2 num, 4 dot after 3 word, 5 punct); the index is cheaper than the name.
_INDEX_KIND = ("p", "w", "n", "w", ".", "p")
_POSSESSIVE_ENDS = ("’s", "'s")
_LINE_RE = re.compile(r"[^\n]+")
# How far from a line's end a signed quote's closing mark may be ('." ― Ana Ruiz, 34, a nurse in Leeds').
SIGNED_END_CHARS = 80
_SIGNED_END = re.compile(r"[\"”’']\s*[—–―]\s*[A-Z][^\"“”—–―]*$")
_TERMINAL = (".", "!", "?", "…", "...")
# What the token after a sentence's end may be: a capital, a quote, a number, an opening bracket or dash.
_STARTS_KINDS = ("q", "n")
_STARTS_TEXTS = ("(", "[", "—", "–")
# A party label's dotted state split by the tokenizer ("D-N" "." "Y."): that dot ends no sentence.
_LABEL_STATE_HEAD = re.compile(r"^[DRI]-[A-Z]$")
_LINE_END_PUNCT = tuple(".!?:;\"”»’')…")


# A token text's (casefolded, starts upper-case, casefolded without a possessive ending): the same
# words recur across tokens and articles, so each text is folded once (the cache is emptied when full).
_FORMS: dict[str, tuple[str, bool, str]] = {}
FORMS_CACHE_SIZE = 100_000


def _forms(text: str) -> tuple[str, bool, str]:
    low = text.casefold()
    # without a possessive ending: "ministry’s" -> "ministry" (cheap test first: most words end otherwise)
    bare = low[:-2] if low[-1] == "s" and low[-2:] in _POSSESSIVE_ENDS and len(low) > 2 else low
    forms = (low, text[0].isupper(), bare)
    if len(text) <= 40:  # words, not whole quotes
        if len(_FORMS) >= FORMS_CACHE_SIZE:
            _FORMS.clear()
        _FORMS[text] = forms
    return forms


class Token:
    """One word, number, punctuation mark or whole quote ("q") of a paragraph block."""

    __slots__ = ("bare", "cap", "end", "kind", "low", "nquotes", "nwords", "quote", "start", "text")
    nwords: int
    nquotes: int

    def __init__(self, text: str, start: int, end: int, kind: str, quote: int = -1) -> None:
        self.text = text
        forms = _FORMS.get(text)
        if forms is None:
            forms = _forms(text)
        self.low, upper, self.bare = forms
        self.start = start
        self.end = end
        self.kind = kind  # "w" word, "n" number, "p" punctuation, "q" quote
        self.quote = quote  # index into the article's quotes when kind == "q"
        self.cap = kind == "w" and upper
        # nwords / nquotes: words / numbers and quotes before this token in its block (count_prefixes),
        # unset until counted (read through _UNCOUNTED: one store less per token for each)

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.kind})"


_new_token = object.__new__
# A token's nwords / nquotes before count_prefixes numbers its block (the slots are left unset).
_UNCOUNTED = -1


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-empty paragraphs as (start, end), stripped. Each line is a paragraph, except that lines of
    text hard-wrapped inside blank-line-separated paragraphs are joined back."""
    lines = [(m.start(), m.end()) for m in _LINE_RE.finditer(text)]
    lines = [_strip(text, a, b) for a, b in lines]
    lines = [(a, b) for a, b in lines if b > a]
    wrapped = "\n\n" in text or "\n \n" in text
    out: list[tuple[int, int]] = []
    for a, b in lines:
        if out and wrapped and _joins(text, out[-1], a):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _joins(text: str, prev: tuple[int, int], start: int) -> bool:
    """Is the line at `start` the continuation of `prev` (same paragraph, only a single newline apart)?"""
    gap = text[prev[1] : start]
    if gap.count("\n") != 1:
        return False
    first = text[start]
    if first.islower():
        return True
    last_line_start = text.rfind("\n", prev[0], prev[1]) + 1 or prev[0]
    if prev[1] - last_line_start < WRAPPED_LINE_CHARS or text[prev[1] - 1] in _LINE_END_PUNCT:
        return False
    # '"..." ― Jo Bray' ends its line whole: a signed quote, one a line (a vox pop), is no wrap
    return _SIGNED_END.search(text, max(last_line_start, prev[1] - SIGNED_END_CHARS), prev[1]) is None


def tokenize(text: str, lo: int, hi: int, quotes: Sequence[tuple[int, Quote]]) -> list[Token]:
    """Tokens of text[lo:hi]; each quote (given with its index, in order, inside the range) is one token."""
    out: list[Token] = []
    pos = lo
    for qi, q in quotes:
        _words(text, pos, q.open, out)
        out.append(Token(text[q.open : q.close], q.open, q.close, "q", qi))
        pos = q.close
    _words(text, pos, hi, out)
    return out


def _words(text: str, lo: int, hi: int, out: list[Token]) -> None:
    if hi <= lo:
        return
    append = out.append
    abbreviations = lang.ABBREVIATIONS
    kinds = _INDEX_KIND
    forms_of = _FORMS.get
    new = _new_token
    for m in _TOKEN_RE.finditer(text, lo, hi):
        kind = kinds[m.lastindex or 0]
        a, b = m.span()
        if kind == ".":
            # "Corp." / "R." keep their period; "said." is a word and a full stop
            stem = m.group(3)
            b = a + len(stem)
            if stem.casefold() in abbreviations or (len(stem) == 1 and stem.isupper()):
                append(Token(stem + ".", a, b + 1, "w"))
            else:
                append(Token(stem, a, b, "w"))
                append(Token(".", b, b + 1, "p"))
            continue
        # Token(word, a, b, kind) without the call of __init__: ~700 tokens an article
        word = m.group()
        forms = forms_of(word) or _forms(word)
        tok = new(Token)
        tok.text = word
        tok.low, upper, tok.bare = forms
        tok.start = a
        tok.end = b
        tok.kind = kind
        tok.quote = -1
        tok.cap = upper and kind == "w"
        append(tok)


def count_prefixes(toks: Sequence[Token]) -> None:
    """Number each token of a block by the words and quotes before it, so that "how many words
    between a and b" is a subtraction (counting them per cue was quadratic in a long sentence).
    Done on first need (at_least_words, has_quote): any contiguous run of one block's tokens gives
    the same differences, whichever run was numbered."""
    words = quotes = 0
    for t in toks:
        t.nwords = words
        t.nquotes = quotes
        kind = t.kind
        if kind == "w" or kind == "n":
            words += 1
        elif kind == "q":
            quotes += 1


def at_least_words(toks: Sequence[Token], a: int, b: int, k: int) -> bool:
    """Does tokens[a:b] hold at least k words and numbers? A short walk settles nearly every case;
    a long run without words is counted by the block's prefix numbers."""
    b = min(b, len(toks))
    a = max(a, 0)
    if b - a < k:
        return False
    if getattr(toks[0], "nwords", _UNCOUNTED) >= 0:  # numbered already
        return _counted(toks, b, "nwords", ("w", "n")) - _counted(toks, a, "nwords", ("w", "n")) >= k
    found = 0
    for x in range(a, min(b, a + WALK_TOKENS)):
        if toks[x].kind in ("w", "n"):
            found += 1
            if found >= k:
                return True
    if b <= a + WALK_TOKENS:
        return False
    return _counted(toks, b, "nwords", ("w", "n")) - _counted(toks, a, "nwords", ("w", "n")) >= k


def has_quote(toks: Sequence[Token], a: int, b: int) -> bool:
    """Does tokens[a:b] hold a quote?"""
    b = min(b, len(toks))
    a = max(a, 0)
    if b <= a:
        return False
    if getattr(toks[0], "nquotes", _UNCOUNTED) >= 0:
        return _counted(toks, b, "nquotes", ("q",)) > _counted(toks, a, "nquotes", ("q",))
    for x in range(a, min(b, a + WALK_TOKENS)):
        if toks[x].kind == "q":
            return True
    if b <= a + WALK_TOKENS:
        return False
    return _counted(toks, b, "nquotes", ("q",)) > _counted(toks, a, "nquotes", ("q",))


def _counted(toks: Sequence[Token], i: int, field: str, kinds: tuple[str, ...]) -> int:
    """How many tokens of `kinds` come before toks[i] in its block (i may be len(toks))."""
    if getattr(toks[0], "nwords", _UNCOUNTED) < 0:
        count_prefixes(toks)
    if i < len(toks):
        return int(getattr(toks[i], field, _UNCOUNTED))
    last = toks[-1]
    return int(getattr(last, field, _UNCOUNTED)) + (last.kind in kinds)


def quote_is_terminal(text: str, q: Quote) -> bool:
    """Does the quoted text end a sentence (its last character inside the marks is . ! ? …)?"""
    j = q.end - 1
    while j >= q.start and (text[j].isspace() or text[j] in lang.ALL_MARKS):
        j -= 1
    return j >= q.start and text[j] in ".!?…"


def split_sentences(text: str, tokens: Sequence[Token], quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """Sentences of a block as (first token, end token) index ranges."""
    out: list[tuple[int, int]] = []
    n = len(tokens)
    begin = 0
    starters = lang.SENTENCE_STARTERS
    # only a terminal mark, a word ending in "." or a quote can end a sentence: the others are passed
    # over without looking at the next token
    for i in range(n - 1):
        tok = tokens[i]
        kind = tok.kind
        if kind == "p":
            t = tok.text
            if not (t in _TERMINAL or t[0] in "!?"):
                continue
            nxt = tokens[i + 1]
            brk = (nxt.cap or nxt.kind in _STARTS_KINDS or nxt.text in _STARTS_TEXTS) and not (
                t == "." and i > 0 and _LABEL_STATE_HEAD.match(tokens[i - 1].text)
            )
        elif kind == "w":
            t = tok.text
            if not (t[-1] == "." and len(t) > 1):
                continue
            # "U.S." or "Corp." ends a sentence only before a word that usually starts one.
            nxt = tokens[i + 1]
            brk = nxt.kind == "w" and nxt.cap and nxt.low in starters
        elif kind == "q" and quote_is_terminal(text, quotes[tok.quote]):
            # '"Why?" Doe asked.' stays one sentence; a quote closing a sentence of the writer's
            # ('... the 1962 film "The Glass Corridor." Wendt said ...') ends it.
            nxt = tokens[i + 1]
            starts_new = nxt.cap or nxt.kind in _STARTS_KINDS or nxt.text in _STARTS_TEXTS
            opens = all(t.kind == "p" for t in tokens[begin:i])
            brk = starts_new and not (
                opens and (_attribution_follows(tokens, i + 1) or signature_follows(tokens, i + 1, n))
            )
        else:
            continue
        if brk:
            out.append((begin, i + 1))
            begin = i + 1
    if begin < n:
        out.append((begin, n))
    return out


def signature_follows(tokens: Sequence[Token], i: int, e: int) -> bool:
    """'"..." ― Jo Bray, 34, a nurse.': a dash, then a name and its apposition to the sentence's
    end (a vox pop, a pull quote) sign the quote."""
    if i + 1 >= e or tokens[i].text not in SIGNATURE_DASHES or not tokens[i + 1].cap:
        return False
    for j in range(i + 1, min(e, i + 1 + SIGNATURE_TOKENS)):
        tok = tokens[j]
        if tok.kind == "q" or (tok.kind == "p" and tok.text not in (",", ".", "(", ")")):
            return False
        if tok.text == "." and j + 1 < e:
            return False
    return e - i - 1 <= SIGNATURE_TOKENS


def _attribution_follows(tokens: Sequence[Token], i: int) -> bool:
    """'"Why?" Doe asked.' - a reporting verb right after the quote keeps it in the same sentence;
    not one in a clause a subordinator or a conjunction opens ('"..." While critics welcomed ...')."""
    if i < len(tokens) and (tokens[i].low in lang.SUBORDINATORS or tokens[i].low in lang.OPENERS):
        return False
    for tok in tokens[i : i + ATTRIBUTION_LOOKAHEAD]:
        if tok.kind == "q" or (tok.kind == "p" and tok.text not in (",", "’", "'", "-", "—", "–")):
            return False
        if tok.kind == "w" and tok.low in lang.QUOTE_VERBS:
            return True
    return False
