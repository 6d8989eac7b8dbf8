"""Inflected forms of Russian aliases and keywords, so that a term written once matches in every case.

    forms(term, kind) -> the term in each grammatical case (itself first), or (term,) if not Russian

Aliases and keywords are written once, in the nominative ("Песков", "Мария Захарова", "расширение
НАТО"); articles write "Пескова", "Захаровой", "расширению НАТО". At compile time (rules.terms) each
Cyrillic term gets one automaton pattern per case, so the scan stays one pass of the automaton.

The forms come from pymorphy3's OpenCorpora dictionary, not from hand-written endings. Each Cyrillic word
of a term is read in the nominative: for a speaker the parse tagged as a surname, given name or
patronymic first (Surn/Name/Patr: "Песков" the surname, not the genitive plural of "песок"), for a topic
the likeliest nominative parse. A word that has no nominative reading ("президента" in "пресс-секретарь
президента", an indeclinable "НАТО") is a dependent or fixed word and keeps its form; the others are
inflected together, case by case (and, for topics, in both numbers), so the words of a form agree.
Which speaker forms are real (a lower-case "песков" is sand, not the spokesman) is decided at scan
time: see `cased`.

pymorphy3 is imported on the first Cyrillic term only: rules without one never load its dictionary.
One analyzer serves the process (`analyzer()`: the Russian extraction's grammar, watchers.statements.lang.ru,
shares it). A service whose rules read Russian loads it when it compiles them (`warm_up`), so the first
Russian statement does not load it in the store's thread, where it would hold every other store call.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rules.model import Rules

# The six cases of Russian; the second genitive and locative ("чаю", "в лесу") are left out: names
# and the nouns of topic keywords rarely have them, and pymorphy3 gives the main form otherwise.
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
# Tags that mark a personal name: the speaker reading of an ambiguous word is the one with these.
NAME_TAGS = frozenset({"Surn", "Name", "Patr"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A term as words (letters, digits and inner hyphens: "пресс-секретарь" is one word to pymorphy3) and
# the separators between them, kept as written.
_TOKENS = re.compile(r"[\w-]+|[^\w-]+")


def has_cyrillic(term: str) -> bool:
    return _CYRILLIC.search(term) is not None


_morph: Any = None
_morph_lock = threading.Lock()


def analyzer() -> Any:
    """The process's pymorphy3 analyzer, loaded on first use (thread-safe: a second thread waits)."""
    return _morph if _morph is not None else _load()


def _load() -> Any:
    global _morph
    with _morph_lock:
        if _morph is None:
            import pymorphy3  # lazily: its dictionary takes ~0.1-0.3 s and ~15 MB, needed only for Russian

            _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


def _analyzer() -> Any:
    return analyzer()


def reads_russian(rules: Rules) -> bool:
    """Whether the rules name anything in Russian: a Cyrillic alias or keyword, or a feed read as Russian."""
    return (
        any(f.lang == "ru" for f in rules.feeds)
        or any(has_cyrillic(t) for s in rules.speakers for t in s.terms)
        or any(has_cyrillic(k) for t in rules.topics for k in (*t.any, *t.all, *t.none))
    )


def warm_up(rules: Rules) -> None:
    """Load the analyzer now if the rules read Russian (the service calls this where it compiles its
    rules, off the event loop): the store lemmatises Russian statements for search (`lemmas`), and a
    first load there, ~0.3 s under load, would hold every other store call. A no-op otherwise, so an
    English-only service never loads the dictionary."""
    if reads_russian(rules):
        _analyzer()


def _nominative(word: str, kind: Literal["speaker", "topic"]) -> Any:
    """The word's nominative reading (see the module docstring), or None: keep the word as it is."""
    parses = [p for p in _analyzer().parse(word) if "nomn" in p.tag]
    if kind == "speaker":
        named = [p for p in parses if NAME_TAGS & p.tag.grammemes]
        parses = named or parses
    return parses[0] if parses else None


@functools.lru_cache(maxsize=65536)
def forms(term: str, kind: Literal["speaker", "topic"]) -> tuple[str, ...]:
    """The term in every case (for topics in both numbers), the term itself first; (term,) when it has
    no Cyrillic word to inflect. Pure: the same term always gives the same forms."""
    if not has_cyrillic(term):
        return (term,)
    tokens = _TOKENS.findall(term)
    inflected = [_word_forms(t, kind) if _inflectable(t) else None for t in tokens]
    if not any(inflected):
        return (term,)
    found = {term: None}
    for i in range(len(_WANTED[kind])):
        found.setdefault("".join(t if f is None else f[i] for t, f in zip(tokens, inflected, strict=True)), None)
    return tuple(found)


