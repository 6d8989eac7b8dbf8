"""Hostile and broken inputs: the quote-closing index finds what the walk found, every shape reads
to the end and to the right statements, the work cap stops reading where it says, and a long
paragraph with a photo credit is prose. (Speed is bench/bench_adversarial.py's: no timed tests.)"""

from __future__ import annotations

import functools
import logging
import random
import sys

import pytest

from bench.adversarial import SHAPES, lang_of, unclosed_marks
from watchers.statements import extract_statements
from watchers.statements.boilerplate import is_noise
from watchers.statements.budget import Budget
from watchers.statements.lang import en as lang
from watchers.statements.quoteclose import Closers, closer_ctx, is_apostrophe, opener_ctx
from watchers.statements.quotemarks import find_quotes
from watchers.statements.segment import body_paragraphs
from watchers.statements.sentences import paragraphs

# -- the walk the index replaced, kept here as the reference it must agree with

_STRONG_BEFORE = set(",.!?…;:")
_CLOSE_AFTER = set(" \t\n\r,.;:!?)]}—–-/…\u00a0") | set(lang.ALL_MARKS)


def walk_double_close(text: str, i: int, hi: int, opener: str) -> int:
    depth = 0
    lo = i - 1
    while i < hi:
        c = text[i]
        if c == lang.STRAIGHT_DOUBLE:
            opens, closes = opener_ctx(text, i, lo, hi), closer_ctx(text, i, lo, hi)
            if closes and (not opens or depth == 0):
                if depth == 0:
                    return i
                depth -= 1
            elif opens:
                depth += 1
        elif c == "\u201c":
            if opener == "\u201e" and depth == 0:
                return i
            if closer_ctx(text, i, lo, hi) and not opener_ctx(text, i, lo, hi) and depth == 0:
                return i
            depth += 1
        elif c in ("\u201d", "\u00bb"):
            if depth == 0:
                return i
            depth -= 1
        elif c in ("\u00ab", "\u201e"):
            depth += 1
        i += 1
    return -1


def walk_single_close(text: str, i: int, hi: int) -> int:
    lo = i - 1
    weak = -1
    while i < hi:
        c = text[i]
        if c in lang.SINGLE_CLOSE or c == lang.STRAIGHT_SINGLE:
            if is_apostrophe(text, i, lo, hi):
                i += 1
                continue
            if closer_ctx(text, i, lo, hi):
                after = text[i + 1] if i + 1 < hi else " "
                if text[i - 1] in _STRONG_BEFORE or (after in _CLOSE_AFTER and not after.isspace()) or i + 1 >= hi:
                    return i
                if weak < 0:
                    weak = i
        elif (c in lang.DOUBLE_OPEN or c == lang.STRAIGHT_DOUBLE or c in ".!?") and weak >= 0:
            return weak
        i += 1
    return weak


_ALPHABET = [*"ab ,.!?", *lang.ALL_MARKS, "x ", "Ab", "’s", "1"]


@pytest.mark.parametrize("seed", range(4))
def test_the_closing_index_finds_the_mark_the_old_walk_found_from_every_start(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(1500):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 30)))
        lo, hi = 0, len(text)
        for closers in (Closers(text, lo, hi), Closers(text, lo, hi, walk=0), Closers(text, lo, hi, walk=2)):
            for i in range(1, hi + 1):
                for opener in ("\u201c", "\u201e", "\u00ab", '"'):
                    want = walk_double_close(text, i, hi, opener)
                    assert closers.double_close(i, opener) == want, (text, i, opener, closers.walk)
                assert closers.single_close(i) == walk_single_close(text, i, hi), (text, i, closers.walk)


def test_the_index_reads_only_its_paragraph() -> None:
    text = "He said \u201cno more\n\nand then\u201d it ended."
    [first, second] = paragraphs(text)
    assert Closers(text, *first).double_close(first[0] + 9, "\u201c") == -1
    assert Closers(text, *second).double_close(second[0], "\u201c") == text.index("\u201d")


# -- every shape reads to the end, with the statements its prose holds


def test_unclosed_marks_are_no_quotes_and_cost_no_statements() -> None:
    text = unclosed_marks(10_000)
    assert find_quotes(text, body_paragraphs(text)) == []
    assert extract_statements(text) == []


def test_quote_pairs_in_one_sentence_without_a_full_stop_are_each_attributed() -> None:
    text = SHAPES["pairs"](30_000)
    out = extract_statements(text)
    assert len(out) == text.count("\u201c")  # every pair, to the last one
    for s in out:
        after = text[s.end + 1 :].split(" said", 1)[0].strip(" ,\u201d")
        assert s.cue == "said" and s.mention is not None and s.mention.text == after, s


def test_a_said_that_chain_without_a_full_stop_reads_to_its_last_clause() -> None:
    text = SHAPES["said_chain"](30_000)
    out = extract_statements(text)
    assert len(out) >= text.count(" said that") // 2
    assert out[-1].end == len(text)  # read to the end
    assert all(s.kind == "indirect" and s.cue == "said" for s in out)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_shape_gives_statements_inside_the_text_in_order(name: str) -> None:
    text = SHAPES[name](20_000)
    out = extract_statements(text, lang=lang_of(name))
    assert [s.start for s in out] == sorted(s.start for s in out)
    for s in out:
        assert text[s.start : s.end] == s.text


