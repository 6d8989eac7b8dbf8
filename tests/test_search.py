"""Quote search (/quotes and /search): recent statements, ranking and snippets, hostile input.

On both backends (tests/conftest.py): SQLite's FTS5 and PostgreSQL's tsvector search must give the same
results in the same order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from watchers.model import Article, Kind, Statement
from watchers.store import StoreBackend, fts_query
from watchers.store.postgres.search import search_terms
from watchers.store.query import parse_query, query_hint
from watchers.stories.dedup import process_article

T0 = datetime(2024, 9, 2, 7, 30, tzinfo=UTC)
WINDOW = 72 * 3600.0

QUOTES = [
    # (hours after T0, speaker, kind, text)
    (0, "keldan", "direct", "The harbour levy will fall by half in July, and the savings go straight to the ferry operators"),
    (2, "keldan", "direct", "Nobody in this ministry has discussed privatising the ferries"),
    (5, "brask", "direct", "The harbour levy is a tax on every family that lives on the islands"),
    (9, "keldan", "indirect", "the ministry had received no formal complaint from the ferry operators"),
    (30, "keldan", "direct", "Inflation is easing, but the levy on ferries must stay until the harbour is rebuilt"),
    (31, "brask", "partial", "reckless and ruinous"),
]


@pytest.fixture
def store(store: StoreBackend) -> StoreBackend:
    """The conftest store (either backend), filled with QUOTES."""
    s = store
    for n, (hours, speaker_id, kind, text) in enumerate(QUOTES):
        published = T0 + timedelta(hours=hours)
        art = Article(
            id=f"q{n}", url=f"https://islandtimes.example/{n}", title=f"Island Times report {n} on the ferries",
            text="Short.", feed="island-times", outlet="Island Times", published=published,
        )
        name = {"keldan": "Marta Keldan", "brask": "Teodor Brask"}[speaker_id]
        st = Statement(text=text, start=0, end=len(text), kind=cast(Kind, kind), speaker=name, speaker_id=speaker_id)
        process_article(s, art, [st], published, WINDOW)
    return s


def test_recent_statements_newest_first_for_one_speaker(store: StoreBackend) -> None:
    hits = store.recent_statements("keldan", None, 3)
    assert [h.published for h in hits] == sorted((h.published for h in hits), reverse=True)
    assert {h.speaker_id for h in hits} == {"keldan"} and len(hits) == 3
    assert hits[0].text.startswith("Inflation is easing")
    assert hits[0].outlet == "Island Times" and hits[0].url.startswith("https://islandtimes.example/")


def test_recent_statements_since(store: StoreBackend) -> None:
    hits = store.recent_statements("keldan", T0 + timedelta(hours=3), 10)
    assert [h.kind for h in hits] == ["direct", "indirect"]


def test_recent_statements_leave_out_verbatim_repeats(store: StoreBackend) -> None:
    text = QUOTES[1][3]
    repeat = Article(id="r1", url="https://coastwatch.example/r1", title="Coastwatch on the ferry question",
                     text="Short.", feed="coastwatch", outlet="Coastwatch", published=T0 + timedelta(hours=3))
    st = Statement(text=text + ".", start=0, end=len(text), kind="direct", speaker="Marta Keldan", speaker_id="keldan")
    [event] = process_article(store, repeat, [st], repeat.published, WINDOW)
    assert not event.new
    assert [h.text for h in store.recent_statements("keldan", None, 10)].count(text) == 1
    assert len(store.search_statements("privatising")) == 1


def test_search_snippet_wraps_the_match(store: StoreBackend) -> None:
    [hit] = store.search_statements("privatising ferries")
    assert "«privatising»" in hit.snippet and "«ferries»" in hit.snippet
    assert hit.speaker == "Marta Keldan" and hit.story_id


def test_search_stems_and_ignores_case_and_accents(store: StoreBackend) -> None:
    assert [h.text for h in store.search_statements("PRIVATISE")] == [QUOTES[1][3]]
    assert [h.text for h in store.search_statements("rúinous")] == [QUOTES[5][3]]


def test_search_ranks_the_closer_match_first(store: StoreBackend) -> None:
    hits = store.search_statements("harbour levy")
    # every hit has both words; the short statement about the levy beats the long one mentioning it
    assert len(hits) == 3
    assert hits[0].text == QUOTES[2][3]
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)


def test_search_filters_by_speaker_and_time(store: StoreBackend) -> None:
    assert {h.speaker_id for h in store.search_statements("levy", speaker_id="brask")} == {"brask"}
    late = store.search_statements("levy", since=T0 + timedelta(hours=20))
    assert [h.text for h in late] == [QUOTES[4][3]]
    assert len(store.search_statements("ferries", limit=1)) == 1


def test_search_quoted_phrase(store: StoreBackend) -> None:
    assert [h.text for h in store.search_statements('"harbour levy will fall"')] == [QUOTES[0][3]]
    assert store.search_statements('"levy harbour"') == []


@pytest.mark.parametrize(
    "words",
    ['"', '""', "NEAR(", "NEAR(levy harbour, 2)", "*", "levy*", "AND OR", "NOT", "OR levy", "^levy",
     "text:levy", "{text}: levy", "(", ")", "-", "+", "'", "levy'; DROP TABLE statements; --", "\x00", "",
     "   ", "«»", "ферри", "a" * 5000, " ".join(["levy"] * 200)],
)
def test_hostile_search_input_never_raises(store: StoreBackend, words: str) -> None:
    hits = store.search_statements(words)
    assert isinstance(hits, list)
    assert store.recent_statements("keldan", None, 100)  # the table is still there


def test_fts_query_quotes_every_term() -> None:
    assert fts_query('NEAR( levy "harbour  is" *') == '"NEAR" "levy" "harbour is"'
    assert fts_query('" * ( )') is None


@pytest.mark.parametrize("words", ['NEAR( levy "harbour  is" *', '" * ( )', "levy'; DROP", " ".join(["levy"] * 200)])
def test_both_backends_read_the_same_terms_from_the_words(words: str) -> None:
    assert fts_query(words) == (" ".join(f'"{t}"' for t in search_terms(words)) or None)


@pytest.mark.parametrize("window_first", [True, False])
@pytest.mark.parametrize("window", [1, 2, 3, 100_000])
def test_a_very_common_search_ranks_its_newest_matches(
    store: StoreBackend, monkeypatch: pytest.MonkeyPatch, window: int, window_first: bool
) -> None:
    monkeypatch.setattr("watchers.store.sqlite.search.MAX_RANKED_MATCHES", 2)
    monkeypatch.setattr("watchers.store.postgres.search.MAX_RANKED_MATCHES", 2)
    # PostgreSQL looks among the newest `window` statements first, then everywhere, or (when the
    # planner's statistics say the window is too short) everywhere at once: the same answer
    monkeypatch.setattr("watchers.store.postgres.search.RECENT_WINDOW", window)
    monkeypatch.setattr("watchers.store.postgres.search.SearchQueries._recent_window",
                        lambda *_: window if window_first else None)
    # "ferry/ferries" is in four statements; only the two newest are ranked
    hits = store.search_statements("ferries")
    assert {h.text for h in hits} == {QUOTES[3][3], QUOTES[4][3]}
    assert {h.text for h in store.search_statements("ferries", speaker_id="keldan")} == {QUOTES[3][3], QUOTES[4][3]}


# -- what people type: apostrophes, possessives, OR, -word, phrases (the same answers on both backends)


@pytest.fixture
def typed(store: StoreBackend) -> StoreBackend:
    """The QUOTES store plus statements with apostrophes and possessives, as outlets print them."""
    extra = [
        (40, "brask", "direct", "Velmora's fleet will not dock here, and we don't need it to"),
        (41, "keldan", "direct", "The Velmora fleet is welcome in every harbour"),
        (42, "brask", "direct", "Ostrand’s minister says the ferries won’t run on Sundays"),
    ]
    for n, (hours, speaker_id, kind, text) in enumerate(extra):
        published = T0 + timedelta(hours=hours)
        art = Article(id=f"t{n}", url=f"https://coastwatch.example/{n}", title=f"Coastwatch {n}", text="Short.",
                      feed="coastwatch", outlet="Coastwatch", published=published)
        name = {"keldan": "Marta Keldan", "brask": "Teodor Brask"}[speaker_id]
        st = Statement(text=text, start=0, end=len(text), kind=cast(Kind, kind), speaker=name, speaker_id=speaker_id)
        process_article(store, art, [st], published, WINDOW)
    return store


def texts(hits: list) -> set[str]:  # type: ignore[type-arg]
    return {h.text for h in hits}


@pytest.mark.parametrize("words", ["Velmora's", "Velmora’s", "velmora"])
def test_a_possessive_finds_the_name_with_and_without_it(typed: StoreBackend, words: str) -> None:
    found = texts(typed.search_statements(words))
    assert len(found) == 2 and all("Velmora" in t for t in found)


@pytest.mark.parametrize("words", ["don't", "don’t", "won’t run", "Ostrand's"])
def test_apostrophes_straight_and_curly_find_the_word(typed: StoreBackend, words: str) -> None:
    found = typed.search_statements(words)
    assert len(found) == 1
    assert "don't" in found[0].text or "won’t" in found[0].text


def test_or_finds_either_word(typed: StoreBackend) -> None:
    privatising, ruinous = texts(typed.search_statements("privatising")), texts(typed.search_statements("ruinous"))
    assert len(privatising) == len(ruinous) == 1
    assert texts(typed.search_statements("privatising OR ruinous")) == privatising | ruinous
    assert texts(typed.search_statements("ruinous OR privatising")) == privatising | ruinous
    # OR binds the terms either side; the other words stay required
    assert texts(typed.search_statements("harbour levy OR velmora")) == texts(typed.search_statements("harbour levy")) | {
        t for t in texts(typed.search_statements("harbour velmora"))}


def test_minus_word_excludes(typed: StoreBackend) -> None:
    levy = texts(typed.search_statements("levy"))
    without = texts(typed.search_statements("levy -ferries"))
    assert without and without < levy
    assert all("ferr" not in t.lower() for t in without)
    assert texts(typed.search_statements("levy NOT ferries")) == without
    assert texts(typed.search_statements('harbour -"harbour levy"')) == texts(typed.search_statements("harbour")) - {
        t for t in levy if "harbour levy" in t}


def test_exact_phrase_with_curly_quotes(typed: StoreBackend) -> None:
    assert texts(typed.search_statements("“harbour levy will fall”")) == {QUOTES[0][3]}


@pytest.mark.parametrize("words", ["-levy", "NOT levy", '"', "- * (", "OR", ""])
def test_a_query_with_nothing_to_look_for_gets_a_hint_not_an_error(typed: StoreBackend, words: str) -> None:
    assert typed.search_statements(words) == []
    hint = query_hint(words)
    assert hint is not None and "\n" not in hint and "syntax" not in hint.lower() and "quotation" not in hint


def test_a_usable_query_has_no_hint() -> None:
    assert query_hint("levy -ferry") is None and query_hint("Russia's") is None


def test_parse_query_reads_operators_only_where_they_are_operators() -> None:
    q = parse_query('NATO OR Russia "harbour levy" -ferry AND or')
    assert q.clauses == ((("NATO",), ("Russia",)), (("harbour", "levy"),), (("or",),))
    assert q.excluded == (("ferry",),)
    assert parse_query("OR levy").clauses == ((("levy",),),)
