"""The compiled matcher: every mention of a tracked speaker and every topic keyword in one pass.

Evaluation order (how speakers, topics and watches combine):

1. `Matcher.scan(text)` folds the text once (`rules.normalize`: case, accents, typography, NFKC) and
   runs one Aho-Corasick automaton (pyahocorasick, in C) over a view of it where every non-word
   character is a space. Every speaker term (name + aliases) and topic keyword (`any`, `all`, `none`)
   is a pattern " its words ", so matching is whole-word and its cost per character does not grow with
   the number of terms: "Rutte" never matches "Ruttenberg", and an inflected form ("Пескова" for
   "Песков") is a different word: list inflected forms as aliases if articles use them. Between the
   words of a multi-word term the text may have 1-4 soft separators (spaces, line breaks, hyphens,
   dashes, apostrophes), or a full stop after an abbreviation ("Mr. Peskov"); Python looks only at the
   matches, never at every word.
2. Capitalised words (one regex pass) that are not exact hits and not common English words are looked
   up under their transliteration key (`translit_key`, plus one-letter edits for long keys) among
   single-word speaker terms; a candidate counts when rapidfuzz's ratio between the keys reaches the
   speaker's `fuzzy` threshold (0 = never). Such hits score below 100. Each word is looked up once;
   set operations in C skip the words known to have no match.
3. Overlaps: among speaker hits the longest span wins ("Dmitry Peskov" over "Peskov"); topic hits
   compete only with hits of the same topic and list (`any`/`all`/`none`), so one keyword can serve
   several topics. Hits with the very same span are all kept (two topics sharing a keyword).
4. `topics_in(hits, spans)` decides which topics hold inside the given spans: `any` needs at least one
   of its keywords (when the list is not empty), `all` needs every keyword, `none` needs none of them.
5. Watches are evaluated by the pipeline, not here: a watch fires for a statement when one of its
   speakers made the statement (attributed by watchers.statements, names resolved with
   `speaker_for_name`) and, if the watch lists topics, at least one of them holds within the watch's
   scope - the speaker's statements or the title (`speaker`), the statements only (`statements`), or
   the whole article (`article`).

A Matcher is immutable apart from its memo of fuzzy look-ups, which only ever caches pure results.
"""

from __future__ import annotations

import re
from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any, Literal, NamedTuple

import ahocorasick
from rapidfuzz.fuzz import ratio

from rules.model import Rules, Topic
from rules.normalize import (
    ASCII_CASED_WORD_BYTES,
    ASCII_SOFT_BYTES,
    SOFT_TABLE,
    WORD_TABLE,
    fold,
    translit_key,
    words,
)

# Words shorter than this are never fuzzy candidates: short words collide with names too easily.
FUZZY_MIN_WORD = 5
# Transliteration keys shorter than this are never matched fuzzily ("rutte" and "route" share "rute").
FUZZY_MIN_KEY = 5
# One-letter edits between keys are tried only when both keys are this long; shorter ones must be equal
# ("gutters" folds to "guters", one letter from "guteres", and is not Guterres).
FUZZY_EDIT_MIN_KEY = 7
# A fuzzy hit never scores 100, so an exact spelling always ranks above a variant.
FUZZY_MAX_SCORE = 99.0
EXACT_SCORE = 100.0
# Memo of words met and their fuzzy look-ups; reset when it grows past this many words (a long-running
# bot sees an unbounded vocabulary).
FUZZY_CACHE_LIMIT = 200_000
# Between the words of a multi-word term the text may have spaces, line breaks, hyphens or dashes, or an
# apostrophe (up to _MAX_GAP characters); a full stop only after an abbreviation ("Mr. Peskov"), never
# after a longer word, where it ends a sentence ("the Kremlin. Spokesman ...").
_SOFT_GAP = re.compile(r"[\s'\-]{1,4}")
_ABBREVIATION_GAP = re.compile(r"\.[ ]{0,2}")
ABBREVIATION_MAX = 3
# The longest soft gap, in separator characters, so following a multi-word term stays bounded.
_MAX_GAP = 4
# Multi-word terms of up to this many words get one automaton pattern per combination of narrow gap
# widths (see _narrow_widths) and prefix patterns for wider gaps; longer ones are followed word by word
# from their first word.
ENUMERATED_MAX_WORDS = 4

