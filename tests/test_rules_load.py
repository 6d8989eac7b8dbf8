"""rules.load, rules.duration and `quotewatch check-rules`: every problem found, located and explained."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from pathlib import Path

import pytest

from bot.cli import main
from rules.duration import format_duration, parse_duration
from rules.load import MAX_BYTES, RulesError, check_file, load_rules, parse_rules
from rules.model import DEFAULT_FUZZY, DEFAULT_INTERVAL, Problem
from rules.suggest import did_you_mean

DATA = Path(__file__).parent / "data" / "rules"
EXAMPLE = Path(__file__).parent.parent / "config.example.toml"
PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")

MINIMAL = """
[[feeds]]
id = "wire"
url = "https://wire.example.org/rss"

[[speakers]]
id = "valdas"
name = "Irena Valdas"

[[watches]]
id = "w"
speakers = ["valdas"]
"""


def problems_of(text: str) -> list[Problem]:
    rules, problems = parse_rules(text, "rules.toml")
    assert (rules is None) == bool(problems)
    return problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# -- good files


def test_example_config_is_valid() -> None:
    rules = load_rules(EXAMPLE)
    assert rules.source == str(EXAMPLE)
    assert rules.feeds and rules.speakers and rules.topics and rules.watches
    for watch in rules.watches:
        assert all(rules.speaker(s) is not None for s in watch.speakers)
        assert all(rules.topic(t) is not None for t in watch.topics)


def test_check_rules_on_example_prints_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-rules", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    rules = load_rules(EXAMPLE)
    assert "OK" in out[0] and f"{len(rules.speakers)} speakers" in out[0]


def test_good_file_values() -> None:
    rules = load_rules(DATA / "good.toml")
    s = rules.settings
    assert (s.db, s.retention, s.backfill, s.dedup_window, s.default_interval) == (
        "test.db", 30 * 86400, 12 * 3600, 2 * 86400, 15 * 60,
    )  # fmt: skip
    t = s.telegram
    assert t.token == "123456:TEST-token_abc" and t.base_url == "http://127.0.0.1:8081/bot"
    assert t.admins == (1001, 1002) and t.allowlist == (-1009876543210,)
    assert (t.mode, t.webhook_listen, t.webhook_url, t.webhook_secret) == (
        "webhook", "127.0.0.1:8443", "https://bot.example.org/hook", "s3cret_token-1",
    )  # fmt: skip

    wire, gazette = rules.feeds
    assert (wire.name, wire.interval, wire.full_text, wire.allow_private) == (
        "Harbour Wire",
        5400,
        True,
        False,
    )
    # name defaults to the id, interval to settings.default_interval
    assert (gazette.name, gazette.interval, gazette.allow_private) == ("valley-gazette", 900, True)

    valdas, brekke = rules.speakers
    assert valdas.aliases == ("Valdas", "Foreign Ministry spokeswoman", "Вальдас") and valdas.fuzzy == 85
    assert brekke.aliases == () and brekke.fuzzy == 0

    corridor, tariffs = rules.topics
    assert (corridor.any, corridor.all, corridor.none) == (
        ("grain corridor", "shipping lane"), ("Black Sea",), ("football",),
    )  # fmt: skip
    assert tariffs.any == () and tariffs.all == ("tariff",)

    ministry, brekke_all = rules.watches
    assert ministry.chats == (-1001234567890, "@harbour_desk")
    assert ministry.feeds == ("harbour-wire",) and ministry.scope == "statements"
    assert ministry.muted_until == dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC).timestamp()
    assert brekke_all.muted_until == 1900000000.0
    assert brekke_all.topics == () and brekke_all.chats == () and brekke_all.scope == "speaker"


def test_defaults_when_keys_are_left_out() -> None:
    rules, problems = parse_rules(MINIMAL)
    assert problems == [] and rules is not None
    assert rules.source == "<string>"
    assert rules.feeds[0].interval == DEFAULT_INTERVAL and rules.feeds[0].name == "wire"
    assert rules.speakers[0].fuzzy == DEFAULT_FUZZY
    assert rules.settings.telegram.token is None and rules.settings.telegram.mode == "polling"


def test_empty_token_means_no_token() -> None:
    rules, _ = parse_rules(MINIMAL + '[telegram]\ntoken = ""\n')
    assert rules is not None and rules.settings.telegram.token is None


def test_token_with_surrounding_whitespace_is_stored_stripped() -> None:
    # Pasted with a trailing space or newline: valid, and stored as Telegram will accept it.
    token = "123456789:AAH1aBcDeFgHiJkLmNoPqRsTuVwXyZ01234"
    rules, problems = parse_rules(MINIMAL + f'[telegram]\ntoken = " {token}\\n "\n')
    assert problems == [] and rules is not None
    assert rules.settings.telegram.token == token
    blank, _ = parse_rules(MINIMAL + '[telegram]\ntoken = "   "\n')
    assert blank is not None and blank.settings.telegram.token is None


def test_local_datetime_and_date_mutes_are_utc() -> None:
    rules, _ = parse_rules(MINIMAL + "muted_until = 2030-05-01T10:00:00\n")
    assert rules is not None
    assert rules.watches[0].muted_until == dt.datetime(2030, 5, 1, 10, tzinfo=dt.UTC).timestamp()
    rules, _ = parse_rules(MINIMAL + "muted_until = 2030-05-01\n")
    assert rules is not None
    assert rules.watches[0].muted_until == dt.datetime(2030, 5, 1, tzinfo=dt.UTC).timestamp()


def test_utf8_bom_and_crlf_are_accepted() -> None:
    text = "\ufeff" + MINIMAL.replace("\n", "\r\n")
    rules, problems = parse_rules(text)
    assert problems == [] and rules is not None


def test_load_rules_raises_with_every_problem() -> None:
    with pytest.raises(RulesError) as info:
        load_rules(DATA / "ten_mistakes.toml")
    assert len(info.value.problems) >= 10
    assert str(info.value.problems[0]) in str(info.value)


# -- the ten-mistakes file through the CLI


def expected_mistakes(path: Path) -> list[tuple[int, str]]:
    """(line, text) for each line marked `# MISTAKE: text` in the fixture."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        marker = line.partition("# MISTAKE: ")[2]
        if marker and not line.startswith("#"):
            found.append((number, marker.strip()))
    return found


