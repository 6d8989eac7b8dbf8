"""`quotewatch quotes`: JSON lines contract, readable listing, bad files reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.quotes_cli import run_quotes

ARTICLE = (
    'Talks resumed.\n\n"We are ready," Foreign Minister Jane Doe said. "Nothing has changed," she added.\n'
)
# DESIGN.md's contract, and "lang_source" (issue 14: an article whose language nothing told says so).
KEYS = {"file", "text", "start", "end", "kind", "speaker", "speaker_id", "mention", "cue", "lang", "lang_source"}


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
        assert (row["lang"], row["lang_source"]) == ("en", "script")
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
    pytest.importorskip("watchers.feeds.text")
    path = tmp_path / "a.html"
    body = "<p>Talks resumed on Monday after a pause.</p><p>&ldquo;We are ready,&rdquo; Jane Doe said.</p>"
    path.write_text(
        f"<html><head><title>T</title></head><body><article>{body}</article></body></html>", encoding="utf-8"
    )
    assert run_quotes([str(path)], None, as_json=True) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(r["text"] == "We are ready," and r["speaker"] == "Jane Doe" for r in rows)


def test_html_in_windows_1252_is_decoded_like_a_fetched_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("watchers.feeds.text")
    # An old CMS page: no charset anywhere, curly quotes and an accent as Windows-1252 bytes.
    body = ("<p>The Caf\u00e9 Council met on Monday.</p>"
            "<p>\u201cWe are ready to sign,\u201d Jane Doe said after the meeting.</p>")
    path = tmp_path / "cms.html"
    path.write_bytes(f"<html><body><article>{body}</article></body></html>".encode("windows-1252"))
    assert run_quotes([str(path)], None, as_json=True) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert any(r["text"] == "We are ready to sign," and r["speaker"] == "Jane Doe" for r in rows), rows
    assert err == ""


def test_html_meta_charset_is_honoured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("watchers.feeds.text")
    # ISO-8859-2 bytes for "š" and "ř" read as Windows-1252 would be "¹" and "ø": the <meta> decides.
    body = ("<p>The port of Brno-Vltava reopened on Tuesday.</p>"
            '<p>"The cranes are working again," Tom\u00e1\u0161 Dvo\u0159\u00e1k said on Tuesday.</p>')
    page = f'<html><head><meta charset="iso-8859-2"></head><body><article>{body}</article></body></html>'
    path = tmp_path / "latin2.html"
    path.write_bytes(page.encode("iso-8859-2"))
    assert run_quotes([str(path)], None, as_json=True) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["speaker"] for r in rows] == ["Tom\u00e1\u0161 Dvo\u0159\u00e1k"]


def test_broken_default_config_warns_and_goes_on_without_speaker_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "config.toml").write_text('[[speakers]]\nid = "doe"\nname = \n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # ./config.toml is the default config
    assert main(["quotes", str(article), "--json"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and all(r["speaker_id"] is None for r in rows)
    assert "warning: ignoring config.toml" in err and "config.toml:3" in err


def test_broken_explicit_config_still_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    config = tmp_path / "mine.toml"
    config.write_text('[[speakers]]\nid = "doe"\nname = \n', encoding="utf-8")
    assert main(["quotes", str(article), "--config", str(config)]) == 1
    assert "mine.toml:3" in capsys.readouterr().err
