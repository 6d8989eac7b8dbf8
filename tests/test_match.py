"""rules.match and rules.normalize: one-pass speaker/topic matching, folding and offsets."""

from __future__ import annotations

import random
import string

import pytest

import rules.fuzzy as fuzzy_module
import rules.terms as terms_module
from rules.match import Hit, Matcher
from rules.model import Rules, Speaker, Topic
from rules.normalize import (
    CYRILLIC_CODEC,
    SOFT_TABLE,
    WORD_TABLE,
    fold,
    normalize,
    translit_key,
    translit_key_by_table,
    words,
)
from rules.views import folded_text, scan_views

SPEAKERS = (
    Speaker("peskov", "Dmitry Peskov", ("Peskov", "Kremlin spokesman", "Песков", "Mr. Peskov")),
    Speaker("zakharova", "Maria Zakharova", ("Zakharova", "Захарова")),
    Speaker("lavrov", "Sergei Lavrov", ("Lavrov",)),
    Speaker("guterres", "António Guterres", ("Guterres", "UN Secretary-General")),
    Speaker("rutte", "Mark Rutte", ("Rutte",)),
    Speaker("marchetti", "Jean-Luc Marchetti", ("Marchetti",)),
    Speaker("oneill", "Ciarán O'Neill", ("O'Neill",)),
    Speaker("halvorsen", "Ingrid Halvorsen", ("Halvorsen",), fuzzy=0),
    Speaker("ivanov", "Pyotr Ivanov", ("Ivanov",)),
)
TOPICS = (
    Topic(
        "grain", any=("grain corridor", "wheat exports", "harvest"), all=("Black Sea",), none=("football",)
    ),
    Topic("sanctions", any=("sanctions", "price cap", "cap")),
    Topic("exports", any=("wheat exports",)),
    Topic("only-none", none=("weather",)),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.compile(Rules(speakers=SPEAKERS, topics=TOPICS))


def speaker_hits(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    """(speaker id, text as written) for every speaker hit, checking each offset on the way."""
    out = []
    for hit in matcher.speakers(text):
        assert text[hit.start : hit.end] == hit.text
        out.append((hit.id, hit.text))
    return out


# -- folding -------------------------------------------------------------------------------------


def test_normalize_folds_case_accents_typography_and_maps_back() -> None:
    text = "Ant\u00f3nio\u00a0GUTERRES\u2019s \u201cﬁnal\u201d \u2014 Stra\u00dfe Pes\u00adkov Ano\u0301n"
    folded, index_map = normalize(text)
    assert folded == 'antonio guterres\'s "final" - strasse peskov anon'
    assert len(index_map) == len(folded) + 1
    assert index_map[-1] == len(text)
    assert index_map == sorted(index_map)
    # Every folded character comes from the original character the map names.
    assert text[index_map[folded.index("final")]] == "ﬁ"
    assert text[index_map[folded.index("strasse") + 5]] == "\u00df"


def test_normalize_ascii_is_lower_case_with_identity_map() -> None:
    folded, index_map = normalize("Kremlin\nSpokesman\tsaid")
    assert folded == "kremlin spokesman said"
    assert index_map == list(range(len(folded) + 1))


def test_words_split_terms_like_article_text() -> None:
    assert words("Jean\u2013Luc  Marchetti") == ("jean", "luc", "marchetti")
    assert words("Mr. Peskov\u2019s") == ("mr", "peskov", "s")


@pytest.mark.parametrize(
    ("a", "b"),
    [("peskov", "peskow"), ("zakharova", "sacharowa"), ("zakharova", "zaharova"), ("zelenskyy", "selenskyj")],
)
def test_transliteration_variants_share_a_key(a: str, b: str) -> None:
    assert translit_key(a) == translit_key(b)


def test_translit_key_is_the_table_of_folds_in_order() -> None:
    # translit_key skips steps whose letters are absent and does fixed strings with str.replace; the
    # table walked step by step is what it must equal. Words from the letters the steps look at (and
    # every letter), so runs like "tsch", "ckh", "oof" and doubles come up often.
    rng = random.Random(7)
    letters = ("chkstqxzwoujyfpaeb", "abcdefghijklmnopqrstuvwxyz")
    checked = 0
    for i in range(20_000):
        word = "".join(rng.choice(letters[i % 2]) for _ in range(rng.randint(1, 12)))
        assert translit_key(word) == translit_key_by_table(word), word
        checked += translit_key_by_table(word) != word
    assert checked > 10_000  # most words were changed by some step
    for word in ("smirnoff", "tschaikowsky", "khrushchev", "quixote", "phoof", "zhou", "oof", "of"):
        assert translit_key(word) == translit_key_by_table(word), word


def test_neighbours_of_translit_keys_are_each_listed_once() -> None:
    # neighbours does not de-duplicate: translit_key never leaves a letter twice in a row, so no two
    # deletions give one string. Words full of doubles and of folds that make new ones.
    rng = random.Random(9)
    for i in range(5_000):
        word = "".join(rng.choice("aabbssttkkcchhzzwwvvyyjjii"[: 8 + i % 19]) for _ in range(rng.randint(5, 14)))
        key = translit_key(word)
        assert all(a != b for a, b in zip(key, key[1:], strict=False)), (word, key)
        found = terms_module.neighbours(key)
        assert found == tuple(dict.fromkeys(found)), (word, key)
        assert found[0] == key and len(found) == (len(key) if len(key) >= terms_module.FUZZY_EDIT_MIN_KEY else 1)


def test_words_of_ascii_terms_are_those_of_the_general_fold() -> None:
    rng = random.Random(8)
    for _ in range(5_000):
        text = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 24)))
        assert words(text) == tuple(normalize(text)[0].translate(WORD_TABLE).split()), repr(text)


