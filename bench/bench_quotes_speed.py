"""Speed of statement extraction: articles/s and MB/s on ~5 KB generated wire articles, one core.

    python -m bench.bench_quotes_speed [--articles N] [--repeat R]

Target: >= 200 articles/s (>= 1 MB/s). Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from watchers.statements import extract_statements

TARGET_ARTICLES_PER_S = 200
ARTICLE_BYTES = 5000

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument(
        "--repeat", type=int, default=3, help="timed passes; the fastest counts (a shared machine is noisy)"
    )
    args = ap.parse_args()
    rng = random.Random(7)
    articles = [make_article(rng) for _ in range(args.articles)]
    total_bytes = sum(len(a.encode("utf-8")) for a in articles)
    extract_statements(articles[0])  # warm up imports and regex caches
    dt = float("inf")
    n_statements = 0
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        n_statements = sum(len(extract_statements(a)) for a in articles)
        dt = min(dt, time.perf_counter() - t0)
    per_s = len(articles) / dt
    mb_s = total_bytes / dt / 1e6
    print(
        f"{'articles':>10} {'avg KB':>8} {'statements':>11} {'seconds':>8} {'articles/s':>11} {'MB/s':>6} {'target':>7}"
    )
    print(
        f"{len(articles):>10} {total_bytes / len(articles) / 1000:>8.1f} {n_statements:>11} {dt:>8.2f} {per_s:>11.0f} "
        f"{mb_s:>6.2f} {'OK' if per_s >= TARGET_ARTICLES_PER_S else 'SLOW':>7}"
    )
    print(
        json.dumps(
            {
                "articles": len(articles),
                "bytes": total_bytes,
                "statements": n_statements,
                "seconds": round(dt, 3),
                "articles_per_s": round(per_s, 1),
                "mb_per_s": round(mb_s, 3),
                "target_articles_per_s": TARGET_ARTICLES_PER_S,
                "ok": per_s >= TARGET_ARTICLES_PER_S,
            }
        )
    )


if __name__ == "__main__":
    main()
