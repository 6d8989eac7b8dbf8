"""Speed of statement extraction: articles/s and MB/s on ~5,000-character generated wire articles, one core.

    python -m bench.bench_quotes_speed [--articles N] [--repeat R] [--lang en|ru|all]

Targets: English >= 200 articles/s (>= 1 MB/s); Russian (the lemma passes, razdel + pymorphy3) >= 150
articles/s. Prints a table (one row per language) and one JSON line per language. The Russian row is
timed after one warm-up pass, as a running worker is: pymorphy3's readings are cached per word form,
and a generated set repeats its words more than real copy does, so `ru_cold` also times the first
pass over the set with the cache emptied.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from watchers.statements import extract_statements

TARGET_ARTICLES_PER_S = 200
TARGET_RU_ARTICLES_PER_S = 150
ARTICLE_BYTES = 5000  # characters

_FIRST = ["Jane", "Mark", "Elena", "Peter", "Anna", "Tomas", "Ingrid", "Samuel", "Olga", "David"]
_LAST = ["Doe", "Evans", "Petrova", "Brandt", "Berg", "Lindqvist", "Halvorsen", "Mensah", "Varga", "Okafor"]
_ROLES = ["Foreign Minister", "Finance Minister", "Kremlin spokesman", "union leader", "chief executive"]
_PLACES = ["Capitol", "Eastland", "Westland", "Norvik", "Teska"]
_PARAS = [
    '"{q}," {role} {name} said. "{q2}"',
    "{surname} said on {day} that {clause}.",
    '"{q}," {pron} added.',
    "According to {name}, {clause}.",
    "{clause}, the ministry said in a statement.",
    "{surname} described the plan as \u201c{short}\u201d and warned that {clause}.",
    "The {place} talks, which began in May, stalled over {topic} and the timetable for a vote.",
    "\u201c{q}\u201d, {surname} told reporters in {place}.",
    "{name}, the {lrole}, accused {place} of {gerund} the negotiations.",
]
_Q = [
    "We will not accept this",
    "The door remains open, but our patience is not endless",
    "Nobody leaves this city with nothing",
    "Prices will have to rise before they fall",
]
_CLAUSES = [
    "the talks would resume in March",
    "prices would rise sharply next year",
    "the government had no intention of backing down",
    "the vote would be held in the autumn",
]
_TOPICS = ["tariffs", "fishing quotas", "gas prices", "border checks"]


def make_article(rng: random.Random) -> str:
    """A wire-style article: headline, then paragraphs of 2-3 sentences (~300 characters each, as in
    agency copy), mixing quotes, reported speech and narrative."""
    parts = [f"{rng.choice(_PLACES)} talks stall over {rng.choice(_TOPICS)}"]
    while sum(len(p) + 2 for p in parts) < ARTICLE_BYTES:
        parts.append(" ".join(_sentence(rng) for _ in range(rng.choice((2, 3, 3)))))
    return "\n\n".join(parts)


_RU_FIRST = ["Аркадий", "Ирина", "Олег", "Елена", "Павел", "Алла", "Степан", "Нина", "Роман", "Тимур"]
_RU_LAST = [
    "Веснин",
    "Громова",
    "Тарасов",
    "Корнилова",
    "Лужин",
    "Рябова",
    "Мальцев",
    "Кравец",
    "Ершов",
    "Галеев",
]
_RU_ROLES = [
    "пресс-секретарь президента",
    "глава МИД",
    "министр финансов",
    "губернатор области",
    "председатель ЦБ",
]
_RU_PARAS = [
    "«{q}», — {verb} {role} {name}.",
    "{surname} {verb} во вторник, что {clause}.",
    "«{q}, — {verb} {surname}. — {q2}»",
    "По словам {gen}, {clause}.",
    "{clause}, {verb} {surname}.",
    "{surname} назвал план «{short}» и предупредил, что {clause}.",
    "Переговоры в {place}, начавшиеся в мае, зашли в тупик из-за {topic} и сроков голосования.",
    "Как отметил {surname}, {clause}.",
    "{Clause}. Об этом {verb} {surname}.",
]
_RU_Q = [
    "Мы не примем такие условия",
    "Дверь остаётся открытой, но наше терпение не бесконечно",
    "Никто не уйдёт из города ни с чем",
    "Цены сначала вырастут, а потом снизятся",
]
_RU_CLAUSES = [
    "переговоры возобновятся в марте",
    "цены в следующем году резко вырастут",
    "правительство не намерено отступать",
    "голосование пройдёт осенью",
]
_RU_VERBS = ["заявил", "сказал", "отметил", "подчеркнул", "добавил", "сообщил", "пояснил"]
_RU_PLACES = ["Норвике", "Теске", "Заречинске", "Вестланде"]
_RU_TOPICS = ["пошлин", "квот на вылов", "цен на газ", "пограничного контроля"]


def make_ru_article(rng: random.Random) -> str:
    """The Russian counterpart of make_article: the constructions of the lemma passes, in agency style."""
    parts = [f"Переговоры в {rng.choice(_RU_PLACES)} зашли в тупик"]
    while sum(len(p) + 2 for p in parts) < ARTICLE_BYTES:
        parts.append(" ".join(_ru_sentence(rng) for _ in range(rng.choice((2, 3, 3)))))
    return "\n\n".join(parts)


def _ru_sentence(rng: random.Random) -> str:
    i = rng.randrange(len(_RU_FIRST))
    clause = rng.choice(_RU_CLAUSES)
    return rng.choice(_RU_PARAS).format(
        q=rng.choice(_RU_Q),
        q2=rng.choice(_RU_Q) + ".",
        role=rng.choice(_RU_ROLES),
        name=f"{_RU_FIRST[i]} {_RU_LAST[i]}",
        surname=_RU_LAST[i],
        gen="министра Олега Тарасова",
        verb=rng.choice(_RU_VERBS),
        clause=clause,
        Clause=clause[:1].upper() + clause[1:],
        short="шагом назад",
        place=rng.choice(_RU_PLACES),
        topic=rng.choice(_RU_TOPICS),
    )


def _sentence(rng: random.Random) -> str:
    i = rng.randrange(len(_FIRST))
    return rng.choice(_PARAS).format(
        q=rng.choice(_Q),
        q2=rng.choice(_Q) + ".",
        role=rng.choice(_ROLES),
        name=f"{_FIRST[i]} {_LAST[i]}",
        surname=_LAST[i],
        day="Tuesday",
        clause=rng.choice(_CLAUSES),
        pron=rng.choice(["he", "she"]),
        short="a step backwards",
        place=rng.choice(_PLACES),
        topic=rng.choice(_TOPICS),
        lrole="ministry's spokeswoman",
        gerund="stalling",
    )


def _time(articles: list[str], lang: str, repeat: int) -> tuple[float, int]:
    """The fastest of `repeat` passes over the articles (seconds) and the statements found."""
    dt = float("inf")
    n_statements = 0
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        n_statements = sum(len(extract_statements(a, lang=lang)) for a in articles)
        dt = min(dt, time.perf_counter() - t0)
    return dt, n_statements


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument(
        "--repeat", type=int, default=3, help="timed passes; the fastest counts (a shared machine is noisy)"
    )
    ap.add_argument("--lang", choices=("en", "ru", "all"), default="all")
    args = ap.parse_args()
    rows = []
    for lang in ("en", "ru") if args.lang == "all" else (args.lang,):
        rng = random.Random(7)
        make = make_ru_article if lang == "ru" else make_article
        articles = [make(rng) for _ in range(args.articles)]
        extract_statements(articles[0], lang=lang)  # warm up imports and regex caches
        target = TARGET_RU_ARTICLES_PER_S if lang == "ru" else TARGET_ARTICLES_PER_S
        if lang == "ru":
            from watchers.statements.lang import ru

            ru.parses.cache_clear()
            ru.nominative.cache_clear()
            dt, n = _time(articles, lang, 1)
            rows.append(("ru_cold", articles, dt, n, target))
        dt, n = _time(articles, lang, args.repeat)
        rows.append((lang, articles, dt, n, target))
    print(
        f"{'lang':>8} {'articles':>9} {'avg KB':>7} {'statements':>11} {'seconds':>8} {'articles/s':>11} {'MB/s':>6} {'target':>7}"
    )
    for name, articles, dt, n, target in rows:
        total_bytes = sum(len(a.encode("utf-8")) for a in articles)
        per_s = len(articles) / dt
        print(
            f"{name:>8} {len(articles):>9} {total_bytes / len(articles) / 1000:>7.1f} {n:>11} {dt:>8.2f} {per_s:>11.0f} "
            f"{total_bytes / dt / 1e6:>6.2f} {'OK' if per_s >= target else 'SLOW':>7}"
        )
    for name, articles, dt, n, target in rows:
        total_bytes = sum(len(a.encode("utf-8")) for a in articles)
        per_s = len(articles) / dt
        print(
            json.dumps(
                {
                    "lang": name,
                    "articles": len(articles),
                    "bytes": total_bytes,
                    "statements": n,
                    "seconds": round(dt, 3),
                    "articles_per_s": round(per_s, 1),
                    "mb_per_s": round(total_bytes / dt / 1e6, 3),
                    "target_articles_per_s": target,
                    "ok": per_s >= target,
                }
            )
        )


if __name__ == "__main__":
    main()