# -- speakers ------------------------------------------------------------------------------------


def test_case_insensitive(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "PESKOV and lavrov met.") == [("peskov", "PESKOV"), ("lavrov", "lavrov")]


def test_accents_ignored_both_ways(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "Antonio Guterres spoke.") == [("guterres", "Antonio Guterres")]
    assert speaker_hits(matcher, "ANTÓNIO GUTERRES spoke.") == [("guterres", "ANTÓNIO GUTERRES")]
    # Decomposed accent (o + combining acute): the hit keeps the accent it was written with.
    assert speaker_hits(matcher, "Anto\u0301nio Guterres spoke.") == [("guterres", "Anto\u0301nio Guterres")]
    assert speaker_hits(matcher, "Ciaran O'Neill") == [("oneill", "Ciaran O'Neill")]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u2018", "\u02bc"])
def test_apostrophes_inside_a_name(matcher: Matcher, apostrophe: str) -> None:
    text = f"a statement from O{apostrophe}Neill"
    assert speaker_hits(matcher, text) == [("oneill", f"O{apostrophe}Neill")]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_possessive_is_not_part_of_the_hit(matcher: Matcher, apostrophe: str) -> None:
    text = f"Peskov{apostrophe}s remarks"
    hits = matcher.speakers(text)
    assert [(h.text, h.start, h.end) for h in hits] == [("Peskov", 0, 6)]


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2011", "\u2013", "\u2014"])
def test_hyphen_and_dashes_in_a_name(matcher: Matcher, dash: str) -> None:
    text = f"said Jean{dash}Luc Marchetti on Friday"
    assert speaker_hits(matcher, text) == [("marchetti", f"Jean{dash}Luc Marchetti")]


@pytest.mark.parametrize("gap", ["\u00a0", "\n", "\r\n", "  ", "\u202f", " \n "])
def test_spaces_and_line_breaks_inside_a_multi_word_alias(matcher: Matcher, gap: str) -> None:
    text = f"the Kremlin{gap}spokesman said"
    assert speaker_hits(matcher, text) == [("peskov", f"Kremlin{gap}spokesman")]