def test_check_rules_reports_every_mistake_with_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "ten_mistakes.toml"
    assert main(["check-rules", str(path)]) == 1
    captured = capsys.readouterr()
    reported = []
    for out_line in captured.out.splitlines():
        m = PROBLEM_LINE.match(out_line)
        assert m, f"not path:line:col: message -> {out_line!r}"
        assert m["path"] == str(path)
        reported.append((int(m["line"]), int(m["col"]), m["message"]))
    expected = expected_mistakes(path)
    assert len(expected) >= 10
    source_lines = path.read_text(encoding="utf-8").splitlines()
    for line, text in expected:
        hits = [(col, message) for (ln, col, message) in reported if ln == line and text in message]
        assert hits, f"line {line}: no problem containing {text!r}; got {reported}"
        for col, _ in hits:  # the column points at the key or value, not into blank space
            assert not source_lines[line - 1][col - 1].isspace()
    assert len(reported) == len(expected), "a problem was reported that the fixture does not mark"
    assert f"{len(expected)} problem(s)" in captured.err


def test_problem_messages_start_with_the_key_path() -> None:
    _, problems = check_file(DATA / "ten_mistakes.toml")
    paths = [p.message.split(":")[0] for p in problems]
    assert "speakers[0].alias" in paths and "speakers[1].aliases" in paths and "watches[0].chats[1]" in paths


