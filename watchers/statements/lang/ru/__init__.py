"""Russian for statement extraction: the grammar through razdel and pymorphy3, the vocabulary in the
data files beside this module (format in `watchers.statements.lang.data`).

What the shared passes read from a language (the same names as `lang.en`): the noise-line patterns
(`BOILERPLATE_STARTS`, `RUN_TOGETHER_RE`, `TIMESTAMP_RE`, `COMMENT_COUNT_RE`, `BYLINE_RE`, `COOKIE_RE`,
`CAPTION_CREDIT_RE`) and the quote marks (`QUOTE_PAIRS`, `STRAIGHT_DOUBLE`). What the lemma passes
(`watchers.statements.lemmacues`, `lemmaspeakers`) read: the cue, role, organisation and pronoun tables,
and three functions of grammar no table can hold:

    sentences(text, lo, hi) -> [(start, end)]   razdel's sentence splitter over text[lo:hi]
    words(text, lo, hi)     -> [Word]           word tokens with offsets (a regex: razdel's tokenizer
                                                costs 2 ms per 5 KB, and only words are needed)
    parses(word)            -> tuple[Reading]   pymorphy3's readings, cached: lemma, part of speech,
                                                cases, gender, and whether it is a personal name

pymorphy3 is loaded on the first Russian article only.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from watchers.statements.lang import data as _data
from watchers.statements.lang.types import Reading, Word

_LANG = "ru"


def _words(name: str) -> frozenset[str]:
    return _data.words(_LANG, name)


def _mapping(name: str) -> dict[str, str]:
    return _data.mapping(_LANG, name)


def _groups(name: str) -> dict[str, frozenset[str]]:
    return _data.groups(_LANG, name)


# --- cues ------------------------------------------------------------------------------------------
CUE_LEMMAS: frozenset[str] = _words("cue_lemmas")
OBJECT_SPEAKER_LEMMAS: frozenset[str] = _words("object_speaker_lemmas")
PARTIAL_ONLY_LEMMAS: frozenset[str] = _words("partial_only_lemmas")
NEGATABLE_CUE_LEMMAS: frozenset[str] = _words("negatable_cue_lemmas")
INFINITIVE_CUE_LEMMAS: dict[str, str] = _mapping("infinitive_cue_lemmas")
SOURCE_OPENERS: tuple[str, ...] = _data.entries(_LANG, "source_openers")
ANAPHORIC_OPENERS: tuple[str, ...] = _data.entries(_LANG, "anaphoric_openers")
ANAPHORIC_VERBS: frozenset[str] = _words("anaphoric_verbs")
SPEAKERS_VOICE: frozenset[str] = _words("speakers_voice")
# The first four letters of every cue lemma and of its other stem ("заяв", "сказ", "гово"): a word is
# parsed for a cue only when it starts with one, so most words of an article are never parsed.
CUE_PREFIX_LEN = 4
_EXTRA_STEMS = ("скаж", "пише", "напи", "убеж", "увер", "отве", "пояс", "сооб", "счит", "счёл", "счел")
CUE_PREFIXES: frozenset[str] = frozenset(
    {lemma[:CUE_PREFIX_LEN] for lemma in CUE_LEMMAS | _words("document_cue_lemmas")} | set(_EXTRA_STEMS)
)
# "…, передает ТАСС высказывания министра": cues only with WORDS_OF after them (the check comes first:
# their prefixes "пере", "прив" start many words no one needs parsed).
RELAY_LEMMAS: frozenset[str] = _words("relay_lemmas")
RELAY_PREFIXES: frozenset[str] = frozenset(lemma[:CUE_PREFIX_LEN] for lemma in RELAY_LEMMAS)
# "…, говорится в сообщении Минфина": impersonal cues only with "в" + a document after (or before) them.
DOCUMENT_CUE_LEMMAS: frozenset[str] = _words("document_cue_lemmas")
DOCUMENT_NOUNS: frozenset[str] = _words("document_nouns")
DOCUMENT_PLACES: frozenset[str] = _words("document_places")
# "обратил внимание на то, что": cues only with their object noun after them (checked before parsing).
OBJECT_CUES: dict[str, frozenset[str]] = _groups("object_cues")
OBJECT_CUE_PREFIXES: frozenset[str] = frozenset(lemma[:CUE_PREFIX_LEN] for lemma in OBJECT_CUES)
OBJECT_CUE_WORDS: frozenset[str] = frozenset().union(*OBJECT_CUES.values())
THAT = "что"
# "заявил о необходимости …", "рассказал о ходе работ": cues whose "о" + noun phrase is the statement
ABOUT_CUE_LEMMAS: frozenset[str] = frozenset({"заявить", "заявлять", "рассказать", "рассказывать"})
# "рассказал, что будет делать сборная": "что" the object of one of these is a question, no statement
WHAT_DO_LEMMAS: frozenset[str] = frozenset({"делать", "сделать", "предпринимать", "предпринять"})
WHAT_DO_AUX: frozenset[str] = frozenset({"будет", "будут", "собирается", "собираются", "намерен", "намерена"})
# "приводит ТАСС слова X", "цитирует слова X": the speaker is the genitive after one of these.
WORDS_OF: frozenset[str] = frozenset(
    {"слова", "высказывание", "высказывания", "заявление", "заявления", "сообщение", "цитата", "цитату", "цитаты"}
)

# --- dedup -----------------------------------------------------------------------------------------
POLARITY_WORDS: frozenset[str] = _words("polarity_words")  # "не" makes it another statement

# --- people and organisations ----------------------------------------------------------------------
ROLE_NOUNS: frozenset[str] = _words("role_nouns")
ROLE_PREFIXES: frozenset[str] = frozenset(r[:CUE_PREFIX_LEN] for r in ROLE_NOUNS)
ROLE_SYNONYMS: dict[str, str] = _mapping("role_synonyms")
# "глава Минздрава", "руководитель Минздрава", "глава министерства здравоохранения" = "министр
# здравоохранения": one line per ministry in the ministries table, the phrases made here.
MINISTRIES: dict[str, str] = _mapping("ministries")
for _short, _field in MINISTRIES.items():
    for _phrase in (f"глава {_short}", f"руководитель {_short}", f"глава министерство {_field}"):
        ROLE_SYNONYMS.setdefault(_phrase, f"министр {_field}")
# A short ministry name opens so ("Минуглепром", "Минагрополитики"): its head is a minister even when
# the ministries table does not list it.
MINISTRY_PREFIX = "мин"
GENERIC_ROLES: dict[str, frozenset[str]] = _groups("generic_roles")
OFFICE_NOUNS: frozenset[str] = _words("office_nouns")
ORG_WORDS: frozenset[str] = _words("org_words")
OUTLETS: frozenset[str] = _words("outlets")
TITLE_NOUNS: frozenset[str] = _words("title_nouns")
PRONOUNS: dict[str, tuple[str, str]] = {
    form: (value.split()[0], value.split()[1]) for form, value in _mapping("pronouns").items()
}
NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
# Endings of a name in an oblique case (Силуанова, Силуанову, Силуановым, Громовой): an unknown
# surname without one may be in the nominative, whatever pymorphy3 guesses for it.
OBLIQUE_ENDINGS = (
    "а",
    "я",
    "у",
    "ю",
    "ом",
    "ем",
    "ым",
    "им",
    "ой",
    "ей",
    "ого",
    "его",
    "ому",
    "ему",
    "ых",
    "их",
)
# A name right after one of these is in an oblique case, whatever its ending: "в Заречинске", "с Рютте".
PREPOSITIONS: frozenset[str] = _words("prepositions")
RELATIVE_WORDS: frozenset[str] = _words("relative_words")
GENERIC_ORGS: frozenset[str] = _words("generic_orgs")
TIME_WORDS: frozenset[str] = _words("time_words")
BACKGROUND_OPENERS: tuple[str, ...] = _data.entries(_LANG, "background_openers")
SUBJECT_CONNECTIVES: tuple[str, ...] = _data.entries(_LANG, "subject_connectives")

# --- quote marks -----------------------------------------------------------------------------------
# «…» outside, „…“ inside (and the reverse in some copy); straight "…" pair by position.
QUOTE_PAIRS: dict[str, str] = {"\u00ab": "\u00bb", "\u201e": "\u201c", "\u201c": "\u201d"}
STRAIGHT_DOUBLE = '"'
DASHES = "\u2014\u2013\u2212-"

# --- boilerplate (the names boilerplate.is_noise reads) --------------------------------------------
BOILERPLATE_STARTS: tuple[str, ...] = _data.entries(_LANG, "noise_starts")
RUN_TOGETHER_RE = re.compile(r"^(?:[А-ЯЁ][а-яё]+){3,}$")
TIMESTAMP_RE = re.compile(r"^\(?\d{1,2}:\d{2}(?::\d{2})?\)?(?:\s|$|[-–—])")
COMMENT_COUNT_RE = re.compile(r"^\d+\s+(?:комментари|просмотр|репост)", re.I)
BYLINE_RE = re.compile(r"^(?:автор|текст|корреспондент)\s*:\s*[А-ЯЁ]", re.I)
COOKIE_RE = re.compile(r"\bcookies?\b|куки|файлы\s+cookie", re.I)
CAPTION_CREDIT_RE = re.compile(
    r"(?:(?:фото|кадр|иллюстрация|видео)\s*:\s*[^.!?]{0,100}$"
    r"|(?:фото|кадр)\s+(?:из|с)\s+[^.!?]{0,80}$"
    # "Фото Ивана Петрова" alone; a credit glued to the lead ("Фото X Вице-мэр … дала интервью.") is prose
    r"|^(?:фото|кадр)\s+[^.!?]{0,60}$"
    r"|\b[А-ЯЁA-Z]{2,}/[А-ЯЁA-Z][\w.\-]*(?:\s+[А-ЯЁA-Z][\w.\-]*){0,3}\s*\)?\s*$)",
    re.I,
)


# --- grammar ---------------------------------------------------------------------------------------
_WORD_RE = re.compile(r"[^\W\d_](?:[\w\u0301]|-(?=\w))*\.?|\d+")
_GENDERS = {"masc": "m", "femn": "f", "neut": "n", "plur": "pl"}
_WRITER = frozenset({"1per", "2per", "impr"})  # the writer's own verb ("Напомним, что"), not a report
_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2"})


def words(text: str, lo: int, hi: int) -> list[Word]:
    """The words of text[lo:hi] with their offsets; a trailing period stays on an initial ("Д.")."""
    out: list[Word] = []
    for m in _WORD_RE.finditer(text, lo, hi):
        w = m.group()
        if w[-1] == "." and len(w) > 2:  # a word before a sentence's period, not an initial
            w = w[:-1]
        if not w.isascii() and _LATIN.search(w):
            w = _cyrillic(w)
        a = m.start()
        glued = _GLUED_WORD.search(w)  # "Вячеслав ГладковПоделиться": a share button run into the name
        if glued is not None:
            b = glued.start()
            out.append(Word(w[:b], a, a + b, _low(w[:b]), w[0].isupper()))
            w, a = w[b:], a + b
        out.append(Word(w, a, a + len(w), _low(w), w[0].isupper()))
    return out


# A page's button or link word run into the word before it with no space: "ГладковПоделиться". Split
# once; only before such words, since companies write themselves so ("РусГидро", "МегаФон").
_GLUED_WORD = re.compile(r"(?<=[а-яё]{2})(?=(?:Поделит|Подпис|Читат|Читайт|Фото|Реклам|Коммент|Смотрит)[а-яё])")


# Latin letters that look like Cyrillic ones, typed into a Cyrillic word ("Пeсков" with a Latin e):
# the word is read as the Cyrillic it shows. Same length, so offsets hold.
_LOOKALIKES = str.maketrans("aeopcxyAEOPCXBKMHT", "аеорсхуАЕОРСХВКМНТ")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")


def _cyrillic(w: str) -> str:
    """A word with more Cyrillic letters than Latin ones, its Latin lookalikes made Cyrillic."""
    if len(_CYRILLIC.findall(w)) <= len(_LATIN.findall(w)):
        return w
    fixed = w.translate(_LOOKALIKES)
    return fixed if not _LATIN.search(fixed) else w


@functools.lru_cache(maxsize=100_000)
def _low(w: str) -> str:
    return w.casefold().replace("ё", "е")


# Where a sentence may end inside a paragraph: a stop, then space, then anything but a lower-case letter.
# A paragraph without one is one sentence, and razdel (a quarter of the extraction time) is not asked.
_MAY_END = re.compile(r"[.!?…][»\"“”)]*\s+[^\sа-яёa-z]")


# A stop with no space after it between two words ("РИА Новости.По его словам"): copy pasted together.
_GLUED = re.compile(r"(?<=[а-яё]{2}[.!?])(?=[А-ЯЁ][а-яё])")


def sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """razdel's sentences of text[lo:hi] as absolute (start, end) spans, also split where a stop
    runs into the next sentence's capital."""
    glued = [m.start() for m in _GLUED.finditer(text, lo, hi)]
    if _MAY_END.search(text, lo, hi) is None:
        spans = [(lo, hi)]
    else:
        from razdel import sentenize

        spans = [(lo + s.start, lo + s.stop) for s in sentenize(text[lo:hi])]
    for cut in glued:
        spans = [part for a, b in spans for part in ([(a, cut), (cut, b)] if a < cut < b else [(a, b)])]
    return spans


