"""Whether a capitalised word is part of a personal name, in which cases and of which gender
(pymorphy3's Name/Surn readings, and guesses for surnames the dictionary does not know)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import ModuleType

from watchers.statements.lang.types import Reading, Word

# A Russian surname's dative or accusative (Петрову, Бердыклычеву, Лавровскому): not a nominative.
_RUSSIAN_DATIVES = ("ову", "еву", "ёву", "ину", "ыну", "ому", "ему", "ую", "юю")
# Endings of surnames the dictionary may read as another part of speech (Мутко, Черных, Седых).
_SURNAME_ENDINGS = ("ко", "ых", "их", "ин", "ын", "ов", "ев")  # an unknown "Тюркин", guessed as an adjective
MIN_NAME_SCORE = 0.001  # "официальный представитель министерства иностранных дел"


_PLURAL_OBLIQUE = frozenset({"gent", "accs"})


def _given_names_plural(named: Sequence[Reading], text: str) -> bool:
    """A man's surname in -ов/-ев the dictionary reads only as the genitive plural of a given name."""
    return (
        bool(named)
        and all(r.name == "Name" and r.cases <= _PLURAL_OBLIQUE for r in named)
        and text.casefold().endswith(("ов", "ев", "ёв"))
    )


def name_word(
    g: ModuleType, w: Word, inner: bool = False, after_given: bool = False, forenames: bool = False
) -> tuple[frozenset[str], str] | None:
    """(cases, gender) when the word can be part of a personal name, else None. Empty cases: any.
    `inner`: not the sentence's first word, or after a given name: a capitalised animate noun there is a
    surname that is also a word (Андрей Чибис, сообщил Чибис, Богомаз)."""
    text = w.text
    if not text[:1].isupper():
        return None
    if len(text) == 2 and text.endswith("."):
        return frozenset(), ""
    if len(text) < 2:
        return None  # "В", "С": a preposition opening the sentence
    if text.isascii():
        return (
            None  # Russian copy writes people's names in Cyrillic; Latin words are brands (The Moscow Post)
        )
    if any(part[:1].islower() for part in text.split("-")[1:]):
        return None  # "Telegram-канале", "Интернет-портал": a common noun, a name's parts all capitalised
    rs = g.parses(text)
    named = [r for r in rs if r.name and r.score > MIN_NAME_SCORE]
    if named and not named[0].known and any(r.org for r in rs):
        return None  # "В Росстате": an organisation of the table, whatever name pymorphy3 guesses
    if after_given and _given_names_plural(named, text):
        return frozenset({"nomn"}), "m"  # "Мурад Мусаев": not the genitive plural of the name Мусай
    if named:
        cases: set[str] = set()
        for r in named:
            cases |= r.cases
        low = text.casefold()
        if not named[0].known and not low.endswith(g.OBLIQUE_ENDINGS):
            cases.add("nomn")  # a guessed reading of an unknown surname (Силуанов read as Силуан's)
        elif not named[0].known and low.endswith(("у", "ю")) and not low.endswith(_RUSSIAN_DATIVES):
            return frozenset(), ""  # a foreign surname that never declines (Коусейру), any case and gender
        if not named[0].known and text.endswith("е"):
            cases = set()  # no genitive or accusative ends in -е: an unknown surname that never declines
        return frozenset(cases), named[0].gender if len({r.gender for r in named}) == 1 else ""
    if forenames and rs and rs[0].known and not text.isupper():
        # "Андрей Усатый", "Анна Белая" (белый of Белый дом): a surname that declines as an adjective
        adjectives = [r for r in rs if r.pos == "ADJF" and r.gender in ("m", "f")]
        if adjectives:
            return frozenset().union(*(r.cases for r in adjectives)), _one_gender(adjectives)
    if (
        forenames
        and rs
        and not any(r.known for r in rs)
        and not any(r.org and r.lemma in g.ORG_WORDS for r in rs)
    ):
        return frozenset(), ""  # "Александр Новак": a surname pymorphy3 only guesses (here an organisation)
    if inner and g.plural_surname(text, True):
        return frozenset({"nomn"}), "m"  # "Пётр Зарубин", "сказал Зарубин": not the plural of зарубина
    if forenames and rs and rs[0].known and not text.isupper():
        # "Владимир Сальдо", "Анна Зарубина": a surname that is a common noun, its gender the name's
        nouns = [
            r
            for r in rs
            if r.pos == "NOUN" and not r.org and r.gender != "pl" and r.lemma not in g.ROLE_NOUNS
        ]
        if nouns and len(nouns) == len(rs):
            return frozenset().union(*(r.cases for r in nouns)), ""
    if any(r.org for r in rs) or text.isupper():
        return None
    if g.plural_surname(text):
        return frozenset({"nomn"}), "m"  # "Кулаков пояснил": not the plural of кулак
    if rs and rs[0].known:
        animate = [r for r in rs if r.anim and r.pos == "NOUN" and r.gender in ("m", "f")]
        if inner and animate and animate[0].lemma not in g.ROLE_NOUNS:
            cases = set()
            for r in animate:
                cases |= r.cases
            return frozenset(cases), animate[0].gender
        return None  # a dictionary word (Министр, Кремль, Однако) is not a name
    # an unknown word: a noun guess anywhere; after a given name any guess (Мутко read as an adverb)
    surname_like = inner and text.casefold().endswith(_SURNAME_ENDINGS)
    return (
        (frozenset(), "")
        if rs and (after_given or surname_like or rs[0].pos in ("NOUN", "ADJS", ""))
        else None
    )


