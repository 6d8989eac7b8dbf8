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
from itertools import chain
from typing import Any, Literal, NamedTuple

import ahocorasick

from rules.formscache import forms
from rules.formscache import save as save_forms
from rules.gaps import ABBREVIATION_MAX
from rules.gcpause import collector_paused
from rules.inflect import cased, has_cyrillic
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
# Whether compiled patterns carry scan's shortcuts (plain_fields, lone_target). Always on; the tests turn
# it off to check that the shortcuts give the hits of scan's general loop.
SHORTCUTS = True
_TWO_WORD_WIDTHS: tuple[int, ...] = (1,)
_TWO_WORD_WIDTHS_AFTER_ABBREVIATION: tuple[int, ...] = (1, 2)


class Entry(NamedTuple):
    """What a folded word tuple stands for: one speaker term, or one keyword of one topic list.

    A NamedTuple, not a dataclass: a compile makes one per term (tens of thousands), and a tuple is
    built and hashed in C.
    """

    kind: Literal["speaker", "topic"]
    id: str
    term: str
    field: str = ""
    fuzzy: float = 0.0


class FuzzyTarget(NamedTuple):
    """A single-word speaker term in the fuzzy index: its transliteration key, its entry, and its rank
    (the order of the fuzzy terms in the rules), which breaks ties between a word's fuzzy targets."""

    key: str
    entry: Entry
    rank: int


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
    fuzzy_index: dict[str, list[FuzzyTarget]]  # read only, like everything here
    # Overlap groups whose terms share a word (or repeat one): only their hits can overlap.
    overlapping: frozenset[object]
    # Every word of every term: never a fuzzy candidate (an exact hit, or part of one).
    term_words: frozenset[str]
    topics: tuple[Topic, ...]
    speaker_words: dict[str, frozenset[str]]
    # Speaker terms written with capitals in Cyrillic: their hits must be capitalised (rules.inflect.cased).
    cased_terms: frozenset[str] = frozenset()


# The overlap group of every speaker term (see _group).
SPEAKER_GROUP = "speaker"


def compile_terms(rules: Rules) -> Compiled:
    """Every speaker term and topic keyword of `rules`, compiled for scanning.

    Linear in the number of terms: each term is folded once, looked up in dicts and sets, and its
    patterns built once; no step compares a term with the others (the overlap groups come from one
    set of words per group, filled as the terms arrive). The cyclic garbage collector is paused
    meanwhile (see rules.gcpause).
    """
    with collector_paused():
        compiled = _compile_terms(rules)
    save_forms()  # the Russian forms computed now, for the next start (rules.formscache)
    return compiled