# The forms asked for, in order: for a speaker each case; for a topic each case in both numbers.
_WANTED: dict[str, tuple[frozenset[str], ...]] = {
    "speaker": tuple(frozenset({case}) for case in CASES),
    "topic": tuple(frozenset({case, number}) for case in CASES for number in ("sing", "plur")),
}


@functools.lru_cache(maxsize=65536)
def _word_forms(token: str, kind: Literal["speaker", "topic"]) -> tuple[str, ...] | None:
    """One word in each wanted form (_WANTED[kind], the word as written where it has none), or None
    when it has no nominative reading (a dependent or fixed word: it keeps its form). Per word, not
    per term: a surname recurs in several aliases ("Песков", "Дмитрий Песков", "пресс-секретарь
    Песков"), and its forms cost a dictionary walk each."""
    reading = _nominative(token, kind)
    if reading is None:
        return None
    out = []
    for wanted in _WANTED[kind]:
        form = reading.inflect(set(wanted))
        out.append(token if form is None else _as_written(token, form.word))
    return tuple(out)


_LATIN = re.compile(r"[A-Za-z]")
_WORDS = re.compile(r"\w+")


@functools.lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    """The dictionary form of one word, lower case: for a Cyrillic word pymorphy3's likeliest reading
    ("расширения" -> "расширение"), except that a capitalised word read as a name is that name
    ("Песков" -> "песков", the surname; "песков" -> "песок", sand); other words lower-cased."""
    if not has_cyrillic(word):
        return word.lower()
    parses = _analyzer().parse(word)
    if word[:1].isupper():
        for parse in parses:
            if NAME_TAGS & parse.tag.grammemes:
                return str(parse.normal_form)
    return str(parses[0].normal_form)


def lemmas(text: str) -> str | None:
    """The words of `text`, each as its lemma, in order and space-separated, for a search index that
    finds every form of a Russian word; None when the text has no Cyrillic (nothing to gain)."""
    if not has_cyrillic(text):
        return None
    return " ".join(lemma(w) for w in _WORDS.findall(text))


def notes(term: str, kind: Literal["speaker", "topic"]) -> list[str]:
    """Mistakes in how a Cyrillic term is written that make it match less than meant (check-rules
    prints these): words that mix Latin and Cyrillic letters (a Latin "e" or "o" typed for the
    Cyrillic one: such a word matches nothing a Russian outlet writes), and a term with no word that
    has a nominative reading (written in another case: matched only as written). Empty for a Latin
    term or a well-formed one."""
    if not has_cyrillic(term):
        return []
    out: list[str] = []
    for word in _cyrillic_words(term):
        if _LATIN.search(word):
            latin = "".join(sorted(set(_LATIN.findall(word))))
            out.append(f"{word!r} mixes Latin letters ({latin}) with Cyrillic ones: retype them in Cyrillic")
    if not out and not any(_nominative(w, kind) for w in _cyrillic_words(term)):
        out.append("no word of it reads as a nominative: it matches only as written, in no other case; "
                   "write it in the nominative")
    return out


def guessed(term: str, kind: Literal["speaker", "topic"]) -> list[str]:
    """The words of a Cyrillic term that the dictionary does not know: their cases are guessed from
    their endings (usually right for surnames: "Гутерриш" -> "Гутерриша"), so worth a look."""
    return [w for w in _cyrillic_words(term) if (r := _nominative(w, kind)) is not None and not r.is_known]


def _inflectable(token: str) -> bool:
    """A Cyrillic word, not an abbreviation in capitals ("МИД", "ООН": written as they are in
    every case; the dictionary would give "МИДА" for the colloquial "МИДа")."""
    return has_cyrillic(token) and token[0].isalnum() and not (token.isupper() and len(token) > 1)


def _cyrillic_words(term: str) -> list[str]:
    return [t for t in _TOKENS.findall(term) if t[0].isalnum() and has_cyrillic(t)]


def _as_written(token: str, form: str) -> str:
    """pymorphy3's lower-case form with the token's capitalisation ("Песков" -> "Пескова")."""
    if token.isupper() and len(token) > 1:
        return form.upper()
    if token[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def cased(term: str) -> bool:
    """True when every Cyrillic word of the term is written with a capital: then a hit must be too.

    A name in running Russian text is always capitalised; the same letters in lower case are another
    word ("барханы песков": the genitive plural of "песок", not Peskov). A term written in lower case
    ("пресс-секретарь") matches in any case, as every Latin term does."""
    cyrillic = [t for t in _TOKENS.findall(term) if has_cyrillic(t) and t[0].isalnum()]
    return bool(cyrillic) and all(t[0].isupper() for t in cyrillic)
