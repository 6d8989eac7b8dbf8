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


def test_asked_reports_the_question_or_the_request() -> None:
    text = (
        "Councillor Ines Marlow asked the harbour master how long the pier would stay shut.\n\n"
        "Marlow also asked whether the levy would be lifted before winter.\n\n"
        "Marlow asked the council to hold back the levy until spring.\n\n"
        "Marlow asked the mayor about the closure of the north pier."
    )
    found = _indirect(text)
    assert found["how long the pier would stay shut"][0] == "Ines Marlow"
    assert found["whether the levy would be lifted before winter"][0] == "Ines Marlow"
    assert found["the council to hold back the levy until spring"][0] == "Ines Marlow"
    assert found["the mayor about the closure of the north pier"][0] == "Ines Marlow"


def test_the_one_asked_makes_no_statement() -> None:
    text = (
        "Councillor Ines Marlow spoke after the vote.\n\n"
        "Marlow was asked whether she would run again.\n\n"
        "When asked whether she would run again, Marlow said she had not decided."
    )
    found = _indirect(text)
    assert not any(t.startswith("whether she would run again") for t in found)
    assert found["she had not decided"][0] == "Ines Marlow"


def test_an_appeal_or_a_wish_to_stay_unnamed_is_no_question() -> None:
    text = (
        '"We were told nothing," said one of the traders, who asked not to be named.\n\n'
        "Police asked anyone who saw a grey van near the pier on Sunday to contact them."
    )
    found = _indirect(text)
    assert "not to be named" not in found
    assert not any("grey van" in t for t in found)


def test_an_opening_plural_of_things_predicts_nothing() -> None:
    found = _indirect("The forecasts predicted that the harbour would lose a third of its boats by May.")
    assert "the harbour would lose a third of its boats by May" not in found


def test_a_participle_after_by_while_or_after_reports_the_subjects_clause() -> None:
    text = (
        "Councillor Ines Marlow opened the debate by telling the hall that the levy had failed the boats.\n\n"
        "Marlow defended the budget while insisting the harbour needed every penny of it.\n\n"
        "Marlow left the meeting after saying she would vote against the levy.\n\n"
        "Marlow rejected the plan, telling reporters that it would ruin the port."
    )
    found = _indirect(text)
    assert found["the levy had failed the boats"][0] == "Ines Marlow"
    assert found["the harbour needed every penny of it"][0] == "Ines Marlow"
    assert found["she would vote against the levy"][0] == "Ines Marlow"
    assert found["it would ruin the port"][0] == "Ines Marlow"


def test_a_stray_straight_mark_does_not_swallow_the_next_curly_quote() -> None:
    text = (
        "Councillor Ines Marlow left the hall early.\n\n"
        '"Marlow thought the whole thing was absurd. She was angry, sure.\n\n'
        "\u201cIt never crossed my mind that the pier would close,\u201d she said several months later.\n\n"
        "\u201cIt took us nine years,\u201d said Tom White, the harbour master."
    )
    found = {s.text: (s.kind, s.speaker) for s in extract_statements(LEAD + text)}
    assert found["It never crossed my mind that the pier would close,"] == ("direct", "Ines Marlow")
    assert found["It took us nine years,"] == ("direct", "Tom White")
    assert not any(t.startswith("Marlow thought the whole thing") for t in found)


def test_a_share_before_who_said_speaks_for_its_clause() -> None:
    found = _indirect("About 40 percent backed the levy, compared with 38 percent who said it was unfair.")
    assert found["it was unfair"] == (None, "38 percent")


def test_a_present_tense_verb_after_an_adverb_makes_the_clause() -> None:
    text = (
        "But Ines Marlow, a councillor for the harbour ward, said residents still want a public vote.\n\n"
        "Many fishermen say Mrs. Marlow's quiet advantage hides deeper problems at the port."
    )
    found = _indirect(text)
    assert found["residents still want a public vote"][0] == "Ines Marlow"
    assert "Mrs. Marlow's quiet advantage hides deeper problems at the port" in found