def test_sentence_end_between_words_breaks_a_multi_word_alias(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "They left the Kremlin. Spokesman Gavrilo Nestor said") == []


def test_abbreviation_dot_is_optional(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "Mr Peskov and Mr. Peskov") == [
        ("peskov", "Mr Peskov"),
        ("peskov", "Mr. Peskov"),
    ]


def test_whole_word_only(matcher: Matcher) -> None:
    text = "Ruttenberg and Peskovsky met Lavrovich at Guterresville."
    assert speaker_hits(matcher, text) == []


def test_cyrillic_whole_word(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "Дмитрий Песков заявил") == [("peskov", "Песков")]
    assert speaker_hits(matcher, "ПЕСКОВ заявил") == [("peskov", "ПЕСКОВ")]
    # Russian inflects names: the alias is written once, in the nominative, and its other cases match
    # (issue #14); the same letters in lower case are another word (the genitive plural of "песок").
    assert speaker_hits(matcher, "слова Пескова") == [("peskov", "Пескова")]
    assert speaker_hits(matcher, "барханы песков") == []


@pytest.mark.parametrize(
    ("text", "speaker", "variant"),
    [
        ("Dmitri Peskow told reporters", "peskov", "Peskow"),
        ("Maria Sacharowa sagte", "zakharova", "Sacharowa"),
        ("spokeswoman Zaharova said", "zakharova", "Zaharova"),
        ("Guterrez arrived", "guterres", "Guterrez"),
    ],
)
def test_transliteration_variants_hit_with_lower_score(
    matcher: Matcher, text: str, speaker: str, variant: str
) -> None:
    hits = matcher.speakers(text)
    fuzzy = [h for h in hits if h.text == variant]
    assert [h.id for h in fuzzy] == [speaker]
    assert fuzzy[0].score < 100.0
    assert fuzzy[0].term in dict((s.id, s.terms) for s in SPEAKERS)[speaker]


def test_no_fuzzy_hits_in_ordinary_prose(matcher: Matcher) -> None:
    prose = (
        "Pesky gulls circled the harbour at Laval as Route 9 reopened on Tuesday. Residents of "
        "Ruttenberg said the Lavender Festival would go ahead, while Mayor Petra Ivanova and the "
        "historian Andrei Sakharov toured the new library. Zakat collections rose, Peskovsky Bakery "
        "announced longer hours, and Rutter Street stayed closed. Lavrentiy Gutman, a teacher, "
        "said the Gutters along Marchand Avenue needed repair before the Guterman Prize ceremony."
    )
    assert speaker_hits(matcher, prose) == []


def test_lowercase_words_are_never_fuzzy(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "the word peskow is not a name here") == []


def test_fuzzy_zero_disables_variants(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "Halvorsen spoke") == [("halvorsen", "Halvorsen")]
    assert speaker_hits(matcher, "Halworsen spoke") == []
    strict = Matcher.compile(Rules(speakers=(Speaker("peskov", "Dmitry Peskov", ("Peskov",), fuzzy=0),)))
    assert strict.speakers("Peskow spoke") == []


def test_threshold_above_key_similarity_rejects(matcher: Matcher) -> None:
    strict = Matcher.compile(Rules(speakers=(Speaker("zak", "Maria Zakharova", ("Zakharova",), fuzzy=90),)))
    # One letter off after transliteration folding: ratio 87.5, under 90.
    assert strict.speakers("Zakarova spoke") == []
    loose = Matcher.compile(Rules(speakers=(Speaker("zak", "Maria Zakharova", ("Zakharova",), fuzzy=80),)))
    assert [h.text for h in loose.speakers("Zakarova spoke")] == ["Zakarova"]


