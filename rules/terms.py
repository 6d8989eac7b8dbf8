"""Compiling rules for the matcher: every speaker term and topic keyword as patterns of one automaton.

`compile_terms(rules)` folds each term into its words (`rules.normalize.words`) and builds what
`rules.match.Matcher` scans with, once per rules version:

- an `Automaton` (pyahocorasick) over " term " patterns, each pattern's value holding everything scan
  needs for a match, including shortcuts for the common cases (`plain_fields`, `lone_target`);
- the fuzzy index: transliteration keys of single-word speaker terms (and one-letter edits of long
  keys) -> the terms, for `rules.fuzzy`;
- the overlap groups whose hits can overlap at all, and every speaker's words (for given names).

Nothing here runs per article: scanning is `rules.match`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import ahocorasick

from rules.gaps import ABBREVIATION_MAX
from rules.model import Rules, Topic
from rules.normalize import translit_key, words

# Transliteration keys shorter than this are never matched fuzzily ("rutte" and "route" share "rute").
FUZZY_MIN_KEY = 5
# One-letter edits between keys are tried only when both keys are this long; shorter ones must be equal
# ("gutters" folds to "guters", one letter from "guteres", and is not Guterres).
FUZZY_EDIT_MIN_KEY = 7
EXACT_SCORE = 100.0
# Multi-word terms of up to this many words get one automaton pattern per combination of narrow gap
# widths (see _narrow_widths) and prefix patterns for wider gaps; longer ones are followed word by word
# from their first word.
ENUMERATED_MAX_WORDS = 4
# Mark automaton entries (see Automaton): the first word of terms too long to enumerate; the first
# words of a multi-word term followed by a gap wider than the enumerated ones.
LONG = object()
WIDE = object()
# Gap widths (in separator characters) that get their own automaton pattern in two-word terms: one
# (a space, a hyphen), and two after an abbreviation-length word ("Mr. Peskov"). Each enumerated width
# makes the automaton larger (two widths for every "First Last" doubled its size) and slower for every
# article; wider gaps are rare ("Anna\r\nPeskov") and are followed from the first word.
_TWO_WORD_WIDTHS = (1,)
_TWO_WORD_WIDTHS_AFTER_ABBREVIATION = (1, 2)


@dataclass(frozen=True)
class Entry:
    """What a folded word tuple stands for: one speaker term, or one keyword of one topic list."""

    kind: Literal["speaker", "topic"]
    id: str
    term: str
    field: str = ""
    fuzzy: float = 0.0


@dataclass(frozen=True)
class FuzzyTarget:
    key: str
    entry: Entry


# What a matched term produces: (overlap group, the Hit's fields that do not depend on the place:
# kind, id, term, score, field). The group is None when no two terms of the group share a word: their
# hits can never overlap (an overlap of whole-word matches shares a word), so they skip the overlap
# bookkeeping.
Fields = tuple[Literal["speaker", "topic"], str, str, float, str]
Target = tuple[object, Fields]
# What the automaton (and the fuzzy look-up) report: (end, (width, core, targets, more, plain, lone)),
# where end is the index of the last character of " term " in the padded view (see Automaton); plain
# and lone are shortcuts for scan (see plain_fields and lone_target).
Value = tuple[int, Any, tuple[Target, ...], Any, "tuple[Fields, ...] | None", "Target | None"]
Match = tuple[int, Value]
# A term followed word by word from its start (see rules.gaps.follow): its words and targets.
LongTerm = tuple[tuple[str, ...], tuple[Target, ...]]


@dataclass(frozen=True)
class Compiled:
    """Rules compiled for `rules.match.Matcher` (see the module docstring)."""

    automaton: Automaton
    fuzzy_index: dict[str, tuple[FuzzyTarget, ...]]
    # Overlap groups whose terms share a word (or repeat one): only their hits can overlap.
    overlapping: frozenset[object]
    # Every word of every term: never a fuzzy candidate (an exact hit, or part of one).
    term_words: frozenset[str]
    topics: tuple[Topic, ...]
    speaker_words: dict[str, frozenset[str]]


def compile_terms(rules: Rules) -> Compiled:
    """Every speaker term and topic keyword of `rules`, compiled for scanning."""
    terms: dict[tuple[str, ...], list[Entry]] = {}
    fuzzy_index: dict[str, list[FuzzyTarget]] = {}
    speaker_words: dict[str, frozenset[str]] = {}

    def add(key: tuple[str, ...], entry: Entry) -> None:
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
            entry = Entry("speaker", speaker.id, term, fuzzy=speaker.fuzzy)
            add(key, entry)
            if speaker.fuzzy > 0 and len(key) == 1 and key[0].isalpha():
                tkey = translit_key(key[0])
                if len(tkey) >= FUZZY_MIN_KEY:
                    for variant in neighbours(tkey):
                        fuzzy_index.setdefault(variant, []).append(FuzzyTarget(tkey, entry))
        speaker_words[speaker.id] = frozenset(all_words)
    for topic in rules.topics:
        for field_name, keywords in (("any", topic.any), ("all", topic.all), ("none", topic.none)):
            for keyword in keywords:
                key = words(keyword)
                if key:
                    add(key, Entry("topic", topic.id, keyword, field_name))
    overlapping = _overlapping(terms)
    targets = {
        key: tuple(target(e, EXACT_SCORE, overlapping) for e in entries) for key, entries in terms.items()
    }
    return Compiled(
        automaton=Automaton(targets),
        fuzzy_index={k: tuple(v) for k, v in fuzzy_index.items()},
        overlapping=overlapping,
        term_words=frozenset(w for key in terms for w in key),
        topics=tuple(rules.topics),
        speaker_words=speaker_words,
    )


def _group(entry: Entry) -> object:
    """Hits compete on overlap within a group: all speakers together, each topic list on its own."""
    return "speaker" if entry.kind == "speaker" else (entry.id, entry.field)


def _overlapping(terms: dict[tuple[str, ...], list[Entry]]) -> frozenset[object]:
    """The groups whose terms share a word (or repeat one): they can produce overlapping hits."""
    seen_words: dict[object, set[str]] = {}
    overlapping: set[object] = set()
    for key, entries in terms.items():
        for entry in entries:
            group_words = seen_words.setdefault(_group(entry), set())
            if len(set(key)) < len(key) or not group_words.isdisjoint(key):
                overlapping.add(_group(entry))
            group_words.update(key)
    return frozenset(overlapping)


def target(entry: Entry, score: float, overlapping: frozenset[object]) -> Target:
    """What a hit of `entry` at `score` produces; its group only if that group can overlap."""
    group = _group(entry)
    fields: Fields = (entry.kind, entry.id, entry.term, score, entry.field)
    return (group if group in overlapping else None), fields


def neighbours(key: str) -> set[str]:
    """The key and, for long keys, the key with one letter deleted anywhere but the end.

    Two keys meet when they are equal or one letter apart (deletion, insertion or substitution). The
    last letter is kept because a changed ending is usually another person or another word form
    ("Ivanova" is not "Ivanov").
    """
    out = {key}
    if len(key) >= FUZZY_EDIT_MIN_KEY:
        out.update(key[:i] + key[i + 1 :] for i in range(len(key) - 1))
    return out


class Automaton:
    """Aho-Corasick over " term " patterns of every term.

    A gap between two words of a term may be 1 to MAX_GAP separator characters (see rules.gaps). A
    term of up to ENUMERATED_MAX_WORDS words gets one pattern per combination of narrow gaps (one
    separator, or two after an abbreviation-length word: "mr  peskov"), and for each of its gaps a
    prefix pattern: the words before it with narrow gaps, then one separator more than a narrow gap
    allows ("grain  ").
    A place of the term is found by exactly one of them: the whole-term pattern when every gap is
    narrow, else the prefix pattern of its first wide gap, from which the term is followed word by word
    (rare: wide gaps are rare). Enumerating every width from 1 to MAX_GAP instead made the automaton
    nearly three times larger (145,000 nodes for the bench's rules against 53,000): compile took half
    as long again and 20 MB more, for a scan a few per cent slower.
    Scan checks what the gap characters were. A longer term is found from its first word and followed
    word by word (rare: long keywords are rare, and most places of a first word end at once).

    Each pattern's value: (width of the term in the text, core, targets, more, plain, lone). For one
    word, core is None; for several, core is the pattern without its end spaces (what `softed` shows
    when every gap is soft) and more lists (start, end, after an abbreviation-length word) of each gap
    relative to the match; for the first word of long terms, core is LONG and more lists (words,
    targets) of them; for a prefix pattern, core is WIDE and more is (length of the prefix, the terms
    by the word after the gap). plain and lone are scan's shortcuts (see plain_fields, lone_target).
    """

    def __init__(self, terms: dict[tuple[str, ...], tuple[Target, ...]]) -> None:
        values: dict[str, Value] = {}
        longs: dict[str, list[LongTerm]] = {}
        # Prefix pattern (its words and narrow gaps, then one separator more than they allow) -> the
        # terms going on after it, by their next word.
        wide: dict[str, dict[str, list[LongTerm]]] = {}
        for key, targets in terms.items():
            if len(key) == 1:
                shortcuts = plain_fields(targets), lone_target(targets)
                values[key[0]] = (len(key[0]), None, targets, (), *shortcuts)
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
                shortcuts = plain_fields(targets), lone_target(targets)
                for core, gaps in prefixes:
                    values[core] = (len(core), core, targets, gaps, *shortcuts)
            else:
                longs.setdefault(key[0], []).append((key, targets))
        for first, long_terms in longs.items():
            # Longest first: at one start, longer hits come first, as everywhere in scan.
            long_terms.sort(key=lambda term: -len(term[0]))
            single = values.get(first, (0, None, (), (), None, None))[2]
            values[first] = (len(first), LONG, single, tuple(long_terms), None, None)
        # " prefix  " (no space after it): the width of the match is that of the prefix and its gap but
        # one separator, so scan finds where the prefix starts as for any other match.
        for wide_core, by_next_word in wide.items():
            prefix_length = len(wide_core.rstrip(" "))
            more = (prefix_length, {w: _longest_first(t) for w, t in by_next_word.items()})
            values[wide_core] = (len(wide_core) - 1, WIDE, (), more, None, None)
        self._automaton = ahocorasick.Automaton()
        for core, value in values.items():
            self._automaton.add_word(f" {core} " if value[1] is not WIDE else f" {core}", value)
        self._automaton.make_automaton()

    def matches(self, padded: str) -> list[Match]:
        """Every match in `padded` (overlapping ones included), in end order, the longest first."""
        return list(self._automaton.iter(padded))


def _narrow_widths(previous: str) -> tuple[int, ...]:
    """Gap widths after word `previous` that get their own automaton patterns."""
    return _TWO_WORD_WIDTHS_AFTER_ABBREVIATION if len(previous) <= ABBREVIATION_MAX else _TWO_WORD_WIDTHS


def _longest_first(long_terms: list[LongTerm]) -> tuple[LongTerm, ...]:
    """At one start, longer hits come first, as everywhere in scan."""
    return tuple(sorted(long_terms, key=lambda term: -len(term[0])))


def plain_fields(targets: tuple[Target, ...]) -> tuple[Fields, ...] | None:
    """The targets' fields when none of them competes on overlap (scan's fast path), else None."""
    if any(group is not None for group, _fields in targets):
        return None
    return tuple(fields for _group, fields in targets)


def lone_target(targets: tuple[Target, ...]) -> Target | None:
    """The target when there is one and it competes on overlap (scan's second path), else None."""
    return targets[0] if len(targets) == 1 and targets[0][0] is not None else None
