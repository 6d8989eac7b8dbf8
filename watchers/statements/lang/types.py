"""The records a language's grammar module gives the lemma passes (watchers.statements.lemma*):
words with their offsets and the morphological readings of a word. Language-neutral."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Word:  # not frozen: an article makes ~1,000 of them, and a frozen __init__ costs twice as much
    text: str
    start: int
    end: int
    low: str  # casefolded (Russian: ё as е)
    cap: bool  # starts with a capital letter


@dataclass(frozen=True, slots=True)
class Reading:
    lemma: str
    pos: str  # "NOUN", "VERB", "GRND", "NPRO", "ADJF", "PRTS", "INIT" (an initial), ... ("" unknown)
    cases: frozenset[str]  # "nomn", "gent", ...; empty: not inflected for case
    gender: str  # "m" | "f" | "n" | "pl" | ""
    name: str  # "Name" | "Surn" | "Patr" | "Init" | "" (a part of a personal name)
    org: bool  # an organisation (tagged so, or in the language's organisation table)
    score: float
    known: bool = True  # in the dictionary, not guessed from the word's ending
    writer: bool = False  # a first- or second-person or imperative verb form: "Отметим", "Напомним"
