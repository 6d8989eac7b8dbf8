"""`quotewatch quotes`: JSON lines contract, readable listing, bad files reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.quotes_cli import run_quotes

ARTICLE = (
    'Talks resumed.\n\n"We are ready," Foreign Minister Jane Doe said. "Nothing has changed," she added.\n'
)
KEYS = {"file", "text", "start", "end", "kind", "speaker", "speaker_id", "mention", "cue"}


def test_json_lines_follow_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert run_quotes([str(path)], None, as_json=True) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert set(row) == KEYS
        assert ARTICLE[row["start"] : row["end"]] == row["text"]
        assert row["kind"] == "direct" and row["speaker"] == "Jane Doe"
        m = row["mention"]
        assert ARTICLE[m["start"] : m["end"]] == m["text"]
    assert rows[1]["mention"]["text"] == "she" and rows[1]["cue"] == "added"


def test_listing_and_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes('Caf\xe9 said "no"'.encode("latin-1"))
    missing = tmp_path / "missing.txt"
    assert run_quotes([str(missing), str(latin), str(good)], None, as_json=False) == 1
    out, err = capsys.readouterr()
    assert "missing.txt: no such file" in err
    assert "latin.txt: not UTF-8" in err
    assert "good.txt: 2 statement(s)" in out and "Jane Doe" in out


def test_rules_give_speaker_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("rules.match")
    from rules.model import Rules, Speaker

    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    rules = Rules(speakers=(Speaker(id="doe", name="Jane Doe"),))
    assert run_quotes([str(path)], rules, as_json=True) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["speaker_id"] for r in rows] == ["doe", "doe"]


def test_html_goes_through_text_extraction(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("watchers.text")
    path = tmp_path / "a.html"
    body = "<p>Talks resumed on Monday after a pause.</p><p>&ldquo;We are ready,&rdquo; Jane Doe said.</p>"
    path.write_text(
        f"<html><head><title>T</title></head><body><article>{body}</article></body></html>", encoding="utf-8"
    )
    assert run_quotes([str(path)], None, as_json=True) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(r["text"] == "We are ready," and r["speaker"] == "Jane Doe" for r in rows)
