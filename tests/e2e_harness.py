"""End to end under faults: the REAL `quotewatch run` process against a live newsroom and a fake Telegram.

    async with Harness(HarnessConfig(seed=7, duration=40)) as h:   # feed server + FakeTelegram + config
        await h.start_service()                 # [sys.executable, "-m", "bot", "run", "--config", path]
        await h.subscribe_chats()               # /subscribe injected as Telegram updates, replies awaited
        h.start_publishing()                    # the clock starts: stories appear on the feeds over time
        await h.kill9(); await h.restart()      # crash at any moment, come back on the same database
        h.telegram.set_down("503", 3)           # faults: feeds (HarnessConfig.feed_faults), Telegram
        await h.drain()                         # wait until every expected alert arrived (or a deadline)
        await h.stop_service()                  # SIGTERM
        summary = h.summary()                   # expected / delivered / duplicated / lost, integrity, feeds
        print(summary.table())

What the harness knows on its own (never asked of the service): every story it publishes — a tracked
speaker, a topic, one statement written from phrase pools — and which outlets rewrite it when. From the
watches it wrote into the config it computes which chats must get each story: `expected`. A story is
recognised in a chat's messages by its marker, a made-up place name that appears in its quote and titles.

Newsroom: fictional outlets (`HEALTHY_OUTLETS`) each serve an RSS feed of the articles published so far;
every story is carried by two or three of them, minutes apart in story time (seconds here), with different
headlines, leads and attributions, and some quote only the first sentence of the statement: dedup must
make one alert and edit it as sources arrive. Noise articles (a tracked name with no statement, an
untracked speaker on a watched topic) must make no alert. Fault outlets (`FAULT_OUTLETS`) carry copies of
the same stories but answer 500, 429 + Retry-After, a truncated body, garbage bytes, or nothing at all;
`transient` adds the same faults now and then to the healthy feeds.

Figures: `expected` = (story, chat) pairs; `delivered` = pairs with at least one bot message carrying the
marker; `duplicated` = extra messages for a delivered pair; `lost` = expected pairs never delivered (split
into "no story in the db" -- extraction or dedup -- and "story but no message" -- delivery); `unexpected`
= messages for pairs that were not expected (noise that alerted, a story in the wrong chat).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web
from rapidfuzz import fuzz

from tests.fake_telegram import TOKEN, FakeTelegram, FloodLimits
from tests.feedserver import FeedServer

ROOT = Path(__file__).resolve().parents[1]
_WORDS = re.compile(r"\w+")

# ---------------------------------------------------------------------------------------------------
# The cast: fictional people, outlets, chats


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    surname: str
    role: str  # as written before the name: "Foreign Ministry spokeswoman"
    pronoun: str
    topics: tuple[str, ...]


SPEAKERS: tuple[Person, ...] = (
    Person("kovalenko", "Marta Kovalenko", "Kovalenko", "Foreign Ministry spokeswoman", "she", ("grain",)),
    Person("roop", "Anselm Roop", "Roop", "Transport Minister", "he", ("grain", "fuel")),
    Person("brandt", "Oskar Brandt", "Brandt", "Finance Minister", "he", ("fuel", "rates")),
    Person("varga", "Ilse Varga", "Varga", "central bank Governor", "she", ("rates",)),
)
UNTRACKED = Person("idris", "Pell Idris", "Idris", "harbourmaster", "he", ("grain",))

TOPICS: dict[str, tuple[str, ...]] = {
    "grain": ("grain corridor", "grain exports", "grain shipments"),
    "fuel": ("fuel tax", "fuel levy", "diesel duty"),
    "rates": ("interest rates", "inflation target"),
}


@dataclass(frozen=True)
class WatchPlan:
    id: str
    speakers: tuple[str, ...]
    topics: tuple[str, ...]  # empty = any topic
    config_chats: tuple[int, ...]  # chats written into the config

    def fires(self, speaker: str, topic: str) -> bool:
        return speaker in self.speakers and (not self.topics or topic in self.topics)


GRAIN_DESK = -1002000000001  # a supergroup named in the config (watch chats = [...])
MONEY_GROUP = -1002000000002  # a supergroup that subscribes itself: its admin sends /subscribe
MONEY_GROUP_ADMIN = 7001
PRIVATE_MONEY = 5001  # private chats that subscribe with /subscribe
PRIVATE_ALL = 5002
ADMIN_USER = 9001  # the bot's admin (config [telegram] admins)

WATCHES: tuple[WatchPlan, ...] = (
    WatchPlan("grain-desk", ("kovalenko", "roop"), ("grain",), (GRAIN_DESK,)),
    WatchPlan("money-desk", ("brandt", "varga"), ("fuel", "rates"), ()),
    WatchPlan("everything", tuple(p.id for p in SPEAKERS), (), ()),
)
# chat -> (user who sends /subscribe, watches); groups need an administrator of the group.
SUBSCRIPTIONS: dict[int, tuple[int, tuple[str, ...]]] = {
    PRIVATE_MONEY: (PRIVATE_MONEY, ("money-desk",)),
    PRIVATE_ALL: (PRIVATE_ALL, ("everything",)),
    MONEY_GROUP: (MONEY_GROUP_ADMIN, ("money-desk",)),
}
ALL_CHATS = (GRAIN_DESK, MONEY_GROUP, PRIVATE_MONEY, PRIVATE_ALL)


NON_ADMIN_USER = 7777  # a member of a group, not its administrator, not the bot's admin
HOSTILE_GROUP_BASE = -1002000000100
HOSTILE_PRIVATE_BASE = 6000
# Commands a careless or hostile user sends: admin commands from a non-admin in a group, oversized and
# malformed arguments, markup in arguments. ("group" = a non-admin member in a group; "private" = a user
# who is not the bot's admin in a private chat.)
HOSTILE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("group", "/subscribe everything"),
    ("group", "/unsubscribe"),
    ("group", "/reload"),
    ("group", '/track evil "Evil Person" Evil'),
    ("group", "/untrack kovalenko"),
    ("group", "/alias kovalenko the-villain"),
    ("group", "/mute grain-desk 2h"),
    ("private", '/track evil "Evil Person"'),
    ("private", "/search " + "grain " * 2000),
    ("private", '/quotes "Marta Kovalenko'),
    ("private", "/quotes kovalenko 99999999999999999999d"),
    ("private", "/search <b>grain</b> &amp; <a href='javascript:x'>x</a> \u202eesrever"),
    ("private", "/subscribe " + "no-such-watch " * 19),
    ("private", "/subscribe " + "w " * 50),
    ("private", "/quotes \x00\x1b[2J kovalenko"),
    ("private", "/subscribe <script>"),
)


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    city: str
    fault: str | None = None  # see FAULTS


HEALTHY_OUTLETS: tuple[Outlet, ...] = (
    Outlet("meridian", "Meridian Wire", "Tarvos"),
    Outlet("ledger", "Baltic Ledger", "Orsk-Varn"),
    Outlet("harbor", "Harbor Times", "Lisk"),
    Outlet("northgate", "Northgate Courier", "Pellam"),
    Outlet("calder", "Calder Post", "Vostra"),
)
FAULTS = ("500", "429", "truncated", "garbage", "timeout")
FAULT_OUTLETS: tuple[Outlet, ...] = (
    Outlet("dunmore", "Dunmore Gazette", "Brisk", "500"),
    Outlet("quillon", "Quillon Daily", "Amvel", "429"),
    Outlet("ravel", "Ravel Herald", "Sarno", "truncated"),
    Outlet("sable", "Sable Review", "Kettering Sound", "garbage"),
    Outlet("tamsin", "Tamsin Observer", "Holm", "timeout"),
)
RETRY_AFTER_SECONDS = 20  # what the 429 outlet asks for; its next_poll must honour it
TIMEOUT_STALL_SECONDS = 45.0  # longer than the fetcher's 30 s total deadline
FEED_ITEMS = 30  # newest items in a feed document, as real feeds cut theirs

# ---------------------------------------------------------------------------------------------------
# Statements from phrase pools: realistic wire prose, varied enough that two stories never look alike

SUBJECTS: dict[str, tuple[str, ...]] = {
    "grain": (
        "the first convoy of grain shipments from {place}",
        "grain exports through the port of {place}",
        "the grain corridor off {place}",
        "every vessel loading grain shipments at {place}",
        "our grain exports to the southern markets via {place}",
        "the inspection regime for grain shipments at {place}",
    ),
    "fuel": (
        "the fuel levy on hauliers operating out of {place}",
        "a rise in the diesel duty for the {place} region",
        "the fuel tax rebate promised to farmers around {place}",
        "any new fuel tax on the {place} ring road",
        "the diesel duty paid by the fishing fleet in {place}",
    ),
    "rates": (
        "interest rates for mortgage holders in {place}",
        "the inflation target we set at the {place} meeting",
        "our view on interest rates after the {place} figures",
        "the path of interest rates that markets priced after {place}",
        "the inflation target, as the {place} survey showed,",
    ),
}
VERBS = (
    "will resume", "cannot be held hostage by anyone", "must not be delayed any longer",
    "is going to be doubled", "will be reviewed clause by clause", "has the full backing of the cabinet",
    "stays exactly where it is", "will be frozen", "is not up for negotiation",
)
WHENS = (
    "before the {n}th of {month}", "within {n} days", "as soon as the insurers return",
    "whatever the weather does in the straits", "once the pilots are back at work",
    "by the end of this quarter", "until the audit of {month} is published", "for at least {n} weeks",
)
SECONDS = (
    "Nobody in this government is pretending that it will be easy.",
    "We have said this to our partners in private, and now I am saying it in public.",
    "The figures speak for themselves.",
    "I will not speculate about what happens if the talks collapse.",
    "That is not a negotiating position, it is a fact.",
    "There is no plan B and there does not need to be one.",
    "Anyone who tells you otherwise has not read the agreement.",
    "We owe that much to the families who depend on it.",
    "I expect hard questions, and we will answer every one of them.",
    "This was agreed at {n} o'clock this morning.",
    "We will publish the details on {weekday}.",
    "My door remains open to the unions.",
)
BACKGROUND = (
    "Traders in {city} said prices had risen by {n} percent since {month}.",
    "Opposition lawmakers have demanded a full debate before the {n}th.",
    "Analysts at a regional bank described the move as a cautious opening.",
    "A government source said the decision was taken at a late-night meeting on {weekday}.",
    "Insurers raised premiums for vessels calling at nearby ports by roughly a third in {month}.",
    "Figures published last week showed volumes fell {n} percent year on year.",
    "Union leaders in {city} said they would study the details before responding.",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
SYLLABLES = ("kes", "dor", "vik", "tal", "mor", "ens", "bra", "lun", "vel", "ost", "rin", "gar", "sel",
             "tum", "par", "ald", "nov", "qui", "zer", "hol")
# Two statements of one speaker must stay clearly apart for the fixture to mean anything: below these
# rapidfuzz scores (the dedup merges at ratio 88 / partial 95 on normalised text).
MAX_FIXTURE_RATIO = 72.0
MAX_FIXTURE_PARTIAL = 82.0


@dataclass(frozen=True)
class Story:
    """One statement the harness publishes, and where and when."""

    n: int
    speaker: Person
    topic: str
    marker: str  # a made-up place name unique to this story: found in the quote and every headline
    first: str  # first sentence of the quote (carries the topic keyword and the marker)
    second: str
    at: float  # seconds after the start of publishing when the first outlet carries it
    outlets: tuple[tuple[str, float, int], ...]  # (outlet id, delay after `at`, wording variant)

    @property
    def quote(self) -> str:
        return f"{self.first} {self.second}"


@dataclass(frozen=True)
class Noise:
    """An article that must raise no alert."""

    n: int
    kind: str  # "mention" (a tracked name, no statement) | "untracked" (an untracked speaker's quote)
    marker: str
    at: float
    outlet: str


@dataclass(frozen=True)
class Item:
    """One article as an outlet publishes it."""

    outlet: str
    guid: str
    title: str
    link: str
    html: str
    at: float  # seconds after the start of publishing
    marker: str


def _place(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3)))).capitalize()
        if name not in used and len(name) >= 5:
            used.add(name)
            return name


def _fill(template: str, rng: random.Random, place: str = "") -> str:
    return template.format(place=place, n=rng.randint(3, 28), month=rng.choice(MONTHS),
                           weekday=rng.choice(WEEKDAYS), city=rng.choice(HEALTHY_OUTLETS).city)


def _too_close(first: str, quote: str, others: list[tuple[str, str]]) -> bool:
    for other_first, other_quote in others:
        if fuzz.ratio(quote, other_quote) >= MAX_FIXTURE_RATIO or fuzz.ratio(first, other_first) >= MAX_FIXTURE_RATIO:
            return True
        if (fuzz.partial_ratio(first, other_quote) >= MAX_FIXTURE_PARTIAL
                or fuzz.partial_ratio(other_first, quote) >= MAX_FIXTURE_PARTIAL):
            return True
    return False


def plan_stories(rng: random.Random, count: int, span: float, outlets: tuple[Outlet, ...],
                 fault_outlets: tuple[Outlet, ...] = (), used: set[str] | None = None) -> list[Story]:
    """`count` stories spread over `span` seconds, each carried by 2-3 healthy outlets (+ fault outlets)."""
    used = used if used is not None else set()
    said: dict[str, list[tuple[str, str]]] = {p.id: [] for p in SPEAKERS}
    stories = []
    for n in range(count):
        speaker = SPEAKERS[n % len(SPEAKERS)]
        topic = rng.choice(speaker.topics)
        for _attempt in range(500):
            place = _place(rng, used)
            subject = _fill(rng.choice(SUBJECTS[topic]), rng, place)
            first = f"{subject[0].upper()}{subject[1:]} {rng.choice(VERBS)} {_fill(rng.choice(WHENS), rng)}."
            second = _fill(rng.choice(SECONDS), rng)
            if not _too_close(first, f"{first} {second}", said[speaker.id]):
                break
            used.discard(place)
        else:
            raise RuntimeError("could not write a distinct statement; widen the phrase pools")
        said[speaker.id].append((first, f"{first} {second}"))
        carriers = rng.sample(outlets, rng.choice((2, 3)))
        delays = sorted(rng.uniform(0, min(12.0, span / 4)) for _ in carriers)
        delays[0] = 0.0
        plan = [(o.id, d, i % 3) for i, (o, d) in enumerate(zip(carriers, delays, strict=True))]
        plan += [(o.id, rng.uniform(0, 5), rng.randrange(3)) for o in fault_outlets if rng.random() < 0.5]
        at = span * n / max(count, 1) + rng.uniform(0, span / max(count, 1) / 2)
        stories.append(Story(n, speaker, topic, place, first, second, at, tuple(plan)))
    return stories


def plan_noise(rng: random.Random, count: int, span: float, used: set[str]) -> list[Noise]:
    return [Noise(n, ("mention", "untracked")[n % 2], _place(rng, used), rng.uniform(0, span),
                  rng.choice(HEALTHY_OUTLETS).id) for n in range(count)]


def _when(at: float, t0: datetime) -> datetime:
    return t0 + timedelta(seconds=at)


def story_item(story: Story, outlet: Outlet, delay: float, variant: int, rng: random.Random) -> Item:
    p = story.speaker
    day = WEEKDAYS[story.n % len(WEEKDAYS)]
    keyword = next(k for k in TOPICS[story.topic] if k in story.first.lower()) if any(
        k in story.first.lower() for k in TOPICS[story.topic]) else TOPICS[story.topic][0]
    background = " ".join(_fill(rng.choice(BACKGROUND), rng) for _ in range(2))
    if variant == 0:
        title = f"{p.surname} sets out position on {keyword} at {story.marker}"
        lead = (f"{outlet.city.upper()} ({outlet.name}) - {p.name} set out the government's position on "
                f"{keyword} on {day}, with {story.marker} at the centre of the dispute.")
        quote = f"\u201c{story.first} {story.second}\u201d {p.role} {p.name} told reporters in {outlet.city}."
    elif variant == 1:
        title = f"{story.marker}: {p.role} {p.surname} speaks on {keyword}"
        lead = (f"The government moved on {day} to settle questions over {keyword}, after weeks of "
                f"uncertainty around {story.marker}.")
        quote = f"\u201c{story.first}\u201d {p.name} said at a briefing, in remarks carried by local radio."
    else:
        title = f"{keyword.capitalize()} in focus as {p.surname} addresses {story.marker}"
        lead = (f"Officials were under pressure to clarify plans for {story.marker} before the weekend, "
                f"and {keyword} dominated the briefing.")
        quote = f"\u201c{story.first} {story.second}\u201d said {p.name}, the {p.role.lower()}."
    html = f"<p>{escape(lead)}</p>\n<p>{escape(quote)}</p>\n<p>{escape(background)}</p>"
    slug = f"{story.marker.lower()}-{story.n}"
    return Item(outlet.id, f"{outlet.id}-s{story.n}", title, f"https://{outlet.id}.example/news/{slug}",
                html, story.at + delay, story.marker)


# Titles and text meant to break an alert: markup Telegram would act on, entity syntax, bidi overrides,
# zero-width joiners inside a name, control characters, and one absurdly long title. Each is a source of a
# real story; the alert must still go out (rendered safely) and every edit must be accepted.
HOSTILE_TITLES = (
    '<a href="javascript:alert(document.cookie)">Click</a> {m}',
    "<b><i>Unbalanced {m} <blockquote>",
    "*bold* _italic_ [link](tg://user?id=1) `code` ||spoiler|| {m}",
    "\u202eevil\u202c mirrored {m} \u2066isolate",
    "Bell\x07 null\x00 escape\x1b[31m red {m}\r\ninjected: header",
    "&amp;lt;script&amp;gt; &bogus; &#0; &#xD800; {m}",
    "{m} " + "very long headline " * 5500,  # ~100 KB
)


def hostile_item(story: Story, outlet: Outlet, index: int) -> Item:
    """A source of `story` whose title and lead are hostile (see HOSTILE_TITLES)."""
    p = story.speaker
    title = HOSTILE_TITLES[index % len(HOSTILE_TITLES)].format(m=story.marker)
    zwj_name = p.name.replace(p.surname, p.surname[:2] + "\u200d" + p.surname[2:])
    lead = (f"{zwj_name} \u202e(reversed?)\u202c spoke on {story.topic}; <script>alert(1)</script> "
            f'<a href="javascript:void(0)">more</a> at {story.marker}.')
    quote = f"\u201c{story.first} {story.second}\u201d {p.role} {p.name} said."
    html = f"<p>{escape(lead)}</p>\n<p>{escape(quote)}</p>"
    return Item(outlet.id, f"{outlet.id}-h{story.n}", title, f"https://{outlet.id}.example/h/{story.n}?<x>=\"y\"",
                html, story.at + 1.0, story.marker)


def noise_item(noise: Noise, rng: random.Random) -> Item:
    outlet = next(o for o in HEALTHY_OUTLETS if o.id == noise.outlet)
    if noise.kind == "mention":
        p = SPEAKERS[noise.n % len(SPEAKERS)]
        title = f"Ferry timetable changes at {noise.marker} announced"
        paragraphs = [
            f"Ferry operators at {noise.marker} will run two extra sailings a day from {rng.choice(MONTHS)}, "
            "the harbour board said.",
            f"{p.name}, who attended the opening of the new terminal, did not comment.",
        ]
    else:
        p = UNTRACKED
        title = f"Harbourmaster warns of congestion at {noise.marker}"
        paragraphs = [
            f"\u201cThe grain shipments queueing off {noise.marker} will take a week to clear,\u201d "
            f"{p.role} {p.name} said.",
            "Pilots have worked double shifts since the weekend.",
        ]
    html = "\n".join(f"<p>{escape(x)}</p>" for x in paragraphs)
    return Item(outlet.id, f"{outlet.id}-n{noise.n}", title,
                f"https://{outlet.id}.example/local/{noise.marker.lower()}", html, noise.at, noise.marker)


def rss(outlet: Outlet, items: list[Item], t0: datetime) -> bytes:
    entries = []
    for item in items:
        entries.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<pubDate>{format_datetime(_when(item.at, t0), usegmt=True)}</pubDate>"
            f"<description><![CDATA[{item.html}]]></description></item>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(outlet.name)}'
            f"</title><link>https://{outlet.id}.example/</link>\n" + "\n".join(entries)
            + "\n</channel></rss>\n").encode()


# ---------------------------------------------------------------------------------------------------
# The newsroom on the feed server


@dataclass
class FaultLog:
    feeds: Counter[str] = field(default_factory=Counter)  # "outlet:fault" -> responses
    telegram: list[str] = field(default_factory=list)


class Newsroom:
    """Serves every outlet's feed as of now; fault outlets (and `transient`) misbehave on purpose."""

    def __init__(self, server: FeedServer, rng: random.Random, transient: float = 0.0) -> None:
        self.server = server
        self.rng = rng
        self.transient = transient  # chance that a healthy feed answers with a fault this once
        self.items: dict[str, list[Item]] = {o.id: [] for o in (*HEALTHY_OUTLETS, *FAULT_OUTLETS)}
        self.outlets = {o.id: o for o in (*HEALTHY_OUTLETS, *FAULT_OUTLETS)}
        self.t0_mono: float | None = None
        self.t0 = datetime.now(UTC)
        self.faults = FaultLog()
        self.stalls: set[asyncio.Task[Any]] = set()
        for outlet in self.outlets.values():
            server.route(f"/{outlet.id}", self._handler(outlet))

    def add(self, item: Item) -> None:
        self.items[item.outlet].append(item)

    def start(self) -> None:
        self.t0_mono = time.monotonic()
        self.t0 = datetime.now(UTC)

    def now(self) -> float:
        return -1.0 if self.t0_mono is None else time.monotonic() - self.t0_mono

    def published(self, outlet: str) -> list[Item]:
        now = self.now()
        live = sorted((i for i in self.items[outlet] if i.at <= now), key=lambda i: i.at)
        return live[-FEED_ITEMS:][::-1]

    def url(self, outlet: str) -> str:
        return self.server.url(f"/{outlet}")

    def _handler(self, outlet: Outlet) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            fault = outlet.fault
            if fault is None and self.transient and self.rng.random() < self.transient:
                fault = self.rng.choice(("500", "429", "truncated", "garbage", "drop"))
            body = rss(outlet, self.published(outlet.id), self.t0)
            if fault is None:
                return web.Response(body=body, content_type="application/rss+xml")
            self.faults.feeds[f"{outlet.id}:{fault}"] += 1
            if fault == "500":
                return web.Response(status=500, text="Internal Server Error")
            if fault == "429":
                retry = RETRY_AFTER_SECONDS if outlet.fault else 2
                return web.Response(status=429, text="slow down", headers={"Retry-After": str(retry)})
            if fault == "truncated":
                cut = int(len(body) * self.rng.uniform(0.3, 0.9))
                return web.Response(body=body[:cut], content_type="application/rss+xml")
            if fault == "garbage":
                junk = bytes(self.rng.randrange(256) for _ in range(2048))
                return web.Response(body=b"\x00\xff" + junk, content_type="application/rss+xml")
            if fault == "drop":
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
            # timeout: answer nothing for longer than the fetcher waits
            await asyncio.sleep(TIMEOUT_STALL_SECONDS)
            return web.Response(status=504)

        return handler


