"""English for statement extraction: the grammar in code, the vocabulary in the data files beside it.

The extractor (watchers.statements) is language-neutral and reads everything English from here under
fixed names. Word tables (reporting verbs, pronouns, honorifics, titles, role nouns, organisation
words, names, boilerplate openings, ...) live one a file in this folder, named for the attribute
(`ROLE_NOUNS` <- `role_nouns.txt`); each file's header says what the table is for, and
`watchers.statements.lang.data` tells the file format. What stays in code is grammar: verb
inflection, quote-mark styles, surname endings and the patterns of boilerplate lines. Another
language is a sibling package with the same names.
"""

from __future__ import annotations

import re

from watchers.statements.lang import data as _data

_LANG = "en"


def _entries(name: str) -> tuple[str, ...]:
    return _data.entries(_LANG, name)


def _words(name: str) -> frozenset[str]:
    return _data.words(_LANG, name)


def _mapping(name: str) -> dict[str, str]:
    return _data.mapping(_LANG, name)


def _groups(name: str) -> dict[str, frozenset[str]]:
    return _data.groups(_LANG, name)


# --- reporting verbs -------------------------------------------------------------------------------
# Verbs listed by lemma; every inflection is a cue. Irregular ones: lemma -> (3rd person, past, -ing).
_IRREGULAR: dict[str, tuple[str, ...]] = {
    lemma: tuple(forms.split()) for lemma, forms in _mapping("irregular_verbs").items()
}
QUOTE_VERB_LEMMAS: tuple[str, ...] = _entries("quote_verb_lemmas")
CLAUSE_VERB_LEMMAS: tuple[str, ...] = _entries("clause_verb_lemmas")
THAT_ONLY_LEMMAS: frozenset[str] = _words("that_only_lemmas")
IRREGULAR_PAST: frozenset[str] = _words("irregular_past")
MODALS: frozenset[str] = _words("modals")
NEGATIONS: frozenset[str] = _words("negations")
POLARITY_WORDS: frozenset[str] = _words("polarity_words")  # dedup: "not" makes it another statement
PHRASAL_CUES: tuple[str, ...] = _entries("phrasal_cues")


def _inflect(lemma: str) -> tuple[str, str, str, str]:
    if lemma in _IRREGULAR:
        third, past, ing = _IRREGULAR[lemma]
        return lemma, third, past, ing
    if lemma.endswith("e"):
        past, ing = lemma + "d", lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, ing = lemma + "ed", lemma + "ing"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    return lemma, third, past, ing