def warm() -> None:
    """Load what the grammar reads with (pymorphy3's dictionary, razdel): the first Russian article
    of a process would otherwise pay for it inside its extraction time cap."""
    _analyzer()
    import razdel  # noqa: F401


@functools.cache
def _analyzer() -> Any:
    from rules.inflect import analyzer  # lazily, and one dictionary per process (~15 MB) for both

    return analyzer()


@functools.lru_cache(maxsize=200_000)
def parses(word: str) -> tuple[Reading, ...]:
    """pymorphy3's readings of one word, most likely first (ё read as е in lemmas)."""
    if len(word) == 2 and word.endswith("."):
        return (Reading(word, "INIT", frozenset(), "", "Init", False, 1.0),)
    out = []
    known = _analyzer().word_is_known(word.casefold())
    for p in _analyzer().parse(word):
        g = p.tag.grammemes
        gender = next((_GENDERS[k] for k in ("masc", "femn", "neut", "plur") if k in g), "")
        name = next((t for t in ("Name", "Surn", "Patr") if t in g), "")
        lemma = p.normal_form.replace("ё", "е")
        out.append(
            Reading(
                lemma,
                str(p.tag.POS or ""),  # a plain str: pymorphy3's grammeme refuses == ""
                frozenset(g & _CASES),
                gender,
                name,
                "Orgn" in g or lemma in ORG_WORDS,
                p.score,
                known,
                bool(g & _WRITER),
                "anim" in g,
            )
        )
    return tuple(out)