# Words right before a surname that name a role, not a person: they do not contradict a tracked speaker.
_HONORIFICS_TEXT = """mr mrs ms miss dr prof sir dame lord lady madam mister herr frau monsieur mme
    president vice prime minister deputy foreign secretary spokesman spokeswoman spokesperson press
    ambassador general chancellor senator governor mayor chief envoy aide adviser advisor commissioner
    director chairman chairwoman chair head leader king queen prince princess pope gen col sen rep gov
    said says told the a an"""
HONORIFICS = frozenset(_HONORIFICS_TEXT.split())

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


class Hit(NamedTuple):
    """One mention of a speaker term or topic keyword, at its place in the original text.

    Immutable and tuple-backed: scan builds tens of Hits per article, and a tuple is the cheapest
    object Python makes with named, typed fields (read through C-level getters). It compares and
    hashes as a frozen dataclass of the same fields would: equal only to another Hit with equal
    fields (never to a plain tuple), hashed as the tuple of its fields, and not ordered.
    """

    kind: Literal["speaker", "topic"]
    id: str  # speaker id or topic id
    term: str  # the alias / keyword as configured
    text: str  # as written in the article: original text[start:end]
    start: int  # offsets in the original text, end exclusive (a possessive 's is not included)
    end: int
    score: float  # 100.0 exact (after folding); lower for fuzzy hits
    field: str = ""  # topic hits: "any" | "all" | "none"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Hit:
            # A plain tuple would answer for itself (tuple == tuple subclass) and find them equal.
            return False if isinstance(other, tuple) else NotImplemented
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        if other.__class__ is not Hit:
            return True if isinstance(other, tuple) else NotImplemented
        return tuple.__ne__(self, other)

    def __hash__(self) -> int:
        return tuple.__hash__(self)

    # Not ordered, like a dataclass without order=True: sort hits by a key (start, end, ...).
    def __lt__(self, other: object) -> bool:
        return NotImplemented

    def __le__(self, other: object) -> bool:
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        return NotImplemented


@dataclass(frozen=True)
class _Entry:
    """What a folded word tuple stands for: one speaker term, or one keyword of one topic list."""

    kind: Literal["speaker", "topic"]
    id: str
    term: str
    field: str = ""
    fuzzy: float = 0.0


@dataclass(frozen=True)
class _FuzzyTarget:
    key: str
    entry: _Entry


# What a matched term produces: (overlap group, the Hit's fields that do not depend on the place:
# kind, id, term, score, field). The group is None when no two terms of the group share a word: their
# hits can never overlap (an overlap of whole-word matches shares a word), so they skip the overlap
# bookkeeping.
_Fields = tuple[Literal["speaker", "topic"], str, str, float, str]
_Target = tuple[object, _Fields]
# What the automaton (and the fuzzy look-up) report: (end, (width, core, targets, more, plain, lone)),
# where end is the index of the last character of " term " in the padded view (see _Automaton); plain
# and lone are shortcuts for scan (see _plain and _lone).
_Value = tuple[int, Any, tuple[_Target, ...], Any, "tuple[_Fields, ...] | None", "_Target | None"]
_Match = tuple[int, _Value]
# A term followed word by word from its start (see _follow): its words and targets.
_LongTerm = tuple[tuple[str, ...], tuple[_Target, ...]]
_end_of = itemgetter(0)
# A Hit's start and end: item getters are the cheapest sort keys.
_start_of = itemgetter(4)
_end_of_hit = itemgetter(5)
# Hit(...) without namedtuple's __new__ (a Python function taking each field as an argument): the
# same tuple, built in C from one tuple of all eight fields.
_new_hit = tuple.__new__


def _group(entry: _Entry) -> object:
    """Hits compete on overlap within a group: all speakers together, each topic list on its own."""
    return "speaker" if entry.kind == "speaker" else (entry.id, entry.field)


