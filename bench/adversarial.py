"""Adversarial article shapes for the extraction benches and tests: inputs a hostile or broken feed
can send that once made extraction quadratic. Every shape is built to a size in bytes from a fixed
seed; the people, outlets and places are fictional.

    SHAPES["unclosed"](50_000) -> str

Shapes (each one paragraph unless said otherwise):
    unclosed       opening marks that never close (“ ... “ ... “ ...)
    unclosed_dense the densest form: an opening mark before every word
    straight       unbalanced straight double marks
    singles        single marks that may or may not be quotes (‘ ... ’s ...)
    nested         deep nesting of different marks (“ « „ ‘ ...) never closed
    pairs          closed quote pairs in one sentence without a full stop
    said_chain     "X said that Y said that ..." without a full stop
    said_many      thousands of "said" with speakers, sentences ended
    names          a giant paragraph of names and commas
    colons         colon intros before quotes, no full stop
    according      "according to X" repeated without a full stop
    participles    ", calling it “...”" repeated without a full stop
    one_paragraph  an ordinary article delivered as one paragraph, with a photo credit in it
    paragraphs     the same ordinary prose in ordinary paragraphs (the baseline shape)
    ru_*           the Russian constructions of bench/adversarial_ru.py, extracted as Russian
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.adversarial_ru import RU_SHAPES
from bench.fill import fill as _fill

_FIRST = ["Marit", "Oskar", "Ilse", "Tavi", "Renske", "Bram", "Yuna", "Kasimir", "Odile", "Fenna"]
_LAST = ["Vallin", "Thorsby", "Quell", "Marrow", "Ostrander", "Kjeld", "Pardoe", "Lisle", "Brackett", "Huld"]
_WORDS = ["the", "council", "would", "review", "the", "levy", "before", "the", "harbour", "vote", "in", "early", "spring", "and", "after", "talks"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def unclosed(size: int) -> str:
    return "Officials met. " + _fill(lambda r, i: "\u201c" + _words(r, 4), size)


def unclosed_dense(size: int) -> str:
    return _fill(lambda r, i: "\u201c" + r.choice(_WORDS), size)


def straight(size: int) -> str:
    return _fill(lambda r, i: '"' + _words(r, 3), size)


def singles(size: int) -> str:
    return _fill(lambda r, i: "\u2018" + _words(r, 2) + " Vallin\u2019s " + r.choice(_WORDS), size)


def nested(size: int) -> str:
    marks = "\u201c\u00ab\u201e\u2018\""
    return _fill(lambda r, i: marks[i % len(marks)] + r.choice(_WORDS), size)


def pairs(size: int) -> str:
    return _fill(lambda r, i: f"\u201c{_words(r, 5)},\u201d {_name(r)} said and", size)


def said_chain(size: int) -> str:
    return _fill(lambda r, i: f"{_name(r)} said that", size) + " " + _words(random.Random(1), 6)


def said_many(size: int) -> str:
    return _fill(lambda r, i: f"{_name(r)} said {_words(r, 4)}.", size)


def names(size: int) -> str:
    return _fill(lambda r, i: _name(r) + ",", size)


def colons(size: int) -> str:
    return _fill(lambda r, i: f"{_name(r)} was blunt: \u201c{_words(r, 4)}\u201d and", size)


def according(size: int) -> str:
    return _fill(lambda r, i: f"{_words(r, 4)}, according to {_name(r)}, and", size)


def participles(size: int) -> str:
    return _fill(lambda r, i: f"{_name(r)} rejected the plan, calling it \u201c{_words(r, 3)}\u201d and", size)


_PROSE = [
    '\u201cWe will not accept this,\u201d {name} said.',
    "{surname} said on Tuesday that the council would review the levy.",
    '\u201cThe harbour stays open,\u201d she added.',
    "According to {name}, the vote would be held in the autumn.",
    "The levy, which began in May, stalled over fishing quotas and the timetable for a vote.",
    "{surname} described the plan as \u201ca step backwards\u201d and warned that prices would rise.",
]


def _prose(size: int, sep: str) -> str:
    def unit(r: random.Random, i: int) -> str:
        first, last = r.choice(_FIRST), r.choice(_LAST)
        s = r.choice(_PROSE).format(name=f"{first} {last}", surname=last)
        if i % 40 == 7:
            s += " (Photo: Lumen Wire/Getty Images)"
        return s

    return "Harbour levy stalls\n\n" + _fill(unit, size, sep)


def one_paragraph(size: int) -> str:
    return _prose(size, " ")


def paragraphs(size: int) -> str:
    return _prose(size, "\n\n")


SHAPES: dict[str, Callable[[int], str]] = {
    "unclosed": unclosed,
    "unclosed_dense": unclosed_dense,
    "straight": straight,
    "singles": singles,
    "nested": nested,
    "pairs": pairs,
    "said_chain": said_chain,
    "said_many": said_many,
    "names": names,
    "colons": colons,
    "according": according,
    "participles": participles,
    "one_paragraph": one_paragraph,
    "paragraphs": paragraphs,
    **RU_SHAPES,
}


def lang_of(shape: str) -> str:
    """The language a shape is written in (and extracted as)."""
    return "ru" if shape.startswith("ru_") else "en"


def unclosed_marks(n: int) -> str:
    """`n` unclosed opening marks in one paragraph (the issue's 10,000-mark case)."""
    return "Officials met. " + " ".join("\u201c" + _WORDS[i % len(_WORDS)] for i in range(n))