def _forms(lemmas: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lemma in lemmas:
        for form in _inflect(lemma):
            out[form] = lemma
    return out


QUOTE_VERBS: dict[str, str] = _forms(QUOTE_VERB_LEMMAS)  # form -> lemma
CLAUSE_VERBS: dict[str, str] = _forms(CLAUSE_VERB_LEMMAS)
NOUN_LIKE_FORMS: frozenset[str] = _words("noun_like_forms")
PARTICIPLE_CUES: frozenset[str] = _words("participle_cues")
AUX_ADVERBS: frozenset[str] = _words("aux_adverbs")
BE_FORMS: frozenset[str] = _words("be_forms")
ADJUNCT_PREPS: frozenset[str] = _words("adjunct_preps")
THAT_WORDS: frozenset[str] = _words("that_words")
PARTIAL_PARTICIPLES: frozenset[str] = _words("partial_participles")
NAMING_VERBS: frozenset[str] = _words("naming_verbs")  # 'called him a "liar"': no scare quote
TELL_LEMMAS: frozenset[str] = _words("tell_lemmas")
OBJECT_LEMMAS: frozenset[str] = _words("object_lemmas")
FINITE: frozenset[str] = _words("finite")
SUBORDINATORS: frozenset[str] = _words("subordinators")
CLAUSE_SUBJECTS: frozenset[str] = _words("clause_subjects")
ADJUNCT_WORDS: frozenset[str] = _words("adjunct_words")
ADJUNCT_OPENERS: frozenset[str] = _words("adjunct_openers")
WEEKDAYS: frozenset[str] = _words("weekdays")
OPENERS: frozenset[str] = _words("openers")
LEAD_ADVERBS: frozenset[str] = _words("lead_adverbs")  # 'Then, "..."': the quote still opens its sentence

# --- pronouns and determiners ----------------------------------------------------------------------
SUBJECT_PRONOUNS: dict[str, str] = _mapping("subject_pronouns")  # -> "m" | "f" | "org" | "pl"
OBJECT_PRONOUNS: dict[str, str] = _mapping("object_pronouns")
FIRST_PERSON: frozenset[str] = _words("first_person")
DETERMINERS: frozenset[str] = _words("determiners")
INDEFINITE: frozenset[str] = _words("indefinite")
CAP_DETERMINERS: frozenset[str] = _words("cap_determiners")
ONE_PERSON_DETS: frozenset[str] = _words("one_person_dets")
POSSESSIVE_DETS: frozenset[str] = _words("possessive_dets")

# --- people: honorifics, titles, roles, names ------------------------------------------------------
HONORIFICS: dict[str, str] = _mapping("honorifics")  # -> gender, "" when unknown
SPEAKING_DOCUMENTS: frozenset[str] = _words("speaking_documents")
ROLE_NOUNS: dict[str, str] = _mapping("role_nouns")  # -> gender, "" when unknown
GENERIC_ROLE_NOUNS: dict[str, frozenset[str]] = _groups("generic_role_nouns")
ROLE_SYNONYMS: dict[str, str] = _mapping("role_synonyms")
NATIONALITY_NOUNS: frozenset[str] = _words("nationality_nouns")
TITLE_WORDS: frozenset[str] = _words("title_words")
TITLE_LINKS: frozenset[str] = _words("title_links")
UNNAMED_GROUPS: frozenset[str] = _words("unnamed_groups")
SHARE_WORDS: frozenset[str] = _words("share_words")  # "47 percent said", "half said"
SHARE_MODIFIERS: frozenset[str] = _words("share_modifiers")
NUMBER_WORDS: frozenset[str] = _words("number_words")
SOURCE_POSTMODIFIERS: frozenset[str] = _words("source_postmodifiers")
NAME_PARTICLES: frozenset[str] = _words("name_particles")
NAME_SUFFIXES: frozenset[str] = _words("name_suffixes")
NAME_LEADING_ADJECTIVES: frozenset[str] = _words("name_leading_adjectives")
NOT_NAME_WORDS: frozenset[str] = _words("not_name_words")
SURNAME_WORDS: frozenset[str] = _words("surname_words")  # "George Will", "Ms. Read": see the file
ADDRESS_TITLES: frozenset[str] = _words("address_titles")  # "Mr. President" a role, "Mr. King" a name
# First names as a test of "is this word a given name" stay our own short lists. gender-guesser was
# tried for that (issue #11): its 61,000 names include "will", "may", "the" and "said", which turned
# words into first names and moved speakers (tuning-set speaker accuracy 0.969 -> 0.960); it is also
# GPLv3 in an MIT project. The gender of a name already read as a person's comes from these lists
# first, then from the nomquamgender package's list (statements/first_names.py, issue #13).
MALE_NAMES: frozenset[str] = _words("male_names")
FEMALE_NAMES: frozenset[str] = _words("female_names")
# Surname endings that mark gender in Slavic names (Petrova, Kovalenko is neutral).
FEMALE_SURNAME_ENDINGS: tuple[str, ...] = ("ova", "eva", "ёва", "ina", "aya", "skaya", "tskaya", "ová", "ská")
MALE_SURNAME_ENDINGS: tuple[str, ...] = ("ov", "ev", "yov", "sky", "skiy", "skii", "tsky")

# --- organisations and documents -------------------------------------------------------------------
ORG_HEADS: frozenset[str] = _words("org_heads")
ORG_NOUNS: frozenset[str] = _words("org_nouns")
ORG_LINKS: frozenset[str] = _words("org_links")
SINGLETON_ORGS: frozenset[str] = _words("singleton_orgs")
COMPANY_NOUNS: frozenset[str] = _words("company_nouns")
COMPANY_HEADS: frozenset[str] = _words("company_heads")
DESCRIPTIVE_MODIFIERS: frozenset[str] = _words("descriptive_modifiers")
DOCUMENT_NOUNS: frozenset[str] = _words("document_nouns")
WORK_NOUNS: frozenset[str] = _words("work_nouns")  # a quoted title after them is no one's words
SLOGAN_NOUNS: frozenset[str] = _words("slogan_nouns")  # 'the slogan, "..."': shown, not said
ISSUER_PARTICIPLES: frozenset[str] = _words("issuer_participles")
PLACE_PREPS: frozenset[str] = _words("place_preps")
PP_HEADS: frozenset[str] = _words("pp_heads")

# --- sentences -------------------------------------------------------------------------------------
ABBREVIATIONS: frozenset[str] = _words("abbreviations")
SENTENCE_STARTERS: frozenset[str] = _words("sentence_starters")

# --- quote marks -----------------------------------------------------------------------------------
# Opening and closing marks of the outer (double) level. „ opens German/Russian quotes, closed by “;
# « » are guillemets; ‹ › the single guillemets some outlets use for nesting.
DOUBLE_OPEN: frozenset[str] = frozenset({"\u201c", "\u201e", "\u00ab", "\u201f", "\u2e42"})
DOUBLE_CLOSE: frozenset[str] = frozenset({"\u201d", "\u00bb", "\u201c"})
STRAIGHT_DOUBLE = '"'
SINGLE_OPEN: frozenset[str] = frozenset({"\u2018", "\u201a", "\u2039"})
SINGLE_CLOSE: frozenset[str] = frozenset({"\u2019", "\u203a"})
STRAIGHT_SINGLE = "'"
ALL_MARKS = "\"'\u201c\u201d\u201e\u201f\u00ab\u00bb\u2018\u2019\u201a\u2039\u203a\u2e42"

# --- boilerplate -----------------------------------------------------------------------------------
BOILERPLATE_STARTS: tuple[str, ...] = _entries("boilerplate_starts")
# A whole line of menu words run together: "HomeNewsWorldShare".
RUN_TOGETHER_RE = re.compile(r"^(?:[A-Z][a-z]+){3,}$")
TIMESTAMP_RE = re.compile(r"^\(?\d{1,2}:\d{2}(?::\d{2})?\)?(?:\s|$|[-–—])")
COMMENT_COUNT_RE = re.compile(r"^\d+\s+(?:comments?|shares?|replies|reactions?|views?)\b", re.I)
# Credits that mark a photo caption: "(Photo: Jane Roe/Example Agency)", "REUTERS/Jane Roe", "Getty Images".
CAPTION_CREDIT_RE = re.compile(
    r"(?:\((?:photo|image|picture|foto|credit|video)s?(?:\s+by)?\s*[:/][^)]*\)\s*$"
    r"|(?:photo|image|picture|credit)s?(?:\s+by)?:\s*[^.!?]{0,80}$"
    r"|getty images|shutterstock|\bap photo\b|\bafp photo\b|\bepa(?:-efe)?\b\s*$"
    r"|\b[A-Z]{2,}/[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,3}\s*\)?\s*$)",
    re.I,
)
BYLINE_RE = re.compile(
    r"^(?:by|von|par|от)\s+[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){0,3}(?:\s*(?:,|and|&|\||$))"
)
COOKIE_RE = re.compile(r"\bcookies?\b.*\b(?:accept|consent|privacy|browsing|experience|website|site)\b", re.I)
