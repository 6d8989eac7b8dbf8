"""The compiled matcher: every mention of a tracked speaker and every topic keyword in one pass.

This module scans; what it scans with is built once per rules version by `rules.terms` (the automaton
and its patterns, `Matcher.compile`). Step 2 below is `rules.fuzzy`, and what may stand between the
words of a multi-word term is `rules.gaps`.

Evaluation order (how speakers, topics and watches combine):

1. `Matcher.scan(text)` folds the text once (`rules.normalize`: case, accents, typography, NFKC) and
   runs one Aho-Corasick automaton (pyahocorasick, in C) over a view of it where every non-word
   character is a space. Every speaker term (name + aliases) and topic keyword (`any`, `all`, `none`)
   is a pattern " its words ", so matching is whole-word and its cost per character does not grow with
   the number of terms: "Rutte" never matches "Ruttenberg". A Russian term is written once, in the
   nominative: its other cases are patterns too (`rules.inflect`: "Пескова", "Пескову" for "Песков";
   "расширения НАТО" for "расширение НАТО"), and a hit of a Cyrillic alias written with capitals must be
   capitalised in the text ("барханы песков" is sand, not Peskov). Between the
   words of a multi-word term the text may have 1-4 soft separators (spaces, line breaks, hyphens,
   dashes, apostrophes), or a full stop after an abbreviation ("Mr. Peskov"); Python looks only at the
   matches, never at every word.
2. Capitalised words (one regex pass) that are not exact hits and not common English words are looked
   up under their transliteration key (`translit_key`, plus one-letter edits for long keys) among
   single-word speaker terms; a candidate counts when rapidfuzz's ratio between the keys reaches the
   speaker's `fuzzy` threshold (0 = never). Such hits score below 100. Each word is looked up once;
   set operations in C skip the words known to have no match (see rules.fuzzy).
3. Overlaps: among speaker hits the longest span wins ("Dmitry Peskov" over "Peskov"); topic hits
   compete only with hits of the same topic and list (`any`/`all`/`none`), so one keyword can serve
   several topics. Hits with the very same span are all kept (two topics sharing a keyword), in
   the order of the rules; two speakers' fuzzy hits at one place come best score first, then in the
   order of the rules. The hits are a pure function of the rules and the text: no order in them
   comes from hashing (a set's order changes with PYTHONHASHSEED; tests/test_match_determinism.py).
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
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Literal, NamedTuple

from rules.fuzzy import FuzzyFinder
from rules.gaps import MAX_GAP, follow, gaps_ok
from rules.model import Rules
from rules.normalize import translit_key, words
from rules.terms import LONG, WIDE, Compiled, LongTerm, Match, Target, compile_terms
from rules.views import folded_text, scan_views

# Words right before a surname that name a role, not a person: they do not contradict a tracked speaker.
_HONORIFICS_TEXT = """mr mrs ms miss dr prof sir dame lord lady madam mister herr frau monsieur mme
    president vice prime minister deputy foreign secretary spokesman spokeswoman spokesperson press
    ambassador general chancellor senator governor mayor chief envoy aide adviser advisor commissioner
    director chairman chairwoman chair head leader king queen prince princess pope gen col sen rep gov
    said says told the a an"""
HONORIFICS = frozenset(_HONORIFICS_TEXT.split())

# Cyrillic letters as Latin for comparing given names (a coarse transliteration: translit_key folds the rest).
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
        "ь": "", "э": "e", "ю": "iu", "я": "ia",
    }
)  # fmt: skip


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


# Spaces by width: a span of `hard` with only soft gaps (a wider match is looked at closely).
_BLANK_MAX = 512
_BLANKS = tuple(" " * n for n in range(_BLANK_MAX))
# A Hit's start and end: item getters are the cheapest sort keys.
_start_of = itemgetter(4)
_end_of_hit = itemgetter(5)
# Hit(...) without namedtuple's __new__ (a Python function taking each field as an argument): the
# same tuple, built in C from one tuple of all eight fields.
_new_hit = tuple.__new__


class Matcher:
    """Rules compiled for matching; build with `Matcher.compile(rules)`."""

    def __init__(self, compiled: Compiled) -> None:
        self._automaton = compiled.automaton
        self._fuzzy = FuzzyFinder(compiled) if compiled.fuzzy_index else None
        self._topics = compiled.topics
        self._speaker_words = compiled.speaker_words
        self._cased = compiled.cased_terms

    @classmethod
    def compile(cls, rules: Rules) -> Matcher:
        """The matcher for `rules` (compiling is `rules.terms`' job)."""
        return cls(compile_terms(rules))

    # -- scanning ---------------------------------------------------------------------------------

    def scan(self, text: str) -> list[Hit]:
        """Every speaker and topic hit in `text`, sorted by start; longest match wins on overlap."""
        hits, lower = self._scan(text)
        if lower:  # a hit of a term written with capitals is not capitalised in the text: drop it
            cased = self._cased
            return [hit for hit in hits if hit.term not in cased or _capitalised(hit.text)]
        return hits

    def _scan(self, text: str) -> tuple[list[Hit], bool]:
        """The hits, and whether one of them may be of a capitalised term but not capitalised (then
        `scan` drops those: every such hit makes it True, resolved overlaps and long terms too)."""
        # Folded (maybe still bytes: rules.views.folded_text), and views as long as it (padding aside):
        # the automaton reads `padded`; `softed` (or, for Russian, `hard`) shows what the gaps inside
        # multi-word matches are.
        folded, index_map, padded, softed, hard, cased = scan_views(text)
        # The exact matches, found in C, in end order (the longest first at one end). Every pattern is
        # " term " (words joined by gaps of spaces), so a match is whole-word.
        matches: list[Match] = self._automaton.matches(padded)
        if self._fuzzy is not None:
            self._fuzzy.add_matches(text, folded, cased, padded, index_map, matches)
        if not matches:
            return [], False
        cased_terms = self._cased
        # Whether a hit may need dropping; once it is known, no other hit is checked. Rules without such
        # terms (English) start with it set, so none is checked, and it is not reported.
        lower = not cased_terms
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
            # pattern itself (`hard` only spaces); otherwise look closer (a full stop after "Mr" is fine,
            # a comma is not). The first word of long terms and a prefix before a wide gap always are.
            if core is not None and (
                softed[start:stop] != core
                if softed is not None
                else width >= _BLANK_MAX or hard[start:stop] != _BLANKS[width] or core is LONG or core is WIDE
            ):
                if core is WIDE:
                    long_terms = _wide_terms(padded, start, *more)
                    if long_terms:
                        folded = folded_text(folded)
                        overlap |= _long_hits(long_terms, text, folded, padded, index_map, start, hits)
                    continue
                folded = folded_text(folded)
                if core is LONG:
                    overlap |= _long_hits(more, text, folded, padded, index_map, start, hits)
                    if not targets:
                        continue
                elif not gaps_ok(folded, start, more):
                    continue
            if plain is not None and index_map is None:
                # The common case, in fewest steps: no target can overlap another hit of its group,
                # and folding kept the offsets.
                as_written = text[start:stop]
                if start <= last_start:
                    unordered = True
                last_start = start
                for kind, id_, term, score, field in plain:
                    if not lower and term in cased_terms and not as_written.istitle():
                        lower = True
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
                as_written = text[start:stop]
                if not lower and term in cased_terms and not as_written.istitle():
                    lower = True
                append(_new_hit(Hit, (kind, id_, term, as_written, start, stop, score, field)))
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
                if not lower and term in cased_terms and not written.istitle():
                    lower = True
                append(_new_hit(Hit, (kind, id_, term, written, text_start, text_end, score, field)))
        if overlap:  # long terms' hits among them too (they set it): not checked one by one
            return _resolve_overlaps(hits), bool(cased_terms)
        if unordered:
            # Two stable sorts (reverse=True keeps equal items in order): by start, the longer first,
            # hits with the very same span in the order of their targets.
            hits.sort(key=_end_of_hit, reverse=True)
            hits.sort(key=_start_of)
        return hits, lower and bool(cased_terms)

    def speakers(self, text: str) -> list[Hit]:
        """The speaker hits of `scan(text)`."""
        return [hit for hit in self.scan(text) if hit.kind == "speaker"]

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
        # Compared in Latin letters: "Дмитрий Песков" in a Russian article is the "Dmitry Peskov" of the rules.
        known = {w.translate(_CYRILLIC_TO_LATIN) for w in self._speaker_words.get(speaker_id, frozenset())}
        initial = len(given) == 1
        given = given.translate(_CYRILLIC_TO_LATIN)
        if initial:  # an initial: "D. Peskov", "Д. Песков"
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


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff][\w-]*")


