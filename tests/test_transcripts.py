"""Transcripts: paragraphs under a tracked speaker's label are that speaker's statements (issue #13's
"what is a statement", #14's official sources). Fixtures are invented: fictional people and pages."""

from __future__ import annotations

from rules.load import parse_rules
from rules.match import Matcher
from watchers.model import Statement
from watchers.statements import extract_statements
from watchers.statements.transcripts import with_turns

RULES = """
[[speakers]]
id = "halvorsen"
name = "Mira Halvorsen"
aliases = ["Halvorsen"]

[[speakers]]
id = "karpov"
name = "Dmitry Karpov"
aliases = ["Karpov", "Дмитрий Карпов", "Карпов"]

[[topics]]
id = "any"
any = ["rates", "ставка"]
"""


def matcher() -> Matcher:
    rules, problems = parse_rules(RULES)
    assert rules is not None, problems
    return Matcher.compile(rules)


def tracked(text: str, lang: str = "en") -> list[tuple[str | None, str]]:
    found: list[Statement] = extract_statements(text, matcher(), lang=lang)
    return [(s.speaker_id, s.text) for s in found if s.speaker_id is not None]


PRESS_CONFERENCE = """Transcript of Governor Halvorsen's press conference, 4 March

4 March 2026 Governor Halvorsen's press conference PRELIMINARY Page 1 of 12

GOVERNOR HALVORSEN. Good afternoon. The board decided today to hold the policy rate at 3 percent.

We will keep it there until wage growth in the coastal regions settles, and not a day longer.

QUESTION. Thank you. Governor, is a cut possible in June?

GOVERNOR HALVORSEN. Nothing is decided for June, and I would not read too much into the minutes.

Page 2 of 12 Governor Halvorsen's press conference PRELIMINARY
"""


def test_a_press_conference_transcript_gives_the_speakers_turns() -> None:
    assert tracked(PRESS_CONFERENCE) == [
        ("halvorsen", "Good afternoon. The board decided today to hold the policy rate at 3 percent."),
        ("halvorsen", "We will keep it there until wage growth in the coastal regions settles, and not a day longer."),
        ("halvorsen", "Nothing is decided for June, and I would not read too much into the minutes."),
    ]  # the question is nobody tracked; the page footer after the last turn is nobody's


def test_a_kremlin_style_record_with_initials_in_russian() -> None:
    text = ("Встреча с губернатором Северной области\n\n"
            "А.Сомов: Добрый день. Мы подготовили доклад о ставках по ипотеке в области.\n\n"
            "Д.Карпов: Спасибо. Ставка для молодых семей должна остаться прежней до конца года.\n\n"
            "Это решение уже согласовано с правительством области.\n\n"
            "А.Сомов: Понял, так и сделаем.\n")
    assert tracked(text, "ru") == [
        ("karpov", "Спасибо. Ставка для молодых семей должна остаться прежней до конца года."),
        ("karpov", "Это решение уже согласовано с правительством области."),
    ]


def test_labels_that_name_nobody_tracked_give_nothing() -> None:
    text = ("Harbour fees to rise\n\n"
            "Update: This story has been corrected to show the fees rise in May, not April.\n\n"
            "Photo: Boats moored at the Ostvik quay on Monday, before the vote on rates.\n")
    assert tracked(text) == []


def test_a_headline_or_subheading_in_label_form_is_not_a_turn() -> None:
    text = ("Halvorsen: rates will stay where they are.\n\n"
            "Halvorsen: no cut before the summer\n\n"
            "The governor spoke to the regional assembly on Tuesday about rates and wages.\n")
    assert tracked(text) == []


def test_a_labelled_quote_is_read_by_the_quote_passes_once() -> None:
    text = ("Rates on hold\n\n"
            "The governor gave a short statement after the meeting.\n\n"
            "Halvorsen: \u201cWe will hold rates at 3 percent for as long as wages keep rising.\u201d\n")
    assert tracked(text) == [("halvorsen", "We will hold rates at 3 percent for as long as wages keep rising.")]


def test_whom_the_speaker_quotes_inside_a_turn_stays_theirs() -> None:
    text = ("Transcript\n\n"
            "GOVERNOR HALVORSEN. As Dmitry Karpov told us, \u201cthe rates will not move this winter,\u201d "
            "and I agree with every word of it.\n\n"
            "QUESTION. And in spring?\n")
    found = tracked(text)
    assert ("karpov", "the rates will not move this winter,") in found
    assert [sid for sid, _ in found].count("halvorsen") == 1


def _transcript(turns: int) -> str:
    labels = ("GOVERNOR HALVORSEN", "QUESTION", "Д.Карпов", "Update")
    body = "".join(f"{labels[i % 4]}: As Karpov put it, \u201cthe rate stays at {i % 7} percent.\u201d {'Again. ' * (i % 3)}\n\n"
                   f"{'We will see in June what the figures say.' if i % 2 else 'Page 2 of 12'}\n\n"
                   for i in range(turns))
    return "Transcript\n\n" + body


def test_the_turns_work_grows_linearly_with_the_page() -> None:
    from tests.test_adversarial import _lines_run

    m = matcher()
    small, large = _transcript(100), _transcript(800)
    found = [extract_statements(t, None) for t in (small, large)]
    assert len(with_turns(large, found[1], m)) > len(with_turns(small, found[0], m)) > 0
    per_kb = [_lines_run(with_turns, t, f, m) / len(t) for t, f in zip((small, large), found, strict=True)]
    assert per_kb[1] <= 1.5 * per_kb[0], f"{per_kb[1] / per_kb[0]:.2f}x the work per KB at 8x the size"


def test_a_transcript_without_a_title_line_opens_with_a_turn() -> None:
    # article text as feeds give it: the title apart, the body opening on the first label
    body = PRESS_CONFERENCE.split("\n\n", 2)[2]
    assert body.startswith("GOVERNOR HALVORSEN.")
    assert tracked(body) == tracked(PRESS_CONFERENCE)


def test_past_the_character_cap_no_turn_is_read() -> None:
    from watchers.statements.budget import Budget

    cap = PRESS_CONFERENCE.index("QUESTION.")
    budget = Budget(max_chars=cap)
    found = extract_statements(PRESS_CONFERENCE, matcher(), budget=budget)
    assert budget.capped
    assert [s.end <= cap for s in found] == [True] * len(found) and found
