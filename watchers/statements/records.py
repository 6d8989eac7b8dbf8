"""Records pass: resolved statements as `Statement` records, sorted by where they start.

The speaker is the entity's canonical name; with a matcher, the tracked speaker's id of the first
of the entity's names (canonical, then longest first) the rules know.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from watchers.model import Span, Statement
from watchers.statements.resolve import Attributed, Resolved

if TYPE_CHECKING:
    from rules.match import Matcher


def records(text: str, resolved: Resolved, matcher: Matcher | None) -> list[Statement]:
    """The statements as records, sorted by (start, end)."""
    return sorted((_finish(text, d, matcher) for d in resolved.statements), key=lambda s: (s.start, s.end))


def _finish(text: str, d: Attributed, matcher: Matcher | None) -> Statement:
    ent = d.entity
    speaker = ent.name if ent is not None else None
    speaker_id = None
    if matcher is not None and ent is not None:
        for name in [ent.name, *sorted(ent.names, key=len, reverse=True)]:
            speaker_id = matcher.speaker_for_name(name)
            if speaker_id:
                break
    mention = None
    if d.mention is not None:
        m = d.mention
        mention = Span(text[m.start : m.end], m.start, m.end)
    return Statement(text[d.start : d.end], d.start, d.end, d.kind, speaker, speaker_id, mention, d.cue)
