"""Key-quote ranking: direct over partial over indirect, topic terms, informative length, no overlap."""

from __future__ import annotations

from watchers.model import Kind, Statement
from watchers.statements.keyquotes import key_quotes


def st(text: str, start: int, kind: Kind = "direct", speaker_id: str | None = "doe") -> Statement:
    return Statement(text, start, start + len(text), kind, "Jane Doe", speaker_id)


def test_direct_beats_partial_beats_indirect() -> None:
    items = [
        st("the talks would resume in March after a long pause", 0, "indirect"),
        st("a step backwards for the whole region and beyond", 100, "partial"),
        st("We will not accept this under any circumstances at all.", 200, "direct"),
    ]
    assert [s.kind for s in key_quotes(items, "doe")] == ["direct", "partial", "indirect"]


def test_topic_terms_come_first_and_other_speakers_are_ignored() -> None:
    items = [
        st("We will not accept this under any circumstances at all.", 0),
        st("The tariff talks must resume before the summer, or we walk.", 100),
        st("The tariff talks are over and nobody regrets that.", 200, speaker_id="evans"),
    ]
    out = key_quotes(items, "doe", topic_terms=["Tariff"], limit=1)
    assert [s.start for s in out] == [100]


def test_fragments_and_blocks_rank_below_informative_quotes() -> None:
    items = [
        st("No.", 0),
        st(" ".join(["word"] * 200) + ".", 10),
        st("We will sign the agreement in Capitol next week.", 2000),
    ]
    assert key_quotes(items, "doe", limit=1)[0].start == 2000


def test_no_two_overlapping_and_limit() -> None:
    items = [
        st("We will sign the agreement in Capitol next week.", 0),
        st("sign the agreement in Capitol next week and then rest", 3, "indirect"),
        st("Nobody will stop us from doing what is right here.", 100),
        st("Our patience has limits and everyone knows that now.", 200),
        st("The door remains open for anyone who wants to talk.", 300),
    ]
    out = key_quotes(items, "doe")
    assert len(out) == 3
    for a in out:
        for b in out:
            assert a is b or a.end <= b.start or b.end <= a.start
    assert key_quotes(items, "nobody") == []