# What lies between two words of a multi-word match: not soft (ends the term), soft (whitespace,
# hyphens, dashes, apostrophes: always fine), or fine only after an abbreviation ("Mr. Peskov").
_HARD_GAP, _SOFT, _AFTER_ABBREVIATION = 0, 1, 2
# Memo of gap strings seen -> kind; gaps are short runs of punctuation, so few distinct ones occur.
_GAP_KINDS: dict[str, int] = {}
_GAP_KINDS_LIMIT = 10_000
# For ASCII text, capitalised words in the view with word characters only (every other character a
# space): a literal space first lets the regex engine skip ahead, and a class of 26 letters is far
# cheaper per character than the negated class of every lower-case letter. No group: each word comes
# with its space in front (a capture group costs more than the memo's keys being one byte longer).
_ASCII_CAPITALISED = re.compile(rb" [A-Z]\w{%d,}" % (FUZZY_MIN_WORD - 1))


# Mark automaton entries (see _Automaton): the first word of terms too long to enumerate; the first
# words of a multi-word term followed by a gap wider than the enumerated ones.
_LONG = object()
_WIDE = object()
# Gap widths (in separator characters) that get their own automaton pattern in two-word terms: one
# (a space, a hyphen), and two after an abbreviation-length word ("Mr. Peskov"). Each enumerated width
# makes the automaton larger (two widths for every "First Last" doubled its size) and slower for every
# article; wider gaps are rare ("Anna\r\nPeskov") and are followed from the first word.
_TWO_WORD_WIDTHS = (1,)
_TWO_WORD_WIDTHS_AFTER_ABBREVIATION = (1, 2)


def _gaps_ok(folded: str, start: int, gaps: tuple[tuple[int, int, bool], ...]) -> bool:
    """Whether every gap of a multi-word match is soft, or a full stop after an abbreviation."""
    for gap_start, gap_end, after_abbreviation in gaps:
        gap = folded[start + gap_start : start + gap_end]
        kind = _GAP_KINDS.get(gap)
        if kind is None:
            kind = _gap_kind(gap)
        if kind != _SOFT and not (after_abbreviation and kind == _AFTER_ABBREVIATION):
            return False
    return True


def _gap_kind(gap: str) -> int:
    if _SOFT_GAP.fullmatch(gap):
        kind = _SOFT
    elif _ABBREVIATION_GAP.fullmatch(gap):
        kind = _AFTER_ABBREVIATION
    else:
        kind = _HARD_GAP
    if len(_GAP_KINDS) < _GAP_KINDS_LIMIT:
        _GAP_KINDS[gap] = kind
    return kind


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


