"""`quotewatch check-rules` on Cyrillic terms (rules.termnotes): a note for each mistake (Latin letters
typed inside a Russian word, an alias with no nominative reading), and with `--forms` every case each
term matches, marking the surnames the dictionary does not know (their cases are guessed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from rules.inflect import forms
from rules.model import Rules, Speaker, Topic
from rules.termnotes import term_forms, term_notes

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


def test_check_rules_prints_a_note_per_mistake(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES_FILE, encoding="utf-8")
    assert main(["check-rules", str(path)]) == 0  # notes are not problems
    lines = capsys.readouterr().out.strip().splitlines()
    assert "OK" in lines[0]
    notes = lines[1:]
    assert len(notes) == 2, notes
    assert all(line.startswith("note: ") for line in notes)
    latin, genitive = notes
    assert "speaker peskov, alias 'Пeсков'" in latin and "Latin letters (e)" in latin
    assert "speaker varakin, alias 'МИДа'" in genitive and "only as written" in genitive


def test_check_rules_forms_lists_what_each_term_matches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES_FILE, encoding="utf-8")
    assert main(["check-rules", str(path), "--forms"]) == 0
    forms_lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("forms: ")]
    by_term = {line.split(": ")[1]: line for line in forms_lines}
    assert "Пескова" in by_term["speaker peskov, alias 'Песков'"]
    unknown = by_term["speaker varakin, name 'Ксенофонт Кракозябров'"]
    assert "Ксенофонта Кракозяброва" in unknown and "guessed: 'Кракозябров'" in unknown
    assert "guessed" not in by_term["speaker peskov, name 'Дмитрий Песков'"]
    assert "расширения НАТО" in by_term["topic nato, any 'расширение НАТО'"]
    assert not any("'NATO'" in line for line in forms_lines)  # Latin terms have one form


def test_known_names_and_latin_terms_get_no_note() -> None:
    rules = Rules(
        speakers=(Speaker(id="z", name="Мария Захарова", aliases=("Захарова", "Zakharova", "Шойгу", "Кракозябров")),),
        topics=(Topic(id="t", any=("расширение НАТО",), all=("санкции",), none=("football",)),),
    )
    assert term_notes(rules) == []


def test_the_listed_forms_are_the_ones_matched() -> None:
    rules = Rules(speakers=(Speaker(id="k", name="Кракозябров"),))
    [line] = term_forms(rules)
    assert line.startswith("speaker k, name 'Кракозябров': " + ", ".join(forms("Кракозябров", "speaker")[1:]))


def test_abbreviations_in_capitals_keep_their_form() -> None:
    assert all("МИД России" in f for f in forms("официальный представитель МИД России", "speaker"))
