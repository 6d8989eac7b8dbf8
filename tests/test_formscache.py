"""The forms cache (rules.formscache): a second start reads the Russian forms from a file instead of
loading pymorphy3's dictionary, gives the same matches, and a broken or unwritable cache only costs time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rules import formscache, inflect
from rules.match import Matcher
from rules.model import Rules, Speaker, Topic

RULES = Rules(
    speakers=(Speaker(id="varentsov", name="Олег Варенцов", aliases=("Варенцов",)),),
    topics=(Topic(id="bridge", any=("новый мост",)),),
)
TEXT = "Губернатору Варенцову показали новые мосты; Варенцова спросили о новом мосте."


def _hits(rules: Rules) -> list[tuple[str, str, str]]:
    return [(h.kind, h.id, h.text) for h in Matcher.compile(rules).scan(TEXT)]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("QUOTEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    formscache.forget()
    yield tmp_path / "cache"
    formscache.forget()


def _no_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process would be: nothing inflected in memory, and the dictionary must not be asked."""
    formscache.forget()
    inflect.forms.cache_clear()

    def refuse() -> None:
        raise AssertionError("pymorphy3 was loaded although the cache holds every form")

    monkeypatch.setattr(inflect, "_analyzer", refuse)


def test_second_compile_reads_forms_from_the_file(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _hits(RULES)
    assert ("speaker", "varentsov", "Варенцову") in first and ("speaker", "varentsov", "Варенцова") in first
    assert [p.name for p in cache_dir.iterdir()] == [formscache.cache_path().name]
    _no_dictionary(monkeypatch)
    assert _hits(RULES) == first


def test_a_new_term_is_computed_and_added(cache_dir: Path) -> None:
    _hits(RULES)
    more = Rules(speakers=(*RULES.speakers, Speaker(id="belova", name="Зоряна Белова", aliases=("Белова",))),
                 topics=RULES.topics)
    formscache.forget()
    assert ("speaker", "belova", "Беловой") in [(h.kind, h.id, h.text) for h in
                                                 Matcher.compile(more).scan("Беловой ответили.")]
    assert "speaker:Белова" in formscache.cache_path().read_text(encoding="utf-8")


@pytest.mark.parametrize("content", ["{not json", '{"speaker:Варенцов": "Варенцов"}', "[1, 2]", ""])
def test_a_broken_cache_file_is_ignored_and_rewritten(
    cache_dir: Path, content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _hits(RULES)
    formscache.cache_path().write_text(content, encoding="utf-8")
    formscache.forget()
    inflect.forms.cache_clear()
    assert _hits(RULES) == expected
    _no_dictionary(monkeypatch)  # the rewritten file serves the next start
    assert _hits(RULES) == expected


def test_an_unwritable_cache_costs_only_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("QUOTEWATCH_CACHE_DIR", str(blocker / "cache"))
    formscache.forget()
    assert ("speaker", "varentsov", "Варенцову") in _hits(RULES)
    formscache.forget()


def test_latin_terms_never_touch_the_cache(cache_dir: Path) -> None:
    assert formscache.forms("Inga Kravets", "speaker") == ("Inga Kravets",)
    formscache.save()
    assert not cache_dir.exists()
