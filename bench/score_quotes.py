"""Score watchers.statements.extract_statements against the annotated set in tests/data/quotes.

Usage:
    python -m bench.score_quotes                    # table + one JSON line
    python -m bench.score_quotes --show-errors      # also every false positive, miss and wrong speaker
    python -m bench.score_quotes --dir OTHER_DIR    # another set in the same format

Matching (tests/data/quotes/README.md): a predicted statement matches a gold one when their spans
overlap by at least half of the shorter span; matching is one-to-one, greedy by overlap, and ignores
kind. A match counts for kind K when gold and prediction are both K; the "all" row counts every match
whatever the kinds. Speaker accuracy is over matched statements (per kind: by the gold kind), names
compared casefolded, accents and punctuation stripped, a leading "the" dropped.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("direct", "partial", "indirect")
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "quotes"
# Spans must share at least this fraction of the shorter one to be the same statement: tolerant of
# a trailing comma or a "that" kept in, strict enough that two neighbouring quotes never merge.
MIN_OVERLAP_OF_SHORTER = 0.5
CONTEXT_CHARS = 40


@dataclass(frozen=True)
class Record:
    """A statement as the scorer sees it, gold or predicted."""

    start: int
    end: int
    kind: str
    speaker: str | None
    text: str = ""


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    gold: tuple[Record, ...]


@dataclass
class ArticleResult:
    name: str
    text: str
    gold: Sequence[Record]
    pred: Sequence[Record]
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (gold index, predicted index)


def overlap(a: Record, b: Record) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def spans_match(gold: Record, pred: Record) -> bool:
    shared = overlap(gold, pred)
    shorter = min(gold.end - gold.start, pred.end - pred.start)
    return shared > 0 and shared >= MIN_OVERLAP_OF_SHORTER * shorter


def match(gold: Sequence[Record], pred: Sequence[Record]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs, greedy by overlap, largest first."""
    candidates = [
        (overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if spans_match(g, p)
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def normalize_name(name: str | None) -> str | None:
    """Casefold, strip accents and punctuation, collapse spaces, drop a leading "the"."""
    if name is None:
        return None
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and not unicodedata.category(ch).startswith("P")
    )
    words = kept.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words) or None


def same_speaker(gold: str | None, pred: str | None) -> bool:
    return normalize_name(gold) == normalize_name(pred)


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    matched: int = 0
    speaker_checked: int = 0
    speaker_right: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_checked if self.speaker_checked else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "pred": self.pred,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "speaker_checked": self.speaker_checked,
        }


def tally(results: Iterable[ArticleResult]) -> dict[str, Tally]:
    """Per-kind tallies plus "all" (kind-agnostic)."""
    tallies = {k: Tally() for k in (*KINDS, "all")}
    for r in results:
        for g in r.gold:
            tallies[g.kind].gold += 1
        for p in r.pred:
            if p.kind in tallies:
                tallies[p.kind].pred += 1
        tallies["all"].gold += len(r.gold)
        tallies["all"].pred += len(r.pred)
        for gi, pi in r.pairs:
            g, p = r.gold[gi], r.pred[pi]
            right = same_speaker(g.speaker, p.speaker)
            for key in {"all", g.kind}:
                tallies[key].speaker_checked += 1
                tallies[key].speaker_right += right
            tallies["all"].matched += 1
            if g.kind == p.kind:
                tallies[g.kind].matched += 1
    return tallies


def load_gold(gold_path: Path) -> tuple[Record, ...]:
    data = json.loads(gold_path.read_text(encoding="utf-8"))
    return tuple(
        Record(start=s["start"], end=s["end"], kind=s["kind"], speaker=s["speaker"], text=s["text"])
        for s in data["statements"]
    )


def load_set(directory: Path) -> list[Article]:
    articles = []
    for gold_path in sorted(directory.glob("*.gold.json")):
        text_path = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt")
        if not text_path.exists():
            raise FileNotFoundError(
                f"{gold_path} has no article {text_path.name}; add it or remove the gold file"
            )
        articles.append(
            Article(
                name=text_path.stem, text=text_path.read_text(encoding="utf-8"), gold=load_gold(gold_path)
            )
        )
    if not articles:
        raise FileNotFoundError(f"no *.gold.json files in {directory}")
    return articles


