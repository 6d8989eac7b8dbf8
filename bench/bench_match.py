"""Benchmark of rules.match: Matcher.scan throughput against a bare Aho-Corasick scan.

    python -m bench.bench_match            # 2,000 speakers x 3 terms, 500 topics, 1,000 articles of ~5 KB
    python -m bench.bench_match --quick    # a small run (seconds)

Everything is generated from a fixed seed: fictional names, topic phrases, and newsroom-style prose with
some of the names (also possessive, and in transliteration variants) and keywords sprinkled in.

"ours" is Matcher.scan on the raw article text: folding, the exact scan (one pyahocorasick automaton
over a word view of the folded text), the capitalised-word pass and fuzzy look-ups (memo warm), overlap
resolution, and a Hit object for every hit returned. "bare" is pyahocorasick over the SAME text already
folded by rules.normalize (folding not timed), over the same folded term strings, with a minimal
whole-word check per match and only a count kept (no objects): the floor any exact multi-pattern scan
in Python pays. Target: ours >= 0.5 x bare, as the median of paired rounds (ours and bare timed one
after the other, a ratio per pair, so load on the machine affects both sides of each ratio alike).

Compile time is timed without tracing (tracemalloc slows every allocation several-fold); its memory
is measured in a separate, untimed compile. A scaling table compiles rules of 1,000, 10,000 and
30,000 speakers (targets at 10,000: compile <= 0.3 s, `find_speaker` <= 1 ms) and times /quotes'
speaker look-up (`bot.commands.queries.find_speaker`) on names as people type them. Prints a table,
then one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import ahocorasick

from rules.match import Matcher
from rules.model import Rules, Speaker, Topic
from rules.normalize import normalize

SEED = 20240611
TARGET_RATIO = 0.5
TARGET_COMPILE_S = 0.3  # at 10,000 speakers
TARGET_FIND_SPEAKER_MS = 1.0  # at 10,000 speakers
SCALING_SPEAKERS = (1_000, 10_000, 30_000)
ARTICLE_CHARS = 5_000

_FIRST_NAMES_TEXT = (
    "Anna Boris Clara Dmitri Elena Farid Greta Hassan Irina Jonas Katya Lior Marta Nikolai Olga Pavel "
    "Quentin Rosa Stefan Tamara Ugo Vera Wiktor Yana Zoltan Adele Bruno Celine Dario Edith Filip Gala "
    "Henrik Ilse Jorge Kira Lukas Mireille Nadia Oskar Petra Radu Sabine Tomas Ulla Viktor Wanda "
    "Xenia"
)
FIRST_NAMES = _FIRST_NAMES_TEXT.split()
_SYLLABLES_TEXT = (
    "ba bel dar dov fen gar hol kov lan mar nov pet ros sar tel vin zor ane ber cki dul esk fil gor "
    "hin kar lev min nik orl pav rud sen tov vel yer zin"
)
SYLLABLES = _SYLLABLES_TEXT.split()
TITLES = ("Mr.", "Ms.", "Dr.", "Minister", "Governor", "Ambassador")
# Topic vocabulary: 1,000 keyword phrases are drawn from it, so a word serves a few topics, as in a
# real rules file where "sanctions" or "grain" appear in more than one topic.
_TOPIC_WORDS_TEXT = (
    "grain corridor tariff pipeline ceasefire embargo reactor drought harvest vaccine currency bond "
    "ballot border refugee satellite missile treaty fishery quota subsidy carbon emission wildfire "
    "flood strike pension deficit inflation mortgage railway port tanker cable semiconductor uranium "
    "lithium copper wheat fertiliser dam glacier census curfew amnesty tribunal verdict referendum "
    "blockade convoy airspace drone shipyard aquifer asylum auditor austerity bailout bandwidth "
    "biofuel bloc bourse bribery broadband cartel casualty cholera clinic cobalt collateral "
    "conscription constitution cooperative corruption cyberattack debt default deportation "
    "desalination diesel diplomacy disarmament dividend dockworkers dowry drill dumping earthquake "
    "ebola enrichment espionage ethanol eviction exodus extradition famine ferry fiscal fraud freight "
    "frigate fuel genocide geothermal gold grid hacker heatwave helium hostage housing hydrogen "
    "hydropower impeachment incumbency insurgency interest irrigation jet kerosene landmine lawsuit "
    "levy liquidity locust malaria manifesto maritime measles merger methane microchip migrant "
    "militia monopoly monsoon mutiny narcotics nickel oilfield opium outbreak overfishing pandemic "
    "parole patent payroll peacekeeper pesticide petrol piracy plague plutonium poaching pollution "
    "poverty privatisation protest quarantine rainfall ransom rationing recession recount refinery "
    "remittance reservoir rice royalty sabotage salinity sanitation seabed secession sewage smuggling "
    "solar sovereignty spyware stimulus stockpile submarine subpoena suffrage surveillance tanker "
    "taxation telecom terrorism textile timber tobacco toll torture tourism trafficking transit "
    "tsunami turbine typhoon unemployment uprising vaccination veto visa wage warship whistleblower "
    "windfarm zinc"
)
TOPIC_WORDS = _TOPIC_WORDS_TEXT.split()
_FILLER_TEXT = (
    "the officials said on Tuesday that talks would continue despite objections from regional "
    "partners and analysts expected a slower pace while ministers met in the capital to review "
    "figures released by the statistics office which showed mixed results across several sectors of "
    "the economy as lawmakers debated the measure late into the evening before a vote scheduled for "
    "next week residents told reporters they had waited hours at the station after the storm closed "
    "roads and schools across the province a spokesperson for the agency declined to comment on the "
    "timing but added that a full statement would follow once negotiators had briefed the cabinet "
    "observers noted that turnout in the northern districts was lower than forecast and that "
    "opposition groups planned further rallies in coming days the central bank kept its benchmark "
    "rate unchanged citing uncertainty over energy costs and a weaker outlook for exports"
)
FILLER = _FILLER_TEXT.split()
CURLY = ("\u201c{}\u201d", "\u2018{}\u2019", "{}\u2019s", "{}")


@dataclass(frozen=True)
class Corpus:
    rules: Rules
    articles: tuple[str, ...]
    terms: tuple[str, ...]


def _surname(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if name not in taken and len(name) >= 5:
            taken.add(name)
            return name


def _variant(surname: str) -> str:
    """Another romanisation of a generated surname: German w for v, or a doubled last letter."""
    return surname.replace("v", "w") if "v" in surname else surname + surname[-1]


def build_corpus(n_speakers: int, n_topics: int, n_articles: int) -> Corpus:
    rng = random.Random(SEED)
    taken: set[str] = set()
    speakers = []
    for i in range(n_speakers):
        last = _surname(rng, taken)
        first = rng.choice(FIRST_NAMES)
        speakers.append(Speaker(f"s{i}", f"{first} {last}", (last, f"{rng.choice(TITLES)} {last}")))
    topics = []
    phrases: set[str] = set()
    for i in range(n_topics):
        kws: list[str] = []
        while len(kws) < 2:
            phrase = " ".join(rng.sample(TOPIC_WORDS, rng.randint(1, 3)))
            if phrase not in phrases:
                phrases.add(phrase)
                kws.append(phrase)
        topics.append(Topic(f"t{i}", any=tuple(kws), all=(rng.choice(TOPIC_WORDS),) if i % 5 == 0 else ()))

    def mention(rng: random.Random, words: list[str]) -> None:
        roll = rng.random()
        if roll < 0.25:
            sp = rng.choice(speakers)
            term = rng.choice(sp.terms)
            if rng.random() < 0.1:
                term = _variant(sp.aliases[0])
            words.insert(rng.randrange(len(words)), rng.choice(CURLY).format(term))
        elif roll < 0.5:
            words.insert(rng.randrange(len(words)), rng.choice(rng.choice(topics).any))
        if rng.random() < 0.3:  # other people's names: capitalised words that are not tracked
            words.insert(0, _surname(rng, set()))

    articles = generate_articles(
        rng, n_articles, FILLER, mention, lambda rng: rng.choice((".", ".", ",\u201d she said.", "."))
    )
    terms = tuple({t for s in speakers for t in s.terms} | phrases | {w for t in topics for w in t.all})
    return Corpus(Rules(speakers=tuple(speakers), topics=tuple(topics)), tuple(articles), terms)


def generate_articles(
    rng: random.Random,
    n_articles: int,
    filler: list[str],
    mention: Callable[[random.Random, list[str]], None],
    ending: Callable[[random.Random], str],
) -> list[str]:
    """Articles of ARTICLE_CHARS characters or a little more, newsroom-style: sentences of 8-18 filler
    words, each given its chance of a mention (`mention` inserts names or keywords into the words),
    capitalised and closed by `ending`. The shape bench.bench_match_ru's Russian corpus shares."""
    articles = []
    for _ in range(n_articles):
        sentences: list[str] = []
        size = 0
        while size < ARTICLE_CHARS:
            words = rng.sample(filler, rng.randint(8, 18))
            mention(rng, words)
            sentence = " ".join(words)
            sentence = sentence[0].upper() + sentence[1:] + ending(rng)
            sentences.append(sentence)
            size += len(sentence) + 1
        articles.append(" ".join(sentences))
    return articles