_MANS_SURNAME_ENDINGS = ("ов", "ев", "ёв")
# After a given name also these: "Пётр Зарубин" (зарубина), not "Причин для тревоги нет" anywhere else.
_MANS_SURNAME_ENDINGS_AFTER_GIVEN = (*_MANS_SURNAME_ENDINGS, "ин", "ын")


@functools.lru_cache(maxsize=50_000)
def plural_surname(word: str, after_given: bool = False) -> bool:
    """A capitalised word the dictionary reads only as a noun's genitive or accusative plural, ending
    as a man's surname does: Кулаков (кулак), Быков in a name are a surname in the nominative; after
    a given name also Зарубин, Калин."""
    endings = _MANS_SURNAME_ENDINGS_AFTER_GIVEN if after_given else _MANS_SURNAME_ENDINGS
    if not word[:1].isupper() or not word.casefold().endswith(endings):
        return False
    if not _analyzer().word_is_known(word.casefold()):
        return False
    found = _analyzer().parse(word)
    # a possessive short adjective of the same form (сомов, "the catfish's") is no other reading; after
    # a given name or inside a sentence one alone is a surname too (Ядров: ядровый)
    nouns = [p for p in found if p.tag.POS != "ADJS"]
    if not nouns:
        return after_given and bool(found)
    return all(
        p.tag.POS == "NOUN"
        and "plur" in p.tag.grammemes
        and p.tag.case in ("gent", "accs")
        and not NAME_TAGS & p.tag.grammemes
        for p in nouns
    )


