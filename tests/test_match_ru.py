"""Russian names and topics matched by lemma (rules.inflect via rules.terms): an alias written once in
the nominative finds every case, and only real forms; the Cyrillic fast roads of folding and of the
matcher's views give what the general ones give."""

from __future__ import annotations

import random

import pytest

from rules.fuzzy import _capitalised_word
from rules.inflect import cased, forms
from rules.load import load_rules
from rules.match import Matcher
from rules.model import Rules, Speaker, Topic
from rules.normalize import CYRILLIC_CODEC, SOFT_TABLE, WORD_TABLE, _fold_in_place, fold
from rules.views import _page_capitalised, capitalised_words, folded_text, scan_views

# Fictional people and a fictional governor; the example config's real speakers are loaded below.
RULES = Rules(
    speakers=(
        Speaker(id="varentsov", name="Олег Варенцов", aliases=("Варенцов", "губернатор Варенцов")),
        Speaker(id="belova", name="Зоряна Белова", aliases=("Белова",)),
        Speaker(id="kravets", name="Inga Kravets", aliases=("Kravets", "Кравец")),
    ),
    topics=(
        Topic(id="nato", any=("расширение НАТО",)),
        Topic(id="bridge", any=("мост", "bridge")),
        Topic(id="quota", all=("квота", "рыба")),
    ),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.compile(RULES)


def hits(matcher: Matcher, text: str, kind: str = "speaker") -> list[tuple[str, str]]:
    return [(h.id, h.text) for h in matcher.scan(text) if h.kind == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Олег Варенцов заявил", [("varentsov", "Олег Варенцов")]),
        ("слова Олега Варенцова", [("varentsov", "Олега Варенцова")]),
        ("письмо Олегу Варенцову", [("varentsov", "Олегу Варенцову")]),
        ("встреча с Варенцовым", [("varentsov", "Варенцовым")]),
        ("о Варенцове", [("varentsov", "Варенцове")]),
        ("вопрос губернатору Варенцову", [("varentsov", "губернатору Варенцову")]),
        ("По словам Беловой, мост откроют", [("belova", "Беловой")]),
        ("Зоряну Белову спросили", [("belova", "Зоряну Белову")]),
        ("ВАРЕНЦОВ: мост откроют", [("varentsov", "ВАРЕНЦОВ")]),
    ],
)
def test_every_case_of_a_nominative_alias_matches(matcher: Matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert hits(matcher, text) == expected
    # and the hit reports the alias as configured, in the nominative
    terms = {s.id: s.terms for s in RULES.speakers}
    assert all(h.term in terms[h.id] for h in matcher.scan(text) if h.kind == "speaker")


def test_lower_case_homographs_are_not_names(matcher: Matcher) -> None:
    assert hits(matcher, "варенцов ждали к чаю") == []  # lower case: not the governor
    assert hits(matcher, "белова краска") == []


def test_a_lower_case_alias_matches_in_any_case(matcher: Matcher) -> None:
    assert hits(matcher, "Губернатору Варенцову написали") == [("varentsov", "Губернатору Варенцову")]


def test_topic_keywords_match_inflected(matcher: Matcher) -> None:
    text = "Против расширения НАТО выступили; о расширении НАТО и расширению НАТО. Мосты, мостом, bridge."
    topic_hits = [(h.id, h.text) for h in matcher.scan(text) if h.kind == "topic"]
    assert topic_hits == [("nato", "расширения НАТО"), ("nato", "расширении НАТО"), ("nato", "расширению НАТО"),
                          ("bridge", "Мосты"), ("bridge", "мостом"), ("bridge", "bridge")]
    assert matcher.topics_in(matcher.scan("Квоты на рыбу урезали")) == {"quota"}
    assert matcher.topics_in(matcher.scan("Квоты урезали")) == set()


def test_speaker_for_name_reads_inflected_full_names(matcher: Matcher) -> None:
    assert matcher.speaker_for_name("Олега Варенцова") == "varentsov"
    assert matcher.speaker_for_name("Зоряной Беловой") == "belova"
    assert matcher.speaker_for_name("Ивана Варенцова") is None  # another given name: another person


def test_latin_aliases_are_untouched(matcher: Matcher) -> None:
    assert hits(matcher, "Inga Kravets said") == [("kravets", "Inga Kravets")]
    assert hits(matcher, "kravets said") == [("kravets", "kravets")]  # Latin terms stay case-blind
    assert forms("Kravets", "speaker") == ("Kravets",)


def test_the_example_config_speakers() -> None:
    matcher = Matcher.compile(load_rules("config.example.toml"))
    text = ("По словам Пескова, Кремль рад. Пескову задали вопрос. Захаровой ответили, с Захаровой "
            "спорили. Лаврову вручили. Барханы песков тянутся к горизонту.")
    assert hits(matcher, text) == [("peskov", "Пескова"), ("peskov", "Пескову"), ("zakharova", "Захаровой"),
                                   ("zakharova", "Захаровой"), ("lavrov", "Лаврову")]


def test_forms_are_real_forms() -> None:
    peskov = forms("Песков", "speaker")
    assert peskov[0] == "Песков" and {"Пескова", "Пескову", "Песковым", "Пескове"} <= set(peskov)
    assert "Песков" in peskov and "Песках" not in peskov  # the surname's, not the forms of "песок"
    assert {"Захаровой", "Захарову"} <= set(forms("Захарова", "speaker"))
    assert "Захарова" in forms("Захарова", "speaker") and "Захаровым" not in forms("Захарова", "speaker")
    # a dependent word keeps its case; the head is inflected
    assert "пресс-секретарю президента" in forms("пресс-секретарь президента", "speaker")
    assert cased("Мария Захарова") and not cased("пресс-секретарь Кремля") and not cased("Peskov")


# -- the Cyrillic fast roads give exactly what the general ones give


ALPHABET = [bytes([b]).decode("cp1251", "replace") for b in range(32, 256)] + list("abc XYZ\n\t\u00e9\u2026\u0301")


def test_cyrillic_fold_agrees_with_the_general_fold() -> None:
    rng = random.Random(14)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
        assert fold(text) == _fold_in_place(text), repr(text)


def test_cyrillic_views_agree_with_the_tables() -> None:
    rng = random.Random(15)
    roads = set()
    hards: set[str] = set()
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
        page_or_folded, index_map, padded, softed, hard, cased_view = scan_views(text)
        folded = folded_text(page_or_folded)
        assert (folded, index_map) == fold(text), repr(text)
        assert padded == f" {folded.translate(WORD_TABLE)} ", repr(text)
        if softed is not None:
            assert (softed, hard) == (folded.translate(SOFT_TABLE), ""), repr(text)
        else:  # hard: a space exactly where SOFT_TABLE and WORD_TABLE agree (word characters, soft separators)
            hards.add(text)
            assert len(hard) == len(folded), repr(text)
            assert [h == " " for h in hard] == [SOFT_TABLE[ord(c)] == WORD_TABLE[ord(c)] for c in folded], repr(text)
        roads.add(cased_view is None)
        if cased_view is not None:
            words_only = "".join(c if c.isalnum() or c == "_" else " " for c in folded)
            assert cased_view == b" " + words_only.encode(CYRILLIC_CODEC), repr(text)
    assert roads == {True, False} and hards  # both roads were taken, and the hard view


def test_capitalised_words_in_bytes_are_those_the_str_regex_finds_at_word_starts() -> None:
    rng = random.Random(16)
    for _ in range(3000):
        text = " ".join("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 9))) for _ in range(6))
        cased_view = scan_views(text)[5]
        if cased_view is None:
            continue
        folded = fold(text)[0]
        at_starts = [m.group() for m in _capitalised_word().finditer(folded)
                     if m.start() == 0 or not (folded[m.start() - 1].isalnum() or folded[m.start() - 1] == "_")]
        assert [w[1:].decode(CYRILLIC_CODEC) for w in capitalised_words(cased_view)] == at_starts, repr(text)
        ascii_only = cased_view.translate(None, bytes(range(128, 256)))  # the small regex of ASCII text
        assert _page_capitalised().findall(ascii_only) == capitalised_words(ascii_only), repr(text)


def test_fuzzy_hits_in_russian_text_are_those_of_the_general_road() -> None:
    """The code-page road lists capitalised words in bytes; a character outside the code page sends the
    same text down the general road (the str regex): the hits must not differ."""
    rules = Rules(speakers=(Speaker(id="z", name="Мария Захарова", aliases=("Захарова",), fuzzy=85.0),
                            Speaker(id="p", name="Dmitry Peskov", aliases=("Peskov",), fuzzy=85.0)))
    matcher = Matcher.compile(rules)
    text = ("Захарава заявила, что Захарова и ЗАХАРОВА согласны; захарава молчит, а Peskow и Pesckov "
            "встретились с xPeskow. Захарава!")
    hits = matcher.scan(text)
    assert {h.text for h in hits if h.score < 100} >= {"Захарава", "Peskow"}
    assert scan_views(text)[5] is not None and scan_views(text + " \u0142")[5] is None
    assert matcher.scan(text + " \u0142") == hits
