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


@pytest.mark.parametrize("window", [1, 2, 3, 100_000])
def test_a_very_common_search_ranks_its_newest_matches(
    store: StoreBackend, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr("watchers.store.sqlite.search.MAX_RANKED_MATCHES", 2)
    monkeypatch.setattr("watchers.store.postgres.search.MAX_RANKED_MATCHES", 2)
    # PostgreSQL looks among the newest `window` statements first, then everywhere: the same answer
    monkeypatch.setattr("watchers.store.postgres.search.RECENT_WINDOW", window)
    # "ferry/ferries" is in four statements; only the two newest are ranked
    hits = store.search_statements("ferries")
    assert {h.text for h in hits} == {QUOTES[3][3], QUOTES[4][3]}
    assert {h.text for h in store.search_statements("ferries", speaker_id="keldan")} == {QUOTES[3][3], QUOTES[4][3]}
