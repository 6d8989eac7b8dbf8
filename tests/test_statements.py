"""Statement extraction: quote marks, kinds, attribution, pronouns, role nouns, noise (fictional prose)."""

from __future__ import annotations

import pytest

from watchers.model import Statement
from watchers.statements import extract_statements


def by_text(statements: list[Statement], fragment: str) -> Statement:
    found = [s for s in statements if fragment in s.text]
    assert found, f"no statement containing {fragment!r} in {[s.text for s in statements]}"
    return found[0]


def texts(statements: list[Statement]) -> list[str]:
    return [s.text for s in statements]


def test_offsets_are_exact_and_sorted() -> None:
    text = 'Intro line here.\n\n"We will not accept this," Jane Doe said. "The door remains open."\n'
    out = extract_statements(text)
    assert [s.start for s in out] == sorted(s.start for s in out)
    for s in out:
        assert text[s.start : s.end] == s.text


def test_split_quote_gives_two_direct_records_with_one_speaker() -> None:
    text = 'Talks stalled on Monday.\n\n"We will not accept this," Foreign Minister Jane Doe said. "The door remains open."'
    out = extract_statements(text)
    first, second = by_text(out, "We will not accept"), by_text(out, "door remains")
    assert first.kind == second.kind == "direct"
    assert first.speaker == second.speaker == "Jane Doe"
    assert first.text == "We will not accept this,"
    assert first.mention is not None and first.mention.text == "Jane Doe"
    assert first.cue == "said"


@pytest.mark.parametrize(
    "sentence",
    [
        '"We are ready to talk," said Jane Doe.',
        'Jane Doe said: "We are ready to talk."',
        '"We are ready to talk," Doe, the ministry\'s spokeswoman, told reporters.',
        "\u201cWe are ready to talk,\u201d Doe said.",
        "\u00abWe are ready to talk\u00bb, Doe said.",
        "\u201eWe are ready to talk\u201c, Doe said.",
    ],
)
def test_attribution_orders_and_quote_styles(sentence: str) -> None:
    text = f"Jane Doe spoke in Capitol.\n\n{sentence}"
    out = extract_statements(text)
    st = by_text(out, "ready to talk")
    assert st.kind == "direct"
    assert st.speaker == "Jane Doe"
    assert st.text.startswith("We are ready to talk")


def test_multi_paragraph_quote_is_one_record() -> None:
    text = (
        "Mark Evans addressed the congress.\n\n"
        '"We came here to win. We will not leave with nothing.\n\n'
        '"Every delegate knows what is at stake," Evans said.'
    )
    out = extract_statements(text)
    directs = [s for s in out if s.kind == "direct"]
    assert len(directs) == 1
    assert directs[0].text.startswith("We came here") and directs[0].text.endswith("at stake,")
    assert directs[0].speaker == "Mark Evans"


def test_nested_quote_belongs_to_the_outer_speaker() -> None:
    text = (
        "Evans recalled the meeting.\n\n"
        "\u201cHe looked at me and said \u2018never\u2019, and that was it,\u201d Evans said."
    )
    out = extract_statements(text)
    assert len([s for s in out if s.kind == "direct"]) == 1
    st = by_text(out, "never")
    assert st.speaker == "Evans" and "\u2018never\u2019" in st.text


def test_brackets_and_ellipses_stay_as_written() -> None:
    text = 'Doe answered questions.\n\n"The [trade] deal ... is dead," Jane Doe said.'
    st = by_text(extract_statements(text), "deal")
    assert st.text == "The [trade] deal ... is dead,"


def test_partial_quotes_need_a_reporting_verb() -> None:
    text = (
        'Jane Doe described the outcome as "alarming" on Tuesday.\n\n'
        'Mark Evans said the offer was "a step backwards" for the region.\n\n'
        'The so-called "peace dividend" never arrived, and the film "The Long Night" opened in May.'
    )
    out = extract_statements(text)
    alarming, step = by_text(out, "alarming"), by_text(out, "step backwards")
    assert alarming.kind == step.kind == "partial"
    assert alarming.speaker == "Jane Doe" and step.speaker == "Mark Evans"
    assert not [s for s in out if "peace dividend" in s.text or s.text == "The Long Night"]