def _compile_terms(rules: Rules) -> Compiled:
    terms: dict[tuple[str, ...], list[Entry]] = {}
    fuzzy_index: dict[str, list[FuzzyTarget]] = {}
    speaker_words: dict[str, frozenset[str]] = {}
    # The words of each overlap group's terms so far, and the groups found to overlap: those whose
    # terms share a word (or repeat one) can produce overlapping hits.
    group_words: dict[object, set[str]] = {}
    overlapping: set[object] = set()

    def add(key: tuple[str, ...], entry: Entry, group: object) -> None:
        entries = terms.get(key)
        if entries is None:
            terms[key] = [entry]
        elif entry.kind == "speaker" and any(e.kind == "speaker" and e.id == entry.id for e in entries):
            # One hit per speaker per span: a name and an alias folding alike are the same term.
            return
        elif entry not in entries:
            entries.append(entry)
        else:
            return
        if group not in overlapping:
            seen = group_words.get(group)
            if seen is None:
                group_words[group] = seen = set()
            if not seen.isdisjoint(key) or (len(key) > 1 and len(set(key)) < len(key)):
                overlapping.add(group)
            else:
                seen.update(key)

    # The speaker group's part of `add`, inlined: speakers are most of the terms.
    speaker_seen: set[str] = set()
    speaker_overlap = False
    cased_terms: set[str] = set()
    new_entry = tuple.__new__  # Entry(...) without namedtuple's __new__, a Python function
    fuzzy_rank = 0
    for speaker in rules.speakers:
        speaker_id, fuzzy = speaker.id, speaker.fuzzy
        all_words: set[str] = set()
        # Each term, and for a Russian one its other cases (rules.inflect): one key each, one entry.
        expanded: list[tuple[str, str, bool]] = []
        for term in speaker.terms:
            if has_cyrillic(term):
                if cased(term):
                    cased_terms.add(term)
                expanded += [(term, form, i == 0) for i, form in enumerate(forms(term, "speaker"))]
            else:
                expanded.append((term, term, True))
        for term, form, as_written in expanded:
            key = words(form)
            if not key:
                continue
            all_words.update(key)
            fuzzy_key = as_written and fuzzy > 0 and len(key) == 1 and key[0].isalpha()
            entry: Entry = new_entry(Entry, ("speaker", speaker_id, term, "", fuzzy))
            entries = terms.get(key)
            if entries is None:
                terms[key] = [entry]
                if speaker_overlap:
                    pass
                elif not speaker_seen.isdisjoint(key) or (len(key) > 1 and len(set(key)) < len(key)):
                    speaker_overlap = True
                else:
                    speaker_seen.update(key)
            elif any(e.kind == "speaker" and e.id == speaker_id for e in entries):
                pass  # one hit per speaker per span: a name and an alias folding alike are one term
            else:
                entries.append(entry)
                speaker_overlap = True  # two speakers' terms share every word
            if fuzzy_key:  # the term as written; its inflected forms are exact patterns already
                tkey = translit_key(key[0])
                if len(tkey) >= FUZZY_MIN_KEY:
                    fuzzy_target = new_entry(FuzzyTarget, (tkey, entry, fuzzy_rank))
                    fuzzy_rank += 1
                    for variant in neighbours(tkey):
                        listed = fuzzy_index.get(variant)
                        if listed is None:
                            fuzzy_index[variant] = [fuzzy_target]
                        else:
                            listed.append(fuzzy_target)
        speaker_words[speaker_id] = frozenset(all_words)
    if speaker_overlap:
        overlapping.add(SPEAKER_GROUP)
    for topic in rules.topics:
        for field_name, keywords in (("any", topic.any), ("all", topic.all), ("none", topic.none)):
            group = (topic.id, field_name)
            for keyword in keywords:
                for form in forms(keyword, "topic") if has_cyrillic(keyword) else (keyword,):
                    key = words(form)
                    if key:
                        add(key, Entry("topic", topic.id, keyword, field_name), group)
    frozen_overlapping = frozenset(overlapping)
    targets: dict[tuple[str, ...], tuple[Target, ...]] = {}
    speaker_group = SPEAKER_GROUP if speaker_overlap else None
    for key, entries in terms.items():
        if len(entries) == 1 and entries[0][0] == "speaker":  # target(), inlined for the commonest
            _kind, id_, term, _field, _fuzzy = entries[0]
            targets[key] = ((speaker_group, ("speaker", id_, term, EXACT_SCORE, "")),)
        else:
            targets[key] = tuple(target(e, EXACT_SCORE, frozen_overlapping) for e in entries)
    return Compiled(
        automaton=Automaton(targets),
        fuzzy_index=fuzzy_index,
        overlapping=frozen_overlapping,
        term_words=frozenset(chain.from_iterable(terms)),
        topics=tuple(rules.topics),
        speaker_words=speaker_words,
        cased_terms=frozenset(cased_terms),
    )


def _group(entry: Entry) -> object:
    """Hits compete on overlap within a group: all speakers together, each topic list on its own."""
    return SPEAKER_GROUP if entry.kind == "speaker" else (entry.id, entry.field)


def target(entry: Entry, score: float, overlapping: frozenset[object]) -> Target:
    """What a hit of `entry` at `score` produces; its group only if that group can overlap."""
    group = _group(entry)
    fields: Fields = (entry.kind, entry.id, entry.term, score, entry.field)
    return (group if group in overlapping else None), fields


