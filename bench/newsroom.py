"""Generated newsroom copy for bench_pipeline: ~5 KB articles in which one to three of the tracked
(fictional) people are quoted, as wire stories are.

Each article is its own story: its quotes are drawn from a large combinatorial space, so two
articles share a quote only when one is a syndicated copy of the other (SYNDICATED of them are: the
same text under another outlet, which dedup must recognise as a new source of the same story and
alert as an edit). A corpus where every article quoted the same few sentences would turn every
article into a new source of the same ten stories with hundreds of sources each, which measures
something no newsroom produces.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rules.model import Rules, Speaker, Topic, Watch

ARTICLE_CHARS = 5000
SYNDICATED = 0.1  # share of articles that are another outlet's copy of an earlier one
SPEAKERS = 300
WATCHED = 100  # speakers with a watch (the rest are tracked for /quotes and search only)
TOPICS = 50
CHATS = (1001, 1002, 1003)

_FIRST_TEXT = (
    "Aldo Brina Cato Delia Emrik Fenna Gideon Halla Ivo Jorun Kasimir Liv Magnus Nela Orsolya Per "
    "Quirin Ragna Sivert Tilde Ulf Vesna Wilma Yrsa"
)
_FIRST = _FIRST_TEXT.split()
_SYL_TEXT = "ba del fin gor hal kem lor mun nar pel quin ros sev tam ulv var wen yst zel ock ard"
_SYL = _SYL_TEXT.split()
_ROLES = (
    "harbour commissioner", "deputy premier", "transport secretary", "union organiser",
    "chief economist", "regional governor", "opposition leader", "health minister",
)
_PLACES = ("Norhaven", "Eastmere", "Cobalt Bay", "Valdris", "Port Lumen", "Kettering Vale")
_TOPIC_WORDS = (
    "ferry subsidies", "grain tariffs", "the tram levy", "pension reform", "fishing rights",
    "the housing bill", "border tolls", "water rates", "the bridge tender", "teacher pay",
)
_SUBJ = ("We", "The council", "This government", "Our members", "Nobody here", "The province", "I")
_VERB = ("will not accept", "cannot afford", "have always opposed", "are ready to discuss", "will fight",
         "never promised", "fully support", "must reconsider", "will review", "refuse to sign")
_OBJ = ("a deal that punishes {place}", "{topic} in its current form", "another year of delays",
        "the cuts to {topic}", "a vote on {topic} before the summer", "the figures the ministry published",
        "any plan that ignores {place}", "a compromise on {topic}")
_TAIL = ("", " and everyone knows it", ", whatever the cost", " this year", " without a proper hearing",
         ", not now and not later", " until the audit is done")
_FILLER = (
    "The talks in {place} resumed on Monday after a two-week pause over {topic}.",
    "Officials declined to give a timetable, citing the budget review due next month.",
    "Critics say the proposal was drafted without consulting the districts most affected.",
    "Figures released on Friday showed spending on {topic} rose for a third year.",
    "Several councillors have called for an independent audit of the costings.",
    "Business groups in {place} asked for clarity before the new season begins.",
    "The committee is expected to publish its findings before the recess.",
    "Residents gathered outside the town hall in {place} on Thursday evening.",
)


@dataclass(frozen=True)
class Person:
    id: str
    first: str
    last: str
    role: str


def people(n: int = SPEAKERS) -> list[Person]:
    rng = random.Random(4242)
    taken: set[str] = set()
    out: list[Person] = []
    while len(out) < n:
        last = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize()
        if last in taken or len(last) < 5:
            continue
        taken.add(last)
        out.append(Person(f"s{len(out)}", rng.choice(_FIRST), last, rng.choice(_ROLES)))
    return out


def rules_for(speakers: list[Person], feeds: tuple[object, ...] = ()) -> Rules:
    tracked = tuple(Speaker(p.id, f"{p.first} {p.last}", (p.last,)) for p in speakers)
    topics = tuple(Topic(f"t{i}", any=(_TOPIC_WORDS[i % len(_TOPIC_WORDS)],) if i < len(_TOPIC_WORDS)
                         else (f"keyword{i}", f"phrase number {i}")) for i in range(TOPICS))
    watches = tuple(Watch(f"w{i}", (p.id,), CHATS) for i, p in enumerate(speakers[:WATCHED]))
    return Rules(feeds=feeds, speakers=tracked, topics=topics, watches=watches)  # type: ignore[arg-type]


def _quote(rng: random.Random) -> str:
    obj = rng.choice(_OBJ).format(place=rng.choice(_PLACES), topic=rng.choice(_TOPIC_WORDS))
    return f"{rng.choice(_SUBJ)} {rng.choice(_VERB)} {obj}{rng.choice(_TAIL)}"


def _quoted(rng: random.Random, p: Person, first: bool) -> str:
    who = f"{p.first} {p.last}, the {p.role}," if first else p.last
    q, q2 = _quote(rng), _quote(rng)
    shapes = (
        f"\u201c{q},\u201d {who} said. \u201c{q2}.\u201d",
        f"{who} told reporters in {rng.choice(_PLACES)} that {q[0].lower() + q[1:]}.",
        f"\u201c{q},\u201d {p.last} added, \u201cand {q2[0].lower() + q2[1:]}.\u201d",
        f"According to {p.first} {p.last}, {q[0].lower() + q[1:]}.",
    )
    return rng.choice(shapes[:1] if first else shapes)


def article(rng: random.Random, speakers: list[Person]) -> tuple[str, list[str]]:
    """(headline, paragraphs) of one article quoting 1-3 of `speakers` (watched ones more often)."""
    cast = rng.sample(speakers[:WATCHED] if rng.random() < 0.7 else speakers, rng.choice((1, 1, 2, 2, 3)))
    topic = rng.choice(_TOPIC_WORDS)
    headline = f"{cast[0].last} on {topic}: \u2018{_quote(rng)}\u2019"
    paragraphs: list[str] = []
    introduced: set[str] = set()
    size = len(headline)
    while size < ARTICLE_CHARS:
        if rng.random() < 0.45:
            p = rng.choice(cast)
            para = _quoted(rng, p, p.id not in introduced)
            introduced.add(p.id)
        else:
            para = " ".join(
                rng.choice(_FILLER).format(place=rng.choice(_PLACES), topic=topic) for _ in range(rng.randint(2, 3))
            )
        paragraphs.append(para)
        size += len(para) + 2
    return headline, paragraphs


def corpus(n: int, seed: int = 99) -> list[tuple[str, list[str]]]:
    """`n` articles, SYNDICATED of them copies of an earlier one."""
    rng = random.Random(seed)
    speakers = people()
    out: list[tuple[str, list[str]]] = []
    for _ in range(n):
        if out and rng.random() < SYNDICATED:
            out.append(rng.choice(out))
        else:
            out.append(article(rng, speakers))
    return out