def _lines_run(fn, *args) -> int:  # type: ignore[no-untyped-def]
    """How many Python lines `fn(*args)` executes: a count of work, not of time (no timed tests)."""
    count = 0

    def trace(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_shapes_work_grows_linearly_with_its_size(name: str) -> None:
    """ "according to X, ..." 500 KB once took 31 s (a walk in _clause_subjects restarted from the
    last speaker for every named person), Russian colon quotes 40 KB 73 s (lone quotes looked for
    their speaker in the whole paragraph, each). Work per KB at 8x the size stays within 1.5x."""
    small, large = SHAPES[name](3_000), SHAPES[name](24_000)
    extract = functools.partial(extract_statements, lang=lang_of(name))
    extract(small)  # tables and dictionaries load outside the count
    per_kb = [_lines_run(extract, t) / len(t) for t in (small, large)]
    assert per_kb[1] <= 1.5 * per_kb[0], f"{name}: {per_kb[1] / per_kb[0]:.2f}x the work per KB at 8x the size"


# -- the work cap


def test_past_the_character_cap_the_rest_is_left_unread_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    text = SHAPES["paragraphs"](20_000)
    whole = extract_statements(text)
    cap = len(text) // 2
    with caplog.at_level(logging.WARNING):
        budget = Budget(max_chars=cap)
        part = extract_statements(text, budget=budget)
    assert budget.capped and budget.stopped_at == cap
    assert part and len(part) < len(whole)
    assert all(s.end <= cap for s in part)
    # the same spans as the whole article's first ones (names may resolve to fewer full forms)
    spans = [(s.start, s.end, s.kind) for s in whole if s.end <= cap]
    assert [(s.start, s.end, s.kind) for s in part] == spans[: len(part)]
    assert any("capped" in r.getMessage() and str(cap) in r.getMessage() for r in caplog.records)


def test_the_time_cap_stops_after_the_block_in_progress() -> None:
    text = SHAPES["paragraphs"](20_000)
    ticks = iter(range(1000))
    budget = Budget(max_seconds=3, clock=lambda: float(next(ticks)))  # one "second" per check
    out = extract_statements(text, budget=budget)
    assert budget.capped and budget.reason == "3 s"
    assert out and budget.stopped_at is not None and all(s.end <= budget.stopped_at for s in out)


def test_the_token_cap_counts_work_not_characters() -> None:
    text = SHAPES["paragraphs"](20_000)
    budget = Budget(max_tokens=500)
    out = extract_statements(text, budget=budget)
    assert budget.capped and "tokens" in budget.reason
    assert 0 < len(out) < len(extract_statements(text))


def test_an_article_keeps_its_first_statements_up_to_the_cap(caplog: pytest.LogCaptureFixture) -> None:
    text = SHAPES["pairs"](20_000)
    whole = extract_statements(text)
    with caplog.at_level(logging.WARNING):
        kept = extract_statements(text, budget=Budget(max_statements=10))
    assert kept == whole[:10]
    assert any(f"{len(whole) - 10} more left out" in r.getMessage() for r in caplog.records)


def test_an_ordinary_article_is_not_capped() -> None:
    budget = Budget()
    extract_statements(SHAPES["paragraphs"](50_000), budget=budget)
    assert not budget.capped


# -- captions by shape


CREDITED = (
    "\u201cThe harbour levy will be reviewed before the spring vote,\u201d Marit Vallin said on Tuesday. "
    "Vallin, the Lumen Bay harbour master, said the council had no intention of backing down. "
    "Dock workers gathered outside the council chamber (Photo: Oskar Thorsby/Getty Images) as the "
    "debate ran late. \u201cWe will not accept a levy written behind closed doors,\u201d union leader "
    "Ilse Quell told reporters. According to Quell, the union would vote on a strike in May."
)


def test_a_one_paragraph_article_with_a_photo_credit_in_it_is_prose() -> None:
    text = "Harbour levy stalls\n\n" + " ".join([CREDITED] * 8)
    assert len(text) > 2000 and "\n" not in text.split("\n\n", 1)[1]
    out = extract_statements(text)
    paragraphs = extract_statements("Harbour levy stalls\n\n" + "\n\n".join([CREDITED] * 8))
    assert len(out) == len(paragraphs) >= 8 * 4
    assert {s.speaker for s in out} >= {"Marit Vallin", "Ilse Quell"}


@pytest.mark.parametrize(
    "line",
    [
        "Dock workers outside the council chamber in Lumen Bay on Tuesday. (Photo: Oskar Thorsby/Getty Images)",
        "Marit Vallin at the harbour office. AP Photo/Renske Marrow",
        "The new quay under construction. Image: Lumen Wire",
    ],
)
def test_a_short_line_with_a_photo_credit_is_still_a_caption(line: str) -> None:
    assert is_noise(line)


def test_a_long_paragraph_ending_in_a_credit_is_not_a_caption() -> None:
    assert not is_noise(CREDITED + " (Photo: Oskar Thorsby/Getty Images)")


def test_loading_a_languages_dictionary_is_not_counted_in_the_articles_time_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first Russian article of a process loads pymorphy3's dictionary (~0.1 s idle, seconds on a
    # loaded box): that is the process's cost, and must not cut the article short.
    from watchers.statements.lang import ru

    now = [0.0]
    real = ru._analyzer
    loaded = []

    def first_use_loads() -> object:
        if not loaded:  # a 50 "second" load, at the first use
            loaded.append(True)
            now[0] += 50.0
        return real()

    monkeypatch.setattr(ru, "_analyzer", first_use_loads)
    ru.parses.cache_clear()  # as in a new process: every word asks the analyzer
    budget = Budget(max_seconds=1.0, clock=lambda: now[0])
    text = "Глава ведомства Ирина Соколова заявила, что тарифы не изменятся.\n\n" * 3
    found = extract_statements(text, budget=budget, lang="ru")
    assert not budget.capped, budget.reason
    assert found