# -- one mistake at a time


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('[settings]\nretention = "soon"\n', "settings.retention: cannot read 'soon'"),
        ('[settings]\nbackfill = "-5m"\n', "settings.backfill: duration '-5m' is negative"),
        ("[settings]\ndefault_interval = true\n", "settings.default_interval: expected a duration"),
        ('[settings]\ndb = ""\n', "settings.db: empty string"),
        ('db = "x.db"\n', "db: 'db' belongs under [settings]"),
        ('[[settings]]\ndb = "x"\n', "settings: write [settings] (one table), not [[settings]]"),
        ('[feeds]\nid = "x"\n', "feeds: write [[feeds]] (double brackets"),
        ('[[feed]]\nid = "x"\n', "feed: unknown key 'feed' — did you mean 'feeds'?"),
        ('[telegram]\ntoken = "not a token"\n', "telegram.token: does not look like a bot token"),
        ('[telegram]\nmode = "webhook"\n', 'telegram.mode: mode "webhook" needs webhook_url'),
        ('[telegram]\nwebhook_url = "http://bot.example.org/x"\n', "is not an https:// URL"),
        ('[telegram]\nwebhook_listen = "8443"\n', "telegram.webhook_listen: '8443' is not host:port"),
        ('[telegram]\nwebhook_secret = "has space"\n', "telegram.webhook_secret: use 1-256 characters"),
        ("[telegram]\nallowlist = [true]\n", "telegram.allowlist[0]: expected a chat id (a number)"),
        ('[[speakers]]\nid = "x"\n', "speakers[0]: missing required key 'name'"),
        ('[[speakers]]\nname = "X"\n', "speakers[0]: missing required key 'id'"),
        ('[[speakers]]\nid = "Valdas"\nname = "X"\n', "speakers[0].id: 'Valdas' is not a valid id"),
        ('[[speakers]]\nid = "' + "a" * 41 + '"\nname = "X"\n', "speakers[0].id: id is 41 characters long"),
        ('[[speakers]]\nid = "x"\nname = "X"\naliases = "X"\n', 'write aliases = ["X"]'),
        ('[[speakers]]\nid = "x"\nname = "X"\naliases = ["X", ""]\n', "speakers[0].aliases[1]: empty alias"),
        (
            '[[speakers]]\nid = "x"\nname = "X"\naliases = [1]\n',
            "speakers[0].aliases[0]: expected an alias in quotes",
        ),
        ('[[speakers]]\nid = "x"\nname = "X"\nfuzzy = -1\n', "speakers[0].fuzzy: -1 is out of range"),
        (
            '[[speakers]]\nid = "x"\nname = "X"\nfuzzy = "high"\n',
            "speakers[0].fuzzy: expected a number from 0",
        ),
        ('[[topics]]\nid = "t"\n', "topics[0]: no keywords"),
        ('[[topics]]\nid = "t"\nany = []\nall = []\n', "topics[0]: no keywords"),
        ('[[topics]]\nid = "t"\nanyy = ["x"]\n', "topics[0].anyy: unknown key 'anyy' — did you mean 'any'?"),
        ('[[watches]]\nid = "w"\n', "watches[0]: missing required key 'speakers'"),
        ('[[watches]]\nid = "w"\nspeakers = []\n', "watches[0].speakers: empty list"),
        (
            '[[watches]]\nid = "w"\nspeakers = ["nobody"]\n',
            "unknown speaker 'nobody' — there are no [[speakers]]",
        ),
        (
            '[[watches]]\nid = "w"\nspeakers = ["x"]\nchats = "@desk"\n',
            "watches[0].chats: expected a list of chats",
        ),
        ('[[watches]]\nid = "w"\nspeakers = ["x"]\nchats = ["@ab"]\n', "'@ab' is not a channel username"),
        ('[[watches]]\nid = "w"\nspeakers = ["x"]\nscope = 1\n', "watches[0].scope: expected one of"),
        (
            '[[watches]]\nid = "w"\nspeakers = ["x"]\nmuted_until = -5\n',
            "watches[0].muted_until: expected a date-time",
        ),
        (
            '[[watches]]\nid = "w"\nspeakers = ["x"]\nmuted_until = 10:00:00\n',
            "muted_until: expected a date-time",
        ),
        (
            '[[feeds]]\nid = "f"\nurl = "news.example.org/rss"\n',
            "feeds[0].url: 'news.example.org/rss' is not an http",
        ),
        ('[[feeds]]\nid = "f"\nurl = "https://"\n', "feeds[0].url: 'https://' is not an http"),
        (
            '[[feeds]]\nid = "f"\nurl = "https://a.org"\nfull_text = "true"\n',
            "expected true or false (no quotes)",
        ),
        ('[[feeds]]\nid = "f"\nurl = "https://a.org"\ninterval = "5M"\n', "feeds[0].interval: unit 'M'"),
    ],
)
def test_each_kind_of_mistake(snippet: str, message: str) -> None:
    # Most snippets go in front of an otherwise valid file; those that would clash with it stand alone.
    text = snippet if snippet.startswith(("[[speakers]]", "[[watches]]", "[feeds]")) else snippet + MINIMAL
    problems = problems_of(text)
    assert any(message in p.message for p in problems), problems
    hit = next(p for p in problems if message in p.message)
    assert hit.path == "rules.toml" and hit.line >= 1 and hit.col >= 1


