"""Story de-duplication (watchers.stories.dedup): the three levels, what must not merge, the follow-up rule.

Fictional world: Marta Keldan (finance ministry spokeswoman of Norvalia) and Teodor Brask (opposition
leader), carried by the Harbour Ledger, the Valley Courier, Northgate Wire and the Civic Post.
The tests taking `store` or `db_url` run on both store backends (tests/conftest.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from rules.model import Feed
from watchers.feeds.parse import parse_feed
from watchers.model import Article, Kind, Statement, StoryEvent
from watchers.statements.keyquotes import key_quotes
from watchers.statements.similarity import match_score, normalise
from watchers.store import StoreBackend, open_backend
from watchers.store.bands import hamming
from watchers.stories.dedup import Candidate, assign, process_article
from watchers.stories.fingerprint import MAX_DISTANCE, simhash

WINDOW = 72 * 3600.0
T0 = datetime(2024, 3, 12, 9, 0, tzinfo=UTC)

WIRE_BODY = (
    "VELMORA, March 12 (Northgate Wire) - Norvalia will not raise income tax this year, finance ministry "
    "spokeswoman Marta Keldan told reporters on Tuesday, rejecting calls from the opposition to fund the "
    "new rail programme through higher levies.\n\n"
    "\"We will not raise income tax this year, and we will not balance the budget on the backs of "
    "working families,\" Keldan said at the ministry's weekly briefing.\n\n"
    "The opposition leader Teodor Brask has demanded a temporary surcharge on large estates to pay for "
    "the programme, which the cabinet approved in January. Keldan said the ministry would publish a "
    "revised spending plan before the end of April, after talks with the regional councils.\n\n"
    "Economists at the Velmora Institute expect the deficit to narrow slightly in the second half, "
    "helped by stronger timber exports and a recovery in tourist arrivals along the southern coast.\n\n"
    "Brask, speaking in parliament an hour later, said the government was hiding the true cost of the "
    "programme and called for an independent audit of the contracts awarded so far. His party has "
    "tabled a motion that would require the ministry to publish every contract above two million "
    "crowns. A vote is expected next week, though the governing coalition holds a comfortable majority "
    "in the chamber and has signalled that it will reject the motion."
)


def article(n: int, *, outlet: str = "Harbour Ledger", title: str | None = None, text: str = "",
            hours: float = 0.0, url: str | None = None) -> Article:
    return Article(
        id=f"art-{n}",
        url=url or f"https://{outlet.lower().replace(' ', '')}.example/news/{n}",
        title=title or f"Story number {n} from the capital",
        text=text or f"Short brief number {n}.",
        feed=outlet.lower().replace(" ", "-"),
        outlet=outlet,
        published=T0 + timedelta(hours=hours),
    )


def said(text: str, speaker_id: str | None = "keldan", kind: Kind = "direct") -> Statement:
    names = {"keldan": "Marta Keldan", "brask": "Teodor Brask", None: "a ministry official"}
    return Statement(text=text, start=0, end=len(text), kind=kind, speaker=names[speaker_id], speaker_id=speaker_id)


def run(store: StoreBackend, art: Article, statements: Sequence[Statement]) -> list[StoryEvent]:
    return process_article(store, art, statements, art.published + timedelta(minutes=5), WINDOW)


TAX = "We will not raise income tax this year, and we will not balance the budget on the backs of working families"


# -- level 1: same article


def test_same_id_or_url_or_title_is_already_seen(store: StoreBackend) -> None:
    first = article(1, title="Keldan rules out income tax rise")
    assert [e.new for e in run(store, first, [said(TAX)])] == [True]
    # the same item through a second feed: same id
    assert run(store, first, [said(TAX)]) == []
    # the same page under another id (feed without guid): same canonical URL
    assert run(store, article(2, url=first.url), [said(TAX)]) == []
    # the outlet re-issued it at another URL, title differently punctuated
    assert run(store, article(3, title="Keldan rules out income-tax rise!"), [said(TAX)]) == []


def test_generic_title_of_one_outlet_is_not_one_article(store: StoreBackend) -> None:
    run(store, article(1, title="Live updates"), [said(TAX)])
    events = run(store, article(2, title="Live updates", hours=5), [said("The rail programme will be paid for out of the existing capital budget")])
    assert [e.new for e in events] == [True]


# -- level 2: same text


def test_wire_copy_with_a_new_headline_is_a_new_source(store: StoreBackend) -> None:
    wire = article(1, outlet="Northgate Wire", title="Norvalia rules out income tax rise", text=WIRE_BODY)
    [first] = run(store, wire, [said(TAX)])
    # The Valley Courier runs the wire copy under its own headline; its extractor also picked up an
    # indirect statement the first pass did not have.
    copy = article(2, outlet="Valley Courier", title="No tax hike, says finance ministry", text=WIRE_BODY, hours=1)
    events = run(store, copy, [said(TAX), said("the ministry would publish a revised spending plan before the end of April", kind="indirect")])
    assert [(e.story_id, e.new, e.new_source) for e in events] == [(first.story_id, False, True)]
    story = store.get_story(first.story_id)
    assert story is not None
    assert [s.outlet for s in story.sources] == ["Northgate Wire", "Valley Courier"]


def test_lightly_edited_wire_copy_is_a_new_source_even_without_statements(store: StoreBackend) -> None:
    # a sub-editor's touch: one word added, a sentence appended
    edited = WIRE_BODY.replace("on Tuesday", "on Tuesday morning") + " Markets were closed for a public holiday."
    assert hamming(simhash(WIRE_BODY) or 0, simhash(edited) or 0) <= MAX_DISTANCE
    [first] = run(store, article(1, outlet="Northgate Wire", text=WIRE_BODY), [said(TAX)])
    # this outlet's extraction failed to attribute the quote: the near-duplicate text still links it
    events = run(store, article(2, outlet="Civic Post", text=edited, hours=2), [said(TAX, speaker_id=None)])
    assert [(e.story_id, e.new) for e in events] == [(first.story_id, False)]


def test_near_duplicate_from_the_same_outlet_is_not_a_second_source(store: StoreBackend) -> None:
    [first] = run(store, article(1, outlet="Northgate Wire", text=WIRE_BODY), [said(TAX)])
    moved = article(2, outlet="Northgate Wire", title="UPDATE 1-Norvalia keeps income tax unchanged", text=WIRE_BODY, hours=1)
    events = run(store, moved, [said(TAX)])
    assert [(e.story_id, e.new, e.new_source) for e in events] == [(first.story_id, False, False)]
    story = store.get_story(first.story_id)
    assert story is not None and len(story.sources) == 1


# -- level 3: same statement


def test_rewrite_sharing_one_quote_is_a_new_source(store: StoreBackend) -> None:
    [first] = run(store, article(1, outlet="Northgate Wire", text=WIRE_BODY), [said(TAX)])
    rewrite = article(
        2, outlet="Civic Post", hours=6, title="Families first, ministry insists",
        text="A completely different article about the week in parliament, quoting the spokeswoman once.",
    )
    events = run(store, rewrite, [said(TAX.replace("income tax", "income-tax") + "!")])
    assert [(e.story_id, e.new) for e in events] == [(first.story_id, False)]


def test_quote_trimmed_by_one_outlet_is_merged(store: StoreBackend) -> None:
    [first] = run(store, article(1), [said(TAX)])
    events = run(store, article(2, outlet="Valley Courier", hours=3), [said("we will not balance the budget on the backs of working families")])
    assert [(e.story_id, e.new) for e in events] == [(first.story_id, False)]


def test_quote_extended_by_one_outlet_is_merged(store: StoreBackend) -> None:
    [first] = run(store, article(1), [said("We will not raise income tax this year")])
    events = run(store, article(2, outlet="Valley Courier", hours=3), [said(TAX + ", and that is final")])
    assert [(e.story_id, e.new) for e in events] == [(first.story_id, False)]


def test_two_briefings_by_one_speaker_on_one_day_are_two_stories(store: StoreBackend) -> None:
    morning = said("The ministry will publish the revised inflation forecast on Friday, after the cabinet meets")
    afternoon = said("We do not expect inflation to fall below four percent before the end of the year")
    [a] = run(store, article(1), [morning])
    [b] = run(store, article(2, outlet="Valley Courier", hours=6), [afternoon])
    assert a.new and b.new and a.story_id != b.story_id


def test_same_words_by_two_people_are_two_stories(store: StoreBackend) -> None:
    [a] = run(store, article(1), [said(TAX, "keldan")])
    # Brask throws her words back at her, quoting them in full
    [b] = run(store, article(2, outlet="Civic Post", hours=2), [said(TAX, "brask")])
    assert (a.speaker_id, b.speaker_id) == ("keldan", "brask")
    assert b.new and a.story_id != b.story_id


def test_same_statement_outside_the_window_is_a_new_story(store: StoreBackend) -> None:
    [a] = run(store, article(1), [said(TAX)])
    [b] = run(store, article(2, outlet="Civic Post", hours=WINDOW / 3600 + 1), [said(TAX)])
    assert b.new and a.story_id != b.story_id


def test_untracked_speakers_make_no_story(store: StoreBackend) -> None:
    assert run(store, article(1), [said(TAX, speaker_id=None)]) == []


def test_one_story_per_speaker_per_article(store: StoreBackend) -> None:
    events = run(store, article(1), [said(TAX), said("The rail programme is fully funded"), said("Nonsense from start to finish", "brask")])
    assert [(e.speaker_id, e.new, len(e.statements)) for e in events] == [("keldan", True, 2), ("brask", True, 1)]


# -- the follow-up rule


def test_follow_up_with_a_new_direct_quote_is_old_source_and_new_story(store: StoreBackend) -> None:
    [first] = run(store, article(1), [said(TAX)])
    follow = [said(TAX), said("The regional councils will get their share of the rail money by June")]
    events = run(store, article(2, outlet="Valley Courier", hours=20), follow)
    assert [(e.story_id == first.story_id, e.new) for e in events] == [(True, False), (False, True)]
    assert [s.text for s in events[1].statements] == [follow[1].text]


def test_follow_up_with_only_a_paraphrase_is_just_a_new_source(store: StoreBackend) -> None:
    [first] = run(store, article(1), [said(TAX)])
    paraphrase = said("taxes would stay where they are for now", kind="indirect")
    events = run(store, article(2, outlet="Valley Courier", hours=2), [said(TAX), paraphrase])
    assert [(e.story_id, e.new, len(e.statements)) for e in events] == [(first.story_id, False, 2)]


# -- restart


def test_restart_does_not_realert(db_url: str) -> None:
    path = db_url
    first = article(1)
    with closing(open_backend(path)) as s:
        [event] = run(s, first, [said(TAX)])
    with closing(open_backend(path)) as s:
        assert run(s, first, [said(TAX)]) == []
        again = run(s, article(2, outlet="Civic Post", hours=4), [said(TAX)])
        assert [(e.story_id, e.new) for e in again] == [(event.story_id, False)]


# -- pure parts


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (TAX, TAX.upper() + "!!", True),  # re-punctuated, re-cased
        (TAX, TAX.replace("will not", "won't"), True),  # sub-edited contraction
        ("We will not raise income tax this year", TAX, True),  # trimmed
        ("We will raise income tax this year", TAX, False),  # trimmed, and its "not" dropped: the opposite
        (TAX.replace("will not balance", "will balance"), TAX, False),  # one "not" fewer, nearly the same letters
        (TAX.replace("will not", "won't"), TAX.replace("will not", "will never"), True),  # still negative
        ("We will not comment", "We will not comment on the rail programme or on anything else today", False),
        ("The budget is fully funded", "The budget is not fully funded and never was", False),
        # a longer cut whose extra words carry a negation: the shared part means the same
        ("The harbour board met the pilots on Monday and agreed a timetable for the Ostvik ferries",
         "The harbour board met the pilots on Monday and agreed a timetable for the Ostvik ferries, no more delays", True),
        # letters nearly alike, one "not" inside the shared part: the opposite
        ("The harbour board met the pilots on Monday and agreed a timetable for the Ostvik ferries",
         "The harbour board met the pilots on Monday and did not agree a timetable for the Ostvik ferries", False),
        (TAX, "We will raise the tax-free allowance for working families next year", False),
    ],
)
def test_match_score(a: str, b: str, same: bool) -> None:
    assert bool(match_score(normalise(a), normalise(b))) is same


def test_normalise_ignores_case_accents_punctuation_and_apostrophes() -> None:
    assert normalise("“We won’t,” said Ms Kéldan.") == normalise('we wont said ms keldan')


def test_assign_marks_repeats_of_known_text() -> None:
    stored = [Candidate("s1", normalise(TAX))]
    [a] = assign([said(TAX + "."), said(TAX)], stored)
    assert a.story_id == "s1" and a.repeats == (True, True)


def test_key_quotes_rank_direct_first_then_longer_and_skip_trimmed_copies() -> None:
    quotes = [
        said("taxes would stay where they are", kind="indirect"),
        said("We will not raise income tax this year"),  # trimmed copy of TAX
        said("a cynical raid on pension funds", kind="partial"),
        said(TAX),
        said("The rail money is already in the budget"),
    ]
    best = key_quotes(quotes, None, one_article=False)  # a story's quotes come from several articles
    assert [q.text for q in best] == [TAX, "The rail money is already in the budget", "a cynical raid on pension funds"]


def test_a_same_title_copy_is_recorded_as_seen_so_it_is_not_read_again(store: StoreBackend) -> None:
    first = article(1, title="Keldan rules out income tax rise")
    copy = article(2, title="Keldan rules out income tax rise", hours=1)  # same outlet, new URL
    process_article(store, first, [said("We will not raise income tax this year")], first.published, WINDOW)
    assert process_article(store, copy, [said("We will not raise income tax this year")], copy.published, WINDOW) == []
    assert store.article_seen(copy.id, copy.url)  # the next poll skips it before fetching its page
    assert store.article_stories(copy.id) == []


def test_link_less_articles_are_not_taken_for_each_other(store: StoreBackend) -> None:
    one = replace(article(1, text="Brief one."), url="")  # feed items without a link
    two = replace(article(2, text="Brief two."), url="")
    [e1] = process_article(store, one, [said("We will not raise income tax this year")], one.published, WINDOW)
    [e2] = process_article(store, two, [said("The rail programme stays on schedule for 2027")], two.published, WINDOW)
    assert e1.new and e2.new


def _from_feed(guid: str, link: str, host: str, quote: str) -> Article:
    body = (f'<rss version="2.0"><channel><title>W</title><item><guid isPermaLink="false">{guid}</guid>'
            f"<title>{quote[:40]}</title><link>{link}</link><pubDate>Tue, 12 Mar 2024 09:00:00 GMT</pubDate>"
            f"<description>{quote}</description></item></channel></rss>").encode()
    feed = Feed(id=host.split(".")[0], url=f"https://{host}/rss", name=host)
    [art] = parse_feed(body, {}, feed, T0 + timedelta(hours=1)).articles
    return art


def test_the_same_plain_guid_from_two_outlets_is_two_articles(store: StoreBackend) -> None:
    a = _from_feed("12345", "https://ledger.example/a", "ledger.example", "Keldan rules out a tax rise this year")
    b = _from_feed("12345", "https://courier.example/b", "courier.example", "Brask demands an audit of the contracts")
    assert a.id != b.id
    assert process_article(store, a, [said("We will not raise income tax this year")], T0, WINDOW)
    assert process_article(store, b, [said("The audit must cover every contract", "brask")], T0, WINDOW)


def test_one_article_in_two_feeds_with_plain_guids_is_still_seen_once(store: StoreBackend) -> None:
    link = "https://ledger.example/a?utm_source=feed"
    a = _from_feed("12345", link, "ledger.example", "Keldan rules out a tax rise this year")
    b = _from_feed("ldg-12345", link, "aggregator.example", "Keldan rules out a tax rise this year")
    assert process_article(store, a, [said("We will not raise income tax this year")], T0, WINDOW)
    assert store.article_seen(b.id, b.url)  # through the canonical URL
    assert process_article(store, b, [said("We will not raise income tax this year")], T0, WINDOW) == []


# -- a busy speaker: no blind spot


def _distinct_statements(n: int) -> list[str]:
    """n statements that no two of the fuzzy rules call the same: made-up words from a seeded generator."""
    rng = random.Random(12)
    syllables = ["ka", "lo", "ven", "ri", "sa", "mor", "tel", "an", "bu", "dra", "fe", "gi", "hol", "ist"]
    common = ["the", "ministry", "will", "not", "and", "we", "have", "a", "of", "to", "in", "for"]
    out: list[str] = []
    while len(out) < n:
        words = [rng.choice(common) if rng.random() < 0.3 else "".join(rng.choices(syllables, k=3))
                 for _ in range(rng.randint(9, 16))]
        text = " ".join(words).capitalize()
        if all(not match_score(normalise(text), normalise(o)) for o in out[-50:]):
            out.append(text)
    return out


def test_a_repeat_of_the_oldest_statement_is_found_however_many_came_after(store: StoreBackend) -> None:
    texts = _distinct_statements(401)  # more than the 300 candidates dedup used to compare with
    [oldest] = run(store, article(0, hours=-60), [said(TAX)])
    for i, text in enumerate(texts, 1):
        assert [e.new for e in run(store, article(i, hours=-60 + i * 0.1), [said(text)])] == [True]
    # Another outlet carries the oldest quote trimmed, re-punctuated and with a word changed.
    rewrite = "We won't raise income tax this year - and we will not balance the budget on the backs of families!"
    assert match_score(normalise(rewrite), normalise(TAX))  # the rules call it the same statement
    events = run(store, article(1000, outlet="Civic Post"), [said(rewrite)])
    assert [(e.story_id, e.new) for e in events] == [(oldest.story_id, False)]
    # and a trimmed copy of one in the middle, by its story
    middle = texts[150].split()
    [mid_event] = store.article_stories(f"art-{151}")
    events = run(store, article(1001, outlet="Valley Courier"), [said(" ".join(middle[2:]) + ".")])
    assert [(e.story_id, e.new) for e in events] == [(mid_event[1], False)]


# -- a speaker's stock sentence shared by different statements (found by bench/soak_workers.py's
# lost_detail, 2026-12-04: two statements ending in one stock line were made one story)

_TAGLINE = "There is no second plan and there never needed to be one."


def test_two_cuts_of_one_statement_sharing_its_middle_sentence_are_one() -> None:
    whole = ("The ferry timetable will be published on Friday. " + _TAGLINE
             + " Crews will be paid for the lost weeks in full.")
    first, second = whole.rsplit(" Crews", 1)[0], whole.split("Friday. ", 1)[1]
    assert match_score(normalise(first), normalise(second))


def test_two_statements_ending_in_one_stock_sentence_are_two() -> None:
    a = "Every ferry leaving the harbour at Ostvik will be inspected before the summer season. " + _TAGLINE
    b = "The pilots at Brenna have the full support of the council whatever the courts decide. " + _TAGLINE
    assert not match_score(normalise(a), normalise(b))


def test_two_statements_opening_with_one_stock_sentence_are_two() -> None:
    a = _TAGLINE + " The ferry timetable for Ostvik will be published in full on Friday morning."
    b = _TAGLINE + " Nobody at the council is going to apologise to the pilots for the delay."
    assert not match_score(normalise(a), normalise(b))


def test_a_cut_edited_next_to_the_shared_run_is_still_one() -> None:
    # one outlet starts earlier and the other changed the words at the run's edge ("we will" / "we'll")
    a = "Ask anyone on the quay and they will tell you we will keep every ferry to Ostvik running all winter"
    b = "And we'll keep every ferry to Ostvik running all winter, whatever the insurers decide"
    assert match_score(normalise(a), normalise(b))


def test_a_stock_sentence_does_not_join_two_stories(store: StoreBackend) -> None:
    first = "Every ferry leaving the harbour at Ostvik will be inspected before the summer season. " + _TAGLINE
    second = "The pilots at Brenna have the full support of the council whatever the courts decide. " + _TAGLINE
    [one] = run(store, article(1, outlet="Lakeside Herald"), [said(first)])
    [two] = run(store, article(2, outlet="Civic Post", hours=1), [said(second)])
    assert (one.new, two.new) == (True, True) and one.story_id != two.story_id
    # while another outlet's copy of the first still joins the first
    events = run(store, article(3, outlet="Valley Courier", hours=2), [said(first.upper())])
    assert [(e.story_id, e.new) for e in events] == [(one.story_id, False)]
