"""Finding tracked speakers by a loosely written name ("peskow", an alias, a surname), in time that does
not grow with the number of speakers.

    index = SpeakerIndex(rules.speakers)       # once per rules version (see speaker_index)
    index.exact("kremlin spokesman")           # speakers with that id, name or alias, as processed
    index.scored("peskow")                     # [(score, speaker)], best first: the likely ones only

Every name is compared as rapidfuzz's `default_process` leaves it (lower case, punctuation a space).
A fuzzy score is rapidfuzz's WRatio against the speaker's id, name and aliases (the best of them), as
the bot has always ranked speakers; what the index adds is which speakers are scored at all: those
sharing something with a word of the query (`_candidates`):

- the word itself ("marek" in "Ivan Marek");
- a word it begins ("kova" for "kovalenko"), from one sorted list of words and a binary search;
- a word with the same transliteration key (`translit_key`: "sacharowa" for "zakharova", "peskow"
  for "peskov");
- a word one edit away (a letter added, dropped or changed, or two swapped: "kovalneko" for
  "kovalenko"). The edits are made of the query word (a few hundred strings, each a dict look-up),
  not stored for every indexed word, so the index stays small and quick to build.

A speaker sharing none of these with the query would score too low against the ones that do to change
the answer; scoring only the few candidates (rapidfuzz's C loop over their strings) is what keeps a
lookup under a millisecond among 10,000 speakers, where scoring every speaker took 76 ms.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process, utils

from rules.gcpause import collector_paused
from rules.model import Speaker
from rules.normalize import translit_key

# A word shorter than this is not looked up as the start of others ("ma" begins half the names).
PREFIX_MIN = 3
# Words shorter than this are met only by their key, not by edits: one letter changed would make
# "ivan" meet "iran".
EDIT_MIN = 4
# The most speakers scored for one query (each costs ~5 us of rapidfuzz). A query word shared by more
# speakers (a common first name) brings in those that match best first; past this many the rest are
# left out.
MAX_CANDIDATES = 100
# Words of a query looked at: a name is a few words, and each costs a few hundred look-ups.
MAX_QUERY_WORDS = 6
# How much a query word brings a speaker in by: one of its words, the start of one, a near spelling.
WHOLE, START, NEAR = 3, 2, 1
# A query word that begins more words than this is too short to narrow anything ("mar" among 10,000
# surnames): it is looked up whole only.
PREFIX_MAX_WORDS = 200


def processed(text: str) -> str:
    """How names are compared: rapidfuzz's default_process (lower case, punctuation a space, trimmed)."""
    return str(utils.default_process(text))