def test_duplicate_ids_name_the_first_one() -> None:
    text = MINIMAL + '\n[[feeds]]\nid = "wire"\nurl = "https://other.example.org/rss"\n'
    problem = only_problem(text)
    assert problem.message.startswith("feeds[1].id: duplicate feed id 'wire' — feeds[0] on line 3")
    assert problem.line == text.splitlines().index('id = "wire"', 5) + 1


def test_reference_suggests_close_id() -> None:
    problem = only_problem(MINIMAL.replace('speakers = ["valdas"]', 'speakers = ["valdsa"]'))
    assert problem.message == "watches[0].speakers[0]: unknown speaker 'valdsa' — did you mean 'valdas'?"


def test_one_broken_speaker_does_not_cascade_into_unknown_reference() -> None:
    # The speaker's fuzzy is wrong, but its id is fine: the watch naming it must not be reported too.
    problem = only_problem(MINIMAL.replace('name = "Irena Valdas"', 'name = "Irena Valdas"\nfuzzy = 101'))
    assert problem.message.startswith("speakers[0].fuzzy")


# -- positions


def test_positions_in_inline_tables_quoted_and_dotted_keys() -> None:
    text = MINIMAL + '\n[[topics]]\n"id" = "t"\nany = ["alpha", 7]\n'
    problem = only_problem(text)
    line = text.splitlines()[problem.line - 1]
    assert problem.message.startswith("topics[0].any[1]")
    assert line[problem.col - 1 :].startswith("7")

    text = 'feeds = [{id = "f", url = "gopher://x.org"}]\n'
    problem = only_problem(text)
    assert problem.message.startswith("feeds[0].url") and (problem.line, problem.col) == (1, 21)

    text = MINIMAL + '\n[telegram]\nwebhook_listen."x" = 1\n'
    problems = problems_of(text)
    assert any(p.message.startswith("telegram.webhook_listen") for p in problems)


def test_positions_after_multiline_strings_and_crlf() -> None:
    text = ('[settings]\ndb = """\n[not a header]\nretention = "x"\n"""\nretention = "nope"\n').replace(
        "\n", "\r\n"
    )
    problem = only_problem(MINIMAL.replace("\n", "\r\n") + text)
    assert problem.message.startswith("settings.retention")
    assert (
        (MINIMAL.replace("\n", "\r\n") + text).splitlines()[problem.line - 1].startswith('retention = "nope"')
    )


def test_problems_are_sorted_by_position() -> None:
    _, problems = check_file(DATA / "ten_mistakes.toml")
    assert problems == sorted(problems, key=lambda p: (p.line, p.col))


def test_syntax_error_has_tomllib_position_and_a_hint() -> None:
    _, problems = check_file(DATA / "syntax_error.toml")
    (problem,) = problems
    line = (DATA / "syntax_error.toml").read_text().splitlines()[problem.line - 1]
    assert line[problem.col - 1 :] == "Irena Valdas"
    assert "TOML syntax error" in problem.message and 'name = "Irena Valdas"' in problem.message


def test_syntax_error_at_end_of_document() -> None:
    problem = only_problem('[settings]\ndb = "x')
    assert problem.line == 2 and "TOML syntax error" in problem.message


def test_duplicate_table_syntax_error_names_the_table() -> None:
    problem = only_problem(MINIMAL + "[settings]\n[settings]\n")
    assert "'settings'" in problem.message and "written twice" in problem.message


# -- bad input files