class Matcher:
    """Rules compiled for matching; build with `Matcher.compile(rules)`."""

    def __init__(
        self,
        terms: dict[tuple[str, ...], tuple[_Entry, ...]],
        fuzzy_index: dict[str, tuple[_FuzzyTarget, ...]],
        topics: Sequence[Topic],
        speaker_words: dict[str, frozenset[str]],
    ) -> None:
        # Groups whose terms share a word (or repeat one) can produce overlapping hits.
        seen_words: dict[object, set[str]] = {}
        overlapping: set[object] = set()
        for key, entries in terms.items():
            for entry in entries:
                group_words = seen_words.setdefault(_group(entry), set())
                if len(set(key)) < len(key) or not group_words.isdisjoint(key):
                    overlapping.add(_group(entry))
                group_words.update(key)
        self._overlapping = frozenset(overlapping)
        self._automaton = _Automaton(
            {key: tuple(self._target(e, EXACT_SCORE) for e in entries) for key, entries in terms.items()}
        )
        self._fuzzy_index = fuzzy_index
        self._topics = tuple(topics)
        self._speaker_words = speaker_words
        # Words that are never fuzzy candidates: every word of a term (exact hits or parts of them) and
        # frequent English words.
        self._plain = frozenset({w for key in terms for w in key} | COMMON_WORDS)
        # Memo of capitalised words met (as folded, case kept): those without fuzzy targets, those with
        # them (-> the lower-case word), and the targets by lower-case word.
        self._caps_plain: set[str | bytes] = set()
        self._caps_hot: dict[str | bytes, str] = {}
        self._fuzzy_memo: dict[str, tuple[_Target, ...]] = {}

    def _target(self, entry: _Entry, score: float) -> _Target:
        group = _group(entry)
        fields: _Fields = (entry.kind, entry.id, entry.term, score, entry.field)
        return (group if group in self._overlapping else None), fields

    @classmethod
    def compile(cls, rules: Rules) -> Matcher:
        terms: dict[tuple[str, ...], list[_Entry]] = {}
        fuzzy_index: dict[str, list[_FuzzyTarget]] = {}
        speaker_words: dict[str, frozenset[str]] = {}

        def add(key: tuple[str, ...], entry: _Entry) -> None:
            entries = terms.setdefault(key, [])
            # One hit per speaker per span: a name and an alias folding alike are the same term.
            if entry.kind == "speaker" and any(e.kind == "speaker" and e.id == entry.id for e in entries):
                return
            if entry not in entries:
                entries.append(entry)

        for speaker in rules.speakers:
            all_words: set[str] = set()
            for term in speaker.terms:
                key = words(term)
                if not key:
                    continue
                all_words.update(key)
                entry = _Entry("speaker", speaker.id, term, fuzzy=speaker.fuzzy)
                add(key, entry)
                if speaker.fuzzy > 0 and len(key) == 1 and key[0].isalpha():
                    tkey = translit_key(key[0])
                    if len(tkey) >= FUZZY_MIN_KEY:
                        for variant in _neighbours(tkey):
                            fuzzy_index.setdefault(variant, []).append(_FuzzyTarget(tkey, entry))
            speaker_words[speaker.id] = frozenset(all_words)
        for topic in rules.topics:
            for field_name, keywords in (("any", topic.any), ("all", topic.all), ("none", topic.none)):
                for keyword in keywords:
                    key = words(keyword)
                    if key:
                        add(key, _Entry("topic", topic.id, keyword, field_name))
        return cls(
            {k: tuple(v) for k, v in terms.items()},
            {k: tuple(v) for k, v in fuzzy_index.items()},
            rules.topics,
            speaker_words,
        )

    # -- scanning ---------------------------------------------------------------------------------

    def scan(self, text: str) -> list[Hit]:
        """Every speaker and topic hit in `text`, sorted by start; longest match wins on overlap."""
        folded, index_map = fold(text)
        # Same length as `folded`, padding aside (see _views): the automaton reads `padded`; `softed`
        # shows what the gaps inside multi-word matches are.
        padded, softed, cased = _views(folded)
        # The exact matches, found in C, in end order (the longest first at one end). Every pattern is
        # " term " (words joined by gaps of spaces), so a match is whole-word.
        matches: list[_Match] = self._automaton.matches(padded)
        if self._fuzzy_index:
            self._fuzzy_matches(text, folded, cased, padded, index_map, matches)
        if not matches:
            return []
        hits: list[Hit] = []
        append = hits.append
        # Per overlap group, the span of its last hit (folded offsets), which reaches furthest: a hit
        # ending there and starting later is inside it and loses at once (it is shorter, "Peskov" in
        # "Mr. Peskov"); any other overlap is left to _resolve_overlaps.
        reach: dict[object, tuple[int, int]] = {}
        overlap = False
        # Hits come in end order; start order (the longest first at one start) is restored at the end
        # if two matches came the other way round (a longer one starting with a shorter one, or a
        # shorter one inside a longer one of another group): two sorts in C cost less than putting
        # each such hit in its place from Python.
        last_start = -1
        unordered = False
        for end, (width, core, targets, more, plain, lone) in matches:
            stop = end - 1
            start = stop - width
            # A multi-word match: its gaps were non-word characters. All soft if `softed` shows the
            # pattern itself; otherwise look closer (a full stop after "Mr" is fine, a comma is not).
            if core is not None and softed[start:stop] != core:
                if core is _LONG:
                    overlap |= _long_hits(more, text, folded, padded, index_map, start, hits)
                    if not targets:
                        continue
                elif core is _WIDE:
                    long_terms = _wide_terms(padded, start, *more)
                    if long_terms:
                        overlap |= _long_hits(long_terms, text, folded, padded, index_map, start, hits)
                    continue
                elif not _gaps_ok(folded, start, more):
                    continue
            if plain is not None and index_map is None:
                # The common case, in fewest steps: no target can overlap another hit of its group,
                # and folding kept the offsets.
                as_written = text[start:stop]
                if start <= last_start:
                    unordered = True
                last_start = start
                for kind, id_, term, score, field in plain:
                    append(_new_hit(Hit, (kind, id_, term, as_written, start, stop, score, field)))
                continue
            if lone is not None and index_map is None:
                # The next commonest (a speaker's name): one target, competing within its group; the
                # same steps as the loop below, for one target.
                group, (kind, id_, term, score, field) = lone
                span = reach.get(group)
                if span is not None and start < span[1] and span != (start, stop):
                    if stop == span[1] and start > span[0]:
                        continue
                    overlap = True
                reach[group] = (start, stop)
                if start <= last_start:
                    unordered = True
                last_start = start
                append(_new_hit(Hit, (kind, id_, term, text[start:stop], start, stop, score, field)))
                continue
            written: str | None = None
            for group, (kind, id_, term, score, field) in targets:
                if group is not None:
                    span = reach.get(group)
                    if span is not None and start < span[1] and span != (start, stop):
                        if stop == span[1] and start > span[0]:
                            continue
                        overlap = True
                    reach[group] = (start, stop)
                if written is None:  # not before: most contained matches lose
                    if index_map is None:  # folding kept every offset (_text_span, inlined)
                        text_start, text_end = start, stop
                    else:
                        text_start, text_end = _text_span(index_map, start, stop)
                    written = text[text_start:text_end]
                    if start <= last_start:
                        unordered = True
                    last_start = start
                append(_new_hit(Hit, (kind, id_, term, written, text_start, text_end, score, field)))
        if overlap:
            return _resolve_overlaps(hits)
        if unordered:
            # Two stable sorts (reverse=True keeps equal items in order): by start, the longer first,
            # hits with the very same span in the order of their targets.
            hits.sort(key=_end_of_hit, reverse=True)
            hits.sort(key=_start_of)
        return hits

    def speakers(self, text: str) -> list[Hit]:
        """The speaker hits of `scan(text)`."""
        return [hit for hit in self.scan(text) if hit.kind == "speaker"]

    def _fuzzy_matches(
        self,
        text: str,
        folded: str,
        cased: bytes | None,
        padded: str,
        index_map: list[int] | None,
        matches: list[_Match],
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
        listed: list[str] | list[bytes]
        if cased is not None:
            listed = _ASCII_CAPITALISED.findall(cased)
        else:
            listed = _capitalised_word().findall(folded)
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
                    # The ASCII view lists every whole-word place whose first letter is not lower-case
                    # (folding keeps capitals, see rules.normalize): no search past the last one.
                    places[word] = places.get(word, 0) + listed.count(form)  # type: ignore[arg-type]
        added = False
        for word, left in places.items():
            targets = self._fuzzy_memo[word]
            value: _Value = (len(word), None, targets, (), None, _lone(targets))
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
            # As found: bytes from the ASCII view (a space in front), text otherwise.
            word = (cased[1:].decode("ascii") if isinstance(cased, bytes) else cased).translate(WORD_TABLE)
            targets = self._fuzzy_memo.get(word)
            if targets is None:
                targets = () if word in self._plain else self._fuzzy_lookup(word)
                self._fuzzy_memo[word] = targets
            if targets:
                self._caps_hot[cased] = word
            else:
                self._caps_plain.add(cased)

    def _fuzzy_lookup(self, word: str) -> tuple[_Target, ...]:
        if len(word) < FUZZY_MIN_WORD or not word.isalpha():
            return ()
        key = translit_key(word)
        if len(key) < FUZZY_MIN_KEY:
            return ()
        best: dict[_Entry, float] = {}
        for variant in _neighbours(key):
            for target in self._fuzzy_index.get(variant, ()):
                if target.key != key and len(key) < FUZZY_EDIT_MIN_KEY:
                    continue  # a short word must fold to the very key ("Gutters" is not "Guterres")
                score = ratio(key, target.key)
                if score >= target.entry.fuzzy and score > best.get(target.entry, -1.0):
                    best[target.entry] = score
        return tuple(self._target(entry, min(score, FUZZY_MAX_SCORE)) for entry, score in best.items())

    def speaker_for_name(self, name: str) -> str | None:
        """The tracked speaker a person's name stands for ("Mr. Peskov", "Dmitry Peskow"), or None.

        None when no speaker term is in the name, when it names two tracked speakers, or when a given
        name before a matched surname contradicts the speaker's ("Anna Peskov" is not Dmitry Peskov).
        """
        hits = self.speakers(name)
        if not hits or len({hit.id for hit in hits}) != 1:
            return None
        hit = max(hits, key=lambda h: h.end - h.start)
        if len(words(hit.text)) == 1:
            # Only the word right before the surname can be a given name; a title there vouches.
            before = words(name[: hit.start])
            if before and before[-1] not in HONORIFICS and not self._given_name_fits(hit.id, before[-1]):
                return None
        return hit.id

    def _given_name_fits(self, speaker_id: str, given: str) -> bool:
        known = self._speaker_words.get(speaker_id, frozenset())
        if len(given) == 1:  # an initial: "D. Peskov"
            return any(w.startswith(given) for w in known)
        key = translit_key(given)
        return any(translit_key(w) == key for w in known)

    def topics_in(self, hits: Iterable[Hit], spans: Sequence[tuple[int, int]] | None = None) -> set[str]:
        """Ids of the topics whose any/all/none lists hold over the topic hits inside `spans`.

        `spans` are (start, end) offsets in the text the hits came from; None means the whole text.
        A hit counts when it lies entirely inside one span.
        """
        present: dict[tuple[str, str], set[str]] = {}
        for hit in hits if spans is None else hits_within(hits, spans):
            if hit.kind != "topic":
                continue
            present.setdefault((hit.id, hit.field), set()).add(hit.term)
        holding: set[str] = set()
        for topic in self._topics:
            if topic.any and not present.get((topic.id, "any")):
                continue
            if topic.all and not set(topic.all) <= present.get((topic.id, "all"), set()):
                continue
            if present.get((topic.id, "none")):
                continue
            holding.add(topic.id)
        return holding


def hits_within(hits: Iterable[Hit], spans: Sequence[tuple[int, int]]) -> list[Hit]:
    """The hits that lie entirely inside one of `spans` ((start, end) offsets of the hits' text)."""
    return [hit for hit in hits if any(s <= hit.start and hit.end <= e for s, e in spans)]


def _neighbours(key: str) -> set[str]:
    """The key and, for long keys, the key with one letter deleted anywhere but the end.

    Two keys meet when they are equal or one letter apart (deletion, insertion or substitution). The
    last letter is kept because a changed ending is usually another person or another word form
    ("Ivanova" is not "Ivanov").
    """
    out = {key}
    if len(key) >= FUZZY_EDIT_MIN_KEY:
        out.update(key[:i] + key[i + 1 :] for i in range(len(key) - 1))
    return out


class _Automaton:
    """Aho-Corasick over " term " patterns of every term.

    A gap between two words of a term may be 1 to _MAX_GAP separator characters. A term of up to
    ENUMERATED_MAX_WORDS words gets one pattern per combination of narrow gaps (one separator, or two
    after an abbreviation-length word: "mr  peskov"), and for each of its gaps a prefix pattern: the
    words before it with narrow gaps, then one separator more than a narrow gap allows ("grain  ").
    A place of the term is found by exactly one of them: the whole-term pattern when every gap is
    narrow, else the prefix pattern of its first wide gap, from which the term is followed word by word
    (rare: wide gaps are rare). Enumerating every width from 1 to _MAX_GAP instead made the automaton
    nearly three times larger (145,000 nodes for the bench's rules against 53,000): compile took half
    as long again and 20 MB more, for a scan a few per cent slower.
    Scan checks what the gap characters were. A longer term is found from its first word and followed
    word by word (rare: long keywords are rare, and most places of a first word end at once).

    Each pattern's value: (width of the term in the text, core, targets, more, plain, lone). For one
    word, core is None; for several, core is the pattern without its end spaces (what `softed` shows
    when every gap is soft) and more lists (start, end, after an abbreviation-length word) of each gap
    relative to the match; for the first word of long terms, core is _LONG and more lists (words,
    targets) of them; for a prefix pattern, core is _WIDE and more is (length of the prefix, the terms
    by the word after the gap). plain and lone are scan's shortcuts (see _plain, _lone).
    """

    def __init__(self, terms: dict[tuple[str, ...], tuple[_Target, ...]]) -> None:
        values: dict[str, _Value] = {}
        longs: dict[str, list[_LongTerm]] = {}
        # Prefix pattern (its words and narrow gaps, then one separator more than they allow) -> the
        # terms going on after it, by their next word.
        wide: dict[str, dict[str, list[_LongTerm]]] = {}
        for key, targets in terms.items():
            if len(key) == 1:
                values[key[0]] = (len(key[0]), None, targets, (), _plain(targets), _lone(targets))
            elif len(key) <= ENUMERATED_MAX_WORDS:
                # Every combination of narrow gaps: a pattern of the whole term, and for each gap a
                # prefix pattern ending in a wider gap, so a term is found by exactly one pattern.
                prefixes: list[tuple[str, tuple[tuple[int, int, bool], ...]]] = [(key[0], ())]
                for previous, word in zip(key, key[1:], strict=False):
                    widths = _narrow_widths(previous)
                    grown = []
                    for core, gaps in prefixes:
                        wide_core = core + " " * (max(widths) + 1)
                        wide.setdefault(wide_core, {}).setdefault(word, []).append((key, targets))
                        for width in widths:
                            gap = (len(core), len(core) + width, len(previous) <= ABBREVIATION_MAX)
                            grown.append((core + " " * width + word, (*gaps, gap)))
                    prefixes = grown
                for core, gaps in prefixes:
                    values[core] = (len(core), core, targets, gaps, _plain(targets), _lone(targets))
            else:
                longs.setdefault(key[0], []).append((key, targets))
        for first, long_terms in longs.items():
            # Longest first: at one start, longer hits come first, as everywhere in scan.
            long_terms.sort(key=lambda term: -len(term[0]))
            single = values.get(first, (0, None, (), (), None, None))[2]
            values[first] = (len(first), _LONG, single, tuple(long_terms), None, None)
        # " prefix  " (no space after it): the width of the match is that of the prefix and its gap but
        # one separator, so scan finds where the prefix starts as for any other match.
        for wide_core, by_next_word in wide.items():
            prefix_length = len(wide_core.rstrip(" "))
            more = (prefix_length, {w: _longest_first(t) for w, t in by_next_word.items()})
            values[wide_core] = (len(wide_core) - 1, _WIDE, (), more, None, None)
        self._automaton = ahocorasick.Automaton()
        for core, value in values.items():
            self._automaton.add_word(f" {core} " if value[1] is not _WIDE else f" {core}", value)
        self._automaton.make_automaton()

    def matches(self, padded: str) -> list[_Match]:
        """Every match in `padded` (overlapping ones included), in end order, the longest first."""
        return list(self._automaton.iter(padded))


def _narrow_widths(previous: str) -> tuple[int, ...]:
    """Gap widths after word `previous` that get their own automaton patterns."""
    return _TWO_WORD_WIDTHS_AFTER_ABBREVIATION if len(previous) <= ABBREVIATION_MAX else _TWO_WORD_WIDTHS


def _longest_first(long_terms: list[_LongTerm]) -> tuple[_LongTerm, ...]:
    """At one start, longer hits come first, as everywhere in scan."""
    return tuple(sorted(long_terms, key=lambda term: -len(term[0])))


def _plain(targets: tuple[_Target, ...]) -> tuple[_Fields, ...] | None:
    """The targets' fields when none of them competes on overlap (scan's fast path), else None."""
    if any(group is not None for group, _fields in targets):
        return None
    return tuple(fields for _group, fields in targets)


def _lone(targets: tuple[_Target, ...]) -> _Target | None:
    """The target when there is one and it competes on overlap (scan's second path), else None."""
    return targets[0] if len(targets) == 1 and targets[0][0] is not None else None


def _text_span(index_map: list[int] | None, start: int, stop: int) -> tuple[int, int]:
    """The original-text offsets of the folded span [start, stop) (index_map None: folding kept them)."""
    if index_map is None:
        return start, stop
    # Characters folded away after the match (a combining accent) belong to it.
    return index_map[start], max(index_map[stop], index_map[stop - 1] + 1)


def _views(folded: str) -> tuple[str, str, bytes | None]:
    """What scan reads, all as long as `folded` (padding aside), through bytes for ASCII text.

    - padded: `f" {folded.translate(WORD_TABLE)} "` (lower-case words, a space for every other
      character), for the automaton;
    - softed: `folded.translate(SOFT_TABLE)`, to check the gaps inside multi-word matches;
    - cased (ASCII text only): words with their case, a space for every other character, padded with
      a space in front, for the capitalised-word regex.
    """
    if folded.isascii():
        raw = folded.encode("ascii")
        cased = raw.translate(ASCII_CASED_WORD_BYTES)
        padded = f" {cased.lower().decode('ascii')} "
        return padded, raw.translate(ASCII_SOFT_BYTES).decode("ascii"), b" " + cased
    return f" {folded.translate(WORD_TABLE)} ", folded.translate(SOFT_TABLE), None


def _long_hits(
    long_terms: tuple[tuple[tuple[str, ...], tuple[_Target, ...]], ...],
    text: str,
    folded: str,
    padded: str,
    index_map: list[int] | None,
    start: int,
    hits: list[Hit],
) -> bool:
    """Append the hits of long terms starting at `start`; True if there were any.

    They come out of end order, so scan then settles overlaps and order with _resolve_overlaps.
    """
    spaced = padded[1:-1]
    found = False
    for key, targets in long_terms:
        stop = _follow(spaced, folded, start, key)
        if not stop:
            continue
        text_start, text_end = _text_span(index_map, start, stop)
        written = text[text_start:text_end]
        for _group, (kind, id_, term, score, field) in targets:
            hits.append(_new_hit(Hit, (kind, id_, term, written, text_start, text_end, score, field)))
            found = True
    return found


def _wide_terms(
    padded: str, start: int, prefix_length: int, by_next_word: dict[str, tuple[_LongTerm, ...]]
) -> tuple[_LongTerm, ...]:
    """The terms that may continue, after a gap wider than the enumerated ones, the prefix matched at
    `start` (`prefix_length` folded characters): those whose next word is the word after the gap.
    `_follow` then checks every gap and word of them."""
    gap_end = start + prefix_length
    n = len(padded) - 2
    while gap_end < n and padded[gap_end + 1] == " ":  # padded[i + 1] is folded[i] as a view
        gap_end += 1
    if gap_end - start - prefix_length > _MAX_GAP or gap_end >= n:
        return ()
    word_end = padded.index(" ", gap_end + 1)
    return by_next_word.get(padded[gap_end + 1 : word_end], ())


def _follow(spaced: str, folded: str, start: int, key: tuple[str, ...]) -> int:
    """The folded end of term `key` read word by word from `start` (where its first word is), or 0."""
    end = start + len(key[0])
    n = len(spaced)
    for previous, word in zip(key, key[1:], strict=False):
        nxt = end
        while nxt < n and spaced[nxt] == " " and nxt - end <= _MAX_GAP:
            nxt += 1
        kind = _gap_kind(folded[end:nxt])
        if kind != _SOFT and not (len(previous) <= ABBREVIATION_MAX and kind == _AFTER_ABBREVIATION):
            return 0
        if not spaced.startswith(word, nxt):
            return 0
        end = nxt + len(word)
        if end < n and spaced[end] != " ":
            return 0  # the word goes on: not a whole-word match
    return end


def _resolve_overlaps(hits: list[Hit]) -> list[Hit]:
    """Longest span wins within an overlap group; equal spans are all kept. Sorted by start."""
    groups: dict[object, list[Hit]] = {}
    for hit in hits:
        group = "speaker" if hit.kind == "speaker" else (hit.id, hit.field)
        groups.setdefault(group, []).append(hit)
    kept: list[Hit] = []
    for members in groups.values():
        members.sort(key=lambda h: (h.start - h.end, h.start))
        taken: list[tuple[int, int]] = []
        for hit in members:
            span = (hit.start, hit.end)
            if any(s < hit.end and hit.start < e and (s, e) != span for s, e in taken):
                continue
            taken.append(span)
            kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.start - h.end))
    return kept
