"""rules.edit: each edit changes only what it must, re-validates, and writes atomically or not at all."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from rules import edit
from rules.load import RulesError, load_rules

DATA = Path(__file__).parent / "data" / "rules"


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    shutil.copy(DATA / "commented.toml", path)
    return path


def changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """(lines removed, lines added) between two texts."""
    removed: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old.splitlines()[i1:i2]
            added += new.splitlines()[j1:j2]
    return removed, added


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def table_lines(text: str, header: str, id_line: str) -> list[str]:
    """The lines of the table whose `id = ...` line is `id_line`: its header up to the next header."""
    lines = text.splitlines()
    start = lines.index(id_line) - 1
    assert lines[start] == header
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return lines[start:end]


def assert_untouched(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name], "a temporary file was left behind"


# -- adding


def test_add_speaker_appends_a_table_and_nothing_else(rules_file: Path) -> None:
    old = rules_file.read_text()
    rules = edit.add_speaker(rules_file, "lind", "Petra Lind", ["Lind", "harbour master"])
    new = rules_file.read_text()
    speaker = rules.speaker("lind")
    assert speaker is not None and speaker.aliases == ("Lind", "harbour master")
    assert load_rules(rules_file) == rules
    block = '\n[[speakers]]\nid = "lind"\nname = "Petra Lind"\naliases = ["Lind", "harbour master"]\n'
    oduya_end = 'aliases = ["Oduya"]   # port authority chief\n'
    assert new == old.replace(oduya_end, oduya_end + block)
    # the new table sits after the last speaker, above the comment that introduces the topics
    assert new.index('id = "lind"') < new.index("# ---- topics")
    assert comments(new) == comments(old)


def test_add_speaker_refuses_an_existing_id(rules_file: Path) -> None:
    before = rules_file.read_bytes()
    with pytest.raises(RulesError, match="speaker 'brekke' exists already"):
        edit.add_speaker(rules_file, "brekke", "Someone Else")
    assert_untouched(rules_file, before)


def test_add_speaker_with_a_bad_id_is_refused_by_validation(rules_file: Path) -> None:
    before = rules_file.read_bytes()
    with pytest.raises(RulesError) as info:
        edit.add_speaker(rules_file, "Petra Lind", "Petra Lind")
    assert "is not a valid id" in info.value.problems[0].message
    assert_untouched(rules_file, before)


def test_add_speaker_to_a_file_without_speakers(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('# just a feed\n[[feeds]]\nid = "wire"\nurl = "https://wire.example.org/rss"   # main\n')
    old = path.read_text()
    rules = edit.add_speaker(path, "lind", "Petra Lind")
    assert [s.id for s in rules.speakers] == ["lind"]
    assert path.read_text().startswith(old)
    assert path.read_text() == old + '\n[[speakers]]\nid = "lind"\nname = "Petra Lind"\n'


def test_add_alias_changes_only_that_array(rules_file: Path) -> None:
    old = rules_file.read_text()
    rules = edit.add_alias(rules_file, "brekke", "Mr Brekke")
    speaker = rules.speaker("brekke")
    assert speaker is not None and speaker.aliases == ("Brekke", "Trade Minister", "Mr Brekke")
    removed, added = changes(old, rules_file.read_text())
    assert removed == ['aliases = ["Brekke", "Trade Minister"]']
    assert added == ['aliases = ["Brekke", "Trade Minister", "Mr Brekke"]']


def test_add_alias_to_a_multiline_array_keeps_its_comments(rules_file: Path) -> None:
    old = rules_file.read_text()
    edit.add_alias(rules_file, "valdas", "Ms Valdas")
    new = rules_file.read_text()
    removed, added = changes(old, new)
    assert removed == [] and [a.strip() for a in added] == ['"Ms Valdas",']
    assert comments(new) == comments(old)


def test_add_alias_refuses_a_duplicate_ignoring_case(rules_file: Path) -> None:
    before = rules_file.read_bytes()
    with pytest.raises(RulesError, match="already has the alias"):
        edit.add_alias(rules_file, "brekke", "trade minister")
    with pytest.raises(RulesError, match="already has the alias"):
        edit.add_alias(rules_file, "brekke", "Tomas Brekke")  # the display name counts as an alias
    assert_untouched(rules_file, before)


def test_add_alias_creates_the_key_above_the_next_section_comment(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[speakers]]\nid = "lind"\nname = "Petra Lind"\n# note on Lind\n\n# ---- watches\n'
        '[[watches]]\nid = "w"\nspeakers = ["lind"]\n'
    )
    rules = edit.add_alias(path, "lind", "Lind")
    assert rules.speakers[0].aliases == ("Lind",)
    assert path.read_text() == (
        '[[speakers]]\nid = "lind"\nname = "Petra Lind"\n# note on Lind\naliases = ["Lind"]\n\n# ---- watches\n'
        '[[watches]]\nid = "w"\nspeakers = ["lind"]\n'
    )


def test_unknown_speaker_suggests_a_close_id(rules_file: Path) -> None:
    with pytest.raises(RulesError, match="no speaker 'bekke' — did you mean 'brekke'"):
        edit.add_alias(rules_file, "bekke", "X")


def test_add_topic_keyword_to_each_list(rules_file: Path) -> None:
    edit.add_topic_keyword(rules_file, "tariffs", "levies")
    edit.add_topic_keyword(rules_file, "tariffs", "EU", list="all")
    rules = edit.add_topic_keyword(rules_file, "tariffs", "football", list="none")
    topic = rules.topic("tariffs")
    assert topic is not None
    assert (topic.any, topic.all, topic.none) == (("tariff", "duties", "levies"), ("EU",), ("football",))
    with pytest.raises(RulesError, match="already has 'Levies' in any"):
        edit.add_topic_keyword(rules_file, "tariffs", "Levies")


def test_add_watch(rules_file: Path) -> None:
    old = rules_file.read_text()
    rules = edit.add_watch(
        rules_file,
        "trade",
        ["brekke"],
        ["tariffs"],
        [-100555, "@trade_desk"],
        feeds=["harbour-wire"],
        scope="article",
    )
    watch = next(w for w in rules.watches if w.id == "trade")
    assert (watch.speakers, watch.topics, watch.chats, watch.feeds, watch.scope) == (
        ("brekke",), ("tariffs",), (-100555, "@trade_desk"), ("harbour-wire",), "article",
    )  # fmt: skip
    new = rules_file.read_text()
    removed, _ = changes(old, new)
    assert removed == []
    assert comments(new) == comments(old)
    # the end-of-file notes stay at the end of the file
    assert new.index('id = "trade"') < new.index("# ---- end of file")


def test_add_watch_with_unknown_ids_is_refused(rules_file: Path) -> None:
    before = rules_file.read_bytes()
    with pytest.raises(RulesError) as info:
        edit.add_watch(rules_file, "trade", ["brekk"], ["tarifs"], [])
    messages = [p.message for p in info.value.problems]
    assert any("unknown speaker 'brekk' — did you mean 'brekke'?" in m for m in messages)
    assert any("unknown topic 'tarifs' — did you mean 'tariffs'?" in m for m in messages)
    assert_untouched(rules_file, before)


def test_add_watch_with_a_bad_chat_is_refused(rules_file: Path) -> None:
    before = rules_file.read_bytes()
    with pytest.raises(RulesError, match='did you mean "@trade_desk"'):
        edit.add_watch(rules_file, "trade", ["brekke"], [], ["trade_desk"])
    assert_untouched(rules_file, before)


# -- removing


def test_remove_speaker_in_the_middle(rules_file: Path) -> None:
    old = rules_file.read_text()
    rules = edit.remove_speaker(rules_file, "brekke")
    assert [s.id for s in rules.speakers] == ["valdas", "oduya"]
    ministry = next(w for w in rules.watches if w.id == "ministry")
    assert ministry.speakers == ("valdas",)
    new = rules_file.read_text()
    removed, added = changes(old, new)
    brekke = table_lines(old, "[[speakers]]", 'id = "brekke"              # trade minister')
    assert set(removed) == {*brekke, "", 'speakers = ["valdas", "brekke"]'}
    assert added == ['speakers = ["valdas"]']
    # the notes under valdas and the comment on the brekke id line are all that went
    assert [c for c in comments(old) if c not in comments(new)] == []


def test_remove_first_speaker_keeps_the_section_comment(rules_file: Path) -> None:
    old = rules_file.read_text()
    edit.remove_watch(rules_file, "ministry")  # valdas is the only speaker of this watch
    rules = edit.remove_speaker(rules_file, "valdas")
    assert [s.id for s in rules.speakers] == ["brekke", "oduya"]
    new = rules_file.read_text()
    assert '# One table per person.\n[[speakers]]\nid = "brekke"' in new
    lost = [c for c in comments(old) if c not in comments(new)]
    # only the comment lines written inside the removed tables (below their last key) are gone
    assert lost == [
        "# (Valdas took over the briefings in spring.)",
        "                           # (continued note about scope)",
    ]
    assert "# surname" not in new and "# title" not in new  # end-of-line comments of removed keys


def test_remove_last_speaker_of_a_section_keeps_the_next_sections_comment(rules_file: Path) -> None:
    old = rules_file.read_text()
    edit.remove_watch(rules_file, "port")
    rules = edit.remove_speaker(rules_file, "oduya")
    assert [s.id for s in rules.speakers] == ["valdas", "brekke"]
    new = rules_file.read_text()
    assert 'aliases = ["Brekke", "Trade Minister"]\n\n# ---- topics' in new
    assert "# ---- end of file: notes" in new and new.endswith("# Ask the desk before adding watches.\n")
    assert [c for c in comments(old) if c not in comments(new)] == []


def test_remove_speaker_refuses_to_leave_a_watch_empty(rules_file: Path) -> None:
    before = rules_file.read_bytes()
    with pytest.raises(RulesError) as info:
        edit.remove_speaker(rules_file, "oduya")
    (problem,) = info.value.problems
    assert "watch 'port' would have no speakers left" in problem.message
    assert before.decode().splitlines()[problem.line - 1] == "[[watches]]"  # points at that watch
    assert_untouched(rules_file, before)


def test_remove_alias_and_last_alias(rules_file: Path) -> None:
    rules = edit.remove_alias(rules_file, "brekke", "trade minister")  # case does not matter
    assert rules.speaker("brekke").aliases == ("Brekke",)  # type: ignore[union-attr]
    old = rules_file.read_text()
    rules = edit.remove_alias(rules_file, "brekke", "Brekke")
    assert rules.speaker("brekke").aliases == ()  # type: ignore[union-attr]
    removed, added = changes(old, rules_file.read_text())
    assert removed == ['aliases = ["Brekke"]'] and added == []  # no empty list left behind


def test_remove_alias_that_is_not_there(rules_file: Path) -> None:
    with pytest.raises(
        RulesError, match="'Brekk' is not an alias of speaker 'brekke' — did you mean 'Brekke'"
    ):
        edit.remove_alias(rules_file, "brekke", "Brekk")


def test_remove_topic_keyword(rules_file: Path) -> None:
    rules = edit.remove_topic_keyword(rules_file, "grain-corridor", "shipping lane")
    assert rules.topic("grain-corridor").any == ("grain corridor",)  # type: ignore[union-attr]
    rules = edit.remove_topic_keyword(rules_file, "grain-corridor", "Black Sea", list="all")
    assert rules.topic("grain-corridor").all == ()  # type: ignore[union-attr]
    before = rules_file.read_bytes()
    with pytest.raises(RulesError, match="last keyword of topic 'grain-corridor'"):
        edit.remove_topic_keyword(rules_file, "grain-corridor", "grain corridor")
    assert_untouched(rules_file, before)


def test_remove_watch_that_is_the_only_one(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[speakers]]\nid = "lind"\nname = "Petra Lind"\n\n[[watches]]\nid = "w"\nspeakers = ["lind"]\n'
        '\n# trailing notes\n\n[settings]\ndb = "x.db"\n'
    )
    rules = edit.remove_watch(path, "w")
    assert rules.watches == ()
    assert (
        path.read_text()
        == '[[speakers]]\nid = "lind"\nname = "Petra Lind"\n\n# trailing notes\n\n[settings]\ndb = "x.db"\n'
    )


def test_remove_watch_unknown(rules_file: Path) -> None:
    with pytest.raises(RulesError, match="no watch 'ports' — did you mean 'port'"):
        edit.remove_watch(rules_file, "ports")


# -- muting


def test_mute_a_watch_then_unmute(rules_file: Path) -> None:
    old = rules_file.read_text()
    until = dt.datetime(2031, 3, 4, 5, 6, 7, tzinfo=dt.UTC).timestamp()
    rules = edit.set_mute(rules_file, "ministry", until)
    assert next(w for w in rules.watches if w.id == "ministry").muted_until == until
    removed, added = changes(old, rules_file.read_text())
    assert removed == [] and added == ["muted_until = 2031-03-04T05:06:07Z"]
    # below the continuation comment of `scope`, not between the two
    assert "# (continued note about scope)\nmuted_until" in rules_file.read_text()
    rules = edit.set_mute(rules_file, "ministry", None)
    assert rules_file.read_text() == old


def test_mute_a_speaker_mutes_each_of_its_watches_rounding_up(rules_file: Path) -> None:
    edit.add_watch(rules_file, "valdas-only", ["valdas"], [], [])
    until = 1_950_000_000.25
    rules = edit.set_mute(rules_file, "valdas", until)
    muted = {w.id: w.muted_until for w in rules.watches}
    assert muted == {"ministry": math.ceil(until), "port": None, "valdas-only": math.ceil(until)}


def test_mute_an_existing_mute_keeps_its_comment(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[speakers]]\nid = "lind"\nname = "Petra Lind"\n\n[[watches]]\nid = "w"\nspeakers = ["lind"]\n'
        "muted_until = 2030-01-01T00:00:00Z   # holiday\n"
    )
    edit.set_mute(path, "w", dt.datetime(2032, 1, 1, tzinfo=dt.UTC).timestamp())
    assert "muted_until = 2032-01-01T00:00:00Z   # holiday\n" in path.read_text()


def test_mute_unknown_target(rules_file: Path) -> None:
    with pytest.raises(RulesError, match="no watch or speaker 'ministri' — did you mean 'ministry'"):
        edit.set_mute(rules_file, "ministri", 2e9)


# -- the write itself


def test_file_mode_is_kept_and_no_temp_file_remains(rules_file: Path) -> None:
    rules_file.chmod(0o640)
    edit.add_alias(rules_file, "oduya", "port chief")
    assert stat.S_IMODE(rules_file.stat().st_mode) == 0o640
    assert [p.name for p in rules_file.parent.iterdir()] == ["config.toml"]


def test_a_symlink_stays_a_symlink(rules_file: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(rules_file)
    edit.add_alias(link, "oduya", "port chief")
    assert link.is_symlink()
    assert "port chief" in rules_file.read_text()


def test_a_broken_file_is_not_edited(rules_file: Path) -> None:
    rules_file.write_text(rules_file.read_text().replace('scope = "speaker"', 'scope = "speakers"'))
    before = rules_file.read_bytes()
    with pytest.raises(RulesError) as info:
        edit.add_alias(rules_file, "oduya", "port chief")
    assert "did you mean 'speaker'" in info.value.problems[0].message
    assert_untouched(rules_file, before)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="no such file"):
        edit.add_alias(tmp_path / "nope.toml", "oduya", "port chief")


def test_crlf_file_stays_valid(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes((DATA / "commented.toml").read_bytes().replace(b"\n", b"\r\n"))
    rules = edit.add_speaker(path, "lind", "Petra Lind", ["Lind"])
    assert rules.speaker("lind") is not None
    edit.remove_speaker(path, "lind")
    assert load_rules(path).speaker("lind") is None


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes everywhere")
def test_unwritable_directory_is_reported(rules_file: Path) -> None:
    rules_file.parent.chmod(0o500)
    try:
        with pytest.raises(RulesError, match="cannot write the file"):
            edit.add_alias(rules_file, "oduya", "port chief")
    finally:
        rules_file.parent.chmod(0o700)


def test_many_edits_round_trip_back_to_the_original(rules_file: Path) -> None:
    original = rules_file.read_text()
    edit.add_speaker(rules_file, "lind", "Petra Lind", ["Lind"])
    edit.add_alias(rules_file, "lind", "harbour master")
    edit.add_watch(rules_file, "lind-watch", ["lind", "oduya"], ["tariffs"], [-1001])
    edit.set_mute(rules_file, "lind", 2e9)
    edit.remove_watch(rules_file, "lind-watch")
    edit.remove_speaker(rules_file, "lind")
    assert rules_file.read_text() == original


def test_example_config_round_trips_through_edits(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    shutil.copy(Path(__file__).parent.parent / "config.example.toml", path)
    original = path.read_text(encoding="utf-8")
    edit.add_speaker(path, "lind", "Petra Lind", ["Lind"])
    edit.add_alias(path, "lind", "Линд")
    edit.add_topic_keyword(path, "sanctions", "asset freeze")
    edit.add_watch(path, "lind-desk", ["lind"], ["sanctions"], ["@lind_desk"])
    edit.set_mute(path, "lind", 2e9)
    edit.remove_watch(path, "lind-desk")
    edit.remove_topic_keyword(path, "sanctions", "asset freeze")
    edit.remove_speaker(path, "lind")
    assert path.read_text(encoding="utf-8") == original


def test_concurrent_edits_from_threads_all_land(rules_file: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    aliases = [f"alias {i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda a: edit.add_alias(rules_file, "oduya", a), aliases))
    speaker = load_rules(rules_file).speaker("oduya")
    assert speaker is not None and sorted(speaker.aliases) == sorted(["Oduya", *aliases])


# -- files the bot cannot edit

INLINE = """\
# Written by hand with inline arrays: valid rules, but not editable table by table.
speakers = [{ id = "kovalenko", name = "Marta Kovalenko" }, { id = "tamm", name = "Oskar Tamm" }]
topics = [{ id = "grain", any = ["grain", "harvest"] }]
watches = [{ id = "grain-desk", speakers = ["kovalenko", "tamm"], topics = ["grain"] }]

