"""Key quotes: the best 1-3 statements of one speaker for an alert.

Ranking, best first: statements that mention the topic terms; direct over partial over indirect; an
informative length (a three-word fragment or a 200-word block says less; within reason, longer says
more); earlier breaks ties (wire copy
puts the news first, and the store lists a story's statements oldest source first). Two chosen
statements never say the same thing: neither overlaps the other in its article, nor is a trimmed or
lightly edited copy of it from another outlet (the same test dedup uses to merge statements). A framing
sentence that only introduces a quote ("In other words, they say:", anything ending in a colon) is no
key quote while the speaker said anything else.

`paraphrase_clause` makes an indirect statement a whole clause with its subject for the alert's
paraphrase line, or says it cannot (None): reported speech is often stored from the verb's object on
("accused [the port authority of planning a levy]"), which alone reads as a fragment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.model import Statement
from watchers.statements.lang import en
from watchers.statements.similarity import normalise, same_statement

KIND_RANK = {"direct": 0, "partial": 1, "indirect": 2}
# Word counts of an informative quote: shorter is a fragment, longer a block nobody reads in an alert.
MIN_GOOD_WORDS = 6
MAX_GOOD_WORDS = 60
# Within the good range, a longer quote says more, up to about two sentences; beyond that it is just longer.
INFORMATIVE_WORDS = 40
KEY_QUOTES = 3
# A sentence that only introduces what follows: it ends in a colon, or is a short "in other words, they
# say" without anything said.
_FRAMING = re.compile(
    r"(?:[:：]\s*$)|^(?:in other words|put (?:simply|another way)|that is|to put it (?:simply|bluntly)|"
    r"as (?:he|she|they|we|i) (?:put|said) it|here is what (?:he|she|they|we|i) (?:said|say|think))"
    r"\W*(?:\w+\W+){0,3}(?:say|says|said|put it|think|thinks)\W*$",
    re.IGNORECASE,
)
# Words a reported clause cannot start with on its own: it is the rest of a verb phrase ("to cut the
# levy", "of planning a levy").
_FRAGMENT_START = frozenset(
    {
        "of",
        "to",
        "for",
        "and",
        "or",
        "but",
        "with",
        "from",
        "on",
        "in",
        "at",
        "by",
        "as",
        "than",
        "about",
        "into",
        "against",
        "over",
    }
)
MIN_CLAUSE_WORDS = 3
FINITE_WITHIN = 8  # a finite verb this early makes the text a clause of its own ("the harbour would stay")


def is_framing(text: str) -> bool:
    """Whether a quote only introduces another one ("In other words, they say:")."""
    return bool(_FRAMING.search(text.strip().rstrip("\"”’'»")))


def paraphrase_clause(s: Statement, speaker: str | None) -> str | None:
    """The indirect statement as a whole clause with its subject, or None when it cannot be made one.

    A text that is a clause of its own (a subject, then a finite verb early) is kept; one that continues
    its reporting verb ("the council to delay the vote" after "urged") gets the speaker and the verb in
    front ("Marta Kovalenko urged the council to delay the vote"), unless the verb dropped a listener
    ("told [reporters]") or is not a finite verb ("saying", "according to"): then it is left out.
    Non-English statements are kept as they are."""
    text = " ".join(s.text.split()).rstrip(",;: ")
    words = text.split()
    cue = (s.cue or "").strip().lower()
    if not (cue.isascii() and text.isascii()):
        return text or None
    if len(words) < MIN_CLAUSE_WORDS:
        return None
    lows = [w.strip(".,;:!?\"'()").lower() for w in words]
    clause = (
        lows[0] not in _FRAGMENT_START
        and not lows[0].endswith("ing")
        and any(w in en.FINITE for w in lows[1:FINITE_WITHIN])
    )
    if clause:
        return text
    lemma = en.QUOTE_VERBS.get(cue) or en.CLAUSE_VERBS.get(cue)
    if speaker and lemma and " " not in cue and not cue.endswith("ing") and lemma not in en.TELL_LEMMAS:
        return f"{speaker} {cue} {text}"
    return None


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
    said = [s for s in mine if not is_framing(s.text)]
    mine = said or mine  # only framing sentences: better one of them than an alert without a quote

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
