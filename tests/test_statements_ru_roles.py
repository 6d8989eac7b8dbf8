"""Russian speakers named by role or by an unusual surname, found wrong on real news (issue #14, the
speaker errors of the blind real sets): a ministry's short name for the minister of its field, a role
followed by "в интервью", a surname that is also an adjective. Fixtures are invented prose.
"""

from __future__ import annotations

import pytest

from watchers.model import Statement
from watchers.statements import extract_statements
from watchers.statements.lang import ru as g


def speakers(text: str) -> list[str | None]:
    found: list[Statement] = extract_statements(text, lang="ru")
    return [s.speaker for s in found]


TWO_MINISTERS = (
    "{intro} Пётр Зарубин и губернатор Северной области Иван Сомов открыли новую больницу.\n\n"
    "«Мы построим ещё две такие больницы», — сказал {later}.\n"
)


@pytest.mark.parametrize(
    ("intro", "later"),
    [
        ("Министр здравоохранения", "глава Минздрава"),
        ("Министр здравоохранения", "глава Минздрава в интервью телеканалу «Вестник»"),
        ("Министр здравоохранения", "глава Минздрава России"),
        ("Министр здравоохранения", "руководитель Минздрава"),
        ("Министр здравоохранения", "глава министерства здравоохранения"),
        ("Министр здравоохранения", "глава ведомства"),
        ("Глава Минздрава", "министр здравоохранения"),
        ("Глава Минздрава России", "министр"),
        ("Глава министерства здравоохранения", "глава Минздрава"),
        ("Министр экономического развития", "глава Минэкономразвития"),
        ("Министр экономического развития", "глава Минэкономразвития в интервью"),
        ("Министр финансов", "глава Минфина на брифинге"),
    ],
)
def test_a_ministry_by_its_short_name_is_the_minister_of_its_field(intro: str, later: str) -> None:
    assert speakers(TWO_MINISTERS.format(intro=intro, later=later)) == ["Пётр Зарубин"]


@pytest.mark.parametrize(
    ("intro", "later"),
    [
        ("Министр здравоохранения", "глава Минфина"),
        ("Министр здравоохранения", "министр финансов"),
        ("Глава Минздрава", "глава Минфина"),
        ("Глава Минздрава", "министр обороны"),
    ],
)
def test_the_head_of_another_ministry_is_nobody_named(intro: str, later: str) -> None:
    assert speakers(TWO_MINISTERS.format(intro=intro, later=later)) == [None]


def test_the_ministries_table_holds_the_lemmas_pymorphy_reads() -> None:
    """A short name's key is the lemma of its written forms, so "глава Минэкономразвития" (one
    indeclinable word) and "глава Минздрава" (a genitive) both reach the table."""
    written = {
        "мид": "МИД",
        "минздрав": "Минздрава",
        "минфин": "Минфина",
        "минэкономразвития": "Минэкономразвития",
        "минпросвещение": "Минпросвещения",
        "минобороны": "Минобороны",
    }
    for key, form in written.items():
        assert key in g.MINISTRIES
        assert g.lemma(form) == key, form
    assert g.ROLE_SYNONYMS["глава минэкономразвития"] == "министр экономический развитие"


def test_a_surname_that_is_an_adjective_after_a_given_name() -> None:
    text = (
        "Министр здравоохранения Андрей Усатый посетил больницу в Заречинске. "
        "По словам Андрея Усатого, лекарств хватит до весны. "
        "«Лекарства есть», — сказала депутат Анна Белая. "
        "Как отметила Анна Белая, врачей в районе не хватает."
    )
    assert speakers(text) == ["Андрей Усатый", "Анна Белая", "Анна Белая"]


def test_a_surname_read_as_a_nouns_genitive_plural() -> None:
    """Зарубин is also the genitive plural of зарубина: after a given name, and later alone inside a
    sentence, it is a man's surname; the same ending opening a sentence stays a word."""
    text = (
        "Причин для тревоги нет, заявил глава района Пётр Зарубин. «Дорогу откроют в срок», — сказал Зарубин."
    )
    assert speakers(text) == ["Пётр Зарубин", "Пётр Зарубин"]
    assert extract_statements("Причин для тревоги нет.", lang="ru") == []


def test_an_adjective_surname_in_an_oblique_case_is_given_in_the_nominative() -> None:
    assert g.nominative("Усатого", "m", True) == "Усатый"
    assert g.nominative("Усатому", "m", True) == "Усатый"


