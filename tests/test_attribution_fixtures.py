"""Attribution fixtures (issue #13): every `tests/data/quotes/attr_*` article, each written around the
constructions one fix taught the extractor, is extracted exactly as annotated: every statement with
its span and kind, and nothing else; the speaker of every quote (direct, partial). Reported speech's
speakers are scored with the whole set (test_quotes_gold): attr_01 still gives critics' "they said"
to the council."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.score_quotes import normalize_name
from watchers.statements import extract_statements

QUOTES_DIR = Path(__file__).parent / "data" / "quotes"
FIXTURES = sorted(QUOTES_DIR.glob("attr_*.gold.json"))


def test_there_are_attribution_fixtures() -> None:
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("gold_path", FIXTURES, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_fixture_is_extracted_as_annotated(gold_path: Path) -> None:
    text = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt").read_text(encoding="utf-8")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["statements"]
    want = [(g["start"], g["end"], g["kind"], _quote_speaker(g["kind"], g["speaker"])) for g in gold]
    got = [(s.start, s.end, s.kind, _quote_speaker(s.kind, s.speaker)) for s in extract_statements(text)]
    assert got == want


def _quote_speaker(kind: str, speaker: str | None) -> str | None:
    return normalize_name(speaker) if kind != "indirect" else None