def test_overlapping_aliases_longest_wins(matcher: Matcher) -> None:
    text = "Dmitry Peskov said, and Mr. Peskov added, that Peskov agreed."
    assert speaker_hits(matcher, text) == [
        ("peskov", "Dmitry Peskov"),
        ("peskov", "Mr. Peskov"),
        ("peskov", "Peskov"),
    ]


def test_longer_alias_of_another_speaker_wins() -> None:
    m = Matcher.compile(
        Rules(speakers=(Speaker("a", "Lena Varga", ("Varga",)), Speaker("b", "Varga Institute", ())))
    )
    assert [(h.id, h.text) for h in m.speakers("the Varga Institute said")] == [("b", "Varga Institute")]


def test_shared_alias_hits_both_speakers() -> None:
    m = Matcher.compile(
        Rules(speakers=(Speaker("a", "Tomas Brandt", ("Brandt",)), Speaker("b", "Ulla Brandt", ("Brandt",))))
    )
    assert sorted(h.id for h in m.speakers("Brandt said")) == ["a", "b"]


def test_offsets_index_the_original_text(matcher: Matcher) -> None:
    text = "\ufeff\u201cWe\u2019re ready,\u201d ﬁrst said Ant\u00f3nio\u00a0Guterres\u2019s aide; Stra\u00dfe Peskow."
    hits = matcher.scan(text)
    assert [h.text for h in hits] == ["António\u00a0Guterres", "Peskow"]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


def test_empty_and_unmatched_text(matcher: Matcher) -> None:
    assert matcher.scan("") == []
    assert matcher.scan("Nothing of note happened at the port.") == []


def test_hits_equal_their_plain_construction(matcher: Matcher) -> None:
    (hit,) = matcher.speakers("Lavrov")
    assert hit == Hit("speaker", "lavrov", "Lavrov", "Lavrov", 0, 6, 100.0, "")
    assert hash(hit) == hash(Hit("speaker", "lavrov", "Lavrov", "Lavrov", 0, 6, 100.0, ""))


# -- topics --------------------------------------------------------------------------------------


def test_topic_phrases_any_all_none(matcher: Matcher) -> None:
    text = "Talks on the grain corridor across the Black Sea resumed."
    hits = matcher.scan(text)
    assert {(h.id, h.field, h.text) for h in hits} == {
        ("grain", "any", "grain corridor"),
        ("grain", "all", "Black Sea"),
    }
    assert matcher.topics_in(hits) == {"grain", "only-none"}


def test_topic_all_missing_and_none_present(matcher: Matcher) -> None:
    assert "grain" not in matcher.topics_in(matcher.scan("The harvest was poor."))
    vetoed = matcher.scan("The harvest on the Black Sea coast and the football final.")
    assert "grain" not in matcher.topics_in(vetoed)


def test_topics_within_spans(matcher: Matcher) -> None:
    text = "Sanctions were discussed. Later, the weather turned."
    hits = matcher.scan(text)
    first_sentence = (0, text.index("Later"))
    assert matcher.topics_in(hits, [first_sentence]) == {"sanctions", "only-none"}
    assert matcher.topics_in(hits, [(first_sentence[1], len(text))]) == set()
    assert matcher.topics_in(hits, []) == {"only-none"}


def test_overlapping_keywords_of_one_topic_longest_wins(matcher: Matcher) -> None:
    hits = matcher.scan("a new price-cap deal")
    assert [(h.id, h.text) for h in hits] == [("sanctions", "price-cap")]


def test_keyword_shared_by_two_topics_hits_both(matcher: Matcher) -> None:
    hits = matcher.scan("wheat exports rose")
    assert sorted((h.id, h.field) for h in hits) == [("exports", "any"), ("grain", "any")]


def test_topic_hits_do_not_suppress_speaker_hits() -> None:
    m = Matcher.compile(
        Rules(speakers=(Speaker("s", "Oskar Lind", ("Lind",)),), topics=(Topic("t", any=("Lind Bridge",)),))
    )
    kinds = sorted((h.kind, h.text) for h in m.scan("the Lind Bridge"))
    assert kinds == [("speaker", "Lind"), ("topic", "Lind Bridge")]


