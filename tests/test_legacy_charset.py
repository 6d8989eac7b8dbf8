"""Russian pages and feeds in Windows-1251 or KOI8-R, declared or not, are read as Russian; a Western
page in Windows-1252 stays Western (watchers.feeds.legacy); `quotes --json` says where each article's
language came from, "default" when nothing told it (read as English)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from watchers.feeds.charset import decode
from watchers.feeds.legacy import guess_legacy
from watchers.feeds.text import decode_html

RU = ("Губернатор Олег Варенцов заявил журналистам во вторник, что область не будет повышать тарифы на "
      "паромную переправу. По его словам, бюджет сбалансирован, а ремонт дамбы закончат к осени.")
FR = "Le maire a déclaré que la rénovation du théâtre était « nécessaire » et qu'elle coûterait très cher."


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_an_undeclared_russian_page_is_read_in_its_code_page(codec: str) -> None:
    page = f"<html><head><title>Вести</title></head><body><p>{RU}</p></body></html>".encode(codec)
    assert guess_legacy(page) == codec
    assert RU in decode_html(page)


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_a_page_whose_declaration_lies_is_read_by_its_letters(codec: str) -> None:
    # declared UTF-8, but the bytes are not: the declaration cannot decode them, the letters decide
    page = f'<html><head><meta charset="utf-8"></head><body><p>{RU}</p></body></html>'.encode(codec)
    assert RU in decode_html(page)


def test_a_western_page_stays_western() -> None:
    assert FR in decode_html(f"<html><body><p>{FR}</p></body></html>".encode("cp1252"))


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_an_undeclared_russian_feed_is_read_in_its_code_page(codec: str) -> None:
    feed = f"<rss version='2.0'><channel><title>Вести</title><item><title>{RU[:60]}</title></item></channel></rss>"
    text, found = decode(feed.encode(codec))
    assert found == codec and RU[:60] in text


def _quotes(*args: str, cwd: Path) -> list[dict[str, object]]:
    out = subprocess.run([sys.executable, "-m", "bot.cli", "quotes", "--json", *args], cwd=cwd,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_quotes_reads_a_koi8_page_and_says_where_its_language_came_from(tmp_path: Path) -> None:
    body = '<p>"Мы не будем повышать тарифы в этом году", - заявил губернатор Олег Варенцов журналистам.</p>'
    (tmp_path / "page.html").write_bytes(f"<html><body>{body}</body></html>".encode("koi8_r"))
    (tmp_path / "tagged.html").write_bytes(f'<html lang="ru-RU"><body>{body}</body></html>'.encode("cp1251"))
    (tmp_path / "short.txt").write_text('"No comment," he said.\n', encoding="utf-8")
    page, tagged, short = (_quotes(str(tmp_path / n), cwd=tmp_path) for n in ("page.html", "tagged.html", "short.txt"))
    assert page and page[0]["text"] == "Мы не будем повышать тарифы в этом году"
    assert (page[0]["lang"], page[0]["lang_source"]) == ("ru", "script")
    assert (tagged[0]["lang"], tagged[0]["lang_source"]) == ("ru", "declared")
    assert (short[0]["lang"], short[0]["lang_source"]) == ("en", "default")  # too few letters to tell
