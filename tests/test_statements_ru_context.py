"""Russian statements whose speaker or span depends on what stands around them: quotes over
paragraphs, dash speech, unnamed people, background sentences, pronouns (issue #14).

Every text is invented: fictional people, outlets and regions in realistic newsroom prose.
"""

from __future__ import annotations

from watchers.model import Statement
from watchers.statements import extract_statements
from watchers.statements.lang import ru as g
from watchers.statements.quotepairs import find_pairs
from watchers.statements.sentences import paragraphs


def ru(text: str) -> list[Statement]:
    return extract_statements(text, lang="ru")


def said(text: str) -> list[tuple[str, str, str | None]]:
    return [(s.kind, s.text, s.speaker) for s in ru(text)]


def pairs(text: str) -> list[tuple[str, int]]:
    return [
        (text[q.start : q.end], q.paragraphs) for q in find_pairs(text, paragraphs(text), g.QUOTE_PAIRS, '"')
    ]


def test_a_quote_whose_next_paragraph_opens_with_the_same_mark_goes_on_there() -> None:
    text = "Мэр сказал: «Мост откроют в мае.\n\n«Движение пустят сразу», — добавил он. «Спасибо»"
    assert pairs(text) == [("Мост откроют в мае.\n\n«Движение пустят сразу", 2), ("Спасибо", 1)]


def test_a_quote_goes_on_through_paragraphs_without_marks_to_the_one_closing_it_before_a_dash() -> None:
    text = '"Сезон трудный.\nСоставы обновлены.\nМы готовы", - приводит слова тренера агентство.'
    assert pairs(text) == [("Сезон трудный.\nСоставы обновлены.\nМы готовы", 3)]


def test_a_stray_mark_inside_a_sentence_never_runs_into_the_next_paragraph() -> None:
    text = "Он назвал проект «лучшим в\n\n«Северный курьер» пишет об этом."
    assert pairs(text) == [("Северный курьер", 1)]


def test_a_quote_over_two_paragraphs_is_one_record_with_the_speaker_of_its_attribution() -> None:
    text = (
        "Глава Заречного района Пётр Авдеев подвёл итоги года.\n\n"
        "«Дороги мы отремонтировали. Школу достроили.\n\n"
        "«В следующем году займёмся парками», — сказал Авдеев.\n"
    )
    assert said(text) == [
        (
            "direct",
            "Дороги мы отремонтировали. Школу достроили.\n\n«В следующем году займёмся парками",
            "Пётр Авдеев",
        )
    ]


def test_the_words_of_an_unnamed_aide_are_not_the_governors_named_after_him() -> None:
    text = (
        "Помощник главы Заречной области объяснил запись, на которой губернатор Геннадий Ларионов "
        "спорит с подрядчиком. По его словам, губернатор торопил строителей.\n"
    )
    assert said(text) == [("indirect", "губернатор торопил строителей", None)]


def test_a_role_that_stands_for_the_person_just_quoted_is_no_unnamed_person() -> None:
    text = (
        "«Бюджет исполнен», — заявил министр финансов области Роман Шилов.\n\n"
        "Глава финансового ведомства подчеркнул, что долг снизился. Он также отметил, что резервы выросли.\n"
    )
    assert [s.speaker for s in ru(text)] == ["Роман Шилов"] * 3


def test_a_pronoun_never_stands_for_a_person_its_own_clause_names_later() -> None:
    text = (
        "«Сезон будет трудным», — сказал тренер Андрей Кустов.\n\n"
        "Он высказал мнение, что президент лиги Виктор Гордеев сделал правильный выбор.\n"
    )
    assert said(text)[-1] == (
        "indirect",
        "президент лиги Виктор Гордеев сделал правильный выбор",
        "Андрей Кустов",
    )


def test_a_surname_that_is_also_a_nouns_genitive_plural_is_a_name_as_written() -> None:
    text = "Заместитель губернатора Тимур Кустов выступил на сессии.\n\nКустов пояснил, что мост откроют в мае.\n"
    assert said(text) == [("indirect", "мост откроют в мае", "Тимур Кустов")]


def test_an_indeclinable_surname_is_not_inflected_as_another_part_of_speech() -> None:
    text = "«Деньги заложены в бюджет», — приводит слова Олега Шутко агентство «Вестник».\n"
    assert [s.speaker for s in ru(text)] == ["Олег Шутко"]


