"""Attribution, round three (issue #13): constructions found on real news, each in sentences of our own."""

from __future__ import annotations

from watchers.statements import extract_statements


def _by_text(text: str) -> dict[str, tuple[str, str | None]]:
    return {s.text: (s.kind, s.speaker) for s in extract_statements(text)}


def test_quoted_phrase_without_reporting_verb_is_the_subjects() -> None:
    text = (
        "Harbour plan splits the council.\n\n"
        "Councillor Ines Marlow has opposed the harbour plan since spring.\n\n"
        'Marlow has long pictured the proposal as "a gift to developers" in her newsletters.\n\n'
        'She wants residents to "come and see the mudflats for themselves" before the vote.\n\n'
        'Marlow also faulted the mayor for being "asleep at the wheel."'
    )
    found = _by_text(text)
    assert found["a gift to developers"] == ("partial", "Ines Marlow")
    assert found["come and see the mudflats for themselves"] == ("partial", "Ines Marlow")
    assert found["asleep at the wheel."] == ("partial", "Ines Marlow")


def test_titles_scare_quotes_and_headlines_are_not_statements() -> None:
    text = (
        "Mayor under fire over 'quiet' harbour deal.\n\n"
        "Councillor Ines Marlow has opposed the harbour plan since spring.\n\n"
        'Marlow appeared on the radio show "Harbour Hour" on Monday.\n\n'
        'The council sold the land to a "community" trust in May.\n\n'
        'Questions linger about the "bridge" clause in the contract.'
    )
    texts = {s.text for s in extract_statements(text)}
    assert "quiet" not in texts
    assert "Harbour Hour" not in texts
    assert "community" not in texts
    assert "bridge" not in texts
