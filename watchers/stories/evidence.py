"""Whether the statements an article shares with a story make it a source of that story (pure).

Level 3 of watchers.stories.dedup finds, for each of an article's statements, the stored statement of
the same speaker it repeats. That is proof of a shared *quote*, not yet of shared *news*: reporters
reuse a speaker's known words as background in articles about something else (a reply to him, the
next day's news, an analysis piece), and on real multi-outlet coverage (bench/score_stories.py) such
background is most of what merged different news into one story. What the data shows:

- Background is mostly quoted phrases and few-word quotes: the label a writer hangs on the speaker
  ("a killer", "pay a price", "the greatest geopolitical catastrophe of the century", "I do"). Such a
  phrase recurs in every article of a news cycle, whatever each one reports. Another outlet's report of
  the same news shares a whole quote, or several of those phrases.
- Such phrases are background when the article's news lies elsewhere: in another speaker's statements
  (a reply, a reaction) or in this speaker's link to another story. A brief that carries nothing but
  them, or a follow-up adding new words of the same speaker, is the same news.

So a match is evidence enough on its own (`is_link`) only as a shared whole statement (direct or
reported, at least MIN_TRIM_WORDS words, weight 2) or as two distinct shared phrases (weight 1 each);
a weaker match links only in an article whose news is not elsewhere (watchers.stories.dedup's
`assign_article` decides that). Statements that are background belong to no story: the article is
not a source of it and they open no new one (they are the speaker's known words).

Across news cycles the same holds for whole quotes (`stale_links`): an article whose news is fresh (a
story first seen within BACKGROUND_AGE, or another speaker's new statements) is no source of an older
story it repeats a quote of (the reply article quoting yesterday's interview at length). A follow-up
that adds new words of the same speaker to a known quote stays a source of the old story too.

Tried and left out: a one-statement link beside a link with several (older background next to the
article's own story) as background too. On the real set it removed as many true pairs as false ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from watchers.model import Statement
from watchers.statements.similarity import MIN_TRIM_WORDS

# What a shared statement weighs as evidence that two articles report the same news (see above).
WHOLE_STATEMENT = 2
PHRASE = 1
# Evidence a link needs: one whole statement, or two distinct phrases.
LINK_EVIDENCE = 2
# A story first seen at least this long before the article is an earlier news cycle's (yesterday's
# interview, the day before's address): an article with fresher news that repeats its words is carrying
# them as background. On the real set, reports of one briefing or interview came up to ~19 hours after
# the first (time zones, a next-morning brief, a reaction added); the replies and next-day stories that
# reused its quotes came 23 hours or more after it.
BACKGROUND_AGE = timedelta(hours=20)


def weight(statement: Statement, norm: str) -> int:
    """What one shared statement (its normalised text `norm`) weighs as evidence of shared news."""
    if statement.kind == "partial" or norm.count(" ") + 1 < MIN_TRIM_WORDS:
        return PHRASE
    return WHOLE_STATEMENT


def evidence(shared: Sequence[tuple[Statement, str]]) -> int:
    """The evidence of (statement, normalised text) pairs an article shares with one story: each
    distinct text counted once, at its highest weight."""
    best: dict[str, int] = {}
    for st, norm in shared:
        best[norm] = max(best.get(norm, 0), weight(st, norm))
    return sum(best.values())


def is_link(shared: Sequence[tuple[Statement, str]]) -> bool:
    """Whether what an article shares with a story makes it a source of the story."""
    return evidence(shared) >= LINK_EVIDENCE



def stale_links(ages: dict[tuple[int, str], timedelta], new_speakers: set[int]) -> set[tuple[int, str]]:
    """The links that are background across news cycles (see above). ages: (speaker index, story id)
    -> how long before the article the story was first seen, for every link of the article;
    new_speakers: the indices of the speakers whose statements open a new story in it."""
    stale = {link for link, age in ages.items() if age >= BACKGROUND_AGE}
    fresh = len(stale) < len(ages)
    return {(k, sid) for k, sid in stale if fresh or new_speakers - {k}}