[[feeds]]
id = "ledger"
name = "The Harbour Ledger"
url = "https://ledger.example/feed.xml"
"""


@pytest.mark.parametrize(
    ("change", "section"),
    [
        (lambda p: edit.set_mute(p, "grain-desk", 2e9), "watches"),
        (lambda p: edit.set_mute(p, "tamm", 2e9), "watches"),
        (lambda p: edit.add_watch(p, "port", ["tamm"]), "watches"),
        (lambda p: edit.remove_watch(p, "grain-desk"), "watches"),
        (lambda p: edit.remove_speaker(p, "tamm"), "watches"),
        (lambda p: edit.add_speaker(p, "lind", "Ada Lind"), "speakers"),
        (lambda p: edit.add_alias(p, "kovalenko", "the agriculture minister"), "speakers"),
        (lambda p: edit.add_topic_keyword(p, "grain", "wheat"), "topics"),
    ],
)
def test_inline_array_sections_are_refused_with_a_rules_error(
    tmp_path: Path, change: Any, section: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(INLINE, encoding="utf-8")
    assert load_rules(path).watches[0].id == "grain-desk"  # the file itself is fine
    before = path.read_bytes()
    with pytest.raises(RulesError) as refused:
        change(path)
    [problem] = refused.value.problems
    assert "written as an inline array" in problem.message and f"[[{section}]]" in problem.message
    assert problem.line == INLINE.splitlines().index(
        next(line for line in INLINE.splitlines() if line.startswith(f"{section} ="))) + 1
    assert_untouched(path, before)


def test_suggestions_are_the_loaders_ignoring_case(rules_file: Path) -> None:
    # rules.edit uses validation's did-you-mean (rules.suggest), so a refused edit suggests what it would.
    with pytest.raises(RulesError, match="did you mean"):
        edit.remove_watch(rules_file, load_rules(rules_file).watches[0].id.upper())