def bare_scan(automaton: ahocorasick.Automaton, texts: list[str]) -> int:
    """Exact matches with a whole-word check: Aho-Corasick's floor, on pre-folded text."""
    count = 0
    for text in texts:
        n = len(text)
        for end, length in automaton.iter(text):
            start = end - length + 1
            if (start == 0 or not text[start - 1].isalnum()) and (
                end + 1 == n or not text[end + 1].isalnum()
            ):
                count += 1
    return count


def scan_all(matcher: Matcher, texts: list[str]) -> int:
    """Scan every text, keeping only a count: a pipeline drops each article's hits when done with it,
    and holding 70,000 Hit objects would time the garbage collector, not the matcher."""
    count = 0
    for text in texts:
        count += len(matcher.scan(text))
    return count


def paired_rounds(
    runs: int, ours: Callable[[], object], bare: Callable[[], object], cpu: list[tuple[float, float]] | None = None
) -> list[tuple[float, float]]:
    """(ours, bare) wall times of each round; the two run back to back, in alternating order, so
    the machine's load at that moment affects both times of a pair alike. With `cpu`, the same
    rounds' CPU times of this process are appended to it (the time spent waiting for a core left out)."""
    pairs = []
    for i in range(runs):
        times = {}
        cpu_times = {}
        for name, fn in (("ours", ours), ("bare", bare)) if i % 2 == 0 else (("bare", bare), ("ours", ours)):
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times[name] = time.perf_counter() - t0
            cpu_times[name] = time.process_time() - c0
        pairs.append((times["ours"], times["bare"]))
        if cpu is not None:
            cpu.append((cpu_times["ours"], cpu_times["bare"]))
    return pairs


