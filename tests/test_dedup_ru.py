"""Dedup in Russian: one statement carried by several Russian outlets is one story, as in English
(a wire agency first, then two others rewriting it with their own lead, trimming or re-punctuating the
quote), and two different statements of one speaker stay two stories. Both backends (conftest)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from watchers.model import Article, Kind, Statement, StoryEvent
from watchers.store import StoreBackend
from watchers.stories.dedup import process_article

WINDOW = 72 * 3600.0
T0 = datetime(2025, 6, 17, 8, 0, tzinfo=UTC)
QUOTE = ("Область не будет повышать тарифы на паромную переправу в этом году, и мы не станем "
         "закрывать бюджет за счёт жителей островов")


def article(n: int, outlet: str, title: str, body: str, minutes: int) -> Article:
    slug = outlet.lower().replace(" ", "-")
    return Article(id=f"ru-{n}", url=f"https://{slug}.example/news/{n}", title=title, text=body, feed=slug,
                   outlet=outlet, published=T0 + timedelta(minutes=minutes), lang="ru", lang_source="declared")


def said(text: str, kind: Kind = "direct") -> Statement:
    return Statement(text=text, start=0, end=len(text), kind=kind, speaker="Олег Варенцов", speaker_id="varentsov")


def run(store: StoreBackend, art: Article, statements: Sequence[Statement]) -> list[StoryEvent]:
    return process_article(store, art, statements, art.published + timedelta(minutes=2), WINDOW)


def test_one_statement_from_three_russian_outlets_is_one_story(store: StoreBackend) -> None:
    wire = article(1, "Северное агентство", "Варенцов: тарифы на переправу не вырастут",
                   f"Губернатор Олег Варенцов заявил журналистам во вторник: «{QUOTE}».", 0)
    [first] = run(store, wire, [said(QUOTE)])
    assert first.new
    rewrite = article(2, "Вести залива", "Губернатор пообещал не поднимать тарифы на паром",
                      "Глава области выступил на совещании в Заливске. «Область не будет повышать тарифы на "
                      "паромную переправу в этом году», — сказал Варенцов.", 25)
    trimmed = "Область не будет повышать тарифы на паромную переправу в этом году"
    [second] = run(store, rewrite, [said(trimmed)])
    assert (second.story_id, second.new) == (first.story_id, False)
    third = article(3, "Островной курьер", "Тарифы на переправу сохранят",
                    "«Область не будет повышать тарифы на паромную переправу в этом году и мы не станем закрывать "
                    "бюджет за счет жителей островов!» — передает агентство слова губернатора.", 50)
    [again] = run(store, third, [said(QUOTE.replace("счёт", "счет").replace(", и", " и") + "!")])
    assert (again.story_id, again.new) == (first.story_id, False)
    story = store.get_story(first.story_id)
    assert story is not None
    assert {s.outlet for s in story.sources} == {"Северное агентство", "Вести залива", "Островной курьер"}


def test_two_statements_of_one_speaker_are_two_stories(store: StoreBackend) -> None:
    wire = article(1, "Северное агентство", "Варенцов о переправе", f"«{QUOTE}», — сказал губернатор.", 0)
    [first] = run(store, wire, [said(QUOTE)])
    other = "Область не будет строить новый мост через залив до тех пор, пока не закончится ремонт дамбы"
    later = article(2, "Вести залива", "Варенцов о мосте", f"«{other}», — добавил Варенцов.", 40)
    [second] = run(store, later, [said(other)])
    assert second.new and second.story_id != first.story_id
    # the negation matters: "will raise" is not "will not raise"
    opposite = "Область будет повышать тарифы на паромную переправу в этом году"
    [third] = run(store, article(3, "Островной курьер", "Тарифы вырастут", f"«{opposite}».", 60), [said(opposite)])
    assert third.new and third.story_id not in (first.story_id, second.story_id)
