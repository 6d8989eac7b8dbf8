"""Attribution, round four (issue #13): reported speech found on real news, each in sentences of our own."""

from __future__ import annotations

from watchers.statements import extract_statements

LEAD = "Harbour levy divides the town.\n\nThe north pier stayed shut on Monday.\n\n"


def _indirect(text: str) -> dict[str, tuple[str | None, str | None]]:
    """Reported clauses: text -> (canonical speaker, the words that stand for the speaker)."""
    return {
        s.text: (s.speaker, s.mention.text if s.mention else None)
        for s in extract_statements(LEAD + text)
        if s.kind == "indirect"
    }


def test_an_opening_plural_noun_phrase_is_an_unnamed_group_of_speakers() -> None:
    text = (
        "Several harbour operatives said the levy hides deeper problems at the port.\n\n"
        "But Marlow's associates say she is not planning to run again.\n\n"
        "Cologne fishermen say they have not yet decided whether to strike."
    )
    found = _indirect(text)
    assert found["the levy hides deeper problems at the port"] == (None, "Several harbour operatives")
    assert found["she is not planning to run again"] == (None, "Marlow's associates")
    assert found["they have not yet decided whether to strike"] == (None, "Cologne fishermen")


def test_an_opening_phrase_that_is_no_plural_subject_speaks_for_nobody() -> None:
    text = (
        "The boats said to be unsafe were moored at the pier.\n\n"
        "Rising costs say a lot about the harbour.\n\n"
        "Voters polled said the levy was too high."
    )
    found = _indirect(text)
    assert "to be unsafe were moored at the pier" not in found
    assert not any(m == "Rising costs" for _s, m in found.values())
    assert not any(m == "Voters polled" for _s, m in found.values())


def test_an_opening_plural_of_things_predicts_nothing() -> None:
    found = _indirect("The forecasts predicted that the harbour would lose a third of its boats by May.")
    assert "the harbour would lose a third of its boats by May" not in found
