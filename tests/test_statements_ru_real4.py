"""Russian statements and speakers found wrong on an eighth blind set of real news (issue #14, set J,
kept outside the repository): a blog or channel named where something was written taken for a
person, a bare "По прогнозу," whose source is named after the clause, a role whose complement holds
a "по" phrase before the name, and the generic "специалист" or "врач" for the doctor named before.
Fixtures are invented prose: fictional people, places and outlets.
"""

from __future__ import annotations

import pytest

from watchers.model import Statement
from watchers.statements import extract_statements


def found(text: str) -> list[tuple[str, str, str | None]]:
    out: list[Statement] = extract_statements(text, lang="ru")
    return [(s.kind, s.text, s.speaker) for s in out]


@pytest.mark.parametrize("channel", ["Telegram-канале", "YouTube-канале", "Интернет-дневнике"])
def test_a_channel_named_after_a_role_is_where_he_wrote_not_who_he_is(channel: str) -> None:
    text = (
        "В Заречинске из-за ливня подтопило две улицы.\n"
        f"«Школы и больницы в зону подтопления не попали», — написал мэр в своём {channel}.\n"
    )
    spoken = {t: who for _, t, who in found(text)}
    assert spoken["Школы и больницы в зону подтопления не попали"] is None


def test_a_role_before_a_channel_still_stands_for_the_person_named_before() -> None:
    text = (
        "Мэр Заречинска Игорь Дёмин заверил, что жителям ничего не угрожает.\n"
        "«Школы и больницы в зону подтопления не попали», — написал мэр в своём Telegram-канале.\n"
    )
    spoken = {t: who for _, t, who in found(text)}
    assert spoken["Школы и больницы в зону подтопления не попали"] == "Игорь Дёмин"


def test_a_hyphenated_name_with_capitals_is_still_a_name() -> None:
    text = "«Мы начнём ремонт весной», — сказал мэр Заречинска Пётр Сомов-Белый.\n"
    assert [who for _, _, who in found(text)] == ["Пётр Сомов-Белый"]


@pytest.mark.parametrize("opener", ["По прогнозу", "По оценке"])
def test_a_bare_source_opener_takes_the_source_named_after_the_clause(opener: str) -> None:
    text = (
        "В пятницу в Озёрске ожидается сильный ветер.\n"
        f"{opener}, за сутки может выпасть до 20 мм осадков, сообщила синоптик Вера Лунина.\n"
    )
    spoken = {t: who for _, t, who in found(text)}
    assert spoken["за сутки может выпасть до 20 мм осадков"] == "Вера Лунина"


def test_a_bare_source_opener_without_an_attribution_after_it_names_no_one() -> None:
    text = "Сводка погоды.\n\nПо прогнозу, за сутки может выпасть до 20 мм осадков.\n"
    assert all(who is None for _, _, who in found(text))


@pytest.mark.parametrize(
    "role",
    [
        "руководитель Озёрского центра по гриппу",
        "председатель комитета по бюджету",
        "уполномоченная по правам человека",
    ],
)
def test_a_po_phrase_inside_a_role_leads_to_the_name_after_it(role: str) -> None:
    text = f"«Погода сейчас коварная, — подчёркивает {role} Вера Лунина. — Люди одеваются слишком легко».\n"
    assert [who for _, _, who in found(text)] == ["Вера Лунина", "Вера Лунина"]


def test_a_po_phrase_after_a_role_with_no_name_is_not_part_of_the_role() -> None:
    text = (
        "Глава МИД Олег Тарасов провёл переговоры.\n«Диалог продолжится», — сообщил глава МИД по телефону.\n"
    )
    assert [who for _, _, who in found(text)] == ["Олег Тарасов"]


@pytest.mark.parametrize("noun", ["специалист", "врач"])
def test_a_generic_specialist_stands_for_the_doctor_named_before(noun: str) -> None:
    text = (
        "Терапевт Олег Лунин рассказал, как не простудиться в межсезонье.\n\n"
        f"«Одеваться нужно строго по погоде», — подчеркнул {noun}.\n"
    )
    spoken = {t: who for _, t, who in found(text)}
    assert spoken["Одеваться нужно строго по погоде"] == "Олег Лунин"


def test_a_split_quote_whose_first_dashes_are_the_speakers_aside_is_still_split() -> None:
    text = (
        "Министр энергетики Олег Тарасов выступил на форуме в Озёрске.\n\n"
        '"Можно отметить - и это не только моё мнение, это мнение участников рынка, - что сделка '
        'помогает рынку, - подчеркнул министр. - Особенно в сегодняшних условиях".\n'
    )
    spoken = [(kind, t, who) for kind, t, who in found(text)]
    assert [t for _, t, _ in spoken] == [
        "Можно отметить - и это не только моё мнение, это мнение участников рынка, - что сделка помогает рынку,",
        "Особенно в сегодняшних условиях",
    ]
    assert {who for _, _, who in spoken} == {"Олег Тарасов"}