def test_his_words_name_the_speaker_of_the_trailing_attribution() -> None:
    """ "По его словам, C, сообщил X": the possessive stands for X, named after the clause, who is not
    the person of the sentence before; the clause ends before the attribution."""
    text = (
        "Мэр Заречинска Пётр Зарубин выступил с отчётом.\n\n"
        "По его словам, бюджет города будет сбалансирован, сообщил вице-мэр Олег Тарасов.\n\n"
        "По её словам, школа откроется в сентябре, — рассказала директор школы Анна Белова.\n\n"
        "По его словам, мост откроют в мае, заявил он."
    )
    found = [(s.text, s.speaker) for s in extract_statements(text, lang="ru")]
    assert found == [
        ("бюджет города будет сбалансирован", "Олег Тарасов"),
        ("школа откроется в сентябре", "Анна Белова"),
        ("мост откроют в мае", "Олег Тарасов"),
    ]


def test_his_words_after_a_paragraph_whose_subject_is_a_surname_that_is_also_a_plural() -> None:
    """Сомов is also the genitive plural of сом (and a possessive adjective): after "Иван" it is the
    subject of its sentence, so "По его словам" next is his, not the minister's quoted before."""
    text = (
        "Министр финансов Олег Тарасов выступил в Думе.\n\n"
        "По его словам, налоги не вырастут.\n\n"
        "Председатель комитета Иван Сомов поддержал министра. По его словам, закон примут весной."
    )
    assert speakers(text) == ["Олег Тарасов", "Иван Сомов"]


def test_a_surname_with_a_fleeting_vowel_takes_the_given_name_written_before_it() -> None:
    """ "министра Олега Кравца" then "Кравец заявил": pymorphy3 does not read Кравца back to Кравец, so
    the given name written beside the oblique form completes the speaker's name."""
    text = (
        "Отставку министра транспорта Олега Кравца в ведомстве опровергли.\n\n"
        "Кравец заявил, что продолжит работу. Он также сообщил, что мост откроют в мае."
    )
    assert speakers(text) == ["Олег Кравец", "Олег Кравец"]


def test_a_pronoun_after_an_unnamed_office_holder_is_not_the_minister_quoted_before() -> None:
    """ "При этом действующий премьер в выражениях не стесняется. Он …": the premier, whom the article
    never names, not the minister of health it introduced; a role of no office ("эксперт") or the
    minister's own ("министр", "глава ведомства") still stands for the minister."""
    lead = "Министр здравоохранения Андрей Усатый посетил больницу. «Лекарств хватит», — сказал он.\n\n"
    text = lead + "При этом действующий премьер в выражениях не стесняется. Он заявил, что виновата мафия."
    assert speakers(text) == ["Андрей Усатый", None]
    for same in ("Министр", "Глава ведомства"):
        assert speakers(lead + f"{same} в выражениях не стесняется. Он заявил, что виновата мафия.") == [
            "Андрей Усатый",
            "Андрей Усатый",
        ]


@pytest.mark.parametrize(
    "attribution",
    [
        "— сообщил Приморьеньюс депутат Иван Гладышев",  # an outlet the dictionary guesses a given name
        "— сообщил Приморьеньюс Иван Гладышев",
        "— цитирует Заречьеинформ депутата Ивана Гладышева",  # an unknown word read as an organisation
        "— заявил изданию Вестник депутат Иван Гладышев",  # the title of an outlet noun
    ],
)
def test_an_unknown_outlet_word_after_the_cue_is_not_the_speaker(attribution: str) -> None:
    assert speakers(f"«Мы готовы к зиме», {attribution}.") == ["Иван Гладышев"]


def test_an_unknown_word_alone_after_the_cue_is_still_the_speaker() -> None:
    assert speakers("«Мы готовы к зиме», — заявил Заречьеинформ.") == ["Заречьеинформ"]
    assert speakers("«Мы готовы к зиме», — сказал Касым-Жомарт Токаев.") == ["Касым-Жомарт Токаев"]


def test_an_office_no_one_in_the_body_holds_is_the_headlines_person() -> None:
    """The president named only in the headline ("Орлов пообещал …"), the lead naming the office but
    no one, a minister named in between: "— сказал президент" is Орлов, and so is "Глава государства"."""
    text = (
        "Орлов пообещал поднять зарплаты учителям\n\n"
        "Президент Заречной республики выступил перед учителями в столице. "
        "Министр образования Анна Белова доложила о планах.\n\n"
        "«Зарплаты вырастут на десять процентов», — сказал президент. "
        "Глава государства добавил, что школы отремонтируют к осени."
    )
    assert speakers(text) == ["Орлов", "Орлов"]


