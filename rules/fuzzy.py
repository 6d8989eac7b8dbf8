"""Fuzzy speaker hits: capitalised words that are transliteration variants of a speaker's term.

Step 2 of `rules.match` (see its docstring): capitalised words (one regex pass) that are not exact hits
and not common English words are looked up under their transliteration key (`translit_key`, plus
one-letter edits for long keys) in the fuzzy index `rules.terms` built; a candidate counts when
rapidfuzz's ratio between the keys reaches the speaker's `fuzzy` threshold. Such hits score below 100.

A `FuzzyFinder` belongs to one Matcher and keeps a memo of the words met, so each word is looked up
once; set operations in C skip the words known to have no match. The memo only caches pure results.
"""

from __future__ import annotations

import re
from bisect import insort
from functools import cache
from operator import itemgetter

from rules.normalize import CYRILLIC_CODEC, WORD_TABLE, translit_key
from rules.terms import (
    FUZZY_EDIT_MIN_KEY,
    FUZZY_MIN_KEY,
    Compiled,
    Entry,
    Match,
    Target,
    Value,
    lone_target,
    neighbours,
    target,
)
from rules.views import FUZZY_MIN_WORD, capitalised_words, folded_text

# A fuzzy hit never scores 100, so an exact spelling always ranks above a variant.
FUZZY_MAX_SCORE = 99.0
# Memo of words met and their fuzzy look-ups; reset when it grows past this many words (a long-running
# bot sees an unbounded vocabulary).
FUZZY_CACHE_LIMIT = 200_000