# -- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mr. Peskov", "peskov"),
        ("Dmitry Peskow", "peskov"),
        ("Dmitri Peskov", "peskov"),
        ("D. Peskov", "peskov"),
        ("PESKOV", "peskov"),
        ("Kremlin spokesman Dmitry Peskov", "peskov"),
        ("Foreign Minister Lavrov", "lavrov"),
        ("Антонио Гутерриш", None),
        ("Anna Peskov", None),
        ("Oskar Brenner", None),
        ("Peskov and Lavrov", None),
        ("", None),
    ],
)
def test_speaker_for_name(matcher: Matcher, name: str, expected: str | None) -> None:
    assert matcher.speaker_for_name(name) == expected


# -- the automaton's special paths -----------------------------------------------------------------


@pytest.mark.parametrize("gap", [" \n ", "\r\n\r\n", " - ", "\u00a0\u2013 "])
def test_wide_soft_gap_in_a_two_word_alias(matcher: Matcher, gap: str) -> None:
    # Gaps of one or two separators have their own automaton patterns; wider ones are followed.
    text = f"Asked twice, the Kremlin{gap}spokesman declined."
    assert speaker_hits(matcher, text) == [("peskov", f"Kremlin{gap}spokesman")]


@pytest.mark.parametrize("gap", [" ,  ", "     ", " .. "])
def test_wide_gap_that_is_not_soft_or_too_wide_breaks_the_alias(matcher: Matcher, gap: str) -> None:
    assert speaker_hits(matcher, f"at the Kremlin{gap}spokesman Ilya Norbek spoke") == []


def test_wide_gap_after_an_abbreviation(matcher: Matcher) -> None:
    assert speaker_hits(matcher, "as Mr.  Peskov said") == [("peskov", "Mr.  Peskov")]
    assert speaker_hits(matcher, "the Kremlin.  Spokesman Ilya Norbek said") == []


def test_terms_longer_than_the_enumerated_ones() -> None:
    long_name = "Deputy Minister of Coastal Fisheries Halvard Quist"
    m = Matcher.compile(
        Rules(
            speakers=(Speaker("quist", "Halvard Quist", ("Quist", long_name)),),
            topics=(Topic("ports", any=("the Joint Harbour Authority of Venmark",)),),
        )
    )
    text = (
        "Deputy Minister of Coastal\nFisheries Halvard Quist met the Joint Harbour Authority of "
        "Venmark on Monday; Quist later called the Deputy Minister of Coastal Fisheries office."
    )
    hits = m.scan(text)
    assert [(h.kind, h.text) for h in hits] == [
        ("speaker", "Deputy Minister of Coastal\nFisheries Halvard Quist"),
        ("topic", "the Joint Harbour Authority of Venmark"),
        ("speaker", "Quist"),
    ]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
    # The long alias must be complete and whole-word.
    assert m.speakers("Deputy Minister of Coastal Fisheries Halvard Quistberg") == []


def test_hits_are_in_start_order_with_the_longest_first() -> None:
    m = Matcher.compile(
        Rules(
            speakers=(Speaker("lind", "Oskar Lind", ("Lind",)),),
            topics=(
                Topic("bridge", any=("Lind Bridge toll",)),
                Topic("toll", any=("toll",)),
                Topic("lindb", any=("Lind Bridge",)),
            ),
        )
    )
    text = "Drivers on the Lind Bridge toll road, said Lind."
    spans = [(h.start, h.end) for h in m.scan(text)]
    assert spans == sorted(spans, key=lambda s: (s[0], -s[1]))
    assert len(spans) == 5


