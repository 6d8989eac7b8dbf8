"""A chat's own settings, and what they decide about an alert: pure functions, the clock passed in.

    silent       alerts go out with disable_notification (no sound; edits never make one anyway)
    paused       nothing is sent; the stories are held, and come on /resume (or are skipped: /resume skip)
    quiet hours  start-end in the chat's time zone (`tz`, IANA, default UTC); held until they end, except
                 statements by the `urgent` speakers, which come at once
    digest       off | hourly | daily (at `digest_hour`, the chat's time): the period's stories in one
                 message (split at 4096 characters, never inside an entry), instead of one alert each;
                 urgent speakers still come at once
    lang         en | ru: every reply, the help and the alert labels (bot.i18n)

Held stories wait in the store (held_stories). `release_due` says when a chat's held stories go out:
never while paused or inside quiet hours; in digest mode once a period boundary has passed since the
oldest was held; otherwise at once (quiet hours just ended, or the chat resumed). bot.digest_gate acts
on these answers; the store keeps the settings as key/value text (`from_store`, `to_store`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.i18n import N_

if TYPE_CHECKING:
    from telegram import Bot

    from bot.ratelimit import FloodScheduler
    from watchers.model import OutboxItem
    from watchers.store.backend import ChatId

DigestMode = Literal["off", "hourly", "daily"]
DIGEST_MODES: tuple[DigestMode, ...] = ("off", "hourly", "daily")
LANGUAGES = ("en", "ru")
DEFAULT_DIGEST_HOUR = 8  # a morning briefing, unless the chat says otherwise
MAX_URGENT = 20  # urgent speakers per chat: beyond that "urgent" stops meaning anything

_CLOCK = re.compile(r"^([01]?\d|2[0-3])(?::([0-5]\d))?$")


class SettingError(ValueError):
    """A value the user typed that is not a setting; the message says what to write (translated by the
    caller: it is a msgid with {placeholders} filled from `args`)."""

    def __init__(self, msgid: str, **args: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.args_ = args


@dataclass(frozen=True)
class ChatSettings:
    silent: bool = False
    paused: bool = False
    quiet: tuple[time, time] | None = None  # local start, end; end before start wraps midnight
    tz: str = "UTC"
    urgent: tuple[str, ...] = ()  # speaker ids
    digest: DigestMode = "off"
    digest_hour: int = DEFAULT_DIGEST_HOUR
    lang: str | None = None  # None: not chosen (replies follow the user's Telegram language)
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)  # keys a newer version wrote

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)

    @property
    def holds_anything(self) -> bool:
        """Whether any alert could be held: when not, the sender needs no further look."""
        return self.paused or self.quiet is not None or self.digest != "off"

    @classmethod
    def from_store(cls, values: Mapping[str, str]) -> ChatSettings:
        """From the store's key/value rows; a value that no longer parses is ignored, not fatal."""
        known = {"silent", "paused", "quiet", "tz", "urgent", "digest", "digest_hour", "lang"}
        s = cls(extra={k: v for k, v in values.items() if k not in known})
        if values.get("silent") == "1":
            s = replace(s, silent=True)
        if values.get("paused") == "1":
            s = replace(s, paused=True)
        parsers: dict[str, Callable[[str], Any]] = {"quiet": parse_quiet, "tz": parse_tz, "digest_hour": parse_hour}
        for key, parse in parsers.items():
            if key in values:
                with contextlib.suppress(SettingError):
                    s = replace(s, **{key: parse(values[key])})
        if values.get("urgent"):
            s = replace(s, urgent=tuple(u for u in values["urgent"].split(",") if u))
        if values.get("digest") in DIGEST_MODES:
            s = replace(s, digest=values["digest"])  # type: ignore[arg-type]
        if values.get("lang") in LANGUAGES:
            s = replace(s, lang=values["lang"])
        return s

    def to_store(self) -> dict[str, str | None]:
        """Every known key; None for a default (the row is removed)."""
        return {
            "silent": "1" if self.silent else None,
            "paused": "1" if self.paused else None,
            "quiet": format_quiet(self.quiet) if self.quiet else None,
            "tz": None if self.tz == "UTC" else self.tz,
            "urgent": ",".join(self.urgent) or None,
            "digest": None if self.digest == "off" else self.digest,
            "digest_hour": None if self.digest_hour == DEFAULT_DIGEST_HOUR else str(self.digest_hour),
            "lang": self.lang,
        }


# ---------------------------------------------------------------------------------------------------
# Reading what the user typed


def parse_clock(text: str) -> time:
    m = _CLOCK.match(text.strip())
    if not m:
        raise SettingError(N_("{value} is not a time of day: write it as 23:00 or 7."), value=text)
    return time(int(m.group(1)), int(m.group(2) or 0))