# ---------------------------------------------------------------------------------------------------
# The service process


class Service:
    """`python -m bot run --config PATH` as a child process; output appended to log files."""

    def __init__(self, config: Path, workdir: Path, token: str) -> None:
        self.config = config
        self.workdir = workdir
        self.token = token
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0
        self.terms = 0
        self.exit_codes: list[int | None] = []
        self.self_exits: list[int | None] = []  # exits nobody asked for (the supervisor restarted it)
        self.want_running = False
        self._busy = asyncio.Lock()  # kill/restart vs. the supervisor
        self.stdout = workdir / "service.out"
        self.stderr = workdir / "service.err"

    async def start(self) -> None:
        self.want_running = True
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": self.token, "PYTHONUNBUFFERED": "1"}
        with self.stdout.open("ab") as out, self.stderr.open("ab") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--config", str(self.config),
                cwd=str(ROOT), env=env, stdout=out, stderr=err, stdin=asyncio.subprocess.DEVNULL,
            )
        self.starts += 1

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.returncode is None else None

    async def kill9(self, restart: bool = True) -> None:
        """SIGKILL at whatever moment this is, then (by default) start again on the same database."""
        async with self._busy:
            if self.proc is not None and self.proc.returncode is None:
                self.proc.send_signal(signal.SIGKILL)
                self.exit_codes.append(await self.proc.wait())
                self.kills += 1
            if restart:
                await self.start()
            else:
                self.want_running = False

    async def supervise(self, delay: float = 1.0) -> None:
        """Restart the service when it exits on its own, as systemd's Restart=always would; each such exit
        is recorded in `self_exits` (a service under faults should not exit at all)."""
        while True:
            await asyncio.sleep(0.3)
            async with self._busy:
                proc = self.proc
                if not self.want_running or proc is None or proc.returncode is None:
                    continue
                self.self_exits.append(proc.returncode)
                await asyncio.sleep(delay)
                await self.start()

    async def terminate(self, timeout: float = 20.0) -> int | None:
        """SIGTERM and wait for a clean exit (SIGKILL after `timeout`); the exit code."""
        self.want_running = False
        if self.proc is None or self.proc.returncode is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        self.terms += 1
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
            code = -999  # did not stop on SIGTERM: reported as a fault
        self.exit_codes.append(code)
        return code

    def rss_kb(self) -> int | None:
        """The service's resident set size (Linux /proc), or None when it is not running."""
        pid = self.pid
        if pid is None:
            return None
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def output(self) -> str:
        return "".join(p.read_text(errors="replace") for p in (self.stdout, self.stderr) if p.exists())