def test_the_speaker_stands_after_a_subordinate_clause_between_the_cue_and_them() -> None:
    text = (
        "Как заявил на форуме в Заречье, где открывали новую трассу, глава дорожного агентства "
        "Павел Огнев, ремонт завершат к осени.\n"
    )
    assert said(text) == [("indirect", "ремонт завершат к осени", "Павел Огнев")]


def test_dialogue_goes_on_after_its_attribution_and_questions_quote_nothing() -> None:
    text = (
        "Президент лиги Виктор Гордеев сообщил журналистам о переговорах с телеканалами.\n"
        "– Договор подпишем до конца месяца, – сказал Гордеев. – Сумму раскрывать не будем.\n"
        "– А что с «Полярником»?\n"
        "– Клуб остаётся в лиге.\n"
    )
    assert said(text) == [
        ("direct", "Договор подпишем до конца месяца", "Виктор Гордеев"),
        ("direct", "Сумму раскрывать не будем", "Виктор Гордеев"),
        ("direct", "Клуб остаётся в лиге", "Виктор Гордеев"),
    ]


def test_dash_speech_going_on_into_the_paragraph_of_its_attribution_is_one_record() -> None:
    text = (
        "Тренер Андрей Кустов ответил на вопросы болельщиков.\n\n"
        "– Мы долго готовились к сезону.\n\n"
        "Теперь ждём первой игры, – рассказал Кустов.\n"
    )
    assert said(text) == [
        ("direct", "Мы долго готовились к сезону.\n\nТеперь ждём первой игры", "Андрей Кустов")
    ]


def test_the_speaker_of_a_background_paragraph_is_not_the_one_of_the_speech_after_it() -> None:
    text = (
        "«Лига не станет расширяться», — сказал президент лиги Виктор Гордеев.\n\n"
        "Ранее министр спорта области Олег Шутко заявил, что регион построит арену. "
        "«Деньги заложены», — приводит слова Шутко агентство.\n\n"
        "— Лиге сейчас важнее календарь.\n"
    )
    assert [s.speaker for s in ru(text)] == ["Виктор Гордеев", "Олег Шутко", "Олег Шутко", "Виктор Гордеев"]


def test_unnamed_sources_say_the_previous_sentence_and_the_quote_after_a_colon() -> None:
    text = (
        "Цены на бензин в области перестанут расти до конца месяца.\n\n"
        "Об этом сообщили в министерстве.\n\n"
        "Журналисты обратились к подрядчику, где пояснили: «Работы идут по графику».\n"
    )
    assert said(text) == [
        ("indirect", "Цены на бензин в области перестанут расти до конца месяца", None),
        ("direct", "Работы идут по графику", None),
    ]


def test_the_message_of_the_ministry_is_the_ministrys_named_last() -> None:
    text = (
        "В Минэнерго сообщили о стабилизации цен на топливо.\n\n"
        "«Ситуация остаётся под контролем», — приводит сообщение ведомства агентство «Финмаркет».\n"
    )
    assert said(text) == [("direct", "Ситуация остаётся под контролем", "Минэнерго")]


def test_a_whole_clause_in_quotes_after_that_is_partial() -> None:
    text = "Тренер Андрей Кустов считает, что «команде пока не хватает опыта».\n"
    assert said(text) == [("partial", "команде пока не хватает опыта", "Андрей Кустов")]


def test_names_in_quotes_are_no_statements() -> None:
    text = (
        "Тренер Андрей Кустов оценил шансы команды, заявив, что сезон будет трудным.\n\n"
        "«Полярник» намерен усилить оборону. Так называемый «потолок зарплат» клуб соблюдает.\n\n"
        '"Вестник"\n'
    )
    assert [s.kind for s in ru(text)] == ["indirect"]


def test_a_headline_about_something_is_its_speakers_quote() -> None:
    text = "Гордеев о сезоне: «Лига не станет расширяться»\n\nПрезидент лиги Виктор Гордеев ответил журналистам.\n"
    assert said(text) == [("direct", "Лига не станет расширяться", "Виктор Гордеев")]


