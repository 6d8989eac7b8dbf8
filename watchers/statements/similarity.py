"""When two quotes are the same statement: text normalisation and the fuzzy match (pure).

Used by dedup (is this quote one we have seen from this speaker?) and by key-quote ranking (is this
quote a trimmed copy of one already chosen?), so both agree on what "the same words" means.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz

from rules.model import LANGS

# Whole-text similarity at or above which two quotes are one quote lightly edited: re-punctuated,
# "will not" / "won't", a word changed by a sub-editor. Two different sentences of one speaker on one
# subject stay well below (typically 40-70).
LIGHT_EDIT_RATIO = 88.0
# Best-aligned-substring similarity at or above which the shorter quote is a trimmed copy of the longer
# (an outlet kept half the sentence, or quoted more of it). High, because partial alignment is lenient.
TRIM_PARTIAL_RATIO = 95.0
# A fragment shorter than this ("we will see", "no comment") occurs in many different statements, so
# it may not match by alignment alone (a light edit of the whole text still matches).
MIN_TRIM_WORDS = 5

# Two quotes of one statement cut at other boundaries (one outlet starts a sentence earlier, the other
# runs on a sentence later) share a long run of words while neither contains the other. On real
# multi-outlet news (bench/score_stories.py) every same-speaker pair sharing a run of 8 words, or of 6
# that is half the shorter quote, was one statement; two different sentences of one speaker share
# shorter runs ("the head of state", "we have information that").
LONG_SHARED_RUN = 8
SHARED_RUN = 6
SHARED_RUN_SHARE = 0.5
# Words before a shared run that may negate it ("it is not true that ..."), checked on both sides.
RUN_CONTEXT = 3
# Two quotes that each carry words of their own on the same side of the shared run (both begin, or
# both end, with something the other lacks) are two statements sharing a line: a speaker's stock
# sentence ("there is no plan B") closes many different statements. A few words of one's own on each
# side ("for a month" / "and we will pay them") are an excerpt ending differently, and words that
# still align (a sub-editor's change at the run's edge) are not words of one's own.
MAX_OWN_WORDS = 4
OWN_WORDS_ALIGNED = 0.5

# Words that turn a statement into its opposite, in every language read (their scripts differ).
POLARITY_WORDS: frozenset[str] = frozenset().union(
    *(importlib.import_module(f"watchers.statements.lang.{lang}").POLARITY_WORDS for lang in LANGS)
)

_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['’ʼ`´]")


def fold_marks(text: str) -> str:
    """The text case-folded, compatibility-normalised (NFKD) and without combining marks (accents).

    The one definition of "the same letters" shared by quote matching and text fingerprints."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


@lru_cache(maxsize=8192)  # candidate texts recur across the articles of one news cycle
def normalise(text: str) -> str:
    """Lower-case words without accents, punctuation or apostrophes, single-spaced."""
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", fold_marks(text))).split())


def match_score(a: str, b: str) -> float:
    """How surely two normalised texts are the same statement: 0 (not) or the score (>= a threshold).

    A third way to be the same: two quotes of it cut at other boundaries (`_shared_run`).
    Never the same when one says "not" where the other does not (POLARITY_WORDS, counted over the
    whole text, or, for a trimmed copy, over the part of the longer text the shorter one aligns
    with): one inserted "not" changes a few letters and all of the meaning."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    whole = fuzz.ratio(a, b, score_cutoff=LIGHT_EDIT_RATIO)
    if whole and _polarity(a) == _polarity(b):
        return float(whole)
    # Alike letters but a negation more in one: the opposite, unless the negation lies outside what
    # the shorter text covers (a trimmed copy: the test below reads only the part they share; a shared
    # run does not count then, as the negation may sit in what the run leaves out).
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short.count(" ") + 1 < MIN_TRIM_WORDS:
        return 0.0
    aligned = fuzz.partial_ratio_alignment(short, long_, score_cutoff=TRIM_PARTIAL_RATIO)
    if aligned is None:
        return 0.0 if whole else _shared_run(short, long_)
    # The aligned part of the longer text, widened to whole words (an alignment may cut a word).
    start = long_.rfind(" ", 0, aligned.dest_start) + 1
    end = long_.find(" ", aligned.dest_end)
    if _polarity(short) != _polarity(long_[start:] if end < 0 else long_[start:end]):
        return 0.0
    return float(aligned.score)


@lru_cache(maxsize=8192)  # the same candidate texts are compared with every statement of an article
def _runs(text: str) -> frozenset[str]:
    """The text's runs of SHARED_RUN words: two texts share a run that long only if they share one."""
    words = text.split()
    return frozenset(" ".join(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1))


def _shared_run(a: str, b: str) -> float:
    """The score of two quotes of one statement cut at other boundaries (see SHARED_RUN), else 0: the
    share of the shorter quote's words in their longest common run, times 100."""
    if _runs(a).isdisjoint(_runs(b)):  # the common case, and cheap: no run of SHARED_RUN words at all
        return 0.0
    wa, wb = a.split(), b.split()
    shorter = min(len(wa), len(wb))
    run = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    if run.size < LONG_SHARED_RUN and (run.size < SHARED_RUN or run.size < SHARED_RUN_SHARE * shorter):
        return 0.0
    before_a = " ".join(wa[max(0, run.a - RUN_CONTEXT) : run.a])
    before_b = " ".join(wb[max(0, run.b - RUN_CONTEXT) : run.b])
    if _polarity(before_a) != _polarity(before_b):
        return 0.0
    if _own_words(wa[: run.a], wb[: run.b], before=True) or _own_words(
        wa[run.a + run.size :], wb[run.b + run.size :], before=False
    ):
        return 0.0
    return 100.0 * run.size / shorter


def _own_words(side_a: list[str], side_b: list[str], *, before: bool) -> bool:
    """Whether both quotes carry words of their own on one side of their shared run (MAX_OWN_WORDS):
    more than a few each, and fewer than half of them aligned with the other's (OWN_WORDS_ALIGNED),
    compared over as many words next to the run as the shorter side has."""
    k = min(len(side_a), len(side_b))
    if k <= MAX_OWN_WORDS:
        return False
    near_a, near_b = (side_a[-k:], side_b[-k:]) if before else (side_a[:k], side_b[:k])
    blocks = SequenceMatcher(None, near_a, near_b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) < OWN_WORDS_ALIGNED * k


def _polarity(text: str) -> int:
    """How many negating words the normalised text holds (their parity is what flips the meaning, but
    "not ... not" against "never ... no" is rare enough to count them plainly)."""
    return sum(1 for word in text.split() if word in POLARITY_WORDS)


def same_statement(a: str, b: str) -> bool:
    """True when two normalised texts are one statement (lightly edited, trimmed or extended)."""
    return match_score(a, b) > 0
