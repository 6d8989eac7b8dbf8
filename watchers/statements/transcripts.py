"""Transcripts: paragraphs that open with a speaker's label are that speaker's words (pure).

Official transcripts and interview write-ups print who speaks before what they say, with no quote
marks and no reporting verb: "CHAIR POWELL. Good afternoon. ...", "JEROME POWELL: We are ...",
"Д.Песков: Мы не ...". The passes that read quotes and cues find nothing there, although such pages
(a press conference, the Kremlin's or a ministry's own record) are often the first source of a
statement. This pass reads them, in any language:

- A label is a paragraph's first one to four capitalised words, then ":" (or "." when the label is
  in capitals: "CHAIR POWELL."), then the words. It speaks for a tracked speaker when the matcher
  knows the name it holds, title words before it set aside ("CHAIR POWELL" is Powell); other labels
  ("Q:", "QUESTION:", "Вопрос:", an untracked person) give nothing, but end the speaker's turn.
- The labelled paragraph is one direct statement of that speaker. In a transcript (two labels or
  more), the paragraphs after it up to the next label continue the turn, each a statement of its
  own when it reads as speech (ends like a sentence); the last turn is its own paragraph only, so
  that a page's footer never speaks for anyone.
- A labelled paragraph that opens with a quote mark ("Powell: «...»") is left to the quote passes,
  which read it already, and so is a headline on the article's first line ("Песков: Кремль рад").
  Outside a transcript, a labelled line the other passes found statements in is theirs, and a label
  on the first line is a headline's. A labelled line that does not end like a sentence is a
  subheading ("Lund: no cut before June"): it ends a turn but speaks for no one.

Only with a matcher: a label is trusted only as a tracked speaker's, so a line such as "Update:" or
"Photo:" never becomes a speaker. Statements the other passes found inside a turn and gave to the
same speaker, or to nobody, are replaced by the turn's; those given to someone else (a person the
speaker quotes) stay.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rules.match import HONORIFICS
from rules.normalize import words
from watchers.model import Span, Statement
from watchers.statements.boilerplate import is_headline
from watchers.statements.budget import Budget
from watchers.statements.lang.en import TITLE_WORDS
from watchers.statements.sentences import paragraphs

if TYPE_CHECKING:
    from rules.match import Matcher

# A label: up to four capitalised words (initials glued to a surname, "В.Путин", count as one),
# then ":" or "."; the words start after spaces.
_WORD = r"[^\W\d_](?:[\w'’-]|\.(?=[^\W\d_]))*"  # a dot only inside: "В.Путин", never at the end
_LABEL = re.compile(rf"[ \t]*(?P<label>{_WORD}(?:[ \t]+{_WORD}){{0,3}}?)[ \t]*(?P<sep>[:.])[ \t]+(?=\S)")
_OPENING_MARKS = "\"'«„“‘‹"
_SPEECH_END = ".?!…\"'»“”’)"
# Words a label's title may hold before the name: English title words and honorifics.
_TITLES = TITLE_WORDS | HONORIFICS
MAX_LABEL_CHARS = 60
MIN_TURN_WORDS = 3


@dataclass(frozen=True)
class Turn:
    """A paragraph in a speaker's turn: where its words are, and the label that named the speaker."""

    start: int
    end: int
    label: Span
    speaker_id: str