def test_an_office_is_not_given_to_a_headline_person_when_two_could_hold_it() -> None:
    text = (
        "Орлов и Гладышев обсудили бюджет\n\n"
        "Министр образования Анна Белова доложила о планах.\n\n"
        "«Денег хватит», — сказал президент."
    )
    assert speakers(text) == [None]


def test_the_mayor_of_the_city_is_the_head_of_the_city_named_after() -> None:
    """ "Мэр города подтвердил …" before anyone is named, then "Глава Заречинска Пётр Гладышев": the
    generic "города" stands for the head of a named place (never for a minister's role)."""
    text = (
        "Мэр города подтвердил, что праздник не отменяется.\n"
        "Глава Заречинска Пётр Гладышев сообщил, что салют пройдёт вечером.\n"
        "«Мы готовы», — сообщил мэр города."
    )
    assert speakers(text) == ["Пётр Гладышев", "Пётр Гладышев", "Пётр Гладышев"]
    minister = "Глава Минфина Пётр Гладышев приехал в город.\n«Мы готовы», — сообщил мэр города."
    assert speakers(minister) == [None]


def test_an_unknown_given_name_after_a_role_is_part_of_the_name() -> None:
    assert speakers("Мэр Заречинска Ильсур Гладышев рассказал, что город готов к зиме.") == [
        "Ильсур Гладышев"
    ]


def test_a_surname_that_is_a_common_noun_after_a_given_name() -> None:
    assert speakers("Губернатор края Владимир Сальдо заявил, что больницу построят.") == ["Владимир Сальдо"]


def test_an_addressee_after_a_full_name_is_not_part_of_it() -> None:
    assert speakers("«Всё хорошо», — сказал Олег Тарасов Вестнику.") == ["Олег Тарасов"]


def test_a_foreign_surname_that_never_declines_in_u() -> None:
    """Коусейру: pymorphy3 guesses a woman's accusative; an unknown surname in -у that is no Russian
    dative (Петрову, Бердыклычеву) is any case and either gender."""
    text = (
        "Жозе Гарсейру: Все серии когда-нибудь заканчиваются\n\n"
        "Главный тренер «Северного экспресса» Жозе Гарсейру на пресс-конференции, посвящённой матчу с "
        "«Заречьем», заявил, что команда проиграла по своей вине.\n\n"
        "«Нам сейчас грустно», — сказал Гарсейру."
    )
    assert speakers(text) == ["Жозе Гарсейру", "Жозе Гарсейру", "Жозе Гарсейру"]


def test_a_split_quote_without_a_stop_before_the_second_dash() -> None:
    text = (
        "Губернатор Иван Гладышев отметил: «Меры приняты как на федеральном, так и на региональном "
        "уровне, – сказал Иван Гладышев – Помощь получили все жители района.»"
    )
    found = [(s.text, s.speaker) for s in extract_statements(text, lang="ru")]
    assert found == [
        ("Меры приняты как на федеральном, так и на региональном уровне,", "Иван Гладышев"),
        ("Помощь получили все жители района.", "Иван Гладышев"),
    ]


def test_a_surname_read_only_as_a_short_adjective() -> None:
    """Ядров: pymorphy3 knows only the short adjective ядровый; after a given name and inside a
    sentence it is a man's surname."""
    text = (
        "Проверку проведут до конца года, сообщил глава агентства Дмитрий Ядров. "
        "«Мы начнём с региональных авиакомпаний», - заявил Ядров."
    )
    assert speakers(text) == ["Дмитрий Ядров", "Дмитрий Ядров"]


def test_a_federal_agency_pymorphy3_does_not_tag_is_an_organisation() -> None:
    assert speakers("В Росавиации отметили, что запрет необходим.") == ["Росавиация"]
    assert speakers("В Росстате сообщили, что цены выросли на 0,3%.") == ["Росстат"]


def test_a_surname_pymorphy3_guesses_as_an_organisation() -> None:
    """ "Новак" is unknown to the dictionary and guessed an organisation: after a given name or an
    initial it is a surname, and alone later it is the person named with it, not a company."""
    text = (
        '"Добыча вырастет на 0,7%", - сообщил министр энергетики Александр Новак в интервью газете.\n'
        'Кроме того, А.Новак сообщил, что заявки рассмотрят. "Средства вернутся", - пояснил Новак.'
    )
    assert speakers(text) == ["Александр Новак", "Александр Новак", "Александр Новак"]