def parse_quiet(text: str) -> tuple[time, time]:
    """'23:00-07:00' (or '23-7'): quiet from 23:00 to 07:00 in the chat's time zone."""
    start, sep, end = text.replace("–", "-").partition("-")
    if not sep:
        raise SettingError(N_("Write quiet hours as start-end, such as 23:00-07:00."))
    first, last = parse_clock(start), parse_clock(end)
    if first == last:
        raise SettingError(N_("Quiet hours must start and end at different times."))
    return first, last


def format_quiet(quiet: tuple[time, time]) -> str:
    return f"{quiet[0]:%H:%M}-{quiet[1]:%H:%M}"


def parse_tz(text: str) -> str:
    """An IANA zone name ('Europe/Riga', 'utc' in any case)."""
    name = text.strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    try:
        zone(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        by_case = {z.lower(): z for z in available_timezones()}
        if name.lower() in by_case:
            return by_case[name.lower()]
    raise SettingError(N_("{value} is not a time zone: write one such as Europe/Riga or America/New_York."),
                       value=text)


def parse_hour(text: str) -> int:
    return parse_clock(text).hour


def parse_digest(words: list[str]) -> tuple[DigestMode, int | None]:
    """['daily', '7'] -> ('daily', 7); ['hourly'] -> ('hourly', None); ['off']."""
    mode = words[0].lower() if words else ""
    if mode not in DIGEST_MODES:
        raise SettingError(N_("Write the digest as off, hourly or daily (with an hour: daily 7)."))
    hour = parse_hour(words[1]) if len(words) > 1 and mode == "daily" else None
    return mode, hour


def parse_urgent(words: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """Speaker ids (comma or space separated), matched in any case against the tracked ones."""
    ids = {k.lower(): k for k in known}
    out: list[str] = []
    for word in (w for part in words for w in part.split(",") if w):
        if word.lower() not in ids:
            raise SettingError(N_("{value} is not a tracked speaker id."), value=word)
        if ids[word.lower()] not in out:
            out.append(ids[word.lower()])
    if len(out) > MAX_URGENT:
        raise SettingError(N_("At most {n} urgent speakers."), n=str(MAX_URGENT))
    return tuple(out)


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# ---------------------------------------------------------------------------------------------------
# What the settings decide


@dataclass(frozen=True)
class Verdict:
    """What the sender does with one outbox item for a chat."""

    hold: bool = False  # keep it for the chat's digest instead of sending it
    drop: bool = False  # settle it unsent (an edit of a story that went out in a digest, or was skipped)
    silent: bool = False  # send with disable_notification
    lang: str = "en"  # the alert's labels


SEND = Verdict()


def in_quiet(s: ChatSettings, now: datetime) -> bool:
    if s.quiet is None:
        return False
    local = now.astimezone(s.zone).time().replace(tzinfo=None)
    start, end = s.quiet
    return start <= local < end if start < end else (local >= start or local < end)


def decide(s: ChatSettings, now: datetime, speaker_id: str | None) -> Verdict:
    """Send now, or hold for later. `speaker_id` is the story's speaker (None when not looked up: only
    needed when the chat has urgent speakers)."""
    lang = s.lang or "en"
    urgent = speaker_id is not None and speaker_id.lower() in {u.lower() for u in s.urgent}
    if s.paused or (not urgent and (in_quiet(s, now) or s.digest != "off")):
        return Verdict(hold=True, silent=s.silent, lang=lang)
    return Verdict(silent=s.silent, lang=lang)


def last_boundary(s: ChatSettings, now: datetime) -> datetime | None:
    """The latest digest time at or before `now` (top of the hour, or today's digest hour in the chat's
    zone, else yesterday's); None with the digest off."""
    if s.digest == "off":
        return None
    local = now.astimezone(s.zone)
    if s.digest == "hourly":
        return local.replace(minute=0, second=0, microsecond=0)
    at = local.replace(hour=s.digest_hour, minute=0, second=0, microsecond=0)
    if at > local:
        # the day before, at that hour on the wall clock (a DST change in between does not shift it)
        day = (local - timedelta(days=1)).date()
        at = datetime.combine(day, time(s.digest_hour), tzinfo=s.zone)
    return at


def release_due(s: ChatSettings, now: datetime, oldest_held: datetime) -> bool:
    """Whether the chat's held stories go out now."""
    if s.paused or in_quiet(s, now):
        return False
    boundary = last_boundary(s, now)
    return boundary is None or oldest_held < boundary


class Gate(Protocol):
    """What the sender (bot.delivery) asks before each item, and lets release held stories each round
    (bot.digest_gate.DigestGate)."""

    async def decide(self, item: OutboxItem, now: datetime) -> Verdict: ...

    async def language(self, chat: ChatId) -> str:
        """The chat's language ("en" when it never chose, or the store cannot tell): the admins' notices
        are written in it."""
        ...

    async def release(self, bot: Bot, flood: FloodScheduler, now: datetime) -> int:
        """Send the digests that are due; returns how many messages went out."""
        ...