def test_fuzzy_variant_with_an_accented_capital_and_not_inside_a_word(matcher: Matcher) -> None:
    # Folding drops the accent but keeps the capital, so the variant is still a capitalised word.
    assert [h.text for h in matcher.speakers("Ángel met Pésköw today")] == ["Pésköw"]
    # "Peskow" inside a longer word is not a mention, capitalised or not.
    assert matcher.speakers("the McPeskow and xPeskow brands") == []


def test_fuzzy_memo_is_consistent_across_scans(matcher: Matcher) -> None:
    first = [(h.id, h.text, h.score) for h in matcher.speakers("Peskow spoke. The peskow brand.")]
    second = [(h.id, h.text, h.score) for h in matcher.speakers("Peskow spoke. The peskow brand.")]
    assert first == second == [("peskov", "Peskow", first[0][2])]


def test_non_ascii_text_takes_the_general_path(matcher: Matcher) -> None:
    text = "«Заявил» Песков; Dmitri Peskow added…"
    hits = matcher.speakers(text)
    assert [(h.id, h.text) for h in hits] == [("peskov", "Песков"), ("peskov", "Peskow")]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


def test_fold_keeps_capitals_and_length() -> None:
    from rules.normalize import fold

    folded, index_map = fold("\u00c1ngel \u00e9t\u00e9 \u201cOK\u201d \u2014 \u00d6ZIL")
    assert folded == 'Angel ete "OK" - OZIL'
    assert index_map is None


def test_fuzzy_hits_survive_the_memo_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    m = Matcher.compile(Rules(speakers=(Speaker("peskov", "Dmitry Peskov", ("Peskov",)),)))
    text = "Peskow told reporters."
    assert [h.id for h in m.scan(text)] == ["peskov"]  # the variant is now in the memo
    monkeypatch.setattr(fuzzy_module, "FUZZY_CACHE_LIMIT", 3)
    fillers = " ".join(f"Quandary{c}{d}" for c in "BCDFG" for d in "HJKLM")
    m.scan(fillers)  # the memo is past its limit now
    assert [h.id for h in m.scan(f"{text} Zephyrine Moravska Quillon spoke too.")] == ["peskov"]


# -- fast paths: the same hits as the general loop ---------------------------------------------------


def _compile_without_shortcuts(rules: Rules, monkeypatch: pytest.MonkeyPatch) -> Matcher:
    """A matcher whose scan takes the general per-target loop for every match (no shortcuts)."""
    with monkeypatch.context() as patch:
        patch.setattr(terms_module, "SHORTCUTS", False)
        return Matcher.compile(rules)


EDGE_TEXTS = (
    "",
    "Lavrov",
    "Dmitry Peskov, the Kremlin spokesman, said Mr. Peskov had met Lavrov and Zakharova.",
    "Peskow met Peskow\u2019s aide; PESKOW and peskow and xPeskow did not.",
    "\ufb01nal words from Peskow, then Peskow again and Песков \u2014 Dmitri Peskow.",
    "Ant\u00f3nio Guterres and Mr.  Peskov; the Kremlin\r\n\r\nspokesman; Kremlin.  Spokesman.",
    "The grain corridor sanctions price cap on wheat exports; harvest, cap, Black Sea, football.",
    "price  cap; price-cap; Price\u00a0Cap; grain\u2014corridor; wheat     exports",
    "Ciar\u00e1n O\u2019Neill and Jean-Luc Marchetti met Rutte, Ivanov and Halvorsen.",
    "UN Secretary-General Guterres; UN Secretary General; Secretary-General Guterres\u2019s.",
)