class SpeakerIndex:
    """The speakers of one rules version, indexed by their ids', names' and aliases' words."""

    def __init__(self, speakers: Iterable[Speaker]) -> None:
        with collector_paused():  # like the matcher's compile: many containers, no cycles
            self._build(tuple(speakers))

    def _build(self, speakers: tuple[Speaker, ...]) -> None:
        self.speakers = speakers
        # Per speaker (by position), the strings it is scored against: id, name, aliases, processed.
        self._names: list[tuple[str, ...]] = []
        self._exact: dict[str, list[int]] = {}
        by_word: dict[str, list[int]] = {}
        for position, speaker in enumerate(self.speakers):
            names = tuple(processed(t) for t in (speaker.id, *speaker.terms))
            self._names.append(names)
            for name in dict.fromkeys(names):  # a speaker once per name, in speaker order
                self._exact.setdefault(name, []).append(position)
                for word in name.split():
                    listed = by_word.setdefault(word, [])
                    if not listed or listed[-1] != position:
                        listed.append(position)
        self._by_word = by_word
        self._sorted_words = sorted(by_word)
        self._by_key: dict[str, list[str]] = {}  # transliteration key -> the words
        for word in by_word:
            self._by_key.setdefault(translit_key(word), []).append(word)
        # What edits are made of: the characters of the indexed words (letters only for a word of
        # letters: digits come with ids such as "person-7").
        characters = {c for word in by_word for c in word}
        self._characters = "".join(sorted(characters))
        self._letters = "".join(sorted(c for c in characters if c.isalpha()))

    def exact(self, wanted: str) -> list[Speaker]:
        """The speakers whose id, name or an alias, processed, is `wanted` (processed), in rules order."""
        return [self.speakers[p] for p in self._exact.get(wanted, ())]

    def scored(self, wanted: str, cutoff: float = 0.0) -> list[tuple[float, Speaker]]:
        """(score, speaker) of the candidates for `wanted` (processed) scoring at least `cutoff`, best
        first; equal scores in rules order."""
        candidates = self._candidates(wanted)
        if not candidates:
            return []
        choices: list[str] = []
        owners: list[int] = []
        names = self._names
        for position in candidates:
            choices.extend(names[position])
            owners.extend([position] * len(names[position]))
        best: dict[int, float] = {}
        for _choice, value, i in process.extract(
            wanted, choices, scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=cutoff
        ):
            owner = owners[i]
            if value > best.get(owner, -1.0):
                best[owner] = value
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [(value, self.speakers[position]) for position, value in ranked]

    def _candidates(self, wanted: str) -> list[int]:
        """The speakers sharing a word, a word start or a near spelling with `wanted`, at most
        MAX_CANDIDATES: those that share the most (a whole word counting more than a word start, a
        word start more than a near spelling) and, among equals, those first in the rules, which is
        also the order in which equal scores rank."""
        weights: dict[int, int] = {}
        for token in list(dict.fromkeys(wanted.split()))[:MAX_QUERY_WORDS]:
            found: dict[int, int] = {}
            for word, weight in self._related_words(token).items():
                for position in self._by_word[word]:
                    if found.get(position, 0) < weight:
                        found[position] = weight
            for position, weight in found.items():
                weights[position] = weights.get(position, 0) + weight
        if len(weights) <= MAX_CANDIDATES:
            return sorted(weights)
        return sorted(sorted(weights, key=lambda p: (-weights[p], p))[:MAX_CANDIDATES])

    def _related_words(self, token: str) -> dict[str, int]:
        """Indexed words that are `token` (weight 3), begin with it (2), or share its transliteration
        key or are an edit away from it (1)."""
        related: dict[str, int] = {}
        for word in self._by_key.get(translit_key(token), ()):
            related[word] = NEAR
        if len(token) >= EDIT_MIN:
            by_word = self._by_word
            letters = self._letters if token.isalpha() else self._characters
            for edit in _edits(token, letters):
                if edit in by_word:
                    related[edit] = NEAR
        if len(token) >= PREFIX_MIN:
            words = self._sorted_words
            at = bisect_left(words, token)
            stop = min(len(words), at + PREFIX_MAX_WORDS + 1)
            starting = [w for w in words[at:stop] if w.startswith(token)]
            if len(starting) <= PREFIX_MAX_WORDS:
                related.update(dict.fromkeys(starting, START))
        if token in self._by_word:
            related[token] = WHOLE
        return related


def _edits(word: str, letters: str) -> set[str]:
    """`word` and every string one edit from it: a letter dropped, two neighbours swapped, a letter
    changed or added (from `letters`)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {word}
    edits.update([a + b[1:] for a, b in splits if b])
    edits.update([a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1])
    edits.update([a + c + b[1:] for a, b in splits if b for c in letters])
    edits.update([a + c + b for a, b in splits for c in letters])
    return edits


# One index per speakers tuple, for the last two rules versions: the service builds the new one off
# the event loop when rules change (see bot.service), and the bot, still answering from the old rules
# for a moment, keeps finding the old one. A memo, not shared state: it only ever saves work.
_INDEXES: list[tuple[Sequence[Speaker], SpeakerIndex]] = []
_INDEXES_KEPT = 2


def speaker_index(speakers: Sequence[Speaker]) -> SpeakerIndex:
    """The index of `speakers`; built once per tuple of speakers (a list is indexed afresh every time,
    since it may have changed since)."""
    if not isinstance(speakers, tuple):
        return SpeakerIndex(speakers)
    for held, index in list(_INDEXES):
        if held is speakers:
            return index
    index = SpeakerIndex(speakers)
    _INDEXES.insert(0, (speakers, index))
    del _INDEXES[_INDEXES_KEPT:]
    return index
