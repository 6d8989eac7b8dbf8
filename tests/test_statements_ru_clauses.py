"""Russian reported clauses found missing on real news (issue #14): an infinitive after "призвал" /
"пообещал" (no "что"), a view negated ("не исключил, что", "не ожидает, что"), "намекнул, что".
Fixtures are invented prose."""

from __future__ import annotations

from watchers.model import Statement
from watchers.statements import extract_statements

MAYOR = "Мэр Заречинска Пётр Гладышев провёл приём граждан.\n\n"


def ru(text: str) -> list[tuple[str, str, str | None]]:
    found: list[Statement] = extract_statements(text, lang="ru")
    return [(s.kind, s.text, s.speaker) for s in found]


def test_urged_someone_to_do_is_the_addressee_and_the_infinitive() -> None:
    assert ru(MAYOR + "Гладышев призвал жителей экономить воду до конца месяца.") == [
        ("indirect", "жителей экономить воду до конца месяца", "Пётр Гладышев")
    ]


def test_promised_to_do_is_the_infinitive_clause_up_to_a_gerund() -> None:
    assert ru(MAYOR + "Он пообещал сохранить тарифы, добавив, что ремонт закончат к лету.") == [
        ("indirect", "сохранить тарифы", "Пётр Гладышев"),
        ("indirect", "ремонт закончат к лету", "Пётр Гладышев"),
    ]


def test_urged_with_a_noun_or_a_quote_is_not_an_infinitive_clause() -> None:
    assert ru(MAYOR + "Гладышев призвал к диалогу.") == []
    found = ru(MAYOR + "Гладышев призвал соседей «не торопиться с выводами».")
    assert ("indirect", "соседей «не торопиться с выводами»", "Пётр Гладышев") not in found


def test_a_negated_view_is_a_statement_and_a_negated_report_is_not() -> None:
    assert ru(MAYOR + "Гладышев не исключил, что тарифы пересмотрят осенью.") == [
        ("indirect", "тарифы пересмотрят осенью", "Пётр Гладышев")
    ]
    assert ru(MAYOR + "Гладышев не ожидает, что цены на воду вырастут.") == [
        ("indirect", "цены на воду вырастут", "Пётр Гладышев")
    ]
    assert ru(MAYOR + "Гладышев не уточнил, что будет с тарифами.") == []


def test_hinted_that_reports() -> None:
    assert ru(MAYOR + "Гладышев намекнул, что тарифы не изменятся.") == [
        ("indirect", "тарифы не изменятся", "Пётр Гладышев")
    ]


def test_a_headline_with_the_speaker_after_a_dash_is_theirs() -> None:
    body = "\n\nМэр Заречинска Олег Орлов провёл пресс-конференцию."
    assert ru("Тарифы на воду в этом году не вырастут - Орлов" + body) == [
        ("indirect", "Тарифы на воду в этом году не вырастут", "Олег Орлов")
    ]
    assert ru("Тарифы на воду в этом году не вырастут — мэр" + body)[0][2] == "Олег Орлов"
    assert ru("Москва — столица нашей большой страны" + body) == []
    assert ru("Спартак обыграл Зенит в Москве — 2:1" + body) == []


def test_announced_that_and_doubts_that_report() -> None:
    assert ru(MAYOR + "Гладышев объявил, что тарифы не вырастут.") == [
        ("indirect", "тарифы не вырастут", "Пётр Гладышев")
    ]
    assert ru(MAYOR + "Жители не сомневаются, что мост откроют в срок.")[0][:2] == (
        "indirect",
        "мост откроют в срок",
    )


def test_the_speaker_opening_the_sentence_across_a_relative_clause() -> None:
    """ "Первый вице-премьер X, выступая на заседании …, которое оппозиция подвергла бойкоту, объявил,
    что …": the subject is more than a dozen words before the cue; the relative clause's verb is of
    another gender, so it is not the subject's own."""
    text = (
        "Первый вице-премьер Заречной республики Пётр Гладышев, выступая на заседании совета лидеров "
        "фракций, которое, напомним, оппозиция подвергла бойкоту, объявил, что правительство не уйдёт."
    )
    assert ru(text) == [("indirect", "правительство не уйдёт", "Пётр Гладышев")]


def test_a_name_after_named_after_is_an_institutions_title() -> None:
    text = (
        "Так сказал нам Пётр Гладышев, ректор университета им. С.Кирова. "
        "«Слухи не имеют под собой почвы», - пояснил он."
    )
    assert ru(text)[-1] == ("direct", "Слухи не имеют под собой почвы", "Пётр Гладышев")


def test_a_headline_below_a_timestamp_and_breadcrumb_line() -> None:
    text = (
        "16:00 23.07.2007 | Все новости раздела «Экономика»\n"
        "Пётр Гладышев: «Правительство сделало всё, чтобы смягчить последствия кризиса»\n"
        "Комментарий министра финансов Заречной республики Петра Гладышева журналистам."
    )
    assert ru(text)[0] == (
        "direct",
        "Правительство сделало всё, чтобы смягчить последствия кризиса",
        "Пётр Гладышев",
    )