def _one_gender(readings: Sequence[Reading]) -> str:
    genders = {r.gender for r in readings}
    return genders.pop() if len(genders) == 1 else ""


def fits(cases: frozenset[str], gender: str, want: frozenset[str], hint: str) -> bool:
    if cases and not cases & want:
        return False
    return not (hint in ("m", "f") and gender in ("m", "f") and gender != hint)


GENITIVE = frozenset({"gent"})


def agrees(
    g: ModuleType, run: Sequence[tuple[Word, frozenset[str], str]], want: frozenset[str], hint: str
) -> bool:
    """Every known name word has one reading in a wanted case and of the verb's gender: "заявил помощник
    Осипова" is not a man named Осипова (a woman's nominative, a man's genitive)."""
    for k, (w, _, _) in enumerate(run):
        named = [r for r in g.parses(w.text) if r.name and r.known]
        if k and _given_names_plural(named, w.text):
            continue  # "Мурад Мусаев": a surname, though read as a name's plural
        if named and not any((r.cases & want or not r.cases) and r.gender in (hint, "") for r in named):
            return False
    return True


def a_mans_genitive(g: ModuleType, text: str) -> bool:
    """A surname that may be a man's in the genitive (Осипова, Кулакова) after a role noun."""
    words = text.split()
    return len(words) == 1 and any(
        r.name == "Surn" and r.gender == "m" and "gent" in r.cases for r in g.parses(words[0])
    )


# A man's surname whose vowel drops in the other cases: Емец -> Емца, Кравец -> Кравца, Турок -> Турка.
_FLEETING = ("ец", "ок", "ёк", "ек")


def given_before(g: ModuleType, text: str, pos: int, surname: str) -> str | None:
    """The given name (nominative) the text wrote before `pos` next to this surname in another case
    ("министра здравоохранения Ильи Емца" for "Емец"), or None. Only a surname whose oblique stem
    pymorphy3 cannot read back to it (a fleeting vowel) needs this; the others a name run finds."""
    low = surname.casefold()
    if len(low) < 4 or not low.endswith(_FLEETING) or not text or pos <= 0:
        return None
    stem = re.escape(surname[:-2] + surname[-1])  # Емец -> Емц
    for found in re.finditer(rf"\b([А-ЯЁ][а-яё]+)\s+{stem}(?:а|у|ом|е)\b", text[:pos]):
        given = found.group(1)
        named = [r for r in g.parses(given) if r.name == "Name" and r.gender == "m"]
        if named:
            return g.nominative(given, "m", True) if "nomn" not in named[0].cases else given
    return None


def unknown_given(
    g: ModuleType, text: str, words: Sequence[Word], j: int, hi: int, rs: Sequence[Reading]
) -> bool:
    """A capitalised word the dictionary does not know, right before a capitalised word read as a name
    ("мэр Казани Ильсур Метшин"), or before a second unknown word that ends the run ("тренер ХК СКА
    Милош Ржига": a foreign name)."""
    if (
        any(r.known or r.org for r in rs)
        or j + 1 >= hi
        or not words[j + 1].cap
        or text[words[j].end : words[j + 1].start].strip()
    ):
        return False
    nxt = g.parses(words[j + 1].text)
    if any(r.name for r in nxt):
        return True
    last = j + 2 >= hi or not words[j + 2].cap or bool(text[words[j + 1].end : words[j + 2].start].strip())
    return last and not any(r.known or r.org for r in nxt) and not words[j + 1].text.isupper()


def foreign_nominative(g: ModuleType, surname: str) -> bool:
    """A surname the dictionary does not know ending in a consonant: a man's in an oblique case would
    take an ending (Фермойлена), so it is in the nominative as written (not Шутко, which never declines)."""
    rs = g.parses(surname)
    low = surname.casefold()
    return bool(rs) and not rs[0].known and low[-1:] not in _VOWELS and not low.endswith(g.OBLIQUE_ENDINGS)


_VOWELS = frozenset("аеёиоуыэюяй")


def surname_key(g: ModuleType, word: str) -> str:
    """One key for a surname in every case and both genders (Корнилова, Корниловой -> корнилов)."""
    named = [r for r in g.parses(word) if r.name == "Surn"]
    return named[0].lemma if named else word.casefold().replace("ё", "е")


def fuller(new: str, old: str) -> bool:
    """A name form fuller than the one kept: more words that are not initials."""

    def weight(n: str) -> tuple[int, int]:
        parts = n.split()
        return sum(1 for p in parts if len(p) > 2), len(parts)

    return weight(new) > weight(old)


def oblique_given(g: ModuleType, word: str) -> bool:
    """A given name whose likeliest reading is in an oblique case (Дмитрия, not the rare woman's name)."""
    rs = g.parses(word)
    return bool(rs) and rs[0].name == "Name" and bool(rs[0].cases) and "nomn" not in rs[0].cases
