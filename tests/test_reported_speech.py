"""Reported speech (indirect statements, no quote marks): watchers/statements/reported.py.

The `reported_*` articles in tests/data/quotes hold one sentence per construction the extractor reads
and near misses that are no statements; on them the extractor must give exactly the gold records
(spans, kinds, speakers) and nothing else. The sentence cases below pin each construction alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from watchers.statements import extract_statements

ROOT = Path(__file__).resolve().parent.parent
# bench/ is not an installed package (only bot, watchers, rules are): make the checkout importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import score_quotes  # noqa: E402

QUOTES_DIR = ROOT / "tests" / "data" / "quotes"
REPORTED_GOLD = sorted(QUOTES_DIR.glob("reported_*.gold.json"))


def test_there_is_a_reported_speech_fixture():
    assert REPORTED_GOLD, "no tests/data/quotes/reported_*.gold.json"


@pytest.mark.parametrize("gold_path", REPORTED_GOLD, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_reported_fixture_is_extracted_exactly(gold_path: Path):
    text = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt").read_text(encoding="utf-8")
    gold = [
        (r.start, r.end, r.kind, score_quotes.normalize_name(r.speaker))
        for r in score_quotes.load_gold(gold_path)
    ]
    got = [
        (s.start, s.end, s.kind, score_quotes.normalize_name(s.speaker))
        for s in extract_statements(text, matcher=None, lang="en")
    ]
    missed = [text[a:b] + f"  [{k}, {spk}]" for a, b, k, spk in gold if (a, b, k, spk) not in got]
    extra = [text[a:b] + f"  [{k}, {spk}]" for a, b, k, spk in got if (a, b, k, spk) not in gold]
    assert not missed and not extra, f"missed or wrong: {missed}\nnot in gold: {extra}"


def indirect(text: str) -> list[tuple[str, str | None]]:
    return [
        (s.text, s.speaker) for s in extract_statements(text, matcher=None, lang="en") if s.kind == "indirect"
    ]


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        # an infinitive after promise/vow/pledge is the content, also when its verb is an adjunct word
        (
            "Mayor Sigrun Taal promised to press the authority for a floating pontoon.",
            "to press the authority for a floating pontoon",
        ),
        (
            "Mayor Sigrun Taal vowed to call the harbour board back before the summer.",
            "to call the harbour board back before the summer",
        ),
        # called on X to Y: the demand
        (
            "Henrik Moe called on the council to hold back its share of the levy.",
            "the council to hold back its share of the levy",
        ),
        (
            "Henrik Moe called on island traders not to pay the levy until June.",
            "island traders not to pay the levy until June",
        ),
    ],
)
def test_reported_content_is_read(sentence: str, content: str):
    assert [c for c, _ in indirect(sentence)] == [content]


@pytest.mark.parametrize(
    ("sentence", "content", "speaker"),
    [
        # a bare weekday or time word between the verb and its clause
        (
            "Harbour commissioner Edda Lykke said Wednesday the berth would stay shut until the autumn.",
            "the berth would stay shut until the autumn",
            "Edda Lykke",
        ),
        (
            "Mayor Sigrun Taal said Friday night the pontoon had been ordered.",
            "the pontoon had been ordered",
            "Sigrun Taal",
        ),
        # a possessive opens the clause's subject like a determiner
        (
            "Edda Lykke said Vardholm’s use of the old quay gives the ferry company an excuse.",
            "Vardholm’s use of the old quay gives the ferry company an excuse",
            "Edda Lykke",
        ),
        # "As X reported, CLAUSE" and "CLAUSE, as X noted"
        (
            "As the Skerry Post reported on Monday, the pier had been failing for six years.",
            "the pier had been failing for six years",
            "Skerry Post",
        ),
        (
            "The pier had been failing for six years, as Edda Lykke noted.",
            "The pier had been failing for six years",
            "Edda Lykke",
        ),
        # a long apposition before the verb and a pronoun opening the clause: the opener speaks
        (
            "Roxana Leon, 63, a fish merchant raised in Tormo, said she wanted a second berth.",
            "she wanted a second berth",
            "Roxana Leon",
        ),
    ],
)
def test_reported_clause_and_speaker(sentence: str, content: str, speaker: str):
    assert indirect(sentence) == [(content, speaker)]


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        (
            "Henrik Moe charges that the authority ignored six years of warnings.",
            "the authority ignored six years of warnings",
        ),
        (
            "Magnus Fjell responded that the survey had been published in March.",
            "the survey had been published in March",
        ),
        (
            "Edda Lykke joked she would row the lorries across herself.",
            "she would row the lorries across herself",
        ),
        (
            "The Skerry Post reported the pontoon had been sold to a yard in Tormo.",
            "the pontoon had been sold to a yard in Tormo",
        ),
    ],
)
def test_more_reporting_verbs_take_a_clause(sentence: str, content: str):
    assert [c for c, _ in indirect(sentence)] == [content]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Health Ministry reported 212 confirmed measles cases in the north on Monday.",  # figures
        "Magnus Fjell responded by pointing a finger at the harbour board, which had approved the budget.",
        "Federal prosecutors charged two Vardholm developers with fraud.",
    ],
)
def test_without_that_these_verbs_take_no_noun_as_a_clause(sentence: str):
    assert indirect(sentence) == []


def test_a_trailing_speaker_after_the_clause_stays_the_speaker():
    sentence = "The talks will resume in March, said Jane Doe, who heads the institute."
    assert indirect(sentence) == [("The talks will resume in March", "Jane Doe")]


@pytest.mark.parametrize(
    "sentence",
    [
        "On Sunday, Sigrun Taal called on the families of the two deckhands injured in the storm.",  # a visit
        "Henrik Moe called on the harbour master at his office in the morning.",
        "The two ferry operators agreed to share the southern berth on alternate hours.",
    ],
)
def test_near_misses_are_not_reported_speech(sentence: str):
    assert indirect(sentence) == []