def test_a_credit_or_a_share_line_glued_to_the_lead_does_not_take_the_lead_with_it() -> None:
    text = (
        "Фото Ирины Белых Вице-губернатор области, куратор дорог Ольга Сизова приехала на мост.\n\n"
        "«Ремонт завершат к сентябрю», — сказала вице-губернатор.\n\n"
        "Поделиться в Телеграм Поделиться во ВКонтакте Поделиться в Одноклассниках Скопировать ссылку\n"
        "Сизова заявила, что движение откроют в октябре.\n"
    )
    assert [s.speaker for s in ru(text)] == ["Ольга Сизова", "Ольга Сизова"]


def test_by_estimates_of_x_names_the_source() -> None:
    text = "Однако, по оценкам экономиста банка Марины Ветровой, цены вырастут к зиме.\n"
    assert said(text) == [("indirect", "цены вырастут к зиме", "Марина Ветрова")]


def test_the_unnamed_persons_words_are_the_one_named_later_with_their_role() -> None:
    text = (
        "Губернатор Заречной области ответил на вопросы журналистов телеканала. Об этом он сообщил в "
        "своём канале.\n\n"
        "Перед эфиром глава региона Геннадий Ларионов провёл совещание.\n"
    )
    assert said(text) == [
        (
            "indirect",
            "Губернатор Заречной области ответил на вопросы журналистов телеканала",
            "Геннадий Ларионов",
        )
    ]


def test_two_sentences_cut_before_their_final_stop_are_prose_not_a_subhead() -> None:
    text = (
        "«Очагов стало меньше», — отметил министр здравоохранения области Илья Рогачёв.\n\n"
        "По его словам, ситуация с плановой помощью изменилась. Министр связал это с эпидемией\n"
    )
    assert said(text)[-1] == ("indirect", "ситуация с плановой помощью изменилась", "Илья Рогачёв")


def test_the_outlet_that_quotes_a_role_is_not_its_complement() -> None:
    text = (
        "Об этом сообщил гендиректор авиакомпании «Северавиа» Михаил Дорофеев. «Планы придётся "
        "пересмотреть», - цитирует топ-менеджера РИА Новости.\n"
    )
    assert said(text)[-1] == ("direct", "Планы придётся пересмотреть", "Михаил Дорофеев")


def test_convinced_reports_and_an_unknown_surname_in_e_is_indeclinable() -> None:
    text = (
        "Ильзе уверена, что сборная поедет на чемпионат. "
        '"Сборы пройдут в срок", - приводит слова Ильзе агентство "Вестник".\n'
    )
    assert [(s.text, s.speaker) for s in ru(text)] == [
        ("сборная поедет на чемпионат", "Ильзе"),
        ("Сборы пройдут в срок", "Ильзе"),
    ]


def test_a_foreign_given_name_beside_an_unknown_surname_stays_as_written() -> None:
    text = "«Дело не в руководстве лиги», – сказал призер этапа Кубка мира Мика Хальвонен.\n"
    assert [s.speaker for s in ru(text)] == ["Мика Хальвонен"]


def test_a_trailing_attribution_may_hold_a_date_or_about_this_before_the_cue() -> None:
    text = (
        "Ремонт энергоблока завершится в марте, 7 сентября заявил глава «Заречьеэнерго» Олег Рябцев.\n\n"
        "Станция работает в обычном режиме, об этом глава компании Олег Рябцев заявил журналистам.\n"
    )
    assert said(text) == [
        ("indirect", "Ремонт энергоблока завершится в марте", "Олег Рябцев"),
        ("indirect", "Станция работает в обычном режиме", "Олег Рябцев"),
    ]


def test_a_second_verb_of_the_same_subject_is_not_the_organisation_between() -> None:
    text = (
        "«Доклад объективен», — заявил глава «Заречьеэнерго» Олег Рябцев.\n\n"
        "Он также поблагодарил экспертов миссии ОЭСР, а также сказал, что проверки продолжатся.\n"
    )
    assert said(text)[-1] == ("indirect", "проверки продолжатся", "Олег Рябцев")


def test_a_quote_whose_attribution_is_cut_after_the_verb_takes_the_speaker_from_context() -> None:
    text = (
        "Президент федерации Ирина Лаврова высказалась о допуске спортсменов.\n\n"
        "«Документы готовы не у всей команды. Но сборы начнутся в срок», – сказал\n"
    )
    assert said(text) == [
        ("direct", "Документы готовы не у всей команды. Но сборы начнутся в срок", "Ирина Лаврова")
    ]