# ---------------------------------------------------------------------------------------------------
# The harness


@dataclass
class HarnessConfig:
    seed: int = 7
    stories: int = 8
    noise: int = 4
    span: float = 20.0  # seconds over which stories are first published
    interval: str = "2s"  # poll interval of every feed
    transient: float = 0.0  # chance per request that a healthy feed misbehaves once
    fault_outlets: bool = True
    enforce_limits: bool = True  # Telegram's flood limits (429s) in the fake
    tight_limits: bool = True  # the fake's limits tighter than Telegram's, so the bot does meet 429s
    hostile_every: int = 0  # every n-th story gets an extra source with a hostile title (0: none)


@dataclass
class Summary:
    expected: int
    delivered: int
    duplicated: int
    lost: int
    lost_no_story: int  # lost because no story for the marker is in the db (extraction or dedup)
    unexpected: int
    edits: int
    crashes: int
    terms: int
    integrity: str
    feeds: dict[str, dict[str, Any]]
    faults: dict[str, int]
    telegram_faults: list[str]
    telegram_429: int
    lost_pairs: list[tuple[int, str]]
    duplicate_pairs: list[tuple[int, str]]
    unexpected_pairs: list[tuple[int, str]]
    dead_outbox: dict[str, int]  # outbox items given up on, by error (a refused alert is a lost alert)
    self_exits: list[int | None]  # the service exited without being asked (the harness restarted it)
    token_leaks: int  # occurrences of the bot token in the service's output
    tracebacks: int  # "Traceback" in the service's output

    def as_json(self) -> dict[str, Any]:
        keys = ("expected", "delivered", "duplicated", "lost", "lost_no_story", "unexpected", "edits",
                "crashes", "terms", "self_exits", "dead_outbox", "integrity", "faults", "telegram_faults", "telegram_429", "token_leaks",
                "tracebacks")
        return {k: getattr(self, k) for k in keys}

    def table(self) -> str:
        rows = [("alerts expected", self.expected), ("delivered", self.delivered),
                ("duplicated", self.duplicated), ("lost", self.lost),
                ("  of which no story in db", self.lost_no_story), ("unexpected", self.unexpected),
                ("edits", self.edits), ("kill -9 survived", self.crashes), ("SIGTERM stops", self.terms),
                ("exits on its own", len(self.self_exits)),
                ("telegram 429s", self.telegram_429), ("integrity_check", self.integrity),
                ("token in output", self.token_leaks), ("tracebacks in output", self.tracebacks)]
        lines = [f"{k:<28} {v}" for k, v in rows]
        lines.append("feed faults injected: " + ", ".join(f"{k}={v}" for k, v in sorted(self.faults.items())))
        lines.append("dead outbox items: " + (", ".join(f"{k[:60]}={v}" for k, v in self.dead_outbox.items())
                                               or "none"))
        lines.append("telegram faults: " + (", ".join(self.telegram_faults) or "none"))
        lines.append(f"{'feed':<10} {'errors':>6} {'next_poll-last_poll':>20}  last_error")
        for feed, s in sorted(self.feeds.items()):
            gap = s.get("gap")
            lines.append(f"{feed:<10} {s['consecutive_errors']:>6} {gap if gap is None else round(gap, 1)!s:>20}"
                         f"  {(s['last_error'] or '')[:70]}")
        return "\n".join(lines)