Extractor = Callable[[str], Sequence[Record]]


def default_extractor() -> Extractor:
    """The project's extractor, imported late so the scorer's logic is usable without it."""
    from watchers.feeds.lang import article_lang
    from watchers.statements import extract_statements

    def extract(text: str) -> list[Record]:
        lang = article_lang(None, None, text)[0]  # by script, as `quotewatch quotes` reads a .txt file
        return [
            Record(start=s.start, end=s.end, kind=s.kind, speaker=s.speaker, text=s.text)
            for s in extract_statements(text, matcher=None, lang=lang)
        ]

    return extract


def score(articles: Iterable[Article], extract: Extractor) -> list[ArticleResult]:
    results = []
    for a in articles:
        pred = list(extract(a.text))
        results.append(ArticleResult(a.name, a.text, a.gold, pred, match(a.gold, pred)))
    return results


def format_table(tallies: dict[str, Tally], n_articles: int) -> str:
    header = f"{'kind':<9}{'gold':>6}{'pred':>6}{'match':>7}{'P':>8}{'R':>8}{'F1':>8}{'speaker':>9}  (n)"
    lines = [f"statement extraction on {n_articles} articles", header, "-" * len(header)]
    for key, t in tallies.items():
        lines.append(
            f"{key:<9}{t.gold:>6}{t.pred:>6}{t.matched:>7}{t.precision:>8.3f}{t.recall:>8.3f}{t.f1:>8.3f}"
            f"{t.speaker_accuracy:>9.3f}  ({t.speaker_right}/{t.speaker_checked})"
        )
    lines.append("'all' ignores kind; speaker accuracy is over matched statements (per kind: gold kind).")
    return "\n".join(lines)


def snippet(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS) : start]
    right = text[end : end + CONTEXT_CHARS]
    return f"…{left}[[{text[start:end]}]]{right}…".replace("\n", " ⏎ ")


def format_errors(results: Iterable[ArticleResult]) -> str:
    lines = []
    for r in results:
        matched_gold = {gi for gi, _ in r.pairs}
        matched_pred = {pi for _, pi in r.pairs}
        problems = []
        for pi, p in enumerate(r.pred):
            if pi not in matched_pred:
                problems.append(
                    f"  FALSE POS {p.kind:<8} speaker={p.speaker!r}  {snippet(r.text, p.start, p.end)}"
                )
        for gi, g in enumerate(r.gold):
            if gi not in matched_gold:
                problems.append(
                    f"  MISSED    {g.kind:<8} speaker={g.speaker!r}  {snippet(r.text, g.start, g.end)}"
                )
        for gi, pi in r.pairs:
            g, p = r.gold[gi], r.pred[pi]
            if not same_speaker(g.speaker, p.speaker):
                problems.append(
                    f"  SPEAKER   gold={g.speaker!r} pred={p.speaker!r}  {snippet(r.text, g.start, g.end)}"
                )
            if g.kind != p.kind:
                problems.append(f"  KIND      gold={g.kind} pred={p.kind}  {snippet(r.text, g.start, g.end)}")
        if problems:
            lines.append(f"{r.name}:")
            lines.extend(problems)
    return "\n".join(lines) if lines else "no errors"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score statement extraction against an annotated set.")
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, help=f"annotated set (default {DEFAULT_DIR})"
    )
    parser.add_argument(
        "--show-errors", action="store_true", help="list false positives, misses, wrong speakers"
    )
    args = parser.parse_args(argv)
    try:
        articles = load_set(args.dir)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    results = score(articles, default_extractor())
    tallies = tally(results)
    if args.show_errors:
        print(format_errors(results))
        print()
    print(format_table(tallies, len(articles)))
    summary = {"articles": len(articles), **{k: t.as_dict() for k, t in tallies.items()}}
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
