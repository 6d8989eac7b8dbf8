"""Digests and the time arithmetic of a chat's settings (bot.digest, bot.settings): pure, the clock passed in."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.digest import DIGEST_QUOTE, render_digest
from bot.i18n import language
from bot.render import TELEGRAM_MAX_TEXT, visible_length
from bot.settings import (
    ChatSettings,
    SettingError,
    decide,
    in_quiet,
    last_boundary,
    parse_digest,
    parse_quiet,
    parse_tz,
    parse_urgent,
    release_due,
)
from watchers.model import Source, Statement, Story

T0 = datetime(2024, 6, 3, 10, 0, tzinfo=UTC)


def story(n: int, speaker: str = "Marta Kovalenko", speaker_id: str = "kovalenko", *, text: str | None = None,
          kind: str = "direct", outlets: int = 1) -> Story:
    quote = text if text is not None else f"Statement number {n} about the harbour levy and the grain quota."
    sources = tuple(
        Source(url=f"https://outlet{i}.example/{n}", title=f"Title {n}", feed=f"f{i}", outlet=f"Outlet {i}",
               published=T0 + timedelta(minutes=n, seconds=i))
        for i in range(outlets)
    )
    return Story(id=f"s{n}", speaker_id=speaker_id, speaker=speaker, topics=("grain",),
                 quotes=(Statement(quote, 0, len(quote), kind, speaker, speaker_id),),  # type: ignore[arg-type]
                 sources=sources, first_seen=T0)


# -- the digest text


def test_a_digest_groups_stories_by_speaker_in_the_order_speakers_came() -> None:
    stories = [story(1), story(2, "Dmitri Voskov", "voskov"), story(3), story(4, "Dmitri Voskov", "voskov", kind="indirect")]
    [part] = render_digest(stories, "Digest")
    lines = part.text.splitlines()
    assert lines[0] == "🗞 <b>Digest</b> · 4 statements"
    speakers = [line for line in lines if line.startswith("🗣")]
    assert speakers == ["🗣 <b>Marta Kovalenko</b>", "🗣 <b>Dmitri Voskov</b>"]
    entries = [line for line in lines if line.startswith("•")]
    assert [re.search(r"number (\d)", e).group(1) for e in entries] == ["1", "3", "2", "4"]  # type: ignore[union-attr]
    assert "<i>paraphrase:</i>" in entries[3]
    assert part.story_ids == ("s1", "s3", "s2", "s4")


def test_a_long_digest_is_split_between_entries_never_inside_one() -> None:
    long = "The levy stays. " * 40  # longer than DIGEST_QUOTE: shortened, never cut mid-entry
    stories = [story(n, f"Speaker {n % 3}", f"sp{n % 3}", text=f"[{n}] {long}", outlets=3) for n in range(60)]
    parts = render_digest(stories, "Digest")
    assert len(parts) > 1
    assert all(visible_length(p.text) <= TELEGRAM_MAX_TEXT for p in parts)
    assert [p.text.splitlines()[0] for p in parts] == [
        f"🗞 <b>Digest</b> · 60 statements ({n}/{len(parts)})" for n in range(1, len(parts) + 1)
    ]
    seen = [sid for p in parts for sid in p.story_ids]
    assert sorted(seen) == sorted(s.id for s in stories) and len(seen) == len(set(seen))
    for p in parts:
        entries = [line for line in p.text.splitlines() if line.startswith("•")]
        assert len(entries) == len(p.story_ids)
        for line in entries:  # each entry whole: its quote (shortened with an ellipsis), outlet, count
            assert re.match(r"• “\[\d+\] .*…” — <a href=\"https://outlet0\.example/\d+\">Outlet 0</a> and 2 more outlets$", line)
            assert len(html.unescape(re.sub("<[^>]+>", "", line))) < DIGEST_QUOTE + 80
        # a speaker whose entries go on in this part is named again at its top
        assert p.text.splitlines()[2].startswith("🗣")


def test_a_digest_escapes_what_came_from_feeds() -> None:
    evil = story(1, speaker="<b>Boss</b> & Co", text='He said "<script>alert(1)</script>" & left')
    [part] = render_digest([evil], "Digest")
    assert "<script>" not in part.text and "&lt;script&gt;" in part.text
    assert "🗣 <b>&lt;b&gt;Boss&lt;/b&gt; &amp; Co</b>" in part.text


def test_a_digest_in_russian() -> None:
    with language("ru"):
        [part] = render_digest([story(1, outlets=3), story(2, kind="partial"), story(5, kind="indirect")], "Сводка")
    assert part.text.startswith("🗞 <b>Сводка</b> · 3 заявления")
    assert "и ещё 2 издания" in part.text and "(частичная цитата)" in part.text and "<i>пересказ:</i>" in part.text


def test_an_empty_digest_is_no_message() -> None:
    assert render_digest([], "Digest") == []


# -- quiet hours, digest periods, what is held


RIGA = ChatSettings(quiet=(time(23), time(7)), tz="Europe/Riga")  # UTC+3 in summer


@pytest.mark.parametrize(("utc", "quiet"), [
    ("19:59", False), ("20:00", True), ("23:30", True), ("03:59", True), ("04:00", False), ("12:00", False),
])
def test_quiet_hours_wrap_midnight_in_the_chat_zone(utc: str, quiet: bool) -> None:
    hour, minute = map(int, utc.split(":"))
    assert in_quiet(RIGA, T0.replace(hour=hour, minute=minute)) is quiet


def test_quiet_hours_within_one_day() -> None:
    s = ChatSettings(quiet=(time(12), time(13, 30)))
    assert [in_quiet(s, T0.replace(hour=h, minute=m)) for h, m in ((11, 59), (12, 0), (13, 29), (13, 30))] == [
        False, True, True, False]


def test_decide_holds_in_quiet_hours_except_urgent_speakers_and_always_when_paused() -> None:
    night = T0.replace(hour=22)  # 01:00 in Riga
    s = ChatSettings(quiet=RIGA.quiet, tz=RIGA.tz, urgent=("voskov",), silent=True, lang="ru")
    assert decide(s, night, "kovalenko").hold
    urgent = decide(s, night, "Voskov")
    assert not urgent.hold and urgent.silent and urgent.lang == "ru"
    assert not decide(s, T0, "kovalenko").hold
    assert decide(ChatSettings(paused=True, urgent=("voskov",)), T0, "voskov").hold
    assert decide(ChatSettings(digest="hourly"), T0, "kovalenko").hold
    assert not decide(ChatSettings(digest="hourly", urgent=("voskov",)), T0, "voskov").hold


def test_digest_boundaries_hourly_and_daily_in_the_chat_zone() -> None:
    hourly = ChatSettings(digest="hourly", tz="Asia/Kolkata")  # UTC+5:30: the hour turns at :30 UTC
    assert last_boundary(hourly, T0.replace(minute=29)) == T0.replace(hour=9, minute=30)
    assert last_boundary(hourly, T0.replace(minute=30)) == T0.replace(minute=30)
    daily = ChatSettings(digest="daily", digest_hour=8, tz="Europe/Riga")  # 08:00 Riga = 05:00 UTC
    assert last_boundary(daily, T0.replace(hour=4, minute=59)) == T0.replace(hour=5) - timedelta(days=1)
    assert last_boundary(daily, T0.replace(hour=5)) == T0.replace(hour=5)
    assert last_boundary(ChatSettings(), T0) is None


def test_a_daily_digest_keeps_its_wall_clock_hour_across_a_dst_change() -> None:
    daily = ChatSettings(digest="daily", digest_hour=8, tz="Europe/Riga")
    sunday = datetime(2024, 3, 31, 4, 30, tzinfo=UTC)  # clocks went forward at 01:00 UTC; 07:30 local
    assert last_boundary(daily, sunday) == datetime(2024, 3, 30, 6, 0, tzinfo=UTC)  # Saturday 08:00 EET
    assert last_boundary(daily, sunday + timedelta(minutes=30)) == datetime(2024, 3, 31, 5, 0, tzinfo=UTC)


def test_release_due() -> None:
    held = T0.replace(minute=10)
    hourly = ChatSettings(digest="hourly")
    assert not release_due(hourly, T0.replace(minute=59), held)
    assert release_due(hourly, T0.replace(hour=11), held)
    assert release_due(ChatSettings(), T0, held)  # nothing holds any more: out at once
    assert not release_due(ChatSettings(paused=True), T0.replace(hour=12), held)
    night = ChatSettings(digest="hourly", quiet=RIGA.quiet, tz=RIGA.tz)
    assert not release_due(night, T0.replace(hour=23), held)  # a boundary inside quiet hours waits
    assert release_due(night, T0.replace(hour=4) + timedelta(days=1), held)


# -- what people type, and the store's text


def test_parsing_what_people_type() -> None:
    assert parse_quiet("23:00-07:00") == (time(23), time(7)) == parse_quiet("23–7")
    assert parse_tz("europe/riga") == "Europe/Riga" and parse_tz("utc") == "UTC"
    assert parse_digest(["DAILY", "7"]) == ("daily", 7) and parse_digest(["hourly"]) == ("hourly", None)
    assert parse_urgent(["Voskov,kovalenko", "voskov"], ["kovalenko", "voskov"]) == ("voskov", "kovalenko")
    for bad in (lambda: parse_quiet("23:00"), lambda: parse_quiet("7-7"), lambda: parse_quiet("25-7"),
                lambda: parse_tz("Mars/Olympus"), lambda: parse_digest(["weekly"]),
                lambda: parse_urgent(["nobody"], ["voskov"])):
        with pytest.raises(SettingError):
            bad()


def test_settings_round_trip_through_the_store_text() -> None:
    s = ChatSettings(silent=True, paused=True, quiet=(time(22, 30), time(6)), tz="Europe/Riga",
                     urgent=("voskov", "kovalenko"), digest="daily", digest_hour=7, lang="ru")
    stored = {k: v for k, v in s.to_store().items() if v is not None}
    assert ChatSettings.from_store(stored) == s
    assert {k for k, v in ChatSettings().to_store().items() if v is not None} == set()
    # a value an older or newer version wrote that does not parse is ignored, not fatal
    assert ChatSettings.from_store({"tz": "Nowhere/Land", "digest": "weekly", "future": "x"}) == ChatSettings()