def neighbours(key: str) -> tuple[str, ...]:
    """The key and, for long keys, the key with one letter deleted anywhere but the end: each once, the
    key first, then by the place of the deleted letter (an order that never depends on hashing).

    Two keys meet when they are equal or one letter apart (deletion, insertion or substitution). The
    last letter is kept because a changed ending is usually another person or another word form
    ("Ivanova" is not "Ivanov").
    """
    if len(key) < FUZZY_EDIT_MIN_KEY:
        return (key,)
    return tuple(dict.fromkeys([key, *[key[:i] + key[i + 1 :] for i in range(len(key) - 1)]]))


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
        # Tuples of gaps by (length of the words before, width, after an abbreviation): most terms
        # have the same few, and sharing them spares the garbage collector a tuple per term.
        gap_tuples: dict[tuple[int, int, bool], tuple[tuple[int, int, bool], ...]] = {}
        for key, targets in terms.items():
            n_words = len(key)
            plain, lone = _shortcuts(targets)
            if n_words == 1:
                values[key[0]] = (len(key[0]), None, targets, (), plain, lone)
            elif n_words == 2:
                # The commonest multi-word term ("First Last", "Mr. Last"): the loop below, unrolled.
                first, second = key
                length = len(first)
                abbreviation = length <= ABBREVIATION_MAX
                widths = _narrow_widths(first)
                by_next_word = wide.get(wide_core := first + " " * (widths[-1] + 1))
                if by_next_word is None:
                    wide[wide_core] = by_next_word = {}
                long_term = (key, targets)
                listed = by_next_word.get(second)
                if listed is None:
                    by_next_word[second] = [long_term]
                else:
                    listed.append(long_term)
                for width in widths:
                    gaps = gap_tuples.get((length, width, abbreviation))
                    if gaps is None:
                        gaps = gap_tuples[length, width, abbreviation] = ((length, length + width, abbreviation),)
                    core = first + " " * width + second
                    values[core] = (len(core), core, targets, gaps, plain, lone)
            elif n_words <= ENUMERATED_MAX_WORDS:
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
                    values[core] = (len(core), core, targets, gaps, plain, lone)
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
        automaton = self._automaton = ahocorasick.Automaton()
        add_word = automaton.add_word
        # pyahocorasick looks for a node's next letter among its children one by one, in the order they
        # were added; every word of the text starts at the node of the first space, whose children are
        # the terms' first letters: added by how often words start with them, the commonest are found
        # first. Within a letter in alphabetical order, so that patterns sharing a prefix are added
        # together and their nodes lie near each other in memory.
        for core, value in sorted(values.items(), key=_first_letter_rank):
            add_word(" " + core + " " if value[1] is not WIDE else " " + core, value)
        automaton.make_automaton()

    def matches(self, padded: str) -> list[Match]:
        """Every match in `padded` (overlapping ones included), in end order, the longest first."""
        return list(self._automaton.iter(padded))


# Word-initial letters, commonest first: Russian and English news copy interleaved (a rules file may
# hold both), then the rest of either alphabet and the digits. Letters not listed come after them.
_FIRST_LETTERS = "пtсaвsнoкiдwиcрbмpтhзfбmоdаrуeгlчnэgяuфvхyшjжkлqцzщxеюйёыьъ0123456789"
_FIRST_LETTER_RANK = {letter: chr(rank) for rank, letter in enumerate(_FIRST_LETTERS)}
_UNRANKED = chr(len(_FIRST_LETTERS))


def _first_letter_rank(item: tuple[str, Value]) -> str:
    """Sort key of an automaton pattern: the rank of its first letter, then the pattern (see Automaton)."""
    core = item[0]
    return _FIRST_LETTER_RANK.get(core[0], _UNRANKED) + core


def _narrow_widths(previous: str) -> tuple[int, ...]:
    """Gap widths after word `previous` that get their own automaton patterns."""
    return _TWO_WORD_WIDTHS_AFTER_ABBREVIATION if len(previous) <= ABBREVIATION_MAX else _TWO_WORD_WIDTHS


def _longest_first(long_terms: list[LongTerm]) -> tuple[LongTerm, ...]:
    """At one start, longer hits come first, as everywhere in scan."""
    if len(long_terms) == 1:
        return (long_terms[0],)
    return tuple(sorted(long_terms, key=lambda term: -len(term[0])))


def _shortcuts(targets: tuple[Target, ...]) -> tuple[tuple[Fields, ...] | None, Target | None]:
    """(plain_fields, lone_target) of `targets`: for one target (nearly every term) without calling
    them, since a compile asks for every term."""
    if not SHORTCUTS:
        return None, None
    if len(targets) == 1:
        group, fields = only = targets[0]
        return ((fields,), None) if group is None else (None, only)
    return plain_fields(targets), lone_target(targets)


def plain_fields(targets: tuple[Target, ...]) -> tuple[Fields, ...] | None:
    """The targets' fields when none of them competes on overlap (scan's fast path), else None."""
    if any(group is not None for group, _fields in targets):
        return None
    return tuple(fields for _group, fields in targets)


def lone_target(targets: tuple[Target, ...]) -> Target | None:
    """The target when there is one and it competes on overlap (scan's second path), else None."""
    return targets[0] if len(targets) == 1 and targets[0][0] is not None else None
