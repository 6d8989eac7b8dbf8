"""Key quotes: the best 1-3 statements of one speaker for an alert.

Ranking, best first: direct over partial over indirect; statements that mention the topic terms;
an informative length (a three-word fragment or a 200-word block says less); earlier in the article
breaks ties (wire copy puts the news first). Two chosen statements never overlap.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.model import Statement

KIND_RANK = {"direct": 0, "partial": 1, "indirect": 2}
# Word counts of an informative quote: shorter is a fragment, longer a block nobody reads in an alert.
MIN_GOOD_WORDS = 6
MAX_GOOD_WORDS = 60


def _length_penalty(words: int) -> int:
    if words < MIN_GOOD_WORDS:
        return MIN_GOOD_WORDS - words
    if words > MAX_GOOD_WORDS:
        return (words - MAX_GOOD_WORDS) // 10 + 1
    return 0


def key_quotes(
    statements: Sequence[Statement], speaker_id: str, topic_terms: Sequence[str] = (), limit: int = 3
) -> list[Statement]:
    """The speaker's best statements (at most `limit`), best first."""
    terms = [t.casefold() for t in topic_terms if t.strip()]
    mine = [s for s in statements if s.speaker_id == speaker_id]

    def score(s: Statement) -> tuple[int, int, int, int, int]:
        low = s.text.casefold()
        hits = sum(1 for t in terms if t in low)
        return (-min(hits, 1), KIND_RANK.get(s.kind, 3), _length_penalty(len(s.text.split())), -hits, s.start)

    chosen: list[Statement] = []
    for s in sorted(mine, key=score):
        if len(chosen) >= limit:
            break
        if any(s.start < c.end and c.start < s.end for c in chosen):
            continue
        chosen.append(s)
    return chosen
