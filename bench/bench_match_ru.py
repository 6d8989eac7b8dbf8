"""Benchmark of rules.match on Russian: lemma matching (every case of each alias) against a bare scan.

    python -m bench.bench_match_ru            # 2,000 speakers x 3 aliases (6,000), 90 topics, 300 articles
    python -m bench.bench_match_ru --quick    # 200 speakers, 50 topics, 100 articles

As bench.bench_match, on generated Russian: fictional names (given names from a list, surnames from
syllables with Russian endings), aliases written once in the nominative ("Имя Фамилия", "Фамилия",
"министр Фамилия"), topic keywords as noun phrases, and newsroom-style prose where names and keywords
appear in random grammatical cases (formed with pymorphy3), and lower-case homographs of nothing.

"ours" is Matcher.scan (its automaton holds every case of every Russian term, rules.inflect); "bare"
is pyahocorasick over the same folded text with the configured (nominative) terms only and a minimal
whole-word check: the floor of a multi-pattern scan that finds only the forms written in the rules.
Target: ours >= 0.5 x bare (median of paired rounds, by wall clock as bench.bench_match; the same
rounds by CPU time of this process are printed beside it, the figure a loaded machine shifts least:
time spent waiting for a core is in neither side). Also: compile time (cold: pymorphy3 forms of
every alias; restart: the forms from rules.formscache's file; reload: in the same process) and recall
of the inserted mentions.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from typing import Any

import ahocorasick

from bench.bench_match import TARGET_RATIO, bare_scan, generate_articles, paired_rounds, scan_all
from rules import formscache, inflect
from rules.match import Matcher
from rules.model import Rules, Speaker, Topic
from rules.normalize import normalize

SEED = 20261203
_FIRST_NAMES_TEXT = ("Алексей Борис Вадим Глеб Денис Егор Игорь Кирилл Леонид Максим Никита Олег Павел Роман "
               "Семён Тимур Фёдор Юрий Ярослав Артём")
FIRST_NAMES = _FIRST_NAMES_TEXT.split()
_FEMALE_NAMES_TEXT = "Алина Вера Галина Дарья Елена Зоя Инна Ксения Лидия Марина Нина Ольга Полина Раиса"
FEMALE_NAMES = _FEMALE_NAMES_TEXT.split()
_SYLLABLES_TEXT = "бар вел гор дан жар зим кал лом мир нор пар рем сол тар хол чер шум юр ям бел вис дор"
SYLLABLES = _SYLLABLES_TEXT.split()
ROLES = ("министр", "губернатор", "посол", "депутат", "мэр")
_TOPIC_NOUNS_TEXT = ("расширение санкции пошлина трубопровод перемирие урожай вакцина валюта граница беженец "
               "спутник договор квота субсидия выброс пожар наводнение забастовка пенсия дефицит инфляция "
               "ипотека железная дорога порт танкер кабель уран литий медь пшеница удобрение плотина")
TOPIC_NOUNS = _TOPIC_NOUNS_TEXT.split()
TOPIC_TAILS = ("НАТО", "ЕС", "в регионе", "на севере", "для аграриев", "")
_FILLER_TEXT = ("чиновники заявили во вторник что переговоры продолжатся несмотря на возражения партнёров а "
          "аналитики ожидают более медленного темпа пока министры встречались в столице чтобы обсудить "
          "данные статистического ведомства которые показали смешанные результаты в нескольких отраслях "
          "экономики депутаты обсуждали меру до позднего вечера перед голосованием назначенным на "
          "следующую неделю жители рассказали журналистам что часами ждали на вокзале после того как "
          "буря закрыла дороги и школы по всей области представитель ведомства отказался от комментариев "
          "но добавил что полное заявление последует после брифинга")
FILLER = _FILLER_TEXT.split()


def _surname(rng: random.Random, taken: set[str], female: bool) -> str:
    while True:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
        ending = rng.choice(("ова", "ина", "ева") if female else ("ов", "ин", "ев"))
        name = (stem + ending).capitalize()
        if name not in taken:
            taken.add(name)
            return name


@functools.cache
def _forms(term: str, kind: str) -> tuple[str, ...]:
    return inflect.forms(term, kind)  # type: ignore[arg-type,unused-ignore]


def build_corpus(n_speakers: int, n_topics: int, n_articles: int) -> tuple[Rules, list[str], list[str], int]:
    rng = random.Random(SEED)
    taken: set[str] = set()
    speakers = []
    for i in range(n_speakers):
        female = rng.random() < 0.4
        last = _surname(rng, taken, female)
        first = rng.choice(FEMALE_NAMES if female else FIRST_NAMES)
        speakers.append(Speaker(f"r{i}", f"{first} {last}", (last, f"{rng.choice(ROLES)} {last}")))
    topics = []
    phrases: set[str] = set()
    for i in range(n_topics):
        kws: list[str] = []
        while len(kws) < 2:
            phrase = f"{rng.choice(TOPIC_NOUNS)} {rng.choice(TOPIC_TAILS)}".strip()
            if phrase not in phrases:
                phrases.add(phrase)
                kws.append(phrase)
        topics.append(Topic(f"t{i}", any=tuple(kws)))
    inserted = 0

    def mention(rng: random.Random, words: list[str]) -> None:
        nonlocal inserted
        roll = rng.random()
        if roll < 0.3:
            sp = rng.choice(speakers)
            words.insert(rng.randrange(len(words)), rng.choice(_forms(rng.choice(sp.terms), "speaker")))
            inserted += 1
        elif roll < 0.55:
            words.insert(rng.randrange(len(words)), rng.choice(_forms(rng.choice(rng.choice(topics).any), "topic")))

    articles = generate_articles(rng, n_articles, FILLER, mention, lambda _rng: ".")
    terms = sorted({t for s in speakers for t in s.terms} | phrases)
    return Rules(speakers=tuple(speakers), topics=tuple(topics)), articles, terms, inserted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="200 speakers, 50 topics, 100 articles")
    parser.add_argument("--runs", type=int, default=7, help="paired timed rounds")
    args = parser.parse_args(argv)
    # Topic phrases are noun x tail: 198 distinct, two per topic.
    n_speakers, n_topics, n_articles = (200, 50, 100) if args.quick else (2000, 90, 300)
    rules, articles, terms, inserted = build_corpus(n_speakers, n_topics, n_articles)
    megabytes = sum(len(a.encode()) for a in articles) / 1e6

    with tempfile.TemporaryDirectory() as cache:
        os.environ["QUOTEWATCH_CACHE_DIR"] = cache  # an empty forms cache (rules.formscache)
        formscache.forget()
        inflect.forms.cache_clear()
        t0 = time.perf_counter()
        matcher = Matcher.compile(rules)  # the first start: every form from pymorphy3
        compile_cold_s = time.perf_counter() - t0
        formscache.forget()
        inflect.forms.cache_clear()
        t0 = time.perf_counter()
        matcher = Matcher.compile(rules)  # a later start: the forms from the cache file
        compile_restart_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        matcher = Matcher.compile(rules)  # a reload: the forms are in memory
        compile_warm_s = time.perf_counter() - t0

    speaker_hits = sum(1 for a in articles for h in matcher.scan(a) if h.kind == "speaker")
    automaton: Any = ahocorasick.Automaton()
    for term in terms:
        folded = normalize(term)[0]
        automaton.add_word(folded, len(folded))
    automaton.make_automaton()
    folded_articles = [normalize(a)[0] for a in articles]
    bare_hits = bare_scan(automaton, folded_articles)
    cpu_pairs: list[tuple[float, float]] = []
    pairs = paired_rounds(
        max(5, args.runs), lambda: scan_all(matcher, articles), lambda: bare_scan(automaton, folded_articles), cpu_pairs
    )
    ratios = sorted(bare_s / ours_s for ours_s, bare_s in pairs)
    cpu_ratios = sorted(bare_s / ours_s for ours_s, bare_s in cpu_pairs)
    ours_s = statistics.median(o for o, _ in pairs)
    bare_s = statistics.median(b for _, b in pairs)
    result: dict[str, Any] = {
        "bench": "match_ru",
        "speakers": n_speakers,
        "aliases": sum(len(s.terms) for s in rules.speakers),
        "topics": n_topics,
        "articles": n_articles,
        "mb": round(megabytes, 2),
        "mb_per_s": round(megabytes / ours_s, 2),
        "bare_mb_per_s": round(megabytes / bare_s, 2),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_min": round(ratios[0], 3),
        "cpu_ratio": round(statistics.median(cpu_ratios), 3),
        "cpu_ratio_min": round(cpu_ratios[0], 3),
        "rounds": len(pairs),
        "target_ratio": TARGET_RATIO,
        "inserted_speaker_mentions": inserted,
        "speaker_hits": speaker_hits,
        "bare_hits": bare_hits,
        "compile_cold_s": round(compile_cold_s, 3),
        "compile_restart_s": round(compile_restart_s, 3),
        "compile_reload_s": round(compile_warm_s, 3),
    }
    print(f"{'':24}{'value':>12}")
    for key in ("mb_per_s", "bare_mb_per_s", "ratio", "ratio_min", "cpu_ratio", "cpu_ratio_min", "rounds",
                "inserted_speaker_mentions", "speaker_hits",
                "bare_hits", "compile_cold_s", "compile_restart_s", "compile_reload_s"):
        print(f"{key:24}{result[key]:>12}")
    print(json.dumps(result))
    return 0 if result["ratio"] >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
