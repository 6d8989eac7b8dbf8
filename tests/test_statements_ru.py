"""Russian statement extraction (issue #14 item 2): the constructions of Russian newsroom copy, page noise,
the speaker in any case matched to a nominative alias, and the annotated set's targets.

Every text is invented: fictional people and outlets in realistic agency prose.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.score_quotes import default_extractor, load_set, score, tally
from bot.cli import main
from rules.load import parse_rules
from rules.match import Matcher
from watchers.model import Statement
from watchers.statements import extract_statements

QUOTES_RU = Path(__file__).parent / "data" / "quotes_ru"
INTRO = "Пресс-секретарь президента Аркадий Веснин провёл брифинг для журналистов.\n\n"


def ru(text: str) -> list[Statement]:
    return extract_statements(text, lang="ru")


def one(text: str) -> Statement:
    found = ru(text)
    assert len(found) == 1, [(s.kind, s.text, s.speaker) for s in found]
    return found[0]


@pytest.mark.parametrize(
    ("body", "kind", "said", "speaker"),
    [
        (
            "«Мы не видим оснований для пересмотра», — сказал Веснин.",
            "direct",
            "Мы не видим оснований для пересмотра",
            "Аркадий Веснин",
        ),
        ("«Вы готовы к диалогу?» — спросил он.", "direct", "Вы готовы к диалогу?", "Аркадий Веснин"),
        (
            "Веснин сказал: «Решение будет принято в срок».",
            "direct",
            "Решение будет принято в срок",
            "Аркадий Веснин",
        ),
        ('Он добавил: "Всё будет решено".', "direct", "Всё будет решено", "Аркадий Веснин"),
        (
            "«Это „красная линия“ для нас», — подчеркнул Веснин.",
            "direct",
            "Это „красная линия“ для нас",
            "Аркадий Веснин",
        ),
        (
            "Веснин заявил, что Кремль готов к переговорам.",
            "indirect",
            "Кремль готов к переговорам",
            "Аркадий Веснин",
        ),
        (
            "Кремль готов к переговорам, заявил Веснин.",
            "indirect",
            "Кремль готов к переговорам",
            "Аркадий Веснин",
        ),
        (
            "По словам Веснина, переговоры продолжатся.",
            "indirect",
            "переговоры продолжатся",
            "Аркадий Веснин",
        ),
        ("По его словам, переговоры продолжатся.", "indirect", "переговоры продолжатся", "Аркадий Веснин"),
        (
            "Как отметил Веснин, решение примут до конца года.",
            "indirect",
            "решение примут до конца года",
            "Аркадий Веснин",
        ),
        (
            "Как считает Веснин, время работает на Москву.",
            "indirect",
            "время работает на Москву",
            "Аркадий Веснин",
        ),
        (
            "По мнению Веснина, время работает на Москву.",
            "indirect",
            "время работает на Москву",
            "Аркадий Веснин",
        ),
        ("Веснин назвал расширение альянса «ошибкой».", "partial", "ошибкой", "Аркадий Веснин"),
        (
            "Представитель Кремля добавил, что ответ будет дан.",
            "indirect",
            "ответ будет дан",
            "Аркадий Веснин",
        ),
        ("Д. Веснин уверен, что ответ будет дан.", "indirect", "ответ будет дан", "Аркадий Веснин"),
        ('"Ответ будет дан", - добавил Веснин.', "direct", "Ответ будет дан", "Аркадий Веснин"),
        ("«Ответ будет дан», ― пошутил Веснин.", "direct", "Ответ будет дан", "Аркадий Веснин"),
        (
            "Как отметил Веснин, «ответ будет дан в срок».",
            "direct",
            "ответ будет дан в срок",
            "Аркадий Веснин",
        ),
        ("«Ответ будет дан», — заверил пресс-секретарь.", "direct", "Ответ будет дан", "Аркадий Веснин"),
        (
            "«Ответ будет дан», — цитирует Веснина агентство «Вестник».",
            "direct",
            "Ответ будет дан",
            "Аркадий Веснин",
        ),
    ],
)
def test_russian_constructions(body: str, kind: str, said: str, speaker: str) -> None:
    found = [s for s in ru(INTRO + body) if s.start >= len(INTRO)]
    assert [(s.kind, s.text, s.speaker) for s in found] == [(kind, said, speaker)]


def test_a_split_quote_is_two_direct_records_of_one_speaker() -> None:
    found = ru(INTRO + "«Это решение окончательное, — отметил Веснин. — Мы его не изменим».")
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("direct", "Это решение окончательное,", "Аркадий Веснин"),
        ("direct", "Мы его не изменим", "Аркадий Веснин"),
    ]


def test_about_this_said_x_makes_the_previous_sentence_his() -> None:
    s = one(INTRO + "Переговоры пройдут в закрытом режиме. Об этом заявил Веснин.")
    assert (s.kind, s.text, s.speaker, s.cue) == (
        "indirect",
        "Переговоры пройдут в закрытом режиме",
        "Аркадий Веснин",
        "заявил",
    )


def test_about_this_may_stand_far_from_its_verb() -> None:
    s = one(
        INTRO + "Визит состоится в январе. Об этом на встрече с журналистами в Кремле в среду сообщил Веснин."
    )
    assert (s.text, s.speaker) == ("Визит состоится в январе", "Аркадий Веснин")


def test_the_writers_own_reminders_are_no_statements() -> None:
    assert ru(INTRO + "Напомним, что визит уже переносили. Отметим, что дата пока не объявлена.") == []


def test_a_role_noun_nobody_holds_is_the_person_just_quoted() -> None:
    text = "Мэр Заречинска Игорь Дёмин открыл мост.\n\n«Мост простоит сто лет», — сказал Дёмин. «Денег хватит», - добавил градоначальник."
    assert [s.speaker for s in ru(text)] == ["Игорь Дёмин", "Игорь Дёмин"]


def test_a_page_tagged_russian_in_latin_script_is_read_as_english() -> None:
    text = 'The minister spoke on Monday.\n\n"We are ready to talk," Jane Doe told reporters in the capital on Monday.'
    assert extract_statements(text, lang="ru") == extract_statements(text)
    assert extract_statements(text)


def test_dialogue_paragraphs_are_direct_speech_of_the_speaker_named_after_them() -> None:
    text = (
        "Президент лиги Геннадий Звягин ответил на вопросы журналистов.\n\n"
        "— Как вы оцените сезон?\n\n"
        "— Сезон был трудным. Мы многое поняли.\n\n"
        "— Лимит останется прежним, — заявил Звягин."
    )
    assert [(s.kind, s.text, s.speaker) for s in ru(text)] == [
        ("direct", "Сезон был трудным. Мы многое поняли", "Геннадий Звягин"),
        ("direct", "Лимит останется прежним", "Геннадий Звягин"),
    ]


def test_a_role_said_before_the_name_is_the_next_named_speaker() -> None:
    text = "Министр финансов отметил, что бюджет сбалансирован. Дефицит будет небольшим, добавил Тарасов."
    assert [(s.text, s.speaker) for s in ru(text)] == [
        ("бюджет сбалансирован", "Тарасов"),
        ("Дефицит будет небольшим", "Тарасов"),
    ]


def test_the_words_of_x_quoted_by_an_agency_are_xs() -> None:
    s = one(INTRO + "«Ответ будет дан», — приводит агентство «Вестник» слова господина Веснина.")
    assert (s.kind, s.speaker) == ("direct", "Аркадий Веснин")


def test_a_surname_that_is_also_a_word_is_a_name() -> None:
    text = "«Мост откроют в мае», - заявил Павел Скворец. Работы идут по графику, сообщил Скворец."
    assert [(s.text, s.speaker) for s in ru(text)] == [
        ("Мост откроют в мае", "Павел Скворец"),
        ("Работы идут по графику", "Павел Скворец"),
    ]


def test_a_pronoun_stands_for_the_subject_not_for_a_name_in_an_oblique_case() -> None:
    text = (
        "Губернатор Степан Мальцев доложил министру Олегу Тарасову о паводке. "
        "Однако, по его словам, ситуация под контролем."
    )
    assert [(s.text, s.speaker) for s in ru(text)] == [("ситуация под контролем", "Степан Мальцев")]


def test_a_paragraph_ending_in_a_colon_introduces_the_quote_below_it() -> None:
    text = (
        "Губернатор Степан Мальцев обратился к жителям области.\n\n"
        "В его обращении говорится:\n\n"
        "«Вода уходит. Все службы работают круглосуточно»."
    )
    assert [(s.kind, s.speaker) for s in ru(text)] == [("direct", "Степан Мальцев")]


def test_a_role_separated_from_its_name_by_a_modifier_still_teaches_it() -> None:
    text = (
        "Губернатор граничащей с Заречьем Северной области Степан Мальцев выступил в думе.\n\n"
        "«Паники нет», — сказал политик."
    )
    assert [s.speaker for s in ru(text)] == ["Степан Мальцев"]


def test_latin_words_are_no_person_and_data_are_no_statement() -> None:
    text = (
        "Экономист Тимур Галеев заявил, что цены вырастут, сообщает корреспондент The Harbour Ledger.\n\n"
        "По его словам, нужно «смотреть на середину».\n\n"
        "По данным Росстата, цены выросли на 2%. Об этом говорят «рекордные» показатели."
    )
    assert [(s.kind, s.text, s.speaker) for s in ru(text)] == [
        ("indirect", "цены вырастут", "Тимур Галеев"),
        ("partial", "смотреть на середину", "Тимур Галеев"),
    ]


def test_a_quote_after_partials_and_a_colon_is_direct() -> None:
    text = INTRO + 'Итоги встречи Веснин назвал "хорошими" и "полезными": "Мы довольны".'
    assert [(s.kind, s.text) for s in ru(text)] == [
        ("partial", "хорошими"),
        ("partial", "полезными"),
        ("direct", "Мы довольны"),
    ]


def test_a_gerund_clause_is_a_second_statement_of_the_same_speaker() -> None:
    found = ru(INTRO + "Веснин заявил, что визит состоится, отметив, что дата пока не определена.")
    assert [(s.text, s.speaker, s.cue) for s in found] == [
        ("визит состоится", "Аркадий Веснин", "заявил"),
        ("дата пока не определена", "Аркадий Веснин", "отметив"),
    ]


def test_reporting_verbs_are_recognised_by_lemma_in_every_form() -> None:
    for verb in (
        "заявил",
        "заявляет",
        "сообщил",
        "сообщает",
        "пояснил",
        "уточнил",
        "напомнил",
        "предупредил",
    ):
        s = one(f"Аркадий Веснин {verb}, что визит состоится в январе.")
        assert (s.text, s.cue) == ("визит состоится в январе", verb)


def test_a_pronoun_takes_the_gender_the_verb_shows() -> None:
    text = (
        "Министр финансов Олег Тарасов и официальный представитель МИД Ирина Громова выступили в Думе.\n\n"
        "«Бюджет выдержит», — сказал Тарасов. «Ответ будет жёстким», — заявила Громова.\n\n"
        "Она добавила, что консультации продолжатся. Он уточнил, что дефицит не вырастет."
    )
    said = {s.text: s.speaker for s in ru(text)}
    assert said["консультации продолжатся"] == "Ирина Громова"
    assert said["дефицит не вырастет"] == "Олег Тарасов"


def test_the_press_secretary_of_someone_is_not_that_someone() -> None:
    text = INTRO + "Пресс-секретарь Вадима Ольшанского добавил, что встреча пока не планируется."
    s = one(text.replace(INTRO, INTRO))
    assert s.speaker == "Аркадий Веснин"


def test_a_speaker_in_any_case_is_named_in_the_nominative() -> None:
    text = (
        "На брифинге выступила официальный представитель МИД Ирина Громова.\n\n"
        "По словам Громовой, ответ будет дан."
    )
    assert [s.speaker for s in ru(text)] == ["Ирина Громова"]


def test_dashes_that_attribute_nothing_and_quotes_that_are_names_are_no_statements() -> None:
    text = (
        "НАТО — угроза для региона, считают многие в Заречинске.\n\n"
        "Звягин — младший из трёх братьев.\n\n"
        "Интервью вышло в газете «Северный курьер» и на телеканале «Спорт-Плюс».\n\n"
        "Так называемый «план мира» обсуждался в кулуарах."
    )
    assert ru(text) == []


def test_page_noise_never_becomes_a_statement() -> None:
    noise = [
        "Читайте также: Веснин заявил, что Кремль ответит",
        "Подписывайтесь на наш канал: там Веснин заявил, что всё будет хорошо.",
        "Ошибка в тексте? Выделите её и нажмите Ctrl+Enter",
        "Данный сайт использует файлы cookies. Продолжая, вы соглашаетесь, заявил сайт.",
        "Фото: пресс-служба Кремля / Иван Петров",
        "Теги: Кремль, Веснин, переговоры",
    ]
    text = "Кремль готовит ответ\n\n" + "\n\n".join(noise)
    assert ru(text) == []


def test_the_headline_of_a_speaker_and_a_colon_is_his_statement() -> None:
    text = "Веснин: Кремль рад итогам встречи\n\n" + INTRO
    s = one(text)
    assert (s.kind, s.text, s.speaker) == ("indirect", "Кремль рад итогам встречи", "Аркадий Веснин")


def test_an_inflected_speaker_finds_the_tracked_nominative_alias() -> None:
    rules, problems = parse_rules(
        '[[speakers]]\nid = "vesnin"\nname = "Arkady Vesnin"\naliases = ["Vesnin", "Веснин"]\n'
        '[[speakers]]\nid = "olshansky"\nname = "Vadim Olshansky"\naliases = ["Ольшанский"]\n'
    )
    assert rules is not None, problems
    matcher = Matcher.compile(rules)
    text = INTRO + "Пресс-секретарь Вадима Ольшанского добавил, что встреча пока не планируется."
    found = extract_statements(text, matcher, lang="ru")
    assert [(s.speaker, s.speaker_id) for s in found] == [("Аркадий Веснин", "vesnin")]


def test_the_headline_below_a_menu_line_with_a_role_before_the_name_is_his() -> None:
    found = ru(
        "Войти в почту\n\nГлава Минтранса Лобанов: тарифы на проезд останутся прежними\n\n"
        "Министр транспорта Игорь Лобанов выступил в областной думе.\n"
    )
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("indirect", "тарифы на проезд останутся прежними", "Игорь Лобанов")
    ]


def test_a_minus_sign_opens_and_ends_dialogue_speech() -> None:
    s = one(
        "Мэр Заречинска Олег Ветлугин провёл совещание.\n\n"
        "− Дорогу откроем к июлю. Подрядчик уже выбран, − сказал мэр.\n"
    )
    assert (s.kind, s.text, s.speaker) == (
        "direct",
        "Дорогу откроем к июлю. Подрядчик уже выбран",
        "Олег Ветлугин",
    )


def test_an_outlet_in_a_prepositional_phrase_is_not_the_speaker() -> None:
    s = one("Глава Минтранса Игорь Лобанов в эфире НТВ сообщил, что тарифы не вырастут.")
    assert (s.text, s.speaker) == ("тарифы не вырастут", "Игорь Лобанов")


def test_by_the_words_of_x_inside_a_sentence_makes_the_sentence_his() -> None:
    found = ru(
        "Министр транспорта Игорь Лобанов выступил в думе.\n\n"
        "В прошлом году пассажиропоток вырос, по словам Лобанова, на 12 процентов.\n"
    )
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        (
            "indirect",
            "В прошлом году пассажиропоток вырос, по словам Лобанова, на 12 процентов",
            "Игорь Лобанов",
        )
    ]


def test_an_unknown_surname_beside_an_oblique_first_name_is_named_in_the_nominative() -> None:
    found = ru(
        "Депутаты похвалили главу Минтранса Игоря Ветрогонова за новые маршруты.\n\n"
        "По словам Ветрогонова, автобусов станет больше.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [("автобусов станет больше", "Игорь Ветрогонов")]


def test_the_outlet_the_news_came_from_says_nothing() -> None:
    found = ru(
        "Губернатор Олег Ветлугин поблагодарил строителей моста и назвал их работу образцовой. "
        "Об этом сообщает ТАСС.\n"
    )
    assert found == []


def test_a_pronoun_never_means_a_region_named_after_a_preposition() -> None:
    found = ru("Ведущая спросила о поездке на Заволжщину. Поездку она назвала «долгожданной».\n")
    assert [(s.text, s.speaker) for s in found] == [("долгожданной", None)]


def test_an_unknown_surname_read_as_an_adverb_is_still_a_name() -> None:
    found = ru('Виктор Бурылко: "Сборная готова к сезону".\n\n"Мы провели хороший сбор", - сказал Бурылко.\n')
    assert [(s.text, s.speaker) for s in found] == [
        ("Сборная готова к сезону", "Виктор Бурылко"),
        ("Мы провели хороший сбор", "Виктор Бурылко"),
    ]


def test_an_interview_gives_the_answers_to_the_one_interviewed_and_not_the_remarks() -> None:
    found = ru(
        "Главный тренер Виктор Бурылко ответил на вопросы о новом сезоне.\n"
        "- Состав почти собран, - говорит Бурылко.\n"
        "- А вратарь?\n"
        "- Вратаря ищем до сих пор.\n"
        "- Болельщики ждут побед…\n"
        "- Мы их дадим, но не сразу, и к этому надо быть готовыми всем в клубе.\n"
        "- Спасибо.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("Состав почти собран", "Виктор Бурылко"),
        ("Вратаря ищем до сих пор", "Виктор Бурылко"),
        ("Мы их дадим, но не сразу, и к этому надо быть готовыми всем в клубе", "Виктор Бурылко"),
    ]


def test_by_his_words_never_means_a_person_named_only_in_an_oblique_case() -> None:
    found = ru(
        "«Решение суда будет обжаловано», — сказал источник в прокуратуре.\n"
        "По его словам, обвинение просило для Лаврука шесть лет.\n"
        "Адвокат Лаврука заявил, что намерен подать жалобу.\n"
    )
    assert [s.speaker for s in found] == [None, None, None], [(s.text, s.speaker) for s in found]


def test_a_speaker_named_only_in_the_headline_is_what_his_pronoun_means() -> None:
    found = ru(
        "Губернатор Заволжья Павел Ладынко обратился к жителям\n\n"
        "Губернатор выступил с обращением.\n\nВ своём обращении он сказал: «Ситуация под контролем».\n"
    )
    assert [(s.text, s.speaker) for s in found] == [("Ситуация под контролем", "Павел Ладынко")]


def test_a_four_word_menu_line_and_a_link_under_the_headline_are_skipped() -> None:
    found = ru(
        "Показать ещё Все новости\nВиктор Бурылко: сборная сыграет в марте\nКомментарии\n\n"
        "Главный тренер сборной Виктор Бурылко рассказал о планах.\n"
    )
    assert [(s.kind, s.text, s.speaker) for s in found][:1] == [
        ("indirect", "сборная сыграет в марте", "Виктор Бурылко")
    ]


def test_the_outlet_that_reports_her_words_is_not_their_speaker() -> None:
    found = ru(
        "Глава регулятора Вера Ладынко выступила в Совете Федерации. "
        "По её словам, инфляция замедлится к осени. "
        "Сейчас главное — удержать ставку, пишет МК.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("инфляция замедлится к осени", "Вера Ладынко"),
        ("Сейчас главное — удержать ставку", "Вера Ладынко"),
    ]


def test_the_role_of_someone_elses_aide_or_of_another_organisation_is_not_the_person_quoted() -> None:
    found = ru(
        "Министр транспорта Игорь Лобанов ушёл на больничный. "
        "Сам министр чувствует себя хорошо, - сообщил его помощник.\n\n"
        "«Мы видим рост перевозок», — сказал Лобанов. "
        "Глава Заволжской железной дороги сообщал, что пассажиров станет больше.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("Сам министр чувствует себя хорошо", None),
        ("Мы видим рост перевозок", "Игорь Лобанов"),
        ("пассажиров станет больше", None),
    ]


def test_the_head_of_a_ministry_is_its_minister() -> None:
    found = ru(
        "Министр здравоохранения Павел Гнатюк выступил в думе. — Очередей стало меньше, — отметил глава Минздрава.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [("Очередей стало меньше", "Павел Гнатюк")]


def test_a_straight_quote_inside_a_straight_quote_does_not_end_it() -> None:
    s = one('Тренер Павел Гнатюк сказал: "Игроки "Заречья" были сильнее, они заслужили победу".')
    assert (s.kind, s.text) == ("direct", 'Игроки "Заречья" были сильнее, они заслужили победу')


def test_confirmed_and_it_is_specified_report_but_earlier_it_was_reported_is_the_writers() -> None:
    found = ru(
        "Ранее Гнатюк подтвердил, что больница откроется в мае. Уточняется, что в ней будет 300 коек. "
        "Ранее сообщалось, что стройка задерживается.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("больница откроется в мае", "Гнатюк"),
        ("в ней будет 300 коек", None),
    ]


def test_with_such_a_statement_came_out_x_makes_the_previous_sentence_his() -> None:
    found = ru(
        "Больницы Заволжья усилят работу в праздники. С таким заявлением выступил министр здравоохранения "
        "области Павел Гнатюк.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("Больницы Заволжья усилят работу в праздники", "Павел Гнатюк")
    ]


def test_a_sentence_glued_to_the_previous_one_is_read_on_its_own() -> None:
    found = ru("«Очередей стало меньше», — сказал Павел Гнатюк.По его словам, коек хватает.\n")
    assert [(s.text, s.speaker) for s in found] == [
        ("Очередей стало меньше", "Павел Гнатюк"),
        ("коек хватает", "Павел Гнатюк"),
    ]


def test_an_organisation_may_be_the_speaker_of_a_headline() -> None:
    found = ru("Минздрав: коек в больницах хватает\n\nВедомство опубликовало данные за неделю.\n")
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("indirect", "коек в больницах хватает", "Минздрав")
    ]


def test_a_first_name_and_patronymic_are_the_person_named_before() -> None:
    found = ru(
        "Глава города Павел Гнатюк провёл совещание. Как отметил Павел Андреевич, дороги отремонтируют к лету.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [("дороги отремонтируют к лету", "Павел Гнатюк")]


def test_the_aide_of_a_man_named_in_the_genitive_is_not_that_man() -> None:
    found = ru(
        "Губернатор Павел Гнатюк выступил на совещании. "
        "Как заявил помощник Гнатюка, губернатор просто устал.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [("губернатор просто устал", None)]


def test_a_lower_case_dash_paragraph_that_attributes_the_speech_above_it_is_not_speech() -> None:
    found = ru(
        "Губернатор Павел Гнатюк приехал на пожар.\n\n"
        "- Сил для борьбы с огнём пока не хватает,\n\n"
        "- сказал Гнатюк.\n\n"
        "Он выразил надежду, что пожар потушат.\n"
    )
    assert [s.text for s in found if s.text.startswith("сказал")] == []


def test_the_words_an_agency_reports_are_theirs_whom_the_pronoun_means() -> None:
    found = ru(
        "Министр энергетики Николай Ладынко сообщил, что цены снизились.\n\n"
        "«Результаты уже видны», — приводит ТАСС его слова.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("цены снизились", "Николай Ладынко"),
        ("Результаты уже видны", "Николай Ладынко"),
    ]


def test_an_outlet_before_the_speaker_after_the_cue_is_not_the_speaker() -> None:
    s = one(
        "Причины удорожания связаны с сезоном, заявил во время интервью ТАСС министр энергетики Сергей Вершко."
    )
    assert (s.text, s.speaker) == ("Причины удорожания связаны с сезоном", "Сергей Вершко")


def test_an_organisation_before_a_given_name_is_the_persons_role_not_the_speaker() -> None:
    found = ru(
        "Цены на бензин в норме. Об этом заявил замглавы Минэнерго Павел Вершко.Чиновник напомнил, что "
        "спрос вырос.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("Цены на бензин в норме", "Павел Вершко"),
        ("спрос вырос", "Павел Вершко"),
    ]


def test_a_name_after_a_common_noun_is_a_complement_no_pronoun_means() -> None:
    found = ru(
        "«Денег хватило», — ответила вице-мэр Анна Ладынко. Деньги ушли на декор площади Ленина, уточнила она.\n"
    )
    assert [(s.text, s.speaker) for s in found] == [
        ("Денег хватило", "Анна Ладынко"),
        ("Деньги ушли на декор площади Ленина", "Анна Ладынко"),
    ]


def test_english_text_reads_the_same_with_lang_en_and_without() -> None:
    text = 'Jane Doe, the minister, said the talks would resume. "We will not accept this," she added.'
    assert extract_statements(text) == extract_statements(text, lang="en")


def test_the_annotated_russian_set_meets_the_targets() -> None:
    tallies = tally(score(load_set(QUOTES_RU), default_extractor()))
    every = tallies["all"]
    assert every.recall >= 0.90, every.as_dict()
    assert every.precision >= 0.95, every.as_dict()
    assert every.speaker_accuracy >= 0.90, every.as_dict()


def test_quotes_json_names_the_tracked_russian_speaker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[speakers]]\nid = "gromova"\nname = "Irina Gromova"\naliases = ["Громова"]\n', encoding="utf-8"
    )
    article = tmp_path / "a.txt"
    article.write_text(
        "МИД готовит ответ\n\nОфициальный представитель МИД Ирина Громова заявила, что ответ будет дан.\n",
        encoding="utf-8",
    )
    assert main(["quotes", "--config", str(rules), "--json", str(article)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["lang"], r["kind"], r["text"], r["speaker_id"]) for r in records] == [
        ("ru", "indirect", "ответ будет дан", "gromova")
    ]
