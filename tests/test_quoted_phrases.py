"""Quote spans on the writer's side of a sentence (issue 13): whose a quoted phrase is when the
sentence does not open with its speaker, quotes that carry on a speaker's words, nested marks at a
quote's edge, and quoted lines that are no one's words."""

from __future__ import annotations

import pytest

from watchers.model import Statement
from watchers.statements import extract_statements

LEAD = "Harbour workers in Vik voted on Monday to accept the new contract after a long dispute.\n\n"


def quoted(text: str) -> list[Statement]:
    return [s for s in extract_statements(LEAD + text) if s.kind in ("direct", "partial")]


def one(text: str, fragment: str) -> Statement:
    found = [s for s in quoted(text) if fragment in s.text]
    assert len(found) == 1, [s.text for s in quoted(text)]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "fragment", "speaker"),
    [
        # the speaker is the subject of the nearest finite verb, not the sentence's first words
        (
            'However, Ines Varga held her fire, calling the plan a "fair compromise" for now.',
            "fair compromise",
            "Ines Varga",
        ),
        (
            'There were sharper words, such as when Olaf Brandt met the mayor and called her plan a "tax on every crate."',
            "tax on every crate",
            "Olaf Brandt",
        ),
        (
            'Marta Lind did say she found the final version "much fairer than the first draft."',
            "much fairer",
            "Marta Lind",
        ),
        (
            'Karl Osterman has long pushed his promise of "free ferries" for the island.',
            "free ferries",
            "Karl Osterman",
        ),
        (
            'During the debate Karl Osterman attacked the levy, at one point calling the office a "rubber stamp" for the port.',
            "rubber stamp",
            "Karl Osterman",
        ),
    ],
)
def test_quoted_phrase_is_the_governing_subjects(sentence: str, fragment: str, speaker: str) -> None:
    st = one(sentence, fragment)
    assert st.kind == "partial"
    assert st.speaker == speaker


@pytest.mark.parametrize("lead", ["Then, ", "Instead, ", "But "])
def test_quote_after_a_sentence_adverb_carries_on_the_speaker(lead: str) -> None:
    st = one(
        f'"We will be paying for this for a decade," Karl Osterman said. {lead}"Nobody has read the small print."',
        "small print",
    )
    assert st.kind == "direct" and st.speaker == "Karl Osterman"


def test_quote_before_a_subordinate_clause_ends_its_sentence() -> None:
    text = '"It is a fair deal," Ana Ruiz said. "It will hold." While critics welcomed the exemption, they wanted more.'
    st = one(text, "It will hold.")
    assert st.speaker == "Ana Ruiz"


def test_triple_apostrophes_close_the_nested_and_the_doubled_quote() -> None:
    text = (
        "''They kept telling us, 'The money is not there,''' said Tomas Ek. ''It always is for the board.''"
    )
    got = {s.text: s.speaker for s in quoted(text)}
    assert got == {
        "They kept telling us, 'The money is not there,'": "Tomas Ek",
        "It always is for the board.": "Tomas Ek",
    }


def test_spaced_nested_closing_marks_close_the_quote() -> None:
    text = '"They told us, \'Wait,\' " Petra Holm said. "We waited a year."'
    got = {s.text: s.speaker for s in quoted(text)}
    assert got == {"They told us, 'Wait,' ": "Petra Holm", "We waited a year.": "Petra Holm"}


def test_phrase_inside_a_reported_clause_is_that_speakers() -> None:
    st = one(
        'Any "cleareyed" reading of the deal shows the port gains most, said Lars Moberg, the port chief.',
        "cleareyed",
    )
    assert st.kind == "partial" and st.speaker == "Lars Moberg"


def test_title_phrase_before_a_trailing_speaker() -> None:
    st = one('"It is a good compromise," Tidewater Post columnist Ana Ruiz wrote.', "good compromise")
    assert st.speaker == "Ana Ruiz"


def test_single_quoted_subhead_in_double_quoting_copy_is_no_statement() -> None:
    text = "\"We accept,\" Ana Ruiz said.\n\n'A deal nobody wanted.'\n\nThe vote took four hours."
    assert [s.text for s in quoted(text)] == ["We accept,"]


@pytest.mark.parametrize("before", ["her memoir, ", "an interview with ", "the podcast "])
def test_title_after_a_work_noun_is_no_statement(before: str) -> None:
    text = f'"We accept," Ana Ruiz said. She told the story in {before}"Ten Years at the Helm."'
    assert [s.text for s in quoted(text)] == ["We accept,"]