def _capitalised(written: str) -> bool:
    """Every Cyrillic word of a hit as written starts with a capital ("Пескова", "Д. Песков")."""
    if written.istitle() or written.isupper():  # nearly every hit: "Пескова", "Марии Захаровой", "ПЕСКОВ"
        return True
    return all(word[0].isupper() for word in _CYRILLIC_WORD.findall(written))


def hits_within(hits: Iterable[Hit], spans: Sequence[tuple[int, int]]) -> list[Hit]:
    """The hits that lie entirely inside one of `spans` ((start, end) offsets of the hits' text)."""
    return [hit for hit in hits if any(s <= hit.start and hit.end <= e for s, e in spans)]


def _text_span(index_map: list[int] | None, start: int, stop: int) -> tuple[int, int]:
    """The original-text offsets of the folded span [start, stop) (index_map None: folding kept them)."""
    if index_map is None:
        return start, stop
    # Characters folded away after the match (a combining accent) belong to it.
    return index_map[start], max(index_map[stop], index_map[stop - 1] + 1)


def _long_hits(
    long_terms: tuple[tuple[tuple[str, ...], tuple[Target, ...]], ...],
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
        stop = follow(spaced, folded, start, key)
        if not stop:
            continue
        text_start, text_end = _text_span(index_map, start, stop)
        written = text[text_start:text_end]
        for _group, (kind, id_, term, score, field) in targets:
            hits.append(_new_hit(Hit, (kind, id_, term, written, text_start, text_end, score, field)))
            found = True
    return found


def _wide_terms(
    padded: str, start: int, prefix_length: int, by_next_word: dict[str, tuple[LongTerm, ...]]
) -> tuple[LongTerm, ...]:
    """The terms that may continue, after a gap wider than the enumerated ones, the prefix matched at
    `start` (`prefix_length` folded characters): those whose next word is the word after the gap.
    `rules.gaps.follow` then checks every gap and word of them."""
    gap_end = start + prefix_length
    n = len(padded) - 2
    while gap_end < n and padded[gap_end + 1] == " ":  # padded[i + 1] is folded[i] as a view
        gap_end += 1
    if gap_end - start - prefix_length > MAX_GAP or gap_end >= n:
        return ()
    word_end = padded.index(" ", gap_end + 1)
    return by_next_word.get(padded[gap_end + 1 : word_end], ())


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