def _label(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """The label opening the line, if it has one: capitalised words, and "." only after capitals."""
    m = _LABEL.match(text, lo, hi)
    if m is None or len(m.group("label")) > MAX_LABEL_CHARS:
        return None
    label = m.group("label")
    if not all(w[0].isupper() for w in label.split()):
        return None
    if m.group("sep") == "." and not (label.isupper() and sum(ch.isalpha() for ch in label) >= 3):
        return None  # "Peskov. He ..." is a sentence; "CHAIR POWELL." is a label
    return m


def _display(label: str) -> str:
    """The label as a name: "CHAIR POWELL" as "Chair Powell"; "Д.Песков" as it is."""
    return label.title() if label.isupper() else label


def _speaker(label: str, matcher: Matcher) -> str | None:
    """The tracked speaker the label names, title words before the name set aside."""
    parts = label.split()
    while parts:
        found = matcher.speaker_for_name(" ".join(parts))
        if found is not None:
            return found
        if len(parts) == 1 or not set(words(parts[0])) <= _TITLES:
            return None
        parts = parts[1:]
    return None


def turns(text: str, matcher: Matcher, budget: Budget | None = None) -> tuple[list[Turn], bool]:
    """Every paragraph of a tracked speaker's turn, in reading order, and whether the text is a
    transcript (two labelled paragraphs or more, whoever they name). Only the paragraphs within the
    budget's characters are read, as the other passes read them (sentences.paragraphs)."""
    lines = (budget or Budget()).clip(paragraphs(text))
    first_line = lines[0][0] if lines else -1
    if lines and is_headline(text[lines[0][0] : lines[0][1]], True):
        lines = lines[1:]  # a headline ("Peskov: the Kremlin is glad"), as the other passes read it
    labelled = [(lo, hi, _label(text, lo, hi)) for lo, hi in lines]
    # Speech ends like a sentence; a subheading in label form ("Lund: no cut before June") does not.
    transcript = sum(1 for _, hi, m in labelled if m is not None and text[hi - 1] in _SPEECH_END) >= 2
    if not transcript and labelled and labelled[0][0] == first_line:
        labelled = labelled[1:]  # one label on the first line: a headline, full stop or not
    out: list[Turn] = []
    current: Turn | None = None  # the turn the next unlabelled paragraph continues
    continued: list[int] = []  # where in `out` the current turn's further paragraphs are
    for lo, hi, m in labelled:
        if m is not None:
            current, continued = None, []
            speaker_id = _speaker(m.group("label"), matcher)
            if speaker_id is None or text[m.end()] in _OPENING_MARKS or text[hi - 1] not in _SPEECH_END:
                continue
            label = Span(_display(m.group("label")), m.start("label"), m.end("label"))
            turn = Turn(m.end(), hi, label, speaker_id)
            if len(text[turn.start : turn.end].split()) >= MIN_TURN_WORDS:
                out.append(turn)
            current = turn if transcript else None
        elif current is not None and text[hi - 1] in _SPEECH_END and len(text[lo:hi].split()) >= MIN_TURN_WORDS:
            continued.append(len(out))
            out.append(Turn(lo, hi, current.label, current.speaker_id))
    # No label after the last turn: it is its own paragraph only (what follows may be the page's end).
    for i in reversed(continued):
        del out[i]
    return out, transcript


def with_turns(
    text: str, found: Sequence[Statement], matcher: Matcher | None, budget: Budget | None = None
) -> list[Statement]:
    """`found` with every turn's paragraph as a direct statement (see the module docstring)."""
    if matcher is None:
        return list(found)
    got, transcript = turns(text, matcher, budget)
    if not got:
        return list(found)
    if not transcript:
        # One label, no transcript: "Lund: ..." in a report; where the other passes read the line
        # already, theirs stands.
        got = [t for t in got if not _overlapping(t.start, t.end, found)]
    starts = [t.start for t in got]  # turns are lines: disjoint, in order
    kept = [st for st in found if not any(st.speaker_id in (None, t.speaker_id) for t in _within(st, got, starts))]
    added = [
        Statement(text[t.start : t.end], t.start, t.end, "direct", t.label.text, t.speaker_id, t.label, None)
        for t in got
    ]
    return sorted([*kept, *added], key=lambda s: (s.start, s.end))


def _overlapping(lo: int, hi: int, found: Sequence[Statement]) -> bool:
    """Whether a statement of `found` overlaps [lo, hi) (asked of one turn at most: no transcript)."""
    return any(st.start < hi and st.end > lo for st in found)


def _within(st: Statement, got: list[Turn], starts: list[int]) -> Iterator[Turn]:
    """The turns that `st` overlaps (a statement may run over a line break)."""
    i = bisect_left(starts, st.end) - 1
    while i >= 0 and got[i].end > st.start:
        yield got[i]
        i -= 1