def timed_compile(rules: Rules, rounds: int) -> tuple[float, Matcher]:
    """Median wall time of `rounds` compiles of `rules` (no tracing), and the last matcher."""
    times = []
    matcher = None
    for _ in range(rounds):
        matcher = None  # the previous matcher is freed before the next compile, as at a reload
        gc.collect()
        t0 = time.perf_counter()
        matcher = Matcher.compile(rules)
        times.append(time.perf_counter() - t0)
    assert matcher is not None
    return statistics.median(times), matcher


def compile_peak_bytes(rules: Rules) -> int:
    """Peak traced memory of one compile (timed elsewhere: tracing slows every allocation)."""
    gc.collect()
    tracemalloc.start()
    matcher = Matcher.compile(rules)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del matcher
    return peak


def lookup_queries(speakers: tuple[Speaker, ...], n: int) -> list[str]:
    """Names as people type them into /quotes: surnames, other romanisations, a letter missing, a
    first name, a full name, an alias, and one nobody has."""
    rng = random.Random(SEED + 1)
    queries = []
    for speaker in rng.sample(speakers, min(n, len(speakers))):
        last = speaker.aliases[0]
        queries += [last, _variant(last).lower(), last[:-1], last[:2] + last[3:], speaker.name.split()[0],
                    speaker.name, speaker.aliases[1], last[:5], "Zzyqx"]
    return queries