class Harness:
    def __init__(self, config: HarnessConfig, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.rng = random.Random(config.seed)
        self.server = FeedServer()
        limits = FloodLimits(private_per_second=0.5, private_burst=1, group_per_minute=6) if config.tight_limits else None
        self.telegram = FakeTelegram(enforce_limits=config.enforce_limits, limits=limits)
        self.hostile_sent = 0
        self.newsroom: Newsroom | None = None
        self.service: Service | None = None
        self.stories: list[Story] = []
        self.noise: list[Noise] = []
        self._supervisor: asyncio.Task[None] | None = None
        self.db = workdir / "quotewatch.db"
        self.config_path = workdir / "config.toml"

    async def __aenter__(self) -> Harness:
        await self.server.start()
        await self.telegram.start()
        self.newsroom = Newsroom(self.server, random.Random(self.config.seed + 1), self.config.transient)
        used: set[str] = set()
        faults = FAULT_OUTLETS if self.config.fault_outlets else ()
        self.stories = plan_stories(self.rng, self.config.stories, self.config.span, HEALTHY_OUTLETS, faults, used)
        self.noise = plan_noise(self.rng, self.config.noise, self.config.span, used)
        self.add_items(self.stories, self.noise)
        for chat in (GRAIN_DESK, MONEY_GROUP):
            self.telegram.chat(chat, "supergroup", admins={MONEY_GROUP_ADMIN} if chat == MONEY_GROUP else set())
        self.write_config()
        self.service = Service(self.config_path, self.workdir, self.telegram.token)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        if self.service is not None and self.service.pid is not None:
            await self.service.terminate(timeout=10)
        await self.telegram.stop()
        await self.server.close()

    def add_items(self, stories: list[Story], noise: list[Noise]) -> None:
        assert self.newsroom is not None
        outlets = {o.id: o for o in (*HEALTHY_OUTLETS, *FAULT_OUTLETS)}
        for story in stories:
            for outlet_id, delay, variant in story.outlets:
                self.newsroom.add(story_item(story, outlets[outlet_id], delay, variant, self.rng))
            if self.config.hostile_every and story.n % self.config.hostile_every == 0:
                carriers = {o for o, _, _ in story.outlets}
                spare = [o for o in HEALTHY_OUTLETS if o.id not in carriers]
                self.newsroom.add(hostile_item(story, spare[0], self.hostile_sent))
                self.hostile_sent += 1
        for n in noise:
            self.newsroom.add(noise_item(n, self.rng))

    def extend(self, stories: int, span: float, offset: float) -> None:
        """Plan `stories` more stories published from `offset` seconds on (the soak's later rounds)."""
        used = {s.marker for s in self.stories} | {n.marker for n in self.noise}
        faults = FAULT_OUTLETS if self.config.fault_outlets else ()
        more = plan_stories(self.rng, stories, span, HEALTHY_OUTLETS, faults, used)
        base = len(self.stories)
        more = [Story(base + s.n, s.speaker, s.topic, s.marker, s.first, s.second, s.at + offset, s.outlets)
                for s in more]
        self.stories.extend(more)
        self.add_items(more, [])

    # -- config --

    def write_config(self, extra_feeds: str = "") -> None:
        assert self.newsroom is not None
        lines = ["# Written by tests/e2e_harness.py", "[settings]", f'db = "{self.db}"', 'backfill = "1h"', "",
                 "[telegram]", f'base_url = "{self.telegram.url}"', f"admins = [{ADMIN_USER}]", ""]
        outlets = HEALTHY_OUTLETS + (FAULT_OUTLETS if self.config.fault_outlets else ())
        for o in outlets:
            lines += ["[[feeds]]", f'id = "{o.id}"', f'name = "{o.name}"', f'url = "{self.newsroom.url(o.id)}"',
                      f'interval = "{self.config.interval}"', "allow_private = true", ""]
        lines.append(extra_feeds)
        for p in SPEAKERS:
            aliases = json.dumps([p.surname, p.role])
            lines += ["[[speakers]]", f'id = "{p.id}"', f'name = "{p.name}"', f"aliases = {aliases}", ""]
        for topic, words in TOPICS.items():
            lines += ["[[topics]]", f'id = "{topic}"', f"any = {json.dumps(list(words))}", ""]
        for w in WATCHES:
            lines += ["[[watches]]", f'id = "{w.id}"', f"speakers = {json.dumps(list(w.speakers))}",
                      f"topics = {json.dumps(list(w.topics))}", f"chats = {json.dumps(list(w.config_chats))}", ""]
        self.config_path.write_text("\n".join(lines), encoding="utf-8")

    # -- service life cycle --

    async def start_service(self) -> None:
        assert self.service is not None
        await self.service.start()
        if self._supervisor is None:
            self._supervisor = asyncio.create_task(self.service.supervise())

    async def kill9(self) -> None:
        """kill -9 and restart at once on the same database."""
        assert self.service is not None
        await self.service.kill9(restart=True)

    async def sigterm_restart(self) -> int | None:
        """A clean stop (SIGTERM) and a start: the exit code of the stop."""
        assert self.service is not None
        code = await self.service.terminate()
        await self.service.start()
        return code

    async def stop_service(self) -> int | None:
        assert self.service is not None
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        return await self.service.terminate()

    def start_publishing(self) -> None:
        assert self.newsroom is not None
        self.newsroom.start()

    # -- chats --

    async def subscribe_chats(self, timeout: float = 20.0) -> None:
        """Every chat in SUBSCRIPTIONS sends /subscribe; waits for the bot's confirmation in each."""
        for chat, (user, watches) in SUBSCRIPTIONS.items():
            self.telegram.user_says(chat, "/subscribe " + " ".join(watches), user_id=user)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(any("Subscribed to" in m.text or "already subscribed" in m.text
                       for m in self.telegram.messages(chat)) for chat in SUBSCRIPTIONS):
                return
            await asyncio.sleep(0.2)
        raise TimeoutError("the bot did not confirm every /subscribe: see " + str(self.service and self.service.stderr))

    def send_hostile_commands(self) -> list[tuple[int, str]]:
        """Each of HOSTILE_COMMANDS from its own chat (so its reply is easy to find); (chat, text) sent."""
        sent = []
        for i, (where, text) in enumerate(HOSTILE_COMMANDS):
            if where == "group":
                chat = HOSTILE_GROUP_BASE - i
                self.telegram.chat(chat, "supergroup", admins={MONEY_GROUP_ADMIN})
                self.telegram.user_says(chat, text, user_id=NON_ADMIN_USER)
            else:
                chat = HOSTILE_PRIVATE_BASE + i
                self.telegram.user_says(chat, text)
            sent.append((chat, text))
        return sent

    def replies(self, chat: int) -> list[str]:
        return [m.text for m in self.telegram.messages(chat)]

    # -- figures --

    def expected(self) -> set[tuple[int, str]]:
        """(chat, marker) pairs that must get an alert, from the harness's own plan."""
        subscribed: dict[str, set[int]] = {w.id: set(w.config_chats) for w in WATCHES}
        for chat, (_, watches) in SUBSCRIPTIONS.items():
            for w in watches:
                subscribed[w].add(chat)
        now = self.newsroom.now() if self.newsroom else -1.0
        pairs = set()
        for story in self.stories:
            if story.at > now:
                continue  # not published yet (the soak stops mid-plan)
            healthy = [o for o, _, _ in story.outlets if any(h.id == o for h in HEALTHY_OUTLETS)]
            if not healthy:
                continue
            for w in WATCHES:
                if w.fires(story.speaker.id, story.topic):
                    pairs |= {(chat, story.marker) for chat in subscribed[w.id]}
        return pairs

    def delivered(self) -> Counter[tuple[int, str]]:
        """Bot messages per (chat, marker). Markers are whole words: "Kesvik" is not in "Kesvikdor"."""
        markers = {s.marker for s in self.stories} | {n.marker for n in self.noise}
        counts: Counter[tuple[int, str]] = Counter()
        for chat in ALL_CHATS:
            for message in self.telegram.messages(chat):
                for marker in markers & set(_WORDS.findall(message.text)):
                    counts[(chat, marker)] += 1
        return counts

    def progress(self) -> tuple[int, int]:
        """(expected pairs delivered, expected pairs)."""
        expected, got = self.expected(), self.delivered()
        return sum(1 for p in expected if got[p]), len(expected)

    async def drain(self, timeout: float) -> bool:
        """Wait until every expected alert arrived; False at the deadline."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, total = self.progress()
            if done == total:
                return True
            await asyncio.sleep(0.5)
        return False

    def feed_states(self) -> dict[str, dict[str, Any]]:
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as db:
            rows = db.execute(
                "SELECT feed_id, consecutive_errors, next_poll, last_poll, last_error, last_success FROM feeds"
            ).fetchall()
        return {r[0]: {"consecutive_errors": r[1], "next_poll": r[2], "last_poll": r[3], "last_error": r[4],
                       "last_success": r[5], "gap": (r[2] - r[3]) if r[2] and r[3] else None} for r in rows}

    def story_markers_in_db(self) -> set[str]:
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as db:
            texts = [r[0] for r in db.execute("SELECT text FROM statements WHERE story_id IS NOT NULL")]
        words = {w for t in texts for w in _WORDS.findall(t)}
        return {s.marker for s in self.stories if s.marker in words}

    def dead_outbox(self) -> dict[str, int]:
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT COALESCE(error, ''), COUNT(*) FROM outbox WHERE status = 'dead' GROUP BY 1")
            return {str(r[0]): int(r[1]) for r in rows}

    def integrity(self) -> str:
        with contextlib.closing(sqlite3.connect(str(self.db))) as db:
            return str(db.execute("PRAGMA integrity_check").fetchone()[0])

    def summary(self) -> Summary:
        assert self.service is not None and self.newsroom is not None
        expected, got = self.expected(), self.delivered()
        delivered = {p for p in expected if got[p]}
        lost = sorted(expected - delivered)
        in_db = self.story_markers_in_db()
        duplicates = sorted(p for p in delivered if got[p] > 1)
        unexpected = sorted(p for p in got if p not in expected)
        edits = sum(m.edits for chat in ALL_CHATS for m in self.telegram.messages(chat))
        output = self.service.output()
        return Summary(
            expected=len(expected), delivered=len(delivered), duplicated=sum(got[p] - 1 for p in duplicates),
            lost=len(lost), lost_no_story=sum(1 for _, m in lost if m not in in_db),
            unexpected=sum(got[p] for p in unexpected), edits=edits, crashes=self.service.kills,
            terms=self.service.terms, integrity=self.integrity(), feeds=self.feed_states(),
            faults=dict(self.newsroom.faults.feeds), telegram_faults=list(self.newsroom.faults.telegram),
            telegram_429=self.telegram.rate_limited, lost_pairs=lost, duplicate_pairs=duplicates,
            unexpected_pairs=unexpected, dead_outbox=self.dead_outbox(), self_exits=list(self.service.self_exits), token_leaks=output.count(self.telegram.token) + output.count(
                self.telegram.token.partition(":")[2]),
            tracebacks=output.count("Traceback"),
        )

    def telegram_fault(self, mode: str, seconds: float) -> None:
        """Telegram answers 503 (mode "503") or drops connections ("drop") for `seconds`."""
        assert self.newsroom is not None
        self.telegram.set_down(mode, seconds)  # type: ignore[arg-type]
        self.newsroom.faults.telegram.append(f"{mode} {seconds:g}s at t={self.newsroom.now():.0f}s")


__all__ = ["Harness", "HarnessConfig", "Summary", "Service", "TOKEN", "SPEAKERS", "WATCHES", "FAULTS",
           "FAULT_OUTLETS", "HEALTHY_OUTLETS", "RETRY_AFTER_SECONDS", "plan_stories", "story_item", "rss"]