# Frequent English words of fuzzy length: capitalised at a sentence start they must never be taken
# for a transliterated name, whatever their key.
_COMMON_WORDS_TEXT = """about above according across action actually added address administration after afternoon again
    against agency agreed agreement ahead allies almost alone along already although always america
    american among amount analysts another answer anyone anything april areas around asked attack
    attacks august authorities available average avoid based basis became because become been before
    began begin behind being believe below better between beyond billion black board border borders
    brief briefing bring britain british brought budget build building business called campaign cannot
    capital carried cases cause central century certain chance change changes china chinese choice
    church cities citizens civil claim claims clear close coalition comes coming comment comments
    committee common community companies company conference conflict congress consider continue
    control could council countries country course court crisis critics current daily death december
    decision defence defense despite details development didn during early earlier economic economy
    effort efforts either election elections energy enough entire europe european evening event events
    every everyone evidence example expected experts february federal field fighting final finally
    first following force forces foreign former forward found france french friday front future
    german germany given global going government governments great green ground group groups growth
    guard happened having heard heavy higher himself history holding house however human hundreds
    important including increase independent india industry information inside instead interest
    international interview investigation israel issue issues itself january japan joint journalists
    judge july junior justice labour large later latest leaders least leave legal letter level likely
    limited little local london long looking major majority making march matter maybe measures media
    meeting meetings member members military million minutes misses missile monday money month months
    morning moscow mother motion moving national nations nearly needs never night north northern
    nothing november nuclear number numbers october offer office officers official officials often
    order other others outside overall paris parliament parties party peace people period person place
    plans point police policy political politics position possible power powers president press
    pressure prices prime private probably problem process program programme progress project public
    question questions quickly quite rather reached ready really reason recent recently record region
    regional report reported reporters reports republic research response result results return right
    rights rival route royal rules running russia russian saturday saying school second secretary
    security senior september series service services session several share short should since
    situation small social society some someone something sources south southern speaking special
    spokesman spokeswoman staff state statement states still story street strong subject summit sunday
    support sure system taken taking talks thank their them themselves there these they thing things
    think third those though thought thousands three through thursday today together total toward
    towards trade treaty troops tuesday ukraine under union united until usually various very victims
    visit wanted warned washington water weapons wednesday weeks well west western what where whether
    which while white whole whose wider within without woman women words work workers working world
    would write wrote years yesterday young"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())

# Text in the Cyrillic code page (ASCII included) lists its capitalised words from the cased view in
# bytes (rules.views.capitalised_words: a class of bytes is far cheaper per character than the negated class
# of every lower-case letter). No group: each word comes with its space in front (a capture group costs
# more than the memo's keys being one byte longer).
_end_of = itemgetter(0)


def _best_first(item: tuple[Entry, tuple[float, int]]) -> tuple[float, int]:
    """Sort key of a word's fuzzy targets: the higher score first, then the term's rank in the rules."""
    _entry, (score, rank) = item
    return -score, rank


@cache
def _capitalised_word() -> re.Pattern[str]:
    """A word of FUZZY_MIN_WORD+ characters starting with a letter that is not lower-case.

    Only such words can be transliterated names. A negated class (no lower-case letter, digit or
    underscore) also admits caseless scripts, as `str.islower` does. Built on first use: the class
    lists every lower-case letter of the Basic Multilingual Plane (a few milliseconds).
    """
    lower = [c for c in range(0x10000) if chr(c).islower()]
    ranges: list[str] = []
    i = 0
    while i < len(lower):
        j = i
        while j + 1 < len(lower) and lower[j + 1] == lower[j] + 1:
            j += 1
        first, last = re.escape(chr(lower[i])), re.escape(chr(lower[j]))
        ranges.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return re.compile(rf"[^\W\d_{''.join(ranges)}]\w{{{FUZZY_MIN_WORD - 1},}}")


class FuzzyFinder:
    """The fuzzy look-up of one compiled rules version, with its memo of words met."""

    def __init__(self, compiled: Compiled) -> None:
        self._fuzzy_index = compiled.fuzzy_index
        self._fuzzy_more = compiled.fuzzy_more
        self._overlapping = compiled.overlapping
        # Words that are never fuzzy candidates: every word of a term (exact hits or parts of them) and
        # frequent English words.
        self._plain = frozenset(compiled.term_words | COMMON_WORDS)
        # Memo of capitalised words met (as folded, case kept): those without fuzzy targets, those with
        # them (-> the lower-case word), and the targets by lower-case word.
        self._caps_plain: set[str | bytes] = set()
        self._caps_hot: dict[str | bytes, str] = {}
        self._fuzzy_memo: dict[str, tuple[Target, ...]] = {}

    def add_matches(
        self,
        text: str,
        folded: str | bytes,
        cased: bytes | None,
        padded: str,
        index_map: list[int] | None,
        matches: list[Match],
    ) -> bool:
        """Merge into `matches` (in end order) the places of capitalised words that are
        transliteration variants of a speaker term; True if there were any.

        One regex pass lists the capitalised words; one set operation in C drops those already known to
        have no fuzzy target, so Python looks only at new words and at the few that do match.
        """
        if len(self._caps_plain) + len(self._caps_hot) > FUZZY_CACHE_LIMIT:
            # Reset before this text's words are sorted into known and new: cleared in between, the
            # words already known to match would be lost for this text.
            self._caps_plain.clear()
            self._caps_hot.clear()
            self._fuzzy_memo.clear()
        listed: list[str] | list[bytes] = (
            capitalised_words(cased) if cased is not None else _capitalised_word().findall(folded_text(folded))
        )
        found: set[str | bytes] = set(listed)
        candidates = found.difference(self._caps_plain)
        if not candidates:
            return False
        hot = self._caps_hot
        new = candidates.difference(hot)
        if new:
            self._learn(new)
        # Each word (lower-case) with how many places it has in `listed`, or -1 when unknown.
        places: dict[str, int] = {}
        for form in candidates:
            word = hot.get(form)
            if word is not None:
                if cased is None:
                    places[word] = -1
                else:
                    # The cased view lists every whole-word place whose first letter is not lower-case
                    # (folding keeps capitals, see rules.normalize and rules.views): no search past the
                    # last one.
                    places[word] = places.get(word, 0) + listed.count(form)  # type: ignore[arg-type]
        added = False
        # Words in order (the candidates came from a set): each place goes in by its end, and no two
        # whole words end at one place, so the order cannot change the result; sorted, it plainly does not.
        for word, left in sorted(places.items()):
            targets = self._fuzzy_memo[word]
            value: Value = (len(word), None, targets, (), None, lone_target(targets))
            # A candidate may be the tail of a longer word ("xPeskow"): only whole-word places count.
            needle = f" {word} "
            at = padded.find(needle)
            while at >= 0:
                if not text[at if index_map is None else index_map[at]].islower():
                    # Where the automaton would end it; after the matches ending there, as a stable
                    # sort of the two lists would put it.
                    insort(matches, (at + len(word) + 1, value), key=_end_of)
                    added = True
                    left -= 1
                    if not left:
                        break
                at = padded.find(needle, at + len(word) + 1)
        return added

    def _learn(self, new_words: set[str | bytes]) -> None:
        """Classify capitalised words not met before: fuzzy candidates of some speaker, or not."""
        for cased in new_words:
            # As found: bytes from the cased view (a space in front), text otherwise.
            word = (cased[1:].decode(CYRILLIC_CODEC) if isinstance(cased, bytes) else cased).translate(WORD_TABLE)
            targets = self._fuzzy_memo.get(word)
            if targets is None:
                targets = () if word in self._plain else self._lookup(word)
                self._fuzzy_memo[word] = targets
            if targets:
                self._caps_hot[cased] = word
            else:
                self._caps_plain.add(cased)

    def _lookup(self, word: str) -> tuple[Target, ...]:
        """The speaker terms `word` is a transliteration variant of, each with its fuzzy score."""
        if len(word) < FUZZY_MIN_WORD or not word.isalpha():
            return ()
        key = translit_key(word)
        if len(key) < FUZZY_MIN_KEY:
            return ()
        # Imported here, on the first word with a fuzzy candidate: rapidfuzz is a third of the
        # matcher's import time, and `quotewatch quotes` on a short file often never needs it.
        from rapidfuzz.fuzz import ratio

        # Each entry's best score, and the rank of the term that gave it.
        best: dict[Entry, tuple[float, int]] = {}
        index, more = self._fuzzy_index, self._fuzzy_more
        for variant in neighbours(key):
            first = index.get(variant)
            if first is None:
                continue
            others = more.get(variant)
            for candidate in (first,) if others is None else (first, *others):
                if candidate.key != key and len(key) < FUZZY_EDIT_MIN_KEY:
                    continue  # a short word must fold to the very key ("Gutters" is not "Guterres")
                score = ratio(key, candidate.key)
                if score >= candidate.entry.fuzzy and score > best.get(candidate.entry, (-1.0, 0))[0]:
                    best[candidate.entry] = (score, candidate.rank)
        overlapping = self._overlapping
        # The best first, equal scores in rules order: the order of the hits one word gives at one
        # place, so a pure function of the rules and the word (never of hashing, as a set's order is).
        ranked = sorted(best.items(), key=_best_first)
        return tuple(target(entry, min(score, FUZZY_MAX_SCORE), overlapping) for entry, (score, _) in ranked)