@pytest.mark.parametrize(
    ("sentence", "clause", "speaker"),
    [
        (
            "Jane Doe said that the talks would resume in March.",
            "the talks would resume in March",
            "Jane Doe",
        ),
        (
            "Jane Doe said on Tuesday the talks would resume in March.",
            "the talks would resume in March",
            "Jane Doe",
        ),
        (
            "According to Jane Doe, the talks will resume in March.",
            "the talks will resume in March",
            "Jane Doe",
        ),
        (
            "The talks will resume in March, Jane Doe told reporters.",
            "The talks will resume in March",
            "Jane Doe",
        ),
        (
            "Jane Doe warned that prices would rise sharply next year.",
            "prices would rise sharply next year",
            "Jane Doe",
        ),
        (
            "Jane Doe accused Eastland of stalling the negotiations.",
            "Eastland of stalling the negotiations",
            "Jane Doe",
        ),
        ("Jane Doe denied that she had met the envoy.", "she had met the envoy", "Jane Doe"),
        (
            "The Kremlin said the exercise was planned long ago.",
            "the exercise was planned long ago",
            "Kremlin",
        ),
    ],
)
def test_indirect_speech(sentence: str, clause: str, speaker: str) -> None:
    out = extract_statements("Officials met on Monday.\n\n" + sentence)
    st = by_text(out, clause)
    assert st.kind == "indirect"
    assert st.text == clause
    assert st.speaker == speaker


def test_parenthetical_attribution_spans_the_sentence() -> None:
    out = extract_statements("Talks began.\n\nThe talks, Jane Doe said, would resume in March.")
    st = by_text(out, "would resume")
    assert st.kind == "indirect" and st.speaker == "Jane Doe"
    assert st.text.startswith("The talks")


def test_organisation_speaker_in_a_statement() -> None:
    out = extract_statements(
        "Markets fell.\n\nThe Foreign Ministry said in a statement it would recall the envoy."
    )
    st = by_text(out, "recall the envoy")
    assert st.speaker == "Foreign Ministry"


def test_pronoun_right_after_a_quote_by_someone_else() -> None:
    text = (
        "Foreign Minister Jane Doe said the talks would resume in April.\n\n"
        '"This is premature," opposition leader Mark Evans said.\n\n'
        '"We have waited long enough," she said.'
    )
    out = extract_statements(text)
    assert by_text(out, "premature").speaker == "Mark Evans"
    st = by_text(out, "waited long enough")
    assert st.speaker == "Jane Doe"
    assert st.mention is not None and st.mention.text == "she"


def test_object_of_previous_sentence_is_not_the_speaker() -> None:
    text = 'Mark Evans met Peter Brandt in Capitol on Monday.\n\n"The meeting was useful," he said.'
    assert by_text(extract_statements(text), "meeting was useful").speaker == "Mark Evans"


def test_person_named_inside_a_quote_is_not_the_speaker() -> None:
    text = 'Jane Doe spoke after the vote.\n\n"Mark Evans told me the deal was dead. I disagree," she said.'
    assert by_text(extract_statements(text), "I disagree").speaker == "Jane Doe"


def test_speaker_quoting_another_person() -> None:
    text = (
        "Jane Doe briefed reporters.\n\n"
        '"The prime minister told me, \u2018We will sign,\u2019 and I believed him," Doe said.'
    )
    out = extract_statements(text)
    assert len(out) == 1 and out[0].speaker == "Jane Doe"


def test_role_noun_resolves_to_the_title_holder() -> None:
    text = (
        "Kremlin spokesman Dmitry Volkov said the exercise was routine.\n\n"
        "Interior Minister Anna Berg said police were ready.\n\n"
        '"Nothing unusual is happening," the spokesman said.\n\n'
        '"We are prepared," the minister added.'
    )
    out = extract_statements(text)
    assert by_text(out, "Nothing unusual").speaker == "Dmitry Volkov"
    st = by_text(out, "We are prepared")
    assert st.speaker == "Anna Berg"
    assert st.mention is not None and st.mention.text == "the minister"


def test_names_resolve_to_one_canonical_form() -> None:
    text = (
        "Foreign Ministry spokeswoman Jane Doe spoke on Monday.\n\n"
        '"We are calm," Ms. Doe said.\n\n'
        '"We are ready," Doe added.\n\n'
        '"We are waiting," the spokeswoman said.'
    )
    out = extract_statements(text)
    assert {s.speaker for s in out} == {"Jane Doe"}


