"""Compiling rules for the matcher: every speaker term and topic keyword as patterns of one automaton.

`compile_terms(rules)` folds each term into its words (`rules.normalize.words`) and builds what
`rules.match.Matcher` scans with, once per rules version:

- an `Automaton` (pyahocorasick) over " term " patterns, each pattern's value holding everything scan
  needs for a match, including shortcuts for the common cases (`plain_fields`, `lone_target`);
- the fuzzy index: transliteration keys of single-word speaker terms (and one-letter edits of long
  keys) -> the terms, for `rules.fuzzy`;
- the overlap groups whose hits can overlap at all, and every speaker's words (for given names: worked
  out when first asked for, see SpeakerWords).

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
from rules.model import Rules, Speaker, Topic
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

    A NamedTuple, not a dataclass: a compile makes one per keyword and per fuzzy speaker term (tens
    of thousands; other speaker terms go straight to their targets), and a tuple is built and hashed
    in C.
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
# kind, id, term, score, field). The group is None when no two hits of the group can overlap (for
# speakers: no two terms share a word; for a topic list: see can_overlap), so they skip the overlap
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
    # Fuzzy index: a key or one of its variants (see neighbours) -> the first fuzzy target listed under
    # it; fuzzy_more holds the others, when there are (read only, like everything here).
    fuzzy_index: dict[str, FuzzyTarget]
    fuzzy_more: dict[str, list[FuzzyTarget]]
    # Overlap groups whose hits can overlap (see can_overlap; for speakers, whose terms share a word).
    overlapping: frozenset[object]
    # Every word of every term: never a fuzzy candidate (an exact hit, or part of one).
    term_words: frozenset[str]
    topics: tuple[Topic, ...]
    speaker_words: SpeakerWords
    # Speaker terms written with capitals in Cyrillic: their hits must be capitalised (rules.inflect.cased).
    cased_terms: frozenset[str] = frozenset()


# The overlap group of every speaker term (see _group).
SPEAKER_GROUP = "speaker"


class SpeakerWords:
    """Every word of a speaker's terms (every form of them), by speaker id, for given names
    (rules.match): worked out for a speaker when first asked for, since few scans ask, and keeping a
    set per speaker made a tenth of a compile. The memo only caches pure results."""

    def __init__(self, speakers: tuple[Speaker, ...]) -> None:
        self._speakers = speakers
        self._by_id: dict[str, Speaker] | None = None
        self._memo: dict[str, frozenset[str]] = {}

    def get(self, speaker_id: str, default: frozenset[str] = frozenset()) -> frozenset[str]:
        found = self._memo.get(speaker_id)
        if found is not None:
            return found
        if self._by_id is None:
            self._by_id = {speaker.id: speaker for speaker in self._speakers}
        speaker = self._by_id.get(speaker_id)
        if speaker is None:
            return default
        term_forms = (forms(term, "speaker") if has_cyrillic(term) else (term,) for term in speaker.terms)
        found = frozenset(chain.from_iterable(words(form) for form in chain.from_iterable(term_forms)))
        self._memo[speaker_id] = found
        return found


def compile_terms(rules: Rules) -> Compiled:
    """Every speaker term and topic keyword of `rules`, compiled for scanning.

    Linear in the number of terms: each term is folded once, looked up in dicts and sets, and its
    patterns built once; no step compares a speaker term with the others (the speaker group overlaps
    once two terms share a word; a topic list's keys, a few dozen, are compared at their shared words
    by can_overlap, up to OVERLAP_TEST_MAX_KEYS of them). The cyclic garbage collector is paused
    meanwhile (see rules.gcpause).
    """
    with collector_paused():
        compiled = _compile_terms(rules)
    save_forms()  # the Russian forms computed now, for the next start (rules.formscache)
    return compiled


def _compile_terms(rules: Rules) -> Compiled:
    # Every key (a folded word tuple) -> its targets, speakers' first (in rules order), then topics'.
    targets: dict[tuple[str, ...], tuple[Target, ...]] = {}
    # Fuzzy index: variant -> its first target (nearly every variant has one), and the rest elsewhere.
    fuzzy_index: dict[str, FuzzyTarget] = {}
    fuzzy_more: dict[str, list[FuzzyTarget]] = {}
    # The speaker group's overlap test: whether two speaker terms share a word (or one repeats one).
    speaker_seen: set[str] = set()
    speaker_overlap = False
    cased_terms: set[str] = set()
    new_tuple = tuple.__new__  # Entry(...) without namedtuple's __new__, a Python function
    fuzzy_rank = 0
    for speaker in rules.speakers:
        speaker_id, fuzzy, name, aliases = speaker.id, speaker.fuzzy, speaker.name, speaker.aliases
        for term in speaker.terms if name in aliases else (name, *aliases):
            # The term, and for a Russian one its other cases (rules.inflect): one key each, one
            # target for all of them (built once: tuples are shared, never compared by identity).
            term_forms: tuple[str, ...] = (term,)
            if not term.isascii() and has_cyrillic(term):
                if cased(term):
                    cased_terms.add(term)
                term_forms = forms(term, "speaker")
            one: tuple[Target, ...] = ((SPEAKER_GROUP, ("speaker", speaker_id, term, EXACT_SCORE, "")),)
            as_written = True
            for form in term_forms:
                key = words(form)
                if not key:
                    as_written = False
                    continue
                listed = targets.get(key)
                if listed is None:
                    targets[key] = one
                    if speaker_overlap:
                        pass
                    elif not speaker_seen.isdisjoint(key) or (len(key) > 1 and len(set(key)) < len(key)):
                        speaker_overlap = True
                    else:
                        speaker_seen.update(key)
                elif any(fields[1] == speaker_id for _group, fields in listed):
                    pass  # one hit per speaker per span: a name and an alias folding alike are one term
                else:
                    targets[key] = (*listed, one[0])
                    speaker_overlap = True  # two speakers' terms share every word
                # The term as written goes into the fuzzy index; its inflected forms are exact patterns.
                if as_written and fuzzy > 0 and len(key) == 1 and key[0].isalpha():
                    tkey = translit_key(key[0])
                    if len(tkey) >= FUZZY_MIN_KEY:
                        entry = new_tuple(Entry, ("speaker", speaker_id, term, "", fuzzy))
                        fuzzy_target = new_tuple(FuzzyTarget, (tkey, entry, fuzzy_rank))
                        fuzzy_rank += 1
                        for variant in neighbours(tkey):
                            if fuzzy_index.setdefault(variant, fuzzy_target) is not fuzzy_target:
                                fuzzy_more.setdefault(variant, []).append(fuzzy_target)
                as_written = False
    if not speaker_overlap:  # no speaker hit can overlap another: none takes part in the bookkeeping
        for key, listed in targets.items():
            targets[key] = tuple([(None, fields) for _group, fields in listed])
    # The topics: the keys of each topic list (in order, each once), then the groups whose hits can overlap.
    topic_entries: dict[tuple[str, ...], list[Entry]] = {}
    group_keys: dict[object, dict[tuple[str, ...], None]] = {}
    for topic in rules.topics:
        for field_name, keywords in (("any", topic.any), ("all", topic.all), ("none", topic.none)):
            group = (topic.id, field_name)
            for keyword in keywords:
                for form in forms(keyword, "topic") if has_cyrillic(keyword) else (keyword,):
                    key = words(form)
                    if not key:
                        continue
                    entry = Entry("topic", topic.id, keyword, field_name)
                    entries = topic_entries.setdefault(key, [])
                    if entry in entries:
                        continue
                    entries.append(entry)
                    group_keys.setdefault(group, {})[key] = None
    overlapping = {group for group, keys in group_keys.items() if can_overlap(tuple(keys))}
    if speaker_overlap:
        overlapping.add(SPEAKER_GROUP)
    frozen_overlapping = frozenset(overlapping)
    for key, entries in topic_entries.items():
        targets[key] = (*targets.get(key, ()), *[target(e, EXACT_SCORE, frozen_overlapping) for e in entries])
    return Compiled(
        automaton=Automaton(targets),
        fuzzy_index=fuzzy_index,
        fuzzy_more=fuzzy_more,
        overlapping=frozen_overlapping,
        term_words=frozenset(chain.from_iterable(targets)),
        topics=tuple(rules.topics),
        speaker_words=SpeakerWords(rules.speakers),
        cased_terms=frozenset(cased_terms),
    )


# Groups with more keys than this are taken to overlap as soon as two keys share a word (the exact test
# compares the keys pairwise at their common words).
OVERLAP_TEST_MAX_KEYS = 256


def can_overlap(keys: tuple[tuple[str, ...], ...]) -> bool:
    """Whether two hits of these keys (two places of one key included) can share a word in some text.

    Hits are whole-word matches, so two that overlap cover a common run of words: for some alignment
    of the two keys at a shared word, their words agree wherever both have one. "пошлины нато" and
    "пошлине нато" share a word but never overlap; "пошлина" and "пошлина нато" do, and so do "a b"
    and "b c", or "a a" with itself. Exact for small groups (a topic list's keywords in every form);
    a group larger than OVERLAP_TEST_MAX_KEYS is taken to overlap once its keys share a word.
    """
    places: dict[str, list[tuple[int, int]]] = {}  # word -> (key, position) of each of its places
    for k, key in enumerate(keys):
        for position, word in enumerate(key):
            places.setdefault(word, []).append((k, position))
    shared = [found for found in places.values() if len(found) > 1]
    if not shared or len(keys) > OVERLAP_TEST_MAX_KEYS:
        return bool(shared)
    for found in shared:
        for i, (k1, p1) in enumerate(found):
            for k2, p2 in found[i + 1 :]:
                first, second, shift = keys[k1], keys[k2], p1 - p2  # second starts `shift` words after first
                lo, hi = max(0, shift), min(len(first), shift + len(second))
                if all(first[t] == second[t - shift] for t in range(lo, hi)):
                    return True
    return False


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
    `key` is a translit_key, which has no letter twice in a row, so no two deletions give one string.

    Two keys meet when they are equal or one letter apart (deletion, insertion or substitution). The
    last letter is kept because a changed ending is usually another person or another word form
    ("Ivanova" is not "Ivanov").
    """
    if len(key) < FUZZY_EDIT_MIN_KEY:
        return (key,)
    return (key, *[key[:i] + key[i + 1 :] for i in range(len(key) - 1)])


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
        # the terms' first letters: added by how often words start with them, the commonest are found first.
        rank, unranked = _FIRST_LETTER_RANK.get, len(_FIRST_LETTERS)
        by_rank: list[list[tuple[str, Value]]] = [[] for _ in range(unranked + 1)]
        for item in values.items():  # a stable sort by rank, without a call per pattern
            by_rank[rank(item[0][0], unranked)].append(item)
        for core, value in chain.from_iterable(by_rank):
            add_word(" " + core + " " if value[1] is not WIDE else " " + core, value)
        automaton.make_automaton()

    def matches(self, padded: str) -> list[Match]:
        """Every match in `padded` (overlapping ones included), in end order, the longest first."""
        return list(self._automaton.iter(padded))


# Word-initial letters, commonest first: Russian and English news copy interleaved (a rules file may
# hold both), then the rest of either alphabet and the digits. Letters not listed come after them.
_FIRST_LETTERS = "пtсaвsнoкiдwиcрbмpтhзfбmоdаrуeгlчnэgяuфvхyшjжkлqцzщxеюйёыьъ0123456789"
_FIRST_LETTER_RANK = {letter: rank for rank, letter in enumerate(_FIRST_LETTERS)}


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
