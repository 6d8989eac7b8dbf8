"""Russian shapes found on the second round of real news pages (issue #14): each with invented prose."""

from __future__ import annotations

from watchers.model import Statement
from watchers.statements import extract_statements


def ru(text: str) -> list[tuple[str, str, str | None]]:
    found: list[Statement] = extract_statements(text, lang="ru")
    return [(s.kind, s.text, s.speaker) for s in found]


def test_the_relayed_words_of_a_minister_name_him_in_the_nominative() -> None:
    # "Дмитрия" may be read as a rare woman's nominative: the likeliest reading is the genitive
    text = (
        "Урожай льна вырос, сообщила пресс-служба Минприроды.\n\n"
        "«Сбор превысит план», — приводит пресс-служба слова министра лесного хозяйства Дмитрия Ларионова.\n\n"
        "Глава ведомства подчеркнул, что «это покрывает спрос»."
    )
    assert ru(text) == [
        ("indirect", "Урожай льна вырос", "Минприроды"),
        ("direct", "Сбор превысит план", "Дмитрий Ларионов"),
        ("partial", "это покрывает спрос", "Дмитрий Ларионов"),
    ]
    assert ru("По словам министра Дмитрия Ларионова, сбор превысит план.") == [
        ("indirect", "сбор превысит план", "Дмитрий Ларионов")
    ]
    assert ru("Анна Ларионова сказала, что план сорван.") == [("indirect", "план сорван", "Анна Ларионова")]


def test_quoted_by_a_pronoun_object_is_the_person_it_stands_for() -> None:
    # его / её / их are the genitive and the accusative alike: "цитирует её" is her words
    lead = "Министр Ирина Белова выступила на форуме. "
    assert ru(lead + '"Школа важна для всех", – цитирует ее "Вестник".') == [
        ("direct", "Школа важна для всех", "Ирина Белова")
    ]
    lead = "Министр Олег Белов выступил на форуме. "
    assert ru(lead + "«Школа важна для всех», — цитирует его агентство «Вестник».") == [
        ("direct", "Школа важна для всех", "Олег Белов")
    ]


def test_told_what_someone_will_do_is_a_question_not_a_statement() -> None:
    assert ru("Глава клуба Олег Сомов рассказал, что будет делать команда во время паузы.") == []
    assert ru("Тренер Олег Сомов рассказал, что будет делать дальше.") == []
    # the verb with an object of its own, or the infinitive as the subject: his statement
    assert ru("Тренер Олег Сомов заявил, что делает всё возможное.") == [
        ("indirect", "делает всё возможное", "Олег Сомов")
    ]
    assert ru("Тренер Олег Сомов заявил, что делать выводы рано.") == [
        ("indirect", "делать выводы рано", "Олег Сомов")
    ]
    assert ru("Тренер Олег Сомов рассказал, что команда будет делать ставку на молодёжь.") == [
        ("indirect", "команда будет делать ставку на молодёжь", "Олег Сомов")
    ]


def test_a_quoted_event_name_after_in_the_course_of_is_no_ones_words() -> None:
    text = "Глава банка Олег Сомов не уйдёт с поста, сообщил глава банка в ходе «прямой линии» с клиентами."
    assert ru(text) == [("indirect", "Глава банка Олег Сомов не уйдёт с поста", "Олег Сомов")]
    assert ru("Глава банка Олег Сомов назвал реформу «опасной затеей».") == [
        ("partial", "опасной затеей", "Олег Сомов")
    ]


def test_a_paragraph_of_speech_below_a_colon_cue_is_the_speakers_reported_words() -> None:
    text = (
        "Министр спорта Олег Сомов выступил на совещании.\n\n"
        "По вопросам спорта министр сказал:\n\n"
        "Новый сезон начнётся через неделю. Мы готовимся.\n\n"
        "Он отметил, что всё готово."
    )
    assert ru(text) == [
        ("indirect", "Новый сезон начнётся через неделю. Мы готовимся", "Олег Сомов"),
        ("indirect", "всё готово", "Олег Сомов"),
    ]
    # a list below a colon with no speech cue is no one's words
    assert (
        ru("Глава лиги Олег Сомов подал документы.\n\nСреди документов:\n\nАнкета, паспорт и справка.") == []
    )


def test_a_lead_line_ending_in_a_colon_is_prose_and_introduces_the_next_line() -> None:
    text = (
        "Сезон начнётся в срок, заявил глава Минспорта Олег Сомов. На совещании министр сказал:\n"
        "Новый сезон начнётся через неделю. Мы готовимся.\n"
        "Он отметил, что всё готово."
    )
    assert ru(text) == [
        ("indirect", "Сезон начнётся в срок", "Олег Сомов"),
        ("indirect", "Новый сезон начнётся через неделю. Мы готовимся", "Олег Сомов"),
        ("indirect", "всё готово", "Олег Сомов"),
    ]


def test_said_in_an_organisation_after_a_time_word_or_as_an_abbreviation_is_the_organisations() -> None:
    assert ru("Ранее в Минприроды заявили, что урожай вырос.") == [("indirect", "урожай вырос", "Минприроды")]
    assert ru("Ранее в ФХЛ не исключили, что лигу расширят.") == [("indirect", "лигу расширят", "ФХЛ")]
    assert ru("Вчера в Москве заявили, что урожай вырос.") == [("indirect", "урожай вырос", None)]


def test_said_about_a_noun_phrase_reports_the_noun_phrase() -> None:
    assert ru("Глава Минприроды Олег Сомов заявил о необходимости поднять зарплаты.") == [
        ("indirect", "необходимости поднять зарплаты", "Олег Сомов")
    ]
    assert ru("Олег Сомов выступил. Он рассказал и о ходе работ на трассе.") == [
        ("indirect", "ходе работ на трассе", "Олег Сомов")
    ]
    assert ru("В Минприроды заявили о росте урожая.") == [("indirect", "росте урожая", "Минприроды")]
    # "об этом": the sentence before (no one's here); "о чём": a question
    assert ru("Олег Сомов заявил об этом журналистам.") == []
    assert ru("Олег Сомов рассказал, о чём мечтает.") == []
