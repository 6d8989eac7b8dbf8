"""`quotewatch check-rules` says which Cyrillic terms it could not read with certainty (rules.termnotes):
Latin letters typed inside a Russian word, surnames the dictionary does not know (with the guessed
cases shown), and aliases with no nominative reading; a file of well-known names gets no note."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from rules.inflect import forms
from rules.model import Rules, Speaker, Topic
from rules.termnotes import term_notes

RULES_FILE = """
[[speakers]]
id = "peskov"
name = "Дмитрий Песков"
aliases = ["Песков", "П\u0065сков"]   # the second has a Latin "e"

[[speakers]]
id = "varakin"
name = "Ксенофонт Кракозябров"   # a surname no dictionary has
aliases = ["МИДа"]                 # written in the genitive: no nominative reading

[[topics]]
id = "nato"
any = ["расширение НАТО", "NATO"]

[[watches]]
id = "w"
speakers = ["peskov", "varakin"]
chats = [1]
"""


def test_check_rules_prints_a_note_per_uncertain_term(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES_FILE, encoding="utf-8")
    assert main(["check-rules", str(path)]) == 0  # notes are not problems
    lines = capsys.readouterr().out.strip().splitlines()
    assert "OK" in lines[0]
    notes = lines[1:]
    assert all(line.startswith("note: ") for line in notes)
    assert len(notes) == 3, notes
    latin, unknown, genitive = notes
    assert "speaker peskov, alias 'Пeсков'" in latin and "Latin letters (e)" in latin
    assert "speaker varakin, name 'Ксенофонт Кракозябров'" in unknown and "'Кракозябров'" in unknown
    assert "Ксенофонта Кракозяброва" in unknown  # the guessed genitive, shown to be checked
    assert "speaker varakin, alias 'МИДа'" in genitive and "only as written" in genitive


def test_known_names_and_latin_terms_get_no_note() -> None:
    rules = Rules(
        speakers=(Speaker(id="z", name="Мария Захарова", aliases=("Захарова", "Zakharova", "Шойгу")),),
        topics=(Topic(id="t", any=("расширение НАТО",), all=("санкции",), none=("football",)),),
    )
    assert term_notes(rules) == []


def test_the_guessed_forms_are_the_ones_matched() -> None:
    # the note lists what the matcher will look for, not a second guess
    rules = Rules(speakers=(Speaker(id="k", name="Кракозябров"),))
    [note] = term_notes(rules)
    assert ", ".join(forms("Кракозябров", "speaker")[1:]) in note
