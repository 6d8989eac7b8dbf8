"""The unnamed person a sentence is about, for languages read by lemma (Russian).

    unnamed_subject(g, text, words, people) -> (role Mention, gender) | None

"Помощник главы края объяснил видео, где губернатор …. По его словам, …": the pronoun stands for the
subject of the sentence before it, the aide, whom the article never names; not for the governor named
later in that sentence, although he is the latest person. A sentence opening with a role phrase in
the nominative, before its verb, with no name beside it and held by no one the article named (nor,
the extractor checks, the person just quoted: "Глава ведомства подчеркнул" after Силуанов's words),
introduces such a person: the pronouns after it (of the verb's gender) are theirs, and their words
nobody's we know, until someone else is the subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from watchers.statements.lang.types import Word
from watchers.statements.lemmaprep import SUBJECT_CASES
from watchers.statements.lemmaspeakers import People, phrase
from watchers.statements.mentions import Mention

# How far into the sentence its verb may stand: "Помощник главы Забайкальского края объяснил".
MAX_SUBJECT_WORDS = 8
_FINITE = frozenset({"VERB"})


def unnamed_subject(
    g: ModuleType, text: str, words: Sequence[Word], people: People
) -> tuple[Mention, str] | None:
    """The role phrase the sentence opens with as its subject, held by no one the article named, and
    its verb's gender ("m", "f", "pl" or ""); None when it opens otherwise."""
    first = _after_connective(g, text, words)
    if not any(w.low[: g.CUE_PREFIX_LEN] in g.ROLE_PREFIXES for w in words[first : first + 3]):
        return None  # no role noun opens it (most sentences): nothing to parse
    verb = -1
    gender = ""
    for k in range(first, min(len(words), first + MAX_SUBJECT_WORDS + 1)):
        w = words[k]
        rs = g.parses(w.text)
        if k > first and rs and rs[0].pos in _FINITE:
            verb, gender = k, rs[0].gender if rs[0].gender in ("m", "f", "pl") else ""
            break
        if k > first and text[words[k - 1].end : w.start].strip():
            return None  # punctuation before the verb: no plain "role verb" opening
    if verb <= first:
        return None
    m = phrase(g, text, words, first, verb, SUBJECT_CASES, gender, False)
    if m is None or m.kind != "role" or m.start != words[first].start:
        return None
    if m.end != words[verb - 1].end and not _adverbial(g, words, m.end, verb):
        return None
    if people.resolve(m, words[first].start) is not None:
        return None
    return m, gender


def _after_connective(g: ModuleType, text: str, words: Sequence[Word]) -> int:
    """The index of the sentence's first word after a connective ("При этом премьер …"), else 0."""
    connectives: tuple[str, ...] = getattr(g, "SUBJECT_CONNECTIVES", ())
    if not words or not any(c.startswith(words[0].low) for c in connectives):
        return 0
    for connective in connectives:
        parts = connective.split()
        n = len(parts)
        if n < len(words) and [w.low for w in words[:n]] == parts:
            return n
    return 0


def _adverbial(g: ModuleType, words: Sequence[Word], end: int, verb: int) -> bool:
    """Whether the words between a subject ending at `end` and its verb are only "не" and one
    prepositional phrase of up to three words ("премьер в выражениях не стесняется")."""
    between = [w for w in words[:verb] if w.start >= end]
    if between and between[-1].low == "не":
        between = between[:-1]
    if not between:
        return True
    return between[0].low in g.PREPOSITIONS and len(between) <= 3 and not any(w.cap for w in between)
