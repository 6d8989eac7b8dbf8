"""Score story assignment (watchers.stories.dedup) on a directory of real multi-outlet news.

Usage:
    python -m bench.score_stories DIR                   # table + one JSON line
    python -m bench.score_stories DIR --show            # also every story made, with its articles
    python -m bench.score_stories DIR --timeline window # every article inside one dedup window

The set lives outside the repository (real articles are not ours to commit); CI never reads one.
DIR holds `gold.json`:

    {"speakers": [{"id", "name", "aliases"}],          # the tracked speakers (the rules' [[speakers]])
     "articles": [{"id", "file", "story", "outlet", "url", "title", "published", "lang"}]}

`file` is the article's text (UTF-8, relative to DIR) and `story` its gold news story: articles with the
same `story` report the same news (one briefing, one interview, one speech), whatever they quote as
background. Each article is read as the pipeline reads it: `extract_statements` with a matcher of the
speakers, then `dedup.process_article` on a temporary SQLite store, in publication order.

Timeline: `real` (default) uses the articles' own dates; `window` keeps their order but spaces them
evenly inside one dedup window, so that a quote recurring as background anywhere in the set meets every
other use of it (the hard case for the rules on what is shared; the ages that the news-cycle rule
reads are compressed then, so it says little about that rule).

Scores, over pairs of articles: a pair is predicted together when the two articles are sources of one
story (any speaker's), and gold together when they have the same gold `story`. Precision and recall of
the predicted pairs; the largest story (by sources) with the share of its sources from its main gold
story; how many articles gave no tracked statement (they can join nothing).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rules.load import parse_rules
from rules.match import Matcher
from watchers.model import Article, Statement
from watchers.statements.extract import extract_statements
from watchers.store import open_backend
from watchers.stories.dedup import process_article

WINDOW_HOURS = 72.0  # the default [settings] dedup_window
T0 = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
NONE = ""  # the mark of an article that gave no tracked statement (no story id is empty)


@dataclass(frozen=True)
class GoldArticle:
    article: Article
    story: str


def load_set(directory: Path) -> tuple[list[GoldArticle], Matcher]:
    gold = json.loads((directory / "gold.json").read_text(encoding="utf-8"))
    lines = []
    for sp in gold["speakers"]:
        lines += ["[[speakers]]", f"id = {json.dumps(sp['id'])}", f"name = {json.dumps(sp['name'])}"]
        if sp.get("aliases"):
            lines.append(f"aliases = {json.dumps(sp['aliases'], ensure_ascii=False)}")
    rules, problems = parse_rules("\n".join(lines), str(directory / "gold.json"))
    if rules is None:
        raise ValueError("; ".join(str(p) for p in problems))
    items = []
    for row in gold["articles"]:
        text = (directory / row["file"]).read_text(encoding="utf-8")
        published = datetime.fromisoformat(row["published"])
        outlet = row.get("outlet") or row["id"]
        items.append(GoldArticle(
            Article(id=row["id"], url=row.get("url", ""), title=row.get("title", ""), text=text,
                    feed=outlet, outlet=outlet, published=published, lang=row.get("lang", "en")),
            row["story"],
        ))
    items.sort(key=lambda g: (g.article.published, g.article.id))
    return items, Matcher.compile(rules)


def place(items: Sequence[GoldArticle], timeline: str, window: float) -> list[GoldArticle]:
    """The articles with the dates they are processed at (see the module docstring)."""
    if timeline == "real":
        return list(items)
    step = window * 0.9 / max(len(items), 1)
    return [
        GoldArticle(_with_date(g.article, T0 + timedelta(seconds=i * step)), g.story) for i, g in enumerate(items)
    ]


def _with_date(a: Article, when: datetime) -> Article:
    return Article(id=a.id, url=a.url, title=a.title, text=a.text, feed=a.feed, outlet=a.outlet,
                   published=when, lang=a.lang)


def run(items: Sequence[GoldArticle], matcher: Matcher, window: float) -> dict[str, set[str]]:
    """Article id -> the stories it is a source of, through extraction and dedup as the pipeline does."""
    stories: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory() as tmp, closing(open_backend(str(Path(tmp) / "stories.db"))) as store:
        for g in items:
            a = g.article
            statements: list[Statement] = extract_statements(a.text, matcher, lang=a.lang)
            events = process_article(store, a, statements, a.published + timedelta(minutes=5), window)
            stories[a.id] = {e.story_id for e in events if e.new or e.new_source}
            if not any(s.speaker_id for s in statements):
                stories[a.id].add(NONE)  # marks it: it can join nothing
    return stories


def score(items: Sequence[GoldArticle], stories: dict[str, set[str]]) -> dict[str, Any]:
    gold = {g.article.id: g.story for g in items}
    tp = fp = fn = 0
    for a, b in itertools.combinations(gold, 2):
        together = bool((stories[a] & stories[b]) - {NONE})
        same = gold[a] == gold[b]
        tp += together and same
        fp += together and not same
        fn += same and not together
    members: dict[str, list[str]] = {}
    for aid, sids in stories.items():
        for sid in sids - {NONE}:
            members.setdefault(sid, []).append(aid)
    largest = max(members.values(), key=len, default=[])
    main = Counter(gold[a] for a in largest).most_common(1)
    return {
        "articles": len(gold),
        "gold_stories": len(set(gold.values())),
        "gold_pairs": tp + fn,
        "predicted_pairs": tp + fp,
        "pair_precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "pair_recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "false_pairs": fp,
        "missed_pairs": fn,
        "stories_made": len(members),
        "largest_story_sources": len(largest),
        "largest_story_purity": round(main[0][1] / len(largest), 3) if main else 1.0,
        "articles_without_tracked_statements": sum(1 for s in stories.values() if NONE in s),
    }


def show(items: Sequence[GoldArticle], stories: dict[str, set[str]]) -> str:
    gold = {g.article.id: g.story for g in items}
    members: dict[str, list[str]] = {}
    for g in items:
        for sid in sorted(stories[g.article.id] - {NONE}):
            members.setdefault(sid, []).append(g.article.id)
    lines = []
    for sid, ids in members.items():
        labels = Counter(gold[a] for a in ids)
        lines.append(f"story {sid}: {len(ids)} sources, gold {dict(labels)}")
        lines.extend(f"    {a}  [{gold[a]}]" for a in ids)
    lines.extend(f"no tracked statement: {a}" for a, s in stories.items() if NONE in s)
    return "\n".join(lines)


def format_table(result: dict[str, Any]) -> str:
    width = max(len(k) for k in result)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in result.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score story assignment on real multi-outlet news.")
    parser.add_argument("dir", type=Path, help="a directory with gold.json and the article texts")
    parser.add_argument("--timeline", choices=("real", "window"), default="real")
    parser.add_argument("--window", type=float, default=WINDOW_HOURS, help="dedup window in hours (72)")
    parser.add_argument("--show", action="store_true", help="list every story made, with its articles")
    args = parser.parse_args(argv)
    try:
        items, matcher = load_set(args.dir)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {args.dir}: {e}", file=sys.stderr)
        return 2
    window = args.window * 3600.0
    placed = place(items, args.timeline, window)
    stories = run(placed, matcher, window)
    result = {"timeline": args.timeline, **score(placed, stories)}
    if args.show:
        print(show(placed, stories))
        print()
    print(format_table(result))
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