def scaling_rows(sizes: tuple[int, ...], rounds: int) -> list[dict[str, float]]:
    """Compile seconds and find_speaker milliseconds at each number of speakers."""
    from bot.commands.queries import find_speaker
    from rules.lookup import SpeakerIndex

    rows = []
    for n in sizes:
        rules = build_corpus(n, 500, 0).rules
        compile_s, matcher = timed_compile(rules, rounds)
        del matcher
        gc.collect()
        t0 = time.perf_counter()
        SpeakerIndex(rules.speakers)
        index_s = time.perf_counter() - t0
        find_speaker("warm-up", rules.speakers)  # builds the memoised index, as a reload does
        times = []
        for query in lookup_queries(rules.speakers, 60):
            t0 = time.perf_counter()
            find_speaker(query, rules.speakers)
            times.append(time.perf_counter() - t0)
        times.sort()
        rows.append({
            "speakers": n,
            "speaker_terms": sum(len(s.terms) for s in rules.speakers),
            "compile_s": round(compile_s, 3),
            "compile_s_per_1k_terms": round(compile_s / sum(len(s.terms) for s in rules.speakers) * 1000, 4),
            "index_s": round(index_s, 3),
            "find_speaker_median_ms": round(statistics.median(times) * 1000, 3),
            "find_speaker_p95_ms": round(times[int(len(times) * 0.95)] * 1000, 3),
            "find_speaker_max_ms": round(times[-1] * 1000, 3),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="200 speakers, 50 topics, 100 articles")
    parser.add_argument("--runs", type=int, default=7, help="paired timed rounds (median and min reported)")
    parser.add_argument("--scaling", type=int, nargs="*", default=None,
                        help="speaker counts of the compile-scaling table (default 1000 10000 30000)")
    args = parser.parse_args(argv)
    if args.scaling is None:
        args.scaling = (200, 1000, 3000) if args.quick else SCALING_SPEAKERS
    n_speakers, n_topics, n_articles = (200, 50, 100) if args.quick else (2000, 500, 1000)

    corpus = build_corpus(n_speakers, n_topics, n_articles)
    articles = list(corpus.articles)
    megabytes = sum(len(a.encode()) for a in articles) / 1e6

    compile_s, matcher = timed_compile(corpus.rules, 3)
    compile_peak = compile_peak_bytes(corpus.rules)

    cold = Matcher.compile(corpus.rules)
    gc.collect()
    t0 = time.perf_counter()
    scan_all(cold, articles)  # empty fuzzy memo
    cold_s = time.perf_counter() - t0
    del cold
    all_hits = [h for a in articles for h in matcher.scan(a)]  # warm-up; also fills the fuzzy memo
    hits = len(all_hits)
    fuzzy_hits = sum(1 for h in all_hits if h.score < 100.0)
    del all_hits

    automaton = ahocorasick.Automaton()
    for term in corpus.terms:
        folded = normalize(term)[0]
        automaton.add_word(folded, len(folded))
    automaton.make_automaton()
    folded_articles = [normalize(a)[0] for a in articles]
    bare_hits = bare_scan(automaton, folded_articles)

    pairs = paired_rounds(
        args.runs,
        lambda: scan_all(matcher, articles),
        lambda: bare_scan(automaton, folded_articles),
    )
    ratios = sorted(bare_s / ours_s for ours_s, bare_s in pairs)  # MB/s ours over MB/s bare
    ratio, ratio_min = statistics.median(ratios), ratios[0]
    ours_s = statistics.median(o for o, _ in pairs)
    bare_s = statistics.median(b for _, b in pairs)
    scaling = scaling_rows(args.scaling, 3 if not args.quick else 1)

    ours = megabytes / ours_s
    bare = megabytes / bare_s
    result = {
        "bench": "match",
        "speakers": n_speakers,
        "terms": len(corpus.terms),
        "topics": n_topics,
        "articles": n_articles,
        "mb": round(megabytes, 2),
        "mb_per_s": round(ours, 2),
        "cold_mb_per_s": round(megabytes / cold_s, 2),
        "bare_mb_per_s": round(bare, 2),
        "ratio": round(ratio, 3),
        "ratio_min": round(ratio_min, 3),
        "rounds": len(pairs),
        "target_ratio": TARGET_RATIO,
        "hits": hits,
        "fuzzy_hits": fuzzy_hits,
        "bare_hits": bare_hits,
        "compile_s": round(compile_s, 3),
        "compile_peak_mb": round(compile_peak / 1e6, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "scaling": scaling,
        "target_compile_s_10k": TARGET_COMPILE_S,
        "target_find_speaker_ms_10k": TARGET_FIND_SPEAKER_MS,
    }
    rows = [
        (
            "corpus",
            f"{n_articles} articles, {megabytes:.2f} MB; {len(corpus.terms)} terms, {n_topics} topics",
        ),
        ("compile", f"{compile_s * 1000:.0f} ms (median of 3, untraced); peak {compile_peak / 1e6:.1f} MB "
                    "traced in a separate compile"),
        (
            "ours (Matcher.scan)",
            f"{ours:8.2f} MB/s  {hits} hits, {fuzzy_hits} fuzzy: raw text -> fold, automaton, fuzzy "
            "(warm memo), overlaps, Hit objects (median round)",
        ),
        ("ours, cold memo", f"{megabytes / cold_s:8.2f} MB/s  the same on a fresh matcher"),
        (
            "bare (pyahocorasick)",
            f"{bare:8.2f} MB/s  {bare_hits} hits: pre-folded text (folding not timed) -> automaton, "
            "whole-word check, count only",
        ),
        ("ratio ours/bare", f"{ratio:8.3f}  median of {len(pairs)} paired rounds, min {ratio_min:.3f} "
                            f"(target >= {TARGET_RATIO})"),
        ("max RSS", f"{result['max_rss_mb']} MB"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print()
    print(f"{'speakers':>8} {'terms':>7} {'compile s':>9} {'s/1k terms':>10} {'index s':>8} "
          f"{'find_speaker ms: median':>23} {'p95':>6} {'max':>6}")
    for row in scaling:
        print(f"{row['speakers']:>8} {row['speaker_terms']:>7} {row['compile_s']:>9.3f} "
              f"{row['compile_s_per_1k_terms']:>10.4f} {row['index_s']:>8.3f} "
              f"{row['find_speaker_median_ms']:>23.3f} {row['find_speaker_p95_ms']:>6.3f} "
              f"{row['find_speaker_max_ms']:>6.3f}")
    print(f"targets at 10,000 speakers: compile <= {TARGET_COMPILE_S} s, find_speaker <= "
          f"{TARGET_FIND_SPEAKER_MS} ms")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