def lemma(word: str) -> str:
    """The likeliest lemma of a word."""
    found = parses(word)
    return found[0].lemma if found else word.casefold()


@functools.lru_cache(maxsize=50_000)
def nominative(word: str, gender: str, oblique: bool = False) -> str:
    """A name word in the nominative, keeping the gender the text shows (Захаровой -> Захарова) and
    the capitals as written. `oblique`: the syntax says the word is not in the nominative (after "по
    словам", the object of "цитирует"), so a reading in another case is taken even when a nominative one
    exists (Симоняна). Otherwise a word the dictionary does not know stays as written (its guesses for
    foreign and rare surnames are unreliable: Черчесов, Рютте), as does a word with a nominative reading."""
    if len(word) <= 2 or word.isupper() or plural_surname(word, True):
        return word
    parses = _analyzer().parse(word)
    if word.casefold().endswith(_MANS_SURNAME_ENDINGS) and all({"Name", "plur"} <= p.tag.grammemes for p in parses):
        return word  # "Мусаев": a man's surname, though the dictionary reads it as the plural of Мусай
    known = _analyzer().word_is_known(word.casefold())
    listed: str | None = next((str(p.normal_form) for p in parses if p.normal_form in ORG_WORDS), None)
    if not known and listed:  # "В Росавиации": an organisation of the table, by its lemma
        return listed[:1].upper() + listed[1:]
    if not known and (not oblique or word.endswith("е")):
        return word  # no genitive or accusative ends in -е: an indeclinable surname (Вяльбе)
    cands = (
        [p for p in parses if NAME_TAGS & p.tag.grammemes]
        or [p for p in parses if p.tag.POS == "NOUN"]
        # a surname that declines as an adjective (Усатого -> Усатый), one person's: singular only
        or [p for p in parses if p.tag.POS == "ADJF" and "sing" in p.tag.grammemes and "neut" not in p.tag.grammemes]
    )
    if not cands:
        return word  # no noun reading: an indeclinable surname (Мутко), not an adverb to inflect
    if gender in ("m", "f"):
        want = "masc" if gender == "m" else "femn"
        cands = [p for p in cands if want in p.tag.grammemes] or cands
    if oblique:
        cands = [p for p in cands if "nomn" not in p.tag.grammemes] or cands
    elif any("nomn" in p.tag.grammemes for p in cands):
        return word
    for p in cands:
        inflected = p.inflect({"nomn"})
        if inflected is not None:
            found = inflected.word if "ё" in word.casefold() else inflected.word.replace("ё", "е")
            return "-".join(part[:1].upper() + part[1:] for part in found.split("-"))
    return word