def run_check(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    assert main(["check-rules", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out
    lines = out.splitlines()
    assert len(lines) == 1 and PROBLEM_LINE.match(lines[0]), out
    return lines[0]


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("")
    assert "file is empty" in run_check(capsys, path)
    path.write_text("\n  \n")
    assert "file is empty" in run_check(capsys, path)
    path.write_text("# nothing yet\n")
    assert "only comments" in run_check(capsys, path)


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes(b"[settings]\n\x00\x01\x02")
    assert "binary file (NUL byte at offset 11)" in run_check(capsys, path)


def test_utf16_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes(MINIMAL.encode("utf-16"))
    assert "UTF-16" in run_check(capsys, path)


def test_non_utf8_file_names_the_byte_offset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.toml"
    data = MINIMAL.replace("Irena Valdas", "Ir\xe9na Valdas").encode("latin-1")
    path.write_bytes(data)
    line = run_check(capsys, path)
    offset = data.index(b"\xe9")
    assert f"byte 0xe9 at offset {offset}" in line
    line_number = data[:offset].count(b"\n") + 1
    assert line.startswith(f"{path}:{line_number}:")


def test_huge_file_is_refused_without_parsing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as f:  # sparse: 10 MB long, nothing written
        f.truncate(10 * 1024 * 1024)
    assert "too large" in run_check(capsys, path)
    path.write_bytes(b"# x\n" * (MAX_BYTES // 4 + 1))
    assert "too large" in run_check(capsys, path)


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such file" in run_check(capsys, tmp_path / "nope.toml")
    assert "is a directory" in run_check(capsys, tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    assert "not a regular file" in run_check(capsys, path)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL)
    path.chmod(0)
    assert "permission denied" in run_check(capsys, path)


def test_load_rules_on_missing_file_raises_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path / "missing.toml")
    assert "no such file" in info.value.problems[0].message


def test_mangled_files_never_raise() -> None:
    """Random damage to a good file gives problems (or valid rules), never an exception."""
    rng = random.Random(20240601)
    original = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    pieces = ["[", "]", '"', "=", "{", "}", ",", "[[", "\n", "'''", '"""', "#", "\\", "x", "1", "\x00", "é"]
    for _ in range(300):
        lines = list(original)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(lines))
            action = rng.randrange(4)
            if action == 0:
                del lines[i]
            elif action == 1:
                lines.insert(i, lines[rng.randrange(len(lines))])
            else:
                pos = rng.randrange(len(lines[i]) + 1)
                lines[i] = lines[i][:pos] + rng.choice(pieces) + lines[i][pos:]
        text = "".join(lines)
        rules, problems = parse_rules(text, "x.toml")
        assert (rules is None) == bool(problems)
        for p in problems:
            assert 1 <= p.line <= max(1, text.count("\n") + 1) and p.col >= 1


# -- durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90), ("5m", 300), ("2h", 7200), ("7d", 604800), ("1w", 604800), ("1h30m", 5400),
        ("1h 30m", 5400), ("1.5h", 5400), ("300", 300), ("0.5s", 0.5), ("5 minutes", 300), ("2 Hours", 7200),
        (90, 90), (2.5, 2.5), ("0s", 0),
    ],
)  # fmt: skip
def test_parse_duration(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty duration"), ("soon", "cannot read 'soon'"), ("5x", "unknown unit 'x'"),
        ("5M", "ambiguous"), ("1h1h", "appears twice"), ("-5m", "negative"), ("1h30", "has no unit"),
        (-1, "positive"), (float("nan"), "positive"), (True, "true/false"),
    ],
)  # fmt: skip
def test_parse_duration_errors_say_how_to_write_it(text: str | float, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (45, "45s"), (90, "1m30s"), (300, "5m"), (5400, "1h30m"), (86400, "1d"), (90061, "1d1h1m1s"),
     (1.5, "1.5s")],
)  # fmt: skip
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_then_parse_round_trips() -> None:
    rng = random.Random(7)
    for _ in range(500):
        seconds = float(rng.randrange(0, 400 * 86400))
        assert parse_duration(format_duration(seconds)) == seconds


def test_did_you_mean_answers_in_the_choices_spelling_or_not_at_all() -> None:
    assert did_you_mean("SPEAKRS", ["Speakers", "topics"]) == "did you mean 'Speakers'?"
    assert did_you_mean("zzz", ["speakers", "topics"]) == ""
    assert did_you_mean("feeds", []) == ""