def test_an_aside_in_dashes_with_no_attribution_leaves_the_quote_whole() -> None:
    text = (
        "Министр Олег Тарасов выступил.\n\n«Сделка - и это моё мнение, - помогает рынку», — сказал Тарасов.\n"
    )
    assert [t for _, t, _ in found(text)] == ["Сделка - и это моё мнение, - помогает рынку"]


@pytest.mark.parametrize("opener", ["Внимание на это обратил", "На это внимание обратил"])
def test_attention_drawn_to_this_points_back_at_the_previous_sentence(opener: str) -> None:
    text = (
        "Цены на зерно в Озёрской области выросли. Урожай в этом году оказался ниже прошлогоднего. "
        f"{opener} министр сельского хозяйства Олег Тарасов в интервью телеканалу.\n"
    )
    spoken = {t: who for _, t, who in found(text)}
    assert spoken == {"Урожай в этом году оказался ниже прошлогоднего": "Олег Тарасов"}


def test_the_one_person_a_paragraph_introduces_answers_the_interview_below_it() -> None:
    text = (
        "Матч в Озёрске закончился вничью. Первым к журналистам вышел Мурад Алиев, начавший общение с "
        "итогов игры.\n"
        "— Мы увидели яркий матч. Обе команды шли в атаку.\n"
        "— Почему в заявке не оказалось Петра Сомова?\n"
        "— Он был не готов играть.\n"
    )
    assert found(text) == [
        ("direct", "Мы увидели яркий матч. Обе команды шли в атаку", "Мурад Алиев"),
        ("direct", "Он был не готов играть", "Мурад Алиев"),
    ]


def test_a_paragraph_naming_two_people_introduces_no_one_for_the_dash_speech_below() -> None:
    text = (
        "Матч в Озёрске закончился вничью. Тренеры Мурад Алиев и Пётр Сомов вышли к журналистам.\n"
        "— Мы увидели яркий матч. Обе команды шли в атаку.\n"
    )
    assert all(who is None for _, _, who in found(text))


@pytest.mark.parametrize("surname", ["Мусаев", "Аминов"])
def test_a_surname_read_as_a_given_names_plural_is_a_mans_surname_after_a_given_name(surname: str) -> None:
    text = f"Матч закончился вничью.\n\n«Мы готовы к лиге», — сказал Мурад {surname}.\n"
    assert found(text) == [("direct", "Мы готовы к лиге", f"Мурад {surname}")]


def test_a_paragraph_of_speech_ending_with_a_dashed_attribution_is_direct_speech() -> None:
    text = (
        "На пресс-конференции министр Олег Тарасов попросил журналиста не шуметь.\n\n"
        "Можете не стучать ручкой? Очень отвлекает, — сказал Тарасов.\n\n"
        "Ранее он заявил, что переговоры продолжатся.\n"
    )
    assert ("direct", "Можете не стучать ручкой? Очень отвлекает", "Олег Тарасов") in found(text)


def test_a_dashed_remark_with_no_cue_after_it_is_no_ones_speech() -> None:
    text = "Министр Олег Тарасов провёл совещание.\n\nЦены выросли на пять процентов, — это рекорд года.\n"
    assert all(kind != "direct" for kind, _, _ in found(text))


@pytest.mark.parametrize("club", ["ХК ЗСК", "ХК CКА"])  # the second with a Latin C, as some copy has it
def test_a_foreign_name_the_dictionary_does_not_know_after_a_role_is_the_name_not_its_complement(
    club: str,
) -> None:
    text = (
        f"Главный тренер {club} Милош Вржига прокомментировал матч с «Озёрском» (3:1).\n\n"
        "«Первый матч сезона всегда тяжёлый», – цитирует Вржигу официальный сайт клуба.\n"
    )
    assert found(text) == [("direct", "Первый матч сезона всегда тяжёлый", "Милош Вржига")]


@pytest.mark.parametrize(
    ("attribution", "source"),
    [
        ("\nОб этом сообщили в Гидрометцентре.", "Гидрометцентр"),
        (" Об этом заявили в Кремле.", "Кремль"),
        ("\nОб этом сообщили в министерстве.", None),  # a common noun: someone unnamed there
    ],
)
def test_an_organisation_named_where_someone_unnamed_spoke_is_the_source(
    attribution: str, source: str | None
) -> None:
    text = f"Синоптики предупреждают о похолодании. В ряде районов ожидаются заморозки.{attribution}\n"
    spoken = {t: who for _, t, who in found(text)}
    assert spoken["В ряде районов ожидаются заморозки"] == source


def test_a_trailing_unnamed_source_in_a_named_organisation_is_the_organisation() -> None:
    text = "Синоптики предупреждают. В ряде районов ожидаются заморозки, сообщили в Гидрометцентре.\n"
    assert found(text) == [("indirect", "В ряде районов ожидаются заморозки", "Гидрометцентр")]
