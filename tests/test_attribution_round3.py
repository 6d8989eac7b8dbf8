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


def test_went_on_to_say_and_as_x_put_it() -> None:
    text = (
        "The ferry company wrote to its staff on Monday.\n\n"
        'The letter went on to say, "No crossings will run in January."\n\n'
        'As harbour master Ola Brenn put it, "We are out of boats and out of time."'
    )
    found = _by_text(text)
    assert found["No crossings will run in January."][0] == "direct"
    assert found["We are out of boats and out of time."] == ("direct", "Ola Brenn")


def test_colon_labels_and_participles_before_a_colon() -> None:
    text = (
        "Polls closed at eight.\n\n"
        'TURNOUT FELL IN THE NORTH - Ada Finch: "Fewer voters came out than in any year since 1990."\n\n'
        'In town after town, Finch campaigns for postal ballots: "Nobody should lose a vote to the weather."\n\n'
        'Mayor Tove Lind welcomed the count, saying: "It was a clean election."'
    )
    found = _by_text(text)
    assert found["Fewer voters came out than in any year since 1990."] == ("direct", "Ada Finch")
    assert found["Nobody should lose a vote to the weather."] == ("direct", "Ada Finch")
    assert found["It was a clean election."] == ("direct", "Tove Lind")


def test_attribution_after_the_quotes_sentence_carries_on() -> None:
    text = (
        "The court ruled on Friday.\n\n"
        '"We are delighted" with the ruling, said Nora Vik, a lawyer for the fishermen.\n\n'
        '"It changes everything" for the small boats, she said.'
    )
    found = _by_text(text)
    assert found["We are delighted"] == ("direct", "Nora Vik")
    assert found["It changes everything"] == ("direct", "Nora Vik")


def test_section_titles_shows_and_transcripts_are_not_quotes() -> None:
    text = (
        "The mayor spoke for an hour.\n\n"
        '"We will rebuild the pier," Mayor Tove Lind said. "Every plank of it."\n\n'
        "'Nothing Left to Lose.'\n\n"
        'Lind repeated the promise on KTV\'s "Morning Round." She has made it before.\n\n'
        'Transcript excerpt:\n\n"HOST: Will the pier open by June? LIND: It will open by May."'
    )
    found = _by_text(text)
    assert found["Every plank of it."] == ("direct", "Tove Lind")
    assert "Nothing Left to Lose." not in found
    assert "Morning Round." not in found
    assert not any(t.startswith("HOST:") for t in found)


def test_a_colon_ending_the_paragraph_introduces_the_next() -> None:
    text = (
        "The vote was close.\n\n"
        '"We knew it would be," said Ada Finch, who ran the count.\n\n'
        "Her deputy, Tomas Ekker, was more cautious. Ekker continued:\n\n"
        '"Nobody should celebrate before the recount is done."'
    )
    found = _by_text(text)
    assert found["Nobody should celebrate before the recount is done."] == ("direct", "Tomas Ekker")


def test_a_possessive_speech_noun_is_no_cue_and_common_openers_are_no_people() -> None:
    text = (
        "The port reopened.\n\n"
        'Councillor Ines Marlow called the mayor\'s remarks "a fairy tale" on Tuesday.\n\n'
        'Below, Marlow said, "The port was never closed to begin with."'
    )
    found = _by_text(text)
    assert found["a fairy tale"] == ("partial", "Ines Marlow")
    assert found["The port was never closed to begin with."] == ("direct", "Ines Marlow")


def test_quotes_signed_after_a_dash_one_a_line() -> None:
    line_a = "\u201cThe new bus timetable leaves the whole north end of town without a late service.\u201d \u2015 Jorge Almeda"
    line_b = "\u201cWe asked for a crossing by the school three years ago and we are still waiting.\u201d \u2014 Ana Ruiz, 34, a nurse"
    text = (
        "Readers wrote in about the transport plan.\n\n"
        + line_a
        + "\n"
        + line_b
        + "\n\nThe council meets on Monday."
    )
    found = _by_text(text)
    assert found["The new bus timetable leaves the whole north end of town without a late service."] == (
        "direct",
        "Jorge Almeda",
    )
    assert found["We asked for a crossing by the school three years ago and we are still waiting."] == (
        "direct",
        "Ana Ruiz",
    )


def test_a_surname_alone_opening_the_sentence_owns_its_quoted_phrase() -> None:
    text = (
        "The harbour vote is on Friday.\n\n"
        'Okafor rallied supporters by warning that "the harbour is in real danger" this winter.\n\n'
        'Hastily, organisers printed leaflets about the "harbour emergency" plan.'
    )
    found = _by_text(text)
    assert found["the harbour is in real danger"] == ("partial", "Okafor")
    assert found.get("harbour emergency", ("", None))[1] != "Hastily"


def test_party_labels_before_an_apposition_or_a_verb() -> None:
    text = (
        "The budget passed the committee.\n\n"
        'Rep. Ana Ruiz (D-Ohio), chair of the budget panel, said the bill was "a fair compromise."\n\n'
        'Sen. Tom Hale (R-Texas) has been denouncing the bill as "a giveaway to insurers."'
    )
    found = _by_text(text)
    assert found["a fair compromise."] == ("partial", "Ana Ruiz")
    assert found["a giveaway to insurers."] == ("partial", "Tom Hale")


def test_the_reporter_of_a_nested_report_is_the_source() -> None:
    text = (
        "The caucus met behind closed doors.\n\n"
        'Rep. Ana Ruiz said the speaker urged members to stay "closely coordinated" on the vote.\n\n'
        'Tom Hale said he backs the bill but warned that the timetable was "rushed."'
    )
    found = _by_text(text)
    assert found["closely coordinated"] == ("partial", "Ana Ruiz")
    assert found["rushed."] == ("partial", "Tom Hale")


def test_the_issuer_of_a_statement_speaks_for_it() -> None:
    text = (
        "The ferry strike entered its third day.\n\n"
        'The Harbour Workers Union issued a statement calling the offer "an insult to every deckhand."\n\n'
        'Mayor Tove Lind released a statement saying the city would "stand with both sides."'
    )
    found = _by_text(text)
    assert found["an insult to every deckhand."] == ("partial", "Harbour Workers Union")
    assert found["stand with both sides."] == ("partial", "Tove Lind")


def test_a_participle_after_adverbs_and_a_subject() -> None:
    text = (
        "The debate turned sharp in its last hour.\n\n"
        'And then Lund went fully on the attack, saying, "Nobody on this stage has read the budget."'
    )
    found = _by_text(text)
    assert found["Nobody on this stage has read the budget."] == ("direct", "Lund")


def test_quoted_as_saying_and_surnames_that_are_common_words() -> None:
    text = (
        "Mayor Tom White opened the new ferry terminal on Monday.\n\n"
        '"It took us nine years," White said.\n\n'
        'The Harbour Ledger quoted Ana Ruiz as saying, "The terminal is already too small."'
    )
    found = _by_text(text)
    assert found["It took us nine years,"] == ("direct", "Tom White")
    assert found["The terminal is already too small."] == ("direct", "Ana Ruiz")
