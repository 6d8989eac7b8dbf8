"""Key quotes: the best 1-3 statements of one speaker for an alert.

Ranking, best first: statements that mention the topic terms; direct over partial over indirect; an
informative length (a three-word fragment or a 200-word block says less; within reason, longer says
more); earlier breaks ties (wire copy
puts the news first, and the store lists a story's statements oldest source first). Two chosen
statements never say the same thing: neither overlaps the other in its article, nor is a trimmed or
lightly edited copy of it from another outlet (the same test dedup uses to merge statements).
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.model import Statement
from watchers.statements.similarity import normalise, same_statement

KIND_RANK = {"direct": 0, "partial": 1, "indirect": 2}
# Word counts of an informative quote: shorter is a fragment, longer a block nobody reads in an alert.
MIN_GOOD_WORDS = 6
MAX_GOOD_WORDS = 60
# Within the good range, a longer quote says more, up to about two sentences; beyond that it is just longer.
INFORMATIVE_WORDS = 40
KEY_QUOTES = 3


def _length_penalty(words: int) -> int:
    if words < MIN_GOOD_WORDS:
        return MIN_GOOD_WORDS - words
    if words > MAX_GOOD_WORDS:
        return (words - MAX_GOOD_WORDS) // 10 + 1
    return 0


def key_quotes(
    statements: Sequence[Statement],
    speaker_id: str | None,
    topic_terms: Sequence[str] = (),
    limit: int = KEY_QUOTES,
    *,
    one_article: bool = True,
) -> list[Statement]:
    """The speaker's best statements (at most `limit`), best first.

    `speaker_id` None takes every statement given (a story's statements are all one speaker's).
    `one_article` False when the statements come from several articles: their offsets then say nothing
    about overlap, and only the text comparison applies.
    """
    terms = [t.casefold() for t in topic_terms if t.strip()]
    mine = [s for s in statements if speaker_id is None or s.speaker_id == speaker_id]

    def score(item: tuple[int, Statement]) -> tuple[int, int, int, int, int, int]:
        index, s = item
        low = s.text.casefold()
        hits = sum(1 for t in terms if t in low)
        words = len(s.text.split())
        return (
            -min(hits, 1),
            KIND_RANK.get(s.kind, 3),
            _length_penalty(words),
            -hits,
            -min(words, INFORMATIVE_WORDS),
            index,
        )

    chosen: list[Statement] = []
    chosen_norms: list[str] = []
    for _, s in sorted(enumerate(mine), key=score):
        if len(chosen) >= limit:
            break
        if one_article and any(s.start < c.end and c.start < s.end for c in chosen):
            continue
        norm = normalise(s.text)
        if any(same_statement(norm, c) for c in chosen_norms):
            continue
        chosen.append(s)
        chosen_norms.append(norm)
    return chosen