def test_lone_quote_paragraph_continues_the_previous_speaker() -> None:
    text = (
        'Mark Evans rejected the plan. "It is a surrender," he said.\n\n'
        '"Nobody voted for this."\n\n'
        "Jane Doe, the minister, defended the deal on Tuesday.\n\n"
        '"It protects jobs."'
    )
    out = extract_statements(text)
    assert by_text(out, "Nobody voted").speaker == "Mark Evans"
    assert by_text(out, "protects jobs").speaker != "Mark Evans"


def test_first_person_inside_quote_is_never_the_speaker() -> None:
    text = 'The ministry issued a note.\n\n"We will respond," the ministry said.'
    st = by_text(extract_statements(text), "We will respond")
    assert st.speaker is not None and st.speaker.casefold() != "we"


def test_unnamed_speaker_is_none() -> None:
    out = extract_statements("Talks began.\n\nA senior official said the deal was close to collapse.")
    st = by_text(out, "deal was close")
    assert st.speaker is None and st.kind == "indirect"


def test_apostrophes_are_not_quote_marks() -> None:
    text = (
        "Westland\u2019s students\u2019 union played rock \u2019n\u2019 roll from the \u201990s, "
        "and don't forget Russia's share.\n\n"
        "The union\u2019s leader said the concert would go ahead."
    )
    out = extract_statements(text)
    assert all(s.kind == "indirect" for s in out)
    assert by_text(out, "concert would go ahead")


def test_unbalanced_quote_does_not_swallow_the_article() -> None:
    body = "The council met again on Monday and discussed the budget at length. " * 40
    text = f'Budget row\n\nA stray " mark appears here and {body}\n\nJane Doe said the vote would be held in May.'
    out = extract_statements(text)
    assert all(len(s.text) < 1300 for s in out)
    assert by_text(out, "vote would be held").speaker == "Jane Doe"


def test_boilerplate_and_headline_yield_nothing() -> None:
    text = (
        "Minister says \u2018we will not back down\u2019\n\n"
        "HomeNewsWorldShare\n\n"
        "Also read: \u201cWe will win,\u201d says coach\n\n"
        "Others are reading now\n\n"
        "00:12:31 \u201cIt was a long night,\u201d the mayor said.\n\n"
        "Share this article\n\n"
        "12 comments\n\n"
        "Jane Doe speaks in Capitol on Monday. (Photo: Jane Roe/Example Agency)\n\n"
        "We use cookies to improve your experience. Accept cookies to continue.\n\n"
        "Jane Doe said the talks would resume in March."
    )
    out = extract_statements(text)
    assert texts(out) == ["the talks would resume in March"]


def test_wire_dateline_is_prose_not_noise() -> None:
    text = (
        "CAPITOL, March 3 (Wire) - Jane Doe said on Tuesday that the talks with Eastland would resume "
        "in April after a pause of several weeks, officials confirmed."
    )
    st = by_text(extract_statements(text), "talks with Eastland")
    assert st.speaker == "Jane Doe"


def test_several_speakers_in_one_article() -> None:
    text = (
        "CAPITOL (Wire) - Two ministers clashed over the budget on Monday.\n\n"
        '"We cannot afford this," Finance Minister Jane Doe said.\n\n'
        'Defence Minister Mark Evans disagreed. "Security has a price," he said.\n\n'
        "Doe said she would present a revised plan on Friday."
    )
    out = extract_statements(text)
    assert by_text(out, "cannot afford").speaker == "Jane Doe"
    assert by_text(out, "Security has a price").speaker == "Mark Evans"
    assert by_text(out, "revised plan").speaker == "Jane Doe"


def test_speaker_id_from_matcher() -> None:
    match = pytest.importorskip("rules.match")
    from rules.model import Rules, Speaker

    rules = Rules(speakers=(Speaker(id="doe", name="Jane Doe", aliases=("Doe",)),))
    matcher = match.Matcher.compile(rules)
    text = 'Talks began.\n\n"We are ready," Jane Doe said. "Nothing has changed," she added.\n\n"No," said Mark Evans.'
    out = extract_statements(text, matcher)
    assert by_text(out, "We are ready").speaker_id == "doe"
    assert by_text(out, "Nothing has changed").speaker_id == "doe"
    assert [s.speaker_id for s in out if s.text == "No,"] == [None]
