"""Russian adversarial shapes: the constructions the lemma passes read (dash and colon attribution,
"по словам", "заявил, что", "об этом заявил", quoted phrases, role phrases), repeated without a full
stop, and ordinary Russian prose as one paragraph and as many. The people are fictional.

    RU_SHAPES["ru_dash"](50_000) -> str
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.fill import fill

_NAMES = ["Ирина Дольская", "Пётр Сабуров", "Олег Верещагин", "Анна Ладогина", "Марат Исхаков"]
_WORDS = ["город", "бюджет", "решение", "ставка", "вопрос", "налог", "совет", "план", "порт", "тариф"]


def _fill(unit: Callable[[random.Random, int], str], size: int, sep: str = " ") -> str:
    return fill(unit, size, sep, seed="ru")


def _w(r: random.Random, n: int) -> str:
    return " ".join(r.choice(_WORDS) for _ in range(n))


def _n(r: random.Random) -> str:
    return r.choice(_NAMES)


_PROSE = [
    "«Мы не согласимся с этим», — сказал {name}.",
    "{name} заявил во вторник, что совет рассмотрит тариф.",
    "«Порт продолжит работу», — добавила она.",
    "По словам {name_gen}, голосование пройдёт осенью.",
    "Тариф, введённый в мае, обсуждают уже полгода.",
    "{name} назвал план «шагом назад» и предупредил о росте цен.",
]
_GENITIVE = {"Ирина Дольская": "Ирины Дольской", "Пётр Сабуров": "Петра Сабурова",
             "Олег Верещагин": "Олега Верещагина", "Анна Ладогина": "Анны Ладогиной",
             "Марат Исхаков": "Марата Исхакова"}


def _prose(size: int, sep: str) -> str:
    def unit(r: random.Random, i: int) -> str:
        name = _n(r)
        return r.choice(_PROSE).format(name=name, name_gen=_GENITIVE[name])

    return "Тариф порта отложен\n\n" + _fill(unit, size, sep)


RU_SHAPES: dict[str, Callable[[int], str]] = {
    "ru_unclosed": lambda size: _fill(lambda r, i: "«" + _w(r, 3), size),
    "ru_dash": lambda size: _fill(lambda r, i: f"«{_w(r, 4)}», — сказал {_n(r)}, и", size),
    "ru_colon": lambda size: _fill(lambda r, i: f"{_n(r)} сказал: «{_w(r, 4)}» и", size),
    "ru_named": lambda size: _fill(lambda r, i: f"{_n(r)} назвал план «{_w(r, 3)}» и", size),
    "ru_po_slovam": lambda size: _fill(lambda r, i: f"{_w(r, 4)}, по словам {_GENITIVE[_n(r)]}, и", size),
    "ru_said_that": lambda size: _fill(lambda r, i: f"{_n(r)} заявил, что {_w(r, 4)}, и", size),
    "ru_ob_etom": lambda size: _fill(lambda r, i: f"{_w(r, 5)} — об этом заявил {_n(r)}, а", size),
    "ru_roles": lambda size: _fill(lambda r, i: f"министр финансов {_n(r)}, губернатор области {_n(r)} и", size),
    "ru_one_paragraph": lambda size: _prose(size, " "),
    "ru_paragraphs": lambda size: _prose(size, "\n\n"),
}
