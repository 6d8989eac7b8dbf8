"""The compiled matcher: every mention of a tracked speaker and every topic keyword in one pass.

Evaluation order (how speakers, topics and watches combine):

1. `Matcher.scan(text)` folds the text once (`rules.normalize`: case, accents, typography, NFKC),
   splits it into words once, and looks every word up in a dict keyed by the folded word tuples of all
   speaker terms (name + aliases) and topic keywords (`any`, `all`, `none`). Multi-word terms are
   followed word by word only from a word that starts one, so the cost per word does not grow with the
   number of terms. Matching is whole-word: "Rutte" never matches "Ruttenberg", and an inflected form
   ("Пескова" for "Песков") is a different word: list inflected forms as aliases if articles use them.
2. Capitalised words that are not exact hits and not common English words are looked up under their
   transliteration key (`translit_key`, plus one-letter edits for long keys) among single-word speaker
   terms; a candidate counts when rapidfuzz's ratio between the keys reaches the speaker's `fuzzy`
   threshold (0 = never). Such hits score below 100.
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_
from typing import Literal

from rapidfuzz.fuzz import ratio

from rules.model import Rules, Topic
from rules.normalize import WORD_TABLE, fold, translit_key, words

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
# What scan knows of a folded word (Matcher._known).
_PLAIN, _STARTS, _FUZZY = 0, 1, 2
# The longest soft gap, in separator characters, so following a multi-word term stays bounded.
_MAX_GAP = 4

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


@dataclass(frozen=True)
class Hit:
    """One mention of a speaker term or topic keyword, at its place in the original text."""

    kind: Literal["speaker", "topic"]
    id: str  # speaker id or topic id
    term: str  # the alias / keyword as configured
    text: str  # as written in the article: original text[start:end]
    start: int  # offsets in the original text, end exclusive (a possessive 's is not included)
    end: int
    score: float  # 100.0 exact (after folding); lower for fuzzy hits
    field: str = ""  # topic hits: "any" | "all" | "none"


@dataclass(frozen=True)
class _Entry:
    """What a folded word tuple stands for: one speaker term, or one keyword of one topic list."""

    kind: Literal["speaker", "topic"]
    id: str
    term: str
    field: str = ""
    fuzzy: float = 0.0

    def hit_fields(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.id, "term": self.term, "field": self.field}


@dataclass(frozen=True)
class _FuzzyTarget:
    key: str
    entry: _Entry


# What a matched word tuple produces: (overlap group, the Hit fields fixed by the entry, score).
# The group is None when no two terms of the group share a word: their hits can never overlap (an
# overlap of whole-word matches shares a word), so they skip the overlap bookkeeping.
_HitBase = dict[str, object]
_Target = tuple[object, _HitBase, float]

_new_object = object.__new__
_set_attribute = object.__setattr__


def _new_hit(base: _HitBase, text: str, start: int, end: int, score: float) -> Hit:
    """Hit(...) at a third of the cost: a frozen dataclass's __init__ sets each field through
    object.__setattr__, and a dense article yields a hundred hits. Equal to the Hit(...) it stands for.
    """
    fields = base.copy()
    fields["text"] = text[start:end]
    fields["start"] = start
    fields["end"] = end
    fields["score"] = score
    hit: Hit = _new_object(Hit)
    _set_attribute(hit, "__dict__", fields)
    return hit


def _group(entry: _Entry) -> object:
    """Hits compete on overlap within a group: all speakers together, each topic list on its own."""
    return "speaker" if entry.kind == "speaker" else (entry.id, entry.field)


class Matcher:
    """Rules compiled for matching; build with `Matcher.compile(rules)`."""

    def __init__(
        self,
        terms: dict[tuple[str, ...], tuple[_Entry, ...]],
        fuzzy_index: dict[str, tuple[_FuzzyTarget, ...]],
        topics: Sequence[Topic],
        speaker_words: dict[str, frozenset[str]],
    ) -> None:
        # One-word terms by their word; longer terms by their word tuple, reached from their first word
        # (-> the word counts of the terms it starts, longest first).
        self._single: dict[str, tuple[_Target, ...]] = {}
        self._multi: dict[tuple[str, ...], tuple[_Target, ...]] = {}
        lengths: dict[str, set[int]] = {}
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
        for key, entries in terms.items():
            targets = tuple(self._target(e, EXACT_SCORE) for e in entries)
            if len(key) == 1:
                self._single[key[0]] = targets
            else:
                self._multi[key] = targets
                lengths.setdefault(key[0], set()).add(len(key))
        # The first two words of every longer term: most words that start one are not followed by
        # any second word that continues it, and this set says so without collecting the words.
        self._pairs = frozenset(key[:2] for key in self._multi)
        self._multi_lengths = {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()}
        self._first = frozenset(self._single) | frozenset(self._multi_lengths)
        self._fuzzy_index = fuzzy_index
        self._topics = tuple(topics)
        self._speaker_words = speaker_words
        vocabulary = {w for key in terms for w in key}
        # Every word met so far -> what it is: _STARTS a term, has _FUZZY targets, or _PLAIN (neither).
        # One C-level pass of dict look-ups over the words then finds the candidates, and a word not in
        # it is new: looked up once for fuzzy targets, and remembered.
        self._base_known: dict[str, int] = dict.fromkeys(vocabulary | COMMON_WORDS | {""}, _PLAIN)
        self._base_known.update(dict.fromkeys(self._first, _STARTS))
        self._known = dict(self._base_known)
        self._fuzzy_memo: dict[str, tuple[_Target, ...]] = {}
        # Per word that starts a term: " word " (what scan searches for to place it), its one-word
        # targets, and the word counts of the longer terms it starts - one look-up per candidate.
        self._info: dict[str, tuple[str, tuple[_Target, ...], tuple[int, ...]]] = {
            w: (f" {w} ", self._single.get(w, ()), self._multi_lengths.get(w, ())) for w in self._first
        }

    def _target(self, entry: _Entry, score: float) -> _Target:
        group = _group(entry)
        return (group if group in self._overlapping else None), entry.hit_fields(), score

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
        spaced = folded.translate(WORD_TABLE)  # lower-case words, a space for every other character
        parts = spaced.split(" ")
        n_parts = len(parts)
        # Candidate positions in C (map/compress), not in a Python loop over every word.
        codes = list(map(self._known.get, parts))
        if None in codes:
            self._learn(set(compress(parts, map(is_, codes, repeat(None)))))
            codes = list(map(self._known.get, parts))
        candidates = list(compress(range(n_parts), codes))
        if not candidates:
            return []
        fuzzy_memo = self._fuzzy_memo
        info = self._info
        multi = self._multi
        pairs = self._pairs
        fuzzy_memo = self._fuzzy_memo
        # Every occurrence of every candidate word is a candidate, so the next " word " found after the
        # previous candidate is this candidate: its offset without counting the parts before it.
        padded = " " + spaced + " "
        pos = 0
        hits: list[Hit] = []
        append = hits.append
        # Per overlap group, the span of its hit reaching furthest: a later hit inside it loses at once
        # (it is shorter); one crossing its end is left to _resolve_overlaps.
        reach: dict[object, tuple[int, int]] = {}
        crossing = False

        def admit(group: object, start: int, end: int) -> bool:
            nonlocal crossing
            span = reach.get(group)
            if span is not None:
                if end <= span[1]:
                    if span != (start, end):
                        return False
                elif start < span[1]:
                    crossing = True
            reach[group] = (start, end)
            return True

        for k in candidates:
            word = parts[k]
            record = info.get(word)
            lengths: tuple[int, ...]
            if record is None:  # not a term's first word: a fuzzy candidate
                needle, targets, lengths = f" {word} ", fuzzy_memo[word], ()
            else:
                needle, targets, lengths = record
            start = padded.find(needle, pos)
            end = start + len(word)
            pos = end + 1
            if index_map is None:
                text_start, text_end = start, end
            else:
                text_start = index_map[start]
                # Characters folded away after the word (a combining accent) still belong to it.
                text_end = max(index_map[end], index_map[end - 1] + 1)
            if record is None and text[text_start].islower():
                continue  # only a capitalised word can be a name
            if lengths and (k + 1 >= n_parts or not parts[k + 1] or (word, parts[k + 1]) in pairs):
                followed, ends = _follow(parts, folded, k, start, lengths[0])
                for n in lengths:
                    multi_targets = multi.get(tuple(followed[:n])) if len(followed) >= n else None
                    if multi_targets:
                        last_end = ends[n - 1]
                        if index_map is not None:
                            last_end = max(index_map[last_end], index_map[last_end - 1] + 1)
                        for group, base, score in multi_targets:
                            if group is None or admit(group, text_start, last_end):
                                append(_new_hit(base, text, text_start, last_end, score))
            for group, base, score in targets:
                if group is None or admit(group, text_start, text_end):
                    append(_new_hit(base, text, text_start, text_end, score))
        return _resolve_overlaps(hits) if crossing else hits

    def speakers(self, text: str) -> list[Hit]:
        """The speaker hits of `scan(text)`."""
        return [hit for hit in self.scan(text) if hit.kind == "speaker"]

    def _learn(self, new_words: set[str]) -> None:
        """Classify words not met before: fuzzy candidates of some speaker, or plain words."""
        if len(self._known) > len(self._base_known) + FUZZY_CACHE_LIMIT:
            self._known = dict(self._base_known)
            self._fuzzy_memo.clear()
        for word in new_words:
            targets = self._fuzzy_lookup(word)
            if targets:
                self._fuzzy_memo[word] = targets
                self._known[word] = _FUZZY
            else:
                self._known[word] = _PLAIN

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

    # -- names and topics -------------------------------------------------------------------------

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
        for hit in hits:
            if hit.kind != "topic":
                continue
            if spans is not None and not any(s <= hit.start and hit.end <= e for s, e in spans):
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


def _soft_gap(gap: str, previous_word: str) -> bool:
    if _SOFT_GAP.fullmatch(gap):
        return True
    return len(previous_word) <= ABBREVIATION_MAX and _ABBREVIATION_GAP.fullmatch(gap) is not None


def _follow(parts: list[str], folded: str, k: int, start: int, n: int) -> tuple[list[str], list[int]]:
    """Up to n words from part k on, as long as only soft gaps separate them, and the folded end of each."""
    followed = [parts[k]]
    end = start + len(parts[k])
    ends = [end]
    j = k
    n_parts = len(parts)
    while len(followed) < n:
        nxt = j + 1
        while nxt < n_parts and not parts[nxt] and nxt - j <= _MAX_GAP:
            nxt += 1
        if nxt >= n_parts or not parts[nxt]:
            break
        next_start = end + (nxt - j)
        if not _soft_gap(folded[end:next_start], parts[j]):
            break
        followed.append(parts[nxt])
        end = next_start + len(parts[nxt])
        ends.append(end)
        j = nxt
    return followed, ends


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
