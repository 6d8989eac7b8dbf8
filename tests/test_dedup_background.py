"""Background quotes (watchers.stories.evidence, dedup.assign_article): a speaker's known words reused
in articles about other news must not merge that news into the speaker's story; the same statement
carried by a rewrite, a brief or a follow-up still merges.

Fictional world: port authority chair Ilse Varga and union leader Pavo Renner of Kestria, carried by
the Lakeside Herald, the Kestrian Post, Fjordline News and the Morning Tide.
The tests taking `store` run on both store backends (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from watchers.model import Article, Kind, Statement, StoryEvent
from watchers.statements.similarity import match_score, normalise
from watchers.store import StoreBackend
from watchers.stories.dedup import Candidate, SpeakerInput, assign_article, process_article
from watchers.stories.evidence import LINK_EVIDENCE, evidence, is_link

WINDOW = 72 * 3600.0
T0 = datetime(2025, 9, 2, 8, 0, tzinfo=UTC)
NAMES = {"varga": "Ilse Varga", "renner": "Pavo Renner", "osk": "Tomas Osk"}

# Varga's briefing: the news of the first article, and the words later articles reuse.
LEVY = "The harbour levy is a toll on every fisherman who still works these docks, and it ends in March"
PHRASE = "a toll on every fisherman"  # the label writers hang on her afterwards


def article(n: int, outlet: str, hours: float) -> Article:
    return Article(
        id=f"bg-{n}", url=f"https://{outlet.lower().replace(' ', '')}.example/{n}", title=f"Harbour news item {n}",
        text=f"Item {n}.", feed=outlet.lower().replace(" ", "-"), outlet=outlet,
        published=T0 + timedelta(hours=hours),
    )


def said(text: str, speaker_id: str = "varga", kind: Kind = "direct") -> Statement:
    return Statement(text=text, start=0, end=len(text), kind=kind, speaker=NAMES[speaker_id], speaker_id=speaker_id)


def run(store: StoreBackend, art: Article, statements: Sequence[Statement]) -> list[StoryEvent]:
    return process_article(store, art, statements, art.published + timedelta(minutes=5), WINDOW)


def sources(store: StoreBackend, story_id: str) -> list[str]:
    story = store.get_story(story_id)
    assert story is not None
    return [s.outlet for s in story.sources]


# -- background must not merge


def test_a_recurring_background_phrase_does_not_merge_other_speakers_news(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    # Three days of other news, each quoting Varga's phrase as background: a strike call, a court
    # ruling, a council vote. Each is Renner's (or Osk's) news, none is Varga's.
    others = [
        ("Kestrian Post", 6, said("We will stop every crane on the quay from Monday until the ministry talks to us", "renner")),
        ("Fjordline News", 20, said("The court has given the authority six weeks to publish the full accounts", "osk")),
        ("Morning Tide", 40, said("Our members voted to keep the night shift and to take the pay offer to arbitration", "renner")),
    ]
    events = []
    for n, (outlet, hours, news) in enumerate(others, start=2):
        events.append(run(store, article(n, outlet, hours), [news, said(PHRASE, kind="partial")]))
    assert [[(e.speaker_id, e.new) for e in ev] for ev in events] == [
        [("renner", True)], [("osk", True)], [("renner", True)]
    ]
    assert sources(store, levy.story_id) == ["Lakeside Herald"]
    # and the three are three stories, not one held together by the phrase
    assert len({e.story_id for ev in events for e in ev}) == 3


def test_a_short_known_quote_beside_a_reply_is_background(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY), said("We mean it")])
    reply = [
        said("A toll is what you charge strangers, and these men have fed this town for a century", "renner"),
        said("We mean it", kind="direct"),  # Varga's words again, three words of them
    ]
    events = run(store, article(2, "Kestrian Post", 3), reply)
    assert [(e.speaker_id, e.new) for e in events] == [("renner", True)]
    assert sources(store, levy.story_id) == ["Lakeside Herald"]


def test_her_phrase_beside_her_link_to_another_story_is_background(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    dredging = "The dredging contract goes back out to tender, and no bidder from the old consortium may apply"
    [tender] = run(store, article(2, "Fjordline News", 10), [said(dredging)])
    # a later rewrite of the tender news that recalls her earlier phrase
    events = run(store, article(3, "Morning Tide", 14), [said(dredging), said(PHRASE, kind="partial")])
    assert [(e.story_id, e.new) for e in events] == [(tender.story_id, False)]
    assert sources(store, levy.story_id) == ["Lakeside Herald"]


# -- the same statement still merges


def test_a_brief_carrying_only_her_phrases_is_the_same_news(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    events = run(store, article(2, "Kestrian Post", 2), [said(PHRASE, kind="partial")])
    assert [(e.story_id, e.new) for e in events] == [(levy.story_id, False)]
    assert sources(store, levy.story_id) == ["Lakeside Herald", "Kestrian Post"]


def test_an_excerpt_of_her_quote_in_a_reply_article_still_merges(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    # the union's reply quotes a whole sentence of hers: shared news, not a label
    events = run(store, article(2, "Kestrian Post", 4), [
        said("Nobody asked the crews before this was announced", "renner"),
        said("The harbour levy is a toll on every fisherman who still works these docks"),
    ])
    assert [(e.speaker_id, e.story_id == levy.story_id, e.new) for e in events] == [
        ("renner", False, True), ("varga", True, False)
    ]


def test_a_follow_up_adding_her_new_words_to_her_phrase_is_old_source_and_new_story(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    follow = [said(PHRASE, kind="partial"), said("Boats under twelve metres will pay half from the first of April")]
    events = run(store, article(2, "Morning Tide", 8), follow)
    assert [(e.story_id == levy.story_id, e.new) for e in events] == [(True, False), (False, True)]


# -- the evidence itself (pure)


@pytest.mark.parametrize(
    ("shared", "linked"),
    [
        ([(LEVY, "direct")], True),  # a whole statement
        ([(LEVY, "indirect")], True),  # a reported one, same words
        ([(PHRASE, "partial")], False),  # one quoted phrase
        ([("We mean it", "direct")], False),  # a few-word quote
        ([(PHRASE, "partial"), ("We mean it", "direct")], True),  # two distinct phrases
        ([(PHRASE, "partial"), (PHRASE.upper() + "!", "partial")], False),  # one phrase twice is one
    ],
)
def test_is_link(shared: list[tuple[str, Kind]], linked: bool) -> None:
    pairs = [(said(text, kind=kind), normalise(text)) for text, kind in shared]
    assert is_link(pairs) is linked
    assert (evidence(pairs) >= LINK_EVIDENCE) is linked


# -- across news cycles


def test_yesterdays_quote_in_todays_reply_article_is_background(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    # The next day the union answers; the article recalls her whole sentence before his reply.
    reply = [
        said("We will bring every boat into the inner basin on Friday and leave them there", "renner"),
        said(LEVY),
    ]
    events = run(store, article(2, "Kestrian Post", 26), reply)
    assert [(e.speaker_id, e.new) for e in events] == [("renner", True)]
    assert sources(store, levy.story_id) == ["Lakeside Herald"]


def test_yesterdays_quote_beside_todays_story_of_hers_is_background(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    dredging = "The dredging contract goes back out to tender, and no bidder from the old consortium may apply"
    [tender] = run(store, article(2, "Fjordline News", 24), [said(dredging)])
    events = run(store, article(3, "Morning Tide", 27), [said(dredging), said(LEVY)])
    assert [(e.story_id, e.new) for e in events] == [(tender.story_id, False)]
    assert sources(store, levy.story_id) == ["Lakeside Herald"]


def test_a_late_rewrite_with_nothing_fresh_is_still_a_source(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    # a weekly paper runs the briefing two days on, with a reaction of hers it had on its own
    events = run(store, article(2, "Morning Tide", 50), [said(LEVY), said("We expected the anger and we will listen")])
    assert [(e.story_id == levy.story_id, e.new) for e in events] == [(True, False), (False, True)]
    assert sources(store, levy.story_id) == ["Lakeside Herald", "Morning Tide"]


def test_the_same_days_reaction_article_is_still_a_source_of_her_story(store: StoreBackend) -> None:
    [levy] = run(store, article(1, "Lakeside Herald", 0), [said(LEVY)])
    # within the hour: her briefing and the first reaction to it are one news cycle
    events = run(store, article(2, "Kestrian Post", 1), [said(LEVY), said("Not one crew was asked", "renner")])
    assert [(e.speaker_id, e.story_id == levy.story_id, e.new) for e in events] == [
        ("varga", True, False), ("renner", False, True)
    ]


# -- one statement cut at other boundaries

SPEECH = (
    "We kept the lights on through the storm. Every crew on this quay worked double shifts for a month, and "
    "not one of them asked for a bonus. That is the harbour I know"
)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # one outlet starts a sentence earlier, the other runs on a sentence later
        (SPEECH.split(". ", 1)[1] + ". Nobody here will forget it",
         "We kept the lights on through the storm. Every crew on this quay worked double shifts for a month", True),
        # most of a short quote inside a longer one that goes its own way
        ("Every crew on this quay worked double shifts for a month",
         "Every crew on this quay worked double shifts, and we will pay them for it in March", True),
        # two different sentences of hers sharing a stock phrase
        ("We will publish the accounts of the port authority before the council meets",
         "The accounts of the port authority show a loss for the third year running", False),
        # the shared run negated on one side only
        ("It is not true that every crew on this quay worked double shifts for a month",
         "He told us every crew on this quay worked double shifts for a month, which is why we pay", False),
    ],
)
def test_quotes_cut_at_other_boundaries(a: str, b: str, same: bool) -> None:
    assert bool(match_score(normalise(a), normalise(b))) is same


def test_an_excerpt_at_other_boundaries_merges(store: StoreBackend) -> None:
    [first] = run(store, article(1, "Lakeside Herald", 0), [said(SPEECH)])
    excerpt = "Every crew on this quay worked double shifts for a month, and not one of them asked for a bonus. Remember that"
    events = run(store, article(2, "Fjordline News", 2), [said(excerpt)])
    assert [(e.story_id, e.new) for e in events] == [(first.story_id, False)]


# -- the article-wide decision, pure (what process_article hands it)


def test_assign_article_decides_weak_matches_and_old_cycles_from_its_inputs() -> None:
    stored = [Candidate("levy", normalise(LEVY)), Candidate("tender", normalise("The dredging contract goes back out to tender"))]
    seen = {"levy": T0, "tender": T0 + timedelta(hours=30)}
    reply = SpeakerInput([said("Every crane on the quay stops on Monday until the ministry talks to us", "renner")], [])
    phrase = SpeakerInput([said(PHRASE, kind="partial")], stored)
    whole = SpeakerInput([said(LEVY)], stored)
    at = T0 + timedelta(hours=31)
    # beside the union's news, her phrase is background; alone, it links
    [[r], [p]] = assign_article([reply, phrase], at, seen.get)
    assert (r.story_id, r.background, p.story_id, p.background) == (None, False, None, True)
    [[alone]] = assign_article([phrase], at, seen.get)
    assert (alone.story_id, alone.background) == ("levy", False)
    # her whole sentence from 31 hours before, beside the union's news of today: background
    [[_], [w]] = assign_article([reply, whole], at, seen.get)
    assert w.background
    # without the first-seen times, only the evidence rule applies
    [[_], [w]] = assign_article([reply, whole])
    assert (w.story_id, w.background) == ("levy", False)
