"""The word-table loader reads the documented line format, and the English tables stay well formed."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from watchers.statements.lang import data, en

EN_DIR = Path(en.__file__).parent


@pytest.fixture
def tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder standing in for a language package; the loader's caches are cleared around each test."""
    monkeypatch.setattr(data, "_folder", lambda lang: tmp_path)
    data._lines.cache_clear()
    data.words.cache_clear()
    yield tmp_path
    data._lines.cache_clear()
    data.words.cache_clear()


def test_lists_skip_comments_and_blanks_and_keep_inner_spaces(tables: Path) -> None:
    (tables / "cues.txt").write_text(
        "# header comment\n\n  say  \nprime minister # trailing comment\nsay\n   # indented comment\n",
        encoding="utf-8",
    )
    assert data.entries("xx", "cues") == ("say", "prime minister", "say")
    assert data.words("xx", "cues") == frozenset({"say", "prime minister"})


def test_mapping_reads_key_value_and_a_bare_key_maps_to_empty(tables: Path) -> None:
    (tables / "roles.txt").write_text(
        "# gender\nspokesman = m\nminister\nprime minister=\n", encoding="utf-8"
    )
    assert data.mapping("xx", "roles") == {"spokesman": "m", "minister": "", "prime minister": ""}
    assert list(data.mapping("xx", "roles")) == ["spokesman", "minister", "prime minister"]


def test_mapping_is_a_new_dict_each_call(tables: Path) -> None:
    (tables / "roles.txt").write_text("chair = x\n", encoding="utf-8")
    data.mapping("xx", "roles")["chair"] = "changed"
    assert data.mapping("xx", "roles") == {"chair": "x"}


def test_groups_split_values_into_word_sets(tables: Path) -> None:
    (tables / "generic.txt").write_text("official\nexpert = analyst  professor\n", encoding="utf-8")
    assert data.groups("xx", "generic") == {
        "official": frozenset(),
        "expert": frozenset({"analyst", "professor"}),
    }


def test_mapping_rejects_a_repeated_key_naming_file_and_line(tables: Path) -> None:
    (tables / "roles.txt").write_text("chair = a\n# note\nchair = b\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"xx/roles.txt line 3: key 'chair' appears twice"):
        data.mapping("xx", "roles")


def test_mapping_rejects_a_line_without_key(tables: Path) -> None:
    (tables / "roles.txt").write_text("= m\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        data.mapping("xx", "roles")


def test_a_missing_table_names_language_and_file(tables: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"language 'xx' has no word table 'nope'.*nope\.txt"):
        data.words("xx", "nope")


def test_file_is_read_once() -> None:
    data._lines.cache_clear()
    first = data._lines("en", "modals")
    assert data._lines("en", "modals") is first
    assert data._lines.cache_info().hits >= 1


# --- the English tables ------------------------------------------------------------------------------

EN_FILES = sorted(p.stem for p in EN_DIR.glob("*.txt"))


def test_every_english_data_file_is_a_table_of_the_module() -> None:
    """A data file named for an attribute the module does not define is a table nobody reads."""
    assert EN_FILES
    orphans = [n for n in EN_FILES if n != "irregular_verbs" and not hasattr(en, n.upper())]
    assert orphans == []


def test_english_tables_are_read_through_importlib_resources() -> None:
    """Installed wheels carry the files: the loader finds them as package resources, not by path."""
    root = resources.files("watchers.statements.lang.en")
    assert all(root.joinpath(f"{n}.txt").is_file() for n in EN_FILES)


@pytest.mark.parametrize("name", EN_FILES)
def test_english_table_is_casefolded_and_nonempty(name: str) -> None:
    lines = data._lines("en", name)
    assert lines, f"{name}.txt has no entries"
    bad = [entry for _, entry in lines if entry != entry.casefold()]
    assert bad == [], f"{name}.txt: the extractor looks words up casefolded"


@pytest.mark.parametrize("name", [n for n in EN_FILES if isinstance(getattr(en, n.upper(), None), frozenset)])
def test_english_word_set_lists_each_word_once(name: str) -> None:
    seen: set[str] = set()
    repeated = []
    for number, entry in data._lines("en", name):
        if entry in seen:
            repeated.append((number, entry))
        seen.add(entry)
    assert repeated == [], f"{name}.txt repeats (line, entry)"


def test_irregular_verbs_give_three_forms_each() -> None:
    assert all(len(forms) == 3 for forms in en._IRREGULAR.values())
    assert en.QUOTE_VERBS["said"] == "say" and en.QUOTE_VERBS["wrote"] == "write"
    assert en.QUOTE_VERBS["denies"] == "deny" and en.QUOTE_VERBS["signalled"] == "signal"


def test_english_mapping_values_are_known_genders() -> None:
    for table in (en.ROLE_NOUNS, en.HONORIFICS, en.SUBJECT_PRONOUNS, en.OBJECT_PRONOUNS):
        assert set(table.values()) <= {"", "m", "f", "org", "pl"}