def test_fast_paths_give_the_general_loops_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Rules(speakers=SPEAKERS, topics=TOPICS)
    fast = Matcher.compile(rules)
    slow = _compile_without_shortcuts(rules, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(fuzzy_module, "lone_target", lambda targets: None)  # fuzzy places build theirs per scan
        expected = [slow.scan(text) for text in EDGE_TEXTS]
    assert [fast.scan(text) for text in EDGE_TEXTS] == expected
    assert any(hit.score < 100.0 for hits in expected for hit in hits)  # fuzzy places were covered


def test_fast_paths_give_the_general_loops_hits_on_the_bench_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bench.bench_match import build_corpus

    corpus = build_corpus(200, 50, 60)
    fast = Matcher.compile(corpus.rules)
    slow = _compile_without_shortcuts(corpus.rules, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(fuzzy_module, "lone_target", lambda targets: None)
        expected = [slow.scan(text) for text in corpus.articles]
    got = [fast.scan(text) for text in corpus.articles]
    assert got == expected
    assert sum(map(len, got)) > 1000
    assert sum(hit.score < 100.0 for hits in got for hit in hits) > 10


@pytest.mark.parametrize(
    ("keys", "overlap"),
    [
        ((("sanctions",), ("tariff",)), False),
        ((("grain", "corridor"), ("grain", "exports")), False),  # a shared word, never a shared place
        ((("пошлины", "нато"), ("пошлине", "нато")), False),  # two forms of one keyword
        ((("a", "b", "c"), ("b", "x")), False),
        ((("cap",), ("price", "cap")), True),  # "cap" inside "price cap"
        ((("price",), ("price", "cap")), True),
        ((("a", "b"), ("b", "c")), True),  # "a b c"
        ((("a", "b", "c"), ("c", "b")), True),  # "a b c b"
        ((("a", "a"),), True),  # "a a a": one key at two overlapping places
        ((("a", "b", "a"),), True),
    ],
)
def test_an_overlap_group_is_one_whose_keys_can_share_a_place(
    keys: tuple[tuple[str, ...], ...], overlap: bool
) -> None:
    assert terms_module.can_overlap(keys) is overlap


def test_topic_lists_whose_keys_only_share_words_give_the_hits_of_an_overlap_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Such lists skip scan's overlap bookkeeping; taking every list to overlap must not change a hit.
    rules = Rules(
        speakers=SPEAKERS,
        topics=(
            *TOPICS,
            Topic("tariffs", any=("пошлина НАТО", "пошлина", "grain tariff", "tariff wars")),
            Topic("ports", any=("порт в регионе", "танкер в регионе"), none=("port strike",)),
        ),
    )
    exact = Matcher.compile(rules)
    with monkeypatch.context() as patch:
        patch.setattr(terms_module, "can_overlap", lambda keys: True)
        every_list = Matcher.compile(rules)
    texts = [
        *EDGE_TEXTS,
        "Пошлины НАТО, пошлине НАТО и пошлина; grain tariff wars, tariff wars and grain tariff.",
        "Порта в регионе танкер в регионе порты в регионе; port strike, the port strike strike.",
    ]
    assert [exact.scan(t) for t in texts] == [every_list.scan(t) for t in texts]
    groups = terms_module.compile_terms(rules).overlapping
    assert ("ports", "any") not in groups and ("tariffs", "any") in groups  # "пошлина" is in "пошлина НАТО"
    assert sum(h.kind == "topic" for t in texts for h in exact.scan(t)) > 10


def test_every_capitalised_place_of_a_fuzzy_variant_is_a_hit(matcher: Matcher) -> None:
    # The ASCII view counts the variant's capitalised places, and the search stops after the last.
    text = "Peskow met Peskow\u2019s aide; PESKOW and peskow and xPeskow did not. Peskow left."
    hits = matcher.speakers(text)
    assert [h.text for h in hits] == ["Peskow", "Peskow", "PESKOW", "Peskow"]
    assert all(h.score < 100.0 for h in hits)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


def test_gaps_wider_than_the_enumerated_ones_in_three_word_terms() -> None:
    m = Matcher.compile(
        Rules(
            speakers=(Speaker("tamm", "Ivar Tamm", ("Dr. Ivar Tamm",), fuzzy=0),),
            topics=(Topic("deal", any=("grain export deal",)),),
        )
    )
    for gap1, gap2 in ((" ", " "), ("  ", " "), (" ", "\r\n"), (" - ", " \u2014 "), ("\n\n\n", "    ")):
        text = f"The grain{gap1}export{gap2}deal stalled."
        assert [h.text for h in m.scan(text)] == [f"grain{gap1}export{gap2}deal"], repr(text)
    for gap1, gap2 in ((".  ", " "), (" ", ", "), ("     ", " "), (" ", " .. ")):
        assert m.scan(f"The grain{gap1}export{gap2}deal stalled.") == [], repr((gap1, gap2))
    for name in ("Dr. Ivar Tamm", "Dr.  Ivar Tamm", "Dr Ivar  Tamm", "Dr.\u00a0Ivar\r\n\r\nTamm"):
        assert [h.text for h in m.scan(f"said {name} today")] == [name]
    # A full stop ends the name after a word longer than an abbreviation.
    assert m.scan("said Dr. Ivar. Tamm today") == []
    assert m.scan("said Dr. Ivar.  Tamm today") == []


def test_hit_is_a_frozen_record_that_equals_only_hits() -> None:
    hit = Hit("topic", "grain", "harvest", "Harvest", 4, 11, 100.0, "any")
    same = Hit(
        kind="topic", id="grain", term="harvest", text="Harvest", start=4, end=11, score=100.0, field="any"
    )
    assert hit == same
    assert (hit != same) is False
    assert hash(hit) == hash(same) == hash(("topic", "grain", "harvest", "Harvest", 4, 11, 100.0, "any"))
    assert (hit.kind, hit.id, hit.term, hit.text, hit.start, hit.end, hit.score, hit.field) == tuple(hit)
    # Like a frozen dataclass: not equal to a plain tuple of its fields, not ordered, not writable.
    assert hit != tuple(hit) and tuple(hit) != hit
    assert not hit == tuple(hit)  # noqa: SIM201 - the == path, not only !=
    with pytest.raises(TypeError):
        _ = hit < same  # type: ignore[operator]
    with pytest.raises(AttributeError):
        hit.start = 5  # type: ignore[misc]
    assert Hit("speaker", "lavrov", "Lavrov", "Lavrov", 0, 6, 100.0).field == ""
    assert repr(hit).startswith("Hit(kind='topic', id='grain'")
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(hit)) == hit == copy.deepcopy(hit)


def test_english_with_typography_takes_the_ascii_views_and_they_are_the_tables() -> None:
    # Curly quotes, dashes and no-break spaces fold to ASCII: such text is read through the ASCII
    # views (rules.views.scan_views), which must be those of the general definitions.
    rng = random.Random(17)
    alphabet = list(string.ascii_letters + string.digits + " .,;'-\n") + list("\u201c\u201d\u2019\u2018\u2014\u2013\u00a0")
    roads: set[bool] = set()
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        if rng.random() < 0.1:
            text += rng.choice(("\u00e9", "\u043e", "\u0416", "\u0142"))  # other roads, same answers
        folded_or_page, index_map, padded, softed, hard, cased_view = scan_views(text)
        folded = folded_text(folded_or_page)
        roads.add(isinstance(folded_or_page, str) and folded_or_page.isascii())
        assert (folded, index_map) == fold(text), repr(text)
        assert padded == f" {folded.translate(WORD_TABLE)} ", repr(text)
        if softed is not None:
            assert (softed, hard) == (folded.translate(SOFT_TABLE), ""), repr(text)
        if cased_view is not None:
            words_only = "".join(c if c.isalnum() or c == "_" else " " for c in folded)
            assert cased_view == b" " + words_only.encode(CYRILLIC_CODEC), repr(text)
    assert roads == {True, False}
    typographic = "\u201cWe\u2019re done\u201d \u2014 Mr.\u00a0Peskov"
    assert scan_views(typographic)[0] == "\"We're done\" - Mr. Peskov"
