"""Segment pass: an article's text as paragraphs, blocks, tokens and sentences.

    text ─► body paragraphs (noise lines and the headline set aside)
         ─► [quote spans: quotemarks.find_quotes]
         ─► blocks (paragraphs a quote runs across are one block) ─► tokens ─► sentences

Everything is character offsets into the text; a quote is one token ("q"), so no sentence breaks
inside one. A short quote between a first name and a surname is a nickname and is dropped here.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from watchers.statements.boilerplate import is_headline, is_noise
from watchers.statements.lang import en as lang
from watchers.statements.quotemarks import Quote
from watchers.statements.sentences import Token, paragraphs, split_sentences, tokenize

# A quoted nickname between a first name and a surname is this short (Pete "the Professor" Lindsay).
MAX_NICKNAME_WORDS = 4


@dataclass(slots=True)
class Sentence:
    """One sentence: tokens[s:e] of its block's tokens."""

    block: int  # index into Segments.blocks
    tokens: list[Token]  # the block's tokens, shared by its sentences
    s: int
    e: int
    quotes: list[int]  # token indices of its quotes, in order


@dataclass(frozen=True)
class Block:
    """A paragraph, or several a quote runs across, as tokens."""

    lo: int  # character offsets
    hi: int
    tokens: list[Token]
    sentences: range  # indices into Segments.sentences


@dataclass(frozen=True)
class Segments:
    """The segment pass's output: every later pass reads sentences (and blocks) from here."""

    text: str
    quotes: list[Quote]
    blocks: list[Block]
    sentences: list[Sentence]  # in reading order, across blocks


def body_paragraphs(text: str, grammar: ModuleType = lang) -> list[tuple[int, int]]:
    """The article's paragraphs as (start, end), without noise lines (in `grammar`'s patterns), the
    headline, subheads and links to other stories."""
    kept: list[tuple[int, int]] = []
    for a, b in paragraphs(text):
        line = text[a:b]
        if is_noise(line, grammar):
            continue
        if is_headline(line, not kept):
            continue  # the headline, a subhead or a link to another story
        kept.append((a, b))
    return kept


def segment(
    text: str,
    paras: Sequence[tuple[int, int]],
    quotes: list[Quote],
    exhausted: Callable[[int, int], bool] | None = None,
) -> Segments:
    """Blocks of tokens and their sentences, from the body paragraphs and the quote spans in them.
    `exhausted(position, tokens so far)` is asked after each block: True leaves the rest unread."""
    blocks: list[Block] = []
    sentences: list[Sentence] = []
    qi = 0
    ntoks = 0
    for lo, hi in _blocks(paras, quotes):
        if exhausted is not None and blocks and exhausted(lo, ntoks):
            break
        inside: list[tuple[int, Quote]] = []
        while qi < len(quotes) and quotes[qi].open < hi:
            if quotes[qi].open >= lo:
                inside.append((qi, quotes[qi]))
            qi += 1
        toks = _drop_nicknames(text, tokenize(text, lo, hi, inside), quotes)
        ntoks += len(toks)
        first = len(sentences)
        qidx = [k for k, t in enumerate(toks) if t.kind == "q"]
        for s, e in split_sentences(text, toks, quotes):
            lo_q, hi_q = bisect_left(qidx, s), bisect_left(qidx, e)
            sentences.append(Sentence(len(blocks), toks, s, e, qidx[lo_q:hi_q] if hi_q > lo_q else []))
        blocks.append(Block(lo, hi, toks, range(first, len(sentences))))
    return Segments(text, quotes, blocks, sentences)


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
