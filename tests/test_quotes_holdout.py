"""The held-out statement set (tests/data/quotes_holdout) is well-formed and kept apart from the tuning set.

Deliberately NO accuracy targets here: the held-out set estimates how the extractor does on unseen
copy, and a target would invite tuning on it. Score it by hand, once in a while, and look only at the
aggregate table: python -m bench.score_quotes --dir tests/data/quotes_holdout
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import annotate_tool, score_quotes

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT_DIR = ROOT / "tests" / "data" / "quotes_holdout"
TUNING_DIR = ROOT / "tests" / "data" / "quotes"
GOLD_FILES = sorted(HOLDOUT_DIR.glob("*.gold.json"))
KINDS = set(score_quotes.KINDS)

# The set's shape as the task defined it: long enough to read like real copy, dense enough in
# statements that 8 articles give ~100 gold records.
MIN_ARTICLES = 8
MIN_WORDS, MAX_WORDS = 350, 700
MIN_STATEMENTS, MAX_STATEMENTS = 12, 18


def article_text(gold_path: Path) -> str:
    return gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt").read_text(encoding="utf-8")


def raw_gold(gold_path: Path) -> dict:
    return json.loads(gold_path.read_text(encoding="utf-8"))


def name_of(gold_path: Path) -> str:
    return gold_path.name.removesuffix(".gold.json")


def test_holdout_has_its_articles_each_paired_with_gold():
    texts = {p.stem for p in HOLDOUT_DIR.glob("*.txt")}
    golds = {name_of(p) for p in GOLD_FILES}
    assert texts == golds, f"unpaired files in {HOLDOUT_DIR}: {sorted(texts ^ golds)}"
    assert len(GOLD_FILES) >= MIN_ARTICLES, f"only {len(GOLD_FILES)} held-out articles"


def test_holdout_shares_nothing_with_the_tuning_set():
    """A held-out article also present in tests/data/quotes would no longer be held out."""
    tuning_names = {p.name for p in TUNING_DIR.glob("*.txt")}
    tuning_texts = {p.read_text(encoding="utf-8") for p in TUNING_DIR.glob("*.txt")}
    for gold_path in GOLD_FILES:
        assert f"{name_of(gold_path)}.txt" not in tuning_names, (
            f"{name_of(gold_path)} is also in {TUNING_DIR}"
        )
        assert article_text(gold_path) not in tuning_texts, (
            f"{name_of(gold_path)} duplicates a tuning article"
        )


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=name_of)
def test_holdout_article_has_the_agreed_size(gold_path: Path):
    words = len(article_text(gold_path).split())
    statements = raw_gold(gold_path)["statements"]
    assert MIN_WORDS <= words <= MAX_WORDS, f"{words} words; keep held-out articles {MIN_WORDS}-{MAX_WORDS}"
    assert MIN_STATEMENTS <= len(statements) <= MAX_STATEMENTS, f"{len(statements)} gold statements"


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=name_of)
def test_holdout_gold_file_is_well_formed(gold_path: Path):
    article = article_text(gold_path)
    data = raw_gold(gold_path)
    assert data.get("notes", "").strip(), "say which phenomena the article exercises in 'notes'"
    previous_end = 0
    for s in data["statements"]:
        start, end = s["start"], s["end"]
        assert 0 <= start < end <= len(article), f"offsets {start}-{end} fall outside the article"
        assert article[start:end] == s["text"], f"offsets {start}-{end} do not hold {s['text']!r}"
        assert s["kind"] in KINDS, f"kind {s['kind']!r} is not one of {sorted(KINDS)}"
        assert s["speaker"] is None or (isinstance(s["speaker"], str) and s["speaker"].strip())
        assert start >= previous_end, f"{s['text']!r} overlaps the previous statement or is out of order"
        previous_end = end
        assert s["text"] == s["text"].strip(), "a span never starts or ends with whitespace"
        annotate_tool.check_marks(article, start, end, s["kind"], gold_path.name)


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=name_of)
def test_holdout_offsets_are_what_the_annotation_tool_computes(gold_path: Path):
    """Offsets are never typed by hand: re-placing each snippet gives the stored offsets."""
    statements = raw_gold(gold_path)["statements"]
    placed = annotate_tool.annotate(article_text(gold_path), statements, gold_path.name)
    assert [(p["start"], p["end"]) for p in placed] == [(s["start"], s["end"]) for s in statements]


def test_scorer_reads_the_holdout_directory():
    """The scorer's --dir path loads this set; a perfect extractor scores 1 (checks the plumbing,
    not the extractor, which this file never runs)."""
    articles = score_quotes.load_set(HOLDOUT_DIR)
    assert len(articles) == len(GOLD_FILES)
    by_text = {a.text: a.gold for a in articles}
    tallies = score_quotes.tally(score_quotes.score(articles, lambda text: by_text[text]))
    assert tallies["all"].gold == sum(len(a.gold) for a in articles)
    for t in tallies.values():
        assert (t.precision, t.recall, t.speaker_accuracy) == (1.0, 1.0, 1.0)
