"""Quoted phrases with no cue of their own, and whose they are.

    'Lund pictured the plan as "a gift to developers"'  → the clause subject's words (partial)
    'Ada Finch: "..."', 'Finch campaigns on: "..."'       → the person the colon label names (direct)

Titles of works, slogans, names, headlines and a writer's scare quotes ('the "autopsy"') are no
one's words. pairing.py asks; this module only reads the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.mentions import Mention
from watchers.statements.nounphrase import subject_left
from watchers.statements.people import NameIndex
from watchers.statements.sentences import Token
from watchers.statements.speakers import SentenceSpeakers

# A writer's scare quote on a noun is a word or two ('the "autopsy"').
SCARE_WORDS = 2


def clause_speaker(
    toks: Sequence[Token], s: int, k: int, content: str, sp: SentenceSpeakers, names: NameIndex
) -> Mention | None:
    """The sentence's narrative subject, for a quoted phrase no cue attributes. None for a
    headline, a title of a work ('appeared on "Morning Round"'), a nickname, a writer's scare
    quote on a noun ('a pro-Lund "super fund"'), or a subject that is only a capitalised word."""
    if sp.sentence.block == 0 or capitalised(content) or _scare_quote(toks, s, k, content):
        return None
    subj = sp.clause_subject
    if subj is None or subj.kind not in ("name", "pronoun", "role", "org", "orgref"):
        return None
    if subj.end > toks[k].start or subj.kind == "pronoun" and subj.gender == "org":
        return None  # 'It was too early to "call it"': no one speaks
    if subj.kind == "name" and " " not in (subj.name or subj.text) and subj.start == toks[s].start:
        key = (subj.name or subj.text).casefold()
        if key not in names:
            return None  # 'Wary of "chaos."', 'Questions linger on a "stand down" order'
    return subj


def capitalised(content: str) -> bool:
    """Every word but small ones capitalised: a title, a name or a slogan, not someone's words."""
    words = [w for w in content.split() if w.strip(",.!?:;'\"’‘“”")]
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "&"}
    return bool(words) and all(w[:1].isupper() or w[:1].isdigit() or w in small for w in words)


def _scare_quote(toks: Sequence[Token], s: int, k: int, content: str) -> bool:
    """A short lowercase noun in marks after a determiner ('the "autopsy"', 'a studio "fixer"'):
    the writer's distance, not a quotation; 'dismissed it as a "gimmick"' still quotes."""
    if len(content.split()) > SCARE_WORDS or content.rstrip()[-1:] in "!?…":
        return False
    for i in range(k - 1, max(s - 1, k - 4), -1):
        low = toks[i].low
        if low in ("as", "like") or toks[i].kind == "p":
            return False
        if low in _DETERMINERS:
            return not (i - 1 >= s and toks[i - 1].low in ("as", "like", "of"))
    return False


_DETERMINERS = frozenset(("a", "an", "the", "his", "her", "its", "their", "our", "this", "that", "these"))


def named_before(toks: Sequence[Token], s: int, colon: int, sp: SentenceSpeakers) -> Mention | None:
    """The speaker a colon label names: the noun phrase right before it ('Lund:'), else the
    sentence's last named person before it."""
    m = subject_left(toks, colon, s)
    if m is not None and m.kind in ("name", "org", "orgref"):
        return m
    m = sp.clause_subject
    if m is not None and m.kind in ("name", "org", "orgref", "role") and m.end <= toks[colon].start:
        return m  # 'Perez lobbies for a higher wage: "..."'
    at = toks[colon].start
    named = [m for pos, m in sp.named if m.end <= at and m.kind in ("name", "org")]
    return named[-1] if named else None
