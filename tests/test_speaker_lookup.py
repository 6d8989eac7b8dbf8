"""Speaker look-up for /quotes and /search (rules.lookup, bot.commands.queries.find_speaker): an index
gives the answers the scan over every speaker gave, without the scan."""

from __future__ import annotations

import random
from collections.abc import Sequence

from rapidfuzz import utils

from bench.bench_match import _variant, build_corpus
from bot.commands.queries import FUZZY_GAP, FUZZY_MIN, SUGGEST_MIN, SUGGEST_SPREAD, find_speaker, score
from rules.lookup import SpeakerIndex, speaker_index
from rules.model import Speaker

SPEAKERS = (
    Speaker("peskov", "Dmitry Peskov", ("Peskov", "Kremlin spokesman")),
    Speaker("anna-peskov", "Anna Peskov", ("Peskov",)),
    Speaker("kovalenko", "Marta Kovalenko", ("agriculture minister",)),
    Speaker("zakharova", "Maria Zakharova", ("Zakharova",)),
    Speaker("voskov", "Dmitri Voskov", ("Voskov",)),
)


def ids(found: tuple[Speaker | None, list[Speaker]]) -> tuple[str | None, list[str]]:
    speaker, suggestions = found
    return (speaker.id if speaker else None), [s.id for s in suggestions]


def scan_every_speaker(query: str, speakers: Sequence[Speaker]) -> tuple[Speaker | None, list[Speaker]]:
    """find_speaker as it was before the index: every speaker scored (the reference)."""
    wanted = utils.default_process(query)
    if not wanted:
        return None, []
    exact = [s for s in speakers if wanted in {utils.default_process(t) for t in (s.id, *s.terms)}]
    if len(exact) == 1:
        return exact[0], []
    if len(exact) > 1:
        return None, exact
    scored = sorted(((score(query, s), s) for s in speakers), key=lambda pair: -pair[0])
    if not scored:
        return None, []
    best_score, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= FUZZY_MIN and best_score - runner_up >= FUZZY_GAP:
        return best, []
    floor = max(SUGGEST_MIN, best_score - SUGGEST_SPREAD)
    return None, [s for value, s in scored[:3] if value >= floor]


def test_an_exact_alias_names_its_speaker() -> None:
    assert ids(find_speaker("Kremlin Spokesman", SPEAKERS)) == ("peskov", [])
    assert ids(find_speaker("agriculture minister", SPEAKERS)) == ("kovalenko", [])
    assert ids(find_speaker("Zakharova", SPEAKERS)) == ("zakharova", [])
    assert ids(find_speaker("voskov", SPEAKERS)) == ("voskov", [])  # the id (and the alias)


def test_a_misspelt_name_finds_the_speaker() -> None:
    assert ids(find_speaker("zakharowa", SPEAKERS)) == ("zakharova", [])  # transliteration
    assert ids(find_speaker("kovalneko", SPEAKERS)) == ("kovalenko", [])  # two letters swapped
    assert ids(find_speaker("voskow", SPEAKERS)) == ("voskov", [])


def test_a_surname_two_speakers_share_asks_which_one() -> None:
    assert ids(find_speaker("peskov", SPEAKERS)) == (None, ["peskov", "anna-peskov"])
    found, suggestions = find_speaker("peskow", SPEAKERS)
    assert found is None and {s.id for s in suggestions} == {"peskov", "anna-peskov"}
    assert ids(find_speaker("dmitry peskov", SPEAKERS)) == ("peskov", [])


def test_nothing_alike_is_nobody() -> None:
    assert find_speaker("zzzz", SPEAKERS) == (None, [])
    assert find_speaker("", SPEAKERS) == (None, [])
    assert find_speaker("?!", SPEAKERS) == (None, [])
    assert find_speaker("peskov", ()) == (None, [])


def test_the_index_answers_as_the_scan_of_every_speaker() -> None:
    # Generated speakers with look-alike surnames; queries as people type them: exact names, ids,
    # aliases, other romanisations, a letter dropped, changed or missing at the end, a first name.
    speakers = build_corpus(400, 5, 1).rules.speakers
    rng = random.Random(11)
    exact_queries: list[str] = []
    loose_queries: list[str] = []
    for s in rng.sample(speakers, 40):
        last = s.aliases[0]
        exact_queries += [s.name, s.id, last.upper(), s.aliases[1]]
        loose_queries += [_variant(last), last[:-1], last[:2] + last[3:], last[1:], last[:5], s.name.split()[0]]
    for query in exact_queries:
        assert ids(find_speaker(query, speakers)) == ids(scan_every_speaker(query, speakers)), query
    named = 0
    for query in loose_queries:
        found, suggestions = find_speaker(query, speakers)
        expected, expected_suggestions = scan_every_speaker(query, speakers)
        if expected is not None:
            # Whoever the scan named, the index names.
            assert found == expected, query
            named += 1
        elif found is not None:
            # Where the scan hesitated (another name scoring close, often a partial match inside a
            # longer surname), the index may be sure, but only of one the scan suggested.
            assert found in expected_suggestions, query
        else:
            assert suggestions or not expected_suggestions, query
    assert named > len(loose_queries) // 3  # the comparison covered many clear answers


def test_the_index_is_built_once_per_rules_version() -> None:
    first = speaker_index(SPEAKERS)
    assert speaker_index(SPEAKERS) is first
    assert speaker_index(list(SPEAKERS)) is not first  # a list may change: indexed afresh
    assert isinstance(first, SpeakerIndex) and first.speakers == SPEAKERS
    assert [s.id for s in first.exact("peskov")] == ["peskov", "anna-peskov"]
