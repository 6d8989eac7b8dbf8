"""Speed of statement extraction: articles/s and MB/s on ~5 KB generated wire articles, one core.

    python -m bench.bench_quotes_speed [--articles N] [--rounds R] [--lang en|ru|all]

Targets: English >= 200 articles/s (>= 1 MB/s); Russian (the lemma passes, razdel + pymorphy3) >= 150
articles/s. An article is ~5,000 bytes of UTF-8: 5,000 characters of English, ~2,700 of Russian (two
bytes a Cyrillic letter); the MB/s column compares the two per byte.

Timed in paired rounds (default 7): each round passes over the English set and the Russian set back to
back, in alternating order, so the load of a shared machine at that moment weighs on both; the table
gives min / median / max articles/s over the rounds, by wall clock and by CPU time of this process
(articles per CPU-second is the "per core" figure: the time the process waited for a core is not in it,
though a loaded machine still slows it through shared caches), and the ru/en ratio of each round (the
figure load affects least). The target is judged on the median CPU-time rate. Both sets are passed over
once before the rounds, as a running worker is warm: pymorphy3's readings are cached per word form, and
a generated set repeats its words more than real copy does, so `ru_cold` also times one first pass over
the Russian set with the cache emptied. Prints a table, then one JSON line per language.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time

from watchers.statements import extract_statements

TARGET_ARTICLES_PER_S = 200
TARGET_RU_ARTICLES_PER_S = 150
ARTICLE_BYTES = 5000  # UTF-8 bytes (English: characters)

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
    while sum(len(p.encode("utf-8")) + 2 for p in parts) < ARTICLE_BYTES:
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


def _pass(articles: list[str], lang: str) -> tuple[float, float, int]:
    """One pass over the articles: wall seconds, CPU seconds of this process, statements found."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    n_statements = sum(len(extract_statements(a, lang=lang)) for a in articles)
    return time.perf_counter() - w0, time.process_time() - c0, n_statements


def _rates(articles: list[str], seconds: list[float]) -> dict[str, float]:
    rates = sorted(len(articles) / s for s in seconds)
    return {"min": round(rates[0], 1), "median": round(statistics.median(rates), 1), "max": round(rates[-1], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=7, help="paired timed rounds (at least 5)")
    ap.add_argument("--lang", choices=("en", "ru", "all"), default="all")
    args = ap.parse_args()
    langs = ("en", "ru") if args.lang == "all" else (args.lang,)
    sets: dict[str, list[str]] = {}
    for lang in langs:
        rng = random.Random(7)
        make = make_ru_article if lang == "ru" else make_article
        sets[lang] = [make(rng) for _ in range(args.articles)]
        extract_statements(sets[lang][0], lang=lang)  # warm up imports and regex caches
    cold: tuple[float, float, int] | None = None
    if "ru" in sets:
        from watchers.statements.lang import ru

        ru.parses.cache_clear()
        ru.nominative.cache_clear()
        cold = _pass(sets["ru"], "ru")
    for lang in langs:
        _pass(sets[lang], lang)  # warm, as a running worker is
    wall: dict[str, list[float]] = {lang: [] for lang in langs}
    cpu: dict[str, list[float]] = {lang: [] for lang in langs}
    found: dict[str, int] = {}
    for i in range(max(5, args.rounds)):
        for lang in langs if i % 2 == 0 else langs[::-1]:
            w, c, found[lang] = _pass(sets[lang], lang)
            wall[lang].append(w)
            cpu[lang].append(c)
    results = []
    for lang in langs:
        articles = sets[lang]
        total_bytes = sum(len(a.encode("utf-8")) for a in articles)
        target = TARGET_RU_ARTICLES_PER_S if lang == "ru" else TARGET_ARTICLES_PER_S
        by_cpu, by_wall = _rates(articles, cpu[lang]), _rates(articles, wall[lang])
        result: dict[str, object] = {
            "lang": lang,
            "articles": len(articles),
            "bytes": total_bytes,
            "statements": found[lang],
            "rounds": len(cpu[lang]),
            "cpu_articles_per_s": by_cpu,
            "wall_articles_per_s": by_wall,
            "cpu_mb_per_s_median": round(by_cpu["median"] * total_bytes / len(articles) / 1e6, 3),
            "target_articles_per_s": target,
            "ok": by_cpu["median"] >= target,
        }
        if lang == "ru" and cold is not None:
            result["cold_cpu_articles_per_s"] = round(len(articles) / cold[1], 1)
            result["cold_wall_articles_per_s"] = round(len(articles) / cold[0], 1)
        if lang == "ru" and "en" in langs:
            ratios = sorted(e / r for e, r in zip(cpu["en"], cpu["ru"], strict=True))
            result["ru_over_en_cpu"] = {"min": round(ratios[0], 3), "median": round(statistics.median(ratios), 3)}
        results.append(result)
    print(f"{'lang':>5} {'articles':>8} {'avg KB':>6} {'statements':>10}  {'articles/s by CPU time':>24}  "
          f"{'by wall clock':>20}  {'target':>6}")
    print(f"{'':>5} {'':>8} {'':>6} {'':>10}  {'min / median / max':>24}  {'min / median / max':>20}")
    for r in results:
        row_cpu, row_wall = r["cpu_articles_per_s"], r["wall_articles_per_s"]
        assert isinstance(row_cpu, dict) and isinstance(row_wall, dict) and isinstance(r["bytes"], int)
        print(f"{r['lang']:>5} {r['articles']:>8} {r['bytes'] / len(sets[str(r['lang'])]) / 1000:>6.1f} "
              f"{r['statements']:>10}  {row_cpu['min']:>7.0f} / {row_cpu['median']:>5.0f} / {row_cpu['max']:>5.0f}  "
              f"{row_wall['min']:>6.0f} / {row_wall['median']:>4.0f} / {row_wall['max']:>4.0f}  "
              f"{'OK' if r['ok'] else 'SLOW':>6}")
    for r in results:
        if "cold_cpu_articles_per_s" in r:
            print(f"ru_cold: one first pass with pymorphy3's cache emptied: {r['cold_cpu_articles_per_s']:.0f} "
                  f"articles/s by CPU time, {r['cold_wall_articles_per_s']:.0f} by wall clock")
        if "ru_over_en_cpu" in r:
            ratio = r["ru_over_en_cpu"]
            assert isinstance(ratio, dict)
            print(f"ru/en speed (CPU time, per round): median {ratio['median']:.3f}, min {ratio['min']:.3f} "
                  f"over {r['rounds']} paired rounds")
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
