"""The first-name list is read from the package's 22 MB data file once, then from a small cache file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from watchers.statements import first_names


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if first_names._data_file() is None:
        pytest.skip("nomquamgender is not installed")
    monkeypatch.setenv("QUOTEWATCH_CACHE_DIR", str(tmp_path))
    first_names._library.cache_clear()
    yield tmp_path
    first_names._library.cache_clear()


def test_the_cache_file_gives_the_same_names_as_the_data_file(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    computed = first_names._library()
    assert "hillary" in computed[1] and "donald" in computed[0]
    [cached] = fresh.glob("first-names-*.bin")
    first_names._library.cache_clear()
    monkeypatch.setattr(first_names, "_read", lambda path: pytest.fail("read the data file again"))
    assert first_names._library() == computed


def test_a_cut_cache_file_is_computed_again(fresh: Path) -> None:
    computed = first_names._library()
    [cached] = fresh.glob("first-names-*.bin")
    whole = cached.read_bytes()
    cached.write_bytes(whole[: len(whole) // 2])  # a write cut short (disk full, a kill)
    first_names._library.cache_clear()
    assert first_names._library() == computed
    assert first_names._load(cached.read_bytes()) == computed  # and written again whole


def test_a_name_set_holds_its_names_and_no_others() -> None:
    names = first_names.NameSet.of(["ada", "lund", "jo"])
    assert "ada" in names and "jo" in names and "lund" in names
    assert "al" not in names and "" not in names and 3 not in names
    assert len(names) == 3 and len(first_names.NameSet.of([])) == 0


def test_an_unwritable_cache_folder_only_costs_time(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = fresh / "file"
    blocker.write_text("")
    monkeypatch.setenv("QUOTEWATCH_CACHE_DIR", str(blocker / "sub"))
    assert first_names.gender("Hillary") == "f"
